/* Cross-ATS comparisons (SPEC §6): coverage of the azioni di sistema and
 * strategic objectives, finance by area or funding source, one section side
 * by side, and the indicators of an action, over each tenant's latest
 * submission or its draft. Two parts share this header: the data access
 * (compare_store.c), which reads tenants a page at a time, and the routes
 * (compare.c), which stream each page out as it is read. */
#ifndef AMBITO_COMPARE_H
#define AMBITO_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "db/db.h"

/* Tenants read per database round trip. Bounds the memory of one answer:
 * a page of side-by-side sections is at most this many section texts. */
#define COMPARE_PAGE 16

typedef enum {
	COMPARE_SUBMITTED, /* each tenant's latest submission (plans.revision) */
	COMPARE_DRAFT      /* each tenant's working draft (revision 0) */
} compare_source;

/* A tenant with a plan to compare, as listed by compare_store_tenants. */
typedef struct compare_tenant {
	long long id;
	const char *slug, *name;
	long long revision;   /* the revision read: 0 for drafts */
	long long population; /* sum of its Comuni; only with_population */
} compare_tenant;

/* One aggregate of a tenant for a column code (coverage or finance). */
typedef struct compare_agg {
	long long tenant_id;
	const char *code;
	long long sections, complete, indicators; /* coverage only */
	const char *amount;                       /* DECIMAL text: coverage spending, finance amount */
} compare_agg;

/* A plan section's stored row (side by side, indicators). */
typedef struct compare_section {
	long long tenant_id;
	const char *key, *status;
	const char *content; /* canonical JSON {"indicators","parts","spending"} */
	size_t content_len;
	long long indicators;
	const char *spending; /* DECIMAL text */
} compare_section;

/* Every call returns DB_OK or a DB_E* code; results live in a. ids holds
 * COMPARE_PAGE tenant ids, unused slots 0 (no tenant has id 0). */

/* The tenants that have a plan in the cycle (draft) or a submission
 * (submitted), by slug. Visibility is the caller's business: the routes
 * filter with scope_can_see. */
int compare_store_tenants(db *d, arena *a, long long cycle_id, compare_source src, bool with_population,
                          compare_tenant **out, size_t *n);

/* Coverage: per tenant and action (or objective), the non-empty sections
 * tagged with it: how many, how many complete, their indicators and spending.
 * By objective a section counts once even when tagged with two of its
 * actions. */
int compare_store_coverage(db *d, arena *a, long long cycle_id, compare_source src, bool by_objective,
                           const long long ids[COMPARE_PAGE], compare_agg **out, size_t *n);

/* Finance: per tenant and policy area, the spending of the sections of that
 * area (by_source false); or per tenant and funding source, the income. */
int compare_store_finance(db *d, arena *a, long long cycle_id, compare_source src, bool by_source,
                          const long long ids[COMPARE_PAGE], compare_agg **out, size_t *n);

/* Per tenant and funding source: the Region's allocation, the plan's income
 * and the sections' spending (DECIMAL text, NULL read as 0). */
typedef struct compare_funds {
	long long tenant_id;
	const char *code;
	const char *allocated, *income, *spending;
} compare_funds;

/* Funds: per tenant of the page and funding source, allocated (the
 * allocations of the cycle, every year), planned income and planned
 * spending of the revision compared, in no particular order. */
int compare_store_funds(db *d, arena *a, long long cycle_id, compare_source src, const long long ids[COMPARE_PAGE],
                        compare_funds **out, size_t *n);

/* One section of each tenant of the page, in no particular order. */
int compare_store_section(db *d, arena *a, long long cycle_id, compare_source src, const char *key,
                          const long long ids[COMPARE_PAGE], compare_section **out, size_t *n);

/* The sections tagged with action that hold indicators, in template order
 * per tenant (tenants in no particular order). */
int compare_store_action_sections(db *d, arena *a, long long cycle_id, compare_source src, const char *action,
                                  const long long ids[COMPARE_PAGE], compare_section **out, size_t *n);

void compare_register(void); /* /api/v1/cycles/{cycle}/compare/... */

#endif
