/* Planning cycles: the list and a new draft; a cycle's page with its
 * catalogue, norms, glossary and template (read only: they change through a
 * cycle file or the API); opening and closing after a confirmation; the
 * deadline; the upload of a cycle file, checked and written by cycle_import
 * exactly as `ambitoctl import` does; the download of its export. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/admin.h"
#include "cycles/cycles.h"
#include "http/multipart.h"
#include "http/router.h"
#include "identity/auth.h"

#define CYCLES_PAGE 200                     /* cycles listed: a Region has one every three years */
#define CYCLE_UPLOAD_MAX (8u * 1024 * 1024) /* a cycle file: the Marche one is 80 KiB */
#define CYCLE_UPLOAD_ERRORS_SHOWN 50        /* errors of a refused file listed on the page */
#define DEADLINE_HOUR 23, 59, 59            /* a deadline day ends at 23:59:59 Italian time */

static const char *status_label(cycle_status s)
{
	return s == CYCLE_OPEN ? "aperto" : s == CYCLE_CLOSED ? "chiuso" : "bozza";
}

static const char *cycle_href(http_req *r, const cycle *c)
{
	return arena_printf(r->a, ADMIN_PATH "/cicli/%s", c->slug);
}

/* What the new-cycle form shows again. */
typedef struct new_view {
	const char *slug, *title, *reference, *start, *end, *deadline;
	admin_errors errs;
} new_view;

static void list_page(http_req *r, new_view *v, int status)
{
	cycle *cs;
	size_t n;
	bool more;
	int rc = cycle_store_list(r->db, r->a, 0, CYCLES_PAGE, &cs, &n, &more);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i cicli");
		return;
	}
	web_crumb c[] = {{"Cicli di programmazione", NULL}};
	web_page *p = admin_page(r, "Cicli di programmazione", c, 1);
	html *h = web_html(p);
	bool admin = r->user->region_role == ROLE_REGION_ADMIN;
	const char *done = http_query(r, "fatto");
	if (done != NULL && strcmp(done, "creato") == 0)
		admin_alert(p, "success", "Ciclo creato come bozza.");
	if (admin)
		html_raw(h, "<p><a class=\"btn btn-primary\" href=\"" ADMIN_PATH "/cicli/carica\">Carica un file del "
		            "ciclo</a></p>");
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Cicli\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Cicli di "
	            "programmazione</caption><thead><tr><th scope=\"col\">Ciclo</th><th "
	            "scope=\"col\">Identificativo</th><th scope=\"col\">Anni</th><th scope=\"col\">Stato</th><th "
	            "scope=\"col\">Scadenza per l’invio</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<tr><th scope=\"row\"><a href=\"");
		html_text(h, cycle_href(r, &cs[i]));
		html_raw(h, "\">");
		html_text(h, cs[i].title);
		html_raw(h, "</a></th><td>");
		html_text(h, cs[i].slug);
		html_rawf(h, "</td><td>%lld–%lld</td><td>", cs[i].start_year, cs[i].end_year);
		html_text(h, status_label(cs[i].status));
		html_raw(h, "</td><td>");
		html_text(h, cs[i].deadline ? html_datetime(r->a, cs[i].deadline) : "non ancora fissata");
		html_raw(h, "</td></tr>");
	}
	if (n == 0)
		html_raw(h, "<tr><td colspan=\"5\">Nessun ciclo.</td></tr>");
	html_raw(h, "</tbody></table></div>");
	if (admin) {
		html_raw(h, "<h2 id=\"nuovo\">Nuovo ciclo</h2><p>Il ciclo nasce come bozza: catalogo, norme, "
		            "glossario e schema si caricano poi con un file del ciclo o con l’API.</p>");
		admin_error_summary(p, &v->errs);
		html_raw(h,
		         "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"" ADMIN_PATH
		         "/cicli\" novalidate>");
		web_csrf_field(p);
		web_field_input(p, "slug", "Identificativo negli indirizzi (es. 2024-2026)", "text", v->slug,
		                admin_error_of(&v->errs, "campo-slug"), "off");
		web_field_input(p, "title", "Titolo", "text", v->title, admin_error_of(&v->errs, "campo-title"), "off");
		web_field_input(p, "reference", "Atti di riferimento (facoltativo)", "text", v->reference,
		                admin_error_of(&v->errs, "campo-reference"), "off");
		web_field_input(p, "start_year", "Primo anno", "text", v->start,
		                admin_error_of(&v->errs, "campo-start_year"), "off");
		web_field_input(p, "end_year", "Ultimo anno", "text", v->end,
		                admin_error_of(&v->errs, "campo-end_year"), "off");
		web_field_input(p, "submission_deadline",
		                "Scadenza per l’invio (facoltativa: AAAA-MM-GG, fino alle 23:59 ora italiana)", "date",
		                v->deadline, admin_error_of(&v->errs, "campo-submission_deadline"), "off");
		html_raw(h,
		         "<button type=\"submit\" class=\"btn btn-primary\">Crea il ciclo</button></form></div></div>");
	}
	web_page_end(p, status);
}

