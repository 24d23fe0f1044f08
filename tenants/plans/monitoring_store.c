/* Data access of the yearly monitoring (see monitoring.h). Reports and their
 * reviews are append-only in the database as submissions are. */
#include <string.h>

#include "base/money.h"
#include "base/sha256.h"
#include "tenants/plans/monitoring.h"

int monitoring_store_entry(db *d, arena *a, long long tenant_id, long long cycle_id, long long year,
                           const char **content, long long *version)
{
	db_res *res;
	*content = NULL;
	*version = 0;
	DB_TRY(
	    db_query(d, a, &res,
	             "SELECT content, version FROM plan_monitoring WHERE tenant_id = ? AND cycle_id = ? AND year = ?",
	             "iii", tenant_id, cycle_id, year));
	if (db_nrows(res) == 1) {
		*content = db_val(res, 0, 0);
		*version = db_int(res, 0, 1);
	}
	return DB_OK;
}

int monitoring_store_save(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, const char *json,
                          long long user_id, long long *version)
{
	DB_TRY(
	    db_exec(d,
	            "INSERT INTO plan_monitoring (tenant_id, cycle_id, year, content, version, updated_at, updated_by)"
	            " VALUES (?, ?, ?, ?, 1, NOW(6), NULLIF(?, 0)) ON DUPLICATE KEY UPDATE content = VALUES(content),"
	            " version = version + 1, updated_at = NOW(6), updated_by = VALUES(updated_by)",
	            "iiisi", tenant_id, cycle_id, year, json, user_id));
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT version FROM plan_monitoring WHERE tenant_id = ? AND cycle_id = ? AND year = ?", "iii",
	                tenant_id, cycle_id, year));
	*version = db_nrows(res) == 1 ? db_int(res, 0, 0) : 0;
	return DB_OK;
}

/* The report's indicators (each its object's canonical bytes) and its
 * spending lines as rows, for the comparison across ATS. */
static int index_report(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, long long number,
                        const char *report, size_t len, const monitoring_plan *mp, const monitoring_entry *entry)
{
	json_value *doc;
	char err[80];
	if (json_parse(a, report, len, &doc, err, sizeof(err)) != JSON_OK)
		return DB_EERR;
	const json_value *list = json_get(doc, "indicators");
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		const json_value *item = list->u.array.items[i];
		jw *w = jw_new(NULL, NULL);
		jw_canonical(w, item);
		size_t n = 0;
		const char *text = jw_failed(w) ? NULL : jw_buffer(w, &n);
		long long rc = text == NULL
		                   ? DB_EERR
		                   : db_exec(d,
		                             "INSERT INTO plan_monitoring_report_values (tenant_id, cycle_id, year,"
		                             " number, position, section_key, item) VALUES (?, ?, ?, ?, ?, ?, ?)",
		                             "iiiiisb", tenant_id, cycle_id, year, number, (long long)i,
		                             json_get_str(item, "section"), text, n);
		jw_free(w);
		DB_TRY(rc);
	}
	for (size_t i = 0; i < mp->nplanned; i++) {
		const monitoring_planned *p = &mp->planned[i];
		const char *amount = NULL;
		for (size_t k = 0; k < entry->nspending && amount == NULL; k++)
			if (strcmp(entry->spending[k].section, p->section) == 0 &&
			    strcmp(entry->spending[k].source, p->source) == 0)
				amount = entry->spending[k].amount_eur;
		DB_TRY(db_exec(
		    d,
		    "INSERT INTO plan_monitoring_report_spending (tenant_id, cycle_id, year, number, section_key,"
		    " source, planned_eur, amount_eur) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    "iiiissss", tenant_id, cycle_id, year, number, p->section, p->source, money_text(a, p->cents),
		    amount));
	}
	for (size_t k = 0; k < entry->nspending; k++) {
		const monitoring_spending *s = &entry->spending[k];
		bool planned = false;
		for (size_t i = 0; i < mp->nplanned && !planned; i++)
			planned = strcmp(mp->planned[i].section, s->section) == 0 &&
			          strcmp(mp->planned[i].source, s->source) == 0;
		if (!planned)
			DB_TRY(db_exec(d,
			               "INSERT INTO plan_monitoring_report_spending (tenant_id, cycle_id, year, number,"
			               " section_key, source, planned_eur, amount_eur) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
			               "iiiisss", tenant_id, cycle_id, year, number, s->section, s->source,
			               s->amount_eur));
	}
	return DB_OK;
}

