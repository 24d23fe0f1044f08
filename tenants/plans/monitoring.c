/* HTTP routes of the yearly monitoring (SPEC §7a): the year's entry read by
 * whoever reads the plan and written by the ATS, its submission by the
 * coordinator as an immutable report, and the Region's review. Only an
 * approved or published plan is monitored, and only years of its cycle. */
#include <string.h>

#include "base/id.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "identity/users.h"
#include "tenants/plans/monitoring.h"
#include "web/web.h"

#define MONITORING_PATH "/api/v1/tenants/{tenant}/plans/{cycle}/monitoring/{year}"
#define YEAR_DIGITS 4

#define P_YEAR                                                                                                         \
	{                                                                                                              \
		"year", PARAM_PATH, true, "{\"type\":\"integer\",\"minimum\":1900,\"maximum\":9999}",                  \
		    "Un anno del ciclo"                                                                                \
	}
#define P_NUMBER                                                                                                       \
	{                                                                                                              \
		"number", PARAM_PATH, true, "{\"type\":\"integer\",\"minimum\":1}",                                    \
		    "Il numero della relazione di monitoraggio dell'anno (1, 2, …)"                                  \
	}

bool monitoring_monitored(const plan *p)
{
	return p->status == PLAN_APPROVED || p->status == PLAN_PUBLISHED;
}

bool monitoring_load(http_req *r, monitoring_ctx *x, bool for_update)
{
	*x = (monitoring_ctx){0};
	const char *ytext = http_param(r, "year");
	if (!id_parse(ytext, YEAR_DIGITS, &x->year)) {
		http_problem(r, 404, "l'anno richiesto non esiste");
		return false;
	}
	x->c = cycles_path_cycle(r, false);
	x->p = x->c != NULL ? plans_path_plan(r, x->c, for_update) : NULL;
	if (x->p == NULL)
		return false;
	if (x->year < x->c->start_year || x->year > x->c->end_year) {
		http_problemf(r, 409, "il %lld non è un anno del ciclo %s (dal %lld al %lld)", x->year, x->c->slug,
		              x->c->start_year, x->c->end_year);
		return false;
	}
	if (!monitoring_monitored(x->p)) {
		http_problemf(r, 409, "il piano è in stato «%s»: si monitora solo un piano approvato o pubblicato",
		              web_plan_status(plan_status_name(x->p->status)));
		return false;
	}
	plan_section_content *contents;
	if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, x->c->id, &x->t), "lo schema") ||
	    !http_db_ok(
	        r, plan_store_contents(r->db, r->a, x->p->tenant_id, x->p->cycle_id, x->p->revision, &x->t, &contents),
	        "il piano approvato"))
		return false;
	monitoring_plan_build(r->a, &x->t, contents, x->year, &x->mp);
	return true;
}

static const char *entry_etag(http_req *r, const monitoring_ctx *x, long long version)
{
	return arena_printf(r->a, "monitoring-%lld-%lld-%lld-%lld-%lld", x->p->tenant_id, x->p->cycle_id, x->year,
	                    x->p->revision, version);
}

static void render_time(http_req *r, jw *w, const char *key, const char *dt)
{
	jw_kstr(w, key, cycle_time_rfc3339(r->a, dt));
}

static void render_report(http_req *r, jw *w, const monitoring_report *s)
{
	jw_obj_begin(w);
	jw_kint(w, "year", s->year);
	jw_kint(w, "number", s->number);
	jw_kint(w, "plan_revision", s->plan_revision);
	render_time(r, w, "submitted_at", s->submitted_at);
	users_render_ref(w, "submitted_by", s->submitted_by, s->submitted_by_name);
	jw_kstr(w, "sha256", s->sha256);
	jw_kstr(w, "decision", s->decision);
	jw_kstr(w, "review_note", s->review_note);
	render_time(r, w, "reviewed_at", s->reviewed_at);
	users_render_ref(w, "reviewed_by", s->reviewed_by, s->reviewed_by_name);
	jw_obj_end(w);
}

static void answer_entry(http_req *r, const monitoring_ctx *x, const monitoring_entry *entry, long long version,
                         int status)
{
	monitoring_report *reports;
	size_t nreports;
	if (!http_db_ok(
	        r, monitoring_store_reports(r->db, r->a, x->p->tenant_id, x->p->cycle_id, x->year, &reports, &nreports),
	        "le relazioni di monitoraggio"))
		return;
	http_set_etag(r, entry_etag(r, x, version));
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "tenant", r->tenant->slug);
	jw_kstr(w, "cycle", x->c->slug);
	jw_kint(w, "year", x->year);
	jw_kint(w, "plan_revision", x->p->revision);
	jw_kint(w, "version", version);
	monitoring_render_lines(w, r->a, &x->mp, entry);
	jw_key(w, "reports");
	jw_arr_begin(w);
	for (size_t i = 0; i < nreports; i++)
		render_report(r, w, &reports[i]);
	jw_arr_end(w);
	jw_obj_end(w);
	http_json_end(r, w, status);
}

