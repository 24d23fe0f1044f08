/* The page layout every page shares (Bootstrap Italia's header, breadcrumbs,
 * footer), the error pages, forms and the Italian names of statuses. Every
 * byte of data goes through the escaping writer; markup here is our own. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/router.h"
#include "identity/auth.h"
#include "web/web.h"

/* No inline script or style anywhere, so the policy can forbid both. Images
 * and fonts may be data: URLs because the kit's stylesheet draws its form
 * controls that way. */
#define WEB_CSP                                                                                                        \
	"default-src 'self'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none';"         \
	" form-action 'self'; frame-ancestors 'none'"

struct web_page {
	http_req *r;
	html *h;
};

static void to_req(void *ctx, const char *buf, size_t len)
{
	http_append(ctx, buf, len);
}

html *web_html(web_page *p)
{
	return p->h;
}

http_req *web_req(web_page *p)
{
	return p->r;
}

static void page_headers(http_req *r)
{
	http_set_header(r, "Content-Security-Policy", WEB_CSP);
	http_set_header(r, "Cache-Control", "no-store");
	http_set_header(r, "Referrer-Policy", "same-origin");
	http_set_header(r, "X-Frame-Options", "DENY");
}

static const char *role_label(role ro)
{
	switch (ro) {
	case ROLE_REGION_ADMIN: return "amministrazione regionale";
	case ROLE_REGION_REVIEWER: return "revisione regionale";
	case ROLE_UNIVERSITY: return "università";
	case ROLE_ATS_COORDINATOR: return "coordinamento ATS";
	case ROLE_ATS_EDITOR: return "redazione ATS";
	case ROLE_ATS_VIEWER: return "lettura ATS";
	case ROLE_NONE: break;
	}
	return "";
}

/* The slim bar: the Region, and who is logged in with the logout button. */
static void header_slim(web_page *p)
{
	html *h = p->h;
	const identity *u = p->r->session ? p->r->user : NULL;
	html_raw(h, "<div class=\"it-header-slim-wrapper\"><div class=\"container\"><div class=\"row\"><div "
	            "class=\"col-12\"><div class=\"it-header-slim-wrapper-content\"><span class=\"navbar-brand\">");
	html_text(h, web_region_name);
	html_raw(h, "</span>");
	if (u != NULL) {
		html_raw(h, "<div class=\"it-header-slim-right-zone ambito-user\"><span class=\"ambito-user-name\">");
		html_text(h, u->name && *u->name ? u->name : u->email);
		html_raw(h, "</span><form method=\"post\" action=\"/esci\" class=\"d-inline\">");
		web_csrf_field(p);
		html_raw(
		    h,
		    "<button type=\"submit\" class=\"btn btn-sm btn-outline-light ms-2\">Esci</button></form></div>");
	}
	html_raw(h, "</div></div></div></div></div>");
}

/* Navigation by role: every user has the home; ATS members reach each of
 * their ATS, the Region's staff and universities what they may see. */
static void navigation(web_page *p)
{
	html *h = p->h;
	const identity *u = p->r->session ? p->r->user : NULL;
	if (u == NULL)
		return;
	html_raw(h, "<nav class=\"ambito-nav\" aria-label=\"Navigazione principale\"><div class=\"container\"><ul "
	            "class=\"nav\"><li class=\"nav-item\"><a class=\"nav-link\" href=\"/\">Home</a></li>");
	if (u->region_role == ROLE_REGION_ADMIN || u->region_role == ROLE_REGION_REVIEWER)
		html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/revisione\">Revisione</a></li>");
	for (size_t i = 0; i < u->nmemberships; i++) {
		const membership *m = &u->memberships[i];
		/* People read the tenant's name; the slug is for the address. */
		const char *name = m->tenant_name != NULL && *m->tenant_name ? m->tenant_name : m->tenant;
		html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/ats/");
		html_text(h, m->tenant);
		html_raw(h, "\">Piani di ");
		html_text(h, name);
		html_raw(h, "</a></li>");
		html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/ats/");
		html_text(h, m->tenant);
		html_raw(h, "/partecipazione\">Partecipazione di ");
		html_text(h, name);
		html_raw(h, "</a></li>");
		if (m->role == ROLE_ATS_COORDINATOR) {
			html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/ats/");
			html_text(h, m->tenant);
			html_raw(h, "/membri\">Membri di ");
			html_text(h, name);
			html_raw(h, "</a></li>");
		}
	}
	if (u->region_role == ROLE_REGION_ADMIN || u->region_role == ROLE_REGION_REVIEWER ||
	    u->region_role == ROLE_UNIVERSITY)
		html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/confronti\">Confronti</a></li>");
	if (u->region_role == ROLE_REGION_ADMIN)
		html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/amministrazione\">"
		            "Amministrazione</a></li>");
	html_raw(h, "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/profilo/password\">Cambia la "
	            "password</a></li>");
	html_raw(h, "</ul><p class=\"ambito-role\">Ruolo: ");
	if (u->region_role != ROLE_NONE)
		html_text(h, role_label(u->region_role));
	for (size_t i = 0; i < u->nmemberships; i++) {
		if (i > 0 || u->region_role != ROLE_NONE)
			html_raw(h, ", ");
		html_text(h, role_label(u->memberships[i].role));
	}
	html_raw(h, "</p></div></nav>");
}

