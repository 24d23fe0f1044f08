/* Field validation helpers (see validate.h). Messages are short English
 * phrases completing "field ...", e.g. "parts.analisi: is longer than 20000
 * characters". */
#include "http/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "base/money.h"
#include "base/password.h"
#include "base/utf8.h"

static arena *err_arena(field_errors *e)
{
	return field_errors_arena(e);
}

const char *v_path(field_errors *e, const char *prefix, const char *key)
{
	if (prefix == NULL || *prefix == '\0')
		return key;
	return arena_printf(err_arena(e), "%s.%s", prefix, key);
}

const char *v_index(field_errors *e, const char *prefix, const char *key, size_t i)
{
	return arena_printf(err_arena(e), "%s[%zu]", v_path(e, prefix, key), i);
}

bool v_is_line(const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return false;
	return true;
}

static bool is_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

/* The member, or NULL; a missing required member is reported. JSON null
 * counts as missing. */
static const json_value *member(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                bool required)
{
	const json_value *v = json_get(obj, key);
	if (v != NULL && v->type == JSON_NULL)
		v = NULL;
	if (v == NULL && required)
		field_errors_add(e, v_path(e, prefix, key), "è obbligatorio");
	return v;
}

static const char *string_member(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                 bool required)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return NULL;
	if (v->type != JSON_STRING) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere una stringa");
		return NULL;
	}
	return v->u.string.s;
}

const char *v_string(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t min_chars,
                     size_t max_chars, bool required)
{
	const char *s = string_member(e, prefix, obj, key, required);
	if (s == NULL)
		return NULL;
	size_t n = utf8_chars(s, strlen(s));
	if (!v_is_line(s)) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere una sola riga, senza caratteri di controllo");
		return NULL;
	}
	if (n < min_chars) {
		field_errors_add(e, v_path(e, prefix, key),
		                 min_chars == 1 ? "non può essere vuoto" : "deve avere almeno %zu caratteri",
		                 min_chars);
		return NULL;
	}
	if (n > max_chars) {
		char max_it[MONEY_TEXT_MAX]; /* "20.000": numbers the Italian way */
		money_group_it(max_it, (int64_t)max_chars);
		field_errors_add(e, v_path(e, prefix, key), "supera il limite di %s caratteri", max_it);
		return NULL;
	}
	return s;
}

const char *v_text(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max_chars,
                   bool required)
{
	const char *s = string_member(e, prefix, obj, key, required);
	if (s == NULL)
		return NULL;
	size_t len = strlen(s), n = utf8_chars(s, len);
	if (!is_text(s, len)) {
		field_errors_add(e, v_path(e, prefix, key), "contiene caratteri di controllo");
		return NULL;
	}
	if (n > max_chars) {
		char max_it[MONEY_TEXT_MAX], n_it[MONEY_TEXT_MAX];
		money_group_it(max_it, (int64_t)max_chars);
		money_group_it(n_it, (int64_t)n);
		field_errors_add(e, v_path(e, prefix, key), "supera il limite di %s caratteri (ne ha %s)", max_it,
		                 n_it);
		return NULL;
	}
	return s;
}

const char *v_string_or_null(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                             size_t max_chars, bool *present)
{
	const json_value *v = json_get(obj, key);
	*present = v != NULL;
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	return v_string(e, prefix, obj, key, 1, max_chars, false);
}

bool v_int(field_errors *e, const char *prefix, const json_value *obj, const char *key, long long min, long long max,
           bool required, long long *out)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return false;
	if (v->type != JSON_NUMBER || !v->u.number.is_integer) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere un numero intero");
		return false;
	}
	if (v->u.number.integer < min || v->u.number.integer > max) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere compreso tra %lld e %lld", min, max);
		return false;
	}
	*out = v->u.number.integer;
	return true;
}

bool v_bool(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required, bool *out)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return false;
	if (v->type != JSON_BOOL) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere true o false");
		return false;
	}
	*out = v->u.boolean;
	return true;
}

const char *v_money(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return NULL;
	if (v->type != JSON_NUMBER) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere un importo in euro");
		return NULL;
	}
	const char *t = v->u.number.text;
	int64_t cents;
	int rc = money_parse(t, &cents);
	if (t[0] == '-') {
		field_errors_add(e, v_path(e, prefix, key), "non può essere negativo");
		return NULL;
	}
	if (rc == MONEY_ESYNTAX) {
		field_errors_add(e, v_path(e, prefix, key),
		                 "deve essere un importo in euro con il punto decimale (es. 1234.50)");
		return NULL;
	}
	if (rc == MONEY_EDECIMALS) {
		field_errors_add(e, v_path(e, prefix, key), "ha più di 2 decimali");
		return NULL;
	}
	if (rc != MONEY_OK || cents > V_MONEY_MAX_CENTS) {
		field_errors_add(e, v_path(e, prefix, key), "è troppo grande");
		return NULL;
	}
	return t;
}