static void get_monitoring(http_req *r)
{
	monitoring_ctx x;
	const char *content;
	long long version;
	if (scope_require(r, SCOPE_READERS) != 0 || !monitoring_load(r, &x, false) ||
	    !http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio"))
		return;
	monitoring_entry entry;
	monitoring_entry_read(r->a, content, &entry);
	answer_entry(r, &x, &entry, version, 200);
}

static void put_monitoring(http_req *r)
{
	monitoring_ctx x;
	const char *content;
	long long version;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !monitoring_load(r, &x, true))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/monitoring/%lld", r->tenant->slug, x.c->slug, x.year);
	if (!http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio") ||
	    http_if_match(r, entry_etag(r, &x, version)) != 0)
		return;
	json_value *body = v_read_object(r);
	cycle_catalog cat;
	if (body == NULL || !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, x.c->id, &cat), "il catalogo"))
		return;
	field_errors *e = http_errors_new(r);
	monitoring_entry entry;
	monitoring_entry_parse(e, body, &x.mp, &x.t, &cat, &entry);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	const char *json = monitoring_entry_json(r->a, &entry);
	if (json == NULL) {
		http_problem(r, 500, "impossibile scrivere il monitoraggio");
		return;
	}
	if (!http_db_ok(r,
	                monitoring_store_save(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, json,
	                                      r->user->user_id, &version),
	                "il monitoraggio"))
		return;
	r->audit_detail = arena_printf(r->a, "monitoring %lld saved: %zu values, %zu spending lines (version %lld)",
	                               x.year, entry.nvalues, entry.nspending, version);
	answer_entry(r, &x, &entry, version, 200);
}

/* The optional {"note"} of a submit, {"decision","note"} of a review. */
static bool read_note(http_req *r, bool decision, size_t max, const char **note, int *dec)
{
	static const char *const note_only[] = {"note", NULL};
	static const char *const with_decision[] = {"decision", "note", NULL};
	*note = NULL;
	if (r->body_len == 0 && !decision)
		return true;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return false;
	field_errors *e = http_errors_new(r);
	v_only(e, NULL, body, decision ? with_decision : note_only);
	if (decision) {
		const char *d = v_string(e, NULL, body, "decision", 1, 32, true);
		*dec = monitoring_decision_parse(d);
		if (d != NULL && *dec < 0)
			field_errors_add(e, "decision", "deve essere accept o request_changes");
	}
	*note = v_text(e, NULL, body, "note", max, false);
	if (*note != NULL && (*note)[strspn(*note, " \t\r\n")] == '\0')
		*note = NULL;
	return !http_errors_answer(r, e, 422, NULL);
}

static void post_submit(http_req *r)
{
	monitoring_ctx x;
	const char *note, *content;
	long long version;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0 ||
	    !read_note(r, false, MONITORING_SUBMIT_NOTE_MAX, &note, NULL) || !monitoring_load(r, &x, true))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/monitoring/%lld", r->tenant->slug, x.c->slug, x.year);
	if (!http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio"))
		return;
	monitoring_entry entry;
	monitoring_entry_read(r->a, content, &entry);
	monitoring_report s;
	if (!http_db_ok(r,
	                monitoring_store_submit(r->db, r->a, x.p->tenant_id, x.c, x.year, x.p->revision, &x.mp, &entry,
	                                        r->user->user_id, note, &s),
	                "la relazione di monitoraggio"))
		return;
	r->audit_detail = arena_printf(r->a, "monitoring %lld report %lld sha256 %s", x.year, s.number, s.sha256);
	http_set_header(r, "Location",
	                arena_printf(r->a, "/api/v1/tenants/%s/plans/%s/monitoring/%lld/reports/%lld", r->tenant->slug,
	                             x.c->slug, x.year, s.number));
	jw *w = http_json_begin(r);
	render_report(r, w, &s);
	http_json_end(r, w, 201);
}

/* Reports stay readable whatever the plan's status now (an update may be
 * under way): only the year and the plan are checked. */
static bool reports_open(http_req *r, cycle **c, plan **p, long long *year)
{
	if (!id_parse(http_param(r, "year"), YEAR_DIGITS, year)) {
		http_problem(r, 404, "l'anno richiesto non esiste");
		return false;
	}
	*c = cycles_path_cycle(r, false);
	*p = *c != NULL ? plans_path_plan(r, *c, false) : NULL;
	return *p != NULL;
}

