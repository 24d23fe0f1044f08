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

#include "base/log.h"
#include "base/password.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/throttle.h"
#include "identity/users.h"

#define REFRESH_TOKEN_LEN 43 /* base64url of 32 bytes */

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
	unsigned char h[SHA256_LEN];
	new_refresh_token(token);
	if (sha256(token, strlen(token), h) != 0)
		return DB_EERR;
	return auth_store_add_refresh(r->db, login_id, h);
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
		http_problem(r, 500, "impossibile firmare il token");
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
		http_problem(r, 500, "la richiesta non si è potuta completare");
	return true;
}

/* AUTH_LOGIN_BLOCKED with the seconds left when the account or the client
 * address (NULL: not counted) is blocked, AUTH_LOGIN_UNAVAILABLE when that
 * cannot be read. */
static auth_login_result blocked_for(http_req *r, const char *acct, const char *addr, long long *wait)
{
	long long wait_acct = throttle_blocked(r->db, acct), wait_addr = addr ? throttle_blocked(r->db, addr) : 0;
	if (wait_acct < 0 || wait_addr < 0)
		return AUTH_LOGIN_UNAVAILABLE;
	*wait = wait_acct > wait_addr ? wait_acct : wait_addr;
	return *wait > 0 ? AUTH_LOGIN_BLOCKED : AUTH_LOGIN_OK;
}

/* Answers 429 with Retry-After. A blocked login is not audited: the failures
 * that caused the block were, and an address could otherwise add rows
 * forever. A blocked password change has an authenticated caller. */
