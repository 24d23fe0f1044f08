/* Data access for cycles and their rules. A resource is replaced whole by
 * delete-and-insert inside the caller's transaction, under the cycle row's
 * lock, and its version counter (its ETag) moves on. Lists come back in the
 * order they were written: every child row has a position. */
#include <stdlib.h>
#include <string.h>

#include "base/slot_cache.h"
#include "cycles/cycles.h"

#define CYCLE_COLUMNS CYCLE_STORE_COLUMNS("")

void cycle_store_read_row(const db_res *res, size_t i, size_t k, cycle *c)
{
	int st = cycle_status_parse(db_val(res, i, k + 7));
	*c = (cycle){
	    .id = db_int(res, i, k),
	    .slug = db_val(res, i, k + 1),
	    .title = db_val(res, i, k + 2),
	    .reference = db_val(res, i, k + 3),
	    .start_year = db_int(res, i, k + 4),
	    .end_year = db_int(res, i, k + 5),
	    .deadline = db_val(res, i, k + 6),
	    .status = st < 0 ? CYCLE_DRAFT : (cycle_status)st,
	    .version = db_int(res, i, k + 8),
	    .catalog_version = db_int(res, i, k + 9),
	    .norms_version = db_int(res, i, k + 10),
	    .glossary_version = db_int(res, i, k + 11),
	    .template_version = db_int(res, i, k + 12),
	};
}

static void read_cycle(const db_res *res, size_t i, cycle *c)
{
	cycle_store_read_row(res, i, 0, c);
}

int cycle_store_find(db *d, arena *a, const char *slug, bool for_update, cycle **out)
{
	db_res *res;
	*out = NULL;
	int rc = db_query(d, a, &res,
	                  for_update ? "SELECT " CYCLE_COLUMNS " FROM cycles WHERE slug = ? FOR UPDATE"
	                             : "SELECT " CYCLE_COLUMNS " FROM cycles WHERE slug = ?",
	                  "s", slug);
	if (rc != DB_OK)
		return rc;
	if (db_nrows(res) == 1) {
		*out = arena_alloc(a, sizeof(**out));
		read_cycle(res, 0, *out);
	}
	return DB_OK;
}

int cycle_store_list(db *d, arena *a, long long after, int limit, cycle **out, size_t *n, bool *more)
{
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT " CYCLE_COLUMNS " FROM cycles WHERE id > ? ORDER BY id LIMIT ?", "ii",
	                  after, (long long)limit + 1);
	if (rc != DB_OK)
		return rc;
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_cycle(res, i, &(*out)[i]);
	return DB_OK;
}

int cycle_store_insert(db *d, cycle *c)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO cycles (slug, title, reference, start_year, end_year, submission_deadline, status)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "sssiiss", c->slug, c->title, c->reference ? c->reference : "", c->start_year, c->end_year,
	               c->deadline, cycle_status_name(c->status)));
	c->id = (long long)db_last_id(d);
	c->version = c->catalog_version = c->norms_version = c->glossary_version = c->template_version = 1;
	return DB_OK;
}

int cycle_store_update(db *d, const cycle *c)
{
	DB_TRY(
	    db_exec(d,
	            "UPDATE cycles SET title = ?, reference = ?, start_year = ?, end_year = ?, submission_deadline = ?,"
	            " status = ?, version = version + 1, updated_at = NOW(6) WHERE id = ?",
	            "ssiissi", c->title, c->reference ? c->reference : "", c->start_year, c->end_year, c->deadline,
	            cycle_status_name(c->status), c->id));
	return DB_OK;
}

/* ---------------------------------------------------------------- catalogue */

static int load_items(db *d, arena *a, const char *sql, long long cycle_id, cycle_item **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res, sql, "i", cycle_id);
	if (rc != DB_OK)
		return rc;
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (cycle_item){db_val(res, i, 0), db_val(res, i, 1)};
	return DB_OK;
}

