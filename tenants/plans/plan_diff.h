/* What changed between two submissions of a plan: the sections and parts
 * that differ between two "ambito-plan-snapshot/1" documents, each changed
 * part with a line diff of its text (core/text_diff.h). */
#ifndef AMBITO_PLAN_DIFF_H
#define AMBITO_PLAN_DIFF_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/json.h"

/* Unchanged lines kept before and after each change, as in unified diffs. */
#define PLAN_DIFF_CONTEXT_LINES 3
/* Search steps one whole answer may take, over all its parts: past it the
 * remaining changed parts are shown removed then added (truncated). */
#define PLAN_DIFF_MAX_WORK 50000000

/* Writes the diff from snapshot from (revision from_rev) to snapshot to:
 *   {"from","to","finance_changed","sections":[{"key","title",
 *    "change":"added|removed|changed","status":{"from","to"},
 *    "parts":[{"key","change","truncated","lines_removed","lines_added",
 *              "lines":[{"op":"=|-|+","text","from_line","to_line"}]}],
 *    "indicators_changed","spending_changed"}]}
 * Only changed sections and parts are listed; sections in the order of the
 * newer snapshot, then those only the older one has; parts by key. Returns
 * false, writing nothing, when either document has no "sections" list of
 * objects with a string "key". Memory comes from a. */
bool plan_diff_render(jw *w, arena *a, long long from_rev, const json_value *from, long long to_rev,
                      const json_value *to);

#endif
