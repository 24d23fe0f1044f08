/* Audit rows and their reading. The table refuses UPDATE and DELETE by
 * trigger, so append-only holds even against a bug here. */
#include "identity/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity/auth.h"
#include "db/db.h"
#include "http/router.h"
#include "identity/scope.h"
#include "http/validate.h"

static const char *outcome_of(int status)
{
	return status < 400 ? "ok" : status >= 500 ? "error" : "refused";
}

int audit_write(http_req *r)
{
	const identity *u = r->user;
	const char *rolename = NULL;
	long long tenant = r->audit_tenant_id;
	if (r->tenant) {
		tenant = r->tenant->id;
		rolename = role_name(r->tenant->role);
	} else if (u && u->region_role != ROLE_NONE) {
		rolename = role_name(u->region_role);
	}
	const char *outcome = outcome_of(r->status);
	char object[501];
	snprintf(object, sizeof(object), "%s", r->audit_object ? r->audit_object : r->path);
	char detail[501];
	if (r->audit_detail)
		snprintf(detail, sizeof(detail), "%s", r->audit_detail);
	long long rc = db_exec(r->db,
	                       "INSERT INTO audit_log (user_id, user_email, role, tenant_id, method, route, object,"
	                       " status, outcome, request_id, client, detail)"
	                       " VALUES (NULLIF(?,0),?,?,NULLIF(?,0),?,?,?,?,?,?,?,?)",
	                       "ississsissss", u ? u->user_id : 0LL, u ? u->email : NULL, rolename,
	                       tenant > 0 ? tenant : 0LL, r->method_name, r->route ? r->route->pattern : "", object,
	                       (long long)r->status, outcome, r->request_id ? r->request_id : "",
	                       r->client_addr ? r->client_addr : "", r->audit_detail ? detail : NULL);
	return rc < 0 ? (int)rc : DB_OK;
}

int audit_cli(db *d, const char *command, const char *object, int status, const char *detail)
{
	char where[201], obj[501], det[501];
	snprintf(where, sizeof(where), "ambitoctl %s", command);
	snprintf(obj, sizeof(obj), "%s", object);
	if (detail)
		snprintf(det, sizeof(det), "%s", detail);
	long long rc = db_exec(d,
	                       "INSERT INTO audit_log (method, route, object, status, outcome, detail)"
	                       " VALUES ('CLI', ?, ?, ?, ?, ?)",
	                       "ssiss", where, obj, (long long)status, outcome_of(status), detail ? det : NULL);
	return rc < 0 ? (int)rc : DB_OK;
}

/* GET /api/v1/audit?tenant=&since=&limit=&cursor= : the region_admin reads
 * everything; a coordinator reads its own tenant's rows (and must name it
 * when it coordinates several). Newest first; the cursor is the last id. */
static void get_audit(http_req *r)
{
	const identity *u = r->user;
	const char *tenant = http_query(r, "tenant"), *since = http_query(r, "since"), *cursor;
	int limit;
	if (http_page_params(r, &limit, &cursor) != 0)
		return;
	long long tenant_id = 0;
	if (u->region_role != ROLE_REGION_ADMIN) {
		const membership *mine = NULL;
		size_t ncoord = 0;
		for (size_t i = 0; i < u->nmemberships; i++)
			if (u->memberships[i].role == ROLE_ATS_COORDINATOR &&
			    (tenant == NULL || strcmp(tenant, u->memberships[i].tenant) == 0)) {
				mine = &u->memberships[i];
				ncoord++;
			}
		if (mine == NULL || ncoord != 1) {
			http_problem(r, 403,
			             ncoord > 1 ? "name the tenant with ?tenant="
			                        : "only a region_admin or an ATS coordinator reads the audit log");
			return;
		}
		tenant_id = mine->tenant_id;
	} else if (tenant != NULL) {
		db_res *t;
		int rc = db_query(r->db, r->a, &t, "SELECT id FROM tenants WHERE slug = ?", "s", tenant);
		if (rc != DB_OK) {
			http_db_error(r, rc, "the tenant");
			return;
		}
		if (db_nrows(t) == 0) {
			http_problem(r, 404, "no such tenant");
			return;
		}
		tenant_id = db_int(t, 0, 0);
	}
	http_errors *e = http_errors_new(r);
	if (since)
		since = v_time_text(e, "since", since, false);
	if (http_errors_answer(r, e, 400, "since must be a UTC time like 2021-12-31T23:59:59Z"))
		return;
	long long before = cursor ? atoll(cursor) : 0;
	db_res *res;
	int rc =
	    db_query(r->db, r->a, &res,
	             "SELECT a.id, DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%s.%fZ'), a.user_id, a.user_email, a.role, t.slug,"
	             " a.method, a.route, a.object, a.status, a.outcome, a.request_id, a.detail"
	             " FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id"
	             " WHERE (? = 0 OR a.tenant_id = ?) AND (? IS NULL OR a.at >= ?) AND (? = 0 OR a.id < ?)"
	             " ORDER BY a.id DESC LIMIT ?",
	             "iissiii", tenant_id, tenant_id, since, since, before, before, (long long)limit + 1);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the audit log");
		return;
	}
	size_t n = db_nrows(res) > (size_t)limit ? (size_t)limit : db_nrows(res);
	jw *w = http_json_begin(r);
	http_list_begin(w);
	static const char *const names[] = {"id",      "at",         "user_id", "user_email", "role",
	                                    "tenant",  "method",     "route",   "object",     "status",
	                                    "outcome", "request_id", "detail"};
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		for (size_t c = 0; c < sizeof(names) / sizeof(names[0]); c++) {
			jw_key(w, names[c]);
			if (db_isnull(res, i, c))
				jw_null(w);
			else if (c == 0 || c == 2 || c == 9)
				jw_int(w, db_int(res, i, c));
			else
				jw_str(w, db_val(res, i, c));
		}
		jw_obj_end(w);
	}
	http_list_end(w, db_nrows(res) > (size_t)limit ? db_val(res, n - 1, 0) : NULL);
	http_json_end(r, w, 200);
}

static const route routes[] = {
    {HTTP_GET,
     "/api/v1/audit",
     get_audit,
     0,
     "The audit log (region_admin; a coordinator: its tenant)",
     NULL,
     "AuditList",
     {{"tenant", PARAM_QUERY, false, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}",
       "Solo le righe di questo ATS (slug); un coordinatore di più ATS deve indicarlo"},
      {"since", PARAM_QUERY, false, "{\"type\":\"string\",\"format\":\"date-time\"}",
       "Solo le righe da questo istante (UTC, come 2021-12-31T23:59:59Z)"},
      P_LIMIT,
      P_CURSOR}},
};

void audit_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