static void get_reports(http_req *r)
{
	cycle *c;
	plan *p;
	long long year;
	monitoring_report *list;
	size_t n;
	if (scope_require(r, SCOPE_READERS) != 0 || !reports_open(r, &c, &p, &year) ||
	    !http_db_ok(r, monitoring_store_reports(r->db, r->a, p->tenant_id, p->cycle_id, year, &list, &n),
	                "le relazioni di monitoraggio"))
		return;
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		render_report(r, w, &list[i]);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static bool path_number(http_req *r, long long *number)
{
	if (id_parse(http_param(r, "number"), MONITORING_NUMBER_DIGITS, number))
		return true;
	http_problem(r, 404, "il monitoraggio non ha la relazione richiesta");
	return false;
}

/* The stored bytes, untouched, so that their SHA-256 is the one recorded. */
static void get_report(http_req *r)
{
	cycle *c;
	plan *p;
	long long year, number;
	if (scope_require(r, SCOPE_READERS) != 0 || !path_number(r, &number) || !reports_open(r, &c, &p, &year))
		return;
	monitoring_report s;
	const char *bytes;
	size_t len;
	int rc = monitoring_store_report(r->db, r->a, p->tenant_id, p->cycle_id, year, number, &s, &bytes, &len);
	if (rc == MONITORING_ENOREPORT) {
		http_problem(r, 404, "il monitoraggio non ha la relazione richiesta");
		return;
	}
	if (!http_db_ok(r, rc, "la relazione di monitoraggio"))
		return;
	http_set_etag(r, s.sha256);
	http_body(r, 200, "application/json", bytes, len);
}

static void post_review(http_req *r)
{
	cycle *c;
	plan *p;
	long long year, number;
	const char *note;
	int decision = -1;
	if (scope_require(r, SCOPE_REGION) != 0 || !path_number(r, &number) ||
	    !read_note(r, true, MONITORING_REVIEW_NOTE_MAX, &note, &decision) || !reports_open(r, &c, &p, &year))
		return;
	r->audit_object =
	    arena_printf(r->a, "plan:%s/%s/monitoring/%lld/reports/%lld", r->tenant->slug, c->slug, year, number);
	int rc = monitoring_store_review(r->db, r->a, p->tenant_id, p->cycle_id, year, number,
	                                 (monitoring_decision)decision, note, r->user->user_id);
	switch (rc) {
	case DB_OK: break;
	case MONITORING_ENOREPORT: http_problem(r, 404, "il monitoraggio non ha la relazione richiesta"); return;
	case MONITORING_ENOTLATEST:
		http_problemf(r, 409, "la relazione %lld non è l'ultima dell'anno, la sola che si esamina", number);
		return;
	case MONITORING_EREVIEWED: http_problemf(r, 409, "la relazione %lld è già stata esaminata", number); return;
	default: http_db_ok(r, rc, "la relazione di monitoraggio"); return;
	}
	r->audit_detail = arena_printf(r->a, "monitoring %lld report %lld: %s", year, number,
	                               monitoring_decision_name((monitoring_decision)decision));
	monitoring_report s;
	if (!http_db_ok(r,
	                monitoring_store_report(r->db, r->a, p->tenant_id, p->cycle_id, year, number, &s, NULL, NULL),
	                "la relazione di monitoraggio"))
		return;
	jw *w = http_json_begin(r);
	render_report(r, w, &s);
	http_json_end(r, w, 201);
}

static const route routes[] = {
    {HTTP_GET,
     MONITORING_PATH,
     get_monitoring,
     ROUTE_TENANT,
     "The monitoring of a year of an approved or published plan: every indicator with baseline, target, value, note "
     "and progress, planned and actual spending per section and source, the year's reports",
     NULL,
     "Monitoring",
     {P_YEAR}},
    {HTTP_PUT,
     MONITORING_PATH,
     put_monitoring,
     ROUTE_TENANT,
     "Replace the monitoring of a year: values and notes per indicator id, actual spending per section and source "
     "(ATS coordinator or editor, If-Match)",
     "MonitoringInput",
     "Monitoring",
     {P_YEAR, P_IF_MATCH},
     .max_body = MONITORING_BODY_MAX},
    {HTTP_POST,
     MONITORING_PATH "/submit",
     post_submit,
     ROUTE_TENANT,
     "Submit the year's monitoring as an immutable report with the SHA-256 of its canonical JSON (ats_coordinator)",
     "MonitoringSubmit",
     "MonitoringReport",
     {P_YEAR},
     .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_GET,
     MONITORING_PATH "/reports",
     get_reports,
     ROUTE_TENANT,
     "The reports of a year, newest first, with their reviews",
     NULL,
     "MonitoringReportList",
     {P_YEAR}},
    {HTTP_GET,
     MONITORING_PATH "/reports/{number}",
     get_report,
     ROUTE_TENANT,
     "A report, served byte for byte as stored: its sha256 is the SHA-256 of exactly these bytes",
     NULL,
     "MonitoringReportDocument",
     {P_YEAR, P_NUMBER}},
    {HTTP_POST,
     MONITORING_PATH "/reports/{number}/review",
     post_review,
     ROUTE_TENANT,
     "Review the latest report of a year, once: accept or request_changes (region_admin, region_reviewer)",
     "MonitoringReview",
     "MonitoringReport",
     {P_YEAR, P_NUMBER},
     .max_body = PLAN_SMALL_BODY_MAX},
};

void monitoring_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
