/* The logged-in user's own account: changing the password. The rules are
 * the API's (PUT /api/v1/me/password): the same auth_password_change, so
 * the current password is checked under the same per-account throttle as a
 * login, the new one follows v_password's rules, and every other login of
 * the user ends with the change. */
#include <string.h>

#include "base/password.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "web/web.h"

#define ACCOUNT_PASSWORD_PATH WEB_PASSWORD_PATH

typedef struct password_view {
	const char *current_error, *new_error, *repeat_error;
	const char *message; /* a refusal that is no field's */
	bool done;
} password_view;

static void password_page(http_req *r, const password_view *v, int status)
{
	web_crumb c[] = {{"Cambia la password", NULL}};
	web_page *p = web_page_begin(r, "Cambia la password", c, 1);
	html *h = web_html(p);
	const char *ids[3], *msgs[3];
	size_t n = 0;
	if (v->current_error) {
		ids[n] = "campo-attuale";
		msgs[n++] = v->current_error;
	}
	if (v->new_error) {
		ids[n] = "campo-nuova";
		msgs[n++] = v->new_error;
	}
	if (v->repeat_error) {
		ids[n] = "campo-ripeti";
		msgs[n++] = v->repeat_error;
	}
	if (v->done)
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">Password cambiata. Gli altri accessi "
		            "con la vecchia password sono stati chiusi.</div>");
	if (r->user->must_change_password && !v->done)
		html_raw(h, "<div class=\"alert alert-warning\" role=\"status\">La password che hai ricevuto vale una "
		            "volta sola: per continuare scegline una tua. Come password attuale scrivi quella "
		            "ricevuta.</div>");
	if (v->message) {
		html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\">");
		html_text(h, v->message);
		html_raw(h, "</div>");
	}
	web_error_summary(p, ids, msgs, n);
	html_raw(h, "<div class=\"row\"><div class=\"col-12 col-md-8 col-lg-6\"><p>");
	html_text(h,
	          arena_printf(r->a,
	                       "La nuova password deve avere almeno %d caratteri. Dopo il cambio restano aperti solo "
	                       "questo accesso e quelli che farai con la nuova password.",
	                       PASSWORD_MIN_CHARS));
	html_raw(h, "</p><form method=\"post\" action=\"" ACCOUNT_PASSWORD_PATH "\" novalidate>");
	web_csrf_field(p);
	web_field_input(p, "attuale", "Password attuale", "password", NULL, v->current_error, "current-password");
	web_field_input(p, "nuova", "Nuova password", "password", NULL, v->new_error, "new-password");
	web_field_input(p, "ripeti", "Ripeti la nuova password", "password", NULL, v->repeat_error, "new-password");
	html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Cambia la password</button></form></div></div>");
	web_page_end(p, status);
}

static void get_password(http_req *r)
{
	const char *q = http_query(r, "fatto");
	password_view v = {.done = q != NULL && strcmp(q, "1") == 0};
	password_page(r, &v, 200);
}

/* Its own transaction (ROUTE_OWN_TX), as the API's: a wrong current password
 * must still count against the throttle and be audited. */
static void post_password(http_req *r)
{
	password_view v = {0};
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		audit_write(r);
		return;
	}
	const char *cur = web_form_get(&f, "attuale"), *neu = web_form_get(&f, "nuova"),
	           *rep = web_form_get(&f, "ripeti");
	/* The API's own rules, on the body the API would get. */
	const char *names[] = {"current_password", "new_password", NULL};
	const char *values[] = {cur != NULL && *cur ? cur : NULL, neu != NULL && *neu ? neu : NULL};
	web_form fj = {2, names, values};
	json_value *body = web_form_json(r, &fj, names);
	field_errors *e = http_errors_new(r);
	if (body != NULL) {
		v_string(e, NULL, body, "current_password", 1, PASSWORD_MAX_BYTES, true);
		v_password(e, NULL, body, "new_password", true);
	}
	for (size_t k = 0; k < field_errors_kept(e); k++) {
		const char *field = field_errors_field(e, k);
		if (strcmp(field, "current_password") == 0)
			v.current_error = cur == NULL || *cur == '\0' ? "Scrivi la password attuale."
			                                              : "La password attuale è troppo lunga.";
		else if (strcmp(field, "new_password") == 0)
			v.new_error = neu != NULL && strlen(neu) > PASSWORD_MAX_BYTES
			                  ? "La nuova password è troppo lunga."
			                  : arena_printf(r->a, "La nuova password deve avere almeno %d caratteri.",
			                                 PASSWORD_MIN_CHARS);
	}
	if (body == NULL)
		v.message = "Il modulo inviato non è valido (UTF-8).";
	if (v.new_error == NULL && (rep == NULL || neu == NULL || strcmp(rep, neu) != 0))
		v.repeat_error = "Le due nuove password non coincidono.";
	if (v.current_error || v.new_error || v.repeat_error || v.message) {
		password_page(r, &v, 422);
		audit_write(r);
		return;
	}
	long long wait = 0;
	switch (auth_password_change(r, cur, neu, 303, &wait)) {
	case AUTH_PASSWORD_CHANGED:
		web_redirect(r, ACCOUNT_PASSWORD_PATH "?fatto=1"); /* audited inside the change */
		return;
	case AUTH_PASSWORD_WRONG:
		v.current_error = "La password attuale non è corretta.";
		r->audit_detail = "password change: wrong current password";
		password_page(r, &v, 422);
		break;
	case AUTH_PASSWORD_SAME:
		v.new_error = "La nuova password deve essere diversa da quella attuale.";
		password_page(r, &v, 422);
		break;
	case AUTH_PASSWORD_BLOCKED:
		v.message = arena_printf(r->a, "Troppi tentativi non riusciti: riprova tra %lld secondi.", wait);
		password_page(r, &v, 429);
		http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
		break;
	case AUTH_PASSWORD_BUSY:
		web_error_page(r, 503, "Troppi accessi in corso: riprova tra poco.");
		http_set_header(r, "Retry-After", "5");
		return; /* 503: not audited, as the API's */
	case AUTH_PASSWORD_UNAVAILABLE: web_error_page(r, 503, NULL); return;
	case AUTH_PASSWORD_FAILED: web_error_page(r, 500, NULL); break;
	}
	audit_write(r);
}

static const route routes[] = {
    {HTTP_GET, ACCOUNT_PASSWORD_PATH, get_password, ROUTE_PAGE, "Il modulo per cambiare la propria password"},
    {HTTP_POST, ACCOUNT_PASSWORD_PATH, post_password, ROUTE_PAGE | ROUTE_OWN_TX, "Cambia la propria password"},
};

void web_account_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