int cycle_store_load_catalog(db *d, arena *a, long long cycle_id, cycle_catalog *out)
{
	cycle_item *objs, *acts;
	size_t nobjs, nacts;
	db_res *res;
	*out = (cycle_catalog){0};
	DB_TRY(load_items(d, a, "SELECT code, title FROM cycle_objectives WHERE cycle_id = ? ORDER BY position",
	                  cycle_id, &objs, &nobjs));
	DB_TRY(db_query(d, a, &res,
	                "SELECT a.objective_code, a.code, a.title FROM cycle_actions a"
	                " JOIN cycle_objectives o ON o.cycle_id = a.cycle_id AND o.code = a.objective_code"
	                " WHERE a.cycle_id = ? ORDER BY o.position, a.position",
	                "i", cycle_id));
	nacts = db_nrows(res);
	acts = arena_calloc(a, nacts + 1, sizeof(*acts));
	for (size_t i = 0; i < nacts; i++)
		acts[i] = (cycle_item){db_val(res, i, 1), db_val(res, i, 2)};
	out->objectives = arena_calloc(a, nobjs + 1, sizeof(*out->objectives));
	out->nobjectives = nobjs;
	/* The actions come in objective order: each objective's are a run. */
	size_t j = 0;
	for (size_t i = 0; i < nobjs; i++) {
		cycle_objective *o = &out->objectives[i];
		o->code = objs[i].code;
		o->title = objs[i].title;
		o->actions = &acts[j];
		while (j < nacts && strcmp(db_val(res, j, 0), o->code) == 0)
			j++;
		o->nactions = (size_t)(&acts[j] - o->actions);
	}
	DB_TRY(load_items(d, a, "SELECT code, title FROM cycle_areas WHERE cycle_id = ? ORDER BY position", cycle_id,
	                  &out->areas, &out->nareas));
	DB_TRY(load_items(d, a, "SELECT code, title FROM cycle_funding_sources WHERE cycle_id = ? ORDER BY position",
	                  cycle_id, &out->funding_sources, &out->nfunding_sources));
	return DB_OK;
}

int cycle_store_save_catalog(db *d, long long cycle_id, const cycle_catalog *cat)
{
	/* Deleting the objectives takes their actions with them (cascade). */
	DB_TRY(db_exec(d, "DELETE FROM cycle_objectives WHERE cycle_id = ?", "i", cycle_id));
	DB_TRY(db_exec(d, "DELETE FROM cycle_areas WHERE cycle_id = ?", "i", cycle_id));
	DB_TRY(db_exec(d, "DELETE FROM cycle_funding_sources WHERE cycle_id = ?", "i", cycle_id));
	for (size_t i = 0; i < cat->nobjectives; i++) {
		const cycle_objective *o = &cat->objectives[i];
		DB_TRY(db_exec(d, "INSERT INTO cycle_objectives (cycle_id, code, position, title) VALUES (?, ?, ?, ?)",
		               "isis", cycle_id, o->code, (long long)i, o->title));
		for (size_t k = 0; k < o->nactions; k++)
			DB_TRY(db_exec(d,
			               "INSERT INTO cycle_actions (cycle_id, code, objective_code, position, title)"
			               " VALUES (?, ?, ?, ?, ?)",
			               "issis", cycle_id, o->actions[k].code, o->code, (long long)k,
			               o->actions[k].title));
	}
	for (size_t i = 0; i < cat->nareas; i++)
		DB_TRY(db_exec(d, "INSERT INTO cycle_areas (cycle_id, code, position, title) VALUES (?, ?, ?, ?)",
		               "isis", cycle_id, cat->areas[i].code, (long long)i, cat->areas[i].title));
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		DB_TRY(db_exec(
		    d, "INSERT INTO cycle_funding_sources (cycle_id, code, position, title) VALUES (?, ?, ?, ?)",
		    "isis", cycle_id, cat->funding_sources[i].code, (long long)i, cat->funding_sources[i].title));
	DB_TRY(db_exec(d, "UPDATE cycles SET catalog_version = catalog_version + 1, updated_at = NOW(6) WHERE id = ?",
	               "i", cycle_id));
	return DB_OK;
}

/* ---------------------------------------------------------------- norms */

int cycle_store_load_norms(db *d, arena *a, long long cycle_id, cycle_norm **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT id, level, title, citation, date, url, category FROM cycle_norms WHERE cycle_id = ?"
	                " ORDER BY position, id",
	                "i", cycle_id));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (cycle_norm){.id = db_int(res, i, 0),
		                         .level = db_val(res, i, 1),
		                         .title = db_val(res, i, 2),
		                         .citation = db_val(res, i, 3),
		                         .date = db_val(res, i, 4),
		                         .url = db_val(res, i, 5),
		                         .category = db_val(res, i, 6)};
	return DB_OK;
}

static int insert_norm(db *d, long long cycle_id, long long position, cycle_norm *n)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO cycle_norms (cycle_id, position, level, title, citation, category, date, url)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	               "iissssss", cycle_id, position, n->level, n->title, n->citation, n->category, n->date, n->url));
	n->id = (long long)db_last_id(d);
	return DB_OK;
}

static int bump_norms(db *d, long long cycle_id)
{
	DB_TRY(db_exec(d, "UPDATE cycles SET norms_version = norms_version + 1, updated_at = NOW(6) WHERE id = ?", "i",
	               cycle_id));
	return DB_OK;
}

