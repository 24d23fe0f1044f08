/* The rules of a cycle as data: reading JSON into the model with every check
 * a Region officer wants before publishing (each error names its field path),
 * and writing the model back as the API's JSON, which is also the file
 * format of ambitoctl import/export. No database here. */
#include <stdio.h>
#include <string.h>

#include "cycles/cycles.h"
#include "http/validate.h"

static const char *const block_names[] = {"indicators", "spending", "working_group", NULL};

const cycle_section *cycle_template_section(const cycle_template *t, const char *key)
{
	for (size_t i = 0; t != NULL && key != NULL && i < t->nsections; i++)
		if (strcmp(t->sections[i].key, key) == 0)
			return &t->sections[i];
	return NULL;
}

const char *cycle_status_name(cycle_status s)
{
	switch (s) {
	case CYCLE_DRAFT: return "draft";
	case CYCLE_OPEN: return "open";
	case CYCLE_CLOSED: return "closed";
	}
	return "draft";
}

const cycle_group *cycle_template_group(const cycle_template *t, const char *key)
{
	for (size_t i = 0; t != NULL && key != NULL && i < t->ngroups; i++)
		if (t->groups[i].key != NULL && strcmp(t->groups[i].key, key) == 0)
			return &t->groups[i];
	return NULL;
}

int cycle_status_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "draft") == 0)
		return CYCLE_DRAFT;
	if (strcmp(s, "open") == 0)
		return CYCLE_OPEN;
	if (strcmp(s, "closed") == 0)
		return CYCLE_CLOSED;
	return -1;
}

/* ---------------------------------------------------------------- patterns */

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 or 2 digits at s; returns how many, 0 when none. */
static size_t digits12(const char *s)
{
	if (!is_digit(s[0]))
		return 0;
	return is_digit(s[1]) ? 2 : 1;
}

/* ^OS[0-9]{1,2}$ */
static bool is_objective_code(const char *s)
{
	if (strncmp(s, "OS", 2) != 0)
		return false;
	size_t n = digits12(s + 2);
	return n > 0 && s[2 + n] == '\0';
}

/* ^OS[0-9]{1,2}-A[0-9]{1,2}$ */
static bool is_action_code(const char *s)
{
	if (strncmp(s, "OS", 2) != 0)
		return false;
	size_t n = digits12(s + 2);
	if (n == 0 || strncmp(s + 2 + n, "-A", 2) != 0)
		return false;
	size_t m = digits12(s + 4 + n);
	return m > 0 && s[4 + n + m] == '\0';
}

/* ^[A-Z][0-9]{1,2}$ */
static bool is_area_code(const char *s)
{
	size_t n = is_upper(s[0]) ? digits12(s + 1) : 0;
	return n > 0 && s[1 + n] == '\0';
}

/* ^[a-z][a-z0-9_]{1,31}$ */
static bool is_funding_code(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* ^[A-Z](\.[0-9]{1,2}){min,max}$ */
static bool is_dotted_key(const char *s, int min, int max)
{
	if (!is_upper(s[0]))
		return false;
	s++;
	int groups = 0;
	while (*s == '.') {
		size_t n = digits12(s + 1);
		if (n == 0)
			return false;
		s += 1 + n;
		groups++;
	}
	return *s == '\0' && groups >= min && groups <= max;
}

/* A section's key: A.1, A.1.2, B.3.1.4 at most. */
static bool is_section_key(const char *s)
{
	return is_dotted_key(s, 1, 3);
}

/* A group's key: a letter, or the start of the keys it holds. */
static bool is_group_key(const char *s)
{
	return is_dotted_key(s, 0, 2);
}

/* ^[a-z][a-z0-9_]*$, the key of a text part in plans' JSON. */
static bool is_part_key(const char *s)
{
	if (!(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || is_digit(*s) || *s == '_'))
			return false;
	return true;
}

/* ---------------------------------------------------------------- helpers */

static arena *arena_of(field_errors *e)
{
	return field_errors_arena(e);
}

/* A title-like line: required, not blank, at most max characters. */
static const char *title_field(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max)
{
	const char *s = v_string(e, prefix, obj, key, 1, max, true);
	if (s != NULL && s[strspn(s, " ")] == '\0') {
		field_errors_add(e, v_path(e, prefix, key), "non può essere vuoto");
		return NULL;
	}
	return s;
}

/* An optional text member: absent or null gives NULL; blank is refused. */
static const char *optional_text(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                 size_t max)
{
	const json_value *v = json_get(obj, key);
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	const char *s = v_text(e, prefix, obj, key, max, true);
	if (s != NULL && s[strspn(s, " \t\r\n")] == '\0') {
		field_errors_add(e, v_path(e, prefix, key), "non deve essere vuoto (omettilo se non serve)");
		return NULL;
	}
	return s;
}

/* The array items must be objects: reports those that are not. */
static bool item_object(field_errors *e, const char *path, const json_value *v)
{
	if (v->type == JSON_OBJECT)
		return true;
	field_errors_add(e, path, "deve essere un oggetto");
	return false;
}

/* Codes seen so far with their paths, to report duplicates where they occur
 * the second time. Lists are bounded, so a linear scan is enough. */
typedef struct seen {
	const char **codes, **paths;
	size_t n, cap;
} seen;

static void seen_init(field_errors *e, seen *s, size_t cap)
{
	s->codes = arena_calloc(arena_of(e), cap ? cap : 1, sizeof(char *));
	s->paths = arena_calloc(arena_of(e), cap ? cap : 1, sizeof(char *));
	s->n = 0;
	s->cap = cap;
}

static const char *seen_find(const seen *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->codes[i], code) == 0)
			return s->paths[i];
	return NULL;
}

