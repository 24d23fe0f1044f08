/* Prometheus text exposition. Per route: a counter per status code seen; one
 * latency histogram for all requests; gauges for workers (each holds one
 * database connection, so busy workers are the pool in use). */
#include "http/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/password.h"
#include "http/router.h"
#include "http/server.h"

#define STATUS_SLOTS 600

static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static atomic_ulong *counts; /* [(nroutes + 1) * STATUS_SLOTS]; last row: unmatched */
static int routes;
static atomic_ulong hist[NBUCKETS + 1];
static atomic_ulong hist_count;
static atomic_ullong hist_sum_us;

void metrics_init(int nroutes)
{
	routes = nroutes;
	counts = calloc((size_t)(nroutes + 1) * STATUS_SLOTS, sizeof(atomic_ulong));
	if (counts == NULL)
		abort();
}

void metrics_observe(int route_index, int status, double seconds)
{
	if (counts == NULL)
		return;
	if (route_index < 0 || route_index >= routes)
		route_index = routes;
	if (status < 0 || status >= STATUS_SLOTS)
		status = 0;
	atomic_fetch_add_explicit(&counts[(size_t)route_index * STATUS_SLOTS + (size_t)status], 1,
	                          memory_order_relaxed);
	size_t b = 0;
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add_explicit(&hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_sum_us, (unsigned long long)(seconds * 1e6), memory_order_relaxed);
}

static atomic_ulong refusals[REFUSAL_KINDS];
static const char *const refusal_names[REFUSAL_KINDS] = {
    [REFUSAL_UNAUTHENTICATED_WRITE] = "unauthenticated_write",
    [REFUSAL_LOGIN_BLOCKED] = "login_blocked",
    [REFUSAL_LOGOUT_UNKNOWN] = "logout_unknown",
    [REFUSAL_REFRESH_INVALID] = "refresh_invalid",
    [REFUSAL_PUBLIC_RATE] = "public_rate_limited",
};

void metrics_refusal(refusal_kind k)
{
	if (k >= 0 && k < REFUSAL_KINDS)
		atomic_fetch_add_explicit(&refusals[k], 1, memory_order_relaxed);
}

static atomic_ulong tx_retries;

void metrics_tx_retry(void)
{
	atomic_fetch_add_explicit(&tx_retries, 1, memory_order_relaxed);
}

static atomic_ulong plan_index_cache[2]; /* misses, hits */

void metrics_plan_index_cache(bool hit)
{
	atomic_fetch_add_explicit(&plan_index_cache[hit], 1, memory_order_relaxed);
}

static atomic_ullong arena_sum;
static atomic_ulong arena_count, arena_max;

void metrics_arena(size_t bytes)
{
	atomic_fetch_add_explicit(&arena_sum, bytes, memory_order_relaxed);
	atomic_fetch_add_explicit(&arena_count, 1, memory_order_relaxed);
	unsigned long m = atomic_load_explicit(&arena_max, memory_order_relaxed);
	while (bytes > m && !atomic_compare_exchange_weak_explicit(&arena_max, &m, bytes, memory_order_relaxed,
	                                                           memory_order_relaxed))
		;
}

