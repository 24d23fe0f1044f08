/* The Region's users: the list (paged) with role, ATS memberships,
 * university assignments and active flag; the forms that create and change
 * one, which become the bodies of POST /api/v1/users and PATCH
 * /api/v1/users/{id} and go through users_create / users_change; and the
 * password reset, confirmed first, which shows the one-time password once. */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "base/id.h"
#include "base/password.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/users.h"

#define USERS_PAGE 50             /* users a page of the list shows */
#define MEMBERSHIP_BLANK_ROWS 3   /* blank membership rows without the script */
#define MEMBERSHIP_ROWS_MAX 200   /* USER_TENANTS_MAX of the API */
#define ASSIGNMENTS_TEXT_MAX 8000 /* the slugs of the assigned ATS, comma-separated */

static const char *const region_roles[][2] = {{"", "Nessuno (solo ruoli negli ATS)"},
                                              {"region_admin", "amministrazione regionale"},
                                              {"region_reviewer", "revisione regionale"},
                                              {"university", "università"}};
static const char *const ats_roles[][2] = {
    {"ats_coordinator", "coordinamento ATS"}, {"ats_editor", "redazione ATS"}, {"ats_viewer", "lettura ATS"}};
static const char *const membership_keys[] = {"tenant", "role", "rimuovi", NULL};

static void get_users(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long after = 0;
	const char *q = http_query(r, "dopo");
	if (q != NULL && !id_parse(q, ID_MAX_DIGITS, &after)) {
		web_error_page(r, 400, "Il parametro «dopo» non è valido.");
		return;
	}
	identity *us;
	size_t n;
	bool more;
	int rc = user_store_list(r->db, r->a, after, USERS_PAGE, &us, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli utenti");
		return;
	}
	web_crumb c[] = {{"Utenti", NULL}};
	web_page *p = admin_page(r, "Utenti", c, 1);
	html *h = web_html(p);
	const char *done = http_query(r, "fatto");
	if (done != NULL && strcmp(done, "creato") == 0)
		admin_alert(p, "success", "Utente creato.");
	html_raw(h, "<p><a class=\"btn btn-primary\" href=\"" ADMIN_PATH "/utenti/nuovo\">Nuovo utente</a></p>");
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Utenti\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Utenti, con ruolo, iscrizioni "
	            "e assegnazioni</caption><thead><tr><th scope=\"col\">Email</th><th scope=\"col\">Nome</th>"
	            "<th scope=\"col\">Ruolo regionale</th><th scope=\"col\">Iscrizioni agli ATS</th><th "
	            "scope=\"col\">ATS assegnati</th><th scope=\"col\">Stato</th><th "
	            "scope=\"col\">Azioni</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const identity *u = &us[i];
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, u->email);
		html_raw(h, "</th><td>");
		html_text(h, u->name && *u->name ? u->name : "—");
		html_raw(h, "</td><td>");
		html_text(h, u->region_role != ROLE_NONE ? web_role_label(u->region_role) : "—");
		html_raw(h, "</td><td>");
		for (size_t k = 0; k < u->nmemberships; k++) {
			if (k > 0)
				html_raw(h, "<br>");
			html_text(h, u->memberships[k].tenant);
			html_raw(h, ": ");
			html_text(h, web_role_label(u->memberships[k].role));
		}
		if (u->nmemberships == 0)
			html_raw(h, "—");
		html_raw(h, "</td><td>");
		for (size_t k = 0; k < u->nassigned; k++) {
			if (k > 0)
				html_raw(h, ", ");
			html_text(h, u->assigned_slugs[k]);
		}
		if (u->nassigned == 0)
			html_raw(h, "—");
		html_raw(h, "</td><td>");
		html_raw(h, u->active ? "attivo" : "<strong>disattivato</strong>");
		html_rawf(h, "</td><td><a href=\"" ADMIN_PATH "/utenti/%lld\" aria-label=\"", u->user_id);
		html_text(h, arena_printf(r->a, "Modifica %s", u->email));
		html_rawf(h, "\">Modifica</a><br><a href=\"" ADMIN_PATH "/utenti/%lld/password\" aria-label=\"",
		          u->user_id);
		html_text(h, arena_printf(r->a, "Reimposta la password di %s", u->email));
		html_raw(h, "\">Reimposta la password</a></td></tr>");
	}
	if (n == 0)
		html_raw(h, "<tr><td colspan=\"7\">Nessun utente.</td></tr>");
	html_raw(h, "</tbody></table></div><nav aria-label=\"Pagine degli utenti\"><p>");
	if (after > 0)
		html_raw(h, "<a href=\"" ADMIN_PATH "/utenti\">Prima pagina</a> ");
	if (more)
		html_rawf(h, "<a href=\"" ADMIN_PATH "/utenti?dopo=%lld\">Pagina successiva</a>", us[n - 1].user_id);
	html_raw(h, "</p></nav>");
	web_page_end(p, 200);
}

