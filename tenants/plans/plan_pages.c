/* Pages of plans, read through the same store functions as the JSON API:
 * the home with each plan's status, completeness, deadline and the Region's
 * notes, and a plan's index of sections. Tenant scoping is the route's
 * (ROUTE_TENANT): another ATS's plan is the same 404 page as a missing one. */
#include <string.h>

#include "base/id.h"
#include "base/utf8.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_html.h"
#include "tenants/plans/plan_pages.h"
#include "tenants/plans/plan_tables.h"
#include "tenants/plans/plan_update_pages.h"
#include "tenants/plans/plans.h"
#include "tenants/plans/region_pages.h"
#include "web/web.h"

static void status_badge(html *h, const char *api_status, const char *label)
{
	html_raw(h, "<span class=\"ambito-status ambito-status-");
	html_text(h, api_status);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</span>");
}

static void plan_status_badge(html *h, plan_status s)
{
	const char *name = plan_status_name(s);
	status_badge(h, name, web_plan_status(name));
}

static const char *completeness(arena *a, long long complete, long long total)
{
	return arena_printf(a, "%lld su %lld %s", complete, total,
	                    total == 1 ? "sezione completa" : "sezioni complete");
}

/* "31 dicembre 2021, ore 23:59 (mancano 12 giorni)" */
static void deadline(html *h, arena *a, const char *dt)
{
	if (dt == NULL) {
		html_text(h, "nessuna scadenza");
		return;
	}
	const char *when = html_datetime(a, dt);
	html_text(h, when ? when : dt);
	long long days;
	if (!web_days_until(dt, &days))
		return;
	if (days > 1)
		html_text(h, arena_printf(a, " (mancano %s giorni)", html_int(a, days)));
	else if (days == 1)
		html_text(h, " (manca meno di un giorno)");
	else if (days == 0)
		html_text(h, " (scade oggi)");
	else
		html_text(h,
		          arena_printf(a, " (scaduta da %s %s)", html_int(a, -days), days == -1 ? "giorno" : "giorni"));
}

static bool can_write(role ro)
{
	return ro == ROLE_ATS_COORDINATOR || ro == ROLE_ATS_EDITOR;
}

/* What the ATS has to do next, in words. */
static const char *next_step(arena *a, const plan_overview *o, role ro)
{
	if (!o->has_plan)
		return o->cycle.status == CYCLE_OPEN ? "Il piano per questo ciclo non è ancora stato creato."
		                                     : "Il ciclo è chiuso e l’ATS non ha un piano.";
	long long missing = o->sections - o->complete;
	switch (o->status) {
	case PLAN_DRAFT:
		if (!can_write(ro))
			return "Il piano è in scrittura da parte dell’ATS.";
		if (missing > 0)
			return arena_printf(
			    a,
			    "Completa le sezioni che mancano (%lld); quando il piano è completo il coordinatore "
			    "lo invia alla Regione.",
			    missing);
		return ro == ROLE_ATS_COORDINATOR
		           ? "Tutte le sezioni sono complete: controlla il piano e invialo alla Regione."
		           : "Tutte le sezioni sono complete: il coordinatore può inviare il piano.";
	case PLAN_SUBMITTED:
		return arena_printf(
		    a, "Il piano è stato inviato (revisione %lld): attendi l’esito della revisione della Regione.",
		    o->revision);
	case PLAN_CHANGES_REQUESTED:
		return can_write(ro)
		           ? "La Regione ha chiesto modifiche: correggi il piano seguendo le note e invialo di nuovo."
		           : "La Regione ha chiesto modifiche: l’ATS sta correggendo il piano.";
	case PLAN_APPROVED: return "Il piano è stato approvato dalla Regione, che lo pubblicherà.";
	case PLAN_PUBLISHED: return "Il piano è pubblicato: chiunque può leggerlo.";
	}
	return "";
}

/* One card per cycle: status, completeness, deadline, the Region's notes,
 * what to do next. level is the heading level of each card. */
