/* HTTP routes of the plans (SPEC §5), all under a tenant: readers see them,
 * the ATS writes its draft, the coordinator submits, Region staff review and
 * the region_admin publishes. Each handler checks the role, parses, calls the
 * domain functions of plans.h and renders; the dispatcher wraps writes in one
 * transaction with their audit row, and every write locks the plan row first.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/csv.h"
#include "base/html.h"
#include "base/id.h"
#include "base/json_patch.h"
#include "funds/funds.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "identity/users.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

#define PLANS_PATH "/api/v1/tenants/{tenant}/plans"
#define PLAN_PATH PLANS_PATH "/{cycle}"

#define PLAN_CREATORS (SCOPE_ATS_WRITERS | SCOPE_ROLE(ROLE_REGION_ADMIN))

/* ---------------------------------------------------------------- helpers */

plan *plans_path_plan(http_req *r, const cycle *c, bool for_update)
{
	plan *p;
	if (!http_db_ok(r, plan_store_find(r->db, r->a, r->tenant->id, c->id, for_update, &p), "il piano"))
		return NULL;
	if (p == NULL)
		http_problemf(r, 404, "%s non ha un piano per il ciclo %s", r->tenant->slug, c->slug);
	return p;
}

static const char *plan_object(http_req *r, const cycle *c)
{
	return arena_printf(r->a, "plan:%s/%s", r->tenant->slug, c->slug);
}

/* The answer to a refused domain call. status is the plan's current one
 * (for PLAN_ESTATUS); why completes "il piano è in stato «<status>»: ...". */
static void answer_refusal(http_req *r, int rc, const cycle *c, plan_status status, const char *why)
{
	switch (rc) {
	case PLAN_ENOPLAN: http_problemf(r, 404, "%s non ha un piano per il ciclo %s", r->tenant->slug, c->slug); break;
	case PLAN_ECYCLE:
		http_problemf(r, 409,
		              "il ciclo %s è in stato %s: i piani si creano, modificano e inviano solo mentre è aperto",
		              c->slug, cycle_status_name(c->status));
		break;
	case PLAN_ESTATUS:
		http_problemf(r, 409, "il piano è in stato «%s»: %s", web_plan_status(plan_status_name(status)), why);
		break;
	case PLAN_ENOREVISION: http_problem(r, 404, "il piano non ha l'invio richiesto"); break;
	case PLAN_ENOSECTION: http_problem(r, 404, "il piano non ha la sezione richiesta"); break;
	case PLAN_ETOOLARGE:
		http_problemf(r, 422, "il piano è troppo grande per l'invio: la sua copia supererebbe %ld byte",
		              (long)PLAN_SNAPSHOT_MAX_BYTES);
		break;
	default: http_db_error(r, rc, "il piano"); break;
	}
}

/* Editing is for the ATS while the plan is a draft or sent back. */
static bool editable(http_req *r, const plan *p, const cycle *c)
{
	int rc = plan_can_edit(p, c);
	if (rc == DB_OK)
		return true;
	answer_refusal(r, rc, c, p->status, "si può modificare solo in bozza o con modifiche richieste");
	return false;
}

static void render_time(http_req *r, jw *w, const char *key, const char *dt)
{
	jw_kstr(w, key, cycle_time_rfc3339(r->a, dt));
}

/* ---------------------------------------------------------------- plans */

static void render_plan_fields(http_req *r, jw *w, const plan *p)
{
	jw_kstr(w, "tenant", r->tenant->slug);
	jw_kstr(w, "cycle", p->cycle_slug);
	jw_kstr(w, "status", plan_status_name(p->status));
	jw_kint(w, "revision", p->revision);
	jw_kbool(w, "late", p->late);
	jw_key(w, "published_revision");
	if (p->published_revision > 0)
		jw_int(w, p->published_revision);
	else
		jw_null(w);
	render_time(r, w, "created_at", p->created_at);
	render_time(r, w, "updated_at", p->updated_at);
}

/* The draft's warnings: income below the Region's allocation, spending
 * above income, per funding source and year. NULL after answering 503. */
