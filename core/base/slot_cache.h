/* What a worker thread keeps of what it read from the database: a few
 * slots, each an arena of its own under two ids and the version its rows
 * were read at. The reader gets the version with the rows it reads on every
 * request anyway, and every change of the kept rows moves it, so a slot
 * whose version is the one just read holds the stored rows. The least
 * recently used slot is emptied for a new copy. A cache belongs to one
 * thread, so a copy is never freed under another request; the thread's end
 * frees it. */
#ifndef AMBITO_SLOT_CACHE_H
#define AMBITO_SLOT_CACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

typedef struct cache_slot {
	long long id[2];
	unsigned long long version, used;
	arena *a;    /* NULL: the slot is free */
	void *value; /* the owner's copy, in a */
} cache_slot;

typedef struct slot_cache slot_cache;

/* One kind of cache (the cycles' templates, the plan indexes…), declared
 * once, static, as SLOT_CACHE_KIND(nslots): its thread-specific key is made
 * at its first use, and each thread's cache under it is freed when the
 * thread ends. */
typedef struct slot_cache_kind {
	size_t nslots;
	atomic_bool made;
	pthread_key_t key;
} slot_cache_kind;
#define SLOT_CACHE_KIND(n)                                                                                             \
	{                                                                                                              \
		.nslots = (n)                                                                                          \
	}

/* The calling thread's cache of kind k (made at its first call). */
slot_cache *slot_cache_of_thread(slot_cache_kind *k);
/* The slot holding (id0, id1, version), *hit true; or a free or least
 * recently used one emptied for it (a fresh arena, value NULL), *hit false:
 * the caller fills value, or calls slot_cache_drop when reading failed. */
cache_slot *slot_cache_find(slot_cache *c, long long id0, long long id1, unsigned long long version, bool *hit);
void slot_cache_drop(cache_slot *s);

#endif
