/* Tenant isolation. The one function that turns a {tenant} slug into a tenant
 * id for a caller: region roles see every tenant, a university user its
 * assigned ones, ATS staff their own. Anything else is 404, the same answer
 * as for a tenant that does not exist, so existence is never revealed. */
#include "identity/scope.h"

#include <string.h>

#include "db/db.h"
#include "http/router.h"

#define TENANT_SLUG_MAX 64 /* tenants.slug */

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

/* The tenant row the path names: the one auth_request read along with the
 * caller (same round trip; id 0 when there is none), else read here. */
static int tenant_row(http_req *r, const char *slug, tenant_ref **out)
{
	if (r->tenant != NULL) {
		*out = (tenant_ref *)r->tenant;
		return DB_OK;
	}
	db_res *res;
	int rc = db_query(r->db, r->a, &res, "SELECT id, slug, name FROM tenants WHERE slug = ?", "s", slug);
	if (rc != DB_OK)
		return rc;
	tenant_ref *t = arena_calloc(r->a, 1, sizeof(*t));
	if (db_nrows(res) == 1)
		*t = (tenant_ref){db_int(res, 0, 0), db_val(res, 0, 1), db_val(res, 0, 2), ROLE_NONE};
	*out = t;
	return DB_OK;
}

int scope_resolve_tenant(http_req *r)
{
	return scope_resolve_slug(r, http_param(r, "tenant"));
}

int scope_resolve_slug(http_req *r, const char *slug)
{
	tenant_ref *t;
	if (slug == NULL || r->user == NULL || strlen(slug) > TENANT_SLUG_MAX) {
		r->tenant = NULL;
		http_problem(r, 404, "l'ambito non esiste");
		return -1;
	}
	int rc = tenant_row(r, slug, &t);
	r->tenant = NULL; /* set again below, only once the caller may see it */
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'ambito");
		return -1;
	}
	role seen_as = t->id != 0 ? caller_role(r->user, t->id) : ROLE_NONE;
	if (seen_as == ROLE_NONE) {
		http_problem(r, 404, "l'ambito non esiste");
		return -1;
	}
	t->role = seen_as;
	r->tenant = t;
	return 0;
}

bool scope_prefetched(const http_req *r, const db_res **res, size_t *first, size_t *n)
{
	const identity *u = r->user;
	const route *rt = r->route;
	/* Only once scope_resolve_tenant has let the caller see the tenant
	 * whose slug the rows were read for. */
	if (u == NULL || u->prefetch == NULL || r->tenant == NULL || r->tenant->role == ROLE_NONE || rt == NULL ||
	    rt->prefetch == NULL)
		return false;
	const char *slug = http_param(r, "tenant");
	if (slug == NULL || strcmp(slug, r->tenant->slug) != 0)
		return false;
	*res = u->prefetch;
	*first = u->prefetch_first;
	*n = u->nprefetch;
	return true;
}

int scope_require(http_req *r, unsigned roles)
{
	if (r->tenant && (roles & SCOPE_ROLE(r->tenant->role)))
		return 0;
	http_problem(r, 403, "il proprio ruolo non consente questa operazione qui");
	return -1;
}
