/* The list of modules that serve routes. */
#include "modules.h"

#include "admin/admin.h"
#include "compare/compare.h"
#include "cycles/cycles.h"
#include "funds/funds.h"
#include "http/health.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/users.h"
#include "opendata/opendata.h"
#include "sso/sso.h"
#include "tenants/member_pages.h"
#include "tenants/participation/part_pages.h"
#include "tenants/participation/participation.h"
#include "tenants/plans/monitoring.h"
#include "tenants/plans/plan_comment_pages.h"
#include "tenants/plans/plan_comments.h"
#include "tenants/plans/plan_finance_pages.h"
#include "tenants/plans/plan_pages.h"
#include "tenants/plans/plan_public.h"
#include "tenants/plans/plan_submit_pages.h"
#include "tenants/plans/plan_update_pages.h"
#include "tenants/plans/plans.h"
#include "tenants/plans/region_pages.h"
#include "tenants/plans/review_pages.h"
#include "tenants/tenants.h"
#include "web/web.h"

void modules_register(void)
{
	health_register();
	web_register();
	sso_register();
	auth_register();
	users_register();
	tenants_register();
	members_register();
	audit_register();
	cycles_register();
	plans_register();
	plan_comments_register();
	plan_public_register();
	plan_pages_register();
	plan_finance_pages_register();
	plan_submit_pages_register();
	member_pages_register();
	plan_comment_pages_register();
	region_pages_register();
	review_pages_register();
	web_account_register();
	compare_register();
	compare_pages_register();
	funds_register();
	opendata_register();
	admin_register();
	participation_register();
	part_calls_register();
	part_stakeholders_register();
	part_pages_register();
	part_public_pages_register();
	fund_pages_register();
	monitoring_register();
	monitoring_compare_register();
	monitoring_pages_register();
	plan_update_pages_register();
	monitoring_compare_pages_register();
}