web_page *web_page_begin(http_req *r, const char *title, const web_crumb *crumbs, size_t ncrumbs)
{
	web_page *p = arena_calloc(r->a, 1, sizeof(*p));
	p->r = r;
	r->resp_len = 0;
	p->h = html_new(r->a, to_req, r);
	html *h = p->h;
	const char *v = web_static_version();
	html_raw(h, "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	            "content=\"width=device-width, initial-scale=1\"><title>");
	html_text(h, title);
	html_raw(h, " — Piani Sociali d’Ambito — ");
	html_text(h, web_region_name);
	html_rawf(h,
	          "</title><link rel=\"stylesheet\" href=\"/static/%s/bootstrap-italia.min.css\">"
	          "<link rel=\"stylesheet\" href=\"/static/%s/fonts.css\">"
	          "<link rel=\"stylesheet\" href=\"/static/%s/ambito.css\"></head><body>",
	          v, v, v);
	html_raw(h, "<a class=\"ambito-skip\" href=\"#contenuto\">Vai al contenuto</a>"
	            "<header class=\"it-header-wrapper\">");
	header_slim(p);
	html_raw(
	    h, "<div class=\"it-header-center-wrapper\"><div class=\"container\"><div class=\"row\"><div "
	       "class=\"col-12\"><div class=\"it-header-center-content-wrapper\"><div class=\"it-brand-wrapper\"><a "
	       "href=\"/\"><div class=\"it-brand-text\"><div class=\"it-brand-title\">Piani Sociali d’Ambito</div><div "
	       "class=\"it-brand-tagline\">");
	html_text(h, web_region_name);
	html_raw(h, "</div></div></a></div></div></div></div></div></div></header>");
	navigation(p);
	html_raw(h, "<div class=\"container\">");
	if (ncrumbs > 0) {
		html_raw(h,
		         "<nav class=\"breadcrumb-container\" aria-label=\"Percorso\"><ol class=\"breadcrumb\">"
		         "<li class=\"breadcrumb-item\"><a href=\"/\">Home</a><span class=\"separator\">/</span></li>");
		for (size_t i = 0; i < ncrumbs; i++) {
			if (crumbs[i].href != NULL) {
				html_raw(h, "<li class=\"breadcrumb-item\"><a href=\"");
				html_text(h, crumbs[i].href);
				html_raw(h, "\">");
				html_text(h, crumbs[i].label);
				html_raw(h, "</a><span class=\"separator\">/</span></li>");
			} else {
				html_raw(h, "<li class=\"breadcrumb-item active\" aria-current=\"page\">");
				html_text(h, crumbs[i].label);
				html_raw(h, "</li>");
			}
		}
		html_raw(h, "</ol></nav>");
	}
	html_raw(h, "</div><main id=\"contenuto\" class=\"container ambito-main\" tabindex=\"-1\"><h1>");
	html_text(h, title);
	html_raw(h, "</h1>");
	return p;
}

void web_page_script(web_page *p, const char *name)
{
	html_rawf(p->h, "<script src=\"/static/%s/", web_static_version());
	html_text(p->h, name);
	html_raw(p->h, "\" defer></script>");
}

void web_page_end(web_page *p, int status)
{
	html *h = p->h;
	html_raw(h, "</main><footer class=\"it-footer\"><div class=\"it-footer-main\"><div class=\"container\">"
	            "<p class=\"ambito-footer-title\">Piani Sociali d’Ambito — ");
	html_text(h, web_region_name);
	/* The public pages, for anyone who lands on any page. */
	html_raw(h, "</p><ul class=\"ambito-footer-links\"><li><a href=\"/trasparenza\">Trasparenza e dati aperti</a>"
	            "</li><li><a href=\"/partecipa\">Partecipa</a></li><li><a href=\"/accessibilita\">Dichiarazione di "
	            "accessibilità</a></li></ul></div></div></footer></body></html>\n");
	http_req *r = p->r;
	r->status = status;
	r->content_type = "text/html";
	page_headers(r);
}