int cycle_store_add_norm(db *d, long long cycle_id, cycle_norm *n)
{
	arena *a = arena_new();
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT COALESCE(MAX(position), -1) + 1 FROM cycle_norms WHERE cycle_id = ?", "i",
	                  cycle_id);
	long long position = rc == DB_OK ? db_int(res, 0, 0) : 0;
	arena_free(a);
	if (rc != DB_OK)
		return rc;
	DB_TRY(insert_norm(d, cycle_id, position, n));
	return bump_norms(d, cycle_id);
}

int cycle_store_delete_norm(db *d, long long cycle_id, long long id, bool *deleted)
{
	long long n = db_exec(d, "DELETE FROM cycle_norms WHERE cycle_id = ? AND id = ?", "ii", cycle_id, id);
	if (n < 0)
		return (int)n;
	*deleted = n > 0;
	return *deleted ? bump_norms(d, cycle_id) : DB_OK;
}

static int replace_norms(db *d, long long cycle_id, cycle_norm *norms, size_t n)
{
	DB_TRY(db_exec(d, "DELETE FROM cycle_norms WHERE cycle_id = ?", "i", cycle_id));
	for (size_t i = 0; i < n; i++)
		DB_TRY(insert_norm(d, cycle_id, (long long)i, &norms[i]));
	return bump_norms(d, cycle_id);
}

/* ---------------------------------------------------------------- glossary */

int cycle_store_load_glossary(db *d, arena *a, long long cycle_id, cycle_glossary *out)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT term, definition FROM cycle_glossary_terms WHERE cycle_id = ? ORDER BY position", "i",
	                cycle_id));
	out->nterms = db_nrows(res);
	out->terms = arena_calloc(a, out->nterms + 1, sizeof(*out->terms));
	for (size_t i = 0; i < out->nterms; i++)
		out->terms[i] = (cycle_term){db_val(res, i, 0), db_val(res, i, 1)};
	return DB_OK;
}

int cycle_store_save_glossary(db *d, long long cycle_id, const cycle_glossary *g)
{
	DB_TRY(db_exec(d, "DELETE FROM cycle_glossary_terms WHERE cycle_id = ?", "i", cycle_id));
	for (size_t i = 0; i < g->nterms; i++)
		DB_TRY(db_exec(
		    d, "INSERT INTO cycle_glossary_terms (cycle_id, position, term, definition) VALUES (?, ?, ?, ?)",
		    "iiss", cycle_id, (long long)i, g->terms[i].term, g->terms[i].definition));
	DB_TRY(db_exec(d, "UPDATE cycles SET glossary_version = glossary_version + 1, updated_at = NOW(6) WHERE id = ?",
	               "i", cycle_id));
	return DB_OK;
}

/* ---------------------------------------------------------------- template */

/* The rows of a per-section table (parts, actions, blocks) come in section
 * order, then their own: each section's rows are one run, matched to the
 * sections by a merge walk and handed to fill. Column 0 is the section key. */
typedef void (*run_fill)(arena *a, cycle_section *s, const db_res *res, size_t first, size_t n);

#define CHILD_SQL(columns, table)                                                                                      \
	"SELECT c.section_key, " columns " FROM " table " c"                                                           \
	" JOIN template_sections s ON s.cycle_id = c.cycle_id AND s.section_key = c.section_key"                       \
	" WHERE c.cycle_id = ? ORDER BY s.position, c.position"

static int load_runs(db *d, arena *a, long long cycle_id, const char *sql, cycle_template *t, run_fill fill)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res, sql, "i", cycle_id));
	size_t n = db_nrows(res), j = 0;
	for (size_t i = 0; i < t->nsections; i++) {
		size_t first = j;
		while (j < n && strcmp(db_val(res, j, 0), t->sections[i].key) == 0)
			j++;
		fill(a, &t->sections[i], res, first, j - first);
	}
	return DB_OK;
}

static void fill_parts(arena *a, cycle_section *s, const db_res *res, size_t first, size_t n)
{
	s->parts = arena_calloc(a, n + 1, sizeof(*s->parts));
	s->nparts = n;
	for (size_t k = 0; k < n; k++)
		s->parts[k] = (cycle_part){.key = db_val(res, first + k, 1),
		                           .title = db_val(res, first + k, 2),
		                           .required = db_int(res, first + k, 3) == 1,
		                           .max_chars = db_int(res, first + k, 4),
		                           .guidance = db_val(res, first + k, 5)};
}

