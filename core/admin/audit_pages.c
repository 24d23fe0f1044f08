/* The audit log for the region_admin: a GET form of filters (ATS, user,
 * action, from and to dates in Italian time) and pages that go on with the
 * API's cursor (the id of the last row shown), newest first. */
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "base/id.h"
#include "base/natural_order.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/tenants.h"

#define AUDIT_PAGE 50          /* rows a page shows */
#define AUDIT_FILTER_MAX 254   /* characters of the user and action filters */
#define AUDIT_TENANTS_MAX 2000 /* ATS offered in the filter */

/* name=value&… for the next page's link, values percent-encoded. */
static const char *query_part(http_req *r, const char *name, const char *value)
{
	if (value == NULL || *value == '\0')
		return "";
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(value);
	char *out = arena_alloc(r->a, n * 3 + 1), *o = out;
	for (const unsigned char *s = (const unsigned char *)value; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    *s == '.' || *s == '_' || *s == '~')
			*o++ = (char)*s;
		else {
			*o++ = '%';
			*o++ = hex[*s >> 4];
			*o++ = hex[*s & 15];
		}
	}
	*o = '\0';
	return arena_printf(r->a, "%s=%s&", name, out);
}

static int by_slug(const void *x, const void *y)
{
	return natural_compare(((const tenant *)x)->slug, ((const tenant *)y)->slug);
}

