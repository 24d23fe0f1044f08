/* The monitoring pages of an ATS: a year's measured values and actual
 * spending as a form (coordinator and editor), the progress of each numeric
 * indicator, the reports sent and the coordinator's button that sends the
 * year's report. The save builds the body PUT …/monitoring/{year} would
 * carry and checks it with monitoring_entry_parse, so the page and the API
 * refuse the same things. */
#include <stdio.h>
#include <string.h>

#include "base/id.h"
#include "base/money.h"
#include "base/utf8.h"
#include "http/router.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/monitoring.h"
#include "web/web.h"

static bool can_write(role ro)
{
	return ro == ROLE_ATS_COORDINATOR || ro == ROLE_ATS_EDITOR;
}

static const char *page_href(http_req *r, const monitoring_ctx *x)
{
	return arena_printf(r->a, "/ats/%s/piani/%s/monitoraggio/%lld", r->tenant->slug, x->c->slug, x->year);
}

static const char *money_it(arena *a, const char *amount)
{
	int64_t cents;
	char buf[MONEY_TEXT_MAX];
	if (amount == NULL || money_parse(amount, &cents) != MONEY_OK)
		return amount;
	money_format_it(buf, cents);
	return arena_strdup(a, buf);
}

/* An amount for an input: "1.234,56" without the euro sign. */
static const char *money_field_it(arena *a, const char *amount)
{
	const char *s = money_it(a, amount);
	if (s == NULL)
		return NULL;
	char *copy = arena_strdup(a, s);
	char *nbsp = strstr(copy, "\xc2\xa0");
	if (nbsp != NULL)
		*nbsp = '\0';
	return copy;
}

/* "75.00" -> "75,00 %". */
static const char *percent_it(arena *a, const char *p)
{
	if (p == NULL)
		return "—";
	char *s = arena_strdup(a, p);
	char *dot = strchr(s, '.');
	if (dot != NULL)
		*dot = ',';
	return arena_printf(a, "%s\xc2\xa0%%", s);
}

static const monitoring_value *value_of(const monitoring_entry *e, const char *id)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (strcmp(e->values[i].id, id) == 0)
			return &e->values[i];
	return NULL;
}

static const monitoring_spending *spent_of(const monitoring_entry *e, const char *section, const char *source)
{
	for (size_t i = 0; i < e->nspending; i++)
		if (strcmp(e->spending[i].section, section) == 0 && strcmp(e->spending[i].source, source) == 0)
			return &e->spending[i];
	return NULL;
}

static const char *source_title(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		if (strcmp(cat->funding_sources[i].code, code) == 0)
			return cat->funding_sources[i].title;
	return code;
}

typedef struct mon_view {
	const monitoring_entry *entry;                        /* stored, or what was typed */
	const char *const *typed_values, *const *typed_notes; /* per indicator, NULL when from entry */
	const char *const *typed_amounts;                     /* per spending line */
	const char **errors;                                  /* per message */
	size_t nerrors;
	bool stale, saved;
	long long sent; /* the number of the report just sent, 0 otherwise */
	const char *sent_sha;
} mon_view;

/* The lines the page shows: every planned line, then those entered
 * without a plan. */
typedef struct mon_line {
	const char *section, *source;
	const char *planned; /* DECIMAL text */
} mon_line;

static mon_line *page_lines(arena *a, const monitoring_ctx *x, const monitoring_entry *stored, size_t *n)
{
	mon_line *lines = arena_calloc(a, x->mp.nplanned + stored->nspending + 1, sizeof(*lines));
	*n = 0;
	for (size_t i = 0; i < x->mp.nplanned; i++)
		lines[(*n)++] = (mon_line){x->mp.planned[i].section, x->mp.planned[i].source,
		                           money_text(a, x->mp.planned[i].cents)};
	for (size_t i = 0; i < stored->nspending; i++) {
		bool planned = false;
		for (size_t k = 0; k < x->mp.nplanned && !planned; k++)
			planned = strcmp(x->mp.planned[k].section, stored->spending[i].section) == 0 &&
			          strcmp(x->mp.planned[k].source, stored->spending[i].source) == 0;
		if (!planned)
			lines[(*n)++] = (mon_line){stored->spending[i].section, stored->spending[i].source, "0.00"};
	}
	return lines;
}

