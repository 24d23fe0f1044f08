/* The ATS's participation pages: its thematic tables with participants and
 * meetings, the printable minutes (verbale), the calendar, the public calls
 * with their candidacies, and the map of local bodies. Coordinators and
 * editors write (calls and candidacies: the coordinator), the ATS's viewers,
 * the Region and assigned universities read. Each form builds the JSON body
 * the API would get and runs the API's parser on it; each write is audited
 * on the API's object, "(from the web)". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/id.h"
#include "base/markdown.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/scope.h"
#include "tenants/participation/part_form.h"
#include "tenants/participation/part_pages.h"
#include "tenants/participation/participation.h"
#include "web/web.h"

#define CYCLES_LISTED 50 /* cycles offered for a new table */

/* ---------------------------------------------------------------- helpers */

static const char *home_href(http_req *r)
{
	return arena_printf(r->a, "/ats/%s/partecipazione", r->tenant->slug);
}

static bool can_write(http_req *r)
{
	return r->tenant->role == ROLE_ATS_COORDINATOR || r->tenant->role == ROLE_ATS_EDITOR;
}

static bool is_coordinator(http_req *r)
{
	return r->tenant->role == ROLE_ATS_COORDINATOR;
}

/* The UTC instant (seconds) at which summer time starts or ends in year y:
 * 01:00 UTC on the last Sunday of March or October. */
static time_t last_sunday_0100(int y, int month)
{
	struct tm t = {.tm_year = y - 1900, .tm_mon = month - 1, .tm_mday = 31, .tm_hour = 1};
	time_t at = timegm(&t);
	struct tm g;
	gmtime_r(&at, &g);
	return at - (time_t)g.tm_wday * 86400;
}

/* "2021-05-03T10:30" (or with ":ss") in Europe/Rome -> "2021-05-03T08:30:00Z";
 * NULL when unreadable. */
const char *part_rome_to_utc(arena *a, const char *local)
{
	int y, mo, d, hh, mi, ss = 0;
	char tail;
	if (local == NULL || (sscanf(local, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &hh, &mi, &ss, &tail) != 6 &&
	                      sscanf(local, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &hh, &mi, &tail) != 5))
		return NULL;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 59)
		return NULL;
	struct tm t = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mi, .tm_sec = ss};
	time_t at = timegm(&t) - 3600; /* as if CET */
	if (at - 3600 >= last_sunday_0100(y, 3) && at - 3600 < last_sunday_0100(y, 10))
		at -= 3600; /* CEST */
	struct tm g;
	gmtime_r(&at, &g);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", g.tm_year + 1900, g.tm_mon + 1, g.tm_mday, g.tm_hour,
	                    g.tm_min, g.tm_sec);
}

static void field(web_page *p, const part_form *v, const char *name, const char *label, const char *type)
{
	web_field_input(p, name, label, type, part_form_typed(v, name), part_form_error(v, name), "off");
}

static void textarea(web_page *p, const part_form *v, const char *name, const char *label, int rows)
{
	html *h = web_html(p);
	const char *err = part_form_error(v, name), *value = part_form_typed(v, name);
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, label);
	html_rawf(h, "</label><textarea class=\"form-control%s\" rows=\"%d\" id=\"campo-", err ? " is-invalid" : "",
	          rows);
	html_text(h, name);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\"");
	if (err) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		html_text(h, name);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	html_text(h, value ? value : "");
	html_raw(h, "</textarea>");
	if (err) {
		html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-");
		html_text(h, name);
		html_raw(h, "\">");
		html_text(h, err);
		html_raw(h, "</div>");
	}
	html_raw(h, "</div>");
}

/* A fieldset of checkboxes named name, one per (id, label). */
static void checkboxes(web_page *p, const part_form *v, const char *name, const char *legend, const long long *ids,
                       const char *const *labels, size_t n)
{
	html *h = web_html(p);
	http_req *r = web_req(p);
	const char *err = part_form_error(v, name);
	html_raw(h, "<fieldset class=\"form-group ambito-field\" id=\"campo-");
	html_text(h, name);
	html_raw(h, "\"><legend class=\"h6\">");
	html_text(h, legend);
	html_raw(h, "</legend>");
	for (size_t i = 0; i < n; i++) {
		const char *id = arena_printf(r->a, "%s-%lld", name, ids[i]);
		bool checked = false;
		for (size_t k = 0; v != NULL && v->f != NULL && k < v->f->n && !checked; k++)
			checked = strcmp(v->f->names[k], name) == 0 && atoll(v->f->values[k]) == ids[i];
		html_raw(h, "<div class=\"form-check\"><input class=\"form-check-input\" type=\"checkbox\" name=\"");
		html_text(h, name);
		html_rawf(h, "\" value=\"%lld\" id=\"", ids[i]);
		html_text(h, id);
		html_raw(h, checked ? "\" checked>" : "\">");
		html_raw(h, "<label class=\"form-check-label\" for=\"");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, labels[i]);
		html_raw(h, "</label></div>");
	}
	if (err) {
		html_raw(h, "<div class=\"invalid-feedback d-block\">");
		html_text(h, err);
		html_raw(h, "</div>");
	}
	html_raw(h, "</fieldset>");
}

