/* HTTP routes for reviewing a plan: comments on a section or one of its
 * parts, replies, resolution, and the diff between two submissions. Every
 * reader of the tenant's plan may comment, in every status of the plan:
 * review talk goes on before, during and after a submission. Replies are one
 * level deep: a reply to a reply joins the thread of the comment it answers. */
#include "tenants/plans/plan_comments.h"

#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "identity/users.h"
#include "tenants/plans/plan_diff.h"
#include "tenants/plans/plans.h"

#define PLAN_PATH "/api/v1/tenants/{tenant}/plans/{cycle}"

/* ---------------------------------------------------------------- common */

/* The tenant's plan for the path's cycle, or NULL after answering 404 (or
 * 503); *cy (may be NULL) gets the cycle. */
static plan *path_plan(http_req *r, cycle **cy)
{
	cycle *c = cycles_path_cycle(r, false);
	plan *p = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (p == NULL)
		return NULL;
	p->cycle_slug = c->slug;
	if (cy != NULL)
		*cy = c;
	return p;
}

static const char *comment_path(http_req *r, const plan *p, long long id)
{
	return arena_printf(r->a, "/api/v1/tenants/%s/plans/%s/comments/%lld", r->tenant->slug, p->cycle_slug, id);
}

/* The tag changes when the comment is resolved or opened again; the rest
 * of a comment never changes. ETag characters exclude spaces, so only the
 * digits of the time are used. */
static const char *comment_etag(http_req *r, const plan_comment *c)
{
	char stamp[32] = "open";
	if (c->resolved && c->resolved_at != NULL) {
		size_t k = 0;
		for (const char *s = c->resolved_at; *s && k < sizeof(stamp) - 1; s++)
			if (*s >= '0' && *s <= '9')
				stamp[k++] = *s;
		stamp[k] = '\0';
	}
	return arena_printf(r->a, "comment-%lld-%s", c->id, stamp);
}

static void render_comment(jw *w, arena *a, const plan_comment *c)
{
	jw_obj_begin(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "section", c->section);
	jw_kstr(w, "part", c->part);
	jw_kstr(w, "body", c->body);
	jw_key(w, "reply_to");
	if (c->reply_to != 0)
		jw_int(w, c->reply_to);
	else
		jw_null(w);
	users_render_ref(w, "author", c->author_id, c->author_name);
	jw_kstr(w, "created_at", cycle_time_rfc3339(a, c->created_at));
	jw_kbool(w, "resolved", c->resolved);
	users_render_ref(w, "resolved_by", c->resolved ? c->resolved_by : 0, c->resolved_by_name);
	jw_kstr(w, "resolved_at", c->resolved ? cycle_time_rfc3339(a, c->resolved_at) : NULL);
	jw_obj_end(w);
}

static void answer_comment(http_req *r, const plan_comment *c, int status)
{
	http_set_etag(r, comment_etag(r, c));
	jw *w = http_json_begin(r);
	render_comment(w, r->a, c);
	http_json_end(r, w, status);
}

static bool is_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* ---------------------------------------------------------------- comments */

static void get_comments(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	int limit;
	long long after;
	if (v_page_after(r, ID_MAX_DIGITS, &limit, &after) != 0)
		return;
	cycle *c;
	plan *p = path_plan(r, &c);
	if (p == NULL)
		return;
	field_errors *e = http_errors_new(r);
	const char *section = http_query(r, "section"), *resolved = http_query(r, "resolved");
	if (section != NULL) {
		cycle_template t;
		if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, c->id, &t), "lo schema"))
			return;
		if (cycle_template_section(&t, section) == NULL)
			field_errors_add(e, "section", "non è una sezione dello schema del ciclo");
	}
	if (resolved != NULL) {
		if (strcmp(resolved, "true") == 0 || strcmp(resolved, "false") == 0)
			resolved = resolved[0] == 't' ? "1" : "0";
		else
			field_errors_add(e, "resolved", "deve essere true o false");
	}
	if (http_errors_answer(r, e, 400, "un parametro della query non è valido"))
		return;
	plan_comment *list;
	size_t n;
	bool more;
	if (!http_db_ok(r, plan_comment_store_list(r->db, r->a, p, after, limit, section, resolved, &list, &n, &more),
	                "i commenti"))
		return;
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		render_comment(w, r->a, &list[i]);
	http_list_end(w, more ? arena_printf(r->a, "%lld", list[n - 1].id) : NULL);
	http_json_end(r, w, 200);
}

