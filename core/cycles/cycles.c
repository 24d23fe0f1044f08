/* HTTP routes of the cycles and their rules (SPEC §4): every logged-in user
 * reads, only region_admin writes. Each handler parses and checks its input,
 * calls cycle_store_*, and renders; the dispatcher wraps writes in one
 * transaction with their audit row, and every write locks the cycle row
 * first so that the checks between resources (template against catalogue)
 * hold when two administrators work at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/id.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"

#define CYCLES_PATH "/api/v1/cycles"

/* ---------------------------------------------------------------- helpers */

/* A resource's ETag: its kind, its cycle and its version counter. */
static const char *etag_of(http_req *r, const char *kind, const cycle *c, long long version)
{
	return arena_printf(r->a, "%s-%lld-%lld", kind, c->id, version);
}

/* The cycle's representation shows template_version, so its tag moves with
 * the template too. */
static const char *cycle_etag(http_req *r, const cycle *c)
{
	return arena_printf(r->a, "cycle-%lld-%lld-%lld", c->id, c->version, c->template_version);
}

static bool require_admin(http_req *r)
{
	if (r->user->region_role == ROLE_REGION_ADMIN)
		return true;
	http_problem(r, 403, "solo un region_admin può modificare un ciclo o le sue regole");
	return false;
}

cycle *cycles_path_cycle(http_req *r, bool for_update)
{
	cycle *c;
	const char *slug = http_param(r, "cycle");
	if (!http_db_ok(r, cycle_store_find(r->db, r->a, slug, for_update, &c), "il ciclo"))
		return NULL;
	if (c == NULL && v_is_slug(slug))
		http_problemf(r, 404, "il ciclo %s non esiste", slug);
	else if (c == NULL)
		http_problem(r, 404, "il ciclo richiesto non esiste");
	return c;
}

/* For a write: the caller is region_admin and the cycle's row is locked
 * until the dispatcher's transaction ends. */
static cycle *cycle_for_write(http_req *r)
{
	if (!require_admin(r))
		return NULL;
	cycle *c = cycles_path_cycle(r, true);
	if (c != NULL)
		r->audit_object = arena_printf(r->a, "cycle:%s", c->slug);
	return c;
}

/* Catalogue, norms, glossary and template change only while the cycle is a
 * draft: once plans are written against them they must stay comparable. */
static bool rules_editable(http_req *r, const cycle *c)
{
	if (c->status == CYCLE_DRAFT)
		return true;
	http_problemf(r, 409,
	              "il ciclo è in stato %s: le sue regole sono bloccate perché i piani restino confrontabili",
	              cycle_status_name(c->status));
	return false;
}

static void answer_cycle(http_req *r, const cycle *c, int status)
{
	http_set_etag(r, cycle_etag(r, c));
	jw *w = http_json_begin(r);
	cycle_render(w, c, true);
	http_json_end(r, w, status);
}

static bool same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* ---------------------------------------------------------------- cycles */

static void answer_cycles_csv(http_req *r, const cycle *list, size_t n)
{
	static const char *const header[] = {
	    "slug", "title", "reference", "start_year", "end_year", "submission_deadline", "status"};
	csv_writer w;
	http_csv_begin(r, &w);
	csv_fields(&w, header, sizeof(header) / sizeof(header[0]));
	csv_end(&w);
	for (size_t i = 0; i < n; i++) {
		const cycle *c = &list[i];
		csv_field(&w, c->slug);
		csv_field(&w, c->title);
		csv_field(&w, c->reference);
		csv_fieldf(&w, "%lld", c->start_year);
		csv_fieldf(&w, "%lld", c->end_year);
		csv_field(&w, cycle_time_rfc3339(r->a, c->deadline));
		csv_field(&w, cycle_status_name(c->status));
		csv_end(&w);
	}
}