static void text_cell_input(html *h, arena *a, const char *id, const char *name, const char *label, const char *value,
                            const char *cls)
{
	html_raw(h, "<td><label class=\"visually-hidden\" for=\"");
	html_text(h, id);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label><input type=\"text\" class=\"");
	html_text(h, cls);
	html_raw(h, "\" id=\"");
	html_text(h, id);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\" value=\"");
	html_text(h, value != NULL ? value : "");
	html_raw(h, "\"></td>");
	(void)a;
}

static void reports_list(html *h, arena *a, const monitoring_report *reports, size_t n)
{
	html_raw(h, "<h2>Relazioni inviate</h2>");
	if (n == 0) {
		html_raw(h, "<p>Nessuna relazione inviata per quest’anno.</p>");
		return;
	}
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Relazioni "
	            "inviate\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">Relazioni "
	            "inviate</caption><thead><tr><th scope=\"col\">Relazione</th><th scope=\"col\">Inviata il</th>"
	            "<th scope=\"col\">Da</th><th scope=\"col\">Esito dell’esame</th><th scope=\"col\">Impronta "
	            "SHA-256</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const monitoring_report *s = &reports[i];
		const char *when = html_datetime(a, s->submitted_at);
		html_rawf(h, "<tr><td>n. %lld</td><td>", s->number);
		html_text(h, when != NULL ? when : s->submitted_at);
		html_raw(h, "</td><td>");
		html_text(h, s->submitted_by_name != NULL ? s->submitted_by_name : "");
		html_raw(h, "</td><td>");
		html_text(h, s->decision == NULL                  ? "da esaminare"
		             : strcmp(s->decision, "accept") == 0 ? "accolta"
		                                                  : "modifiche richieste");
		if (s->review_note != NULL) {
			html_raw(h, ": ");
			html_text(h, s->review_note);
		}
		html_raw(h, "</td><td><code class=\"ambito-hash\">");
		html_text(h, s->sha256);
		html_raw(h, "</code></td></tr>");
	}
	html_raw(h, "</tbody></table></div>");
}

