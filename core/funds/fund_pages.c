/* The region_admin's riparto page: the cycle's allocations as a table, and a
 * form that takes the same CSV the API takes (pasted in a text area) through
 * the same checks, all or nothing, the errors named with their line. */
#include <string.h>

#include "base/money.h"
#include "funds/funds.h"
#include "http/router.h"
#include "identity/auth.h"
#include "web/web.h"

#define FUND_PAGE_ROWS_SHOWN 200 /* rows listed on the page; the CSV has them all */
#define FUND_PAGE_ERRORS_SHOWN 50

static const char *page_href(http_req *r, const cycle *c)
{
	return arena_printf(r->a, "/regione/cicli/%s/assegnazioni", c->slug);
}

static void alloc_page(http_req *r, const cycle *c, const fund_row *rows, size_t n, const char *typed,
                       const field_errors *e, long long saved, int status)
{
	web_crumb crumbs[] = {{"Regione", "/"}, {arena_printf(r->a, "Assegnazioni %s", c->slug), NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Assegnazioni dei fondi, ciclo %s", c->slug), crumbs, 2);
	html *h = web_html(p);
	if (saved >= 0)
		html_rawf(h, "<div class=\"alert alert-success\" role=\"status\">Riparto registrato: %lld righe.</div>",
		          saved);
	size_t nerr = e != NULL ? field_errors_kept(e) : 0;
	if (nerr > 0) {
		html_raw(h,
		         "<div class=\"alert alert-danger\" role=\"alert\" id=\"errori\" tabindex=\"-1\"><p><strong>"
		         "Il riparto non è stato registrato: nessuna riga è stata salvata.</strong> Correggi le righe "
		         "indicate e invia di nuovo.</p><ul>");
		for (size_t i = 0; i < nerr && i < FUND_PAGE_ERRORS_SHOWN; i++) {
			html_raw(h, "<li>");
			html_text(h, field_errors_message(e, i));
			html_raw(h, "</li>");
		}
		if (nerr > FUND_PAGE_ERRORS_SHOWN)
			html_text(h, arena_printf(r->a, "… e altri %zu errori.", nerr - FUND_PAGE_ERRORS_SHOWN));
		html_raw(h, "</ul></div>");
	}
	html_raw(h, "<h2>Carica il riparto</h2><p>Incolla il file CSV del riparto: la prima riga è "
	            "<code>tenant,year,source,amount_eur</code>, poi una riga per ambito, anno e fonte di "
	            "finanziamento, con l’importo in euro e il punto per i decimali (<code>12345.50</code>). Il "
	            "nuovo riparto sostituisce tutto quello registrato per il ciclo; se una riga è sbagliata non si "
	            "salva nulla.</p><form method=\"post\" action=\"");
	html_text(h, page_href(r, c));
	html_raw(h, "\" novalidate>");
	web_csrf_field(p);
	html_raw(
	    h, "<div class=\"form-group\"><label for=\"csv\" class=\"active\">File CSV del riparto</label>"
	       "<textarea id=\"csv\" name=\"csv\" rows=\"10\" class=\"form-control ambito-csv\" spellcheck=\"false\"");
	if (nerr > 0)
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errori\"");
	html_raw(h, ">");
	html_text(h, typed != NULL ? typed : "");
	html_raw(h, "</textarea></div><p><button type=\"submit\" class=\"btn btn-primary\">Registra il riparto"
	            "</button></p></form>");
	html_raw(h, "<h2>Riparto registrato</h2>");
	if (n == 0) {
		html_raw(h, "<p>Nessuna assegnazione registrata per questo ciclo.</p>");
	} else {
		html_raw(h, "<p>");
		html_text(
		    h, arena_printf(r->a, "%s righe. Scarica il riparto completo in ", html_int(r->a, (long long)n)));
		html_raw(h, "<a href=\"");
		html_text(h, arena_printf(r->a, "/api/v1/cycles/%s/allocations?format=csv", c->slug));
		html_raw(
		    h, "\">CSV</a> (con il token dell’API).</p><div class=\"ambito-table-wrap\" tabindex=\"0\" "
		       "role=\"region\" aria-label=\"Riparto registrato\"><table class=\"table ambito-table\"><caption "
		       "class=\"visually-hidden\">Riparto registrato</caption><thead><tr><th scope=\"col\">Ambito</th>"
		       "<th scope=\"col\">Anno</th><th scope=\"col\">Fonte</th><th scope=\"col\" "
		       "class=\"ambito-cell-money\">Importo</th></tr></thead><tbody>");
		for (size_t i = 0; i < n && i < FUND_PAGE_ROWS_SHOWN; i++) {
			int64_t cents;
			char buf[MONEY_TEXT_MAX];
			html_raw(h, "<tr><td>");
			html_text(h, rows[i].tenant);
			html_rawf(h, "</td><td>%lld</td><td>", rows[i].year);
			html_text(h, rows[i].source);
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			if (money_parse(rows[i].amount, &cents) == MONEY_OK) {
				money_format_it(buf, cents);
				html_text(h, buf);
			} else
				html_text(h, rows[i].amount);
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
		if (n > FUND_PAGE_ROWS_SHOWN)
			html_text(h, arena_printf(r->a, "Le prime %d righe di %zu.", FUND_PAGE_ROWS_SHOWN, n));
	}
	web_page_end(p, status);
}

static bool admin_only(http_req *r)
{
	if (r->user->region_role == ROLE_REGION_ADMIN)
		return true;
	web_error_page(r, 403, "Solo l’amministrazione regionale registra il riparto dei fondi.");
	return false;
}

static void get_alloc_page(http_req *r)
{
	if (!admin_only(r))
		return;
	cycle *c = cycles_path_cycle(r, false);
	fund_row *rows;
	size_t n;
	if (c == NULL || !http_db_ok(r, fund_store_list(r->db, r->a, c->id, &rows, &n), "le assegnazioni"))
		return;
	const char *q = http_query(r, "salvato");
	alloc_page(r, c, rows, n, NULL, NULL, q != NULL ? (long long)n : -1, 200);
}

static void post_alloc_page(http_req *r)
{
	if (!admin_only(r))
		return;
	cycle *c = cycles_path_cycle(r, true); /* the lock serialises uploads, as PUT does */
	if (c == NULL)
		return;
	r->audit_object = arena_printf(r->a, "cycle:%s/allocations", c->slug);
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *text = web_form_get(&f, "csv");
	if (text == NULL)
		text = "";
	field_errors *e = http_errors_new(r);
	fund_row *rows;
	size_t n;
	fund_parse_csv(e, text, strlen(text), &rows, &n);
	cycle_catalog cat;
	fund_tenant *tenants;
	size_t ntenants;
	if (!http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo") ||
	    !http_db_ok(r, fund_store_tenants(r->db, r->a, &tenants, &ntenants), "gli ambiti"))
		return;
	fund_check(e, c, &cat, tenants, ntenants, rows, n, true);
	if (field_errors_count(e) > 0) {
		fund_row *stored;
		size_t nstored;
		if (http_db_ok(r, fund_store_list(r->db, r->a, c->id, &stored, &nstored), "le assegnazioni"))
			alloc_page(r, c, stored, nstored, text, e, -1, 422);
		return;
	}
	if (!http_db_ok(r, fund_store_replace(r->db, c->id, rows, n), "le assegnazioni"))
		return;
	r->audit_detail = arena_printf(r->a, "%zu righe (CSV dalla pagina)", n);
	web_redirect(r, arena_printf(r->a, "%s?salvato=1", page_href(r, c)));
}

static const route routes[] = {
    {HTTP_GET, "/regione/cicli/{cycle}/assegnazioni", get_alloc_page, ROUTE_PAGE,
     "Il riparto dei fondi di un ciclo e il modulo per caricarlo (region_admin)"},
    {HTTP_POST, "/regione/cicli/{cycle}/assegnazioni", post_alloc_page, ROUTE_PAGE,
     "Registra il riparto dei fondi di un ciclo da un CSV (region_admin)", .max_body = FUND_MAX_BODY},
};

void fund_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
