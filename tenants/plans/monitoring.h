/* Yearly monitoring of an approved plan (SPEC §7a, monitoraggio): for each
 * year of the cycle the ATS enters the measured value of each indicator of
 * the approved revision with a short note, and the spending actually made
 * per section and funding source (rendicontazione); the coordinator submits
 * an immutable report hashed like a submission, and the Region reviews it.
 * The model (monitoring_model.c) knows no HTTP nor SQL, the data access is
 * monitoring_store.c and the routes monitoring.c. */
#ifndef AMBITO_MONITORING_H
#define AMBITO_MONITORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/field_errors.h"
#include "tenants/plans/plans.h"

#define MONITORING_NOTE_MAX 1000              /* characters of an indicator's note */
#define MONITORING_SUBMIT_NOTE_MAX 2000       /* of the note sent with a report */
#define MONITORING_REVIEW_NOTE_MAX 5000       /* of the Region's review note */
#define MONITORING_MAX_SPENDING 2000          /* section × source lines of a year */
#define MONITORING_BODY_MAX (2 * 1024 * 1024) /* 200 × 30 sections of notes fit */
#define MONITORING_REPORT_FORMAT "ambito-monitoring-report/1"
#define MONITORING_REPORT_MAX_BYTES (12L * 1024 * 1024)
#define MONITORING_NUMBER_DIGITS 9 /* report numbers are INT columns */

enum {
	MONITORING_ESTATUS = -120,    /* the plan is neither approved nor published */
	MONITORING_ENOREPORT = -121,  /* no report with that number */
	MONITORING_ENOTLATEST = -122, /* a review of a report that is not the latest */
	MONITORING_EREVIEWED = -123   /* the report has been reviewed already */
};

typedef enum { MONITORING_ACCEPT, MONITORING_REQUEST_CHANGES } monitoring_decision;
const char *monitoring_decision_name(monitoring_decision d);
int monitoring_decision_parse(const char *s); /* -1 when unknown */

/* An indicator of the approved revision: its key (plan_indicator_key) and
 * section. */
typedef struct monitoring_indicator {
	const char *id, *section;
	const plan_indicator *ind;
} monitoring_indicator;

/* What the plan foresaw for a section and source in the year. */
typedef struct monitoring_planned {
	const char *section, *source;
	int64_t cents;
} monitoring_planned;

/* The approved revision as monitoring reads it, for one year. */
typedef struct monitoring_plan {
	monitoring_indicator *indicators; /* template order, then list order */
	size_t nindicators;
	monitoring_planned *planned; /* section then source, template order */
	size_t nplanned;
} monitoring_plan;

typedef struct monitoring_value {
	const char *id;
	const char *value; /* NULL when not measured; a decimal when value_num */
	bool value_num;
	const char *note; /* NULL when none */
} monitoring_value;

typedef struct monitoring_spending {
	const char *section, *source;
	const char *amount_eur; /* exactly two decimals */
} monitoring_spending;

/* The working entry of a year: {"indicators":[…],"spending":[…]}. */
typedef struct monitoring_entry {
	monitoring_value *values;
	size_t nvalues;
	monitoring_spending *spending;
	size_t nspending;
} monitoring_entry;

/* A plan_monitoring_reports row with its review. */
typedef struct monitoring_report {
	long long year, number, plan_revision;
	const char *submitted_at; /* DATETIME text */
	long long submitted_by;
	const char *submitted_by_name;
	const char *sha256;
	const char *decision; /* "accept", "request_changes" or NULL */
	const char *review_note, *reviewed_at;
	long long reviewed_by;
	const char *reviewed_by_name;
} monitoring_report;

/* ---- model ---- */

/* The indicators and the year's planned spending of a revision's sections
 * (contents[i] is the section t->sections[i]). */
void monitoring_plan_build(arena *a, const cycle_template *t, const plan_section_content *contents, long long year,
                           monitoring_plan *out);
/* A PUT body against the plan: ids of its indicators once each, a value
 * (a plain decimal number or a line of text, null when not measured), a
 * note; spending lines of template sections with a spending block, sources
 * of the catalogue, amounts >= 0 with two decimals, each section and source
 * once. What GET answers may come back: its read-only members are ignored.
 * Returns the number of errors added to e. */
size_t monitoring_entry_parse(field_errors *e, const json_value *body, const monitoring_plan *mp,
                              const cycle_template *t, const cycle_catalog *cat, monitoring_entry *out);
/* Reads a stored (trusted) entry; an empty one for NULL. */
void monitoring_entry_read(arena *a, const char *json, monitoring_entry *out);
/* The canonical JSON of an entry, in a. */
const char *monitoring_entry_json(arena *a, const monitoring_entry *entry);

/* A number to compute with: a JSON number's text, or a string that reads
 * as a plain decimal (baselines written as text before numbers existed);
 * NULL otherwise. */
const char *monitoring_number(const char *text, bool is_num);
/* (value - baseline) / (target - baseline) as a percentage with two
 * decimals ("75.00"), NULL when one of them is not a number or target ==
 * baseline. */
