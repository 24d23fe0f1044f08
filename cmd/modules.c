/* The list of modules that serve routes. */
#include "modules.h"

#include "compare/compare.h"
#include "cycles/cycles.h"
#include "funds/funds.h"
#include "http/health.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/users.h"
#include "tenants/plans/plan_comments.h"
#include "tenants/plans/plan_public.h"
#include "tenants/plans/plans.h"
#include "tenants/tenants.h"

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
	funds_register();
}
