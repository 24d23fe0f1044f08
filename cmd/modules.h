/* Every module's routes, registered in one place in a fixed order. */
#ifndef AMBITO_MODULES_H
#define AMBITO_MODULES_H

void modules_register(void);

#endif
