/* Unit tests for core/json.c: parsing (values, number text, depth limit,
 * malformed input), lookups, and the writer (exact output, UTF-8, misuse,
 * sink versus buffer). Expected values are literals. */
#include "base/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static json_status parse_str(arena *a, const char *s, json_value **out, char *err, size_t errlen)
{
	return json_parse(a, s, strlen(s), out, err, errlen);
}

/* n '[' then n ']' (close false: the brackets are left open). */
static char *nested_arrays(size_t n, bool close)
{
	char *s = malloc(2 * n + 1);
	if (s == NULL)
		abort();
	memset(s, '[', n);
	size_t len = n;
	if (close) {
		memset(s + n, ']', n);
		len += n;
	}
	s[len] = '\0';
	return s;
}

static void test_nested_document(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	const char *doc = "{\"comune\":\"Pisa\",\"ente\":{\"id\":7,\"attivo\":true,"
	                  "\"chiuso\":false,\"tag\":[\"a\",\"b\",[]],\"padre\":null,"
	                  "\"vuoto\":{}},\"quota\":0.5,\"esc\":\"\\u00e0\\n\\\"\"}";
	json_status st = parse_str(a, doc, &v, err, sizeof(err));
	CHECK(st == JSON_OK, "nested document parses");
	CHECK(json_is(v, JSON_OBJECT), "root is an object");
	CHECK(v->u.object.n == 4, "root has 4 members");
	CHECK_STR(v->u.object.keys[0], "comune", "keys keep source order (0)");
	CHECK_STR(v->u.object.keys[3], "esc", "keys keep source order (3)");
	CHECK_STR(json_get_str(v, "comune"), "Pisa", "string member");
	const json_value *ente = json_get(v, "ente");
	CHECK(json_is(ente, JSON_OBJECT), "nested object");
	const json_value *id = json_get(ente, "id");
	CHECK(json_is(id, JSON_NUMBER) && id->u.number.is_integer && id->u.number.integer == 7, "nested integer 7");
	CHECK(json_is(json_get(ente, "attivo"), JSON_BOOL) && json_get(ente, "attivo")->u.boolean, "true");
	CHECK(json_is(json_get(ente, "chiuso"), JSON_BOOL) && !json_get(ente, "chiuso")->u.boolean, "false");
	CHECK(json_is(json_get(ente, "padre"), JSON_NULL), "null");
	const json_value *vuoto = json_get(ente, "vuoto");
	CHECK(json_is(vuoto, JSON_OBJECT) && vuoto->u.object.n == 0, "empty object");
	const json_value *tag = json_get(ente, "tag");
	CHECK(json_is(tag, JSON_ARRAY) && tag->u.array.n == 3, "array of 3");
	CHECK(json_is(tag->u.array.items[0], JSON_STRING) && strcmp(tag->u.array.items[0]->u.string.s, "a") == 0,
	      "array item 0");
	CHECK_STR(tag->u.array.items[1]->u.string.s, "b", "array item 1");
	CHECK(json_is(tag->u.array.items[2], JSON_ARRAY) && tag->u.array.items[2]->u.array.n == 0, "empty array");
	const json_value *quota = json_get(v, "quota");
	CHECK(json_is(quota, JSON_NUMBER) && !quota->u.number.is_integer && quota->u.number.real == 0.5, "real 0.5");
	const json_value *esc = json_get(v, "esc");
	CHECK_STR(json_get_str(v, "esc"), "\xc3\xa0\n\"", "escapes decoded");
	CHECK(esc->u.string.len == 4, "decoded length in bytes");

	CHECK(json_get(v, "nessuno") == NULL, "missing key");
	CHECK(json_get(tag, "a") == NULL, "json_get on an array");
	CHECK(json_get(NULL, "a") == NULL, "json_get on NULL");
	CHECK(json_get_str(v, "ente") == NULL, "json_get_str on non-string");
	CHECK(json_get_str(v, "nessuno") == NULL, "json_get_str missing");
	CHECK(!json_is(NULL, JSON_NULL), "json_is(NULL) is false");

	st = parse_str(a, "  \"solo\"\n", &v, err, sizeof(err));
	CHECK(st == JSON_OK && json_is(v, JSON_STRING) && strcmp(v->u.string.s, "solo") == 0,
	      "top-level string with whitespace");
	st = parse_str(a, "42", &v, err, sizeof(err));
	CHECK(st == JSON_OK && json_is(v, JSON_NUMBER) && v->u.number.integer == 42, "top-level number");
	arena_free(a);
}

