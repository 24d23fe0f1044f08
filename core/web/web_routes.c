/* The pages of the ground: the login (or the user's home) at /, logging in
 * and out, the accessibility statement, and the static files. Logging in
 * goes through identity's own password check and throttle, so the browser
 * and the API are held to the same rules. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/password.h"
#include "base/utf8.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/dispatch.h"
#include "web/web.h"

const char *web_region_name = "Regione";
const char *web_sso_label;
bool web_password_login = true;
bool web_secure;
int web_session_idle_s = 1800, web_session_lifetime_s = 43200;
static web_home_fn home_fn;

void web_init(const config *cfg)
{
	static char region[CONFIG_STR_MAX];
	snprintf(region, sizeof(region), "%s", cfg->region_name);
	web_region_name = region;
	web_secure = (cfg->tls_cert[0] && cfg->tls_key[0]) || strncmp(cfg->public_url, "https://", 8) == 0;
	web_session_idle_s = cfg->session_idle_s;
	web_session_lifetime_s = cfg->session_lifetime_s;
	web_static_load(cfg->static_dir[0] ? cfg->static_dir : WEB_ASSETS_DIR);
}

void web_set_home(web_home_fn fn)
{
	home_fn = fn;
}

/* The login form, with what the user typed and what went wrong. */
static void login_page(http_req *r, int status, const char *email, const char *email_error, const char *password_error,
                       const char *message)
{
	web_page *p = web_page_begin(r, "Accesso", NULL, 0);
	html *h = web_html(p);
	const char *ids[2], *msgs[2];
	size_t n = 0;
	if (email_error) {
		ids[n] = "campo-email";
		msgs[n++] = email_error;
	}
	if (password_error) {
		ids[n] = "campo-password";
		msgs[n++] = password_error;
	}
	html_raw(h, "<div class=\"row\"><div class=\"col-12 col-md-8 col-lg-6\">");
	if (message) {
		html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\">");
		html_text(h, message);
		html_raw(h, "</div>");
	}
	web_error_summary(p, ids, msgs, n);
	if (web_sso_label != NULL) {
		html_raw(
		    h, "<p>Accedi con l’identità digitale che la Regione riconosce per scrivere, controllare e inviare "
		       "il Piano Sociale di Ambito.</p><p><a class=\"btn btn-primary\" href=\"/accesso/sso\">");
		html_text(h, web_sso_label);
		html_raw(h, "</a></p>");
	}
	if (web_password_login) {
		if (web_sso_label != NULL)
			html_raw(h, "<h2 class=\"h4 mt-5\">Accesso con email e password</h2>");
		html_raw(
		    h, "<p>Accedi con l’indirizzo email e la password del tuo account per scrivere, controllare e "
		       "inviare il Piano Sociale di Ambito.</p><form method=\"post\" action=\"/accesso\" novalidate>");
		web_field_input(p, "email", "Email", "email", email, email_error, "username");
		web_field_input(p, "password", "Password", "password", NULL, password_error, "current-password");
		html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Accedi</button></form>");
	}
	html_raw(h, "</div></div>");
	web_page_end(p, status);
}

static void get_root(http_req *r)
{
	if (r->session == NULL) {
		login_page(r, 200, NULL, NULL, NULL, NULL);
		return;
	}
	web_page *p = web_page_begin(r, "Home", NULL, 0);
	if (home_fn != NULL)
		home_fn(p);
	web_page_end(p, r->status >= 400 ? r->status : 200);
}

void web_login_finish(http_req *r, long long user_id, const char *email, role region_role, const char *detail)
{
	char token[WEB_TOKEN_LEN + 1];
	identity self = {.user_id = user_id, .email = email, .region_role = region_role};
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = web_session_create(r, user_id, token);
	if (rc == DB_OK) {
		r->user = &self;
		r->status = 303;
		r->audit_detail = detail;
		rc = audit_write(r);
		r->user = NULL;
	}
	if (rc == DB_OK)
		rc = db_commit(r->db);
	if (rc != DB_OK) {
		db_rollback(r->db);
		web_error_page(r, rc == DB_EUNAVAIL || rc == DB_ECONFLICT ? 503 : 500, NULL);
		return;
	}
	web_redirect(r, "/");
	web_set_cookie(r, token);
}

