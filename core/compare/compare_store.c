/* Data access for the comparisons. Every query reads one revision per
 * tenant, chosen in SQL from the plans row: 0 for drafts, plans.revision for
 * the latest submission, plans.published_revision for the published plan
 * (NULL when never published: no row joins), so the same text serves every
 * source. Tenants come
 * a page at a time (an IN list of COMPARE_PAGE ids) so an answer never holds
 * more than a page of rows; aggregates are summed by MariaDB in DECIMAL, so
 * money is never added up in floating point. */
#include "compare/compare.h"

/* The IN list of a page and its arguments, in one place so that the number
 * of '?' and the number of ids cannot drift apart. */
#define PAGE_IN "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define PAGE_TYPES "iiiiiiiiiiiiiiii"
#define PAGE_IDS(p)                                                                                                    \
	(p)[0], (p)[1], (p)[2], (p)[3], (p)[4], (p)[5], (p)[6], (p)[7], (p)[8], (p)[9], (p)[10], (p)[11], (p)[12],     \
	    (p)[13], (p)[14], (p)[15]
_Static_assert(COMPARE_PAGE == 16, "PAGE_IN, PAGE_TYPES and PAGE_IDS list COMPARE_PAGE ids");

/* The revision compared, from the plans row p; its '?' is REV_ARG(src). */
#define REV_OF_PLAN "CASE ? WHEN 1 THEN 0 WHEN 2 THEN p.published_revision ELSE p.revision END"
#define REV_ARG(src) ((long long)((src) == COMPARE_DRAFT ? 1 : (src) == COMPARE_PUBLISHED ? 2 : 0))

/* The plan sections of the revision compared; the first '?' is REV_ARG. */
#define SECTIONS_OF_PLAN                                                                                               \
	" JOIN plan_sections ps ON ps.tenant_id = p.tenant_id AND ps.cycle_id = "                                      \
	"p.cycle_id"                                                                                                   \
	" AND ps.revision = " REV_OF_PLAN
/* The same rows for the queries that read only the figures (status,
 * indicators, spending_eur): the covering index of migration 0017, named
 * because the optimizer would take the primary key and read the text too. */
#define FIGURES_OF_PLAN                                                                                                \
	" JOIN plan_sections ps FORCE INDEX (plan_sections_figures) ON ps.tenant_id = p.tenant_id AND ps.cycle_id = "  \
	"p.cycle_id"                                                                                                   \
	" AND ps.revision = " REV_OF_PLAN