static void get_cycles(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	new_view v = {0};
	list_page(r, &v, 200);
}

/* The deadline as the API takes it: the day's end in Italian time, as UTC;
 * text that is no date goes as it is and the API's check names it. */
static void write_deadline(http_req *r, jw *w, const char *date)
{
	jw_key(w, "submission_deadline");
	if (date == NULL || *date == '\0') {
		jw_null(w);
		return;
	}
	const char *utc = html_rome_utc(r->a, date, DEADLINE_HOUR);
	jw_str(w, utc ? utc : date);
}

static void write_year(jw *w, const char *key, const char *text)
{
	char *end;
	long long y = text ? strtoll(text, &end, 10) : 0;
	if (text != NULL && *text && *end == '\0' && strlen(text) <= 6)
		jw_kint(w, key, y);
	else
		jw_kstr(w, key, text ? text : "");
}

static void take_errors(http_req *r, const field_errors *e, admin_errors *ae)
{
	for (size_t i = 0; i < field_errors_kept(e); i++)
		admin_error(ae, admin_field_id(r, field_errors_field(e, i)), field_errors_message(e, i));
}

static void post_cycle(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	web_form f;
	if (!web_form_read(r, &f))
		return;
	new_view v = {.slug = web_form_get(&f, "slug"),
	              .title = web_form_get(&f, "title"),
	              .reference = web_form_get(&f, "reference"),
	              .start = web_form_get(&f, "start_year"),
	              .end = web_form_get(&f, "end_year"),
	              .deadline = web_form_get(&f, "submission_deadline")};
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_kstr(w, "slug", v.slug ? v.slug : "");
	jw_kstr(w, "title", v.title ? v.title : "");
	jw_kstr(w, "reference", v.reference ? v.reference : "");
	write_year(w, "start_year", v.start);
	write_year(w, "end_year", v.end);
	write_deadline(r, w, v.deadline);
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	cycle c;
	int rc = cycles_create(r, e, body, &c);
	if (rc == CYCLES_OK) {
		r->audit_detail = "created (from the web)";
		web_redirect(r, ADMIN_PATH "/cicli?fatto=creato");
		return;
	}
	if (rc == CYCLES_REFUSED)
		take_errors(r, e, &v.errs);
	else if (rc == CYCLES_TAKEN)
		admin_error(&v.errs, "campo-slug", "Esiste già un ciclo con questo identificativo.");
	else {
		http_db_error(r, rc, "il ciclo");
		return;
	}
	list_page(r, &v, rc == CYCLES_REFUSED ? 422 : 409);
}

/* ---- a cycle's page ---- */

