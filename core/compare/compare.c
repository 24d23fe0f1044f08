/* HTTP routes of the cross-ATS comparisons (SPEC §6), in JSON and CSV.
 * Region staff compare every tenant, a university user its assigned ones
 * (scope_can_see decides, as everywhere), ATS staff none. Every answer is
 * streamed: the tenants are read a page at a time and each page is written
 * out before the next is read, so a 600-tenant side-by-side of 30 000
 * characters a section never sits whole in memory. Money is handled in
 * integer cents; the rounding rules are in the README and in round_div. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/log.h"
#include "compare/compare.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"

#define COMPARE_PATH "/api/v1/cycles/{cycle}/compare"
#define OUT_CHUNK (32 * 1024) /* bytes gathered before a chunk is handed on */
#define PARAM_CODE_MAX 16     /* the longest action code (section_actions) */
/* The largest amount read, in cents (10^14 euros): far above any DECIMAL sum
 * of real plans, and low enough that the totals of thousands of tenants
 * still fit in 64 bits. */
#define CENTS_MAX 10000000000000000LL

/* ---------------------------------------------------------------- output */

/* The answer's bytes, gathered into chunks of OUT_CHUNK before they go to
 * the stream: the JSON writer hands over one token at a time. */
typedef struct outbuf {
	http_req *r;
	char *buf;
	size_t len;
} outbuf;

static void out_flush(outbuf *o)
{
	if (o->len > 0)
		http_stream_write(o->r, o->buf, o->len);
	o->len = 0;
}

