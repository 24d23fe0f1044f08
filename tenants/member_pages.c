/* Pages of an ATS's members: the list with their roles, adding a member,
 * changing a role and removing one after a confirmation. The same rules as
 * the JSON API (members.c): the same validation on the body the API would
 * get, members_add for the account, the same roles (coordinators and the
 * region_admin manage; the region_reviewer reads), the same audit. */
#include <string.h>

#include "base/id.h"
#include "base/password.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/member_pages.h"
#include "tenants/tenants.h"
#include "web/web.h"

/* Members one page lists; an ATS has a handful. */
#define MEMBER_PAGES_MAX 500
#define MEMBER_NAME_MAX 200

static const char *const role_keys[] = {"ats_coordinator", "ats_editor", "ats_viewer"};

static const char *role_label(const char *key)
{
	return web_role_label(role_parse(key));
}

static const char *members_href(http_req *r)
{
	return arena_printf(r->a, "/ats/%s/membri", r->tenant->slug);
}

static bool can_manage(http_req *r)
{
	return r->tenant->role == ROLE_ATS_COORDINATOR || r->tenant->role == ROLE_REGION_ADMIN;
}

/* label: an aria-label, when no <label> names the select. */
static void role_select(html *h, const char *id, const char *chosen, const char *error, const char *label)
{
	html_raw(h, "<select class=\"form-select");
	if (error)
		html_raw(h, " is-invalid");
	html_raw(h, "\" id=\"");
	html_text(h, id);
	html_raw(h, "\" name=\"ruolo\"");
	if (label) {
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
	for (size_t i = 0; i < sizeof(role_keys) / sizeof(role_keys[0]); i++) {
		html_raw(h, "<option value=\"");
		html_text(h, role_keys[i]);
		html_raw(h, "\"");
		if (chosen != NULL && strcmp(chosen, role_keys[i]) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_text(h, role_label(role_keys[i]));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
}

/* What the add form shows again after a refusal. */
typedef struct add_view {
	const char *email, *name, *role;
	const char *email_error, *name_error, *role_error, *password_error;
	const char *notice;    /* a success message, or NULL */
	const char *generated; /* a first password to show once, or NULL */
	const char *refused;   /* a refusal that is no field's, or NULL */
} add_view;

static void members_page(http_req *r, const add_view *v, int status)
{
	tenant_member *m;
	size_t n;
	bool more;
	int rc = member_store_list(r->db, r->a, r->tenant->id, NULL, MEMBER_PAGES_MAX, &m, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i membri");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)}, {"Membri", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Membri di %s", r->tenant->name), c, 2);
	html *h = web_html(p);
	bool manage = can_manage(r);
	if (v->notice) {
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">");
		html_text(h, v->notice);
		html_raw(h, "</div>");
	}
	if (v->generated) {
		html_raw(h,
		         "<div class=\"alert alert-warning\" role=\"status\"><p>La prima password del nuovo account, "
		         "che non sarà più mostrata: <code>");
		html_text(h, v->generated);
		html_raw(h, "</code></p></div>");
	}
	if (v->refused) {
		html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\">");
		html_text(h, v->refused);
		html_raw(h, "</div>");
	}
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Membri\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Membri dell’ATS</caption><thead>"
	            "<tr><th scope=\"col\">Nome</th><th scope=\"col\">Email</th><th scope=\"col\">Ruolo</th>");
	if (manage)
		html_raw(h, "<th scope=\"col\">Azioni</th>");
	html_raw(h, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, m[i].name && *m[i].name ? m[i].name : "—");
		if (!m[i].active)
			html_raw(h, " <span class=\"ambito-required\">(disattivato)</span>");
		html_raw(h, "</th><td>");
		html_text(h, m[i].email);
		html_raw(h, "</td><td>");
		if (manage && m[i].user_id != r->user->user_id) {
			/* Names by aria-label, not by visually hidden text: hidden text
			 * is positioned outside the table's scrolling box and would widen
			 * the page on a phone. */
			const char *id = arena_printf(r->a, "ruolo-%lld", m[i].user_id);
			html_raw(h, "<form method=\"post\" class=\"ambito-inline-form\" action=\"");
			html_text(h, arena_printf(r->a, "%s/%lld/ruolo", members_href(r), m[i].user_id));
			html_raw(h, "\">");
			web_csrf_field(p);
			role_select(h, id, m[i].role, NULL, arena_printf(r->a, "Ruolo di %s", m[i].email));
			html_raw(h, " <button type=\"submit\" class=\"btn btn-outline-primary btn-sm\" aria-label=\"");
			html_text(h, arena_printf(r->a, "Cambia ruolo di %s", m[i].email));
			html_raw(h, "\">Cambia ruolo</button></form>");
		} else
			html_text(h, role_label(m[i].role));
		html_raw(h, "</td>");
		if (manage) {
			html_raw(h, "<td>");
			if (m[i].user_id != r->user->user_id) {
				html_raw(h, "<a href=\"");
				html_text(h, arena_printf(r->a, "%s/%lld/rimuovi", members_href(r), m[i].user_id));
				html_raw(h, "\" aria-label=\"");
				html_text(h, arena_printf(r->a, "Rimuovi %s", m[i].email));
				html_raw(h, "\">Rimuovi</a>");
			} else
				html_text(h, "sei tu");
			html_raw(h, "</td>");
		}
		html_raw(h, "</tr>");
	}
	html_raw(h, "</tbody></table></div>");
	if (more)
		html_rawf(h, "<p>Sono mostrati i primi %d membri.</p>", MEMBER_PAGES_MAX);
	if (manage) {
		const char *ids[4], *msgs[4];
		size_t ne = 0;
		if (v->email_error) {
			ids[ne] = "campo-email";
			msgs[ne++] = v->email_error;
		}
		if (v->name_error) {
			ids[ne] = "campo-nome";
			msgs[ne++] = v->name_error;
		}
		if (v->role_error) {
			ids[ne] = "campo-ruolo";
			msgs[ne++] = v->role_error;
		}
		if (v->password_error) {
			ids[ne] = "campo-password";
			msgs[ne++] = v->password_error;
		}
		html_raw(h, "<h2 id=\"aggiungi\">Aggiungi un membro</h2>");
		web_error_summary(p, ids, msgs, ne);
		html_raw(h,
		         "<div class=\"row\"><div class=\"col-12 col-md-8 col-lg-6\"><form method=\"post\" action=\"");
		html_text(h, members_href(r));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		web_field_input(p, "email", "Email", "email", v->email, v->email_error, "off");
		web_field_input(p, "nome", "Nome e cognome", "text", v->name, v->name_error, "off");
		html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-ruolo\">Ruolo</label>");
		role_select(h, "campo-ruolo", v->role ? v->role : "ats_editor", v->role_error, NULL);
		if (v->role_error) {
			html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-ruolo\">");
			html_text(h, v->role_error);
			html_raw(h, "</div>");
		}
		html_raw(h, "</div>");
		web_field_input(p, "password",
		                r->tenant->role == ROLE_REGION_ADMIN
		                    ? "Prima password (facoltativa: se manca ne viene generata una)"
		                    : arena_printf(r->a, "Prima password (almeno %d caratteri)", PASSWORD_MIN_CHARS),
		                "password", NULL, v->password_error, "new-password");
		html_raw(h, "<p class=\"ambito-required\">La prima password vale solo se l’account non esiste ancora: "
		            "chi ha già un account entra con la sua.</p><button type=\"submit\" class=\"btn "
		            "btn-primary\">Aggiungi il membro</button></form></div></div>");
	}
	web_page_end(p, status);
}