static void mon_page(http_req *r, const monitoring_ctx *x, const cycle_catalog *cat, long long version,
                     const mon_view *v, int status)
{
	arena *a = r->a;
	bool editable = can_write(r->tenant->role);
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(a, "Piano %s", x->c->slug), arena_printf(a, "/ats/%s/piani/%s", r->tenant->slug, x->c->slug)},
	    {arena_printf(a, "Monitoraggio %lld", x->year), NULL}};
	web_page *p =
	    web_page_begin(r, arena_printf(a, "Monitoraggio %lld del piano %s", x->year, x->c->slug), crumbs, 3);
	html *h = web_html(p);
	html_raw(h, "<nav aria-label=\"Anni del ciclo\"><p>Anno: ");
	for (long long y = x->c->start_year; y <= x->c->end_year; y++) {
		if (y == x->year) {
			html_rawf(h, "<strong aria-current=\"page\">%lld</strong> ", y);
			continue;
		}
		html_raw(h, "<a href=\"");
		html_text(h, arena_printf(a, "/ats/%s/piani/%s/monitoraggio/%lld", r->tenant->slug, x->c->slug, y));
		html_rawf(h, "\">%lld</a> ", y);
	}
	html_raw(h, "</p></nav>");
	if (v->saved)
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">Monitoraggio salvato.</div>");
	if (v->sent > 0) {
		html_rawf(
		    h, "<div class=\"alert alert-success\" role=\"status\"><p>Relazione n. %lld inviata alla Regione.",
		    v->sent);
		if (v->sent_sha != NULL) {
			html_raw(h, " Impronta SHA-256: <code class=\"ambito-hash\">");
			html_text(h, v->sent_sha);
			html_raw(h, "</code>");
		}
		html_raw(h, "</p></div>");
	}
	if (v->stale)
		html_raw(h,
		         "<div class=\"alert alert-warning\" role=\"alert\"><p><strong>Nessuna modifica è stata "
		         "salvata.</strong> Un’altra persona ha salvato il monitoraggio mentre lo stavi scrivendo: nel "
		         "modulo ci sono ancora i tuoi valori; salva di nuovo.</p></div>");
	if (v->nerrors > 0) {
		html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\"><p><strong>Il monitoraggio non è stato "
		            "salvato.</strong></p><ul>");
		for (size_t i = 0; i < v->nerrors; i++) {
			html_raw(h, "<li>");
			html_text(h, v->errors[i]);
			html_raw(h, "</li>");
		}
		html_raw(h, "</ul></div>");
	}
	html_raw(h, "<p>Per ogni indicatore del piano approvato il valore misurato nell’anno e una breve nota; per "
	            "ogni sezione e fonte di finanziamento la spesa effettivamente sostenuta (rendicontazione). "
	            "L’avanzamento è (valore − partenza) / (obiettivo − partenza), per gli indicatori numerici.</p>");
	if (editable) {
		html_raw(h, "<form method=\"post\" action=\"");
		html_text(h, page_href(r, x));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		html_rawf(h, "<input type=\"hidden\" name=\"versione\" value=\"%lld\">", version);
	}
	html_raw(h, "<h2>Indicatori</h2>");
	if (x->mp.nindicators == 0)
		html_raw(h, "<p>Il piano approvato non ha indicatori.</p>");
	else {
		html_raw(h,
		         "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Indicatori\">"
		         "<table class=\"table ambito-table\"><caption class=\"visually-hidden\">Indicatori</caption>"
		         "<thead><tr><th scope=\"col\">Sezione</th><th scope=\"col\">Indicatore</th><th scope=\"col\">"
		         "Partenza</th><th scope=\"col\">Obiettivo</th><th scope=\"col\">Valore misurato</th><th "
		         "scope=\"col\">Nota</th><th scope=\"col\">Avanzamento</th></tr></thead><tbody>");
		for (size_t i = 0; i < x->mp.nindicators; i++) {
			const monitoring_indicator *mi = &x->mp.indicators[i];
			const monitoring_value *val = value_of(v->entry, mi->id);
			const char *value = v->typed_values != NULL ? v->typed_values[i]
			                    : val != NULL           ? val->value
			                                            : NULL;
			const char *note = v->typed_notes != NULL ? v->typed_notes[i] : val != NULL ? val->note : NULL;
			const char *unit = mi->ind->unit;
			html_raw(h, "<tr><td>");
			html_text(h, mi->section);
			html_raw(h, "</td><th scope=\"row\">");
			html_text(h, mi->ind->name != NULL ? mi->ind->name : "");
			if (unit != NULL) {
				html_raw(h, " <span class=\"ambito-unit\">(");
				html_text(h, unit);
				html_raw(h, ")</span>");
			}
			html_raw(h, "</th><td>");
			html_text(h, mi->ind->baseline != NULL ? mi->ind->baseline : "—");
			html_raw(h, "</td><td>");
			html_text(h, mi->ind->target != NULL ? mi->ind->target : "—");
			html_raw(h, "</td>");
			const char *label_name = mi->ind->name != NULL ? mi->ind->name : mi->id;
			if (editable) {
				text_cell_input(
				    h, a, arena_printf(a, "valore-%zu", i), arena_printf(a, "valore.%s", mi->id),
				    arena_printf(a, "Valore misurato, %s", label_name), value, "ambito-cell-value");
				text_cell_input(h, a, arena_printf(a, "nota-%zu", i),
				                arena_printf(a, "nota.%s", mi->id),
				                arena_printf(a, "Nota, %s", label_name), note, "ambito-cell-note");
			} else {
				html_raw(h, "<td>");
				html_text(h, value != NULL ? value : "—");
				html_raw(h, "</td><td>");
				html_text(h, note != NULL ? note : "");
				html_raw(h, "</td>");
			}
			const char *progress =
			    val != NULL
			        ? monitoring_progress(a, monitoring_number(mi->ind->baseline, mi->ind->baseline_num),
			                              monitoring_number(mi->ind->target, mi->ind->target_num),
			                              monitoring_number(val->value, val->value_num))
			        : NULL;
			html_raw(h, "<td class=\"ambito-cell-money\">");
			html_text(h, percent_it(a, progress));
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	size_t nlines;
	mon_line *lines = page_lines(a, x, v->entry, &nlines);
	html_raw(h, "<h2>Spesa effettiva</h2>");
	if (nlines == 0)
		html_raw(h, "<p>Il piano approvato non prevede spesa per quest’anno.</p>");
	else {
		html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Spesa "
		            "effettiva\"><table class=\"table ambito-table\"><caption class=\"visually-hidden\">Spesa "
		            "effettiva</caption><thead><tr><th scope=\"col\">Sezione</th><th scope=\"col\">Fonte</th>"
		            "<th scope=\"col\" class=\"ambito-cell-money\">Prevista</th><th scope=\"col\">Effettiva "
		            "(euro)</th></tr></thead><tbody>");
		for (size_t i = 0; i < nlines; i++) {
			const monitoring_spending *s = spent_of(v->entry, lines[i].section, lines[i].source);
			const char *amount = v->typed_amounts != NULL ? v->typed_amounts[i]
			                     : s != NULL              ? money_field_it(a, s->amount_eur)
			                                              : NULL;
			html_raw(h, "<tr><td>");
			html_text(h, lines[i].section);
			html_raw(h, "</td><th scope=\"row\">");
			html_text(h, source_title(cat, lines[i].source));
			html_raw(h, "</th><td class=\"ambito-cell-money\">");
			html_text(h, money_it(a, lines[i].planned));
			html_raw(h, "</td>");
			if (editable)
				text_cell_input(h, a, arena_printf(a, "spesa-%zu", i),
				                arena_printf(a, "spesa.%s.%s", lines[i].section, lines[i].source),
				                arena_printf(a, "Spesa effettiva, %s, %s", lines[i].section,
				                             source_title(cat, lines[i].source)),
				                amount, "ambito-cell-money");
			else {
				html_raw(h, "<td class=\"ambito-cell-money\">");
				html_text(h, s != NULL ? money_it(a, s->amount_eur) : "—");
				html_raw(h, "</td>");
			}
			html_raw(h, "</tr>");
		}
		html_raw(h, "</tbody></table></div>");
	}
	if (editable)
		html_raw(h, "<p class=\"mt-4\"><button type=\"submit\" class=\"btn btn-primary\">Salva il "
		            "monitoraggio</button></p></form>");
	monitoring_report *reports;
	size_t nreports;
	if (monitoring_store_reports(r->db, a, x->p->tenant_id, x->p->cycle_id, x->year, &reports, &nreports) != DB_OK)
		nreports = 0;
	reports_list(h, a, reports, nreports);
	if (r->tenant->role == ROLE_ATS_COORDINATOR) {
		html_raw(h, "<h2>Invio alla Regione</h2><p>La relazione riporta il monitoraggio come è salvato ora; "
		            "una volta inviata non si può più cambiare (se ne può inviare una nuova).</p><form "
		            "method=\"post\" action=\"");
		html_text(h, arena_printf(a, "%s/invia", page_href(r, x)));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		html_raw(h, "<div class=\"form-group\"><label for=\"nota-invio\" class=\"active\">Nota per la Regione "
		            "(facoltativa)</label><textarea id=\"nota-invio\" name=\"nota\" rows=\"3\" "
		            "class=\"form-control\"></textarea></div><p><button type=\"submit\" class=\"btn "
		            "btn-primary\">Invia la relazione del ");
		html_rawf(h, "%lld</button></p></form>", x->year);
	}
	web_page_end(p, status);
}