static int ats_plans(web_page *p, long long tenant_id, const char *slug, role ro, int level, const char **name_out)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	plan_overview *ov;
	size_t n;
	const char *name;
	int rc = plan_store_overview(r->db, r->a, tenant_id, &name, &ov, &n);
	if (rc != DB_OK)
		return rc;
	if (name_out)
		*name_out = name;
	if (level == 3) {
		html_raw(h, "<h2>");
		html_text(h, name ? name : slug);
		html_raw(h, "</h2>");
	}
	if (n == 0)
		html_raw(h, "<p>Nessun ciclo di programmazione è ancora aperto.</p>");
	for (size_t i = 0; i < n; i++) {
		const plan_overview *o = &ov[i];
		html_rawf(h, "<section class=\"ambito-card\"><h%d>", level);
		html_text(h, o->cycle.title);
		html_rawf(h, "</h%d><dl class=\"ambito-facts\"><dt>Stato</dt><dd>", level);
		if (o->has_plan)
			plan_status_badge(h, o->status);
		else
			html_text(h, "nessun piano");
		html_raw(h, "</dd>");
		if (o->has_plan) {
			html_raw(h, "<dt>Completezza</dt><dd>");
			html_text(h, completeness(r->a, o->complete, o->sections));
			html_raw(h, "</dd>");
		}
		html_raw(h, "<dt>Scadenza per l’invio</dt><dd>");
		deadline(h, r->a, o->cycle.deadline);
		html_raw(h, "</dd></dl>");
		if (o->has_plan && o->status == PLAN_CHANGES_REQUESTED && o->decision != NULL) {
			html_raw(h, "<div class=\"ambito-notes\"><p><strong>Note della Regione");
			if (o->reviewed_at) {
				html_text(h, " del ");
				html_text(h, html_datetime(r->a, o->reviewed_at));
			}
			html_raw(h, "</strong></p>");
			html_paragraphs(h, o->review_note ? o->review_note : "Nessuna nota.");
			html_raw(h, "</div>");
		}
		html_raw(h, "<p><strong>Cosa fare ora:</strong> ");
		html_text(h, next_step(r->a, o, ro));
		html_raw(h, "</p>");
		if (o->has_plan) {
			html_raw(h, "<p><a class=\"btn btn-primary\" href=\"/ats/");
			html_text(h, slug);
			html_raw(h, "/piani/");
			html_text(h, o->cycle.slug);
			html_raw(h, "\">Apri l’indice del piano<span class=\"visually-hidden\"> ");
			html_text(h, o->cycle.title);
			html_raw(h, "</span></a></p>");
		}
		html_raw(h, "</section>");
	}
	return DB_OK;
}

static void home(web_page *p)
{
	http_req *r = web_req(p);
	const identity *u = r->user;
	int rc = DB_OK;
	for (size_t i = 0; i < u->nmemberships && rc == DB_OK; i++)
		rc = ats_plans(p, u->memberships[i].tenant_id, u->memberships[i].tenant, u->memberships[i].role, 3,
		               NULL);
	if (rc == DB_OK && (u->region_role != ROLE_NONE || u->nmemberships == 0))
		region_pages_home(p);
	if (rc != DB_OK)
		http_db_error(r, rc, "i piani"); /* the page hook shows it as the error page */
}