static void out_put(outbuf *o, const void *p, size_t n)
{
	if (o->len + n > OUT_CHUNK) {
		out_flush(o);
		if (n >= OUT_CHUNK) {
			http_stream_write(o->r, p, n);
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void out_str(outbuf *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void jw_to_out(void *ctx, const char *buf, size_t len)
{
	out_put(ctx, buf, len);
}

static void csv_to_out(void *ctx, const void *buf, size_t len)
{
	out_put(ctx, buf, len);
}

/* A JSON string. The text comes from the database, where only validated
 * UTF-8 is stored; quotes, backslashes and control characters are escaped. */
static void out_json_str(outbuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	out_put(o, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		out_put(o, run, (size_t)(s - run));
		char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
		if (ch == '"' || ch == '\\') {
			esc[1] = (char)ch;
			out_put(o, esc, 2);
		} else if (ch == '\n' || ch == '\r' || ch == '\t') {
			esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
			out_put(o, esc, 2);
		} else {
			out_put(o, esc, 6);
		}
		run = s + 1;
	}
	out_put(o, run, (size_t)(s - run));
	out_put(o, "\"", 1);
}

/* ---------------------------------------------------------------- money */

/* "1234.50" (decimal text with at most two places, maybe negative) into
 * cents; false on anything else or beyond CENTS_MAX. */
static bool cents_parse(const char *s, long long *out)
{
	bool neg = *s == '-';
	long long v = 0;
	int digits = 0, decimals = -1; /* -1: no decimal point yet */
	if (neg)
		s++;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 2)
			return false;
		v = v * 10 + (*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
		if (v > CENTS_MAX)
			return false;
	}
	if (digits == 0)
		return false;
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++) {
		v *= 10;
		if (v > CENTS_MAX)
			return false;
	}
	*out = neg ? -v : v;
	return true;
}

/* num / den rounded half away from zero ("half up" on the amounts, which
 * are never negative here); den > 0. */
static long long round_div(long long num, long long den)
{
	long long q = (num < 0 ? -num : num);
	q = (2 * q + den) / (2 * den);
	return num < 0 ? -q : q;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorted in place): the middle value, or for an even n
 * the mean of the two middle values rounded half up to the cent. */
static long long median(long long *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	if (n % 2 == 1)
		return v[n / 2];
	return round_div(v[n / 2 - 1] + v[n / 2], 2);
}

/* ---------------------------------------------------------------- requests */

/* What every comparison shares: the caller may compare, the cycle, the
 * source, the visible tenants and the open answer. */
typedef struct cmp {
	http_req *r;
	cycle *cy;
	compare_source src;
	bool csv;
	compare_tenant *tenants; /* visible to the caller, by slug */
	size_t ntenants;
	outbuf o;
	jw *w; /* the indicators' JSON writer; the other answers are written by hand */
	csv_writer cw;
} cmp;

static const char *source_name(compare_source s)
{
	return s == COMPARE_DRAFT ? "draft" : "submitted";
}

static bool db_ok(http_req *r, int rc, const char *what)
{
	if (rc == DB_OK)
		return true;
	http_db_error(r, rc, what);
	return false;
}

/* A query parameter that must be one of two words (the first is the
 * default); answers 400 naming it otherwise. */
static bool choice(http_req *r, const char *name, const char *first, const char *second, bool *is_second)
{
	const char *v = http_query(r, name);
	*is_second = false;
	if (v == NULL || strcmp(v, first) == 0)
		return true;
	if (strcmp(v, second) == 0) {
		*is_second = true;
		return true;
	}
	field_errors *e = http_errors_new(r);
	field_errors_add(e, name, "must be %s or %s", first, second);
	http_errors_answer(r, e, 400, NULL);
	return false;
}

/* The checks every comparison starts with: a role that may compare, the
 * source, the cycle. False after answering. */
static bool cmp_start(http_req *r, cmp *m)
{
	memset(m, 0, sizeof(*m));
	m->r = r;
	role rl = r->user->region_role;
	if (rl != ROLE_REGION_ADMIN && rl != ROLE_REGION_REVIEWER && rl != ROLE_UNIVERSITY) {
		http_problem(r, 403, "comparisons across ATS are for region staff and university users");
		return false;
	}
	bool draft;
	if (!choice(r, "source", "submitted", "draft", &draft))
		return false;
	m->src = draft ? COMPARE_DRAFT : COMPARE_SUBMITTED;
	int csv = http_wants_csv(r);
	if (csv < 0)
		return false;
	m->csv = csv == 1;
	const char *slug = http_param(r, "cycle");
	if (!db_ok(r, cycle_store_find(r->db, r->a, slug, false, &m->cy), "the cycle"))
		return false;
	if (m->cy == NULL) {
		if (v_is_slug(slug))
			http_problemf(r, 404, "there is no cycle %s", slug);
		else
			http_problem(r, 404, "there is no such cycle");
		return false;
	}
	return true;
}

/* The tenants to compare, kept only when the caller may see them: tenant
 * isolation is decided by scope_can_see alone. */
static bool cmp_tenants(cmp *m, bool with_population)
{
	compare_tenant *all;
	size_t n;
	if (!db_ok(m->r, compare_store_tenants(m->r->db, m->r->a, m->cy->id, m->src, with_population, &all, &n),
	           "the plans"))
		return false;
	m->tenants = all;
	m->ntenants = 0;
	for (size_t i = 0; i < n; i++)
		if (scope_can_see(m->r->user, all[i].id))
			m->tenants[m->ntenants++] = all[i];
	return true;
}

/* Starts the 200 answer: headers, then the stream. name is the file name's
 * middle part for CSV. */
static void cmp_open(cmp *m, const char *name)
{
	http_req *r = m->r;
	m->o.r = r;
	m->o.buf = arena_alloc(r->a, OUT_CHUNK);
	if (m->csv) {
		http_set_header(r, "Content-Disposition",
		                arena_printf(r->a, "attachment; filename=\"ambito-%s-%s-%s.csv\"", m->cy->slug, name,
		                             source_name(m->src)));
		http_stream_begin(r, 200, "text/csv"); /* the server adds charset=utf-8 */
		csv_init(&m->cw, csv_to_out, &m->o);
		csv_bom(&m->cw);
	} else {
		http_stream_begin(r, 200, "application/json");
	}
}

/* Ends the answer. A JSON writer that failed (stored text that is not UTF-8,
 * a bug) turns the answer into a cut one, never a silently wrong one. */
static void cmp_close(cmp *m)
{
	if (m->w != NULL && jw_failed(m->w)) {
		log_msg(LOG_ERROR, "compare: the JSON writer failed on %s", m->r->path);
		http_problem(m->r, 500, "the answer could not be encoded");
	} else {
		out_flush(&m->o);
	}
	jw_free(m->w);
	m->w = NULL;
	http_stream_end(m->r);
}

/* Fails a streamed answer half-way (the server then cuts the connection). */
static void cmp_fail(cmp *m, int rc, const char *what)
{
	jw_free(m->w);
	m->w = NULL;
	http_db_error(m->r, rc, what);
	http_stream_end(m->r);
}

/* The ids of page p (COMPARE_PAGE, unused slots 0); returns how many. */
static size_t page_ids(const cmp *m, size_t p, long long ids[COMPARE_PAGE])
{
	size_t first = p * COMPARE_PAGE, k = 0;
	for (; k < COMPARE_PAGE && first + k < m->ntenants; k++)
		ids[k] = m->tenants[first + k].id;
	for (size_t j = k; j < COMPARE_PAGE; j++)
		ids[j] = 0;
	return k;
}

static size_t npages(const cmp *m)
{
	return (m->ntenants + COMPARE_PAGE - 1) / COMPARE_PAGE;
}

static long long column_of(const char **cols, size_t ncols, const char *code)
{
	for (size_t c = 0; c < ncols; c++)
		if (strcmp(cols[c], code) == 0)
			return (long long)c;
	return -1;
}

/* Numbers written by hand: the coverage of 600 tenants is some 50 000 of
 * them, and printf and the JSON writer would cost more than the database. */

/* v in decimal into buf (at least 24 bytes); returns the length. */
static size_t fmt_int(char *buf, long long v)
{
	char tmp[24];
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + m % 10);
		m /= 10;
	} while (m > 0);
	if (v < 0)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

/* Cents as "1234.50" into buf (at least 32 bytes); returns the length. */
static size_t fmt_cents(char *buf, long long c)
{
	unsigned long long m = c < 0 ? 0ULL - (unsigned long long)c : (unsigned long long)c;
	size_t len = 0;
	if (c < 0)
		buf[len++] = '-';
	len += fmt_int(buf + len, (long long)(m / 100));
	buf[len++] = '.';
	buf[len++] = (char)('0' + m / 10 % 10);
	buf[len++] = (char)('0' + m % 10);
	buf[len] = '\0';
	return len;
}

static void out_int(outbuf *o, long long v)
{
	char b[24];
	out_put(o, b, fmt_int(b, v));
}

static void out_cents(outbuf *o, long long c)
{
	char b[32];
	out_put(o, b, fmt_cents(b, c));
}

static void csv_int(csv_writer *cw, long long v)
{
	char b[24];
	csv_numbern(cw, b, fmt_int(b, v));
}

static void csv_cents(csv_writer *cw, long long c)
{
	char b[32];
	csv_numbern(cw, b, fmt_cents(b, c));
}

/* "key": */
static void out_key(outbuf *o, const char *key)
{
	out_json_str(o, key);
	out_put(o, ":", 1);
}

/* {"cycle":…,"by":…,"source":…,"columns":[…] of the aggregate answers,
 * left open. */
static void write_head(cmp *m, const char *by, const char **cols, size_t ncols)
{
	outbuf *o = &m->o;
	out_str(o, "{\"cycle\":");
	out_json_str(o, m->cy->slug);
	out_str(o, ",\"by\":");
	out_json_str(o, by);
	out_str(o, ",\"source\":");
	out_json_str(o, source_name(m->src));
	out_str(o, ",\"columns\":[");
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			out_put(o, ",", 1);
		out_json_str(o, cols[c]);
	}
	out_str(o, "]");
}