static void catalog_html(html *h, const cycle_catalog *cat)
{
	html_raw(h, "<h2 id=\"catalogo\">Catalogo</h2><h3>Obiettivi strategici e azioni di sistema</h3>");
	if (cat->nobjectives == 0)
		html_raw(h, "<p>Nessun obiettivo.</p>");
	else
		html_raw(h, "<ul>");
	for (size_t i = 0; i < cat->nobjectives; i++) {
		html_raw(h, "<li><strong>");
		html_text(h, cat->objectives[i].code);
		html_raw(h, "</strong> ");
		html_text(h, cat->objectives[i].title);
		if (cat->objectives[i].nactions > 0)
			html_raw(h, "<ul>");
		for (size_t k = 0; k < cat->objectives[i].nactions; k++) {
			html_raw(h, "<li><span class=\"ambito-actions\">");
			html_text(h, cat->objectives[i].actions[k].code);
			html_raw(h, "</span> ");
			html_text(h, cat->objectives[i].actions[k].title);
			html_raw(h, "</li>");
		}
		html_raw(h, cat->objectives[i].nactions > 0 ? "</ul></li>" : "</li>");
	}
	if (cat->nobjectives > 0)
		html_raw(h, "</ul>");
	const struct {
		const char *title;
		const cycle_item *items;
		size_t n;
	} lists[] = {{"Aree di intervento", cat->areas, cat->nareas},
	             {"Fonti di finanziamento", cat->funding_sources, cat->nfunding_sources}};
	for (size_t l = 0; l < 2; l++) {
		html_raw(h, "<h3>");
		html_text(h, lists[l].title);
		html_raw(h, "</h3>");
		if (lists[l].n == 0)
			html_raw(h, "<p>Nessuna.</p>");
		else
			html_raw(h, "<ul>");
		for (size_t i = 0; i < lists[l].n; i++) {
			html_raw(h, "<li><span class=\"ambito-actions\">");
			html_text(h, lists[l].items[i].code);
			html_raw(h, "</span> ");
			html_text(h, lists[l].items[i].title);
			html_raw(h, "</li>");
		}
		if (lists[l].n > 0)
			html_raw(h, "</ul>");
	}
}

static void norms_html(http_req *r, html *h, const cycle_norm *ns, size_t n)
{
	html_raw(h, "<h2 id=\"norme\">Riferimenti normativi</h2>");
	if (n == 0) {
		html_raw(h, "<p>Nessuna norma.</p>");
		return;
	}
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Norme\"><table "
	            "class=\"table ambito-table\"><caption class=\"visually-hidden\">Riferimenti "
	            "normativi</caption><thead><tr><th scope=\"col\">Livello</th><th scope=\"col\">Titolo</th><th "
	            "scope=\"col\">Estremi</th><th scope=\"col\">Data</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<tr><td>");
		html_text(h, strcmp(ns[i].level, "national") == 0 ? "nazionale" : "regionale");
		html_raw(h, "</td><th scope=\"row\">");
		html_text(h, ns[i].title);
		html_raw(h, "</th><td>");
		html_text(h, ns[i].citation);
		html_raw(h, "</td><td>");
		html_text(h, ns[i].date ? html_date(r->a, ns[i].date) : "—");
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

static void glossary_html(html *h, const cycle_glossary *g)
{
	html_raw(h, "<h2 id=\"glossario\">Glossario</h2>");
	if (g->nterms == 0) {
		html_raw(h, "<p>Nessun termine.</p>");
		return;
	}
	html_raw(h, "<dl class=\"ambito-glossary\">");
	for (size_t i = 0; i < g->nterms; i++) {
		html_raw(h, "<dt>");
		html_text(h, g->terms[i].term);
		html_raw(h, "</dt><dd>");
		html_text(h, g->terms[i].definition);
		html_raw(h, "</dd>");
	}
	html_raw(h, "</dl>");
}

/* The template as its ordered index: groups as headings, sections with
 * their actions and parts (required, maximum characters). */
