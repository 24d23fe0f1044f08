/* Authentication: who is calling. Access tokens are HS256 JWTs checked in
 * full (algorithm pinned, signature, exp, iss, aud); the caller's roles are
 * then read from the database on every request, so a revoked role or a
 * deactivated user takes effect at once. */
#ifndef AMBITO_AUTH_H
#define AMBITO_AUTH_H

#include <stdbool.h>
#include <stddef.h>

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
	const char *tenant;
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
/* The same for any user (active or not), without a login: for the users API.
 * DB_OK, DB_E*, or 1 when there is no such user. */
int auth_load_user(http_req *r, long long user_id, identity **out);

const char *role_name(role r);
role role_parse(const char *s); /* ROLE_NONE when unknown */

/* A login attempt checked by auth_login_check. */
typedef enum { AUTH_LOGIN_OK, AUTH_LOGIN_WRONG, AUTH_LOGIN_BLOCKED, AUTH_LOGIN_UNAVAILABLE } auth_login_result;
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

/* Sets r->user (and on a tenant route the tenant row scope.c judges) for a
 * login the caller has already proved some other way (a browser session):
 * the same reads and checks as a Bearer token. DB_OK, a DB_E* code, or 1 when
 * the user is inactive or the login has ended. */
int auth_login_identity(http_req *r, long long user_id, long long login_id);

/* Authenticates the request from its Bearer token: sets r->user and returns
 * 0, or answers 401 (503 when the database is down) and returns -1. */
int auth_request(http_req *r);

bool auth_is_region(const identity *u); /* region_admin or region_reviewer */

/* Writes the user as the API shows it: id, email, name, role, memberships,
 * assignments, active. */
void auth_render_identity(jw *w, const identity *u);

void auth_register(void); /* /api/v1/auth/..., /api/v1/me... */

#endif
