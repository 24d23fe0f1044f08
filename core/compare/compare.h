/* Cross-ATS comparisons (SPEC §6): coverage of the azioni di sistema and
 * strategic objectives, finance by area or funding source, one section side
 * by side, and the indicators of an action, over each tenant's latest
 * submission or its draft. Two parts share this header: the data access
 * (compare_store.c), which reads tenants a page at a time, and the routes
 * (compare.c), which stream each page out as it is read. */
#ifndef AMBITO_COMPARE_H
#define AMBITO_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "http/http.h"
#include "http/table.h"
#include "identity/auth.h"

/* Tenants read per database round trip. Bounds the memory of one answer:
 * a page of side-by-side sections is at most this many section texts. */
#define COMPARE_PAGE 16
/* Tenants a coverage or finance query reads per round trip: a tenant is a
 * few numbers a column there (migration 0020's aggregate rows), so pages
 * are larger, and the coverage of 600 ATS takes 5 round trips, not 38. */
#define COMPARE_AGG_PAGE 128

typedef enum {
	COMPARE_SUBMITTED, /* each tenant's latest submission (plans.revision) */
	COMPARE_DRAFT,     /* each tenant's working draft (revision 0) */
	COMPARE_PUBLISHED  /* each tenant's published plan (plans.published_revision);
	                      never published: left out */
} compare_source;

/* A tenant with a plan to compare, as listed by compare_store_tenants. */
typedef struct compare_tenant {
	long long id;
	const char *slug, *name;
	long long revision;   /* the revision read: 0 for drafts */
	long long population; /* sum of its Comuni; only with_population */
} compare_tenant;

/* One aggregate of a tenant for a column code (coverage or finance). */
typedef struct compare_agg {
	long long tenant_id;
	const char *code;
	long long sections, complete, indicators; /* coverage only */
	const char *amount;                       /* DECIMAL text: coverage spending, finance amount */
} compare_agg;

/* A plan section's stored row (side by side, indicators). */
typedef struct compare_section {
	long long tenant_id;
	const char *key, *status;
	const char *content; /* canonical JSON {"indicators","parts","spending"} */
	size_t content_len;
	long long indicators;
	const char *spending; /* DECIMAL text */
} compare_section;

/* Every call returns DB_OK or a DB_E* code; results live in a. ids holds
 * COMPARE_PAGE tenant ids (COMPARE_AGG_PAGE for coverage and finance),
 * unused slots 0 (no tenant has id 0). */

/* The tenants that have a plan in the cycle (draft), a submission
 * (submitted) or a published plan (published), by slug. Visibility is the caller's business: the routes
 * filter with scope_can_see. */
int compare_store_tenants(db *d, arena *a, long long cycle_id, compare_source src, bool with_population,
                          compare_tenant **out, size_t *n);

/* Coverage: per tenant and action (or objective), the non-empty sections
 * tagged with it: how many, how many complete, their indicators and spending.
 * By objective a section counts once even when tagged with two of its
 * actions. */
int compare_store_coverage(db *d, arena *a, long long cycle_id, compare_source src, bool by_objective,
                           const long long ids[COMPARE_AGG_PAGE], compare_agg **out, size_t *n);

/* How many template sections each column's code tags, into total[column]
 * (0 for a code that tags none); by objective a section tagged with two of
 * its actions counts once. One statement instead of the whole template. */
int compare_store_tagged(db *d, arena *a, long long cycle_id, bool by_objective, const char **cols, size_t ncols,
                         long long *total);

/* Finance: per tenant and policy area, the spending of the sections of that
 * area (by_source false); or per tenant and funding source, the income. */
int compare_store_finance(db *d, arena *a, long long cycle_id, compare_source src, bool by_source,
                          const long long ids[COMPARE_AGG_PAGE], compare_agg **out, size_t *n);

/* Per tenant and funding source: the Region's allocation, the plan's income
 * and the sections' spending (DECIMAL text, NULL read as 0). */
typedef struct compare_funds {
	long long tenant_id;
	const char *code;
	const char *allocated, *income, *spending;
} compare_funds;

/* Funds: per tenant of the page and funding source, allocated (the
 * allocations of the cycle, every year), planned income and planned
 * spending of the revision compared, in no particular order. */
int compare_store_funds(db *d, arena *a, long long cycle_id, compare_source src, const long long ids[COMPARE_PAGE],
                        compare_funds **out, size_t *n);

/* One section of each tenant of the page, in no particular order. */
int compare_store_section(db *d, arena *a, long long cycle_id, compare_source src, const char *key,
                          const long long ids[COMPARE_PAGE], compare_section **out, size_t *n);

/* The sections tagged with action that hold indicators, in template order
 * per tenant (tenants in no particular order). */