static void template_html(http_req *r, html *h, const cycle_template *t)
{
	html_raw(h, "<h2 id=\"schema\">Schema del piano</h2>");
	if (t->nsections == 0) {
		html_raw(h, "<p>Lo schema non ha ancora sezioni.</p>");
		return;
	}
	const char *group = NULL;
	for (size_t i = 0; i < t->nsections; i++) {
		const cycle_section *s = &t->sections[i];
		if (s->group != NULL && (group == NULL || strcmp(group, s->group) != 0)) {
			group = s->group;
			const cycle_group *g = cycle_template_group(t, group);
			const cycle_group *top = g && g->parent ? cycle_template_group(t, g->parent) : NULL;
			html_raw(h, "<h3 class=\"ambito-template-group\">");
			if (top != NULL) {
				html_text(h, top->key);
				html_raw(h, " ");
				html_text(h, top->title);
				html_raw(h, " › ");
			}
			html_text(h, group);
			if (g != NULL) {
				html_raw(h, " ");
				html_text(h, g->title);
			}
			html_raw(h, "</h3>");
		}
		html_raw(h, "<div class=\"ambito-card\"><h4 class=\"h5\">");
		html_text(h, s->key);
		html_raw(h, " ");
		html_text(h, s->title);
		html_raw(h, "</h4>");
		if (s->nactions > 0 || s->area != NULL) {
			html_raw(h, "<p>");
			if (s->nactions > 0) {
				html_raw(h, "Azioni: <span class=\"ambito-actions\">");
				for (size_t k = 0; k < s->nactions; k++) {
					if (k > 0)
						html_raw(h, ", ");
					html_text(h, s->actions[k]);
				}
				html_raw(h, "</span>");
			}
			if (s->area != NULL) {
				html_raw(h, s->nactions > 0 ? " · area: " : "Area: ");
				html_text(h, s->area);
			}
			html_raw(h, "</p>");
		}
		html_raw(h, "<ul>");
		for (size_t k = 0; k < s->nparts; k++) {
			html_raw(h, "<li>");
			html_text(h, s->parts[k].title);
			html_raw(h, " <span class=\"ambito-actions\">(");
			html_text(h, s->parts[k].key);
			html_raw(h, ")</span>: ");
			html_text(h, s->parts[k].required ? "obbligatoria" : "facoltativa");
			html_raw(h, ", al massimo ");
			html_text(h, html_int(r->a, s->parts[k].max_chars));
			html_raw(h, " caratteri</li>");
		}
		for (size_t k = 0; k < s->nblocks; k++) {
			html_raw(h, "<li>Tabella: ");
			html_text(h, strcmp(s->blocks[k], "indicators") == 0 ? "indicatori"
			             : strcmp(s->blocks[k], "spending") == 0 ? "voci di spesa"
			                                                     : "gruppo di lavoro");
			html_raw(h, "</li>");
		}
		html_raw(h, "</ul></div>");
	}
}