/* The ids ticked under name, as a JSON array member of w. */
static void ticked(jw *w, const web_form *f, const char *key, const char *name)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t k = 0; k < f->n; k++) {
		long long id;
		if (strcmp(f->names[k], name) == 0 && id_parse(f->values[k], ID_MAX_DIGITS, &id))
			jw_int(w, id);
	}
	jw_arr_end(w);
}

static void notice(html *h, http_req *r)
{
	const char *q = http_query(r, "fatto");
	const char *text = q == NULL                        ? NULL
	                   : strcmp(q, "tavolo") == 0       ? "Tavolo tematico creato."
	                   : strcmp(q, "avviso") == 0       ? "Avviso pubblicato."
	                   : strcmp(q, "partecipante") == 0 ? "Partecipante aggiunto."
	                   : strcmp(q, "incontro") == 0     ? "Incontro registrato."
	                   : strcmp(q, "accettata") == 0
	                       ? "Candidatura accettata: la persona partecipa ai tavoli scelti."
	                   : strcmp(q, "rifiutata") == 0  ? "Candidatura rifiutata."
	                   : strcmp(q, "cancellata") == 0 ? "Dati personali della candidatura cancellati."
	                   : strcmp(q, "ente") == 0       ? "Ente aggiunto alla mappatura."
	                                                  : NULL;
	if (text == NULL)
		return;
	html_raw(h, "<div class=\"alert alert-success\" role=\"status\">");
	html_text(h, text);
	html_raw(h, "</div>");
}

static void table_open(html *h, const char *label, const char *const *heads, size_t n)
{
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_text(h, label);
	html_raw(h, "\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">");
	html_text(h, label);
	html_raw(h, "</caption><thead><tr>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<th scope=\"col\">");
		html_text(h, heads[i]);
		html_raw(h, "</th>");
	}
	html_raw(h, "</tr></thead><tbody>");
}

static void link(html *h, const char *href, const char *text)
{
	html_raw(h, "<a href=\"");
	html_text(h, href);
	html_raw(h, "\">");
	html_text(h, text);
	html_raw(h, "</a>");
}

static void cell(html *h, const char *text)
{
	html_raw(h, "<td>");
	html_text(h, text != NULL && *text ? text : "—");
	html_raw(h, "</td>");
}

/* ---------------------------------------------------------------- index */

static void index_page(http_req *r, const part_form *gv, const part_form *cv, int status)
{
	part_group *g;
	part_call *calls;
	cycle *cycles;
	size_t ng, nc, ncy;
	bool more;
	int rc = part_store_groups(r->db, r->a, r->tenant->id, 0, 0, PAGE_MAX, &g, &ng, &more);
	if (rc == DB_OK)
		rc = part_store_calls(r->db, r->a, r->tenant->id, &calls, &nc);
	if (rc == DB_OK)
		rc = cycle_store_list(r->db, r->a, 0, CYCLES_LISTED, &cycles, &ncy, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "la partecipazione");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)}, {"Partecipazione", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Partecipazione — %s", r->tenant->name), c, 2);
	html *h = web_html(p);
	notice(h, r);
	html_raw(h, "<p><a href=\"");
	html_text(h, arena_printf(r->a, "%s/calendario", home_href(r)));
	html_raw(h, "\">Calendario degli incontri</a> · <a href=\"");
	html_text(h, arena_printf(r->a, "%s/enti", home_href(r)));
	html_raw(h, "\">Mappatura degli enti</a></p>");

	html_raw(h, "<h2>Tavoli tematici</h2>");
	if (ng == 0)
		html_raw(h, "<p>Nessun tavolo tematico.</p>");
	else {
		static const char *const heads[] = {"Tavolo", "Ciclo", "Sezioni", "Referente", "Partecipanti"};
		table_open(h, "Tavoli tematici", heads, 5);
		for (size_t i = 0; i < ng; i++) {
			html_raw(h, "<tr><th scope=\"row\">");
			link(h, arena_printf(r->a, "%s/tavoli/%lld", home_href(r), g[i].id), g[i].name);
			html_raw(h, "</th>");
			cell(h, g[i].cycle_slug);
			const char *secs = g[i].area != NULL ? arena_printf(r->a, "area %s", g[i].area) : "";
			for (size_t k = 0; k < g[i].nsections; k++)
				secs = arena_printf(r->a, "%s%s%s", secs, *secs ? ", " : "", g[i].sections[k]);
			cell(h, secs);
			cell(h, g[i].referent);
			html_rawf(h, "<td>%zu</td></tr>", g[i].nparticipants);
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (can_write(r)) {
		html_raw(h, "<h3 id=\"nuovo-tavolo\">Nuovo tavolo tematico</h3>");
		part_form_summary(p, gv);
		html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, "%s/tavoli", home_href(r)));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		field(p, gv, "name", "Nome del tavolo", "text");
		html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-cycle\">Ciclo di "
		            "programmazione</label><select class=\"form-select\" id=\"campo-cycle\" name=\"cycle\">");
		for (size_t i = 0; i < ncy; i++) {
			html_raw(h, "<option value=\"");
			html_text(h, cycles[i].slug);
			html_raw(h, "\">");
			html_text(h, cycles[i].title);
			html_raw(h, "</option>");
		}
		html_raw(h, "</select></div>");
		field(p, gv, "sections", "Sezioni del piano (chiavi separate da virgole, es. B.1)", "text");
		field(p, gv, "area", "Area del catalogo (codice, es. B1; facoltativa)", "text");
		field(p, gv, "referent", "Referente dell’ATS", "text");
		textarea(p, gv, "description", "Obiettivi e metodo (facoltativo)", 3);
		html_raw(
		    h, "<button type=\"submit\" class=\"btn btn-primary\">Crea il tavolo</button></form></div></div>");
	}

	html_raw(h, "<h2 class=\"mt-5\">Avvisi pubblici</h2>");
	if (nc == 0)
		html_raw(h, "<p>Nessun avviso.</p>");
	else {
		static const char *const heads[] = {"Avviso", "Apertura", "Chiusura", "Stato", "Candidature"};
		table_open(h, "Avvisi pubblici", heads, 5);
		for (size_t i = 0; i < nc; i++) {
			html_raw(h, "<tr><th scope=\"row\">");
			link(h, arena_printf(r->a, "%s/avvisi/%lld", home_href(r), calls[i].id), calls[i].title);
			html_raw(h, "</th>");
			cell(h, html_datetime(r->a, calls[i].opens_at));
			cell(h, html_datetime(r->a, calls[i].closes_at));
			cell(h, calls[i].open ? "aperto" : "chiuso");
			html_rawf(h, "<td>%lld</td></tr>", calls[i].candidacies);
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (is_coordinator(r) && ng > 0) {
		html_raw(h, "<h3 id=\"nuovo-avviso\">Nuovo avviso pubblico</h3>");
		part_form_summary(p, cv);
		html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, "%s/avvisi", home_href(r)));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		field(p, cv, "title", "Titolo dell’avviso", "text");
		textarea(p, cv, "call_description", "Testo dell’avviso", 5);
		field(p, cv, "opens_at", "Apertura (data)", "date");
		field(p, cv, "closes_at", "Chiusura (data, compresa)", "date");
		long long *ids = arena_calloc(r->a, ng + 1, sizeof(*ids));
		const char **labels = arena_calloc(r->a, ng + 1, sizeof(*labels));
		for (size_t i = 0; i < ng; i++) {
			ids[i] = g[i].id;
			labels[i] = g[i].name;
		}
		checkboxes(p, cv, "groups", "Tavoli a cui si può aderire", ids, labels, ng);
		html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Pubblica l’avviso</button></form>"
		            "</div></div>");
	}
	web_page_end(p, status);
}

