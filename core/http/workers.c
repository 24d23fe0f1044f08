/* Worker pool: a ring buffer guarded by one mutex, two condition variables. */
#include "http/workers.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/thread.h"

struct workers {
	pthread_mutex_t mu;
	pthread_cond_t has_job;
	void **ring;
	int cap, head, len;
	int busy;
	bool stopping;
	int nthreads;
	pthread_t *threads;
	workers_ops ops;
	void *ctx;
};

static void *worker_main(void *arg)
{
	workers *w = arg;
	void *state = w->ops.thread_start ? w->ops.thread_start(w->ctx) : NULL;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->len == 0 && !w->stopping)
			pthread_cond_wait(&w->has_job, &w->mu);
		if (w->len == 0 && w->stopping)
			break;
		void *job = w->ring[w->head];
		w->head = (w->head + 1) % w->cap;
		w->len--;
		w->busy++;
		pthread_mutex_unlock(&w->mu);
		w->ops.run(w->ctx, state, job);
		pthread_mutex_lock(&w->mu);
		w->busy--;
	}
	pthread_mutex_unlock(&w->mu);
	if (w->ops.thread_stop)
		w->ops.thread_stop(w->ctx, state);
	return NULL;
}

workers *workers_new(int nthreads, int queue_len, const workers_ops *ops, void *ctx)
{
	workers *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->has_job, NULL);
	w->cap = queue_len;
	w->ring = calloc((size_t)queue_len, sizeof(void *));
	w->threads = calloc((size_t)nthreads, sizeof(pthread_t));
	w->ops = *ops;
	w->ctx = ctx;
	if (w->ring == NULL || w->threads == NULL)
		goto fail;
	for (int i = 0; i < nthreads; i++) {
		if (thread_start(&w->threads[i], worker_main, w) != 0)
			goto fail;
		w->nthreads++;
	}
	return w;
fail:
	workers_stop(w);
	workers_free(w);
	return NULL;
}

bool workers_submit(workers *w, void *job)
{
	bool ok = false;
	pthread_mutex_lock(&w->mu);
	if (!w->stopping && w->len < w->cap) {
		w->ring[(w->head + w->len) % w->cap] = job;
		w->len++;
		ok = true;
		pthread_cond_signal(&w->has_job);
	}
	pthread_mutex_unlock(&w->mu);
	return ok;
}

void workers_stop(workers *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->has_job);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	w->nthreads = 0;
}

void workers_free(workers *w)
{
	if (w == NULL)
		return;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->has_job);
	free(w->ring);
	free(w->threads);
	free(w);
}

int workers_busy(workers *w)
{
	pthread_mutex_lock(&w->mu);
	int b = w->busy;
	pthread_mutex_unlock(&w->mu);
	return b;
}

int workers_queued(workers *w)
{
	pthread_mutex_lock(&w->mu);
	int q = w->len;
	pthread_mutex_unlock(&w->mu);
	return q;
}

int workers_size(const workers *w)
{
	return w->cap > 0 ? w->nthreads : 0;
}
