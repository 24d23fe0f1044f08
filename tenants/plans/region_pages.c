/* The Region's and the universities' view across ATS, read through the
 * same store as the API (plan_store_tenants, one statement for every ATS)
 * and scoped by scope_can_see: every ATS of the current cycle with its
 * plan's status, completeness, latest submission, lateness, days since it
 * and open comments; sortable (?ordina=), filtered by status and province
 * (?stato=, ?provincia=), paged (?pagina=); the review queue (submitted,
 * oldest first) on top for region staff, and alone at /revisione. ATS are
 * listed in natural order (natural_compare). */
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "base/natural_order.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plans.h"
#include "tenants/plans/region_pages.h"
#include "web/web.h"

#define REGION_PAGE_ROWS 100 /* ATS one page of the table shows */
#define REGION_QUEUE_MAX 200 /* plans a queue shows; PLAN_OVERVIEW_MAX_TENANTS are read */
#define REGION_PROVINCES_MAX 120
#define REGION_PAGE_MAX_DIGITS 4 /* ?pagina= */
#define STATUS_NONE "nessuno"    /* ?stato= of the ATS without a plan */

typedef enum { COL_ATS, COL_PROVINCE, COL_STATUS, COL_COMPLETE, COL_SUBMITTED, COL_LATE, COL_DAYS, COL_COMMENTS } col;

