/* Users and their roles (region_admin's API), and account creation shared
 * with the members API and ambitoctl. */
#ifndef AMBITO_USERS_H
#define AMBITO_USERS_H

#include "db/db.h"
#include "base/json.h"

/* Inserts a user; with password NULL a random one is generated into
 * generated (else generated is ""). Returns rows (1) or DB_E* (DB_EDUP for
 * a taken email); *id gets the new id. */
long long users_create(db *d, const char *email, const char *name, const char *region_role, const char *password,
                       char generated[21], long long *id);

/* Adds a role on the tenant named by slug: rows inserted (0 when there is
 * no such tenant) or DB_E* (DB_EDUP when it is there already). */
long long users_add_membership(db *d, long long user_id, const char *tenant_slug, const char *rolename);
long long users_add_assignment(db *d, long long user_id, const char *tenant_slug);

/* A member key: {"id","name"} of a user, or null when id is 0. */
void users_render_ref(jw *w, const char *key, long long id, const char *name);

void users_register(void);

#endif
