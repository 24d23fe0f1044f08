/* Tenant isolation. The one function that turns a {tenant} slug into a tenant
 * id for a caller: region roles see every tenant, a university user its
 * assigned ones, ATS staff their own. Anything else is 404, the same answer
 * as for a tenant that does not exist, so existence is never revealed. */
#include "scope.h"

#include <string.h>

#include "db.h"

static role caller_role(const identity *u, long long tenant_id)
{
	if (u->region_role == ROLE_REGION_ADMIN || u->region_role == ROLE_REGION_REVIEWER)
		return u->region_role;
	if (u->region_role == ROLE_UNIVERSITY) {
		for (size_t i = 0; i < u->nassigned; i++)
			if (u->assigned[i] == tenant_id)
				return ROLE_UNIVERSITY;
		return ROLE_NONE;
	}
	for (size_t i = 0; i < u->nmemberships; i++)
		if (u->memberships[i].tenant_id == tenant_id)
			return u->memberships[i].role;
	return ROLE_NONE;
}

bool scope_can_see(const identity *u, long long tenant_id)
{
	return u != NULL && caller_role(u, tenant_id) != ROLE_NONE;
}

int scope_resolve_tenant(http_req *r)
{
	const char *slug = http_param(r, "tenant");
	db_res *res;
	if (slug == NULL || r->user == NULL || strlen(slug) > 64) {
		http_problem(r, 404, "no such tenant");
		return -1;
	}
	int rc = db_query(r->db, r->a, &res, "SELECT id, slug, name FROM tenants WHERE slug = ?", "s", slug);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the tenant");
		return -1;
	}
	role seen_as = db_nrows(res) == 1 ? caller_role(r->user, db_int(res, 0, 0)) : ROLE_NONE;
	if (seen_as == ROLE_NONE) {
		http_problem(r, 404, "no such tenant");
		return -1;
	}
	tenant_ref *t = arena_calloc(r->a, 1, sizeof(*t));
	t->id = db_int(res, 0, 0);
	t->slug = db_val(res, 0, 1);
	t->name = db_val(res, 0, 2);
	t->role = seen_as;
	r->tenant = t;
	return 0;
}

int scope_require(http_req *r, unsigned roles)
{
	if (r->tenant && (roles & SCOPE_ROLE(r->tenant->role)))
		return 0;
	http_problem(r, 403, "your role may not do this here");
	return -1;
}
