/* The comparisons' home and what every comparison page shares. The pages
 * read through the very functions of the JSON comparisons (the store's
 * queries, compare_visible_tenants for who sees which ATS), and their CSV
 * and XLSX downloads are the API's own answers under the browser session. */
#include <string.h>

#include "base/money.h"
#include "compare/compare_pages.h"
#include "http/router.h"
#include "identity/auth.h"

static bool may_compare(const http_req *r)
{
	role rl = r->user->region_role;
	return rl == ROLE_REGION_ADMIN || rl == ROLE_REGION_REVIEWER || rl == ROLE_UNIVERSITY;
}

static bool refuse(http_req *r)
{
	web_error_page(r, 403, "I confronti tra ambiti sono riservati al personale regionale e alle università.");
	return false;
}

const char *cmp_source_word(compare_source s)
{
	return s == COMPARE_DRAFT ? "bozza" : s == COMPARE_PUBLISHED ? "piano pubblicato" : "ultimo invio";
}

const char *cmp_money_it(arena *a, int64_t cents)
{
	char buf[MONEY_TEXT_MAX];
	money_format_it(buf, cents);
	return arena_strdup(a, buf);
}

/* The {cycle} of the path into v->cy; false after a 503 or 404 page. */
static bool view_cycle(cmp_view *v)
{
	http_req *r = v->r;
	int rc = cycle_store_find(r->db, r->a, http_param(r, "cycle"), false, &v->cy);
	if (rc != DB_OK) {
		web_error_page(r, 503, NULL);
		return false;
	}
	if (v->cy == NULL) {
		web_error_page(r, 404, "Il ciclo di programmazione richiesto non esiste.");
		return false;
	}
	return true;
}

bool cmp_view_start(http_req *r, cmp_view *v, void (*download)(http_req *r))
{
	memset(v, 0, sizeof(*v));
	v->r = r;
	if (!may_compare(r))
		return refuse(r);
	if (http_query(r, "format") != NULL) {
		download(r);
		return false;
	}
	const char *src = http_query(r, "source");
	if (src != NULL && strcmp(src, "submitted") != 0 && strcmp(src, "draft") != 0) {
		web_error_page(r, 400, "La fonte dei dati deve essere l’ultimo invio (submitted) o la bozza (draft).");
		return false;
	}
	v->src = src != NULL && strcmp(src, "draft") == 0 ? COMPARE_DRAFT : COMPARE_SUBMITTED;
	return view_cycle(v);
}

bool cmp_view_start_public(http_req *r, cmp_view *v, const char *api)
{
	memset(v, 0, sizeof(*v));
	v->r = r;
	v->public = true;
	v->api = api;
	v->src = COMPARE_PUBLISHED;
	/* A cycle still in draft is not public: the caller's od_path_cycle has
	 * answered 404 for it already. */
	return view_cycle(v);
}

const char *cmp_view_path(const cmp_view *v, const char *page)
{
	return arena_printf(v->r->a, "%s/%s/%s", v->public ? COMPARE_PUBLIC_PATH : COMPARE_PAGES_PATH, v->cy->slug,
	                    page);
}

const char *cmp_view_query(const cmp_view *v, const char *by)
{
	if (v->public)
		return arena_printf(v->r->a, "by=%s", by);
	return arena_printf(v->r->a, "by=%s&source=%s", by, v->src == COMPARE_DRAFT ? "draft" : "submitted");
}

bool cmp_view_tenants(cmp_view *v, bool with_population)
{
	int rc = v->public ? compare_public_tenants(v->r->db, v->r->a, v->cy->id, with_population, &v->tenants, &v->nt)
	                   : compare_visible_tenants(v->r->db, v->r->a, v->r->user, v->cy->id, v->src, with_population,
	                                             &v->tenants, &v->nt);
	if (rc != DB_OK) {
		web_error_page(v->r, 503, NULL);
		return false;
	}
	return true;
}