/* Adds code; reports a duplicate at path instead. */
static void seen_add(field_errors *e, seen *s, const char *code, const char *path, const char *what)
{
	const char *first = seen_find(s, code);
	if (first != NULL) {
		field_errors_add(e, path, "%s %s compare già in %s", what, code, first);
		return;
	}
	if (s->n < s->cap) {
		s->codes[s->n] = code;
		s->paths[s->n] = path;
		s->n++;
	}
}

/* ---------------------------------------------------------------- cycle */

/* The deadline's year must fall in [start_year - 1, end_year]: plans are
 * written in the run-up to the cycle or during it. */
static void check_cycle_span(field_errors *e, const char *prefix, const cycle *c)
{
	if (c->end_year < c->start_year) {
		field_errors_add(e, v_path(e, prefix, "end_year"), "non può precedere start_year (%lld)",
		                 c->start_year);
		return;
	}
	if (c->end_year - c->start_year + 1 > CYCLE_MAX_YEARS) {
		field_errors_add(e, v_path(e, prefix, "end_year"), "un ciclo dura al massimo %d anni", CYCLE_MAX_YEARS);
		return;
	}
	if (c->deadline != NULL) {
		long long y = 0;
		sscanf(c->deadline, "%4lld", &y);
		if (y < c->start_year - 1 || y > c->end_year)
			field_errors_add(e, v_path(e, prefix, "submission_deadline"),
			                 "deve cadere tra il %lld e il %lld", c->start_year - 1, c->end_year);
	}
}

size_t cycle_parse_fields(field_errors *e, const char *prefix, const json_value *obj, cycle_fields_mode mode, cycle *c,
                          unsigned *present)
{
	static const char *const allowed[] = {
	    "slug", "title", "reference", "start_year", "end_year", "submission_deadline", "status", NULL};
	/* A client may send back what it read: read-only members are ignored. */
	static const char *const allowed_patch[] = {
	    "slug", "title", "reference", "start_year", "end_year", "submission_deadline", "status", "template_version",
	    NULL};
	size_t before = field_errors_count(e);
	bool patch = mode == CYCLE_FIELDS_PATCH, all = mode == CYCLE_FIELDS_IMPORT;
	unsigned got = 0;
	v_only(e, prefix, obj, patch ? allowed_patch : allowed);
	if (!patch)
		*c = (cycle){.reference = "", .status = CYCLE_DRAFT};

	const char *slug = v_slug(e, prefix, obj, "slug", !patch);
	if (slug != NULL) {
		got |= CYCLE_F_SLUG;
		c->slug = slug;
	}
	if (json_get(obj, "title") != NULL || !patch) {
		const char *t = title_field(e, prefix, obj, "title", CYCLE_TITLE_MAX);
		if (t != NULL) {
			got |= CYCLE_F_TITLE;
			c->title = t;
		}
	}
	const char *ref = v_string(e, prefix, obj, "reference", 0, CYCLE_REFERENCE_MAX, all);
	if (ref != NULL) {
		got |= CYCLE_F_REFERENCE;
		c->reference = ref;
	}
	long long y;
	if (v_int(e, prefix, obj, "start_year", CYCLE_YEAR_MIN, CYCLE_YEAR_MAX, !patch, &y)) {
		got |= CYCLE_F_START_YEAR;
		c->start_year = y;
	}
	if (v_int(e, prefix, obj, "end_year", CYCLE_YEAR_MIN, CYCLE_YEAR_MAX, !patch, &y)) {
		got |= CYCLE_F_END_YEAR;
		c->end_year = y;
	}
	/* The deadline may be unknown while the cycle is drafted: null. */
	const json_value *dl = json_get(obj, "submission_deadline");
	if (dl != NULL && dl->type == JSON_NULL) {
		got |= CYCLE_F_DEADLINE;
		c->deadline = NULL;
	} else if (dl == NULL && all) {
		field_errors_add(e, v_path(e, prefix, "submission_deadline"),
		                 "è obbligatorio (null se non ancora nota)");
	} else if (dl != NULL) {
		const char *t = v_time(e, prefix, obj, "submission_deadline", false, true);
		if (t != NULL) {
			got |= CYCLE_F_DEADLINE;
			c->deadline = t;
		}
	}
	const json_value *st = json_get(obj, "status");
	if (st != NULL || all) {
		const char *s = v_string(e, prefix, obj, "status", 1, 16, true);
		int v = cycle_status_parse(s);
		if (s != NULL && v < 0)
			field_errors_add(e, v_path(e, prefix, "status"), "deve essere draft, open o closed");
		else if (v >= 0 && mode == CYCLE_FIELDS_CREATE && v != CYCLE_DRAFT)
			field_errors_add(e, v_path(e, prefix, "status"),
			                 "un nuovo ciclo è una bozza: aprirlo con PATCH dopo averne scritto le regole");
		else if (v >= 0) {
			got |= CYCLE_F_STATUS;
			c->status = (cycle_status)v;
		}
	}
	if (field_errors_count(e) == before)
		check_cycle_span(e, prefix, c);
	if (present != NULL)
		*present = got;
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- catalogue */

typedef bool (*code_check)(const char *);

/* One {"code","title"} item of a catalogue list. */
static bool parse_item(field_errors *e, const char *path, const json_value *v, code_check ok, const char *shape,
                       seen *codes, const char *what, cycle_item *out)
{
	if (!item_object(e, path, v))
		return false;
	static const char *const allowed[] = {"code", "title", NULL};
	v_only(e, path, v, allowed);
	const char *code = v_string(e, path, v, "code", 1, 32, true);
	if (code != NULL && !ok(code)) {
		field_errors_add(e, v_path(e, path, "code"), "deve avere la forma %s", shape);
		code = NULL;
	}
	if (code != NULL)
		seen_add(e, codes, code, v_path(e, path, "code"), what);
	out->code = code;
	out->title = title_field(e, path, v, "title", CATALOG_TITLE_MAX);
	return code != NULL;
}

static cycle_item *parse_items(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max,
                               code_check ok, const char *shape, seen *codes, const char *what, size_t *n)
{
	const json_value *list = v_array(e, prefix, obj, key, max, true);
	*n = 0;
	if (list == NULL)
		return NULL;
	cycle_item *items = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*items));
	for (size_t i = 0; i < list->u.array.n; i++)
		parse_item(e, v_index(e, prefix, key, i), list->u.array.items[i], ok, shape, codes, what, &items[i]);
	*n = list->u.array.n;
	return items;
}

