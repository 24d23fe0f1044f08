/* Login throttle counters (see throttle.h for the policy). */
#include "identity/throttle.h"

#include <stddef.h>

long long throttle_blocked(db *d, const char *key)
{
	arena *a = arena_new();
	db_res *res;
	long long out = 0;
	int rc = db_query(d, a, &res,
	                  "SELECT GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(6), blocked_until) / 1e6))"
	                  " FROM login_throttle WHERE scope_key = ? AND blocked_until > NOW(6)",
	                  "s", key);
	if (rc != DB_OK)
		out = rc;
	else if (db_nrows(res) == 1)
		out = db_int(res, 0, 0);
	arena_free(a);
	return out;
}

int throttle_fail(db *d, const char *key, int free_failures)
{
	/* In ON DUPLICATE KEY UPDATE assignments run left to right: failures is
	 * computed from the old window_start before that is reset. */
	long long rc = db_exec(d,
	                       "INSERT INTO login_throttle (scope_key, failures, window_start) VALUES (?, 1, NOW(6))"
	                       " ON DUPLICATE KEY UPDATE"
	                       " failures = IF(window_start < NOW(6) - INTERVAL 15 MINUTE, 1, failures + 1),"
	                       " window_start = IF(window_start < NOW(6) - INTERVAL 15 MINUTE, NOW(6), window_start)",
	                       "s", key);
	if (rc < 0)
		return (int)rc;
	/* The free_failures-th failure blocks: after 5 failures the 6th try is
	 * refused (15 s), each failure after a block doubles it. */
	rc = db_exec(d,
	             "UPDATE login_throttle SET blocked_until = NOW(6) + INTERVAL"
	             " LEAST(900, 15 * POW(2, failures - ?)) SECOND WHERE scope_key = ? AND failures >= ?",
	             "isi", (long long)free_failures, key, (long long)free_failures);
	return rc < 0 ? (int)rc : DB_OK;
}

int throttle_clear(db *d, const char *key)
{
	long long rc = db_exec(d, "DELETE FROM login_throttle WHERE scope_key = ?", "s", key);
	return rc < 0 ? (int)rc : DB_OK;
}