/* {"tenant":…,"name":… of a row, left open. */
static void write_row_head(cmp *m, const compare_tenant *tn, bool first)
{
	out_str(&m->o, first ? "{\"tenant\":" : ",{\"tenant\":");
	out_json_str(&m->o, tn->slug);
	out_str(&m->o, ",\"name\":");
	out_json_str(&m->o, tn->name);
}

/* The codes of one list of the catalogue, in its order: the columns. */
enum { COLS_ACTIONS, COLS_OBJECTIVES, COLS_AREAS, COLS_SOURCES };

static bool catalog_codes(cmp *m, int kind, const char ***out, size_t *n)
{
	cycle_catalog cat;
	if (!db_ok(m->r, cycle_store_load_catalog(m->r->db, m->r->a, m->cy->id, &cat), "the catalogue"))
		return false;
	size_t cap = 0;
	for (size_t i = 0; i < cat.nobjectives; i++)
		cap += cat.objectives[i].nactions + 1;
	cap += cat.nareas + cat.nfunding_sources + 1;
	const char **codes = arena_calloc(m->r->a, cap, sizeof(*codes));
	size_t k = 0;
	if (kind == COLS_ACTIONS)
		for (size_t i = 0; i < cat.nobjectives; i++)
			for (size_t j = 0; j < cat.objectives[i].nactions; j++)
				codes[k++] = cat.objectives[i].actions[j].code;
	else if (kind == COLS_OBJECTIVES)
		for (size_t i = 0; i < cat.nobjectives; i++)
			codes[k++] = cat.objectives[i].code;
	else if (kind == COLS_AREAS)
		for (size_t i = 0; i < cat.nareas; i++)
			codes[k++] = cat.areas[i].code;
	else
		for (size_t i = 0; i < cat.nfunding_sources; i++)
			codes[k++] = cat.funding_sources[i].code;
	*out = codes;
	*n = k;
	return true;
}

/* Where a page's aggregate goes: the tenant's place in the page and the
 * column, or false for a code outside the catalogue (cannot be: templates
 * and plans are checked against it). */
static bool agg_slot(const compare_agg *g, const long long *ids, size_t k, const char **cols, size_t ncols, size_t *t,
                     size_t *col)
{
	long long c = column_of(cols, ncols, g->code);
	for (*t = 0; *t < k && ids[*t] != g->tenant_id; (*t)++)
		;
	*col = (size_t)c;
	return c >= 0 && *t < k;
}

/* ---------------------------------------------------------------- coverage */

/* The four figures of a cell. */
typedef struct cov {
	long long sections, complete, indicators, cents;
} cov;

static const char *const cov_names[] = {"sections", "complete", "indicators", "spending_eur"};

static void cov_json(outbuf *o, const char *code, const cov *c, bool first)
{
	if (!first)
		out_put(o, ",", 1);
	out_key(o, code);
	out_str(o, "{\"sections\":");
	out_int(o, c->sections);
	out_str(o, ",\"complete\":");
	out_int(o, c->complete);
	out_str(o, ",\"indicators\":");
	out_int(o, c->indicators);
	out_str(o, ",\"spending_eur\":");
	out_cents(o, c->cents);
	out_put(o, "}", 1);
}

/* A page's aggregates into cells[tenant of page][column]. */
static bool cov_fill(const compare_agg *g, size_t ng, const long long *ids, size_t k, const char **cols, size_t ncols,
                     cov *cells)
{
	for (size_t i = 0; i < ng; i++) {
		size_t t, col;
		long long cents;
		if (!agg_slot(&g[i], ids, k, cols, ncols, &t, &col))
			continue;
		if (!cents_parse(g[i].amount ? g[i].amount : "0", &cents))
			return false;
		cells[t * ncols + col] = (cov){g[i].sections, g[i].complete, g[i].indicators, cents};
	}
	return true;
}