size_t cycle_parse_catalog(field_errors *e, const char *prefix, const json_value *obj, cycle_catalog *out)
{
	static const char *const allowed[] = {"objectives", "areas", "funding_sources", NULL};
	static const char *const obj_allowed[] = {"code", "title", "actions", NULL};
	size_t before = field_errors_count(e);
	*out = (cycle_catalog){0};
	v_only(e, prefix, obj, allowed);
	seen codes;
	seen_init(e, &codes,
	          CATALOG_MAX_OBJECTIVES + CATALOG_MAX_ACTIONS + CATALOG_MAX_AREAS + CATALOG_MAX_FUNDING_SOURCES);

	const json_value *objs = v_array(e, prefix, obj, "objectives", CATALOG_MAX_OBJECTIVES, true);
	size_t total_actions = 0;
	if (objs != NULL) {
		out->objectives = arena_calloc(arena_of(e), objs->u.array.n + 1, sizeof(*out->objectives));
		out->nobjectives = objs->u.array.n;
		for (size_t i = 0; i < objs->u.array.n; i++) {
			const char *op = v_index(e, prefix, "objectives", i);
			const json_value *ov = objs->u.array.items[i];
			cycle_objective *o = &out->objectives[i];
			if (!item_object(e, op, ov))
				continue;
			v_only(e, op, ov, obj_allowed);
			const char *code = v_string(e, op, ov, "code", 1, 32, true);
			if (code != NULL && !is_objective_code(code)) {
				field_errors_add(e, v_path(e, op, "code"), "deve avere la forma OS1");
				code = NULL;
			}
			if (code != NULL)
				seen_add(e, &codes, code, v_path(e, op, "code"), "il codice");
			o->code = code;
			o->title = title_field(e, op, ov, "title", CATALOG_TITLE_MAX);
			const json_value *acts = v_array(e, op, ov, "actions", CATALOG_MAX_ACTIONS_PER_OBJECTIVE, true);
			if (acts == NULL)
				continue;
			total_actions += acts->u.array.n;
			if (total_actions > CATALOG_MAX_ACTIONS) {
				field_errors_add(e, v_path(e, op, "actions"), "porta il catalogo oltre %d azioni",
				                 CATALOG_MAX_ACTIONS);
				continue;
			}
			o->actions = arena_calloc(arena_of(e), acts->u.array.n + 1, sizeof(*o->actions));
			o->nactions = acts->u.array.n;
			const char *prefix_code = code ? arena_printf(arena_of(e), "%s-A", code) : NULL;
			for (size_t k = 0; k < acts->u.array.n; k++) {
				const char *ap = v_index(e, op, "actions", k);
				cycle_item *a = &o->actions[k];
				if (parse_item(e, ap, acts->u.array.items[k], is_action_code, "OS1-A6", &codes,
				               "il codice", a) &&
				    prefix_code != NULL && strncmp(a->code, prefix_code, strlen(prefix_code)) != 0)
					field_errors_add(e, v_path(e, ap, "code"),
					                 "deve iniziare con %s, il codice del suo obiettivo",
					                 prefix_code);
			}
		}
	}
	out->areas = parse_items(e, prefix, obj, "areas", CATALOG_MAX_AREAS, is_area_code, "B1", &codes, "il codice",
	                         &out->nareas);
	out->funding_sources = parse_items(
	    e, prefix, obj, "funding_sources", CATALOG_MAX_FUNDING_SOURCES, is_funding_code,
	    "fnps (una lettera minuscola, poi da 1 a 31 tra a-z, 0-9, _)", &codes, "il codice", &out->nfunding_sources);
	return field_errors_count(e) - before;
}