static void get_ats(http_req *r)
{
	web_crumb c[] = {{r->tenant->name, NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Piani di %s", r->tenant->name), c, 1);
	int rc = ats_plans(p, r->tenant->id, r->tenant->slug, r->tenant->role, 2, NULL);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i piani");
		return;
	}
	web_page_end(p, 200);
}

static const char *group_label(arena *a, const char *g)
{
	return strcmp(g, "I") == 0 ? "Introduzione" : arena_printf(a, "Parte %s", g);
}

/* href_base: the path of the plan's sections, up to the section's key. */
static void section_row(html *h, arena *a, const cycle_section *t, const plan_section *s, long long comments,
                        const char *href_base)
{
	html_raw(h, "<tr><th scope=\"row\"><span class=\"ambito-actions\">");
	html_text(h, t->key);
	html_raw(h, "</span> <a href=\"");
	html_text(h, href_base);
	html_text(h, t->key);
	html_raw(h, "\">");
	html_text(h, t->title);
	html_raw(h, "</a></th><td>");
	const char *st = s ? plan_section_status_name(s->status) : "empty";
	status_badge(h, st, web_section_status(st));
	html_raw(h, "</td><td class=\"ambito-actions\">");
	for (size_t i = 0; i < t->nactions; i++) {
		if (i > 0)
			html_raw(h, ", ");
		html_text(h, t->actions[i]);
	}
	if (t->nactions == 0)
		html_raw(h, "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">nessuna</span>");
	html_raw(h, "</td><td>");
	if (s && s->updated_at) {
		html_text(h, s->updated_by_name && *s->updated_by_name ? s->updated_by_name : "—");
		html_raw(h, "<br>");
		html_text(h, html_datetime(a, s->updated_at));
	} else
		html_text(h, "mai salvata");
	html_raw(h, "</td><td>");
	html_text(h, html_int(a, comments));
	html_raw(h, "</td></tr>");
}

/* The path's cycle and plan from the rows that came with the caller's
 * identity (the route's prefetch), answering 404 as cycles_path_cycle and
 * plans_path_plan do when either is missing; false when there are no such
 * rows (the caller reads for itself) or after answering. */
static bool prefetched_plan(http_req *r, plan_page_rows *pr, bool *answered)
{
	const db_res *res;
	size_t first, n;
	*answered = false;
	if (!scope_prefetched(r, &res, &first, &n))
		return false;
	plan_store_page_rows(r->a, res, first, n, pr);
	const char *slug = http_param(r, "cycle");
	if (pr->cycle == NULL) {
		if (v_is_slug(slug))
			http_problemf(r, 404, "il ciclo %s non esiste", slug);
		else
			http_problem(r, 404, "il ciclo richiesto non esiste");
	} else if (pr->plan == NULL) {
		http_problemf(r, 404, "%s non ha un piano per il ciclo %s", r->tenant->slug, pr->cycle->slug);
	}
	*answered = pr->cycle == NULL || pr->plan == NULL;
	return !*answered;
}

static void get_plan_index(http_req *r)
{
	plan_page_rows pr;
	bool answered;
	if (!prefetched_plan(r, &pr, &answered)) {
		if (answered)
			return;
		pr = (plan_page_rows){0};
		pr.cycle = cycles_path_cycle(r, false);
		if (pr.cycle == NULL)
			return;
		pr.plan = plans_path_plan(r, pr.cycle, false);
		if (pr.plan == NULL)
			return;
	}
	const cycle *c = pr.cycle;
	const plan *pl = pr.plan;
	const cycle_template *tplp = NULL;
	plan_page_rows rows; /* the sections, open comments and allocations */
	int rc = plan_index_cached_rows(r->db, r->a, pl, &rows);
	if (rc == DB_OK)
		rc = cycle_store_cached_template(r->db, c, &tplp);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	const cycle_template tpl = *tplp;
	const plan_section *secs = rows.sections;
	size_t nsecs = rows.nsections, ncom = rows.ncomments;
	const char **ckeys = rows.comment_keys;
	const long long *ccounts = rows.comment_counts;
	long long complete = 0;
	for (size_t i = 0; i < nsecs; i++)
		complete += secs[i].status == SECTION_COMPLETE;

	web_crumb crumbs[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                      {arena_printf(r->a, "Piano %s", c->slug), NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Indice del piano %s", c->slug), crumbs, 2);
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">");
	html_text(h, r->tenant->name);
	html_raw(h, " — ");
	html_text(h, c->title);
	html_raw(h, "</p><dl class=\"ambito-facts\"><dt>Stato</dt><dd>");
	plan_status_badge(h, pl->status);
	html_raw(h, "</dd><dt>Completezza</dt><dd>");
	html_text(h, completeness(r->a, complete, (long long)nsecs));
	html_raw(h, "</dd><dt>Scadenza per l’invio</dt><dd>");
	deadline(h, r->a, c->deadline);
	html_raw(h, "</dd></dl><p><a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/entrate", r->tenant->slug, c->slug));
	html_raw(h, "\">Entrate del piano</a> · <a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/invio", r->tenant->slug, c->slug));
	html_raw(h, "\">Controllo e invio del piano</a> · <a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/storia", r->tenant->slug, c->slug));
	html_raw(h, "\">Storia degli invii</a> · <a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/bozza", r->tenant->slug, c->slug));
	html_raw(h, "\">Bozza stampabile</a>");
	if (r->tenant->role == ROLE_REGION_ADMIN || r->tenant->role == ROLE_REGION_REVIEWER ||
	    r->tenant->role == ROLE_UNIVERSITY) {
		html_raw(h, " · <a href=\"");
		html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/revisione", r->tenant->slug, c->slug));
		html_raw(h, "\">Revisione dell’ultimo invio</a>");
	}
	html_raw(h, "</p>");
	plan_update_index(p, r, c, pl, rows.allocations, rows.nallocations);

	const char *group = NULL;
	const char *href_base = arena_printf(r->a, "/ats/%s/piani/%s/sezioni/", r->tenant->slug, c->slug);
	for (size_t i = 0; i < tpl.nsections; i++) {
		const cycle_section *t = &tpl.sections[i];
		if (group == NULL || strcmp(group, t->group) != 0) {
			if (group != NULL)
				html_raw(h, "</tbody></table></div>");
			group = t->group;
			const char *label = group_label(r->a, group);
			html_raw(h, "<h2>");
			html_text(h, label);
			html_raw(h, "</h2><div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" "
			            "aria-label=\"Sezioni: ");
			html_text(h, label);
			html_raw(
			    h,
			    "\"><table class=\"table ambito-table ambito-sections\"><caption class=\"visually-hidden\">"
			    "Sezioni: ");
			html_text(h, label);
			html_raw(h,
			         "</caption><thead><tr><th scope=\"col\">Sezione</th><th scope=\"col\">Stato</th><th "
			         "scope=\"col\">Azioni di sistema</th><th scope=\"col\">Ultimo salvataggio</th><th "
			         "scope=\"col\">Commenti aperti</th></tr></thead><tbody>");
		}
		const plan_section *s = NULL;
		for (size_t j = 0; j < nsecs && s == NULL; j++)
			if (strcmp(secs[j].key, t->key) == 0)
				s = &secs[j];
		long long comments = 0;
		for (size_t j = 0; j < ncom; j++)
			if (strcmp(ckeys[j], t->key) == 0)
				comments = ccounts[j];
		section_row(h, r->a, t, s, comments, href_base);
	}
	if (group != NULL)
		html_raw(h, "</tbody></table></div>");
	web_page_end(p, 200);
}

