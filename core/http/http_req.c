/* Request accessors and answer building for handlers: headers, parameters,
 * JSON bodies, problem documents, ETags. Everything lives in the request's
 * arena except the answer body, which grows with realloc and is freed with
 * the request. */
#include "http/http.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/utf8.h"
#include "db/db.h"
#include "http/router.h"

#define QUERY_NAME_SHOWN 64 /* longest parameter name echoed back */

const char *http_header_get(const http_req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *http_param(const http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *http_decode(arena *a, const char *s, size_t n, bool plus)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			int c = h * 16 + l;
			if (c == 0)
				return NULL;
			out[o++] = (char)c;
			i += 2;
		} else if (plus && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o))
		return NULL;
	return out;
}

const char *http_query(const http_req *r, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = r->query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		if (klen == nlen && memcmp(p, name, nlen) == 0) {
			if (!eq)
				return "";
			return http_decode(r->a, eq + 1, len - klen - 1, true);
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

const char *http_query_invalid(const http_req *r)
{
	const char *p = r->query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		if (http_decode(r->a, p, klen, true) == NULL ||
		    (eq && http_decode(r->a, eq + 1, len - klen - 1, true) == NULL)) {
			const char *name =
			    klen > 0 && klen <= QUERY_NAME_SHOWN ? http_decode(r->a, p, klen, true) : NULL;
			return name != NULL ? name : "query";
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* A 400 naming the query parameter. */
static void bad_param(http_req *r, const char *name, const char *why)
{
	field_errors *e = http_errors_new(r);
	field_errors_add(e, name, "%s", why);
	http_errors_answer(r, e, 400, "un parametro della query non è valido");
}

int http_page_params(http_req *r, int *limit, const char **cursor)
{
	const char *l = http_query(r, "limit");
	*limit = PAGE_DEFAULT;
	*cursor = http_query(r, "cursor");
	if (l != NULL) {
		char *end;
		errno = 0;
		long v = strtol(l, &end, 10);
		if (*l == '\0' || *end != '\0' || errno != 0 || v < 1 || v > PAGE_MAX) {
			bad_param(r, "limit", arena_printf(r->a, "deve essere un numero intero da 1 a %d", PAGE_MAX));
			return -1;
		}
		*limit = (int)v;
	}
	if (*cursor != NULL && (strlen(*cursor) > PAGE_CURSOR_MAX || **cursor == '\0')) {
		bad_param(r, "cursor", "non è un cursore valido: usa il next_cursor dell'ultima pagina");
		return -1;
	}
	return 0;
}

int http_wants_csv(http_req *r)
{
	const char *f = http_query(r, "format");
	if (f != NULL) {
		if (strcmp(f, "csv") == 0 || strcmp(f, "json") == 0)
			return f[0] == 'c';
		bad_param(r, "format", "deve essere csv o json");
		return -1;
	}
	const char *acc = http_header_get(r, "Accept");
	return acc != NULL && strstr(acc, "text/csv") != NULL;
}

static void csv_to_body(void *ctx, const void *buf, size_t len)
{
	http_append(ctx, buf, len);
}

void http_csv_begin(http_req *r, csv_writer *w)
{
	http_body(r, 200, "text/csv", NULL, 0); /* the server adds charset=utf-8 */
	csv_init(w, csv_to_body, r);
}

/* Content types we take as JSON: application/json and any +json, with
 * parameters; charset, when given, must be UTF-8. */
static bool is_json_type(const char *ct)
{
	if (ct == NULL)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	bool json = (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	            (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0 && strncasecmp(ct, "application/", 12) == 0);
	if (!json)
		return false;
	const char *cs = strcasestr(ct, "charset=");
	if (cs != NULL) {
		cs += 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0)
			return false;
	}
	return true;
}

int http_read_json(http_req *r, json_value **out)
{
	char err[160];
	if (!is_json_type(http_header_get(r, "Content-Type"))) {
		http_problem(r, 415, "il corpo deve essere in JSON: inviare Content-Type: application/json");
		return -1;
	}
	size_t max_nodes, max_bytes;
	json_body_budget(r->body_len, &max_nodes, &max_bytes);
	json_status st =
	    json_parse_budget(r->a, r->body ? r->body : "", r->body_len, max_nodes, max_bytes, out, err, sizeof(err));
	if (st == JSON_ETOOBIG) {
		http_problem(r, 413, "il documento JSON ha troppi valori per la sua dimensione");
		return -1;
	}
	if (st == JSON_ETOODEEP) {
		http_problemf(r, 400, "il JSON ha più di %d livelli di annidamento", JSON_MAX_DEPTH);
		return -1;
	}
	if (st != JSON_OK) {
		http_problemf(r, 400, "JSON non valido: %s", err);
		return -1;
	}
	return 0;
}

void http_set_header(http_req *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->nresp; i++) {
		if (strcasecmp(r->resp_headers[i].name, name) == 0) {
			r->resp_headers[i].value = arena_strdup(r->a, value);
			return;
		}
	}
	http_add_header(r, name, value);
}

void http_add_header(http_req *r, const char *name, const char *value)
{
	if (r->nresp == r->capresp) {
		size_t cap = r->capresp ? r->capresp * 2 : 8;
		http_header *h = arena_calloc(r->a, cap, sizeof(*h));
		if (r->nresp)
			memcpy(h, r->resp_headers, r->nresp * sizeof(*h));
		r->resp_headers = h;
		r->capresp = cap;
	}
	r->resp_headers[r->nresp].name = arena_strdup(r->a, name);
	r->resp_headers[r->nresp].value = arena_strdup(r->a, value);
	r->nresp++;
}

void http_append(http_req *r, const void *buf, size_t len)
{
	if (len == 0)
		return;
	if (r->resp_len + len + 1 > r->resp_cap) {
		size_t cap = r->resp_cap ? r->resp_cap : 1024;
		while (cap < r->resp_len + len + 1)
			cap *= 2;
		char *p = realloc(r->resp_body, cap);
		if (p == NULL)
			abort();
		r->resp_body = p;
		r->resp_cap = cap;
	}
	memcpy(r->resp_body + r->resp_len, buf, len);
	r->resp_len += len;
	r->resp_body[r->resp_len] = '\0';
}

void http_body(http_req *r, int status, const char *content_type, const void *buf, size_t len)
{
	r->status = status;
	r->content_type = content_type;
	r->resp_len = 0;
	http_append(r, buf, len);
}

void http_reset_answer(http_req *r)
{
	r->status = 0;
	r->nresp = 0;
	r->content_type = NULL;
	r->resp_len = 0;
	r->log_detail = NULL;
	r->audit_object = NULL;
	r->audit_detail = NULL;
	r->audit_tenant_id = 0;
}

void http_no_content(http_req *r)
{
	r->status = 204;
	r->content_type = NULL;
	r->resp_len = 0;
}

static void jw_to_req(void *ctx, const char *buf, size_t len)
{
	http_append(ctx, buf, len);
}

jw *http_json_begin(http_req *r)
{
	r->resp_len = 0;
	return jw_new(jw_to_req, r);
}

void http_json_end(http_req *r, jw *w, int status)
{
	bool failed = jw_failed(w);
	jw_free(w);
	if (failed) {
		/* Only stored data that is not valid UTF-8 can get here. */
		http_problem(r, 500, "la risposta non si può codificare in JSON");
		return;
	}
	r->status = status;
	r->content_type = "application/json";
}

void http_list_begin(jw *w)
{
	jw_obj_begin(w);
	jw_key(w, "items");
	jw_arr_begin(w);
}

void http_list_end(jw *w, const char *next_cursor)
{
	jw_arr_end(w);
	jw_kstr(w, "next_cursor", next_cursor); /* NULL writes null */
	jw_obj_end(w);
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* The problem's title, for the Italian reader; the status line keeps the
 * English reason phrase of http_status_text. */
static const char *problem_title(int status)
{
	switch (status) {
	case 400: return "Richiesta non valida";
	case 401: return "Autenticazione richiesta";
	case 403: return "Operazione non consentita";
	case 404: return "Non trovato";
	case 405: return "Metodo non consentito";
	case 408: return "Tempo scaduto per la richiesta";
	case 409: return "Conflitto";
	case 411: return "Lunghezza richiesta";
	case 412: return "Precondizione non soddisfatta";
	case 413: return "Contenuto troppo grande";
	case 415: return "Tipo di contenuto non supportato";
	case 422: return "Dati non validi";
	case 428: return "Precondizione richiesta";
	case 429: return "Troppe richieste";
	case 431: return "Intestazioni troppo grandi";
	case 500: return "Errore interno del server";
	case 501: return "Non implementato";
	case 503: return "Servizio non disponibile";
	case 505: return "Versione HTTP non supportata";
	default: return "Errore";
	}
}

static void problem_write_code(http_req *r, int status, const char *code, const char *detail, const field_errors *e)
{
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "type", e ? "urn:ambito:problem:invalid-fields" : "about:blank");
	jw_kstr(w, "title", problem_title(status));
	jw_kint(w, "status", status);
	if (code)
		jw_kstr(w, "code", code);
	if (detail == NULL && status == 500)
		detail = "errore interno: la richiesta non è stata completata; se si ripete, segnalarlo citando il "
		         "request_id";
	if (detail)
		jw_kstr(w, "detail", detail);
	if (r->request_id)
		jw_kstr(w, "request_id", r->request_id);
	if (e) {
		jw_key(w, "errors");
		jw_arr_begin(w);
		size_t kept = field_errors_kept(e);
		for (size_t i = 0; i < kept; i++) {
			jw_obj_begin(w);
			jw_kstr(w, "field", field_errors_field(e, i));
			jw_kstr(w, "message", field_errors_message(e, i));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		if (field_errors_count(e) > kept)
			jw_kint(w, "errors_not_listed", (long long)(field_errors_count(e) - kept));
	}
	jw_obj_end(w);
	bool failed = jw_failed(w);
	jw_free(w);
	r->status = status;
	r->content_type = "application/problem+json";
	if (failed) {
		/* A detail with invalid UTF-8 (echoed input): answer without it. */
		static const char fallback[] = "{\"type\":\"about:blank\",\"title\":\"Errore\"}";
		r->resp_len = 0;
		http_append(r, fallback, sizeof(fallback) - 1);
	}
}

static void problem_write(http_req *r, int status, const char *detail, const field_errors *e)
{
	problem_write_code(r, status, NULL, detail, e);
}

void http_problem_code(http_req *r, int status, const char *code, const char *detail)
{
	problem_write_code(r, status, code, detail, NULL);
}

void http_problem(http_req *r, int status, const char *detail)
{
	problem_write(r, status, detail, NULL);
}

void http_problemf(http_req *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *detail = arena_vprintf(r->a, fmt, ap);
	va_end(ap);
	problem_write(r, status, detail, NULL);
}

void http_db_error(http_req *r, long long rc, const char *what)
{
	if (rc == DB_EUNAVAIL || rc == DB_ECONFLICT)
		http_unavailable(r, NULL);
	else if (rc == DB_EDUP)
		http_problemf(r, 409, "esiste già un elemento con questi dati: %s", what);
	else if (rc == DB_EFK)
		http_problemf(r, 409, "%s: è ancora in uso o fa riferimento a un elemento inesistente", what);
	else
		http_problemf(r, 500, "impossibile salvare o leggere %s", what);
}

void http_unavailable(http_req *r, const char *detail)
{
	problem_write(r, 503, detail ? detail : "la base dati non è disponibile: riprovare tra poco", NULL);
	http_set_header(r, "Retry-After", "5");
}

field_errors *http_errors_new(http_req *r)
{
	return field_errors_new(r->a);
}

bool http_errors_answer(http_req *r, const field_errors *e, int status, const char *detail)
{
	if (field_errors_count(e) == 0)
		return false;
	problem_write(r, status, detail ? detail : "alcuni campi non sono validi", e);
	return true;
}

/* Whether If-None-Match names etag (quoted, weak or not) or is "*". */
bool http_if_none_match(const http_req *r, const char *etag)
{
	const char *inm = http_header_get(r, "If-None-Match");
	size_t elen = strlen(etag);
	while (inm != NULL && *inm != '\0') {
		inm += strspn(inm, " \t,");
		size_t n = strcspn(inm, ",");
		const char *tag = inm;
		size_t tlen = n;
		while (tlen > 0 && (tag[tlen - 1] == ' ' || tag[tlen - 1] == '\t'))
			tlen--;
		if (tlen >= 2 && strncmp(tag, "W/", 2) == 0) {
			tag += 2;
			tlen -= 2;
		}
		if ((tlen == 1 && tag[0] == '*') || (tlen == elen && memcmp(tag, etag, elen) == 0))
			return true;
		inm += n;
	}
	return false;
}

void http_set_etag(http_req *r, const char *etag)
{
	http_set_header(r, "ETag", arena_printf(r->a, "\"%s\"", etag));
}

/* If-Match is a list of entity-tags (RFC 9110 §13.1.1): each one quoted,
 * optionally W/. Our tags are strong and If-Match compares strongly, so a
 * weak tag never matches and "*" is refused too: it would let a stale editor
 * overwrite silently. A value that is not a list of quoted tags (say the
 * ETag's value without its quotes) is 400: it cannot be compared, and 412
 * would wrongly say the resource changed. */
int http_if_match(http_req *r, const char *etag)
{
	const char *im = http_header_get(r, "If-Match");
	if (im == NULL) {
		http_problem(r, 428, "inviare If-Match con l'ETag letto per ultimo");
		return -1;
	}
	size_t e = strlen(etag);
	bool strong_match = false, weak_match = false, star = false;
	field_errors *e400;
	const char *p = im;
	for (;;) {
		p += strspn(p, " \t");
		bool weak = strncmp(p, "W/", 2) == 0;
		if (weak)
			p += 2;
		if (!weak && *p == '*') {
			star = true;
			p++;
		} else if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (q == NULL)
				goto malformed;
			bool same = (size_t)(q - p - 1) == e && memcmp(p + 1, etag, e) == 0;
			strong_match |= same && !weak;
			weak_match |= same && weak;
			p = q + 1;
		} else {
			goto malformed;
		}
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p++ != ',')
			goto malformed;
	}
	if (strong_match)
		return 0;
	if (weak_match)
		http_problem(
		    r, 412, "If-Match confronta gli ETag in modo forte: invia l'ETag così come è stato dato, senza W/");
	else if (star)
		http_problem(r, 412, "If-Match: * non è accettato: invia l'ETag che hai letto");
	else
		http_problem(r, 412, "la risorsa è cambiata dopo la lettura: rileggerla e riprovare");
	return -1;
malformed:
	e400 = http_errors_new(r);
	field_errors_add(e400, "If-Match",
	                 "deve contenere l'ETag esattamente come è stato dato, virgolette doppie comprese");
	http_errors_answer(r, e400, 400, "l'intestazione If-Match non è valida");
	return -1;
}
