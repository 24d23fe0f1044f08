/* Threads of the process and the stop signals (SIGTERM, SIGINT). Those are
 * the main thread's alone: it takes them in its event loop while serving
 * and, once stopping, blocks them, so that a signal sent again during the
 * teardown stays pending and the process ends by its own exit. (Freeing the
 * loop's signal events puts the default action back, which would end the
 * process by that signal.) */
#ifndef AMBITO_THREAD_H
#define AMBITO_THREAD_H

#include <pthread.h>

/* pthread_create for a thread that never takes the stop signals. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);
/* Blocks the stop signals in the calling thread. */
void thread_block_stop_signals(void);

#endif