static void get_audit(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	const char *ats = http_query(r, "ambito"), *user = http_query(r, "utente"), *action = http_query(r, "azione"),
	           *from = http_query(r, "dal"), *to = http_query(r, "al");
	int limit;
	long long before;
	if (v_page_after(r, ID_MAX_DIGITS, &limit, &before) != 0)
		return;
	admin_errors errs = {0};
	audit_filter f = {0};
	if (ats != NULL && *ats) {
		if (scope_resolve_slug(r, ats) != 0)
			return; /* the 404 page: no such ATS */
		f.tenant_id = r->tenant->id;
	}
	if (user != NULL && *user) {
		if (strlen(user) > AUDIT_FILTER_MAX)
			admin_error(&errs, "campo-utente", "L’indirizzo è troppo lungo.");
		char *low = arena_strdup(r->a, user);
		for (char *p = low; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		f.user_email = low;
	}
	if (action != NULL && *action) {
		if (strlen(action) > AUDIT_FILTER_MAX)
			admin_error(&errs, "campo-azione", "Il testo è troppo lungo.");
		f.action = action;
	}
	field_errors *e = http_errors_new(r);
	if (from != NULL && *from) {
		const char *utc = html_rome_utc(r->a, from, 0, 0, 0);
		f.since = utc ? v_time_text(e, "dal", utc, false) : NULL;
		if (f.since == NULL)
			admin_error(&errs, "campo-dal", "Scrivi una data nel formato AAAA-MM-GG.");
	}
	if (to != NULL && *to) {
		const char *utc = html_rome_utc(r->a, to, 23, 59, 59);
		if (utc != NULL) /* the whole last second of the day */
			utc = arena_printf(r->a, "%.19s.999999Z", utc);
		f.until = utc ? v_time_text(e, "al", utc, false) : NULL;
		if (f.until == NULL)
			admin_error(&errs, "campo-al", "Scrivi una data nel formato AAAA-MM-GG.");
	}
	audit_row *rows = NULL;
	size_t n = 0;
	bool more = false;
	int rc;
	if (errs.n == 0) {
		rc = audit_store_search(r->db, r->a, &f, before, limit > AUDIT_PAGE ? AUDIT_PAGE : limit, &rows, &n,
		                        &more);
		if (rc != DB_OK) {
			http_db_error(r, rc, "il registro delle operazioni");
			return;
		}
	}
	long long *ids;
	size_t nids, nts = 0;
	tenant *ts = NULL;
	rc = tenant_store_ids_after(r->db, r->a, "", &ids, &nids);
	if (rc == DB_OK)
		rc =
		    tenant_store_load(r->db, r->a, ids, nids > AUDIT_TENANTS_MAX ? AUDIT_TENANTS_MAX : nids, &ts, &nts);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli ambiti");
		return;
	}
	qsort(ts, nts, sizeof(*ts), by_slug);

	web_crumb c[] = {{"Registro delle operazioni", NULL}};
	web_page *p = admin_page(r, "Registro delle operazioni", c, 1);
	html *h = web_html(p);
	admin_error_summary(p, &errs);
	html_raw(h, "<form method=\"get\" action=\"" ADMIN_PATH "/audit\" class=\"ambito-filters\"><div "
	            "class=\"row\"><div class=\"col-12 col-md-6 col-lg-4\">");
	const char *(*opts)[2] = arena_calloc(r->a, nts + 1, sizeof(*opts));
	opts[0][0] = "";
	opts[0][1] = "Tutti gli ambiti";
	for (size_t i = 0; i < nts; i++) {
		opts[i + 1][0] = ts[i].slug;
		opts[i + 1][1] = ts[i].name;
	}
	admin_select(p, "campo-ambito", "ambito", "Ambito", false, (const char *const(*)[2])opts, nts + 1, ats, NULL);
	html_raw(h, "</div><div class=\"col-12 col-md-6 col-lg-4\">");
	web_field_input(p, "utente", "Utente (email)", "text", user, admin_error_of(&errs, "campo-utente"), "off");
	html_raw(h, "</div><div class=\"col-12 col-md-6 col-lg-4\">");
	web_field_input(p, "azione", "Azione (es. POST /api/v1/users)", "text", action,
	                admin_error_of(&errs, "campo-azione"), "off");
	html_raw(h, "</div><div class=\"col-12 col-md-6 col-lg-4\">");
	web_field_input(p, "dal", "Dal giorno", "date", from, admin_error_of(&errs, "campo-dal"), "off");
	html_raw(h, "</div><div class=\"col-12 col-md-6 col-lg-4\">");
	web_field_input(p, "al", "Al giorno (compreso)", "date", to, admin_error_of(&errs, "campo-al"), "off");
	html_raw(h, "</div></div><button type=\"submit\" class=\"btn btn-primary ambito-field\">Filtra</button> <a "
	            "class=\"btn btn-outline-primary ambito-field\" href=\"" ADMIN_PATH "/audit\">Togli i "
	            "filtri</a></form>");
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Operazioni\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Operazioni registrate, dalla più "
	            "recente</caption><thead><tr><th scope=\"col\">Quando</th><th scope=\"col\">Chi</th><th "
	            "scope=\"col\">Ambito</th><th scope=\"col\">Azione</th><th scope=\"col\">Oggetto</th><th "
	            "scope=\"col\">Esito</th><th scope=\"col\">Dettaglio</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const audit_row *a = &rows[i];
		html_raw(h, "<tr><td>");
		html_text(h, html_datetime(r->a, a->at) ? html_datetime(r->a, a->at) : a->at);
		html_raw(h, "</td><td>");
		html_text(h, a->user_email && *a->user_email ? a->user_email : "—");
		if (a->role && *a->role) {
			html_raw(h, "<br><small>");
			html_text(h, web_role_label(role_parse(a->role)));
			html_raw(h, "</small>");
		}
		html_raw(h, "</td><td>");
		html_text(h, a->tenant ? a->tenant : "—");
		html_raw(h, "</td><td class=\"ambito-actions\">");
		html_text(h, a->method);
		html_raw(h, " ");
		html_text(h, a->route);
		html_raw(h, "</td><td class=\"ambito-actions\">");
		html_text(h, a->object);
		html_rawf(h, "</td><td>%lld ", a->status);
		html_text(h, a->outcome && strcmp(a->outcome, "ok") == 0        ? "riuscita"
		             : a->outcome && strcmp(a->outcome, "refused") == 0 ? "rifiutata"
		                                                                : "errore");
		html_raw(h, "</td><td>");
		html_text(h, a->detail ? a->detail : "");
		html_raw(h, "</td></tr>");
	}
	if (n == 0)
		html_raw(h, "<tr><td colspan=\"7\">Nessuna operazione con questi filtri.</td></tr>");
	html_raw(h, "</tbody></table></div><nav aria-label=\"Pagine del registro\"><p>");
	const char *filters =
	    arena_printf(r->a, "%s%s%s%s%s", query_part(r, "ambito", ats), query_part(r, "utente", user),
	                 query_part(r, "azione", action), query_part(r, "dal", from), query_part(r, "al", to));
	if (before > 0) {
		html_raw(h, "<a href=\"" ADMIN_PATH "/audit?");
		html_text(h, filters);
		html_raw(h, "\">Le più recenti</a> ");
	}
	if (more) {
		html_raw(h, "<a href=\"" ADMIN_PATH "/audit?");
		html_text(h, arena_printf(r->a, "%scursor=%lld", filters, rows[n - 1].id));
		html_raw(h, "\">Operazioni precedenti</a>");
	}
	html_raw(h, "</p></nav>");
	web_page_end(p, errs.n > 0 ? 422 : 200);
}

static const route routes[] = {
    {HTTP_GET,
     ADMIN_PATH "/audit",
     get_audit,
     ROUTE_PAGE,
     "Il registro delle operazioni, con filtri",
     NULL,
     NULL,
     {P_LIMIT, P_CURSOR}},
};

void admin_audit_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
