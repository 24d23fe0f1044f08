/* HTTP routes of the cross-ATS comparisons (SPEC §6), in JSON, CSV and XLSX
 * (the table writer: http/table.h).
 * Region staff compare every tenant, a university user its assigned ones
 * (scope_can_see decides, as everywhere), ATS staff none. Every answer is
 * streamed: the tenants are read a page at a time and each page is written
 * out before the next is read, so a 600-tenant side-by-side of 30 000
 * characters a section never sits whole in memory. Money is handled in
 * integer cents (base/money.h); the rounding rules are in the README. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/log.h"
#include "base/money.h"
#include "compare/compare.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/table.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"

#define COMPARE_PATH "/api/v1/cycles/{cycle}/compare"
#define PARAM_CODE_MAX 16 /* the longest action code (section_actions) */

/* ---------------------------------------------------------------- requests */

/* What every comparison shares: the caller may compare, the cycle, the
 * source, the visible tenants and the open answer. */
typedef struct cmp {
	http_req *r;
	cycle *cy;
	compare_source src;
	compare_tenant *tenants; /* visible to the caller, by slug */
	size_t ntenants;
	table_out t; /* the answer, JSON (written by hand), CSV or XLSX */
	jw *w;       /* the indicators' JSON writer */
} cmp;

static const char *source_name(compare_source s)
{
	return s == COMPARE_DRAFT ? "draft" : s == COMPARE_PUBLISHED ? "published" : "submitted";
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
	field_errors_add(e, name, "deve essere %s o %s", first, second);
	http_errors_answer(r, e, 400, NULL);
	return false;
}

/* The checks every comparison starts with: a role that may compare, the
 * source, the cycle. False after answering. */
static bool cmp_start(http_req *r, cmp *m)
{
	memset(m, 0, sizeof(*m));
	m->r = r;
	role rl = r->user ? r->user->region_role : ROLE_NONE;
	if (rl != ROLE_REGION_ADMIN && rl != ROLE_REGION_REVIEWER && rl != ROLE_UNIVERSITY) {
		http_problem(r, 403,
		             "i confronti tra ambiti sono riservati al personale regionale e agli utenti university");
		return false;
	}
	bool draft;
	if (!choice(r, "source", "submitted", "draft", &draft))
		return false;
	m->src = draft ? COMPARE_DRAFT : COMPARE_SUBMITTED;
	int fmt = table_format(r);
	if (fmt < 0)
		return false;
	table_init(&m->t, r, fmt);
	const char *slug = http_param(r, "cycle");
	if (!db_ok(r, cycle_store_find(r->db, r->a, slug, false, &m->cy), "il ciclo"))
		return false;
	if (m->cy == NULL) {
		if (v_is_slug(slug))
			http_problemf(r, 404, "il ciclo %s non esiste", slug);
		else
			http_problem(r, 404, "il ciclo richiesto non esiste");
		return false;
	}
	return true;
}

/* The tenants to compare, kept only when the caller may see them: tenant
 * isolation is decided by scope_can_see alone. */
static bool cmp_tenants(cmp *m, bool with_population)
{
	if (m->t.sink != NULL) /* a public answer: the published plans, for anyone */
		return db_ok(
		    m->r,
		    compare_public_tenants(m->r->db, m->r->a, m->cy->id, with_population, &m->tenants, &m->ntenants),
		    "i piani");
	return db_ok(m->r,
	             compare_visible_tenants(m->r->db, m->r->a, m->r->user, m->cy->id, m->src, with_population,
	                                     &m->tenants, &m->ntenants),
	             "i piani");
}

/* Starts the 200 answer: headers, then the stream. name is the file name's
 * middle part for CSV and XLSX, sheet the spreadsheet's sheet. False after
 * answering 500 when the spreadsheet cannot be started. */
static bool cmp_open(cmp *m, const char *name, const char *sheet)
{
	return table_open(&m->t, arena_printf(m->r->a, "ambito-%s-%s-%s", m->cy->slug, name, source_name(m->src)),
	                  sheet);
}

/* Ends the answer (cut when the JSON writer failed: stored text that is not
 * UTF-8, a bug). */
static void cmp_close(cmp *m)
{
	table_close(&m->t, m->w != NULL && jw_failed(m->w));
	jw_free(m->w);
	m->w = NULL;
}

/* Fails a streamed answer half-way (the server then cuts the connection). */
static void cmp_fail(cmp *m, int rc, const char *what)
{
	jw_free(m->w);
	m->w = NULL;
	table_fail(&m->t, rc, what);
}

/* One page of tenants: m->tenants[first .. first + k), their ids in ids
 * (unused slots 0, as the store's queries take COMPARE_PAGE of them, or
 * COMPARE_AGG_PAGE for coverage and finance), and an arena freed once the
 * page is written. */
typedef struct page {
	size_t first, k;
	long long ids[COMPARE_AGG_PAGE];
	arena *a;
} page;

/* Reads one page from the store and writes its rows: DB_OK, a store error,
 * or DB_EERR for stored data that cannot be read. */
typedef int (*page_fn)(cmp *m, const page *pg, void *ctx);

/* Every comparison's loop: the visible tenants size (COMPARE_PAGE or
 * COMPARE_AGG_PAGE) at a time, each page written out before the next is
 * read. False after cutting the answer (cmp_fail) on the first page that
 * fails. */
