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

#endif
