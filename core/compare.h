/* Placeholder: the module's owner replaces this file. */
#ifndef AMBITO_COMPARE_H
#define AMBITO_COMPARE_H

void compare_register(void);

#endif