static bool cmp_pages(cmp *m, size_t size, page_fn fn, void *ctx, const char *what)
{
	for (size_t first = 0; first < m->ntenants; first += size) {
		page pg = {.first = first};
		for (; pg.k < size && first + pg.k < m->ntenants; pg.k++)
			pg.ids[pg.k] = m->tenants[first + pg.k].id;
		pg.a = arena_new();
		int rc = fn(m, &pg, ctx);
		arena_free(pg.a);
		if (rc != DB_OK) {
			cmp_fail(m, rc, what);
			return false;
		}
	}
	return true;
}

static long long column_of(const char **cols, size_t ncols, const char *code)
{
	for (size_t c = 0; c < ncols; c++)
		if (strcmp(cols[c], code) == 0)
			return (long long)c;
	return -1;
}

/* A figure there is none of, written as null (JSON) or an empty cell: a
 * per inhabitant amount without population, a median without values, a
 * total past MONEY_MAX_CENTS (which a sum of real plans never reaches). */
#define NO_FIGURE COMPARE_NO_FIGURE

/* "key": */
static void out_key(table_out *o, const char *key)
{
	table_json_str(o, key);
	table_put(o, ":", 1);
}

/* {"cycle":…,"by":…,"source":…,"columns":[…] of the aggregate answers,
 * left open. */
static void write_head(cmp *m, const char *by, const char **cols, size_t ncols)
{
	table_out *o = &m->t;
	table_str(o, "{\"cycle\":");
	table_json_str(o, m->cy->slug);
	table_str(o, ",\"by\":");
	table_json_str(o, by);
	table_str(o, ",\"source\":");
	table_json_str(o, source_name(m->src));
	table_str(o, ",\"columns\":[");
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			table_put(o, ",", 1);
		table_json_str(o, cols[c]);
	}
	table_str(o, "]");
}

/* {"tenant":…,"name":… of a row, left open. */
static void write_row_head(cmp *m, const compare_tenant *tn, bool first)
{
	table_str(&m->t, first ? "{\"tenant\":" : ",{\"tenant\":");
	table_json_str(&m->t, tn->slug);
	table_str(&m->t, ",\"name\":");
	table_json_str(&m->t, tn->name);
}

/* The codes of one list of the catalogue, in its order: the columns. */
enum { COLS_ACTIONS, COLS_OBJECTIVES, COLS_AREAS, COLS_SOURCES };

