/* Prometheus metrics: requests by route and status, a latency histogram,
 * worker (and so database connection) use. Counters are lock-free atomics. */
#ifndef AMBITO_METRICS_H
#define AMBITO_METRICS_H

#include "http/http.h"

void metrics_init(int nroutes);
/* route_index -1 for requests that matched no route. */
void metrics_observe(int route_index, int status, double seconds);
void metrics_render(http_req *r);

#endif