static void post_login(http_req *r)
{
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *email = web_form_get(&f, "email"), *password = web_form_get(&f, "password");
	const char *email_error = NULL, *password_error = NULL;
	if (email == NULL || *email == '\0')
		email_error = "Scrivi l’indirizzo email.";
	else if (utf8_chars(email, strlen(email)) > WEB_EMAIL_MAX)
		email_error = "L’indirizzo email è troppo lungo.";
	if (password == NULL || *password == '\0')
		password_error = "Scrivi la password.";
	else if (strlen(password) > PASSWORD_MAX_BYTES)
		password_error = "La password è troppo lunga.";
	if (email_error || password_error) {
		login_page(r, 422, email, email_error, password_error, NULL);
		return;
	}
	auth_login who;
	switch (auth_login_check(r, email, password, &who)) {
	case AUTH_LOGIN_UNAVAILABLE: web_error_page(r, 503, NULL); return;
	case AUTH_LOGIN_DISABLED:
		login_page(r, 403, NULL, NULL, NULL,
		           "L’accesso con password è disattivato: entra con il pulsante qui sopra.");
		return;
	case AUTH_LOGIN_BUSY: /* as the API's: 503, not counted, not audited */
		web_error_page(r, 503, NULL);
		http_set_header(r, "Retry-After", "5");
		return;
	case AUTH_LOGIN_BLOCKED:
		login_page(r, 429, email, NULL, NULL,
		           arena_printf(r->a, "Troppi tentativi di accesso non riusciti: riprova tra %lld secondi.",
		                        who.retry_after));
		http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", who.retry_after));
		metrics_refusal(REFUSAL_LOGIN_BLOCKED); /* as the API's: counted, not audited */
		return;
	case AUTH_LOGIN_WRONG:
		login_page(r, 401, email, NULL, NULL, "Email o password non corretti.");
		r->audit_detail = "login failed";
		audit_write(r);
		return;
	case AUTH_LOGIN_OK: break;
	}
	web_login_finish(r, who.user_id, who.email, who.region_role, "browser session");
}

static void post_logout(http_req *r)
{
	int rc = web_session_end(r);
	if (rc != DB_OK) {
		http_db_error(r, rc, "la sessione");
		return;
	}
	web_redirect(r, "/");
	web_set_cookie(r, NULL);
}

static void get_accessibility(http_req *r)
{
	web_crumb c[] = {{"Dichiarazione di accessibilità", NULL}};
	web_page *p = web_page_begin(r, "Dichiarazione di accessibilità", c, 1);
	html *h = web_html(p);
	html_raw(h, "<p>");
	html_text(h, web_region_name);
	html_raw(h, " si impegna a rendere accessibile questo servizio, in conformità alla legge 9 gennaio 2004, n. 4 "
	            "e alle Linee guida AgID sull’accessibilità degli strumenti informatici (norma EN 301 549, WCAG "
	            "2.1 livello AA).</p><h2>Stato di conformità</h2><p>Il servizio è progettato per essere conforme: "
	            "ogni campo ha la sua etichetta, le pagine hanno punti di riferimento e titoli in ordine, un "
	            "collegamento per saltare al contenuto, il colore non è mai l’unico segnale e ogni funzione è "
	            "usabile da tastiera e con JavaScript disattivato. Ogni pagina è verificata con strumenti "
	            "automatici a ogni modifica del programma.</p><h2>Segnalazioni</h2><p>Chi incontra un ostacolo "
	            "può segnalarlo all’Ufficio della Regione che gestisce il servizio, indicando la pagina e il "
	            "problema: riceverà risposta entro 30 giorni. In mancanza di risposta soddisfacente è possibile "
	            "rivolgersi al Difensore civico per il digitale presso AgID.</p>");
	web_page_end(p, 200);
}

static const dispatch_pages page_hooks = {web_authenticate, web_error_hook};

static const route routes[] = {
    {HTTP_GET, "/", get_root, ROUTE_PAGE | ROUTE_PUBLIC, "La pagina di accesso, o la home di chi è entrato"},
    {HTTP_POST, "/accesso", post_login, ROUTE_PAGE | ROUTE_PUBLIC | ROUTE_OWN_TX, "Accesso dal browser"},
    {HTTP_POST, "/esci", post_logout, ROUTE_PAGE, "Fine della sessione"},
    {HTTP_GET, "/accessibilita", get_accessibility, ROUTE_PAGE | ROUTE_PUBLIC, "Dichiarazione di accessibilità"},
    {HTTP_GET, "/static/{version}/{file}", web_static_get, ROUTE_PAGE | ROUTE_PUBLIC | ROUTE_INLINE,
     "I file della grafica e dei caratteri"},
};

void web_register(void)
{
	dispatch_set_pages(&page_hooks);
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
