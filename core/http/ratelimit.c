/* Token buckets per client address: see ratelimit.h. The table is open
 * addressing over a hash of the address; a new address whose probe run is
 * full takes the slot whose bucket is fullest once refilled (the address
 * quiet the longest): forgetting it only gives it back what it would have
 * anyway. */
#include "http/ratelimit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
	char addr[RATELIMIT_ADDR_MAX]; /* "" : free */
	double tokens, at;
} slot;

struct ratelimit {
	double rate, burst;
	slot *slots;
};

/* The prefixes of the public routes, each a whole path segment. */
static const char *const prefixes[] = {"/trasparenza", "/opendata", "/api/v1/public", "/public", "/partecipa"};

bool ratelimit_path(const char *path)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(path, prefixes[i], n) == 0 && (path[n] == '\0' || path[n] == '/' || path[n] == '?'))
			return true;
	}
	return false;
}

ratelimit *ratelimit_new(int rate, int burst)
{
	if (rate <= 0)
		return NULL;
	ratelimit *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->slots = calloc(RATELIMIT_SLOTS, sizeof(*l->slots));
	if (l->slots == NULL) {
		free(l);
		return NULL;
	}
	l->rate = rate;
	l->burst = burst > 0 ? burst : 1;
	return l;
}

void ratelimit_free(ratelimit *l)
{
	if (l != NULL)
		free(l->slots);
	free(l);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static double refilled(const ratelimit *l, const slot *s, double now)
{
	double t = s->tokens + (now - s->at) * l->rate;
	return t > l->burst ? l->burst : t;
}

bool ratelimit_take(ratelimit *l, const char *addr, double now, int *retry_after_s)
{
	if (l == NULL || addr == NULL)
		return true;
	size_t start = hash(addr) % RATELIMIT_SLOTS, victim = start;
	slot *s = NULL;
	double fullest = -1;
	/* Slots are never emptied, so an address's run has no hole before it:
	 * the first free slot ends the search. */
	for (size_t i = 0; i < RATELIMIT_PROBE; i++) {
		size_t k = (start + i) % RATELIMIT_SLOTS;
		slot *c = &l->slots[k];
		if (c->addr[0] == '\0') {
			victim = k;
			break;
		}
		if (strncmp(c->addr, addr, RATELIMIT_ADDR_MAX - 1) == 0) {
			s = c;
			break;
		}
		double t = refilled(l, c, now);
		if (t > fullest) {
			fullest = t;
			victim = k;
		}
	}
	if (s == NULL) {
		s = &l->slots[victim];
		strncpy(s->addr, addr, RATELIMIT_ADDR_MAX - 1);
		s->addr[RATELIMIT_ADDR_MAX - 1] = '\0';
		s->tokens = l->burst;
		s->at = now;
	}
	s->tokens = refilled(l, s, now);
	s->at = now;
	if (s->tokens >= 1) {
		s->tokens -= 1;
		return true;
	}
	if (retry_after_s != NULL) {
		double wait = (1 - s->tokens) / l->rate;
		int whole = (int)wait;
		*retry_after_s = whole < wait ? whole + 1 : whole < 1 ? 1 : whole;
	}
	return false;
}
