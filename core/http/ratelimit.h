/* The rate limit of the public routes (the transparency portal, the open
 * data, the published plans, participation): a token bucket per client
 * address — rate tokens a second, up to burst — in a bounded table. The
 * address is r->client_addr, the peer or the client a trusted proxy names
 * (http/proxy.h). Used by the I/O thread alone: no lock. */
#ifndef AMBITO_RATELIMIT_H
#define AMBITO_RATELIMIT_H

#include <stdbool.h>

#define RATELIMIT_SLOTS 16384 /* addresses remembered; past it the fullest bucket is forgotten */
#define RATELIMIT_PROBE 16    /* slots looked at for an address */
#define RATELIMIT_ADDR_MAX 64 /* an IPv6 address in text fits */

typedef struct ratelimit ratelimit;

/* rate 0: no limit (NULL is returned, and every call below lets all pass). */
ratelimit *ratelimit_new(int rate, int burst);
void ratelimit_free(ratelimit *l);
/* Whether path is one of the limited public routes. */
bool ratelimit_path(const char *path);
/* Takes a token for addr at now (seconds, monotonic): true when it may
 * pass; otherwise false and *retry_after_s, the whole seconds until a
 * token is there again. */
bool ratelimit_take(ratelimit *l, const char *addr, double now, int *retry_after_s);

#endif
