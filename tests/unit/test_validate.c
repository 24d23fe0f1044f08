/* Unit tests for core/validate.c: every v_* helper's value, the exact field
 * path and message of the errors it adds, and the 422 problem document that
 * http_errors_answer builds from them. Requests use a real arena; bodies are
 * parsed with json_parse. Expected values are literals. */
#include "http/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* One request with its error list and a parsed body. Not to be moved: the
 * error list points at r. */
typedef struct fx {
	http_req r;
	field_errors *e;
	json_value *body;
} fx;

static void fx_init(fx *f, const char *json)
{
	memset(f, 0, sizeof(*f));
	f->r.a = arena_new();
	f->e = http_errors_new(&f->r);
	char err[128] = "";
	if (json_parse(f->r.a, json, strlen(json), &f->body, err, sizeof(err)) != JSON_OK) {
		printf("# test body does not parse: %s: %s\n", json, err);
		abort();
	}
}

static void fx_free(fx *f)
{
	free(f->r.resp_body);
	arena_free(f->r.a);
}

/* Member key ("field" or "message") of error i, read back from the 422
 * document http_errors_answer writes; NULL when there is none. */
static const char *err_str(fx *f, size_t i, const char *key)
{
	if (!http_errors_answer(&f->r, f->e, 422, NULL))
		return NULL;
	json_value *doc = NULL;
	char err[128];
	if (json_parse(f->r.a, f->r.resp_body, f->r.resp_len, &doc, err, sizeof(err)) != JSON_OK)
		return NULL;
	const json_value *list = json_get(doc, "errors");
	if (!json_is(list, JSON_ARRAY) || i >= list->u.array.n)
		return NULL;
	return json_get_str(list->u.array.items[i], key);
}

static const char *label(const char *name, const char *what)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s: %s", name, what);
	return buf[k];
}

/* Exactly one error, on field, with message. */
static void expect_error(fx *f, const char *field, const char *message, const char *name)
{
	CHECK(field_errors_count(f->e) == 1, "%s: one error added", name);
	CHECK_STR(err_str(f, 0, "field"), field, label(name, "field path"));
	CHECK_STR(err_str(f, 0, "message"), message, label(name, "message"));
}

static void expect_no_error(fx *f, const char *name)
{
	CHECK(field_errors_count(f->e) == 0, "%s: no error", name);
}

static void test_paths(void)
{
	fx f;
	fx_init(&f, "{}");
	CHECK_STR(v_path(f.e, NULL, "nome"), "nome", "v_path without prefix");
	CHECK_STR(v_path(f.e, "", "nome"), "nome", "v_path with empty prefix");
	CHECK_STR(v_path(f.e, "parts", "analisi"), "parts.analisi", "v_path parts + analisi");
	CHECK_STR(v_path(f.e, "comuni[0]", "nome"), "comuni[0].nome", "v_path under an index");
	CHECK_STR(v_index(f.e, NULL, "comuni", 2), "comuni[2]", "v_index comuni[2]");
	CHECK_STR(v_index(f.e, "ente", "comuni", 0), "ente.comuni[0]", "v_index under a prefix");
	expect_no_error(&f, "paths");
	fx_free(&f);
}

