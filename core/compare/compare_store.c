/* Data access for the comparisons. Every query reads one revision per
 * tenant, chosen in SQL from the plans row (REVISION_OF_PLAN below), so the
 * same text serves every source. Tenants come a page at a time (an IN list
 * of COMPARE_PAGE ids) so an answer never holds more than a page of rows;
 * aggregates are summed by MariaDB in DECIMAL, so money is never added up
 * in floating point. Coverage and finance by area read the per-revision
 * aggregate rows of migration 0020, never the sections. */
#include <stdio.h>
#include <string.h>

#include "compare/compare.h"

/* The IN list of a page and its arguments, in one place so that the number
 * of '?' and the number of ids cannot drift apart. */
#define PAGE_IN "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define PAGE_TYPES "iiiiiiiiiiiiiiii"
#define PAGE_IDS(p)                                                                                                    \
	(p)[0], (p)[1], (p)[2], (p)[3], (p)[4], (p)[5], (p)[6], (p)[7], (p)[8], (p)[9], (p)[10], (p)[11], (p)[12],     \
	    (p)[13], (p)[14], (p)[15]
_Static_assert(COMPARE_PAGE == 16, "PAGE_IN, PAGE_TYPES and PAGE_IDS list COMPARE_PAGE ids");

/* Which revision of each tenant's plan is compared, chosen in SQL from the
 * plans row p: the one place that maps a compare_source to a revision. The
 * '?' takes revision_arg(src): 1 for drafts (revision 0), 2 for the published
 * plan (plans.published_revision, NULL when never published: no row joins),
 * 0 for the latest submission (plans.revision). */
#define REVISION_OF_PLAN "CASE ? WHEN 1 THEN 0 WHEN 2 THEN p.published_revision ELSE p.revision END"
static long long revision_arg(compare_source src)
{
	return src == COMPARE_DRAFT ? 1 : src == COMPARE_PUBLISHED ? 2 : 0;
}

/* The plan sections of the revision compared. */
#define SECTIONS_OF_PLAN                                                                                               \
	" JOIN plan_sections ps ON ps.tenant_id = p.tenant_id AND ps.cycle_id = p.cycle_id"                            \
	" AND ps.revision = " REVISION_OF_PLAN

int compare_store_tenants(db *d, arena *a, long long cycle_id, compare_source src, bool with_population,
                          compare_tenant **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  with_population ? "SELECT t.id, t.slug, t.name, " REVISION_OF_PLAN ","
	                                    " (SELECT COALESCE(SUM(c.population), 0) FROM comuni c WHERE "
	                                    "c.tenant_id = t.id)"
	                                    " FROM plans p JOIN tenants t ON t.id = p.tenant_id"
	                                    " WHERE p.cycle_id = ? AND (? = 1 OR (" REVISION_OF_PLAN ") > 0) ORDER BY t.slug"
	                                  : "SELECT t.id, t.slug, t.name, " REVISION_OF_PLAN ", 0"
	                                    " FROM plans p JOIN tenants t ON t.id = p.tenant_id"
	                                    " WHERE p.cycle_id = ? AND (? = 1 OR (" REVISION_OF_PLAN ") > 0) ORDER BY t.slug",
	                  "iiii", revision_arg(src), cycle_id, revision_arg(src), revision_arg(src));
	if (rc != DB_OK)
		return rc;
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (compare_tenant){
		    .id = db_int(res, i, 0),
		    .slug = db_val(res, i, 1),
		    .name = db_val(res, i, 2),
		    .revision = db_int(res, i, 3),
		    .population = db_int(res, i, 4),
		};
	return DB_OK;
}

static void read_aggs(const db_res *res, arena *a, bool coverage, compare_agg **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		compare_agg *g = &(*out)[i];
		g->tenant_id = db_int(res, i, 0);
		g->code = db_val(res, i, 1);
		if (coverage) {
			g->sections = db_int(res, i, 2);
			g->complete = db_int(res, i, 3);
			g->indicators = db_int(res, i, 4);
			g->amount = db_val(res, i, 5);
		} else {
			g->amount = db_val(res, i, 2);
		}
	}
}

/* The plans of a large page (COMPARE_AGG_PAGE tenants) in the cycle: the
 * ids go as one JSON array parameter (agg_page_ids), unpacked by
 * JSON_TABLE, as 128 '?' would make an unwieldy statement. Then the
 * '?' of the cycle. */
