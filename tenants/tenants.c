/* Tenants (ATS) and their Comuni. The Region creates and edits them; every
 * caller lists the tenants it may see. The slug names a tenant for good: it
 * is never changed, so links and audit rows stay true. */
#include "tenants/tenants.h"

#include <string.h>

#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"

#define COMUNI_MAX TENANT_COMUNI_MAX
#define TENANT_FIELD_MAX 200

static const char *const tenant_fields[] = {"slug",         "code",     "name",   "capofila",
                                            "ente_gestore", "province", "comuni", NULL};
static const char *const comune_fields[] = {"istat_code", "name", "population", NULL};

typedef struct tenant_input {
	tenant t;    /* the fields given; NULL when absent */
	bool comuni; /* whether the Comuni were given (t.comuni, t.ncomuni) */
} tenant_input;

static bool is_istat(const char *s)
{
	return s && strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

/* Reads and checks a tenant body; partial for PATCH (nothing required). */
static void tenant_read(arena *a, field_errors *e, const json_value *body, bool partial, tenant_input *in)
{
	memset(in, 0, sizeof(*in));
	tenant *t = &in->t;
	v_only(e, NULL, body, tenant_fields);
	t->slug = v_slug(e, NULL, body, "slug", !partial);
	t->code = v_string(e, NULL, body, "code", 1, 32, !partial);
	t->name = v_string(e, NULL, body, "name", 1, TENANT_FIELD_MAX, !partial);
	t->capofila = v_string(e, NULL, body, "capofila", 0, TENANT_FIELD_MAX, false);
	t->ente_gestore = v_string(e, NULL, body, "ente_gestore", 0, TENANT_FIELD_MAX, false);
	t->province = v_string(e, NULL, body, "province", 0, 2, false);
	if (t->province && *t->province &&
	    (strlen(t->province) != 2 || t->province[0] < 'A' || t->province[0] > 'Z' || t->province[1] < 'A' ||
	     t->province[1] > 'Z'))
		field_errors_add(e, "province", "deve essere la sigla di provincia di due lettere, es. FM");
	const json_value *list = v_array(e, NULL, body, "comuni", COMUNI_MAX, !partial);
	in->comuni = list != NULL;
	t->comuni = arena_calloc(a, list ? list->u.array.n + 1 : 1, sizeof(*t->comuni));
	for (size_t i = 0; list && i < list->u.array.n; i++) {
		const json_value *c = list->u.array.items[i];
		const char *at = v_index(e, NULL, "comuni", i);
		if (c->type != JSON_OBJECT) {
			field_errors_add(e, at, "deve essere un oggetto");
			continue;
		}
		v_only(e, at, c, comune_fields);
		const char *code = v_string(e, at, c, "istat_code", 6, 6, true);
		if (code && !is_istat(code))
			field_errors_add(e, v_path(e, at, "istat_code"), "deve essere il codice ISTAT di 6 cifre");
		for (size_t k = 0; code && k < i; k++) {
			const char *prev = json_get_str(list->u.array.items[k], "istat_code");
			if (prev && strcmp(prev, code) == 0)
				field_errors_add(e, v_path(e, at, "istat_code"), "compare due volte");
		}
		const char *name = v_string(e, at, c, "name", 1, TENANT_FIELD_MAX, true);
		long long pop = 0;
		v_int(e, at, c, "population", 0, 10000000, true, &pop);
		t->comuni[t->ncomuni++] = (tenant_comune){code, name, pop};
	}
}

/* Writes one tenant with its Comuni and total population. */
static void tenant_render(jw *w, const tenant *t)
{
	jw_obj_begin(w);
	jw_kstr(w, "slug", t->slug);
	jw_kstr(w, "code", t->code);
	jw_kstr(w, "name", t->name);
	jw_kstr(w, "capofila", t->capofila);
	jw_kstr(w, "ente_gestore", t->ente_gestore);
	jw_kstr(w, "province", t->province);
	jw_kint(w, "population", t->population);
	jw_key(w, "comuni");
	jw_arr_begin(w);
	for (size_t i = 0; i < t->ncomuni; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "istat_code", t->comuni[i].istat_code);
		jw_kstr(w, "name", t->comuni[i].name);
		jw_kint(w, "population", t->comuni[i].population);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void answer_tenant(http_req *r, long long id, int status)
{
	tenant *t;
	int rc = tenant_store_get(r->db, r->a, id, &t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'ambito");
		return;
	}
	if (t == NULL) {
		http_problem(r, 404, "l'ambito non esiste");
		return;
	}
	jw *w = http_json_begin(r);
	tenant_render(w, t);
	http_json_end(r, w, status);
	http_set_etag(r, arena_printf(r->a, "t%lld", t->version));
}

static bool require_region_admin(http_req *r)
{
	if (r->user->region_role == ROLE_REGION_ADMIN)
		return true;
	http_problem(r, 403, "solo un region_admin può eseguire questa operazione");
	return false;
}

/* A page is two statements whatever its size: the ids after the cursor
 * (scope.c picks those the caller sees), then the page's tenants with their
 * Comuni. */
static void get_tenants(http_req *r)
{
	int limit;
	const char *cursor;
	long long *ids, *page;
	size_t nids, n = 0, ntenants = 0;
	tenant *ts = NULL;
	bool more = false;
	if (http_page_params(r, &limit, &cursor) != 0)
		return;
	if (cursor != NULL && !v_is_slug(cursor)) { /* the cursor is the last slug shown */
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "cursor", "non è un cursore valido: usa il next_cursor dell'ultima pagina");
		http_errors_answer(r, e, 400, "un parametro della query non è valido");
		return;
	}
	int rc = tenant_store_ids_after(r->db, r->a, cursor, &ids, &nids);
	page = arena_calloc(r->a, (size_t)limit + 1, sizeof(*page));
	for (size_t i = 0; rc == DB_OK && i < nids && !more; i++) {
		if (!scope_can_see(r->user, ids[i]))
			continue;
		if (n == (size_t)limit)
			more = true;
		else
			page[n++] = ids[i];
	}
	if (rc == DB_OK)
		rc = tenant_store_load(r->db, r->a, page, n, &ts, &ntenants);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli ambiti");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < ntenants; i++)
		tenant_render(w, &ts[i]);
	http_list_end(w, more && ntenants > 0 ? ts[ntenants - 1].slug : NULL);
	http_json_end(r, w, 200);
}

int tenants_create(http_req *r, field_errors *e, const json_value *body, long long *id)
{
	tenant_input in;
	*id = 0;
	tenant_read(r->a, e, body, false, &in);
	if (field_errors_count(e) > 0)
		return TENANTS_REFUSED;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s", in.t.slug);
	int rc = tenant_store_insert(r->db, &in.t, id);
	if (rc == DB_EDUP)
		return *id == 0 ? TENANTS_TAKEN : TENANTS_COMUNE_TAKEN;
	if (rc != DB_OK)
		return rc;
	r->audit_tenant_id = *id;
	return TENANTS_OK;
}

static void post_tenants(http_req *r)
{
	json_value *body;
	long long id = 0;
	if (!require_region_admin(r) || http_read_json(r, &body) != 0 || !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	int rc = tenants_create(r, e, body, &id);
	if (rc == TENANTS_REFUSED) {
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (rc == TENANTS_TAKEN) {
		http_problemf(r, 409, "esiste già un ambito con slug %s o codice %s", json_get_str(body, "slug"),
		              json_get_str(body, "code"));
		return;
	}
	if (rc == TENANTS_COMUNE_TAKEN) {
		http_problem(r, 409, "uno dei Comuni appartiene già a un altro ambito");
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'ambito");
		return;
	}
	answer_tenant(r, id, 201);
	http_set_header(r, "Location", r->audit_object);
}

static void get_tenant(http_req *r)
{
	answer_tenant(r, r->tenant->id, 200);
}

int tenants_change(http_req *r, field_errors *e, long long id, const char *slug, const json_value *body)
{
	tenant_input in;
	tenant_read(r->a, e, body, true, &in);
	if (in.t.slug && strcmp(in.t.slug, slug) != 0)
		field_errors_add(e, "slug", "non si può modificare");
	if (field_errors_count(e) > 0)
		return TENANTS_REFUSED;
	return tenant_store_update(r->db, id, &in.t, in.comuni);
}

static void patch_tenant(http_req *r)
{
	json_value *body;
	long long version;
	if (!require_region_admin(r))
		return;
	int rc = tenant_store_lock(r->db, r->tenant->id, &version);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'ambito");
		return;
	}
	if (http_if_match(r, arena_printf(r->a, "t%lld", version)) != 0 || http_read_json(r, &body) != 0 ||
	    !v_body_object(r, body))
		return;
	field_errors *e = http_errors_new(r);
	rc = tenants_change(r, e, r->tenant->id, r->tenant->slug, body);
	if (rc == TENANTS_REFUSED) {
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, rc == DB_EDUP ? "quel codice o uno di quei Comuni" : "l'ambito");
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