static plan_warning *load_warnings(http_req *r, const plan *p, size_t *n)
{
	fund_row *rows;
	plan_money *income, *spending;
	size_t nrows, nincome, nspending;
	if (!http_db_ok(r, fund_store_tenant(r->db, r->a, p->tenant_id, p->cycle_id, &rows, &nrows),
	                "le assegnazioni") ||
	    !http_db_ok(r,
	                plan_store_money_by_source(r->db, r->a, p->tenant_id, p->cycle_id, 0, &income, &nincome,
	                                           &spending, &nspending),
	                "le cifre del piano"))
		return NULL;
	plan_money *alloc = arena_calloc(r->a, nrows + 1, sizeof(*alloc));
	for (size_t i = 0; i < nrows; i++)
		alloc[i] = (plan_money){rows[i].source, rows[i].year, rows[i].amount};
	plan_warning *out;
	*n = plan_warnings(r->a, alloc, nrows, income, nincome, spending, nspending, &out);
	return out;
}

/* The plan with its index of sections, their completeness and its
 * warnings. */
static void answer_plan(http_req *r, const plan *p, int status)
{
	plan_section *sections;
	plan_warning *warnings;
	size_t n, nwarnings;
	if (!http_db_ok(r, plan_store_sections(r->db, r->a, p->tenant_id, p->cycle_id, 0, false, &sections, &n),
	                "le sezioni del piano") ||
	    (warnings = load_warnings(r, p, &nwarnings)) == NULL)
		return;
	size_t complete = 0;
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	render_plan_fields(r, w, p);
	jw_key(w, "sections");
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		const plan_section *s = &sections[i];
		complete += s->status == SECTION_COMPLETE;
		jw_obj_begin(w);
		jw_kstr(w, "key", s->key);
		jw_kstr(w, "title", s->title);
		jw_kstr(w, "status", plan_section_status_name(s->status));
		render_time(r, w, "updated_at", s->updated_at);
		users_render_ref(w, "updated_by", s->updated_by, s->updated_by_name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "completeness");
	jw_obj_begin(w);
	jw_kint(w, "complete", (long long)complete);
	jw_kint(w, "total", (long long)n);
	jw_obj_end(w);
	jw_key(w, "warnings");
	jw_arr_begin(w);
	for (size_t i = 0; i < nwarnings; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "code", warnings[i].code);
		jw_kstr(w, "source", warnings[i].source);
		jw_kint(w, "year", warnings[i].year);
		jw_knum_text(w, "missing_eur", warnings[i].missing_eur);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	http_json_end(r, w, status);
}

static void answer_plans_csv(http_req *r, const plan *list, size_t n)
{
	static const char *const header[] = {"tenant",    "cycle", "status", "revision", "late", "published_revision",
	                                     "updated_at"};
	csv_writer w;
	http_csv_begin(r, &w);
	csv_fields(&w, header, sizeof(header) / sizeof(header[0]));
	csv_end(&w);
	for (size_t i = 0; i < n; i++) {
		const plan *p = &list[i];
		csv_field(&w, r->tenant->slug);
		csv_field(&w, p->cycle_slug);
		csv_field(&w, plan_status_name(p->status));
		csv_fieldf(&w, "%lld", p->revision);
		csv_field(&w, p->late ? "true" : "false");
		csv_field(&w, p->published_revision > 0 ? arena_printf(r->a, "%lld", p->published_revision) : NULL);
		csv_field(&w, cycle_time_rfc3339(r->a, p->updated_at));
		csv_end(&w);
	}
}

static void get_plans(http_req *r)
{
	int limit;
	long long after;
	if (scope_require(r, SCOPE_READERS) != 0 || v_page_after(r, ID_MAX_DIGITS, &limit, &after) != 0)
		return;
	plan *list;
	size_t n;
	bool more;
	if (!http_db_ok(r, plan_store_list(r->db, r->a, r->tenant->id, after, limit, &list, &n, &more), "i piani"))
		return;
	const char *next = more ? arena_printf(r->a, "%lld", list[n - 1].cycle_id) : NULL;
	int csv = http_wants_csv(r);
	if (csv < 0)
		return;
	if (csv) {
		answer_plans_csv(r, list, n);
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		render_plan_fields(r, w, &list[i]);
		jw_obj_end(w);
	}
	http_list_end(w, next);
	http_json_end(r, w, 200);
}

