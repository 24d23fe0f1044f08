/* The users' SQL: accounts, their ATS memberships and university
 * assignments. A page of users is read in two statements, the users and
 * then every membership and assignment of the page's id range. */
#include <limits.h>

#include "base/password.h"
#include "identity/users.h"

long long user_store_create(db *d, const char *email, const char *name, const char *region_role, const char *password,
                            char generated[21], long long *id)
{
	char hash[PASSWORD_HASH_MAX];
	generated[0] = '\0';
	if (password == NULL) {
		password_generate(generated);
		password = generated;
	}
	int hashed = password_hash(password, hash, sizeof(hash));
	if (hashed != 0)
		return hashed == PASSWORD_EBUSY ? DB_EUNAVAIL : DB_EERR; /* busy: 503, try again */
	long long rc = db_exec(d, "INSERT INTO users (email, name, region_role, password_hash) VALUES (?, ?, ?, ?)",
	                       "ssss", email, name ? name : "", region_role, hash);
	*id = rc >= 0 ? (long long)db_last_id(d) : 0;
	return rc;
}

long long user_store_add_membership(db *d, long long user_id, const char *tenant_slug, const char *rolename)
{
	return db_exec(d,
	               "INSERT INTO memberships (tenant_id, user_id, role) SELECT id, ?, ? FROM tenants WHERE slug = ?",
	               "iss", user_id, rolename, tenant_slug);
}

long long user_store_add_assignment(db *d, long long user_id, const char *tenant_slug)
{
	return db_exec(d, "INSERT INTO assignments (tenant_id, user_id) SELECT id, ? FROM tenants WHERE slug = ?", "is",
	               user_id, tenant_slug);
}

int user_store_clear_memberships(db *d, long long user_id)
{
	DB_TRY(db_exec(d, "DELETE FROM memberships WHERE user_id = ?", "i", user_id));
	return DB_OK;
}

int user_store_clear_assignments(db *d, long long user_id)
{
	DB_TRY(db_exec(d, "DELETE FROM assignments WHERE user_id = ?", "i", user_id));
	return DB_OK;
}

int user_store_find_email(db *d, arena *a, const char *email, user_account **out)
{
	db_res *res;
	*out = NULL;
	DB_TRY(db_query(d, a, &res, "SELECT id, password_hash, active, region_role FROM users WHERE email = ?", "s",
	                email));
	if (db_nrows(res) != 1)
		return DB_OK;
	user_account *u = arena_calloc(a, 1, sizeof(*u));
	*u =
	    (user_account){db_int(res, 0, 0), db_val(res, 0, 1), db_int(res, 0, 2) == 1, role_parse(db_val(res, 0, 3))};
	*out = u;
	return DB_OK;
}

/* Users with after < id <= upto, at most max of them, then the memberships
 * and assignments of the ids read, ordered by user so that each user's are
 * one run of rows. */
static int users_load(db *d, arena *a, long long after, long long upto, size_t max, identity **out,
                      long long **versions, size_t *n)
{
	db_res *res, *roles;
	DB_TRY(db_query(d, a, &res,
	                "SELECT id, email, name, region_role, active, version FROM users"
	                " WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
	                "iii", after, upto, (long long)max));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	*versions = arena_calloc(a, *n + 1, sizeof(**versions));
	if (*n == 0)
		return DB_OK;
	long long last = db_int(res, *n - 1, 0);
	DB_TRY(db_query(d, a, &roles,
	                "SELECT m.user_id, 'm', m.tenant_id, t.slug, m.role FROM memberships m"
	                " JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id > ? AND m.user_id <= ?"
	                " UNION ALL SELECT s.user_id, 'a', s.tenant_id, t.slug, NULL FROM assignments s"
	                " JOIN tenants t ON t.id = s.tenant_id WHERE s.user_id > ? AND s.user_id <= ?"
	                " ORDER BY 1, 2 DESC, 3",
	                "iiii", after, last, after, last));
	size_t nroles = db_nrows(roles), j = 0;
	for (size_t i = 0; i < *n; i++) {
		identity *u = &(*out)[i];
		u->user_id = db_int(res, i, 0);
		u->email = db_val(res, i, 1);
		u->name = db_val(res, i, 2);
		u->region_role = role_parse(db_val(res, i, 3));
		u->active = db_int(res, i, 4) == 1;
		(*versions)[i] = db_int(res, i, 5);
		while (j < nroles && db_int(roles, j, 0) < u->user_id)
			j++;
		size_t k = j;
		while (k < nroles && db_int(roles, k, 0) == u->user_id)
			k++;
		u->memberships = arena_calloc(a, k - j + 1, sizeof(*u->memberships));
		u->assigned = arena_calloc(a, k - j + 1, sizeof(*u->assigned));
		u->assigned_slugs = arena_calloc(a, k - j + 1, sizeof(*u->assigned_slugs));
		for (; j < k; j++) {
			if (db_val(roles, j, 1)[0] == 'm') {
				membership *m = &u->memberships[u->nmemberships++];
				m->tenant_id = db_int(roles, j, 2);
				m->tenant = db_val(roles, j, 3);
				m->role = role_parse(db_val(roles, j, 4));
			} else if (u->region_role == ROLE_UNIVERSITY) {
				u->assigned_slugs[u->nassigned] = db_val(roles, j, 3);
				u->assigned[u->nassigned++] = db_int(roles, j, 2);
			}
		}
	}
	return DB_OK;
}

