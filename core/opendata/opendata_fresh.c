/* Validators of the public answers without building them. What a public page
 * or file shows depends only on the publication state: the cycles (their
 * titles, status, published count and last publication), the publications,
 * the tenants and their Comuni (names, codes, population) and the Region's
 * settings. That state is digested by one small query and kept in memory for
 * OD_STATE_TTL_S seconds (shorter than the max-age the answers carry), and
 * the ETag is the digest of the state, the path and the query: a
 * revalidation gets its 304 before any body is built and, while the state is
 * fresh, before any database round trip. Every public handler goes through
 * od_fresh (od_path_cycle calls it), and od_answer uses the ETag od_fresh
 * computed before the body was read: a validator never names a body newer
 * than itself, so a change is never hidden behind an older ETag. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"
#include "opendata/opendata.h"
#include "web/web.h"

#define OD_STATE_TTL_S 2 /* a publication shows in validators within this */
#define ETAG_HEX 32

/* The cached state: its digest, the cycles (for od_path_cycle) and when it
 * was read. Replaced whole under mu; readers copy what they need. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static arena *state_arena;
static od_cycle *state_cycles;
static size_t state_ncycles;
static char state_digest[SHA256_HEX_LEN + 1];
static struct timespec state_at;
static bool state_ok;

/* The ETag od_fresh gave the request this worker thread is answering. */
static _Thread_local struct {
	const http_req *r;
	char etag[ETAG_HEX + 3];
} current;

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Reads the state from the database into a new arena; DB_OK or an error. */
static int read_state(db *d, arena *a, od_cycle **cycles, size_t *n, char digest[SHA256_HEX_LEN + 1])
{
	DB_TRY(od_store_cycles(d, a, cycles, n));
	db_res *res;
	/* Order-free digests of the rows (60 bits of each row's SHA-256, XORed):
	 * any change of a name, a code or a population changes them. */
	DB_TRY(db_query(d, a, &res,
	                "SELECT (SELECT COUNT(*) FROM plan_publications),"
	                " (SELECT MAX(published_at) FROM plan_publications),"
	                " (SELECT COUNT(*) FROM plans WHERE published_revision IS NOT NULL),"
	                " (SELECT COALESCE(SUM(published_revision), 0) FROM plans),"
	                " (SELECT COUNT(*) FROM tenants),"
	                " (SELECT COALESCE(BIT_XOR(CONV(LEFT(SHA2(CONCAT_WS('|', id, slug, code, name, province), 256),"
	                "  15), 16, 10)), 0) FROM tenants),"
	                " (SELECT COUNT(*) FROM comuni),"
	                " (SELECT COALESCE(BIT_XOR(CONV(LEFT(SHA2(CONCAT_WS('|', tenant_id, position, istat_code, name,"
	                "  population), 256), 15), 16, 10)), 0) FROM comuni)",
	                ""));
	const char *s = arena_printf(a, "%s|%s|%s|%s\n", od_region_name, od_region_ipa, od_region_email, od_public_url);
	for (int c = 0; c < 8; c++)
		s = arena_printf(a, "%s%s|", s, db_isnull(res, 0, c) ? "-" : db_val(res, 0, c));
	for (size_t i = 0; i < *n; i++) {
		const od_cycle *cy = &(*cycles)[i];
		s = arena_printf(a, "%s\n%lld|%s|%s|%s|%s|%lld|%lld|%lld|%s", s, cy->id, cy->slug, cy->title,
		                 cy->reference, cy->status, cy->start_year, cy->end_year, cy->published,
		                 cy->last_published ? cy->last_published : "-");
	}
	return sha256_hex(s, strlen(s), digest) == 0 ? DB_OK : DB_EERR;
}

/* The state's digest into digest (and, when cycle_slug is given, a copy of
 * that cycle in r's arena, or NULL); false when the database fails. */