int compare_store_action_sections(db *d, arena *a, long long cycle_id, compare_source src, const char *action,
                                  const long long ids[COMPARE_PAGE], compare_section **out, size_t *n);

void compare_register(void); /* /api/v1/cycles/{cycle}/compare/... */

/* ---- what the API and the pages share (compare_data.c) ---- */

/* The answer's form and its table cells: http/table.h. */

/* The tenants of compare_store_tenants that u may see (scope_can_see, the
 * one rule of tenant isolation), in natural order of their slugs (ats-1,
 * ats-7, ats-13, ats-20). */
int compare_visible_tenants(db *d, arena *a, const identity *u, long long cycle_id, compare_source src,
                            bool with_population, compare_tenant **out, size_t *n);

/* The tenants with a published plan in the cycle, for anyone (no identity):
 * a published plan is public, so every one of them may be seen. The public
 * pages and files (core/opendata) read through this, never through
 * compare_visible_tenants with a made-up identity. Natural order. */
int compare_public_tenants(db *d, arena *a, long long cycle_id, bool with_population, compare_tenant **out, size_t *n);

/* A figure there is none of: per inhabitant without population, a median
 * without values, a sum past MONEY_MAX_CENTS. */
#define COMPARE_NO_FIGURE TABLE_NO_FIGURE

/* Per inhabitant, rounded half up to the cent, or COMPARE_NO_FIGURE when
 * the population is 0. */
int64_t compare_per_inhabitant(int64_t cents, long long population);
/* The middle of v[0..n) (sorted in place), for an even n the mean of the
 * two middle values rounded half up; COMPARE_NO_FIGURE when n is 0. */
int64_t compare_median(int64_t *v, size_t n);
/* The median of column c of the figures [row][column], COMPARE_NO_FIGURE
 * values left out; scratch has room for nrows values. */
int64_t compare_column_median(const int64_t *fig, size_t nrows, size_t ncols, size_t c, int64_t *scratch);

/* The four figures of a coverage cell. */
typedef struct compare_cov {
	long long sections, complete, indicators;
	int64_t cents;
} compare_cov;

/* Puts a page's coverage aggregates into cells[tenant of page][column]
 * (cells zeroed first); DB_EERR for an amount that cannot be read. */
int compare_coverage_fill(const compare_agg *g, size_t ng, const long long *ids, size_t k, const char **cols,
                          size_t ncols, compare_cov *cells);
/* Adds a page's finance aggregates into amount[first + tenant of page]
 * [column] (cents); DB_EERR for an amount that cannot be read. */
int compare_finance_fill(const compare_agg *g, size_t ng, const long long *ids, size_t k, const char **cols,
                         size_t ncols, int64_t *amount_rows);

/* The whole coverage matrix cells[tenant][column] of the tenants t, read
 * COMPARE_AGG_PAGE tenants at a time: for the pages, which show it whole. */
int compare_coverage_matrix(db *d, long long cycle_id, compare_source src, bool by_objective, const compare_tenant *t,
                            size_t nt, const char **cols, size_t ncols, compare_cov *cells);
/* The whole finance matrix amount[tenant][column] in cents (zeroed first). */
int compare_finance_matrix(db *d, long long cycle_id, compare_source src, bool by_source, const compare_tenant *t,
                           size_t nt, const char **cols, size_t ncols, int64_t *amount);

/* The API's handlers, which the pages call for their CSV and XLSX
 * downloads (the same files, under the browser's session). */
void compare_get_coverage(http_req *r);
void compare_get_finance(http_req *r);
void compare_get_section(http_req *r); /* {key} from the path, else ?key= */
void compare_get_indicators(http_req *r);

/* The public comparisons (SPEC §7b), for core/opendata: the coverage
 * (finance false; by "action" or "objective") or the finance ("area" or
 * "source") of the published plans of the cycle, the same shapes as the
 * Region's API with "source":"published", in format (TABLE_JSON, _CSV,
 * _XLSX), written whole to sink rather than streamed, so that the caller
 * can answer it with its validators. by NULL is the first word. False
 * after answering an error (400 naming by, 5xx); nothing else is answered. */
bool compare_public_answer(http_req *r, long long cycle_id, const char *cycle_slug, bool finance, const char *by,
                           int format, table_sink sink, void *ctx);

/* The public comparison pages (/trasparenza/{cycle}/copertura|finanza),
 * built whole into r's answer (status 200 when built, else an error page)
 * for the caller to answer with its validators. */
void compare_public_coverage_page(http_req *r);
void compare_public_finance_page(http_req *r);

/* The comparison pages, /confronti/… (compare_pages.c and its siblings). */
void compare_pages_register(void);

#endif