/* What the form shows: the stored user or what was typed. */
typedef struct user_view {
	long long id, version; /* 0 for a new user */
	const char *email, *name, *role, *assignments;
	const char **mtenant, **mrole;
	size_t nrows;
	bool active;
	admin_errors errs;
	const char *refused, *notice, *generated;
} user_view;

static void user_form(http_req *r, user_view *v, int status)
{
	bool create = v->id == 0;
	web_crumb c[] = {{"Utenti", ADMIN_PATH "/utenti"}, {create ? "Nuovo utente" : v->email, NULL}};
	web_page *p = admin_page(r, create ? "Nuovo utente" : arena_printf(r->a, "Utente %s", v->email), c, 2);
	html *h = web_html(p);
	if (v->notice)
		admin_alert(p, "success", v->notice);
	if (v->generated) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"status\"><p>La prima password del nuovo "
		            "account, che non sarà più mostrata: <code class=\"ambito-secret\">");
		html_text(h, v->generated);
		html_raw(h, "</code></p></div>");
	}
	if (v->refused)
		admin_alert(p, "danger", v->refused);
	admin_error_summary(p, &v->errs);
	admin_form_begin(p, create ? ADMIN_PATH "/utenti/nuovo" : arena_printf(r->a, ADMIN_PATH "/utenti/%lld", v->id),
	                 v->version);
	if (create)
		web_field_input(p, "email", "Email", "email", v->email, admin_error_of(&v->errs, "campo-email"), "off");
	web_field_input(p, "name", "Nome e cognome", "text", v->name, admin_error_of(&v->errs, "campo-name"), "off");
	admin_select(p, "campo-role", "role", "Ruolo regionale", false, region_roles,
	             sizeof(region_roles) / sizeof(region_roles[0]), v->role ? v->role : "",
	             admin_error_of(&v->errs, "campo-role"));
	web_field_input(p, "assignments", "ATS assegnati (solo università: identificativi separati da virgole)", "text",
	                v->assignments, admin_error_of(&v->errs, "campo-assignments"), "off");
	if (create)
		web_field_input(p, "password",
		                arena_printf(r->a,
		                             "Prima password (almeno %d caratteri; se manca ne viene generata una)",
		                             PASSWORD_MIN_CHARS),
		                "password", NULL, admin_error_of(&v->errs, "campo-password"), "new-password");
	else {
		html_raw(h, "<div class=\"form-check ambito-field\"><input class=\"form-check-input\" "
		            "type=\"checkbox\" id=\"campo-active\" name=\"active\" value=\"1\"");
		if (v->active)
			html_raw(h, " checked");
		const char *err = admin_error_of(&v->errs, "campo-active");
		if (err)
			html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-campo-active\"");
		html_raw(h, "><label class=\"form-check-label\" for=\"campo-active\">Account attivo (può "
		            "accedere)</label>");
		if (err) {
			html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-campo-active\">");
			html_text(h, err);
			html_raw(h, "</p>");
		}
		html_raw(h, "</div>");
	}
	html_raw(h, "</div></div><h2 id=\"iscrizioni\">Iscrizioni agli ATS</h2><p>Solo per chi lavora in un ATS "
	            "(senza ruolo regionale).</p>");
	const char *merr = admin_error_of(&v->errs, "memberships");
	if (merr) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-memberships\">");
		html_text(h, merr);
		html_raw(h, "</p>");
	}
	size_t rows = v->nrows + MEMBERSHIP_BLANK_ROWS;
	html_rawf(h,
	          "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Iscrizioni\"><table "
	          "class=\"table ambito-table ambito-rows\" data-righe=\"memberships\" data-next=\"%zu\"><caption "
	          "class=\"visually-hidden\">Iscrizioni agli ATS</caption><thead><tr><th scope=\"col\">ATS "
	          "(identificativo)</th><th scope=\"col\">Ruolo</th><th scope=\"col\">Rimuovi</th></tr></thead>"
	          "<tbody>",
	          rows);
	for (size_t i = 0; i < rows; i++) {
		bool has = i < v->nrows;
		html_rawf(h, "<tr data-riga=\"%zu\">", i);
		const char *tid = arena_printf(r->a, "memberships-%zu-tenant", i);
		admin_cell_input(p, tid, arena_printf(r->a, "memberships[%zu].tenant", i),
		                 arena_printf(r->a, "ATS, riga %zu", i + 1), "text", has ? v->mtenant[i] : NULL,
		                 admin_error_of(&v->errs, tid));
		const char *rid = arena_printf(r->a, "memberships-%zu-role", i);
		html_raw(h, "<td>");
		admin_select(p, rid, arena_printf(r->a, "memberships[%zu].role", i),
		             arena_printf(r->a, "Ruolo, riga %zu", i + 1), true, ats_roles,
		             sizeof(ats_roles) / sizeof(ats_roles[0]), has ? v->mrole[i] : "ats_editor",
		             admin_error_of(&v->errs, rid));
		const char *id = arena_printf(r->a, "memberships-%zu-rimuovi", i);
		html_raw(h, "</td><td><input type=\"checkbox\" class=\"ambito-remove\" id=\"");
		html_text(h, id);
		html_rawf(h, "\" name=\"memberships[%zu].rimuovi\" value=\"1\"> <label for=\"", i);
		html_text(h, id);
		html_rawf(h, "\">Rimuovi<span class=\"visually-hidden\"> la riga %zu</span></label></td></tr>", i + 1);
	}
	html_raw(h, "</tbody></table></div>");
	html_raw(h, create ? "<button type=\"submit\" class=\"btn btn-primary\">Crea l’utente</button>"
	                   : "<button type=\"submit\" class=\"btn btn-primary\">Salva le modifiche</button>");
	html_raw(h, "</form>");
	if (!create) {
		html_rawf(h,
		          "<h2>Password</h2><p><a href=\"" ADMIN_PATH "/utenti/%lld/password\">Reimposta la "
		          "password</a>: l’utente riceve una password da usare una volta sola.</p>",
		          v->id);
	}
	web_page_script(p, "righe.js");
	web_page_end(p, status);
}