/* The year's page cannot be had: a plan not approved is a page saying so. */
static bool page_load(http_req *r, monitoring_ctx *x, bool for_update)
{
	cycle *c = cycles_path_cycle(r, false);
	plan *pl = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (pl == NULL)
		return false;
	if (!monitoring_monitored(pl)) {
		web_error_page(
		    r, 409,
		    arena_printf(r->a, "Il piano è %s: il monitoraggio si compila quando la Regione lo ha approvato.",
		                 web_plan_status(plan_status_name(pl->status))));
		return false;
	}
	return monitoring_load(r, x, for_update);
}

static void get_mon_page(http_req *r)
{
	monitoring_ctx x;
	const char *content;
	long long version;
	cycle_catalog cat;
	if (scope_require(r, SCOPE_READERS) != 0 || !page_load(r, &x, false) ||
	    !http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio") ||
	    !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, x.c->id, &cat), "il catalogo"))
		return;
	monitoring_entry entry;
	monitoring_entry_read(r->a, content, &entry);
	mon_view v = {.entry = &entry};
	const char *q = http_query(r, "salvato");
	v.saved = q != NULL && strcmp(q, "1") == 0;
	long long sent;
	if (id_parse(http_query(r, "inviata"), MONITORING_NUMBER_DIGITS, &sent)) {
		monitoring_report s;
		if (monitoring_store_report(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, sent, &s, NULL, NULL) ==
		    DB_OK) {
			v.sent = sent;
			v.sent_sha = s.sha256;
		}
	}
	mon_page(r, &x, &cat, version, &v, 200);
}