const char *v_email(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required)
{
	const char *s = v_string(e, prefix, obj, key, 3, 254, required);
	if (s == NULL)
		return NULL;
	const char *at = strchr(s, '@');
	const char *dot = at ? strrchr(at, '.') : NULL;
	bool ok = at && at != s && strchr(at + 1, '@') == NULL && dot && dot > at + 1 && dot[1] != '\0' &&
	          strpbrk(s, " \t\"(),:;<>[\\]") == NULL;
	if (!ok) {
		field_errors_add(e, v_path(e, prefix, key), "non è un indirizzo email valido");
		return NULL;
	}
	char *lower = arena_strdup(err_arena(e), s);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return lower;
}

bool v_is_slug(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (c == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

const char *v_slug(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required)
{
	const char *s = string_member(e, prefix, obj, key, required);
	if (s == NULL)
		return NULL;
	if (!v_is_slug(s)) {
		field_errors_add(
		    e, v_path(e, prefix, key),
		    "deve contenere solo lettere minuscole, cifre e trattini singoli (al massimo 64), es. ats-20");
		return NULL;
	}
	return s;
}

const char *v_password(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required)
{
	const char *s = string_member(e, prefix, obj, key, required);
	if (s == NULL)
		return NULL;
	size_t len = strlen(s);
	if (!utf8_valid(s, len) || utf8_chars(s, len) < PASSWORD_MIN_CHARS) {
		field_errors_add(e, v_path(e, prefix, key), "deve avere almeno %d caratteri", PASSWORD_MIN_CHARS);
		return NULL;
	}
	if (len > PASSWORD_MAX_BYTES) {
		field_errors_add(e, v_path(e, prefix, key), "supera il limite di %d byte", PASSWORD_MAX_BYTES);
		return NULL;
	}
	return s;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool valid_date(int y, int m, int d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

const char *v_time_text(field_errors *e, const char *field, const char *s, bool date_only)
{
	size_t n = strlen(s);
	bool ok = n >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2) &&
	          valid_date(atoi(s), atoi(s + 5), atoi(s + 8));
	if (ok && date_only)
		ok = n == 10;
	else if (ok) {
		ok = n >= 20 && s[10] == 'T' && digits(s + 11, 2) && s[13] == ':' && digits(s + 14, 2) &&
		     s[16] == ':' && digits(s + 17, 2) && atoi(s + 11) < 24 && atoi(s + 14) < 60 && atoi(s + 17) < 60;
		size_t i = 19;
		if (ok && s[i] == '.') {
			size_t f = strspn(s + i + 1, "0123456789");
			ok = f >= 1 && f <= 6;
			i += 1 + f;
		}
		ok = ok && s[i] == 'Z' && s[i + 1] == '\0';
	}
	if (!ok) {
		field_errors_add(e, field,
		                 date_only ? "deve essere una data nel formato AAAA-MM-GG"
		                           : "deve essere un orario UTC nel formato 2021-12-31T23:59:59Z");
		return NULL;
	}
	if (date_only)
		return s;
	/* "YYYY-MM-DD HH:MM:SS[.ffffff]" for MariaDB */
	char *out = arena_strndup(err_arena(e), s, n - 1);
	out[10] = ' ';
	return out;
}

const char *v_time(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool date_only,
                   bool required)
{
	const char *s = string_member(e, prefix, obj, key, required);
	return s ? v_time_text(e, v_path(e, prefix, key), s, date_only) : NULL;
}

const json_value *v_array(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max_items,
                          bool required)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return NULL;
	if (v->type != JSON_ARRAY) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere un elenco");
		return NULL;
	}
	if (v->u.array.n > max_items) {
		field_errors_add(e, v_path(e, prefix, key), "ha più di %zu elementi", max_items);
		return NULL;
	}
	return v;
}

const json_value *v_object(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required)
{
	const json_value *v = member(e, prefix, obj, key, required);
	if (v == NULL)
		return NULL;
	if (v->type != JSON_OBJECT) {
		field_errors_add(e, v_path(e, prefix, key), "deve essere un oggetto");
		return NULL;
	}
	return v;
}

void v_only(field_errors *e, const char *prefix, const json_value *obj, const char *const *allowed)
{
	if (obj == NULL || obj->type != JSON_OBJECT)
		return;
	for (size_t i = 0; i < obj->u.object.n; i++) {
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, obj->u.object.keys[i]) == 0;
		if (!known)
			field_errors_add(e, v_path(e, prefix, obj->u.object.keys[i]), "non è un campo previsto");
	}
}

json_value *v_read_object(http_req *r)
{
	json_value *body;
	if (http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return NULL;
	return body;
}

int v_page_after(http_req *r, size_t max_digits, int *limit, long long *after)
{
	const char *cursor;
	*after = 0;
	if (http_page_params(r, limit, &cursor) != 0)
		return -1;
	if (cursor != NULL && !id_parse(cursor, max_digits, after)) {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "cursor", "non è un cursore valido: usa il next_cursor dell'ultima pagina");
		http_errors_answer(r, e, 400, "un parametro della query non è valido");
		return -1;
	}
	return 0;
}

bool v_body_object(http_req *r, const json_value *body)
{
	if (body->type == JSON_OBJECT)
		return true;
	http_problem(r, 422, "il corpo deve essere un oggetto JSON");
	return false;
}
