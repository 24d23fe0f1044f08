/* Users and their roles (region_admin's API), and their data access
 * (user_store.c), shared with the members API and ambitoctl. */
#ifndef AMBITO_USERS_H
#define AMBITO_USERS_H

#include <stdbool.h>

#include "base/field_errors.h"
#include "base/json.h"
#include "db/db.h"
#include "http/http.h"
#include "identity/auth.h"

/* ---- data access (user_store.c) ----
 * DB_OK or a DB_E* code unless said otherwise; loaded data lives in a.
 * Writes run inside the caller's transaction. */

/* Inserts a user; with password NULL a random one is generated into
 * generated (else generated is ""). Returns rows (1) or DB_E* (DB_EDUP for
 * a taken email); *id gets the new id. */
long long user_store_create(db *d, const char *email, const char *name, const char *region_role, const char *password,
                            char generated[21], long long *id);

/* Adds a role on the tenant named by slug: rows inserted (0 when there is
 * no such tenant) or DB_E* (DB_EDUP when it is there already). */
long long user_store_add_membership(db *d, long long user_id, const char *tenant_slug, const char *rolename);
long long user_store_add_assignment(db *d, long long user_id, const char *tenant_slug);
int user_store_clear_memberships(db *d, long long user_id);
int user_store_clear_assignments(db *d, long long user_id);

/* The account an email names, as login and the members API need it. */
typedef struct user_account {
	long long id;
	const char *password_hash;
	bool active;
	role region_role;
} user_account;
/* *out NULL when no account has that email. */
int user_store_find_email(db *d, arena *a, const char *email, user_account **out);
/* A user (active or not) with memberships and assignments, and its version;
 * *out NULL when there is no such user. */
int user_store_get(db *d, arena *a, long long id, identity **out, long long *version);
/* Up to limit users with id > after, by id, with their memberships and
 * assignments: two statements whatever the page's size. *more tells whether
 * others follow. */
int user_store_list(db *d, arena *a, long long after, int limit, identity **out, size_t *n, bool *more);
/* Locks the user's row and reads its version (0 when there is none). */
int user_store_lock(db *d, long long id, long long *version);
/* Changes the name when not NULL and active when active_given; bumps the
 * version. */
int user_store_update(db *d, long long id, const char *name, bool active_given, bool active);
/* Sets active without bumping the version (for an account being created). */
int user_store_set_active(db *d, long long id, bool active);
/* region_role NULL removes it. */
int user_store_set_role(db *d, long long id, const char *region_role);

/* A new random password for the account, which must change it at the next
 * login; every login of the account ends. */
int user_store_reset_password(db *d, long long id, char generated[21]);

/* ---- the API's rules, for the API and the administration pages (users.c) ---- */
#define USER_ONE_TIME_PASSWORD_LEN 20 /* password_generate's */
enum {
	USERS_OK = 0,
	USERS_REFUSED = 1, /* the reasons are in the field errors */
	USERS_TAKEN = 2,   /* the email has an account already */
	USERS_MISSING = 3, /* no such user */
};
/* Creates a user from the body POST /api/v1/users takes, checked as the API
 * checks it; generated gets the first password when the body has none.
 * One of the above or a DB_E* code (< 0). Sets the audit object. */
int users_create(http_req *r, field_errors *e, const json_value *body, long long *id, char generated[21]);
/* Changes user id (locked and read into cur by the caller) from the body
 * PATCH /api/v1/users/{id} takes. */
int users_change(http_req *r, field_errors *e, long long id, const identity *cur, const json_value *body);
/* Gives user id a one-time password (into generated) that must be changed
 * at the next login, and ends its logins. Sets the audit object and detail
 * (never the password). */
int users_reset_password(http_req *r, long long id, char generated[USER_ONE_TIME_PASSWORD_LEN + 1]);

/* A member key: {"id","name"} of a user, or null when id is 0. */
void users_render_ref(jw *w, const char *key, long long id, const char *name);

void users_register(void);

#endif