static void post_plan(http_req *r)
{
	static const char *const allowed[] = {"cycle", NULL};
	if (scope_require(r, PLAN_CREATORS) != 0)
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	v_only(e, NULL, body, allowed);
	const char *slug = v_slug(e, NULL, body, "cycle", true);
	cycle *c = NULL;
	if (slug != NULL && !http_db_ok(r, cycle_store_find(r->db, r->a, slug, false, &c), "il ciclo"))
		return;
	if (slug != NULL && c == NULL)
		field_errors_add(e, "cycle", "il ciclo %s non esiste", slug);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	r->audit_object = plan_object(r, c);
	int rc = plan_create(r->db, r->tenant->id, c, r->user->user_id);
	if (rc == DB_EDUP) {
		http_problemf(r, 409, "%s ha già un piano per il ciclo %s", r->tenant->slug, c->slug);
		return;
	}
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, PLAN_DRAFT, "");
		return;
	}
	plan *p = plans_path_plan(r, c, false);
	if (p == NULL)
		return;
	r->audit_detail = "created as a draft";
	http_set_header(r, "Location", arena_printf(r->a, "/api/v1/tenants/%s/plans/%s", r->tenant->slug, c->slug));
	answer_plan(r, p, 201);
}

static void get_plan(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (p != NULL)
		answer_plan(r, p, 200);
}

/* ---------------------------------------------------------------- sections */

static const char *section_etag(http_req *r, const plan *p, const plan_section *s)
{
	return arena_printf(r->a, "section-%lld-%lld-%s-%lld", p->tenant_id, p->cycle_id, s->key, s->version);
}

/* The stored content is already the canonical JSON object
 * {"indicators":…,"parts":…,"spending":…}: the answer is the section's own
 * fields followed by the content's members, copied without parsing them
 * again (this is the most frequent read of all). */
static void answer_section(http_req *r, const plan *p, const plan_section *s, int status)
{
	size_t n = s->content != NULL ? strlen(s->content) : 0;
	if (n <= 2 || s->content[0] != '{' || s->content[n - 1] != '}') {
		http_problem(r, 500, "impossibile leggere la sezione");
		return;
	}
	http_set_etag(r, section_etag(r, p, s));
	jw *w = http_json_begin(r);
	jw_obj_begin(w); /* closed by the content's own '}' */
	jw_kstr(w, "key", s->key);
	jw_kstr(w, "title", s->title);
	jw_kstr(w, "status", plan_section_status_name(s->status));
	render_time(r, w, "updated_at", s->updated_at);
	users_render_ref(w, "updated_by", s->updated_by, s->updated_by_name);
	http_json_end(r, w, status);
	if (r->status != status)
		return; /* the fields could not be encoded: answered 500 */
	http_append(r, ",", 1);
	http_append(r, s->content + 1, n - 1);
}

/* The draft's section the path names, or NULL after answering 404. */
static plan_section *path_section(http_req *r, const plan *p, bool for_update)
{
	plan_section *s;
	const char *key = http_param(r, "key");
	if (!http_db_ok(r, plan_store_section(r->db, r->a, p->tenant_id, p->cycle_id, 0, key, for_update, &s),
	                "la sezione"))
		return NULL;
	if (s == NULL)
		http_problem(r, 404, "il piano non ha la sezione richiesta");
	return s;
}

static void get_section(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	const char *slug = http_param(r, "cycle");
	plan_lookup found;
	plan p = {.tenant_id = r->tenant->id};
	plan_section *s;
	const db_res *pre;
	size_t first, n;
	if (scope_prefetched(r, &pre, &first, &n))
		plan_store_draft_section_rows(r->a, pre, first, n, &found, &p.cycle_id, &s);
	else if (!http_db_ok(r,
	                     plan_store_draft_section(r->db, r->a, r->tenant->id, slug, http_param(r, "key"), &found,
	                                              &p.cycle_id, &s),
	                     "la sezione"))
		return;
	switch (found) {
	case PLAN_LOOKUP_NO_CYCLE:
		if (v_is_slug(slug))
			http_problemf(r, 404, "il ciclo %s non esiste", slug);
		else
			http_problem(r, 404, "il ciclo richiesto non esiste");
		break;
	case PLAN_LOOKUP_NO_PLAN:
		http_problemf(r, 404, "%s non ha un piano per il ciclo %s", r->tenant->slug, slug);
		break;
	case PLAN_LOOKUP_NO_SECTION: http_problem(r, 404, "il piano non ha la sezione richiesta"); break;
	case PLAN_LOOKUP_FOUND: answer_section(r, &p, s, 200); break;
	}
}