static void cycle_page(http_req *r, cycle *c, const char *notice, const char *deadline_error, int status)
{
	cycle_document doc;
	int rc = cycle_store_load_document(r->db, r->a, c, &doc);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il ciclo");
		return;
	}
	web_crumb cr[] = {{"Cicli di programmazione", ADMIN_PATH "/cicli"}, {c->title, NULL}};
	web_page *p = admin_page(r, c->title, cr, 2);
	html *h = web_html(p);
	bool admin = r->user->region_role == ROLE_REGION_ADMIN;
	if (notice)
		admin_alert(p, "success", notice);
	html_raw(h, "<dl class=\"ambito-facts\"><dt>Identificativo</dt><dd>");
	html_text(h, c->slug);
	html_rawf(h, "</dd><dt>Anni</dt><dd>%lld–%lld</dd><dt>Stato</dt><dd>", c->start_year, c->end_year);
	html_text(h, status_label(c->status));
	html_raw(h, "</dd><dt>Scadenza per l’invio</dt><dd>");
	html_text(h, c->deadline ? html_datetime(r->a, c->deadline) : "non ancora fissata");
	html_raw(h, "</dd><dt>Atti di riferimento</dt><dd>");
	html_text(h, c->reference && *c->reference ? c->reference : "—");
	html_raw(h, "</dd></dl><p><a href=\"");
	html_text(h, arena_printf(r->a, "%s/esporta", cycle_href(r, c)));
	html_raw(h, "\" download>Scarica il file del ciclo (JSON)</a></p>");
	html_raw(h, "<nav aria-label=\"Parti del ciclo\"><ul><li><a href=\"#catalogo\">Catalogo</a></li><li><a "
	            "href=\"#norme\">Riferimenti normativi</a></li><li><a href=\"#glossario\">Glossario</a></li><li><a "
	            "href=\"#schema\">Schema del piano</a></li></ul></nav>");
	if (admin) {
		html_raw(h, "<h2 id=\"gestione\">Gestione</h2>");
		if (c->status == CYCLE_DRAFT) {
			html_raw(h, "<p><a class=\"btn btn-primary\" href=\"");
			html_text(h, arena_printf(r->a, "%s/apri", cycle_href(r, c)));
			html_raw(h,
			         "\">Apri il ciclo</a> Dopo l’apertura gli ATS scrivono i piani e le regole del ciclo "
			         "non cambiano più.</p>");
		} else if (c->status == CYCLE_OPEN) {
			html_raw(h, "<p><a class=\"btn btn-primary\" href=\"");
			html_text(h, arena_printf(r->a, "%s/chiudi", cycle_href(r, c)));
			html_raw(h, "\">Chiudi il ciclo</a> Dopo la chiusura i piani non si modificano né si inviano "
			            "più; revisione e pubblicazione continuano.</p>");
		}
		if (c->status != CYCLE_CLOSED) {
			html_raw(h, "<form method=\"post\" action=\"");
			html_text(h, arena_printf(r->a, "%s/scadenza", cycle_href(r, c)));
			html_raw(h, "\" novalidate>");
			web_csrf_field(p);
			web_field_input(p, "submission_deadline",
			                "Nuova scadenza per l’invio (AAAA-MM-GG, fino alle 23:59 ora italiana; vuota: "
			                "non ancora fissata)",
			                "date", NULL, deadline_error, "off");
			html_raw(h, "<button type=\"submit\" class=\"btn btn-outline-primary\">Cambia la "
			            "scadenza</button></form>");
		}
	}
	catalog_html(h, &doc.catalog);
	norms_html(r, h, doc.norms, doc.nnorms);
	glossary_html(h, &doc.glossary);
	template_html(r, h, &doc.template);
	web_page_end(p, status);
}

static void get_cycle(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	const char *done = http_query(r, "fatto");
	const char *notice = done == NULL                      ? NULL
	                     : strcmp(done, "aperto") == 0     ? "Ciclo aperto: gli ATS possono scrivere i piani."
	                     : strcmp(done, "chiuso") == 0     ? "Ciclo chiuso."
	                     : strcmp(done, "scadenza") == 0   ? "Scadenza cambiata."
	                     : strcmp(done, "caricato") == 0   ? "File del ciclo caricato."
	                     : strcmp(done, "sostituito") == 0 ? "File del ciclo caricato: la bozza è stata sostituita."
	                                                       : NULL;
	cycle_page(r, c, notice, NULL, 200);
}

/* ---- open, close, deadline ---- */

static bool is_open_path(http_req *r)
{
	size_t n = strlen(r->path);
	return n >= 5 && strcmp(r->path + n - 5, "/apri") == 0;
}

static void get_status(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	bool open = is_open_path(r);
	web_crumb cr[] = {{"Cicli di programmazione", ADMIN_PATH "/cicli"},
	                  {c->title, cycle_href(r, c)},
	                  {open ? "Apri" : "Chiudi", NULL}};
	web_page *p = admin_page(r, open ? "Aprire il ciclo?" : "Chiudere il ciclo?", cr, 3);
	html *h = web_html(p);
	html_raw(h, "<p>");
	html_text(h, open ? "Aprendo il ciclo gli ATS potranno creare e scrivere i loro piani; catalogo, norme, "
	                    "glossario e schema non si potranno più cambiare, perché i piani restino confrontabili."
	                  : "Chiudendo il ciclo i piani non si potranno più modificare né inviare; la revisione e la "
	                    "pubblicazione dei piani inviati continuano. Non si torna indietro.");
	html_raw(h, "</p><form method=\"post\" action=\"");
	html_text(h, arena_printf(r->a, "%s/%s", cycle_href(r, c), open ? "apri" : "chiudi"));
	html_raw(h, "\">");
	web_csrf_field(p);
	html_raw(h, open ? "<button type=\"submit\" class=\"btn btn-danger\">Sì, apri il ciclo</button>"
	                 : "<button type=\"submit\" class=\"btn btn-danger\">Sì, chiudi il ciclo</button>");
	html_raw(h, " <a class=\"btn btn-outline-primary\" href=\"");
	html_text(h, cycle_href(r, c));
	html_raw(h, "\">Annulla</a></form>");
	web_page_end(p, 200);
}

