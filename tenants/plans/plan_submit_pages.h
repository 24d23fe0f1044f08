/* The web pages of a plan's submission: check, submit, receipt, history. */
#ifndef AMBITO_PLAN_SUBMIT_PAGES_H
#define AMBITO_PLAN_SUBMIT_PAGES_H

void plan_submit_pages_register(void);

#endif