/* ---------------------------------------------------------------- merge patch */

#define MERGE_PATCH_TYPE "application/merge-patch+json"

static bool is_merge_patch(const char *ct)
{
	static const char type[] = MERGE_PATCH_TYPE;
	if (ct == NULL)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == sizeof(type) - 1 && strncasecmp(ct, type, n) == 0;
}

/* The resource as a PATCH leaves it: current (its stored JSON) with the
 * request's merge patch applied (RFC 7396). NULL after answering 415 for
 * another content type, 400 or 422 for a body that is not a JSON object. */
static json_value *read_merged(http_req *r, const char *current, size_t len)
{
	json_value *patch, *base;
	char err[128];
	if (!is_merge_patch(http_header_get(r, "Content-Type"))) {
		http_problem(r, 415,
		             "una PATCH deve essere una JSON merge patch (RFC 7396): invia "
		             "Content-Type: " MERGE_PATCH_TYPE);
		return NULL;
	}
	patch = v_read_object(r);
	if (patch == NULL)
		return NULL;
	if (json_parse(r->a, current, len, &base, err, sizeof(err)) != JSON_OK) {
		http_problem(r, 500, "impossibile leggere la risorsa salvata");
		return NULL;
	}
	return json_merge_patch(r->a, base, patch);
}

/* ---------------------------------------------------------------- sections */

/* PUT replaces the section with the body; PATCH (merge) applies the body to
 * it. Either way the result is checked whole, as a PUT would be. */
static void write_section(http_req *r, bool merge)
{
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, true) : NULL;
	plan_section *s = p != NULL ? path_section(r, p, true) : NULL;
	if (s == NULL)
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/sections/%s", r->tenant->slug, c->slug, s->key);
	if (http_if_match(r, section_etag(r, p, s)) != 0 || !editable(r, p, c))
		return;
	json_value *body =
	    merge ? read_merged(r, s->content != NULL ? s->content : "{}", s->content != NULL ? strlen(s->content) : 2)
	          : v_read_object(r);
	cycle_template t;
	cycle_catalog cat;
	if (body == NULL || !http_db_ok(r, cycle_store_load_template(r->db, r->a, c->id, &t), "lo schema") ||
	    !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo"))
		return;
	const cycle_section *tpl = cycle_template_section(&t, s->key);
	if (tpl == NULL) {
		http_problem(r, 404, "il piano non ha la sezione richiesta");
		return;
	}
	field_errors *e = http_errors_new(r);
	plan_section_content content;
	plan_section_parse(e, NULL, body, tpl, c, &cat, &content);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	plan_section saved;
	int rc = plan_section_save(r->db, r->a, p->tenant_id, p->cycle_id, tpl, &content, r->user->user_id, &saved);
	if (rc == PLAN_ENOGROUP) {
		field_errors_add(e, "working_group.group", "non è un tavolo tematico dell'ATS per il ciclo %s",
		                 c->slug);
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, p->status, "");
		return;
	}
	r->audit_detail = arena_printf(r->a, "section %s %s (%s, version %lld)", saved.key, merge ? "patched" : "saved",
	                               plan_section_status_name(saved.status), saved.version);
	answer_section(r, p, &saved, 200);
}

static void put_section(http_req *r)
{
	write_section(r, false);
}

static void patch_section(http_req *r)
{
	write_section(r, true);
}

/* ---------------------------------------------------------------- finance */

static const char *finance_etag(http_req *r, const plan *p, long long version)
{
	return arena_printf(r->a, "finance-%lld-%lld-%lld", p->tenant_id, p->cycle_id, version);
}

static void answer_finance(http_req *r, const plan *p, long long version, const plan_finance *f)
{
	http_set_etag(r, finance_etag(r, p, version));
	jw *w = http_json_begin(r);
	plan_finance_render(w, f);
	http_json_end(r, w, 200);
}