static void test_string(void)
{
	fx f;
	const char *s;

	fx_init(&f, "{\"nome\":\"Pisa\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK_STR(s, "Pisa", "v_string: value");
	expect_no_error(&f, "v_string Pisa");
	CHECK(!http_errors_answer(&f.r, f.e, 422, NULL), "http_errors_answer with no errors returns false");
	CHECK(f.r.resp_body == NULL && f.r.status == 0, "http_errors_answer with no errors writes nothing");
	fx_free(&f);

	fx_init(&f, "{\"altro\":1}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string missing required: NULL");
	expect_error(&f, "nome", "è obbligatorio", "v_string missing required");
	fx_free(&f);

	fx_init(&f, "{\"altro\":1}");
	s = v_string(f.e, "ente", f.body, "nome", 1, 10, true);
	expect_error(&f, "ente.nome", "è obbligatorio", "v_string missing required with prefix");
	fx_free(&f);

	fx_init(&f, "{\"altro\":1}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, false);
	CHECK(s == NULL, "v_string missing optional: NULL");
	expect_no_error(&f, "v_string missing optional");
	fx_free(&f);

	fx_init(&f, "{\"nome\":null}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string null required: NULL");
	expect_error(&f, "nome", "è obbligatorio", "v_string null counts as missing");
	fx_free(&f);

	fx_init(&f, "{\"nome\":5}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string number: NULL");
	expect_error(&f, "nome", "deve essere una stringa", "v_string number");
	fx_free(&f);

	fx_init(&f, "{\"nome\":[\"a\"]}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, false);
	expect_error(&f, "nome", "deve essere una stringa", "v_string array");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"a\\u0001b\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string control char: NULL");
	expect_error(&f, "nome", "deve essere una sola riga, senza caratteri di controllo", "v_string control char");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"a\\nb\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string newline: NULL");
	expect_error(&f, "nome", "deve essere una sola riga, senza caratteri di controllo", "v_string newline");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"a\\u007fb\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	expect_error(&f, "nome", "deve essere una sola riga, senza caratteri di controllo", "v_string DEL");
	fx_free(&f);

	/* "à" x 10: 20 bytes, 10 characters. */
	fx_init(&f, "{\"nome\":\"\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK_STR(s, "\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0",
	          "v_string: 10 x \"à\" with max 10 passes");
	expect_no_error(&f, "v_string 10 x à");
	fx_free(&f);

	fx_init(
	    &f,
	    "{\"nome\":\"\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\"}");
	s = v_string(f.e, "ente", f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string: 11 x \"à\" with max 10 fails");
	expect_error(&f, "ente.nome", "supera il limite di 10 caratteri", "v_string 11 x à");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"\"}");
	s = v_string(f.e, NULL, f.body, "nome", 1, 10, true);
	CHECK(s == NULL, "v_string empty with min 1: NULL");
	expect_error(&f, "nome", "non può essere vuoto", "v_string empty with min 1");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"\"}");
	s = v_string(f.e, NULL, f.body, "nome", 0, 10, true);
	CHECK_STR(s, "", "v_string empty with min 0 passes");
	expect_no_error(&f, "v_string empty with min 0");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"ab\"}");
	s = v_string(f.e, NULL, f.body, "nome", 3, 10, true);
	CHECK(s == NULL, "v_string 2 chars with min 3: NULL");
	expect_error(&f, "nome", "deve avere almeno 3 caratteri", "v_string 2 chars with min 3");
	fx_free(&f);

	bool present = false;
	fx_init(&f, "{\"nota\":null}");
	s = v_string_or_null(f.e, NULL, f.body, "nota", 10, &present);
	CHECK(s == NULL && present, "v_string_or_null: null is present and NULL");
	expect_no_error(&f, "v_string_or_null null");
	fx_free(&f);

	fx_init(&f, "{}");
	present = true;
	s = v_string_or_null(f.e, NULL, f.body, "nota", 10, &present);
	CHECK(s == NULL && !present, "v_string_or_null: absent is not present");
	expect_no_error(&f, "v_string_or_null absent");
	fx_free(&f);

	fx_init(&f, "{\"nota\":\"ok\"}");
	s = v_string_or_null(f.e, NULL, f.body, "nota", 10, &present);
	CHECK_STR(s, "ok", "v_string_or_null: a string");
	CHECK(present, "v_string_or_null: a string is present");
	fx_free(&f);
}

