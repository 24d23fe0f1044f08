/* Placeholder: the module's owner replaces this file. */
#ifndef AMBITO_PLAN_COMMENTS_H
#define AMBITO_PLAN_COMMENTS_H

void plan_comments_register(void);

#endif
