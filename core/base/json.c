/* JSON in and out through yajl: a callback parser that builds an arena tree
 * with an explicit container stack (bounded depth, no recursion, no duplicate
 * keys), and a writer over yajl_gen that refuses misuse and bad UTF-8. */
#include "base/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "base/utf8.h"

/* Same policy as the arena: running out of memory ends the process rather
 * than surfacing as a bogus "malformed JSON" or a half-written document. */
static void oom(void)
{
	fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
	abort();
}

/* Cuts a partial UTF-8 sequence off the end of a truncated message, so an
 * error that quotes a key can still be put into a JSON response. */
static void utf8_trim_tail(char *s)
{
	size_t len = strlen(s);
	size_t i = len;
	while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char c = (unsigned char)s[i - 1];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

/* ---- parser ---- */

/* One open array or object. Items (and keys) collect in malloc'd vectors,
 * copied into the arena once the container closes. */
struct frame {
	json_value *v;
	json_value **items;
	const char **keys; /* objects only; keys[n] is the pending key */
	size_t n, cap;
};

struct parse_ctx {
	arena *a;
	json_value *root;
	struct frame stack[JSON_MAX_DEPTH];
	size_t depth;
	json_status status; /* set by a callback that stops the parse */
	char *err;
	size_t errlen;
	/* Budget: values made, scratch bytes held, arena use at the start. */
	size_t nodes, max_nodes;
	size_t scratch, arena0, max_bytes;
};

static void set_err(struct parse_ctx *c, json_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(struct parse_ctx *c, json_status st, const char *fmt, ...)
{
	c->status = st;
	if (c->err == NULL || c->errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	utf8_trim_tail(c->err);
}

static void frame_reserve(struct parse_ctx *c, struct frame *f)
{
	if (f->n < f->cap)
		return;
	size_t cap = f->cap ? f->cap * 2 : 8;
	c->scratch += (cap - f->cap) * sizeof(void *) * (f->v->type == JSON_OBJECT ? 2 : 1);
	if (cap > SIZE_MAX / 2 / sizeof(void *))
		oom();
	json_value **items = realloc(f->items, cap * sizeof(*items));
	if (items == NULL)
		oom();
	f->items = items;
	if (f->v->type == JSON_OBJECT) {
		const char **keys = realloc(f->keys, cap * sizeof(*keys));
		if (keys == NULL)
			oom();
		f->keys = keys;
	}
	f->cap = cap;
}

static void frame_release(struct parse_ctx *c, struct frame *f)
{
	c->scratch -= f->cap * sizeof(void *) * (f->keys != NULL ? 2 : 1);
	free(f->items);
	free(f->keys);
	memset(f, 0, sizeof(*f));
}

/* false (and the parse stops) once the tree passes its budget. */
static bool within_budget(struct parse_ctx *c)
{
	if (c->nodes > c->max_nodes || arena_used(c->a) - c->arena0 + c->scratch > c->max_bytes) {
		set_err(c, JSON_ETOOBIG, "il documento ha troppi valori per la sua dimensione");
		return false;
	}
	return true;
}

/* Makes a value and hangs it on the open container (or makes it the root). */
static json_value *add_value(struct parse_ctx *c, json_type t)
{
	c->nodes++;
	json_value *v = arena_calloc(c->a, 1, sizeof(*v));
	v->type = t;
	if (c->depth == 0) {
		c->root = v;
		return v;
	}
	struct frame *f = &c->stack[c->depth - 1];
	/* For objects map_key already reserved the slot and stored keys[n]. */
	frame_reserve(c, f);
	f->items[f->n++] = v;
	return v;
}

/* The server works with C strings, so a NUL inside a string or key (only
 * possible through the \u0000 escape) is refused rather than truncated. */
static const char *take_string(struct parse_ctx *c, const unsigned char *s, size_t len, const char *what)
{
	if (memchr(s, '\0', len) != NULL) {
		set_err(c, JSON_EMALFORMED, "%s contiene un carattere NUL", what);
		return NULL;
	}
	if (!utf8_valid((const char *)s, len)) {
		set_err(c, JSON_EMALFORMED, "%s non è in UTF-8 valido", what);
		return NULL;
	}
	return arena_strndup(c->a, (const char *)s, len);
}

static int cb_null(void *ctx)
{
	add_value(ctx, JSON_NULL);
	return within_budget(ctx);
}

static int cb_boolean(void *ctx, int b)
{
	add_value(ctx, JSON_BOOL)->u.boolean = b != 0;
	return within_budget(ctx);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct parse_ctx *c = ctx;
	/* yajl's lexer has already checked the grammar of the number. */
	char *text = arena_strndup(c->a, s, len);
	json_value *v = add_value(c, JSON_NUMBER);
	v->u.number.text = text;
	v->u.number.real = strtod(text, NULL);
	if (strpbrk(text, ".eE") == NULL) {
		char *end;
		errno = 0;
		long long i = strtoll(text, &end, 10);
		/* Out of range stays a valid number, just not an integer. */
		if (errno == 0 && *end == '\0') {
			v->u.number.is_integer = true;
			v->u.number.integer = i;
		}
	}
	return within_budget(c);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parse_ctx *c = ctx;
	const char *str = take_string(c, s, len, "una stringa");
	if (str == NULL)
		return 0;
	json_value *v = add_value(c, JSON_STRING);
	v->u.string.s = str;
	v->u.string.len = len;
	return within_budget(c);
}

static int start_container(struct parse_ctx *c, json_type t)
{
	if (c->depth == JSON_MAX_DEPTH) {
		set_err(c, JSON_ETOODEEP, "annidamento oltre %d livelli", JSON_MAX_DEPTH);
		return 0;
	}
	json_value *v = add_value(c, t);
	struct frame *f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->v = v;
	return within_budget(c);
}

static int cb_start_map(void *ctx)
{
	return start_container(ctx, JSON_OBJECT);
}

static int cb_start_array(void *ctx)
{
	return start_container(ctx, JSON_ARRAY);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parse_ctx *c = ctx;
	const char *key = take_string(c, s, len, "una chiave");
	if (key == NULL)
		return 0;
	struct frame *f = &c->stack[c->depth - 1];
	frame_reserve(c, f);
	f->keys[f->n] = key;
	return within_budget(c);
}

static int cmp_key(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cb_end_map(void *ctx)
{
	struct parse_ctx *c = ctx;
	struct frame *f = &c->stack[c->depth - 1];
	json_value *v = f->v;
	v->u.object.n = f->n;
	if (f->n > 0) {
		v->u.object.keys = arena_alloc(c->a, f->n * sizeof(*f->keys));
		v->u.object.values = arena_alloc(c->a, f->n * sizeof(*f->items));
		memcpy(v->u.object.keys, f->keys, f->n * sizeof(*f->keys));
		memcpy(v->u.object.values, f->items, f->n * sizeof(*f->items));
		/* The tree keeps source order; sorting the scratch vector finds
		 * duplicates in O(n log n) however many keys there are. */
		qsort(f->keys, f->n, sizeof(*f->keys), cmp_key);
		for (size_t i = 1; i < f->n; i++) {
			if (strcmp(f->keys[i - 1], f->keys[i]) == 0) {
				set_err(c, JSON_EMALFORMED, "chiave ripetuta \"%s\"", f->keys[i]);
				return 0;
			}
		}
	}
	frame_release(c, f);
	c->depth--;
	return 1;
}

static int cb_end_array(void *ctx)
{
	struct parse_ctx *c = ctx;
	struct frame *f = &c->stack[c->depth - 1];
	json_value *v = f->v;
	v->u.array.n = f->n;
	if (f->n > 0) {
		v->u.array.items = arena_alloc(c->a, f->n * sizeof(*f->items));
		memcpy(v->u.array.items, f->items, f->n * sizeof(*f->items));
	}
	frame_release(c, f);
	c->depth--;
	return 1;
}

static const yajl_callbacks parse_callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_boolean,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_map_key,
    .yajl_end_map = cb_end_map,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end_array,
};

/* The code unit of a \uXXXX escape at s (s[0] is the backslash), or -1. */
static long escape_unit(const char *s, size_t left)
{
	if (left < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	long v = 0;
	for (int i = 2; i < 6; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* yajl 2.1 decodes a lone surrogate escape (\ud800) as '?' and pairs a high
 * surrogate with whatever escape follows (\ud800\u0041 becomes U+10041):
 * text the client never sent. Every high surrogate escape must be followed
 * at once by a low one, and a low one must not stand alone. Only escapes
 * inside strings count; anything else malformed is left to yajl. */
static bool surrogates_paired(const char *buf, size_t len)
{
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = buf[i] == '"';
			continue;
		}
		if (buf[i] == '"') {
			in_string = false;
			continue;
		}
		if (buf[i] != '\\')
			continue;
		long u = escape_unit(buf + i, len - i);
		if (u >= 0xDC00 && u <= 0xDFFF)
			return false;
		if (u >= 0xD800 && u <= 0xDBFF) {
			long lo = escape_unit(buf + i + 6, len - i - 6); /* u >= 0: 6 bytes are there */
			if (lo < 0xDC00 || lo > 0xDFFF)
				return false;
			i += 11; /* both escapes */
			continue;
		}
		i++; /* the escaped character, whatever it is */
	}
	return true;
}

/* strspn over a buffer that is not NUL-terminated. */
static size_t strspn_n(const char *s, size_t len, const char *accept)
{
	size_t i = 0;
	while (i < len && s[i] != '\0' && strchr(accept, s[i]) != NULL)
		i++;
	return i;
}

/* yajl's messages are English and name no place: each known one is said in
 * Italian, with the line and column (in characters) where yajl stopped. */
static const struct {
	const char *english; /* a piece of yajl's message */
	const char *italian;
} yajl_messages[] = {
    {"premature EOF", "il testo finisce prima che il documento sia completo"},
    {"trailing garbage", "c'è altro testo dopo la fine del documento"},
    {"invalid bytes in UTF8", "una stringa non è in UTF-8 valido"},
    {"invalid char in json text", "carattere non ammesso in questo punto"},
    {"invalid string in json text", "stringa non valida"},
    {"invalid character inside string", "carattere di controllo o escape non ammesso in una stringa"},
    {"non-hex", "escape \\u non seguito da quattro cifre esadecimali"},
    {"malformed number", "numero scritto male"},
    {"probable comment", "i commenti non sono ammessi"},
    {"overflow", "numero troppo grande"},
    {"invalid object key", "la chiave di un oggetto deve essere una stringa"},
    {"separated by a colon", "manca ':' tra chiave e valore"},
    {"I expect ',' or '}'", "atteso ',' o '}'"},
    {"I expect ',' or ']'", "atteso ',' o ']'"},
    {"unallowed token", "valore non atteso in questo punto"},
};

/* Says in err, in Italian, why yajl stopped and where: near the character
 * yajl read last (the offending one or the one just before it, depending on
 * the token), or the end of the text when it ended too soon (at_end). */
static void set_yajl_err(struct parse_ctx *c, yajl_handle h, const char *buf, size_t len, bool at_end)
{
	unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
	if (msg == NULL)
		oom();
	const char *why = "sintassi non valida";
	for (size_t i = 0; i < sizeof(yajl_messages) / sizeof(yajl_messages[0]); i++)
		if (strstr((char *)msg, yajl_messages[i].english) != NULL) {
			why = yajl_messages[i].italian;
			break;
		}
	yajl_free_error(h, msg);
	size_t consumed = yajl_get_bytes_consumed(h);
	size_t at = at_end ? len : consumed > 0 ? consumed - 1 : 0, line = 1, column = 1;
	if (at > len)
		at = len;
	for (size_t i = 0; i < at; i++) {
		if (buf[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			column++; /* a character starts here */
		}
	}
	set_err(c, JSON_EMALFORMED,
	        at_end ? "%s (alla fine del testo, riga %zu, colonna %zu)" : "%s (vicino alla riga %zu, colonna %zu)",
	        why, line, column);
}

void json_body_budget(size_t len, size_t *max_nodes, size_t *max_bytes)
{
	*max_nodes = JSON_MAX_NODES;
	*max_bytes = JSON_TREE_BYTES_BASE + len * JSON_TREE_BYTES_PER_BODY_BYTE;
}

json_status json_parse(arena *a, const char *buf, size_t len, json_value **out, char *err, size_t errlen)
{
	return json_parse_budget(a, buf, len, SIZE_MAX, SIZE_MAX, out, err, errlen);
}

json_status json_parse_budget(arena *a, const char *buf, size_t len, size_t max_nodes, size_t max_bytes,
                              json_value **out, char *err, size_t errlen)
{
	struct parse_ctx c = {
	    .a = a,
	    .status = JSON_OK,
	    .err = err,
	    .errlen = errlen,
	    .max_nodes = max_nodes,
	    .max_bytes = max_bytes,
	    .arena0 = arena_used(a),
	};
	yajl_handle h = NULL;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* yajl would say "premature EOF", which misleads about an empty body. */
	if (len == strspn_n(buf, len, " \t\r\n")) {
		set_err(&c, JSON_EMALFORMED, "il documento è vuoto");
		goto fail;
	}
	if (!surrogates_paired(buf, len)) {
		set_err(&c, JSON_EMALFORMED, "un escape \\u è un surrogato UTF-16 isolato o spaiato");
		goto fail;
	}
	h = yajl_alloc(&parse_callbacks, NULL, &c);
	if (h == NULL)
		oom();
	/* Spelled out although they are yajl's defaults: these are the rules
	 * the API promises, not an accident of the library version. */
	yajl_config(h, yajl_allow_comments, 0);
	yajl_config(h, yajl_dont_validate_strings, 0);
	yajl_config(h, yajl_allow_trailing_garbage, 0);
	yajl_config(h, yajl_allow_multiple_values, 0);
	yajl_config(h, yajl_allow_partial_values, 0);

	/* One call with the full length: an embedded NUL byte reaches the
	 * lexer and is an error, not the end of the text. */
	yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
	bool at_end = false;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = true;
	}
	if (st == yajl_status_client_canceled)
		goto fail; /* the callback has said why */
	if (st != yajl_status_ok) {
		set_yajl_err(&c, h, buf, len, at_end);
		goto fail;
	}
	if (c.root == NULL || c.depth != 0) {
		set_err(&c, JSON_EMALFORMED, "il documento è vuoto");
		goto fail;
	}
	yajl_free(h);
	*out = c.root;
	return JSON_OK;

fail:
	for (size_t i = 0; i < c.depth; i++)
		frame_release(&c, &c.stack[i]);
	if (h != NULL)
		yajl_free(h);
	if (c.status == JSON_OK) /* cannot happen; never report success */
		c.status = JSON_EMALFORMED;
	return c.status;
}

const json_value *json_get(const json_value *obj, const char *key)
{
	if (obj == NULL || key == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->u.object.n; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	return NULL;
}

const char *json_get_str(const json_value *obj, const char *key)
{
	const json_value *v = json_get(obj, key);
	return json_is(v, JSON_STRING) ? v->u.string.s : NULL;
}

bool json_is(const json_value *v, json_type t)
{
	return v != NULL && v->type == t;
}

/* ---- writer ---- */

/* What the writer expects next inside each open container. yajl_gen does
 * not notice "]" closing an object, a key inside an array or an object
 * closed after a key, so the writer tracks that itself. */
enum level { LV_ARRAY, LV_OBJ_KEY, LV_OBJ_VALUE };

struct jw {
	yajl_gen g;
	jw_sink sink;
	void *ctx;
	char *buf; /* buffer mode only; always NUL-terminated once allocated */
	size_t len, cap;
	bool failed;
	size_t depth;
	unsigned char levels[YAJL_MAX_DEPTH];
};

static void jw_print(void *ctx, const char *s, size_t n)
{
	jw *w = ctx;
	if (w->sink != NULL) {
		w->sink(w->ctx, s, n);
		return;
	}
	if (n >= SIZE_MAX - w->len)
		oom();
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		while (cap < w->len + n + 1) {
			if (cap > SIZE_MAX / 2)
				oom();
			cap *= 2;
		}
		char *b = realloc(w->buf, cap);
		if (b == NULL)
			oom();
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

jw *jw_new(jw_sink sink, void *ctx)
{
	jw *w = calloc(1, sizeof(*w));
	if (w == NULL)
		oom();
	w->sink = sink;
	w->ctx = ctx;
	w->g = yajl_gen_alloc(NULL);
	if (w->g == NULL)
		oom();
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	yajl_gen_config(w->g, yajl_gen_print_callback, jw_print, w);
	return w;
}

void jw_free(jw *w)
{
	if (w == NULL)
		return;
	yajl_gen_free(w->g);
	free(w->buf);
	free(w);
}

const char *jw_buffer(jw *w, size_t *len)
{
	if (w->sink != NULL) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (len != NULL)
		*len = w->len;
	return w->buf != NULL ? w->buf : "";
}

bool jw_failed(const jw *w)
{
	return w->failed;
}

static void check(jw *w, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		w->failed = true;
}

/* Whether a value may be written here; inside an object it uses up the key. */
static bool value_ok(jw *w)
{
	if (w->failed)
		return false;
	if (w->depth > 0) {
		unsigned char *top = &w->levels[w->depth - 1];
		if (*top == LV_OBJ_KEY) {
			w->failed = true;
			return false;
		}
		if (*top == LV_OBJ_VALUE)
			*top = LV_OBJ_KEY;
	}
	return true;
}

static void open_level(jw *w, enum level lv)
{
	if (!value_ok(w))
		return;
	if (w->depth == YAJL_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->levels[w->depth++] = (unsigned char)lv;
	check(w, lv == LV_ARRAY ? yajl_gen_array_open(w->g) : yajl_gen_map_open(w->g));
}

static void close_level(jw *w, enum level lv)
{
	if (w->failed)
		return;
	if (w->depth == 0 || w->levels[w->depth - 1] != lv) {
		w->failed = true;
		return;
	}
	w->depth--;
	check(w, lv == LV_ARRAY ? yajl_gen_array_close(w->g) : yajl_gen_map_close(w->g));
}

void jw_obj_begin(jw *w)
{
	open_level(w, LV_OBJ_KEY);
}

void jw_obj_end(jw *w)
{
	close_level(w, LV_OBJ_KEY);
}

void jw_arr_begin(jw *w)
{
	open_level(w, LV_ARRAY);
}

void jw_arr_end(jw *w)
{
	close_level(w, LV_ARRAY);
}

void jw_key(jw *w, const char *key)
{
	if (w->failed)
		return;
	size_t len = key != NULL ? strlen(key) : 0;
	if (key == NULL || w->depth == 0 || w->levels[w->depth - 1] != LV_OBJ_KEY || !utf8_valid(key, len)) {
		w->failed = true;
		return;
	}
	w->levels[w->depth - 1] = LV_OBJ_VALUE;
	check(w, yajl_gen_string(w->g, (const unsigned char *)key, len));
}

void jw_strn(jw *w, const char *s, size_t len)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	if (!value_ok(w))
		return;
	if (!utf8_valid(s, len)) {
		w->failed = true;
		return;
	}
	check(w, yajl_gen_string(w->g, (const unsigned char *)s, len));
}

void jw_str(jw *w, const char *s)
{
	jw_strn(w, s, s != NULL ? strlen(s) : 0);
}

void jw_int(jw *w, long long v)
{
	if (value_ok(w))
		check(w, yajl_gen_integer(w->g, v));
}

/* yajl_gen_double prints with %.20g ("0.10000000000000000555"); the
 * shortest of %.15g/%.17g that reads back exactly is what people expect. */
void jw_double(jw *w, double v)
{
	if (!value_ok(w))
		return;
	if (!isfinite(v)) {
		w->failed = true;
		return;
	}
	char text[40];
	snprintf(text, sizeof(text), "%.15g", v);
	if (strtod(text, NULL) != v)
		snprintf(text, sizeof(text), "%.17g", v);
	/* A locale with a decimal comma would otherwise corrupt the output. */
	for (char *p = text; *p != '\0'; p++)
		if (*p == ',')
			*p = '.';
	check(w, yajl_gen_number(w->g, text, strlen(text)));
}

/* The JSON grammar for a plain decimal: -?(0|[1-9][0-9]*)(\.[0-9]+)? .
 * yajl_gen_number copies its input verbatim, so this is the only guard. */
static bool decimal_text_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

void jw_num_text(jw *w, const char *text)
{
	if (text == NULL) {
		jw_null(w);
		return;
	}
	if (!value_ok(w))
		return;
	if (!decimal_text_ok(text)) {
		w->failed = true;
		return;
	}
	check(w, yajl_gen_number(w->g, text, strlen(text)));
}

void jw_bool(jw *w, bool v)
{
	if (value_ok(w))
		check(w, yajl_gen_bool(w->g, v));
}

void jw_null(jw *w)
{
	if (value_ok(w))
		check(w, yajl_gen_null(w->g));
}

/* Recursion is bounded: parsed trees are at most JSON_MAX_DEPTH deep. */
void jw_value(jw *w, const json_value *v)
{
	if (w->failed)
		return;
	if (v == NULL) {
		w->failed = true;
		return;
	}
	switch (v->type) {
	case JSON_NULL: jw_null(w); break;
	case JSON_BOOL: jw_bool(w, v->u.boolean); break;
	case JSON_NUMBER:
		/* Source text, already checked by yajl's lexer, may carry an
		 * exponent that jw_num_text would refuse. */
		if (v->u.number.text == NULL)
			w->failed = true;
		else if (value_ok(w))
			check(w, yajl_gen_number(w->g, v->u.number.text, strlen(v->u.number.text)));
		break;
	case JSON_STRING: jw_strn(w, v->u.string.s, v->u.string.len); break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (size_t i = 0; i < v->u.array.n; i++)
			jw_value(w, v->u.array.items[i]);
		jw_arr_end(w);
		break;
	case JSON_OBJECT:
		jw_obj_begin(w);
		for (size_t i = 0; i < v->u.object.n; i++) {
			jw_key(w, v->u.object.keys[i]);
			jw_value(w, v->u.object.values[i]);
		}
		jw_obj_end(w);
		break;
	default: w->failed = true; break;
	}
}

/* One member of an object being sorted for jw_canonical. */
typedef struct jw_member {
	const char *key;
	const json_value *value;
} jw_member;

/* strcmp compares as unsigned char: bytewise, which for UTF-8 is also code
 * point order. Keys are unique (the parser refuses duplicates). */
static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const jw_member *)a)->key, ((const jw_member *)b)->key);
}

/* Recursion is bounded like jw_value's. */
void jw_canonical(jw *w, const json_value *v)
{
	if (w->failed)
		return;
	if (v == NULL) {
		w->failed = true;
		return;
	}
	if (v->type == JSON_ARRAY) {
		jw_arr_begin(w);
		for (size_t i = 0; i < v->u.array.n; i++)
			jw_canonical(w, v->u.array.items[i]);
		jw_arr_end(w);
		return;
	}
	if (v->type != JSON_OBJECT) {
		jw_value(w, v);
		return;
	}
	size_t n = v->u.object.n;
	jw_member *m = malloc((n ? n : 1) * sizeof(*m));
	if (m == NULL)
		oom();
	for (size_t i = 0; i < n; i++)
		m[i] = (jw_member){v->u.object.keys[i], v->u.object.values[i]};
	qsort(m, n, sizeof(*m), member_cmp);
	jw_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_key(w, m[i].key);
		jw_canonical(w, m[i].value);
	}
	jw_obj_end(w);
	free(m);
}

void jw_kstr(jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kint(jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kbool(jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_knum_text(jw *w, const char *key, const char *text)
{
	jw_key(w, key);
	jw_num_text(w, text);
}

void jw_knull(jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}
