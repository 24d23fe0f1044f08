/* Plans (SPEC §5): one per (tenant, cycle), its sections and income lines,
 * and the immutable submissions with their reviews. Three parts share this
 * header: the model (plan_model.c: validation against the template, section
 * status, canonical JSON, snapshots), the data access and the status machine
 * (plan_store.c) and the HTTP routes (plans.c). Everything but the routes is
 * usable without HTTP (ambitoctl), inside the caller's transaction. */
#ifndef AMBITO_PLANS_H
#define AMBITO_PLANS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "cycles/cycles.h"
#include "db/db.h"
#include "funds/funds.h"
#include "http/http.h"

/* Limits on what a plan may hold; each is checked where the input arrives. */
#define PLAN_MAX_INDICATORS 200 /* per section */
#define PLAN_MAX_SPENDING 500   /* lines per section */
#define PLAN_MAX_INCOME 500     /* income lines per plan */
#define PLAN_INDICATOR_NAME_MAX 300
#define PLAN_INDICATOR_FIELD_MAX 300 /* unit, baseline, target, source */
/* An indicator's id: letters, digits, '.', '_', '-'. Generated ids are
 * "ind-" and 16 hexadecimal digits. */
#define PLAN_INDICATOR_ID_MAX 40
#define PLAN_INDICATOR_ID_RANDOM_BYTES 8
/* Characters of a numeric baseline or target: a plain decimal, so any value
 * a unit needs (a rate, a count, euros) fits, and it is kept as written. */
#define PLAN_INDICATOR_NUMBER_MAX 40
#define PLAN_SERVICE_MAX 300
#define PLAN_INCOME_NOTE_MAX 1000
#define PLAN_SUBMIT_NOTE_MAX 2000
#define PLAN_REVIEW_NOTE_MAX 5000
/* Request bodies of the plan writes, checked when the head arrives (413):
 * a section may carry up to SECTION_MAX_PARTS texts of PART_MAX_CHARS_LIMIT
 * characters, so it keeps the server's default; the income lines are at
 * most 500 of about 1 000 characters; a note, a key or a decision is small.
 * Every character may arrive as a 12-byte \u escape pair. */
#define PLAN_SECTION_BODY_MAX (8 * 1024 * 1024)
#define PLAN_FINANCE_BODY_MAX (4 * 1024 * 1024)
#define PLAN_SMALL_BODY_MAX (128 * 1024)

#define PLAN_SNAPSHOT_FORMAT "ambito-plan-snapshot/1"
/* Under the 16 MiB default max_allowed_packet of MariaDB, so a submission
 * is always stored whole; a real plan is a few MiB at most. */
#define PLAN_SNAPSHOT_MAX_BYTES (12L * 1024 * 1024)

/* Codes beyond DB_E*, returned by the domain functions below. */
enum {
	PLAN_ENOPLAN = -100,     /* the tenant has no plan for the cycle */
	PLAN_ESTATUS = -101,     /* the plan's status does not allow this */
	PLAN_ECYCLE = -102,      /* the cycle is not open */
	PLAN_EINCOMPLETE = -103, /* required parts missing: see plan_submission.missing */
	PLAN_ENOREVISION = -104, /* no submission with that revision */
	PLAN_ENOTLATEST = -105,  /* a review of a revision that is not the latest */
	PLAN_ENOSECTION = -106,  /* the plan has no section with that key */
	PLAN_ETOOLARGE = -107,   /* the snapshot would exceed PLAN_SNAPSHOT_MAX_BYTES */
	PLAN_ENOGROUP = -108     /* working_group names no table of the tenant's cycle */
};

typedef enum { PLAN_DRAFT, PLAN_SUBMITTED, PLAN_CHANGES_REQUESTED, PLAN_APPROVED, PLAN_PUBLISHED } plan_status;

typedef enum { SECTION_EMPTY, SECTION_PARTIAL, SECTION_COMPLETE } section_status;

typedef enum { PLAN_APPROVE, PLAN_REQUEST_CHANGES } plan_decision;

const char *plan_status_name(plan_status s);
int plan_status_parse(const char *s); /* -1 when s names no status */
const char *plan_section_status_name(section_status s);
int plan_section_status_parse(const char *s); /* -1 when unknown */
const char *plan_decision_name(plan_decision d);
int plan_decision_parse(const char *s); /* -1 when unknown */

