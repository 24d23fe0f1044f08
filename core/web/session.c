/* Browser sessions: 256 random bits in an HttpOnly cookie, only their
 * SHA-256 in MariaDB (so every instance shares them), each session a login of
 * its own whose identity is read exactly as for an access token. Every
 * state-changing page request is checked here against CSRF: the session's
 * token in the form, compared in constant time, and the browser's own
 * Origin / Sec-Fetch-Site saying the form came from this site. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/sha256.h"
#include "db/db.h"
#include "http/multipart.h"
#include "http/router.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "web/web.h"

void web_new_token(char out[WEB_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	char b64[48];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	EVP_EncodeBlock((unsigned char *)b64, raw, sizeof(raw));
	for (int i = 0; i < WEB_TOKEN_LEN; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[WEB_TOKEN_LEN] = '\0';
}

const char *web_cookie_token(http_req *r, const char *cookie)
{
	const char *cookies = http_header_get(r, "Cookie");
	size_t nl = strlen(cookie);
	for (const char *p = cookies; p != NULL && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len == nl + 1 + WEB_TOKEN_LEN && strncmp(p, cookie, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") >=
			    WEB_TOKEN_LEN)
				return arena_strndup(r->a, v, WEB_TOKEN_LEN);
		}
		p += len;
	}
	return NULL;
}

void web_set_cookie(http_req *r, const char *token)
{
	const char *secure = web_secure ? "; Secure" : "";
	if (token != NULL)
		http_set_header(
		    r, "Set-Cookie",
		    arena_printf(r->a, WEB_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s", token, secure));
	else
		http_set_header(
		    r, "Set-Cookie",
		    arena_printf(r->a, WEB_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", secure));
}

int web_session_create(http_req *r, long long user_id, char token[WEB_TOKEN_LEN + 1])
{
	char csrf[WEB_TOKEN_LEN + 1];
	unsigned char h[32];
	web_new_token(token);
	web_new_token(csrf);
	if (sha256(token, strlen(token), h) != 0)
		return DB_EERR;
	/* The user's sessions that ended unseen go now, so the table holds
	 * live sessions only (an expired one is also removed when presented). */
	long long rc = db_exec(r->db,
	                       "DELETE FROM sessions WHERE user_id = ? AND (last_seen_at < NOW(6) - INTERVAL ? SECOND"
	                       " OR created_at < NOW(6) - INTERVAL ? SECOND)",
	                       "iii", user_id, (long long)web_session_idle_s, (long long)web_session_lifetime_s);
	if (rc < 0)
		return (int)rc;
	rc = db_exec(r->db, "INSERT INTO logins (user_id, client) VALUES (?, ?)", "is", user_id, r->client_addr);
	if (rc < 0)
		return (int)rc;
	long long login_id = (long long)db_last_id(r->db);
	rc = db_exec(r->db, "INSERT INTO sessions (id_hash, login_id, user_id, csrf_token) VALUES (?, ?, ?, ?)", "biis",
	             (const char *)h, (size_t)32, login_id, user_id, csrf);
	return rc < 0 ? (int)rc : DB_OK;
}

int web_session_end(http_req *r)
{
	const web_session *s = r->session;
	if (s == NULL)
		return DB_OK;
	long long rc =
	    db_exec(r->db, "DELETE FROM sessions WHERE id_hash = ?", "b", (const char *)s->id_hash, (size_t)32);
	if (rc >= 0)
		rc = db_exec(
		    r->db,
		    "UPDATE logins SET revoked_at = NOW(6), revoked_why = 'logout' WHERE id = ? AND revoked_at IS NULL",
		    "i", s->login_id);
	return rc < 0 ? (int)rc : DB_OK;
}

/* Reads the session the cookie names into r->session and r->user, in the
 * same round trip as the caller's identity (auth_session_identity). DB_OK
 * (with or without a session) or a DB_E* code. An expired session is
 * deleted and its cookie cleared. */
static int load_session(http_req *r)
{
	const char *token = web_cookie_token(r, WEB_SESSION_COOKIE);
	if (token == NULL)
		return DB_OK;
	web_session *s = arena_calloc(r->a, 1, sizeof(*s));
	if (sha256(token, strlen(token), s->id_hash) != 0)
		return DB_OK; /* OpenSSL failed: no session is found */
	auth_session row;
	int rc = auth_session_identity(r, s->id_hash, web_session_idle_s, web_session_lifetime_s, WEB_TOUCH_S, &row);
	if (rc < 0)
		return rc;
	if (!row.found) {
		web_set_cookie(r, NULL);
		return DB_OK;
	}
	s->user_id = row.user_id;
	s->login_id = row.login_id;
	s->csrf = row.csrf;
	if (row.expired) {
		r->session = s;
		rc = web_session_end(r);
		r->session = NULL;
		web_set_cookie(r, NULL);
		return rc;
	}
	if (rc == 1) { /* deactivated, or the login was ended elsewhere */
		web_set_cookie(r, NULL);
		return DB_OK;
	}
	if (row.touch) {
		long long n = db_exec(r->db, "UPDATE sessions SET last_seen_at = NOW(6) WHERE id_hash = ?", "b",
		                      (const char *)s->id_hash, (size_t)32);
		if (n < 0)
			return (int)n;
	}
	r->session = s;
	return DB_OK;
}

