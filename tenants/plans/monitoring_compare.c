/* The comparison of monitoring across ATS (SPEC §7a): for an azione di
 * sistema and a year, every indicator of the sections tagged with it in each
 * tenant's latest report, with baseline, target, value and progress; and the
 * year's planned against actual spending per tenant and funding source. Read
 * from the rows written with each report, a query per tagged section, so an
 * answer over 600 ATS costs a few indexed reads. */
#include <stdlib.h>
#include <string.h>

#include "base/id.h"
#include "base/money.h"
#include "http/router.h"
#include "http/table.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/monitoring.h"
#include "web/chart.h"
#include "web/web.h"

#define YEAR_DIGITS 4
#define ACTION_MAX 32

typedef struct mcmp {
	http_req *r;
	cycle *cy;
	long long year;
	const char *action;
	monitoring_tenant *tenants; /* those the caller sees, by slug */
	size_t ntenants;
} mcmp;

static const monitoring_tenant *tenant_of(const mcmp *m, long long id, size_t *index)
{
	/* A Region has at most a few hundred ATS: a linear search over them
	 * per row costs about a millisecond for a whole answer. */
	for (size_t i = 0; i < m->ntenants; i++)
		if (m->tenants[i].id == id) {
			*index = i;
			return &m->tenants[i];
		}
	return NULL;
}

/* The tenants with a report for the year that the caller sees: tenant
 * isolation is decided by scope_can_see alone. */
static bool load_tenants(mcmp *m)
{
	http_req *r = m->r;
	monitoring_tenant *all;
	size_t n;
	if (!http_db_ok(r, monitoring_store_compare_tenants(r->db, r->a, m->cy->id, m->year, &all, &n),
	                "le relazioni di monitoraggio"))
		return false;
	m->tenants = all;
	m->ntenants = 0;
	for (size_t i = 0; i < n; i++)
		if (scope_can_see(r->user, all[i].id))
			m->tenants[m->ntenants++] = all[i];
	return true;
}

static bool may_compare(const http_req *r)
{
	role rl = r->user->region_role;
	return rl == ROLE_REGION_ADMIN || rl == ROLE_REGION_REVIEWER || rl == ROLE_UNIVERSITY;
}

/* The checks of an answer: a role that may compare, the action and year
 * (action and year texts from the query), the cycle; then the tenants.
 * False after answering. */
static bool start(http_req *r, mcmp *m, const char *action, const char *year)
{
	memset(m, 0, sizeof(*m));
	m->r = r;
	if (!may_compare(r)) {
		http_problem(r, 403,
		             "i confronti tra ambiti sono riservati al personale regionale e agli utenti university");
		return false;
	}
	field_errors *e = http_errors_new(r);
	m->action = action;
	if (!id_parse(year, YEAR_DIGITS, &m->year))
		field_errors_add(e, "year", "un anno del ciclo, ad esempio 2021");
	if (m->action == NULL || m->action[0] == '\0' || strlen(m->action) > ACTION_MAX)
		field_errors_add(e, "action", "il codice di un'azione di sistema, ad esempio OS1-A6");
	if (http_errors_answer(r, e, 400, NULL))
		return false;
	const char *slug = http_param(r, "cycle");
	if (!http_db_ok(r, cycle_store_find(r->db, r->a, slug, false, &m->cy), "il ciclo"))
		return false;
	if (m->cy == NULL) {
		http_problem(r, 404, "il ciclo richiesto non esiste");
		return false;
	}
	if (m->year < m->cy->start_year || m->year > m->cy->end_year) {
		field_errors *ye = http_errors_new(r);
		field_errors_add(ye, "year", "il ciclo %s va dal %lld al %lld", m->cy->slug, m->cy->start_year,
		                 m->cy->end_year);
		http_errors_answer(r, ye, 400, NULL);
		return false;
	}
	return load_tenants(m);
}

static int by_tenant_section_position(const void *pa, const void *pb)
{
	const monitoring_value_row *a = pa, *b = pb;
	if (a->tenant_id != b->tenant_id) /* tenant_id holds the slug rank here */
		return a->tenant_id < b->tenant_id ? -1 : 1;
	if (a->section_index != b->section_index)
		return a->section_index < b->section_index ? -1 : 1;
	return a->position < b->position ? -1 : a->position > b->position;
}

