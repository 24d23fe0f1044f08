/* A fixed pool of threads taking jobs from a bounded queue. Full means the
 * caller answers 503: the queue never grows without bound. */
#ifndef AMBITO_WORKERS_H
#define AMBITO_WORKERS_H

#include <stdbool.h>

typedef struct workers workers;

typedef struct workers_ops {
	void *(*thread_start)(void *ctx); /* per-thread state */
	void (*thread_stop)(void *ctx, void *state);
	void (*run)(void *ctx, void *state, void *job);
} workers_ops;

workers *workers_new(int nthreads, int queue_len, const workers_ops *ops, void *ctx);
/* false when the queue is full or the pool is stopping. */
bool workers_submit(workers *w, void *job);
/* Lets queued jobs finish, then joins the threads. */
void workers_stop(workers *w);
void workers_free(workers *w); /* workers_free(NULL) does nothing */

int workers_busy(workers *w);   /* running a job now */
int workers_queued(workers *w); /* waiting in the queue */
int workers_size(const workers *w);

#endif
