/* Request memory: everything a request allocates comes from its arena and is
 * released in one go with arena_free(). Not thread-safe: one owner at a time. */
#ifndef AMBITO_ARENA_H
#define AMBITO_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a); /* arena_free(NULL) does nothing */
/* Never returns NULL: running out of memory aborts the process. */
void *arena_alloc(arena *a, size_t size);
void *arena_calloc(arena *a, size_t n, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* Bytes handed out so far, for limits and tests. */
size_t arena_used(const arena *a);

#endif