/* The indicators of the action's sections, by tenant slug, section and
 * position; tenant_id replaced by the tenant's rank in m->tenants. NULL
 * after answering (404 for an unknown action, 503). */
static monitoring_value_row *load_values(mcmp *m, size_t *n)
{
	http_req *r = m->r;
	cycle_template t;
	cycle_catalog cat;
	if (!http_db_ok(r, cycle_store_load_template(r->db, r->a, m->cy->id, &t), "lo schema") ||
	    !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, m->cy->id, &cat), "il catalogo"))
		return NULL;
	bool known = false;
	for (size_t i = 0; i < cat.nobjectives && !known; i++)
		for (size_t k = 0; k < cat.objectives[i].nactions && !known; k++)
			known = strcmp(cat.objectives[i].actions[k].code, m->action) == 0;
	if (!known) {
		http_problemf(r, 404, "il ciclo %s non ha l'azione richiesta", m->cy->slug);
		return NULL;
	}
	size_t cap = 0, count = 0;
	monitoring_value_row *all = NULL;
	for (size_t s = 0; s < t.nsections; s++) {
		const cycle_section *sec = &t.sections[s];
		bool tagged = false;
		for (size_t k = 0; k < sec->nactions && !tagged; k++)
			tagged = strcmp(sec->actions[k], m->action) == 0;
		if (!tagged)
			continue;
		monitoring_value_row *rows;
		size_t nrows;
		if (!http_db_ok(
		        r, monitoring_store_compare_values(r->db, r->a, m->cy->id, m->year, sec->key, &rows, &nrows),
		        "le relazioni di monitoraggio"))
			return NULL;
		if (count + nrows > cap) {
			size_t ncap = (count + nrows) * 2 + 16;
			monitoring_value_row *grown = arena_calloc(r->a, ncap, sizeof(*grown));
			if (count > 0)
				memcpy(grown, all, count * sizeof(*all));
			all = grown;
			cap = ncap;
		}
		for (size_t i = 0; i < nrows; i++) {
			size_t rank;
			const monitoring_tenant *tn = tenant_of(m, rows[i].tenant_id, &rank);
			if (tn == NULL || tn->number != rows[i].number)
				continue; /* a tenant the caller does not see, or an older report */
			rows[i].tenant_id = (long long)rank;
			rows[i].section_index = s;
			all[count++] = rows[i];
		}
	}
	if (count > 1)
		qsort(all, count, sizeof(*all), by_tenant_section_position);
	*n = count;
	return all != NULL ? all : arena_calloc(r->a, 1, sizeof(*all));
}

static const json_value *parse_item(http_req *r, const monitoring_value_row *row)
{
	json_value *v;
	char err[80];
	if (json_parse(r->a, row->item, row->item_len, &v, err, sizeof(err)) != JSON_OK)
		return NULL;
	return v;
}

static void value_or_null(jw *w, const char *key, const json_value *item)
{
	const json_value *v = json_get(item, key);
	jw_key(w, key);
	if (v != NULL)
		jw_value(w, v);
	else
		jw_null(w);
}

/* A baseline, target or value: a number as a number, text as text. */
static void table_value(table_out *t, const json_value *v)
{
	if (json_is(v, JSON_NUMBER))
		table_numtext(t, v->u.number.text, strlen(v->u.number.text));
	else if (json_is(v, JSON_STRING))
		table_text(t, v->u.string.s);
	else
		table_text(t, NULL);
}

/* "-12.50" for actual − planned; NULL when nothing was reported. */
static const char *difference(arena *a, const char *planned, const char *amount)
{
	int64_t p, x;
	if (amount == NULL || money_parse(planned, &p) != MONEY_OK || money_parse(amount, &x) != MONEY_OK)
		return NULL;
	return money_text(a, x - p);
}

static int by_tenant_source(const void *pa, const void *pb)
{
	const monitoring_spending_row *a = pa, *b = pb;
	if (a->tenant_id != b->tenant_id)
		return a->tenant_id < b->tenant_id ? -1 : 1;
	return strcmp(a->source, b->source);
}

/* Planned and actual spending per tenant and source, by slug then source;
 * tenant_id replaced by the rank. NULL after answering. */
