/* Unit tests for core/base/slot_cache.c: a slot is found only under both
 * ids and its version; a free slot is used before a full one, then the least
 * recently used is emptied; a dropped slot is free again; each thread has a
 * cache of its own, freed when it ends (the sanitized build's leak check). */
#include "base/slot_cache.h"

#include <pthread.h>
#include <string.h>

#include "check.h"

static slot_cache_kind kind = SLOT_CACHE_KIND(3);

/* Fills a missed slot with a text of its own. */
static cache_slot *get(slot_cache *c, long long id0, long long id1, unsigned long long version, bool *hit)
{
	cache_slot *s = slot_cache_find(c, id0, id1, version, hit);
	if (!*hit)
		s->value = arena_printf(s->a, "%lld/%lld@%llu", id0, id1, version);
	return s;
}

static void *other_thread(void *mine)
{
	bool hit;
	slot_cache *c = slot_cache_of_thread(&kind);
	get(c, 1, 1, 7, &hit);
	*(bool *)mine = c != NULL && !hit; /* the main thread's copy of 1/1@7 is not this thread's */
	return NULL;
}

int main(void)
{
	slot_cache *c = slot_cache_of_thread(&kind);
	CHECK(slot_cache_of_thread(&kind) == c, "a thread gets the same cache again");
	bool hit;
	cache_slot *a = get(c, 1, 1, 7, &hit);
	CHECK(!hit && a->a != NULL, "a first find misses and gets an arena");
	CHECK(get(c, 1, 1, 7, &hit) == a && hit, "the same ids and version hit");
	CHECK_STR(a->value, "1/1@7", "the copy kept");
	get(c, 1, 1, 8, &hit);
	CHECK(!hit, "another version misses");
	get(c, 1, 2, 7, &hit);
	CHECK(!hit, "another second id misses");
	/* Three slots, all used: 1/1@7 (hit last before the two misses), 1/1@8,
	 * 1/2@7. Touch 1/1@7, then a fourth copy empties the least recently
	 * used, 1/1@8. */
	get(c, 1, 1, 7, &hit);
	CHECK(hit, "1/1@7 still kept");
	get(c, 2, 1, 1, &hit);
	CHECK(!hit, "a fourth copy");
	get(c, 1, 1, 8, &hit);
	CHECK(!hit, "the least recently used (1/1@8) was emptied for it");
	get(c, 2, 1, 1, &hit);
	CHECK(hit, "the fourth copy is kept");
	/* Now 1/1@7 is the least recently used; dropping 2/1@1 frees its slot,
	 * which the next miss takes instead. */
	cache_slot *d = get(c, 2, 1, 1, &hit);
	slot_cache_drop(d);
	CHECK(d->a == NULL && d->value == NULL, "a dropped slot is empty");
	get(c, 3, 3, 3, &hit);
	CHECK(!hit, "a new copy");
	get(c, 1, 1, 7, &hit);
	CHECK(hit, "went to the dropped slot, not to the least recently used");

	bool theirs = false;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, other_thread, &theirs) == 0 && pthread_join(t, NULL) == 0, "another thread ran");
	CHECK(theirs, "another thread misses what this one kept");
	return check_done();
}