static void get_coverage(http_req *r)
{
	cmp m;
	bool by_objective;
	const char **cols;
	size_t ncols;
	if (!cmp_start(r, &m) || !choice(r, "by", "action", "objective", &by_objective) ||
	    !catalog_codes(&m, by_objective ? COLS_OBJECTIVES : COLS_ACTIONS, &cols, &ncols) || !cmp_tenants(&m, false))
		return;
	const char *by = by_objective ? "objective" : "action";
	cov *totals = arena_calloc(r->a, ncols + 1, sizeof(*totals));
	cov *cells = arena_calloc(r->a, COMPARE_PAGE * ncols + 1, sizeof(*cells));
	cmp_open(&m, arena_printf(r->a, "coverage-%s", by));
	if (m.csv) {
		csv_field(&m.cw, "tenant");
		csv_field(&m.cw, "name");
		for (size_t c = 0; c < ncols; c++)
			for (size_t f = 0; f < sizeof(cov_names) / sizeof(cov_names[0]); f++)
				csv_field(&m.cw, arena_printf(r->a, "%s %s", cols[c], cov_names[f]));
		csv_end(&m.cw);
	} else {
		write_head(&m, by, cols, ncols);
		out_str(&m.o, ",\"rows\":[");
	}
	for (size_t p = 0; p < npages(&m); p++) {
		long long ids[COMPARE_PAGE];
		size_t k = page_ids(&m, p, ids);
		arena *pa = arena_new();
		compare_agg *g;
		size_t ng;
		int rc = compare_store_coverage(r->db, pa, m.cy->id, m.src, by_objective, ids, &g, &ng);
		memset(cells, 0, COMPARE_PAGE * ncols * sizeof(*cells));
		bool ok = rc == DB_OK && cov_fill(g, ng, ids, k, cols, ncols, cells);
		arena_free(pa);
		if (!ok) {
			cmp_fail(&m, rc != DB_OK ? rc : DB_EERR, "the coverage");
			return;
		}
		for (size_t t = 0; t < k; t++) {
			const compare_tenant *tn = &m.tenants[p * COMPARE_PAGE + t];
			const cov *row = &cells[t * ncols];
			for (size_t c = 0; c < ncols; c++) {
				totals[c].sections += row[c].sections;
				totals[c].complete += row[c].complete;
				totals[c].indicators += row[c].indicators;
				totals[c].cents += row[c].cents;
			}
			if (m.csv) {
				csv_field(&m.cw, tn->slug);
				csv_field(&m.cw, tn->name);
				for (size_t c = 0; c < ncols; c++) {
					csv_int(&m.cw, row[c].sections);
					csv_int(&m.cw, row[c].complete);
					csv_int(&m.cw, row[c].indicators);
					csv_cents(&m.cw, row[c].cents);
				}
				csv_end(&m.cw);
				continue;
			}
			write_row_head(&m, tn, p == 0 && t == 0);
			out_str(&m.o, ",\"cells\":{");
			for (size_t c = 0; c < ncols; c++)
				cov_json(&m.o, cols[c], &row[c], c == 0);
			out_str(&m.o, "}}");
		}
	}
	if (!m.csv) {
		out_str(&m.o, "],\"totals\":{");
		for (size_t c = 0; c < ncols; c++)
			cov_json(&m.o, cols[c], &totals[c], c == 0);
		out_str(&m.o, "}}");
	}
	cmp_close(&m);
}

/* ---------------------------------------------------------------- finance */

/* Per inhabitant, in cents, or NO_FIGURE when the population is unknown (0). */
#define NO_FIGURE LLONG_MIN

static long long per_inhabitant(long long cents, long long population)
{
	return population > 0 ? round_div(cents, population) : NO_FIGURE;
}

/* "code":{"amount_eur":…,"per_inhabitant_eur":…}; NO_FIGURE writes null. */
static void money_json(outbuf *o, const char *code, long long cents, long long per_inh, bool first)
{
	if (!first)
		out_put(o, ",", 1);
	out_key(o, code);
	out_str(o, "{\"amount_eur\":");
	if (cents == NO_FIGURE)
		out_str(o, "null");
	else
		out_cents(o, cents);
	out_str(o, ",\"per_inhabitant_eur\":");
	if (per_inh == NO_FIGURE)
		out_str(o, "null");
	else
		out_cents(o, per_inh);
	out_put(o, "}", 1);
}

/* Median of column c of the rows' figures (NO_FIGURE left out), or
 * NO_FIGURE when there is none; v has room for every row. */
static long long column_median(const long long *fig, size_t nrows, size_t ncols, size_t c, long long *v)
{
	size_t n = 0;
	for (size_t t = 0; t < nrows; t++)
		if (fig[t * ncols + c] != NO_FIGURE)
			v[n++] = fig[t * ncols + c];
	return n > 0 ? median(v, n) : NO_FIGURE;
}