static bool catalog_codes(cmp *m, int kind, const char ***out, size_t *n)
{
	cycle_catalog cat;
	if (!db_ok(m->r, cycle_store_load_catalog(m->r->db, m->r->a, m->cy->id, &cat), "il catalogo"))
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

/* The start of the two aggregate comparisons, whose columns are one of two
 * lists of the catalogue (?by=first, the default, or ?by=second): the
 * checks, the codes, the visible tenants. *by is the word chosen. False
 * after answering. */
static bool agg_start(http_req *r, cmp *m, const char *const by_words[2], const int kinds[2], bool with_population,
                      const char **by, bool *second, const char ***cols, size_t *ncols)
{
	if (!cmp_start(r, m) || !choice(r, "by", by_words[0], by_words[1], second) ||
	    !catalog_codes(m, kinds[*second], cols, ncols) || !cmp_tenants(m, with_population))
		return false;
	*by = by_words[*second];
	return true;
}

/* The lead columns of every row: the tenant's slug and name. */
#define LEAD_NAMES "tenant", "name"
#define LEAD_TITLES "Codice ATS", "ATS"
#define LEAD_WIDTHS 12, 40

/* Opens an aggregate answer named "kind-by": the table's header (tenant,
 * name, the lead fields, then "CODE field" for each column and field; in a
 * spreadsheet the Italian titles, "CODE title"), or the JSON head up to the
 * open "rows" array. Lists end with NULL; titles match lead then fields.
 * False after answering. */
static bool agg_open(cmp *m, const char *kind, const char *by, const char *sheet, const char **cols, size_t ncols,
                     const char *const *lead, const char *const *fields, const char *const *titles)
{
	if (!cmp_open(m, arena_printf(m->r->a, "%s-%s", kind, by), sheet))
		return false;
	if (!m->t.tab) {
		write_head(m, by, cols, ncols);
		table_str(&m->t, ",\"rows\":[");
		return true;
	}
	size_t nlead = 0, nfields = 0;
	while (lead[nlead] != NULL)
		nlead++;
	while (fields[nfields] != NULL)
		nfields++;
	size_t n = 2 + nlead + ncols * nfields, k = 0;
	const char **names = arena_calloc(m->r->a, n, sizeof(char *));
	const char **heads = arena_calloc(m->r->a, n, sizeof(char *));
	unsigned *widths = arena_calloc(m->r->a, n, sizeof(unsigned));
	static const char *const lead_names[] = {LEAD_NAMES}, *const lead_titles[] = {LEAD_TITLES};
	static const unsigned lead_widths[] = {LEAD_WIDTHS};
	for (; k < 2; k++) {
		names[k] = lead_names[k];
		heads[k] = lead_titles[k];
		widths[k] = lead_widths[k];
	}
	for (size_t i = 0; i < nlead; i++, k++) {
		names[k] = lead[i];
		heads[k] = titles[i];
	}
	for (size_t c = 0; c < ncols; c++)
		for (size_t f = 0; f < nfields; f++, k++) {
			names[k] = arena_printf(m->r->a, "%s %s", cols[c], fields[f]);
			heads[k] = arena_printf(m->r->a, "%s %s", cols[c], titles[nlead + f]);
		}
	table_head(&m->t, names, heads, widths, n);
	return true;
}

/* ---------------------------------------------------------------- coverage */

typedef compare_cov cov;

static void cov_json(table_out *o, const char *code, const cov *c, bool first)
{
	if (!first)
		table_put(o, ",", 1);
	out_key(o, code);
	table_str(o, "{\"sections\":");
	table_put_int(o, c->sections);
	table_str(o, ",\"complete\":");
	table_put_int(o, c->complete);
	table_str(o, ",\"indicators\":");
	table_put_int(o, c->indicators);
	table_str(o, ",\"spending_eur\":");
	if (c->cents == NO_FIGURE)
		table_str(o, "null");
	else
		table_put_cents(o, c->cents);
	table_put(o, "}", 1);
}

/* What the coverage's pages share: the columns, a page's cells
 * [tenant of page][column] and the running totals. */
typedef struct cov_ctx {
	bool by_objective;
	const char **cols;
	size_t ncols;
	cov *cells, *totals;
} cov_ctx;

static void cov_row(cmp *m, const cov_ctx *c, const compare_tenant *tn, const cov *row, bool first)
{
	if (m->t.tab) {
		table_text(&m->t, tn->slug);
		table_text(&m->t, tn->name);
		for (size_t j = 0; j < c->ncols; j++) {
			table_int(&m->t, row[j].sections);
			table_int(&m->t, row[j].complete);
			table_int(&m->t, row[j].indicators);
			table_cents(&m->t, row[j].cents);
		}
		table_end(&m->t);
		return;
	}
	write_row_head(m, tn, first);
	table_str(&m->t, ",\"cells\":{");
	for (size_t j = 0; j < c->ncols; j++)
		cov_json(&m->t, c->cols[j], &row[j], j == 0);
	table_str(&m->t, "}}");
}

static int cov_page(cmp *m, const page *pg, void *ctx)
{
	cov_ctx *c = ctx;
	compare_agg *g;
	size_t ng;
	int rc = compare_store_coverage(m->r->db, pg->a, m->cy->id, m->src, c->by_objective, pg->ids, &g, &ng);
	if (rc != DB_OK)
		return rc;
	if ((rc = compare_coverage_fill(g, ng, pg->ids, pg->k, c->cols, c->ncols, c->cells)) != DB_OK)
		return rc;
	for (size_t t = 0; t < pg->k; t++) {
		const cov *row = &c->cells[t * c->ncols];
		for (size_t j = 0; j < c->ncols; j++) {
			cov *tot = &c->totals[j];
			tot->sections += row[j].sections;
			tot->complete += row[j].complete;
			tot->indicators += row[j].indicators;
			if (tot->cents != NO_FIGURE && !money_add(&tot->cents, row[j].cents))
				tot->cents = NO_FIGURE;
		}
		cov_row(m, c, &m->tenants[pg->first + t], row, pg->first + t == 0);
	}
	return DB_OK;
}

/* The coverage answer once the checks are done. */
static void coverage_answer(cmp *m, const char *by, bool by_objective, const char **cols, size_t ncols)
{
	http_req *r = m->r;
	static const char *const lead[] = {NULL};
	static const char *const fields[] = {"sections", "complete", "indicators", "spending_eur", NULL};
	static const char *const titles[] = {"sezioni scritte", "sezioni complete", "indicatori", "spesa (€)"};
	if (!agg_open(m, "coverage", by, by_objective ? "Copertura per obiettivo" : "Copertura per azione", cols, ncols,
	              lead, fields, titles))
		return;
	cov_ctx c = {by_objective, cols, ncols, arena_calloc(r->a, COMPARE_AGG_PAGE * ncols + 1, sizeof(cov)),
	             arena_calloc(r->a, ncols + 1, sizeof(cov))};
	if (!cmp_pages(m, COMPARE_AGG_PAGE, cov_page, &c, "la copertura"))
		return;
	if (!m->t.tab) {
		table_str(&m->t, "],\"totals\":{");
		for (size_t j = 0; j < ncols; j++)
			cov_json(&m->t, cols[j], &c.totals[j], j == 0);
		table_str(&m->t, "}}");
	}
	cmp_close(m);
}

void compare_get_coverage(http_req *r)
{
	static const char *const words[2] = {"action", "objective"};
	static const int kinds[2] = {COLS_ACTIONS, COLS_OBJECTIVES};
	cmp m;
	bool by_objective;
	const char *by, **cols;
	size_t ncols;
	if (!agg_start(r, &m, words, kinds, false, &by, &by_objective, &cols, &ncols))
		return;
	coverage_answer(&m, by, by_objective, cols, ncols);
}

/* ---------------------------------------------------------------- finance */

/* "code":{"amount_eur":…,"per_inhabitant_eur":…}; NO_FIGURE writes null. */
static void money_json(table_out *o, const char *code, int64_t cents, int64_t per_inh, bool first)
{
	if (!first)
		table_put(o, ",", 1);
	out_key(o, code);
	table_str(o, "{\"amount_eur\":");
	if (cents == NO_FIGURE)
		table_str(o, "null");
	else
		table_put_cents(o, cents);
	table_str(o, ",\"per_inhabitant_eur\":");
	if (per_inh == NO_FIGURE)
		table_str(o, "null");
	else
		table_put_cents(o, per_inh);
	table_put(o, "}", 1);
}

/* What the finance's pages share: the columns, every row's amounts and
 * per inhabitant figures [row][column] (kept for the totals and medians),
 * and the summed population. */
typedef struct fin_ctx {
	bool by_source;
	const char **cols;
	size_t ncols;
	int64_t *amount, *per_inh;
	long long population;
} fin_ctx;

static void fin_row(cmp *m, const fin_ctx *f, const compare_tenant *tn, const int64_t *am, const int64_t *pi,
                    bool first)
{
	if (m->t.tab) {
		table_text(&m->t, tn->slug);
		table_text(&m->t, tn->name);
		table_int(&m->t, tn->population);
		for (size_t c = 0; c < f->ncols; c++) {
			table_cents(&m->t, am[c]);
			if (pi[c] == NO_FIGURE)
				table_text(&m->t, NULL);
			else
				table_cents(&m->t, pi[c]);
		}
		table_end(&m->t);
		return;
	}
	write_row_head(m, tn, first);
	table_str(&m->t, ",\"population\":");
	table_put_int(&m->t, tn->population);
	table_str(&m->t, ",\"cells\":{");
	for (size_t c = 0; c < f->ncols; c++)
		money_json(&m->t, f->cols[c], am[c], pi[c], c == 0);
	table_str(&m->t, "}}");
}

static int fin_page(cmp *m, const page *pg, void *ctx)
{
	fin_ctx *f = ctx;
	compare_agg *g;
	size_t ng;
	int rc = compare_store_finance(m->r->db, pg->a, m->cy->id, m->src, f->by_source, pg->ids, &g, &ng);
	if (rc != DB_OK)
		return rc;
	if ((rc = compare_finance_fill(g, ng, pg->ids, pg->k, f->cols, f->ncols, &f->amount[pg->first * f->ncols])) !=
	    DB_OK)
		return rc;
	for (size_t t = 0; t < pg->k; t++) {
		size_t row = pg->first + t;
		const compare_tenant *tn = &m->tenants[row];
		const int64_t *am = &f->amount[row * f->ncols];
		int64_t *pi = &f->per_inh[row * f->ncols];
		f->population += tn->population;
		for (size_t c = 0; c < f->ncols; c++)
			pi[c] = compare_per_inhabitant(am[c], tn->population);
		fin_row(m, f, tn, am, pi, row == 0);
	}
	return DB_OK;
}

/* The finance answer once the checks are done. */
static void finance_answer(cmp *m, const char *by, bool by_source, const char **cols, size_t ncols)
{
	http_req *r = m->r;
	/* Every row's figures stay for the totals and medians: two numbers a
	 * cell, 600 tenants by 9 areas is some 85 kB. */
	size_t nt = m->ntenants;
	int64_t *amount = arena_calloc(r->a, nt * ncols + 1, sizeof(*amount));
	int64_t *per_inh = arena_calloc(r->a, nt * ncols + 1, sizeof(*per_inh));
	static const char *const lead[] = {"population", NULL};
	static const char *const fields[] = {"amount_eur", "per_inhabitant_eur", NULL};
	static const char *const titles[] = {"Popolazione", "importo (€)", "per abitante (€)"};
	if (!agg_open(m, "finance", by, by_source ? "Entrate per fonte" : "Spesa per area", cols, ncols, lead, fields,
	              titles))
		return;
	fin_ctx f = {by_source, cols, ncols, amount, per_inh, 0};
	if (!cmp_pages(m, COMPARE_AGG_PAGE, fin_page, &f, "i dati finanziari"))
		return;
	long long population = f.population;
	if (!m->t.tab) {
		table_str(&m->t, "],\"population\":");
		table_put_int(&m->t, population);
		/* Totals: the sum of the rows; per inhabitant over the sum of
		 * their populations. */
		table_str(&m->t, ",\"totals\":{");
		for (size_t c = 0; c < ncols; c++) {
			int64_t sum = 0;
			for (size_t t = 0; t < nt && sum != NO_FIGURE; t++)
				if (!money_add(&sum, amount[t * ncols + c]))
					sum = NO_FIGURE;
			money_json(&m->t, cols[c], sum,
			           sum != NO_FIGURE ? compare_per_inhabitant(sum, population) : NO_FIGURE, c == 0);
		}
		/* Medians over the rows; per inhabitant over the rows that have
		 * a population. null when there is no value at all. */
		int64_t *v = arena_calloc(r->a, nt + 1, sizeof(*v));
		table_str(&m->t, "},\"medians\":{");
		for (size_t c = 0; c < ncols; c++)
			money_json(&m->t, cols[c], compare_column_median(amount, nt, ncols, c, v),
			           compare_column_median(per_inh, nt, ncols, c, v), c == 0);
		table_str(&m->t, "}}");
	}
	cmp_close(m);
}

void compare_get_finance(http_req *r)
{
	static const char *const words[2] = {"area", "source"};
	static const int kinds[2] = {COLS_AREAS, COLS_SOURCES};
	cmp m;
	bool by_source;
	const char *by, **cols;
	size_t ncols;
	if (!agg_start(r, &m, words, kinds, true, &by, &by_source, &cols, &ncols))
		return;
	finance_answer(&m, by, by_source, cols, ncols);
}

/* ---------------------------------------------------------------- public */

bool compare_public_answer(http_req *r, long long cycle_id, const char *cycle_slug, bool finance, const char *by,
                           int format, table_sink sink, void *ctx)
{
	static const char *const cov_words[2] = {"action", "objective"};
	static const char *const fin_words[2] = {"area", "source"};
	static const int cov_kinds[2] = {COLS_ACTIONS, COLS_OBJECTIVES};
	static const int fin_kinds[2] = {COLS_AREAS, COLS_SOURCES};
	const char *const *words = finance ? fin_words : cov_words;
	bool second = by != NULL && strcmp(by, words[1]) == 0;
	if (by != NULL && !second && strcmp(by, words[0]) != 0) {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "by", "deve essere %s o %s", words[0], words[1]);
		http_errors_answer(r, e, 400, NULL);
		return false;
	}
	cmp m;
	memset(&m, 0, sizeof(m));
	m.r = r;
	m.src = COMPARE_PUBLISHED;
	table_init(&m.t, r, format);
	table_to_sink(&m.t, sink, ctx);
	cycle *cy = arena_calloc(r->a, 1, sizeof(*cy));
	cy->id = cycle_id;
	cy->slug = cycle_slug;
	m.cy = cy;
	const char **cols;
	size_t ncols;
	if (!catalog_codes(&m, (finance ? fin_kinds : cov_kinds)[second], &cols, &ncols) || !cmp_tenants(&m, finance))
		return false;
	if (finance)
		finance_answer(&m, words[second], second, cols, ncols);
	else
		coverage_answer(&m, words[second], second, cols, ncols);
	return !m.t.failed;
}