static void get_members(http_req *r)
{
	if (scope_require(r, MEMBERS_MANAGERS | SCOPE_ROLE(ROLE_REGION_REVIEWER)) != 0)
		return;
	add_view v = {0};
	const char *q = http_query(r, "fatto");
	if (q != NULL)
		v.notice = strcmp(q, "aggiunto") == 0  ? "Membro aggiunto."
		           : strcmp(q, "ruolo") == 0   ? "Ruolo cambiato."
		           : strcmp(q, "rimosso") == 0 ? "Membro rimosso dall’ATS."
		                                       : NULL;
	members_page(r, &v, 200);
}

static const char *italian(const char *field)
{
	if (strcmp(field, "email") == 0)
		return "Scrivi un indirizzo email valido.";
	if (strcmp(field, "name") == 0)
		return "Il nome è troppo lungo: al massimo 200 caratteri.";
	if (strcmp(field, "role") == 0)
		return "Scegli un ruolo: coordinamento, redazione o lettura.";
	return NULL;
}

static void post_member(http_req *r)
{
	if (scope_require(r, MEMBERS_MANAGERS) != 0)
		return;
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	bool discreet = r->tenant->role != ROLE_REGION_ADMIN;
	add_view v = {
	    .email = web_form_get(&f, "email"), .name = web_form_get(&f, "nome"), .role = web_form_get(&f, "ruolo")};
	const char *password = web_form_get(&f, "password");
	if (password != NULL && *password == '\0' && !discreet)
		password = NULL; /* the region_admin's empty field: a generated one */
	if (v.name != NULL && *v.name == '\0')
		v.name = NULL;
	/* The API's own validation, on the body the API would get: the form's
	 * fields under the API's names. */
	const char *names[] = {"email", "name", "role", "password", NULL};
	const char *values[] = {v.email, v.name, v.role, password};
	web_form fj = {4, names, values};
	json_value *body = web_form_json(r, &fj, names);
	if (body == NULL) {
		web_error_page(r, 400, "Il modulo inviato non è valido (UTF-8).");
		return;
	}
	field_errors *e = http_errors_new(r);
	const char *email = v_email(e, NULL, body, "email", true);
	const char *name = v_string(e, NULL, body, "name", 0, MEMBER_NAME_MAX, false);
	const char *rolename = v_string(e, NULL, body, "role", 1, 32, true);
	password = v_password(e, NULL, body, "password", discreet);
	if (rolename && !members_role_ok(rolename))
		field_errors_add(e, "role", "deve essere ats_coordinator, ats_editor o ats_viewer");
	long long id = 0;
	char generated[MEMBER_GENERATED_PASSWORD_LEN + 1] = "";
	int rc = field_errors_count(e) == 0 ? members_add(r, e, email, name, rolename, password, &id, generated)
	                                    : MEMBERS_ADD_REFUSED;
	switch (rc) {
	case MEMBERS_ADD_OK: break;
	case MEMBERS_ADD_REFUSED:
		for (size_t i = 0; i < field_errors_kept(e); i++) {
			const char *field = field_errors_field(e, i);
			if (strcmp(field, "email") == 0 && email != NULL)
				v.email_error =
				    "Questo indirizzo appartiene a una persona della Regione o di un’università, "
				    "che non può essere membro di un ATS.";
			else if (strcmp(field, "password") == 0)
				v.password_error =
				    email != NULL && !discreet && password != NULL && field_errors_count(e) == 1
				        ? "L’account esiste già: la password la sceglie solo chi lo possiede. Lascia "
				          "il campo "
				          "vuoto."
				        : arena_printf(r->a, "La password deve avere almeno %d caratteri.",
				                       PASSWORD_MIN_CHARS);
			else if (strcmp(field, "email") == 0)
				v.email_error = italian(field);
			else if (strcmp(field, "name") == 0)
				v.name_error = italian(field);
			else if (strcmp(field, "role") == 0)
				v.role_error = italian(field);
		}
		members_page(r, &v, 422);
		return;
	case MEMBERS_ADD_ALREADY:
		v.email_error = "Questa persona è già membro dell’ATS.";
		members_page(r, &v, 409);
		return;
	case MEMBERS_ADD_BUSY: web_error_page(r, 503, NULL); return;
	case MEMBERS_ADD_FAILED: web_error_page(r, 500, NULL); return;
	default: http_db_error(r, rc, "l'appartenenza"); return;
	}
	r->audit_detail = arena_printf(r->a, "%s (from the web)", r->audit_detail);
	if (*generated) {
		/* Shown once, as the API's answer does; not a redirect, so the
		 * password is in no URL. */
		add_view done = {.notice = "Membro aggiunto.", .generated = generated};
		r->status = 201;
		members_page(r, &done, 201);
		return;
	}
	web_redirect(r, arena_printf(r->a, "%s?fatto=aggiunto", members_href(r)));
}