int monitoring_store_submit(db *d, arena *a, long long tenant_id, const cycle *c, long long year,
                            long long plan_revision, const monitoring_plan *mp, const monitoring_entry *entry,
                            long long user_id, const char *note, monitoring_report *out)
{
	db_res *res;
	/* Who, when and the next number in one round trip; the caller holds the
	 * plan row's lock, so two submits of one plan serialise. */
	DB_TRY(db_query(d, a, &res,
	                "SELECT t.slug, t.name, (SELECT u.name FROM users u WHERE u.id = ?), NOW(6),"
	                " (SELECT COALESCE(MAX(number), 0) + 1 FROM plan_monitoring_reports r"
	                "  WHERE r.tenant_id = t.id AND r.cycle_id = ? AND r.year = ?)"
	                " FROM tenants t WHERE t.id = ?",
	                "iiii", user_id, c->id, year, tenant_id));
	if (db_nrows(res) != 1)
		return DB_EERR;
	monitoring_report_input in = {
	    .cycle_slug = c->slug,
	    .tenant_slug = db_val(res, 0, 0),
	    .tenant_name = db_val(res, 0, 1),
	    .year = year,
	    .number = db_int(res, 0, 4),
	    .plan_revision = plan_revision,
	    .submitted_at = db_val(res, 0, 3),
	    .submitted_by = user_id,
	    .submitted_by_name = db_val(res, 0, 2),
	    .note = note,
	    .plan = mp,
	    .entry = entry,
	};
	size_t len;
	const char *report = monitoring_report_build(a, &in, &len);
	if (report == NULL || len > MONITORING_REPORT_MAX_BYTES)
		return DB_EERR;
	char hex[SHA256_HEX_LEN + 1];
	if (sha256_hex(report, len, hex) != 0)
		return DB_EERR;
	const char *sha = arena_strndup(a, hex, SHA256_HEX_LEN);
	DB_TRY(db_exec(d,
	               "INSERT INTO plan_monitoring_reports (tenant_id, cycle_id, year, number, plan_revision,"
	               " submitted_at, submitted_by, sha256, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               "iiiiisisb", tenant_id, c->id, year, in.number, plan_revision, in.submitted_at, user_id, sha,
	               report, len));
	DB_TRY(index_report(d, a, tenant_id, c->id, year, in.number, report, len, mp, entry));
	*out = (monitoring_report){.year = year,
	                           .number = in.number,
	                           .plan_revision = plan_revision,
	                           .submitted_at = in.submitted_at,
	                           .submitted_by = user_id,
	                           .submitted_by_name = in.submitted_by_name,
	                           .sha256 = sha};
	return DB_OK;
}

#define REPORT_COLUMNS                                                                                                 \
	"r.year, r.number, r.plan_revision, r.submitted_at, r.submitted_by,"                                           \
	" (SELECT u.name FROM users u WHERE u.id = r.submitted_by), r.sha256, v.decision, v.note, v.reviewed_at,"      \
	" v.reviewed_by, (SELECT u.name FROM users u WHERE u.id = v.reviewed_by)"
#define REPORT_FROM                                                                                                    \
	" FROM plan_monitoring_reports r LEFT JOIN plan_monitoring_reviews v ON v.tenant_id = r.tenant_id"             \
	" AND v.cycle_id = r.cycle_id AND v.year = r.year AND v.number = r.number"

static void read_report(const db_res *res, size_t i, monitoring_report *out)
{
	*out = (monitoring_report){.year = db_int(res, i, 0),
	                           .number = db_int(res, i, 1),
	                           .plan_revision = db_int(res, i, 2),
	                           .submitted_at = db_val(res, i, 3),
	                           .submitted_by = db_int(res, i, 4),
	                           .submitted_by_name = db_val(res, i, 5),
	                           .sha256 = db_val(res, i, 6),
	                           .decision = db_val(res, i, 7),
	                           .review_note = db_val(res, i, 8),
	                           .reviewed_at = db_val(res, i, 9),
	                           .reviewed_by = db_int(res, i, 10),
	                           .reviewed_by_name = db_val(res, i, 11)};
}

int monitoring_store_reports(db *d, arena *a, long long tenant_id, long long cycle_id, long long year,
                             monitoring_report **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " REPORT_COLUMNS REPORT_FROM
	                " WHERE r.tenant_id = ? AND r.cycle_id = ? AND r.year = ? ORDER BY r.number DESC",
	                "iii", tenant_id, cycle_id, year));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_report(res, i, &(*out)[i]);
	return DB_OK;
}

