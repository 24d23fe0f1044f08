/* A line diff of two texts (Myers' O(ND) algorithm), bounded in time and
 * memory: past TEXT_DIFF_MAX_EDITS changed lines or a work budget the changed
 * middle is reported as removed then added, and marked truncated. */
#ifndef AMBITO_TEXT_DIFF_H
#define AMBITO_TEXT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Most lines removed plus added that are searched for a shortest diff. The
 * search keeps (edits + 1)^2 integers, so this also bounds its memory. */
#define TEXT_DIFF_MAX_EDITS 1000
/* Most steps (diagonals tried plus lines compared) one diff may take. */
#define TEXT_DIFF_MAX_WORK 10000000

typedef struct text_diff_line {
	char op;          /* '=' kept, '-' removed, '+' added */
	const char *text; /* into the compared text; not NUL-terminated */
	size_t len;       /* bytes, without the line end */
	size_t from_line; /* 1-based line in the old text; 0 for '+' */
	size_t to_line;   /* 1-based line in the new text; 0 for '-' */
} text_diff_line;

typedef struct text_diff {
	text_diff_line *lines;
	size_t n;
	size_t removed, added;
	bool truncated; /* a limit was reached: not a shortest diff */
} text_diff;

/* Diffs old against new, line by line. Lines end at "\n"; a "\r" before it
 * is not part of the line (CRLF and LF texts compare equal), and a line end
 * after the last line starts no new line. The result lives in a; the search's
 * scratch memory is released before returning.
 *
 * work (may be NULL) is a budget shared by several diffs: on entry the steps
 * this diff may still take, on return decreased by the steps it took. A diff
 * never takes more than TEXT_DIFF_MAX_WORK steps whatever the budget. */
void text_diff_run(arena *a, const char *old, size_t old_len, const char *new_text, size_t new_len, size_t *work,
                   text_diff *out);

/* Leaves out the kept lines farther than context lines from any change, as
 * unified diff hunks do; the line numbers show where lines were left out. A
 * diff without changes ends up empty. */
void text_diff_context(text_diff *d, size_t context);

#endif
