/* The web page of a plan's income lines (Entrate): read by every reader of
 * the plan, edited by its coordinator and editors while the plan can change,
 * through the same parser and store function as PUT …/finance. */
#ifndef AMBITO_PLAN_FINANCE_PAGES_H
#define AMBITO_PLAN_FINANCE_PAGES_H

void plan_finance_pages_register(void); /* /ats/{tenant}/piani/{cycle}/entrate */

#endif
