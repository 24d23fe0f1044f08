/* The ATS of the Region: the list in natural order (ATS 1, 7, 13, 20) with
 * their Comuni and populations, and the form that creates or edits one, its
 * Comuni a table of rows (righe.js adds rows). The form becomes the body the
 * API takes and goes through tenants_create / tenants_change: the same
 * checks, the same audit object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "base/natural_order.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/tenants.h"

#define TENANTS_PAGE_MAX 2000 /* ATS on the list: a Region has tens, the national demo 600 */
#define COMUNI_BLANK_ROWS 3   /* blank rows under the Comuni, without the script */

static const char *const comune_keys[] = {"istat_code", "name", "population", "rimuovi", NULL};

static int by_slug(const void *x, const void *y)
{
	return natural_compare(((const tenant *)x)->slug, ((const tenant *)y)->slug);
}

static void get_tenants(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	long long *ids;
	size_t nids, n = 0;
	tenant *ts = NULL;
	int rc = tenant_store_ids_after(r->db, r->a, "", &ids, &nids);
	bool cut = nids > TENANTS_PAGE_MAX;
	if (rc == DB_OK)
		rc = tenant_store_load(r->db, r->a, ids, cut ? TENANTS_PAGE_MAX : nids, &ts, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli ambiti");
		return;
	}
	qsort(ts, n, sizeof(*ts), by_slug);
	web_crumb c[] = {{"Ambiti territoriali", NULL}};
	web_page *p = admin_page(r, "Ambiti territoriali", c, 1);
	html *h = web_html(p);
	const char *done = http_query(r, "fatto");
	if (done != NULL && strcmp(done, "creato") == 0)
		admin_alert(p, "success", "Ambito creato.");
	if (r->user->region_role == ROLE_REGION_ADMIN)
		html_raw(h,
		         "<p><a class=\"btn btn-primary\" href=\"" ADMIN_PATH "/ambiti/nuovo\">Nuovo ambito</a></p>");
	long long total = 0;
	for (size_t i = 0; i < n; i++)
		total += ts[i].population;
	html_rawf(h, "<p>%zu ambiti, ", n);
	html_text(h, html_int(r->a, total));
	html_raw(h, " abitanti.</p>");
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Ambiti\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Ambiti territoriali sociali, "
	            "con i Comuni e la popolazione</caption><thead><tr><th scope=\"col\">Ambito</th><th "
	            "scope=\"col\">Codice</th><th scope=\"col\">Capofila</th><th scope=\"col\">Ente gestore</th>"
	            "<th scope=\"col\">Provincia</th><th scope=\"col\">Comuni</th><th scope=\"col\" "
	            "class=\"text-end\">Popolazione</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const tenant *t = &ts[i];
		html_raw(h, "<tr><th scope=\"row\"><a href=\"" ADMIN_PATH "/ambiti/");
		html_text(h, t->slug);
		html_raw(h, "\">");
		html_text(h, t->name);
		html_raw(h, "</a></th><td class=\"text-nowrap\">");
		html_text(h, t->code);
		html_raw(h, "</td><td>");
		html_text(h, t->capofila);
		html_raw(h, "</td><td>");
		html_text(h, t->ente_gestore);
		html_raw(h, "</td><td>");
		html_text(h, t->province);
		html_rawf(h, "</td><td><details><summary>%zu Comuni</summary><ul class=\"ambito-comuni\">", t->ncomuni);
		for (size_t k = 0; k < t->ncomuni; k++) {
			html_raw(h, "<li>");
			html_text(h, t->comuni[k].name);
			html_raw(h, " (");
			html_text(h, html_int(r->a, t->comuni[k].population));
			html_raw(h, ")</li>");
		}
		html_raw(h, "</ul></details></td><td class=\"text-end\">");
		html_text(h, html_int(r->a, t->population));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
	if (cut)
		html_rawf(h, "<p>Sono mostrati i primi %d ambiti.</p>", TENANTS_PAGE_MAX);
	web_page_end(p, 200);
}

/* What the form shows: the stored tenant or what the user typed. */
typedef struct tenant_view {
	const char *slug, *code, *name, *capofila, *ente_gestore, *province;
	const char **istat, **cname, **pop; /* rows */
	size_t nrows;
	long long version; /* 0 for a new ATS */
	admin_errors errs;
	const char *refused, *notice;
} tenant_view;