static monitoring_spending_row *load_spending(mcmp *m, size_t *n)
{
	monitoring_spending_row *rows;
	size_t nrows, kept = 0;
	if (!http_db_ok(m->r, monitoring_store_compare_spending(m->r->db, m->r->a, m->cy->id, m->year, &rows, &nrows),
	                "le relazioni di monitoraggio"))
		return NULL;
	for (size_t i = 0; i < nrows; i++) {
		size_t rank;
		const monitoring_tenant *tn = tenant_of(m, rows[i].tenant_id, &rank);
		if (tn == NULL || tn->number != rows[i].number)
			continue;
		rows[i].tenant_id = (long long)rank;
		rows[kept++] = rows[i];
	}
	if (kept > 1)
		qsort(rows, kept, sizeof(*rows), by_tenant_source);
	*n = kept;
	return rows;
}

/* The indicators' table: machine names in CSV, Italian titles in XLSX,
 * where progress is a percentage cell (75.00 shown as 75,00%). */
static void write_values(mcmp *m, table_out *t, const monitoring_value_row *rows, size_t n)
{
	static const char *const names[] = {"tenant", "name",     "report", "section", "id",       "indicator", "kind",
	                                    "unit",   "baseline", "target", "value",   "progress", "note"};
	static const char *const titles[] = {"ATS",        "Nome dell’ATS", "Relazione", "Sezione",  "Id",
	                                     "Indicatore", "Tipo",          "Unità",     "Partenza", "Obiettivo",
	                                     "Valore",     "Avanzamento",   "Nota"};
	static const unsigned widths[] = {10, 28, 10, 9, 14, 36, 10, 14, 14, 14, 14, 13, 40};
	table_head(t, names, titles, widths, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < n; i++) {
		const json_value *item = parse_item(m->r, &rows[i]);
		const monitoring_tenant *tn = &m->tenants[rows[i].tenant_id];
		if (item == NULL)
			continue;
		table_text(t, tn->slug);
		table_text(t, tn->name);
		table_int(t, tn->number);
		table_text(t, json_get_str(item, "section"));
		table_text(t, json_get_str(item, "id"));
		table_text(t, json_get_str(item, "name"));
		table_text(t, json_get_str(item, "kind"));
		table_text(t, json_get_str(item, "unit"));
		table_value(t, json_get(item, "baseline"));
		table_value(t, json_get(item, "target"));
		table_value(t, json_get(item, "value"));
		const json_value *pr = json_get(item, "progress");
		table_percent(t, json_is(pr, JSON_NUMBER) ? pr->u.number.text : NULL);
		table_text(t, json_get_str(item, "note"));
		table_end(t);
	}
}

/* Planned against actual spending, amounts in euros. */
static void write_spending(mcmp *m, table_out *t, const monitoring_spending_row *rows, size_t n)
{
	static const char *const names[] = {"tenant",      "name",       "report",        "source",
	                                    "planned_eur", "amount_eur", "difference_eur"};
	static const char *const titles[] = {
	    "ATS", "Nome dell’ATS", "Relazione", "Fonte", "Spesa prevista", "Spesa effettiva", "Differenza"};
	static const unsigned widths[] = {10, 28, 10, 12, 16, 16, 16};
	table_head(t, names, titles, widths, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < n; i++) {
		const monitoring_tenant *tn = &m->tenants[rows[i].tenant_id];
		table_text(t, tn->slug);
		table_text(t, tn->name);
		table_int(t, tn->number);
		table_text(t, rows[i].source);
		table_amount(t, rows[i].planned_eur);
		table_amount(t, rows[i].amount_eur);
		table_amount(t, difference(m->r->a, rows[i].planned_eur, rows[i].amount_eur));
		table_end(t);
	}
}

/* The answer for action and year (query texts): JSON; CSV of one table
 * (?table=indicators, the default, or spending); XLSX with both tables as
 * two sheets. The page's downloads come here too, under the session. */
