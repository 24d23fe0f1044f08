/* Login, refresh, logout, the caller's own account and password. Refresh
 * tokens are 256 random bits shown once and stored as SHA-256 hashes; each use
 * replaces the token, and a second use of a spent one ends the whole login
 * (it was stolen, or leaked). */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "identity/audit.h"
#include "identity/auth.h"
#include "db/db.h"
#include "base/log.h"
#include "base/password.h"
#include "http/router.h"
#include "identity/throttle.h"
#include "base/utf8.h"
#include "http/validate.h"

#define REFRESH_TTL "7 DAY"
#define REFRESH_TOKEN_LEN 43 /* base64url of 32 bytes */

static void sha256(const char *s, unsigned char out[32])
{
	unsigned int n = 32;
	EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL);
}

static void new_refresh_token(char out[REFRESH_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	char b64[48];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	EVP_EncodeBlock((unsigned char *)b64, raw, sizeof(raw));
	for (int i = 0; i < REFRESH_TOKEN_LEN; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[REFRESH_TOKEN_LEN] = '\0';
}

/* Stores a new refresh token for login_id; fills token. */
static int store_refresh(http_req *r, long long login_id, char token[REFRESH_TOKEN_LEN + 1])
{
	unsigned char h[32];
	new_refresh_token(token);
	sha256(token, h);
	long long rc = db_exec(r->db,
	                       "INSERT INTO refresh_tokens (token_hash, login_id, expires_at)"
	                       " VALUES (?, ?, NOW(6) + INTERVAL " REFRESH_TTL ")",
	                       "bi", (const char *)h, (size_t)32, login_id);
	return rc < 0 ? (int)rc : DB_OK;
}

/* The 200 answer of login and refresh: a token pair and the user. */
static void answer_tokens(http_req *r, long long user_id, long long login_id, const char *refresh)
{
	identity *u = NULL;
	long long expires_in = 0;
	if (auth_load_identity(r, user_id, login_id, &u) != DB_OK) {
		http_unavailable(r, NULL);
		return;
	}
	char *access = auth_issue_token(user_id, login_id, &expires_in);
	if (access == NULL) {
		http_problem(r, 500, "could not sign the token");
		return;
	}
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "access_token", access);
	jw_kstr(w, "token_type", "Bearer");
	jw_kint(w, "expires_in", expires_in);
	jw_kstr(w, "refresh_token", refresh);
	jw_key(w, "user");
	auth_render_identity(w, u);
	jw_obj_end(w);
	http_json_end(r, w, 200);
	free(access);
}

static bool db_failed(http_req *r, long long rc)
{
	if (rc >= 0)
		return false;
	db_rollback(r->db);
	if (rc == DB_EUNAVAIL || rc == DB_ECONFLICT)
		http_unavailable(r, NULL);
	else
		http_problem(r, 500, "the request could not be completed");
	return true;
}

/* Answers 429 (or 503) and returns true when the account or the client
 * address is blocked. */
static bool answered_blocked(http_req *r, const char *acct, const char *addr)
{
	long long wait_acct = throttle_blocked(r->db, acct), wait_addr = throttle_blocked(r->db, addr);
	if (wait_acct < 0 || wait_addr < 0) {
		http_unavailable(r, NULL);
		return true;
	}
	if (wait_acct > 0 || wait_addr > 0) {
		long long wait = wait_acct > wait_addr ? wait_acct : wait_addr;
		http_problemf(r, 429, "too many failed logins: try again in %lld seconds", wait);
		http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
		audit_write(r);
		return true;
	}
	return false;
}

/* The hashing pool is full: 503. Not a failed guess, so nothing counts
 * against the throttle; and, like a request refused because the workers'
 * queue is full, not audited: shedding load must not cost a write each
 * (clients that retry at once come back by the hundred a second). The
 * access log has it. */
static void answer_busy(http_req *r)
{
	http_unavailable(r, "troppi accessi in corso: riprovare tra poco");
	r->log_detail = "login refused: hashing queue full";
}

static void post_login(http_req *r)
{
	json_value *body;
	if (http_read_json(r, &body) != 0)
		return;
	http_errors *e = http_errors_new(r);
	const char *email = v_string(e, NULL, body, "email", 1, 254, true);
	const char *password = v_string(e, NULL, body, "password", 1, PASSWORD_MAX_BYTES, true);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	char *lower = arena_strdup(r->a, email);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char *acct = arena_printf(r->a, "acct:%s", lower), *addr = arena_printf(r->a, "ip:%s", r->client_addr);
	r->audit_object = arena_printf(r->a, "login:%.200s", lower);

	/* Full already: refused before any query. */
	if (password_busy()) {
		answer_busy(r);
		return;
	}
	if (answered_blocked(r, acct, addr))
		return;

	db_res *res;
	int rc = db_query(r->db, r->a, &res, "SELECT id, password_hash, active, region_role FROM users WHERE email = ?",
	                  "s", lower);
	if (rc != DB_OK) {
		db_failed(r, rc);
		return;
	}
	int checked = db_nrows(res) == 1 ? password_check(password, db_val(res, 0, 1)) : password_dummy_check(password);
	if (checked == PASSWORD_EBUSY) {
		answer_busy(r);
		return;
	}
	bool ok = db_nrows(res) == 1 && checked == PASSWORD_MATCH && db_int(res, 0, 2) == 1;
	/* Again after the slow hash: guesses sent all at once passed the first
	 * check together, and whichever of them finish after the failures of the
	 * others blocked the key must not learn whether they were right. */
	if (answered_blocked(r, acct, addr))
		return;
	if (!ok) {
		throttle_fail(r->db, acct, THROTTLE_ACCOUNT_FREE);
		throttle_fail(r->db, addr, THROTTLE_ADDRESS_FREE);
		http_problem(r, 401, "wrong email or password");
		r->audit_detail = "login failed";
		audit_write(r);
		return;
	}
	long long user_id = db_int(res, 0, 0);
	throttle_clear(r->db, acct);
	char token[REFRESH_TOKEN_LEN + 1];
	if (db_failed(r, db_begin(r->db)) ||
	    db_failed(
	        r, db_exec(r->db, "INSERT INTO logins (user_id, client) VALUES (?, ?)", "is", user_id, r->client_addr)))
		return;
	long long login_id = (long long)db_last_id(r->db);
	if (db_failed(r, store_refresh(r, login_id, token)))
		return;
	identity self = {.user_id = user_id, .email = lower, .region_role = role_parse(db_val(res, 0, 3))};
	r->user = &self;
	r->status = 200;
	if (db_failed(r, audit_write(r)) || db_failed(r, db_commit(r->db))) {
		r->user = NULL;
		return;
	}
	r->user = NULL;
	answer_tokens(r, user_id, login_id, token);
}

static const char *read_refresh_token(http_req *r)
{
	json_value *body;
	if (http_read_json(r, &body) != 0)
		return NULL;
	http_errors *e = http_errors_new(r);
	const char *tok = v_string(e, NULL, body, "refresh_token", 1, 128, true);
	if (http_errors_answer(r, e, 422, NULL))
		return NULL;
	return tok;
}

static void post_refresh(http_req *r)
{
	const char *tok = read_refresh_token(r);
	if (tok == NULL)
		return;
	unsigned char h[32];
	sha256(tok, h);
	db_res *res;
	if (db_failed(r, db_begin(r->db)))
		return;
	int rc = db_query(r->db, r->a, &res,
	                  "SELECT rt.login_id, rt.used_at IS NOT NULL, rt.expires_at < NOW(6),"
	                  " l.revoked_at IS NOT NULL, l.user_id, u.active"
	                  " FROM refresh_tokens rt JOIN logins l ON l.id = rt.login_id JOIN users u ON u.id = l.user_id"
	                  " WHERE rt.token_hash = ? FOR UPDATE",
	                  "b", (const char *)h, (size_t)32);
	if (db_failed(r, rc))
		return;
	if (db_nrows(res) == 0) {
		db_rollback(r->db);
		http_problem(r, 401, "the refresh token is not valid");
		return;
	}
	long long login_id = db_int(res, 0, 0), user_id = db_int(res, 0, 4);
	identity self = {.user_id = user_id};
	r->user = &self;
	r->audit_object = arena_printf(r->a, "login:%lld", login_id);
	if (db_int(res, 0, 1) == 1 && db_int(res, 0, 3) == 0) {
		/* A spent token again: someone else holds a copy. End the login. */
		if (db_failed(r, db_exec(r->db,
		                         "UPDATE logins SET revoked_at = NOW(6), revoked_why = 'refresh token reuse'"
		                         " WHERE id = ?",
		                         "i", login_id)))
			goto out;
		http_problem(r, 401, "the refresh token was already used: this login has been ended, log in again");
		r->audit_detail = "refresh token reuse: login revoked";
		if (db_failed(r, audit_write(r)) || db_failed(r, db_commit(r->db)))
			goto out;
		log_msg(LOG_WARN, "refresh token reuse: login %lld of user %lld revoked", login_id, user_id);
		goto out;
	}
	if (db_int(res, 0, 1) == 1 || db_int(res, 0, 2) == 1 || db_int(res, 0, 3) == 1 || db_int(res, 0, 5) != 1) {
		db_rollback(r->db);
		http_problem(r, 401, "the refresh token is not valid");
		goto out;
	}
	char token[REFRESH_TOKEN_LEN + 1];
	if (db_failed(r, db_exec(r->db, "UPDATE refresh_tokens SET used_at = NOW(6) WHERE token_hash = ?", "b",
	                         (const char *)h, (size_t)32)) ||
	    db_failed(r, store_refresh(r, login_id, token)))
		goto out;
	r->status = 200;
	if (db_failed(r, audit_write(r)) || db_failed(r, db_commit(r->db)))
		goto out;
	r->user = NULL;
	answer_tokens(r, user_id, login_id, token);
out:
	r->user = NULL;
}

static void post_logout(http_req *r)
{
	const char *tok = read_refresh_token(r);
	if (tok == NULL)
		return;
	unsigned char h[32];
	sha256(tok, h);
	long long rc = db_exec(r->db,
	                       "UPDATE logins l JOIN refresh_tokens rt ON rt.login_id = l.id"
	                       " SET l.revoked_at = NOW(6), l.revoked_why = 'logout'"
	                       " WHERE rt.token_hash = ? AND l.revoked_at IS NULL",
	                       "b", (const char *)h, (size_t)32);
	if (db_failed(r, rc))
		return;
	/* 204 also for an unknown token: logging out twice is not an error and
	 * the answer tells nothing about which tokens exist. */
	http_no_content(r);
	r->audit_detail = rc > 0 ? "logout" : "logout of an unknown or ended login";
	audit_write(r);
}

static void get_me(http_req *r)
{
	jw *w = http_json_begin(r);
	auth_render_identity(w, r->user);
	http_json_end(r, w, 200);
}

static void put_my_password(http_req *r)
{
	json_value *body;
	if (http_read_json(r, &body) != 0)
		return;
	http_errors *e = http_errors_new(r);
	const char *cur = v_string(e, NULL, body, "current_password", 1, PASSWORD_MAX_BYTES, true);
	const char *neu = v_password(e, NULL, body, "new_password", true);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	db_res *res;
	int rc = db_query(r->db, r->a, &res, "SELECT password_hash FROM users WHERE id = ?", "i", r->user->user_id);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the account");
		return;
	}
	int checked = db_nrows(res) == 1 ? password_check(cur, db_val(res, 0, 0)) : PASSWORD_MISMATCH;
	if (checked == PASSWORD_EBUSY) {
		http_unavailable(r, "troppi accessi in corso: riprovare tra poco");
		return;
	}
	if (checked != PASSWORD_MATCH) {
		http_errors_add(e, "current_password", "is not your current password");
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (strcmp(cur, neu) == 0) {
		http_errors_add(e, "new_password", "must differ from the current password");
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	char hash[PASSWORD_HASH_MAX];
	int hashed = password_hash(neu, hash, sizeof(hash));
	if (hashed == PASSWORD_EBUSY) {
		http_unavailable(r, "troppi accessi in corso: riprovare tra poco");
		return;
	}
	if (hashed != 0) {
		http_problem(r, 500, "could not hash the password");
		return;
	}
	long long n = db_exec(r->db, "UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?", "si",
	                      hash, r->user->user_id);
	/* Other logins end: whoever knew the old password is out. */
	if (n >= 0)
		n = db_exec(r->db,
		            "UPDATE logins SET revoked_at = NOW(6), revoked_why = 'password changed'"
		            " WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
		            "ii", r->user->user_id, r->user->login_id);
	if (n < 0) {
		http_db_error(r, n, "the password");
		return;
	}
	r->audit_detail = "password changed";
	http_no_content(r);
}

static const route routes[] = {
    {HTTP_POST, "/api/v1/auth/login", post_login, ROUTE_PUBLIC | ROUTE_OWN_TX, "Log in with email and password",
     "LoginRequest", "TokenPair"},
    {HTTP_POST, "/api/v1/auth/refresh", post_refresh, ROUTE_PUBLIC | ROUTE_OWN_TX,
     "Exchange a refresh token for a new pair", "RefreshRequest", "TokenPair"},
    {HTTP_POST, "/api/v1/auth/logout", post_logout, ROUTE_PUBLIC | ROUTE_OWN_TX, "End the login of a refresh token",
     "RefreshRequest", NULL},
    {HTTP_GET, "/api/v1/me", get_me, 0, "The caller, with roles, memberships and assignments", NULL, "User"},
    {HTTP_PUT, "/api/v1/me/password", put_my_password, 0, "Change one's own password", "PasswordChange", NULL},
};

void auth_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
