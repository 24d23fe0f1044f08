/* The append-only audit log: who, with which role, on which tenant, did what
 * to which object, when, and how it ended. Never passwords or tokens: only
 * the route, the object's path and a short note chosen by the code. */
#ifndef AMBITO_AUDIT_H
#define AMBITO_AUDIT_H

#include "http/http.h"

/* Writes one row for request r as it stands (status decides the outcome).
 * Runs inside the caller's transaction when there is one. DB_OK or DB_E*. */
int audit_write(http_req *r);

struct db;
/* One row for an ambitoctl command (method "CLI", route "ambitoctl
 * COMMAND"); status decides the outcome as for requests. DB_OK or DB_E*. */
int audit_cli(struct db *d, const char *command, const char *object, int status, const char *detail);

/* ---- data access (audit_store.c) ---- DB_OK or DB_E*. */

/* One row; NULL strings and 0 ids are stored as NULL. */
typedef struct audit_entry {
	long long user_id, tenant_id, status;
	const char *user_email, *role, *method, *route, *object, *outcome, *request_id, *client, *detail;
} audit_entry;

/* An audit row as read back; `at` is RFC 3339 UTC with microseconds, tenant
 * its slug. */
typedef struct audit_row {
	long long id, user_id, status; /* user_id 0: none */
	const char *at, *user_email, *role, *tenant, *method, *route, *object, *outcome, *request_id, *detail;
} audit_row;

int audit_store_insert(struct db *d, const audit_entry *e);
/* Newest first: up to limit rows of tenant_id (0: every tenant), at or
 * after since (DATETIME text, NULL: any time), with id below before (0: the
 * newest). *more tells whether older rows follow. */
int audit_store_list(struct db *d, arena *a, long long tenant_id, const char *since, long long before, int limit,
                     audit_row **out, size_t *n, bool *more);

/* What the administration's audit page filters by; NULL or 0: any. */
typedef struct audit_filter {
	long long tenant_id;
	const char *since, *until; /* DATETIME text: at >= since, at < until */
	const char *user_email;    /* exact, lowercased */
	const char *action;        /* a piece of "METHOD route" */
} audit_filter;
/* audit_store_list with every filter. */
int audit_store_search(struct db *d, arena *a, const audit_filter *f, long long before, int limit, audit_row **out,
                       size_t *n, bool *more);

void audit_register(void); /* GET /api/v1/audit */

#endif
