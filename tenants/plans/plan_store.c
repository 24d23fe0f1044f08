/* Data access for plans and their status machine. Every write takes the plan
 * row's lock first, so that the checks it makes (status, ETag, completeness)
 * still hold when it writes; the connection reads at READ COMMITTED, so what
 * is read after the lock is what the last writer committed. A submission is
 * a handful of statements whatever the plan's size: the draft rows are copied
 * by INSERT ... SELECT, never one by one. */
#include <stdlib.h>
#include <string.h>

#include "base/pubdoc.h"
#include "base/sha256.h"
#include "http/router.h"
#include "tenants/participation/participation.h"
#include "tenants/plans/plans.h"

#define EMPTY_CONTENT "{\"indicators\":[],\"parts\":{},\"spending\":[]}"

/* Scalar subqueries rather than joins, so that FOR UPDATE locks the plan row
 * alone and not the cycle or the submission. */
/* A plan's columns, its cycle's slug from `slug` (a page that joins the
 * cycle names it; elsewhere a subquery reads it). */
#define PLAN_COLUMNS_SLUG(slug)                                                                                        \
	"p.tenant_id, p.cycle_id, " slug ", p.status, p.revision, p.published_revision, p.finance_version,"            \
	" (SELECT s.late FROM plan_submissions s WHERE s.tenant_id = p.tenant_id AND s.cycle_id = p.cycle_id"          \
	" AND s.revision = p.revision), p.created_at, p.updated_at, p.created_by, p.index_version"
#define PLAN_COLUMNS PLAN_COLUMNS_SLUG("(SELECT c.slug FROM cycles c WHERE c.id = p.cycle_id)")

static void read_plan_at(const db_res *res, size_t i, size_t k, plan *p)
{
	int st = plan_status_parse(db_val(res, i, k + 3));
	*p = (plan){
	    .tenant_id = db_int(res, i, k),
	    .cycle_id = db_int(res, i, k + 1),
	    .cycle_slug = db_val(res, i, k + 2),
	    .status = st < 0 ? PLAN_DRAFT : (plan_status)st,
	    .revision = db_int(res, i, k + 4),
	    .published_revision = db_int(res, i, k + 5),
	    .finance_version = db_int(res, i, k + 6),
	    .late = db_int(res, i, k + 7) == 1,
	    .created_at = db_val(res, i, k + 8),
	    .updated_at = db_val(res, i, k + 9),
	    .created_by = db_int(res, i, k + 10),
	    /* text: an unsigned value above LLONG_MAX must not saturate */
	    .index_version = db_isnull(res, i, k + 11) ? 0 : strtoull(db_val(res, i, k + 11), NULL, 10),
	};
}

static void read_plan(const db_res *res, size_t i, plan *p)
{
	read_plan_at(res, i, 0, p);
}

int plan_store_find(db *d, arena *a, long long tenant_id, long long cycle_id, bool for_update, plan **out)
{
	db_res *res;
	*out = NULL;
	DB_TRY(db_query(d, a, &res,
	                for_update ? "SELECT " PLAN_COLUMNS
	                             " FROM plans p WHERE p.tenant_id = ? AND p.cycle_id = ? FOR UPDATE"
	                           : "SELECT " PLAN_COLUMNS " FROM plans p WHERE p.tenant_id = ? AND p.cycle_id = ?",
	                "ii", tenant_id, cycle_id));
	if (db_nrows(res) == 1) {
		*out = arena_alloc(a, sizeof(**out));
		read_plan(res, 0, *out);
	}
	return DB_OK;
}

int plan_store_list(db *d, arena *a, long long tenant_id, long long after, int limit, plan **out, size_t *n, bool *more)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " PLAN_COLUMNS " FROM plans p WHERE p.tenant_id = ? AND p.cycle_id > ?"
	                " ORDER BY p.cycle_id LIMIT ?",
	                "iii", tenant_id, after, (long long)limit + 1));
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_plan(res, i, &(*out)[i]);
	return DB_OK;
}

int plan_create(db *d, long long tenant_id, const cycle *c, long long user_id)
{
	if (c->status != CYCLE_OPEN)
		return PLAN_ECYCLE;
	DB_TRY(db_exec(d, "INSERT INTO plans (tenant_id, cycle_id, created_by) VALUES (?, ?, NULLIF(?, 0))", "iii",
	               tenant_id, c->id, user_id));
	DB_TRY(db_exec(d,
	               "INSERT INTO plan_sections (tenant_id, cycle_id, revision, section_key, status, content)"
	               " SELECT ?, cycle_id, 0, section_key, 'empty', ? FROM template_sections WHERE cycle_id = ?",
	               "isi", tenant_id, EMPTY_CONTENT, c->id));
	return DB_OK;
}

/* ---------------------------------------------------------------- sections */

#define SECTION_COLUMNS_TITLE(title, content)                                                                          \
	"s.section_key, " title ", s.status, " content ", s.indicators, s.spending_eur, s.version,"                    \
	" s.updated_at, s.updated_by, (SELECT u.name FROM users u WHERE u.id = s.updated_by)"
#define SECTION_COLUMNS(content)                                                                                       \
	SECTION_COLUMNS_TITLE("(SELECT t.title FROM template_sections t WHERE t.cycle_id = s.cycle_id"                 \
	                      " AND t.section_key = s.section_key)",                                                   \
	                      content)

#define SECTIONS_SQL(content)                                                                                          \
	"SELECT " SECTION_COLUMNS(content) " FROM plan_sections s JOIN template_sections o"                            \
	                                   " ON o.cycle_id = s.cycle_id AND o.section_key = s.section_key"             \
	                                   " WHERE s.tenant_id = ? AND s.cycle_id = ? AND s.revision = ? "             \
	                                   "ORDER BY o.position"

