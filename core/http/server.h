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
/* head, when set, runs on the I/O thread for every routed request as soon as
 * its head is read, before a byte of its body: 0 to go on, or -1 with the
 * answer written (the connection then closes, its body read and thrown away
 * by the lingering close). */
/* not_found, when set, answers a request whose path no route matches (on the
 * I/O thread, without the database); if it leaves no answer the server
 * answers the JSON 404 problem. */
void server_set_not_found(server *s, http_handler not_found);
typedef int (*http_head_check)(http_req *r);
void server_set_head_check(server *s, http_head_check head);
void server_free(server *s); /* server_free(NULL) does nothing */

/* Gauges for /metrics. */
int server_workers_busy(void);
int server_workers_size(void);
int server_queue_len(void);
/* Read on the I/O thread only (/metrics is an inline route). */
int server_connections(void);
int server_connections_max(void);
size_t server_request_memory(void);
/* Counters since start: connections closed at once past max_connections,
 * and the pauses of accepting after accept() failed, by its error. */
unsigned long server_connections_refused(void);
typedef enum { PAUSE_EMFILE, PAUSE_ENFILE, PAUSE_OTHER, PAUSE_KINDS } server_pause_kind;
unsigned long server_accept_pauses(server_pause_kind k);

#endif
