/* What the plan index shows of the plan as a process: the Region's
 * allocations to the ATS, the yearly monitoring of an approved plan, and the
 * coordinator's annual update (a reason, then a confirmation step, then
 * plan_reopen as POST …/reopen does). */
#include <string.h>

#include "base/money.h"
#include "base/utf8.h"
#include "funds/funds.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_update_pages.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

static const char *update_href(http_req *r, const cycle *c)
{
	return arena_printf(r->a, "/ats/%s/piani/%s/aggiorna", r->tenant->slug, c->slug);
}

void plan_update_index(web_page *p, http_req *r, const cycle *c, const plan *pl, const fund_row *rows, size_t n)
{
	html *h = web_html(p);
	arena *a = r->a;
	html_raw(h, "<h2>Assegnazioni della Regione</h2>");
	if (n == 0)
		html_raw(h, "<p>La Regione non ha ancora registrato assegnazioni per questo ambito.</p>");
	else {
		html_raw(
		    h,
		    "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Assegnazioni della "
		    "Regione\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">Assegnazioni "
		    "della Regione per anno e fonte</caption><thead><tr><th scope=\"col\">Anno</th><th "
		    "scope=\"col\">Fonte</th><th scope=\"col\" class=\"ambito-cell-money\">Importo</th></tr></thead>"
		    "<tbody>");
		for (size_t i = 0; i < n; i++) {
			int64_t cents;
			char buf[MONEY_TEXT_MAX];
			html_rawf(h, "<tr><td>%lld</td><td>", rows[i].year);
			html_text(h, rows[i].source);
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			if (money_parse(rows[i].amount, &cents) == MONEY_OK) {
				money_format_it(buf, cents);
				html_text(h, buf);
			}
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (pl->status != PLAN_APPROVED && pl->status != PLAN_PUBLISHED)
		return;
	html_raw(h, "<h2>Monitoraggio e aggiornamento</h2><p>Monitoraggio annuale:");
	for (long long y = c->start_year; y <= c->end_year; y++) {
		html_raw(h, " <a href=\"");
		html_text(h, arena_printf(a, "/ats/%s/piani/%s/monitoraggio/%lld", r->tenant->slug, c->slug, y));
		html_rawf(h, "\">Monitoraggio %lld</a>", y);
	}
	html_raw(h, "</p>");
	if (r->tenant->role == ROLE_ATS_COORDINATOR && c->status == CYCLE_OPEN) {
		html_raw(h, "<p><a href=\"");
		html_text(h, update_href(r, c));
		html_raw(h, "\">Aggiorna il piano</a> (aggiornamento annuale: il piano torna in bozza, la revisione "
		            "pubblicata resta pubblica fino alla prossima pubblicazione).</p>");
	}
}

static void update_page(http_req *r, const cycle *c, const char *reason, const char *error, bool confirm, int status)
{
	arena *a = r->a;
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(a, "Piano %s", c->slug), arena_printf(a, "/ats/%s/piani/%s", r->tenant->slug, c->slug)},
	    {"Aggiornamento", NULL}};
	web_page *p = web_page_begin(r, arena_printf(a, "Aggiornamento del piano %s", c->slug), crumbs, 3);
	html *h = web_html(p);
	if (error != NULL) {
		const char *ids[] = {"motivo"};
		const char *msgs[] = {error};
		web_error_summary(p, ids, msgs, 1);
	}
	html_raw(h, "<form method=\"post\" action=\"");
	html_text(h, update_href(r, c));
	html_raw(h, "\" novalidate>");
	web_csrf_field(p);
	if (confirm) {
		html_raw(h, "<p><strong>Confermi la riapertura del piano?</strong> Il piano tornerà in bozza: andrà "
		            "modificato, inviato, esaminato e pubblicato di nuovo. Fino ad allora resta pubblica la "
		            "revisione già pubblicata.</p><p>Motivo dell’aggiornamento:</p><blockquote>");
		html_text(h, reason);
		html_raw(h, "</blockquote><input type=\"hidden\" name=\"motivo\" value=\"");
		html_text(h, reason);
		html_raw(h, "\"><input type=\"hidden\" name=\"conferma\" value=\"1\"><p><button type=\"submit\" "
		            "class=\"btn btn-primary\">Conferma la riapertura</button> <a href=\"");
		html_text(h, update_href(r, c));
		html_raw(h, "\">Annulla</a></p></form>");
		web_page_end(p, status);
		return;
	}
	html_raw(h,
	         "<p>L’aggiornamento annuale riapre il piano approvato: le modifiche seguono lo stesso percorso "
	         "di controllo, invio, esame e pubblicazione. Il documento pubblico riporterà il motivo e la data "
	         "nella storia del piano.</p><div class=\"form-group\"><label for=\"motivo\" class=\"active\">Motivo "
	         "dell’aggiornamento</label><textarea id=\"motivo\" name=\"motivo\" rows=\"4\" class=\"form-control\"");
	if (error != NULL)
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-motivo\"");
	html_raw(h, ">");
	html_text(h, reason != NULL ? reason : "");
	html_raw(h, "</textarea>");
	if (error != NULL) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-motivo\">");
		html_text(h, error);
		html_raw(h, "</p>");
	}
	html_raw(h, "</div><p><button type=\"submit\" class=\"btn btn-primary\">Continua</button></p></form>");
	web_page_end(p, status);
}

static bool refuse(http_req *r, const cycle *c, const plan *pl)
{
	if (pl->status != PLAN_APPROVED && pl->status != PLAN_PUBLISHED) {
		web_error_page(r, 409,
		               arena_printf(r->a, "Il piano è %s: si aggiorna solo un piano approvato o pubblicato.",
		                            web_plan_status(plan_status_name(pl->status))));
		return true;
	}
	if (c->status != CYCLE_OPEN) {
		web_error_page(r, 409, "Il ciclo di programmazione è chiuso: il piano non si può più aggiornare.");
		return true;
	}
	return false;
}

static void get_update_page(http_req *r)
{
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *pl = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (pl == NULL || refuse(r, c, pl))
		return;
	update_page(r, c, NULL, NULL, false, 200);
}

static void post_update_page(http_req *r)
{
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *pl = c != NULL ? plans_path_plan(r, c, true) : NULL;
	if (pl == NULL || refuse(r, c, pl))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s", r->tenant->slug, c->slug);
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *reason = web_form_get(&f, "motivo");
	const char *confirm = web_form_get(&f, "conferma");
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		update_page(r, c, reason, "Scrivi perché si aggiorna il piano.", false, 422);
		return;
	}
	if (utf8_chars(reason, strlen(reason)) > PLAN_REOPEN_REASON_MAX) {
		update_page(r, c, reason, "Il motivo supera i 2.000 caratteri.", false, 422);
		return;
	}
	if (confirm == NULL || strcmp(confirm, "1") != 0) {
		update_page(r, c, reason, NULL, true, 200);
		return;
	}
	plan_status status;
	int rc = plan_reopen(r->db, r->a, r->tenant->id, c, r->user->user_id, reason, &status);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	r->audit_detail = arena_printf(r->a, "reopened after revision %lld for an update (from the web)", pl->revision);
	web_redirect(r, arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, c->slug));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/aggiorna", get_update_page, ROUTE_PAGE | ROUTE_TENANT,
     "Il modulo dell’aggiornamento annuale del piano (coordinatore)"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/aggiorna", post_update_page, ROUTE_PAGE | ROUTE_TENANT,
     "Riapre il piano per l’aggiornamento annuale, dopo la conferma (coordinatore)"},
};

void plan_update_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