const char *monitoring_progress(arena *a, const char *baseline, const char *target, const char *value);

/* Writes "indicators" and "spending" members (inside an open object): every
 * indicator of the plan with its baseline, target, value, note and
 * progress; every section and source planned or spent with planned_eur and
 * amount_eur (null when not entered). Keys sorted. */
void monitoring_render_lines(jw *w, arena *a, const monitoring_plan *mp, const monitoring_entry *entry);

typedef struct monitoring_report_input {
	const char *cycle_slug, *tenant_slug, *tenant_name;
	long long year, number, plan_revision;
	const char *submitted_at; /* DATETIME text */
	long long submitted_by;
	const char *submitted_by_name;
	const char *note; /* NULL when none */
	const monitoring_plan *plan;
	const monitoring_entry *entry;
} monitoring_report_input;

/* The report as canonical JSON (keys sorted bytewise, no whitespace), in a;
 * *len its length. NULL when it could not be written. */
const char *monitoring_report_build(arena *a, const monitoring_report_input *in, size_t *len);

/* ---- data access: DB_OK or a negative code, inside the caller's
 * transaction, which holds the plan row's lock for writes ---- */

/* The working entry: *content NULL and *version 0 when none yet. */
int monitoring_store_entry(db *d, arena *a, long long tenant_id, long long cycle_id, long long year,
                           const char **content, long long *version);
/* Writes the entry and bumps its version into *version. */
int monitoring_store_save(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, const char *json,
                          long long user_id, long long *version);
/* Freezes the entry as report number N+1: its canonical JSON and sha256. */
int monitoring_store_submit(db *d, arena *a, long long tenant_id, const cycle *c, long long year,
                            long long plan_revision, const monitoring_plan *mp, const monitoring_entry *entry,
                            long long user_id, const char *note, monitoring_report *out);
/* The reports of a year, newest first. */
int monitoring_store_reports(db *d, arena *a, long long tenant_id, long long cycle_id, long long year,
                             monitoring_report **out, size_t *n);
/* One report (MONITORING_ENOREPORT when none), and its stored bytes when
 * bytes is not NULL. */
int monitoring_store_report(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, long long number,
                            monitoring_report *out, const char **bytes, size_t *len);
/* Reviews the latest report, once. */
int monitoring_store_review(db *d, arena *a, long long tenant_id, long long cycle_id, long long year, long long number,
                            monitoring_decision decision, const char *note, long long user_id);

/* The comparison across ATS reads the rows written with each report, of
 * the latest report of the year of every tenant. */
typedef struct monitoring_tenant {
	long long id;
	const char *slug, *name;
	long long number; /* the report read */
} monitoring_tenant;
typedef struct monitoring_value_row {
	long long tenant_id;
	long long number;     /* the report's */
	size_t section_index; /* set by the caller: the section's template position */
	long long position;   /* in the report */
	const char *item;     /* the indicator's canonical JSON object */
	size_t item_len;
} monitoring_value_row;
typedef struct monitoring_spending_row {
	long long tenant_id;
	long long number; /* the report's */
	const char *source;
	const char *planned_eur, *amount_eur; /* DECIMAL text; amount NULL when none entered */
} monitoring_spending_row;

/* The tenants with a report for the year, by slug. */
int monitoring_store_compare_tenants(db *d, arena *a, long long cycle_id, long long year, monitoring_tenant **out,
                                     size_t *n);
/* The indicators of one section in every report of the year, in no order:
 * the caller keeps those of each tenant's latest report. */
int monitoring_store_compare_values(db *d, arena *a, long long cycle_id, long long year, const char *section,
                                    monitoring_value_row **out, size_t *n);
/* Planned and actual spending per report of the year and source (every
 * section summed), in no order: the caller keeps each tenant's latest. */
int monitoring_store_compare_spending(db *d, arena *a, long long cycle_id, long long year,
                                      monitoring_spending_row **out, size_t *n);

/* ---- routes ---- */

/* What every monitoring route and page starts from: the cycle, the plan
 * (locked for writes), the year of the path, and the approved revision's
 * indicators and planned spending for the year. */
typedef struct monitoring_ctx {
	cycle *c;
	plan *p;
	long long year;
	cycle_template t;
	monitoring_plan mp;
} monitoring_ctx;
/* Whether the plan is approved or published. */
bool monitoring_monitored(const plan *p);
/* false after answering: 404 for no cycle, plan or year, 409 for a plan not
 * approved or a year outside the cycle. */
bool monitoring_load(http_req *r, monitoring_ctx *x, bool for_update);

void monitoring_register(void);
void monitoring_pages_register(void);         /* /ats/{tenant}/piani/{cycle}/monitoraggio/{year} */
void monitoring_compare_pages_register(void); /* /regione/cicli/{cycle}/monitoraggio */
void monitoring_compare_register(void);       /* /api/v1/cycles/{cycle}/compare/monitoring */

#endif