static void out(http_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(http_req *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		http_append(r, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void metrics_render(http_req *r)
{
	r->resp_len = 0;
	out(r, "# HELP ambito_http_requests_total HTTP requests answered, by route and status.\n");
	out(r, "# TYPE ambito_http_requests_total counter\n");
	for (int i = 0; counts && i <= routes; i++) {
		const route *rt = i < routes ? router_at(i) : NULL;
		for (int st = 0; st < STATUS_SLOTS; st++) {
			unsigned long v =
			    atomic_load_explicit(&counts[(size_t)i * STATUS_SLOTS + (size_t)st], memory_order_relaxed);
			if (v == 0)
				continue;
			out(r, "ambito_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %lu\n",
			    rt ? router_method_name(rt->method) : "", rt ? rt->pattern : "unmatched", st, v);
		}
	}
	out(r, "# HELP ambito_http_request_duration_seconds Time from a complete request to its answer.\n");
	out(r, "# TYPE ambito_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += atomic_load_explicit(&hist[b], memory_order_relaxed);
		out(r, "ambito_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[b], cum);
	}
	cum += atomic_load_explicit(&hist[NBUCKETS], memory_order_relaxed);
	out(r, "ambito_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	out(r, "ambito_http_request_duration_seconds_sum %.6f\n",
	    (double)atomic_load_explicit(&hist_sum_us, memory_order_relaxed) / 1e6);
	out(r, "ambito_http_request_duration_seconds_count %lu\n",
	    atomic_load_explicit(&hist_count, memory_order_relaxed));
	out(r, "# HELP ambito_unaudited_refusals_total Refusals of unauthenticated callers, counted here instead"
	       " of audited.\n");
	out(r, "# TYPE ambito_unaudited_refusals_total counter\n");
	for (int k = 0; k < REFUSAL_KINDS; k++)
		out(r, "ambito_unaudited_refusals_total{reason=\"%s\"} %lu\n", refusal_names[k],
		    atomic_load_explicit(&refusals[k], memory_order_relaxed));
	out(r, "# HELP ambito_tx_retries_total Write transactions run again after a deadlock or Galera"
	       " certification conflict (1213).\n");
	out(r, "# TYPE ambito_tx_retries_total counter\nambito_tx_retries_total %lu\n",
	    atomic_load_explicit(&tx_retries, memory_order_relaxed));
	out(r, "# HELP ambito_plan_index_cache_total Plan index pages whose rows their worker had kept (hit) or"
	       " read (miss).\n");
	out(r, "# TYPE ambito_plan_index_cache_total counter\n");
	for (int hit = 1; hit >= 0; hit--)
		out(r, "ambito_plan_index_cache_total{result=\"%s\"} %lu\n", hit ? "hit" : "miss",
		    atomic_load_explicit(&plan_index_cache[hit], memory_order_relaxed));
	out(r, "# HELP ambito_request_arena_bytes Bytes each finished request took from its arena.\n");
	out(r,
	    "# TYPE ambito_request_arena_bytes summary\nambito_request_arena_bytes_sum %llu\n"
	    "ambito_request_arena_bytes_count %lu\n",
	    atomic_load_explicit(&arena_sum, memory_order_relaxed),
	    atomic_load_explicit(&arena_count, memory_order_relaxed));
	out(r, "# HELP ambito_request_arena_bytes_max The most bytes one request took from its arena.\n");
	out(r, "# TYPE ambito_request_arena_bytes_max gauge\nambito_request_arena_bytes_max %lu\n",
	    atomic_load_explicit(&arena_max, memory_order_relaxed));
	out(r, "# HELP ambito_db_pool_size Database connections (one per worker thread).\n");
	out(r, "# TYPE ambito_db_pool_size gauge\nambito_db_pool_size %d\n", server_workers_size());
	out(r, "# HELP ambito_db_pool_in_use Database connections in use by a request now.\n");
	out(r, "# TYPE ambito_db_pool_in_use gauge\nambito_db_pool_in_use %d\n", server_workers_busy());
	out(r, "# HELP ambito_request_queue_length Requests waiting for a worker.\n");
	out(r, "# TYPE ambito_request_queue_length gauge\nambito_request_queue_length %d\n", server_queue_len());
	out(r, "# HELP ambito_connections_open Client connections open now.\n");
	out(r, "# TYPE ambito_connections_open gauge\nambito_connections_open %d\n", server_connections());
	out(r, "# HELP ambito_connections_max Client connections allowed (max_connections).\n");
	out(r, "# TYPE ambito_connections_max gauge\nambito_connections_max %d\n", server_connections_max());
	out(r, "# HELP ambito_connections_refused_total Connections closed at once, unread, because max_connections"
	       " were open.\n");
	out(r, "# TYPE ambito_connections_refused_total counter\nambito_connections_refused_total %lu\n",
	    server_connections_refused());
	out(r, "# HELP ambito_accept_pauses_total Pauses of accepting connections after accept() failed, by its"
	       " error (emfile: the process is out of descriptors, enfile: the system is).\n");
	out(r, "# TYPE ambito_accept_pauses_total counter\n");
	out(r, "ambito_accept_pauses_total{error=\"emfile\"} %lu\n", server_accept_pauses(PAUSE_EMFILE));
	out(r, "ambito_accept_pauses_total{error=\"enfile\"} %lu\n", server_accept_pauses(PAUSE_ENFILE));
	out(r, "ambito_accept_pauses_total{error=\"other\"} %lu\n", server_accept_pauses(PAUSE_OTHER));
	out(r, "# HELP ambito_request_memory_bytes Memory reserved by requests in flight.\n");
	out(r, "# TYPE ambito_request_memory_bytes gauge\nambito_request_memory_bytes %zu\n", server_request_memory());
	int running, queued, admitted = password_pool_load(&running, &queued);
	out(r, "# HELP ambito_password_hashes Password hashes running and waiting for a hashing thread.\n");
	out(r, "# TYPE ambito_password_hashes gauge\nambito_password_hashes{state=\"running\"} %d\n", running);
	out(r, "ambito_password_hashes{state=\"queued\"} %d\n", queued);
	out(r, "# HELP ambito_password_hashes_max Password hashes admitted at once; past it logins get 503.\n");
	out(r, "# TYPE ambito_password_hashes_max gauge\nambito_password_hashes_max %d\n", admitted);
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4";
}
