/* Placeholder: the module's owner replaces this file. */
#ifndef AMBITO_PLANS_H
#define AMBITO_PLANS_H

void plans_register(void);

#endif