int monitoring_store_report(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, long long number,
                            monitoring_report *out, const char **bytes, size_t *len)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                bytes != NULL ? "SELECT " REPORT_COLUMNS ", r.report" REPORT_FROM
	                                " WHERE r.tenant_id = ? AND r.cycle_id = ? AND r.year = ? AND r.number = ?"
	                              : "SELECT " REPORT_COLUMNS REPORT_FROM
	                                " WHERE r.tenant_id = ? AND r.cycle_id = ? AND r.year = ? AND r.number = ?",
	                "iiii", tenant_id, cycle_id, year, number));
	if (db_nrows(res) != 1)
		return MONITORING_ENOREPORT;
	read_report(res, 0, out);
	if (bytes != NULL) {
		*bytes = db_val(res, 0, 12);
		*len = db_len(res, 0, 12);
	}
	return DB_OK;
}

int monitoring_store_review(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, long long number,
                            monitoring_decision decision, const char *note, long long user_id)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT COALESCE(MAX(number), 0), (SELECT COUNT(*) FROM plan_monitoring_reviews v"
	                "  WHERE v.tenant_id = ? AND v.cycle_id = ? AND v.year = ? AND v.number = ?)"
	                " FROM plan_monitoring_reports WHERE tenant_id = ? AND cycle_id = ? AND year = ?",
	                "iiiiiii", tenant_id, cycle_id, year, number, tenant_id, cycle_id, year));
	long long latest = db_nrows(res) == 1 ? db_int(res, 0, 0) : 0;
	if (number < 1 || number > latest)
		return MONITORING_ENOREPORT;
	if (number != latest)
		return MONITORING_ENOTLATEST;
	if (db_int(res, 0, 1) > 0)
		return MONITORING_EREVIEWED;
	DB_TRY(db_exec(d,
	               "INSERT INTO plan_monitoring_reviews (tenant_id, cycle_id, year, number, decision, note,"
	               " reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "iiiissi", tenant_id, cycle_id, year, number, monitoring_decision_name(decision), note,
	               user_id));
	return DB_OK;
}

/* The latest report of the year of each tenant of the cycle. */
#define LATEST_REPORTS                                                                                                 \
	" JOIN (SELECT tenant_id, MAX(number) AS number FROM plan_monitoring_reports"                                  \
	"  WHERE cycle_id = ? AND year = ? GROUP BY tenant_id) m ON m.tenant_id = x.tenant_id AND m.number = x.number"

int monitoring_store_compare_tenants(db *d, arena *a, long long cycle_id, long long year, monitoring_tenant **out,
                                     size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT t.id, t.slug, t.name, x.number FROM plan_monitoring_reports x" LATEST_REPORTS
	                " JOIN tenants t ON t.id = x.tenant_id WHERE x.cycle_id = ? AND x.year = ? ORDER BY t.slug",
	                "iiii", cycle_id, year, cycle_id, year));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] =
		    (monitoring_tenant){db_int(res, i, 0), db_val(res, i, 1), db_val(res, i, 2), db_int(res, i, 3)};
	return DB_OK;
}

int monitoring_store_compare_values(db *d, arena *a, long long cycle_id, long long year, const char *section,
                                    monitoring_value_row **out, size_t *n)
{
	/* Every report's rows, not only the latest's: a join on the latest
	 * numbers made MariaDB read far more than the section (140 ms against a
	 * few over 600 ATS); the caller keeps the latest report's rows. */
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT x.tenant_id, x.number, x.position, x.item FROM plan_monitoring_report_values x"
	                " WHERE x.cycle_id = ? AND x.year = ? AND x.section_key = ?",
	                "iis", cycle_id, year, section));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (monitoring_value_row){.tenant_id = db_int(res, i, 0),
		                                   .number = db_int(res, i, 1),
		                                   .position = db_int(res, i, 2),
		                                   .item = db_val(res, i, 3),
		                                   .item_len = db_len(res, i, 3)};
	return DB_OK;
}

int monitoring_store_compare_spending(db *d, arena *a, long long cycle_id, long long year,
                                      monitoring_spending_row **out, size_t *n)
{
	/* Per report, not only the latest (the caller keeps those): no join,
	 * the (cycle_id, year) index alone. */
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT x.tenant_id, x.number, x.source, SUM(x.planned_eur), SUM(x.amount_eur)"
	                " FROM plan_monitoring_report_spending x WHERE x.cycle_id = ? AND x.year = ?"
	                " GROUP BY x.tenant_id, x.number, x.source",
	                "ii", cycle_id, year));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (monitoring_spending_row){.tenant_id = db_int(res, i, 0),
		                                      .number = db_int(res, i, 1),
		                                      .source = db_val(res, i, 2),
		                                      .planned_eur = db_val(res, i, 3),
		                                      .amount_eur = db_val(res, i, 4)};
	return DB_OK;
}