/* A plans row. Times are MariaDB DATETIME text. */
typedef struct plan {
	long long tenant_id, cycle_id;
	const char *cycle_slug;
	plan_status status;
	long long revision;           /* latest submission, 0 before the first */
	long long published_revision; /* 0 when never published */
	long long finance_version;    /* the ETag counter of the finance */
	bool late;                    /* of the latest submission; false before any */
	const char *created_at, *updated_at;
	long long created_by; /* 0 when unknown */
	/* Moves with every change to what the plan's index shows besides this
	 * row (migration 0021); 0 when not read. */
	unsigned long long index_version;
} plan;

/* ---- section content ---- */

typedef struct plan_part_text {
	const char *key, *text; /* text is not blank */
} plan_part_text;

typedef struct plan_indicator {
	const char *name, *kind;                       /* kind: "process" or "result" */
	const char *unit, *baseline, *target, *source; /* NULL when not given */
	/* Stable across revisions: assigned on the first save, kept when a
	 * client sends it back. NULL before the first save. */
	const char *id;
	/* baseline / target are the exact text of a JSON number (a plain
	 * decimal, never a float), written back as that number. */
	bool baseline_num, target_num;
} plan_indicator;

typedef struct plan_spending {
	const char *service;
	long long year;
	const char *amount_eur; /* exactly two decimals: "1500.00" */
	const char *funding_source;
} plan_spending;

/* What a section holds: {"indicators":[…],"parts":{…},"spending":[…]}.
 * Only the filled parts: in template order from plan_section_parse, in key
 * order when read back from stored JSON. */
typedef struct plan_section_content {
	plan_part_text *parts;
	size_t nparts;
	plan_indicator *indicators;
	size_t nindicators;
	plan_spending *spending;
	size_t nspending;
	long long working_group; /* the section's thematic table; 0 when none */
} plan_section_content;

/* A plan_sections row. content is its canonical JSON text (NULL when loaded
 * without it). */
typedef struct plan_section {
	const char *key, *title;
	section_status status;
	const char *content;
	long long indicators;
	const char *spending_eur; /* "0.00" when none */
	long long version;        /* the ETag counter */
	const char *updated_at;   /* DATETIME text, NULL before the first save */
	long long updated_by;     /* 0 before the first save */
	const char *updated_by_name;
} plan_section;

typedef struct plan_income {
	const char *source; /* a funding source code of the catalogue */
	long long year;
	const char *amount_eur; /* exactly two decimals */
	const char *note;       /* NULL when none */
} plan_income;

typedef struct plan_finance {
	plan_income *income;
	size_t nincome;
} plan_finance;

/* A required part that is not filled, as submit reports it. */
typedef struct plan_missing {
	const char *section, *part;
} plan_missing;

/* The Comitato dei Sindaci's approval act (delibera) of a submission:
 * number is one line of text, date "YYYY-MM-DD". */
#define PLAN_ACT_NUMBER_MAX 64 /* characters */
typedef struct plan_approval_act {
	const char *number, *date;
} plan_approval_act;

/* A plan_submissions row with its review, if any. */
typedef struct plan_submission {
	long long revision;
	const char *submitted_at; /* DATETIME text */
	long long submitted_by;
	const char *submitted_by_name;
	bool late;
	const char *note;      /* NULL when none */
	plan_approval_act act; /* both NULL when none (before it was asked) */
	long long template_version;
	const char *sha256;   /* lowercase hex of the snapshot's bytes */
	const char *decision; /* "approve", "request_changes" or NULL */
	const char *review_note, *reviewed_at;
	long long reviewed_by;
	const char *reviewed_by_name;
	/* Filled by plan_submit: the plan's status after it (the current one
	 * when refused with PLAN_ESTATUS), and on PLAN_EINCOMPLETE the
	 * required parts missing, in template order. */
	plan_status plan_status;
	plan_missing *missing;
	size_t nmissing;
} plan_submission;

/* ---- model (plan_model.c): no database ----
 * The parsers add to e one error per broken rule, with the field's path
 * under prefix (NULL for a request body), e.g. "parts.analisi",
 * "indicators[2].kind", "spending[0].year"; they return the number of errors
 * added. Results live in e's arena. */

