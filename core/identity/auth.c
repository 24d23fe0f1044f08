/* Access tokens and the caller's identity. A token is accepted only when its
 * header says HS256, its signature verifies with our key, and exp, iss and aud
 * hold; then the user, its login and its roles are read from the database in
 * one round trip (on a tenant route, with the {tenant} row that scope.c then
 * judges). libjwt 1.10 checks no claim itself, so all of it is here. */
#include "identity/auth.h"

#include <errno.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/id.h"
#include "base/log.h"
#include "db/db.h"
#include "http/router.h"
#include "identity/scope.h"

#define TOKEN_MAX_LEN 4096
#define CLOCK_SKEW_S 30

static const char *jwt_key;
static size_t jwt_key_len;
static const char *jwt_iss, *jwt_aud;

void auth_init(const char *secret, const char *issuer, const char *audience)
{
	jwt_key = secret;
	jwt_key_len = strlen(secret);
	jwt_iss = issuer;
	jwt_aud = audience;
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

/* A positive decimal id from a string claim, or -1. */
static long long claim_id(jwt_t *jwt, const char *name)
{
	long long id;
	return id_parse(jwt_get_grant(jwt, name), ID_MAX_DIGITS, &id) ? id : -1;
}

/* The token's own header must say alg HS256: checked on the raw header too,
 * because libjwt verifies with whatever algorithm the header names. */
static bool header_is_hs256(const char *token)
{
	const char *dot = strchr(token, '.');
	size_t n = dot ? (size_t)(dot - token) : 0;
	unsigned char b64[512], raw[400];
	if (n == 0 || n + 4 > sizeof(b64))
		return false;
	for (size_t i = 0; i < n; i++)
		b64[i] = token[i] == '-' ? '+' : token[i] == '_' ? '/' : (unsigned char)token[i];
	while (n % 4)
		b64[n++] = '=';
	int len = EVP_DecodeBlock(raw, b64, (int)n);
	if (len <= 0)
		return false;
	while (len > 0 && raw[len - 1] == '\0')
		len--;
	arena *a = arena_new();
	json_value *h;
	char err[64];
	bool ok = json_parse(a, (const char *)raw, (size_t)len, &h, err, sizeof(err)) == JSON_OK &&
	          json_get_str(h, "alg") != NULL && strcmp(json_get_str(h, "alg"), "HS256") == 0;
	arena_free(a);
	return ok;
}

int auth_verify_token(const char *token, long long *user_id, long long *login_id)
{
	jwt_t *jwt = NULL;
	int rc = -1;
	if (token == NULL || strlen(token) > TOKEN_MAX_LEN || jwt_key_len == 0 || !header_is_hs256(token))
		return -1;
	/* Always with our key: with a NULL key libjwt accepts alg "none". */
	if (jwt_decode(&jwt, token, (const unsigned char *)jwt_key, (int)jwt_key_len) != 0)
		goto done;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto done;
	const char *typ = jwt_get_header(jwt, "typ");
	if (typ != NULL && strcasecmp(typ, "JWT") != 0)
		goto done;
	time_t now = time(NULL);
	errno = 0;
	long exp = jwt_get_grant_int(jwt, "exp");
	if (errno == ENOENT || exp <= 0 || (time_t)exp <= now - 0)
		goto done;
	if ((time_t)exp > now + AUTH_TOKEN_TTL_S + CLOCK_SKEW_S) /* we never issue longer */
		goto done;
	errno = 0;
	long nbf = jwt_get_grant_int(jwt, "nbf");
	if (errno != ENOENT && (time_t)nbf > now + CLOCK_SKEW_S)
		goto done;
	const char *iss = jwt_get_grant(jwt, "iss"), *aud = jwt_get_grant(jwt, "aud");
	if (iss == NULL || aud == NULL || strcmp(iss, jwt_iss) != 0 || strcmp(aud, jwt_aud) != 0)
		goto done;
	*user_id = claim_id(jwt, "sub");
	*login_id = claim_id(jwt, "sid");
	if (*user_id <= 0 || *login_id <= 0)
		goto done;
	rc = 0;
done:
	jwt_free(jwt);
	return rc;
}

/* One round trip: the user and its login, then its memberships and
 * assignments, as rows tagged 'u', 'm', 'a'. */
#define IDENTITY_SQL                                                                                                   \
	"SELECT 'u', u.id, u.email, u.name, u.region_role, u.active, l.revoked_at IS NULL, u.must_change_password"     \
	"  FROM users u JOIN logins l ON l.id = ? AND l.user_id = u.id WHERE u.id = ?"                                 \
	" UNION ALL SELECT 'm', m.tenant_id, t.slug, t.name, m.role, NULL, NULL, NULL"                                 \
	"  FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = ?"                                \
	" UNION ALL SELECT 'a', a.tenant_id, t.slug, NULL, NULL, NULL, NULL, NULL"                                     \
	"  FROM assignments a JOIN tenants t ON t.id = a.tenant_id WHERE a.user_id = ?"
static const char identity_sql[] = IDENTITY_SQL;
/* For a route under /tenants/{tenant}: the same, and the tenant the path
 * names as a row tagged 't', so that scoping needs no round trip of its own.
 * Whether the caller may see that tenant is still decided by scope.c alone. */
static const char identity_tenant_sql[] =
    IDENTITY_SQL " UNION ALL SELECT 't', t.id, t.slug, t.name, NULL, NULL, NULL, NULL FROM tenants t WHERE t.slug = ?";

static identity *identity_from(http_req *r, db_res *res, long long login_id);

/* The {tenant} of a tenant route, or NULL. */
static const char *route_tenant(const http_req *r)
{
	return r->route != NULL && (r->route->flags & ROUTE_TENANT) ? http_param(r, "tenant") : NULL;
}

/* auth_load_identity, and with slug not NULL also the tenant it names,
 * handed to scope_resolve_tenant through r->tenant: id 0 when there is no
 * such tenant, role not yet known. Only auth_request asks for it. */
static int load_identity(http_req *r, long long user_id, long long login_id, const char *slug, identity **out)
{
	db_res *res;
	int rc = slug != NULL ? db_query(r->db, r->a, &res, identity_tenant_sql, "iiiis", login_id, user_id, user_id,
	                                 user_id, slug)
	                      : db_query(r->db, r->a, &res, identity_sql, "iiii", login_id, user_id, user_id, user_id);
	if (rc != DB_OK)
		return rc;
	size_t n = db_nrows(res);
	if (n == 0 || strcmp(db_val(res, 0, 0), "u") != 0 || db_int(res, 0, 5) != 1 || db_int(res, 0, 6) != 1)
		return 1; /* unknown, inactive, or logged out */
	*out = identity_from(r, res, login_id);
	if (slug != NULL) {
		tenant_ref *t = arena_calloc(r->a, 1, sizeof(*t));
		for (size_t i = 1; i < n; i++)
			if (db_val(res, i, 0)[0] == 't')
				*t = (tenant_ref){db_int(res, i, 1), db_val(res, i, 2), db_val(res, i, 3), ROLE_NONE};
		r->tenant = t;
	}
	return DB_OK;
}

int auth_load_identity(http_req *r, long long user_id, long long login_id, identity **out)
{
	return load_identity(r, user_id, login_id, NULL, out);
}

int auth_login_identity(http_req *r, long long user_id, long long login_id)
{
	identity *u = NULL;
	int rc = load_identity(r, user_id, login_id, route_tenant(r), &u);
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
	u->must_change_password = db_int(res, 0, 7) == 1;
	u->user_id = db_int(res, 0, 1);
	u->login_id = login_id;
	u->email = db_val(res, 0, 2);
	u->name = db_val(res, 0, 3);
	u->region_role = role_parse(db_val(res, 0, 4));
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
	return credential_check(r, &uid, &sid);
}

int auth_request(http_req *r)
{
	long long uid, sid;
	if (credential_check(r, &uid, &sid) != 0)
		return -1;
	identity *u = NULL;
	int rc = load_identity(r, uid, sid, route_tenant(r), &u);
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
