/* placeholder: the cycles module */
#include "cycles.h"

void cycles_register(void)
{
}