int compare_store_tenants(db *d, arena *a, long long cycle_id, compare_source src, bool with_population,
                          compare_tenant **out, size_t *n)
{
	/* A draft is any plan, a submission revision > 0, a published plan
	 * published_revision not NULL; the revision read as REV_OF_PLAN. */
	db_res *res;
	int rc =
	    db_query(d, a, &res,
	             with_population ? "SELECT t.id, t.slug, t.name, " REV_OF_PLAN ","
	                               " (SELECT COALESCE(SUM(c.population), 0) FROM comuni c WHERE "
	                               "c.tenant_id = t.id)"
	                               " FROM plans p JOIN tenants t ON t.id = p.tenant_id"
	                               " WHERE p.cycle_id = ? AND (? = 1 OR (" REV_OF_PLAN ") > 0) ORDER BY t.slug"
	                             : "SELECT t.id, t.slug, t.name, " REV_OF_PLAN ", 0"
	                               " FROM plans p JOIN tenants t ON t.id = p.tenant_id"
	                               " WHERE p.cycle_id = ? AND (? = 1 OR (" REV_OF_PLAN ") > 0) ORDER BY t.slug",
	             "iiii", REV_ARG(src), cycle_id, REV_ARG(src), REV_ARG(src));
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

int compare_store_coverage(db *d, arena *a, long long cycle_id, compare_source src, bool by_objective,
                           const long long ids[COMPARE_PAGE], compare_agg **out, size_t *n)
{
	/* By objective, the tags are first reduced to distinct (section,
	 * objective) pairs: a section tagged OS1-A2 and OS1-A4 counts once for
	 * OS1. */
	static const char by_action_sql[] =
	    "SELECT ps.tenant_id, sa.action_code, COUNT(*), SUM(ps.status = "
	    "'complete'), SUM(ps.indicators),"
	    " SUM(ps.spending_eur)"
	    " FROM plans p" FIGURES_OF_PLAN " JOIN section_actions sa ON sa.cycle_id = ps.cycle_id AND "
	    "sa.section_key = ps.section_key"
	    " WHERE p.cycle_id = ? AND ps.status <> 'empty' AND p.tenant_id "
	    "IN " PAGE_IN " GROUP BY ps.tenant_id, sa.action_code";
	static const char by_objective_sql[] =
	    "SELECT ps.tenant_id, tag.code, COUNT(*), SUM(ps.status = 'complete'), "
	    "SUM(ps.indicators),"
	    " SUM(ps.spending_eur)"
	    " FROM plans p" FIGURES_OF_PLAN " JOIN (SELECT DISTINCT sa.section_key, ca.objective_code AS code FROM "
	    "section_actions sa"
	    "  JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = "
	    "sa.action_code"
	    "  WHERE sa.cycle_id = ?) tag ON tag.section_key = ps.section_key"
	    " WHERE p.cycle_id = ? AND ps.status <> 'empty' AND p.tenant_id "
	    "IN " PAGE_IN " GROUP BY ps.tenant_id, tag.code";
	db_res *res;
	long long draft = REV_ARG(src);
	int rc = by_objective ? db_query(d, a, &res, by_objective_sql, "iii" PAGE_TYPES, draft, cycle_id, cycle_id,
	                                 PAGE_IDS(ids))
	                      : db_query(d, a, &res, by_action_sql, "ii" PAGE_TYPES, draft, cycle_id, PAGE_IDS(ids));
	if (rc != DB_OK)
		return rc;
	read_aggs(res, a, true, out, n);
	return DB_OK;
}

int compare_store_finance(db *d, arena *a, long long cycle_id, compare_source src, bool by_source,
                          const long long ids[COMPARE_PAGE], compare_agg **out, size_t *n)
{
	static const char by_area_sql[] =
	    "SELECT ps.tenant_id, ts.area_code, SUM(ps.spending_eur)"
	    " FROM plans p" FIGURES_OF_PLAN " JOIN template_sections ts ON ts.cycle_id = ps.cycle_id AND "
	    "ts.section_key = ps.section_key"
	    " WHERE p.cycle_id = ? AND ts.area_code IS NOT NULL AND p.tenant_id "
	    "IN " PAGE_IN " GROUP BY ps.tenant_id, ts.area_code";
	static const char by_source_sql[] =
	    "SELECT pi.tenant_id, pi.source, SUM(pi.amount_eur)"
	    " FROM plans p JOIN plan_income pi ON pi.tenant_id = p.tenant_id AND "
	    "pi.cycle_id = p.cycle_id"
	    " AND pi.revision = " REV_OF_PLAN " WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN
	    " GROUP BY pi.tenant_id, pi.source";
	db_res *res;
	int rc = db_query(d, a, &res, by_source ? by_source_sql : by_area_sql, "ii" PAGE_TYPES, REV_ARG(src), cycle_id,
	                  PAGE_IDS(ids));
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
	                  "isi" PAGE_TYPES, REV_ARG(src), key, cycle_id, PAGE_IDS(ids));
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
	                  "isi" PAGE_TYPES, REV_ARG(src), action, cycle_id, PAGE_IDS(ids));
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
	    "  AND pi.revision = " REV_OF_PLAN "  WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN " UNION ALL"
	    " SELECT ps.tenant_id, ps.source, 0, 0, ps.amount_eur"
	    "  FROM plans p JOIN plan_section_spending ps ON ps.tenant_id = p.tenant_id AND ps.cycle_id = p.cycle_id"
	    "  AND ps.revision = " REV_OF_PLAN "  WHERE p.cycle_id = ? AND p.tenant_id IN " PAGE_IN
	    ") x GROUP BY tenant_id, source";
	db_res *res;
	long long draft = REV_ARG(src);
	int rc = db_query(d, a, &res, sql, "i" PAGE_TYPES "ii" PAGE_TYPES "ii" PAGE_TYPES, cycle_id, PAGE_IDS(ids),
	                  draft, cycle_id, PAGE_IDS(ids), draft, cycle_id, PAGE_IDS(ids));
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