static void view_from_user(http_req *r, user_view *v, const identity *u, long long version)
{
	memset(v, 0, sizeof(*v));
	v->id = u->user_id;
	v->version = version;
	v->email = u->email;
	v->name = u->name;
	v->role = u->region_role != ROLE_NONE ? role_name(u->region_role) : "";
	v->active = u->active;
	v->nrows = u->nmemberships;
	v->mtenant = arena_calloc(r->a, u->nmemberships + 1, sizeof(char *));
	v->mrole = arena_calloc(r->a, u->nmemberships + 1, sizeof(char *));
	for (size_t i = 0; i < u->nmemberships; i++) {
		v->mtenant[i] = u->memberships[i].tenant;
		v->mrole[i] = role_name(u->memberships[i].role);
	}
	const char *list = "";
	for (size_t i = 0; i < u->nassigned; i++)
		list = arena_printf(r->a, "%s%s%s", list, i ? ", " : "", u->assigned_slugs[i]);
	v->assignments = list;
}

/* The form as the body the API takes, rows packed (the page shows them
 * again packed, so body index = row shown). NULL, after the 400
 * page, when a value is no UTF-8. */
static json_value *user_body(http_req *r, const web_form *f, bool create, user_view *v)
{
	const char *email = web_form_get(f, "email"), *pw = web_form_get(f, "password");
	if (create)
		v->email = email;
	v->name = web_form_get(f, "name");
	v->role = web_form_get(f, "role");
	v->assignments = web_form_get(f, "assignments");
	v->active = web_form_get(f, "active") != NULL;
	size_t rows = admin_form_rows(f, r, "memberships", membership_keys, MEMBERSHIP_ROWS_MAX + 100);
	v->mtenant = arena_calloc(r->a, rows + 1, sizeof(char *));
	v->mrole = arena_calloc(r->a, rows + 1, sizeof(char *));
	v->nrows = 0;
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	if (create)
		jw_kstr(w, "email", email ? email : "");
	if (create && pw != NULL && *pw)
		jw_kstr(w, "password", pw);
	jw_kstr(w, "name", v->name ? v->name : "");
	if (v->role == NULL || *v->role == '\0')
		jw_knull(w, "role");
	else
		jw_kstr(w, "role", v->role);
	if (!create)
		jw_kbool(w, "active", v->active);
	jw_key(w, "memberships");
	jw_arr_begin(w);
	for (size_t i = 0; i < rows; i++) {
		const char *t = web_form_get(f, arena_printf(r->a, "memberships[%zu].tenant", i));
		const char *ro = web_form_get(f, arena_printf(r->a, "memberships[%zu].role", i));
		const char *gone = web_form_get(f, arena_printf(r->a, "memberships[%zu].rimuovi", i));
		if ((gone != NULL && *gone) || t == NULL || *t == '\0')
			continue;
		v->mtenant[v->nrows] = t;
		v->mrole[v->nrows++] = ro;
		jw_obj_begin(w);
		jw_kstr(w, "tenant", t);
		jw_kstr(w, "role", ro ? ro : "");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "assignments");
	jw_arr_begin(w);
	const char *s = v->assignments ? v->assignments : "";
	if (strlen(s) > ASSIGNMENTS_TEXT_MAX)
		s = "";
	while (*s) {
		s += strspn(s, ", ");
		size_t len = strcspn(s, ", ");
		if (len > 0)
			jw_strn(w, s, len);
		s += len;
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return web_form_body(r, w);
}

static void take_errors(http_req *r, const field_errors *e, user_view *v)
{
	for (size_t i = 0; i < field_errors_kept(e); i++) {
		const char *field = field_errors_field(e, i), *msg = field_errors_message(e, i);
		size_t k;
		char key[32];
		if (sscanf(field, "memberships[%zu].%31s", &k, key) == 2)
			admin_error(&v->errs, arena_printf(r->a, "memberships-%zu-%s", k, key),
			            arena_printf(r->a, "Iscrizione alla riga %zu: %s", k + 1, msg));
		else if (sscanf(field, "memberships[%zu]", &k) == 1)
			admin_error(&v->errs, arena_printf(r->a, "memberships-%zu-tenant", k),
			            arena_printf(r->a, "Iscrizione alla riga %zu: %s", k + 1, msg));
		else if (strncmp(field, "memberships", 11) == 0)
			admin_error(&v->errs, "memberships", arena_printf(r->a, "Iscrizioni: %s", msg));
		else if (strncmp(field, "assignments", 11) == 0)
			admin_error(&v->errs, "campo-assignments", arena_printf(r->a, "ATS assegnati: %s", msg));
		else if (strcmp(field, "password") == 0)
			admin_error(
			    &v->errs, "campo-password",
			    arena_printf(r->a, "La password deve avere almeno %d caratteri.", PASSWORD_MIN_CHARS));
		else
			admin_error(&v->errs, admin_field_id(r, field), msg);
	}
}

static void get_new(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	user_view v = {.active = true};
	user_form(r, &v, 200);
}

static void post_new(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	web_form f;
	if (!web_form_read(r, &f))
		return;
	user_view v = {.active = true};
	json_value *body = user_body(r, &f, true, &v);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	long long id;
	char generated[21];
	int rc = users_create(r, e, body, &id, generated);
	if (rc == USERS_OK) {
		r->audit_detail = "created (from the web)";
		if (!*generated) {
			web_redirect(r, ADMIN_PATH "/utenti?fatto=creato");
			return;
		}
		/* Shown once, as the API's answer does: not a redirect, so the
		 * password is in no URL. */
		identity *u;
		long long version;
		rc = user_store_get(r->db, r->a, id, &u, &version);
		if (rc != DB_OK || u == NULL) {
			http_db_error(r, rc != DB_OK ? rc : DB_EERR, "l’utente");
			return;
		}
		user_view done;
		view_from_user(r, &done, u, version);
		done.notice = "Utente creato.";
		done.generated = arena_strdup(r->a, generated);
		http_set_header(r, "Cache-Control", "no-store");
		user_form(r, &done, 201);
		return;
	}
	if (rc == USERS_REFUSED)
		take_errors(r, e, &v);
	else if (rc == USERS_TAKEN)
		admin_error(&v.errs, "campo-email", "Esiste già un utente con questo indirizzo.");
	else if (rc == DB_EUNAVAIL && password_busy()) {
		web_error_page(r, 503, "Troppi accessi in corso: riprova tra poco.");
		return;
	} else {
		http_db_error(r, rc, "l’utente");
		return;
	}
	user_form(r, &v, rc == USERS_REFUSED ? 422 : 409);
}

/* The user the path names, or NULL after answering the 404 page. */
static identity *path_user(http_req *r, long long *version, bool lock)
{
	long long id;
	identity *u = NULL;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, "L’utente non esiste.");
		return NULL;
	}
	int rc = lock ? user_store_lock(r->db, id, version) : DB_OK;
	if (rc == DB_OK)
		rc = user_store_get(r->db, r->a, id, &u, version);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l’utente");
		return NULL;
	}
	if (u == NULL)
		web_error_page(r, 404, "L’utente non esiste.");
	return u;
}

