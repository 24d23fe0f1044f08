/* Access tokens and the caller's identity. A token is accepted only when its
 * header says HS256, its signature verifies with our key, and exp, iss and aud
 * hold; then the user, its login and its roles are read from the database in
 * one round trip (on a tenant route, with the {tenant} row that scope.c then
 * judges). libjwt issues the tokens; they are checked here, signature and
 * claims, with an HMAC keyed once (libjwt would fetch the algorithm from
 * OpenSSL and parse with jansson on every request). */
#include "identity/auth.h"

#include <errno.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/id.h"
#include "base/json.h"
#include "base/log.h"
#include "db/db.h"
#include "http/router.h"
#include "identity/scope.h"

#define TOKEN_MAX_LEN 4096
#define CLOCK_SKEW_S 30

static const char *jwt_key;
static size_t jwt_key_len;
static const char *jwt_iss, *jwt_aud;

static void hmac_init(void);

void auth_init(const char *secret, const char *issuer, const char *audience)
{
	jwt_key = secret;
	jwt_key_len = strlen(secret);
	jwt_iss = issuer;
	jwt_aud = audience;
	hmac_init();
}

static const char *const role_names[] = {
    [ROLE_NONE] = "",
    [ROLE_REGION_ADMIN] = "region_admin",
    [ROLE_REGION_REVIEWER] = "region_reviewer",
    [ROLE_UNIVERSITY] = "university",
    [ROLE_ATS_COORDINATOR] = "ats_coordinator",
    [ROLE_ATS_EDITOR] = "ats_editor",
    [ROLE_ATS_VIEWER] = "ats_viewer",
};

const char *role_name(role r)
{
	return (int)r >= 0 && (size_t)r < sizeof(role_names) / sizeof(role_names[0]) ? role_names[r] : "";
}

role role_parse(const char *s)
{
	if (s == NULL || *s == '\0')
		return ROLE_NONE;
	for (size_t i = 1; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (role)i;
	return ROLE_NONE;
}

bool auth_is_region(const identity *u)
{
	return u && (u->region_role == ROLE_REGION_ADMIN || u->region_role == ROLE_REGION_REVIEWER);
}

char *auth_issue_token(long long user_id, long long login_id, long long *expires_in)
{
	jwt_t *jwt = NULL;
	char *out = NULL, sub[32], sid[32];
	time_t now = time(NULL);
	snprintf(sub, sizeof(sub), "%lld", user_id);
	snprintf(sid, sizeof(sid), "%lld", login_id);
	if (jwt_new(&jwt) != 0)
		goto done;
	if (jwt_add_grant(jwt, "iss", jwt_iss) || jwt_add_grant(jwt, "aud", jwt_aud) ||
	    jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "sid", sid) ||
	    jwt_add_grant_int(jwt, "iat", (long)now) || jwt_add_grant_int(jwt, "exp", (long)(now + AUTH_TOKEN_TTL_S)))
		goto done;
	if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)jwt_key, (int)jwt_key_len) != 0)
		goto done;
	out = jwt_encode_str(jwt);
	*expires_in = AUTH_TOKEN_TTL_S;
done:
	jwt_free(jwt);
	return out; /* free() it */
}

/* HMAC-SHA256 keyed once: OpenSSL 3 fetches an algorithm by name on every
 * call that names it (a lock and a lookup), so the MAC is fetched and keyed
 * at start and each check works on a copy of that context. */
static EVP_MAC_CTX *hmac_keyed;

static void hmac_init(void)
{
	EVP_MAC_CTX_free(hmac_keyed);
	hmac_keyed = NULL;
	if (jwt_key_len == 0)
		return;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
	                       OSSL_PARAM_construct_end()};
	EVP_MAC_CTX *c = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (c != NULL && EVP_MAC_init(c, (const unsigned char *)jwt_key, jwt_key_len, params) == 1)
		hmac_keyed = c;
	else
		EVP_MAC_CTX_free(c); /* no context: every token is refused */
}

