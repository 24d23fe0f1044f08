/* The logins through the provider in progress (table sso_attempts). */
#include <stdbool.h>
#include <string.h>

#include "db/db.h"
#include "sso/sso.h"
#include "sso/sso_store.h"

int sso_store_begin(db *d, const unsigned char state_hash[32], const char *nonce, const char *verifier, bool *full)
{
	*full = false;
	/* Spent-by-time attempts go first, a bounded batch at a time. */
	DB_TRY(db_exec(d, "DELETE FROM sso_attempts WHERE created_at < NOW(6) - INTERVAL ? SECOND LIMIT 1000", "i",
	               (long long)SSO_ATTEMPT_TTL_S));
	arena *a = arena_new();
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT COUNT(*) FROM sso_attempts", "");
	long long pending = rc == DB_OK ? db_int(res, 0, 0) : 0;
	arena_free(a);
	if (rc != DB_OK)
		return rc;
	if (pending >= SSO_MAX_PENDING) {
		*full = true;
		return DB_OK;
	}
	DB_TRY(db_exec(d, "INSERT INTO sso_attempts (state_hash, nonce, code_verifier) VALUES (?, ?, ?)", "bss",
	               (const char *)state_hash, (size_t)32, nonce, verifier));
	return DB_OK;
}

int sso_store_take(db *d, arena *a, const unsigned char state_hash[32], const char **nonce, const char **verifier)
{
	*nonce = *verifier = NULL;
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT nonce, code_verifier FROM sso_attempts WHERE state_hash = ?"
	                " AND created_at >= NOW(6) - INTERVAL ? SECOND FOR UPDATE",
	                "bi", (const char *)state_hash, (size_t)32, (long long)SSO_ATTEMPT_TTL_S));
	if (db_nrows(res) == 0)
		return DB_OK;
	DB_TRY(db_exec(d, "DELETE FROM sso_attempts WHERE state_hash = ?", "b", (const char *)state_hash, (size_t)32));
	*nonce = db_val(res, 0, 0);
	*verifier = db_val(res, 0, 1);
	return DB_OK;
}