/* The member the path names, or NULL after answering the 404 page. */
static tenant_member *path_member(http_req *r)
{
	long long id;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return NULL;
	}
	tenant_member *m;
	size_t n;
	bool more;
	/* Every member, then the one: an ATS has few, and the store lists by email. */
	int rc = member_store_list(r->db, r->a, r->tenant->id, NULL, MEMBER_PAGES_MAX, &m, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i membri");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (m[i].user_id == id)
			return &m[i];
	web_error_page(r, 404, "Questa persona non è membro dell’ATS.");
	return NULL;
}

static void confirm_page(http_req *r, const tenant_member *m, int status, const char *refused)
{
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                 {"Membri", members_href(r)},
	                 {"Rimuovi", NULL}};
	web_page *p = web_page_begin(r, "Rimuovere un membro?", c, 3);
	html *h = web_html(p);
	if (refused) {
		html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\">");
		html_text(h, refused);
		html_raw(h, "</div>");
	}
	html_raw(h, "<p>Stai per togliere <strong>");
	html_text(h, m->name && *m->name ? m->name : m->email);
	html_raw(h, "</strong> (");
	html_text(h, m->email);
	html_raw(h, ", ");
	html_text(h, role_label(m->role));
	html_raw(h, ") dall’ATS ");
	html_text(h, r->tenant->name);
	html_raw(h, ". Il suo account resta: potrà essere aggiunto di nuovo.</p><form method=\"post\" action=\"");
	html_text(h, arena_printf(r->a, "%s/%lld/rimuovi", members_href(r), m->user_id));
	html_raw(h, "\">");
	web_csrf_field(p);
	html_raw(h, "<button type=\"submit\" class=\"btn btn-danger\">Sì, rimuovi</button> <a class=\"btn "
	            "btn-outline-primary\" href=\"");
	html_text(h, members_href(r));
	html_raw(h, "\">Annulla</a></form>");
	web_page_end(p, status);
}

