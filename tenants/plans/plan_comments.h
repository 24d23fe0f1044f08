/* Review tools on a plan (SPEC §5): comments on its sections and parts, with
 * replies and resolution, and the diff between two of its submissions.
 * Everyone who may read the tenant's plan (SCOPE_READERS) may comment. */
#ifndef AMBITO_PLAN_COMMENTS_H
#define AMBITO_PLAN_COMMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/field_errors.h"
#include "cycles/cycles.h"
#include "db/db.h"
#include "tenants/plans/plans.h"

/* A comment's text, in characters: 10 000 characters of 4 bytes at most
 * still fit the TEXT column (65 535 bytes). */
#define COMMENT_BODY_MAX_CHARS 10000
/* The request body of a comment: its text as \u escapes, and the rest. */
#define COMMENT_REQUEST_BODY_MAX (256 * 1024)
/* Comments one plan may hold; past it a new one is refused (409). */
#define COMMENTS_MAX_PER_PLAN 20000

/* A plan_comments row with its people's names. */
typedef struct plan_comment {
	long long id;
	const char *section, *part; /* part NULL for the whole section */
	const char *body;
	long long reply_to; /* 0 when it starts a thread */
	long long author_id;
	const char *author_name;
	const char *author_role; /* region role, else ATS role on the tenant; NULL when neither now */
	const char *created_at;  /* DATETIME text */
	bool resolved;
	long long resolved_by; /* 0 when not resolved */
	const char *resolved_by_name, *resolved_at;
} plan_comment;

/* ---- data access (plan_comment_store.c): DB_OK or a DB_E* code ---- */

/* *out NULL when the plan has no comment id. */
int plan_comment_store_find(db *d, arena *a, const plan *p, long long id, bool for_update, plan_comment **out);
/* Up to limit comments with id > after, by id; section and resolved (NULL,
 * "0" or "1") narrow the list when given. */
int plan_comment_store_list(db *d, arena *a, const plan *p, long long after, int limit, const char *section,
                            const char *resolved, plan_comment **out, size_t *n, bool *more);
int plan_comment_store_count(db *d, arena *a, const plan *p, long long *count);
/* Inserts c (its id is set). */
int plan_comment_store_insert(db *d, const plan *p, plan_comment *c);
/* Marks the comment resolved by user_id now, or open again. */
int plan_comment_store_resolve(db *d, const plan *p, long long id, bool resolved, long long user_id);

/* Checks c's section, part and the comment it replies to against the
 * template t and the plan's comments; errors go to e (the API's field
 * names). A reply to a reply becomes a reply to its thread's first comment. */
int plan_comment_target(db *d, arena *a, field_errors *e, const plan *p, const cycle_template *t, plan_comment *c);

void plan_comments_register(void); /* …/plans/{cycle}/comments, …/diff/{other} */

#endif