static void get_finance(http_req *r)
{
	cmp m;
	bool by_source;
	const char **cols;
	size_t ncols;
	if (!cmp_start(r, &m) || !choice(r, "by", "area", "source", &by_source) ||
	    !catalog_codes(&m, by_source ? COLS_SOURCES : COLS_AREAS, &cols, &ncols) || !cmp_tenants(&m, true))
		return;
	const char *by = by_source ? "source" : "area";
	/* Every row's figures stay for the totals and medians: two numbers a
	 * cell, 600 tenants by 9 areas is some 85 kB. */
	size_t nt = m.ntenants;
	long long *amount = arena_calloc(r->a, nt * ncols + 1, sizeof(*amount));
	long long *per_inh = arena_calloc(r->a, nt * ncols + 1, sizeof(*per_inh));
	long long population = 0;
	cmp_open(&m, arena_printf(r->a, "finance-%s", by));
	if (m.csv) {
		csv_field(&m.cw, "tenant");
		csv_field(&m.cw, "name");
		csv_field(&m.cw, "population");
		for (size_t c = 0; c < ncols; c++) {
			csv_field(&m.cw, arena_printf(r->a, "%s amount_eur", cols[c]));
			csv_field(&m.cw, arena_printf(r->a, "%s per_inhabitant_eur", cols[c]));
		}
		csv_end(&m.cw);
	} else {
		write_head(&m, by, cols, ncols);
		out_str(&m.o, ",\"rows\":[");
	}
	for (size_t p = 0; p < npages(&m); p++) {
		long long ids[COMPARE_PAGE];
		size_t k = page_ids(&m, p, ids);
		arena *pa = arena_new();
		compare_agg *g;
		size_t ng;
		int rc = compare_store_finance(r->db, pa, m.cy->id, m.src, by_source, ids, &g, &ng);
		bool ok = rc == DB_OK;
		for (size_t i = 0; ok && i < ng; i++) {
			size_t t, col;
			if (agg_slot(&g[i], ids, k, cols, ncols, &t, &col))
				ok = cents_parse(g[i].amount ? g[i].amount : "0",
				                 &amount[(p * COMPARE_PAGE + t) * ncols + col]);
		}
		arena_free(pa);
		if (!ok) {
			cmp_fail(&m, rc != DB_OK ? rc : DB_EERR, "the finance");
			return;
		}
		for (size_t t = 0; t < k; t++) {
			size_t row = p * COMPARE_PAGE + t;
			const compare_tenant *tn = &m.tenants[row];
			const long long *am = &amount[row * ncols];
			long long *pi = &per_inh[row * ncols];
			population += tn->population;
			for (size_t c = 0; c < ncols; c++)
				pi[c] = per_inhabitant(am[c], tn->population);
			if (m.csv) {
				csv_field(&m.cw, tn->slug);
				csv_field(&m.cw, tn->name);
				csv_int(&m.cw, tn->population);
				for (size_t c = 0; c < ncols; c++) {
					csv_cents(&m.cw, am[c]);
					if (pi[c] == NO_FIGURE)
						csv_field(&m.cw, NULL);
					else
						csv_cents(&m.cw, pi[c]);
				}
				csv_end(&m.cw);
				continue;
			}
			write_row_head(&m, tn, row == 0);
			out_str(&m.o, ",\"population\":");
			out_int(&m.o, tn->population);
			out_str(&m.o, ",\"cells\":{");
			for (size_t c = 0; c < ncols; c++)
				money_json(&m.o, cols[c], am[c], pi[c], c == 0);
			out_str(&m.o, "}}");
		}
	}
	if (!m.csv) {
		out_str(&m.o, "],\"population\":");
		out_int(&m.o, population);
		/* Totals: the sum of the rows; per inhabitant over the sum of
		 * their populations. */
		out_str(&m.o, ",\"totals\":{");
		for (size_t c = 0; c < ncols; c++) {
			long long sum = 0;
			for (size_t t = 0; t < nt; t++)
				sum += amount[t * ncols + c];
			money_json(&m.o, cols[c], sum, per_inhabitant(sum, population), c == 0);
		}
		/* Medians over the rows; per inhabitant over the rows that have
		 * a population. null when there is no value at all. */
		long long *v = arena_calloc(r->a, nt + 1, sizeof(*v));
		out_str(&m.o, "},\"medians\":{");
		for (size_t c = 0; c < ncols; c++)
			money_json(&m.o, cols[c], column_median(amount, nt, ncols, c, v),
			           column_median(per_inh, nt, ncols, c, v), c == 0);
		out_str(&m.o, "}}");
	}
	cmp_close(&m);
}

/* ---------------------------------------------------------------- funds */

/* The three figures of a funds cell, in cents. */
enum { FUND_ALLOCATED, FUND_INCOME, FUND_SPENDING, FUND_FIGURES };
static const char *const fund_names[FUND_FIGURES] = {"allocated", "income", "spending"};

/* "code":{"allocated_eur":…,"allocated_per_inhabitant_eur":…,…}. */
static void funds_json(outbuf *o, const char *code, const long long *cents, long long population, bool first)
{
	if (!first)
		out_put(o, ",", 1);
	out_key(o, code);
	for (size_t f = 0; f < FUND_FIGURES; f++) {
		out_str(o, f == 0 ? "{\"" : ",\"");
		out_str(o, fund_names[f]);
		out_str(o, "_eur\":");
		out_cents(o, cents[f]);
		out_str(o, ",\"");
		out_str(o, fund_names[f]);
		out_str(o, "_per_inhabitant_eur\":");
		long long pi = per_inhabitant(cents[f], population);
		if (pi == NO_FIGURE)
			out_str(o, "null");
		else
			out_cents(o, pi);
	}
	out_put(o, "}", 1);
}

static bool funds_fill(const compare_funds *g, size_t ng, const long long *ids, size_t k, const char **cols,
                       size_t ncols, long long *cells)
{
	for (size_t i = 0; i < ng; i++) {
		long long c = column_of(cols, ncols, g[i].code);
		size_t t = 0;
		while (t < k && ids[t] != g[i].tenant_id)
			t++;
		if (c < 0 || t == k)
			continue;
		long long *cell = &cells[(t * ncols + (size_t)c) * FUND_FIGURES];
		if (!cents_parse(g[i].allocated ? g[i].allocated : "0", &cell[FUND_ALLOCATED]) ||
		    !cents_parse(g[i].income ? g[i].income : "0", &cell[FUND_INCOME]) ||
		    !cents_parse(g[i].spending ? g[i].spending : "0", &cell[FUND_SPENDING]))
			return false;
	}
	return true;
}

/* Allocated, planned income and planned spending per funding source and
 * tenant, absolute and per inhabitant, with their totals. */