/* The SECTION_COLUMNS of row i, starting at column k. */
static void read_section_at(const db_res *res, size_t i, size_t k, plan_section *s)
{
	int st = plan_section_status_parse(db_val(res, i, k + 2));
	*s = (plan_section){
	    .key = db_val(res, i, k),
	    .title = db_val(res, i, k + 1),
	    .status = st < 0 ? SECTION_EMPTY : (section_status)st,
	    .content = db_val(res, i, k + 3),
	    .indicators = db_int(res, i, k + 4),
	    .spending_eur = db_val(res, i, k + 5),
	    .version = db_int(res, i, k + 6),
	    .updated_at = db_val(res, i, k + 7),
	    .updated_by = db_int(res, i, k + 8),
	    .updated_by_name = db_val(res, i, k + 9),
	};
}

static void read_section(const db_res *res, size_t i, plan_section *s)
{
	read_section_at(res, i, 0, s);
}

int plan_store_sections(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, bool with_content,
                        plan_section **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res, with_content ? SECTIONS_SQL("s.content") : SECTIONS_SQL("NULL"), "iii", tenant_id,
	                cycle_id, revision));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_section(res, i, &(*out)[i]);
	return DB_OK;
}

int plan_store_section(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, const char *key,
                       bool for_update, plan_section **out)
{
	db_res *res;
	*out = NULL;
	DB_TRY(db_query(
	    d, a, &res,
	    for_update
	        ? "SELECT " SECTION_COLUMNS(
	              "s.content") " FROM plan_sections s WHERE s.tenant_id = ?"
	                           " AND s.cycle_id = ? AND s.revision = ? AND s.section_key = ? FOR UPDATE"
	        : "SELECT " SECTION_COLUMNS("s.content") " FROM plan_sections s WHERE s.tenant_id = ?"
	                                                 " AND s.cycle_id = ? AND s.revision = ? AND s.section_key = ?",
	    "iiis", tenant_id, cycle_id, revision, key));
	if (db_nrows(res) == 1) {
		*out = arena_alloc(a, sizeof(**out));
		read_section(res, 0, *out);
	}
	return DB_OK;
}

/* The draft section's row: the cycle's id, the plan's (NULL without a
 * plan), then SECTION_COLUMNS (NULL without the section). */
#define DRAFT_SECTION_JOINS                                                                                            \
	" LEFT JOIN plan_sections s ON s.tenant_id = p.tenant_id AND s.cycle_id = p.cycle_id"                          \
	" AND s.revision = 0 AND s.section_key = ?"

const route_prefetch plan_draft_section_prefetch = {
    "SELECT 'd', 's', c.id, p.cycle_id, " SECTION_COLUMNS(
        "s.content") ", NULL, NULL"
                     " FROM tenants t JOIN cycles c ON c.slug = ?"
                     " LEFT JOIN plans p ON p.tenant_id = t.id AND p.cycle_id = c.id" DRAFT_SECTION_JOINS
                     " WHERE t.slug = ?",
    {"cycle", "key", "tenant"}};

/* The draft section of row i (at most one row; none: no such cycle), its
 * columns from k on. */
static void read_draft_section(arena *a, const db_res *res, size_t i, size_t n, size_t k, plan_lookup *found,
                               long long *cycle_id, plan_section **out)
{
	*out = NULL;
	*found = PLAN_LOOKUP_NO_CYCLE;
	if (n != 1)
		return;
	*cycle_id = db_int(res, i, k);
	*found = db_isnull(res, i, k + 1)   ? PLAN_LOOKUP_NO_PLAN
	         : db_isnull(res, i, k + 2) ? PLAN_LOOKUP_NO_SECTION
	                                    : PLAN_LOOKUP_FOUND;
	if (*found == PLAN_LOOKUP_FOUND) {
		*out = arena_alloc(a, sizeof(**out));
		read_section_at(res, i, k + 2, *out);
	}
}

void plan_store_draft_section_rows(arena *a, const db_res *res, size_t first, size_t n, plan_lookup *found,
                                   long long *cycle_id, plan_section **out)
{
	read_draft_section(a, res, first, n, 2, found, cycle_id, out);
}

int plan_store_draft_section(db *d, arena *a, long long tenant_id, const char *cycle_slug, const char *key,
                             plan_lookup *found, long long *cycle_id, plan_section **out)
{
	db_res *res;
	*out = NULL;
	*found = PLAN_LOOKUP_NO_CYCLE;
	DB_TRY(db_query(d, a, &res,
	                "SELECT c.id, p.cycle_id, " SECTION_COLUMNS(
	                    "s.content") " FROM cycles c"
	                                 " LEFT JOIN plans p ON p.tenant_id = ? AND "
	                                 "p.cycle_id = c.id" DRAFT_SECTION_JOINS " WHERE c.slug = ?",
	                "iss", tenant_id, key, cycle_slug));
	read_draft_section(a, res, 0, db_nrows(res), 0, found, cycle_id, out);
	return DB_OK;
}

/* ---------------------------------------------------------------- pages */

/* What a page of one plan reads, as rows of a route's prefetch: the cycle
 * ('c'), the plan ('p') and, for the editor, its draft section ('s'). The
 * index's own rows are further down: draft sections ('s', in no order: the
 * index walks the cached template and looks each one up), open comments
 * per section ('k') and allocations ('f'). Each part is ROUTE_PREFETCH_COLS
 * wide. */
#define PAGE_CYCLE_PART "SELECT 'd', 'c', " CYCLE_STORE_COLUMNS("") ", NULL FROM cycles WHERE slug = ?"
#define PAGE_PLAN_COLUMNS PLAN_COLUMNS_SLUG("cy.slug")
#define PAGE_PLAN_PART                                                                                                 \
	" UNION ALL SELECT 'd', 'p', " PAGE_PLAN_COLUMNS ", NULL, NULL FROM plans p"                                   \
	" JOIN tenants tn ON tn.id = p.tenant_id JOIN cycles cy ON cy.id = p.cycle_id"                                 \
	" WHERE cy.slug = ? AND tn.slug = ?"
#define PAGE_SECTIONS_PART(columns)                                                                                    \
	" UNION ALL SELECT 'd', 's', " columns ", NULL, NULL, NULL, NULL FROM plan_sections s"                         \
	" JOIN tenants tn ON tn.id = s.tenant_id JOIN cycles cy ON cy.id = s.cycle_id"                                 \
	" WHERE cy.slug = ? AND tn.slug = ? AND s.revision = 0"