static void answer(http_req *r, const char *action, const char *year)
{
	mcmp m;
	if (!start(r, &m, action, year))
		return;
	int fmt = table_format(r);
	if (fmt < 0)
		return;
	const char *table = http_query(r, "table");
	bool spending_only = table != NULL && strcmp(table, "spending") == 0;
	if (table != NULL && !spending_only && strcmp(table, "indicators") != 0) {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "table", "deve essere indicators o spending");
		http_errors_answer(r, e, 400, NULL);
		return;
	}
	size_t nvalues = 0, nspending = 0;
	monitoring_value_row *values = load_values(&m, &nvalues);
	if (values == NULL)
		return;
	monitoring_spending_row *spending = load_spending(&m, &nspending);
	if (spending == NULL)
		return;
	if (fmt != TABLE_JSON) {
		table_out t;
		table_init(&t, r, fmt);
		bool sheets = fmt == TABLE_XLSX;
		const char *what = sheets || !spending_only ? m.action : "spesa";
		if (!table_open(&t, arena_printf(r->a, "ambito-%s-monitoraggio-%s-%lld", m.cy->slug, what, m.year),
		                sheets || !spending_only ? "Indicatori" : "Spesa"))
			return;
		if (sheets || !spending_only)
			write_values(&m, &t, values, nvalues);
		table_sheet(&t, "Spesa");
		if (sheets || spending_only)
			write_spending(&m, &t, spending, nspending);
		table_close(&t, false);
		return;
	}
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "cycle", m.cy->slug);
	jw_kstr(w, "action", m.action);
	jw_kint(w, "year", m.year);
	jw_key(w, "rows");
	jw_arr_begin(w);
	for (size_t i = 0; i < nvalues; i++) {
		const json_value *item = parse_item(r, &values[i]);
		const monitoring_tenant *t = &m.tenants[values[i].tenant_id];
		if (item == NULL)
			continue;
		jw_obj_begin(w);
		jw_kstr(w, "tenant", t->slug);
		jw_kstr(w, "name", t->name);
		jw_kint(w, "report", t->number);
		jw_kstr(w, "section", json_get_str(item, "section"));
		jw_kstr(w, "id", json_get_str(item, "id"));
		jw_kstr(w, "indicator", json_get_str(item, "name"));
		jw_kstr(w, "kind", json_get_str(item, "kind"));
		jw_kstr(w, "unit", json_get_str(item, "unit"));
		value_or_null(w, "baseline", item);
		value_or_null(w, "target", item);
		value_or_null(w, "value", item);
		value_or_null(w, "progress", item);
		jw_kstr(w, "note", json_get_str(item, "note"));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "spending");
	jw_arr_begin(w);
	for (size_t i = 0; i < nspending; i++) {
		const monitoring_tenant *t = &m.tenants[spending[i].tenant_id];
		jw_obj_begin(w);
		jw_kstr(w, "tenant", t->slug);
		jw_kstr(w, "name", t->name);
		jw_kstr(w, "source", spending[i].source);
		jw_knum_text(w, "planned_eur", spending[i].planned_eur);
		jw_knum_text(w, "amount_eur", spending[i].amount_eur);
		jw_knum_text(w, "difference_eur", difference(r->a, spending[i].planned_eur, spending[i].amount_eur));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	http_json_end(r, w, 200);
}

static void get_compare_monitoring(http_req *r)
{
	answer(r, http_query(r, "action"), http_query(r, "year"));
}

/* ---------------------------------------------------------------- the page
 */

static const char *source_label(const cycle_catalog *cat, const char *code);

static const char *num_it(arena *a, const json_value *v)
{
	if (json_is(v, JSON_STRING))
		return v->u.string.s;
	if (!json_is(v, JSON_NUMBER))
		return "—";
	char *s = arena_strdup(a, v->u.number.text);
	char *dot = strchr(s, '.');
	if (dot != NULL)
		*dot = ',';
	return s;
}

static const char *euro_it(arena *a, const char *amount)
{
	int64_t cents;
	char buf[MONEY_TEXT_MAX];
	if (amount == NULL || money_parse(amount, &cents) != MONEY_OK)
		return "—";
	money_format_it(buf, cents);
	return arena_strdup(a, buf);
}