/* HMAC-SHA256 of buf with our key into md: true, or false when OpenSSL fails. */
static bool hmac_sha256(const char *buf, size_t len, unsigned char md[32])
{
	EVP_MAC_CTX *c = hmac_keyed != NULL ? EVP_MAC_CTX_dup(hmac_keyed) : NULL;
	size_t n = 0;
	bool ok = c != NULL && EVP_MAC_update(c, (const unsigned char *)buf, len) == 1 &&
	          EVP_MAC_final(c, md, &n, 32) == 1 && n == 32;
	EVP_MAC_CTX_free(c);
	return ok;
}

/* Unpadded base64url (RFC 7515 §2) of in[0..n) into out (room for n * 3 / 4
 * bytes): the decoded length, or -1 for any other character, padding, or a
 * length no encoding has. */
static long b64url_decode(const char *in, size_t n, unsigned char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	long len = 0;
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		int v = ch >= 'A' && ch <= 'Z'   ? ch - 'A'
		        : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
		        : ch >= '0' && ch <= '9' ? ch - '0' + 52
		        : ch == '-'              ? 62
		        : ch == '_'              ? 63
		                                 : -1;
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return acc == 0 ? len : -1; /* leftover bits must be zero: one encoding per value */
}

/* The JSON object a base64url segment of the token encodes, or NULL. */
static const json_value *segment_object(arena *a, const char *seg, size_t n)
{
	unsigned char *raw = arena_alloc(a, n * 3 / 4 + 1);
	long len = b64url_decode(seg, n, raw);
	json_value *v;
	char err[64];
	if (len <= 0 || json_parse(a, (const char *)raw, (size_t)len, &v, err, sizeof(err)) != JSON_OK ||
	    !json_is(v, JSON_OBJECT))
		return NULL;
	return v;
}

/* An integer claim: true with *v when present and an integer, false when
 * absent; *bad when present but not an integer. */
static bool claim_int(const json_value *o, const char *name, long long *v, bool *bad)
{
	const json_value *c = json_get(o, name);
	if (c == NULL)
		return false;
	if (!json_is(c, JSON_NUMBER) || !c->u.number.is_integer)
		*bad = true;
	else
		*v = c->u.number.integer;
	return !*bad;
}

/* A positive decimal id from a string claim, or -1. */
static long long claim_id(const json_value *o, const char *name)
{
	long long id;
	return id_parse(json_get_str(o, name), ID_MAX_DIGITS, &id) ? id : -1;
}

/* A token is three base64url segments: the header must say alg HS256 (and,
 * when it says a typ, JWT), the third is the HMAC-SHA256 of the first two
 * with our key (compared in constant time), and the payload's exp, nbf, iss
 * and aud must hold. Only our key and HS256: never alg "none" nor another. */