static void get_index(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) == 0)
		index_page(r, NULL, NULL, 200);
}

/* "B.1, B.2" -> ["B.1","B.2"] */
static void section_list(jw *w, const char *text)
{
	jw_key(w, "sections");
	jw_arr_begin(w);
	while (text != NULL && *text) {
		text += strspn(text, " ,;\t");
		size_t n = strcspn(text, " ,;\t");
		if (n > 0)
			jw_strn(w, text, n);
		text += n;
	}
	jw_arr_end(w);
}

static void post_group(http_req *r)
{
	web_form f;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !web_form_read(r, &f))
		return;
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	static const char *const text[] = {"cycle", "name", "area", "referent", "description", NULL};
	web_form_members(w, &f, text, true);
	section_list(w, web_form_get(&f, "sections"));
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_form v = {&f, e};
	cycle *c = NULL;
	const char *slug = json_get_str(body, "cycle");
	if (!http_db_ok(r, cycle_store_find(r->db, r->a, slug != NULL ? slug : "", false, &c), "il ciclo"))
		return;
	cycle_template t;
	cycle_catalog cat;
	part_group g;
	if (c == NULL) {
		field_errors_add(e, "cycle", "scegliere un ciclo");
		index_page(r, &v, NULL, 422);
		return;
	}
	if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, c->id, &t), "lo schema") ||
	    !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo"))
		return;
	if (part_group_parse(e, body, &t, &cat, &g) > 0) {
		index_page(r, &v, NULL, 422);
		return;
	}
	g.cycle_id = c->id;
	if (!http_db_ok(r, part_store_group_insert(r->db, r->tenant->id, &g), "il tavolo tematico"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/groups/%lld", r->tenant->slug, g.id);
	r->audit_detail = arena_printf(r->a, "group %lld created (from the web)", g.id);
	web_redirect(r, arena_printf(r->a, "%s/tavoli/%lld?fatto=tavolo", home_href(r), g.id));
}

static void post_call(http_req *r)
{
	web_form f;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0 || !web_form_read(r, &f))
		return;
	const char *opens = web_form_get(&f, "opens_at"), *closes = web_form_get(&f, "closes_at");
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	static const char *const title[] = {"title", NULL};
	web_form_members(w, &f, title, true);
	/* Named apart from the table form's description on the same page. */
	const char *text = web_form_get(&f, "call_description");
	if (text != NULL && text[strspn(text, " \t\r\n")] != '\0')
		jw_kstr(w, "description", text);
	/* A day opens at midnight and closes at its last second, in Rome. */
	const char *o = opens != NULL ? part_rome_to_utc(r->a, arena_printf(r->a, "%sT00:00:00", opens)) : NULL;
	const char *cl = closes != NULL ? part_rome_to_utc(r->a, arena_printf(r->a, "%sT23:59:59", closes)) : NULL;
	if (o != NULL)
		jw_kstr(w, "opens_at", o);
	if (cl != NULL)
		jw_kstr(w, "closes_at", cl);
	ticked(w, &f, "groups", "groups");
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_form v = {&f, e};
	part_call c;
	if (part_call_parse(e, body, &c) > 0) {
		field_errors *shown = http_errors_new(r);
		for (size_t i = 0; i < field_errors_kept(e); i++) {
			const char *name = field_errors_field(e, i);
			field_errors_add(shown, strcmp(name, "description") == 0 ? "call_description" : name, "%s",
			                 field_errors_message(e, i));
		}
		part_form sv = {&f, shown};
		index_page(r, NULL, &sv, 422);
		return;
	}
	long long bad = 0;
	int rc = part_store_call_insert(r->db, r->tenant->id, &c, &bad);
	if (rc == PART_ENOGROUP) {
		field_errors_add(e, "groups", "i tavoli devono essere dello stesso ciclo");
		index_page(r, NULL, &v, 422);
		return;
	}
	if (!http_db_ok(r, rc, "l'avviso"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/calls/%lld", r->tenant->slug, c.id);
	r->audit_detail = arena_printf(r->a, "call %lld opened for %zu groups (from the web)", c.id, c.ngroups);
	web_redirect(r, arena_printf(r->a, "%s/avvisi/%lld?fatto=avviso", home_href(r), c.id));
}

/* ---------------------------------------------------------------- a table */

static part_group *path_group(http_req *r)
{
	long long id;
	part_group *g = NULL;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return NULL;
	}
	int rc = part_store_group(r->db, r->a, r->tenant->id, id, false, &g);
	if (rc == PART_ENOGROUP)
		web_error_page(r, 404, "Il tavolo tematico non esiste.");
	else if (rc != DB_OK)
		http_db_error(r, rc, "il tavolo tematico");
	return rc == DB_OK ? g : NULL;
}

static const char *participant_name(http_req *r, const part_participant *pp)
{
	return arena_printf(r->a, "%s %s", pp->first_name, pp->last_name);
}

static void group_page(http_req *r, part_group *g, const part_form *pv, const part_form *mv, int status)
{
	part_meeting *m;
	size_t nm;
	int rc = part_store_meetings(r->db, r->a, r->tenant->id, g->id, &m, &nm);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli incontri");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                 {"Partecipazione", home_href(r)},
	                 {g->name, NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Tavolo: %s", g->name), c, 3);
	html *h = web_html(p);
	notice(h, r);
	html_raw(h, "<p>Referente: ");
	html_text(h, g->referent);
	html_raw(h, " · ciclo ");
	html_text(h, g->cycle_slug);
	for (size_t k = 0; k < g->nsections; k++) {
		html_raw(h, k == 0 ? " · sezioni " : ", ");
		html_text(h, g->sections[k]);
	}
	html_raw(h, "</p>");
	if (g->description)
		html_paragraphs(h, g->description);

	html_raw(h, "<h2>Partecipanti</h2>");
	if (g->nparticipants == 0)
		html_raw(h, "<p>Nessun partecipante.</p>");
	else {
		static const char *const heads[] = {"Nome e cognome", "Organizzazione", "Tipo di ente", "Ruolo",
		                                    "Email"};
		table_open(h, "Partecipanti", heads, 5);
		for (size_t i = 0; i < g->nparticipants; i++) {
			const part_participant *pp = &g->participants[i];
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, participant_name(r, pp));
			html_raw(h, "</th>");
			cell(h, pp->organization);
			cell(h, pp->kind);
			cell(h, pp->role);
			cell(h, pp->email);
			html_raw(h, "</tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (can_write(r)) {
		html_raw(h, "<h3 id=\"nuovo-partecipante\">Aggiungi un partecipante</h3>");
		part_form_summary(p, pv);
		html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, "%s/tavoli/%lld/partecipanti", home_href(r), g->id));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		field(p, pv, "first_name", "Nome", "text");
		field(p, pv, "last_name", "Cognome", "text");
		field(p, pv, "organization", "Organizzazione", "text");
		field(p, pv, "kind", "Tipo di ente (Comune, ASUR, terzo settore, scuola, sindacato…)", "text");
		field(p, pv, "role", "Ruolo nel tavolo (facoltativo)", "text");
		field(p, pv, "email", "Email (facoltativa, mai pubblicata)", "email");
		html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Aggiungi il partecipante</button></form>"
		            "</div></div>");
	}

	html_raw(h, "<h2 class=\"mt-5\">Incontri</h2>");
	if (nm == 0)
		html_raw(h, "<p>Nessun incontro.</p>");
	else {
		static const char *const heads[] = {"Data e ora", "Luogo", "Presenti", "Verbale"};
		table_open(h, "Incontri del tavolo", heads, 4);
		for (size_t i = 0; i < nm; i++) {
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, html_datetime(r->a, m[i].starts_at));
			html_raw(h, "</th>");
			cell(h, m[i].place);
			html_rawf(h, "<td>%zu</td><td>", m[i].nattendees);
			link(h, arena_printf(r->a, "%s/incontri/%lld", home_href(r), m[i].id),
			     m[i].minutes ? "Verbale" : "Dettagli");
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (can_write(r)) {
		html_raw(h, "<h3 id=\"nuovo-incontro\">Registra un incontro</h3>");
		part_form_summary(p, mv);
		html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, "%s/tavoli/%lld/incontri", home_href(r), g->id));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		field(p, mv, "starts_at", "Data e ora di inizio (ora italiana)", "datetime-local");
		field(p, mv, "place", "Luogo", "text");
		textarea(p, mv, "agenda", "Ordine del giorno", 3);
		textarea(p, mv, "minutes", "Verbale (testo semplice o Markdown)", 8);
		long long *ids = arena_calloc(r->a, g->nparticipants + 1, sizeof(*ids));
		const char **labels = arena_calloc(r->a, g->nparticipants + 1, sizeof(*labels));
		for (size_t i = 0; i < g->nparticipants; i++) {
			ids[i] = g->participants[i].id;
			labels[i] = arena_printf(r->a, "%s (%s)", participant_name(r, &g->participants[i]),
			                         g->participants[i].organization);
		}
		checkboxes(p, mv, "attendees", "Presenti", ids, labels, g->nparticipants);
		html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Registra l’incontro</button></form>"
		            "</div></div>");
	}
	web_page_end(p, status);
}

