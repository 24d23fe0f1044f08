/* Audit rows and their reading. The table refuses UPDATE and DELETE by
 * trigger, so append-only holds even against a bug here. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "router.h"
#include "scope.h"

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
	const char *outcome = r->status < 400 ? "ok" : r->status >= 500 ? "error" : "refused";
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
	                       tenant > 0 ? tenant : 0LL, r->method_name, r->route ? r->route->pattern : "",
	                       object, (long long)r->status, outcome, r->request_id ? r->request_id : "",
	                       r->client_addr ? r->client_addr : "", r->audit_detail ? detail : NULL);
	return rc < 0 ? (int)rc : DB_OK;
}