/* The API's PATCH with one member; a refusal of its rules (409) is the
 * error page with the API's Italian detail. */
static int change(http_req *r, cycle *c, jw *w, field_errors *e)
{
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return -1;
	cycle next;
	int rc = cycles_change(r, e, c, body, &next);
	if (rc < 0) {
		http_db_error(r, rc, "il ciclo");
		return -1;
	}
	if (rc == CYCLES_ANSWERED) {
		/* The API's refusal (409) as a page that says why, in its words. */
		json_value *problem = NULL;
		char err[64];
		const char *detail = NULL;
		int status = r->status;
		if (r->resp_body != NULL && json_parse(r->a, arena_strndup(r->a, r->resp_body, r->resp_len),
		                                       r->resp_len, &problem, err, sizeof(err)) == JSON_OK)
			detail = json_get_str(problem, "detail");
		http_reset_answer(r);
		r->audit_object = arena_printf(r->a, "cycle:%s", c->slug);
		web_error_page(r, status, detail ? arena_printf(r->a, "Non è possibile: %s.", detail) : NULL);
		return -1;
	}
	r->audit_detail = arena_printf(r->a, "%s (from the web)", r->audit_detail ? r->audit_detail : "changed");
	return rc;
}

static void post_status(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	cycle *c = cycles_path_cycle(r, true);
	if (c == NULL)
		return;
	bool open = is_open_path(r);
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_kstr(w, "status", open ? "open" : "closed");
	jw_obj_end(w);
	field_errors *e = http_errors_new(r);
	int rc = change(r, c, w, e);
	if (rc == CYCLES_OK)
		web_redirect(r, arena_printf(r->a, "%s?fatto=%s", cycle_href(r, c), open ? "aperto" : "chiuso"));
	else if (rc == CYCLES_REFUSED)
		web_error_page(r, 422, field_errors_message(e, 0));
}

static void post_deadline(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	cycle *c = cycles_path_cycle(r, true);
	if (c == NULL)
		return;
	web_form f;
	if (!web_form_read(r, &f))
		return;
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	write_deadline(r, w, web_form_get(&f, "submission_deadline"));
	jw_obj_end(w);
	field_errors *e = http_errors_new(r);
	int rc = change(r, c, w, e);
	if (rc == CYCLES_OK)
		web_redirect(r, arena_printf(r->a, "%s?fatto=scadenza", cycle_href(r, c)));
	else if (rc == CYCLES_REFUSED)
		cycle_page(r, c, NULL, field_errors_message(e, 0), 422);
}

/* ---- export and upload ---- */

