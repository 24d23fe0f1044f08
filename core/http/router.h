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
	ROUTE_OWN_TX = 1 << 4  /* a write that runs its own transactions and
	                          audit (login: a failure must still count) */
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
	/* Largest body accepted, checked when the head arrives (413 past it);
	 * 0: ROUTE_BODY_PUBLIC_MAX for ROUTE_PUBLIC routes, else the server's
	 * max_body, which also caps any value set here. */
	size_t max_body;
} route;

/* Routes anyone may call take only small bodies (a login is an email and a
 * password of at most PASSWORD_MAX_BYTES). */
#define ROUTE_BODY_PUBLIC_MAX (8 * 1024)
/* A path that matches no route is answered 404/405 without its body. */
#define ROUTE_BODY_UNROUTED_MAX (8 * 1024)

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
