/* The Entrate page: a plan's income lines as a table of fields. The save
 * checks the version the form was read at (the API's If-Match), parses the
 * body PUT …/finance would carry with plan_finance_parse and stores it with
 * plan_finance_save; a stale or refused save shows the page again with what
 * the user typed. Another ATS's plan is the 404 page (ROUTE_TENANT). */
#include <stdint.h>
#include <string.h>

#include "base/money.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_finance_pages.h"
#include "tenants/plans/plan_tables.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

typedef struct finance_view {
	plan_table *table;
	const cycle_catalog *cat;
	bool stale, saved;
	const char *refused; /* why the plan cannot be changed now, or NULL */
} finance_view;

static bool can_write(role ro)
{
	return ro == ROLE_ATS_COORDINATOR || ro == ROLE_ATS_EDITOR;
}

static const char *finance_href(http_req *r, const cycle *c)
{
	return arena_printf(r->a, "/ats/%s/piani/%s/entrate", r->tenant->slug, c->slug);
}

/* The sum of the stored lines in Italian, NULL when it cannot be added up. */
static const char *total_it(arena *a, const plan_finance *f)
{
	int64_t sum = 0, cents;
	for (size_t i = 0; i < f->nincome; i++)
		if (money_parse(f->income[i].amount_eur, &cents) != MONEY_OK || !money_add(&sum, cents))
			return NULL;
	char buf[MONEY_TEXT_MAX];
	money_format_it(buf, sum);
	return arena_strdup(a, buf);
}

static void finance_page(http_req *r, const cycle *c, const plan *pl, const plan_finance *stored, long long version,
                         bool editable, const finance_view *v, int status)
{
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(r->a, "Piano %s", c->slug), arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, c->slug)},
	    {"Entrate", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Entrate del piano %s", c->slug), crumbs, 3);
	html *h = web_html(p);
	html_raw(h, "<dl class=\"ambito-facts\"><dt>Stato del piano</dt><dd>");
	const char *st = plan_status_name(pl->status);
	html_raw(h, "<span class=\"ambito-status ambito-status-");
	html_text(h, st);
	html_raw(h, "\">");
	html_text(h, web_plan_status(st));
	html_raw(h, "</span></dd><dt>Voci salvate</dt><dd>");
	html_text(h, html_int(r->a, (long long)stored->nincome));
	const char *total = total_it(r->a, stored);
	if (total != NULL) {
		html_raw(h, "</dd><dt>Totale delle entrate</dt><dd>");
		html_text(h, total);
	}
	html_raw(h, "</dd></dl>");
	if (v->saved)
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">Entrate salvate.</div>");
	if (v->refused) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"alert\">");
		html_text(h, v->refused);
		html_raw(h, "</div>");
	}
	if (v->stale)
		html_raw(h, "<div class=\"alert alert-warning\" role=\"alert\"><p><strong>Nessuna modifica è stata "
		            "salvata.</strong> Un’altra persona ha salvato le entrate mentre le stavi scrivendo. Nella "
		            "tabella ci sono ancora le tue righe; controlla le voci salvate nel frattempo (in alto il "
		            "loro numero e totale) e salva di nuovo.</p></div>");
	if (v->table->nerrors > 0) {
		const char **ids = arena_calloc(r->a, v->table->nerrors + 1, sizeof(char *));
		const char **msgs = arena_calloc(r->a, v->table->nerrors + 1, sizeof(char *));
		size_t n = plan_table_summary(v->table, r->a, ids, msgs, 0);
		web_error_summary(p, ids, msgs, n);
	}
	html_raw(h, "<p>Le entrate con cui l’ATS finanzia il piano: la fonte dal catalogo del ciclo, l’anno, "
	            "l’importo in euro (come <span class=\"text-nowrap\">1.234,56</span>) e una nota facoltativa.");
	if (editable)
		html_raw(h, " Le righe vuote non vengono salvate.");
	html_raw(h, "</p>");
	if (editable) {
		html_raw(h, "<form method=\"post\" action=\"");
		html_text(h, finance_href(r, c));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		html_rawf(h, "<input type=\"hidden\" name=\"versione\" value=\"%lld\">", version);
	}
	plan_table_render(h, r->a, v->table, v->cat, editable);
	if (editable) {
		html_raw(h, "<p class=\"mt-4\"><button type=\"submit\" class=\"btn btn-primary\">Salva le "
		            "entrate</button></p></form>");
		web_page_script(p, "righe.js");
	}
	html_raw(h, "<p><a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, c->slug));
	html_raw(h, "\">Torna all’indice del piano</a></p>");
	web_page_end(p, status);
}