static void get_export(http_req *r)
{
	if (admin_require(r, true) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	cycle_document doc;
	if (c == NULL || !http_db_ok(r, cycle_store_load_document(r->db, r->a, c, &doc), "il ciclo"))
		return;
	/* The very bytes `ambitoctl export` writes, its final newline included. */
	jw *w = jw_new(NULL, NULL);
	cycle_render_document(w, &doc);
	size_t len;
	const char *buf = jw_buffer(w, &len);
	if (jw_failed(w)) {
		jw_free(w);
		web_error_page(r, 500, "Il ciclo contiene testo non valido.");
		return;
	}
	char *out = arena_alloc(r->a, len + 1);
	memcpy(out, buf, len);
	out[len] = '\n';
	jw_free(w);
	http_set_header(r, "Content-Disposition",
	                arena_printf(r->a, "attachment; filename=\"ambito-ciclo-%s.json\"", c->slug));
	http_body(r, 200, "application/json", out, len + 1);
}

typedef struct upload_view {
	const char *refused; /* a refusal that is no entry's */
	const char **errors; /* "path: message" of a refused file */
	size_t nerrors, more;
	bool replace;
} upload_view;

static void upload_page(http_req *r, const upload_view *v, int status)
{
	web_crumb cr[] = {{"Cicli di programmazione", ADMIN_PATH "/cicli"}, {"Carica un file del ciclo", NULL}};
	web_page *p = admin_page(r, "Carica un file del ciclo", cr, 2);
	html *h = web_html(p);
	if (v->nerrors > 0) {
		html_raw(h,
		         "<div class=\"alert alert-danger\" role=\"alert\" id=\"errori-file\"><p>Il file non è stato "
		         "caricato: nulla è cambiato. Ogni errore indica la voce del file:</p><ul>");
		for (size_t i = 0; i < v->nerrors; i++) {
			html_raw(h, "<li><code>");
			html_text(h, v->errors[i]);
			html_raw(h, "</code></li>");
		}
		html_raw(h, "</ul>");
		if (v->more > 0)
			html_rawf(h, "<p>e altri %zu errori.</p>", v->more);
		html_raw(h, "</div>");
	}
	if (v->refused)
		admin_alert(p, "danger", v->refused);
	html_raw(h, "<p>Il file è nel formato <code>" CYCLE_FORMAT "</code>, lo stesso di <code>ambitoctl "
	            "import</code> e di <code>ambitoctl export</code>, con gli stessi controlli: o entra tutto o "
	            "nulla. Un ciclo che esiste già si può sostituire solo finché è una bozza.</p>");
	html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"" ADMIN_PATH
	            "/cicli/carica\" enctype=\"multipart/form-data\">");
	web_csrf_field(p);
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-file\">File del ciclo (JSON)</label>"
	            "<input class=\"form-control\" type=\"file\" id=\"campo-file\" name=\"file\" "
	            "accept=\".json,application/json\"></div>"
	            "<div class=\"form-check ambito-field\"><input class=\"form-check-input\" type=\"checkbox\" "
	            "id=\"campo-sostituisci\" name=\"sostituisci\" value=\"1\"");
	if (v->replace)
		html_raw(h, " checked");
	html_raw(h, "><label class=\"form-check-label\" for=\"campo-sostituisci\">Sostituisci la bozza dello "
	            "stesso ciclo, se esiste</label></div>"
	            "<button type=\"submit\" class=\"btn btn-primary ambito-field\">Carica il file</button></form>"
	            "</div></div>");
	web_page_end(p, status);
}

static void get_upload(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	upload_view v = {0};
	upload_page(r, &v, 200);
}

