/* Placeholder: the module's owner replaces this file. */
#include "plan_comments.h"

void plan_comments_register(void)
{
}