static bool catalog_has_action(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nobjectives; i++)
		for (size_t k = 0; k < cat->objectives[i].nactions; k++)
			if (cat->objectives[i].actions[k].code && strcmp(cat->objectives[i].actions[k].code, code) == 0)
				return true;
	return false;
}

static bool catalog_has_area(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nareas; i++)
		if (cat->areas[i].code && strcmp(cat->areas[i].code, code) == 0)
			return true;
	return false;
}

size_t cycle_check_orphans(field_errors *e, const char *prefix, const cycle_catalog *cat, const cycle_template *tpl)
{
	size_t before = field_errors_count(e);
	for (size_t i = 0; i < tpl->nsections; i++) {
		const cycle_section *s = &tpl->sections[i];
		for (size_t k = 0; k < s->nactions; k++)
			if (!catalog_has_action(cat, s->actions[k]))
				field_errors_add(e, v_path(e, prefix, "objectives"),
				                 "l'azione %s è ancora citata dalla sezione %s dello schema: "
				                 "modificare prima lo schema",
				                 s->actions[k], s->key);
		if (s->area != NULL && !catalog_has_area(cat, s->area))
			field_errors_add(
			    e, v_path(e, prefix, "areas"),
			    "l'area %s è ancora citata dalla sezione %s dello schema: modificare prima lo schema",
			    s->area, s->key);
	}
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- norms */

static bool is_url(const char *s)
{
	return (strncmp(s, "https://", 8) == 0 && s[8] != '\0') || (strncmp(s, "http://", 7) == 0 && s[7] != '\0');
}

size_t cycle_parse_norm(field_errors *e, const char *prefix, const json_value *obj, cycle_norm *out)
{
	static const char *const allowed[] = {"level", "title", "citation", "category", "date", "url", NULL};
	static const char *const categories[] = {"legge", "delibera", "atto_dirigenziale", "accordo", NULL};
	size_t before = field_errors_count(e);
	*out = (cycle_norm){0};
	if (prefix != NULL && !item_object(e, prefix, obj))
		return 1;
	v_only(e, prefix, obj, allowed);
	const char *level = v_string(e, prefix, obj, "level", 1, 16, true);
	if (level != NULL && strcmp(level, "national") != 0 && strcmp(level, "regional") != 0)
		field_errors_add(e, v_path(e, prefix, "level"), "deve essere national o regional");
	else
		out->level = level;
	out->title = title_field(e, prefix, obj, "title", NORM_TITLE_MAX);
	out->citation = title_field(e, prefix, obj, "citation", NORM_CITATION_MAX);
	bool present;
	const char *category = v_string_or_null(e, prefix, obj, "category", 32, &present);
	for (const char *const *c = categories; category != NULL && *c != NULL; c++)
		if (strcmp(*c, category) == 0)
			out->category = *c;
	if (category != NULL && out->category == NULL)
		field_errors_add(e, v_path(e, prefix, "category"), "deve essere una tra: %s", NORM_CATEGORIES);
	out->date = v_time(e, prefix, obj, "date", true, false);
	out->url = v_string_or_null(e, prefix, obj, "url", NORM_URL_MAX, &present);
	if (out->url != NULL && (!is_url(out->url) || strchr(out->url, ' ') != NULL)) {
		field_errors_add(e, v_path(e, prefix, "url"), "deve essere un indirizzo http:// o https://");
		out->url = NULL;
	}
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- glossary */

size_t cycle_parse_glossary(field_errors *e, const char *prefix, const json_value *obj, cycle_glossary *out)
{
	static const char *const allowed[] = {"terms", NULL};
	static const char *const term_allowed[] = {"term", "definition", NULL};
	size_t before = field_errors_count(e);
	*out = (cycle_glossary){0};
	v_only(e, prefix, obj, allowed);
	const json_value *terms = v_array(e, prefix, obj, "terms", GLOSSARY_MAX_TERMS, true);
	if (terms == NULL)
		return field_errors_count(e) - before;
	seen names;
	seen_init(e, &names, terms->u.array.n);
	out->terms = arena_calloc(arena_of(e), terms->u.array.n + 1, sizeof(*out->terms));
	out->nterms = terms->u.array.n;
	for (size_t i = 0; i < terms->u.array.n; i++) {
		const char *tp = v_index(e, prefix, "terms", i);
		const json_value *tv = terms->u.array.items[i];
		cycle_term *t = &out->terms[i];
		if (!item_object(e, tp, tv))
			continue;
		v_only(e, tp, tv, term_allowed);
		t->term = title_field(e, tp, tv, "term", GLOSSARY_TERM_MAX);
		if (t->term != NULL)
			seen_add(e, &names, t->term, v_path(e, tp, "term"), "il termine");
		t->definition = v_text(e, tp, tv, "definition", GLOSSARY_DEFINITION_MAX, true);
		if (t->definition != NULL && t->definition[strspn(t->definition, " \t\r\n")] == '\0') {
			field_errors_add(e, v_path(e, tp, "definition"), "non può essere vuoto");
			t->definition = NULL;
		}
	}
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- template */

/* A list of codes or names: strings, each accepted by check (which reports
 * its own error), none twice. */
typedef bool (*name_check)(field_errors *e, const char *path, const char *s, const void *ctx);

static const char **parse_names(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max,
                                name_check check, const void *ctx, size_t *n)
{
	const json_value *list = v_array(e, prefix, obj, key, max, true);
	*n = 0;
	if (list == NULL)
		return NULL;
	const char **out = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out));
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *path = v_index(e, prefix, key, i);
		const json_value *v = list->u.array.items[i];
		if (v->type != JSON_STRING || !v_is_line(v->u.string.s)) {
			field_errors_add(e, path, "deve essere una stringa");
			continue;
		}
		const char *s = v->u.string.s;
		bool dup = false;
		for (size_t j = 0; j < *n && !dup; j++)
			dup = strcmp(out[j], s) == 0;
		if (dup)
			field_errors_add(e, path, "%.40s compare due volte", s);
		else if (check(e, path, s, ctx))
			out[(*n)++] = s;
	}
	return out;
}