_Static_assert(2 + CYCLE_STORE_NCOLUMNS + 1 == ROUTE_PREFETCH_COLS, "PAGE_CYCLE_PART is a prefetch's width");
/* The index shows of each section its status and who saved it last, when:
 * its row brings only those, in SECTION_COLUMNS' places (the title is the
 * template's, already cached; no subquery per row for it). */
#define INDEX_SECTION_COLUMNS                                                                                          \
	"s.section_key, NULL, s.status, NULL, NULL, NULL, NULL, s.updated_at, NULL,"                                   \
	" (SELECT u.name FROM users u WHERE u.id = s.updated_by)"

/* The index's page reads the cycle and the plan; the rest of its rows,
 * which its worker may have kept (plan_index_cache.c), by ids: the plan
 * (for the index_version they were read at), the draft sections, the open
 * comments per section and the Region's allocations to the ATS. */
const route_prefetch plan_index_prefetch = {PAGE_CYCLE_PART PAGE_PLAN_PART, {"cycle", "cycle", "tenant"}};

static const char index_rows_sql[] =
    "SELECT 'd', 'p', " PLAN_COLUMNS ", NULL, NULL FROM plans p WHERE p.tenant_id = ? AND p.cycle_id = ?"
    " UNION ALL SELECT 'd', 's', " INDEX_SECTION_COLUMNS ", NULL, NULL, NULL, NULL FROM plan_sections s"
    " WHERE s.tenant_id = ? AND s.cycle_id = ? AND s.revision = 0"
    " UNION ALL SELECT 'd', 'k', pc.section_key, COUNT(*)"
    ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM plan_comments pc"
    " WHERE pc.tenant_id = ? AND pc.cycle_id = ? AND pc.resolved = 0 AND pc.reply_to IS NULL"
    " GROUP BY pc.section_key"
    " UNION ALL SELECT 'd', 'f', al.source, al.year, al.amount_eur"
    ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM allocations al"
    " WHERE al.tenant_id = ? AND al.cycle_id = ?";

/* The editor takes the section's title from the cached template. */
#define EDITOR_SECTION_COLUMNS SECTION_COLUMNS_TITLE("NULL", "s.content")
const route_prefetch plan_editor_prefetch = {
    PAGE_CYCLE_PART PAGE_PLAN_PART PAGE_SECTIONS_PART(EDITOR_SECTION_COLUMNS) " AND s.section_key = ?",
    {"cycle", "cycle", "tenant", "cycle", "tenant", "key"}};

/* Allocations as the API lists them: by year, then source. */
static int by_year_source(const void *a, const void *b)
{
	const fund_row *x = a, *y = b;
	return x->year != y->year ? (x->year > y->year) - (x->year < y->year) : strcmp(x->source, y->source);
}

void plan_store_page_rows(arena *a, const db_res *res, size_t first, size_t n, plan_page_rows *out)
{
	*out = (plan_page_rows){0};
	size_t nsec = 0, ncom = 0, nfund = 0;
	for (size_t i = first; i < first + n; i++) {
		char kind = db_val(res, i, 1)[0];
		nsec += kind == 's';
		ncom += kind == 'k';
		nfund += kind == 'f';
	}
	out->allocations = arena_calloc(a, nfund + 1, sizeof(*out->allocations));
	out->sections = arena_calloc(a, nsec + 1, sizeof(*out->sections));
	out->comment_keys = arena_calloc(a, ncom + 1, sizeof(*out->comment_keys));
	out->comment_counts = arena_calloc(a, ncom + 1, sizeof(*out->comment_counts));
	for (size_t i = first; i < first + n; i++) {
		switch (db_val(res, i, 1)[0]) {
		case 'c':
			out->cycle = arena_alloc(a, sizeof(*out->cycle));
			cycle_store_read_row(res, i, 2, out->cycle);
			break;
		case 'p':
			out->plan = arena_alloc(a, sizeof(*out->plan));
			read_plan_at(res, i, 2, out->plan);
			break;
		case 's': read_section_at(res, i, 2, &out->sections[out->nsections++]); break;
		case 'k':
			out->comment_keys[out->ncomments] = db_val(res, i, 2);
			out->comment_counts[out->ncomments++] = db_int(res, i, 3);
			break;
		case 'f':
			out->allocations[out->nallocations++] = (fund_row){
			    .source = db_val(res, i, 2), .year = db_int(res, i, 3), .amount = db_val(res, i, 4)};
			break;
		}
	}
	qsort(out->allocations, out->nallocations, sizeof(*out->allocations), by_year_source);
}

int plan_store_index_rows(db *d, arena *a, long long tenant_id, long long cycle_id, plan_page_rows *out)
{
	db_res *res;
	long long t = tenant_id, c = cycle_id;
	DB_TRY(db_query(d, a, &res, index_rows_sql, "iiiiiiii", t, c, t, c, t, c, t, c));
	plan_store_page_rows(a, res, 0, db_nrows(res), out);
	return DB_OK;
}

int plan_can_edit(const plan *p, const cycle *c)
{
	if (c->status != CYCLE_OPEN)
		return PLAN_ECYCLE;
	if (p->status != PLAN_DRAFT && p->status != PLAN_CHANGES_REQUESTED)
		return PLAN_ESTATUS;
	return DB_OK;
}

static int touch_plan(db *d, long long tenant_id, long long cycle_id)
{
	DB_TRY(db_exec(d, "UPDATE plans SET updated_at = NOW(6) WHERE tenant_id = ? AND cycle_id = ?", "ii", tenant_id,
	               cycle_id));
	return DB_OK;
}