/* ---------------------------------------------------------------- section editor */

#define EDITOR_ROWS_MIN 6
#define PREVIEW_TOP_HEADING 3 /* a "#" in a part previews as <h3>, under the page's <h2>s */
#define EDITOR_ROWS_MAX 24

static const cycle_section *find_section(const cycle_template *t, const char *key)
{
	for (size_t i = 0; i < t->nsections; i++)
		if (strcmp(t->sections[i].key, key) == 0)
			return &t->sections[i];
	return NULL;
}

static const char *stored_part(const plan_section_content *c, const char *key)
{
	for (size_t i = 0; c != NULL && i < c->nparts; i++)
		if (strcmp(c->parts[i].key, key) == 0)
			return c->parts[i].text;
	return NULL;
}

/* What one showing of the editor holds besides the stored section. */
typedef struct editor_view {
	const char **typed;  /* per template part: what the user sent, or NULL */
	const char **errors; /* per template part, or NULL */
	size_t nerrors;
	bool stale;          /* someone saved meanwhile: show their text beside ours */
	bool saved;          /* just saved */
	bool preview;        /* show each part rendered, under its field; nothing saved */
	const char *version; /* the version the form was loaded with, or NULL: the section's */
	const char *refused; /* why the plan cannot be changed now, or NULL */
	/* The section's tables when its template has them (else NULL): the
	 * stored rows, or what the user sent. */
	plan_table *indicators, *spending;
	const cycle_catalog *cat;
} editor_view;

static bool has_block(const cycle_section *tpl, const char *block)
{
	for (size_t i = 0; i < tpl->nblocks; i++)
		if (strcmp(tpl->blocks[i], block) == 0)
			return true;
	return false;
}

/* The tables of the template's blocks, from rows (the stored ones). */
static void editor_tables(arena *a, const cycle_section *tpl, const plan_section_content *rows, editor_view *v)
{
	if (has_block(tpl, "indicators")) {
		v->indicators = arena_calloc(a, 1, sizeof(plan_table));
		plan_table_indicators(v->indicators, a, rows ? rows->indicators : NULL, rows ? rows->nindicators : 0);
	}
	if (has_block(tpl, "spending")) {
		v->spending = arena_calloc(a, 1, sizeof(plan_table));
		plan_table_spending(v->spending, a, rows ? rows->spending : NULL, rows ? rows->nspending : 0);
	}
}

static size_t table_errors(const plan_table *t)
{
	return t != NULL ? t->nerrors : 0;
}

static const char *editor_href(http_req *r, const cycle *c, const char *key)
{
	return arena_printf(r->a, "/ats/%s/piani/%s/sezioni/%s", r->tenant->slug, c->slug, key);
}