/* ---------------------------------------------------------------- funds */

/* The three figures of a funds cell, in cents. */
enum { FUND_ALLOCATED, FUND_INCOME, FUND_SPENDING, FUND_FIGURES };
static const char *const fund_names[FUND_FIGURES] = {"allocated", "income", "spending"};

/* "code":{"allocated_eur":…,"allocated_per_inhabitant_eur":…,…}. */
static void funds_json(table_out *o, const char *code, const long long *cents, long long population, bool first)
{
	if (!first)
		table_put(o, ",", 1);
	out_key(o, code);
	for (size_t f = 0; f < FUND_FIGURES; f++) {
		table_str(o, f == 0 ? "{\"" : ",\"");
		table_str(o, fund_names[f]);
		table_str(o, "_eur\":");
		table_put_cents(o, cents[f]);
		table_str(o, ",\"");
		table_str(o, fund_names[f]);
		table_str(o, "_per_inhabitant_eur\":");
		long long pi = compare_per_inhabitant(cents[f], population);
		if (pi == NO_FIGURE)
			table_str(o, "null");
		else
			table_put_cents(o, pi);
	}
	table_put(o, "}", 1);
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
		const char *text[FUND_FIGURES] = {
		    [FUND_ALLOCATED] = g[i].allocated, [FUND_INCOME] = g[i].income, [FUND_SPENDING] = g[i].spending};
		for (size_t f = 0; f < FUND_FIGURES; f++) {
			int64_t cents;
			if (money_parse(text[f] ? text[f] : "0", &cents) != MONEY_OK)
				return false;
			cell[f] = cents;
		}
	}
	return true;
}