/* A value as the API takes it: a plain decimal (a comma for the point
 * too) is a number, anything else a text. */
static void write_value(jw *w, arena *a, const char *text)
{
	char *dot = arena_strdup(a, text);
	char *comma = strchr(dot, ',');
	if (comma != NULL && strchr(comma + 1, ',') == NULL)
		*comma = '.';
	if (plan_decimal_text(dot))
		jw_knum_text(w, "value", dot);
	else
		jw_kstr(w, "value", text);
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static void post_mon_page(http_req *r)
{
	monitoring_ctx x;
	const char *content;
	long long version;
	cycle_catalog cat;
	if (scope_require(r, SCOPE_ATS_WRITERS) != 0 || !page_load(r, &x, true) ||
	    !http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio") ||
	    !http_db_ok(r, cycle_store_load_catalog(r->db, r->a, x.c->id, &cat), "il catalogo"))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/monitoring/%lld", r->tenant->slug, x.c->slug, x.year);
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	monitoring_entry stored;
	monitoring_entry_read(r->a, content, &stored);
	size_t nlines;
	mon_line *lines = page_lines(r->a, &x, &stored, &nlines);
	const char **values = arena_calloc(r->a, x.mp.nindicators + 1, sizeof(char *));
	const char **notes = arena_calloc(r->a, x.mp.nindicators + 1, sizeof(char *));
	const char **amounts = arena_calloc(r->a, nlines + 1, sizeof(char *));
	const char **errors = arena_calloc(r->a, nlines + x.mp.nindicators + 8, sizeof(char *));
	mon_view v = {
	    .entry = &stored, .typed_values = values, .typed_notes = notes, .typed_amounts = amounts, .errors = errors};
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "indicators");
	jw_arr_begin(w);
	for (size_t i = 0; i < x.mp.nindicators; i++) {
		const char *id = x.mp.indicators[i].id;
		values[i] = web_form_get(&f, arena_printf(r->a, "valore.%s", id));
		notes[i] = web_form_get(&f, arena_printf(r->a, "nota.%s", id));
		if (blank(values[i]) && blank(notes[i]))
			continue;
		jw_obj_begin(w);
		jw_kstr(w, "id", id);
		if (!blank(values[i]))
			write_value(w, r->a, values[i]);
		if (!blank(notes[i]))
			jw_kstr(w, "note", notes[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "spending");
	jw_arr_begin(w);
	for (size_t i = 0; i < nlines; i++) {
		amounts[i] = web_form_get(&f, arena_printf(r->a, "spesa.%s.%s", lines[i].section, lines[i].source));
		if (blank(amounts[i]))
			continue;
		int64_t cents;
		if (money_parse_it(amounts[i], &cents) != MONEY_OK || cents < 0) {
			errors[v.nerrors++] =
			    arena_printf(r->a,
			                 "Spesa effettiva, %s, %s: scrivi un importo in euro non negativo, ad esempio "
			                 "1.234,56.",
			                 lines[i].section, source_title(&cat, lines[i].source));
			continue;
		}
		jw_obj_begin(w);
		jw_knum_text(w, "amount_eur", money_text(r->a, cents));
		jw_kstr(w, "section", lines[i].section);
		jw_kstr(w, "source", lines[i].source);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	json_value *body = web_json_finish(r, w);
	if (body == NULL) {
		web_error_page(r, 400, "Il testo inviato non è valido (UTF-8).");
		return;
	}
	const char *sent_version = web_form_get(&f, "versione");
	if (sent_version == NULL || strcmp(sent_version, arena_printf(r->a, "%lld", version)) != 0) {
		v.stale = true;
		mon_page(r, &x, &cat, version, &v, 409);
		return;
	}
	field_errors *e = http_errors_new(r);
	monitoring_entry entry;
	monitoring_entry_parse(e, body, &x.mp, &x.t, &cat, &entry);
	for (size_t k = 0; k < field_errors_kept(e) && v.nerrors < nlines + x.mp.nindicators + 7; k++) {
		const char *field = field_errors_field(e, k);
		size_t idx;
		if (sscanf(field, "indicators[%zu]", &idx) == 1)
			errors[v.nerrors++] = arena_printf(r->a, "Indicatori: %s.", field_errors_message(e, k));
		else
			errors[v.nerrors++] = arena_printf(r->a, "%s: %s.", field, field_errors_message(e, k));
	}
	if (v.nerrors > 0) {
		mon_page(r, &x, &cat, version, &v, 422);
		return;
	}
	const char *json = monitoring_entry_json(r->a, &entry);
	if (json == NULL || !http_db_ok(r,
	                                monitoring_store_save(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, json,
	                                                      r->user->user_id, &version),
	                                "il monitoraggio"))
		return;
	r->audit_detail = arena_printf(r->a,
	                               "monitoring %lld saved from the web: %zu values, %zu spending lines "
	                               "(version %lld)",
	                               x.year, entry.nvalues, entry.nspending, version);
	web_redirect(r, arena_printf(r->a, "%s?salvato=1", page_href(r, &x)));
}

static void post_mon_submit(http_req *r)
{
	monitoring_ctx x;
	const char *content;
	long long version;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0 || !page_load(r, &x, true) ||
	    !http_db_ok(r,
	                monitoring_store_entry(r->db, r->a, x.p->tenant_id, x.p->cycle_id, x.year, &content, &version),
	                "il monitoraggio"))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s/monitoring/%lld", r->tenant->slug, x.c->slug, x.year);
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *note = web_form_get(&f, "nota");
	if (blank(note))
		note = NULL;
	else if (utf8_chars(note, strlen(note)) > MONITORING_SUBMIT_NOTE_MAX) {
		web_error_page(r, 422, "La nota per la Regione supera i 2.000 caratteri.");
		return;
	}
	monitoring_entry entry;
	monitoring_entry_read(r->a, content, &entry);
	monitoring_report s;
	if (!http_db_ok(r,
	                monitoring_store_submit(r->db, r->a, x.p->tenant_id, x.c, x.year, x.p->revision, &x.mp, &entry,
	                                        r->user->user_id, note, &s),
	                "la relazione di monitoraggio"))
		return;
	r->audit_detail =
	    arena_printf(r->a, "monitoring %lld report %lld sha256 %s (from the web)", x.year, s.number, s.sha256);
	web_redirect(r, arena_printf(r->a, "%s?inviata=%lld", page_href(r, &x), s.number));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/monitoraggio/{year}", get_mon_page, ROUTE_PAGE | ROUTE_TENANT,
     "Il monitoraggio di un anno del piano approvato",
     .params = {{"year", PARAM_PATH, true, "{\"type\":\"integer\"}", "Un anno del ciclo"}}},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/monitoraggio/{year}", post_mon_page, ROUTE_PAGE | ROUTE_TENANT,
     "Salva il monitoraggio di un anno",
     .params = {{"year", PARAM_PATH, true, "{\"type\":\"integer\"}", "Un anno del ciclo"}}},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/monitoraggio/{year}/invia", post_mon_submit, ROUTE_PAGE | ROUTE_TENANT,
     "Invia alla Regione la relazione di monitoraggio di un anno",
     .params = {{"year", PARAM_PATH, true, "{\"type\":\"integer\"}", "Un anno del ciclo"}}},
};

void monitoring_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
