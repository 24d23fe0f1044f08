/* Users: the region_admin's view of every account, with its region role,
 * ATS memberships and university assignments. A user holds one region role,
 * or ATS memberships, never both (SPEC §1); university users are assigned to
 * the ATS they follow. */
#include "identity/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"

#define USER_TENANTS_MAX 200

static const char *const user_fields[] = {"email",       "name",   "role",     "memberships",
                                          "assignments", "active", "password", NULL};

static bool require_admin(http_req *r)
{
	if (r->user->region_role == ROLE_REGION_ADMIN)
		return true;
	http_problem(r, 403, "solo un region_admin può gestire gli utenti");
	return false;
}

/* The "users/{id}" parameter as a positive id, or -1 after answering 404. */
static long long user_id_param(http_req *r)
{
	long long id;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		http_problem(r, 404, "l'utente non esiste");
		return -1;
	}
	return id;
}

static void answer_user(http_req *r, long long id, int status, const char *initial_password)
{
	identity *u;
	long long version;
	int rc = user_store_get(r->db, r->a, id, &u, &version);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'utente");
		return;
	}
	if (u == NULL) {
		http_problem(r, 404, "l'utente non esiste");
		return;
	}
	jw *w = http_json_begin(r);
	if (initial_password && *initial_password) {
		/* The identity object plus the password shown this once. */
		jw_obj_begin(w);
		jw_key(w, "user");
		auth_render_identity(w, u);
		jw_kstr(w, "initial_password", initial_password);
		jw_obj_end(w);
	} else {
		auth_render_identity(w, u);
	}
	http_json_end(r, w, status);
	http_set_etag(r, arena_printf(r->a, "u%lld", version));
}

/* Replaces memberships and assignments from the validated lists. */
static long long store_roles(http_req *r, field_errors *e, long long id, const json_value *memberships,
                             const json_value *assignments)
{
	long long rc = 0;
	if (memberships) {
		rc = user_store_clear_memberships(r->db, id);
		for (size_t i = 0; rc >= 0 && i < memberships->u.array.n; i++) {
			const json_value *m = memberships->u.array.items[i];
			rc = user_store_add_membership(r->db, id, json_get_str(m, "tenant"), json_get_str(m, "role"));
			if (rc == 0)
				field_errors_add(e, v_path(e, v_index(e, NULL, "memberships", i), "tenant"),
				                 "l'ambito non esiste");
			if (rc == DB_EDUP) {
				field_errors_add(e, v_index(e, NULL, "memberships", i),
				                 "indica lo stesso ambito due volte");
				rc = 0;
			}
		}
	}
	if (rc >= 0 && assignments) {
		rc = user_store_clear_assignments(r->db, id);
		for (size_t i = 0; rc >= 0 && i < assignments->u.array.n; i++) {
			rc = user_store_add_assignment(r->db, id, assignments->u.array.items[i]->u.string.s);
			if (rc == 0)
				field_errors_add(e, v_index(e, NULL, "assignments", i), "l'ambito non esiste");
			if (rc == DB_EDUP) {
				field_errors_add(e, v_index(e, NULL, "assignments", i), "compare due volte");
				rc = 0;
			}
		}
	}
	return rc;
}

typedef struct user_input {
	const char *email, *name, *role, *password;
	bool role_given, active, active_given;
	const json_value *memberships, *assignments;
} user_input;

static void user_read(field_errors *e, const json_value *body, bool partial, user_input *in)
{
	memset(in, 0, sizeof(*in));
	v_only(e, NULL, body, user_fields);
	in->email = v_email(e, NULL, body, "email", !partial);
	in->name = v_string(e, NULL, body, "name", 0, 200, false);
	in->role = v_string_or_null(e, NULL, body, "role", 32, &in->role_given);
	role rl = role_parse(in->role);
	if (in->role && rl != ROLE_REGION_ADMIN && rl != ROLE_REGION_REVIEWER && rl != ROLE_UNIVERSITY)
		field_errors_add(e, "role", "deve essere region_admin, region_reviewer, university o null");
	in->password = v_password(e, NULL, body, "password", false);
	in->active_given = v_bool(e, NULL, body, "active", false, &in->active);
	in->memberships = v_array(e, NULL, body, "memberships", USER_TENANTS_MAX, false);
	for (size_t i = 0; in->memberships && i < in->memberships->u.array.n; i++) {
		const json_value *m = in->memberships->u.array.items[i];
		const char *at = v_index(e, NULL, "memberships", i);
		if (m->type != JSON_OBJECT) {
			field_errors_add(e, at, "deve essere un oggetto {\"tenant\",\"role\"}");
			continue;
		}
		static const char *const mf[] = {"tenant", "role", NULL};
		v_only(e, at, m, mf);
		v_slug(e, at, m, "tenant", true);
		const char *mr = v_string(e, at, m, "role", 1, 32, true);
		role mrl = role_parse(mr);
		if (mr && mrl != ROLE_ATS_COORDINATOR && mrl != ROLE_ATS_EDITOR && mrl != ROLE_ATS_VIEWER)
			field_errors_add(e, v_path(e, at, "role"),
			                 "deve essere ats_coordinator, ats_editor o ats_viewer");
	}
	in->assignments = v_array(e, NULL, body, "assignments", USER_TENANTS_MAX, false);
	for (size_t i = 0; in->assignments && i < in->assignments->u.array.n; i++) {
		const json_value *s = in->assignments->u.array.items[i];
		if (s->type != JSON_STRING || !v_is_slug(s->u.string.s))
			field_errors_add(e, v_index(e, NULL, "assignments", i), "deve essere lo slug di un ambito");
	}
}