#define PLANS_OF_AGG_PAGE                                                                                              \
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"                                          \
	" JOIN plans p ON p.tenant_id = j.id AND p.cycle_id = ?"

/* The ids of a large page as a JSON array, the unused slots (0) left out. */
static const char *agg_page_ids(arena *a, const long long ids[COMPARE_AGG_PAGE])
{
	enum { ID_MAX = 21 }; /* ",%lld" of a positive id */
	size_t size = COMPARE_AGG_PAGE * ID_MAX + 3, len = 1;
	char *s = arena_alloc(a, size);
	s[0] = '[';
	for (size_t i = 0; i < COMPARE_AGG_PAGE; i++)
		if (ids[i] != 0)
			len += (size_t)snprintf(s + len, size - len, "%s%lld", len > 1 ? "," : "", ids[i]);
	s[len++] = ']';
	s[len] = '\0';
	return s;
}

/* The aggregate rows of one kind of the revision compared, for a large page
 * of tenants: kept by migration 0020's triggers as each section revision is
 * written, so a tenant's column is one row and no section is read. */
#define FIGURES_OF_PAGE(columns)                                                                                       \
	"SELECT f.tenant_id, f.code, " columns PLANS_OF_AGG_PAGE " JOIN plan_figures f ON f.tenant_id = p.tenant_id"   \
	" AND f.cycle_id = p.cycle_id AND f.revision = " REVISION_OF_PLAN " AND f.kind = ?"

int compare_store_coverage(db *d, arena *a, long long cycle_id, compare_source src, bool by_objective,
                           const long long ids[COMPARE_AGG_PAGE], compare_agg **out, size_t *n)
{
	/* By objective a section tagged OS1-A2 and OS1-A4 counts once for OS1:
	 * the triggers count it so. A row whose sections fell back to 0 (a
	 * section emptied again) is no coverage. */
	static const char sql[] =
	    FIGURES_OF_PAGE("f.sections, f.complete, f.indicators, f.spending_eur") " WHERE f.sections > 0";
	db_res *res;
	int rc = db_query(d, a, &res, sql, "siis", agg_page_ids(a, ids), cycle_id, revision_arg(src),
	                  by_objective ? "objective" : "action");
	if (rc != DB_OK)
		return rc;
	read_aggs(res, a, true, out, n);
	return DB_OK;
}

int compare_store_tagged(db *d, arena *a, long long cycle_id, bool by_objective, const char **cols, size_t ncols,
                         long long *total)
{
	static const char by_action_sql[] =
	    "SELECT action_code, COUNT(*) FROM section_actions WHERE cycle_id = ? GROUP BY action_code";
	static const char by_objective_sql[] =
	    "SELECT ca.objective_code, COUNT(DISTINCT sa.section_key) FROM section_actions sa"
	    " JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code"
	    " WHERE sa.cycle_id = ? GROUP BY ca.objective_code";
	db_res *res;
	int rc = db_query(d, a, &res, by_objective ? by_objective_sql : by_action_sql, "i", cycle_id);
	if (rc != DB_OK)
		return rc;
	for (size_t c = 0; c < ncols; c++) {
		total[c] = 0;
		for (size_t i = 0; i < db_nrows(res); i++)
			if (strcmp(db_val(res, i, 0), cols[c]) == 0)
				total[c] = db_int(res, i, 1);
	}
	return DB_OK;
}

int compare_store_finance(db *d, arena *a, long long cycle_id, compare_source src, bool by_source,
                          const long long ids[COMPARE_AGG_PAGE], compare_agg **out, size_t *n)
{
	static const char by_area_sql[] = FIGURES_OF_PAGE("f.spending_eur");
	static const char by_source_sql[] =
	    "SELECT pi.tenant_id, pi.source, SUM(pi.amount_eur)" PLANS_OF_AGG_PAGE
	    " JOIN plan_income pi ON pi.tenant_id = p.tenant_id AND pi.cycle_id = p.cycle_id"
	    " AND pi.revision = " REVISION_OF_PLAN " GROUP BY pi.tenant_id, pi.source";
	db_res *res;
	const char *page = agg_page_ids(a, ids);
	int rc = by_source ? db_query(d, a, &res, by_source_sql, "sii", page, cycle_id, revision_arg(src))
	                   : db_query(d, a, &res, by_area_sql, "siis", page, cycle_id, revision_arg(src), "area");
	if (rc != DB_OK)
		return rc;
	read_aggs(res, a, false, out, n);
	return DB_OK;
}