int plan_section_save(db *d, arena *a, long long tenant_id, long long cycle_id, const cycle_section *tpl,
                      const plan_section_content *given, long long user_id, plan_section *out)
{
	/* Every writer passes here, so every stored indicator has an id. */
	plan_section_content copy = *given, *content = &copy;
	copy.indicators = arena_calloc(a, given->nindicators + 1, sizeof(*copy.indicators));
	if (given->nindicators > 0)
		memcpy(copy.indicators, given->indicators, given->nindicators * sizeof(*copy.indicators));
	if (!plan_indicators_assign_ids(a, &copy))
		return DB_EERR;
	if (content->working_group != 0) {
		bool found;
		DB_TRY(part_store_group_in_cycle(d, tenant_id, cycle_id, content->working_group, &found));
		if (!found)
			return PLAN_ENOGROUP;
	}
	const char *json = plan_section_content_json(a, content);
	if (json == NULL)
		return DB_EERR;
	section_status st = plan_section_status(tpl, content);
	long long n = db_exec(d,
	                      "UPDATE plan_sections SET content = ?, status = ?, indicators = ?, spending_eur = ?,"
	                      " version = version + 1, updated_at = NOW(6), updated_by = NULLIF(?, 0)"
	                      " WHERE tenant_id = ? AND cycle_id = ? AND revision = 0 AND section_key = ?",
	                      "ssisiiis", json, plan_section_status_name(st), (long long)content->nindicators,
	                      plan_section_spending_total(a, content), user_id, tenant_id, cycle_id, tpl->key);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return PLAN_ENOSECTION;
	DB_TRY(touch_plan(d, tenant_id, cycle_id));
	if (out != NULL) {
		plan_section *s;
		DB_TRY(plan_store_section(d, a, tenant_id, cycle_id, 0, tpl->key, false, &s));
		if (s == NULL)
			return PLAN_ENOSECTION;
		*out = *s;
	}
	return DB_OK;
}

/* ---------------------------------------------------------------- finance */

int plan_finance_load(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, plan_finance *out)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT source, year, amount_eur, note FROM plan_income WHERE tenant_id = ? AND cycle_id = ?"
	                " AND revision = ? ORDER BY line_no",
	                "iii", tenant_id, cycle_id, revision));
	out->nincome = db_nrows(res);
	out->income = arena_calloc(a, out->nincome + 1, sizeof(*out->income));
	for (size_t i = 0; i < out->nincome; i++)
		out->income[i] =
		    (plan_income){db_val(res, i, 0), db_int(res, i, 1), db_val(res, i, 2), db_val(res, i, 3)};
	return DB_OK;
}

int plan_finance_save(db *d, long long tenant_id, long long cycle_id, const plan_finance *f)
{
	DB_TRY(db_exec(d, "DELETE FROM plan_income WHERE tenant_id = ? AND cycle_id = ? AND revision = 0", "ii",
	               tenant_id, cycle_id));
	for (size_t i = 0; i < f->nincome; i++) {
		const plan_income *line = &f->income[i];
		DB_TRY(
		    db_exec(d,
		            "INSERT INTO plan_income (tenant_id, cycle_id, revision, line_no, source, year, amount_eur,"
		            " note) VALUES (?, ?, 0, ?, ?, ?, ?, ?)",
		            "iiisiss", tenant_id, cycle_id, (long long)i, line->source, line->year, line->amount_eur,
		            line->note));
	}
	DB_TRY(db_exec(d,
	               "UPDATE plans SET finance_version = finance_version + 1, updated_at = NOW(6)"
	               " WHERE tenant_id = ? AND cycle_id = ?",
	               "ii", tenant_id, cycle_id));
	return DB_OK;
}

/* ---------------------------------------------------------------- submissions
 */

#define SUBMISSION_COLUMNS                                                                                             \
	"s.revision, s.submitted_at, s.submitted_by, (SELECT u.name FROM users u "                                     \
	"WHERE u.id = s.submitted_by),"                                                                                \
	" s.late, s.note, s.template_version, s.sha256, r.decision, r.note, "                                          \
	"r.reviewed_at, r.reviewed_by,"                                                                                \
	" (SELECT u.name FROM users u WHERE u.id = r.reviewed_by), s.approval_number, s.approval_date"

#define SUBMISSION_FROM                                                                                                \
	" FROM plan_submissions s LEFT JOIN plan_reviews r ON r.tenant_id = "                                          \
	"s.tenant_id"                                                                                                  \
	" AND r.cycle_id = s.cycle_id AND r.revision = s.revision"

static void read_submission(const db_res *res, size_t i, plan_submission *s)
{
	*s = (plan_submission){
	    .revision = db_int(res, i, 0),
	    .submitted_at = db_val(res, i, 1),
	    .submitted_by = db_int(res, i, 2),
	    .submitted_by_name = db_val(res, i, 3),
	    .late = db_int(res, i, 4) == 1,
	    .note = db_val(res, i, 5),
	    .template_version = db_int(res, i, 6),
	    .sha256 = db_val(res, i, 7),
	    .decision = db_val(res, i, 8),
	    .review_note = db_val(res, i, 9),
	    .reviewed_at = db_val(res, i, 10),
	    .reviewed_by = db_int(res, i, 11),
	    .reviewed_by_name = db_val(res, i, 12),
	    .act = {db_isnull(res, i, 13) ? NULL : db_val(res, i, 13),
	            db_isnull(res, i, 14) ? NULL : db_val(res, i, 14)},
	};
}

int plan_store_submissions(db *d, arena *a, long long tenant_id, long long cycle_id, long long after, int limit,
                           plan_submission **out, size_t *n, bool *more)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " SUBMISSION_COLUMNS SUBMISSION_FROM
	                " WHERE s.tenant_id = ? AND s.cycle_id = ? AND s.revision > ? ORDER BY s.revision LIMIT ?",
	                "iiii", tenant_id, cycle_id, after, (long long)limit + 1));
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_submission(res, i, &(*out)[i]);
	return DB_OK;
}