static void get_finance(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, false) : NULL;
	plan_finance f;
	if (p != NULL &&
	    http_db_ok(r, plan_finance_load(r->db, r->a, p->tenant_id, p->cycle_id, 0, &f), "i dati finanziari"))
		answer_finance(r, p, p->finance_version, &f);
}

/* The finance as stored, in the JSON a GET answers: what a merge patch
 * applies to. */
static json_value *merged_finance(http_req *r, const plan *p)
{
	plan_finance current;
	if (!http_db_ok(r, plan_finance_load(r->db, r->a, p->tenant_id, p->cycle_id, 0, &current), "le entrate"))
		return NULL;
	jw *w = jw_new(NULL, NULL);
	plan_finance_render(w, &current);
	size_t len = 0;
	const char *buf = jw_buffer(w, &len);
	json_value *out = NULL;
	if (jw_failed(w))
		http_problem(r, 500, "impossibile leggere le entrate");
	else
		out = read_merged(r, arena_strndup(r->a, buf, len), len);
	jw_free(w);
	return out;
}

/* PUT replaces the income lines; PATCH applies a merge patch to them (an
 * "income" array replaces the whole list, as RFC 7396 says of arrays). */
static void write_finance(http_req *r, bool merge)
{
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, true) : NULL;
	if (p == NULL)
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/finance", r->tenant->slug, c->slug);
	if (http_if_match(r, finance_etag(r, p, p->finance_version)) != 0 || !editable(r, p, c))
		return;
	json_value *body = merge ? merged_finance(r, p) : v_read_object(r);
	cycle_catalog cat;
	if (body == NULL || !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo"))
		return;
	field_errors *e = http_errors_new(r);
	plan_finance f;
	plan_finance_parse(e, NULL, body, c, &cat, &f);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	if (!http_db_ok(r, plan_finance_save(r->db, p->tenant_id, p->cycle_id, &f), "i dati finanziari"))
		return;
	r->audit_detail = arena_printf(r->a, "%zu income lines%s", f.nincome, merge ? " (patched)" : "");
	answer_finance(r, p, p->finance_version + 1, &f);
}

static void put_finance(http_req *r)
{
	write_finance(r, false);
}

static void patch_finance(http_req *r)
{
	write_finance(r, true);
}

/* ---------------------------------------------------------------- submissions
 */

static void render_submission(http_req *r, jw *w, const plan_submission *s)
{
	jw_obj_begin(w);
	jw_kint(w, "revision", s->revision);
	render_time(r, w, "submitted_at", s->submitted_at);
	users_render_ref(w, "submitted_by", s->submitted_by, s->submitted_by_name);
	jw_kbool(w, "late", s->late);
	jw_kstr(w, "note", s->note);
	jw_key(w, "approval_act");
	if (s->act.number != NULL && s->act.date != NULL) {
		jw_obj_begin(w);
		jw_kstr(w, "number", s->act.number);
		jw_kstr(w, "date", s->act.date);
		jw_obj_end(w);
	} else
		jw_null(w);
	jw_kint(w, "template_version", s->template_version);
	jw_kstr(w, "sha256", s->sha256);
	jw_kstr(w, "decision", s->decision);
	jw_kstr(w, "review_note", s->review_note);
	render_time(r, w, "reviewed_at", s->reviewed_at);
	users_render_ref(w, "reviewed_by", s->reviewed_by, s->reviewed_by_name);
	jw_obj_end(w);
}

/* The optional {"note"} of a submit: an empty body is no note. */
static bool read_note(http_req *r, const char *field, size_t max, bool decision, const char **note, int *dec)
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
		*dec = plan_decision_parse(d);
		if (d != NULL && *dec < 0)
			field_errors_add(e, "decision", "deve essere approve o request_changes");
	}
	*note = v_text(e, NULL, body, field, max, false);
	if (*note != NULL && (*note)[strspn(*note, " \t\r\n")] == '\0')
		*note = NULL;
	return !http_errors_answer(r, e, 422, NULL);
}

/* {"note","approval_act":{"number","date"}}, each optional (an empty body
 * is neither); *act is NULL when the body has no act. */
