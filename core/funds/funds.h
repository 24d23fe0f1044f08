/* The Region's fund allocations (riparto): per cycle, for each ATS, year and
 * funding source of the cycle's catalogue, the amount assigned. Region-wide
 * data about tenants, so it sits above cycles: the plan reads it to warn when
 * its income falls short, the comparisons read it beside the plans. Three
 * parts share this header: the model (fund_model.c: the JSON and CSV forms
 * and their checks), the data access (fund_store.c) and the routes
 * (funds.c). */
#ifndef AMBITO_FUNDS_H
#define AMBITO_FUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/field_errors.h"
#include "base/json.h"
#include "cycles/cycles.h"
#include "db/db.h"

/* Rows of one upload: 600 ATS x 10 years x 8 sources fit with room. */
#define FUND_MAX_ROWS 60000
/* Bytes of one upload, JSON or CSV: FUND_MAX_ROWS rows of about 60 bytes. */
#define FUND_MAX_BODY (4 * 1024 * 1024)
#define FUND_SLUG_MAX 64                        /* tenants.slug */
#define FUND_SOURCE_MAX 32                      /* allocations.source */
#define FUND_AMOUNT_MAX_CENTS 100000000000000LL /* amounts below 10^12 euros */

/* One allocation. tenant_id is 0 until the slug is resolved; amount is
 * decimal text with exactly two places ("1234.50"). line is the CSV line or
 * the items index + 1 it came from (0 when read from the database). */
typedef struct fund_row {
	long long tenant_id;
	const char *tenant; /* slug */
	long long year;
	const char *source;
	const char *amount;
	size_t line;
} fund_row;

/* A tenant by slug, for resolving uploads. */
typedef struct fund_tenant {
	long long id;
	const char *slug;
} fund_tenant;

/* ---- model (fund_model.c) ----
 * Each reads an upload into rows (in e's arena), adding to e one error per
 * broken rule, and returns the number of errors it added. The JSON form names
 * fields "items[6].tenant", the CSV form "line 7" with a message that starts
 * "riga 7:". Neither checks tenants, years or sources: fund_check does. */
size_t fund_parse_json(field_errors *e, const json_value *body, fund_row **out, size_t *n);
size_t fund_parse_csv(field_errors *e, const char *text, size_t len, fund_row **out, size_t *n);
/* Resolves every row's tenant (tenants sorted by slug), and checks its year
 * against the cycle, its source against the catalogue and that no (tenant,
 * year, source) comes twice. csv chooses the naming of the errors. */
size_t fund_check(field_errors *e, const cycle *c, const cycle_catalog *cat, const fund_tenant *tenants,
                  size_t ntenants, fund_row *rows, size_t n, bool csv);
/* An amount as decimal text: digits, optionally '.' and one or two digits,
 * below FUND_AMOUNT_MAX_CENTS (read by money_parse). Returns it with exactly two
 * decimals in a, or NULL with *why set to an Italian reason. */
const char *fund_amount_text(arena *a, const char *s, const char **why);

/* ---- data access (fund_store.c) ----
 * DB_OK or a DB_E* code; results live in a. */

/* Every tenant, by slug. */
int fund_store_tenants(db *d, arena *a, fund_tenant **out, size_t *n);
/* The allocations of a cycle, by tenant slug, year and source. */
int fund_store_list(db *d, arena *a, long long cycle_id, fund_row **out, size_t *n);
/* One tenant's allocations in a cycle, by year and source. */
int fund_store_tenant(db *d, arena *a, long long tenant_id, long long cycle_id, fund_row **out, size_t *n);
/* Replaces the cycle's allocations with rows (resolved), inside the caller's
 * transaction. */
int fund_store_replace(db *d, long long cycle_id, const fund_row *rows, size_t n);

void funds_register(void);      /* /api/v1/cycles/{cycle}/allocations */
void fund_pages_register(void); /* /regione/cicli/{cycle}/assegnazioni */

#endif
