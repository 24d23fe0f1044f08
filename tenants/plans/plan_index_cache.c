/* The plan index's rows kept by each worker thread (base/slot_cache.h),
 * under the plan's ids and index_version: the page reads the plan row with
 * the caller's identity anyway, and migration 0021's triggers move
 * index_version in every statement that changes a draft section, a
 * comment, an allocation or a section author's name, so a kept copy whose
 * version is the row's is what the database holds. Tenant scope is not
 * decided here: the caller passes a plan it read for a tenant already
 * resolved; the copy only spares reading its rows again. */
#include "base/slot_cache.h"
#include "http/metrics.h"
#include "tenants/plans/plans.h"

/* Plans a worker keeps: a coordinator's few, a reviewer's round of them.
 * Some 15 KB each (one arena block, the result set and its arrays). */
static slot_cache_kind kept_indexes = SLOT_CACHE_KIND(16);

int plan_index_cached_rows(db *d, arena *a, const plan *p, plan_page_rows *out)
{
	if (p->index_version == 0) { /* not read with the plan: nothing to check a copy against */
		int rc = plan_store_index_rows(d, a, p->tenant_id, p->cycle_id, out);
		out->plan = NULL;
		return rc;
	}
	bool hit;
	cache_slot *s =
	    slot_cache_find(slot_cache_of_thread(&kept_indexes), p->tenant_id, p->cycle_id, p->index_version, &hit);
	metrics_plan_index_cache(hit);
	if (!hit) {
		plan_page_rows *rows = arena_alloc(s->a, sizeof(*rows));
		int rc = plan_store_index_rows(d, s->a, p->tenant_id, p->cycle_id, rows);
		if (rc != DB_OK || rows->plan == NULL) { /* NULL: the plan went since the page read it */
			slot_cache_drop(s);
			*out = (plan_page_rows){0};
			return rc;
		}
		/* Kept under the version the rows were read at: a write between
		 * the page's statement and this one moved it from p's. */
		s->version = rows->plan->index_version;
		s->value = rows;
	}
	*out = *(const plan_page_rows *)s->value;
	out->plan = NULL; /* the row they were read with; the caller has p */
	return DB_OK;
}