static void test_numbers(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	const char *doc = "[1234.50,-7,0,1e3,-2.5E-2,"
	                  "123456789012345678901234567890,"
	                  "9223372036854775807,-9223372036854775808,"
	                  "9223372036854775808]";
	CHECK(parse_str(a, doc, &v, err, sizeof(err)) == JSON_OK, "number array parses");
	json_value **it = v->u.array.items;
	CHECK(v->u.array.n == 9, "9 numbers");
	CHECK_STR(it[0]->u.number.text, "1234.50", "1234.50 keeps its text");
	CHECK(!it[0]->u.number.is_integer, "1234.50 is not an integer");
	CHECK(it[0]->u.number.real == 1234.5, "1234.50 real value");
	CHECK(it[1]->u.number.is_integer && it[1]->u.number.integer == -7, "-7 integer");
	CHECK(it[2]->u.number.is_integer && it[2]->u.number.integer == 0, "0 integer");
	CHECK(!it[3]->u.number.is_integer && it[3]->u.number.real == 1000.0, "1e3 is a real");
	CHECK_STR(it[3]->u.number.text, "1e3", "1e3 keeps its text");
	CHECK(!it[4]->u.number.is_integer && it[4]->u.number.real == -0.025, "-2.5E-2");
	CHECK_STR(it[5]->u.number.text, "123456789012345678901234567890", "30-digit integer keeps its text");
	CHECK(!it[5]->u.number.is_integer, "30-digit integer is not is_integer");
	CHECK(it[6]->u.number.is_integer && it[6]->u.number.integer == 9223372036854775807LL,
	      "LLONG_MAX is an integer");
	CHECK(it[7]->u.number.is_integer && it[7]->u.number.integer == -9223372036854775807LL - 1,
	      "LLONG_MIN is an integer");
	CHECK(!it[8]->u.number.is_integer, "LLONG_MAX+1 is not an integer");
	arena_free(a);
}

static void test_depth(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;

	char *s = nested_arrays(JSON_MAX_DEPTH, true);
	CHECK(parse_str(a, s, &v, err, sizeof(err)) == JSON_OK, "depth JSON_MAX_DEPTH parses");
	size_t depth = 0;
	for (const json_value *p = v; p != NULL && json_is(p, JSON_ARRAY);
	     p = p->u.array.n ? p->u.array.items[0] : NULL)
		depth++;
	CHECK(depth == 32, "tree is 32 arrays deep");
	free(s);

	s = nested_arrays(JSON_MAX_DEPTH + 1, true);
	err[0] = '\0';
	CHECK(parse_str(a, s, &v, err, sizeof(err)) == JSON_ETOODEEP, "depth JSON_MAX_DEPTH+1 is JSON_ETOODEEP");
	CHECK(err[0] != '\0', "too deep has a reason: %s", err);
	CHECK(v == NULL, "out is NULL on failure");
	free(s);

	/* Objects count too: 32 nested objects inside one array is 33. */
	char obj[512] = "[";
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		strcat(obj, "{\"k\":");
	strcat(obj, "1");
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		strcat(obj, "}");
	strcat(obj, "]");
	CHECK(parse_str(a, obj, &v, err, sizeof(err)) == JSON_ETOODEEP, "objects count toward the depth");
	CHECK(json_parse(a, obj + 1, strlen(obj) - 2, &v, err, sizeof(err)) == JSON_OK, "32 nested objects parse");

	s = nested_arrays(200000, false);
	CHECK(parse_str(a, s, &v, err, sizeof(err)) == JSON_ETOODEEP, "200000 '[' is JSON_ETOODEEP");
	free(s);
	arena_free(a);
}

struct bad {
	const char *name;
	const char *text;
	size_t len;
};

#define BAD(name, lit)                                                                                                 \
	{                                                                                                              \
		name, lit, sizeof(lit) - 1                                                                             \
	}