static void page_form(html *h, arena *a, web_page *p, const mcmp *m, const cycle_catalog *cat)
{
	(void)p;
	html_raw(h, "<form method=\"get\" action=\"\" class=\"ambito-filter\"><div class=\"row\"><div "
	            "class=\"col-md-6 form-group\"><label for=\"azione\" class=\"active\">Azione di sistema</label>"
	            "<select id=\"azione\" name=\"azione\" class=\"form-select\">");
	for (size_t i = 0; i < cat->nobjectives; i++)
		for (size_t k = 0; k < cat->objectives[i].nactions; k++) {
			const cycle_item *act = &cat->objectives[i].actions[k];
			html_raw(h, "<option value=\"");
			html_text(h, act->code);
			html_raw(h, "\"");
			if (m->action != NULL && strcmp(m->action, act->code) == 0)
				html_raw(h, " selected");
			html_raw(h, ">");
			html_text(h, arena_printf(a, "%s %s", act->code, act->title != NULL ? act->title : ""));
			html_raw(h, "</option>");
		}
	html_raw(h, "</select></div><div class=\"col-md-3 form-group\"><label for=\"anno\" class=\"active\">Anno"
	            "</label><select id=\"anno\" name=\"anno\" class=\"form-select\">");
	for (long long y = m->cy->start_year; y <= m->cy->end_year; y++)
		html_rawf(h, "<option value=\"%lld\"%s>%lld</option>", y, y == m->year ? " selected" : "", y);
	html_raw(h, "</select></div><div class=\"col-md-3\"><button type=\"submit\" class=\"btn btn-primary "
	            "mt-4\">Confronta</button></div></div></form>");
}

/* Hundredths of a percent as "75,00 %" (chart_format_fn). */
static const char *percent_it(arena *a, int64_t v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	return arena_printf(a, "%s%llu,%02llu\xc2\xa0%%", v < 0 ? "-" : "", u / 100, u % 100);
}

/* Per tenant (by rank), the mean progress of its numeric indicators in
 * hundredths of a percent, rounded half up; CHART_NO_VALUE for a tenant
 * without one. Progress is stored with two decimals, so it reads exactly
 * as cents do. */
static int64_t *mean_progress(http_req *r, const mcmp *m, const monitoring_value_row *values, size_t n)
{
	int64_t *sum = arena_calloc(r->a, m->ntenants + 1, sizeof(*sum));
	size_t *count = arena_calloc(r->a, m->ntenants + 1, sizeof(*count));
	bool *overflow = arena_calloc(r->a, m->ntenants + 1, sizeof(*overflow));
	for (size_t i = 0; i < n; i++) {
		const json_value *item = parse_item(r, &values[i]);
		const json_value *pr = item != NULL ? json_get(item, "progress") : NULL;
		int64_t v;
		size_t t = (size_t)values[i].tenant_id;
		if (!json_is(pr, JSON_NUMBER) || money_parse(pr->u.number.text, &v) != MONEY_OK)
			continue;
		overflow[t] |= !money_add(&sum[t], v);
		count[t]++;
	}
	for (size_t t = 0; t < m->ntenants; t++)
		sum[t] = count[t] == 0 || overflow[t] ? CHART_NO_VALUE : money_div_round(sum[t], (int64_t)count[t]);
	return sum;
}

/* The chart of the mean progress per ATS against the target (100 %): the
 * table below stays the data. */
static void progress_chart(html *h, http_req *r, const mcmp *m, const monitoring_value_row *values, size_t n)
{
	const char **labels = arena_calloc(r->a, m->ntenants + 1, sizeof(char *));
	const char **names = arena_calloc(r->a, m->ntenants + 1, sizeof(char *));
	for (size_t t = 0; t < m->ntenants; t++) {
		labels[t] = m->tenants[t].slug;
		names[t] = m->tenants[t].name;
	}
	chart_bars ch = {
	    .id = "grafico-avanzamento",
	    .title = arena_printf(r->a, "Avanzamento medio per ambito: %s, %lld", m->action, m->year),
	    .what = "avanzamento medio degli indicatori numerici",
	    .labels = labels,
	    .names = names,
	    .values = mean_progress(r, m, values, n),
	    .n = m->ntenants,
	    .reference = 10000, /* 100 %: the target reached */
	    .reference_label = "soglia dell’obiettivo",
	    .format = percent_it,
	};
	chart_bars_write(h, r->a, &ch);
}