static bool read_submit(http_req *r, const char **note, const plan_approval_act **act)
{
	static const char *const allowed[] = {"note", "approval_act", NULL};
	*note = NULL;
	*act = NULL;
	if (r->body_len == 0)
		return true;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return false;
	field_errors *e = http_errors_new(r);
	v_only(e, NULL, body, allowed);
	*note = v_text(e, NULL, body, "note", PLAN_SUBMIT_NOTE_MAX, false);
	if (*note != NULL && (*note)[strspn(*note, " \t\r\n")] == '\0')
		*note = NULL;
	const json_value *v = json_get(body, "approval_act");
	if (v != NULL && v->type != JSON_NULL) {
		char today[HTML_ISO_DATE_LEN + 1];
		html_date_in_italy((long long)time(NULL), today);
		plan_approval_act *a = arena_calloc(r->a, 1, sizeof(*a));
		if (plan_approval_act_parse(e, "approval_act", v, today, a) == 0)
			*act = a;
	}
	return !http_errors_answer(r, e, 422, NULL);
}

static void post_submit(http_req *r)
{
	const char *note;
	const plan_approval_act *act;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0 || !read_submit(r, &note, &act))
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	r->audit_object = plan_object(r, c);
	plan_submission s;
	int rc = plan_submit(r->db, r->a, r->tenant->id, c, r->user->user_id, note, act, &s);
	if (rc == PLAN_EINCOMPLETE) {
		field_errors *e = http_errors_new(r);
		for (size_t i = 0; i < s.nmissing; i++)
			field_errors_add(
			    e, arena_printf(r->a, "sections.%s.parts.%s", s.missing[i].section, s.missing[i].part),
			    "va compilato prima di inviare il piano");
		http_errors_answer(r, e, 422,
		                   arena_printf(r->a, "%zu parti obbligatorie non sono ancora compilate", s.nmissing));
		return;
	}
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, s.plan_status, "si può inviare solo in bozza o con modifiche richieste");
		return;
	}
	r->audit_detail = arena_printf(r->a, "submitted revision %lld sha256 %s%s%s", s.revision, s.sha256,
	                               s.late ? " (late)" : "", act ? " with approval act" : "");
	http_set_header(
	    r, "Location",
	    arena_printf(r->a, "/api/v1/tenants/%s/plans/%s/submissions/%lld", r->tenant->slug, c->slug, s.revision));
	jw *w = http_json_begin(r);
	render_submission(r, w, &s);
	http_json_end(r, w, 201);
}

static void answer_submissions_csv(http_req *r, const plan_submission *list, size_t n)
{
	static const char *const header[] = {"revision", "submitted_at", "submitted_by", "late",
	                                     "sha256",   "decision",     "review_note"};
	csv_writer w;
	http_csv_begin(r, &w);
	csv_fields(&w, header, sizeof(header) / sizeof(header[0]));
	csv_end(&w);
	for (size_t i = 0; i < n; i++) {
		const plan_submission *s = &list[i];
		csv_fieldf(&w, "%lld", s->revision);
		csv_field(&w, cycle_time_rfc3339(r->a, s->submitted_at));
		csv_field(&w, s->submitted_by_name);
		csv_field(&w, s->late ? "true" : "false");
		csv_field(&w, s->sha256);
		csv_field(&w, s->decision);
		csv_field(&w, s->review_note);
		csv_end(&w);
	}
}

static void get_submissions(http_req *r)
{
	int limit;
	long long after;
	if (scope_require(r, SCOPE_READERS) != 0 || v_page_after(r, REVISION_MAX_DIGITS, &limit, &after) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, false) : NULL;
	plan_submission *list;
	size_t n;
	bool more;
	if (p == NULL ||
	    !http_db_ok(r,
	                plan_store_submissions(r->db, r->a, p->tenant_id, p->cycle_id, after, limit, &list, &n, &more),
	                "gli invii"))
		return;
	int csv = http_wants_csv(r);
	if (csv < 0)
		return;
	if (csv) {
		answer_submissions_csv(r, list, n);
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		render_submission(r, w, &list[i]);
	http_list_end(w, more ? arena_printf(r->a, "%lld", list[n - 1].revision) : NULL);
	http_json_end(r, w, 200);
}

/* The revision the path names, or false after answering 404. */
static bool path_revision(http_req *r, long long *revision)
{
	if (id_parse(http_param(r, "revision"), REVISION_MAX_DIGITS, revision))
		return true;
	http_problem(r, 404, "il piano non ha l'invio richiesto");
	return false;
}

/* The stored bytes, untouched, so that their SHA-256 is the one recorded. */
static void get_snapshot(http_req *r)
{
	long long revision;
	if (scope_require(r, SCOPE_READERS) != 0 || !path_revision(r, &revision))
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (p == NULL)
		return;
	plan_submission s;
	const char *snapshot;
	size_t len;
	int rc = plan_store_submission(r->db, r->a, p->tenant_id, p->cycle_id, revision, &s, &snapshot, &len);
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, p->status, "");
		return;
	}
	http_set_etag(r, s.sha256);
	http_body(r, 200, "application/json", snapshot, len);
}

