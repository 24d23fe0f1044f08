/* What the comparison pages share: who may open them, the cycle and the
 * source, the GET form that changes them, the CSV and XLSX downloads beside
 * it, and the tenants the caller may see, in natural order. Each page is a
 * file of its own (compare_coverage_page.c, compare_finance_page.c,
 * compare_section_page.c, compare_indicators_page.c). */
#ifndef AMBITO_COMPARE_PAGES_H
#define AMBITO_COMPARE_PAGES_H

#include "compare/compare.h"
#include "cycles/cycles.h"
#include "web/web.h"

#define COMPARE_PAGES_PATH "/confronti"
#define COMPARE_PUBLIC_PATH "/trasparenza" /* the public pages (core/opendata routes them) */
/* Cycles listed on the comparisons' home. */
#define COMPARE_PAGES_CYCLES_MAX 100

typedef struct cmp_view {
	http_req *r;
	cycle *cy;
	compare_source src;
	compare_tenant *tenants; /* visible to the caller, natural order */
	size_t nt;
	/* A public page (/trasparenza/…): the published plans for anyone, no
	 * source to choose, the downloads from the public API's api path. */
	bool public;
	const char *api; /* "coverage" or "finance" */
} cmp_view;

/* The start of every comparison page: a role that may compare (else the 403
 * page), the cycle (else 404), ?source= (else 400). A request with ?format=
 * is a download: answered by the API's own handler, download. False when
 * answered. */
bool cmp_view_start(http_req *r, cmp_view *v, void (*download)(http_req *r));
/* The same for a public page: the cycle (else 404), COMPARE_PUBLISHED.
 * The caller answers the page with its validators (core/opendata). */
bool cmp_view_start_public(http_req *r, cmp_view *v, const char *api);
/* The page's path under /confronti or /trasparenza: base/{cycle}/page. */
const char *cmp_view_path(const cmp_view *v, const char *page);
/* The form's current values for the download links: by=…, and the source
 * unless public. */
const char *cmp_view_query(const cmp_view *v, const char *by);

/* The visible tenants; false after the error page. */
bool cmp_view_tenants(cmp_view *v, bool with_population);
/* The page with its crumbs (Confronti › cycle › title). */
web_page *cmp_view_begin(cmp_view *v, const char *title);

/* The GET form: begins with the source's select; the page adds its own
 * selects with cmp_view_select, then cmp_view_form_end writes the button
 * and the download links for query (the form's current values). */
void cmp_view_form_begin(web_page *p, const cmp_view *v, const char *action);
void cmp_view_select(web_page *p, const char *name, const char *label, const char *const *values,
                     const char *const *labels, size_t n, const char *current);
void cmp_view_form_end(web_page *p, const cmp_view *v, const char *action, const char *query);

/* "ultimo invio", "bozza" or "piano pubblicato". */
const char *cmp_source_word(compare_source s);
/* The Italian money text of cents, in a (CHART format). */
const char *cmp_money_it(arena *a, int64_t cents);
/* A paragraph saying which revisions are compared and how many ATS. */
void cmp_view_intro(web_page *p, const cmp_view *v);

void compare_coverage_page(http_req *r);
void compare_finance_page(http_req *r);
void compare_section_page(http_req *r);
void compare_indicators_page(http_req *r);

#endif
