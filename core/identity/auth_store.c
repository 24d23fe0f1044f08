/* The SQL of logins, refresh tokens and password changes, for the routes of
 * auth_routes.c. */
#include "identity/auth.h"

int auth_store_add_login(db *d, long long user_id, const char *client, long long *login_id)
{
	DB_TRY(db_exec(d, "INSERT INTO logins (user_id, client) VALUES (?, ?)", "is", user_id, client));
	*login_id = (long long)db_last_id(d);
	return DB_OK;
}

int auth_store_add_refresh(db *d, long long login_id, const unsigned char hash[32])
{
	DB_TRY(db_exec(d,
	               "INSERT INTO refresh_tokens (token_hash, login_id, expires_at)"
	               " VALUES (?, ?, NOW(6) + INTERVAL " AUTH_REFRESH_TTL ")",
	               "bi", (const char *)hash, (size_t)32, login_id));
	return DB_OK;
}

int auth_store_lock_refresh(db *d, const unsigned char hash[32], auth_refresh *out, bool *found)
{
	db_res *res;
	arena *a = arena_new();
	int rc = db_query(d, a, &res,
	                  "SELECT rt.login_id, rt.used_at IS NOT NULL, rt.expires_at < NOW(6),"
	                  " l.revoked_at IS NOT NULL, l.user_id, u.active"
	                  " FROM refresh_tokens rt JOIN logins l ON l.id = rt.login_id JOIN users u ON u.id = l.user_id"
	                  " WHERE rt.token_hash = ? FOR UPDATE",
	                  "b", (const char *)hash, (size_t)32);
	*found = rc == DB_OK && db_nrows(res) == 1;
	if (*found)
		*out = (auth_refresh){.login_id = db_int(res, 0, 0),
		                      .used = db_int(res, 0, 1) == 1,
		                      .expired = db_int(res, 0, 2) == 1,
		                      .revoked = db_int(res, 0, 3) == 1,
		                      .user_id = db_int(res, 0, 4),
		                      .user_active = db_int(res, 0, 5) == 1};
	arena_free(a);
	return rc;
}

int auth_store_spend_refresh(db *d, const unsigned char hash[32])
{
	DB_TRY(db_exec(d, "UPDATE refresh_tokens SET used_at = NOW(6) WHERE token_hash = ?", "b", (const char *)hash,
	               (size_t)32));
	return DB_OK;
}

int auth_store_revoke_login(db *d, long long login_id, const char *why)
{
	DB_TRY(db_exec(d, "UPDATE logins SET revoked_at = NOW(6), revoked_why = ? WHERE id = ?", "si", why, login_id));
	return DB_OK;
}

int auth_store_logout(db *d, const unsigned char hash[32], bool *ended)
{
	long long n = db_exec(d,
	                      "UPDATE logins l JOIN refresh_tokens rt ON rt.login_id = l.id"
	                      " SET l.revoked_at = NOW(6), l.revoked_why = 'logout'"
	                      " WHERE rt.token_hash = ? AND l.revoked_at IS NULL",
	                      "b", (const char *)hash, (size_t)32);
	DB_TRY(n);
	*ended = n > 0;
	return DB_OK;
}

int auth_store_password_hash(db *d, arena *a, long long user_id, const char **hash)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res, "SELECT password_hash FROM users WHERE id = ?", "i", user_id));
	*hash = db_nrows(res) == 1 ? db_val(res, 0, 0) : NULL;
	return DB_OK;
}

int auth_store_set_password(db *d, long long user_id, const char *hash, long long keep_login_id)
{
	DB_TRY(db_exec(d,
	               "UPDATE users SET password_hash = ?, must_change_password = FALSE, version = version + 1"
	               " WHERE id = ?",
	               "si", hash, user_id));
	DB_TRY(db_exec(d,
	               "UPDATE logins SET revoked_at = NOW(6), revoked_why = 'password changed'"
	               " WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
	               "ii", user_id, keep_login_id));
	return DB_OK;
}