static void get_funds(http_req *r)
{
	cmp m;
	const char **cols;
	size_t ncols;
	if (!cmp_start(r, &m) || !catalog_codes(&m, COLS_SOURCES, &cols, &ncols) || !cmp_tenants(&m, true))
		return;
	long long *cells = arena_calloc(r->a, COMPARE_PAGE * ncols * FUND_FIGURES + 1, sizeof(*cells));
	long long *totals = arena_calloc(r->a, ncols * FUND_FIGURES + 1, sizeof(*totals));
	long long population = 0;
	cmp_open(&m, "allocations");
	if (m.csv) {
		csv_field(&m.cw, "tenant");
		csv_field(&m.cw, "name");
		csv_field(&m.cw, "population");
		for (size_t c = 0; c < ncols; c++)
			for (size_t f = 0; f < FUND_FIGURES; f++) {
				csv_field(&m.cw, arena_printf(r->a, "%s %s_eur", cols[c], fund_names[f]));
				csv_field(&m.cw,
				          arena_printf(r->a, "%s %s_per_inhabitant_eur", cols[c], fund_names[f]));
			}
		csv_end(&m.cw);
	} else {
		write_head(&m, "source", cols, ncols);
		out_str(&m.o, ",\"rows\":[");
	}
	for (size_t p = 0; p < npages(&m); p++) {
		long long ids[COMPARE_PAGE];
		size_t k = page_ids(&m, p, ids);
		arena *pa = arena_new();
		compare_funds *g;
		size_t ng;
		int rc = compare_store_funds(r->db, pa, m.cy->id, m.src, ids, &g, &ng);
		memset(cells, 0, COMPARE_PAGE * ncols * FUND_FIGURES * sizeof(*cells));
		bool ok = rc == DB_OK && funds_fill(g, ng, ids, k, cols, ncols, cells);
		arena_free(pa);
		if (!ok) {
			cmp_fail(&m, rc != DB_OK ? rc : DB_EERR, "the funds");
			return;
		}
		for (size_t t = 0; t < k; t++) {
			const compare_tenant *tn = &m.tenants[p * COMPARE_PAGE + t];
			const long long *row = &cells[t * ncols * FUND_FIGURES];
			population += tn->population;
			for (size_t i = 0; i < ncols * FUND_FIGURES; i++)
				totals[i] += row[i];
			if (m.csv) {
				csv_field(&m.cw, tn->slug);
				csv_field(&m.cw, tn->name);
				csv_int(&m.cw, tn->population);
				for (size_t i = 0; i < ncols * FUND_FIGURES; i++) {
					long long pi = per_inhabitant(row[i], tn->population);
					csv_cents(&m.cw, row[i]);
					if (pi == NO_FIGURE)
						csv_field(&m.cw, NULL);
					else
						csv_cents(&m.cw, pi);
				}
				csv_end(&m.cw);
				continue;
			}
			write_row_head(&m, tn, p == 0 && t == 0);
			out_str(&m.o, ",\"population\":");
			out_int(&m.o, tn->population);
			out_str(&m.o, ",\"cells\":{");
			for (size_t c = 0; c < ncols; c++)
				funds_json(&m.o, cols[c], &row[c * FUND_FIGURES], tn->population, c == 0);
			out_str(&m.o, "}}");
		}
	}
	if (!m.csv) {
		out_str(&m.o, "],\"population\":");
		out_int(&m.o, population);
		out_str(&m.o, ",\"totals\":{");
		for (size_t c = 0; c < ncols; c++)
			funds_json(&m.o, cols[c], &totals[c * FUND_FIGURES], population, c == 0);
		out_str(&m.o, "}}");
	}
	cmp_close(&m);
}

/* ---------------------------------------------------------------- sections */

/* The content is the canonical JSON object the plans module stored; the row
 * is that object with the tenant's fields put in front, written without
 * parsing it again. */
static void section_json_row(cmp *m, const compare_tenant *tn, const compare_section *s)
{
	outbuf *o = &m->o;
	out_str(o, "{\"tenant\":");
	out_json_str(o, tn->slug);
	out_str(o, ",\"name\":");
	out_json_str(o, tn->name);
	out_str(o, ",\"revision\":");
	out_int(o, tn->revision);
	out_str(o, ",\"status\":");
	out_json_str(o, s->status);
	const char *c = s->content;
	size_t n = s->content_len;
	while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\n'))
		n--;
	if (n > 2 && c[0] == '{' && c[n - 1] == '}') {
		out_put(o, ",", 1);
		out_put(o, c + 1, n - 1);
	} else {
		out_put(o, "}", 1);
	}
}

/* The text of every template part, from the content's "parts". */
static bool section_csv_row(cmp *m, arena *a, const cycle_section *ts, const compare_tenant *tn,
                            const compare_section *s)
{
	json_value *doc;
	char err[120];
	if (json_parse(a, s->content, s->content_len, &doc, err, sizeof(err)) != JSON_OK) {
		log_msg(LOG_ERROR, "compare: stored section %s of tenant %lld is not JSON: %s", s->key, s->tenant_id,
		        err);
		return false;
	}
	const json_value *parts = json_get(doc, "parts");
	csv_field(&m->cw, tn->slug);
	csv_field(&m->cw, tn->name);
	csv_int(&m->cw, tn->revision);
	csv_field(&m->cw, s->status);
	for (size_t i = 0; i < ts->nparts; i++) {
		const json_value *v = json_get(parts, ts->parts[i].key);
		csv_fieldn(&m->cw, json_is(v, JSON_STRING) ? v->u.string.s : NULL,
		           json_is(v, JSON_STRING) ? v->u.string.len : 0);
	}
	csv_int(&m->cw, s->indicators);
	csv_number(&m->cw, s->spending);
	csv_end(&m->cw);
	return true;
}