static void get_group(http_req *r)
{
	part_group *g;
	if (scope_require(r, SCOPE_READERS) == 0 && (g = path_group(r)) != NULL)
		group_page(r, g, NULL, NULL, 200);
}

static void post_participant(http_req *r)
{
	web_form f;
	part_group *g;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (g = path_group(r)) == NULL || !web_form_read(r, &f))
		return;
	static const char *const allowed[] = {"first_name", "last_name", "organization", "kind", "role", "email", NULL};
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	web_form_members(w, &f, allowed, true);
	jw_obj_end(w);
	json_value *one = web_form_body(r, w);
	if (one == NULL)
		return;
	/* The table as the API reads it, with the new participant: the API's
	 * parser judges it, with the errors of that one participant renamed. */
	field_errors *e = http_errors_new(r);
	part_participant np = {0};
	{
		v_only(e, NULL, one, allowed);
		np.first_name = v_string(e, NULL, one, "first_name", 1, PART_PERSON_NAME_MAX, true);
		np.last_name = v_string(e, NULL, one, "last_name", 1, PART_PERSON_NAME_MAX, true);
		np.organization = v_string(e, NULL, one, "organization", 1, PART_NAME_MAX, true);
		np.kind = json_get(one, "kind") ? v_string(e, NULL, one, "kind", 1, PART_KIND_MAX, false) : NULL;
		np.role = json_get(one, "role") ? v_string(e, NULL, one, "role", 1, PART_ROLE_MAX, false) : NULL;
		np.email = json_get(one, "email") ? v_email(e, NULL, one, "email", false) : NULL;
	}
	part_form v = {&f, e};
	if (field_errors_count(e) > 0 || g->nparticipants >= PART_MAX_PARTICIPANTS) {
		if (field_errors_count(e) == 0)
			field_errors_add(e, "first_name", "il tavolo ha già %d partecipanti", PART_MAX_PARTICIPANTS);
		group_page(r, g, &v, NULL, 422);
		return;
	}
	part_participant *all = arena_calloc(r->a, g->nparticipants + 2, sizeof(*all));
	memcpy(all, g->participants, g->nparticipants * sizeof(*all));
	all[g->nparticipants] = np;
	g->participants = all;
	g->nparticipants++;
	if (!http_db_ok(r, part_store_group_update(r->db, r->tenant->id, g), "il tavolo tematico"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/groups/%lld", r->tenant->slug, g->id);
	r->audit_detail = arena_printf(r->a, "group %lld: participant added (from the web)", g->id);
	web_redirect(r, arena_printf(r->a, "%s/tavoli/%lld?fatto=partecipante", home_href(r), g->id));
}

static void post_meeting(http_req *r)
{
	web_form f;
	part_group *g;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || (g = path_group(r)) == NULL || !web_form_read(r, &f))
		return;
	const char *local = web_form_get(&f, "starts_at");
	const char *utc = part_rome_to_utc(r->a, local);
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	if (utc != NULL)
		jw_kstr(w, "starts_at", utc);
	else if (local != NULL && *local)
		jw_kstr(w, "starts_at", local); /* refused by the parser, with its message */
	static const char *const text[] = {"place", "agenda", "minutes", NULL};
	web_form_members(w, &f, text, true);
	ticked(w, &f, "attendees", "attendees");
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_form v = {&f, e};
	part_meeting m;
	if (part_meeting_parse(e, body, &m) > 0) {
		group_page(r, g, NULL, &v, 422);
		return;
	}
	m.group_id = g->id;
	long long bad = 0;
	int rc = part_store_meeting_insert(r->db, r->tenant->id, &m, &bad);
	if (rc == PART_ENOGROUP) {
		field_errors_add(e, "attendees", "un presente non è partecipante del tavolo");
		group_page(r, g, NULL, &v, 422);
		return;
	}
	if (!http_db_ok(r, rc, "l'incontro"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/meetings/%lld", r->tenant->slug, m.id);
	r->audit_detail = arena_printf(r->a, "meeting %lld of group %lld (from the web)", m.id, g->id);
	web_redirect(r, arena_printf(r->a, "%s/tavoli/%lld?fatto=incontro", home_href(r), g->id));
}

/* ---------------------------------------------------------------- the verbale */

static void get_meeting(http_req *r)
{
	long long id;
	part_meeting *m;
	part_group *g;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return;
	}
	int rc = part_store_meeting(r->db, r->a, r->tenant->id, id, false, &m);
	if (rc == DB_OK)
		rc = part_store_group(r->db, r->a, r->tenant->id, m->group_id, false, &g);
	if (rc == PART_ENOMEETING || rc == PART_ENOGROUP) {
		web_error_page(r, 404, "L’incontro non esiste.");
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'incontro");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                 {"Partecipazione", home_href(r)},
	                 {g->name, arena_printf(r->a, "%s/tavoli/%lld", home_href(r), g->id)},
	                 {"Verbale", NULL}};
	web_page *p = web_page_begin(r, "Verbale dell’incontro", c, 4);
	html *h = web_html(p);
	html_raw(h, "<dl class=\"row\"><dt class=\"col-sm-3\">Tavolo</dt><dd class=\"col-sm-9\">");
	html_text(h, g->name);
	html_raw(h, "</dd><dt class=\"col-sm-3\">Data e ora</dt><dd class=\"col-sm-9\">");
	html_text(h, html_datetime(r->a, m->starts_at));
	html_raw(h, "</dd><dt class=\"col-sm-3\">Luogo</dt><dd class=\"col-sm-9\">");
	html_text(h, m->place);
	html_raw(h, "</dd><dt class=\"col-sm-3\">Referente</dt><dd class=\"col-sm-9\">");
	html_text(h, g->referent);
	html_raw(h, "</dd></dl>");
	html_raw(h, "<h2>Ordine del giorno</h2>");
	if (m->agenda)
		html_paragraphs(h, m->agenda);
	else
		html_raw(h, "<p>Non indicato.</p>");
	html_rawf(h, "<h2>Presenti (%zu)</h2>", m->nattendees);
	html_raw(h, "<ul>");
	for (size_t i = 0; i < m->nattendees; i++)
		for (size_t k = 0; k < g->nparticipants; k++)
			if (g->participants[k].id == m->attendees[i]) {
				html_raw(h, "<li>");
				html_text(h, arena_printf(r->a, "%s — %s", participant_name(r, &g->participants[k]),
				                          g->participants[k].organization));
				html_raw(h, "</li>");
			}
	html_raw(h, "</ul><h2>Verbale</h2>");
	if (m->minutes)
		markdown_html(h, m->minutes, 3);
	else
		html_raw(h, "<p>Il verbale non è ancora stato scritto.</p>");
	web_page_end(p, 200);
}

static void get_calendar(http_req *r)
{
	part_meeting *m;
	size_t n;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	int rc = part_store_all_meetings(r->db, r->a, r->tenant->id, PART_ICS_MAX_MEETINGS, &m, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli incontri");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                 {"Partecipazione", home_href(r)},
	                 {"Calendario", NULL}};
	web_page *p = web_page_begin(r, "Calendario degli incontri", c, 3);
	html *h = web_html(p);
	html_raw(h, "<p>Gli incontri dei tavoli tematici, dal più recente, in ora italiana. Lo stesso calendario è "
	            "disponibile in formato iCalendar dall’API (<code>");
	html_text(h, arena_printf(r->a, "/api/v1/tenants/%s/meetings.ics", r->tenant->slug));
	html_raw(h, "</code>).</p>");
	if (n == 0)
		html_raw(h, "<p>Nessun incontro.</p>");
	else {
		static const char *const heads[] = {"Data e ora", "Tavolo", "Luogo", "Presenti"};
		table_open(h, "Calendario degli incontri", heads, 4);
		for (size_t i = 0; i < n; i++) {
			html_raw(h, "<tr><th scope=\"row\">");
			link(h, arena_printf(r->a, "%s/incontri/%lld", home_href(r), m[i].id),
			     html_datetime(r->a, m[i].starts_at));
			html_raw(h, "</th>");
			cell(h, m[i].group_name);
			cell(h, m[i].place);
			html_rawf(h, "<td>%zu</td></tr>", m[i].nattendees);
		}
		html_raw(h, "</tbody></table></div>");
	}
	web_page_end(p, 200);
}

/* ---------------------------------------------------------------- a call */

static const char *status_label(const char *s)
{
	return strcmp(s, "received") == 0   ? "ricevuta"
	       : strcmp(s, "accepted") == 0 ? "accettata"
	       : strcmp(s, "rejected") == 0 ? "rifiutata"
	                                    : "ritirata";
}

static void action(web_page *p, const char *href, const char *label, const char *aria, const char *cls)
{
	html *h = web_html(p);
	html_raw(h, "<form method=\"post\" class=\"ambito-inline-form\" action=\"");
	html_text(h, href);
	html_raw(h, "\">");
	web_csrf_field(p);
	html_raw(h, "<button type=\"submit\" class=\"btn btn-sm ");
	html_text(h, cls);
	html_raw(h, "\" aria-label=\"");
	html_text(h, aria);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</button></form> ");
}

static void get_call(http_req *r)
{
	long long id;
	part_call *c;
	part_candidacy *k = NULL;
	size_t n = 0;
	/* Candidacies are personal data: the ATS's people and the Region. */
	if (scope_require(r, SCOPE_REGION | SCOPE_ATS_WRITERS | SCOPE_ROLE(ROLE_ATS_VIEWER)) != 0)
		return;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return;
	}
	int rc = part_store_call(r->db, r->a, r->tenant->id, id, &c);
	if (rc == DB_OK)
		rc = part_store_candidacies(r->db, r->a, r->tenant->id, id, &k, &n);
	if (rc == PART_ENOCALL) {
		web_error_page(r, 404, "L’avviso non esiste.");
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'avviso");
		return;
	}
	web_crumb cr[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                  {"Partecipazione", home_href(r)},
	                  {c->title, NULL}};
	web_page *p = web_page_begin(r, c->title, cr, 3);
	html *h = web_html(p);
	notice(h, r);
	html_raw(h, "<p>");
	html_text(h, arena_printf(r->a, "Aperto dal %s al %s — %s.", html_datetime(r->a, c->opens_at),
	                          html_datetime(r->a, c->closes_at), c->open ? "ora aperto" : "ora chiuso"));
	html_raw(h, " Pagina pubblica: ");
	link(h, arena_printf(r->a, "/partecipa/avvisi/%lld", c->id), "modulo di candidatura");
	html_raw(h, "</p>");
	html_paragraphs(h, c->description);
	html_raw(h, "<h2>Candidature</h2>");
	if (n == 0)
		html_raw(h, "<p>Nessuna candidatura.</p>");
	else {
		static const char *const heads[] = {"Persona", "Organizzazione", "Email",
		                                    "Tavoli",  "Motivazione",    "Stato"};
		table_open(h, "Candidature", heads, 6);
		for (size_t i = 0; i < n; i++) {
			const char *who = k[i].contact_name ? k[i].contact_name : "(dati cancellati)";
			const char *tables = "";
			for (size_t g = 0; g < k[i].ngroups; g++)
				for (size_t x = 0; x < c->ngroups; x++)
					if (c->groups[x].id == k[i].groups[g])
						tables = arena_printf(r->a, "%s%s%s", tables, *tables ? ", " : "",
						                      c->groups[x].name);
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, who);
			html_raw(h, "</th>");
			cell(h, k[i].organization ? arena_printf(r->a, "%s (%s)", k[i].organization, k[i].kind) : NULL);
			cell(h, k[i].email);
			cell(h, tables);
			cell(h, k[i].motivation);
			html_raw(h, "<td>");
			html_text(h, status_label(k[i].status));
			if (is_coordinator(r)) {
				const char *base = arena_printf(r->a, "%s/candidature/%lld", home_href(r), k[i].id);
				html_raw(h, "<div>");
				if (strcmp(k[i].status, "received") == 0) {
					action(p, arena_printf(r->a, "%s/accetta", base), "Accetta",
					       arena_printf(r->a, "Accetta la candidatura di %s", who), "btn-primary");
					action(p, arena_printf(r->a, "%s/rifiuta", base), "Rifiuta",
					       arena_printf(r->a, "Rifiuta la candidatura di %s", who),
					       "btn-outline-danger");
				} else if (strcmp(k[i].status, "rejected") == 0 && k[i].erased_at == NULL) {
					action(p, arena_printf(r->a, "%s/cancella", base), "Cancella i dati personali",
					       arena_printf(r->a, "Cancella i dati personali di %s", who),
					       "btn-outline-danger");
				}
				html_raw(h, "</div>");
			}
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	web_page_end(p, 200);
}

static void candidacy_action(http_req *r, int which)
{
	long long id;
	part_candidacy *k;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0)
		return;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return;
	}
	int rc = part_store_candidacy(r->db, r->a, r->tenant->id, id, true, &k);
	if (rc == DB_OK)
		rc = which == 0   ? part_store_candidacy_accept(r->db, r->tenant->id, k, r->user->user_id)
		     : which == 1 ? part_store_candidacy_reject(r->db, r->tenant->id, k, r->user->user_id)
		                  : part_store_candidacy_erase(r->db, r->tenant->id, k);
	if (rc == PART_ENOCANDIDACY) {
		web_error_page(r, 404, "La candidatura non esiste.");
		return;
	}
	if (rc == PART_ESTATE) {
		web_error_page(r, 409, "La candidatura non è in uno stato che lo consente.");
		return;
	}
	if (!http_db_ok(r, rc, "la candidatura"))
		return;
	static const char *const what[] = {"accepted", "rejected", "personal data erased"};
	static const char *const done[] = {"accettata", "rifiutata", "cancellata"};
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/candidacies/%lld", r->tenant->slug, k->id);
	r->audit_detail = arena_printf(r->a, "candidacy %lld %s (from the web)", k->id, what[which]);
	web_redirect(r, arena_printf(r->a, "%s/avvisi/%lld?fatto=%s", home_href(r), k->call_id, done[which]));
}

