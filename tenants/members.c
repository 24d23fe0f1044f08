/* ATS members: a coordinator (or the region_admin) manages who works on its
 * tenant. Adding an unknown email creates the account, with the first
 * password the coordinator chose (or, for the region_admin, one generated and
 * shown once); a person with a region role cannot become an ATS member. */
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "base/password.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "identity/users.h"
#include "tenants/tenants.h"

#define MANAGERS MEMBERS_MANAGERS

bool members_role_ok(const char *rolename)
{
	role rl = role_parse(rolename);
	return rl == ROLE_ATS_COORDINATOR || rl == ROLE_ATS_EDITOR || rl == ROLE_ATS_VIEWER;
}

static void get_members(http_req *r)
{
	int limit;
	const char *cursor;
	if (scope_require(r, MANAGERS | SCOPE_ROLE(ROLE_REGION_REVIEWER)) != 0 ||
	    http_page_params(r, &limit, &cursor) != 0)
		return;
	tenant_member *m;
	size_t n;
	bool more;
	int rc = member_store_list(r->db, r->a, r->tenant->id, cursor, limit, &m, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i membri");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		jw_kint(w, "user_id", m[i].user_id);
		jw_kstr(w, "email", m[i].email);
		jw_kstr(w, "name", m[i].name);
		jw_kstr(w, "role", m[i].role);
		jw_kbool(w, "active", m[i].active);
		jw_obj_end(w);
	}
	http_list_end(w, more ? m[n - 1].email : NULL);
	http_json_end(r, w, 200);
}

/* A coordinator's answer must not tell whether the e-mail already had an
 * account (elsewhere in the Region): the coordinator always chooses the
 * first password, used only if the account is created, and the answer is
 * the same either way. The region_admin, who sees every user anyway, may
 * leave the password out and gets a generated one for a new account. */
members_add_result members_add(http_req *r, field_errors *e, const char *email, const char *name, const char *rolename,
                               const char *password, long long *id, char generated[MEMBER_GENERATED_PASSWORD_LEN + 1])
{
	bool discreet = r->tenant->role != ROLE_REGION_ADMIN;
	user_account *u;
	*id = 0;
	generated[0] = '\0';
	int rc = user_store_find_email(r->db, r->a, email, &u);
	if (rc != DB_OK)
		return rc;
	if (u != NULL) {
		/* The one refusal that depends on the account: SPEC §1 forbids an
		 * ATS membership to a user with a region-level role (region staff,
		 * university supporters), addresses of the Region's own offices and
		 * partners. */
		if (u->region_role != ROLE_NONE) {
			field_errors_add(
			    e, "email",
			    "appartiene a un utente con un ruolo regionale, che non può essere membro di un ambito");
			return MEMBERS_ADD_REFUSED;
		}
		if (password && !discreet) {
			field_errors_add(e, "password",
			                 "l'utente esiste già: la sua password la imposta solo il titolare");
			return MEMBERS_ADD_REFUSED;
		}
		/* The hash a new account costs, spent here too, so that the time
		 * of the answer does not tell either. */
		char scratch[PASSWORD_HASH_MAX];
		int hashed = discreet ? password_hash(password, scratch, sizeof(scratch)) : 0;
		if (hashed == PASSWORD_EBUSY)
			return MEMBERS_ADD_BUSY; /* as a new account's would be: 503 either way */
		if (hashed != 0)
			return MEMBERS_ADD_FAILED;
		*id = u->id; /* its owner keeps name and password */
	} else {
		long long n = user_store_create(r->db, email, name, NULL, password, generated, id);
		if (n < 0)
			return (int)n;
	}
	rc = member_store_add(r->db, r->tenant->id, *id, rolename);
	if (rc == DB_EDUP)
		return MEMBERS_ADD_ALREADY;
	if (rc != DB_OK)
		return rc;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/members/%lld", r->tenant->slug, *id);
	r->audit_detail = arena_printf(r->a, "member %s as %s", email, rolename);
	return MEMBERS_ADD_OK;
}

static void post_member(http_req *r)
{
	json_value *body;
	if (scope_require(r, MANAGERS) != 0 || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	bool discreet = r->tenant->role != ROLE_REGION_ADMIN;
	field_errors *e = http_errors_new(r);
	static const char *const fields[] = {"email", "name", "role", "password", NULL};
	v_only(e, NULL, body, fields);
	const char *email = v_email(e, NULL, body, "email", true);
	const char *name = v_string(e, NULL, body, "name", 0, 200, false);
	const char *rolename = v_string(e, NULL, body, "role", 1, 32, true);
	const char *password = v_password(e, NULL, body, "password", discreet);
	if (rolename && !members_role_ok(rolename))
		field_errors_add(e, "role", "deve essere ats_coordinator, ats_editor o ats_viewer");
	if (http_errors_answer(r, e, 422, NULL))
		return;
	long long id;
	char generated[MEMBER_GENERATED_PASSWORD_LEN + 1];
	int rc = members_add(r, e, email, name, rolename, password, &id, generated);
	switch (rc) {
	case MEMBERS_ADD_OK: break;
	case MEMBERS_ADD_REFUSED: http_errors_answer(r, e, 422, NULL); return;
	case MEMBERS_ADD_BUSY: http_unavailable(r, NULL); return;
	case MEMBERS_ADD_FAILED: http_problem(r, 500, "impossibile elaborare la password"); return;
	case MEMBERS_ADD_ALREADY: http_problemf(r, 409, "%s è già membro di %s", email, r->tenant->slug); return;
	default: http_db_error(r, rc, "l'appartenenza"); return;
	}
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
	long long id;
	if (!id_parse(http_query(r, "user_id"), ID_MAX_DIGITS, &id)) {
		http_problem(r, 400, "indicare il membro con ?user_id=N");
		return;
	}
	if (id == r->user->user_id) {
		http_problem(r, 422,
		             "non si può rimuovere sé stessi: chiederlo a un altro coordinatore o alla Regione");
		return;
	}
	bool removed;
	int rc = member_store_remove(r->db, r->tenant->id, id, &removed);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'appartenenza");
		return;
	}
	if (!removed) {
		http_problem(r, 404, "il membro non esiste");
		return;
	}
	r->audit_detail = arena_printf(r->a, "member %lld removed", id);
	http_no_content(r);
}

static const route routes[] = {
    {HTTP_GET,
     "/api/v1/tenants/{tenant}/members",
     get_members,
     ROUTE_TENANT,
     "The tenant's members, by email",
     NULL,
     "List",
     {P_LIMIT, P_CURSOR}},
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