static void answer_blocked(http_req *r, long long wait)
{
	http_problemf(r, 429, "troppi accessi non riusciti: riprovare tra %lld %s", wait,
	              wait == 1 ? "secondo" : "secondi");
	http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
	if (r->user != NULL)
		audit_write(r);
	else
		metrics_refusal(REFUSAL_LOGIN_BLOCKED);
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

/* Answers 429 (or 503) and returns true when the account or the client
 * address is blocked. */
static bool answered_blocked(http_req *r, const char *acct, const char *addr)
{
	long long wait = 0;
	switch (blocked_for(r, acct, addr, &wait)) {
	case AUTH_LOGIN_UNAVAILABLE: http_unavailable(r, NULL); return true;
	case AUTH_LOGIN_BLOCKED: answer_blocked(r, wait); return true;
	default: return false;
	}
}

static bool password_login = true;

void auth_set_password_login(bool on)
{
	password_login = on;
}

/* The password check every login goes through, the API's and the browser's:
 * the throttle before and after the slow hash, the active flag, and the
 * failure counted. Answers nothing: the caller answers (and audits). */
auth_login_result auth_login_check(http_req *r, const char *email, const char *password, auth_login *out)
{
	char *lower = arena_strdup(r->a, email);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char *acct = arena_printf(r->a, "acct:%s", lower), *addr = arena_printf(r->a, "ip:%s", r->client_addr);
	r->audit_object = arena_printf(r->a, "login:%.200s", lower);
	*out = (auth_login){.email = lower, .db_rc = DB_EUNAVAIL};
	if (!password_login)
		return AUTH_LOGIN_DISABLED;

	/* Full already: refused before any query. */
	if (password_busy())
		return AUTH_LOGIN_BUSY;
	auth_login_result res = blocked_for(r, acct, addr, &out->retry_after);
	if (res != AUTH_LOGIN_OK)
		return res;
	user_account *acc;
	int rc = user_store_find_email(r->db, r->a, lower, &acc);
	if (rc != DB_OK) {
		out->db_rc = rc;
		return AUTH_LOGIN_UNAVAILABLE;
	}
	int checked = acc != NULL ? password_check(password, acc->password_hash) : password_dummy_check(password);
	if (checked == PASSWORD_EBUSY)
		return AUTH_LOGIN_BUSY;
	bool ok = acc != NULL && checked == PASSWORD_MATCH && acc->active;
	/* Again after the slow hash: guesses sent all at once passed the first
	 * check together, and whichever of them finish after the failures of the
	 * others blocked the key must not learn whether they were right. */
	res = blocked_for(r, acct, addr, &out->retry_after);
	if (res != AUTH_LOGIN_OK)
		return res;
	if (!ok) {
		throttle_fail(r->db, acct, THROTTLE_ACCOUNT_FREE);
		throttle_fail(r->db, addr, THROTTLE_ADDRESS_FREE);
		return AUTH_LOGIN_WRONG;
	}
	out->user_id = acc->id;
	out->region_role = acc->region_role;
	throttle_clear(r->db, acct);
	return AUTH_LOGIN_OK;
}

static void post_login(http_req *r)
{
	json_value *body;
	if (http_read_json(r, &body) != 0)
		return;
	field_errors *e = http_errors_new(r);
	const char *email = v_string(e, NULL, body, "email", 1, 254, true);
	const char *password = v_string(e, NULL, body, "password", 1, PASSWORD_MAX_BYTES, true);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	auth_login who;
	switch (auth_login_check(r, email, password, &who)) {
	case AUTH_LOGIN_UNAVAILABLE: db_failed(r, who.db_rc); return;
	case AUTH_LOGIN_BLOCKED: answer_blocked(r, who.retry_after); return;
	case AUTH_LOGIN_BUSY: answer_busy(r); return;
	case AUTH_LOGIN_DISABLED:
		http_problem(r, 403,
		             "l’accesso con password è disattivato: si entra con l’identità digitale della Regione");
		return;
	case AUTH_LOGIN_WRONG:
		http_problem(r, 401, "email o password errate");
		r->audit_detail = "login failed";
		audit_write(r);
		return;
	case AUTH_LOGIN_OK: break;
	}
	long long user_id = who.user_id, login_id = 0;
	char token[REFRESH_TOKEN_LEN + 1];
	if (db_failed(r, db_begin(r->db)) ||
	    db_failed(r, auth_store_add_login(r->db, user_id, r->client_addr, &login_id)))
		return;
	if (db_failed(r, store_refresh(r, login_id, token)))
		return;
	identity self = {.user_id = user_id, .email = who.email, .region_role = who.region_role};
	r->user = &self;
	r->status = 200;
	if (db_failed(r, audit_write(r)) || db_failed(r, db_commit(r->db))) {
		r->user = NULL;
		return;
	}
	r->user = NULL;
	answer_tokens(r, user_id, login_id, token);
}

/* The body's refresh token in its stored form (its SHA-256); false after
 * answering 422 (no token) or 500 (the digest failed). */
static bool read_refresh_hash(http_req *r, unsigned char h[SHA256_LEN])
{
	json_value *body;
	if (http_read_json(r, &body) != 0)
		return false;
	field_errors *e = http_errors_new(r);
	const char *tok = v_string(e, NULL, body, "refresh_token", 1, 128, true);
	if (http_errors_answer(r, e, 422, NULL))
		return false;
	if (sha256(tok, strlen(tok), h) == 0)
		return true;
	log_msg(LOG_ERROR, "auth: SHA-256 of a refresh token failed");
	http_problem(r, 500, "il token non ha potuto essere verificato");
	return false;
}

static void post_refresh(http_req *r)
{
	unsigned char h[SHA256_LEN];
	if (!read_refresh_hash(r, h))
		return;
	auth_refresh rt;
	bool found;
	if (db_failed(r, db_begin(r->db)))
		return;
	int rc = auth_store_lock_refresh(r->db, h, &rt, &found);
	if (db_failed(r, rc))
		return;
	if (!found) {
		db_rollback(r->db);
		http_problem(r, 401, "il token di rinnovo non è valido");
		metrics_refusal(REFUSAL_REFRESH_INVALID);
		return;
	}
	long long login_id = rt.login_id, user_id = rt.user_id;
	identity self = {.user_id = user_id};
	r->user = &self;
	r->audit_object = arena_printf(r->a, "login:%lld", login_id);
	if (rt.used && !rt.revoked) {
		/* A spent token again: someone else holds a copy. End the login. */
		if (db_failed(r, auth_store_revoke_login(r->db, login_id, "refresh token reuse")))
			goto out;
		http_problem(r, 401,
		             "il token di rinnovo era già stato usato: la sessione è stata chiusa, accedere di nuovo");
		r->audit_detail = "refresh token reuse: login revoked";
		if (db_failed(r, audit_write(r)) || db_failed(r, db_commit(r->db)))
			goto out;
		log_msg(LOG_WARN, "refresh token reuse: login %lld of user %lld revoked", login_id, user_id);
		goto out;
	}
	if (rt.used || rt.expired || rt.revoked || !rt.user_active) {
		db_rollback(r->db);
		http_problem(r, 401, "il token di rinnovo non è valido");
		metrics_refusal(REFUSAL_REFRESH_INVALID);
		goto out;
	}
	char token[REFRESH_TOKEN_LEN + 1];
	if (db_failed(r, auth_store_spend_refresh(r->db, h)) || db_failed(r, store_refresh(r, login_id, token)))
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
	unsigned char h[SHA256_LEN];
	if (!read_refresh_hash(r, h))
		return;
	bool ended;
	if (db_failed(r, auth_store_logout(r->db, h, &ended)))
		return;
	/* 204 also for an unknown token: logging out twice is not an error and
	 * the answer tells nothing about which tokens exist. Only a logout that
	 * ended a login is audited: anyone can send unknown tokens. */
	http_no_content(r);
	if (ended) {
		r->audit_detail = "logout";
		audit_write(r);
	} else {
		metrics_refusal(REFUSAL_LOGOUT_UNKNOWN);
	}
}

static void get_me(http_req *r)
{
	jw *w = http_json_begin(r);
	auth_render_identity(w, r->user);
	http_json_end(r, w, 200);
}

/* Changing one's password proves the current one, so wrong current
 * passwords are guesses like failed logins: they count against the same
 * per-account throttle (a stolen access token must not become an unlimited
 * password oracle), and a blocked account is refused here too. The caller's
 * route has its own transaction (ROUTE_OWN_TX), because a refused attempt
 * must still count. */
auth_password_result auth_password_change(http_req *r, const char *cur, const char *neu, int ok_status,
                                          long long *retry_after)
{
	const char *acct = arena_printf(r->a, "acct:%s", r->user->email);
	char hash[PASSWORD_HASH_MAX];
	auth_password_result res = AUTH_PASSWORD_UNAVAILABLE;
	const char *stored;
	*retry_after = 0;
	switch (blocked_for(r, acct, NULL, retry_after)) {
	case AUTH_LOGIN_UNAVAILABLE: goto out;
	case AUTH_LOGIN_BLOCKED: res = AUTH_PASSWORD_BLOCKED; goto out;
	default: break;
	}
	if (auth_store_password_hash(r->db, r->a, r->user->user_id, &stored) != DB_OK)
		goto out;
	int checked = stored != NULL ? password_check(cur, stored) : PASSWORD_MISMATCH;
	if (checked == PASSWORD_EBUSY) {
		res = AUTH_PASSWORD_BUSY;
		goto out;
	}
	/* Again after the slow hash, as for logins: guesses sent at once. */
	switch (blocked_for(r, acct, NULL, retry_after)) {
	case AUTH_LOGIN_UNAVAILABLE: goto out;
	case AUTH_LOGIN_BLOCKED: res = AUTH_PASSWORD_BLOCKED; goto out;
	default: break;
	}
	if (checked != PASSWORD_MATCH) {
		throttle_fail(r->db, acct, THROTTLE_ACCOUNT_FREE);
		res = AUTH_PASSWORD_WRONG;
		goto out;
	}
	throttle_clear(r->db, acct);
	if (strcmp(cur, neu) == 0) {
		res = AUTH_PASSWORD_SAME;
		goto out;
	}
	int hashed = password_hash(neu, hash, sizeof(hash));
	if (hashed != 0) {
		res = hashed == PASSWORD_EBUSY ? AUTH_PASSWORD_BUSY : AUTH_PASSWORD_FAILED;
		goto out;
	}
	/* Other logins end with the change: whoever knew the old password is
	 * out. The audit row is written inside the change's transaction. */
	r->audit_detail = "password changed";
	r->status = ok_status;
	if (db_begin(r->db) != DB_OK ||
	    auth_store_set_password(r->db, r->user->user_id, hash, r->user->login_id) != DB_OK ||
	    audit_write(r) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		r->status = 0;
		r->audit_detail = NULL;
		goto out;
	}
	res = AUTH_PASSWORD_CHANGED;
out:
	return res;
}

static void put_my_password(http_req *r)
{
	json_value *body;
	const char *acct = arena_printf(r->a, "acct:%s", r->user->email);
	bool audited = false;
	long long wait = 0;
	if ((audited = answered_blocked(r, acct, NULL)))
		goto out;
	if (http_read_json(r, &body) != 0)
		goto out;
	field_errors *e = http_errors_new(r);
	const char *cur = v_string(e, NULL, body, "current_password", 1, PASSWORD_MAX_BYTES, true);
	const char *neu = v_password(e, NULL, body, "new_password", true);
	if (http_errors_answer(r, e, 422, NULL))
		goto out;
	switch (auth_password_change(r, cur, neu, 204, &wait)) {
	case AUTH_PASSWORD_CHANGED:
		http_no_content(r);
		audited = true; /* inside the transaction */
		break;
	case AUTH_PASSWORD_WRONG:
		r->audit_detail = "password change: wrong current password";
		field_errors_add(e, "current_password", "non corrisponde alla password attuale");
		http_errors_answer(r, e, 422, NULL);
		break;
	case AUTH_PASSWORD_SAME:
		field_errors_add(e, "new_password", "deve essere diversa dalla password attuale");
		http_errors_answer(r, e, 422, NULL);
		break;
	case AUTH_PASSWORD_BLOCKED:
		answer_blocked(r, wait);
		audited = true;
		break;
	case AUTH_PASSWORD_BUSY: http_unavailable(r, "troppi accessi in corso: riprovare tra poco"); break;
	case AUTH_PASSWORD_FAILED: http_problem(r, 500, "impossibile elaborare la password"); break;
	case AUTH_PASSWORD_UNAVAILABLE: http_unavailable(r, NULL); break;
	}
out:
	if (!audited && r->status != 503)
		audit_write(r);
}

static const route routes[] = {
    {HTTP_POST, "/api/v1/auth/login", post_login, ROUTE_PUBLIC | ROUTE_OWN_TX, "Log in with email and password",
     "LoginRequest", "TokenPair"},
    {HTTP_POST, "/api/v1/auth/refresh", post_refresh, ROUTE_PUBLIC | ROUTE_OWN_TX,
     "Exchange a refresh token for a new pair", "RefreshRequest", "TokenPair"},
    {HTTP_POST, "/api/v1/auth/logout", post_logout, ROUTE_PUBLIC | ROUTE_OWN_TX, "End the login of a refresh token",
     "RefreshRequest", NULL},
    {HTTP_GET, "/api/v1/me", get_me, 0, "The caller, with roles, memberships and assignments", NULL, "User"},
    {HTTP_PUT, "/api/v1/me/password", put_my_password, ROUTE_OWN_TX, "Change one's own password", "PasswordChange",
     NULL},
};

void auth_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
