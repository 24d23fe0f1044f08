/* JSON Merge Patch, RFC 7396 section 2, on parsed trees. Nothing is copied
 * that the patch does not touch. */
#include "base/json_patch.h"

#include <string.h>

static json_value *null_value(arena *a)
{
	json_value *v = arena_calloc(a, 1, sizeof(*v));
	v->type = JSON_NULL;
	return v;
}

json_value *json_merge_patch(arena *a, const json_value *target, const json_value *patch)
{
	if (patch == NULL)
		return (json_value *)target;
	if (patch->type != JSON_OBJECT)
		return (json_value *)patch;
	const json_value *base = json_is(target, JSON_OBJECT) ? target : NULL;
	size_t nbase = base != NULL ? base->u.object.n : 0;
	size_t cap = nbase + patch->u.object.n;
	json_value *out = arena_calloc(a, 1, sizeof(*out));
	out->type = JSON_OBJECT;
	out->u.object.keys = arena_calloc(a, cap + 1, sizeof(*out->u.object.keys));
	out->u.object.values = arena_calloc(a, cap + 1, sizeof(*out->u.object.values));
	size_t n = 0;
	/* The target's members in their order, patched or removed... */
	for (size_t i = 0; i < nbase; i++) {
		const char *key = base->u.object.keys[i];
		const json_value *p = json_get(patch, key);
		if (p == NULL) {
			out->u.object.keys[n] = key;
			out->u.object.values[n++] = base->u.object.values[i];
		} else if (p->type != JSON_NULL) {
			out->u.object.keys[n] = key;
			out->u.object.values[n++] = json_merge_patch(a, base->u.object.values[i], p);
		}
	}
	/* ...then the patch's new members, merged into nothing so that nulls
	 * inside them vanish too. */
	for (size_t i = 0; i < patch->u.object.n; i++) {
		const char *key = patch->u.object.keys[i];
		const json_value *p = patch->u.object.values[i];
		if (p->type == JSON_NULL || json_get(base, key) != NULL)
			continue;
		out->u.object.keys[n] = key;
		out->u.object.values[n++] = json_merge_patch(a, p->type == JSON_OBJECT ? null_value(a) : NULL, p);
	}
	out->u.object.n = n;
	return out;
}