static void test_malformed(void)
{
	static const struct bad cases[] = {
	    BAD("trailing garbage", "{}x"),
	    BAD("comment", "/*x*/{}"),
	    BAD("line comment", "{} // x"),
	    BAD("trailing comma", "{\"a\":1,}"),
	    BAD("trailing comma in array", "[1,]"),
	    BAD("empty input", ""),
	    BAD("only whitespace", " \n\t "),
	    BAD("two values", "1 2"),
	    BAD("unterminated", "{\"a\":"),
	    BAD("invalid UTF-8 in a string", "\"\xff\""),
	    BAD("invalid UTF-8 in a key", "{\"\xc3\":1}"),
	    BAD("overlong UTF-8", "\"\xc0\x80\""),
	    BAD("UTF-8 encoded surrogate", "\"\xed\xa0\x80\""),
	    BAD("escaped lone low surrogate", "\"\\udc00\""),
	    BAD("escaped lone high surrogate", "\"\\ud800\""),
	    BAD("high surrogate then a letter escape", "\"\\ud800\\u0041\""),
	    BAD("high surrogate then a plain letter", "\"\\ud800A\""),
	    BAD("two high surrogates", "\"\\ud800\\ud800\""),
	    BAD("low surrogate before high", "\"\\udc00\\ud800\""),
	    BAD("lone high surrogate in a key", "{\"k\\uDBFF\":1}"),
	    BAD("high surrogate at the end of the input", "[\"\\ud800"),
	    BAD("escaped NUL in a string", "\"a\\u0000b\""),
	    BAD("escaped NUL in a key", "{\"a\\u0000\":1}"),
	    BAD("raw NUL between values", "[1,\0 2]"),
	    BAD("raw NUL after a value", "{}\0"),
	    BAD("raw NUL in a string", "\"a\0b\""),
	    BAD("duplicate keys", "{\"a\":1,\"a\":2}"),
	    BAD("duplicate keys apart", "{\"a\":1,\"b\":2,\"c\":{},\"a\":3}"),
	    BAD("nested duplicate keys", "[{\"x\":{\"k\":1,\"k\":1}}]"),
	    BAD("leading zero", "01"),
	    BAD("single quotes", "'a'"),
	    BAD("bare word", "nul"),
	};
	arena *a = arena_new();
	char err[128];
	json_value stale = {.type = JSON_NULL};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_value *v = &stale; /* json_parse must reset it */
		err[0] = '\0';
		json_status st = json_parse(a, cases[i].text, cases[i].len, &v, err, sizeof(err));
		CHECK(st == JSON_EMALFORMED, "malformed: %s", cases[i].name);
		CHECK(err[0] != '\0', "malformed: %s has a reason (%s)", cases[i].name, err);
		CHECK(v == NULL, "malformed: %s leaves out NULL", cases[i].name);
	}

	/* yajl's English never reaches a client: every reason above is
	 * Italian, and the syntax errors say where. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		json_value *w = NULL;
		json_parse(a, cases[i].text, cases[i].len, &w, err, sizeof(err));
		static const char *const english[] = {"error", "invalid", "expect", "EOF",    "garbage",
		                                      "token", "input",   "must",   "string."};
		for (size_t k = 0; k < sizeof(english) / sizeof(english[0]); k++)
			CHECK(strstr(err, english[k]) == NULL, "malformed: %s says \"%s\" (%s)", cases[i].name, err,
			      english[k]);
	}
	static const struct {
		const char *text, *want;
	} where[] = {
	    {"{\"a\":",
	     "il testo finisce prima che il documento sia completo (alla fine del testo, riga 1, colonna 6)"},
	    {"{}x", "c'è altro testo dopo la fine del documento (vicino alla riga 1, colonna 3)"},
	    {"{\n  \"a\": 1,\n  \"b\" 2\n}", "manca ':' tra chiave e valore (vicino alla riga 3, colonna 7)"},
	    {"[1,]", "valore non atteso in questo punto (vicino alla riga 1, colonna 4)"},
	    {"{\"città\": 1 2}", "atteso ',' o '}' (vicino alla riga 1, colonna 12)"},
	    {"[1 2]", "atteso ',' o ']' (vicino alla riga 1, colonna 4)"},
	    {"{1:2}", "la chiave di un oggetto deve essere una stringa (vicino alla riga 1, colonna 2)"},
	    {"/*x*/{}", "i commenti non sono ammessi (vicino alla riga 1, colonna 1)"},
	    {"-x", "numero scritto male (vicino alla riga 1, colonna 1)"},
	    {"", "il documento è vuoto"},
	};
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		json_value *w = NULL;
		err[0] = '\0';
		json_parse(a, where[i].text, strlen(where[i].text), &w, err, sizeof(err));
		CHECK_STR(err, where[i].want, where[i].text);
	}

	json_value *v = NULL;
	CHECK(parse_str(a, "{\"a\":1,\"b\":{\"zeta\":1,\"zeta\":2}}", &v, err, sizeof(err)) == JSON_EMALFORMED,
	      "duplicate key");
	CHECK_STR(err, "chiave ripetuta \"zeta\"", "duplicate key names the key");
	CHECK(parse_str(a, "{\"a\":{\"k\":1},\"b\":{\"k\":2}}", &v, err, sizeof(err)) == JSON_OK,
	      "same key in sibling objects is fine");

	/* A proper pair is one character; an escaped backslash before "ud800"
	 * is a backslash and letters, not an escape. */
	CHECK(parse_str(a, "\"\\ud83d\\ude00\"", &v, err, sizeof(err)) == JSON_OK && json_is(v, JSON_STRING) &&
	          strcmp(v->u.string.s, "\xf0\x9f\x98\x80") == 0,
	      "a surrogate pair is U+1F600");
	CHECK(parse_str(a, "\"\\\\ud800\"", &v, err, sizeof(err)) == JSON_OK && json_is(v, JSON_STRING) &&
	          strcmp(v->u.string.s, "\\ud800") == 0,
	      "an escaped backslash then ud800 is text");

	/* The buffer is not NUL-terminated: only len bytes count. */
	const char buf[] = {'[', '1', ']', 'x'};
	CHECK(json_parse(a, buf, 3, &v, err, sizeof(err)) == JSON_OK && json_is(v, JSON_ARRAY),
	      "only len bytes are read");

	/* Small and missing error buffers. */
	char small[21];
	CHECK(parse_str(a, "{\"\xc3\xa0\xc3\xa0\":1,\"\xc3\xa0\xc3\xa0\":2}", &v, small, sizeof(small)) ==
	          JSON_EMALFORMED,
	      "duplicate multibyte key");
	CHECK_STR(small, "chiave ripetuta \"\xc3\xa0", "truncated reason does not split a UTF-8 sequence");
	CHECK(parse_str(a, "{}x", &v, NULL, 0) == JSON_EMALFORMED, "NULL err is allowed");
	arena_free(a);
}

