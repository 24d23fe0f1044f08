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

void audit_register(void); /* GET /api/v1/audit */

#endif