static void tenant_form(http_req *r, tenant_view *v, int status)
{
	bool create = v->version == 0;
	web_crumb c[] = {{"Ambiti territoriali", ADMIN_PATH "/ambiti"}, {create ? "Nuovo ambito" : v->name, NULL}};
	web_page *p = admin_page(r, create ? "Nuovo ambito" : arena_printf(r->a, "Ambito %s", v->name), c, 2);
	html *h = web_html(p);
	bool admin = r->user->region_role == ROLE_REGION_ADMIN;
	if (v->notice)
		admin_alert(p, "success", v->notice);
	if (v->refused)
		admin_alert(p, "danger", v->refused);
	admin_error_summary(p, &v->errs);
	admin_form_begin(p, create ? ADMIN_PATH "/ambiti/nuovo" : arena_printf(r->a, ADMIN_PATH "/ambiti/%s", v->slug),
	                 v->version);
	if (create)
		web_field_input(p, "slug", "Identificativo negli indirizzi (es. ats-21: minuscole, cifre, trattini)",
		                "text", v->slug, admin_error_of(&v->errs, "campo-slug"), "off");
	web_field_input(p, "code", "Codice (es. ATS 21)", "text", v->code, admin_error_of(&v->errs, "campo-code"),
	                "off");
	web_field_input(p, "name", "Nome", "text", v->name, admin_error_of(&v->errs, "campo-name"), "off");
	web_field_input(p, "capofila", "Comune capofila", "text", v->capofila,
	                admin_error_of(&v->errs, "campo-capofila"), "off");
	web_field_input(p, "ente_gestore", "Ente gestore", "text", v->ente_gestore,
	                admin_error_of(&v->errs, "campo-ente_gestore"), "off");
	web_field_input(p, "province", "Provincia (sigla di due lettere, es. FM)", "text", v->province,
	                admin_error_of(&v->errs, "campo-province"), "off");
	html_raw(h, "</div></div><h2 id=\"comuni\">Comuni</h2>");
	const char *cerr = admin_error_of(&v->errs, "comuni");
	if (cerr) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-comuni\">");
		html_text(h, cerr);
		html_raw(h, "</p>");
	}
	size_t rows = v->nrows + COMUNI_BLANK_ROWS;
	html_rawf(h,
	          "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Comuni\"><table "
	          "class=\"table ambito-table ambito-rows\" data-righe=\"comuni\" data-next=\"%zu\"><caption "
	          "class=\"visually-hidden\">Comuni dell’ambito</caption><thead><tr><th scope=\"col\">Codice "
	          "ISTAT</th><th scope=\"col\">Comune</th><th scope=\"col\">Popolazione</th><th "
	          "scope=\"col\">Rimuovi</th></tr></thead><tbody>",
	          rows);
	for (size_t i = 0; i < rows; i++) {
		bool has = i < v->nrows;
		html_rawf(h, "<tr data-riga=\"%zu\">", i);
		static const char *const keys[] = {"istat_code", "name", "population"};
		static const char *const labels[] = {"Codice ISTAT", "Comune", "Popolazione"};
		const char *vals[] = {has ? v->istat[i] : NULL, has ? v->cname[i] : NULL, has ? v->pop[i] : NULL};
		for (size_t k = 0; k < 3; k++) {
			const char *id = arena_printf(r->a, "comuni-%zu-%s", i, keys[k]);
			admin_cell_input(p, id, arena_printf(r->a, "comuni[%zu].%s", i, keys[k]),
			                 arena_printf(r->a, "%s, riga %zu", labels[k], i + 1), "text", vals[k],
			                 admin_error_of(&v->errs, id));
		}
		const char *id = arena_printf(r->a, "comuni-%zu-rimuovi", i);
		html_raw(h, "<td><input type=\"checkbox\" class=\"ambito-remove\" id=\"");
		html_text(h, id);
		html_rawf(h, "\" name=\"comuni[%zu].rimuovi\" value=\"1\"> <label for=\"", i);
		html_text(h, id);
		html_rawf(h, "\">Rimuovi<span class=\"visually-hidden\"> la riga %zu</span></label></td></tr>", i + 1);
	}
	html_raw(h, "</tbody></table></div>");
	if (admin)
		html_raw(h, create ? "<button type=\"submit\" class=\"btn btn-primary\">Crea l’ambito</button>"
		                   : "<button type=\"submit\" class=\"btn btn-primary\">Salva le modifiche</button>");
	html_raw(h, "</form>");
	web_page_script(p, "righe.js");
	web_page_end(p, status);
}