int plan_store_submission(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                          plan_submission *out, const char **snapshot, size_t *len)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                snapshot != NULL ? "SELECT " SUBMISSION_COLUMNS ", s.snapshot" SUBMISSION_FROM
	                                   " WHERE s.tenant_id = ? AND s.cycle_id = ? AND s.revision = ?"
	                                 : "SELECT " SUBMISSION_COLUMNS SUBMISSION_FROM
	                                   " WHERE s.tenant_id = ? AND s.cycle_id = ? AND s.revision = ?",
	                "iii", tenant_id, cycle_id, revision));
	if (db_nrows(res) != 1)
		return PLAN_ENOREVISION;
	read_submission(res, 0, out);
	if (snapshot != NULL) {
		*snapshot = db_val(res, 0, 15);
		if (len != NULL)
			*len = db_len(res, 0, 15);
	}
	return DB_OK;
}

/* ---------------------------------------------------------------- submit */

int plan_store_contents(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                        const cycle_template *t, plan_section_content **contents)
{
	plan_section *rows;
	size_t nrows;
	DB_TRY(plan_store_sections(d, a, tenant_id, cycle_id, revision, true, &rows, &nrows));
	*contents = arena_calloc(a, t->nsections + 1, sizeof(**contents));
	size_t j = 0;
	for (size_t i = 0; i < t->nsections; i++) {
		const cycle_section *tpl = &t->sections[i];
		/* Both lists are in template order: a merge walk, with a search as
		 * the fallback should they ever disagree. */
		const plan_section *row = NULL;
		if (j < nrows && strcmp(rows[j].key, tpl->key) == 0)
			row = &rows[j++];
		for (size_t k = 0; row == NULL && k < nrows; k++)
			if (strcmp(rows[k].key, tpl->key) == 0)
				row = &rows[k];
		json_value *v = NULL;
		char err[128];
		if (row != NULL && row->content != NULL &&
		    json_parse(a, row->content, strlen(row->content), &v, err, sizeof(err)) != JSON_OK)
			return DB_EERR;
		plan_section_content_read(a, v, &(*contents)[i]);
	}
	return DB_OK;
}

/* The draft's sections, one per template section in its order (an absent
 * row reads as empty), with the required parts not filled added to out. */
static int load_draft(db *d, arena *a, const plan *p, const cycle_template *t, plan_section_content **contents,
                      plan_submission *out)
{
	DB_TRY(plan_store_contents(d, a, p->tenant_id, p->cycle_id, 0, t, contents));
	size_t nrequired = 0;
	for (size_t i = 0; i < t->nsections; i++)
		for (size_t k = 0; k < t->sections[i].nparts; k++)
			nrequired += t->sections[i].parts[k].required;
	out->missing = arena_calloc(a, nrequired + 1, sizeof(*out->missing));
	out->nmissing = 0;
	for (size_t i = 0; i < t->nsections; i++) {
		const cycle_section *tpl = &t->sections[i];
		const plan_section_content *c = &(*contents)[i];
		for (size_t k = 0; k < tpl->nparts; k++) {
			if (!tpl->parts[k].required)
				continue;
			bool filled = false;
			for (size_t m = 0; m < c->nparts && !filled; m++)
				filled = strcmp(c->parts[m].key, tpl->parts[k].key) == 0;
			if (!filled)
				out->missing[out->nmissing++] = (plan_missing){tpl->key, tpl->parts[k].key};
		}
	}
	return DB_OK;
}

int plan_draft_snapshot(db *d, arena *a, long long tenant_id, const cycle *c, const char **json, size_t *len,
                        const char **now)
{
	plan *p;
	cycle_template t;
	plan_section_content *contents;
	plan_submission unused = {0};
	plan_finance finance;
	db_res *res;
	*json = NULL;
	DB_TRY(plan_store_find(d, a, tenant_id, c->id, false, &p));
	if (p == NULL)
		return PLAN_ENOPLAN;
	DB_TRY(cycle_store_load_template(d, a, c->id, &t));
	DB_TRY(load_draft(d, a, p, &t, &contents, &unused));
	DB_TRY(plan_finance_load(d, a, tenant_id, c->id, 0, &finance));
	json_value *groups;
	DB_TRY(part_store_snapshot(d, a, tenant_id, c->id, &groups));
	DB_TRY(db_query(d, a, &res, "SELECT slug, name, NOW(6) FROM tenants WHERE id = ?", "i", tenant_id));
	if (db_nrows(res) != 1)
		return DB_EERR;
	plan_snapshot_input in = {
	    .cycle = c,
	    .template = &t,
	    .tenant_slug = db_val(res, 0, 0),
	    .tenant_name = db_val(res, 0, 1),
	    .sections = contents,
	    .finance = &finance,
	    .groups = groups,
	};
	*json = plan_snapshot_build(a, &in, len);
	*now = db_val(res, 0, 2);
	return *json != NULL ? DB_OK : DB_EERR;
}

int plan_store_missing(db *d, arena *a, const plan *p, const cycle_template *t, plan_missing **out, size_t *n)
{
	plan_submission found = {0};
	plan_section_content *contents;
	int rc = load_draft(d, a, p, t, &contents, &found);
	*out = found.missing;
	*n = rc == DB_OK ? found.nmissing : 0;
	return rc;
}

int plan_submit(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *note,
                const plan_approval_act *act, plan_submission *out)
{
	return plan_submit_at(d, a, tenant_id, c, user_id, note, act, NULL, out);
}