static void test_text(void)
{
	fx f;
	const char *s;
	fx_init(&f, "{\"analisi\":\"riga uno\\nriga due\\r\\n\\tfine\"}");
	s = v_text(f.e, "parts", f.body, "analisi", 100, true);
	CHECK_STR(s, "riga uno\nriga due\r\n\tfine", "v_text allows newlines and tabs");
	expect_no_error(&f, "v_text newlines and tabs");
	fx_free(&f);

	fx_init(&f, "{\"analisi\":\"a\\u0001b\"}");
	s = v_text(f.e, "parts", f.body, "analisi", 100, true);
	CHECK(s == NULL, "v_text \\u0001: NULL");
	expect_error(&f, "parts.analisi", "contiene caratteri di controllo", "v_text \\u0001");
	fx_free(&f);

	fx_init(&f, "{\"analisi\":\"a\\u001bb\"}");
	s = v_text(f.e, NULL, f.body, "analisi", 100, true);
	expect_error(&f, "analisi", "contiene caratteri di controllo", "v_text ESC");
	fx_free(&f);

	fx_init(&f, "{\"analisi\":\"citt\xc3\xa0!\"}");
	s = v_text(f.e, NULL, f.body, "analisi", 5, true);
	CHECK(s == NULL, "v_text 6 characters with max 5: NULL");
	expect_error(&f, "analisi", "supera il limite di 5 caratteri (ne ha 6)", "v_text too long");
	fx_free(&f);

	/* Large numbers are written the Italian way, a dot between thousands. */
	{
		static char big[20400];
		size_t len = (size_t)snprintf(big, sizeof(big), "{\"analisi\":\"");
		memset(big + len, 'x', 20345);
		snprintf(big + len + 20345, sizeof(big) - len - 20345, "\"}");
		fx_init(&f, big);
		s = v_text(f.e, NULL, f.body, "analisi", 20000, true);
		CHECK(s == NULL, "v_text 20345 characters with max 20000: NULL");
		expect_error(&f, "analisi", "supera il limite di 20.000 caratteri (ne ha 20.345)",
		             "v_text grouped numbers");
		fx_free(&f);
	}

	fx_init(&f, "{\"analisi\":\"citt\xc3\xa0\"}");
	s = v_text(f.e, NULL, f.body, "analisi", 5, true);
	CHECK_STR(s, "citt\xc3\xa0", "v_text 5 characters (6 bytes) with max 5 passes");
	fx_free(&f);

	fx_init(&f, "{}");
	s = v_text(f.e, NULL, f.body, "analisi", 5, true);
	expect_error(&f, "analisi", "è obbligatorio", "v_text missing required");
	fx_free(&f);

	fx_init(&f, "{\"analisi\":true}");
	s = v_text(f.e, NULL, f.body, "analisi", 5, true);
	expect_error(&f, "analisi", "deve essere una stringa", "v_text bool");
	fx_free(&f);
}