static void post_upload(http_req *r)
{
	if (admin_require(r, false) != 0)
		return;
	upload_view v = {0};
	multipart_part parts[MULTIPART_MAX_PARTS];
	int n =
	    multipart_parse(r->a, http_header_get(r, "Content-Type"), r->body, r->body_len, parts, MULTIPART_MAX_PARTS);
	if (n < 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const multipart_part *file = multipart_get(parts, (size_t)n, "file");
	v.replace = multipart_get(parts, (size_t)n, "sostituisci") != NULL;
	r->audit_object = "cycle:?";
	if (file == NULL || file->len == 0) {
		v.refused = "Scegli il file del ciclo da caricare.";
		upload_page(r, &v, 422);
		return;
	}
	json_value *root;
	char err[256];
	const char *text = arena_strndup(r->a, file->data, file->len);
	if (strlen(text) != file->len || json_parse(r->a, text, file->len, &root, err, sizeof(err)) != JSON_OK) {
		v.refused = arena_printf(r->a, "Il file non è JSON valido: %s", err);
		if (strlen(text) != file->len)
			v.refused = "Il file non è JSON valido: contiene un byte NUL.";
		upload_page(r, &v, 422);
		return;
	}
	field_errors *e = http_errors_new(r);
	cycle_document doc;
	bool replaced;
	const char *refusal, *refusal_it;
	int db_rc;
	switch (cycle_import(r->db, r->a, e, root, v.replace, &doc, &replaced, &refusal, &refusal_it, &db_rc)) {
	case CYCLE_IMPORT_OK: break;
	case CYCLE_IMPORT_INVALID: {
		const char *slug = json_get_str(json_get(root, "cycle"), "slug");
		r->audit_object = arena_printf(r->a, "cycle:%s", slug ? slug : "?");
		size_t kept = field_errors_kept(e);
		size_t shown = kept < CYCLE_UPLOAD_ERRORS_SHOWN ? kept : CYCLE_UPLOAD_ERRORS_SHOWN;
		v.errors = arena_calloc(r->a, shown + 1, sizeof(char *));
		for (size_t i = 0; i < shown; i++)
			v.errors[i] =
			    arena_printf(r->a, "%s: %s", field_errors_field(e, i), field_errors_message(e, i));
		v.nerrors = shown;
		v.more = field_errors_count(e) - shown;
		r->audit_detail = shown > 0 ? v.errors[0] : "the file is not valid";
		upload_page(r, &v, 422);
		return;
	}
	case CYCLE_IMPORT_REFUSED:
		r->audit_object = arena_printf(r->a, "cycle:%s", doc.cycle.slug);
		r->audit_detail = refusal;
		v.refused = refusal_it;
		upload_page(r, &v, 409);
		return;
	case CYCLE_IMPORT_FAILED: http_db_error(r, db_rc, "il ciclo"); return;
	}
	r->audit_object = arena_printf(r->a, "cycle:%s", doc.cycle.slug);
	r->audit_detail =
	    arena_printf(r->a,
	                 "%s upload: %zu objectives, %zu actions, %zu norms, %zu terms, %zu "
	                 "sections (from the web)",
	                 replaced ? "replaced from" : "imported from", doc.catalog.nobjectives,
	                 cycle_count_actions(&doc.catalog), doc.nnorms, doc.glossary.nterms, doc.template.nsections);
	web_redirect(r, arena_printf(r->a, ADMIN_PATH "/cicli/%s?fatto=%s", doc.cycle.slug,
	                             replaced ? "sostituito" : "caricato"));
}

static const route routes[] = {
    {HTTP_GET, ADMIN_PATH "/cicli", get_cycles, ROUTE_PAGE, "I cicli di programmazione"},
    {HTTP_POST, ADMIN_PATH "/cicli", post_cycle, ROUTE_PAGE, "Crea un ciclo in bozza"},
    {HTTP_GET, ADMIN_PATH "/cicli/carica", get_upload, ROUTE_PAGE, "Il modulo per caricare un file del ciclo"},
    {.method = HTTP_POST,
     .pattern = ADMIN_PATH "/cicli/carica",
     .handler = post_upload,
     .flags = ROUTE_PAGE,
     .summary = "Carica un file del ciclo (multipart/form-data), come ambitoctl import",
     .max_body = CYCLE_UPLOAD_MAX},
    {HTTP_GET, ADMIN_PATH "/cicli/{cycle}", get_cycle, ROUTE_PAGE, "Un ciclo con catalogo, norme, glossario e schema"},
    {HTTP_GET, ADMIN_PATH "/cicli/{cycle}/esporta", get_export, ROUTE_PAGE, "Il file del ciclo, da scaricare"},
    {HTTP_GET, ADMIN_PATH "/cicli/{cycle}/apri", get_status, ROUTE_PAGE, "Conferma l’apertura del ciclo"},
    {HTTP_POST, ADMIN_PATH "/cicli/{cycle}/apri", post_status, ROUTE_PAGE, "Apre il ciclo"},
    {HTTP_GET, ADMIN_PATH "/cicli/{cycle}/chiudi", get_status, ROUTE_PAGE, "Conferma la chiusura del ciclo"},
    {HTTP_POST, ADMIN_PATH "/cicli/{cycle}/chiudi", post_status, ROUTE_PAGE, "Chiude il ciclo"},
    {HTTP_POST, ADMIN_PATH "/cicli/{cycle}/scadenza", post_deadline, ROUTE_PAGE, "Cambia la scadenza"},
};

void admin_cycle_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