static void post_review(http_req *r)
{
	long long revision;
	const char *note;
	int decision = -1;
	if (scope_require(r, SCOPE_REGION) != 0 || !path_revision(r, &revision) ||
	    !read_note(r, "note", PLAN_REVIEW_NOTE_MAX, true, &note, &decision))
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/submissions/%lld", r->tenant->slug, c->slug, revision);
	plan_status status;
	int rc = plan_review(r->db, r->tenant->id, c->id, revision, (plan_decision)decision, note, r->user->user_id,
	                     &status);
	if (rc == PLAN_ENOTLATEST) {
		http_problemf(r, 409, "il piano è in stato «%s»: l'invio %lld non è l'ultimo, il solo che si esamina",
		              web_plan_status(plan_status_name(status)), revision);
		return;
	}
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, status, "si può esaminare solo un piano inviato");
		return;
	}
	r->audit_detail = arena_printf(r->a, "%s revision %lld: the plan is now %s",
	                               plan_decision_name((plan_decision)decision), revision, plan_status_name(status));
	plan_submission s;
	if (!http_db_ok(r, plan_store_submission(r->db, r->a, r->tenant->id, c->id, revision, &s, NULL, NULL),
	                "l'invio"))
		return;
	jw *w = http_json_begin(r);
	render_submission(r, w, &s);
	http_json_end(r, w, 201);
}

static void post_publish(http_req *r)
{
	if (scope_require(r, SCOPE_ROLE(ROLE_REGION_ADMIN)) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	r->audit_object = plan_object(r, c);
	plan_status status;
	long long revision;
	int rc = plan_publish(r->db, r->tenant->id, c->id, &status, &revision);
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, status, "si può pubblicare solo un piano approvato");
		return;
	}
	r->audit_detail = arena_printf(r->a, "published revision %lld", revision);
	plan *p = plans_path_plan(r, c, false);
	if (p != NULL)
		answer_plan(r, p, 200);
}

/* An annual update (aggiornamento): the coordinator reopens an approved or
 * published plan with a reason; it then goes through submit, review and
 * publication again, and the published revision stays public until the
 * next one is published. */
static void post_reopen(http_req *r)
{
	static const char *const allowed[] = {"reason", NULL};
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0)
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	v_only(e, NULL, body, allowed);
	const char *reason = v_text(e, NULL, body, "reason", PLAN_REOPEN_REASON_MAX, true);
	if (reason != NULL && reason[strspn(reason, " \t\r\n")] == '\0')
		field_errors_add(e, "reason", "scrivere perché si aggiorna il piano");
	if (http_errors_answer(r, e, 422, NULL))
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	r->audit_object = plan_object(r, c);
	plan_status status;
	int rc = plan_reopen(r->db, r->a, r->tenant->id, c, r->user->user_id, reason, &status);
	if (rc != DB_OK) {
		answer_refusal(r, rc, c, status, "si riapre per l'aggiornamento solo un piano approvato o pubblicato");
		return;
	}
	plan *p = plans_path_plan(r, c, false);
	if (p == NULL)
		return;
	r->audit_detail = arena_printf(r->a, "reopened after revision %lld for an update", p->revision);
	answer_plan(r, p, 200);
}

/* ---------------------------------------------------------------- routes */