typedef struct funds_ctx {
	const char **cols;
	size_t ncols;
	long long *cells, *totals, population;
} funds_ctx;

static int funds_page(cmp *m, const page *pg, void *ctx)
{
	funds_ctx *fc = ctx;
	size_t ncols = fc->ncols;
	compare_funds *g;
	size_t ng;
	int rc = compare_store_funds(m->r->db, pg->a, m->cy->id, m->src, pg->ids, &g, &ng);
	if (rc != DB_OK)
		return rc;
	memset(fc->cells, 0, COMPARE_PAGE * ncols * FUND_FIGURES * sizeof(*fc->cells));
	if (!funds_fill(g, ng, pg->ids, pg->k, fc->cols, ncols, fc->cells))
		return DB_EERR;
	for (size_t t = 0; t < pg->k; t++) {
		const compare_tenant *tn = &m->tenants[pg->first + t];
		const long long *row = &fc->cells[t * ncols * FUND_FIGURES];
		fc->population += tn->population;
		for (size_t i = 0; i < ncols * FUND_FIGURES; i++)
			fc->totals[i] += row[i];
		if (m->t.tab) {
			table_text(&m->t, tn->slug);
			table_text(&m->t, tn->name);
			table_int(&m->t, tn->population);
			for (size_t i = 0; i < ncols * FUND_FIGURES; i++) {
				long long pi = compare_per_inhabitant(row[i], tn->population);
				table_cents(&m->t, row[i]);
				if (pi == NO_FIGURE)
					table_text(&m->t, NULL);
				else
					table_cents(&m->t, pi);
			}
			table_end(&m->t);
			continue;
		}
		write_row_head(m, tn, pg->first == 0 && t == 0);
		table_str(&m->t, ",\"population\":");
		table_put_int(&m->t, tn->population);
		table_str(&m->t, ",\"cells\":{");
		for (size_t c = 0; c < ncols; c++)
			funds_json(&m->t, fc->cols[c], &row[c * FUND_FIGURES], tn->population, c == 0);
		table_str(&m->t, "}}");
	}
	return DB_OK;
}

