/* Placeholder: the module's owner replaces this file. */
#include "plan_public.h"

void plan_public_register(void)
{
}
