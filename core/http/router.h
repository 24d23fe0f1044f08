/* The route table: every route of the server in one list, matched by method
 * and path pattern ("/api/v1/tenants/{tenant}/plans/{cycle}"). The same table
 * drives dispatch, 404/405 answers, metrics labels, OpenAPI checks and the
 * isolation test. */
#ifndef AMBITO_ROUTER_H
#define AMBITO_ROUTER_H

#include "http/http.h"

typedef void (*http_handler)(http_req *r);

enum route_flags {
	ROUTE_INLINE = 1 << 0, /* cheap, no database: runs on the I/O thread */
	ROUTE_PUBLIC = 1 << 1, /* no authentication */
	ROUTE_TENANT = 1 << 2, /* {tenant} resolved and scoped before the handler */
	ROUTE_STREAM = 1 << 3, /* may stream its answer */
	ROUTE_OWN_TX = 1 << 4, /* a write that runs its own transactions and
	                          audit (login: a failure must still count) */
	ROUTE_PAGE = 1 << 5    /* a page of the web interface: authenticated by
	                          session cookie (never Bearer), forms checked
	                          against CSRF, errors answered as pages */
};

typedef struct route {
	int method;
	const char *pattern;
	http_handler handler;
	unsigned flags;
	const char *summary;
	/* OpenAPI: names in components.schemas of the request body and of the
	 * success answer; NULL when none or not JSON. */
	const char *request_schema;
	const char *response_schema;
} route;

#define ROUTER_MAX_ROUTES 256

/* Registers a module's routes; call before router_freeze(). */
void router_add(const route *routes, int n);
void router_freeze(void);
int router_count(void);
const route *router_at(int i);
int router_index(const route *rt);

typedef enum { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD } router_result;
/* Fills r->route and the params; on ROUTER_BAD_METHOD *allowed has the
 * methods the path accepts. */
router_result router_match(http_req *r, int *allowed);

const char *router_method_name(int method);

#endif
