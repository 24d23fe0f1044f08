/* ambitoctl demo-load's parts: the tenants and users (ctl_demo.c) and the
 * plans, brought to their demo states through the plans module
 * (ctl_demo_plans.c). */
#ifndef AMBITO_CTL_DEMO_H
#define AMBITO_CTL_DEMO_H

#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "db/db.h"

/* Loads the "plans" array of a demo set into cycle_slug, inside the caller's
 * transaction; *loaded counts them. -1 with a message in err on the first
 * plan that cannot be loaded. */
int ctl_demo_load_plans(db *d, arena *a, const char *cycle_slug, const json_value *plans, size_t *loaded, char *err,
                        size_t errlen);

/* Loads the "participation" array of a demo set (per tenant: tables with
 * their meetings, calls with their candidacies, the map of local bodies)
 * into cycle_slug, before the plans: a plan section's working_group may name
 * a table by its name, and is given the table's id in plans. -1 with a
 * message in err on the first thing that cannot be loaded. */
int ctl_demo_load_participation(db *d, arena *a, const char *cycle_slug, const json_value *list, json_value *plans,
                                size_t *loaded, char *err, size_t errlen);

#endif