static void test_int_bool(void)
{
	fx f;
	long long n = -99;
	bool ok;

	fx_init(&f, "{\"anno\":2021}");
	ok = v_int(f.e, NULL, f.body, "anno", 1900, 2100, true, &n);
	CHECK(ok && n == 2021, "v_int 2021 in range");
	expect_no_error(&f, "v_int 2021");
	fx_free(&f);

	fx_init(&f, "{\"anno\":1900}");
	ok = v_int(f.e, NULL, f.body, "anno", 1900, 2100, true, &n);
	CHECK(ok && n == 1900, "v_int at the minimum");
	fx_free(&f);

	fx_init(&f, "{\"anno\":2100}");
	ok = v_int(f.e, NULL, f.body, "anno", 1900, 2100, true, &n);
	CHECK(ok && n == 2100, "v_int at the maximum");
	fx_free(&f);

	fx_init(&f, "{\"anno\":-5}");
	ok = v_int(f.e, NULL, f.body, "anno", -10, 10, true, &n);
	CHECK(ok && n == -5, "v_int negative in range");
	fx_free(&f);

	fx_init(&f, "{\"anno\":1899}");
	n = -99;
	ok = v_int(f.e, "bilancio", f.body, "anno", 1900, 2100, true, &n);
	CHECK(!ok, "v_int below range fails");
	CHECK(n == -99, "v_int below range leaves out untouched");
	expect_error(&f, "bilancio.anno", "deve essere compreso tra 1900 e 2100", "v_int below range");
	fx_free(&f);

	fx_init(&f, "{\"anno\":2101}");
	ok = v_int(f.e, NULL, f.body, "anno", 1900, 2100, true, &n);
	CHECK(!ok, "v_int above range fails");
	expect_error(&f, "anno", "deve essere compreso tra 1900 e 2100", "v_int above range");
	fx_free(&f);

	fx_init(&f, "{\"anno\":1.5}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10, true, &n);
	CHECK(!ok, "v_int 1.5 fails");
	expect_error(&f, "anno", "deve essere un numero intero", "v_int 1.5");
	fx_free(&f);

	fx_init(&f, "{\"anno\":1e3}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10000, true, &n);
	CHECK(!ok, "v_int 1e3 fails");
	expect_error(&f, "anno", "deve essere un numero intero", "v_int 1e3");
	fx_free(&f);

	fx_init(&f, "{\"anno\":\"5\"}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10, true, &n);
	CHECK(!ok, "v_int string fails");
	expect_error(&f, "anno", "deve essere un numero intero", "v_int string \"5\"");
	fx_free(&f);

	fx_init(&f, "{\"anno\":99999999999999999999}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10, true, &n);
	CHECK(!ok, "v_int beyond long long fails");
	expect_error(&f, "anno", "deve essere un numero intero", "v_int beyond long long");
	fx_free(&f);

	fx_init(&f, "{}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10, true, &n);
	CHECK(!ok, "v_int missing required fails");
	expect_error(&f, "anno", "è obbligatorio", "v_int missing required");
	fx_free(&f);

	fx_init(&f, "{}");
	ok = v_int(f.e, NULL, f.body, "anno", 0, 10, false, &n);
	CHECK(!ok, "v_int missing optional returns false");
	expect_no_error(&f, "v_int missing optional");
	fx_free(&f);

	bool b = false;
	fx_init(&f, "{\"attivo\":true,\"chiuso\":false}");
	ok = v_bool(f.e, NULL, f.body, "attivo", true, &b);
	CHECK(ok && b, "v_bool true");
	b = true;
	ok = v_bool(f.e, NULL, f.body, "chiuso", true, &b);
	CHECK(ok && !b, "v_bool false");
	expect_no_error(&f, "v_bool true/false");
	fx_free(&f);

	fx_init(&f, "{\"attivo\":\"true\"}");
	ok = v_bool(f.e, NULL, f.body, "attivo", true, &b);
	CHECK(!ok, "v_bool string fails");
	expect_error(&f, "attivo", "deve essere true o false", "v_bool string");
	fx_free(&f);

	fx_init(&f, "{\"attivo\":1}");
	ok = v_bool(f.e, NULL, f.body, "attivo", true, &b);
	CHECK(!ok, "v_bool 1 fails");
	expect_error(&f, "attivo", "deve essere true o false", "v_bool 1");
	fx_free(&f);

	fx_init(&f, "{}");
	ok = v_bool(f.e, NULL, f.body, "attivo", true, &b);
	CHECK(!ok, "v_bool missing required fails");
	expect_error(&f, "attivo", "è obbligatorio", "v_bool missing required");
	fx_free(&f);
}

static void test_money(void)
{
	static const struct {
		const char *body;
		const char *want; /* NULL: refused with message */
		const char *message;
	} cases[] = {
	    {"{\"importo\":1234.50}", "1234.50", NULL},
	    {"{\"importo\":0}", "0", NULL},
	    {"{\"importo\":0.5}", "0.5", NULL},
	    {"{\"importo\":7}", "7", NULL},
	    {"{\"importo\":999999999999.99}", "999999999999.99", NULL},
	    {"{\"importo\":-1}", NULL, "non può essere negativo"},
	    {"{\"importo\":-0.01}", NULL, "non può essere negativo"},
	    {"{\"importo\":1.234}", NULL, "ha più di 2 decimali"},
	    {"{\"importo\":1e3}", NULL, "deve essere un importo in euro con il punto decimale (es. 1234.50)"},
	    {"{\"importo\":1E3}", NULL, "deve essere un importo in euro con il punto decimale (es. 1234.50)"},
	    {"{\"importo\":1.5e2}", NULL, "deve essere un importo in euro con il punto decimale (es. 1234.50)"},
	    {"{\"importo\":1234567890123}", NULL, "è troppo grande"},
	    {"{\"importo\":1000000000000.00}", NULL, "è troppo grande"},
	    {"{\"importo\":\"12\"}", NULL, "deve essere un importo in euro"},
	    {"{\"importo\":true}", NULL, "deve essere un importo in euro"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx f;
		fx_init(&f, cases[i].body);
		const char *s = v_money(f.e, "voci[1]", f.body, "importo", true);
		if (cases[i].want) {
			CHECK_STR(s, cases[i].want, label("v_money accepts", cases[i].body));
			expect_no_error(&f, label("v_money", cases[i].body));
		} else {
			CHECK(s == NULL, "v_money refuses %s", cases[i].body);
			expect_error(&f, "voci[1].importo", cases[i].message, label("v_money", cases[i].body));
		}
		fx_free(&f);
	}

	fx f;
	fx_init(&f, "{}");
	CHECK(v_money(f.e, NULL, f.body, "importo", true) == NULL, "v_money missing required: NULL");
	expect_error(&f, "importo", "è obbligatorio", "v_money missing required");
	fx_free(&f);
}

static void test_email(void)
{
	fx f;
	const char *s;
	fx_init(&f, "{\"email\":\"Mario.Rossi@Comune.IT\"}");
	s = v_email(f.e, NULL, f.body, "email", true);
	CHECK_STR(s, "mario.rossi@comune.it", "v_email lowercases");
	expect_no_error(&f, "v_email Mario.Rossi@Comune.IT");
	fx_free(&f);

	fx_init(&f, "{\"email\":\"a.b+tag@sub.comune.pisa.it\"}");
	s = v_email(f.e, NULL, f.body, "email", true);
	CHECK_STR(s, "a.b+tag@sub.comune.pisa.it", "v_email with subdomains and '+'");
	fx_free(&f);

	static const char *const refused[] = {
	    "{\"email\":\"a@b\"}",     "{\"email\":\"@b.it\"}",    "{\"email\":\"a b@c.it\"}",
	    "{\"email\":\"a@@b.it\"}", "{\"email\":\"a@b@c.it\"}", "{\"email\":\"a@.it\"}",
	    "{\"email\":\"a@b.\"}",    "{\"email\":\"a.b.it\"}",   "{\"email\":\"<a@b.it>\"}",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		fx_init(&f, refused[i]);
		s = v_email(f.e, "utente", f.body, "email", true);
		CHECK(s == NULL, "v_email refuses %s", refused[i]);
		expect_error(&f, "utente.email", "non è un indirizzo email valido", label("v_email", refused[i]));
		fx_free(&f);
	}

	fx_init(&f, "{\"email\":\"ab\"}");
	s = v_email(f.e, NULL, f.body, "email", true);
	CHECK(s == NULL, "v_email refuses a 2-character value");
	expect_error(&f, "email", "deve avere almeno 3 caratteri", "v_email 2 characters");
	fx_free(&f);

	fx_init(&f, "{\"email\":42}");
	s = v_email(f.e, NULL, f.body, "email", true);
	expect_error(&f, "email", "deve essere una stringa", "v_email number");
	fx_free(&f);
}

static void test_slug(void)
{
	fx f;
	const char *s;
	fx_init(&f, "{\"slug\":\"ats-20\"}");
	s = v_slug(f.e, NULL, f.body, "slug", true);
	CHECK_STR(s, "ats-20", "v_slug accepts ats-20");
	expect_no_error(&f, "v_slug ats-20");
	fx_free(&f);

	/* 64 characters: the maximum. */
	fx_init(&f, "{\"slug\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}");
	s = v_slug(f.e, NULL, f.body, "slug", true);
	CHECK_STR(s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	          "v_slug accepts 64 characters");
	fx_free(&f);

	static const char *const refused[] = {
	    "{\"slug\":\"ATS-20\"}",
	    "{\"slug\":\"-a\"}",
	    "{\"slug\":\"a-\"}",
	    "{\"slug\":\"a--b\"}",
	    "{\"slug\":\"a_b\"}",
	    "{\"slug\":\"a b\"}",
	    "{\"slug\":\"citt\xc3\xa0\"}",
	    "{\"slug\":\"\"}",
	    /* 65 characters */
	    "{\"slug\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		fx_init(&f, refused[i]);
		s = v_slug(f.e, "ente", f.body, "slug", true);
		CHECK(s == NULL, "v_slug refuses %s", refused[i]);
		expect_error(
		    &f, "ente.slug",
		    "deve contenere solo lettere minuscole, cifre e trattini singoli (al massimo 64), es. ats-20",
		    label("v_slug", refused[i]));
		fx_free(&f);
	}

	CHECK(v_is_slug("a-b-c"), "v_is_slug a-b-c");
	CHECK(v_is_slug("20"), "v_is_slug 20");
	CHECK(!v_is_slug(""), "v_is_slug refuses empty");
	CHECK(!v_is_slug("a--"), "v_is_slug refuses a--");
	CHECK(v_is_line("Citt\xc3\xa0 di Pisa"), "v_is_line accepts UTF-8 text");
	CHECK(!v_is_line("a\tb"), "v_is_line refuses a tab");
	CHECK(!v_is_line("a\x7f"), "v_is_line refuses DEL");
	CHECK(!v_is_line("a\xc3"), "v_is_line refuses invalid UTF-8");
}

static void test_password(void)
{
	fx f;
	const char *s;
	/* 12 x "à": 12 characters, 24 bytes. */
	fx_init(&f, "{\"password\":\"\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0\xc3\xa0"
	            "\xc3\xa0\xc3\xa0\"}");
	s = v_password(f.e, NULL, f.body, "password", true);
	CHECK(s != NULL && strlen(s) == 24, "v_password: 12 x \"à\" (24 bytes) passes");
	expect_no_error(&f, "v_password 12 x à");
	fx_free(&f);

	fx_init(&f, "{\"password\":\"abcdefghijk\"}");
	s = v_password(f.e, NULL, f.body, "password", true);
	CHECK(s == NULL, "v_password: 11 ASCII characters fail");
	expect_error(&f, "password", "deve avere almeno 12 caratteri", "v_password 11 characters");
	fx_free(&f);

	fx_init(&f, "{\"password\":\"abcdefghijkl\"}");
	s = v_password(f.e, NULL, f.body, "password", true);
	CHECK_STR(s, "abcdefghijkl", "v_password: 12 ASCII characters pass");
	fx_free(&f);

	/* 1025 bytes: past the byte limit. */
	char *big = malloc(1100);
	if (big == NULL)
		abort();
	strcpy(big, "{\"password\":\"");
	size_t n = strlen(big);
	memset(big + n, 'p', 1025);
	strcpy(big + n + 1025, "\"}");
	fx_init(&f, big);
	s = v_password(f.e, "utente", f.body, "password", true);
	CHECK(s == NULL, "v_password: 1025 bytes fail");
	expect_error(&f, "utente.password", "supera il limite di 1024 byte", "v_password 1025 bytes");
	fx_free(&f);
	/* 1024 bytes: at the limit. */
	strcpy(big + n + 1024, "\"}");
	fx_init(&f, big);
	s = v_password(f.e, "utente", f.body, "password", true);
	CHECK(s != NULL && strlen(s) == 1024, "v_password: 1024 bytes pass");
	fx_free(&f);
	free(big);

	fx_init(&f, "{}");
	s = v_password(f.e, NULL, f.body, "password", true);
	expect_error(&f, "password", "è obbligatorio", "v_password missing");
	fx_free(&f);
}

static void test_time(void)
{
	static const struct {
		const char *body;
		bool date_only;
		const char *want; /* NULL: refused */
	} cases[] = {
	    {"{\"t\":\"2021-12-31T23:59:59Z\"}", false, "2021-12-31 23:59:59"},
	    {"{\"t\":\"2021-01-01T00:00:00Z\"}", false, "2021-01-01 00:00:00"},
	    {"{\"t\":\"2020-02-29T00:00:00Z\"}", false, "2020-02-29 00:00:00"},
	    {"{\"t\":\"2000-02-29T12:00:00Z\"}", false, "2000-02-29 12:00:00"},
	    {"{\"t\":\"2021-12-31T23:59:59.123456Z\"}", false, "2021-12-31 23:59:59.123456"},
	    {"{\"t\":\"2021-12-31T23:59:59.5Z\"}", false, "2021-12-31 23:59:59.5"},
	    {"{\"t\":\"2021-02-29T00:00:00Z\"}", false, NULL},
	    {"{\"t\":\"1900-02-29T00:00:00Z\"}", false, NULL},
	    {"{\"t\":\"2021-04-31T00:00:00Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59+01:00\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31 23:59:59Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59.1234567Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59.Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T24:00:00Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:60:00Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:60Z\"}", false, NULL},
	    {"{\"t\":\"2021-12-31T23:59:59ZZ\"}", false, NULL},
	    {"{\"t\":\"2021-12-31\"}", false, NULL},
	    {"{\"t\":\"21-12-31T23:59:59Z\"}", false, NULL},
	    {"{\"t\":\"\"}", false, NULL},
	    {"{\"t\":\"2021-12-31\"}", true, "2021-12-31"},
	    {"{\"t\":\"2024-02-29\"}", true, "2024-02-29"},
	    {"{\"t\":\"2021-13-01\"}", true, NULL},
	    {"{\"t\":\"2021-00-10\"}", true, NULL},
	    {"{\"t\":\"2021-12-00\"}", true, NULL},
	    {"{\"t\":\"2021-12-32\"}", true, NULL},
	    {"{\"t\":\"2021-2-01\"}", true, NULL},
	    {"{\"t\":\"2021-12-31T00:00:00Z\"}", true, NULL},
	    {"{\"t\":\"2021-12-31 \"}", true, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx f;
		fx_init(&f, cases[i].body);
		const char *s = v_time(f.e, "periodo", f.body, "t", cases[i].date_only, true);
		const char *kind = cases[i].date_only ? "v_time date_only" : "v_time";
		if (cases[i].want) {
			CHECK_STR(s, cases[i].want, label(kind, cases[i].body));
			expect_no_error(&f, label(kind, cases[i].body));
		} else {
			CHECK(s == NULL, "%s refuses %s", kind, cases[i].body);
			expect_error(&f, "periodo.t",
			             cases[i].date_only ? "deve essere una data nel formato AAAA-MM-GG"
			                                : "deve essere un orario UTC nel formato 2021-12-31T23:59:59Z",
			             label(kind, cases[i].body));
		}
		fx_free(&f);
	}

	fx f;
	fx_init(&f, "{\"t\":20211231}");
	CHECK(v_time(f.e, NULL, f.body, "t", true, true) == NULL, "v_time number: NULL");
	expect_error(&f, "t", "deve essere una stringa", "v_time number");
	fx_free(&f);
}

static void test_array_object(void)
{
	fx f;
	const json_value *v;
	fx_init(&f, "{\"comuni\":[1,2,3]}");
	v = v_array(f.e, NULL, f.body, "comuni", 3, true);
	CHECK(v != NULL && v->type == JSON_ARRAY && v->u.array.n == 3, "v_array with 3 items and max 3");
	expect_no_error(&f, "v_array max 3");
	fx_free(&f);

	fx_init(&f, "{\"comuni\":[]}");
	v = v_array(f.e, NULL, f.body, "comuni", 3, true);
	CHECK(v != NULL && v->u.array.n == 0, "v_array empty list");
	expect_no_error(&f, "v_array empty");
	fx_free(&f);

	fx_init(&f, "{\"comuni\":[1,2,3]}");
	v = v_array(f.e, "ente", f.body, "comuni", 2, true);
	CHECK(v == NULL, "v_array 3 items with max 2: NULL");
	expect_error(&f, "ente.comuni", "ha più di 2 elementi", "v_array max_items");
	fx_free(&f);

	fx_init(&f, "{\"comuni\":{\"a\":1}}");
	v = v_array(f.e, NULL, f.body, "comuni", 10, true);
	CHECK(v == NULL, "v_array object: NULL");
	expect_error(&f, "comuni", "deve essere un elenco", "v_array non-array");
	fx_free(&f);

	fx_init(&f, "{\"comuni\":\"Pisa\"}");
	v = v_array(f.e, NULL, f.body, "comuni", 10, false);
	expect_error(&f, "comuni", "deve essere un elenco", "v_array string");
	fx_free(&f);

	fx_init(&f, "{}");
	v = v_array(f.e, NULL, f.body, "comuni", 10, true);
	CHECK(v == NULL, "v_array missing: NULL");
	expect_error(&f, "comuni", "è obbligatorio", "v_array missing required");
	fx_free(&f);

	fx_init(&f, "{}");
	v = v_array(f.e, NULL, f.body, "comuni", 10, false);
	CHECK(v == NULL, "v_array missing optional: NULL");
	expect_no_error(&f, "v_array missing optional");
	fx_free(&f);

	fx_init(&f, "{\"parts\":{\"analisi\":\"x\"}}");
	v = v_object(f.e, NULL, f.body, "parts", true);
	CHECK(v != NULL && v->type == JSON_OBJECT, "v_object object");
	expect_no_error(&f, "v_object");
	fx_free(&f);

	fx_init(&f, "{\"parts\":[]}");
	v = v_object(f.e, NULL, f.body, "parts", true);
	CHECK(v == NULL, "v_object array: NULL");
	expect_error(&f, "parts", "deve essere un oggetto", "v_object array");
	fx_free(&f);
}

static void test_only(void)
{
	static const char *const allowed[] = {"nome", "codice", NULL};
	fx f;
	fx_init(&f, "{\"nome\":\"Pisa\",\"codice\":\"050026\"}");
	v_only(f.e, NULL, f.body, allowed);
	expect_no_error(&f, "v_only all known");
	fx_free(&f);

	fx_init(&f, "{\"nome\":\"Pisa\",\"extra\":1,\"codice\":\"x\",\"altro\":null}");
	v_only(f.e, NULL, f.body, allowed);
	CHECK(field_errors_count(f.e) == 2, "v_only: two unknown keys, two errors");
	CHECK_STR(err_str(&f, 0, "field"), "extra", "v_only: first unknown key");
	CHECK_STR(err_str(&f, 0, "message"), "non è un campo previsto", "v_only: message");
	CHECK_STR(err_str(&f, 1, "field"), "altro", "v_only: second unknown key");
	fx_free(&f);

	fx_init(&f, "{\"comuni\":[{\"nome\":\"Pisa\",\"extra\":true}]}");
	const json_value *list = json_get(f.body, "comuni");
	v_only(f.e, "comuni[0]", list->u.array.items[0], allowed);
	expect_error(&f, "comuni[0].extra", "non è un campo previsto", "v_only with prefix comuni[0]");
	fx_free(&f);

	fx_init(&f, "[1,2]");
	v_only(f.e, NULL, f.body, allowed);
	expect_no_error(&f, "v_only on a non-object");
	v_only(f.e, NULL, NULL, allowed);
	expect_no_error(&f, "v_only on NULL");
	fx_free(&f);
}

static void test_body_object(void)
{
	fx f;
	fx_init(&f, "{}");
	CHECK(v_body_object(&f.r, f.body), "v_body_object: an object passes");
	CHECK(f.r.status == 0, "v_body_object: no answer for an object");
	fx_free(&f);

	fx_init(&f, "[]");
	CHECK(!v_body_object(&f.r, f.body), "v_body_object: an array fails");
	CHECK(f.r.status == 422, "v_body_object: answers 422");
	fx_free(&f);
}

static void test_answer(void)
{
	fx f;
	fx_init(&f, "{\"nome\":5,\"comuni\":\"x\"}");
	v_string(f.e, "ente", f.body, "nome", 1, 10, true);
	v_array(f.e, NULL, f.body, "comuni", 10, true);
	v_slug(f.e, NULL, f.body, "slug", true);
	CHECK(field_errors_count(f.e) == 3, "three errors collected");
	CHECK(http_errors_answer(&f.r, f.e, 422, NULL), "http_errors_answer returns true");
	CHECK(f.r.status == 422, "answer status 422");
	CHECK_STR(f.r.content_type, "application/problem+json", "answer content type");
	CHECK(f.r.resp_body != NULL && f.r.resp_len == strlen(f.r.resp_body), "answer body is a string");

	json_value *doc = NULL;
	char err[128] = "";
	json_status st = json_parse(f.r.a, f.r.resp_body, f.r.resp_len, &doc, err, sizeof(err));
	CHECK(st == JSON_OK, "the problem document is JSON");
	CHECK(json_is(doc, JSON_OBJECT), "the problem document is an object");
	const json_value *status = json_get(doc, "status");
	CHECK(json_is(status, JSON_NUMBER) && status->u.number.is_integer && status->u.number.integer == 422,
	      "\"status\":422");
	CHECK(strstr(f.r.resp_body, "\"status\":422") != NULL, "the body contains \"status\":422");
	CHECK_STR(json_get_str(doc, "type"), "urn:ambito:problem:invalid-fields", "problem type");
	CHECK_STR(json_get_str(doc, "title"), "Dati non validi", "problem title");
	CHECK_STR(json_get_str(doc, "detail"), "alcuni campi non sono validi", "default detail");
	const json_value *list = json_get(doc, "errors");
	CHECK(json_is(list, JSON_ARRAY) && list->u.array.n == 3, "\"errors\" lists 3 errors");
	if (json_is(list, JSON_ARRAY) && list->u.array.n == 3) {
		CHECK_STR(json_get_str(list->u.array.items[0], "field"), "ente.nome", "first error field");
		CHECK_STR(json_get_str(list->u.array.items[0], "message"), "deve essere una stringa",
		          "first error message");
		CHECK_STR(json_get_str(list->u.array.items[1], "field"), "comuni", "second error field");
		CHECK_STR(json_get_str(list->u.array.items[2], "field"), "slug", "third error field");
		CHECK_STR(json_get_str(list->u.array.items[2], "message"), "è obbligatorio", "third error message");
	}

	CHECK(http_errors_answer(&f.r, f.e, 409, "conflitto"), "answer with another status and detail");
	doc = NULL;
	st = json_parse(f.r.a, f.r.resp_body, f.r.resp_len, &doc, err, sizeof(err));
	CHECK(st == JSON_OK, "the second document is JSON (the body was replaced, not appended)");
	status = json_get(doc, "status");
	CHECK(json_is(status, JSON_NUMBER) && status->u.number.integer == 409, "\"status\":409");
	CHECK_STR(json_get_str(doc, "detail"), "conflitto", "explicit detail");
	fx_free(&f);
}

int main(void)
{
	test_paths();
	test_string();
	test_text();
	test_int_bool();
	test_money();
	test_email();
	test_slug();
	test_password();
	test_time();
	test_array_object();
	test_only();
	test_body_object();
	test_answer();
	return check_done();
}
