/* The participation routes (SPEC §7): an ATS's thematic tables with their
 * participants, the tables' meetings, and the iCalendar feed of the
 * meetings. The ATS's coordinators and editors write; its viewers, the
 * Region's staff and the assigned universities read. */
#include <string.h>

#include "base/id.h"
#include "base/json_patch.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/scope.h"
#include "tenants/participation/participation.h"

#define GROUPS_PATH "/api/v1/tenants/{tenant}/groups"
#define MEETINGS_PATH "/api/v1/tenants/{tenant}/meetings"
#define MERGE_PATCH_TYPE "application/merge-patch+json"
#define ICS_UID_DOMAIN "ambito" /* UIDs read meeting-ID@TENANT.ambito */

static void answer_error(http_req *r, int rc, const char *what)
{
	switch (rc) {
	case PART_ENOGROUP: http_problem(r, 404, "il tavolo tematico non esiste"); break;
	case PART_ENOMEETING: http_problem(r, 404, "l'incontro non esiste"); break;
	default: http_db_error(r, rc, what); break;
	}
}

static bool path_id(http_req *r, long long *id)
{
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, id)) {
		http_problem(r, 404, "la risorsa non esiste");
		return false;
	}
	return true;
}

static const char *group_etag(http_req *r, const part_group *g)
{
	return arena_printf(r->a, "group-%lld-%lld", g->id, g->version);
}

static const char *meeting_etag(http_req *r, const part_meeting *m)
{
	return arena_printf(r->a, "meeting-%lld-%lld", m->id, m->version);
}

static bool is_merge_patch(const char *ct)
{
	static const char type[] = MERGE_PATCH_TYPE;
	if (ct == NULL)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == sizeof(type) - 1 && strncasecmp(ct, type, n) == 0;
}

/* What a PATCH leaves: the resource as a GET answers it (written by render
 * into a tree) with the request's merge patch applied. NULL after answering. */
static json_value *merged(http_req *r, jw *w)
{
	json_value *base = NULL, *patch;
	char err[64];
	size_t len = 0;
	const char *buf = jw_buffer(w, &len);
	bool ok =
	    !jw_failed(w) && json_parse(r->a, arena_strndup(r->a, buf, len), len, &base, err, sizeof(err)) == JSON_OK;
	jw_free(w);
	if (!ok) {
		http_problem(r, 500, "impossibile leggere la risorsa salvata");
		return NULL;
	}
	if (!is_merge_patch(http_header_get(r, "Content-Type"))) {
		http_problem(r, 415,
		             "una PATCH deve essere una JSON merge patch (RFC 7396): invia "
		             "Content-Type: " MERGE_PATCH_TYPE);
		return NULL;
	}
	patch = v_read_object(r);
	return patch != NULL ? json_merge_patch(r->a, base, patch) : NULL;
}

/* ---------------------------------------------------------------- groups */

static void answer_group(http_req *r, const part_group *g, int status)
{
	http_set_etag(r, group_etag(r, g));
	jw *w = http_json_begin(r);
	part_group_render(w, g);
	http_json_end(r, w, status);
}

/* The cycle's template and catalogue, which a table is checked against. */
static bool load_frame(http_req *r, long long cycle_id, cycle_template *t, cycle_catalog *cat)
{
	return http_db_ok(r, cycle_store_load_template(r->db, r->a, cycle_id, t), "lo schema") &&
	       http_db_ok(r, cycle_store_load_catalog(r->db, r->a, cycle_id, cat), "il catalogo");
}