static void get_edit(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long version;
	identity *u = path_user(r, &version, false);
	if (u == NULL)
		return;
	user_view v;
	view_from_user(r, &v, u, version);
	const char *done = http_query(r, "fatto");
	if (done != NULL && strcmp(done, "1") == 0)
		v.notice = "Modifiche salvate.";
	user_form(r, &v, 200);
}

static void post_edit(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long version;
	identity *u = path_user(r, &version, true);
	if (u == NULL)
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/users/%lld", u->user_id);
	web_form f;
	if (!web_form_read(r, &f))
		return;
	user_view v = {.id = u->user_id, .version = version, .email = u->email};
	json_value *body = user_body(r, &f, false, &v);
	if (body == NULL)
		return;
	if (!admin_version_current(r, &f, version)) {
		v.refused = "Qualcuno ha modificato l’utente mentre lo stavi modificando: controlla i dati qui sotto "
		            "(sono quelli che hai scritto) e salva di nuovo.";
		user_form(r, &v, 409);
		return;
	}
	field_errors *e = http_errors_new(r);
	int rc = users_change(r, e, u->user_id, u, body);
	if (rc == USERS_OK) {
		r->audit_detail = "changed (from the web)";
		web_redirect(r, arena_printf(r->a, ADMIN_PATH "/utenti/%lld?fatto=1", u->user_id));
		return;
	}
	if (rc != USERS_REFUSED) {
		http_db_error(r, rc, "l’utente");
		return;
	}
	take_errors(r, e, &v);
	user_form(r, &v, 422);
}