static void get_section(http_req *r)
{
	cmp m;
	cycle_template tpl;
	if (!cmp_start(r, &m) || !db_ok(r, cycle_store_load_template(r->db, r->a, m.cy->id, &tpl), "the template"))
		return;
	const char *key = http_param(r, "key");
	const cycle_section *ts = cycle_template_section(&tpl, key);
	if (ts == NULL) {
		http_problemf(r, 404, "the template of cycle %s has no section %s", m.cy->slug,
		              v_is_line(key) && strlen(key) <= SECTION_KEY_MAX ? key : "by that key");
		return;
	}
	if (!cmp_tenants(&m, false))
		return;
	cmp_open(&m, arena_printf(r->a, "section-%s", ts->key));
	if (m.csv) {
		static const char *const head[] = {"tenant", "name", "revision", "status"};
		csv_fields(&m.cw, head, sizeof(head) / sizeof(head[0]));
		for (size_t i = 0; i < ts->nparts; i++)
			csv_field(&m.cw, ts->parts[i].key);
		csv_field(&m.cw, "indicators");
		csv_field(&m.cw, "spending_eur");
		csv_end(&m.cw);
	} else {
		/* Written by hand, not with the JSON writer: the rows splice in
		 * the stored content as it is. */
		out_str(&m.o, "{\"cycle\":");
		out_json_str(&m.o, m.cy->slug);
		out_str(&m.o, ",\"source\":");
		out_json_str(&m.o, source_name(m.src));
		out_str(&m.o, ",\"section\":");
		out_json_str(&m.o, ts->key);
		out_str(&m.o, ",\"title\":");
		out_json_str(&m.o, ts->title);
		out_str(&m.o, ",\"rows\":[");
	}
	bool first = true;
	for (size_t p = 0; p < npages(&m); p++) {
		long long ids[COMPARE_PAGE];
		size_t k = page_ids(&m, p, ids);
		arena *pa = arena_new();
		compare_section *s;
		size_t ns;
		int rc = compare_store_section(r->db, pa, m.cy->id, m.src, ts->key, ids, &s, &ns);
		bool ok = rc == DB_OK;
		for (size_t t = 0; ok && t < k; t++) {
			const compare_tenant *tn = &m.tenants[p * COMPARE_PAGE + t];
			for (size_t i = 0; ok && i < ns; i++) {
				if (s[i].tenant_id != tn->id)
					continue;
				if (m.csv) {
					ok = section_csv_row(&m, pa, ts, tn, &s[i]);
				} else {
					if (!first)
						out_put(&m.o, ",", 1);
					first = false;
					section_json_row(&m, tn, &s[i]);
				}
			}
		}
		arena_free(pa);
		if (!ok) {
			cmp_fail(&m, rc != DB_OK ? rc : DB_EERR, "the sections");
			return;
		}
	}
	if (!m.csv)
		out_str(&m.o, "]}");
	cmp_close(&m);
}

/* ---------------------------------------------------------------- indicators
 */

static const char *const indicator_fields[] = {"kind", "unit", "baseline", "target", "source"};

/* Indicator values are lines of text, often numbers ("-3", "120"): a plain
 * number stays a number in the spreadsheet, anything else is text. */
static void indicator_csv_value(csv_writer *cw, const json_value *v)
{
	if (json_is(v, JSON_STRING))
		csv_numbern(cw, v->u.string.s, v->u.string.len);
	else if (json_is(v, JSON_NUMBER))
		csv_number(cw, v->u.number.text); /* -3.5 stays a number; 1e3 is not rewritten */
	else
		csv_field(cw, NULL);
}

static void jw_value_or_null(jw *w, const json_value *v)
{
	if (v != NULL)
		jw_value(w, v);
	else
		jw_null(w);
}

static bool indicator_rows(cmp *m, arena *a, const compare_tenant *tn, const compare_section *s)
{
	json_value *doc;
	char err[120];
	if (json_parse(a, s->content, s->content_len, &doc, err, sizeof(err)) != JSON_OK) {
		log_msg(LOG_ERROR, "compare: stored section %s of tenant %lld is not JSON: %s", s->key, s->tenant_id,
		        err);
		return false;
	}
	const json_value *list = json_get(doc, "indicators");
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		const json_value *ind = list->u.array.items[i];
		if (m->csv) {
			csv_field(&m->cw, tn->slug);
			csv_field(&m->cw, tn->name);
			csv_field(&m->cw, s->key);
			indicator_csv_value(&m->cw, json_get(ind, "name"));
			for (size_t f = 0; f < sizeof(indicator_fields) / sizeof(indicator_fields[0]); f++)
				indicator_csv_value(&m->cw, json_get(ind, indicator_fields[f]));
			csv_end(&m->cw);
			continue;
		}
		jw_obj_begin(m->w);
		jw_kstr(m->w, "tenant", tn->slug);
		jw_kstr(m->w, "name", tn->name);
		jw_kstr(m->w, "section", s->key);
		jw_key(m->w, "indicator");
		jw_value_or_null(m->w, json_get(ind, "name"));
		for (size_t f = 0; f < sizeof(indicator_fields) / sizeof(indicator_fields[0]); f++) {
			jw_key(m->w, indicator_fields[f]);
			jw_value_or_null(m->w, json_get(ind, indicator_fields[f]));
		}
		jw_obj_end(m->w);
	}
	return true;
}

