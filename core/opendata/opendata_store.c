/* The published plans and their cycles, read for the portal and the files. */
#include <string.h>

#include "base/pubdoc.h"
#include "opendata/opendata.h"

static const char cycle_cols[] = "SELECT c.id, c.slug, c.title, c.reference, c.status, c.start_year, c.end_year,"
                                 " (SELECT COUNT(*) FROM plans p WHERE p.cycle_id = c.id"
                                 "  AND p.published_revision IS NOT NULL),"
                                 " (SELECT MAX(pp.published_at) FROM plan_publications pp WHERE pp.cycle_id = c.id)"
                                 " FROM cycles c WHERE c.status <> 'draft'";

static void read_cycle(const db_res *res, size_t i, od_cycle *c)
{
	*c = (od_cycle){.id = db_int(res, i, 0),
	                .slug = db_val(res, i, 1),
	                .title = db_val(res, i, 2),
	                .reference = db_val(res, i, 3),
	                .status = db_val(res, i, 4),
	                .start_year = db_int(res, i, 5),
	                .end_year = db_int(res, i, 6),
	                .published = db_int(res, i, 7),
	                .last_published = db_isnull(res, i, 8) ? NULL : db_val(res, i, 8)};
}

int od_store_cycles(db *d, arena *a, od_cycle **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res, arena_printf(a, "%s ORDER BY c.start_year DESC, c.id DESC LIMIT 200", cycle_cols),
	                ""));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n ? *n : 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_cycle(res, i, &(*out)[i]);
	return DB_OK;
}

int od_store_cycle(db *d, arena *a, const char *slug, od_cycle **out)
{
	db_res *res;
	*out = NULL;
	/* BINARY: one public address per cycle, exactly as written. */
	DB_TRY(db_query(d, a, &res, arena_printf(a, "%s AND c.slug = BINARY ?", cycle_cols), "s", slug));
	if (db_nrows(res) == 0)
		return DB_OK;
	*out = arena_alloc(a, sizeof(**out));
	read_cycle(res, 0, *out);
	return DB_OK;
}

int od_store_plans(db *d, arena *a, long long cycle_id, bool with_snapshot, od_plan **out, size_t *n)
{
	db_res *res;
	DB_TRY(
	    db_query(d, a, &res,
	             arena_printf(a,
	                          "SELECT t.slug, t.code, t.name, t.province,"
	                          " (SELECT GROUP_CONCAT(cm.name ORDER BY cm.position SEPARATOR ', ') FROM comuni cm"
	                          "  WHERE cm.tenant_id = t.id),"
	                          " (SELECT COALESCE(SUM(cm.population), 0) FROM comuni cm WHERE cm.tenant_id = t.id),"
	                          " (SELECT COUNT(*) FROM comuni cm WHERE cm.tenant_id = t.id),"
	                          " p.published_revision, pp.published_at, pp.document_sha256,"
	                          " %s, IF(pp.document IS NULL, s.snapshot, NULL)"
	                          " FROM plans p JOIN tenants t ON t.id = p.tenant_id"
	                          " JOIN plan_submissions s ON s.tenant_id = p.tenant_id AND s.cycle_id = p.cycle_id"
	                          "  AND s.revision = p.published_revision"
	                          " LEFT JOIN plan_publications pp ON pp.tenant_id = p.tenant_id"
	                          "  AND pp.cycle_id = p.cycle_id AND pp.revision = p.published_revision"
	                          " WHERE p.cycle_id = ? AND p.published_revision IS NOT NULL"
	                          " ORDER BY CHAR_LENGTH(t.slug), t.slug LIMIT %d",
	                          with_snapshot ? "pp.document" : "NULL", OD_MAX_PLANS),
	             "i", cycle_id));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n ? *n : 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		(*out)[i] = (od_plan){.tenant_slug = db_val(res, i, 0),
		                      .tenant_code = db_val(res, i, 1),
		                      .tenant_name = db_val(res, i, 2),
		                      .province = db_val(res, i, 3),
		                      .comuni = db_isnull(res, i, 4) ? "" : db_val(res, i, 4),
		                      .population = db_int(res, i, 5),
		                      .ncomuni = db_int(res, i, 6),
		                      .revision = db_int(res, i, 7),
		                      .published_at = db_isnull(res, i, 8) ? NULL : db_val(res, i, 8)};
		/* The publication document (base/pubdoc.h), derived from the
		 * snapshot for a publication older than the stored ones. */
		od_plan *p = &(*out)[i];
		if (!with_snapshot && !db_isnull(res, i, 9)) {
			p->sha256 = db_val(res, i, 9);
			continue;
		}
		char *sha = arena_alloc(a, SHA256_HEX_LEN + 1);
		p->snapshot = pubdoc_of_row(a, db_isnull(res, i, 10) ? NULL : db_val(res, i, 10), db_len(res, i, 10),
		                            db_isnull(res, i, 9) ? NULL : db_val(res, i, 9),
		                            db_isnull(res, i, 11) ? NULL : db_val(res, i, 11), db_len(res, i, 11),
		                            &p->snapshot_len, sha);
		if (p->snapshot == NULL)
			return DB_EERR;
		p->sha256 = sha;
		if (!with_snapshot) {
			p->snapshot = NULL;
			p->snapshot_len = 0;
		}
	}
	return DB_OK;
}