static const char *error_title(int status)
{
	switch (status) {
	case 400: return "Richiesta non valida";
	case 403: return "Accesso negato";
	case 404: return "Pagina non trovata";
	case 409: return "Operazione non possibile in questo momento";
	case 413: return "Richiesta troppo grande";
	case 429: return "Troppi tentativi";
	case 503: return "Servizio momentaneamente non disponibile";
	default: return status >= 500 ? "Errore del server" : "Richiesta non valida";
	}
}

static const char *error_text(int status)
{
	switch (status) {
	case 403: return "Non hai i permessi per questa operazione.";
	case 404: return "La pagina che cerchi non esiste o non è tra quelle che puoi vedere.";
	case 503: return "Il servizio non risponde in questo momento: riprova tra qualche istante.";
	default:
		return status >= 500
		           ? "Si è verificato un errore imprevisto: nulla è stato modificato. Riprova più tardi."
		           : "La richiesta non può essere eseguita.";
	}
}

void web_error_page(http_req *r, int status, const char *detail)
{
	/* Headers meant for an API client (WWW-Authenticate, ETag …) do not
	 * belong on a page: keep only the cookie and Retry-After. */
	size_t keep = 0;
	for (size_t i = 0; i < r->nresp; i++)
		if (strcasecmp(r->resp_headers[i].name, "Set-Cookie") == 0 ||
		    strcasecmp(r->resp_headers[i].name, "Retry-After") == 0)
			r->resp_headers[keep++] = r->resp_headers[i];
	r->nresp = keep;
	web_page *p = web_page_begin(r, error_title(status), NULL, 0);
	html *h = p->h;
	html_raw(h, "<p class=\"lead\">");
	html_text(h, detail != NULL ? detail : error_text(status));
	html_raw(h, "</p><p><a href=\"/\">Torna alla pagina iniziale</a></p>");
	web_page_end(p, status);
}

void web_not_found(http_req *r)
{
	static const char api[] = "/api";
	if (r->path != NULL && strncmp(r->path, api, sizeof(api) - 1) == 0 &&
	    (r->path[sizeof(api) - 1] == '/' || r->path[sizeof(api) - 1] == '\0'))
		return;
	web_error_page(r, 404, NULL);
}

void web_error_hook(http_req *r)
{
	/* Pages answer their own errors as pages; what still is a problem
	 * document (scoping's 404, a database failure) becomes one here. */
	if (r->content_type != NULL && strncmp(r->content_type, "text/html", 9) == 0)
		return;
	web_error_page(r, r->status, NULL);
}

void web_redirect(http_req *r, const char *location)
{
	http_body(r, 303, NULL, NULL, 0);
	http_set_header(r, "Location", location);
	page_headers(r);
}

/* ---------------------------------------------------------------- forms */

int web_form_parse(http_req *r, web_form *f)
{
	const char *ct = http_header_get(r, "Content-Type");
	static const char form_type[] = "application/x-www-form-urlencoded";
	*f = (web_form){0};
	if (ct == NULL || strncasecmp(ct, form_type, sizeof(form_type) - 1) != 0 ||
	    (ct[sizeof(form_type) - 1] != '\0' && ct[sizeof(form_type) - 1] != ';'))
		return -1;
	const char *s = r->body ? r->body : "";
	size_t fields = 1;
	for (const char *p = s; *p; p++)
		fields += *p == '&';
	if (fields > WEB_FORM_MAX_FIELDS)
		return -1;
	f->names = arena_calloc(r->a, fields, sizeof(char *));
	f->values = arena_calloc(r->a, fields, sizeof(char *));
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		size_t nlen = eq ? (size_t)(eq - p) : len;
		if (len > 0) {
			const char *name = http_decode(r->a, p, nlen, true);
			const char *value = eq ? http_decode(r->a, eq + 1, len - nlen - 1, true) : "";
			if (name == NULL || value == NULL)
				return -1;
			f->names[f->n] = name;
			f->values[f->n++] = value;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
}

const char *web_form_get(const web_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

void web_csrf_field(web_page *p)
{
	if (p->r->session == NULL)
		return;
	html_raw(p->h, "<input type=\"hidden\" name=\"" WEB_CSRF_FIELD "\" value=\"");
	html_text(p->h, p->r->session->csrf);
	html_raw(p->h, "\">");
}

void web_field_input(web_page *p, const char *name, const char *label, const char *type, const char *value,
                     const char *error, const char *autocomplete)
{
	html *h = p->h;
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label><input class=\"form-control");
	if (error)
		html_raw(h, " is-invalid");
	html_raw(h, "\" type=\"");
	html_text(h, type);
	html_raw(h, "\" id=\"campo-");
	html_text(h, name);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\"");
	if (value != NULL && strcmp(type, "password") != 0) {
		html_raw(h, " value=\"");
		html_text(h, value);
		html_raw(h, "\"");
	}
	if (autocomplete != NULL) {
		html_raw(h, " autocomplete=\"");
		html_text(h, autocomplete);
		html_raw(h, "\"");
	}
	if (error) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		html_text(h, name);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	if (error) {
		html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-");
		html_text(h, name);
		html_raw(h, "\">");
		html_text(h, error);
		html_raw(h, "</div>");
	}
	html_raw(h, "</div>");
}

