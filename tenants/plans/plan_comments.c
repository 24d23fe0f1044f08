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

/* A plan_comments row with its people's names. */
typedef struct comment {
	long long id;
	const char *section, *part; /* part NULL for the whole section */
	const char *body;
	long long reply_to; /* 0 when it starts a thread */
	long long author_id;
	const char *author_name;
	const char *created_at; /* DATETIME text */
	bool resolved;
	long long resolved_by; /* 0 when not resolved */
	const char *resolved_by_name, *resolved_at;
} comment;

/* ---------------------------------------------------------------- data access */

#define COMMENT_COLUMNS                                                                                                \
	"c.id, c.section_key, c.part_key, c.body, c.reply_to, c.author_id, ua.name, c.created_at, c.resolved,"         \
	" c.resolved_by, ur.name, c.resolved_at FROM plan_comments c LEFT JOIN users ua ON ua.id = c.author_id"        \
	" LEFT JOIN users ur ON ur.id = c.resolved_by"

static void read_comment(const db_res *res, size_t i, comment *c)
{
	*c = (comment){
	    .id = db_int(res, i, 0),
	    .section = db_val(res, i, 1),
	    .part = db_val(res, i, 2),
	    .body = db_val(res, i, 3),
	    .reply_to = db_int(res, i, 4),
	    .author_id = db_int(res, i, 5),
	    .author_name = db_val(res, i, 6) ? db_val(res, i, 6) : "",
	    .created_at = db_val(res, i, 7),
	    .resolved = db_int(res, i, 8) == 1,
	    .resolved_by = db_int(res, i, 9),
	    .resolved_by_name = db_val(res, i, 10) ? db_val(res, i, 10) : "",
	    .resolved_at = db_val(res, i, 11),
	};
}

/* *out NULL when the plan has no comment id. */
static int comment_find(db *d, arena *a, const plan *p, long long id, bool for_update, comment **out)
{
	db_res *res;
	*out = NULL;
	int rc = db_query(
	    d, a, &res,
	    for_update ? "SELECT " COMMENT_COLUMNS " WHERE c.tenant_id = ? AND c.cycle_id = ? AND c.id = ? FOR UPDATE"
	               : "SELECT " COMMENT_COLUMNS " WHERE c.tenant_id = ? AND c.cycle_id = ? AND c.id = ?",
	    "iii", p->tenant_id, p->cycle_id, id);
	if (rc != DB_OK)
		return rc;
	if (db_nrows(res) == 1) {
		*out = arena_alloc(a, sizeof(**out));
		read_comment(res, 0, *out);
	}
	return DB_OK;
}

/* Up to limit comments with id > after, by id; section and resolved (NULL,
 * "0" or "1") narrow the list when given. */
static int comment_list(db *d, arena *a, const plan *p, long long after, int limit, const char *section,
                        const char *resolved, comment **out, size_t *n, bool *more)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT " COMMENT_COLUMNS " WHERE c.tenant_id = ? AND c.cycle_id = ? AND c.id > ?"
	                  " AND (? IS NULL OR c.section_key = ?) AND (? IS NULL OR c.resolved = ?)"
	                  " ORDER BY c.id LIMIT ?",
	                  "iiissssi", p->tenant_id, p->cycle_id, after, section, section, resolved, resolved,
	                  (long long)limit + 1);
	if (rc != DB_OK)
		return rc;
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_comment(res, i, &(*out)[i]);
	return DB_OK;
}

static int comment_count(db *d, arena *a, const plan *p, long long *count)
{
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT COUNT(*) FROM plan_comments WHERE tenant_id = ? AND cycle_id = ?", "ii",
	                  p->tenant_id, p->cycle_id);
	if (rc == DB_OK)
		*count = db_int(res, 0, 0);
	return rc;
}

/* Inserts c (its id is set). */
static int comment_insert(db *d, const plan *p, comment *c)
{
	long long rc =
	    db_exec(d,
	            "INSERT INTO plan_comments (tenant_id, cycle_id, section_key, part_key, reply_to, body,"
	            " author_id) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?)",
	            "iissisi", p->tenant_id, p->cycle_id, c->section, c->part, c->reply_to, c->body, c->author_id);
	if (rc < 0)
		return (int)rc;
	c->id = (long long)db_last_id(d);
	return DB_OK;
}

/* Marks the comment resolved by user_id now, or open again. */
static int comment_resolve(db *d, const plan *p, long long id, bool resolved, long long user_id)
{
	long long rc = db_exec(d,
	                       "UPDATE plan_comments SET resolved = ?, resolved_by = NULLIF(?, 0),"
	                       " resolved_at = IF(? = 1, CURRENT_TIMESTAMP(6), NULL)"
	                       " WHERE tenant_id = ? AND cycle_id = ? AND id = ?",
	                       "iiiiii", (long long)resolved, resolved ? user_id : 0LL, (long long)resolved,
	                       p->tenant_id, p->cycle_id, id);
	return rc < 0 ? (int)rc : DB_OK;
}

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
static const char *comment_etag(http_req *r, const comment *c)
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