/* The rules of SPEC §1 on the combination of role, memberships, assignments. */
static void check_combination(field_errors *e, const char *role_after, size_t nmemberships, size_t nassigned)
{
	role rl = role_parse(role_after);
	if (rl != ROLE_NONE && nmemberships > 0)
		field_errors_add(e, "memberships",
		                 "un utente con un ruolo regionale non può essere anche membro di un ambito");
	if (rl != ROLE_UNIVERSITY && nassigned > 0)
		field_errors_add(e, "assignments", "agli ambiti si assegnano solo utenti university");
}

static void get_users(http_req *r)
{
	int limit;
	long long after;
	if (!require_admin(r) || v_page_after(r, ID_MAX_DIGITS, &limit, &after) != 0)
		return;
	identity *us;
	size_t n;
	bool more;
	int rc = user_store_list(r->db, r->a, after, limit, &us, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli utenti");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		auth_render_identity(w, &us[i]);
	http_list_end(w, more ? arena_printf(r->a, "%lld", us[n - 1].user_id) : NULL);
	http_json_end(r, w, 200);
}

int users_create(http_req *r, field_errors *e, const json_value *body, long long *id, char generated[21])
{
	user_input in;
	*id = 0;
	generated[0] = '\0';
	user_read(e, body, false, &in);
	if (field_errors_count(e) == 0)
		check_combination(e, in.role, in.memberships ? in.memberships->u.array.n : 0,
		                  in.assignments ? in.assignments->u.array.n : 0);
	if (field_errors_count(e) > 0)
		return USERS_REFUSED;
	long long rc = user_store_create(r->db, in.email, in.name, in.role, in.password, generated, id);
	if (rc == DB_EDUP)
		return USERS_TAKEN;
	if (rc >= 0 && in.active_given && !in.active)
		rc = user_store_set_active(r->db, *id, false);
	if (rc >= 0)
		rc = store_roles(r, e, *id, in.memberships, in.assignments);
	if (rc < 0)
		return (int)rc;
	if (field_errors_count(e) > 0)
		return USERS_REFUSED;
	r->audit_object = arena_printf(r->a, "/api/v1/users/%lld", *id);
	return USERS_OK;
}

static void post_users(http_req *r)
{
	json_value *body;
	if (!require_admin(r) || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	char generated[21];
	long long id;
	int rc = users_create(r, e, body, &id, generated);
	if (rc == USERS_TAKEN) {
		http_problemf(r, 409, "esiste già un utente con email %s", json_get_str(body, "email"));
		return;
	}
	if (rc < 0) {
		http_db_error(r, rc, "l'utente");
		return;
	}
	if (http_errors_answer(r, e, 422, NULL))
		return;
	answer_user(r, id, 201, generated);
	http_set_header(r, "Location", r->audit_object);
}

static void get_user(http_req *r)
{
	long long id = user_id_param(r);
	if (id > 0 && require_admin(r))
		answer_user(r, id, 200, NULL);
}

int users_change(http_req *r, field_errors *e, long long id, const identity *cur, const json_value *body)
{
	user_input in;
	user_read(e, body, true, &in);
	if (in.email)
		field_errors_add(e, "email", "non si può modificare: creare invece un nuovo utente");
	if (in.password)
		field_errors_add(e, "password", "può modificarla solo il titolare (PUT /api/v1/me/password)");
	const char *role_after = in.role_given ? in.role : role_name(cur->region_role);
	if (role_after && *role_after == '\0')
		role_after = NULL;
	if (field_errors_count(e) == 0)
		check_combination(e, role_after, in.memberships ? in.memberships->u.array.n : cur->nmemberships,
		                  in.assignments ? in.assignments->u.array.n
		                                 : (role_parse(role_after) == ROLE_UNIVERSITY ? cur->nassigned : 0));
	if (id == r->user->user_id &&
	    ((in.role_given && role_parse(in.role) != ROLE_REGION_ADMIN) || (in.active_given && !in.active)))
		field_errors_add(e, in.active_given && !in.active ? "active" : "role",
		                 "non si può togliere a sé stessi l'accesso da amministratore");
	if (field_errors_count(e) > 0)
		return USERS_REFUSED;
	long long n = user_store_update(r->db, id, in.name, in.active_given, in.active);
	if (n >= 0 && in.role_given)
		n = user_store_set_role(r->db, id, in.role);
	if (n >= 0 && in.role_given && role_parse(in.role) != ROLE_UNIVERSITY && !in.assignments)
		n = user_store_clear_assignments(r->db, id);
	if (n >= 0)
		n = store_roles(r, e, id, in.memberships, in.assignments);
	if (n < 0)
		return (int)n;
	return field_errors_count(e) > 0 ? USERS_REFUSED : USERS_OK;
}

static void patch_user(http_req *r)
{
	json_value *body;
	identity *cur;
	long long version;
	long long id = user_id_param(r);
	if (id <= 0 || !require_admin(r))
		return;
	int rc = user_store_lock(r->db, id, &version);
	if (rc == DB_OK && version == 0) {
		http_problem(r, 404, "l'utente non esiste");
		return;
	}
	if (rc == DB_OK)
		rc = user_store_get(r->db, r->a, id, &cur, &version);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'utente");
		return;
	}
	if (http_if_match(r, arena_printf(r->a, "u%lld", version)) != 0 || http_read_json(r, &body) != 0 ||
	    !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	rc = users_change(r, e, id, cur, body);
	if (rc < 0) {
		http_db_error(r, rc, "l'utente");
		return;
	}
	if (http_errors_answer(r, e, 422, NULL))
		return;
	answer_user(r, id, 200, NULL);
}

int users_reset_password(http_req *r, long long id, char generated[USER_ONE_TIME_PASSWORD_LEN + 1])
{
	long long version;
	generated[0] = '\0';
	r->audit_object = arena_printf(r->a, "/api/v1/users/%lld/password-reset", id);
	int rc = user_store_lock(r->db, id, &version);
	if (rc != DB_OK)
		return rc;
	if (version == 0)
		return USERS_MISSING;
	rc = user_store_reset_password(r->db, id, generated);
	if (rc != DB_OK) {
		generated[0] = '\0';
		return rc;
	}
	/* Never the password itself: only that one was given. */
	r->audit_detail = arena_printf(r->a, "one-time password issued for user %lld, every login ended", id);
	return USERS_OK;
}

/* The one-time password is in the answer once and nowhere else. */
static void post_password_reset(http_req *r)
{
	long long id = user_id_param(r);
	if (id <= 0 || !require_admin(r))
		return;
	char generated[USER_ONE_TIME_PASSWORD_LEN + 1];
	int rc = users_reset_password(r, id, generated);
	if (rc == USERS_MISSING) {
		http_problem(r, 404, "l'utente non esiste");
		return;
	}
	if (rc != USERS_OK) {
		http_db_error(r, rc, "la password");
		return;
	}
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "one_time_password", generated);
	jw_kbool(w, "must_change_password", true);
	jw_obj_end(w);
	http_json_end(r, w, 200);
	http_set_header(r, "Cache-Control", "no-store");
}

static const route routes[] = {
    {HTTP_GET, "/api/v1/users", get_users, 0, "Every user (region_admin)", NULL, "List", {P_LIMIT, P_CURSOR}},
    {HTTP_POST, "/api/v1/users", post_users, 0, "Create a user (region_admin)", "UserInput", "User"},
    {HTTP_GET, "/api/v1/users/{id}", get_user, 0, "A user (region_admin)", NULL, "User"},
    {HTTP_PATCH,
     "/api/v1/users/{id}",
     patch_user,
     0,
     "Change roles, name or active (region_admin, If-Match)",
     "UserInput",
     "User",
     {P_IF_MATCH}},
    {HTTP_POST, "/api/v1/users/{id}/password-reset", post_password_reset, 0,
     "Reset a password to a one-time password that must be changed at the next login (region_admin)", NULL,
     "PasswordReset"},
};

void users_render_ref(jw *w, const char *key, long long id, const char *name)
{
	jw_key(w, key);
	if (id == 0) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "name", name);
	jw_obj_end(w);
}

void users_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
