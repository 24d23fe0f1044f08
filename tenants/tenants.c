/* Tenants (ATS) and their Comuni. The Region creates and edits them; every
 * caller lists the tenants it may see. The slug names a tenant for good: it
 * is never changed, so links and audit rows stay true. */
#include "tenants/tenants.h"

#include <string.h>

#include "identity/auth.h"
#include "db/db.h"
#include "http/router.h"
#include "identity/scope.h"
#include "http/validate.h"

#define COMUNI_MAX 200
#define TENANT_FIELD_MAX 200

static const char *const tenant_fields[] = {"slug",         "code",     "name",   "capofila",
                                            "ente_gestore", "province", "comuni", NULL};
static const char *const comune_fields[] = {"istat_code", "name", "population", NULL};

typedef struct tenant_input {
	const char *slug, *code, *name, *capofila, *ente_gestore, *province;
	const json_value *comuni; /* validated list, or NULL when absent */
} tenant_input;

static bool is_istat(const char *s)
{
	return s && strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

/* Reads and checks a tenant body; partial for PATCH (nothing required). */
static void tenant_read(http_errors *e, const json_value *body, bool partial, tenant_input *in)
{
	memset(in, 0, sizeof(*in));
	v_only(e, NULL, body, tenant_fields);
	in->slug = v_slug(e, NULL, body, "slug", !partial);
	in->code = v_string(e, NULL, body, "code", 1, 32, !partial);
	in->name = v_string(e, NULL, body, "name", 1, TENANT_FIELD_MAX, !partial);
	in->capofila = v_string(e, NULL, body, "capofila", 0, TENANT_FIELD_MAX, false);
	in->ente_gestore = v_string(e, NULL, body, "ente_gestore", 0, TENANT_FIELD_MAX, false);
	in->province = v_string(e, NULL, body, "province", 0, 2, false);
	if (in->province && *in->province &&
	    (strlen(in->province) != 2 || in->province[0] < 'A' || in->province[0] > 'Z' || in->province[1] < 'A' ||
	     in->province[1] > 'Z'))
		http_errors_add(e, "province", "must be a two-letter province code, e.g. FM");
	const json_value *list = v_array(e, NULL, body, "comuni", COMUNI_MAX, !partial);
	for (size_t i = 0; list && i < list->u.array.n; i++) {
		const json_value *c = list->u.array.items[i];
		const char *at = v_index(e, NULL, "comuni", i);
		if (c->type != JSON_OBJECT) {
			http_errors_add(e, at, "must be an object");
			continue;
		}
		v_only(e, at, c, comune_fields);
		const char *code = v_string(e, at, c, "istat_code", 6, 6, true);
		if (code && !is_istat(code))
			http_errors_add(e, v_path(e, at, "istat_code"), "must be the 6-digit ISTAT code");
		for (size_t k = 0; code && k < i; k++) {
			const char *prev = json_get_str(list->u.array.items[k], "istat_code");
			if (prev && strcmp(prev, code) == 0)
				http_errors_add(e, v_path(e, at, "istat_code"), "appears twice");
		}
		v_string(e, at, c, "name", 1, TENANT_FIELD_MAX, true);
		long long pop;
		v_int(e, at, c, "population", 0, 10000000, true, &pop);
	}
	in->comuni = list;
}

static long long comuni_store(http_req *r, long long tenant_id, const json_value *list)
{
	long long rc = db_exec(r->db, "DELETE FROM comuni WHERE tenant_id = ?", "i", tenant_id);
	for (size_t i = 0; rc >= 0 && i < list->u.array.n; i++) {
		const json_value *c = list->u.array.items[i];
		rc = db_exec(
		    r->db,
		    "INSERT INTO comuni (tenant_id, istat_code, name, population, position) VALUES (?, ?, ?, ?, ?)",
		    "issii", tenant_id, json_get_str(c, "istat_code"), json_get_str(c, "name"),
		    json_get(c, "population")->u.number.integer, (long long)i);
	}
	return rc;
}

/* Writes one tenant (with its Comuni and total population) from its id. */
static int tenant_render(http_req *r, jw *w, long long id, long long *version)
{
	db_res *t, *c;
	int rc = db_query(
	    r->db, r->a, &t,
	    "SELECT slug, code, name, capofila, ente_gestore, province, version FROM tenants WHERE id = ?", "i", id);
	if (rc == DB_OK)
		rc = db_query(r->db, r->a, &c,
		              "SELECT istat_code, name, population FROM comuni WHERE tenant_id = ? ORDER BY position",
		              "i", id);
	if (rc != DB_OK)
		return rc;
	if (db_nrows(t) != 1)
		return 1;
	long long population = 0;
	for (size_t i = 0; i < db_nrows(c); i++)
		population += db_int(c, i, 2);
	jw_obj_begin(w);
	jw_kstr(w, "slug", db_val(t, 0, 0));
	jw_kstr(w, "code", db_val(t, 0, 1));
	jw_kstr(w, "name", db_val(t, 0, 2));
	jw_kstr(w, "capofila", db_val(t, 0, 3));
	jw_kstr(w, "ente_gestore", db_val(t, 0, 4));
	jw_kstr(w, "province", db_val(t, 0, 5));
	jw_kint(w, "population", population);
	jw_key(w, "comuni");
	jw_arr_begin(w);
	for (size_t i = 0; i < db_nrows(c); i++) {
		jw_obj_begin(w);
		jw_kstr(w, "istat_code", db_val(c, i, 0));
		jw_kstr(w, "name", db_val(c, i, 1));
		jw_kint(w, "population", db_int(c, i, 2));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	if (version)
		*version = db_int(t, 0, 6);
	return DB_OK;
}

static void answer_tenant(http_req *r, long long id, int status)
{
	long long version = 0;
	jw *w = http_json_begin(r);
	int rc = tenant_render(r, w, id, &version);
	if (rc != DB_OK) {
		jw_free(w);
		if (rc > 0)
			http_problem(r, 404, "no such tenant");
		else
			http_db_error(r, rc, "the tenant");
		return;
	}
	http_json_end(r, w, status);
	http_set_etag(r, arena_printf(r->a, "t%lld", version));
}

static bool require_region_admin(http_req *r)
{
	if (r->user->region_role == ROLE_REGION_ADMIN)
		return true;
	http_problem(r, 403, "only a region_admin may do this");
	return false;
}

static void get_tenants(http_req *r)
{
	int limit;
	const char *cursor;
	if (http_page_params(r, &limit, &cursor) != 0)
		return;
	db_res *res;
	int rc = db_query(r->db, r->a, &res, "SELECT id, slug FROM tenants WHERE slug > ? ORDER BY slug", "s",
	                  cursor ? cursor : "");
	if (rc != DB_OK) {
		http_db_error(r, rc, "the tenants");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	int n = 0;
	const char *last = NULL;
	bool more = false;
	for (size_t i = 0; i < db_nrows(res); i++) {
		if (!scope_can_see(r->user, db_int(res, i, 0)))
			continue;
		if (n == limit) {
			more = true;
			break;
		}
		rc = tenant_render(r, w, db_int(res, i, 0), NULL);
		if (rc < 0)
			break;
		last = db_val(res, i, 1);
		n++;
	}
	http_list_end(w, more ? last : NULL);
	if (rc < 0) {
		jw_free(w);
		http_db_error(r, rc, "the tenants");
		return;
	}
	http_json_end(r, w, 200);
}

static void post_tenants(http_req *r)
{
	json_value *body;
	tenant_input in;
	if (!require_region_admin(r) || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	http_errors *e = http_errors_new(r);
	tenant_read(e, body, false, &in);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	long long rc = db_exec(r->db,
	                       "INSERT INTO tenants (slug, code, name, capofila, ente_gestore, province)"
	                       " VALUES (?, ?, ?, ?, ?, ?)",
	                       "ssssss", in.slug, in.code, in.name, in.capofila ? in.capofila : "",
	                       in.ente_gestore ? in.ente_gestore : "", in.province ? in.province : "");
	if (rc == DB_EDUP) {
		http_problemf(r, 409, "a tenant with slug %s or code %s already exists", in.slug, in.code);
		return;
	}
	long long id = (long long)db_last_id(r->db);
	if (rc >= 0)
		rc = comuni_store(r, id, in.comuni);
	if (rc == DB_EDUP) {
		http_problem(r, 409, "one of the Comuni already belongs to another tenant");
		return;
	}
	if (rc < 0) {
		http_db_error(r, rc, "the tenant");
		return;
	}
	r->audit_tenant_id = id;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s", in.slug);
	answer_tenant(r, id, 201);
	http_set_header(r, "Location", r->audit_object);
}

static void get_tenant(http_req *r)
{
	answer_tenant(r, r->tenant->id, 200);
}

static void patch_tenant(http_req *r)
{
	json_value *body;
	tenant_input in;
	db_res *res;
	if (!require_region_admin(r))
		return;
	int rc = db_query(r->db, r->a, &res, "SELECT version FROM tenants WHERE id = ? FOR UPDATE", "i", r->tenant->id);
	if (rc != DB_OK) {
		http_db_error(r, rc, "the tenant");
		return;
	}
	if (http_if_match(r, arena_printf(r->a, "t%s", db_val(res, 0, 0))) != 0 || http_read_json(r, &body) != 0 ||
	    !v_body_object(r, body))
		return;
	http_errors *e = http_errors_new(r);
	tenant_read(e, body, true, &in);
	if (in.slug && strcmp(in.slug, r->tenant->slug) != 0)
		http_errors_add(e, "slug", "cannot be changed");
	if (http_errors_answer(r, e, 422, NULL))
		return;
	long long n = db_exec(r->db,
	                      "UPDATE tenants SET code = COALESCE(?, code), name = COALESCE(?, name),"
	                      " capofila = COALESCE(?, capofila), ente_gestore = COALESCE(?, ente_gestore),"
	                      " province = COALESCE(?, province), version = version + 1, updated_at = NOW(6)"
	                      " WHERE id = ?",
	                      "sssssi", in.code, in.name, in.capofila, in.ente_gestore, in.province, r->tenant->id);
	if (n >= 0 && in.comuni)
		n = comuni_store(r, r->tenant->id, in.comuni);
	if (n < 0) {
		http_db_error(r, n, n == DB_EDUP ? "that code or one of those Comuni" : "the tenant");
		return;
	}
	answer_tenant(r, r->tenant->id, 200);
}

static const route routes[] = {
    {HTTP_GET,
     "/api/v1/tenants",
     get_tenants,
     0,
     "The tenants (ATS) the caller may see",
     NULL,
     "List",
     {P_LIMIT, P_CURSOR}},
    {HTTP_POST, "/api/v1/tenants", post_tenants, 0, "Create a tenant (region_admin)", "Tenant", "Tenant"},
    {HTTP_GET, "/api/v1/tenants/{tenant}", get_tenant, ROUTE_TENANT, "A tenant with its Comuni", NULL, "Tenant"},
    {HTTP_PATCH,
     "/api/v1/tenants/{tenant}",
     patch_tenant,
     ROUTE_TENANT,
     "Change a tenant (region_admin, If-Match)",
     "Tenant",
     "Tenant",
     {P_IF_MATCH}},
};

void tenants_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