static void editor_page(http_req *r, const cycle *c, const plan *pl, const cycle_section *tpl, const plan_section *s,
                        const plan_section_content *stored, bool editable, const editor_view *v, int status)
{
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(r->a, "Piano %s", c->slug), arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, c->slug)},
	    {arena_printf(r->a, "Sezione %s", tpl->key), NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "%s %s", tpl->key, tpl->title), crumbs, 3);
	html *h = web_html(p);
	html_raw(h, "<dl class=\"ambito-facts\"><dt>Stato della sezione</dt><dd>");
	const char *st = plan_section_status_name(s->status);
	status_badge(h, st, web_section_status(st));
	html_raw(h, "</dd><dt>Ultimo salvataggio</dt><dd>");
	if (s->updated_at) {
		html_text(h, s->updated_by_name && *s->updated_by_name ? s->updated_by_name : "—");
		html_text(h, ", ");
		html_text(h, html_datetime(r->a, s->updated_at));
	} else
		html_text(h, "mai salvata");
	html_raw(h, "</dd><dt>Stato del piano</dt><dd>");
	plan_status_badge(h, pl->status);
	html_raw(h, "</dd></dl>");
	if (v->saved)
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">Sezione salvata.</div>");
	if (v->refused) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"alert\">");
		html_text(h, v->refused);
		html_raw(h, "</div>");
	}
	if (v->stale)
		html_raw(
		    h, "<div class=\"alert alert-warning\" role=\"alert\"><p><strong>Nessuna modifica è stata "
		       "salvata.</strong> Un’altra persona ha salvato questa sezione mentre la stavi scrivendo. Sotto "
		       "ogni campo cambiato trovi il testo salvato da lei; nel campo c’è ancora il tuo. Unisci i due "
		       "testi e salva di nuovo.</p></div>");
	if (v->preview)
		html_raw(h,
		         "<div class=\"alert alert-info\" role=\"status\"><strong>Anteprima: il testo non è ancora "
		         "salvato.</strong> Sotto ogni campo vedi come apparirà nel documento del piano; premi «Salva "
		         "la sezione» per salvarlo.</div>");
	if (v->nerrors > 0) {
		size_t room = tpl->nparts + table_errors(v->indicators) + table_errors(v->spending);
		const char **ids = arena_calloc(r->a, room + 1, sizeof(char *));
		const char **msgs = arena_calloc(r->a, room + 1, sizeof(char *));
		size_t n = 0;
		for (size_t i = 0; i < tpl->nparts; i++)
			if (v->errors && v->errors[i]) {
				ids[n] = arena_printf(r->a, "parte-%s", tpl->parts[i].key);
				msgs[n++] = arena_printf(r->a, "%s: %s", tpl->parts[i].title, v->errors[i]);
			}
		if (v->indicators)
			n = plan_table_summary(v->indicators, r->a, ids, msgs, n);
		if (v->spending)
			n = plan_table_summary(v->spending, r->a, ids, msgs, n);
		web_error_summary(p, ids, msgs, n);
	}
	if (editable) {
		html_raw(h, "<form method=\"post\" action=\"");
		html_text(h, editor_href(r, c, tpl->key));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		html_raw(h, "<input type=\"hidden\" name=\"versione\" value=\"");
		html_text(h, v->version ? v->version : arena_printf(r->a, "%lld", s->version));
		html_raw(h, "\">");
	}
	long long markdown_ns = 0; /* Markdown's CPU time in this page, within its budget */
	for (size_t i = 0; i < tpl->nparts; i++) {
		const cycle_part *part = &tpl->parts[i];
		const char *saved_text = stored_part(stored, part->key);
		const char *text = v->typed && v->typed[i] ? v->typed[i] : saved_text;
		const char *err = v->errors ? v->errors[i] : NULL;
		html_raw(h, "<div class=\"ambito-part\">");
		if (!editable) {
			html_raw(h, "<h2 class=\"h4\">");
			html_text(h, part->title);
			html_raw(h, "</h2><div class=\"ambito-readonly\">");
			if (text && *text)
				plan_html_markdown(h, text, PREVIEW_TOP_HEADING, &markdown_ns);
			else
				html_raw(h, "<p><em>Non ancora scritto.</em></p>");
			html_raw(h, "</div></div>");
			continue;
		}
		long long chars = text ? (long long)utf8_chars(text, strlen(text)) : 0;
		long long rows = part->max_chars / 400;
		rows = rows < EDITOR_ROWS_MIN ? EDITOR_ROWS_MIN : rows > EDITOR_ROWS_MAX ? EDITOR_ROWS_MAX : rows;
		html_raw(h, "<label for=\"parte-");
		html_text(h, part->key);
		html_raw(h, "\">");
		html_text(h, part->title);
		html_raw(h, " <span class=\"ambito-required\">");
		html_text(h, part->required ? "(obbligatoria)" : "(facoltativa)");
		html_raw(h, "</span></label>");
		bool guided = part->guidance != NULL && part->guidance[strspn(part->guidance, " \t\r\n")] != '\0';
		if (guided) {
			html_raw(h, "<div class=\"ambito-guidance\" id=\"guida-");
			html_text(h, part->key);
			html_raw(h, "\"><p class=\"ambito-guidance-title\">Indicazioni delle linee guida</p>");
			html_paragraphs(h, part->guidance);
			html_raw(h, "</div>");
		}
		if (err) {
			html_raw(h, "<p class=\"ambito-part-error\" id=\"errore-");
			html_text(h, part->key);
			html_raw(h, "\">");
			html_text(h, err);
			html_raw(h, "</p>");
		}
		html_rawf(h, "<textarea rows=\"%lld\" data-max-chars=\"%lld\" data-counter=\"conta-", rows,
		          part->max_chars);
		html_text(h, part->key);
		html_raw(h, "\" id=\"parte-");
		html_text(h, part->key);
		html_raw(h, "\" name=\"parte.");
		html_text(h, part->key);
		html_raw(h, "\" aria-describedby=\"");
		if (guided) {
			html_raw(h, "guida-");
			html_text(h, part->key);
			html_raw(h, " ");
		}
		html_raw(h, "conta-");
		html_text(h, part->key);
		if (err) {
			html_raw(h, " errore-");
			html_text(h, part->key);
			html_raw(h, "\" aria-invalid=\"true");
		}
		html_raw(h, "\">");
		html_text(h, text);
		html_raw(h, "</textarea><p class=\"ambito-counter\" aria-live=\"polite\" id=\"conta-");
		html_text(h, part->key);
		html_rawf(h, "\">%s su %s caratteri</p>", html_int(r->a, chars), html_int(r->a, part->max_chars));
		if (v->preview) {
			html_raw(h, "<section class=\"ambito-preview\" id=\"anteprima-");
			html_text(h, part->key);
			html_raw(h, "\" aria-label=\"");
			html_text(h, arena_printf(r->a, "Anteprima: %s", part->title));
			html_raw(
			    h, "\"><p class=\"ambito-preview-title\">Anteprima</p><div class=\"ambito-preview-text\">");
			if (text && text[strspn(text, " \t\r\n")] != '\0')
				plan_html_markdown(h, text, PREVIEW_TOP_HEADING, &markdown_ns);
			else
				html_raw(h, "<p><em>Il campo è vuoto.</em></p>");
			html_raw(h, "</div></section>");
		}
		if (v->stale && v->typed && v->typed[i] && strcmp(v->typed[i], saved_text ? saved_text : "") != 0) {
			html_raw(h, "<div class=\"ambito-stale\"><strong>Testo salvato nel frattempo da ");
			html_text(h,
			          s->updated_by_name && *s->updated_by_name ? s->updated_by_name : "un’altra persona");
			html_raw(h, ":</strong><pre class=\"ambito-stale-text\">");
			html_text(h, saved_text && *saved_text ? saved_text : "(vuoto)");
			html_raw(h, "</pre></div>");
		}
		html_raw(h, "</div>");
	}
	if (v->indicators) {
		html_raw(h, "<h2 class=\"h4 mt-4\">Indicatori</h2>");
		if (editable)
			html_raw(h,
			         "<p>Per ogni indicatore: il nome, se misura il processo o il risultato, e i valori. "
			         "Le righe vuote non vengono salvate.</p>");
		plan_table_render(h, r->a, v->indicators, v->cat, editable);
	}
	if (v->spending) {
		html_raw(h, "<h2 class=\"h4 mt-4\">Spesa</h2>");
		if (editable)
			html_raw(h,
			         "<p>Gli importi in euro, come <span class=\"text-nowrap\">1.234,56</span>; la fonte "
			         "di finanziamento dal catalogo del ciclo.</p>");
		plan_table_render(h, r->a, v->spending, v->cat, editable);
	}
	if (editable) {
		html_raw(
		    h,
		    "<p class=\"mt-4 ambito-buttons\"><button type=\"submit\" class=\"btn btn-primary\">Salva la "
		    "sezione</button> <button type=\"submit\" name=\"anteprima\" value=\"1\" class=\"btn "
		    "btn-outline-primary\">Anteprima</button></p><p class=\"small\">I testi si scrivono in Markdown: "
		    "una riga vuota separa i paragrafi, <code>- </code> all’inizio della riga fa un elenco, "
		    "<code>**testo**</code> il grassetto, e le tabelle si scrivono con <code>|</code> tra le colonne. "
		    "«Anteprima» mostra il risultato senza salvare.</p></form>");
		web_page_script(p, "counter.js");
		if (v->indicators || v->spending)
			web_page_script(p, "righe.js");
	}
	html_raw(h, "<p><a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, c->slug));
	html_raw(h, "\">Torna all’indice del piano</a> · <a href=\"");
	html_text(h, arena_printf(r->a, "%s/commenti", editor_href(r, c, tpl->key)));
	html_raw(h, "\">Commenti sulla sezione</a></p>");
	web_page_end(p, status);
}