static void get_cycles(http_req *r)
{
	int limit;
	long long after;
	if (v_page_after(r, ID_MAX_DIGITS, &limit, &after) != 0)
		return;
	cycle *list;
	size_t n;
	bool more;
	if (!http_db_ok(r, cycle_store_list(r->db, r->a, after, limit, &list, &n, &more), "i cicli"))
		return;
	const char *next = more ? arena_printf(r->a, "%lld", list[n - 1].id) : NULL;
	int csv = http_wants_csv(r);
	if (csv < 0)
		return;
	if (csv) {
		answer_cycles_csv(r, list, n);
		if (next != NULL)
			http_set_header(r, "Link",
			                arena_printf(r->a,
			                             "<" CYCLES_PATH "?format=csv&limit=%d&cursor=%s>; rel=\"next\"",
			                             limit, next));
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		cycle_render(w, &list[i], true);
	http_list_end(w, next);
	http_json_end(r, w, 200);
}

int cycles_create(http_req *r, field_errors *e, const json_value *body, cycle *c)
{
	cycle_parse_fields(e, NULL, body, CYCLE_FIELDS_CREATE, c, NULL);
	if (field_errors_count(e) > 0)
		return CYCLES_REFUSED;
	r->audit_object = arena_printf(r->a, "cycle:%s", c->slug);
	int rc = cycle_store_insert(r->db, c);
	return rc == DB_EDUP ? CYCLES_TAKEN : rc;
}

static void post_cycle(http_req *r)
{
	if (!require_admin(r))
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle c;
	int rc = cycles_create(r, e, body, &c);
	if (rc == CYCLES_REFUSED) {
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (rc == CYCLES_TAKEN) {
		http_problemf(r, 409, "il ciclo %s esiste già", c.slug);
		return;
	}
	if (!http_db_ok(r, rc, "il ciclo"))
		return;
	http_set_header(r, "Location", arena_printf(r->a, CYCLES_PATH "/%s", c.slug));
	answer_cycle(r, &c, 201);
}

static void get_cycle(http_req *r)
{
	cycle *c = cycles_path_cycle(r, false);
	if (c != NULL)
		answer_cycle(r, c, 200);
}

/* What a PATCH may change, by status:
 *  - the status moves draft -> open -> closed only, and a cycle opens only
 *    with a template to write plans against;
 *  - draft: everything but the slug (which names the cycle in every address
 *    and, later, in every plan: never changed);
 *  - open: the title and reference may be corrected and the deadline may
 *    move (an extension is common); the years are frozen, since plans'
 *    spending and indicators are checked against them;
 *  - closed: only title and reference corrections.
 * A field sent with its current value is no change, so a client may send
 * back the whole object it read. */
static bool patch_allowed(http_req *r, const cycle *cur, const cycle *next)
{
	const char *now = cycle_status_name(cur->status);
	if (next->status != cur->status) {
		bool forward = (cur->status == CYCLE_DRAFT && next->status == CYCLE_OPEN) ||
		               (cur->status == CYCLE_OPEN && next->status == CYCLE_CLOSED);
		if (!forward) {
			http_problemf(r, 409,
			              "il ciclo è in stato %s: il suo stato passa solo da draft a open a "
			              "closed, non a %s",
			              now, cycle_status_name(next->status));
			return false;
		}
	}
	if (cur->status != CYCLE_DRAFT && (next->start_year != cur->start_year || next->end_year != cur->end_year)) {
		http_problemf(r, 409,
		              "il ciclo è in stato %s: i suoi anni sono bloccati perché i piani restino confrontabili",
		              now);
		return false;
	}
	if (cur->status == CYCLE_CLOSED &&
	    !same_text(cycle_time_rfc3339(r->a, cur->deadline), cycle_time_rfc3339(r->a, next->deadline))) {
		http_problem(r, 409, "il ciclo è chiuso: la sua scadenza non si può più spostare");
		return false;
	}
	if (cur->status == CYCLE_DRAFT && next->status == CYCLE_OPEN) {
		cycle_template t;
		if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, cur->id, &t), "lo schema"))
			return false;
		if (t.nsections == 0) {
			http_problem(r, 409,
			             "lo schema non ha ancora sezioni: scriverlo prima di aprire "
			             "il ciclo");
			return false;
		}
	}
	return true;
}

int cycles_change(http_req *r, field_errors *e, const cycle *cur, const json_value *body, cycle *next)
{
	*next = *cur;
	unsigned present;
	r->audit_object = arena_printf(r->a, "cycle:%s", cur->slug);
	cycle_parse_fields(e, NULL, body, CYCLE_FIELDS_PATCH, next, &present);
	if ((present & CYCLE_F_SLUG) && strcmp(next->slug, cur->slug) != 0)
		field_errors_add(e, "slug", "non si può modificare: identifica il ciclo in ogni indirizzo e piano");
	if (field_errors_count(e) > 0)
		return CYCLES_REFUSED;
	if (!patch_allowed(r, cur, next))
		return CYCLES_ANSWERED;
	int rc = cycle_store_update(r->db, next);
	if (rc != DB_OK)
		return rc;
	next->version = cur->version + 1;
	if (next->status != cur->status)
		r->audit_detail = arena_printf(r->a, "status %s -> %s", cycle_status_name(cur->status),
		                               cycle_status_name(next->status));
	return CYCLES_OK;
}