/* Allocated, planned income and planned spending per funding source and
 * tenant, absolute and per inhabitant, with their totals. */
static void get_funds(http_req *r)
{
	cmp m;
	funds_ctx fc = {0};
	if (!cmp_start(r, &m) || !catalog_codes(&m, COLS_SOURCES, &fc.cols, &fc.ncols) || !cmp_tenants(&m, true))
		return;
	size_t ncols = fc.ncols;
	fc.cells = arena_calloc(r->a, COMPARE_PAGE * ncols * FUND_FIGURES + 1, sizeof(*fc.cells));
	fc.totals = arena_calloc(r->a, ncols * FUND_FIGURES + 1, sizeof(*fc.totals));
	if (!cmp_open(&m, "allocations", "Riparto e piani"))
		return;
	if (m.t.tab) {
		static const char *const fund_titles[FUND_FIGURES] = {"assegnato", "entrate", "spesa"};
		size_t n = 3 + ncols * FUND_FIGURES * 2, k = 3;
		const char **names = arena_calloc(r->a, n, sizeof(char *));
		const char **heads = arena_calloc(r->a, n, sizeof(char *));
		unsigned *widths = arena_calloc(r->a, n, sizeof(unsigned));
		static const char *const lead_names[] = {LEAD_NAMES, "population"};
		static const char *const lead_titles[] = {LEAD_TITLES, "Popolazione"};
		static const unsigned lead_widths[] = {LEAD_WIDTHS};
		for (size_t i = 0; i < 3; i++) {
			names[i] = lead_names[i];
			heads[i] = lead_titles[i];
			widths[i] = i < 2 ? lead_widths[i] : 0;
		}
		for (size_t c = 0; c < ncols; c++)
			for (size_t f = 0; f < FUND_FIGURES; f++) {
				names[k] = arena_printf(r->a, "%s %s_eur", fc.cols[c], fund_names[f]);
				heads[k++] = arena_printf(r->a, "%s %s (€)", fc.cols[c], fund_titles[f]);
				names[k] = arena_printf(r->a, "%s %s_per_inhabitant_eur", fc.cols[c], fund_names[f]);
				heads[k++] = arena_printf(r->a, "%s %s per abitante (€)", fc.cols[c], fund_titles[f]);
			}
		table_head(&m.t, names, heads, widths, n);
	} else {
		write_head(&m, "source", fc.cols, ncols);
		table_str(&m.t, ",\"rows\":[");
	}
	if (!cmp_pages(&m, COMPARE_PAGE, funds_page, &fc, "i fondi"))
		return;
	if (!m.t.tab) {
		table_str(&m.t, "],\"population\":");
		table_put_int(&m.t, fc.population);
		table_str(&m.t, ",\"totals\":{");
		for (size_t c = 0; c < ncols; c++)
			funds_json(&m.t, fc.cols[c], &fc.totals[c * FUND_FIGURES], fc.population, c == 0);
		table_str(&m.t, "}}");
	}
	cmp_close(&m);
}

/* ---------------------------------------------------------------- sections */

/* The content is the canonical JSON object the plans module stored; the row
 * is that object with the tenant's fields put in front, written without
 * parsing it again. */
static void section_json_row(cmp *m, const compare_tenant *tn, const compare_section *s)
{
	table_out *o = &m->t;
	table_str(o, "{\"tenant\":");
	table_json_str(o, tn->slug);
	table_str(o, ",\"name\":");
	table_json_str(o, tn->name);
	table_str(o, ",\"revision\":");
	table_put_int(o, tn->revision);
	table_str(o, ",\"status\":");
	table_json_str(o, s->status);
	const char *c = s->content;
	size_t n = s->content_len;
	while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\n'))
		n--;
	if (n > 2 && c[0] == '{' && c[n - 1] == '}') {
		table_put(o, ",", 1);
		table_put(o, c + 1, n - 1);
	} else {
		table_put(o, "}", 1);
	}
}

/* The text of every template part, from the content's "parts". */
static bool section_table_row(cmp *m, arena *a, const cycle_section *ts, const compare_tenant *tn,
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
	table_text(&m->t, tn->slug);
	table_text(&m->t, tn->name);
	table_int(&m->t, tn->revision);
	table_text(&m->t, s->status);
	for (size_t i = 0; i < ts->nparts; i++) {
		const json_value *v = json_get(parts, ts->parts[i].key);
		table_textn(&m->t, json_is(v, JSON_STRING) ? v->u.string.s : NULL,
		            json_is(v, JSON_STRING) ? v->u.string.len : 0);
	}
	table_int(&m->t, s->indicators);
	table_amount(&m->t, s->spending);
	table_end(&m->t);
	return true;
}

/* The section-based comparisons (side by side, indicators) read a page of
 * stored sections by a code (section key or action) and write each tenant's
 * in page order. */
typedef int (*sections_read)(db *d, arena *a, long long cycle_id, compare_source src, const char *code,
                             const long long ids[COMPARE_PAGE], compare_section **out, size_t *n);
typedef bool (*section_write)(cmp *m, arena *a, const compare_tenant *tn, const compare_section *s, void *ctx);