static void post_accept(http_req *r)
{
	candidacy_action(r, 0);
}

static void post_reject(http_req *r)
{
	candidacy_action(r, 1);
}

static void post_erase(http_req *r)
{
	candidacy_action(r, 2);
}

/* ---------------------------------------------------------------- the map */

static void map_page(http_req *r, const part_form *v, int status)
{
	part_stakeholder *s;
	size_t n;
	int rc = part_store_stakeholders(r->db, r->a, r->tenant->id, false, &s, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "la mappatura");
		return;
	}
	web_crumb c[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                 {"Partecipazione", home_href(r)},
	                 {"Mappatura degli enti", NULL}};
	web_page *p = web_page_begin(r, "Mappatura degli enti", c, 3);
	html *h = web_html(p);
	notice(h, r);
	html_raw(h, "<p>Gli enti pubblici compaiono, senza contatti, nella ");
	link(h, arena_printf(r->a, "/partecipa/%s/enti", r->tenant->slug), "pagina pubblica della mappatura");
	html_raw(h, ".</p>");
	if (n == 0)
		html_raw(h, "<p>Nessun ente.</p>");
	else {
		static const char *const heads[] = {"Ente", "Tipo", "Comune", "Contatto", "Pubblico"};
		table_open(h, "Enti", heads, 5);
		for (size_t i = 0; i < n; i++) {
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, s[i].name);
			html_raw(h, "</th>");
			cell(h, s[i].kind);
			cell(h, s[i].comune);
			cell(h, s[i].contact);
			cell(h, s[i].public ? "sì" : "no");
			html_raw(h, "</tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (can_write(r)) {
		html_raw(h, "<h2 id=\"nuovo-ente\">Aggiungi un ente</h2>");
		part_form_summary(p, v);
		html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
		html_text(h, arena_printf(r->a, "%s/enti", home_href(r)));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		field(p, v, "name", "Nome dell’ente", "text");
		field(p, v, "kind", "Tipo (Comune, ASUR, terzo settore, scuola, sindacato…)", "text");
		field(p, v, "comune", "Comune (facoltativo)", "text");
		field(p, v, "contact", "Contatto (facoltativo, mai pubblicato)", "text");
		html_raw(h, "<div class=\"form-check mb-3\"><input class=\"form-check-input\" type=\"checkbox\" "
		            "name=\"public\" value=\"1\" id=\"campo-public\"><label class=\"form-check-label\" "
		            "for=\"campo-public\">Mostra l’ente nella mappatura pubblica</label></div>");
		html_raw(
		    h, "<button type=\"submit\" class=\"btn btn-primary\">Aggiungi l’ente</button></form></div></div>");
	}
	web_page_end(p, status);
}

