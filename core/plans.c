/* Placeholder: the module's owner replaces this file. */
#include "plans.h"

void plans_register(void)
{
}
