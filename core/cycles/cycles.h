/* Planning cycles published by the Region: the cycle, its catalogue, norms,
 * glossary and plan template. Three parts share this header: the model and
 * its validation (cycle_model.c), the data access (cycle_store.c) and the
 * HTTP routes (cycles.c); ambitoctl import/export use the first two, so the
 * API and the importer apply the very same rules. */
#ifndef AMBITO_CYCLES_H
#define AMBITO_CYCLES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/field_errors.h"
#include "base/json.h"
#include "db/db.h"
#include "http/http.h"

/* Limits on what a cycle may hold; each is checked where the input arrives. */
#define CYCLE_TITLE_MAX 300
#define CYCLE_REFERENCE_MAX 1000
#define CYCLE_YEAR_MIN 2000
#define CYCLE_YEAR_MAX 2100
#define CYCLE_MAX_YEARS 10 /* end_year - start_year + 1 */
#define CATALOG_MAX_OBJECTIVES 200
#define CATALOG_MAX_ACTIONS_PER_OBJECTIVE 100
#define CATALOG_MAX_ACTIONS 2000 /* over all objectives */
#define CATALOG_MAX_AREAS 200
#define CATALOG_MAX_FUNDING_SOURCES 100
#define CATALOG_TITLE_MAX 500
#define NORMS_MAX 500
#define NORM_TITLE_MAX 1000
#define NORM_CITATION_MAX 500
#define NORM_URL_MAX 2000
#define GLOSSARY_MAX_TERMS 5000
#define GLOSSARY_TERM_MAX 200
#define GLOSSARY_DEFINITION_MAX 5000
#define TEMPLATE_MAX_SECTIONS 500
#define SECTION_KEY_MAX 16
#define SECTION_TITLE_MAX 500
#define SECTION_MAX_ACTIONS 20
#define SECTION_MAX_PARTS 50
#define SECTION_MAX_BLOCKS 3
#define PART_KEY_MAX 64
#define PART_TITLE_MAX 200
#define PART_MAX_CHARS_LIMIT 200000
#define PART_GUIDANCE_MAX 5000 /* the guidelines' advice shown beside a part */
#define TEMPLATE_MAX_GROUPS 100
#define GROUP_KEY_MAX 16
#define GROUP_TITLE_MAX 500
#define NOTES_MAX 200
#define NOTE_TEXT_MAX 5000
#define NOTE_HEADING_MAX 1000 /* a heading as the source writes it, or corrected */

#define CYCLE_FORMAT "ambito-cycle/1" /* the import/export file format */

typedef enum { CYCLE_DRAFT, CYCLE_OPEN, CYCLE_CLOSED } cycle_status;

/* A cycle row. deadline is MariaDB DATETIME text or NULL. The versions are
 * the ETags of the cycle and of each resource under it. */
typedef struct cycle {
	long long id;
	const char *slug, *title, *reference, *deadline;
	long long start_year, end_year;
	cycle_status status;
	long long version, catalog_version, norms_version, glossary_version, template_version;
} cycle;

typedef struct cycle_item {
	const char *code, *title;
} cycle_item;

typedef struct cycle_objective {
	const char *code, *title;
	cycle_item *actions;
	size_t nactions;
} cycle_objective;

typedef struct cycle_catalog {
	cycle_objective *objectives;
	size_t nobjectives;
	cycle_item *areas;
	size_t nareas;
	cycle_item *funding_sources;
	size_t nfunding_sources;
} cycle_catalog;

/* The guidelines' four kinds of norm; a norm may leave it unsaid (NULL). */
#define NORM_CATEGORIES "legge, delibera, atto_dirigenziale, accordo"

typedef struct cycle_norm {
	long long id; /* 0 before it is stored */
	const char *level, *title, *citation;
	const char *category;   /* NULL when not given */
	const char *date, *url; /* NULL when not given */
} cycle_norm;

typedef struct cycle_term {
	const char *term, *definition;
} cycle_term;

typedef struct cycle_glossary {
	cycle_term *terms;
	size_t nterms;
} cycle_glossary;

typedef struct cycle_part {
	const char *key, *title;
	bool required;
	long long max_chars;
	const char *guidance; /* NULL when none */
} cycle_part;

/* A heading above sections: an Obiettivo, a sub-group of it. parent is NULL
 * at the top; a section's group names the innermost one. */
typedef struct cycle_group {
	const char *key, *title, *parent;
} cycle_group;

typedef struct cycle_section {
	const char *key, *title;
	const char *group; /* a key of the template's groups; without groups, the key's letter */
	const char *area;  /* NULL when none */
	const char **actions;
	size_t nactions;
	cycle_part *parts;
	size_t nparts;
	const char **blocks;
	size_t nblocks;
} cycle_section;