static void test_big_containers(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	size_t n = 100000;
	char *s = malloc(n * 2 + 2);
	if (s == NULL)
		abort();
	char *p = s;
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		*p++ = '1';
		*p++ = ',';
	}
	p[-1] = ']';
	*p = '\0';
	CHECK(parse_str(a, s, &v, err, sizeof(err)) == JSON_OK && v->u.array.n == 100000, "array of 100000 items");
	free(s);

	/* Many distinct keys: the duplicate check must stay fast. */
	size_t keys = 50000;
	s = malloc(keys * 16 + 2);
	if (s == NULL)
		abort();
	p = s;
	*p++ = '{';
	for (size_t i = 0; i < keys; i++)
		p += sprintf(p, "\"k%zu\":%zu,", i, i);
	p[-1] = '}';
	*p = '\0';
	CHECK(parse_str(a, s, &v, err, sizeof(err)) == JSON_OK && v->u.object.n == 50000, "object of 50000 keys");
	CHECK(json_is(json_get(v, "k49999"), JSON_NUMBER) && json_get(v, "k49999")->u.number.integer == 49999,
	      "last key found");
	free(s);
	arena_free(a);
}

static void test_italian_round_trip(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	const char *doc = "{\"titolo\":\"Attività per l'àmbito — città\","
	                  "\"importo\":1234.50,\"voci\":[1e3,-0,null,true]}";
	CHECK(parse_str(a, doc, &v, err, sizeof(err)) == JSON_OK, "Italian document parses");
	CHECK_STR(json_get_str(v, "titolo"), "Attività per l'àmbito — città", "Italian text parsed byte-exact");
	jw *w = jw_new(NULL, NULL);
	jw_value(w, v);
	CHECK(!jw_failed(w), "jw_value succeeds");
	size_t len = 0;
	const char *out = jw_buffer(w, &len);
	CHECK_STR(out,
	          "{\"titolo\":\"Attività per l'àmbito — città\","
	          "\"importo\":1234.50,\"voci\":[1e3,-0,null,true]}",
	          "jw_value output is byte-exact");
	json_value *v2 = NULL;
	CHECK(json_parse(a, out, len, &v2, err, sizeof(err)) == JSON_OK, "output parses again");
	CHECK_STR(json_get_str(v2, "titolo"), "Attività per l'àmbito — città", "Italian text survives the round trip");
	CHECK_STR(json_get(v2, "importo")->u.number.text, "1234.50", "number text survives the round trip");
	jw_free(w);
	arena_free(a);
}