static void get_compare_page(http_req *r)
{
	if (!may_compare(r)) {
		web_error_page(r, 403,
		               "I confronti tra ambiti sono riservati al personale regionale e agli utenti "
		               "university.");
		return;
	}
	if (http_query(r, "format") != NULL) { /* the page's downloads, under the session */
		answer(r, http_query(r, "azione"), http_query(r, "anno"));
		return;
	}
	mcmp m = {.r = r};
	cycle_catalog cat;
	if (!http_db_ok(r, cycle_store_find(r->db, r->a, http_param(r, "cycle"), false, &m.cy), "il ciclo"))
		return;
	if (m.cy == NULL) {
		web_error_page(r, 404, "Il ciclo richiesto non esiste.");
		return;
	}
	if (!http_db_ok(r, cycle_store_load_catalog(r->db, r->a, m.cy->id, &cat), "il catalogo"))
		return;
	m.action = http_query(r, "azione");
	const char *year = http_query(r, "anno");
	bool asked = m.action != NULL && year != NULL;
	if (asked && (!id_parse(year, YEAR_DIGITS, &m.year) || m.year < m.cy->start_year || m.year > m.cy->end_year)) {
		web_error_page(r, 400, "L’anno richiesto non è un anno del ciclo.");
		return;
	}
	if (!asked)
		m.year = m.cy->start_year;
	size_t nvalues = 0, nspending = 0;
	monitoring_value_row *values = NULL;
	monitoring_spending_row *spending = NULL;
	if (asked && (!load_tenants(&m) || (values = load_values(&m, &nvalues)) == NULL ||
	              (spending = load_spending(&m, &nspending)) == NULL))
		return;
	arena *a = r->a;
	web_crumb crumbs[] = {{"Regione", "/"}, {arena_printf(a, "Monitoraggio %s", m.cy->slug), NULL}};
	web_page *p = web_page_begin(r, arena_printf(a, "Confronto del monitoraggio, ciclo %s", m.cy->slug), crumbs, 2);
	html *h = web_html(p);
	html_raw(h, "<p>Per un’azione di sistema e un anno, gli indicatori di ogni ambito dall’ultima relazione di "
	            "monitoraggio inviata, con l’avanzamento verso l’obiettivo, e la spesa prevista a confronto con "
	            "quella effettiva.</p>");
	page_form(h, a, p, &m, &cat);
	if (!asked) {
		web_page_end(p, 200);
		return;
	}
	/* A text summary: how many ATS reported, how many numeric indicators
	 * reached their target, the mean progress. */
	size_t measured = 0, reached = 0;
	long double sum = 0;
	for (size_t i = 0; i < nvalues; i++) {
		const json_value *item = parse_item(r, &values[i]);
		const json_value *pr = item != NULL ? json_get(item, "progress") : NULL;
		if (json_is(pr, JSON_NUMBER)) {
			long double v = strtold(pr->u.number.text, NULL);
			measured++;
			sum += v;
			reached += v >= 100.0L;
		}
	}
	html_raw(h, "<h2>Indicatori</h2><p class=\"ambito-summary\">");
	html_text(h, arena_printf(a, "%zu %s per il %lld; %zu %s", m.ntenants,
	                          m.ntenants == 1 ? "ambito con una relazione" : "ambiti con una relazione", m.year,
	                          measured,
	                          measured == 1 ? "indicatore numerico misurato" : "indicatori numerici misurati"));
	if (measured > 0) {
		char *mean = arena_printf(a, "%.2Lf", sum / (long double)measured);
		char *dot = strchr(mean, '.');
		if (dot != NULL)
			*dot = ',';
		html_text(h, arena_printf(a, ", avanzamento medio %s %%, %zu %s l’obiettivo", mean, reached,
		                          reached == 1 ? "ha raggiunto" : "hanno raggiunto"));
	}
	html_raw(h, ".</p>");
	if (nvalues == 0)
		html_raw(h, "<p>Nessun indicatore di questa azione nelle relazioni dell’anno.</p>");
	else {
		progress_chart(h, r, &m, values, nvalues);
		html_raw(
		    h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Indicatori per "
		       "ambito\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">Indicatori per "
		       "ambito</caption><thead><tr><th scope=\"col\">Ambito</th><th scope=\"col\">Sezione</th><th "
		       "scope=\"col\">Indicatore</th><th scope=\"col\">Partenza</th><th scope=\"col\">Obiettivo</th>"
		       "<th scope=\"col\">Valore</th><th scope=\"col\">Avanzamento</th></tr></thead><tbody>");
		for (size_t i = 0; i < nvalues; i++) {
			const json_value *item = parse_item(r, &values[i]);
			if (item == NULL)
				continue;
			const monitoring_tenant *t = &m.tenants[values[i].tenant_id];
			const json_value *pr = json_get(item, "progress");
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, t->name);
			html_raw(h, "</th><td>");
			html_text(h, json_get_str(item, "section"));
			html_raw(h, "</td><td>");
			html_text(h, json_get_str(item, "name") != NULL ? json_get_str(item, "name") : "");
			html_raw(h, "</td><td>");
			html_text(h, num_it(a, json_get(item, "baseline")));
			html_raw(h, "</td><td>");
			html_text(h, num_it(a, json_get(item, "target")));
			html_raw(h, "</td><td>");
			html_text(h, num_it(a, json_get(item, "value")));
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			html_text(h, json_is(pr, JSON_NUMBER) ? arena_printf(a, "%s\xc2\xa0%%", num_it(a, pr)) : "—");
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	html_raw(h, "<h2>Spesa prevista ed effettiva</h2>");
	if (nspending == 0)
		html_raw(h, "<p>Nessuna spesa nelle relazioni dell’anno.</p>");
	else {
		html_raw(
		    h,
		    "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Spesa per "
		    "ambito\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">Spesa prevista ed "
		    "effettiva per ambito e fonte</caption><thead><tr><th scope=\"col\">Ambito</th><th "
		    "scope=\"col\">Fonte</th><th scope=\"col\" class=\"ambito-cell-money\">Prevista</th><th "
		    "scope=\"col\" class=\"ambito-cell-money\">Effettiva</th><th scope=\"col\" "
		    "class=\"ambito-cell-money\">Differenza</th></tr></thead><tbody>");
		for (size_t i = 0; i < nspending; i++) {
			const monitoring_spending_row *s = &spending[i];
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, m.tenants[s->tenant_id].name);
			html_raw(h, "</th><td>");
			html_text(h, source_label(&cat, s->source));
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			html_text(h, euro_it(a, s->planned_eur));
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			html_text(h, euro_it(a, s->amount_eur));
			html_raw(h, "</td><td class=\"ambito-cell-money\">");
			html_text(h, euro_it(a, difference(a, s->planned_eur, s->amount_eur)));
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	/* Downloads from this page's own address: the browser's session is
	 * no Bearer token for the API. */
	const char *q = arena_printf(a, "?azione=%s&anno=%lld", m.action, m.year); /* a known code */
	html_raw(h, "<ul class=\"ambito-downloads\"><li><a href=\"");
	html_text(h, arena_printf(a, "%s&format=xlsx", q));
	html_raw(h, "\" download>Scarica il foglio di calcolo (XLSX, indicatori e spesa)</a></li><li><a href=\"");
	html_text(h, arena_printf(a, "%s&format=csv", q));
	html_raw(h, "\" download>Scarica gli indicatori in CSV (per i programmi)</a></li><li><a href=\"");
	html_text(h, arena_printf(a, "%s&format=csv&table=spending", q));
	html_raw(h, "\" download>Scarica la spesa in CSV (per i programmi)</a></li></ul>");
	web_page_end(p, 200);
}

static const char *source_label(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		if (strcmp(cat->funding_sources[i].code, code) == 0)
			return cat->funding_sources[i].title;
	return code;
}

static const route page_routes[] = {
    {HTTP_GET, "/regione/cicli/{cycle}/monitoraggio", get_compare_page, ROUTE_PAGE,
     "Il confronto del monitoraggio tra ambiti per un’azione di sistema e un anno"},
};

void monitoring_compare_pages_register(void)
{
	router_add(page_routes, sizeof(page_routes) / sizeof(page_routes[0]));
}

static const route routes[] = {
    {HTTP_GET,
     "/api/v1/cycles/{cycle}/compare/monitoring",
     get_compare_monitoring,
     ROUTE_STREAM,
     "The monitoring of an azione di sistema in a year across ATS: each tenant's latest report, its indicators of "
     "the sections tagged with the action (baseline, target, value, progress) and its planned against actual "
     "spending per funding source (region staff; university users: their assigned ATS)",
     NULL,
     "MonitoringComparison",
     {{"action", PARAM_QUERY, true, "{\"type\":\"string\",\"maxLength\":32}",
       "Il codice dell'azione di sistema (OS1-A6)"},
      {"year", PARAM_QUERY, true, "{\"type\":\"integer\"}", "Un anno del ciclo"},
      {"table", PARAM_QUERY, false, "{\"type\":\"string\",\"enum\":[\"indicators\",\"spending\"]}",
       "Con format=csv: indicators (il default) o spending; il foglio di calcolo (xlsx) ha le due tabelle in "
       "due fogli"},
      P_FORMAT_XLSX}},
};

void monitoring_compare_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