/* The cycle, the plan (locked when for_update), its stored income and the
 * catalogue; false after answering when any is missing. */
typedef struct finance_ctx {
	cycle *c;
	plan *p;
	plan_finance stored;
	cycle_catalog cat;
} finance_ctx;

static bool finance_load(http_req *r, bool for_update, finance_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->c = cycles_path_cycle(r, false);
	x->p = x->c != NULL ? plans_path_plan(r, x->c, for_update) : NULL;
	if (x->p == NULL)
		return false;
	int rc = plan_finance_load(r->db, r->a, x->p->tenant_id, x->p->cycle_id, 0, &x->stored);
	if (rc == DB_OK)
		rc = cycle_store_load_catalog(r->db, r->a, x->c->id, &x->cat);
	if (rc != DB_OK) {
		http_db_error(r, rc, "le entrate");
		return false;
	}
	return true;
}

static const char *refusal(http_req *r, const finance_ctx *x)
{
	return x->c->status != CYCLE_OPEN
	           ? "Il ciclo di programmazione è chiuso: il piano non si può più modificare."
	           : arena_printf(
	                 r->a, "Il piano è %s: si può modificare solo in bozza o quando la Regione chiede modifiche.",
	                 web_plan_status(plan_status_name(x->p->status)));
}

static void get_finance_page(http_req *r)
{
	finance_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !finance_load(r, false, &x))
		return;
	finance_view v = {.cat = &x.cat};
	v.table = arena_calloc(r->a, 1, sizeof(plan_table));
	plan_table_income(v.table, r->a, x.stored.income, x.stored.nincome);
	const char *q = http_query(r, "salvato");
	v.saved = q != NULL && strcmp(q, "1") == 0;
	bool editable = can_write(r->tenant->role) && plan_can_edit(x.p, x.c) == DB_OK;
	if (!editable && can_write(r->tenant->role))
		v.refused = refusal(r, &x);
	finance_page(r, x.c, x.p, &x.stored, x.p->finance_version, editable, &v, 200);
}

static void post_finance_page(http_req *r)
{
	finance_ctx x;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !finance_load(r, true, &x))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/finance", r->tenant->slug, x.c->slug);
	if (plan_can_edit(x.p, x.c) != DB_OK) {
		web_error_page(r, 409, refusal(r, &x));
		return;
	}
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	finance_view v = {.cat = &x.cat};
	v.table = arena_calloc(r->a, 1, sizeof(plan_table));
	plan_table_income(v.table, r->a, x.stored.income, x.stored.nincome);
	plan_table_read_form(v.table, r->a, &f); /* a form without the table keeps the stored lines */
	const char *version = web_form_get(&f, "versione");
	if (version == NULL || strcmp(version, arena_printf(r->a, "%lld", x.p->finance_version)) != 0) {
		v.stale = true;
		finance_page(r, x.c, x.p, &x.stored, x.p->finance_version, true, &v, 409);
		return;
	}
	/* The API's own validation, on the body PUT …/finance would get. */
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	plan_table_write(v.table, r->a, w);
	jw_obj_end(w);
	json_value *body = web_json_finish(r, w);
	if (body == NULL) {
		web_error_page(r, 400, "Il testo inviato non è valido (UTF-8).");
		return;
	}
	field_errors *e = http_errors_new(r);
	plan_finance content;
	plan_finance_parse(e, NULL, body, x.c, &x.cat, &content);
	size_t taken = plan_table_take_errors(v.table, r->a, e, x.c);
	if (v.table->nerrors > 0 || field_errors_count(e) > 0) {
		if (v.table->nerrors == 0 || taken < field_errors_kept(e)) {
			web_error_page(r, 422, "Le entrate inviate non sono valide.");
			return;
		}
		finance_page(r, x.c, x.p, &x.stored, x.p->finance_version, true, &v, 422);
		return;
	}
	int rc = plan_finance_save(r->db, x.p->tenant_id, x.p->cycle_id, &content);
	if (rc != DB_OK) {
		http_db_error(r, rc, "le entrate");
		return;
	}
	r->audit_detail = arena_printf(r->a, "%zu income lines saved from the web (version %lld)", content.nincome,
	                               x.p->finance_version + 1);
	web_redirect(r, arena_printf(r->a, "%s?salvato=1", finance_href(r, x.c)));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/entrate", get_finance_page, ROUTE_PAGE | ROUTE_TENANT,
     "Le entrate di un piano, da leggere o scrivere"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/entrate", post_finance_page, ROUTE_PAGE | ROUTE_TENANT,
     "Salva le entrate di un piano"},
};

void plan_finance_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