typedef struct cycle_template {
	cycle_section *sections;
	size_t nsections;
	cycle_group *groups; /* in print order; none in older templates */
	size_t ngroups;
} cycle_template;

/* A note of the file's authors: why a choice was made, or (original and
 * corrected both set) a heading the source misprints and how the file
 * writes it. Carried by the file only, not by the API. */
typedef struct cycle_note {
	const char *text;
	const char *original, *corrected; /* NULL unless a correction */
} cycle_note;

/* A whole cycle, as in an "ambito-cycle/1" file. */
typedef struct cycle_document {
	cycle cycle;
	cycle_catalog catalog;
	cycle_norm *norms;
	size_t nnorms;
	cycle_glossary glossary;
	cycle_template template;
	cycle_note *notes;
	size_t nnotes;
} cycle_document;

const char *cycle_status_name(cycle_status s);
/* The template's section with that key; NULL when t or key is NULL or no
 * section has the key. */
const cycle_section *cycle_template_section(const cycle_template *t, const char *key);
/* The template's group with that key; NULL when none. */
const cycle_group *cycle_template_group(const cycle_template *t, const char *key);
/* -1 when s names no status. */
int cycle_status_parse(const char *s);

/* ---- validation (cycle_model.c) ----
 * Each reads JSON into the model, adding to e one error per broken rule with
 * the field's path under prefix (NULL for a request body, "template" and the
 * like for a file), and returns the number of errors it added. Results live
 * in e's arena. */

/* Which cycle fields a body must or may carry. */
typedef enum {
	CYCLE_FIELDS_CREATE, /* POST: a new draft */
	CYCLE_FIELDS_IMPORT, /* a file: every field, any status */
	CYCLE_FIELDS_PATCH   /* any subset, over the current values in *c */
} cycle_fields_mode;

/* Bits of the fields a PATCH carried. */
enum {
	CYCLE_F_SLUG = 1 << 0,
	CYCLE_F_TITLE = 1 << 1,
	CYCLE_F_REFERENCE = 1 << 2,
	CYCLE_F_START_YEAR = 1 << 3,
	CYCLE_F_END_YEAR = 1 << 4,
	CYCLE_F_DEADLINE = 1 << 5,
	CYCLE_F_STATUS = 1 << 6
};

/* For CYCLE_FIELDS_PATCH *c holds the current values and gets the new ones;
 * *present (may be NULL) gets the CYCLE_F_* bits of the fields given. */
size_t cycle_parse_fields(field_errors *e, const char *prefix, const json_value *obj, cycle_fields_mode mode, cycle *c,
                          unsigned *present);
size_t cycle_parse_catalog(field_errors *e, const char *prefix, const json_value *obj, cycle_catalog *out);
size_t cycle_parse_norm(field_errors *e, const char *prefix, const json_value *obj, cycle_norm *out);
size_t cycle_parse_glossary(field_errors *e, const char *prefix, const json_value *obj, cycle_glossary *out);
/* Every action and area named must be in cat. */
size_t cycle_parse_template(field_errors *e, const char *prefix, const json_value *obj, const cycle_catalog *cat,
                            cycle_template *out);
/* A catalogue may not drop an action or area the template still names; the
 * errors name the catalogue list (prefix.objectives, prefix.areas). */
size_t cycle_check_orphans(field_errors *e, const char *prefix, const cycle_catalog *cat, const cycle_template *tpl);
/* A whole "ambito-cycle/1" document; paths are those of the file. */
size_t cycle_parse_document(field_errors *e, const json_value *root, cycle_document *out);

/* ---- rendering (cycle_model.c): the API's JSON, which is also the file's ---- */
/* with_versions adds the read-only template_version of the API answer. */
void cycle_render(jw *w, const cycle *c, bool with_versions);
void cycle_render_catalog(jw *w, const cycle_catalog *cat);
void cycle_render_norm(jw *w, const cycle_norm *n, bool with_id);
void cycle_render_glossary(jw *w, const cycle_glossary *g);
void cycle_render_template(jw *w, const cycle_template *t);
void cycle_render_document(jw *w, const cycle_document *doc);
/* "2021-12-31T23:59:59Z" from DATETIME text, in a; NULL stays NULL. */
const char *cycle_time_rfc3339(arena *a, const char *dt);

/* ---- data access (cycle_store.c) ----
 * DB_OK or a DB_E* code. Writes run inside the caller's transaction (the
 * dispatcher's for HTTP, the importer's own) and bump the resource's
 * version. Loaded data lives in a. */

/* The columns of a cycle's row (alias: "" or "c."), and the row read from
 * column k of row i: for reads that come with another's round trip. */
#define CYCLE_STORE_COLUMNS(t)                                                                                         \
	t "id, " t "slug, " t "title, " t "reference, " t "start_year, " t "end_year, " t "submission_deadline, " t    \
	  "status, " t "version, " t "catalog_version, " t "norms_version, " t "glossary_version, " t                  \
	  "template_version"
