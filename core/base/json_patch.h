/* JSON Merge Patch (RFC 7396): what a PATCH of a JSON resource applies.
 * Objects merge member by member, recursively; a null member removes that
 * member; anything else (arrays included) replaces the target's value whole. */
#ifndef AMBITO_JSON_PATCH_H
#define AMBITO_JSON_PATCH_H

#include "base/arena.h"
#include "base/json.h"

/* The result of applying patch to target (either may be NULL: no value). The
 * result lives in a and may share unchanged subtrees with both inputs, which
 * are left untouched. Its depth is at most the deeper of the two inputs', so
 * inputs parsed within JSON_MAX_DEPTH bound the recursion. */
json_value *json_merge_patch(arena *a, const json_value *target, const json_value *patch);

#endif
