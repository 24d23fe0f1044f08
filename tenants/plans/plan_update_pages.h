/* The plan as a process in the ATS's pages: allocations, monitoring links
 * and the annual update form (plan_update_pages.c). */
#ifndef AMBITO_PLAN_UPDATE_PAGES_H
#define AMBITO_PLAN_UPDATE_PAGES_H

#include "tenants/plans/plans.h"
#include "web/web.h"

/* Writes, on the plan index, the Region's allocations to the tenant and,
 * for an approved or published plan, the links to each year's monitoring
 * and (coordinator, open cycle) to the annual update. */
void plan_update_index(web_page *p, http_req *r, const cycle *c, const plan *pl, const fund_row *rows, size_t n);

void plan_update_pages_register(void); /* /ats/{tenant}/piani/{cycle}/aggiorna */

#endif
