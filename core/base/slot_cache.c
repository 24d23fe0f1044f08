#include "base/slot_cache.h"

#include <stdlib.h>

struct slot_cache {
	size_t n;
	unsigned long long clock;
	cache_slot slots[];
};

static void cache_free(void *p)
{
	slot_cache *c = p;
	for (size_t i = 0; i < c->n; i++)
		arena_free(c->slots[i].a);
	free(c);
}

/* Guards the making of the kinds' keys (once each, by whichever thread
 * asks first). */
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;

slot_cache *slot_cache_of_thread(slot_cache_kind *k)
{
	if (!atomic_load_explicit(&k->made, memory_order_acquire)) {
		pthread_mutex_lock(&keys_lock);
		if (!atomic_load_explicit(&k->made, memory_order_relaxed)) {
			if (pthread_key_create(&k->key, cache_free) != 0)
				abort();
			atomic_store_explicit(&k->made, true, memory_order_release);
		}
		pthread_mutex_unlock(&keys_lock);
	}
	slot_cache *c = pthread_getspecific(k->key);
	if (c == NULL) {
		c = calloc(1, sizeof(*c) + k->nslots * sizeof(cache_slot));
		if (c == NULL || pthread_setspecific(k->key, c) != 0)
			abort();
		c->n = k->nslots;
	}
	return c;
}

cache_slot *slot_cache_find(slot_cache *c, long long id0, long long id1, unsigned long long version, bool *hit)
{
	cache_slot *victim = &c->slots[0];
	for (size_t i = 0; i < c->n; i++) {
		cache_slot *s = &c->slots[i];
		if (s->a != NULL && s->id[0] == id0 && s->id[1] == id1 && s->version == version) {
			s->used = ++c->clock;
			*hit = true;
			return s;
		}
		if (s->used < victim->used)
			victim = s;
	}
	arena_free(victim->a);
	*victim = (cache_slot){.id = {id0, id1}, .version = version, .used = ++c->clock, .a = arena_new()};
	*hit = false;
	return victim;
}

void slot_cache_drop(cache_slot *s)
{
	arena_free(s->a);
	*s = (cache_slot){0};
}
