/* Audit rows and their reading. The table refuses UPDATE and DELETE by
 * trigger, so append-only holds even against a bug here. */
#include "identity/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"

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
	audit_entry e = {.user_id = u ? u->user_id : 0,
	                 .tenant_id = tenant > 0 ? tenant : 0,
	                 .status = r->status,
	                 .user_email = u ? u->email : NULL,
	                 .role = rolename,
	                 .method = r->method_name,
	                 .route = r->route ? r->route->pattern : "",
	                 .object = object,
	                 .outcome = outcome,
	                 .request_id = r->request_id ? r->request_id : "",
	                 .client = r->client_addr ? r->client_addr : "",
	                 .detail = r->audit_detail ? detail : NULL};
	return audit_store_insert(r->db, &e);
}

int audit_cli(db *d, const char *command, const char *object, int status, const char *detail)
{
	char where[201], obj[501], det[501];
	snprintf(where, sizeof(where), "ambitoctl %s", command);
	snprintf(obj, sizeof(obj), "%s", object);
	if (detail)
		snprintf(det, sizeof(det), "%s", detail);
	audit_entry e = {.status = status,
	                 .method = "CLI",
	                 .route = where,
	                 .object = obj,
	                 .outcome = outcome_of(status),
	                 .request_id = "",
	                 .client = "",
	                 .detail = detail ? det : NULL};
	return audit_store_insert(d, &e);
}

/* GET /api/v1/audit?tenant=&since=&limit=&cursor= : the region_admin reads
 * everything; a coordinator reads its own tenant's rows (and must name it
 * when it coordinates several). A named tenant is resolved by scope like any
 * {tenant}: one the caller may not see is 404, as if it did not exist; one it
 * sees without coordinating it is 403. Newest first; the cursor is the last
 * id. */
static void get_audit(http_req *r)
{
	const identity *u = r->user;
	const char *tenant = http_query(r, "tenant"), *since = http_query(r, "since");
	int limit;
	long long before;
	if (v_page_after(r, ID_MAX_DIGITS, &limit, &before) != 0)
		return;
	long long tenant_id = 0;
	if (tenant != NULL) {
		if (scope_resolve_slug(r, tenant) != 0 ||
		    scope_require(r, SCOPE_ROLE(ROLE_REGION_ADMIN) | SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0)
			return;
		tenant_id = r->tenant->id;
	} else if (u->region_role != ROLE_REGION_ADMIN) {
		size_t ncoord = 0;
		for (size_t i = 0; i < u->nmemberships; i++)
			if (u->memberships[i].role == ROLE_ATS_COORDINATOR) {
				tenant_id = u->memberships[i].tenant_id;
				ncoord++;
			}
		if (ncoord == 0) {
			http_problem(r, 403,
			             "il registro delle operazioni è consultabile solo da un region_admin o da un "
			             "coordinatore di ambito");
			return;
		}
		if (ncoord > 1) {
			field_errors *e = http_errors_new(r);
			field_errors_add(e, "tenant", "coordini più ambiti: indica quale con ?tenant=");
			http_errors_answer(r, e, 400, "un parametro della query manca");
			return;
		}
	}
	field_errors *e = http_errors_new(r);
	if (since)
		since = v_time_text(e, "since", since, false);
	if (http_errors_answer(r, e, 400, "since deve essere un orario UTC nel formato 2021-12-31T23:59:59Z"))
		return;
	audit_row *rows;
	size_t n;
	bool more;
	int rc = audit_store_list(r->db, r->a, tenant_id, since, before, limit, &rows, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il registro delle operazioni");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++) {
		const audit_row *a = &rows[i];
		jw_obj_begin(w);
		jw_kint(w, "id", a->id);
		jw_kstr(w, "at", a->at);
		jw_key(w, "user_id");
		if (a->user_id != 0)
			jw_int(w, a->user_id);
		else
			jw_null(w);
		jw_kstr(w, "user_email", a->user_email);
		jw_kstr(w, "role", a->role);
		jw_kstr(w, "tenant", a->tenant);
		jw_kstr(w, "method", a->method);
		jw_kstr(w, "route", a->route);
		jw_kstr(w, "object", a->object);
		jw_kint(w, "status", a->status);
		jw_kstr(w, "outcome", a->outcome);
		jw_kstr(w, "request_id", a->request_id);
		jw_kstr(w, "detail", a->detail);
		jw_obj_end(w);
	}
	http_list_end(w, more ? arena_printf(r->a, "%lld", rows[n - 1].id) : NULL);
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