web_page *cmp_view_begin(cmp_view *v, const char *title)
{
	http_req *r = v->r;
	if (v->public) {
		web_crumb pub[] = {{"Trasparenza", COMPARE_PUBLIC_PATH},
		                   {v->cy->title, arena_printf(r->a, COMPARE_PUBLIC_PATH "/%s", v->cy->slug)},
		                   {title, NULL}};
		return web_page_begin(r, title, pub, 3);
	}
	web_crumb crumbs[] = {
	    {"Confronti", COMPARE_PAGES_PATH},
	    {arena_printf(r->a, "Ciclo %s", v->cy->slug), arena_printf(r->a, COMPARE_PAGES_PATH "/%s", v->cy->slug)},
	    {title, NULL}};
	return web_page_begin(r, title, crumbs, 3);
}

void cmp_view_intro(web_page *p, const cmp_view *v)
{
	html *h = web_html(p);
	html_raw(h, "<p>");
	if (v->public)
		html_text(h, "Dati dei piani approvati e pubblicati dalla Regione (gli ATS senza un piano pubblicato "
		             "non compaiono)");
	else if (v->src == COMPARE_DRAFT)
		html_text(h, "Dati della bozza in lavorazione di ogni ATS con un piano");
	else
		html_text(h, "Dati dell’ultimo piano inviato da ogni ATS (chi non ha inviato non compare)");
	html_text(h, arena_printf(web_req(p)->a, ": %s ATS.", html_int(web_req(p)->a, (long long)v->nt)));
	if (web_req(p)->user != NULL && web_req(p)->user->region_role == ROLE_UNIVERSITY)
		html_text(h, " Sono mostrati solo gli ATS assegnati alla tua università.");
	html_raw(h, "</p>");
}

void cmp_view_select(web_page *p, const char *name, const char *label, const char *const *values,
                     const char *const *labels, size_t n, const char *current)
{
	html *h = web_html(p);
	html_raw(h, "<div><label for=\"f-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label><select id=\"f-");
	html_text(h, name);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<option value=\"");
		html_text(h, values[i]);
		html_raw(h, current != NULL && strcmp(current, values[i]) == 0 ? "\" selected>" : "\">");
		html_text(h, labels[i]);
		html_raw(h, "</option>");
	}
	html_raw(h, "</select></div>");
}

void cmp_view_form_begin(web_page *p, const cmp_view *v, const char *action)
{
	html *h = web_html(p);
	html_raw(h, "<form method=\"get\" class=\"ambito-compare-form\" action=\"");
	html_text(h, action);
	html_raw(h, "\">");
	if (v->public)
		return; /* the published plans only */
	static const char *const values[] = {"submitted", "draft"};
	static const char *const labels[] = {"Ultimo piano inviato", "Bozza in lavorazione"};
	cmp_view_select(p, "source", "Dati", values, labels, 2, v->src == COMPARE_DRAFT ? "draft" : "submitted");
}

void cmp_view_form_end(web_page *p, const cmp_view *v, const char *action, const char *query)
{
	html *h = web_html(p);
	arena *a = web_req(p)->a;
	/* A public page's files are the public API's (cached like every file). */
	const char *files =
	    v->public ? arena_printf(a, "/api/v1/public/cycles/%s/compare/%s", v->cy->slug, v->api) : action;
	html_raw(h, "<div><button type=\"submit\" class=\"btn btn-primary btn-sm\">Mostra</button></div></form>"
	            "<ul class=\"ambito-downloads\"><li><a href=\"");
	html_text(h, arena_printf(a, "%s?%s&format=xlsx", files, query));
	html_raw(h, "\" download>Scarica il foglio di calcolo (XLSX)</a></li><li><a href=\"");
	html_text(h, arena_printf(a, "%s?%s&format=csv", files, query));
	html_raw(h, "\" download>Scarica i dati in CSV (per i programmi)</a></li></ul>");
}

/* ---------------------------------------------------------------- home */