static void get_groups(http_req *r)
{
	int limit;
	long long after, cycle_id = 0;
	if (scope_require(r, SCOPE_READERS) != 0 || v_page_after(r, ID_MAX_DIGITS, &limit, &after) != 0)
		return;
	const char *slug = http_query(r, "cycle");
	if (slug != NULL) {
		cycle *c;
		if (!http_db_ok(r, cycle_store_find(r->db, r->a, slug, false, &c), "il ciclo"))
			return;
		if (c == NULL) {
			http_problem(r, 404, "il ciclo non esiste");
			return;
		}
		cycle_id = c->id;
	}
	part_group *g;
	size_t n;
	bool more;
	int rc = part_store_groups(r->db, r->a, r->tenant->id, cycle_id, after, limit, &g, &n, &more);
	if (rc != DB_OK) {
		answer_error(r, rc, "i tavoli tematici");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_group_render(w, &g[i]);
	http_list_end(w, more ? arena_printf(r->a, "%lld", g[n - 1].id) : NULL);
	http_json_end(r, w, 200);
}

static void post_group(http_req *r)
{
	json_value *body;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (body = v_read_object(r)) == NULL)
		return;
	field_errors *e = http_errors_new(r);
	const char *slug = v_slug(e, NULL, body, "cycle", true);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	cycle *c;
	if (!http_db_ok(r, cycle_store_find(r->db, r->a, slug, false, &c), "il ciclo"))
		return;
	if (c == NULL) {
		field_errors_add(e, "cycle", "il ciclo non esiste");
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	cycle_template t;
	cycle_catalog cat;
	part_group g;
	if (!load_frame(r, c->id, &t, &cat))
		return;
	part_group_parse(e, body, &t, &cat, &g);
	for (size_t i = 0; i < g.nparticipants; i++)
		if (g.participants[i].id != 0)
			field_errors_add(e, v_index(e, NULL, "participants", i),
			                 "un tavolo nuovo non ha ancora partecipanti con un id");
	if (http_errors_answer(r, e, 422, NULL))
		return;
	g.cycle_id = c->id;
	int rc = part_store_group_insert(r->db, r->tenant->id, &g);
	part_group *saved = NULL;
	if (rc == DB_OK)
		rc = part_store_group(r->db, r->a, r->tenant->id, g.id, false, &saved);
	if (rc != DB_OK) {
		answer_error(r, rc, "il tavolo tematico");
		return;
	}
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/groups/%lld", r->tenant->slug, g.id);
	r->audit_detail = arena_printf(r->a, "group %lld created with %zu participants", g.id, g.nparticipants);
	http_set_header(r, "Location", r->audit_object);
	answer_group(r, saved, 201);
}

static part_group *path_group(http_req *r, bool for_update)
{
	long long id;
	part_group *g = NULL;
	if (!path_id(r, &id))
		return NULL;
	int rc = part_store_group(r->db, r->a, r->tenant->id, id, for_update, &g);
	if (rc != DB_OK) {
		answer_error(r, rc, "il tavolo tematico");
		return NULL;
	}
	return g;
}

static void get_group(http_req *r)
{
	part_group *g;
	if (scope_require(r, SCOPE_READERS) == 0 && (g = path_group(r, false)) != NULL)
		answer_group(r, g, 200);
}

static void patch_group(http_req *r)
{
	part_group *g;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (g = path_group(r, true)) == NULL ||
	    http_if_match(r, group_etag(r, g)) != 0)
		return;
	jw *w = jw_new(NULL, NULL);
	part_group_render(w, g);
	json_value *body = merged(r, w);
	cycle_template t;
	cycle_catalog cat;
	if (body == NULL || !load_frame(r, g->cycle_id, &t, &cat))
		return;
	field_errors *e = http_errors_new(r);
	const char *slug = json_get_str(body, "cycle");
	if (slug == NULL || strcmp(slug, g->cycle_slug) != 0)
		field_errors_add(e, "cycle", "il ciclo di un tavolo non cambia");
	part_group next;
	part_group_parse(e, body, &t, &cat, &next);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	next.id = g->id;
	next.cycle_id = g->cycle_id;
	int rc = part_store_group_update(r->db, r->tenant->id, &next);
	if (rc == PART_ENOGROUP) {
		field_errors_add(e, "participants", "un id non è di un partecipante di questo tavolo");
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	part_group *saved = NULL;
	if (rc == DB_OK)
		rc = part_store_group(r->db, r->a, r->tenant->id, g->id, false, &saved);
	if (rc != DB_OK) {
		answer_error(r, rc, "il tavolo tematico");
		return;
	}
	r->audit_detail = arena_printf(r->a, "group %lld changed (version %lld, %zu participants)", g->id,
	                               saved->version, saved->nparticipants);
	answer_group(r, saved, 200);
}

/* ---------------------------------------------------------------- meetings */

static void answer_meeting(http_req *r, const part_meeting *m, int status)
{
	http_set_etag(r, meeting_etag(r, m));
	jw *w = http_json_begin(r);
	part_meeting_render(w, m);
	http_json_end(r, w, status);
}

static bool attendance_refused(http_req *r, int rc, long long bad)
{
	if (rc != PART_ENOGROUP)
		return false;
	field_errors *e = http_errors_new(r);
	field_errors_add(e, "attendees", "%lld non è un partecipante di questo tavolo", bad);
	http_errors_answer(r, e, 422, NULL);
	return true;
}

static void get_group_meetings(http_req *r)
{
	part_group *g;
	if (scope_require(r, SCOPE_READERS) != 0 || (g = path_group(r, false)) == NULL)
		return;
	part_meeting *m;
	size_t n;
	int rc = part_store_meetings(r->db, r->a, r->tenant->id, g->id, &m, &n);
	if (rc != DB_OK) {
		answer_error(r, rc, "gli incontri");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_meeting_render(w, &m[i]);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static void post_meeting(http_req *r)
{
	part_group *g;
	json_value *body;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (g = path_group(r, true)) == NULL ||
	    (body = v_read_object(r)) == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_meeting m;
	part_meeting_parse(e, body, &m);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	m.group_id = g->id;
	long long bad = 0;
	int rc = part_store_meeting_insert(r->db, r->tenant->id, &m, &bad);
	if (attendance_refused(r, rc, bad))
		return;
	part_meeting *saved = NULL;
	if (rc == DB_OK)
		rc = part_store_meeting(r->db, r->a, r->tenant->id, m.id, false, &saved);
	if (rc != DB_OK) {
		answer_error(r, rc, "l'incontro");
		return;
	}
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/meetings/%lld", r->tenant->slug, m.id);
	r->audit_detail =
	    arena_printf(r->a, "meeting %lld of group %lld, %zu attending", m.id, g->id, saved->nattendees);
	http_set_header(r, "Location", r->audit_object);
	answer_meeting(r, saved, 201);
}

static part_meeting *path_meeting(http_req *r, bool for_update)
{
	long long id;
	part_meeting *m = NULL;
	if (!path_id(r, &id))
		return NULL;
	int rc = part_store_meeting(r->db, r->a, r->tenant->id, id, for_update, &m);
	if (rc != DB_OK) {
		answer_error(r, rc, "l'incontro");
		return NULL;
	}
	return m;
}

static void get_meeting(http_req *r)
{
	part_meeting *m;
	if (scope_require(r, SCOPE_READERS) == 0 && (m = path_meeting(r, false)) != NULL)
		answer_meeting(r, m, 200);
}

static void patch_meeting(http_req *r)
{
	part_meeting *m;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (m = path_meeting(r, true)) == NULL ||
	    http_if_match(r, meeting_etag(r, m)) != 0)
		return;
	jw *w = jw_new(NULL, NULL);
	part_meeting_render(w, m);
	json_value *body = merged(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_meeting next;
	part_meeting_parse(e, body, &next);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	next.id = m->id;
	next.group_id = m->group_id;
	long long bad = 0;
	int rc = part_store_meeting_update(r->db, r->tenant->id, &next, &bad);
	if (attendance_refused(r, rc, bad))
		return;
	part_meeting *saved = NULL;
	if (rc == DB_OK)
		rc = part_store_meeting(r->db, r->a, r->tenant->id, m->id, false, &saved);
	if (rc != DB_OK) {
		answer_error(r, rc, "l'incontro");
		return;
	}
	r->audit_detail = arena_printf(r->a, "meeting %lld changed (version %lld, %zu attending)", m->id,
	                               saved->version, saved->nattendees);
	answer_meeting(r, saved, 200);
}

static void get_ics(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	part_meeting *m;
	size_t n, len;
	int rc = part_store_all_meetings(r->db, r->a, r->tenant->id, PART_ICS_MAX_MEETINGS, &m, &n);
	if (rc != DB_OK) {
		answer_error(r, rc, "gli incontri");
		return;
	}
	const char *text = part_ics(r->a, r->tenant->slug, r->tenant->name, ICS_UID_DOMAIN, m, n, &len);
	http_set_header(r, "Content-Disposition",
	                arena_printf(r->a, "attachment; filename=\"incontri-%s.ics\"", r->tenant->slug));
	http_body(r, 200, "text/calendar; charset=utf-8", text, len);
}

static const route routes[] = {
    {HTTP_GET,
     GROUPS_PATH,
     get_groups,
     ROUTE_TENANT,
     "The tenant's thematic tables (tavoli tematici) with their participants, by id",
     NULL,
     "GroupList",
     {P_LIMIT,
      P_CURSOR,
      {"cycle", PARAM_QUERY, false, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}",
       "Solo i tavoli di questo ciclo"}}},
    {HTTP_POST, GROUPS_PATH, post_group, ROUTE_TENANT,
     "Create a thematic table of a cycle, tied to an area of the catalogue or to template sections (ATS coordinator "
     "or editor)",
     "Group", "Group", .max_body = PART_GROUP_BODY_MAX},
    {HTTP_GET, GROUPS_PATH "/{id}", get_group, ROUTE_TENANT, "A thematic table with its participants", NULL, "Group"},
    {HTTP_PATCH,
     GROUPS_PATH "/{id}",
     patch_group,
     ROUTE_TENANT,
     "Apply a JSON merge patch to a table; participants named by id are kept, the others removed, new ones added "
     "(ATS coordinator or editor, If-Match)",
     "GroupPatch",
     "Group",
     {P_IF_MATCH},
     .max_body = PART_GROUP_BODY_MAX},
    {HTTP_GET, GROUPS_PATH "/{id}/meetings", get_group_meetings, ROUTE_TENANT, "The meetings of a table, by time", NULL,
     "MeetingList"},
    {HTTP_POST, GROUPS_PATH "/{id}/meetings", post_meeting, ROUTE_TENANT,
     "Add a meeting to a table: time, place, agenda, minutes (CommonMark), attendees among its participants (ATS "
     "coordinator or editor)",
     "Meeting", "Meeting", .max_body = PART_MEETING_BODY_MAX},
    {HTTP_GET, MEETINGS_PATH "/{id}", get_meeting, ROUTE_TENANT, "A meeting with its minutes and attendance", NULL,
     "Meeting"},
    {HTTP_PATCH,
     MEETINGS_PATH "/{id}",
     patch_meeting,
     ROUTE_TENANT,
     "Apply a JSON merge patch to a meeting (ATS coordinator or editor, If-Match)",
     "MeetingPatch",
     "Meeting",
     {P_IF_MATCH},
     .max_body = PART_MEETING_BODY_MAX},
    {HTTP_GET, "/api/v1/tenants/{tenant}/meetings.ics", get_ics, ROUTE_TENANT,
     "The tenant's meetings as iCalendar (RFC 5545, text/calendar), times in UTC, for its members' calendars", NULL,
     NULL},
};

void participation_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