/* A section body {"parts","indicators","spending"} against its template
 * section: known parts only, text within max_chars characters; indicators
 * and spending only when tpl->blocks names them; years within the cycle's;
 * funding sources from cat. Blank parts are dropped. Members a client read
 * (key, title, status, updated_at, updated_by) are ignored. */
size_t plan_section_parse(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                          const cycle *c, const cycle_catalog *cat, plan_section_content *out);
/* empty: nothing filled; complete: every required part filled; else partial. */
section_status plan_section_status(const cycle_section *tpl, const plan_section_content *content);
/* Reads stored (trusted) content, a content object or a snapshot's section,
 * back into the model; false when v is not an object. */
bool plan_section_content_read(arena *a, const json_value *v, plan_section_content *out);
/* Writes the content object with its keys sorted (canonical). */
void plan_section_content_render(jw *w, const plan_section_content *content);
/* The canonical JSON text of the content, in a. */
const char *plan_section_content_json(arena *a, const plan_section_content *content);
/* Gives every indicator without an id a new random one ("ind-" and 16 hex
 * digits); false when no random bytes could be had. */
bool plan_indicators_assign_ids(arena *a, plan_section_content *content);
/* The id an indicator is known by in monitoring: its id, or for content
 * saved before ids existed "<section key>#<position from 1>". */
const char *plan_indicator_key(arena *a, const char *section_key, const plan_indicator *ind, size_t index);
/* A value that is a number or a line of text (an indicator's baseline,
 * target or measured value): its text, *is_num telling which; NULL when
 * obj has no such string or number. */
const char *plan_json_value_text(const json_value *obj, const char *key, bool *is_num);
/* Writes key: the text as a JSON number when is_num, else as a string. */
void plan_json_value_write(jw *w, const char *key, const char *text, bool is_num);
/* The writer's text copied into a (its length in *len when len is not
 * NULL), or NULL when the writer failed; frees w. */
const char *plan_json_take(arena *a, jw *w, size_t *len);
/* A plain decimal number ("-12.50", "1234567.89", no exponent, no sign
 * '+', at most PLAN_INDICATOR_NUMBER_MAX characters). */
bool plan_decimal_text(const char *s);

/* The sum of the spending lines, "0.00" when none. */
const char *plan_section_spending_total(arena *a, const plan_section_content *content);

/* {"income":[{"source","year","amount_eur","note"}]}. */
size_t plan_finance_parse(field_errors *e, const char *prefix, const json_value *obj, const cycle *c,
                          const cycle_catalog *cat, plan_finance *out);
/* Writes {"income":[…]} with sorted keys (the snapshot's "finance"). */
void plan_finance_render(jw *w, const plan_finance *f);

/* "1500" -> "1500.00", "0.5" -> "0.50": the DECIMAL(15,2) text of an amount
 * already checked by v_money (NULL for anything money_parse refuses). */
const char *plan_money_text(arena *a, const char *amount);

/* The submission's {"number","date"} under prefix ("approval_act"): the
 * number one line of 1..PLAN_ACT_NUMBER_MAX characters, not blank; the date
 * a real "YYYY-MM-DD" not after today ("YYYY-MM-DD", the date in Italy).
 * Returns the number of errors added. */
size_t plan_approval_act_parse(field_errors *e, const char *prefix, const json_value *v, const char *today,
                               plan_approval_act *out);

/* What a snapshot holds, gathered by plan_submit. */
typedef struct plan_snapshot_input {
	const cycle *cycle;
	const cycle_template *template;
	const char *tenant_slug, *tenant_name;
	long long revision;
	const char *submitted_at; /* DATETIME text */
	long long submitted_by;
	const char *submitted_by_name;
	bool late;
	const char *note;                     /* NULL when none */
	const plan_approval_act *act;         /* NULL when none */
	const plan_section_content *sections; /* one per template section, in its order */
	const plan_finance *finance;
	const json_value *groups; /* the thematic tables (part_store_snapshot); NULL: none */
} plan_snapshot_input;

