/* Planning cycles published by the Region: the cycle, its catalogue, norms,
 * glossary and plan template. */
#ifndef AMBITO_CYCLES_H
#define AMBITO_CYCLES_H

void cycles_register(void);

#endif
