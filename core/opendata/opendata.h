/* Transparency and open data: what is published, for everyone. The portal
 * pages (/trasparenza), the files of each cycle (/opendata/{cycle}/…, and
 * /opendata/{cycle}.zip with an Italian LEGGIMI.txt) and the DCAT-AP_IT
 * catalogue (/opendata/catalog.rdf and .ttl). Everything reads published
 * plans only — plans.published_revision and its publication document (the
 * snapshot without lateness, submission note and submitter: base/pubdoc.h) —
 * so drafts, submissions under review, comments, users and notes never reach
 * here. */
#ifndef AMBITO_OPENDATA_H
#define AMBITO_OPENDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/config.h"
#include "db/db.h"
#include "http/http.h"

#define OD_CACHE_CONTROL "public, max-age=300" /* a publication shows within 5 minutes */
#define OD_MAX_PLANS 5000                      /* published plans of one cycle read at once */

void opendata_init(const config *cfg);
void opendata_register(void);

/* ---- reads (opendata_store.c) ---- */

typedef struct od_cycle {
	long long id;
	const char *slug, *title, *reference, *status;
	long long start_year, end_year, published;
	const char *last_published; /* DATETIME text, NULL when nothing is */
} od_cycle;

typedef struct od_plan {
	const char *tenant_slug, *tenant_code, *tenant_name, *province, *comuni;
	long long population, ncomuni, revision;
	const char *published_at; /* DATETIME text */
	const char *sha256;
	const char *snapshot; /* the publication document; NULL unless asked for */
	size_t snapshot_len;
} od_plan;

/* The cycles that are not drafts, newest first, with their published count. */
int od_store_cycles(db *d, arena *a, od_cycle **out, size_t *n);
/* One of them by slug; *out NULL when there is none (or it is a draft). */
int od_store_cycle(db *d, arena *a, const char *slug, od_cycle **out);
/* The published plans of a cycle in the ATS's natural order. */
int od_store_plans(db *d, arena *a, long long cycle_id, bool with_snapshot, od_plan **out, size_t *n);

/* ---- shared by the routes ---- */

/* A growing byte string for a file built in memory (failed on no memory). */
typedef struct od_membuf {
	char *data;
	size_t len, cap;
	bool failed;
} od_membuf;
void od_membuf_sink(void *ctx, const void *buf, size_t len);

extern const char *od_region_name, *od_region_ipa, *od_region_email, *od_public_url;
/* The validators of every public page and file, derived from the publication
 * state (cached a few seconds) and the request's path and query, never from
 * the body (opendata_fresh.c). Every public handler calls od_fresh first (or
 * od_path_cycle, which does): true when it has answered — 304 because the
 * client holds the current version, or an error page. */
bool od_fresh(http_req *r);
/* The cycle of the {cycle} path parameter, from the same cached state; NULL
 * after a 304 or a 404/503 page. */
od_cycle *od_path_cycle(http_req *r);
/* The same for a slug the handler found elsewhere ({cycle}.zip). */
od_cycle *od_slug_cycle(http_req *r, const char *slug);
/* ETag (od_fresh's), Last-Modified (last_modified, a DATETIME text in UTC,
 * or now), OD_CACHE_CONTROL and Vary on an answer already written. */
void od_validators(http_req *r, const char *last_modified);
/* Answers 200 with body and od_validators. */
void od_answer(http_req *r, const char *content_type, const void *body, size_t len, const char *last_modified);
/* "Tue, 01 Dec 2026 10:00:00 GMT" from a DATETIME text in UTC, or now. */
const char *od_http_date(arena *a, const char *datetime);

#endif