static bool check_action(field_errors *e, const char *path, const char *s, const void *ctx)
{
	if (catalog_has_action(ctx, s))
		return true;
	field_errors_add(e, path, "azione sconosciuta: %.40s", s);
	return false;
}

static bool check_block(field_errors *e, const char *path, const char *s, const void *ctx)
{
	for (const char *const *b = block_names; *b; b++)
		if (strcmp(*b, s) == 0)
			return true;
	field_errors_add(e, path, "blocco sconosciuto: %.40s (i blocchi sono indicators, spending, working_group)", s);
	return false;
}

static void parse_part(field_errors *e, const char *pp, const json_value *pv, seen *keys, cycle_part *p)
{
	static const char *const allowed[] = {"key", "title", "required", "max_chars", "guidance", NULL};
	if (!item_object(e, pp, pv))
		return;
	v_only(e, pp, pv, allowed);
	p->key = v_string(e, pp, pv, "key", 1, PART_KEY_MAX, true);
	if (p->key != NULL && !is_part_key(p->key)) {
		field_errors_add(e, v_path(e, pp, "key"),
		                 "deve contenere solo lettere minuscole, cifre e _, e iniziare con una lettera");
		p->key = NULL;
	}
	if (p->key != NULL)
		seen_add(e, keys, p->key, v_path(e, pp, "key"), "la parte");
	p->title = title_field(e, pp, pv, "title", PART_TITLE_MAX);
	v_bool(e, pp, pv, "required", true, &p->required);
	v_int(e, pp, pv, "max_chars", 1, PART_MAX_CHARS_LIMIT, true, &p->max_chars);
	p->guidance = optional_text(e, pp, pv, "guidance", PART_GUIDANCE_MAX);
}

