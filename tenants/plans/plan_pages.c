/* Pages of plans, read through the same store functions as the JSON API:
 * the home with each plan's status, completeness, deadline and the Region's
 * notes, and a plan's index of sections. Tenant scoping is the route's
 * (ROUTE_TENANT): another ATS's plan is the same 404 page as a missing one. */
#include <string.h>

#include "cycles/cycles.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_pages.h"
#include "tenants/plans/plans.h"
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

/* Region staff and universities: the plans of the newest open or closed
 * cycle, one row per ATS they may see. */
static int region_home(web_page *p)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	cycle *cycles;
	size_t nc;
	bool more;
	int rc = cycle_store_list(r->db, r->a, 0, PLAN_OVERVIEW_MAX_CYCLES, &cycles, &nc, &more);
	if (rc != DB_OK)
		return rc;
	const cycle *c = NULL;
	for (size_t i = 0; i < nc; i++)
		if (cycles[i].status != CYCLE_DRAFT && (c == NULL || cycles[i].start_year > c->start_year))
			c = &cycles[i];
	if (c == NULL) {
		html_raw(h, "<p>Nessun ciclo di programmazione è ancora aperto.</p>");
		return DB_OK;
	}
	plan_tenant_row *rows;
	size_t n;
	rc = plan_store_tenants(r->db, r->a, c->id, &rows, &n);
	if (rc != DB_OK)
		return rc;
	html_raw(h, "<h2>");
	html_text(h, c->title);
	html_raw(h,
	         "</h2><p>Gli Ambiti che puoi vedere e lo stato del loro piano. Le pagine di revisione della Regione "
	         "arriveranno con le prossime versioni.</p><div class=\"ambito-table-wrap\" tabindex=\"0\" "
	         "role=\"region\" aria-label=\"Piani degli Ambiti\"><table class=\"table "
	         "ambito-table\"><caption class=\"visually-hidden\">Piani degli Ambiti</caption><thead><tr><th "
	         "scope=\"col\">Ambito</th><th scope=\"col\">Stato</th><th "
	         "scope=\"col\">Completezza</th></tr></thead><tbody>");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!scope_can_see(r->user, rows[i].tenant_id))
			continue;
		shown++;
		html_raw(h, "<tr><th scope=\"row\">");
		if (rows[i].has_plan) {
			html_raw(h, "<a href=\"/ats/");
			html_text(h, rows[i].slug);
			html_raw(h, "/piani/");
			html_text(h, c->slug);
			html_raw(h, "\">");
			html_text(h, rows[i].name);
			html_raw(h, "</a>");
		} else
			html_text(h, rows[i].name);
		html_raw(h, "</th><td>");
		if (rows[i].has_plan)
			plan_status_badge(h, rows[i].status);
		else
			html_text(h, "nessun piano");
		html_raw(h, "</td><td>");
		if (rows[i].has_plan)
			html_text(h, completeness(r->a, rows[i].complete, rows[i].sections));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
	if (shown == 0)
		html_raw(h, "<p>Non ti è ancora stato assegnato nessun Ambito.</p>");
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
		rc = region_home(p);
	if (rc != DB_OK)
		http_db_error(r, rc, "plans"); /* the page hook shows it as the error page */
}

static void get_ats(http_req *r)
{
	web_crumb c[] = {{r->tenant->name, NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Piani di %s", r->tenant->name), c, 1);
	int rc = ats_plans(p, r->tenant->id, r->tenant->slug, r->tenant->role, 2, NULL);
	if (rc != DB_OK) {
		http_db_error(r, rc, "plans");
		return;
	}
	web_page_end(p, 200);
}

static const char *group_label(arena *a, const char *g)
{
	return strcmp(g, "I") == 0 ? "Introduzione" : arena_printf(a, "Parte %s", g);
}

static void section_row(html *h, arena *a, const cycle_section *t, const plan_section *s, long long comments)
{
	html_raw(h, "<tr><th scope=\"row\"><span class=\"ambito-actions\">");
	html_text(h, t->key);
	html_raw(h, "</span> ");
	html_text(h, t->title);
	html_raw(h, "</th><td>");
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

static void get_plan_index(http_req *r)
{
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	plan *pl = plans_path_plan(r, c, false);
	if (pl == NULL)
		return;
	cycle_template tpl;
	plan_section *secs;
	size_t nsecs, ncom;
	const char **ckeys;
	long long *ccounts;
	int rc = cycle_store_load_template(r->db, r->a, c->id, &tpl);
	if (rc == DB_OK)
		rc = plan_store_sections(r->db, r->a, r->tenant->id, c->id, 0, false, &secs, &nsecs);
	if (rc == DB_OK)
		rc = plan_store_open_comments(r->db, r->a, r->tenant->id, c->id, &ckeys, &ccounts, &ncom);
	if (rc != DB_OK) {
		http_db_error(r, rc, "plan");
		return;
	}
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
	html_raw(h, "</dd></dl>");

	const char *group = NULL;
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
		section_row(h, r->a, t, s, comments);
	}
	if (group != NULL)
		html_raw(h, "</tbody></table></div>");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}", get_ats, ROUTE_PAGE | ROUTE_TENANT, "I piani di un ATS"},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}", get_plan_index, ROUTE_PAGE | ROUTE_TENANT, "L’indice di un piano"},
};

void plan_pages_register(void)
{
	web_set_home(home);
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