/* The "ambito-plan-snapshot/1" document as canonical JSON (keys sorted
 * bytewise at every level, no whitespace), in a; *len gets its length.
 * NULL if it could not be written. */
const char *plan_snapshot_build(arena *a, const plan_snapshot_input *in, size_t *len);

/* ---- data access (plan_store.c) ----
 * DB_OK or a negative DB_E* / PLAN_E* code. Writes run inside the caller's
 * transaction. Every write to a plan takes the plan row's lock first
 * (plan_store_find with for_update, or the transitions below, which take it
 * themselves), so writes to one plan serialise. Loaded data lives in a. */

/* *out is NULL when there is no such plan. */
int plan_store_find(db *d, arena *a, long long tenant_id, long long cycle_id, bool for_update, plan **out);
/* The tenant's plans with cycle_id > after, by cycle id. */
int plan_store_list(db *d, arena *a, long long tenant_id, long long after, int limit, plan **out, size_t *n,
                    bool *more);
/* A new draft with one empty revision-0 section per template section.
 * PLAN_ECYCLE unless c is open; DB_EDUP when the plan exists. */
int plan_create(db *d, long long tenant_id, const cycle *c, long long user_id);

/* The sections of a revision (0: the draft) in template order, with their
 * content when with_content. */
int plan_store_sections(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, bool with_content,
                        plan_section **out, size_t *n);
/* The contents of a revision's sections, one per template section in its
 * order (a section without a row reads as empty). */
int plan_store_contents(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                        const cycle_template *t, plan_section_content **contents);
/* One section of a revision, with its content; *out NULL when the plan has
 * no such section. for_update locks the row. */
int plan_store_section(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, const char *key,
                       bool for_update, plan_section **out);

/* How far plan_store_draft_section got. */
typedef enum { PLAN_LOOKUP_NO_CYCLE, PLAN_LOOKUP_NO_PLAN, PLAN_LOOKUP_NO_SECTION, PLAN_LOOKUP_FOUND } plan_lookup;
/* The draft section key of the tenant's plan for the cycle named by slug, in
 * one round trip (the most frequent read of all): *found says which of cycle,
 * plan and section exist; *cycle_id is set from PLAN_LOOKUP_NO_PLAN on, *out
 * only when PLAN_LOOKUP_FOUND. */
int plan_store_draft_section(db *d, arena *a, long long tenant_id, const char *cycle_slug, const char *key,
                             plan_lookup *found, long long *cycle_id, plan_section **out);
/* The same read as the route's prefetch, in the round trip of the caller's
 * identity (path parameters tenant, cycle and key), and its n rows from
 * first read as plan_store_draft_section answers. */
struct route_prefetch;
extern const struct route_prefetch plan_draft_section_prefetch;
/* The reads of the plan index and of the section editor page, as the
 * prefetch of their routes (path parameters tenant, cycle and key): the
 * cycle, the plan and, for the editor, the draft section named by key with
 * its content. NULL cycle or plan when there is none. */
extern const struct route_prefetch plan_index_prefetch, plan_editor_prefetch;
typedef struct plan_page_rows {
	cycle *cycle;
	plan *plan;
	plan_section *sections; /* the index's: key, status, updated_at, updated_by_name only */
	size_t nsections;
	const char **comment_keys; /* the index's open comments per section */
	long long *comment_counts;
	size_t ncomments;
	fund_row *allocations; /* the Region's to the ATS (the index's) */
	size_t nallocations;
} plan_page_rows;
void plan_store_page_rows(arena *a, const db_res *res, size_t first, size_t n, plan_page_rows *out);
/* The index's rows of a plan, in one statement: the plan (with the
 * index_version they were read at; NULL when there is none), its draft
 * sections, open comments per section and allocations (no cycle). */
int plan_store_index_rows(db *d, arena *a, long long tenant_id, long long cycle_id, plan_page_rows *out);
/* The index's rows of plan p into out (sections, comments, allocations; no
 * cycle, no plan): the copy this worker thread kept of them when its
 * index_version is p's, else read and kept (plan_index_cache.c). They stay
 * valid until the thread's next call. */
int plan_index_cached_rows(db *d, arena *a, const plan *p, plan_page_rows *out);
void plan_store_draft_section_rows(arena *a, const db_res *res, size_t first, size_t n, plan_lookup *found,
                                   long long *cycle_id, plan_section **out);

