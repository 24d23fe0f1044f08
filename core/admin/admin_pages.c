/* The administration's home and what its pages share: who may open them,
 * the page frame under "Amministrazione", errors beside fields, selects and
 * table cells. */
#include <string.h>

#include "admin/admin.h"
#include "http/router.h"
#include "identity/auth.h"

int admin_require(http_req *r, bool reviewer_reads)
{
	role ro = r->user->region_role;
	bool write = r->method != HTTP_GET;
	if (ro == ROLE_REGION_ADMIN || (ro == ROLE_REGION_REVIEWER && reviewer_reads && !write))
		return 0;
	web_error_page(r, 403,
	               ro == ROLE_REGION_REVIEWER ? "La revisione regionale può consultare ambiti e cicli, ma le "
	                                            "modifiche spettano all’amministrazione regionale."
	                                          : "Le pagine di amministrazione sono riservate alla Regione.");
	return -1;
}

web_page *admin_page(http_req *r, const char *title, const web_crumb *crumbs, size_t n)
{
	web_crumb all[8];
	size_t k = 0;
	all[k++] = (web_crumb){"Amministrazione", n > 0 ? ADMIN_PATH : NULL};
	for (size_t i = 0; i < n && k < sizeof(all) / sizeof(all[0]); i++)
		all[k++] = crumbs[i];
	return web_page_begin(r, title, all, k);
}

void admin_alert(web_page *p, const char *kind, const char *text)
{
	html *h = web_html(p);
	html_raw(h, "<div class=\"alert alert-");
	html_text(h, kind);
	html_raw(h, strcmp(kind, "danger") == 0 ? "\" role=\"alert\">" : "\" role=\"status\">");
	html_text(h, text);
	html_raw(h, "</div>");
}

void admin_error(admin_errors *ae, const char *id, const char *msg)
{
	if (admin_error_of(ae, id) != NULL)
		return; /* one message a field: the first */
	if (ae->n == ADMIN_ERRORS_MAX) {
		ae->more++;
		return;
	}
	ae->ids[ae->n] = id;
	ae->msgs[ae->n++] = msg;
}

const char *admin_error_of(const admin_errors *ae, const char *id)
{
	for (size_t i = 0; ae != NULL && i < ae->n; i++)
		if (strcmp(ae->ids[i], id) == 0)
			return ae->msgs[i];
	return NULL;
}

void admin_error_summary(web_page *p, const admin_errors *ae)
{
	web_error_summary(p, ae->ids, ae->msgs, ae->n);
	if (ae->more > 0)
		html_rawf(web_html(p), "<p class=\"ambito-required\">e altri %zu errori.</p>", ae->more);
}

void admin_select(web_page *p, const char *id, const char *name, const char *label, bool label_hidden,
                  const char *const (*options)[2], size_t nopt, const char *chosen, const char *error)
{
	html *h = web_html(p);
	if (!label_hidden) {
		html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, label);
		html_raw(h, "</label>");
	}
	html_raw(h, "<select class=\"form-select");
	if (error)
		html_raw(h, " is-invalid");
	html_raw(h, "\" id=\"");
	html_text(h, id);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\"");
	if (label_hidden) {
		html_raw(h, " aria-label=\"");
		html_text(h, label);
		html_raw(h, "\"");
	}
	if (error) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		html_text(h, id);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	for (size_t i = 0; i < nopt; i++) {
		html_raw(h, "<option value=\"");
		html_text(h, options[i][0]);
		html_raw(h, "\"");
		if (chosen != NULL && strcmp(chosen, options[i][0]) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_text(h, options[i][1]);
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
	if (error) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, error);
		html_raw(h, "</p>");
	}
	if (!label_hidden)
		html_raw(h, "</div>");
}

void admin_cell_input(web_page *p, const char *id, const char *name, const char *label, const char *type,
                      const char *value, const char *error)
{
	html *h = web_html(p);
	html_raw(h, "<td><label class=\"visually-hidden\" for=\"");
	html_text(h, id);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label><input class=\"form-control");
	if (error)
		html_raw(h, " is-invalid");
	html_raw(h, "\" type=\"");
	html_text(h, type);
	html_raw(h, "\" id=\"");
	html_text(h, id);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\" value=\"");
	html_text(h, value ? value : "");
	html_raw(h, "\"");
	if (error) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		html_text(h, id);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	if (error) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, error);
		html_raw(h, "</p>");
	}
	html_raw(h, "</td>");
}

const char *admin_field_id(http_req *r, const char *name)
{
	return arena_printf(r->a, "campo-%s", name);
}

size_t admin_form_rows(const web_form *f, http_req *r, const char *name, const char *const *keys, size_t max)
{
	size_t rows = 0;
	for (size_t i = 0; i < f->n; i++) {
		const char *fname = f->names[i];
		size_t nl = strlen(name);
		if (strncmp(fname, name, nl) != 0 || fname[nl] != '[')
			continue;
		size_t idx = 0, k = nl + 1;
		while (fname[k] >= '0' && fname[k] <= '9' && idx < max)
			idx = idx * 10 + (size_t)(fname[k++] - '0');
		if (k == nl + 1 || fname[k] != ']' || idx >= max)
			continue;
		for (size_t j = 0; keys[j] != NULL; j++)
			if (strcmp(fname + k + 1, arena_printf(r->a, ".%s", keys[j])) == 0 && idx + 1 > rows)
				rows = idx + 1;
	}
	return rows;
}

bool admin_version_current(http_req *r, const web_form *f, long long version)
{
	const char *sent = web_form_get(f, "versione");
	return sent != NULL && strcmp(sent, arena_printf(r->a, "%lld", version)) == 0;
}

void admin_form_begin(web_page *p, const char *action, long long version)
{
	html *h = web_html(p);
	html_raw(h, "<form method=\"post\" action=\"");
	html_text(h, action);
	html_raw(h, "\" novalidate>");
	web_csrf_field(p);
	if (version != 0)
		html_rawf(h, "<input type=\"hidden\" name=\"versione\" value=\"%lld\">", version);
	html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\">");
}

static void get_home(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	web_page *p = admin_page(r, "Amministrazione", NULL, 0);
	html *h = web_html(p);
	bool admin = r->user->region_role == ROLE_REGION_ADMIN;
	html_raw(h, "<ul class=\"ambito-admin-links\">"
	            "<li><a href=\"" ADMIN_PATH "/ambiti\">Ambiti territoriali</a>: gli ATS, i loro Comuni e "
	            "la popolazione</li>");
	if (admin)
		html_raw(h, "<li><a href=\"" ADMIN_PATH "/utenti\">Utenti</a>: ruoli, iscrizioni agli ATS, "
		            "assegnazioni, attivazione e reimpostazione della password</li>");
	html_raw(h, "<li><a href=\"" ADMIN_PATH "/cicli\">Cicli di programmazione</a>: creazione, apertura, "
	            "chiusura, scadenza, file del ciclo</li>");
	if (admin)
		html_raw(h, "<li><a href=\"" ADMIN_PATH "/audit\">Registro delle operazioni</a>: chi ha fatto "
		            "cosa, e quando</li>");
	html_raw(h, "</ul>");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET, ADMIN_PATH, get_home, ROUTE_PAGE, "La pagina iniziale dell’amministrazione"},
};

void admin_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
	admin_tenant_pages_register();
	admin_user_pages_register();
	admin_cycle_pages_register();
	admin_audit_pages_register();
}
