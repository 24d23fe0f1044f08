/* libFuzzer harness for the allocations CSV reader (fund_parse_csv in
 * core/funds/fund_model.c): any bytes as the body of PUT
 * …/allocations with Content-Type text/csv, then fund_check against a fixed
 * cycle (2021-2023, two funding sources) and three tenants. Besides not
 * crashing or reading past the body (it is not NUL-terminated here), an
 * accepted row must have a tenant and a source, a year of 1-4 digits and an
 * amount of digits with exactly two decimals, its line after the header and
 * after the row before; every error names "line N" (or "body") with a message
 * "riga N: …"; and the rows written back as CSV (every field quoted) read
 * back to the same rows, with no error. */
#include <stdbool.h>
#include <string.h>

#include "funds/funds.h"
#include "fuzz.h"

static const fund_tenant tenants[] = {{1, "ats-1"}, {2, "ats-13"}, {3, "ats-7"}}; /* by slug */
static cycle_item sources[] = {{"comuni", "Comuni"}, {"fnps", "Fondo nazionale"}};

static bool amount_ok(const char *s)
{
	size_t d = strspn(s, "0123456789");
	return d > 0 && s[d] == '.' && strspn(s + d + 1, "0123456789") == 2 && s[d + 3] == '\0';
}

static void quoted(arena *a, char **buf, size_t *len, const char *s, char after)
{
	size_t n = strlen(s), extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += s[i] == '"';
	char *grown = arena_alloc(a, *len + n + extra + 4);
	memcpy(grown, *buf, *len);
	char *o = grown + *len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		*o++ = s[i];
		if (s[i] == '"')
			*o++ = '"';
	}
	*o++ = '"';
	*o++ = after;
	*len = (size_t)(o - grown);
	*buf = grown;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	/* A copy of exactly size bytes, so ASan sees any read past the body. */
	char *body = malloc(size ? size : 1);
	FUZZ_CHECK(body != NULL, "out of memory");
	memcpy(body, data, size);
	field_errors *e = field_errors_new(a);
	fund_row *rows = NULL;
	size_t n = 0;
	size_t errs = fund_parse_csv(e, body, size, &rows, &n);
	FUZZ_CHECK(errs == field_errors_count(e), "%zu errors returned, %zu added", errs, field_errors_count(e));
	FUZZ_CHECK(n <= FUND_MAX_ROWS, "%zu rows", n);
	for (size_t i = 0; i < field_errors_kept(e); i++) {
		const char *f = field_errors_field(e, i), *m = field_errors_message(e, i);
		if (strcmp(f, "body") == 0)
			continue;
		unsigned long line = 0;
		char tail = 0;
		FUZZ_CHECK(sscanf(f, "line %lu%c", &line, &tail) == 1 && line >= 1, "error field %s", f);
		char want[40];
		snprintf(want, sizeof(want), "riga %lu: ", line);
		FUZZ_CHECK(strncmp(m, want, strlen(want)) == 0, "error %s: %s", f, m);
	}
	size_t last = 1;
	for (size_t i = 0; i < n; i++) {
		const fund_row *r = &rows[i];
		FUZZ_CHECK(r->line > last, "row %zu at line %zu after line %zu", i, r->line, last);
		last = r->line;
		FUZZ_CHECK(r->tenant != NULL && r->tenant[0] != '\0', "row %zu without a tenant", i);
		FUZZ_CHECK(r->source != NULL && r->source[0] != '\0', "row %zu without a source", i);
		FUZZ_CHECK(r->year >= 1 && r->year <= 9999, "row %zu year %lld", i, r->year);
		FUZZ_CHECK(r->amount != NULL && amount_ok(r->amount), "row %zu amount %s", i,
		           r->amount ? r->amount : "(null)");
	}

	/* Written back, every field quoted (CRLF line ends), read back the same. */
	if (errs == 0) {
		char *csv = arena_strdup(a, "tenant,year,source,amount_eur\r\n");
		size_t len = strlen(csv);
		for (size_t i = 0; i < n; i++) {
			quoted(a, &csv, &len, rows[i].tenant, ',');
			quoted(a, &csv, &len, arena_printf(a, "%lld", rows[i].year), ',');
			quoted(a, &csv, &len, rows[i].source, ',');
			quoted(a, &csv, &len, rows[i].amount, '\r');
			char *grown = arena_alloc(a, len + 1);
			memcpy(grown, csv, len);
			grown[len++] = '\n';
			csv = grown;
		}
		field_errors *e2 = field_errors_new(a);
		fund_row *back = NULL;
		size_t nback = 0;
		FUZZ_CHECK(fund_parse_csv(e2, csv, len, &back, &nback) == 0, "written back: %s: %s",
		           field_errors_field(e2, 0), field_errors_message(e2, 0));
		FUZZ_CHECK(nback == n, "%zu rows, %zu read back", n, nback);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(rows[i].tenant, back[i].tenant) == 0 && rows[i].year == back[i].year &&
			               strcmp(rows[i].source, back[i].source) == 0 &&
			               strcmp(rows[i].amount, back[i].amount) == 0,
			           "row %zu reads back differently", i);

		/* The checks against the cycle: a row of a known tenant, year and
		 * source, not repeated, is accepted. */
		cycle c = {.start_year = 2021, .end_year = 2023};
		cycle_catalog cat = {.funding_sources = sources, .nfunding_sources = 2};
		field_errors *e3 = field_errors_new(a);
		size_t bad = fund_check(e3, &c, &cat, tenants, 3, rows, n, true);
		FUZZ_CHECK(bad == field_errors_count(e3), "%zu check errors returned, %zu added", bad,
		           field_errors_count(e3));
		if (bad == 0)
			for (size_t i = 0; i < n; i++)
				FUZZ_CHECK(rows[i].tenant_id >= 1 && rows[i].tenant_id <= 3,
				           "row %zu: tenant %s accepted", i, rows[i].tenant);
	}
	free(body);
	arena_free(a);
	return 0;
}
