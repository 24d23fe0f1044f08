/* The comments page of a plan's section (…/sezioni/{key}/commenti). */
#ifndef AMBITO_PLAN_COMMENT_PAGES_H
#define AMBITO_PLAN_COMMENT_PAGES_H

void plan_comment_pages_register(void);

#endif