/* /confronti: the cycles, each a link to its comparisons. */
static void get_home(http_req *r)
{
	if (!may_compare(r)) {
		refuse(r);
		return;
	}
	cycle *cs;
	size_t n;
	bool more;
	if (cycle_store_list(r->db, r->a, 0, COMPARE_PAGES_CYCLES_MAX, &cs, &n, &more) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	web_crumb crumbs[] = {{"Confronti", NULL}};
	web_page *p = web_page_begin(r, "Confronti tra ambiti", crumbs, 1);
	html *h = web_html(p);
	html_raw(h, "<p>Scegli il ciclo di programmazione: per ognuno puoi confrontare i piani degli ATS per "
	            "azione di sistema e obiettivo strategico, le voci di entrata e di spesa, una sezione e gli "
	            "indicatori.</p><ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<li><a href=\"" COMPARE_PAGES_PATH "/");
		html_text(h, cs[i].slug);
		html_raw(h, "\">");
		html_text(h, cs[i].title);
		html_raw(h, "</a> (");
		html_text(h, cs[i].slug);
		html_raw(h, ")</li>");
	}
	html_raw(h, "</ul>");
	if (n == 0)
		html_raw(h, "<p>Nessun ciclo di programmazione.</p>");
	web_page_end(p, 200);
}

/* /confronti/{cycle}: the four comparisons. */
static void get_cycle(http_req *r)
{
	if (!may_compare(r)) {
		refuse(r);
		return;
	}
	cycle *cy;
	if (cycle_store_find(r->db, r->a, http_param(r, "cycle"), false, &cy) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	if (cy == NULL) {
		web_error_page(r, 404, "Il ciclo di programmazione richiesto non esiste.");
		return;
	}
	web_crumb crumbs[] = {{"Confronti", COMPARE_PAGES_PATH}, {arena_printf(r->a, "Ciclo %s", cy->slug), NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Confronti del ciclo %s", cy->slug), crumbs, 2);
	html *h = web_html(p);
	const char *base = arena_printf(r->a, COMPARE_PAGES_PATH "/%s", cy->slug);
	html_raw(h, "<p>");
	html_text(h, cy->title);
	html_raw(h, "</p><ul class=\"ambito-compare-list\">");
	static const struct {
		const char *path, *label, *what;
	} items[] = {
	    {"/copertura?by=action", "Copertura per azione di sistema",
	     "quanto sono scritte, in ogni ATS, le sezioni legate a ciascuna azione"},
	    {"/copertura?by=objective", "Copertura per obiettivo strategico", "lo stesso per obiettivo"},
	    {"/finanza?by=area", "Spesa per area di intervento",
	     "importi e importi per abitante, con totali regionali, mediane e grafico"},
	    {"/finanza?by=source", "Entrate per fonte di finanziamento", "lo stesso per fonte"},
	    {"/sezioni", "Una sezione a confronto", "il testo di una sezione di ogni ATS, affiancato"},
	    {"/indicatori", "Indicatori di un’azione", "gli indicatori delle sezioni legate a un’azione"},
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		html_raw(h, "<li><a href=\"");
		html_text(h, arena_printf(r->a, "%s%s", base, items[i].path));
		html_raw(h, "\">");
		html_text(h, items[i].label);
		html_raw(h, "</a>: ");
		html_text(h, items[i].what);
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul>");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET, COMPARE_PAGES_PATH, get_home, ROUTE_PAGE, "I confronti tra ambiti: i cicli"},
    {HTTP_GET, COMPARE_PAGES_PATH "/{cycle}", get_cycle, ROUTE_PAGE, "I confronti di un ciclo"},
    {HTTP_GET, COMPARE_PAGES_PATH "/{cycle}/copertura", compare_coverage_page, ROUTE_PAGE | ROUTE_STREAM,
     "La copertura per azione o obiettivo, a matrice (anche CSV e XLSX)"},
    {HTTP_GET, COMPARE_PAGES_PATH "/{cycle}/finanza", compare_finance_page, ROUTE_PAGE | ROUTE_STREAM,
     "Spesa per area o entrate per fonte, con grafico (anche CSV e XLSX)"},
    {HTTP_GET, COMPARE_PAGES_PATH "/{cycle}/sezioni", compare_section_page, ROUTE_PAGE | ROUTE_STREAM,
     "Una sezione di ogni ATS affiancata (anche CSV e XLSX)"},
    {HTTP_GET, COMPARE_PAGES_PATH "/{cycle}/indicatori", compare_indicators_page, ROUTE_PAGE | ROUTE_STREAM,
     "Gli indicatori di un’azione tra gli ATS (anche CSV e XLSX)"},
};

void compare_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