void web_error_summary(web_page *p, const char *const *ids, const char *const *messages, size_t n)
{
	if (n == 0)
		return;
	html *h = p->h;
	html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\"><p><strong>");
	html_text(h, n == 1 ? "C’è un errore nel modulo:" : "Ci sono errori nel modulo:");
	html_raw(h, "</strong></p><ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<li>");
		if (ids[i] != NULL) {
			html_raw(h, "<a href=\"#");
			html_text(h, ids[i]);
			html_raw(h, "\">");
			html_text(h, messages[i]);
			html_raw(h, "</a>");
		} else
			html_text(h, messages[i]);
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul></div>");
}

/* ---------------------------------------------------------------- formats */

const char *web_plan_status(const char *s)
{
	static const char *const names[][2] = {{"draft", "bozza"},
	                                       {"submitted", "inviato"},
	                                       {"changes_requested", "modifiche richieste"},
	                                       {"approved", "approvato"},
	                                       {"published", "pubblicato"}};
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i][0]) == 0)
			return names[i][1];
	return s;
}

const char *web_section_status(const char *s)
{
	if (s == NULL)
		return NULL;
	return strcmp(s, "empty") == 0      ? "vuota"
	       : strcmp(s, "partial") == 0  ? "parziale"
	       : strcmp(s, "complete") == 0 ? "completa"
	                                    : s;
}

const char *web_indicator_kind(const char *k)
{
	if (k == NULL)
		return NULL;
	return strcmp(k, "process") == 0 ? "processo" : strcmp(k, "result") == 0 ? "risultato" : k;
}

bool web_days_until(const char *dt, long long *days)
{
	struct tm tm = {0};
	if (dt == NULL || strptime(dt, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		return false;
	time_t at = timegm(&tm), now = time(NULL);
	long long secs = (long long)at - (long long)now;
	/* Whole days left, counting a part of a day as a day: "1 giorno" until
	 * the deadline itself has passed. */
	*days = secs >= 0 ? (secs + 86399) / 86400 : -((-secs) / 86400);
	return true;
}

json_value *web_json_finish(http_req *r, jw *w)
{
	size_t len;
	const char *text = jw_failed(w) ? NULL : arena_strdup(r->a, jw_buffer(w, &len));
	jw_free(w);
	json_value *out = NULL;
	char err[64];
	if (text == NULL || json_parse(r->a, text, strlen(text), &out, err, sizeof(err)) != JSON_OK)
		return NULL;
	return out;
}

bool web_form_read(http_req *r, web_form *f)
{
	if (web_form_parse(r, f) == 0)
		return true;
	web_error_page(r, 400, "Il modulo inviato non è leggibile.");
	return false;
}

json_value *web_form_body(http_req *r, jw *w)
{
	json_value *body = web_json_finish(r, w);
	if (body == NULL)
		web_error_page(r, 400, "Il modulo inviato non è valido (UTF-8).");
	return body;
}

void web_form_members(jw *w, const web_form *f, const char *const *names, bool skip_blank)
{
	for (size_t i = 0; names[i] != NULL; i++) {
		const char *v = web_form_get(f, names[i]);
		if (v != NULL && (!skip_blank || v[strspn(v, " \t\r\n")] != '\0'))
			jw_kstr(w, names[i], v);
	}
}

json_value *web_form_json(http_req *r, const web_form *f, const char *const *names)
{
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	web_form_members(w, f, names, false);
	jw_obj_end(w);
	return web_json_finish(r, w);
}

const char *web_role_label(role ro)
{
	return role_label(ro);
}