/* DB_OK when p may be edited: PLAN_ECYCLE when c is not open, PLAN_ESTATUS
 * unless p is draft or changes_requested. */
int plan_can_edit(const plan *p, const cycle *c);
/* Writes the revision-0 section tpl->key: its canonical content, computed
 * status, indicator count and spending total, updated_at/by, and bumps its
 * version. The caller holds the plan's lock and checked plan_can_edit (and
 * the ETag). *out (may be NULL) gets the row as stored. */
int plan_section_save(db *d, arena *a, long long tenant_id, long long cycle_id, const cycle_section *tpl,
                      const plan_section_content *content, long long user_id, plan_section *out);

int plan_finance_load(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision, plan_finance *out);

/* An amount per funding source and year (income, spending or allocation). */
typedef struct plan_money {
	const char *source;
	long long year;
	const char *amount_eur; /* exactly two decimals */
} plan_money;

/* A revision's income lines and its sections' spending lines, each summed
 * per source and year by MariaDB in DECIMAL, by year then source. */
int plan_store_money_by_source(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                               plan_money **income, size_t *nincome, plan_money **spending, size_t *nspending);

/* A warning on a plan (SPEC §7a): never a refusal. */
typedef struct plan_warning {
	const char *code; /* "income_below_allocation" or "spending_above_income" */
	const char *source;
	long long year;
	const char *missing_eur; /* what income lacks, exactly two decimals */
} plan_warning;

/* The warnings of a plan's figures, in a: for each allocation whose source
 * and year have less income, then for each source and year whose spending
 * is above its income. The inputs are summed per source and year; the
 * warnings come in the order of allocations and spending. */
size_t plan_warnings(arena *a, const plan_money *alloc, size_t nalloc, const plan_money *income, size_t nincome,
                     const plan_money *spending, size_t nspending, plan_warning **out);
/* Replaces the revision-0 income lines and bumps finance_version; same
 * conditions as plan_section_save. */
int plan_finance_save(db *d, long long tenant_id, long long cycle_id, const plan_finance *f);

/* Submits the plan as revision N = plans.revision + 1, all or nothing:
 * locks the plan; PLAN_ENOPLAN, PLAN_ECYCLE (cycle not open), PLAN_ESTATUS
 * (not draft or changes_requested), PLAN_EINCOMPLETE (out->missing lists the
 * required parts not filled); else copies the revision-0 sections and
 * income to revision N, stores the canonical snapshot with its sha256, marks
 * it late when submitted after the cycle's deadline, and sets the plan
 * submitted at revision N. note and act may be NULL. */
int plan_submit(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *note,
                const plan_approval_act *act, plan_submission *out);
/* The same with the submission time given (DATETIME text; NULL: now), for
 * demonstration data. */
int plan_submit_at(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *note,
                   const plan_approval_act *act, const char *at, plan_submission *out);

/* The current draft as an "ambito-plan-snapshot/1" document (revision 0,
 * no submission time, author or note), for the printable draft: every
 * section in template order whatever its status, and the income lines.
 * PLAN_ENOPLAN when the tenant has no plan for c; *now gets the database's
 * time (DATETIME text). Reads only. */
int plan_draft_snapshot(db *d, arena *a, long long tenant_id, const cycle *c, const char **json, size_t *len,
                        const char **now);
/* The draft's required parts not filled yet, in template order: what
 * plan_submit would refuse with PLAN_EINCOMPLETE. Memory comes from a. */
int plan_store_missing(db *d, arena *a, const plan *p, const cycle_template *t, plan_missing **out, size_t *n);

/* Up to limit submissions with revision > after, by revision, with their
 * reviews. */
int plan_store_submissions(db *d, arena *a, long long tenant_id, long long cycle_id, long long after, int limit,
                           plan_submission **out, size_t *n, bool *more);
/* One submission and its snapshot bytes; PLAN_ENOREVISION when none.
 * snapshot/len may be NULL when not wanted. */
int plan_store_submission(db *d, arena *a, long long tenant_id, long long cycle_id, long long revision,
                          plan_submission *out, const char **snapshot, size_t *len);

