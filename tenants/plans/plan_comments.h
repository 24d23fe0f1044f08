/* Review tools on a plan (SPEC §5): comments on its sections and parts, with
 * replies and resolution, and the diff between two of its submissions.
 * Everyone who may read the tenant's plan (SCOPE_READERS) may comment. */
#ifndef AMBITO_PLAN_COMMENTS_H
#define AMBITO_PLAN_COMMENTS_H

/* A comment's text, in characters: 10 000 characters of 4 bytes at most
 * still fit the TEXT column (65 535 bytes). */
#define COMMENT_BODY_MAX_CHARS 10000
/* The request body of a comment: its text as \u escapes, and the rest. */
#define COMMENT_REQUEST_BODY_MAX (256 * 1024)
/* Comments one plan may hold; past it a new one is refused (409). */
#define COMMENTS_MAX_PER_PLAN 20000

void plan_comments_register(void); /* …/plans/{cycle}/comments, …/diff/{other} */

#endif