static void get_map(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) == 0)
		map_page(r, NULL, 200);
}

static void post_stakeholder(http_req *r)
{
	web_form f;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !web_form_read(r, &f))
		return;
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	static const char *const text[] = {"name", "kind", "comune", "contact", NULL};
	web_form_members(w, &f, text, true);
	jw_kbool(w, "public", web_form_get(&f, "public") != NULL);
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_form v = {&f, e};
	part_stakeholder s;
	if (part_stakeholder_parse(e, body, &s) > 0) {
		map_page(r, &v, 422);
		return;
	}
	if (!http_db_ok(r, part_store_stakeholder_insert(r->db, r->tenant->id, &s), "l'ente"))
		return;
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/stakeholders/%lld", r->tenant->slug, s.id);
	r->audit_detail = arena_printf(r->a, "stakeholder %lld added (from the web)", s.id);
	web_redirect(r, arena_printf(r->a, "%s/enti?fatto=ente", home_href(r)));
}

#define PAGES "/ats/{tenant}/partecipazione"
#define PAGE (ROUTE_PAGE | ROUTE_TENANT)

static const route routes[] = {
    {HTTP_GET, PAGES, get_index, PAGE, "La partecipazione di un ATS: tavoli tematici e avvisi pubblici"},
    {HTTP_POST, PAGES "/tavoli", post_group, PAGE, "Crea un tavolo tematico"},
    {HTTP_POST, PAGES "/avvisi", post_call, PAGE, "Pubblica un avviso"},
    {HTTP_GET, PAGES "/tavoli/{id}", get_group, PAGE, "Un tavolo tematico con partecipanti e incontri"},
    {HTTP_POST, PAGES "/tavoli/{id}/partecipanti", post_participant, PAGE, "Aggiunge un partecipante"},
    {HTTP_POST, PAGES "/tavoli/{id}/incontri", post_meeting, PAGE, "Registra un incontro"},
    {HTTP_GET, PAGES "/incontri/{id}", get_meeting, PAGE, "Il verbale di un incontro"},
    {HTTP_GET, PAGES "/calendario", get_calendar, PAGE, "Il calendario degli incontri"},
    {HTTP_GET, PAGES "/avvisi/{id}", get_call, PAGE, "Un avviso con le sue candidature"},
    {HTTP_POST, PAGES "/candidature/{id}/accetta", post_accept, PAGE, "Accetta una candidatura"},
    {HTTP_POST, PAGES "/candidature/{id}/rifiuta", post_reject, PAGE, "Rifiuta una candidatura"},
    {HTTP_POST, PAGES "/candidature/{id}/cancella", post_erase, PAGE, "Cancella i dati di una candidatura"},
    {HTTP_GET, PAGES "/enti", get_map, PAGE, "La mappatura degli enti dell'ATS"},
    {HTTP_POST, PAGES "/enti", post_stakeholder, PAGE, "Aggiunge un ente alla mappatura"},
};

void part_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