static void parse_section(field_errors *e, const char *sp, const json_value *sv, const cycle_catalog *cat, seen *keys,
                          const cycle_template *t, cycle_section *s)
{
	static const char *const allowed[] = {"key", "title", "group", "actions", "area", "parts", "blocks", NULL};
	if (!item_object(e, sp, sv))
		return;
	v_only(e, sp, sv, allowed);
	s->key = v_string(e, sp, sv, "key", 1, SECTION_KEY_MAX, true);
	if (s->key != NULL && !is_section_key(s->key)) {
		field_errors_add(
		    e, v_path(e, sp, "key"),
		    "deve essere una lettera maiuscola seguita da uno a tre numeri di una o due cifre, es. A.1.2");
		s->key = NULL;
	}
	if (s->key != NULL)
		seen_add(e, keys, s->key, v_path(e, sp, "key"), "la sezione");
	s->title = title_field(e, sp, sv, "title", SECTION_TITLE_MAX);
	/* With groups, the section names its innermost one; without, the group
	 * is the letter the key starts with (the plan's Obiettivo). Either way a
	 * plan can be read group by group. */
	s->group = v_string(e, sp, sv, "group", 1, GROUP_KEY_MAX, true);
	if (s->group != NULL && t->ngroups > 0) {
		if (cycle_template_group(t, s->group) == NULL) {
			field_errors_add(e, v_path(e, sp, "group"), "gruppo sconosciuto %s: non è tra i groups",
			                 s->group);
			s->group = NULL;
		}
	} else if (s->group != NULL && (!is_upper(s->group[0]) || s->group[1] != '\0')) {
		field_errors_add(e, v_path(e, sp, "group"), "deve essere una lettera maiuscola");
		s->group = NULL;
	} else if (s->group != NULL && s->key != NULL && s->group[0] != s->key[0]) {
		field_errors_add(e, v_path(e, sp, "group"), "deve essere %c, la lettera con cui inizia la sezione %s",
		                 s->key[0], s->key);
		s->group = NULL;
	}
	s->actions = parse_names(e, sp, sv, "actions", SECTION_MAX_ACTIONS, check_action, cat, &s->nactions);
	bool present;
	s->area = v_string_or_null(e, sp, sv, "area", 8, &present);
	if (s->area != NULL && !catalog_has_area(cat, s->area)) {
		field_errors_add(e, v_path(e, sp, "area"), "area sconosciuta: %s", s->area);
		s->area = NULL;
	}
	const json_value *parts = v_array(e, sp, sv, "parts", SECTION_MAX_PARTS, true);
	if (parts != NULL) {
		seen pkeys;
		seen_init(e, &pkeys, parts->u.array.n);
		s->parts = arena_calloc(arena_of(e), parts->u.array.n + 1, sizeof(*s->parts));
		s->nparts = parts->u.array.n;
		for (size_t i = 0; i < parts->u.array.n; i++)
			parse_part(e, v_index(e, sp, "parts", i), parts->u.array.items[i], &pkeys, &s->parts[i]);
	}
	s->blocks = parse_names(e, sp, sv, "blocks", SECTION_MAX_BLOCKS, check_block, NULL, &s->nblocks);
}

/* Each group's parent must be a group, and following parents must reach the
 * top: a loop is reported at every group on it. */
static void check_group_parents(field_errors *e, const char *prefix, const cycle_template *t)
{
	for (size_t i = 0; i < t->ngroups; i++) {
		const cycle_group *g = &t->groups[i];
		if (g->key == NULL || g->parent == NULL)
			continue;
		const char *gp = v_index(e, prefix, "groups", i);
		if (cycle_template_group(t, g->parent) == NULL) {
			field_errors_add(e, v_path(e, gp, "parent"), "gruppo sconosciuto %s", g->parent);
			continue;
		}
		/* At most ngroups steps up: more means a loop. */
		const cycle_group *up = g;
		size_t steps = 0;
		while (up != NULL && up->parent != NULL && steps <= t->ngroups) {
			up = cycle_template_group(t, up->parent);
			steps++;
			if (up == g)
				break;
		}
		if (up == g || steps > t->ngroups)
			field_errors_add(e, v_path(e, gp, "parent"),
			                 "la gerarchia dei gruppi forma un ciclo risalendo da %s", g->key);
	}
}

static void parse_groups(field_errors *e, const char *prefix, const json_value *list, cycle_template *out)
{
	static const char *const allowed[] = {"key", "title", "parent", NULL};
	seen keys;
	seen_init(e, &keys, list->u.array.n);
	out->groups = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out->groups));
	out->ngroups = list->u.array.n;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *gp = v_index(e, prefix, "groups", i);
		const json_value *gv = list->u.array.items[i];
		cycle_group *g = &out->groups[i];
		if (!item_object(e, gp, gv))
			continue;
		v_only(e, gp, gv, allowed);
		g->key = v_string(e, gp, gv, "key", 1, GROUP_KEY_MAX, true);
		if (g->key != NULL && !is_group_key(g->key)) {
			field_errors_add(e, v_path(e, gp, "key"),
			                 "deve essere una lettera maiuscola e fino a due numeri di una o due cifre, "
			                 "es. A o A.1");
			g->key = NULL;
		}
		if (g->key != NULL)
			seen_add(e, &keys, g->key, v_path(e, gp, "key"), "group");
		g->title = title_field(e, gp, gv, "title", GROUP_TITLE_MAX);
		bool present;
		g->parent = v_string_or_null(e, gp, gv, "parent", GROUP_KEY_MAX, &present);
	}
}

