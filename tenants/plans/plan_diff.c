/* The diff of two plan snapshots (see plan_diff.h). Sections are matched by
 * key, parts by key within them; texts go through text_diff with one work
 * budget for the whole answer, so a plan of many long parts cannot hold a
 * worker for long. Indicators, spending and finance are compared as values
 * and reported as changed or not: they are tables, not prose. */
#include "tenants/plans/plan_diff.h"

#include <stdlib.h>
#include <string.h>

#include "base/text_diff.h"

/* A section of a snapshot as the diff reads it; NULL members are absent. */
typedef struct side {
	const json_value *obj;
	const char *title, *status;
	const json_value *parts, *indicators, *spending;
} side;

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Equal JSON values; object members are matched by key, whatever their
 * order, and numbers by their text (snapshots write amounts one way). */
static bool json_equal(const json_value *a, const json_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_NULL: return true;
	case JSON_BOOL: return a->u.boolean == b->u.boolean;
	case JSON_NUMBER: return strcmp(a->u.number.text, b->u.number.text) == 0;
	case JSON_STRING:
		return a->u.string.len == b->u.string.len && memcmp(a->u.string.s, b->u.string.s, a->u.string.len) == 0;
	case JSON_ARRAY:
		if (a->u.array.n != b->u.array.n)
			return false;
		for (size_t i = 0; i < a->u.array.n; i++)
			if (!json_equal(a->u.array.items[i], b->u.array.items[i]))
				return false;
		return true;
	case JSON_OBJECT:
		if (a->u.object.n != b->u.object.n)
			return false;
		for (size_t i = 0; i < a->u.object.n; i++) {
			const json_value *other = json_get(b, a->u.object.keys[i]);
			if (other == NULL || !json_equal(a->u.object.values[i], other))
				return false;
		}
		return true;
	}
	return false;
}

/* A list member compared with an absent or empty one on the other side. */
static bool is_empty(const json_value *v)
{
	return v == NULL || v->type == JSON_NULL || (v->type == JSON_ARRAY && v->u.array.n == 0) ||
	       (v->type == JSON_OBJECT && v->u.object.n == 0);
}

static bool member_changed(const json_value *a, const json_value *b)
{
	if (is_empty(a) || is_empty(b))
		return is_empty(a) != is_empty(b);
	return !json_equal(a, b);
}

static const json_value *sections_of(const json_value *snap)
{
	const json_value *list = json_get(snap, "sections");
	if (!json_is(list, JSON_ARRAY))
		return NULL;
	for (size_t i = 0; i < list->u.array.n; i++)
		if (json_get_str(list->u.array.items[i], "key") == NULL)
			return NULL;
	return list;
}

static side side_of(const json_value *sec)
{
	side s = {.obj = sec};
	if (sec == NULL)
		return s;
	s.title = json_get_str(sec, "title");
	s.status = json_get_str(sec, "status");
	s.parts = json_get(sec, "parts");
	if (!json_is(s.parts, JSON_OBJECT))
		s.parts = NULL;
	s.indicators = json_get(sec, "indicators");
	s.spending = json_get(sec, "spending");
	return s;
}

static const json_value *find_section(const json_value *list, const char *key)
{
	for (size_t i = 0; i < list->u.array.n; i++)
		if (strcmp(json_get_str(list->u.array.items[i], "key"), key) == 0)
			return list->u.array.items[i];
	return NULL;
}

/* The text of a part, NULL when the section has no such part (a part that
 * is not a string reads as empty). */
static const json_value *part_of(const side *s, const char *key)
{
	return s->parts == NULL ? NULL : json_get(s->parts, key);
}