/* The plan, its section (locked when for_update), the template section and
 * the stored content; NULL after answering when any is missing. */
typedef struct editor_ctx {
	cycle *c;
	plan *p;
	plan_section *s;
	const cycle_template *t;
	const cycle_section *tpl;
	plan_section_content stored;
} editor_ctx;

static bool editor_load(http_req *r, bool for_update, editor_ctx *x)
{
	plan_page_rows pr;
	bool answered = false;
	int rc = DB_OK;
	memset(x, 0, sizeof(*x));
	if (!for_update && prefetched_plan(r, &pr, &answered)) {
		x->c = pr.cycle;
		x->p = pr.plan;
		x->s = pr.nsections == 1 ? &pr.sections[0] : NULL;
	} else {
		if (answered)
			return false;
		x->c = cycles_path_cycle(r, false);
		x->p = x->c != NULL ? plans_path_plan(r, x->c, for_update) : NULL;
		if (x->p == NULL)
			return false;
		rc = plan_store_section(r->db, r->a, r->tenant->id, x->c->id, 0, http_param(r, "key"), for_update,
		                        &x->s);
	}
	if (rc == DB_OK)
		rc = cycle_store_cached_template(r->db, x->c, &x->t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "la sezione");
		return false;
	}
	x->tpl = x->s ? find_section(x->t, x->s->key) : NULL;
	if (x->tpl == NULL) {
		http_problem(r, 404, "il piano non ha la sezione richiesta");
		return false;
	}
	json_value *v;
	char err[64];
	if (x->s->content != NULL &&
	    json_parse(r->a, x->s->content, strlen(x->s->content), &v, err, sizeof(err)) == JSON_OK)
		plan_section_content_read(r->a, v, &x->stored);
	return true;
}

