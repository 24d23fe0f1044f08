/* The web interface's pages of plans: the home of ATS staff (and a simple
 * one for the Region and universities), an ATS's plans, a plan's index. */
#ifndef AMBITO_PLAN_PAGES_H
#define AMBITO_PLAN_PAGES_H

void plan_pages_register(void); /* /ats/{tenant}…, and the home's content */

#endif