#define CYCLE_STORE_NCOLUMNS 13
void cycle_store_read_row(const db_res *res, size_t i, size_t k, cycle *c);

/* *out is NULL when there is no such cycle. for_update locks its row: every
 * write to a cycle and its rules takes this lock first, so they serialise. */
int cycle_store_find(db *d, arena *a, const char *slug, bool for_update, cycle **out);
/* Up to limit cycles with id > after, by id; *more tells whether others follow. */
int cycle_store_list(db *d, arena *a, long long after, int limit, cycle **out, size_t *n, bool *more);
/* Inserts c (id and versions are set); DB_EDUP when the slug is taken. */
int cycle_store_insert(db *d, cycle *c);
/* Writes c's fields and bumps its version. */
int cycle_store_update(db *d, const cycle *c);

int cycle_store_load_catalog(db *d, arena *a, long long cycle_id, cycle_catalog *out);
int cycle_store_save_catalog(db *d, long long cycle_id, const cycle_catalog *cat);
int cycle_store_load_norms(db *d, arena *a, long long cycle_id, cycle_norm **out, size_t *n);
/* Appends n at the end; sets n->id. */
int cycle_store_add_norm(db *d, long long cycle_id, cycle_norm *n);
/* *deleted is false when the cycle has no norm id. */
int cycle_store_delete_norm(db *d, long long cycle_id, long long id, bool *deleted);
int cycle_store_load_glossary(db *d, arena *a, long long cycle_id, cycle_glossary *out);
int cycle_store_save_glossary(db *d, long long cycle_id, const cycle_glossary *g);
int cycle_store_load_template(db *d, arena *a, long long cycle_id, cycle_template *out);
/* The template and the catalogue of cy as cy's row says they are now (its
 * template_version, catalog_version), from this thread's copy when it has
 * that version, else read and kept. Read-only; valid for the rest of the
 * request (a request reads those of one cycle). */
int cycle_store_cached_template(db *d, const cycle *cy, const cycle_template **out);
int cycle_store_cached_catalog(db *d, const cycle *cy, const cycle_catalog **out);
int cycle_store_save_template(db *d, long long cycle_id, const cycle_template *t);
/* Writes a whole document: a new cycle when replace_id is 0, else over the
 * cycle replace_id (its fields and every resource replaced). */
int cycle_store_save_document(db *d, const cycle_document *doc, long long replace_id);
int cycle_store_load_document(db *d, arena *a, const cycle *c, cycle_document *out);

/* For routes under a cycle: the cycle the path's {cycle} names, or NULL
 * after answering 404 (or 503). for_update locks its row. */
cycle *cycles_path_cycle(http_req *r, bool for_update);

/* ---- the API's rules, for the API and the administration pages (cycles.c) ---- */
enum {
	CYCLES_OK = 0,
	CYCLES_REFUSED = 1,  /* the reasons are in the field errors */
	CYCLES_TAKEN = 2,    /* the slug names another cycle */
	CYCLES_ANSWERED = 3, /* refused with a problem answered on r (409) */
};
/* A new draft cycle from the body POST /api/v1/cycles takes; sets the audit
 * object. One of the above or a DB_E* code. */
int cycles_create(http_req *r, field_errors *e, const json_value *body, cycle *c);
/* cur (locked) changed by the body PATCH takes, with the API's rules on
 * status, years and deadline; *next gets the new values. */
int cycles_change(http_req *r, field_errors *e, const cycle *cur, const json_value *body, cycle *next);

/* ---- import (cycle_import.c): ambitoctl import and the upload page ---- */
typedef enum {
	CYCLE_IMPORT_OK,
	CYCLE_IMPORT_INVALID, /* the document's errors are in e */
	CYCLE_IMPORT_REFUSED, /* the cycle exists (without replace) or is no draft: *refusal */
	CYCLE_IMPORT_FAILED   /* the database: *db_rc */
} cycle_import_result;
/* Checks root as an "ambito-cycle/1" document and writes it inside the
 * caller's transaction: a new cycle, or over a draft of the same slug when
 * replace. *doc gets the document, *replaced whether a cycle was replaced;
 * *refusal is English "path: reason" text for the command line, *refusal_it
 * the same in Italian. */
cycle_import_result cycle_import(db *d, arena *a, field_errors *e, const json_value *root, bool replace,
                                 cycle_document *doc, bool *replaced, const char **refusal, const char **refusal_it,
                                 int *db_rc);
/* "12 objectives, 40 actions, …" of a document, for the audit and outputs. */
size_t cycle_count_actions(const cycle_catalog *cat);

void cycles_register(void); /* /api/v1/cycles... */

#endif