static void write_sample(jw *w)
{
	jw_obj_begin(w);
	jw_kint(w, "id", 7);
	jw_kstr(w, "nome", "Città \"di\" Pisa\n");
	jw_kbool(w, "attivo", true);
	jw_knum_text(w, "importo", "1234.50");
	jw_knull(w, "note");
	jw_kstr(w, "assente", NULL);
	jw_key(w, "voci");
	jw_arr_begin(w);
	jw_int(w, -9223372036854775807LL - 1);
	jw_str(w, "due");
	jw_strn(w, "tre!", 3);
	jw_bool(w, false);
	jw_double(w, 0.1);
	jw_double(w, 2.5);
	jw_double(w, 1e300);
	jw_num_text(w, NULL);
	jw_obj_begin(w);
	jw_obj_end(w);
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

#define SAMPLE                                                                                                         \
	"{\"id\":7,\"nome\":\"Città \\\"di\\\" Pisa\\n\",\"attivo\":true,"                                            \
	"\"importo\":1234.50,\"note\":null,\"assente\":null,"                                                          \
	"\"voci\":[-9223372036854775808,\"due\",\"tre\",false,0.1,2.5,"                                                \
	"1e+300,null,{},[]]}"

struct sink_buf {
	char data[1024];
	size_t len;
	int calls;
};

static void sink(void *ctx, const char *buf, size_t len)
{
	struct sink_buf *s = ctx;
	if (s->len + len < sizeof(s->data)) {
		memcpy(s->data + s->len, buf, len);
		s->len += len;
		s->data[s->len] = '\0';
	}
	s->calls++;
}

static void test_writer(void)
{
	jw *w = jw_new(NULL, NULL);
	size_t len = 99;
	CHECK_STR(jw_buffer(w, &len), "", "fresh writer has an empty buffer");
	CHECK(len == 0, "fresh writer length 0");
	write_sample(w);
	CHECK(!jw_failed(w), "sample written without failure");
	const char *out = jw_buffer(w, &len);
	CHECK_STR(out, SAMPLE, "writer output equals the literal");
	CHECK(len == strlen(SAMPLE), "length matches");

	struct sink_buf sb = {.len = 0};
	jw *ws = jw_new(sink, &sb);
	write_sample(ws);
	CHECK(!jw_failed(ws), "sink writer without failure");
	CHECK(sb.calls > 1, "sink receives pieces as they are written");
	CHECK(sb.len == len && memcmp(sb.data, out, len) == 0, "sink receives the same bytes as the buffer");
	CHECK(jw_buffer(ws, &len) == NULL && len == 0, "jw_buffer in sink mode is NULL");
	jw_free(ws);
	jw_free(w);
	jw_free(NULL);
}

static void test_writer_failures(void)
{
	jw *w;

	w = jw_new(NULL, NULL);
	jw_str(w, "\xff");
	CHECK(jw_failed(w), "jw_str with invalid UTF-8 fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_str(w, "\xc0\x80");
	CHECK(jw_failed(w), "jw_str with overlong UTF-8 fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "Attivit\xe0"); /* Latin-1, not UTF-8 */
	CHECK(jw_failed(w), "jw_key with invalid UTF-8 fails");
	jw_null(w);
	jw_obj_end(w);
	CHECK(jw_failed(w), "failure is sticky");
	size_t len = 0;
	CHECK_STR(jw_buffer(w, &len), "{", "nothing written after a failure");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_double(w, NAN);
	CHECK(jw_failed(w), "jw_double(NAN) fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_double(w, -INFINITY);
	CHECK(jw_failed(w), "jw_double(-INFINITY) fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_num_text(w, "12.50");
	CHECK(!jw_failed(w), "jw_num_text(\"12.50\") succeeds");
	CHECK_STR(jw_buffer(w, NULL), "12.50", "jw_num_text writes 12.50");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_num_text(w, "-0.05");
	CHECK_STR(jw_buffer(w, NULL), "-0.05", "jw_num_text writes -0.05");
	CHECK(!jw_failed(w), "jw_num_text(\"-0.05\") succeeds");
	jw_free(w);

	static const char *bad_nums[] = {"12,5", "", "-", "1.", ".5", "01", "1e5", "+1", " 1", "1 ", "NaN", "0x1"};
	for (size_t i = 0; i < sizeof(bad_nums) / sizeof(bad_nums[0]); i++) {
		w = jw_new(NULL, NULL);
		jw_num_text(w, bad_nums[i]);
		CHECK(jw_failed(w), "jw_num_text(\"%s\") fails", bad_nums[i]);
		jw_free(w);
	}

	w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_arr_end(w);
	CHECK(jw_failed(w), "closing an object with ] fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_arr_begin(w);
	jw_key(w, "k");
	CHECK(jw_failed(w), "a key inside an array fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_int(w, 1);
	CHECK(jw_failed(w), "a value without a key fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "k");
	jw_obj_end(w);
	CHECK(jw_failed(w), "closing an object after a key fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_arr_end(w);
	CHECK(jw_failed(w), "closing with nothing open fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	jw_int(w, 1);
	jw_int(w, 2);
	CHECK(jw_failed(w), "a second top-level value fails");
	jw_free(w);

	w = jw_new(NULL, NULL);
	for (int i = 0; i < 200; i++)
		jw_arr_begin(w);
	CHECK(jw_failed(w), "nesting past yajl's limit fails");
	jw_free(w);
}

/* Canonical output: keys sorted bytewise at every level (so "Z" < "a" <
 * "à"), arrays kept in order, no whitespace, text and numbers as written. */
static void test_canonical(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	const char *doc = "{ \"b\": [ {\"z\": 1, \"a\": \"città\"}, 2 ],"
	                  " \"àrea\": null,"
	                  " \"a\": {\"y\": 1.50, \"Z\": true, \"x\": {}},"
	                  " \"aa\": \"riga\\ncon \\\"virgolette\\\"\" }";
	CHECK(parse_str(a, doc, &v, err, sizeof(err)) == JSON_OK, "canonical input parses");
	jw *w = jw_new(NULL, NULL);
	jw_canonical(w, v);
	CHECK(!jw_failed(w), "jw_canonical succeeds");
	CHECK_STR(jw_buffer(w, NULL),
	          "{\"a\":{\"Z\":true,\"x\":{},\"y\":1.50},"
	          "\"aa\":\"riga\\ncon \\\"virgolette\\\"\","
	          "\"b\":[{\"a\":\"città\",\"z\":1},2],\"àrea\":null}",
	          "jw_canonical sorts keys bytewise at every level");
	jw_free(w);
	w = jw_new(NULL, NULL);
	jw_canonical(w, NULL);
	CHECK(jw_failed(w), "jw_canonical of nothing fails");
	jw_free(w);
	arena_free(a);
}

int main(void)
{
	test_nested_document();
	test_numbers();
	test_depth();
	test_malformed();
	test_big_containers();
	test_italian_round_trip();
	test_writer();
	test_writer_failures();
	test_canonical();
	return check_done();
}