int plan_submit_at(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *note,
                   const plan_approval_act *act, const char *at, plan_submission *out)
{
	*out = (plan_submission){0};
	plan *p;
	DB_TRY(plan_store_find(d, a, tenant_id, c->id, true, &p));
	if (p == NULL)
		return PLAN_ENOPLAN;
	out->plan_status = p->status;
	int rc = plan_can_edit(p, c);
	if (rc != DB_OK)
		return rc;

	cycle_template t;
	plan_section_content *contents;
	DB_TRY(cycle_store_load_template(d, a, c->id, &t));
	DB_TRY(load_draft(d, a, p, &t, &contents, out));
	if (out->nmissing > 0)
		return PLAN_EINCOMPLETE;
	plan_finance finance;
	DB_TRY(plan_finance_load(d, a, tenant_id, c->id, 0, &finance));
	json_value *groups;
	DB_TRY(part_store_snapshot(d, a, tenant_id, c->id, &groups));

	/* Who, when, and whether after the deadline, in one round trip; the
	 * time is the database's, like every other stored time. */
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT t.slug, t.name, (SELECT u.name FROM users u WHERE u.id = ?), x.at,"
	                " COALESCE(x.at > cy.submission_deadline, 0)"
	                " FROM (SELECT CAST(COALESCE(?, NOW(6)) AS DATETIME(6)) AS at) x"
	                " JOIN tenants t ON t.id = ? JOIN cycles cy ON cy.id = ?",
	                "isii", user_id, at, tenant_id, c->id));
	if (db_nrows(res) != 1)
		return DB_EERR;
	long long revision = p->revision + 1;
	plan_snapshot_input in = {
	    .cycle = c,
	    .template = &t,
	    .tenant_slug = db_val(res, 0, 0),
	    .tenant_name = db_val(res, 0, 1),
	    .revision = revision,
	    .submitted_at = db_val(res, 0, 3),
	    .submitted_by = user_id,
	    .submitted_by_name = db_val(res, 0, 2),
	    .late = db_int(res, 0, 4) == 1,
	    .note = note,
	    .act = act,
	    .sections = contents,
	    .finance = &finance,
	    .groups = groups,
	};
	size_t len;
	const char *snapshot = plan_snapshot_build(a, &in, &len);
	if (snapshot == NULL)
		return DB_EERR;
	if (len > PLAN_SNAPSHOT_MAX_BYTES)
		return PLAN_ETOOLARGE;
	char hex[SHA256_HEX_LEN + 1];
	if (sha256_hex(snapshot, len, hex) != 0)
		return DB_EERR;
	const char *sha = arena_strndup(a, hex, SHA256_HEX_LEN);

	DB_TRY(db_exec(
	    d,
	    "INSERT INTO plan_sections (tenant_id, cycle_id, revision, section_key, status, content, indicators,"
	    " spending_eur, version, updated_at, updated_by)"
	    " SELECT tenant_id, cycle_id, ?, section_key, status, content, indicators, spending_eur, version,"
	    " updated_at, updated_by FROM plan_sections WHERE tenant_id = ? AND cycle_id = ? AND revision = 0",
	    "iii", revision, tenant_id, c->id));
	DB_TRY(
	    db_exec(d,
	            "INSERT INTO plan_income (tenant_id, cycle_id, revision, line_no, source, year, amount_eur, note)"
	            " SELECT tenant_id, cycle_id, ?, line_no, source, year, amount_eur, note FROM plan_income"
	            " WHERE tenant_id = ? AND cycle_id = ? AND revision = 0",
	            "iii", revision, tenant_id, c->id));
	DB_TRY(db_exec(
	    d,
	    "INSERT INTO plan_submissions (tenant_id, cycle_id, revision, submitted_at, submitted_by, late, note,"
	    " approval_number, approval_date, template_version, sha256, snapshot)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iiisiisssisb", tenant_id, c->id, revision, in.submitted_at, user_id, (long long)in.late, note,
	    act ? act->number : NULL, act ? act->date : NULL, c->template_version, sha, snapshot, len));
	DB_TRY(db_exec(d,
	               "UPDATE plans SET status = 'submitted', revision = ?, updated_at = NOW(6)"
	               " WHERE tenant_id = ? AND cycle_id = ?",
	               "iii", revision, tenant_id, c->id));
	out->revision = revision;
	out->submitted_at = in.submitted_at;
	out->submitted_by = user_id;
	out->submitted_by_name = in.submitted_by_name;
	out->late = in.late;
	out->note = note;
	if (act != NULL)
		out->act = *act;
	out->template_version = c->template_version;
	out->sha256 = sha;
	out->plan_status = PLAN_SUBMITTED;
	return DB_OK;
}

/* ---------------------------------------------------------------- review,
 * publish */

static int review_locked(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                         plan_decision decision, const char *note, long long user_id, const char *at,
                         plan_status *status)
{
	plan *p;
	DB_TRY(plan_store_find(d, a, tenant_id, cycle_id, true, &p));
	if (p == NULL)
		return PLAN_ENOPLAN;
	*status = p->status;
	if (revision < 1 || revision > p->revision)
		return PLAN_ENOREVISION;
	if (revision != p->revision)
		return PLAN_ENOTLATEST;
	if (p->status != PLAN_SUBMITTED)
		return PLAN_ESTATUS;
	plan_status next = decision == PLAN_APPROVE ? PLAN_APPROVED : PLAN_CHANGES_REQUESTED;
	DB_TRY(
	    db_exec(d,
	            "INSERT INTO plan_reviews (tenant_id, cycle_id, revision, decision, note, reviewed_by, reviewed_at)"
	            " VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, NOW(6)))",
	            "iiissis", tenant_id, cycle_id, revision, plan_decision_name(decision), note, user_id, at));
	DB_TRY(db_exec(d, "UPDATE plans SET status = ?, updated_at = NOW(6) WHERE tenant_id = ? AND cycle_id = ?",
	               "sii", plan_status_name(next), tenant_id, cycle_id));
	*status = next;
	return DB_OK;
}

int plan_review(db *d, long long tenant_id, long long cycle_id, long long revision, plan_decision decision,
                const char *note, long long user_id, plan_status *status)
{
	return plan_review_at(d, tenant_id, cycle_id, revision, decision, note, user_id, NULL, status);
}

int plan_review_at(db *d, long long tenant_id, long long cycle_id, long long revision, plan_decision decision,
                   const char *note, long long user_id, const char *at, plan_status *status)
{
	arena *a = arena_new();
	plan_status st = PLAN_DRAFT;
	int rc = review_locked(d, a, tenant_id, cycle_id, revision, decision, note, user_id, at, &st);
	arena_free(a);
	if (status != NULL)
		*status = st;
	return rc;
}

