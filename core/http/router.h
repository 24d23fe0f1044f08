/* The route table: every route of the server in one list, matched by method
 * and path pattern ("/api/v1/tenants/{tenant}/plans/{cycle}"). The same table
 * drives dispatch, 404/405 answers, metrics labels, the OpenAPI document
 * (with every parameter a route reads) and the isolation test. Each route
 * knows the source file that registered it. */
#ifndef AMBITO_ROUTER_H
#define AMBITO_ROUTER_H

#include "http/http.h"

typedef void (*http_handler)(http_req *r);

enum route_flags {
	ROUTE_INLINE = 1 << 0,   /* cheap, no database: runs on the I/O thread */
	ROUTE_PUBLIC = 1 << 1,   /* no authentication */
	ROUTE_TENANT = 1 << 2,   /* {tenant} resolved and scoped before the handler */
	ROUTE_STREAM = 1 << 3,   /* may stream its answer */
	ROUTE_OWN_TX = 1 << 4,   /* a write that runs its own transactions and
	                            audit (login: a failure must still count) */
	ROUTE_UNSCOPED = 1 << 5, /* with ROUTE_PUBLIC: {tenant} names the tenant of
	                           a published document anyone reads; not scoped */
	ROUTE_PAGE = 1 << 6      /* a page of the web interface: authenticated by
	                           session cookie (never Bearer), forms checked
	                           against CSRF, errors answered as pages */
};

/* Where a declared parameter is read; path parameters come from the pattern
 * (router_path_param), the others are declared by the route. */
enum param_in { PARAM_PATH = 1, PARAM_QUERY, PARAM_HEADER };

/* A parameter of a route, for the OpenAPI document: its JSON schema as text. */
typedef struct route_param {
	const char *name;
	int in;
	bool required;
	const char *schema;
	const char *description;
} route_param;

#define ROUTE_MAX_PARAMS 6
#define ROUTE_STR_(x) #x
#define ROUTE_STR(x) ROUTE_STR_(x)

/* The parameters many routes share. */
#define P_LIMIT                                                                                                        \
	{                                                                                                              \
		"limit", PARAM_QUERY, false,                                                                           \
		    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":" ROUTE_STR(PAGE_MAX) ",\"default\":" ROUTE_STR(  \
		        PAGE_DEFAULT) "}",                                                                             \
		    "Righe per pagina"                                                                                 \
	}
#define P_CURSOR                                                                                                       \
	{                                                                                                              \
		"cursor", PARAM_QUERY, false,                                                                          \
		    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":" ROUTE_STR(PAGE_CURSOR_MAX) "}",              \
		    "Il next_cursor della pagina precedente"                                                           \
	}
#define P_FORMAT                                                                                                       \
	{                                                                                                              \
		"format", PARAM_QUERY, false,                                                                          \
		    "{\"type\":\"string\",\"enum\":[\"json\",\"csv\"],\"default\":\"json\"}",                          \
		    "csv: la stessa risposta in CSV (RFC 4180, UTF-8 con BOM), come con Accept: text/csv"              \
	}
#define P_IF_MATCH                                                                                                     \
	{                                                                                                              \
		"If-Match", PARAM_HEADER, true, "{\"type\":\"string\"}",                                               \
		    "L'ETag letto per ultimo: senza, 428; se la risorsa è cambiata nel frattempo, 412"                \
	}

/* A read that rides along with the caller's identity: its rows come back
 * in the same round trip to the database as the caller's roles (and the
 * browser's session), read by core/identity/auth.c and handed out only by
 * scope_prefetched once scope.c has let the caller see the {tenant}. sql is
 * a SELECT of ROUTE_PREFETCH_COLS columns, the first of them 'd', to be
 * joined to the identity's rows with UNION ALL; its '?' take, in order, the
 * path parameters named in params, as text. For GET routes only: a write
 * reads what it changes inside its transaction. */
#define ROUTE_PREFETCH_COLS 16
#define ROUTE_PREFETCH_PARAMS 10
typedef struct route_prefetch {
	const char *sql;
	const char *params[ROUTE_PREFETCH_PARAMS]; /* NULL ends */
} route_prefetch;

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
	/* The query and header parameters the handler reads; a name NULL ends
	 * the list. A PARAM_PATH entry overrides router_path_param's. */
	route_param params[ROUTE_MAX_PARAMS];
	/* Largest body accepted, checked when the head arrives (413 past it);
	 * 0: ROUTE_BODY_PUBLIC_MAX for ROUTE_PUBLIC routes, else the server's
	 * max_body, which also caps any value set here. Set it by name:
	 * .max_body = … */
	size_t max_body;
	/* NULL, or the read that comes with the caller's identity. */
	const route_prefetch *prefetch;
} route;

/* Routes anyone may call take only small bodies (a login is an email and a
 * password of at most PASSWORD_MAX_BYTES). */
#define ROUTE_BODY_PUBLIC_MAX (8 * 1024)
/* A path that matches no route is answered 404/405 without its body. */
#define ROUTE_BODY_UNROUTED_MAX (8 * 1024)

#define ROUTER_MAX_ROUTES 256

/* Registers a module's routes; call before router_freeze(). Aborts with a
 * message on a route table that is wrong: a {tenant} without ROUTE_TENANT
 * (or ROUTE_PUBLIC | ROUTE_UNSCOPED), a path parameter nobody describes, a
 * parameter declared twice. The macro records the registering file. */
#define router_add(routes, n) router_add_from(__FILE__, (routes), (n))
void router_add_from(const char *file, const route *routes, int n);
void router_freeze(void);
int router_count(void);
const route *router_at(int i);
int router_index(const route *rt);
/* The source file that registered route i, from the project root
 * ("core/cycles/cycles.c"). */
const char *router_file(int i);
/* The description of path parameter {name}, or NULL when there is none. */
const route_param *router_path_param(const route *rt, const char *name);

typedef enum { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD } router_result;
/* Fills r->route and the params; on ROUTER_BAD_METHOD *allowed has the
 * methods the path accepts. */
router_result router_match(http_req *r, int *allowed);

const char *router_method_name(int method);

#endif