size_t cycle_parse_template(field_errors *e, const char *prefix, const json_value *obj, const cycle_catalog *cat,
                            cycle_template *out)
{
	static const char *const allowed[] = {"groups", "sections", NULL};
	size_t before = field_errors_count(e);
	*out = (cycle_template){0};
	v_only(e, prefix, obj, allowed);
	if (json_get(obj, "groups") != NULL) {
		const json_value *groups = v_array(e, prefix, obj, "groups", TEMPLATE_MAX_GROUPS, true);
		if (groups != NULL) {
			parse_groups(e, prefix, groups, out);
			check_group_parents(e, prefix, out);
		}
	}
	const json_value *sections = v_array(e, prefix, obj, "sections", TEMPLATE_MAX_SECTIONS, true);
	if (sections == NULL)
		return field_errors_count(e) - before;
	seen keys;
	seen_init(e, &keys, sections->u.array.n);
	out->sections = arena_calloc(arena_of(e), sections->u.array.n + 1, sizeof(*out->sections));
	out->nsections = sections->u.array.n;
	for (size_t i = 0; i < sections->u.array.n; i++)
		parse_section(e, v_index(e, prefix, "sections", i), sections->u.array.items[i], cat, &keys, out,
		              &out->sections[i]);
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- document */

/* The file's notes: a text each; a correction also names the heading as the
 * source writes it and as the file does. */
static void parse_notes(field_errors *e, const json_value *list, cycle_document *out)
{
	static const char *const allowed[] = {"text", "original", "corrected", NULL};
	out->notes = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out->notes));
	out->nnotes = list->u.array.n;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *np = v_index(e, NULL, "notes", i);
		const json_value *nv = list->u.array.items[i];
		cycle_note *n = &out->notes[i];
		if (!item_object(e, np, nv))
			continue;
		v_only(e, np, nv, allowed);
		n->text = v_text(e, np, nv, "text", NOTE_TEXT_MAX, true);
		n->original = optional_text(e, np, nv, "original", NOTE_HEADING_MAX);
		n->corrected = optional_text(e, np, nv, "corrected", NOTE_HEADING_MAX);
		if ((n->original == NULL) != (n->corrected == NULL))
			field_errors_add(e, np, "una correzione indica sia original sia corrected");
	}
}