/* Checks the comment's target (plan_comment_target); false after answering
 * when the database fails. */
static bool check_target(http_req *r, field_errors *e, const plan *p, long long cycle_id, plan_comment *c)
{
	cycle_template t;
	return http_db_ok(r, cycle_store_load_template(r->db, r->a, cycle_id, &t), "lo schema") &&
	       http_db_ok(r, plan_comment_target(r->db, r->a, e, p, &t, c), "il commento a cui si risponde");
}

static void post_comment(http_req *r)
{
	json_value *body;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *cy;
	plan *p = path_plan(r, &cy);
	if (p == NULL || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	static const char *const fields[] = {"section", "part", "body", "reply_to", NULL};
	v_only(e, NULL, body, fields);
	bool present;
	plan_comment c = {.author_id = r->user->user_id};
	c.section = v_string(e, NULL, body, "section", 1, SECTION_KEY_MAX, true);
	c.part = v_string_or_null(e, NULL, body, "part", PART_KEY_MAX, &present);
	c.body = v_text(e, NULL, body, "body", COMMENT_BODY_MAX_CHARS, true);
	if (c.body != NULL && is_blank(c.body))
		field_errors_add(e, "body", "non può essere vuoto");
	v_int(e, NULL, body, "reply_to", 1, (long long)1e18, false, &c.reply_to);
	if (!check_target(r, e, p, cy->id, &c) || http_errors_answer(r, e, 422, NULL))
		return;
	long long count;
	if (!http_db_ok(r, plan_comment_store_count(r->db, r->a, p, &count), "i commenti"))
		return;
	if (count >= COMMENTS_MAX_PER_PLAN) {
		http_problemf(r, 409, "il piano ha già %d commenti, il massimo consentito", COMMENTS_MAX_PER_PLAN);
		return;
	}
	plan_comment *stored;
	if (!http_db_ok(r, plan_comment_store_insert(r->db, p, &c), "il commento") ||
	    !http_db_ok(r, plan_comment_store_find(r->db, r->a, p, c.id, false, &stored), "il commento"))
		return;
	if (stored == NULL) {
		http_problem(r, 500, "impossibile rileggere il commento");
		return;
	}
	const char *path = comment_path(r, p, c.id);
	r->audit_object = path;
	r->audit_detail = arena_printf(r->a, "comment on %s%s%s%s", c.section, c.part ? "/" : "", c.part ? c.part : "",
	                               c.reply_to ? arena_printf(r->a, ", reply to %lld", c.reply_to) : "");
	http_set_header(r, "Location", path);
	answer_comment(r, stored, 201);
}

/* The comment the path names, or NULL after answering 404 (or 503). */
static plan_comment *path_comment(http_req *r, const plan *p, bool for_update)
{
	long long id;
	plan_comment *c = NULL;
	if (id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id) &&
	    !http_db_ok(r, plan_comment_store_find(r->db, r->a, p, id, for_update, &c), "il commento"))
		return NULL;
	if (c == NULL)
		http_problem(r, 404, "il commento richiesto non esiste in questo piano");
	return c;
}

static void get_comment(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	plan *p = path_plan(r, NULL);
	plan_comment *c = p ? path_comment(r, p, false) : NULL;
	if (c != NULL)
		answer_comment(r, c, 200);
}

