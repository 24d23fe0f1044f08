/* ATS members: a coordinator (or the region_admin) manages who works on its
 * tenant. Adding an unknown email creates the account, with a password shown
 * once; a person with a region role cannot become an ATS member. */
#include <stdlib.h>
#include <string.h>

#include "identity/auth.h"
#include "db/db.h"
#include "http/router.h"
#include "identity/scope.h"
#include "tenants/tenants.h"
#include "identity/users.h"
#include "http/validate.h"

#define MANAGERS (SCOPE_ROLE(ROLE_REGION_ADMIN) | SCOPE_ROLE(ROLE_ATS_COORDINATOR))

static void get_members(http_req *r)
{
	if (scope_require(r, MANAGERS | SCOPE_ROLE(ROLE_REGION_REVIEWER)) != 0)
		return;
	db_res *res;
	int rc = db_query(
	    r->db, r->a, &res,
	    "SELECT u.id, u.email, u.name, m.role, u.active FROM memberships m JOIN users u ON u.id = m.user_id"
	    " WHERE m.tenant_id = ? ORDER BY u.email",
	    "i", r->tenant->id);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the members");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < db_nrows(res); i++) {
		jw_obj_begin(w);
		jw_kint(w, "user_id", db_int(res, i, 0));
		jw_kstr(w, "email", db_val(res, i, 1));
		jw_kstr(w, "name", db_val(res, i, 2));
		jw_kstr(w, "role", db_val(res, i, 3));
		jw_kbool(w, "active", db_int(res, i, 4) == 1);
		jw_obj_end(w);
	}
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static void post_member(http_req *r)
{
	json_value *body;
	if (scope_require(r, MANAGERS) != 0 || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	http_errors *e = http_errors_new(r);
	static const char *const fields[] = {"email", "name", "role", "password", NULL};
	v_only(e, NULL, body, fields);
	const char *email = v_email(e, NULL, body, "email", true);
	const char *name = v_string(e, NULL, body, "name", 0, 200, false);
	const char *rolename = v_string(e, NULL, body, "role", 1, 32, true);
	const char *password = v_password(e, NULL, body, "password", false);
	role rl = role_parse(rolename);
	if (rolename && rl != ROLE_ATS_COORDINATOR && rl != ROLE_ATS_EDITOR && rl != ROLE_ATS_VIEWER)
		http_errors_add(e, "role", "must be ats_coordinator, ats_editor or ats_viewer");
	if (http_errors_answer(r, e, 422, NULL))
		return;
	db_res *res;
	int rc = db_query(r->db, r->a, &res, "SELECT id, region_role FROM users WHERE email = ?", "s", email);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the user");
		return;
	}
	char generated[21] = "";
	long long id;
	if (db_nrows(res) == 1) {
		if (!db_isnull(res, 0, 1)) {
			http_errors_add(e, "email",
			                "belongs to a user with a region role, who cannot be an ATS member");
			http_errors_answer(r, e, 422, NULL);
			return;
		}
		if (password) {
			http_errors_add(e, "password", "the user exists already: only its owner sets its password");
			http_errors_answer(r, e, 422, NULL);
			return;
		}
		id = db_int(res, 0, 0);
	} else {
		long long n = users_create(r->db, email, name, NULL, password, generated, &id);
		if (n < 0) {
			http_db_error(r, n, "the user");
			return;
		}
	}
	long long n = db_exec(r->db, "INSERT INTO memberships (tenant_id, user_id, role) VALUES (?, ?, ?)", "iis",
	                      r->tenant->id, id, rolename);
	if (n == DB_EDUP) {
		http_problemf(r, 409, "%s is already a member of %s", email, r->tenant->slug);
		return;
	}
	if (n < 0) {
		http_db_error(r, n, "the membership");
		return;
	}
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/members/%lld", r->tenant->slug, id);
	r->audit_detail = arena_printf(r->a, "member %s as %s", email, rolename);
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kint(w, "user_id", id);
	jw_kstr(w, "email", email);
	jw_kstr(w, "role", rolename);
	if (*generated)
		jw_kstr(w, "initial_password", generated);
	jw_obj_end(w);
	http_json_end(r, w, 201);
}

static void delete_member(http_req *r)
{
	if (scope_require(r, MANAGERS) != 0)
		return;
	const char *s = http_query(r, "user_id");
	if (s == NULL || *s == '\0' || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s)) {
		http_problem(r, 400, "name the member with ?user_id=N");
		return;
	}
	long long id = atoll(s);
	if (id == r->user->user_id) {
		http_problem(r, 422, "you cannot remove yourself; ask another coordinator or the Region");
		return;
	}
	long long n =
	    db_exec(r->db, "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?", "ii", r->tenant->id, id);
	if (n < 0) {
		http_db_error(r, n, "the membership");
		return;
	}
	if (n == 0) {
		http_problem(r, 404, "no such member");
		return;
	}
	r->audit_detail = arena_printf(r->a, "member %lld removed", id);
	http_no_content(r);
}

static const route routes[] = {
    {HTTP_GET, "/api/v1/tenants/{tenant}/members", get_members, ROUTE_TENANT, "The tenant's members", NULL, "List"},
    {HTTP_POST, "/api/v1/tenants/{tenant}/members", post_member, ROUTE_TENANT,
     "Add a member, creating the account if needed (coordinator, region_admin)", "Member", "Member"},
    {HTTP_DELETE,
     "/api/v1/tenants/{tenant}/members",
     delete_member,
     ROUTE_TENANT,
     "Remove a member: ?user_id=N (coordinator, region_admin)",
     NULL,
     NULL,
     {{"user_id", PARAM_QUERY, true, "{\"type\":\"integer\",\"minimum\":1}", "L'utente da togliere dall'ATS"}}},
};

void members_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