static void patch_cycle(http_req *r)
{
	cycle *cur = cycle_for_write(r);
	if (cur == NULL || http_if_match(r, cycle_etag(r, cur)) != 0)
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle next;
	int rc = cycles_change(r, e, cur, body, &next);
	if (rc == CYCLES_REFUSED)
		http_errors_answer(r, e, 422, NULL);
	else if (rc < 0)
		http_db_error(r, rc, "il ciclo");
	else if (rc == CYCLES_OK)
		answer_cycle(r, &next, 200);
}

/* ---------------------------------------------------------------- catalogue */

static void answer_catalog(http_req *r, const cycle *c, long long version, const cycle_catalog *cat)
{
	http_set_etag(r, etag_of(r, "catalog", c, version));
	jw *w = http_json_begin(r);
	cycle_render_catalog(w, cat);
	http_json_end(r, w, 200);
}

static void get_catalog(http_req *r)
{
	cycle_catalog cat;
	cycle *c = cycles_path_cycle(r, false);
	if (c != NULL && http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo"))
		answer_catalog(r, c, c->catalog_version, &cat);
}

static void put_catalog(http_req *r)
{
	cycle *c = cycle_for_write(r);
	if (c == NULL || http_if_match(r, etag_of(r, "catalog", c, c->catalog_version)) != 0 || !rules_editable(r, c))
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle_catalog cat;
	cycle_template tpl;
	if (cycle_parse_catalog(e, NULL, body, &cat) == 0) {
		if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, c->id, &tpl), "lo schema"))
			return;
		cycle_check_orphans(e, NULL, &cat, &tpl);
	}
	if (http_errors_answer(r, e, 422, NULL))
		return;
	if (http_db_ok(r, cycle_store_save_catalog(r->db, c->id, &cat), "il catalogo"))
		answer_catalog(r, c, c->catalog_version + 1, &cat);
}

/* ---------------------------------------------------------------- norms */

static void get_norms(http_req *r)
{
	cycle_norm *norms;
	size_t n;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL || !http_db_ok(r, cycle_store_load_norms(r->db, r->a, c->id, &norms, &n), "le norme"))
		return;
	/* At most NORMS_MAX: always one page. */
	http_set_etag(r, etag_of(r, "norms", c, c->norms_version));
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		cycle_render_norm(w, &norms[i], true);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static void post_norm(http_req *r)
{
	cycle *c = cycle_for_write(r);
	if (c == NULL || !rules_editable(r, c))
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle_norm norm;
	cycle_parse_norm(e, NULL, body, &norm);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	cycle_norm *norms;
	size_t n;
	if (!http_db_ok(r, cycle_store_load_norms(r->db, r->a, c->id, &norms, &n), "le norme"))
		return;
	if (n >= NORMS_MAX) {
		http_problemf(r, 409, "il ciclo ha già %d norme, il massimo consentito", NORMS_MAX);
		return;
	}
	if (!http_db_ok(r, cycle_store_add_norm(r->db, c->id, &norm), "la norma"))
		return;
	http_set_header(r, "Location", arena_printf(r->a, CYCLES_PATH "/%s/norms/%lld", c->slug, norm.id));
	jw *w = http_json_begin(r);
	cycle_render_norm(w, &norm, true);
	http_json_end(r, w, 201);
}

static void delete_norm(http_req *r)
{
	cycle *c = cycle_for_write(r);
	if (c == NULL || !rules_editable(r, c))
		return;
	long long id;
	bool deleted = false;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		http_problem(r, 404, "la norma richiesta non esiste in questo ciclo");
		return;
	}
	if (!http_db_ok(r, cycle_store_delete_norm(r->db, c->id, id, &deleted), "la norma"))
		return;
	if (!deleted) {
		http_problem(r, 404, "la norma richiesta non esiste in questo ciclo");
		return;
	}
	http_no_content(r);
}

/* ---------------------------------------------------------------- glossary */

static void answer_glossary(http_req *r, const cycle *c, long long version, const cycle_glossary *g)
{
	http_set_etag(r, etag_of(r, "glossary", c, version));
	jw *w = http_json_begin(r);
	cycle_render_glossary(w, g);
	http_json_end(r, w, 200);
}

static void get_glossary(http_req *r)
{
	cycle_glossary g;
	cycle *c = cycles_path_cycle(r, false);
	if (c != NULL && http_db_ok(r, cycle_store_load_glossary(r->db, r->a, c->id, &g), "il glossario"))
		answer_glossary(r, c, c->glossary_version, &g);
}

