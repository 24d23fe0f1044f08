/* Tenant scoping, in one place: resolves the {tenant} of a route to a tenant
 * the caller may see, or answers 404 exactly as for a tenant that does not
 * exist. Handlers of tenant routes use r->tenant and nothing else. */
#ifndef AMBITO_SCOPE_H
#define AMBITO_SCOPE_H

#include <stdbool.h>

#include "http/http.h"
#include "identity/auth.h"

typedef struct tenant_ref {
	long long id;
	const char *slug;
	const char *name;
	role role; /* the caller's role on this tenant: an ATS role, a region
	              role, or ROLE_UNIVERSITY for an assigned university user */
} tenant_ref;

int scope_resolve_tenant(http_req *r);
/* The same for a slug from elsewhere (a query parameter): sets r->tenant and
 * returns 0, or answers 404 and returns -1. */
int scope_resolve_slug(http_req *r, const char *slug);

/* The rows the route's prefetch (route.prefetch) read with the caller's
 * identity: true with *res, *first and *n set once the caller may see
 * r->tenant (the rows were read for that tenant's slug); false when there
 * are none to use, and the handler reads for itself. */
bool scope_prefetched(const http_req *r, const db_res **res, size_t *first, size_t *n);

/* Whether u may see the tenant at all (for lists across tenants). */
bool scope_can_see(const identity *u, long long tenant_id);

/* Role sets for scope_require: SCOPE_ROLE(ROLE_ATS_EDITOR) | ... */
#define SCOPE_ROLE(r) (1u << (r))
#define SCOPE_REGION (SCOPE_ROLE(ROLE_REGION_ADMIN) | SCOPE_ROLE(ROLE_REGION_REVIEWER))
#define SCOPE_ATS_WRITERS (SCOPE_ROLE(ROLE_ATS_COORDINATOR) | SCOPE_ROLE(ROLE_ATS_EDITOR))
#define SCOPE_READERS (SCOPE_REGION | SCOPE_ROLE(ROLE_UNIVERSITY) | SCOPE_ATS_WRITERS | SCOPE_ROLE(ROLE_ATS_VIEWER))

/* 0 when the caller's role on r->tenant is in roles; else answers 403. */
int scope_require(http_req *r, unsigned roles);

#endif
