/* A bump allocator over a list of blocks; large requests get their own block. */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (16 * 1024)
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t size, used;
	max_align_t data[];
};

struct arena {
	struct block *head;
	size_t total;
};

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof(*b) + size);
	if (b == NULL) {
		fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
		abort();
	}
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

arena *arena_new(void)
{
	arena *a = calloc(1, sizeof(*a));
	if (a == NULL)
		abort();
	a->head = block_new(ARENA_BLOCK_SIZE);
	return a;
}

void arena_free(arena *a)
{
	if (a == NULL)
		return;
	struct block *b = a->head;
	while (b != NULL) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *arena_alloc(arena *a, size_t size)
{
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < size)
		abort();
	a->total += need;
	if (need > ARENA_BLOCK_SIZE / 4) {
		/* Big allocations go in a block of their own behind the head,
		 * so the head keeps serving small ones. */
		struct block *b = block_new(need);
		b->used = need;
		b->next = a->head->next;
		a->head->next = b;
		return b->data;
	}
	if (a->head->size - a->head->used < need) {
		struct block *b = block_new(ARENA_BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)a->head->data + a->head->used;
	a->head->used += need;
	return p;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		abort();
	void *p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Formatted straight into the head block's free room: one pass when it fits
 * (nearly always), a second into an allocation of the exact size when not.
 * Never a probe into a tiny buffer first: glibc then formats through a
 * 64-byte scratch buffer, flushing it over and over. */
char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	if (fmt == NULL) /* a bug; said here so the compiler knows it cannot be */
		abort();
	struct block *h = a->head;
	size_t room = h->size - h->used; /* a multiple of ARENA_ALIGN */
	char *dst = (char *)h->data + h->used;
	va_copy(copy, ap);
	int n = vsnprintf(dst, room, fmt, copy);
	va_end(copy);
	if (n < 0)
		abort();
	if ((size_t)n < room) {
		size_t need = ((size_t)n + 1 + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		h->used += need;
		a->total += need;
		return dst;
	}
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_used(const arena *a)
{
	return a->total;
}