static void put_glossary(http_req *r)
{
	cycle *c = cycle_for_write(r);
	if (c == NULL || http_if_match(r, etag_of(r, "glossary", c, c->glossary_version)) != 0 || !rules_editable(r, c))
		return;
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle_glossary g;
	cycle_parse_glossary(e, NULL, body, &g);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	if (http_db_ok(r, cycle_store_save_glossary(r->db, c->id, &g), "il glossario"))
		answer_glossary(r, c, c->glossary_version + 1, &g);
}

/* ---------------------------------------------------------------- template */

static void answer_template(http_req *r, const cycle *c, long long version, const cycle_template *t)
{
	http_set_etag(r, etag_of(r, "template", c, version));
	jw *w = http_json_begin(r);
	cycle_render_template(w, t);
	http_json_end(r, w, 200);
}

static void get_template(http_req *r)
{
	cycle_template t;
	cycle *c = cycles_path_cycle(r, false);
	if (c != NULL && http_db_ok(r, cycle_store_load_template(r->db, r->a, c->id, &t), "lo schema"))
		answer_template(r, c, c->template_version, &t);
}

static void put_template(http_req *r)
{
	cycle *c = cycle_for_write(r);
	if (c == NULL || http_if_match(r, etag_of(r, "template", c, c->template_version)) != 0 || !rules_editable(r, c))
		return;
	json_value *body = v_read_object(r);
	cycle_catalog cat;
	if (body == NULL || !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo"))
		return;
	field_errors *e = http_errors_new(r);
	cycle_template t;
	cycle_parse_template(e, NULL, body, &cat, &t);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	if (!http_db_ok(r, cycle_store_save_template(r->db, c->id, &t), "lo schema"))
		return;
	r->audit_detail = arena_printf(r->a, "template version %lld", c->template_version + 1);
	answer_template(r, c, c->template_version + 1, &t);
}

/* ---------------------------------------------------------------- routes */

static const route routes[] = {
    {HTTP_GET,
     CYCLES_PATH,
     get_cycles,
     0,
     "List the planning cycles",
     NULL,
     "CycleList",
     {P_LIMIT, P_CURSOR, P_FORMAT}},
    {HTTP_POST, CYCLES_PATH, post_cycle, 0, "Create a draft cycle (region_admin)", "CycleCreate", "Cycle"},
    {HTTP_GET, CYCLES_PATH "/{cycle}", get_cycle, 0, "A cycle", NULL, "Cycle"},
    {HTTP_PATCH,
     CYCLES_PATH "/{cycle}",
     patch_cycle,
     0,
     "Correct a cycle or move its status draft → open → closed (region_admin, "
     "If-Match)",
     "CyclePatch",
     "Cycle",
     {P_IF_MATCH}},
    {HTTP_GET, CYCLES_PATH "/{cycle}/catalog", get_catalog, 0,
     "The cycle's strategic objectives with their azioni di sistema, areas and "
     "funding sources",
     NULL, "Catalog"},
    {HTTP_PUT,
     CYCLES_PATH "/{cycle}/catalog",
     put_catalog,
     0,
     "Replace the catalogue of a draft cycle (region_admin, If-Match)",
     "Catalog",
     "Catalog",
     {P_IF_MATCH}},
    {HTTP_GET, CYCLES_PATH "/{cycle}/norms", get_norms, 0, "The riferimenti normativi common to every ATS", NULL,
     "NormList"},
    {HTTP_POST, CYCLES_PATH "/{cycle}/norms", post_norm, 0, "Add a norm to a draft cycle (region_admin)", "NormInput",
     "Norm"},
    {HTTP_DELETE, CYCLES_PATH "/{cycle}/norms/{id}", delete_norm, 0, "Remove a norm from a draft cycle (region_admin)",
     NULL, NULL},
    {HTTP_GET, CYCLES_PATH "/{cycle}/glossary", get_glossary, 0, "The cycle's glossary", NULL, "Glossary"},
    {HTTP_PUT,
     CYCLES_PATH "/{cycle}/glossary",
     put_glossary,
     0,
     "Replace the glossary of a draft cycle (region_admin, If-Match)",
     "Glossary",
     "Glossary",
     {P_IF_MATCH}},
    {HTTP_GET, CYCLES_PATH "/{cycle}/template", get_template, 0, "The plan template: the ordered index of sections",
     NULL, "Template"},
    {HTTP_PUT,
     CYCLES_PATH "/{cycle}/template",
     put_template,
     0,
     "Replace the template of a draft cycle (region_admin, If-Match)",
     "Template",
     "Template",
     {P_IF_MATCH}},
};

void cycles_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