static void patch_comment(http_req *r)
{
	json_value *body;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	plan *p = path_plan(r, NULL);
	plan_comment *c = p ? path_comment(r, p, true) : NULL;
	if (c == NULL || http_if_match(r, comment_etag(r, c)) != 0 || http_read_json(r, &body) != 0 ||
	    !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	static const char *const fields[] = {"resolved", NULL};
	v_only(e, NULL, body, fields);
	bool resolved = false;
	v_bool(e, NULL, body, "resolved", true, &resolved);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	r->audit_object = comment_path(r, p, c->id);
	if (resolved == c->resolved) {
		r->audit_detail = resolved ? "already resolved" : "already open";
		answer_comment(r, c, 200);
		return;
	}
	plan_comment *after;
	if (!http_db_ok(r, plan_comment_store_resolve(r->db, p, c->id, resolved, r->user->user_id), "il commento") ||
	    !http_db_ok(r, plan_comment_store_find(r->db, r->a, p, c->id, false, &after), "il commento"))
		return;
	if (after == NULL) {
		http_problem(r, 500, "impossibile rileggere il commento");
		return;
	}
	r->audit_detail = resolved ? "resolved" : "opened again";
	answer_comment(r, after, 200);
}

/* ---------------------------------------------------------------- diff */

/* The snapshot of one submission, parsed, and its revision; NULL after
 * answering. */
static json_value *load_snapshot(http_req *r, const plan *p, const char *param, long long *revision)
{
	long long rev = 0;
	plan_submission sub;
	const char *snap = NULL;
	size_t len = 0;
	int rc = id_parse(http_param(r, param), REVISION_MAX_DIGITS, &rev)
	             ? plan_store_submission(r->db, r->a, p->tenant_id, p->cycle_id, rev, &sub, &snap, &len)
	             : PLAN_ENOREVISION;
	if (rc == PLAN_ENOREVISION) {
		http_problemf(r, 404, "il piano non ha l'invio %s", rev > 0 ? http_param(r, param) : "con quel numero");
		return NULL;
	}
	if (!http_db_ok(r, rc, "l'invio"))
		return NULL;
	json_value *doc;
	char err[128];
	if (json_parse(r->a, snap, len, &doc, err, sizeof(err)) != JSON_OK) {
		http_problemf(r, 500, "impossibile leggere l'invio salvato %lld", rev);
		return NULL;
	}
	*revision = rev;
	return doc;
}

static void get_diff(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	plan *p = path_plan(r, NULL);
	long long a = 0, b = 0;
	json_value *from = p ? load_snapshot(r, p, "revision", &a) : NULL;
	json_value *to = from ? load_snapshot(r, p, "other", &b) : NULL;
	if (to == NULL)
		return;
	jw *w = http_json_begin(r);
	if (!plan_diff_render(w, r->a, a, from, b, to)) {
		jw_free(w);
		http_problem(r, 500, "un invio salvato non è una copia di un piano");
		return;
	}
	http_json_end(r, w, 200);
}

/* ---------------------------------------------------------------- routes */

static const route routes[] = {
    {HTTP_GET,
     PLAN_PATH "/comments",
     get_comments,
     ROUTE_TENANT,
     "Comments on the plan, by id: ?section= and ?resolved=true|false narrow the list (readers)",
     NULL,
     "CommentList",
     {P_LIMIT,
      P_CURSOR,
      {"section", PARAM_QUERY, false, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":16}",
       "Solo i commenti su questa sezione (A.1.2)"},
      {"resolved", PARAM_QUERY, false, "{\"type\":\"string\",\"enum\":[\"true\",\"false\"]}",
       "Solo i commenti risolti (true) o aperti (false)"}}},
    {HTTP_POST, PLAN_PATH "/comments", post_comment, ROUTE_TENANT,
     "Comment on a section or one of its parts, or reply to a comment (readers)", "CommentInput", "Comment",
     .max_body = COMMENT_REQUEST_BODY_MAX},
    {HTTP_GET, PLAN_PATH "/comments/{id}", get_comment, ROUTE_TENANT, "One comment, with its ETag (readers)", NULL,
     "Comment"},
    {HTTP_PATCH,
     PLAN_PATH "/comments/{id}",
     patch_comment,
     ROUTE_TENANT,
     "Mark a comment resolved or open again (readers, If-Match)",
     "CommentPatch",
     "Comment",
     {P_IF_MATCH},
     .max_body = PLAN_SMALL_BODY_MAX},
    {HTTP_GET, PLAN_PATH "/submissions/{revision}/diff/{other}", get_diff, ROUTE_TENANT,
     "What changed from submission {revision} to submission {other}: sections, parts and line diffs (readers)", NULL,
     "SubmissionDiff"},
};

void plan_comments_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