static const route routes[] = {
    {HTTP_GET,
     PLANS_PATH,
     get_plans,
     ROUTE_TENANT,
     "The tenant's plans, one per cycle",
     NULL,
     "PlanList",
     {P_LIMIT, P_CURSOR, P_FORMAT}},
    {HTTP_POST, PLANS_PATH, post_plan, ROUTE_TENANT,
     "Create the tenant's draft plan for an open cycle (ATS coordinator or editor, region_admin)", "PlanCreate", "Plan",
     .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_GET, PLAN_PATH, get_plan, ROUTE_TENANT, "A plan: status, latest revision and the index of its sections", NULL,
     "Plan"},
    {HTTP_GET, PLAN_PATH "/sections/{key}", get_section, ROUTE_TENANT, "A section of the draft, with its ETag", NULL,
     "PlanSection", .prefetch = &plan_draft_section_prefetch},
    {HTTP_PUT,
     PLAN_PATH "/sections/{key}",
     put_section,
     ROUTE_TENANT,
     "Replace a section of a draft or changes_requested plan (ATS coordinator or editor, If-Match)",
     "PlanSectionInput",
     "PlanSection",
     {P_IF_MATCH},
     .max_body = PLAN_SECTION_BODY_MAX},
    {HTTP_PATCH,
     PLAN_PATH "/sections/{key}",
     patch_section,
     ROUTE_TENANT,
     "Change only the members a JSON merge patch (RFC 7396, application/merge-patch+json) names in a section; the "
     "result is checked as a PUT (ATS coordinator or editor, If-Match)",
     "PlanSectionPatch",
     "PlanSection",
     {P_IF_MATCH},
     .max_body = PLAN_SECTION_BODY_MAX},
    {HTTP_GET, PLAN_PATH "/finance", get_finance, ROUTE_TENANT, "The plan's income lines (voci di entrata)", NULL,
     "PlanFinance"},
    {HTTP_PUT,
     PLAN_PATH "/finance",
     put_finance,
     ROUTE_TENANT,
     "Replace the income lines of a draft or changes_requested plan (ATS coordinator or editor, If-Match)",
     "PlanFinance",
     "PlanFinance",
     {P_IF_MATCH},
     .max_body = PLAN_FINANCE_BODY_MAX},
    {HTTP_PATCH,
     PLAN_PATH "/finance",
     patch_finance,
     ROUTE_TENANT,
     "Apply a JSON merge patch (RFC 7396, application/merge-patch+json) to the income lines; the result is checked "
     "as a PUT (ATS coordinator or editor, If-Match)",
     "PlanFinancePatch",
     "PlanFinance",
     {P_IF_MATCH},
     .max_body = PLAN_FINANCE_BODY_MAX},
    {HTTP_POST, PLAN_PATH "/submit", post_submit, ROUTE_TENANT,
     "Submit the plan as a new immutable revision (ats_coordinator); 422 lists the required parts not filled",
     "PlanSubmit", "PlanSubmission", .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_GET,
     PLAN_PATH "/submissions",
     get_submissions,
     ROUTE_TENANT,
     "The plan's submissions with their reviews",
     NULL,
     "PlanSubmissionList",
     {P_LIMIT, P_CURSOR, P_FORMAT}},
    {HTTP_GET, PLAN_PATH "/submissions/{revision}", get_snapshot, ROUTE_TENANT,
     "The snapshot of a submission, served byte for byte as stored: its sha256 is the SHA-256 of exactly these bytes",
     NULL, "PlanSnapshot"},
    {HTTP_POST, PLAN_PATH "/submissions/{revision}/review", post_review, ROUTE_TENANT,
     "Decide on the latest submission: approve or request_changes (region_admin, region_reviewer)", "PlanReview",
     "PlanSubmission", .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_POST, PLAN_PATH "/reopen", post_reopen, ROUTE_TENANT,
     "Reopen an approved or published plan for an annual update with a reason (ats_coordinator): it is a draft "
     "again and goes through submit, review and publish; the published revision stays public until the next",
     "PlanReopen", "Plan", .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_POST, PLAN_PATH "/publish", post_publish, ROUTE_TENANT,
     "Publish an approved plan: its latest snapshot becomes public (region_admin)", NULL, "Plan",
     .max_body = PLAN_SMALL_BODY_MAX},
};

void plans_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