static bool editable_by(http_req *r, const editor_ctx *x)
{
	return can_write(r->tenant->role) && plan_can_edit(x->p, x->c) == DB_OK;
}

static void get_section(http_req *r)
{
	editor_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !editor_load(r, false, &x))
		return;
	editor_view v = {0};
	const cycle_catalog *cat;
	int rc = cycle_store_cached_catalog(r->db, x.c, &cat);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il catalogo");
		return;
	}
	v.cat = cat;
	editor_tables(r->a, x.tpl, &x.stored, &v);
	const char *q = http_query(r, "salvato");
	v.saved = q != NULL && strcmp(q, "1") == 0;
	bool editable = editable_by(r, &x);
	if (!editable && can_write(r->tenant->role))
		v.refused = x.c->status != CYCLE_OPEN
		                ? "Il ciclo di programmazione è chiuso: il piano non si può più modificare."
		                : arena_printf(r->a,
		                               "Il piano è %s: si può modificare solo in bozza o quando la Regione "
		                               "chiede modifiche.",
		                               web_plan_status(plan_status_name(x.p->status)));
	editor_page(r, x.c, x.p, x.tpl, x.s, &x.stored, editable, &v, 200);
}

/* Text from a form field: line ends as the API stores them (LF), since a
 * browser sends a textarea's with CRLF. */