typedef struct sections_ctx {
	sections_read read;
	const char *code;
	section_write write;
	void *ctx;
} sections_ctx;

static int sections_page(cmp *m, const page *pg, void *ctx)
{
	const sections_ctx *c = ctx;
	compare_section *s;
	size_t ns;
	int rc = c->read(m->r->db, pg->a, m->cy->id, m->src, c->code, pg->ids, &s, &ns);
	if (rc != DB_OK)
		return rc;
	for (size_t t = 0; t < pg->k; t++) {
		const compare_tenant *tn = &m->tenants[pg->first + t];
		for (size_t i = 0; i < ns; i++)
			if (s[i].tenant_id == tn->id && !c->write(m, pg->a, tn, &s[i], c->ctx))
				return DB_EERR;
	}
	return DB_OK;
}

/* One row of the side by side. */
typedef struct side_ctx {
	const cycle_section *ts;
	bool first;
} side_ctx;

static bool side_row(cmp *m, arena *a, const compare_tenant *tn, const compare_section *s, void *ctx)
{
	side_ctx *c = ctx;
	if (m->t.tab)
		return section_table_row(m, a, c->ts, tn, s);
	if (!c->first)
		table_put(&m->t, ",", 1);
	c->first = false;
	section_json_row(m, tn, s);
	return true;
}

void compare_get_section(http_req *r)
{
	cmp m;
	cycle_template tpl;
	if (!cmp_start(r, &m) || !db_ok(r, cycle_store_load_template(r->db, r->a, m.cy->id, &tpl), "lo schema"))
		return;
	const char *key = http_param(r, "key");
	if (key == NULL)
		key = http_query(r, "key");
	if (key == NULL)
		key = "";
	const cycle_section *ts = cycle_template_section(&tpl, key);
	if (ts == NULL) {
		http_problemf(r, 404, "lo schema del ciclo %s non ha la sezione %s", m.cy->slug,
		              v_is_line(key) && strlen(key) <= SECTION_KEY_MAX ? key : "by that key");
		return;
	}
	if (!cmp_tenants(&m, false))
		return;
	if (!cmp_open(&m, arena_printf(r->a, "section-%s", ts->key), arena_printf(r->a, "Sezione %s", ts->key)))
		return;
	if (m.t.tab) {
		static const char *const lead_names[] = {LEAD_NAMES, "revision", "status"};
		static const char *const lead_titles[] = {LEAD_TITLES, "Revisione", "Stato"};
		static const unsigned lead_widths[] = {LEAD_WIDTHS, 10, 10};
		size_t n = 4 + ts->nparts + 2, k = 0;
		const char **names = arena_calloc(r->a, n, sizeof(char *));
		const char **heads = arena_calloc(r->a, n, sizeof(char *));
		unsigned *widths = arena_calloc(r->a, n, sizeof(unsigned));
		for (; k < 4; k++) {
			names[k] = lead_names[k];
			heads[k] = lead_titles[k];
			widths[k] = lead_widths[k];
		}
		for (size_t i = 0; i < ts->nparts; i++, k++) {
			names[k] = ts->parts[i].key;
			heads[k] = ts->parts[i].title;
			widths[k] = 60;
		}
		names[k] = "indicators";
		heads[k++] = "Indicatori";
		names[k] = "spending_eur";
		heads[k++] = "Spesa (€)";
		table_head(&m.t, names, heads, widths, n);
	} else {
		/* Written by hand, not with the JSON writer: the rows splice in
		 * the stored content as it is. */
		table_str(&m.t, "{\"cycle\":");
		table_json_str(&m.t, m.cy->slug);
		table_str(&m.t, ",\"source\":");
		table_json_str(&m.t, source_name(m.src));
		table_str(&m.t, ",\"section\":");
		table_json_str(&m.t, ts->key);
		table_str(&m.t, ",\"title\":");
		table_json_str(&m.t, ts->title);
		table_str(&m.t, ",\"rows\":[");
	}
	side_ctx side = {ts, true};
	sections_ctx c = {compare_store_section, ts->key, side_row, &side};
	if (!cmp_pages(&m, COMPARE_PAGE, sections_page, &c, "le sezioni"))
		return;
	if (!m.t.tab)
		table_str(&m.t, "]}");
	cmp_close(&m);
}

/* ---------------------------------------------------------------- indicators
 */

static const char *const indicator_fields[] = {"kind", "unit", "baseline", "target", "source"};

/* Indicator values are lines of text, often numbers ("-3", "120"): a plain
 * number stays a number in the spreadsheet, anything else is text. */
static void indicator_value(cmp *m, const json_value *v)
{
	if (json_is(v, JSON_STRING))
		table_numtext(&m->t, v->u.string.s, v->u.string.len);
	else if (json_is(v, JSON_NUMBER)) /* -3.5 stays a number; 1e3 is not rewritten */
		table_numtext(&m->t, v->u.number.text, strlen(v->u.number.text));
	else
		table_text(&m->t, NULL);
}

static void jw_value_or_null(jw *w, const json_value *v)
{
	if (v != NULL)
		jw_value(w, v);
	else
		jw_null(w);
}

