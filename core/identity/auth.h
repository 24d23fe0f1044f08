/* Authentication: who is calling. Access tokens are HS256 JWTs checked in
 * full (algorithm pinned, signature, exp, iss, aud); the caller's roles are
 * then read from the database on every request, so a revoked role or a
 * deactivated user takes effect at once. */
#ifndef AMBITO_AUTH_H
#define AMBITO_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "http/http.h"

typedef enum {
	ROLE_NONE = 0,
	ROLE_REGION_ADMIN,
	ROLE_REGION_REVIEWER,
	ROLE_UNIVERSITY,
	ROLE_ATS_COORDINATOR,
	ROLE_ATS_EDITOR,
	ROLE_ATS_VIEWER
} role;

typedef struct membership {
	long long tenant_id;
	const char *tenant;      /* slug */
	const char *tenant_name; /* its name, for people to read */
	role role;
} membership;

typedef struct identity {
	long long user_id;
	long long login_id;
	const char *email;
	const char *name;
	role region_role; /* ROLE_NONE, ROLE_REGION_*, or ROLE_UNIVERSITY */
	membership *memberships;
	size_t nmemberships;
	long long *assigned; /* tenant ids, for ROLE_UNIVERSITY */
	const char **assigned_slugs;
	size_t nassigned;
	bool active;
	/* the password was given by a reset: the account must choose its own
	 * before anything else (README, "Password reset") */
	bool must_change_password;
	/* The rows of the route's prefetch, read with the identity: rows
	 * prefetch_first … + nprefetch of prefetch. Read them through
	 * scope_prefetched. */
	const db_res *prefetch;
	size_t prefetch_first, nprefetch;
} identity;

#define AUTH_TOKEN_TTL_S 900 /* access tokens live 15 minutes */

void auth_init(const char *secret, const char *issuer, const char *audience);
/* A signed access token (free() it), or NULL. */
char *auth_issue_token(long long user_id, long long login_id, long long *expires_in);
/* 0 when the token is fully valid; fills the user and login ids. */
int auth_verify_token(const char *token, long long *user_id, long long *login_id);
/* Reads the user's current roles. DB_OK, a DB_E* code, or 1 when the user is
 * unknown, inactive, or the login was revoked. */
int auth_load_identity(http_req *r, long long user_id, long long login_id, identity **out);

const char *role_name(role r);
role role_parse(const char *s); /* ROLE_NONE when unknown */

/* A login attempt checked by auth_login_check. */
typedef enum {
	AUTH_LOGIN_OK,
	AUTH_LOGIN_WRONG,
	AUTH_LOGIN_BLOCKED,
	AUTH_LOGIN_UNAVAILABLE,
	AUTH_LOGIN_BUSY,    /* the hashing pool is full: 503, not a failed guess */
	AUTH_LOGIN_DISABLED /* password login is switched off (single sign-on only) */
} auth_login_result;
/* Whether passwords log in at all (setting password_login; on by default). */
void auth_set_password_login(bool on);
typedef struct auth_login {
	const char *email; /* lowercased */
	long long user_id; /* when OK */
	role region_role;
	long long retry_after; /* seconds, when BLOCKED */
	int db_rc;             /* the DB_E* code, when UNAVAILABLE */
} auth_login;
/* The one password check of every login (API and browser): throttling per
 * account and client address before and after the hash, the active flag,
 * the failure counted. Sets r->audit_object; answers nothing. */
auth_login_result auth_login_check(http_req *r, const char *email, const char *password, auth_login *out);

typedef enum auth_password_result {
	AUTH_PASSWORD_CHANGED,
	AUTH_PASSWORD_WRONG,       /* the current password is not it: counted */
	AUTH_PASSWORD_SAME,        /* the new one is the current one */
	AUTH_PASSWORD_BLOCKED,     /* the account is throttled: *retry_after */
	AUTH_PASSWORD_BUSY,        /* the hashing pool is full: 503, not counted */
	AUTH_PASSWORD_UNAVAILABLE, /* the database failed */
	AUTH_PASSWORD_FAILED       /* the hash could not be made */
} auth_password_result;
/* The one password change of the API and the browser, for r->user: the
 * per-account throttle before and after checking cur, a wrong cur counted
 * like a failed login, the new hash stored and every other login ended.
 * On CHANGED the change and its audit row (r->status = ok_status) are
 * committed; otherwise the caller answers and audits. neu has passed the
 * password rules (v_password's) already. */
auth_password_result auth_password_change(http_req *r, const char *cur, const char *neu, int ok_status,
                                          long long *retry_after);

/* A browser session (core/web): the row its cookie's SHA-256 names, read
 * together with the caller's identity, the route's tenant row and its
 * prefetch in one round trip. */
typedef struct auth_session {
	bool found;   /* there is such a session */
	bool expired; /* idle past idle_s or older than lifetime_s */
	bool touch;   /* last seen more than touch_s ago */
	long long user_id, login_id;
	const char *csrf;
} auth_session;
/* Reads the session named by hash and, when it is found and not expired,
 * sets r->user (and on a tenant route the tenant row scope.c judges) with
 * the same reads and checks as a Bearer token. DB_OK, a DB_E* code, or 1
 * when the user is inactive or the login has ended. */
int auth_session_identity(http_req *r, const unsigned char hash[32], long long idle_s, long long lifetime_s,
                          long long touch_s, auth_session *s);

/* Authenticates the request from its Bearer token: sets r->user and returns
 * 0, or answers 401 (503 when the database is down) and returns -1. */
int auth_request(http_req *r);
/* The part of auth_request that needs only the head, run before the body is
 * read: a Bearer token is there and its signature and times hold. 0, or
 * answers 401 and returns -1. No database, so it runs on the I/O thread. */
int auth_request_head(http_req *r);

bool auth_is_region(const identity *u); /* region_admin or region_reviewer */

/* Writes the user as the API shows it: id, email, name, role, memberships,
 * assignments, active. */
void auth_render_identity(jw *w, const identity *u);

/* ---- data access of logins, refresh tokens and passwords (auth_store.c) ----
 * DB_OK or DB_E*. Refresh tokens are named by their SHA-256 (32 bytes). */

/* A new login of user_id from client; sets *login_id. */
int auth_store_add_login(db *d, long long user_id, const char *client, long long *login_id);
/* A refresh token for login_id, valid for AUTH_REFRESH_TTL. */
#define AUTH_REFRESH_TTL "7 DAY"
int auth_store_add_refresh(db *d, long long login_id, const unsigned char hash[32]);

/* A refresh token with its login and user, as read (and locked) on use. */
typedef struct auth_refresh {
	long long login_id, user_id;
	bool used, expired, revoked, user_active;
} auth_refresh;
/* Locks the token's row; *found false when no token has that hash. */
int auth_store_lock_refresh(db *d, const unsigned char hash[32], auth_refresh *out, bool *found);
int auth_store_spend_refresh(db *d, const unsigned char hash[32]);
/* Ends a login (why is kept for the administrator). */
int auth_store_revoke_login(db *d, long long login_id, const char *why);
/* Ends the login of a refresh token; *ended false when it was unknown or
 * already ended. */
int auth_store_logout(db *d, const unsigned char hash[32], bool *ended);

/* The user's password hash (in a); NULL when there is no such user. */
int auth_store_password_hash(db *d, arena *a, long long user_id, const char **hash);
/* Stores a new password hash and ends every other login of the user but
 * keep_login_id: whoever knew the old password is out. */
int auth_store_set_password(db *d, long long user_id, const char *hash, long long keep_login_id);

void auth_register(void); /* /api/v1/auth/..., /api/v1/me... */

#endif
