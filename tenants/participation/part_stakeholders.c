/* The map of local bodies (mappatura degli enti, SPEC §7): the ATS keeps
 * its bodies with a contact and a public flag; anyone reads the public
 * ones, without contacts, as JSON, CSV and a page grouped by kind and
 * Comune. A tenant without a public body answers exactly as one that does
 * not exist. */
#include <string.h>

#include "base/csv.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/scope.h"
#include "tenants/participation/participation.h"
#include "web/web.h"

#define NOT_PUBLISHED "l'ATS non ha pubblicato la mappatura degli enti"

static void write_csv(http_req *r, const part_stakeholder *s, size_t n, bool with_contact)
{
	csv_writer w;
	http_csv_begin(r, &w);
	csv_field(&w, "name");
	csv_field(&w, "kind");
	csv_field(&w, "comune");
	if (with_contact) {
		csv_field(&w, "contact");
		csv_field(&w, "public");
	}
	csv_end(&w);
	for (size_t i = 0; i < n; i++) {
		csv_field(&w, s[i].name);
		csv_field(&w, s[i].kind);
		csv_field(&w, s[i].comune);
		if (with_contact) {
			csv_field(&w, s[i].contact);
			csv_field(&w, s[i].public ? "true" : "false");
		}
		csv_end(&w);
	}
}

static void answer_list(http_req *r, const part_stakeholder *s, size_t n, bool with_contact)
{
	int csv = http_wants_csv(r);
	if (csv < 0)
		return;
	if (csv) {
		write_csv(r, s, n, with_contact);
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_stakeholder_render(w, &s[i], with_contact);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static void get_stakeholders(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	part_stakeholder *s;
	size_t n;
	if (http_db_ok(r, part_store_stakeholders(r->db, r->a, r->tenant->id, false, &s, &n), "la mappatura"))
		answer_list(r, s, n, true);
}

static void post_stakeholder(http_req *r)
{
	json_value *body;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (body = v_read_object(r)) == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_stakeholder s;
	part_stakeholder_parse(e, body, &s);
	if (http_errors_answer(r, e, 422, NULL) ||
	    !http_db_ok(r, part_store_stakeholder_insert(r->db, r->tenant->id, &s), "l'ente"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/stakeholders/%lld", r->tenant->slug, s.id);
	r->audit_detail = arena_printf(r->a, "stakeholder %lld added (%s)", s.id, s.public ? "public" : "not public");
	jw *w = http_json_begin(r);
	part_stakeholder_render(w, &s, true);
	http_json_end(r, w, 201);
}

/* The public bodies of the {tenant} of the path; NULL after answering. */
static part_stakeholder *public_map(http_req *r, const char **name, size_t *n)
{
	long long tenant_id;
	part_stakeholder *s = NULL;
	if (!http_db_ok(r, part_store_public_map(r->db, r->a, http_param(r, "tenant"), &tenant_id, name),
	                "la mappatura"))
		return NULL;
	if (tenant_id == 0) {
		http_problem(r, 404, NOT_PUBLISHED);
		return NULL;
	}
	if (!http_db_ok(r, part_store_stakeholders(r->db, r->a, tenant_id, true, &s, n), "la mappatura"))
		return NULL;
	return s;
}

static void get_public_stakeholders(http_req *r)
{
	const char *name;
	size_t n;
	part_stakeholder *s = public_map(r, &name, &n);
	if (s != NULL)
		answer_list(r, s, n, false);
}

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The public page: a heading per kind, under it a list per Comune. */
static void get_map_page(http_req *r)
{
	const char *name;
	size_t n;
	part_stakeholder *s = public_map(r, &name, &n);
	if (s == NULL)
		return;
	const char *slug = http_param(r, "tenant");
	web_crumb c[] = {{"Partecipa", "/partecipa"}, {"Mappatura degli enti", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Mappatura degli enti — %s", name), c, 2);
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">Gli enti e le organizzazioni del territorio coinvolti nella programmazione "
	            "sociale dell'ambito, come l'ATS li ha resi pubblici.</p>\n<p><a href=\"");
	html_text(h, arena_printf(r->a, "/api/v1/public/tenants/%s/stakeholders?format=csv", slug));
	html_raw(h, "\">Scarica l'elenco in CSV</a></p>\n");
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || !same(s[i].kind, s[i - 1].kind)) {
			if (i > 0)
				html_raw(h, "</ul>\n</section>\n");
			html_raw(h, "<section class=\"mb-4\">\n");
			html_elem(h, "h2", "h4", s[i].kind);
		} else if (!same(s[i].comune, s[i - 1].comune)) {
			html_raw(h, "</ul>\n");
		}
		if (i == 0 || !same(s[i].kind, s[i - 1].kind) || !same(s[i].comune, s[i - 1].comune)) {
			html_elem(h, "h3", "h6", s[i].comune != NULL ? s[i].comune : "Tutto l'ambito");
			html_raw(h, "<ul>\n");
		}
		html_elem(h, "li", NULL, s[i].name);
	}
	if (n > 0)
		html_raw(h, "</ul>\n</section>\n");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET,
     "/api/v1/tenants/{tenant}/stakeholders",
     get_stakeholders,
     ROUTE_TENANT,
     "The tenant's map of local bodies with contacts, by kind, Comune and name",
     NULL,
     "StakeholderList",
     {P_FORMAT}},
    {HTTP_POST, "/api/v1/tenants/{tenant}/stakeholders", post_stakeholder, ROUTE_TENANT,
     "Add a body to the map (ATS coordinator or editor)", "Stakeholder", "Stakeholder",
     .max_body = PART_STAKEHOLDER_BODY_MAX},
    {HTTP_GET,
     "/api/v1/public/tenants/{tenant}/stakeholders",
     get_public_stakeholders,
     ROUTE_PUBLIC | ROUTE_UNSCOPED,
     "The public bodies of a tenant's map, without contacts; 404 while it has none, as for a tenant that does not "
     "exist",
     NULL,
     "PublicStakeholderList",
     {P_FORMAT}},
    {HTTP_GET, "/partecipa/{tenant}/enti", get_map_page, ROUTE_PUBLIC | ROUTE_UNSCOPED,
     "The public bodies of a tenant's map as an HTML page, grouped by kind and Comune; 404 as the JSON list"},
};

void part_stakeholders_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
