/* Tenant-scoped routes: tenants and their Comuni, ATS members; and their
 * data access (tenant_store.c, member_store.c), which holds all their SQL. */
#ifndef AMBITO_TENANTS_H
#define AMBITO_TENANTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/field_errors.h"
#include "db/db.h"
#include "http/http.h"
#include "identity/scope.h"

typedef struct tenant_comune {
	const char *istat_code, *name;
	long long population;
} tenant_comune;

typedef struct tenant {
	long long id, version;
	const char *slug, *code, *name, *capofila, *ente_gestore, *province;
	long long population; /* the sum over its Comuni */
	tenant_comune *comuni;
	size_t ncomuni;
} tenant;

typedef struct tenant_member {
	long long user_id;
	const char *email, *name, *role;
	bool active;
} tenant_member;

/* ---- data access (tenant_store.c) ----
 * DB_OK or a DB_E* code; loaded data lives in a. Writes run inside the
 * dispatcher's transaction. */

/* The ids of every tenant whose slug sorts after `after` ("" for all), in
 * slug order: which of them a caller sees is scope.c's business. */
int tenant_store_ids_after(db *d, arena *a, const char *after, long long **ids, size_t *n);
/* The tenants of ids with their Comuni, in slug order, in one statement
 * whatever their number; ids that name no tenant are left out. */
int tenant_store_load(db *d, arena *a, const long long *ids, size_t nids, tenant **out, size_t *n);
/* *out is NULL when there is no such tenant. */
int tenant_store_get(db *d, arena *a, long long id, tenant **out);
/* Locks the tenant's row and reads its version (0 when there is none). */
int tenant_store_lock(db *d, long long id, long long *version);
/* Inserts t with its Comuni. DB_EDUP when the slug or the code is taken
 * (*id still 0) or one of the Comuni belongs to another tenant (*id set). */
int tenant_store_insert(db *d, const tenant *t, long long *id);
/* Changes the fields of t that are not NULL and bumps the version; with
 * comuni true, replaces the Comuni by t's. */
int tenant_store_update(db *d, long long id, const tenant *t, bool comuni);

/* ---- data access (member_store.c) ---- */
/* A page of the tenant's members by email, after the email after (NULL:
 * from the first); *more when a next page follows. */
int member_store_list(db *d, arena *a, long long tenant_id, const char *after, int limit, tenant_member **out,
                      size_t *n, bool *more);
/* DB_EDUP when the user is a member already. */
int member_store_add(db *d, long long tenant_id, long long user_id, const char *rolename);
/* *removed is false when the user was no member. */
int member_store_remove(db *d, long long tenant_id, long long user_id, bool *removed);

/* Changes the member's role; *changed is false when the user is no member. */
int member_store_set_role(db *d, long long tenant_id, long long user_id, const char *rolename, bool *changed);

/* ---- members, for the API and the pages (members.c) ---- */

/* Who manages a tenant's members: its coordinators and the region_admin. */
#define MEMBERS_MANAGERS (SCOPE_ROLE(ROLE_REGION_ADMIN) | SCOPE_ROLE(ROLE_ATS_COORDINATOR))
/* The length of a generated first password (user_store_create's). */
#define MEMBER_GENERATED_PASSWORD_LEN 20

/* ats_coordinator, ats_editor or ats_viewer. */
bool members_role_ok(const char *rolename);

enum {
	MEMBERS_ADD_OK = 0,
	MEMBERS_ADD_REFUSED = 1, /* the reason is in the field errors */
	MEMBERS_ADD_ALREADY = 2, /* a member already */
	MEMBERS_ADD_BUSY = 3,    /* the hashing pool is full */
	MEMBERS_ADD_FAILED = 4,  /* the hash could not be made */
};
typedef int members_add_result; /* one of the above, or a DB_E* code (< 0) */
/* Adds email to r's tenant as rolename (already checked), creating the
 * account with password (the coordinator's choice) or a generated one
 * (region_admin, password NULL) when there is none; the outcome does not
 * tell a coordinator whether the account existed. Sets the audit object and
 * detail on success. */
members_add_result members_add(http_req *r, field_errors *e, const char *email, const char *name, const char *rolename,
                               const char *password, long long *id, char generated[MEMBER_GENERATED_PASSWORD_LEN + 1]);

/* ---- the API's rules, for the API and the administration pages (tenants.c) ---- */
#define TENANT_COMUNI_MAX 200 /* Comuni of one ATS */
enum {
	TENANTS_OK = 0,
	TENANTS_REFUSED = 1,      /* the reasons are in the field errors */
	TENANTS_TAKEN = 2,        /* the slug or the code names another ATS */
	TENANTS_COMUNE_TAKEN = 3, /* a Comune belongs to another ATS */
};
/* Creates an ATS from the body POST /api/v1/tenants takes, checked as the
 * API checks it. One of the above or a DB_E* code; sets the audit object. */
int tenants_create(http_req *r, field_errors *e, const json_value *body, long long *id);
/* Changes ATS id (slug, locked by the caller) from the body PATCH takes:
 * TENANTS_OK, TENANTS_REFUSED or a DB_E* code (DB_EDUP: the code or a
 * Comune is another's). */
int tenants_change(http_req *r, field_errors *e, long long id, const char *slug, const json_value *body);

void tenants_register(void);
void members_register(void);

#endif