static void reset_page(http_req *r, const identity *u, const char *generated, int status)
{
	web_crumb c[] = {{"Utenti", ADMIN_PATH "/utenti"},
	                 {u->email, arena_printf(r->a, ADMIN_PATH "/utenti/%lld", u->user_id)},
	                 {"Reimposta la password", NULL}};
	web_page *p = admin_page(r, generated ? "Password reimpostata" : "Reimpostare la password?", c, 3);
	html *h = web_html(p);
	if (generated) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"status\"><p>La password da usare una volta sola "
		            "per <strong>");
		html_text(h, u->email);
		html_raw(h, "</strong>, che non sarà più mostrata: <code class=\"ambito-secret\">");
		html_text(h, generated);
		html_raw(h, "</code></p><p>Comunicala all’interessato. Al primo accesso dovrà sceglierne una sua; "
		            "gli accessi aperti con la vecchia password sono stati chiusi.</p></div>");
		html_rawf(h, "<p><a href=\"" ADMIN_PATH "/utenti/%lld\">Torna all’utente</a></p>", u->user_id);
	} else {
		html_raw(h, "<p>Stai per dare a <strong>");
		html_text(h, u->name && *u->name ? u->name : u->email);
		html_raw(h, "</strong> (");
		html_text(h, u->email);
		html_raw(h, ") una nuova password da usare una volta sola. La sua password attuale smetterà di "
		            "valere e i suoi accessi aperti saranno chiusi; al primo accesso dovrà sceglierne una "
		            "nuova.</p><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, ADMIN_PATH "/utenti/%lld/password", u->user_id));
		html_raw(h, "\">");
		web_csrf_field(p);
		html_raw(h, "<button type=\"submit\" class=\"btn btn-danger\">Sì, reimposta la password</button> <a "
		            "class=\"btn btn-outline-primary\" href=\"");
		html_text(h, arena_printf(r->a, ADMIN_PATH "/utenti/%lld", u->user_id));
		html_raw(h, "\">Annulla</a></form>");
	}
	web_page_end(p, status);
}

