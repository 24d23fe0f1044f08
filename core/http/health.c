/* Operational routes: liveness, readiness, metrics, the OpenAPI document. */
#include "http/health.h"

#include "db/db.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/router.h"

static void get_healthz(http_req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	http_body(r, 200, "application/json", ok, sizeof(ok) - 1);
}

static void get_readyz(http_req *r)
{
	char err[MIGRATE_ERR_MAX];
	if (db_ping(r->db) != DB_OK) {
		http_unavailable(r, "la base dati non è raggiungibile");
		return;
	}
	if (migrate_check(r->db, err, sizeof(err)) != 0) {
		http_problem(r, 503, err);
		http_set_header(r, "Retry-After", "30");
		return;
	}
	static const char ok[] = "{\"status\":\"ready\"}";
	http_body(r, 200, "application/json", ok, sizeof(ok) - 1);
}

static void get_metrics(http_req *r)
{
	metrics_render(r);
}

static void get_openapi(http_req *r)
{
	openapi_render(r);
}

static const route routes[] = {
    {HTTP_GET, "/healthz", get_healthz, ROUTE_INLINE | ROUTE_PUBLIC, "Liveness: the process answers", NULL, "Status"},
    {HTTP_GET, "/readyz", get_readyz, ROUTE_PUBLIC, "Readiness: database reachable, schema current", NULL, "Status"},
    {HTTP_GET, "/metrics", get_metrics, ROUTE_INLINE | ROUTE_PUBLIC, "Prometheus metrics"},
    {HTTP_GET, "/api/v1/openapi.json", get_openapi, ROUTE_INLINE | ROUTE_PUBLIC, "This API's OpenAPI 3.1 document"},
};

void health_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
