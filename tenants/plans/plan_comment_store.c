/* The SQL of a plan's comments, for the API (plan_comments.c) and the pages
 * (plan_comment_pages.c). */
#include <string.h>

#include "tenants/plans/plan_comments.h"

#define COMMENT_COLUMNS                                                                                                \
	"c.id, c.section_key, c.part_key, c.body, c.reply_to, c.author_id, ua.name, c.created_at, c.resolved,"         \
	" c.resolved_by, ur.name, c.resolved_at, ua.region_role,"                                                      \
	" (SELECT m.role FROM memberships m WHERE m.user_id = c.author_id AND m.tenant_id = c.tenant_id)"              \
	" FROM plan_comments c LEFT JOIN users ua ON ua.id = c.author_id"                                              \
	" LEFT JOIN users ur ON ur.id = c.resolved_by"

static void read_comment(const db_res *res, size_t i, plan_comment *c)
{
	*c = (plan_comment){
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
	    .author_role = db_val(res, i, 12) ? db_val(res, i, 12) : db_val(res, i, 13),
	};
}

int plan_comment_store_find(db *d, arena *a, const plan *p, long long id, bool for_update, plan_comment **out)
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

int plan_comment_store_list(db *d, arena *a, const plan *p, long long after, int limit, const char *section,
                            const char *resolved, plan_comment **out, size_t *n, bool *more)
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

int plan_comment_store_count(db *d, arena *a, const plan *p, long long *count)
{
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT COUNT(*) FROM plan_comments WHERE tenant_id = ? AND cycle_id = ?", "ii",
	                  p->tenant_id, p->cycle_id);
	if (rc == DB_OK)
		*count = db_int(res, 0, 0);
	return rc;
}

int plan_comment_store_insert(db *d, const plan *p, plan_comment *c)
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

int plan_comment_store_resolve(db *d, const plan *p, long long id, bool resolved, long long user_id)
{
	long long rc = db_exec(d,
	                       "UPDATE plan_comments SET resolved = ?, resolved_by = NULLIF(?, 0),"
	                       " resolved_at = IF(? = 1, CURRENT_TIMESTAMP(6), NULL)"
	                       " WHERE tenant_id = ? AND cycle_id = ? AND id = ?",
	                       "iiiiii", (long long)resolved, resolved ? user_id : 0LL, (long long)resolved,
	                       p->tenant_id, p->cycle_id, id);
	return rc < 0 ? (int)rc : DB_OK;
}

int plan_comment_target(db *d, arena *a, field_errors *e, const plan *p, const cycle_template *t, plan_comment *c)
{
	const cycle_section *s = c->section ? cycle_template_section(t, c->section) : NULL;
	if (c->section != NULL && s == NULL)
		field_errors_add(e, "section", "non è una sezione dello schema del ciclo");
	if (s != NULL && c->part != NULL) {
		bool found = false;
		for (size_t i = 0; i < s->nparts && !found; i++)
			found = strcmp(s->parts[i].key, c->part) == 0;
		if (!found)
			field_errors_add(e, "part", "non è una parte della sezione %s", s->key);
	}
	if (c->reply_to == 0)
		return DB_OK;
	plan_comment *parent;
	int rc = plan_comment_store_find(d, a, p, c->reply_to, false, &parent);
	if (rc != DB_OK)
		return rc;
	if (parent == NULL) {
		field_errors_add(e, "reply_to", "non è un commento di questo piano");
	} else if (c->section != NULL &&
	           (strcmp(parent->section, c->section) != 0 ||
	            !((parent->part == NULL && c->part == NULL) ||
	              (parent->part != NULL && c->part != NULL && strcmp(parent->part, c->part) == 0)))) {
		field_errors_add(e, "reply_to",
		                 "è un commento su %s%s%s: una risposta indica la stessa sezione e parte",
		                 parent->section, parent->part ? ", parte " : "", parent->part ? parent->part : "");
	} else if (parent->reply_to != 0) {
		c->reply_to = parent->reply_to; /* threads are one level deep */
	}
	return DB_OK;
}