static int publish_locked(db *d, arena *a, long long tenant_id, long long cycle_id, plan_status *status,
                          long long *revision)
{
	plan *p;
	DB_TRY(plan_store_find(d, a, tenant_id, cycle_id, true, &p));
	if (p == NULL)
		return PLAN_ENOPLAN;
	*status = p->status;
	*revision = p->revision;
	if (p->status != PLAN_APPROVED)
		return PLAN_ESTATUS;
	DB_TRY(db_exec(d,
	               "UPDATE plans SET status = 'published', published_revision = revision, updated_at = NOW(6)"
	               " WHERE tenant_id = ? AND cycle_id = ?",
	               "ii", tenant_id, cycle_id));
	/* The public's document of this revision, built once and kept with the
	 * publication (base/pubdoc.h). */
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT snapshot FROM plan_submissions WHERE tenant_id = ? AND cycle_id = ? AND revision = ?",
	                "iii", tenant_id, cycle_id, p->revision));
	char sha[SHA256_HEX_LEN + 1];
	size_t len = 0;
	const char *doc = db_nrows(res) == 1 ? pubdoc_build(a, db_val(res, 0, 0), db_len(res, 0, 0), &len, sha) : NULL;
	if (doc == NULL)
		return DB_EERR;
	DB_TRY(db_exec(d,
	               "INSERT INTO plan_publications (tenant_id, cycle_id, revision, document, document_sha256)"
	               " VALUES (?, ?, ?, ?, ?)",
	               "iiiss", tenant_id, cycle_id, p->revision, doc, sha));
	*status = PLAN_PUBLISHED;
	return DB_OK;
}

int plan_reopen(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *reason,
                plan_status *status)
{
	plan *p;
	DB_TRY(plan_store_find(d, a, tenant_id, c->id, true, &p));
	if (p == NULL)
		return PLAN_ENOPLAN;
	*status = p->status;
	if (p->status != PLAN_APPROVED && p->status != PLAN_PUBLISHED)
		return PLAN_ESTATUS;
	if (c->status != CYCLE_OPEN)
		return PLAN_ECYCLE;
	DB_TRY(db_exec(d,
	               "INSERT INTO plan_reopenings (tenant_id, cycle_id, after_revision, reason, reopened_by)"
	               " VALUES (?, ?, ?, ?, ?)",
	               "iiisi", tenant_id, c->id, p->revision, reason, user_id));
	/* published_revision stays: the public reads it until the next
	 * publication. */
	DB_TRY(db_exec(d, "UPDATE plans SET status = 'draft', updated_at = NOW(6) WHERE tenant_id = ? AND cycle_id = ?",
	               "ii", tenant_id, c->id));
	*status = PLAN_DRAFT;
	return DB_OK;
}

int plan_store_history(db *d, arena *a, long long tenant_id, long long cycle_id, plan_history **out, size_t *n)
{
	db_res *pub, *reo;
	DB_TRY(db_query(d, a, &pub,
	                "SELECT revision, published_at FROM plan_publications WHERE tenant_id = ? AND cycle_id = ?"
	                " ORDER BY revision",
	                "ii", tenant_id, cycle_id));
	DB_TRY(db_query(d, a, &reo,
	                "SELECT after_revision, reason, reopened_at FROM plan_reopenings WHERE tenant_id = ?"
	                " AND cycle_id = ? ORDER BY after_revision",
	                "ii", tenant_id, cycle_id));
	*n = db_nrows(pub);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	long long previous = 0;
	for (size_t i = 0; i < *n; i++) {
		plan_history *h = &(*out)[i];
		h->revision = db_int(pub, i, 0);
		h->published_at = db_val(pub, i, 1);
		/* The update that led here: the last reopening after the
		 * previous publication. */
		for (size_t k = 0; k < db_nrows(reo); k++) {
			long long after = db_int(reo, k, 0);
			if (after >= previous && after < h->revision && previous > 0) {
				h->reason = db_val(reo, k, 1);
				h->reopened_at = db_val(reo, k, 2);
			}
		}
		previous = h->revision;
	}
	return DB_OK;
}

int plan_publish(db *d, long long tenant_id, long long cycle_id, plan_status *status, long long *revision)
{
	arena *a = arena_new();
	plan_status st = PLAN_DRAFT;
	long long rev = 0;
	int rc = publish_locked(d, a, tenant_id, cycle_id, &st, &rev);
	arena_free(a);
	if (status != NULL)
		*status = st;
	if (revision != NULL)
		*revision = rev;
	return rc;
}

/* ---------------------------------------------------------------- overviews */

#define SECTION_COUNTS(tenant, cycle)                                                                                  \
	" (SELECT COUNT(*) FROM plan_sections s WHERE s.tenant_id = " tenant " AND s.cycle_id = " cycle                \
	" AND s.revision = 0),"                                                                                        \
	" (SELECT COUNT(*) FROM plan_sections s WHERE s.tenant_id = " tenant " AND s.cycle_id = " cycle                \
	" AND s.revision = 0 AND s.status = 'complete')"

