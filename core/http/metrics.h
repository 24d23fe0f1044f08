/* Prometheus metrics: requests by route and status, a latency histogram,
 * worker (and so database connection) use. Counters are lock-free atomics. */
#ifndef AMBITO_METRICS_H
#define AMBITO_METRICS_H

#include "http/http.h"

void metrics_init(int nroutes);
/* route_index -1 for requests that matched no route. */
void metrics_observe(int route_index, int status, double seconds);
void metrics_render(http_req *r);

/* Refusals that are counted instead of audited: whoever sends them is not
 * authenticated, so auditing them would let anyone fill the append-only
 * audit table. */
typedef enum {
	REFUSAL_UNAUTHENTICATED_WRITE, /* a write answered 401 */
	REFUSAL_LOGIN_BLOCKED,         /* a login answered 429 while blocked */
	REFUSAL_LOGOUT_UNKNOWN,        /* a logout of an unknown or ended login */
	REFUSAL_REFRESH_INVALID,       /* a refresh with an unknown, spent or expired token */
	REFUSAL_PUBLIC_RATE,           /* a public route answered 429: its address's rate limit */
	REFUSAL_KINDS
} refusal_kind;
void metrics_refusal(refusal_kind k);
/* A write transaction run again after a deadlock or certification conflict. */
void metrics_tx_retry(void);
/* A plan index page that found its rows kept by its worker (hit) or read
 * them (tenants/plans/plan_index_cache.c). */
void metrics_plan_index_cache(bool hit);
/* The bytes a finished request took from its arena (memory per request). */
void metrics_arena(size_t bytes);

#endif
