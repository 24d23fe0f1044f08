/* The ATS members' SQL: who holds which ATS role on a tenant. */
#include "tenants/tenants.h"

int member_store_list(db *d, arena *a, long long tenant_id, const char *after, int limit, tenant_member **out,
                      size_t *n, bool *more)
{
	db_res *res;
	/* By email, which is unique: a page starts after the last email shown. */
	DB_TRY(db_query(
	    d, a, &res,
	    "SELECT u.id, u.email, u.name, m.role, u.active FROM memberships m JOIN users u ON u.id = m.user_id"
	    " WHERE m.tenant_id = ? AND u.email > ? ORDER BY u.email LIMIT ?",
	    "isi", tenant_id, after != NULL ? after : "", (long long)limit + 1));
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (tenant_member){db_int(res, i, 0), db_val(res, i, 1), db_val(res, i, 2), db_val(res, i, 3),
		                            db_int(res, i, 4) == 1};
	return DB_OK;
}

int member_store_add(db *d, long long tenant_id, long long user_id, const char *rolename)
{
	DB_TRY(db_exec(d, "INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, ?)", "iis", tenant_id,
	               user_id, rolename));
	return DB_OK;
}

int member_store_remove(db *d, long long tenant_id, long long user_id, bool *removed)
{
	long long n =
	    db_exec(d, "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?", "ii", tenant_id, user_id);
	DB_TRY(n);
	*removed = n > 0;
	return DB_OK;
}

int member_store_set_role(db *d, long long tenant_id, long long user_id, const char *rolename, bool *changed)
{
	/* Connections count matched rows (CLIENT_FOUND_ROWS): the same role
	 * again still counts as a member found. */
	long long n = db_exec(d, "UPDATE memberships SET role = ? WHERE tenant_id = ? AND user_id = ?", "sii", rolename,
	                      tenant_id, user_id);
	DB_TRY(n);
	*changed = n > 0;
	return DB_OK;
}
