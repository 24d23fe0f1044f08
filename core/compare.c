/* Placeholder: the module's owner replaces this file. */
#include "compare.h"

void compare_register(void)
{
}