static bool indicator_rows(cmp *m, arena *a, const compare_tenant *tn, const compare_section *s, void *ctx)
{
	(void)ctx;
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
		if (m->t.tab) {
			table_text(&m->t, tn->slug);
			table_text(&m->t, tn->name);
			table_text(&m->t, s->key);
			indicator_value(m, json_get(ind, "name"));
			for (size_t f = 0; f < sizeof(indicator_fields) / sizeof(indicator_fields[0]); f++)
				indicator_value(m, json_get(ind, indicator_fields[f]));
			table_end(&m->t);
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

void compare_get_indicators(http_req *r)
{
	cmp m;
	cycle_catalog cat;
	if (!cmp_start(r, &m))
		return;
	const char *action = http_query(r, "action");
	if (action == NULL || *action == '\0') {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "action", "è obbligatorio: il codice di un'azione di sistema, come OS1-A6");
		http_errors_answer(r, e, 400, NULL);
		return;
	}
	if (!db_ok(r, cycle_store_load_catalog(r->db, r->a, m.cy->id, &cat), "il catalogo"))
		return;
	bool known = false;
	for (size_t i = 0; i < cat.nobjectives && !known; i++)
		for (size_t j = 0; j < cat.objectives[i].nactions && !known; j++)
			known = strcmp(cat.objectives[i].actions[j].code, action) == 0;
	if (!known) {
		field_errors *e = http_errors_new(r);
		if (v_is_line(action) && strlen(action) <= PARAM_CODE_MAX)
			field_errors_add(e, "action", "il ciclo %s non ha l'azione %s", m.cy->slug, action);
		else
			field_errors_add(e, "action", "il ciclo %s non ha l'azione richiesta", m.cy->slug);
		http_errors_answer(r, e, 404, "l'azione richiesta non esiste in questo ciclo");
		return;
	}
	if (!cmp_tenants(&m, false))
		return;
	if (!cmp_open(&m, arena_printf(r->a, "indicators-%s", action), arena_printf(r->a, "Indicatori %s", action)))
		return;
	if (m.t.tab) {
		static const char *const head[] = {LEAD_NAMES, "section",  "indicator", "kind",
		                                   "unit",     "baseline", "target",    "source"};
		static const char *const titles[] = {LEAD_TITLES,          "Sezione",   "Indicatore", "Tipo", "Unità",
		                                     "Valore di partenza", "Obiettivo", "Fonte"};
		static const unsigned widths[] = {LEAD_WIDTHS, 10, 40, 12, 12, 14, 14, 30};
		table_head(&m.t, head, titles, widths, sizeof(head) / sizeof(head[0]));
	} else {
		/* Rows hold the indicators as stored: the JSON writer copies
		 * them, whatever their members. */
		m.w = jw_new(table_jw_sink, &m.t);
		jw_obj_begin(m.w);
		jw_kstr(m.w, "cycle", m.cy->slug);
		jw_kstr(m.w, "source", source_name(m.src));
		jw_kstr(m.w, "action", action);
		jw_key(m.w, "rows");
		jw_arr_begin(m.w);
	}
	sections_ctx c = {compare_store_action_sections, action, indicator_rows, NULL};
	if (!cmp_pages(&m, COMPARE_PAGE, sections_page, &c, "gli indicatori"))
		return;
	if (!m.t.tab) {
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
     compare_get_coverage,
     ROUTE_STREAM,
     "How far each tenant's sections tagged with each action (?by=action) or "
     "objective (?by=objective) are "
     "written; ?source=submitted|draft; JSON or CSV",
     NULL,
     "CompareCoverage",
     {P_BY("action", "objective", "Le colonne: le azioni di sistema o gli obiettivi strategici del ciclo"), P_SOURCE,
      P_FORMAT_XLSX}},
    {HTTP_GET,
     COMPARE_PATH "/finance",
     compare_get_finance,
     ROUTE_STREAM,
     "Spending by policy area (?by=area) or income by funding source "
     "(?by=source) per tenant, absolute and per "
     "inhabitant, with totals and medians; JSON or CSV",
     NULL,
     "CompareFinance",
     {P_BY("area", "source", "area: la spesa per area di intervento; source: le entrate per fonte di finanziamento"),
      P_SOURCE, P_FORMAT_XLSX}},
    {HTTP_GET,
     COMPARE_PATH "/allocations",
     get_funds,
     ROUTE_STREAM,
     "Per tenant and funding source: the Region's allocation, the planned income and the planned spending, "
     "absolute and per inhabitant, with totals; JSON or CSV",
     NULL,
     "CompareAllocations",
     {P_SOURCE, P_FORMAT_XLSX}},
    {HTTP_GET,
     COMPARE_PATH "/sections/{key}",
     compare_get_section,
     ROUTE_STREAM,
     "One template section of every visible tenant side by side; JSON or CSV",
     NULL,
     "CompareSection",
     {P_SOURCE, P_FORMAT_XLSX}},
    {HTTP_GET,
     COMPARE_PATH "/indicators",
     compare_get_indicators,
     ROUTE_STREAM,
     "The indicators of the sections tagged with ?action=, across tenants; "
     "JSON or CSV",
     NULL,
     "CompareIndicators",
     {{"action", PARAM_QUERY, true, "{\"type\":\"string\",\"minLength\":1}",
       "Il codice di un'azione di sistema del ciclo (OS1-A6)"},
      P_SOURCE,
      P_FORMAT_XLSX}},
};

void compare_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