static void view_from_tenant(http_req *r, tenant_view *v, const tenant *t)
{
	memset(v, 0, sizeof(*v));
	v->slug = t->slug;
	v->code = t->code;
	v->name = t->name;
	v->capofila = t->capofila;
	v->ente_gestore = t->ente_gestore;
	v->province = t->province;
	v->version = t->version;
	v->nrows = t->ncomuni;
	v->istat = arena_calloc(r->a, t->ncomuni + 1, sizeof(char *));
	v->cname = arena_calloc(r->a, t->ncomuni + 1, sizeof(char *));
	v->pop = arena_calloc(r->a, t->ncomuni + 1, sizeof(char *));
	for (size_t i = 0; i < t->ncomuni; i++) {
		v->istat[i] = t->comuni[i].istat_code;
		v->cname[i] = t->comuni[i].name;
		v->pop[i] = arena_printf(r->a, "%lld", t->comuni[i].population);
	}
}

static const char *trimmed(http_req *r, const char *s)
{
	if (s == NULL)
		return NULL;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return arena_strndup(r->a, s, n);
}

/* Reads the form into v and writes the body the API takes; rowmap[k] is
 * the form row of the body's comuni[k]. NULL, after the 400 page, when a value
 * is no UTF-8. */
static json_value *tenant_body(http_req *r, const web_form *f, bool create, tenant_view *v, size_t **rowmap)
{
	v->slug = create ? trimmed(r, web_form_get(f, "slug")) : v->slug;
	v->code = trimmed(r, web_form_get(f, "code"));
	v->name = trimmed(r, web_form_get(f, "name"));
	v->capofila = trimmed(r, web_form_get(f, "capofila"));
	v->ente_gestore = trimmed(r, web_form_get(f, "ente_gestore"));
	v->province = trimmed(r, web_form_get(f, "province"));
	size_t rows = admin_form_rows(f, r, "comuni", comune_keys, TENANT_COMUNI_MAX + COMUNI_BLANK_ROWS + 100);
	v->istat = arena_calloc(r->a, rows + 1, sizeof(char *));
	v->cname = arena_calloc(r->a, rows + 1, sizeof(char *));
	v->pop = arena_calloc(r->a, rows + 1, sizeof(char *));
	*rowmap = arena_calloc(r->a, rows + 1, sizeof(size_t));
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	if (create)
		jw_kstr(w, "slug", v->slug ? v->slug : "");
	jw_kstr(w, "code", v->code ? v->code : "");
	jw_kstr(w, "name", v->name ? v->name : "");
	jw_kstr(w, "capofila", v->capofila ? v->capofila : "");
	jw_kstr(w, "ente_gestore", v->ente_gestore ? v->ente_gestore : "");
	jw_kstr(w, "province", v->province ? v->province : "");
	jw_key(w, "comuni");
	jw_arr_begin(w);
	size_t k = 0;
	v->nrows = 0;
	for (size_t i = 0; i < rows; i++) {
		const char *code = trimmed(r, web_form_get(f, arena_printf(r->a, "comuni[%zu].istat_code", i)));
		const char *name = trimmed(r, web_form_get(f, arena_printf(r->a, "comuni[%zu].name", i)));
		const char *pop = trimmed(r, web_form_get(f, arena_printf(r->a, "comuni[%zu].population", i)));
		const char *gone = web_form_get(f, arena_printf(r->a, "comuni[%zu].rimuovi", i));
		if ((gone != NULL && *gone) || ((!code || !*code) && (!name || !*name) && (!pop || !*pop)))
			continue;
		/* Kept rows are shown again packed, so the form's row is the body's. */
		v->istat[v->nrows] = code;
		v->cname[v->nrows] = name;
		v->pop[v->nrows] = pop;
		(*rowmap)[k++] = v->nrows++;
		jw_obj_begin(w);
		jw_kstr(w, "istat_code", code ? code : "");
		jw_kstr(w, "name", name ? name : "");
		jw_key(w, "population");
		/* A number the way people write it (12.345) is read as one; anything
		 * else goes as text and the API's check says what is wrong. */
		char digits[24];
		size_t nd = 0;
		for (const char *s = pop ? pop : ""; *s && nd < sizeof(digits) - 1; s++)
			if (*s >= '0' && *s <= '9')
				digits[nd++] = *s;
			else if (*s != '.') {
				nd = 0;
				break;
			}
		digits[nd] = '\0';
		if (nd > 0 && nd < 12)
			jw_int(w, atoll(digits));
		else
			jw_str(w, pop ? pop : "");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return web_form_body(r, w);
}

/* The API's errors beside the form's fields. */
static void take_errors(http_req *r, const field_errors *e, const size_t *rowmap, tenant_view *v)
{
	for (size_t i = 0; i < field_errors_kept(e); i++) {
		const char *field = field_errors_field(e, i), *msg = field_errors_message(e, i);
		size_t k;
		char key[32];
		if (sscanf(field, "comuni[%zu].%31s", &k, key) == 2)
			admin_error(&v->errs, arena_printf(r->a, "comuni-%zu-%s", rowmap[k], key),
			            arena_printf(r->a, "Comune alla riga %zu: %s", rowmap[k] + 1, msg));
		else if (strncmp(field, "comuni", 6) == 0)
			admin_error(&v->errs, "comuni", arena_printf(r->a, "Comuni: %s", msg));
		else
			admin_error(&v->errs, admin_field_id(r, field), msg);
	}
}

static void get_new(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	tenant_view v = {0};
	tenant_form(r, &v, 200);
}

static void post_new(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	web_form f;
	if (!web_form_read(r, &f))
		return;
	tenant_view v = {0};
	size_t *rowmap;
	json_value *body = tenant_body(r, &f, true, &v, &rowmap);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	long long id;
	int rc = tenants_create(r, e, body, &id);
	switch (rc) {
	case TENANTS_OK:
		r->audit_detail = "created (from the web)";
		web_redirect(r, ADMIN_PATH "/ambiti?fatto=creato");
		return;
	case TENANTS_REFUSED: take_errors(r, e, rowmap, &v); break;
	case TENANTS_TAKEN:
		admin_error(&v.errs, "campo-slug",
		            "Esiste già un ambito con questo identificativo o con questo codice.");
		break;
	case TENANTS_COMUNE_TAKEN: v.refused = "Uno dei Comuni appartiene già a un altro ambito."; break;
	default: http_db_error(r, rc, "l’ambito"); return;
	}
	tenant_form(r, &v, rc == TENANTS_REFUSED ? 422 : 409);
}

static tenant *path_tenant(http_req *r)
{
	tenant *t;
	int rc = tenant_store_get(r->db, r->a, r->tenant->id, &t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l’ambito");
		return NULL;
	}
	if (t == NULL)
		web_error_page(r, 404, NULL);
	return t;
}

static void get_edit(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	tenant *t = path_tenant(r);
	if (t == NULL)
		return;
	tenant_view v;
	view_from_tenant(r, &v, t);
	const char *done = http_query(r, "fatto");
	if (done != NULL && strcmp(done, "1") == 0)
		v.notice = "Modifiche salvate.";
	tenant_form(r, &v, 200);
}

static void post_edit(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	long long version;
	int rc = tenant_store_lock(r->db, r->tenant->id, &version);
	tenant *t = rc == DB_OK ? path_tenant(r) : NULL;
	if (rc != DB_OK) {
		http_db_error(r, rc, "l’ambito");
		return;
	}
	if (t == NULL)
		return;
	web_form f;
	if (!web_form_read(r, &f))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s", t->slug);
	tenant_view v = {.slug = t->slug, .version = version};
	size_t *rowmap;
	json_value *body = tenant_body(r, &f, false, &v, &rowmap);
	if (body == NULL)
		return;
	if (!admin_version_current(r, &f, version)) {
		v.refused = "Qualcuno ha modificato l’ambito mentre lo stavi modificando: controlla i dati "
		            "qui sotto (sono quelli che hai scritto) e salva di nuovo.";
		tenant_form(r, &v, 409);
		return;
	}
	field_errors *e = http_errors_new(r);
	rc = tenants_change(r, e, t->id, t->slug, body);
	if (rc == TENANTS_OK) {
		r->audit_detail = "changed (from the web)";
		web_redirect(r, arena_printf(r->a, ADMIN_PATH "/ambiti/%s?fatto=1", t->slug));
		return;
	}
	if (rc == TENANTS_REFUSED)
		take_errors(r, e, rowmap, &v);
	else if (rc == DB_EDUP)
		v.refused = "Il codice è già di un altro ambito, o uno dei Comuni appartiene a un altro ambito.";
	else {
		http_db_error(r, rc, "l’ambito");
		return;
	}
	tenant_form(r, &v, rc == TENANTS_REFUSED ? 422 : 409);
}

static const route routes[] = {
    {HTTP_GET, ADMIN_PATH "/ambiti", get_tenants, ROUTE_PAGE, "Gli ambiti con i loro Comuni"},
    {HTTP_GET, ADMIN_PATH "/ambiti/nuovo", get_new, ROUTE_PAGE, "Il modulo di un nuovo ambito"},
    {HTTP_POST, ADMIN_PATH "/ambiti/nuovo", post_new, ROUTE_PAGE, "Crea un ambito"},
    {HTTP_GET, ADMIN_PATH "/ambiti/{tenant}", get_edit, ROUTE_PAGE | ROUTE_TENANT, "Un ambito e i suoi Comuni"},
    {HTTP_POST, ADMIN_PATH "/ambiti/{tenant}", post_edit, ROUTE_PAGE | ROUTE_TENANT, "Modifica un ambito"},
};

void admin_tenant_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