static int by_key(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Both sides' part keys, each once, in bytewise order. */
static const char **part_keys(arena *a, const side *f, const side *t, size_t *n)
{
	size_t nf = f->parts ? f->parts->u.object.n : 0, nt = t->parts ? t->parts->u.object.n : 0;
	const char **keys = arena_alloc(a, (nf + nt + 1) * sizeof(*keys));
	size_t k = 0;
	for (size_t i = 0; i < nt; i++)
		keys[k++] = t->parts->u.object.keys[i];
	for (size_t i = 0; i < nf; i++)
		if (part_of(t, f->parts->u.object.keys[i]) == NULL)
			keys[k++] = f->parts->u.object.keys[i];
	qsort(keys, k, sizeof(*keys), by_key);
	*n = k;
	return keys;
}

static void text_of(const json_value *v, const char **s, size_t *len)
{
	*s = "";
	*len = 0;
	if (json_is(v, JSON_STRING)) {
		*s = v->u.string.s;
		*len = v->u.string.len;
	}
}

static void render_lines(jw *w, const text_diff *d)
{
	jw_key(w, "lines");
	jw_arr_begin(w);
	for (size_t i = 0; i < d->n; i++) {
		const text_diff_line *l = &d->lines[i];
		char op[2] = {l->op, '\0'};
		jw_obj_begin(w);
		jw_kstr(w, "op", op);
		jw_key(w, "text");
		jw_strn(w, l->text, l->len);
		if (l->op != '+')
			jw_kint(w, "from_line", (long long)l->from_line);
		if (l->op != '-')
			jw_kint(w, "to_line", (long long)l->to_line);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* A part that changed, with its diff. */
typedef struct part_change {
	const char *key, *change;
	text_diff diff;
} part_change;

/* The parts of a section that changed, by key; *n of them. */
static part_change *changed_parts(arena *a, const side *f, const side *t, size_t *work, size_t *n)
{
	size_t nkeys;
	const char **keys = part_keys(a, f, t, &nkeys);
	part_change *out = arena_alloc(a, (nkeys + 1) * sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < nkeys; i++) {
		const json_value *pf = part_of(f, keys[i]), *pt = part_of(t, keys[i]);
		const char *sf, *st;
		size_t lf, lt;
		text_of(pf, &sf, &lf);
		text_of(pt, &st, &lt);
		if (pf != NULL && pt != NULL && lf == lt && memcmp(sf, st, lf) == 0)
			continue;
		part_change *c = &out[k];
		c->key = keys[i];
		c->change = pf == NULL ? "added" : pt == NULL ? "removed" : "changed";
		text_diff_run(a, sf, lf, st, lt, work, &c->diff);
		if (c->diff.removed + c->diff.added == 0)
			continue; /* equal, or different only in line ends */
		text_diff_context(&c->diff, PLAN_DIFF_CONTEXT_LINES);
		k++;
	}
	*n = k;
	return out;
}

static void render_section(jw *w, arena *a, const char *key, const side *f, const side *t, size_t *work)
{
	size_t nparts;
	part_change *parts = changed_parts(a, f, t, work, &nparts);
	bool indicators = member_changed(f->indicators, t->indicators);
	bool spending = member_changed(f->spending, t->spending);
	bool present = f->obj != NULL && t->obj != NULL;
	if (present && nparts == 0 && !indicators && !spending && same_str(f->status, t->status))
		return;

	jw_obj_begin(w);
	jw_kstr(w, "key", key);
	jw_kstr(w, "title", t->obj ? t->title : f->title);
	jw_kstr(w, "change", f->obj == NULL ? "added" : t->obj == NULL ? "removed" : "changed");
	jw_key(w, "status");
	jw_obj_begin(w);
	jw_kstr(w, "from", f->status);
	jw_kstr(w, "to", t->status);
	jw_obj_end(w);
	jw_key(w, "parts");
	jw_arr_begin(w);
	for (size_t i = 0; i < nparts; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "key", parts[i].key);
		jw_kstr(w, "change", parts[i].change);
		jw_kbool(w, "truncated", parts[i].diff.truncated);
		jw_kint(w, "lines_removed", (long long)parts[i].diff.removed);
		jw_kint(w, "lines_added", (long long)parts[i].diff.added);
		render_lines(w, &parts[i].diff);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kbool(w, "indicators_changed", indicators);
	jw_kbool(w, "spending_changed", spending);
	jw_obj_end(w);
}

bool plan_diff_render(jw *w, arena *a, long long from_rev, const json_value *from, long long to_rev,
                      const json_value *to)
{
	const json_value *fl = sections_of(from), *tl = sections_of(to);
	if (fl == NULL || tl == NULL)
		return false;
	size_t work = PLAN_DIFF_MAX_WORK;
	jw_obj_begin(w);
	jw_kint(w, "from", from_rev);
	jw_kint(w, "to", to_rev);
	jw_kbool(w, "finance_changed", member_changed(json_get(from, "finance"), json_get(to, "finance")));
	jw_key(w, "sections");
	jw_arr_begin(w);
	for (size_t i = 0; i < tl->u.array.n; i++) {
		const json_value *ts = tl->u.array.items[i];
		const char *key = json_get_str(ts, "key");
		side f = side_of(find_section(fl, key)), t = side_of(ts);
		render_section(w, a, key, &f, &t, &work);
	}
	for (size_t i = 0; i < fl->u.array.n; i++) {
		const json_value *fs = fl->u.array.items[i];
		const char *key = json_get_str(fs, "key");
		if (find_section(tl, key) != NULL)
			continue;
		side f = side_of(fs), t = side_of(NULL);
		render_section(w, a, key, &f, &t, &work);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return true;
}