int user_store_get(db *d, arena *a, long long id, identity **out, long long *version)
{
	long long *versions;
	size_t n;
	*out = NULL;
	*version = 0;
	if (id <= 0)
		return DB_OK;
	identity *us;
	DB_TRY(users_load(d, a, id - 1, id, 1, &us, &versions, &n));
	if (n == 1) {
		*out = us;
		*version = versions[0];
	}
	return DB_OK;
}

int user_store_list(db *d, arena *a, long long after, int limit, identity **out, size_t *n, bool *more)
{
	long long *versions;
	/* One row past the page tells whether another page follows; its
	 * memberships are read with the page's and left unused. */
	DB_TRY(users_load(d, a, after, LLONG_MAX, (size_t)limit + 1, out, &versions, n));
	*more = *n > (size_t)limit;
	if (*more)
		*n = (size_t)limit;
	return DB_OK;
}

int user_store_lock(db *d, long long id, long long *version)
{
	db_res *res;
	arena *a = arena_new();
	int rc = db_query(d, a, &res, "SELECT version FROM users WHERE id = ? FOR UPDATE", "i", id);
	*version = rc == DB_OK && db_nrows(res) == 1 ? db_int(res, 0, 0) : 0;
	arena_free(a);
	return rc;
}

int user_store_update(db *d, long long id, const char *name, bool active_given, bool active)
{
	DB_TRY(db_exec(d,
	               "UPDATE users SET name = COALESCE(?, name), active = IF(?, ?, active),"
	               " version = version + 1, updated_at = NOW(6) WHERE id = ?",
	               "siii", name, (long long)active_given, (long long)active, id));
	return DB_OK;
}

int user_store_set_active(db *d, long long id, bool active)
{
	DB_TRY(db_exec(d, "UPDATE users SET active = ? WHERE id = ?", "ii", (long long)active, id));
	return DB_OK;
}

int user_store_set_role(db *d, long long id, const char *region_role)
{
	DB_TRY(db_exec(d, "UPDATE users SET region_role = ? WHERE id = ?", "si", region_role, id));
	return DB_OK;
}

int user_store_reset_password(db *d, long long id, char generated[21])
{
	char hash[PASSWORD_HASH_MAX];
	password_generate(generated);
	int hashed = password_hash(generated, hash, sizeof(hash));
	if (hashed != 0)
		return hashed == PASSWORD_EBUSY ? DB_EUNAVAIL : DB_EERR;
	/* Whoever held the old password is out: every login of the account ends. */
	DB_TRY(db_exec(d,
	               "UPDATE users SET password_hash = ?, must_change_password = TRUE, version = version + 1"
	               " WHERE id = ?",
	               "si", hash, id));
	DB_TRY(db_exec(d,
	               "UPDATE logins SET revoked_at = NOW(6), revoked_why = 'password reset'"
	               " WHERE user_id = ? AND revoked_at IS NULL",
	               "i", id));
	return DB_OK;
}