int plan_store_overview(db *d, arena *a, long long tenant_id, const char **name, plan_overview **out, size_t *n)
{
	db_res *res, *t;
	*name = NULL;
	*n = 0;
	DB_TRY(db_query(d, a, &t, "SELECT name FROM tenants WHERE id = ?", "i", tenant_id));
	if (db_nrows(t) == 1)
		*name = db_val(t, 0, 0);
	DB_TRY(db_query(
	    d, a, &res,
	    "SELECT c.id, c.slug, c.title, c.status, c.submission_deadline, p.tenant_id IS NOT NULL, p.status,"
	    " p.revision," SECTION_COUNTS(
	        "p.tenant_id",
	        "p.cycle_id") ","
	                      " r.decision, r.note, r.reviewed_at"
	                      " FROM cycles c LEFT JOIN plans p ON p.cycle_id = c.id AND p.tenant_id = ?"
	                      " LEFT JOIN plan_reviews r ON r.tenant_id = p.tenant_id AND r.cycle_id = p.cycle_id"
	                      "  AND r.revision = p.revision"
	                      " WHERE c.status <> 'draft' ORDER BY c.start_year DESC, c.id DESC LIMIT ?",
	    "ii", tenant_id, (long long)PLAN_OVERVIEW_MAX_CYCLES));
	size_t rows = db_nrows(res);
	*out = arena_calloc(a, rows + 1, sizeof(**out));
	for (size_t i = 0; i < rows; i++) {
		plan_overview *o = &(*out)[i];
		o->cycle.id = db_int(res, i, 0);
		o->cycle.slug = db_val(res, i, 1);
		o->cycle.title = db_val(res, i, 2);
		o->cycle.status = (cycle_status)cycle_status_parse(db_val(res, i, 3));
		o->cycle.deadline = db_isnull(res, i, 4) ? NULL : db_val(res, i, 4);
		o->has_plan = db_int(res, i, 5) == 1;
		if (o->has_plan)
			o->status = (plan_status)plan_status_parse(db_val(res, i, 6));
		o->revision = db_int(res, i, 7);
		o->sections = db_int(res, i, 8);
		o->complete = db_int(res, i, 9);
		o->decision = db_isnull(res, i, 10) ? NULL : db_val(res, i, 10);
		o->review_note = db_isnull(res, i, 11) ? NULL : db_val(res, i, 11);
		o->reviewed_at = db_isnull(res, i, 12) ? NULL : db_val(res, i, 12);
	}
	*n = rows;
	return DB_OK;
}

int plan_store_tenants(db *d, arena *a, long long cycle_id, plan_tenant_row **out, size_t *n)
{
	db_res *res;
	*n = 0;
	DB_TRY(db_query(d, a, &res,
	                "SELECT t.id, t.slug, t.code, t.name, t.province, p.tenant_id IS NOT NULL, p.status,"
	                " p.revision, s.submitted_at, s.late,"
	                " (SELECT COUNT(*) FROM plan_comments c WHERE c.tenant_id = t.id AND c.cycle_id = ?"
	                " AND c.resolved = 0 AND c.reply_to IS NULL)," SECTION_COUNTS(
	                    "t.id", "?") " FROM tenants t LEFT JOIN plans p ON p.tenant_id = t.id AND p.cycle_id = ?"
	                                 " LEFT JOIN plan_submissions s ON s.tenant_id = p.tenant_id"
	                                 " AND s.cycle_id = p.cycle_id AND s.revision = p.revision"
	                                 " ORDER BY t.slug LIMIT ?",
	                "iiiii", cycle_id, cycle_id, cycle_id, cycle_id, (long long)PLAN_OVERVIEW_MAX_TENANTS));
	size_t rows = db_nrows(res);
	*out = arena_calloc(a, rows + 1, sizeof(**out));
	for (size_t i = 0; i < rows; i++) {
		plan_tenant_row *t = &(*out)[i];
		t->tenant_id = db_int(res, i, 0);
		t->slug = db_val(res, i, 1);
		t->code = db_val(res, i, 2);
		t->name = db_val(res, i, 3);
		t->province = db_val(res, i, 4);
		t->has_plan = db_int(res, i, 5) == 1;
		if (t->has_plan) {
			t->status = (plan_status)plan_status_parse(db_val(res, i, 6));
			t->revision = db_int(res, i, 7);
		}
		t->submitted_at = db_val(res, i, 8);
		t->late = db_int(res, i, 9) == 1;
		t->open_comments = db_int(res, i, 10);
		t->sections = db_int(res, i, 11);
		t->complete = db_int(res, i, 12);
	}
	*n = rows;
	return DB_OK;
}

int plan_store_open_comments(db *d, arena *a, long long tenant_id, long long cycle_id, const char ***keys,
                             long long **counts, size_t *n)
{
	db_res *res;
	*n = 0;
	DB_TRY(db_query(d, a, &res,
	                "SELECT section_key, COUNT(*) FROM plan_comments WHERE tenant_id = ? AND cycle_id = ?"
	                " AND resolved = 0 AND reply_to IS NULL GROUP BY section_key",
	                "ii", tenant_id, cycle_id));
	size_t rows = db_nrows(res);
	*keys = arena_calloc(a, rows + 1, sizeof(char *));
	*counts = arena_calloc(a, rows + 1, sizeof(long long));
	for (size_t i = 0; i < rows; i++) {
		(*keys)[i] = db_val(res, i, 0);
		(*counts)[i] = db_int(res, i, 1);
	}
	*n = rows;
	return DB_OK;
}

static void read_money(const db_res *res, arena *a, plan_money **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (plan_money){db_val(res, i, 0), db_int(res, i, 1), db_val(res, i, 2)};
}

int plan_store_money_by_source(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                               plan_money **income, size_t *nincome, plan_money **spending, size_t *nspending)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT source, year, SUM(amount_eur) FROM plan_income"
	                " WHERE tenant_id = ? AND cycle_id = ? AND revision = ?"
	                " GROUP BY year, source ORDER BY year, source",
	                "iii", tenant_id, cycle_id, revision));
	read_money(res, a, income, nincome);
	/* The spending lines live in each section's canonical JSON, where every
	 * amount is written with two decimals: DECIMAL(15,2) reads them exactly.
	 * Sections without spending (spending_eur is the stored sum) are not
	 * parsed. */
	DB_TRY(db_query(d, a, &res,
	                "SELECT sp.source, sp.year, SUM(sp.amount) FROM plan_sections ps,"
	                " JSON_TABLE(ps.content, '$.spending[*]' COLUMNS ("
	                "   source VARCHAR(32) PATH '$.funding_source',"
	                "   year INT PATH '$.year',"
	                "   amount DECIMAL(15,2) PATH '$.amount_eur')) sp"
	                " WHERE ps.tenant_id = ? AND ps.cycle_id = ? AND ps.revision = ? AND ps.spending_eur > 0"
	                " GROUP BY sp.year, sp.source ORDER BY sp.year, sp.source",
	                "iii", tenant_id, cycle_id, revision));
	read_money(res, a, spending, nspending);
	return DB_OK;
}