static void get_remove(http_req *r)
{
	if (scope_require(r, MEMBERS_MANAGERS) != 0)
		return;
	tenant_member *m = path_member(r);
	if (m != NULL)
		confirm_page(r, m, 200, m->user_id == r->user->user_id ? "Non puoi rimuovere te stesso." : NULL);
}

static void post_remove(http_req *r)
{
	if (scope_require(r, MEMBERS_MANAGERS) != 0)
		return;
	tenant_member *m = path_member(r);
	if (m == NULL)
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/members?user_id=%lld", r->tenant->slug, m->user_id);
	if (m->user_id == r->user->user_id) {
		confirm_page(r, m, 422, "Non puoi rimuovere te stesso: chiedi a un altro coordinatore o alla Regione.");
		return;
	}
	bool removed;
	int rc = member_store_remove(r->db, r->tenant->id, m->user_id, &removed);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'appartenenza");
		return;
	}
	r->audit_detail = arena_printf(r->a, "member %lld removed (from the web)", m->user_id);
	web_redirect(r, arena_printf(r->a, "%s?fatto=rimosso", members_href(r)));
}

static void post_role(http_req *r)
{
	if (scope_require(r, MEMBERS_MANAGERS) != 0)
		return;
	tenant_member *m = path_member(r);
	if (m == NULL)
		return;
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *rolename = web_form_get(&f, "ruolo");
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/members/%lld", r->tenant->slug, m->user_id);
	if (rolename == NULL || !members_role_ok(rolename)) {
		add_view v = {.refused = "Scegli un ruolo: coordinamento, redazione o lettura."};
		members_page(r, &v, 422);
		return;
	}
	if (m->user_id == r->user->user_id) {
		add_view v = {.refused =
		                  "Non puoi cambiare il tuo ruolo: chiedi a un altro coordinatore o alla Regione."};
		members_page(r, &v, 422);
		return;
	}
	bool changed;
	int rc = member_store_set_role(r->db, r->tenant->id, m->user_id, rolename, &changed);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'appartenenza");
		return;
	}
	r->audit_detail = arena_printf(r->a, "member %s role %s -> %s (from the web)", m->email, m->role, rolename);
	web_redirect(r, arena_printf(r->a, "%s?fatto=ruolo", members_href(r)));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/membri", get_members, ROUTE_PAGE | ROUTE_TENANT, "I membri di un ATS"},
    {HTTP_POST, "/ats/{tenant}/membri", post_member, ROUTE_PAGE | ROUTE_TENANT, "Aggiunge un membro all’ATS"},
    {HTTP_POST, "/ats/{tenant}/membri/{id}/ruolo", post_role, ROUTE_PAGE | ROUTE_TENANT,
     "Cambia il ruolo di un membro"},
    {HTTP_GET, "/ats/{tenant}/membri/{id}/rimuovi", get_remove, ROUTE_PAGE | ROUTE_TENANT,
     "Conferma la rimozione di un membro"},
    {HTTP_POST, "/ats/{tenant}/membri/{id}/rimuovi", post_remove, ROUTE_PAGE | ROUTE_TENANT,
     "Rimuove un membro dall’ATS"},
};

void member_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
