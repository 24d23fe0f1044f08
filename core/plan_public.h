/* Placeholder: the module's owner replaces this file. */
#ifndef AMBITO_PLAN_PUBLIC_H
#define AMBITO_PLAN_PUBLIC_H

void plan_public_register(void);

#endif