size_t cycle_parse_document(field_errors *e, const json_value *root, cycle_document *out)
{
	static const char *const allowed[] = {"format",   "cycle",    "catalog", "norms",
	                                      "glossary", "template", "notes",   NULL};
	size_t before = field_errors_count(e);
	*out = (cycle_document){0};
	if (root->type != JSON_OBJECT) {
		field_errors_add(e, "(file)", "deve contenere un solo oggetto JSON");
		return 1;
	}
	v_only(e, NULL, root, allowed);
	const char *format = v_string(e, NULL, root, "format", 1, 64, true);
	if (format != NULL && strcmp(format, CYCLE_FORMAT) != 0)
		field_errors_add(e, "format", "deve essere %s", CYCLE_FORMAT);
	const json_value *v = v_object(e, NULL, root, "cycle", true);
	if (v != NULL)
		cycle_parse_fields(e, "cycle", v, CYCLE_FIELDS_IMPORT, &out->cycle, NULL);
	if ((v = v_object(e, NULL, root, "catalog", true)) != NULL)
		cycle_parse_catalog(e, "catalog", v, &out->catalog);
	if ((v = v_array(e, NULL, root, "norms", NORMS_MAX, true)) != NULL) {
		out->norms = arena_calloc(arena_of(e), v->u.array.n + 1, sizeof(*out->norms));
		out->nnorms = v->u.array.n;
		for (size_t i = 0; i < v->u.array.n; i++)
			cycle_parse_norm(e, v_index(e, NULL, "norms", i), v->u.array.items[i], &out->norms[i]);
	}
	if ((v = v_object(e, NULL, root, "glossary", true)) != NULL)
		cycle_parse_glossary(e, "glossary", v, &out->glossary);
	if ((v = v_object(e, NULL, root, "template", true)) != NULL &&
	    cycle_parse_template(e, "template", v, &out->catalog, &out->template) == 0 &&
	    out->cycle.status != CYCLE_DRAFT && out->template.nsections == 0)
		field_errors_add(e, "template.sections", "un ciclo aperto o chiuso deve avere almeno una sezione");
	if (json_get(root, "notes") != NULL && (v = v_array(e, NULL, root, "notes", NOTES_MAX, true)) != NULL)
		parse_notes(e, v, out);
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- rendering */

/* "2021-12-31 23:59:59.000000" -> "2021-12-31T23:59:59Z", "...59.500000" ->
 * "...59.5Z": the form v_time accepts, so what is read can be sent back. */
static void to_rfc3339(char *out, size_t outlen, const char *dt)
{
	snprintf(out, outlen, "%sZ", dt);
	size_t n = strlen(out);
	if (n > 10 && out[10] == ' ')
		out[10] = 'T';
	char *dot = strchr(out, '.');
	if (dot != NULL) {
		char *end = out + n - 1; /* at the Z */
		while (end > dot + 1 && end[-1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
		end[0] = 'Z';
		end[1] = '\0';
	}
}

const char *cycle_time_rfc3339(arena *a, const char *dt)
{
	if (dt == NULL)
		return NULL;
	char buf[64];
	to_rfc3339(buf, sizeof(buf), dt);
	return arena_strdup(a, buf);
}

void cycle_render(jw *w, const cycle *c, bool with_versions)
{
	char deadline[64];
	if (c->deadline != NULL)
		to_rfc3339(deadline, sizeof(deadline), c->deadline);
	jw_obj_begin(w);
	jw_kstr(w, "slug", c->slug);
	jw_kstr(w, "title", c->title);
	jw_kstr(w, "reference", c->reference ? c->reference : "");
	jw_kint(w, "start_year", c->start_year);
	jw_kint(w, "end_year", c->end_year);
	jw_kstr(w, "submission_deadline", c->deadline ? deadline : NULL);
	jw_kstr(w, "status", cycle_status_name(c->status));
	if (with_versions)
		jw_kint(w, "template_version", c->template_version);
	jw_obj_end(w);
}

static void render_items(jw *w, const char *key, const cycle_item *items, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "code", items[i].code);
		jw_kstr(w, "title", items[i].title);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void cycle_render_catalog(jw *w, const cycle_catalog *cat)
{
	jw_obj_begin(w);
	jw_key(w, "objectives");
	jw_arr_begin(w);
	for (size_t i = 0; i < cat->nobjectives; i++) {
		const cycle_objective *o = &cat->objectives[i];
		jw_obj_begin(w);
		jw_kstr(w, "code", o->code);
		jw_kstr(w, "title", o->title);
		render_items(w, "actions", o->actions, o->nactions);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	render_items(w, "areas", cat->areas, cat->nareas);
	render_items(w, "funding_sources", cat->funding_sources, cat->nfunding_sources);
	jw_obj_end(w);
}

void cycle_render_norm(jw *w, const cycle_norm *n, bool with_id)
{
	jw_obj_begin(w);
	if (with_id)
		jw_kint(w, "id", n->id);
	jw_kstr(w, "level", n->level);
	jw_kstr(w, "title", n->title);
	jw_kstr(w, "citation", n->citation);
	if (n->category != NULL)
		jw_kstr(w, "category", n->category);
	jw_kstr(w, "date", n->date);
	jw_kstr(w, "url", n->url);
	jw_obj_end(w);
}

void cycle_render_glossary(jw *w, const cycle_glossary *g)
{
	jw_obj_begin(w);
	jw_key(w, "terms");
	jw_arr_begin(w);
	for (size_t i = 0; i < g->nterms; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "term", g->terms[i].term);
		jw_kstr(w, "definition", g->terms[i].definition);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void render_strings(jw *w, const char *key, const char **s, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, s[i]);
	jw_arr_end(w);
}

void cycle_render_template(jw *w, const cycle_template *t)
{
	jw_obj_begin(w);
	/* Optional members are left out when empty: a template without groups
	 * reads as it always did. */
	if (t->ngroups > 0) {
		jw_key(w, "groups");
		jw_arr_begin(w);
		for (size_t i = 0; i < t->ngroups; i++) {
			jw_obj_begin(w);
			jw_kstr(w, "key", t->groups[i].key);
			jw_kstr(w, "title", t->groups[i].title);
			jw_kstr(w, "parent", t->groups[i].parent);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_key(w, "sections");
	jw_arr_begin(w);
	for (size_t i = 0; i < t->nsections; i++) {
		const cycle_section *s = &t->sections[i];
		jw_obj_begin(w);
		jw_kstr(w, "key", s->key);
		jw_kstr(w, "title", s->title);
		jw_kstr(w, "group", s->group);
		render_strings(w, "actions", s->actions, s->nactions);
		jw_kstr(w, "area", s->area);
		jw_key(w, "parts");
		jw_arr_begin(w);
		for (size_t k = 0; k < s->nparts; k++) {
			jw_obj_begin(w);
			jw_kstr(w, "key", s->parts[k].key);
			jw_kstr(w, "title", s->parts[k].title);
			jw_kbool(w, "required", s->parts[k].required);
			jw_kint(w, "max_chars", s->parts[k].max_chars);
			if (s->parts[k].guidance != NULL)
				jw_kstr(w, "guidance", s->parts[k].guidance);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		render_strings(w, "blocks", s->blocks, s->nblocks);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void cycle_render_document(jw *w, const cycle_document *doc)
{
	jw_obj_begin(w);
	jw_kstr(w, "format", CYCLE_FORMAT);
	jw_key(w, "cycle");
	cycle_render(w, &doc->cycle, false);
	jw_key(w, "catalog");
	cycle_render_catalog(w, &doc->catalog);
	jw_key(w, "norms");
	jw_arr_begin(w);
	for (size_t i = 0; i < doc->nnorms; i++)
		cycle_render_norm(w, &doc->norms[i], false);
	jw_arr_end(w);
	jw_key(w, "glossary");
	cycle_render_glossary(w, &doc->glossary);
	jw_key(w, "template");
	cycle_render_template(w, &doc->template);
	if (doc->nnotes > 0) {
		jw_key(w, "notes");
		jw_arr_begin(w);
		for (size_t i = 0; i < doc->nnotes; i++) {
			const cycle_note *n = &doc->notes[i];
			jw_obj_begin(w);
			jw_kstr(w, "text", n->text);
			if (n->original != NULL) {
				jw_kstr(w, "original", n->original);
				jw_kstr(w, "corrected", n->corrected);
			}
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}