int auth_verify_token(const char *token, long long *user_id, long long *login_id)
{
	size_t len = token != NULL ? strnlen(token, TOKEN_MAX_LEN + 1) : 0;
	if (token == NULL || len > TOKEN_MAX_LEN || jwt_key_len == 0)
		return -1;
	const char *dot1 = memchr(token, '.', len);
	const char *dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (dot1 == NULL || dot2 == NULL || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return -1;
	const char *sig = dot2 + 1;
	size_t sig_len = len - (size_t)(sig - token);
	unsigned char want[32], got[44];
	if (sig_len != 43 || b64url_decode(sig, sig_len, got) != 32 ||
	    !hmac_sha256(token, (size_t)(dot2 - token), want) || CRYPTO_memcmp(want, got, 32) != 0)
		return -1;
	int rc = -1;
	arena *a = arena_new();
	const json_value *h = segment_object(a, token, (size_t)(dot1 - token));
	const json_value *p = segment_object(a, dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (h == NULL || p == NULL)
		goto done;
	const char *alg = json_get_str(h, "alg");
	const json_value *typ = json_get(h, "typ");
	if (alg == NULL || strcmp(alg, "HS256") != 0 ||
	    (typ != NULL && (!json_is(typ, JSON_STRING) || strcasecmp(typ->u.string.s, "JWT") != 0)))
		goto done;
	time_t now = time(NULL);
	long long exp = 0, nbf = 0;
	bool bad = false;
	if (!claim_int(p, "exp", &exp, &bad) || exp <= 0 || (time_t)exp <= now)
		goto done;
	if ((time_t)exp > now + AUTH_TOKEN_TTL_S + CLOCK_SKEW_S) /* we never issue longer */
		goto done;
	if ((claim_int(p, "nbf", &nbf, &bad) && (time_t)nbf > now + CLOCK_SKEW_S) || bad)
		goto done;
	const char *iss = json_get_str(p, "iss"), *aud = json_get_str(p, "aud");
	if (iss == NULL || aud == NULL || strcmp(iss, jwt_iss) != 0 || strcmp(aud, jwt_aud) != 0)
		goto done;
	*user_id = claim_id(p, "sub");
	*login_id = claim_id(p, "sid");
	if (*user_id <= 0 || *login_id <= 0)
		goto done;
	rc = 0;
done:
	arena_free(a);
	return rc;
}

/* One round trip: the user and its login (or the browser's session and its
 * login), then its memberships and assignments, as rows tagged 'u', 'm',
 * 'a'; on a tenant route the tenant the path names as a row tagged 't', so
 * that scoping needs no round trip of its own (whether the caller may see it
 * is still decided by scope.c alone); and the rows of the route's prefetch,
 * tagged 'd'. Every part has ROUTE_PREFETCH_COLS columns. */
#define NULLS_4 ", NULL, NULL, NULL, NULL"
#define NULLS_5 NULLS_4 ", NULL"
#define NULLS_9 NULLS_5 NULLS_4
#define NULLS_12 NULLS_9 ", NULL, NULL, NULL"
_Static_assert(ROUTE_PREFETCH_COLS == 16, "the identity's parts are ROUTE_PREFETCH_COLS columns wide");
/* Column 11 of the 'u' row: whether a reset password must be changed first. */
static const char user_by_token[] =
    "SELECT 'u', u.id, u.email, u.name, u.region_role, u.active, l.revoked_at IS NULL" NULLS_4
    ", u.must_change_password" NULLS_4 " FROM users u JOIN logins l ON l.id = ? AND l.user_id = u.id WHERE u.id = ?";
static const char user_by_session[] =
    "SELECT 'u', u.id, u.email, u.name, u.region_role, u.active, l.revoked_at IS NULL, s.login_id, s.csrf_token,"
    " s.last_seen_at < NOW(6) - INTERVAL ? SECOND OR s.created_at < NOW(6) - INTERVAL ? SECOND,"
    " s.last_seen_at < NOW(6) - INTERVAL ? SECOND, u.must_change_password" NULLS_4
    " FROM sessions s JOIN logins l ON l.id = s.login_id"
    " JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?";
#define ROLES_OF(who)                                                                                                  \
	" UNION ALL SELECT 'm', m.tenant_id, t.slug, t.name, m.role, NULL, NULL" NULLS_9                               \
	"  FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = " who                             \
	" UNION ALL SELECT 'a', a.tenant_id, t.slug, NULL, NULL, NULL, NULL" NULLS_9                                   \
	"  FROM assignments a JOIN tenants t ON t.id = a.tenant_id WHERE a.user_id = " who
static const char roles_by_token[] = ROLES_OF("?");
static const char roles_by_session[] = ROLES_OF("(SELECT user_id FROM sessions WHERE id_hash = ?)");
static const char tenant_row[] =
    " UNION ALL SELECT 't', t.id, t.slug, t.name" NULLS_12 " FROM tenants t WHERE t.slug = ?";

#define IDENTITY_MAX_ARGS (8 + ROUTE_PREFETCH_PARAMS)

static identity *identity_from(http_req *r, db_res *res, long long login_id);

/* The {tenant} of a tenant route, or NULL. */
static const char *route_tenant(const http_req *r)
{
	return r->route != NULL && (r->route->flags & ROUTE_TENANT) ? http_param(r, "tenant") : NULL;
}

/* The route's prefetch, for the GET of a tenant route whose path parameters
 * it names are all there; else NULL. */
static const route_prefetch *route_prefetch_of(const http_req *r)
{
	const route *rt = r->route;
	if (rt == NULL || rt->prefetch == NULL || r->method != HTTP_GET || route_tenant(r) == NULL)
		return NULL;
	for (size_t i = 0; i < ROUTE_PREFETCH_PARAMS && rt->prefetch->params[i] != NULL; i++)
		if (http_param(r, rt->prefetch->params[i]) == NULL)
			return NULL;
	return rt->prefetch;
}

/* The user of the sessions this worker thread has seen, by the session's
 * hash: a session's user never changes, so the roles' parts can name the
 * user instead of reading the session row twice more (two table reads of
 * the statement's some twenty). The session row itself ('u') is still read
 * on every request and decides whether there is a session at all. Direct
 * mapped; a collision only costs the longer statement. */
enum { SESSION_USERS = 64 };
static _Thread_local struct {
	unsigned char hash[32];
	long long user_id;
} session_users[SESSION_USERS];

static long long *session_user_slot(const unsigned char hash[32], bool *hit)
{
	size_t i = ((size_t)hash[0] | (size_t)hash[1] << 8) % SESSION_USERS;
	*hit = session_users[i].user_id > 0 && memcmp(session_users[i].hash, hash, 32) == 0;
	if (!*hit) { /* the slot is this session's now, its user not yet known */
		memcpy(session_users[i].hash, hash, 32);
		session_users[i].user_id = 0;
	}
	return &session_users[i].user_id;
}

/* The one statement of the caller's identity: by token (login_id, user_id)
 * or by session (session_hash, with the session's row in 'u'), with the
 * tenant row and the prefetch when the route has them. A session whose user
 * this thread knows gets the token's roles parts with that user id. */
static int identity_query(http_req *r, const unsigned char *session_hash, const long long session_limits[3],
                          long long user_id, long long login_id, db_res **res)
{
	const char *slug = route_tenant(r);
	const route_prefetch *pf = route_prefetch_of(r);
	db_arg args[IDENTITY_MAX_ARGS];
	char types[IDENTITY_MAX_ARGS + 1];
	size_t n = 0;
#define ARG_I(v) (types[n] = 'i', args[n++] = (db_arg){.i = (v)})
#define ARG_S(v) (types[n] = 's', args[n++] = (db_arg){.s = (v)})
#define ARG_HASH() (types[n] = 'b', args[n++] = (db_arg){.s = (const char *)session_hash, .len = 32})
	if (session_hash != NULL) {
		ARG_I(session_limits[0]);
		ARG_I(session_limits[1]);
		ARG_I(session_limits[2]);
		ARG_HASH();
		if (user_id > 0) {
			ARG_I(user_id);
			ARG_I(user_id);
		} else {
			ARG_HASH();
			ARG_HASH();
		}
	} else {
		ARG_I(login_id);
		ARG_I(user_id);
		ARG_I(user_id);
		ARG_I(user_id);
	}
	if (slug != NULL)
		ARG_S(slug);
	for (size_t i = 0; pf != NULL && i < ROUTE_PREFETCH_PARAMS && pf->params[i] != NULL; i++)
		ARG_S(http_param(r, pf->params[i]));
#undef ARG_I
#undef ARG_S
#undef ARG_HASH
	types[n] = '\0';
	const char *sql = arena_printf(r->a, "%s%s%s%s%s", session_hash ? user_by_session : user_by_token,
	                               session_hash && user_id <= 0 ? roles_by_session : roles_by_token,
	                               slug ? tenant_row : "", pf ? " UNION ALL " : "", pf ? pf->sql : "");
	return db_query_args(r->db, r->a, res, sql, types, args);
}

/* The rows of res into r->user (through *out) and, on a tenant route, the
 * tenant row handed to scope_resolve_tenant through r->tenant: id 0 when
 * there is no such tenant, role not yet known. 1 when the user is unknown,
 * inactive, or logged out. */
static int read_identity(http_req *r, db_res *res, long long login_id, identity **out)
{
	size_t n = db_nrows(res);
	if (n == 0 || strcmp(db_val(res, 0, 0), "u") != 0 || db_int(res, 0, 5) != 1 || db_int(res, 0, 6) != 1)
		return 1; /* unknown, inactive, or logged out */
	*out = identity_from(r, res, login_id);
	if (route_tenant(r) != NULL) {
		tenant_ref *t = arena_calloc(r->a, 1, sizeof(*t));
		for (size_t i = 1; i < n; i++)
			if (db_val(res, i, 0)[0] == 't')
				*t = (tenant_ref){db_int(res, i, 1), db_val(res, i, 2), db_val(res, i, 3), ROLE_NONE};
		r->tenant = t;
	}
	return DB_OK;
}

static int load_identity(http_req *r, long long user_id, long long login_id, identity **out)
{
	db_res *res;
	int rc = identity_query(r, NULL, NULL, user_id, login_id, &res);
	return rc != DB_OK ? rc : read_identity(r, res, login_id, out);
}

int auth_load_identity(http_req *r, long long user_id, long long login_id, identity **out)
{
	/* Not the route's tenant nor its prefetch: the caller asks for the
	 * identity alone. */
	const route *rt = r->route;
	r->route = NULL;
	int rc = load_identity(r, user_id, login_id, out);
	r->route = rt;
	return rc;
}

int auth_session_identity(http_req *r, const unsigned char hash[32], long long idle_s, long long lifetime_s,
                          long long touch_s, auth_session *s)
{
	db_res *res;
	identity *u = NULL;
	const long long limits[3] = {idle_s, lifetime_s, touch_s};
	*s = (auth_session){0};
	bool known;
	long long *user = session_user_slot(hash, &known);
	int rc = identity_query(r, hash, limits, known ? *user : 0, 0, &res);
	if (rc == DB_OK && known && db_nrows(res) > 0 && strcmp(db_val(res, 0, 0), "u") == 0 &&
	    db_int(res, 0, 1) != *user) {
		/* Cannot be (a session keeps its user), but then the roles
		 * read were another user's: read them by the session. */
		*user = 0;
		rc = identity_query(r, hash, limits, 0, 0, &res);
	}
	if (rc != DB_OK)
		return rc;
	if (db_nrows(res) == 0 || strcmp(db_val(res, 0, 0), "u") != 0)
		return DB_OK; /* no such session */
	s->found = true;
	s->user_id = db_int(res, 0, 1);
	*user = s->user_id;
	s->login_id = db_int(res, 0, 7);
	s->csrf = db_val(res, 0, 8);
	s->expired = db_int(res, 0, 9) == 1;
	s->touch = db_int(res, 0, 10) == 1;
	if (s->expired)
		return DB_OK;
	rc = read_identity(r, res, s->login_id, &u);
	if (rc == DB_OK)
		r->user = u;
	return rc;
}

/* Rows tagged 'u' (first), 'm' and 'a' into an identity. */
static identity *identity_from(http_req *r, db_res *res, long long login_id)
{
	size_t n = db_nrows(res);
	identity *u = arena_calloc(r->a, 1, sizeof(*u));
	u->active = db_int(res, 0, 5) == 1;
	u->must_change_password = db_int(res, 0, 11) == 1;
	u->user_id = db_int(res, 0, 1);
	u->login_id = login_id;
	u->email = db_val(res, 0, 2);
	u->name = db_val(res, 0, 3);
	u->region_role = role_parse(db_val(res, 0, 4));
	u->prefetch = res;
	u->memberships = arena_calloc(r->a, n, sizeof(membership));
	u->assigned = arena_calloc(r->a, n, sizeof(long long));
	u->assigned_slugs = arena_calloc(r->a, n, sizeof(char *));
	for (size_t i = 1; i < n; i++) {
		const char *kind = db_val(res, i, 0);
		if (kind[0] == 'm') {
			membership *m = &u->memberships[u->nmemberships++];
			m->tenant_id = db_int(res, i, 1);
			m->tenant = db_val(res, i, 2);
			m->tenant_name = db_val(res, i, 3);
			m->role = role_parse(db_val(res, i, 4));
		} else if (kind[0] == 'a' && u->region_role == ROLE_UNIVERSITY) {
			u->assigned_slugs[u->nassigned] = db_val(res, i, 2);
			u->assigned[u->nassigned++] = db_int(res, i, 1);
		} else if (kind[0] == 'd') {
			if (u->nprefetch++ == 0)
				u->prefetch_first = i;
		}
	}
	return u;
}

/* The credential of the head alone: the token's presence, signature and
 * times, no database. On refusal the 401 problem is written. */
static int credential_check(http_req *r, long long *uid, long long *sid)
{
	const char *h = http_header_get(r, "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		http_problem(r, 401, "occorre prima accedere: inviare Authorization: Bearer <token di accesso>");
		goto unauthorized;
	}
	const char *tok = h + 7;
	while (*tok == ' ')
		tok++;
	if (auth_verify_token(tok, uid, sid) != 0) {
		http_problem(r, 401, "il token di accesso non è valido o è scaduto");
		goto unauthorized;
	}
	return 0;
unauthorized:
	http_set_header(r, "WWW-Authenticate", "Bearer realm=\"ambito\"");
	return -1;
}

int auth_request_head(http_req *r)
{
	long long uid, sid;
	if (credential_check(r, &uid, &sid) != 0)
		return -1;
	r->head_user_id = uid;
	r->head_login_id = sid;
	return 0;
}

int auth_request(http_req *r)
{
	/* The token the head's check verified is not verified again (its
	 * signature and claims cost more than the rest of a small read); the
	 * identity behind it is read now, as on every request. */
	long long uid = r->head_user_id, sid = r->head_login_id;
	if ((uid <= 0 || sid <= 0) && credential_check(r, &uid, &sid) != 0)
		return -1;
	identity *u = NULL;
	int rc = load_identity(r, uid, sid, &u);
	if (rc == DB_EUNAVAIL) {
		http_unavailable(r, NULL);
		return -1;
	}
	if (rc != DB_OK) {
		if (rc < 0)
			http_problem(r, 500, "impossibile leggere l'account");
		else
			http_problem(r, 401, "l'account non è attivo o la sessione è terminata");
		if (rc > 0)
			goto unauthorized;
		return -1;
	}
	r->user = u;
	return 0;
unauthorized:
	http_set_header(r, "WWW-Authenticate", "Bearer realm=\"ambito\"");
	return -1;
}

void auth_render_identity(jw *w, const identity *u)
{
	jw_obj_begin(w);
	jw_kint(w, "id", u->user_id);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "name", u->name);
	if (u->region_role != ROLE_NONE)
		jw_kstr(w, "role", role_name(u->region_role));
	else
		jw_knull(w, "role");
	jw_key(w, "memberships");
	jw_arr_begin(w);
	for (size_t i = 0; i < u->nmemberships; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "tenant", u->memberships[i].tenant);
		jw_kstr(w, "role", role_name(u->memberships[i].role));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "assignments");
	jw_arr_begin(w);
	for (size_t i = 0; i < u->nassigned; i++)
		jw_str(w, u->assigned_slugs[i]);
	jw_arr_end(w);
	jw_kbool(w, "active", u->active);
	jw_obj_end(w);
}