static void get_indicators(http_req *r)
{
	cmp m;
	cycle_catalog cat;
	if (!cmp_start(r, &m))
		return;
	const char *action = http_query(r, "action");
	if (action == NULL || *action == '\0') {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "action", "is required: the code of an azione di sistema, such as OS1-A6");
		http_errors_answer(r, e, 400, NULL);
		return;
	}
	if (!db_ok(r, cycle_store_load_catalog(r->db, r->a, m.cy->id, &cat), "the catalogue"))
		return;
	bool known = false;
	for (size_t i = 0; i < cat.nobjectives && !known; i++)
		for (size_t j = 0; j < cat.objectives[i].nactions && !known; j++)
			known = strcmp(cat.objectives[i].actions[j].code, action) == 0;
	if (!known) {
		field_errors *e = http_errors_new(r);
		if (v_is_line(action) && strlen(action) <= PARAM_CODE_MAX)
			field_errors_add(e, "action", "cycle %s has no action %s", m.cy->slug, action);
		else
			field_errors_add(e, "action", "cycle %s has no such action", m.cy->slug);
		http_errors_answer(r, e, 404, "no such action in this cycle");
		return;
	}
	if (!cmp_tenants(&m, false))
		return;
	cmp_open(&m, arena_printf(r->a, "indicators-%s", action));
	if (m.csv) {
		static const char *const head[] = {"tenant", "name",     "section", "indicator", "kind",
		                                   "unit",   "baseline", "target",  "source"};
		csv_fields(&m.cw, head, sizeof(head) / sizeof(head[0]));
		csv_end(&m.cw);
	} else {
		/* Rows hold the indicators as stored: the JSON writer copies
		 * them, whatever their members. */
		m.w = jw_new(jw_to_out, &m.o);
		jw_obj_begin(m.w);
		jw_kstr(m.w, "cycle", m.cy->slug);
		jw_kstr(m.w, "source", source_name(m.src));
		jw_kstr(m.w, "action", action);
		jw_key(m.w, "rows");
		jw_arr_begin(m.w);
	}
	for (size_t p = 0; p < npages(&m); p++) {
		long long ids[COMPARE_PAGE];
		size_t k = page_ids(&m, p, ids);
		arena *pa = arena_new();
		compare_section *s;
		size_t ns;
		int rc = compare_store_action_sections(r->db, pa, m.cy->id, m.src, action, ids, &s, &ns);
		bool ok = rc == DB_OK;
		for (size_t t = 0; ok && t < k; t++)
			for (size_t i = 0; ok && i < ns; i++)
				if (s[i].tenant_id == m.tenants[p * COMPARE_PAGE + t].id)
					ok = indicator_rows(&m, pa, &m.tenants[p * COMPARE_PAGE + t], &s[i]);
		arena_free(pa);
		if (!ok) {
			cmp_fail(&m, rc != DB_OK ? rc : DB_EERR, "the indicators");
			return;
		}
	}
	if (!m.csv) {
		jw_arr_end(m.w);
		jw_obj_end(m.w);
	}
	cmp_close(&m);
}

/* ---------------------------------------------------------------- routes */

/* The query parameters of the comparisons, for the OpenAPI document. */
#define P_SOURCE                                                                                                       \
	{                                                                                                              \
		"source", PARAM_QUERY, false,                                                                          \
		    "{\"type\":\"string\",\"enum\":[\"submitted\",\"draft\"],\"default\":\"submitted\"}",              \
		    "submitted: l'ultima revisione inviata di ogni ATS (chi non ha inviato manca); draft: la bozza "   \
		    "in lavorazione"                                                                                   \
	}
#define P_BY(a, b, what)                                                                                               \
	{                                                                                                              \
		"by", PARAM_QUERY, false,                                                                              \
		    "{\"type\":\"string\",\"enum\":[\"" a "\",\"" b "\"],\"default\":\"" a "\"}", what                 \
	}

static const route routes[] = {
    {HTTP_GET,
     COMPARE_PATH "/coverage",
     get_coverage,
     ROUTE_STREAM,
     "How far each tenant's sections tagged with each action (?by=action) or "
     "objective (?by=objective) are "
     "written; ?source=submitted|draft; JSON or CSV",
     NULL,
     "CompareCoverage",
     {P_BY("action", "objective", "Le colonne: le azioni di sistema o gli obiettivi strategici del ciclo"), P_SOURCE,
      P_FORMAT}},
    {HTTP_GET,
     COMPARE_PATH "/finance",
     get_finance,
     ROUTE_STREAM,
     "Spending by policy area (?by=area) or income by funding source "
     "(?by=source) per tenant, absolute and per "
     "inhabitant, with totals and medians; JSON or CSV",
     NULL,
     "CompareFinance",
     {P_BY("area", "source", "area: la spesa per area di intervento; source: le entrate per fonte di finanziamento"),
      P_SOURCE, P_FORMAT}},
    {HTTP_GET,
     COMPARE_PATH "/allocations",
     get_funds,
     ROUTE_STREAM,
     "Per tenant and funding source: the Region's allocation, the planned income and the planned spending, "
     "absolute and per inhabitant, with totals; JSON or CSV",
     NULL,
     "CompareAllocations",
     {P_SOURCE, P_FORMAT}},
    {HTTP_GET,
     COMPARE_PATH "/sections/{key}",
     get_section,
     ROUTE_STREAM,
     "One template section of every visible tenant side by side; JSON or CSV",
     NULL,
     "CompareSection",
     {P_SOURCE, P_FORMAT}},
    {HTTP_GET,
     COMPARE_PATH "/indicators",
     get_indicators,
     ROUTE_STREAM,
     "The indicators of the sections tagged with ?action=, across tenants; "
     "JSON or CSV",
     NULL,
     "CompareIndicators",
     {{"action", PARAM_QUERY, true, "{\"type\":\"string\",\"minLength\":1}",
       "Il codice di un'azione di sistema del ciclo (OS1-A6)"},
      P_SOURCE,
      P_FORMAT}},
};

void compare_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