static const char *form_text(arena *a, const char *s)
{
	if (s == NULL)
		return "";
	char *out = arena_strdup(a, s), *o = out;
	for (const char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*o++ = *p;
	*o = '\0';
	return out;
}

static void post_section(http_req *r)
{
	editor_ctx x;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !editor_load(r, true, &x))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/sections/%s", r->tenant->slug, x.c->slug, x.s->key);
	if (!editable_by(r, &x)) {
		web_error_page(r, 409,
		               x.c->status != CYCLE_OPEN
		                   ? "Il ciclo di programmazione è chiuso: il piano non si può più modificare."
		                   : "Il piano si può modificare solo in bozza o quando la Regione chiede modifiche.");
		return;
	}
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const cycle_section *tpl = x.tpl;
	editor_view v = {0};
	v.typed = arena_calloc(r->a, tpl->nparts + 1, sizeof(char *));
	v.errors = arena_calloc(r->a, tpl->nparts + 1, sizeof(char *));
	for (size_t i = 0; i < tpl->nparts; i++)
		v.typed[i] = form_text(r->a, web_form_get(&f, arena_printf(r->a, "parte.%s", tpl->parts[i].key)));
	cycle_catalog cat;
	int rc = cycle_store_load_catalog(r->db, r->a, x.c->id, &cat);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il catalogo");
		return;
	}
	v.cat = &cat;
	/* A table the form does not carry at all stays as stored. */
	editor_tables(r->a, tpl, &x.stored, &v);
	bool indicators_sent = v.indicators && plan_table_read_form(v.indicators, r->a, &f);
	if (v.spending)
		plan_table_read_form(v.spending, r->a, &f);
	const char *version = web_form_get(&f, "versione");
	if (web_form_get(&f, "anteprima") != NULL) {
		/* The editor again with what was typed and each part rendered;
		 * the version stays the one the page was loaded with, so a later
		 * save still finds out whether someone saved meanwhile. */
		v.preview = true;
		v.version = version != NULL && id_parse(version, ID_MAX_DIGITS, &(long long){0}) ? version : "0";
		r->audit_detail = "section preview shown, nothing saved";
		editor_page(r, x.c, x.p, tpl, x.s, &x.stored, true, &v, 200);
		return;
	}
	if (version == NULL || strcmp(version, arena_printf(r->a, "%lld", x.s->version)) != 0) {
		v.stale = true;
		editor_page(r, x.c, x.p, tpl, x.s, &x.stored, true, &v, 409);
		return;
	}
	/* The API's own validation, on the body the API would get. */
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "parts");
	jw_obj_begin(w);
	for (size_t i = 0; i < tpl->nparts; i++) {
		jw_key(w, tpl->parts[i].key);
		jw_str(w, v.typed[i]);
	}
	jw_obj_end(w);
	if (v.indicators)
		plan_table_write(v.indicators, r->a, w);
	if (v.spending)
		plan_table_write(v.spending, r->a, w);
	jw_obj_end(w);
	json_value *body = web_json_finish(r, w);
	if (body == NULL) {
		web_error_page(r, 400, "Il testo inviato non è valido (UTF-8).");
		return;
	}
	field_errors *e = http_errors_new(r);
	plan_section_content content;
	plan_section_parse(e, NULL, body, tpl, x.c, &cat, &content);
	if (v.indicators && !indicators_sent) {
		/* Cells are text: written back they would turn a stored "62" into
		 * the number 62. */
		content.indicators = x.stored.indicators;
		content.nindicators = x.stored.nindicators;
	}
	for (size_t k = 0; k < field_errors_kept(e); k++) {
		const char *field = field_errors_field(e, k), *msg = field_errors_message(e, k);
		for (size_t i = 0; i < tpl->nparts; i++) {
			if (strncmp(field, "parts.", 6) != 0 || strcmp(field + 6, tpl->parts[i].key) != 0 ||
			    v.errors[i])
				continue;
			long long n = (long long)utf8_chars(v.typed[i], strlen(v.typed[i]));
			v.errors[i] = n > tpl->parts[i].max_chars
			                  ? arena_printf(r->a, "il testo ha %s caratteri: il massimo è %s.",
			                                 html_int(r->a, n), html_int(r->a, tpl->parts[i].max_chars))
			                  : msg;
			v.nerrors++;
		}
	}
	if (v.indicators) {
		plan_table_take_errors(v.indicators, r->a, e, x.c);
		v.nerrors += v.indicators->nerrors;
	}
	if (v.spending) {
		plan_table_take_errors(v.spending, r->a, e, x.c);
		v.nerrors += v.spending->nerrors;
	}
	if (field_errors_count(e) > 0 || v.nerrors > 0) {
		if (v.nerrors == 0) {
			web_error_page(r, 422, "Il testo inviato non è valido.");
			return;
		}
		editor_page(r, x.c, x.p, tpl, x.s, &x.stored, true, &v, 422);
		return;
	}
	/* A table the template does not give the section stays as stored. */
	if (!v.indicators) {
		content.indicators = x.stored.indicators;
		content.nindicators = x.stored.nindicators;
	}
	if (!v.spending) {
		content.spending = x.stored.spending;
		content.nspending = x.stored.nspending;
	}
	/* The table is chosen through the API; the editor keeps it. */
	content.working_group = x.stored.working_group;
	plan_section saved;
	rc = plan_section_save(r->db, r->a, x.p->tenant_id, x.p->cycle_id, tpl, &content, r->user->user_id, &saved);
	if (rc != DB_OK) {
		http_db_error(r, rc, "la sezione");
		return;
	}
	r->audit_detail = arena_printf(r->a, "section %s saved from the web (%s, version %lld)", saved.key,
	                               plan_section_status_name(saved.status), saved.version);
	web_redirect(r, arena_printf(r->a, "%s?salvato=1", editor_href(r, x.c, tpl->key)));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}", get_ats, ROUTE_PAGE | ROUTE_TENANT, "I piani di un ATS"},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}", get_plan_index, ROUTE_PAGE | ROUTE_TENANT, "L’indice di un piano",
     .prefetch = &plan_index_prefetch},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/sezioni/{key}", get_section, ROUTE_PAGE | ROUTE_TENANT,
     "Una sezione del piano, da leggere o scrivere", .prefetch = &plan_editor_prefetch},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/sezioni/{key}", post_section, ROUTE_PAGE | ROUTE_TENANT,
     "Salva una sezione del piano"},
};

void plan_pages_register(void)
{
	web_set_home(home);
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