static const char **strings_of(arena *a, const db_res *res, size_t first, size_t n)
{
	const char **out = arena_calloc(a, n + 1, sizeof(*out));
	for (size_t k = 0; k < n; k++)
		out[k] = db_val(res, first + k, 1);
	return out;
}

static void fill_actions(arena *a, cycle_section *s, const db_res *res, size_t first, size_t n)
{
	s->actions = strings_of(a, res, first, n);
	s->nactions = n;
}

static void fill_blocks(arena *a, cycle_section *s, const db_res *res, size_t first, size_t n)
{
	s->blocks = strings_of(a, res, first, n);
	s->nblocks = n;
}

int cycle_store_load_template(db *d, arena *a, long long cycle_id, cycle_template *out)
{
	db_res *res;
	*out = (cycle_template){0};
	DB_TRY(db_query(d, a, &res,
	                "SELECT group_key, title, parent_key FROM template_groups WHERE cycle_id = ? ORDER BY position",
	                "i", cycle_id));
	out->ngroups = db_nrows(res);
	out->groups = arena_calloc(a, out->ngroups + 1, sizeof(*out->groups));
	for (size_t i = 0; i < out->ngroups; i++)
		out->groups[i] = (cycle_group){db_val(res, i, 0), db_val(res, i, 1), db_val(res, i, 2)};
	DB_TRY(db_query(d, a, &res,
	                "SELECT section_key, title, group_code, area_code FROM template_sections WHERE cycle_id = ?"
	                " ORDER BY position",
	                "i", cycle_id));
	out->nsections = db_nrows(res);
	out->sections = arena_calloc(a, out->nsections + 1, sizeof(*out->sections));
	for (size_t i = 0; i < out->nsections; i++)
		out->sections[i] = (cycle_section){.key = db_val(res, i, 0),
		                                   .title = db_val(res, i, 1),
		                                   .group = db_val(res, i, 2),
		                                   .area = db_val(res, i, 3)};
	DB_TRY(load_runs(d, a, cycle_id,
	                 CHILD_SQL("c.part_key, c.title, c.required, c.max_chars, c.guidance", "template_parts"), out,
	                 fill_parts));
	DB_TRY(load_runs(d, a, cycle_id, CHILD_SQL("c.action_code", "section_actions"), out, fill_actions));
	DB_TRY(load_runs(d, a, cycle_id, CHILD_SQL("c.block", "section_blocks"), out, fill_blocks));
	return DB_OK;
}

int cycle_store_save_template(db *d, long long cycle_id, const cycle_template *t)
{
	/* Parts, actions and blocks go with their sections (cascade). */
	DB_TRY(db_exec(d, "DELETE FROM template_sections WHERE cycle_id = ?", "i", cycle_id));
	DB_TRY(db_exec(d, "DELETE FROM template_groups WHERE cycle_id = ?", "i", cycle_id));
	for (size_t i = 0; i < t->ngroups; i++)
		DB_TRY(db_exec(d,
		               "INSERT INTO template_groups (cycle_id, group_key, position, title, parent_key)"
		               " VALUES (?, ?, ?, ?, ?)",
		               "isiss", cycle_id, t->groups[i].key, (long long)i, t->groups[i].title,
		               t->groups[i].parent));
	for (size_t i = 0; i < t->nsections; i++) {
		const cycle_section *s = &t->sections[i];
		DB_TRY(db_exec(
		    d,
		    "INSERT INTO template_sections (cycle_id, section_key, position, title, group_code, area_code)"
		    " VALUES (?, ?, ?, ?, ?, ?)",
		    "isisss", cycle_id, s->key, (long long)i, s->title, s->group, s->area));
		for (size_t k = 0; k < s->nparts; k++)
			DB_TRY(db_exec(
			    d,
			    "INSERT INTO template_parts (cycle_id, section_key, part_key, position, title, required,"
			    " max_chars, guidance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			    "issisiis", cycle_id, s->key, s->parts[k].key, (long long)k, s->parts[k].title,
			    (long long)s->parts[k].required, s->parts[k].max_chars, s->parts[k].guidance));
		for (size_t k = 0; k < s->nactions; k++)
			DB_TRY(db_exec(d,
			               "INSERT INTO section_actions (cycle_id, section_key, action_code, position)"
			               " VALUES (?, ?, ?, ?)",
			               "issi", cycle_id, s->key, s->actions[k], (long long)k));
		for (size_t k = 0; k < s->nblocks; k++)
			DB_TRY(db_exec(
			    d,
			    "INSERT INTO section_blocks (cycle_id, section_key, block, position) VALUES (?, ?, ?, ?)",
			    "issi", cycle_id, s->key, s->blocks[k], (long long)k));
	}
	DB_TRY(db_exec(d, "UPDATE cycles SET template_version = template_version + 1, updated_at = NOW(6) WHERE id = ?",
	               "i", cycle_id));
	return DB_OK;
}

