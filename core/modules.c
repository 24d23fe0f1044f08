/* The list of modules that serve routes. */
#include "modules.h"

#include "auth.h"
#include "health.h"

void modules_register(void)
{
	health_register();
	auth_register();
}
