/* The web interface's ground: browser sessions, the page layout every page
 * shares, Italian formats, forms and their CSRF check, the error pages and
 * the design kit's static files. Pages of a domain live beside its routes
 * and are written with these helpers. */
#ifndef AMBITO_WEB_H
#define AMBITO_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/html.h"
#include "base/json.h"
#include "http/http.h"
#include "identity/auth.h"

#define WEB_SESSION_COOKIE "ambito_sessione"
#define WEB_TOKEN_LEN 43 /* base64url of 32 random bytes */
#define WEB_CSRF_FIELD "csrf"
#define WEB_TOUCH_S 60 /* last_seen_at is written at most once a minute */
#define WEB_FORM_MAX_FIELDS 2000
#define WEB_EMAIL_MAX 254
#define WEB_PASSWORD_PATH "/profilo/password" /* the change of one's own password */

/* The browser session of a page request (r->session), when logged in. */
typedef struct web_session {
	long long user_id, login_id;
	const char *csrf; /* the token every form of the session carries */
	unsigned char id_hash[32];
} web_session;

/* Reads the settings, loads the static files. Call once before serving. */
void web_init(const config *cfg);
/* The routes of the ground (/, /accesso, /esci, /accessibilita, /static/…)
 * and the dispatcher's page hooks. */
void web_register(void);
/* The user's own account pages (/profilo/password). */
void web_account_register(void);

/* ---- pages ---- */

typedef struct web_page web_page;
typedef struct web_crumb {
	const char *label, *href; /* href NULL for the current page */
} web_crumb;

/* Starts a page: head, skip link, header with the Region's name, navigation
 * by role, breadcrumbs (the home link first, then crumbs), <main> and its
 * <h1>title</h1>. Lives in r's arena. */
web_page *web_page_begin(http_req *r, const char *title, const web_crumb *crumbs, size_t ncrumbs);
html *web_html(web_page *p);
http_req *web_req(web_page *p);
/* Closes <main>, writes the footer, answers status with the page. */
void web_page_end(web_page *p, int status);
/* A script of ours from the static files (e.g. "counter.js"), loaded at the
 * end of the page; call before web_page_end. */
void web_page_script(web_page *p, const char *name);

/* The Italian page of an error status (404, 403, 500, 503 …), with detail
 * when not NULL. A page of another ATS is the same 404 as a missing one. */
void web_error_page(http_req *r, int status, const char *detail);
/* The answer to a path no route matches: the 404 page, except under /api/,
 * where it leaves r unanswered for the API's JSON problem. */
void web_not_found(http_req *r);
/* 303 See Other to a local path. */
void web_redirect(http_req *r, const char *location);

/* ---- forms ---- */

typedef struct web_form {
	size_t n;
	const char **names, **values;
} web_form;
/* Reads an application/x-www-form-urlencoded body; -1 when it is not one
 * (wrong type, bad escape, invalid UTF-8, too many fields). */
int web_form_parse(http_req *r, web_form *f);
/* web_form_parse, answering the 400 page when the body is no form; false
 * then. */
bool web_form_read(http_req *r, web_form *f);
/* The first value of name, or NULL. */
const char *web_form_get(const web_form *f, const char *name);
/* The form's fields of names (NULL-terminated) as the JSON object the API
 * would get, strings only, absent fields left out; for the API's own
 * validation. NULL when a value cannot be one (invalid UTF-8). */
json_value *web_form_json(http_req *r, const web_form *f, const char *const *names);
/* The same fields written into w, an open object, for a body with more
 * members; with skip_blank a field of spaces alone is left out too (the
 * API then reads it as not given). */
void web_form_members(jw *w, const web_form *f, const char *const *names, bool skip_blank);
/* Frees w, a finished JSON document written for the API's validators, and
 * returns it parsed back into a tree in r's arena; NULL when it failed. */
json_value *web_json_finish(http_req *r, jw *w);
/* web_json_finish of a form's body; when it failed (a value not UTF-8),
 * answers the 400 page and returns NULL. */
json_value *web_form_body(http_req *r, jw *w);
/* <input type=hidden> with the session's CSRF token. */
void web_csrf_field(web_page *p);
/* A labelled input (type "text", "email", "password" …) with its error, if
 * any, beside it (aria-describedby); value and error may be NULL. */
void web_field_input(web_page *p, const char *name, const char *label, const char *type, const char *value,
                     const char *error, const char *autocomplete);
/* A list of errors at the top of a form, each a link to its field's id. */
void web_error_summary(web_page *p, const char *const *ids, const char *const *messages, size_t n);

/* ---- Italian formats (the rest are in base/html.h) ---- */

/* "bozza", "inviato", "modifiche richieste", "approvato", "pubblicato" for
 * the API's plan statuses; the name itself when unknown. */
const char *web_plan_status(const char *api_status);
/* "vuota", "parziale", "completa" for the section statuses. */
const char *web_section_status(const char *api_status);
/* "processo", "risultato" for an indicator's kind; the name itself when unknown. */
const char *web_indicator_kind(const char *api_kind);
/* "coordinamento ATS", "revisione regionale" … for a role; "" for none. */
const char *web_role_label(role ro);
/* Whole days from today (Europe/Rome) to the date of a DATETIME text,
 * negative when past; false when unreadable. */
bool web_days_until(const char *datetime, long long *days);

/* ---- the home page ---- */

/* Writes the content of the logged-in user's home into p (between its
 * <h1> and its end); given by the layer that knows the plans. */
typedef void (*web_home_fn)(web_page *p);
void web_set_home(web_home_fn fn);

/* ---- logging in (the password form and single sign-on) ---- */

/* A random token: base64url of 32 random bytes. */
void web_new_token(char out[WEB_TOKEN_LEN + 1]);
/* The value of cookie when it has a token's shape, else NULL (in r's arena). */
const char *web_cookie_token(http_req *r, const char *cookie);
/* Opens a browser session for a user whose identity was just proven (how is
 * said by detail, for the audit), in one transaction with its audit row, and
 * sends the browser home with the session cookie; an error page otherwise. */
void web_login_finish(http_req *r, long long user_id, const char *email, role region_role, const char *detail);
/* Set from the single sign-on settings: the label of the login page's button
 * (NULL: no single sign-on), and whether the password form is offered. */
extern const char *web_sso_label;
extern bool web_password_login;

/* ---- internal to core/web ---- */
int web_authenticate(http_req *r);
void web_error_hook(http_req *r);
int web_session_create(http_req *r, long long user_id, char token[WEB_TOKEN_LEN + 1]);
int web_session_end(http_req *r);
void web_set_cookie(http_req *r, const char *token);
const char *web_static_version(void);
void web_static_load(const char *dir);
void web_static_get(http_req *r);
extern const char *web_region_name;
extern bool web_secure;
extern int web_session_idle_s, web_session_lifetime_s;

#endif