/* ---------------------------------------------------------------- documents */

static int save_notes(db *d, long long cycle_id, const cycle_note *notes, size_t n)
{
	DB_TRY(db_exec(d, "DELETE FROM cycle_notes WHERE cycle_id = ?", "i", cycle_id));
	for (size_t i = 0; i < n; i++)
		DB_TRY(db_exec(d,
		               "INSERT INTO cycle_notes (cycle_id, position, text, original, corrected)"
		               " VALUES (?, ?, ?, ?, ?)",
		               "iisss", cycle_id, (long long)i, notes[i].text, notes[i].original, notes[i].corrected));
	return DB_OK;
}

static int load_notes(db *d, arena *a, long long cycle_id, cycle_note **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT text, original, corrected FROM cycle_notes WHERE cycle_id = ? ORDER BY position", "i",
	                cycle_id));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (cycle_note){db_val(res, i, 0), db_val(res, i, 1), db_val(res, i, 2)};
	return DB_OK;
}

int cycle_store_save_document(db *d, const cycle_document *doc, long long replace_id)
{
	cycle c = doc->cycle;
	if (replace_id == 0) {
		DB_TRY(cycle_store_insert(d, &c));
	} else {
		c.id = replace_id;
		DB_TRY(cycle_store_update(d, &c));
	}
	DB_TRY(cycle_store_save_catalog(d, c.id, &doc->catalog));
	DB_TRY(replace_norms(d, c.id, doc->norms, doc->nnorms));
	DB_TRY(cycle_store_save_glossary(d, c.id, &doc->glossary));
	DB_TRY(cycle_store_save_template(d, c.id, &doc->template));
	DB_TRY(save_notes(d, c.id, doc->notes, doc->nnotes));
	return DB_OK;
}

int cycle_store_load_document(db *d, arena *a, const cycle *c, cycle_document *out)
{
	*out = (cycle_document){.cycle = *c};
	DB_TRY(cycle_store_load_catalog(d, a, c->id, &out->catalog));
	DB_TRY(cycle_store_load_norms(d, a, c->id, &out->norms, &out->nnorms));
	DB_TRY(cycle_store_load_glossary(d, a, c->id, &out->glossary));
	DB_TRY(cycle_store_load_template(d, a, c->id, &out->template));
	DB_TRY(load_notes(d, a, c->id, &out->notes, &out->nnotes));
	return DB_OK;
}

/* ---------------------------------------------------------------- cache */

/* A worker thread keeps the templates and catalogues it read last, each
 * under its cycle's id and the version counter the cycle's row had when it
 * was read (base/slot_cache.h): the pages read that row in their one round
 * trip anyway, and every change of a template or catalogue moves its
 * counter, so a copy whose counter is the row's is the stored one. */
static slot_cache_kind kept_cycles = SLOT_CACHE_KIND(8);
enum { KEPT_TEMPLATE, KEPT_CATALOG };

/* The slot of cycle cy's template or catalogue (kind) at version. */
static cache_slot *kept(const cycle *cy, int kind, long long version, bool *hit)
{
	return slot_cache_find(slot_cache_of_thread(&kept_cycles), cy->id, kind, (unsigned long long)version, hit);
}

int cycle_store_cached_template(db *d, const cycle *cy, const cycle_template **out)
{
	bool hit;
	cache_slot *s = kept(cy, KEPT_TEMPLATE, cy->template_version, &hit);
	if (!hit) {
		cycle_template *t = arena_calloc(s->a, 1, sizeof(*t));
		int rc = cycle_store_load_template(d, s->a, cy->id, t);
		if (rc != DB_OK) {
			slot_cache_drop(s);
			return rc;
		}
		s->value = t;
	}
	*out = s->value;
	return DB_OK;
}

int cycle_store_cached_catalog(db *d, const cycle *cy, const cycle_catalog **out)
{
	bool hit;
	cache_slot *s = kept(cy, KEPT_CATALOG, cy->catalog_version, &hit);
	if (!hit) {
		cycle_catalog *cat = arena_calloc(s->a, 1, sizeof(*cat));
		int rc = cycle_store_load_catalog(d, s->a, cy->id, cat);
		if (rc != DB_OK) {
			slot_cache_drop(s);
			return rc;
		}
		s->value = cat;
	}
	*out = s->value;
	return DB_OK;
}
