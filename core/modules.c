/* The list of modules that serve routes. */
#include "modules.h"

#include "audit.h"
#include "auth.h"
#include "compare.h"
#include "cycles.h"
#include "health.h"
#include "plan_comments.h"
#include "plan_public.h"
#include "plans.h"
#include "tenants.h"
#include "users.h"

void modules_register(void)
{
	health_register();
	auth_register();
	users_register();
	tenants_register();
	members_register();
	audit_register();
	cycles_register();
	plans_register();
	plan_comments_register();
	plan_public_register();
	compare_register();
}