static void render_comment(jw *w, arena *a, const comment *c)
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

static void answer_comment(http_req *r, const comment *c, int status)
{
	http_set_etag(r, comment_etag(r, c));
	jw *w = http_json_begin(r);
	render_comment(w, r->a, c);
	http_json_end(r, w, status);
}

static bool section_has_part(const cycle_section *s, const char *key)
{
	for (size_t i = 0; i < s->nparts; i++)
		if (strcmp(s->parts[i].key, key) == 0)
			return true;
	return false;
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
	comment *list;
	size_t n;
	bool more;
	if (!http_db_ok(r, comment_list(r->db, r->a, p, after, limit, section, resolved, &list, &n, &more),
	                "i commenti"))
		return;
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		render_comment(w, r->a, &list[i]);
	http_list_end(w, more ? arena_printf(r->a, "%lld", list[n - 1].id) : NULL);
	http_json_end(r, w, 200);
}

/* Checks the section, the part and the comment replied to against the
 * template and the plan's comments, filling c; errors go to e. */
static bool check_target(http_req *r, field_errors *e, const plan *p, long long cycle_id, comment *c)
{
	cycle_template t;
	if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, cycle_id, &t), "lo schema"))
		return false;
	const cycle_section *s = c->section ? cycle_template_section(&t, c->section) : NULL;
	if (c->section != NULL && s == NULL)
		field_errors_add(e, "section", "non è una sezione dello schema del ciclo");
	if (s != NULL && c->part != NULL && !section_has_part(s, c->part))
		field_errors_add(e, "part", "non è una parte della sezione %s", s->key);
	if (c->reply_to == 0)
		return true;
	comment *parent;
	if (!http_db_ok(r, comment_find(r->db, r->a, p, c->reply_to, false, &parent), "il commento a cui si risponde"))
		return false;
	if (parent == NULL) {
		field_errors_add(e, "reply_to", "non è un commento di questo piano");
	} else if (c->section != NULL &&
	           (strcmp(parent->section, c->section) != 0 ||
	            !((parent->part == NULL && c->part == NULL) ||
	              (parent->part != NULL && c->part != NULL && strcmp(parent->part, c->part) == 0)))) {
		field_errors_add(e, "reply_to",
		                 "è un commento su %s%s%s: una risposta indica la stessa sezione e parte",
		                 parent->section, parent->part ? ", part " : "", parent->part ? parent->part : "");
	} else if (parent->reply_to != 0) {
		c->reply_to = parent->reply_to; /* threads are one level deep */
	}
	return true;
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
	comment c = {.author_id = r->user->user_id};
	c.section = v_string(e, NULL, body, "section", 1, SECTION_KEY_MAX, true);
	c.part = v_string_or_null(e, NULL, body, "part", PART_KEY_MAX, &present);
	c.body = v_text(e, NULL, body, "body", COMMENT_BODY_MAX_CHARS, true);
	if (c.body != NULL && is_blank(c.body))
		field_errors_add(e, "body", "non può essere vuoto");
	v_int(e, NULL, body, "reply_to", 1, (long long)1e18, false, &c.reply_to);
	if (!check_target(r, e, p, cy->id, &c) || http_errors_answer(r, e, 422, NULL))
		return;
	long long count;
	if (!http_db_ok(r, comment_count(r->db, r->a, p, &count), "i commenti"))
		return;
	if (count >= COMMENTS_MAX_PER_PLAN) {
		http_problemf(r, 409, "il piano ha già %d commenti, il massimo consentito", COMMENTS_MAX_PER_PLAN);
		return;
	}
	comment *stored;
	if (!http_db_ok(r, comment_insert(r->db, p, &c), "il commento") ||
	    !http_db_ok(r, comment_find(r->db, r->a, p, c.id, false, &stored), "il commento"))
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
static comment *path_comment(http_req *r, const plan *p, bool for_update)
{
	long long id;
	comment *c = NULL;
	if (id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id) &&
	    !http_db_ok(r, comment_find(r->db, r->a, p, id, for_update, &c), "il commento"))
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
	comment *c = p ? path_comment(r, p, false) : NULL;
	if (c != NULL)
		answer_comment(r, c, 200);
}

static void patch_comment(http_req *r)
{
	json_value *body;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	plan *p = path_plan(r, NULL);
	comment *c = p ? path_comment(r, p, true) : NULL;
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
	comment *after;
	if (!http_db_ok(r, comment_resolve(r->db, p, c->id, resolved, r->user->user_id), "il commento") ||
	    !http_db_ok(r, comment_find(r->db, r->a, p, c->id, false, &after), "il commento"))
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
		http_problemf(r, 404, "il piano non ha l'invio %s",
		              rev > 0 ? http_param(r, param) : "con quel numero");
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
