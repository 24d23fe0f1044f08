/* The audit log's SQL: one INSERT for requests and ambitoctl alike, and the
 * paged reading of the log. */
#include "db/db.h"
#include "identity/audit.h"

int audit_store_insert(db *d, const audit_entry *e)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO audit_log (user_id, user_email, role, tenant_id, method, route, object,"
	               " status, outcome, request_id, client, detail)"
	               " VALUES (NULLIF(?,0),?,?,NULLIF(?,0),?,?,?,?,?,?,?,?)",
	               "ississsissss", e->user_id, e->user_email, e->role, e->tenant_id, e->method, e->route, e->object,
	               e->status, e->outcome, e->request_id, e->client, e->detail));
	return DB_OK;
}

int audit_store_list(db *d, arena *a, long long tenant_id, const char *since, long long before, int limit,
                     audit_row **out, size_t *n, bool *more)
{
	audit_filter f = {.tenant_id = tenant_id, .since = since};
	return audit_store_search(d, a, &f, before, limit, out, n, more);
}

int audit_store_search(db *d, arena *a, const audit_filter *f, long long before, int limit, audit_row **out, size_t *n,
                       bool *more)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT a.id, DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%s.%fZ'), a.user_id, a.user_email, a.role,"
	                " t.slug, a.method, a.route, a.object, a.status, a.outcome, a.request_id, a.detail"
	                " FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id"
	                " WHERE (? = 0 OR a.tenant_id = ?) AND (? IS NULL OR a.at >= ?) AND (? IS NULL OR a.at < ?)"
	                " AND (? IS NULL OR a.user_email = ?)"
	                " AND (? IS NULL OR INSTR(CONCAT(a.method, ' ', a.route), ?) > 0)"
	                " AND (? = 0 OR a.id < ?)"
	                " ORDER BY a.id DESC LIMIT ?",
	                "iissssssssiii", f->tenant_id, f->tenant_id, f->since, f->since, f->until, f->until,
	                f->user_email, f->user_email, f->action, f->action, before, before, (long long)limit + 1));
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (audit_row){.id = db_int(res, i, 0),
		                        .at = db_val(res, i, 1),
		                        .user_id = db_int(res, i, 2),
		                        .user_email = db_val(res, i, 3),
		                        .role = db_val(res, i, 4),
		                        .tenant = db_val(res, i, 5),
		                        .method = db_val(res, i, 6),
		                        .route = db_val(res, i, 7),
		                        .object = db_val(res, i, 8),
		                        .status = db_int(res, i, 9),
		                        .outcome = db_val(res, i, 10),
		                        .request_id = db_val(res, i, 11),
		                        .detail = db_val(res, i, 12)};
	return DB_OK;
}