static void read_sections(const db_res *res, arena *a, compare_section **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (compare_section){
		    .tenant_id = db_int(res, i, 0),
		    .key = db_val(res, i, 1),
		    .status = db_val(res, i, 2),
		    .content = db_val(res, i, 3),
		    .content_len = db_len(res, i, 3),
		    .indicators = db_int(res, i, 4),
		    .spending = db_val(res, i, 5),
		};
}

int compare_store_section(db *d, arena *a, long long cycle_id, compare_source src, const char *key,
                          const long long ids[COMPARE_PAGE], compare_section **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT ps.tenant_id, ps.section_key, ps.status, "
	                  "ps.content, ps.indicators, ps.spending_eur"
	                  " FROM plans p" SECTIONS_OF_PLAN " AND ps.section_key = ?"
	                  " WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN,
	                  "isi" PAGE_TYPES, revision_arg(src), key, cycle_id, PAGE_IDS(ids));
	if (rc != DB_OK)
		return rc;
	read_sections(res, a, out, n);
	return DB_OK;
}

int compare_store_action_sections(db *d, arena *a, long long cycle_id, compare_source src, const char *action,
                                  const long long ids[COMPARE_PAGE], compare_section **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT ps.tenant_id, ps.section_key, ps.status, ps.content, "
	                  "ps.indicators, ps.spending_eur"
	                  " FROM plans p" SECTIONS_OF_PLAN " JOIN section_actions sa ON sa.cycle_id = ps.cycle_id AND "
	                  "sa.section_key = ps.section_key"
	                  " AND sa.action_code = ?"
	                  " JOIN template_sections ts ON ts.cycle_id = ps.cycle_id AND "
	                  "ts.section_key = ps.section_key"
	                  " WHERE p.cycle_id = ? AND ps.indicators > 0 AND p.tenant_id IN " PAGE_IN
	                  " ORDER BY ps.tenant_id, ts.position",
	                  "isi" PAGE_TYPES, revision_arg(src), action, cycle_id, PAGE_IDS(ids));
	if (rc != DB_OK)
		return rc;
	read_sections(res, a, out, n);
	return DB_OK;
}

int compare_store_funds(db *d, arena *a, long long cycle_id, compare_source src, const long long ids[COMPARE_PAGE],
                        compare_funds **out, size_t *n)
{
	/* Three sums in one round trip: the allocations (owned by core/funds,
	 * read here a page at a time like every comparison), the income lines
	 * and the sections' spending per source, which the triggers of
	 * plan_sections keep in plan_section_spending as each section revision
	 * is written (migration 0012): the sections' text is never read. */
	static const char sql[] =
	    "SELECT tenant_id, source, SUM(al), SUM(inc), SUM(sp) FROM ("
	    " SELECT tenant_id, source, amount_eur AS al, 0 AS inc, 0 AS sp FROM allocations"
	    "  WHERE cycle_id = ? AND tenant_id IN " PAGE_IN " UNION ALL"
	    " SELECT pi.tenant_id, pi.source, 0, pi.amount_eur, 0"
	    "  FROM plans p JOIN plan_income pi ON pi.tenant_id = p.tenant_id AND pi.cycle_id = p.cycle_id"
	    "  AND pi.revision = " REVISION_OF_PLAN "  WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN " UNION ALL"
	    " SELECT ps.tenant_id, ps.source, 0, 0, ps.amount_eur"
	    "  FROM plans p JOIN plan_section_spending ps ON ps.tenant_id = p.tenant_id AND ps.cycle_id = p.cycle_id"
	    "  AND ps.revision = " REVISION_OF_PLAN "  WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN
	    ") x GROUP BY tenant_id, source";
	db_res *res;
	long long rev = revision_arg(src);
	int rc = db_query(d, a, &res, sql, "i" PAGE_TYPES "ii" PAGE_TYPES "ii" PAGE_TYPES, cycle_id, PAGE_IDS(ids),
	                  rev, cycle_id, PAGE_IDS(ids), rev, cycle_id, PAGE_IDS(ids));
	if (rc != DB_OK)
		return rc;
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (compare_funds){
		    .tenant_id = db_int(res, i, 0),
		    .code = db_val(res, i, 1),
		    .allocated = db_val(res, i, 2),
		    .income = db_val(res, i, 3),
		    .spending = db_val(res, i, 4),
		};
	return DB_OK;
}