/* The Region's decision on revision: locks the plan; PLAN_ENOPLAN,
 * PLAN_ENOREVISION, PLAN_ENOTLATEST (only the latest is reviewed),
 * PLAN_ESTATUS unless the plan is submitted. approve -> approved,
 * request_changes -> changes_requested. *status (may be NULL) gets the plan's
 * status after, or the current one when refused. note may be NULL. */
int plan_review(db *d, long long tenant_id, long long cycle_id, long long revision, plan_decision decision,
                const char *note, long long user_id, plan_status *status);
/* The same with the decision's time given (DATETIME text; NULL: now), for
 * demonstration data. */
int plan_review_at(db *d, long long tenant_id, long long cycle_id, long long revision, plan_decision decision,
                   const char *note, long long user_id, const char *at, plan_status *status);
/* approved -> published with published_revision = revision: locks the plan;
 * PLAN_ENOPLAN, PLAN_ESTATUS unless approved. *status and *revision (may be
 * NULL) as for plan_review. */
int plan_publish(db *d, long long tenant_id, long long cycle_id, plan_status *status, long long *revision);
/* An annual update: an approved or published plan becomes a draft again
 * (PLAN_ESTATUS otherwise, PLAN_ECYCLE unless c is open), the reopening
 * recorded with its reason; the published revision stays public. */
#define PLAN_REOPEN_REASON_MAX 2000
int plan_reopen(db *d, arena *a, long long tenant_id, const cycle *c, long long user_id, const char *reason,
                plan_status *status);
/* A published revision, and the update that led to it (reason and
 * reopened_at NULL for the first). Times are DATETIME text. */
typedef struct plan_history {
	long long revision;
	const char *published_at;
	const char *reason, *reopened_at;
} plan_history;
/* The published revisions, oldest first. */
int plan_store_history(db *d, arena *a, long long tenant_id, long long cycle_id, plan_history **out, size_t *n);

/* ---- overviews for the web interface's pages (plan_store.c) ---- */

#define PLAN_OVERVIEW_MAX_CYCLES 50
#define PLAN_OVERVIEW_MAX_TENANTS 2000

/* One cycle as an ATS sees it: its plan (if any), how far it is, and the
 * Region's decision on the latest submission. */
typedef struct plan_overview {
	cycle cycle; /* id, slug, title, status, deadline only */
	bool has_plan;
	plan_status status;
	long long revision;
	long long sections, complete;                     /* of the draft (revision 0) */
	const char *decision, *review_note, *reviewed_at; /* of the latest submission; NULL when none */
} plan_overview;
/* The non-draft cycles, newest first (at most PLAN_OVERVIEW_MAX_CYCLES),
 * each with the tenant's plan; *name gets the tenant's name (NULL when
 * there is no such tenant). */
int plan_store_overview(db *d, arena *a, long long tenant_id, const char **name, plan_overview **out, size_t *n);

/* A tenant with the status of its plan for one cycle, for lists across
 * tenants: every tenant (at most PLAN_OVERVIEW_MAX_TENANTS), by slug, with
 * its latest submission and the plan's open comment threads. */
typedef struct plan_tenant_row {
	long long tenant_id;
	const char *slug, *code, *name, *province;
	bool has_plan;
	plan_status status;
	long long sections, complete; /* of the draft (revision 0) */
	long long revision;           /* latest submission, 0 before the first */
	const char *submitted_at;     /* of the latest submission (DATETIME text), NULL before the first */
	bool late;                    /* of the latest submission */
	long long open_comments;      /* unresolved threads */
} plan_tenant_row;
int plan_store_tenants(db *d, arena *a, long long cycle_id, plan_tenant_row **out, size_t *n);

/* Unresolved comments per section of the plan: keys[i] has counts[i]. */
int plan_store_open_comments(db *d, arena *a, long long tenant_id, long long cycle_id, const char ***keys,
                             long long **counts, size_t *n);

/* For routes under a plan: r->tenant's plan for c, or NULL after answering
 * 404 (or 503). for_update takes the plan's lock until the transaction ends. */
plan *plans_path_plan(http_req *r, const cycle *c, bool for_update);

void plans_register(void); /* /api/v1/tenants/{tenant}/plans... */

#endif