static const struct {
	const char *param, *label;
} columns[] = {
    [COL_ATS] = {"ambito", "Ambito"},
    [COL_PROVINCE] = {"provincia", "Provincia"},
    [COL_STATUS] = {"stato", "Stato del piano"},
    [COL_COMPLETE] = {"completezza", "Completezza"},
    [COL_SUBMITTED] = {"invio", "Ultimo invio"},
    [COL_LATE] = {"ritardo", "In ritardo"},
    [COL_DAYS] = {"giorni", "Giorni dall’invio"},
    [COL_COMMENTS] = {"commenti", "Commenti aperti"},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* What the query asks for. */
typedef struct table_view {
	col sort;
	bool desc;
	const char *status;   /* an API status name, STATUS_NONE, or NULL for all */
	const char *province; /* NULL for all */
	long long page;       /* from 1 */
	const char *error;    /* a parameter that is not valid, in words */
} table_view;

static int cmp_ats(const plan_tenant_row *a, const plan_tenant_row *b)
{
	int c = natural_compare(a->name, b->name);
	if (c == 0)
		c = natural_compare(a->code, b->code);
	return c != 0 ? c : natural_compare(a->slug, b->slug);
}

/* A status's place in the flow; -1 for no plan. */
static int status_rank(const plan_tenant_row *t)
{
	return t->has_plan ? (int)t->status : -1;
}

static int cmp_null_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_ll(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int cmp_rows(const void *x, const void *y, void *arg)
{
	const plan_tenant_row *a = x, *b = y;
	const table_view *v = arg;
	int c = 0;
	switch (v->sort) {
	case COL_ATS: c = cmp_ats(a, b); break;
	case COL_PROVINCE: c = strcmp(a->province ? a->province : "", b->province ? b->province : ""); break;
	case COL_STATUS: c = cmp_ll(status_rank(a), status_rank(b)); break;
	case COL_COMPLETE:
		/* complete/sections, compared without dividing; no plan first */
		c = cmp_ll(a->has_plan, b->has_plan);
		if (c == 0)
			c = cmp_ll(a->complete * b->sections, b->complete * a->sections);
		break;
	case COL_SUBMITTED: c = cmp_null_text(a->submitted_at, b->submitted_at); break;
	case COL_LATE:
		c = cmp_ll(a->submitted_at != NULL, b->submitted_at != NULL);
		if (c == 0)
			c = cmp_ll(a->late, b->late);
		break;
	case COL_DAYS: /* more days since: an older submission; none first */
		c = cmp_ll(a->submitted_at != NULL, b->submitted_at != NULL);
		if (c == 0)
			c = -cmp_null_text(a->submitted_at, b->submitted_at);
		break;
	case COL_COMMENTS: c = cmp_ll(a->open_comments, b->open_comments); break;
	}
	if (v->desc)
		c = -c;
	return c != 0 ? c : cmp_ats(a, b);
}

/* The queue: oldest submission first, then natural order. */
static int cmp_queue(const void *x, const void *y)
{
	const plan_tenant_row *a = x, *b = y;
	int c = cmp_null_text(a->submitted_at, b->submitted_at);
	return c != 0 ? c : cmp_ats(a, b);
}

static bool valid_province(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static void read_view(http_req *r, table_view *v)
{
	memset(v, 0, sizeof(*v));
	v->page = 1;
	const char *q = http_query(r, "ordina");
	if (q != NULL && *q != '\0') {
		const char *name = q[0] == '-' ? q + 1 : q;
		size_t i = 0;
		while (i < NCOLUMNS && strcmp(columns[i].param, name) != 0)
			i++;
		if (i < NCOLUMNS) {
			v->sort = (col)i;
			v->desc = q[0] == '-';
		} else
			v->error = "L’ordinamento richiesto non esiste: la tabella è in ordine di Ambito.";
	}
	q = http_query(r, "stato");
	if (q != NULL && *q != '\0') {
		if (strcmp(q, STATUS_NONE) == 0 || plan_status_parse(q) >= 0)
			v->status = q;
		else
			v->error = "Lo stato richiesto non esiste: sono mostrati tutti gli stati.";
	}
	q = http_query(r, "provincia");
	if (q != NULL && *q != '\0') {
		if (valid_province(q))
			v->province = q;
		else
			v->error = "La provincia si indica con la sua sigla di due lettere: sono mostrate tutte.";
	}
	q = http_query(r, "pagina");
	if (q != NULL && *q != '\0' && !id_parse(q, REGION_PAGE_MAX_DIGITS, &v->page)) {
		v->page = 1;
		v->error = "La pagina si indica con il suo numero: è mostrata la prima.";
	}
	if (http_query_invalid(r) != NULL)
		v->error = "L’indirizzo della pagina contiene caratteri non validi.";
}

static bool row_matches(const plan_tenant_row *t, const table_view *v)
{
	if (v->status != NULL) {
		if (strcmp(v->status, STATUS_NONE) == 0
		        ? t->has_plan
		        : !t->has_plan || strcmp(plan_status_name(t->status), v->status) != 0)
			return false;
	}
	return v->province == NULL || (t->province != NULL && strcmp(t->province, v->province) == 0);
}

/* ---------------------------------------------------------------- cells */

static const char *review_href(arena *a, const char *slug, const cycle *c)
{
	return arena_printf(a, "/ats/%s/piani/%s/revisione", slug, c->slug);
}

static void status_badge(html *h, const plan_tenant_row *t)
{
	if (!t->has_plan) {
		html_text(h, "nessun piano");
		return;
	}
	const char *name = plan_status_name(t->status);
	html_raw(h, "<span class=\"ambito-status ambito-status-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, web_plan_status(name));
	html_raw(h, "</span>");
}

/* "12 luglio 2021" in Europe/Rome: the date part of html_datetime. */
static const char *day_of(arena *a, const char *dt)
{
	const char *s = html_datetime(a, dt);
	if (s == NULL)
		return dt;
	const char *comma = strchr(s, ',');
	return comma ? arena_strndup(a, s, (size_t)(comma - s)) : s;
}

static void dash(html *h, const char *spoken)
{
	html_raw(h, "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">");
	html_text(h, spoken);
	html_raw(h, "</span>");
}

static void days_since(html *h, arena *a, const char *dt)
{
	long long days;
	if (dt == NULL || !web_days_until(dt, &days)) {
		dash(h, "nessun invio");
		return;
	}
	html_text(h, html_int(a, days < 0 ? -days : 0));
}

static void ats_cell(html *h, arena *a, const plan_tenant_row *t, const cycle *c)
{
	if (!t->has_plan) {
		html_text(h, t->name);
		return;
	}
	html_raw(h, "<a href=\"");
	html_text(h, review_href(a, t->slug, c));
	html_raw(h, "\">");
	html_text(h, t->name);
	html_raw(h, "</a><br><a class=\"ambito-small-link\" href=\"");
	html_text(h, arena_printf(a, "/ats/%s/piani/%s", t->slug, c->slug));
	html_raw(h, "\">Indice del piano<span class=\"visually-hidden\"> di ");
	html_text(h, t->code);
	html_raw(h, "</span></a>");
}

static void table_open(html *h, const char *label, const char *caption)
{
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_text(h, label);
	html_raw(h, "\"><table class=\"table ambito-table ambito-region\"><caption class=\"visually-hidden\">");
	html_text(h, caption);
	html_raw(h, "</caption><thead><tr>");
}

/* ---------------------------------------------------------------- queue */

/* The submitted plans, oldest submission first (rows are reordered). */
static void queue(web_page *p, const cycle *c, plan_tenant_row *rows, size_t n)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	plan_tenant_row *q = arena_calloc(r->a, n + 1, sizeof(*q));
	size_t nq = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].has_plan && rows[i].status == PLAN_SUBMITTED && scope_can_see(r->user, rows[i].tenant_id))
			q[nq++] = rows[i];
	qsort(q, nq, sizeof(*q), cmp_queue);
	html_raw(h, "<h2 id=\"da-esaminare\">Piani da esaminare</h2>");
	if (nq == 0) {
		html_raw(h, "<p>Nessun piano è in attesa di revisione.</p>");
		return;
	}
	html_raw(h, "<p>");
	html_text(h, arena_printf(r->a, "%zu %s in attesa di revisione, dal più vecchio.", nq,
	                          nq == 1 ? "piano inviato" : "piani inviati"));
	html_raw(h, "</p>");
	table_open(h, "Piani da esaminare", "Piani inviati in attesa di revisione, dal più vecchio");
	html_raw(h, "<th scope=\"col\">Ambito</th><th scope=\"col\">Revisione</th><th scope=\"col\">Inviato il</th>"
	            "<th scope=\"col\">In ritardo</th><th scope=\"col\">Giorni dall’invio</th><th "
	            "scope=\"col\">Commenti aperti</th></tr></thead><tbody>");
	for (size_t i = 0; i < nq && i < REGION_QUEUE_MAX; i++) {
		const plan_tenant_row *t = &q[i];
		html_raw(h, "<tr><th scope=\"row\"><a href=\"");
		html_text(h, review_href(r->a, t->slug, c));
		html_raw(h, "\">");
		html_text(h, t->name);
		html_raw(h, "</a></th><td>");
		html_text(h, html_int(r->a, t->revision));
		html_raw(h, "</td><td>");
		html_text(h, day_of(r->a, t->submitted_at));
		html_raw(h, "</td><td>");
		html_text(h, t->late ? "sì" : "no");
		html_raw(h, "</td><td>");
		days_since(h, r->a, t->submitted_at);
		html_raw(h, "</td><td>");
		html_text(h, html_int(r->a, t->open_comments));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
	if (nq > REGION_QUEUE_MAX)
		html_rawf(h, "<p>Sono mostrati i %d piani inviati da più tempo.</p>", REGION_QUEUE_MAX);
}

/* ---------------------------------------------------------------- table */

/* The page's address with the view's parameters, one of them changed. */
static const char *view_href(arena *a, const table_view *v, const char *sort, long long page)
{
	const char *s = arena_printf(a, "/?ordina=%s", sort);
	if (v->status)
		s = arena_printf(a, "%s&stato=%s", s, v->status);
	if (v->province)
		s = arena_printf(a, "%s&provincia=%s", s, v->province);
	if (page > 1)
		s = arena_printf(a, "%s&pagina=%lld", s, page);
	return arena_printf(a, "%s#ambiti", s);
}

static const char *sort_param(arena *a, const table_view *v)
{
	return arena_printf(a, "%s%s", v->desc ? "-" : "", columns[v->sort].param);
}

static void sort_header(html *h, arena *a, const table_view *v, col k)
{
	bool on = v->sort == k;
	html_raw(h, "<th scope=\"col\"");
	if (on)
		html_raw(h, v->desc ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"");
	html_raw(h, "><a href=\"");
	html_text(h, view_href(a, v, arena_printf(a, "%s%s", on && !v->desc ? "-" : "", columns[k].param), 1));
	html_raw(h, "\">");
	html_text(h, columns[k].label);
	if (on)
		html_raw(h, v->desc ? " <span aria-hidden=\"true\">▼</span>" : " <span aria-hidden=\"true\">▲</span>");
	html_raw(h, "<span class=\"visually-hidden\">");
	html_text(h, on && !v->desc ? ": ordina in senso decrescente" : ": ordina in senso crescente");
	html_raw(h, "</span></a></th>");
}

static void select_option(html *h, const char *value, const char *label, const char *selected)
{
	html_raw(h, "<option value=\"");
	html_text(h, value);
	html_raw(h, "\"");
	if (selected != NULL && strcmp(selected, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
	html_text(h, label);
	html_raw(h, "</option>");
}

static void filter_form(web_page *p, const table_view *v, const plan_tenant_row *rows, size_t n)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	html_raw(h, "<form method=\"get\" action=\"/#ambiti\" class=\"ambito-filters\"><input type=\"hidden\" "
	            "name=\"ordina\" value=\"");
	html_text(h, sort_param(r->a, v));
	html_raw(h, "\"><div class=\"ambito-field ambito-select\"><label for=\"filtro-stato\">Stato del piano</label>"
	            "<select class=\"form-select\" id=\"filtro-stato\" name=\"stato\">");
	select_option(h, "", "Tutti gli stati", v->status ? v->status : "");
	/* Capitalised as choices of a list, so they are not the statuses' own
	 * words in the table below. */
	for (int s = PLAN_DRAFT; s <= PLAN_PUBLISHED; s++) {
		char *label = arena_strdup(r->a, web_plan_status(plan_status_name((plan_status)s)));
		if (label[0] >= 'a' && label[0] <= 'z')
			label[0] = (char)(label[0] - 'a' + 'A');
		select_option(h, plan_status_name((plan_status)s), label, v->status);
	}
	select_option(h, STATUS_NONE, "Nessun piano", v->status);
	html_raw(h, "</select></div><div class=\"ambito-field ambito-select\"><label for=\"filtro-provincia\">"
	            "Provincia</label><select class=\"form-select\" id=\"filtro-provincia\" name=\"provincia\">");
	select_option(h, "", "Tutte le province", v->province ? v->province : "");
	/* The provinces of the ATS listed, each once, in order. */
	const char **seen = arena_calloc(r->a, REGION_PROVINCES_MAX, sizeof(*seen));
	size_t nseen = 0;
	for (size_t i = 0; i < n && nseen < REGION_PROVINCES_MAX; i++) {
		const char *pv = rows[i].province;
		if (pv == NULL || *pv == '\0' || !scope_can_see(r->user, rows[i].tenant_id))
			continue;
		size_t j = 0;
		while (j < nseen && strcmp(seen[j], pv) < 0)
			j++;
		if (j < nseen && strcmp(seen[j], pv) == 0)
			continue;
		memmove(seen + j + 1, seen + j, (nseen - j) * sizeof(*seen));
		seen[j] = pv;
		nseen++;
	}
	for (size_t i = 0; i < nseen; i++)
		select_option(h, seen[i], seen[i], v->province);
	html_raw(h, "</select></div><p class=\"ambito-filter-buttons\"><button type=\"submit\" class=\"btn "
	            "btn-primary\">Filtra</button> <a href=\"/#ambiti\">Togli i filtri</a></p></form>");
}

static void ats_table(web_page *p, const cycle *c, const table_view *v, plan_tenant_row *rows, size_t n,
                      bool visible_total)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	plan_tenant_row *shown = arena_calloc(r->a, n + 1, sizeof(*shown));
	size_t ns = 0, visible = 0;
	for (size_t i = 0; i < n; i++) {
		if (!scope_can_see(r->user, rows[i].tenant_id))
			continue;
		visible++;
		if (row_matches(&rows[i], v))
			shown[ns++] = rows[i];
	}
	qsort_r(shown, ns, sizeof(*shown), cmp_rows, (void *)v);
	long long pages = ns == 0 ? 1 : (long long)((ns + REGION_PAGE_ROWS - 1) / REGION_PAGE_ROWS);
	long long page = v->page > pages ? pages : v->page;
	size_t from = (size_t)(page - 1) * REGION_PAGE_ROWS;
	size_t to = from + REGION_PAGE_ROWS < ns ? from + REGION_PAGE_ROWS : ns;

	filter_form(p, v, rows, n);
	html_raw(h, "<p role=\"status\">");
	if (ns == visible)
		html_text(h, arena_printf(r->a, "%zu %s.", ns, ns == 1 ? "Ambito" : "Ambiti"));
	else
		html_text(h, arena_printf(r->a, "%zu %s su %zu corrispondono ai filtri.", ns,
		                          ns == 1 ? "Ambito" : "Ambiti", visible));
	if (pages > 1)
		html_text(h, arena_printf(r->a, " Pagina %lld di %lld.", page, pages));
	html_raw(h, "</p>");
	if (!visible_total && visible == 0) {
		html_raw(h, "<p>Non ti è ancora stato assegnato nessun Ambito.</p>");
		return;
	}
	table_open(h, "Piani degli Ambiti", "Piani degli Ambiti; i titoli delle colonne ordinano la tabella");
	for (size_t k = 0; k < NCOLUMNS; k++)
		sort_header(h, r->a, v, (col)k);
	html_raw(h, "</tr></thead><tbody>");
	for (size_t i = from; i < to; i++) {
		const plan_tenant_row *t = &shown[i];
		html_raw(h, "<tr><th scope=\"row\">");
		ats_cell(h, r->a, t, c);
		html_raw(h, "</th><td>");
		html_text(h, t->province && *t->province ? t->province : "—");
		html_raw(h, "</td><td>");
		status_badge(h, t);
		html_raw(h, "</td><td>");
		if (t->has_plan)
			html_text(h, arena_printf(r->a, "%lld su %lld", t->complete, t->sections));
		else
			dash(h, "nessun piano");
		html_raw(h, "</td><td>");
		if (t->submitted_at) {
			html_text(h, day_of(r->a, t->submitted_at));
			html_text(h, arena_printf(r->a, " (revisione %lld)", t->revision));
		} else
			dash(h, "nessun invio");
		html_raw(h, "</td><td>");
		if (t->submitted_at)
			html_text(h, t->late ? "sì" : "no");
		else
			dash(h, "nessun invio");
		html_raw(h, "</td><td>");
		days_since(h, r->a, t->submitted_at);
		html_raw(h, "</td><td>");
		html_text(h, html_int(r->a, t->open_comments));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
	if (pages > 1) {
		html_raw(h, "<nav aria-label=\"Pagine della tabella\"><ul class=\"ambito-pages\">");
		for (long long i = 1; i <= pages; i++) {
			if (i == page) {
				html_rawf(h, "<li><span aria-current=\"page\">%lld</span></li>", i);
				continue;
			}
			html_raw(h, "<li><a href=\"");
			html_text(h, view_href(r->a, v, sort_param(r->a, v), i));
			html_rawf(h, "\"><span class=\"visually-hidden\">Pagina </span>%lld</a></li>", i);
		}
		html_raw(h, "</ul></nav>");
	}
}

/* ---------------------------------------------------------------- pages */

/* The newest cycle that is open or closed, or NULL. */
static int current_cycle(http_req *r, const cycle **out)
{
	cycle *cycles;
	size_t nc;
	bool more;
	*out = NULL;
	int rc = cycle_store_list(r->db, r->a, 0, PLAN_OVERVIEW_MAX_CYCLES, &cycles, &nc, &more);
	for (size_t i = 0; rc == DB_OK && i < nc; i++)
		if (cycles[i].status != CYCLE_DRAFT && (*out == NULL || cycles[i].start_year > (*out)->start_year))
			*out = &cycles[i];
	return rc;
}

static bool region_staff(const identity *u)
{
	return u->region_role == ROLE_REGION_ADMIN || u->region_role == ROLE_REGION_REVIEWER;
}

void region_pages_home(web_page *p)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	const cycle *c;
	plan_tenant_row *rows = NULL;
	size_t n = 0;
	int rc = current_cycle(r, &c);
	if (rc == DB_OK && c != NULL)
		rc = plan_store_tenants(r->db, r->a, c->id, &rows, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i piani"); /* the page hook shows it as the error page */
		return;
	}
	if (c == NULL) {
		html_raw(h, "<p>Nessun ciclo di programmazione è ancora aperto.</p>");
		return;
	}
	table_view v;
	read_view(r, &v);
	html_raw(h, "<p class=\"lead\">");
	html_text(h, c->title);
	html_raw(h, "</p>");
	if (v.error) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"alert\">");
		html_text(h, v.error);
		html_raw(h, "</div>");
		r->status = 400;
	}
	bool staff = region_staff(r->user);
	if (staff)
		queue(p, c, rows, n);
	html_raw(h, staff ? "<h2 id=\"ambiti\">Tutti gli Ambiti</h2>" : "<h2 id=\"ambiti\">Ambiti assegnati</h2>");
	ats_table(p, c, &v, rows, n, staff);
}

/* /revisione: the queue alone, and the approved plans waiting for
 * publication; region staff only (the 403 page for anyone else). */
static void get_queue(http_req *r)
{
	if (!region_staff(r->user)) {
		web_error_page(r, 403, "Questa pagina è riservata al personale della Regione.");
		return;
	}
	const cycle *c;
	plan_tenant_row *rows = NULL;
	size_t n = 0;
	int rc = current_cycle(r, &c);
	if (rc == DB_OK && c != NULL)
		rc = plan_store_tenants(r->db, r->a, c->id, &rows, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i piani");
		return;
	}
	web_crumb crumbs[] = {{"Revisione", NULL}};
	web_page *p = web_page_begin(r, "Revisione dei piani", crumbs, 1);
	html *h = web_html(p);
	if (c == NULL) {
		html_raw(h, "<p>Nessun ciclo di programmazione è ancora aperto.</p>");
		web_page_end(p, 200);
		return;
	}
	html_raw(h, "<p class=\"lead\">");
	html_text(h, c->title);
	html_raw(h, "</p>");
	queue(p, c, rows, n);
	plan_tenant_row *ok = arena_calloc(r->a, n + 1, sizeof(*ok));
	size_t nok = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].has_plan && rows[i].status == PLAN_APPROVED)
			ok[nok++] = rows[i];
	qsort(ok, nok, sizeof(*ok), cmp_queue);
	html_raw(h, "<h2>Piani approvati da pubblicare</h2>");
	if (nok == 0)
		html_raw(h, "<p>Nessun piano approvato attende la pubblicazione.</p>");
	else {
		html_raw(h, "<ul>");
		for (size_t i = 0; i < nok && i < REGION_QUEUE_MAX; i++) {
			html_raw(h, "<li><a href=\"");
			html_text(h, review_href(r->a, ok[i].slug, c));
			html_raw(h, "\">");
			html_text(h, ok[i].name);
			html_raw(h, "</a></li>");
		}
		html_raw(h, "</ul>");
	}
	html_raw(h, "<p><a href=\"/#ambiti\">Tutti gli Ambiti e il loro stato</a></p>");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET, "/revisione", get_queue, ROUTE_PAGE,
     "I piani inviati da esaminare, dal più vecchio, e quelli approvati da pubblicare"},
};

void region_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