static bool is_write(const http_req *r)
{
	return r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_PATCH || r->method == HTTP_DELETE;
}

/* Whether the browser says the request comes from one of our own pages:
 * Sec-Fetch-Site same-origin (or none: typed by the user), and an Origin,
 * when sent, equal to this server's. */
static bool same_origin(const http_req *r)
{
	const char *site = http_header_get(r, "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	const char *origin = http_header_get(r, "Origin"), *host = http_header_get(r, "Host");
	if (origin == NULL)
		return true; /* an older browser: the token alone decides */
	if (host == NULL)
		return false;
	const char *scheme = web_secure ? "https://" : "http://";
	size_t sl = strlen(scheme);
	return strncmp(origin, scheme, sl) == 0 && strcmp(origin + sl, host) == 0;
}

/* The token of a multipart form (an upload), NUL-terminated in r's arena. */
static const char *multipart_csrf(http_req *r)
{
	multipart_part parts[MULTIPART_MAX_PARTS];
	int n =
	    multipart_parse(r->a, http_header_get(r, "Content-Type"), r->body, r->body_len, parts, MULTIPART_MAX_PARTS);
	const multipart_part *t = n > 0 ? multipart_get(parts, (size_t)n, WEB_CSRF_FIELD) : NULL;
	return t != NULL && t->len <= WEB_TOKEN_LEN ? arena_strndup(r->a, t->data, t->len) : NULL;
}

static bool csrf_ok(http_req *r)
{
	web_form f;
	const char *sent = NULL;
	if (r->session == NULL)
		return false;
	const char *type = http_header_get(r, "Content-Type");
	if (type != NULL && strncasecmp(type, "multipart/form-data", 19) == 0)
		sent = multipart_csrf(r);
	else if (web_form_parse(r, &f) == 0)
		sent = web_form_get(&f, WEB_CSRF_FIELD);
	const char *want = r->session->csrf;
	return sent != NULL && strlen(sent) == strlen(want) && CRYPTO_memcmp(sent, want, strlen(want)) == 0;
}

static int refuse(http_req *r, const char *detail)
{
	web_error_page(r, 403, detail);
	if (r->db != NULL)
		audit_write(r); /* a refused write is audited like any other */
	return -1;
}

/* An account whose password was reset must choose its own first: every
 * page but the change itself and the logout sends it there (the API answers
 * 403 password_change_required in dispatch.c). */
static int must_change_password(http_req *r)
{
	if (r->user == NULL || !r->user->must_change_password || strcmp(r->route->pattern, WEB_PASSWORD_PATH) == 0 ||
	    strcmp(r->route->pattern, "/esci") == 0)
		return 0;
	web_redirect(r, WEB_PASSWORD_PATH);
	return -1;
}

int web_authenticate(http_req *r)
{
	const route *rt = r->route;
	if (r->db == NULL) {
		/* An inline page (the static files) runs without the database,
		 * so without a session: it must be public and read-only. */
		if (!(rt->flags & ROUTE_PUBLIC) || is_write(r)) {
			web_error_page(r, 500, NULL);
			return -1;
		}
		return 0;
	}
	int rc = load_session(r);
	if (rc != DB_OK) {
		web_error_page(r, 503, NULL);
		return -1;
	}
	if (is_write(r)) {
		if (!same_origin(r))
			return refuse(
			    r, "La richiesta non proviene da una pagina di questo sito: nulla è stato modificato.");
		/* Every form of a logged-in user carries the session's token; the
		 * login form comes before any session and has only the check above. */
		if (!(rt->flags & ROUTE_PUBLIC) && !csrf_ok(r))
			return refuse(
			    r, "Il modulo è scaduto o non è valido: nulla è stato modificato. Ricarica la pagina e "
			       "riprova.");
		return must_change_password(r);
	}
	if (r->session == NULL && !(rt->flags & ROUTE_PUBLIC)) {
		web_redirect(r, "/");
		return -1;
	}
	return must_change_password(r);
}