static void get_reset(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long version;
	identity *u = path_user(r, &version, false);
	if (u != NULL)
		reset_page(r, u, NULL, 200);
}

static void post_reset(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long version;
	identity *u = path_user(r, &version, false);
	if (u == NULL)
		return;
	char generated[USER_ONE_TIME_PASSWORD_LEN + 1];
	int rc = users_reset_password(r, u->user_id, generated);
	if (rc == USERS_MISSING) {
		web_error_page(r, 404, "L’utente non esiste.");
		return;
	}
	if (rc == DB_EUNAVAIL && password_busy()) {
		web_error_page(r, 503, "Troppi accessi in corso: riprova tra poco.");
		return;
	}
	if (rc != USERS_OK) {
		http_db_error(r, rc, "la password");
		return;
	}
	r->audit_detail = arena_printf(r->a, "%s (from the web)", r->audit_detail);
	http_set_header(r, "Cache-Control", "no-store");
	reset_page(r, u, arena_strdup(r->a, generated), 200);
}

static const route routes[] = {
    {HTTP_GET, ADMIN_PATH "/utenti", get_users, ROUTE_PAGE, "Gli utenti, a pagine"},
    {HTTP_GET, ADMIN_PATH "/utenti/nuovo", get_new, ROUTE_PAGE, "Il modulo di un nuovo utente"},
    {HTTP_POST, ADMIN_PATH "/utenti/nuovo", post_new, ROUTE_PAGE, "Crea un utente"},
    {HTTP_GET, ADMIN_PATH "/utenti/{id}", get_edit, ROUTE_PAGE, "Un utente con ruoli e iscrizioni"},
    {HTTP_POST, ADMIN_PATH "/utenti/{id}", post_edit, ROUTE_PAGE, "Modifica ruoli, iscrizioni, attivazione"},
    {HTTP_GET, ADMIN_PATH "/utenti/{id}/password", get_reset, ROUTE_PAGE, "Conferma la reimpostazione"},
    {HTTP_POST, ADMIN_PATH "/utenti/{id}/password", post_reset, ROUTE_PAGE,
     "Reimposta la password: una password da usare una volta"},
};

void admin_user_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