static bool state(http_req *r, char digest[SHA256_HEX_LEN + 1], const char *cycle_slug, od_cycle **cycle)
{
	pthread_mutex_lock(&mu);
	bool fresh = state_ok && since(&state_at) < OD_STATE_TTL_S;
	pthread_mutex_unlock(&mu);
	if (!fresh) {
		arena *a = arena_new();
		od_cycle *cycles;
		size_t n;
		char d[SHA256_HEX_LEN + 1];
		if (a == NULL || read_state(r->db, a, &cycles, &n, d) != DB_OK) {
			arena_free(a);
			return false;
		}
		pthread_mutex_lock(&mu);
		arena_free(state_arena);
		state_arena = a;
		state_cycles = cycles;
		state_ncycles = n;
		memcpy(state_digest, d, sizeof(d));
		clock_gettime(CLOCK_MONOTONIC, &state_at);
		state_ok = true;
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	memcpy(digest, state_digest, SHA256_HEX_LEN + 1);
	if (cycle != NULL) {
		*cycle = NULL;
		for (size_t i = 0; cycle_slug != NULL && i < state_ncycles; i++) {
			const od_cycle *c = &state_cycles[i];
			if (strcmp(c->slug, cycle_slug) != 0) /* exact: one public address per cycle */
				continue;
			od_cycle *copy = arena_alloc(r->a, sizeof(*copy));
			*copy = *c;
			copy->slug = arena_strdup(r->a, c->slug);
			copy->title = arena_strdup(r->a, c->title);
			copy->reference = arena_strdup(r->a, c->reference);
			copy->status = arena_strdup(r->a, c->status);
			copy->last_published = c->last_published ? arena_strdup(r->a, c->last_published) : NULL;
			*cycle = copy;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return true;
}

static void cache_headers(http_req *r)
{
	http_set_header(r, "ETag", current.etag);
	http_set_header(r, "Cache-Control", OD_CACHE_CONTROL);
	/* A signed-in visitor's page differs (its header): caches keep apart. */
	http_set_header(r, "Vary", "Cookie");
}

/* od_fresh, also giving the cycle of slug from the same state. */
static bool fresh_cycle(http_req *r, const char *slug, od_cycle **cycle)
{
	char digest[SHA256_HEX_LEN + 1], hex[SHA256_HEX_LEN + 1];
	if (!state(r, digest, slug, cycle)) {
		web_error_page(r, 503, NULL);
		return true;
	}
	const char *key = arena_printf(r->a, "%s\n%s\n%s", digest, r->path, r->query ? r->query : "");
	if (sha256_hex(key, strlen(key), hex) != 0) {
		web_error_page(r, 500, NULL);
		return true;
	}
	current.r = r;
	snprintf(current.etag, sizeof(current.etag), "\"%.*s\"", ETAG_HEX, hex);
	if (!http_if_none_match(r, current.etag))
		return false;
	r->status = 304;
	r->content_type = NULL;
	r->resp_len = 0;
	cache_headers(r);
	return true;
}

bool od_fresh(http_req *r)
{
	return fresh_cycle(r, NULL, NULL);
}

od_cycle *od_path_cycle(http_req *r)
{
	return od_slug_cycle(r, http_param(r, "cycle"));
}

od_cycle *od_slug_cycle(http_req *r, const char *slug)
{
	od_cycle *c = NULL;
	if (fresh_cycle(r, slug, &c))
		return NULL;
	if (c == NULL)
		web_error_page(r, 404, NULL);
	return c;
}

void od_validators(http_req *r, const char *last_modified)
{
	if (current.r != r && od_fresh(r))
		return; /* not through od_fresh: rare, and then it answers here */
	cache_headers(r);
	http_set_header(r, "Last-Modified", od_http_date(r->a, last_modified));
}

void od_answer(http_req *r, const char *content_type, const void *body, size_t len, const char *last_modified)
{
	http_body(r, 200, content_type, body, len);
	od_validators(r, last_modified);
}
