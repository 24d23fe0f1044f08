/* The HTTP/1.1 server: one I/O thread runs libevent (accept, read, parse,
 * write), a worker pool runs handlers with their own database connections.
 * See the README's architecture notes for why. */
#ifndef AMBITO_SERVER_H
#define AMBITO_SERVER_H

#include <stddef.h>

#include "base/config.h"
#include "http/router.h"

typedef struct server server;

/* Binds the listening socket (and loads TLS material when configured).
 * dispatch runs every routed request: the layer above decides what happens
 * around the handler (identity/dispatch.c). */
server *server_new(const config *cfg, http_handler dispatch, char *err, size_t errlen);
/* Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
 * requests finish (bounded by a drain deadline) and returns 0. */
int server_run(server *s);
void server_free(server *s); /* server_free(NULL) does nothing */

/* Gauges for /metrics. */
int server_workers_busy(void);
int server_workers_size(void);
int server_queue_len(void);
/* Read on the I/O thread only (/metrics is an inline route). */
int server_connections(void);
int server_connections_max(void);
size_t server_request_memory(void);

#endif
