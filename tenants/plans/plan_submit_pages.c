/* Pages of a plan's submission and history: the check of what is still
 * missing, the coordinator's submission with the Comitato dei Sindaci's
 * approval act, its receipt, the list of submissions with the Region's
 * reviews and the diff between two revisions. They call the same store
 * and diff functions as the JSON API; scoping is the route's (ROUTE_TENANT). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/id.h"
#include "base/money.h"
#include "base/utf8.h"
#include "cycles/cycles.h"
#include "funds/funds.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_diff.h"
#include "tenants/plans/plan_submit_pages.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

#define SUBMIT_PAGE_NOTE_MAX PLAN_SUBMIT_NOTE_MAX
#define HISTORY_MAX 200 /* submissions listed on the history page */

/* ---------------------------------------------------------------- helpers */

static const char *plan_href(http_req *r, const cycle *c, const char *tail)
{
	return arena_printf(r->a, "/ats/%s/piani/%s%s", r->tenant->slug, c->slug, tail);
}

static void status_badge(html *h, plan_status s)
{
	const char *name = plan_status_name(s);
	html_raw(h, "<span class=\"ambito-status ambito-status-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, web_plan_status(name));
	html_raw(h, "</span>");
}

static void page_link(html *h, const char *href, const char *text)
{
	html_raw(h, "<a href=\"");
	html_text(h, href);
	html_raw(h, "\">");
	html_text(h, text);
	html_raw(h, "</a>");
}

static const char *when(arena *a, const char *dt)
{
	const char *s = dt ? html_datetime(a, dt) : NULL;
	return s ? s : (dt ? dt : "—");
}

/* "delibera n. 12/2021 del 1 marzo 2021", or NULL for a submission without an act. */
static const char *act_text(arena *a, const plan_approval_act *act)
{
	if (act->number == NULL || act->date == NULL)
		return NULL;
	const char *date = html_date(a, act->date);
	return arena_printf(a, "delibera n. %s del %s", act->number, date ? date : act->date);
}

/* Why this plan cannot be submitted now, or NULL when it can. */
static const char *not_submittable(arena *a, const plan *p, const cycle *c)
{
	if (c->status != CYCLE_OPEN)
		return "Il ciclo di programmazione è chiuso: il piano non si può più inviare.";
	if (p->status != PLAN_DRAFT && p->status != PLAN_CHANGES_REQUESTED)
		return arena_printf(a,
		                    "Il piano è %s: si può inviare solo in bozza o quando la Regione chiede "
		                    "modifiche.",
		                    web_plan_status(plan_status_name(p->status)));
	return NULL;
}

static const cycle_section *find_section(const cycle_template *t, const char *key)
{
	for (size_t i = 0; t != NULL && key != NULL && i < t->nsections; i++)
		if (strcmp(t->sections[i].key, key) == 0)
			return &t->sections[i];
	return NULL;
}

static const char *part_title(const cycle_section *s, const char *key)
{
	for (size_t i = 0; s != NULL && key != NULL && i < s->nparts; i++)
		if (strcmp(s->parts[i].key, key) == 0)
			return s->parts[i].title;
	return key;
}

/* ---------------------------------------------------------------- submission */

/* What the form holds, as typed, and the message beside each field. */
typedef struct submit_form {
	const char *number, *date, *note;
	const char *number_err, *date_err, *note_err;
	size_t nerrors;
} submit_form;

#define F_NUMBER "delibera_numero"
#define F_DATE "delibera_data"
#define F_NOTE "nota"

typedef struct submit_ctx {
	cycle *c;
	plan *p;
	cycle_template t;
	plan_missing *missing;
	size_t nmissing;
} submit_ctx;

static bool submit_load(http_req *r, submit_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->c = cycles_path_cycle(r, false);
	x->p = x->c != NULL ? plans_path_plan(r, x->c, false) : NULL;
	if (x->p == NULL)
		return false;
	int rc = cycle_store_load_template(r->db, r->a, x->c->id, &x->t);
	if (rc == DB_OK)
		rc = plan_store_missing(r->db, r->a, x->p, &x->t, &x->missing, &x->nmissing);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return false;
	}
	return true;
}

static web_page *submit_begin(http_req *r, const cycle *c, const char *title)
{
	web_crumb crumbs[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                      {arena_printf(r->a, "Piano %s", c->slug), plan_href(r, c, "")},
	                      {title, NULL}};
	return web_page_begin(r, title, crumbs, 3);
}

static void missing_list(web_page *p, const submit_ctx *x)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	html_raw(h, "<h2>Controllo del piano</h2>");
	if (x->nmissing == 0) {
		html_raw(
		    h, "<p class=\"ambito-check-ok\"><strong>Tutte le parti obbligatorie sono compilate.</strong></p>");
		return;
	}
	html_raw(h, "<p>");
	html_text(h, x->nmissing == 1 ? "Manca una parte obbligatoria: compilala prima dell’invio."
	                              : arena_printf(r->a, "Mancano %s parti obbligatorie: compilale prima dell’invio.",
	                                             html_int(r->a, (long long)x->nmissing)));
	/* Grouped by section, in template order; each part a link to its field. */
	html_raw(h, "</p><ul class=\"ambito-missing\">");
	for (size_t i = 0; i < x->nmissing; i++) {
		const char *key = x->missing[i].section;
		const cycle_section *s = find_section(&x->t, key);
		if (i == 0 || strcmp(x->missing[i - 1].section, key) != 0) {
			html_raw(h, "<li><span class=\"ambito-missing-section\">");
			html_text(h, arena_printf(r->a, "%s %s", key, s ? s->title : ""));
			html_raw(h, "</span><ul>");
		}
		html_raw(h, "<li><a href=\"");
		html_text(h, plan_href(r, x->c, arena_printf(r->a, "/sezioni/%s#parte-%s", key, x->missing[i].part)));
		html_raw(h, "\">");
		html_text(h, part_title(s, x->missing[i].part));
		html_raw(h, "<span class=\"visually-hidden\"> (sezione ");
		html_text(h, key);
		html_raw(h, ")</span></a></li>");
		if (i + 1 == x->nmissing || strcmp(x->missing[i + 1].section, key) != 0)
			html_raw(h, "</ul></li>");
	}
	html_raw(h, "</ul>");
}

static void note_field(web_page *p, const submit_form *f)
{
	html *h = web_html(p);
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-" F_NOTE "\">Nota per la Regione "
	            "(facoltativa)</label><textarea class=\"form-control");
	if (f->note_err)
		html_raw(h, " is-invalid");
	html_rawf(h,
	          "\" rows=\"5\" id=\"campo-" F_NOTE "\" name=\"" F_NOTE "\" data-max-chars=\"%d\" "
	          "data-counter=\"conta-" F_NOTE "\" aria-describedby=\"conta-" F_NOTE,
	          SUBMIT_PAGE_NOTE_MAX);
	if (f->note_err)
		html_raw(h, " errore-" F_NOTE "\" aria-invalid=\"true");
	html_raw(h, "\">");
	html_text(h, f->note);
	html_raw(h, "</textarea>");
	if (f->note_err) {
		html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-" F_NOTE "\">");
		html_text(h, f->note_err);
		html_raw(h, "</div>");
	}
	size_t chars = f->note ? utf8_chars(f->note, strlen(f->note)) : 0;
	html_rawf(
	    h, "<p class=\"ambito-counter\" aria-live=\"polite\" id=\"conta-" F_NOTE "\">%s su %s caratteri</p></div>",
	    html_int(web_req(p)->a, (long long)chars), html_int(web_req(p)->a, SUBMIT_PAGE_NOTE_MAX));
}

/* The check page, with the form when the user may submit. */
/* The warnings of the plan answer, never a refusal: income below the
 * Region's allocation, spending above income, per source and year. */
static void warnings_list(web_page *p, const submit_ctx *x)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	fund_row *rows;
	plan_money *income, *spending;
	size_t nrows, nincome, nspending;
	if (fund_store_tenant(r->db, r->a, x->p->tenant_id, x->p->cycle_id, &rows, &nrows) != DB_OK ||
	    plan_store_money_by_source(r->db, r->a, x->p->tenant_id, x->p->cycle_id, 0, &income, &nincome, &spending,
	                               &nspending) != DB_OK) {
		html_raw(h, "<p>Non è stato possibile confrontare le entrate con le assegnazioni.</p>");
		return;
	}
	plan_money *alloc = arena_calloc(r->a, nrows + 1, sizeof(*alloc));
	for (size_t i = 0; i < nrows; i++)
		alloc[i] = (plan_money){rows[i].source, rows[i].year, rows[i].amount};
	plan_warning *w;
	size_t n = plan_warnings(r->a, alloc, nrows, income, nincome, spending, nspending, &w);
	html_raw(h, "<h2>Entrate, assegnazioni e spesa</h2>");
	if (n == 0) {
		html_raw(h, "<p class=\"ambito-check-ok\">Le entrate coprono le assegnazioni della Regione e la spesa "
		            "prevista.</p>");
		return;
	}
	html_raw(h, "<p>Avvisi (il piano si può inviare comunque):</p><ul class=\"ambito-warnings\">");
	for (size_t i = 0; i < n; i++) {
		int64_t cents;
		char buf[MONEY_TEXT_MAX];
		const char *missing = w[i].missing_eur;
		if (money_parse(missing, &cents) == MONEY_OK) {
			money_format_it(buf, cents);
			missing = arena_strdup(r->a, buf);
		}
		char *code = arena_strdup(r->a, w[i].source);
		for (char *c = code; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		html_raw(h, "<li>");
		html_text(h, strcmp(w[i].code, "income_below_allocation") == 0
		                 ? arena_printf(r->a, "Entrate %s %lld inferiori all’assegnazione di %s", code,
		                                w[i].year, missing)
		                 : arena_printf(r->a, "Spesa %s %lld superiore alle entrate di %s", code, w[i].year,
		                                missing));
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul>");
}

static void check_page(http_req *r, const submit_ctx *x, const submit_form *f, int status)
{
	web_page *p = submit_begin(r, x->c, "Invio del piano alla Regione");
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">");
	html_text(h, r->tenant->name);
	html_raw(h, " — ");
	html_text(h, x->c->title);
	html_raw(h, "</p><dl class=\"ambito-facts\"><dt>Stato del piano</dt><dd>");
	status_badge(h, x->p->status);
	html_raw(h, "</dd><dt>Ultima revisione inviata</dt><dd>");
	html_text(h, x->p->revision > 0 ? html_int(r->a, x->p->revision) : "nessuna");
	html_raw(h, "</dd></dl>");
	if (f->nerrors > 0) {
		const char *ids[3], *msgs[3];
		size_t n = 0;
		if (f->number_err) {
			ids[n] = "campo-" F_NUMBER;
			msgs[n++] = arena_printf(r->a, "Numero della delibera: %s", f->number_err);
		}
		if (f->date_err) {
			ids[n] = "campo-" F_DATE;
			msgs[n++] = arena_printf(r->a, "Data della delibera: %s", f->date_err);
		}
		if (f->note_err) {
			ids[n] = "campo-" F_NOTE;
			msgs[n++] = arena_printf(r->a, "Nota: %s", f->note_err);
		}
		web_error_summary(p, ids, msgs, n);
	}
	const char *refused = not_submittable(r->a, x->p, x->c);
	if (refused) {
		html_raw(h, "<div class=\"alert alert-info\" role=\"status\">");
		html_text(h, refused);
		html_raw(h, "</div>");
	}
	missing_list(p, x);
	warnings_list(p, x);
	bool coordinator = r->tenant->role == ROLE_ATS_COORDINATOR;
	if (!coordinator)
		html_raw(h, "<p><strong>Solo il coordinatore dell’ATS può inviare il piano alla Regione.</strong></p>");
	else if (refused == NULL && x->nmissing > 0)
		html_raw(h, "<p>Potrai inviare il piano quando tutte le parti obbligatorie saranno compilate.</p>");
	else if (refused == NULL) {
		html_raw(h,
		         "<h2>Approvazione del Comitato dei Sindaci</h2><p>Indica la delibera con cui il Comitato dei "
		         "Sindaci ha approvato il piano. Dopo aver premuto «Continua» potrai controllare i dati "
		         "prima dell’invio.</p><form method=\"post\" action=\"");
		html_text(h, plan_href(r, x->c, "/invio"));
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		web_field_input(p, F_NUMBER, "Numero della delibera", "text", f->number, f->number_err, "off");
		web_field_input(p, F_DATE, "Data della delibera", "date", f->date, f->date_err, "off");
		note_field(p, f);
		html_raw(h, "<p class=\"mt-4\"><button type=\"submit\" class=\"btn btn-primary\">Continua</button></p>"
		            "</form>");
		web_page_script(p, "counter.js");
	}
	html_raw(h, "<p>");
	page_link(h, plan_href(r, x->c, "/storia"), "Storia degli invii");
	html_raw(h, " · ");
	page_link(h, plan_href(r, x->c, ""), "Torna all’indice del piano");
	html_raw(h, "</p>");
	web_page_end(p, status);
}

static void get_submit(http_req *r)
{
	submit_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !submit_load(r, &x))
		return;
	submit_form f = {0};
	check_page(r, &x, &f, 200);
}

/* The message of the first error on field, or NULL. */
static const char *error_of(const field_errors *e, const char *field)
{
	for (size_t i = 0; i < field_errors_count(e); i++)
		if (strcmp(field_errors_field(e, i), field) == 0)
			return field_errors_message(e, i);
	return NULL;
}

/* The API's validators on the typed values (the act through
 * plan_approval_act_parse, as POST …/submit judges it), with a hint when a
 * field is left empty. act gets the act when it is valid. */
static void submit_validate(http_req *r, submit_form *f, plan_approval_act *act)
{
	field_errors *e = http_errors_new(r);
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_kstr(w, "note", f->note);
	jw_key(w, "approval_act");
	jw_obj_begin(w);
	jw_kstr(w, "number", f->number);
	jw_kstr(w, "date", f->date);
	jw_obj_end(w);
	jw_obj_end(w);
	json_value *body = web_json_finish(r, w);
	if (body == NULL) {
		f->number_err = "il testo inviato non è valido.";
		f->nerrors++;
		return;
	}
	char today[HTML_ISO_DATE_LEN + 1];
	html_date_in_italy((long long)time(NULL), today);
	plan_approval_act_parse(e, "approval_act", json_get(body, "approval_act"), today, act);
	if (f->number == NULL || f->number[strspn(f->number, " \t")] == '\0')
		f->number_err = "indica il numero della delibera.";
	else if ((f->number_err = error_of(e, "approval_act.number")) != NULL)
		f->number_err = arena_printf(r->a, "%s.", f->number_err);
	if (f->date == NULL || *f->date == '\0')
		f->date_err = "indica la data della delibera.";
	else if ((f->date_err = error_of(e, "approval_act.date")) != NULL && strstr(f->date_err, "AAAA-MM-GG") != NULL)
		f->date_err = "scrivi la data come AAAA-MM-GG, per esempio 2021-03-01.";
	else if (f->date_err != NULL)
		f->date_err = arena_printf(r->a, "la data %s.", f->date_err);
	size_t before = field_errors_count(e);
	v_text(e, NULL, body, "note", SUBMIT_PAGE_NOTE_MAX, false);
	if (field_errors_count(e) > before)
		f->note_err = arena_printf(r->a, "al massimo %s caratteri, senza caratteri di controllo.",
		                           html_int(r->a, SUBMIT_PAGE_NOTE_MAX));
	f->nerrors = (f->number_err != NULL) + (f->date_err != NULL) + (f->note_err != NULL);
}

/* The note stored with the submission, NULL when blank. */
static const char *submission_note(const submit_form *f)
{
	const char *note = f->note;
	return note == NULL || note[strspn(note, " \t\r\n")] == '\0' ? NULL : note;
}

static void hidden(html *h, const char *name, const char *value)
{
	html_raw(h, "<input type=\"hidden\" name=\"");
	html_text(h, name);
	html_raw(h, "\" value=\"");
	html_text(h, value ? value : "");
	html_raw(h, "\">");
}

static void confirm_page(http_req *r, const submit_ctx *x, const submit_form *f)
{
	web_page *p = submit_begin(r, x->c, "Conferma l’invio del piano");
	html *h = web_html(p);
	html_raw(h, "<div class=\"alert alert-warning\" role=\"status\"><p><strong>Il piano non è ancora stato "
	            "inviato.</strong> Dopo l’invio il testo resta fisso in una revisione che la Regione esamina; "
	            "potrai modificarlo solo se la Regione chiede modifiche.</p></div>"
	            "<dl class=\"ambito-facts\"><dt>Ambito</dt><dd>");
	html_text(h, r->tenant->name);
	html_raw(h, "</dd><dt>Piano</dt><dd>");
	html_text(h, x->c->title);
	html_raw(h, "</dd><dt>Revisione che sarà creata</dt><dd>");
	html_text(h, html_int(r->a, x->p->revision + 1));
	html_raw(h, "</dd><dt>Delibera del Comitato dei Sindaci</dt><dd>");
	html_text(h, arena_printf(r->a, "n. %s del %s", f->number, html_date(r->a, f->date)));
	html_raw(h, "</dd><dt>Nota</dt><dd>");
	if (f->note && f->note[strspn(f->note, " \t\r\n")] != '\0')
		html_paragraphs(h, f->note);
	else
		html_text(h, "nessuna");
	html_raw(h, "</dd></dl><form method=\"post\" action=\"");
	html_text(h, plan_href(r, x->c, "/invio"));
	html_raw(h, "\">");
	web_csrf_field(p);
	hidden(h, F_NUMBER, f->number);
	hidden(h, F_DATE, f->date);
	hidden(h, F_NOTE, f->note);
	html_raw(h, "<p class=\"mt-4 ambito-buttons\"><button type=\"submit\" name=\"conferma\" value=\"1\" "
	            "class=\"btn btn-primary\">Conferma e invia alla Regione</button> <button type=\"submit\" "
	            "name=\"modifica\" value=\"1\" class=\"btn btn-outline-primary\">Torna a modificare</button></p>"
	            "</form>");
	web_page_end(p, 200);
}

/* Text from a form field with the line ends the API stores (LF). */
static const char *form_text(arena *a, const char *s)
{
	if (s == NULL)
		return "";
	char *out = arena_strdup(a, s), *o = out;
	for (const char *q = s; *q; q++)
		if (!(q[0] == '\r' && q[1] == '\n'))
			*o++ = *q;
	*o = '\0';
	return out;
}

static void post_submit(http_req *r)
{
	submit_ctx x;
	if (scope_require(r, SCOPE_ROLE(ROLE_ATS_COORDINATOR)) != 0 || !submit_load(r, &x))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s", r->tenant->slug, x.c->slug);
	const char *refused = not_submittable(r->a, x.p, x.c);
	if (refused) {
		web_error_page(r, 409, refused);
		return;
	}
	web_form form;
	if (web_form_parse(r, &form) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	submit_form f = {0};
	f.number = form_text(r->a, web_form_get(&form, F_NUMBER));
	f.date = form_text(r->a, web_form_get(&form, F_DATE));
	f.note = form_text(r->a, web_form_get(&form, F_NOTE));
	if (x.nmissing > 0) {
		check_page(r, &x, &f, 422);
		return;
	}
	plan_approval_act act;
	submit_validate(r, &f, &act);
	if (f.nerrors > 0) {
		check_page(r, &x, &f, 422);
		return;
	}
	if (web_form_get(&form, "modifica") != NULL) {
		r->audit_detail = "submission form shown again, nothing submitted";
		check_page(r, &x, &f, 200);
		return;
	}
	const char *confirmed = web_form_get(&form, "conferma");
	if (confirmed == NULL || strcmp(confirmed, "1") != 0) {
		r->audit_detail = "submission confirmation shown, nothing submitted";
		confirm_page(r, &x, &f);
		return;
	}
	plan_submission s;
	int rc = plan_submit(r->db, r->a, r->tenant->id, x.c, r->user->user_id, submission_note(&f), &act, &s);
	if (rc == PLAN_EINCOMPLETE) {
		x.missing = s.missing;
		x.nmissing = s.nmissing;
		check_page(r, &x, &f, 422);
		return;
	}
	if (rc == PLAN_ESTATUS || rc == PLAN_ECYCLE) {
		web_error_page(r, 409, "Il piano si può inviare solo in bozza o quando la Regione chiede modifiche.");
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	r->audit_detail = arena_printf(r->a, "submitted revision %lld sha256 %s%s from the web", s.revision, s.sha256,
	                               s.late ? " (late)" : "");
	web_redirect(r, plan_href(r, x.c, arena_printf(r->a, "/invii/%lld?inviato=1", s.revision)));
}

/* ---------------------------------------------------------------- receipt */

static void get_receipt(http_req *r)
{
	long long revision = 0;
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *pl = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (pl == NULL)
		return;
	plan_submission s;
	int rc = id_parse(http_param(r, "revision"), REVISION_MAX_DIGITS, &revision)
	             ? plan_store_submission(r->db, r->a, pl->tenant_id, pl->cycle_id, revision, &s, NULL, NULL)
	             : PLAN_ENOREVISION;
	if (rc == PLAN_ENOREVISION) {
		web_error_page(r, 404, "Il piano non ha un invio con questo numero.");
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "l'invio");
		return;
	}
	web_page *p = submit_begin(r, c, arena_printf(r->a, "Ricevuta dell’invio: revisione %lld", s.revision));
	html *h = web_html(p);
	const char *q = http_query(r, "inviato");
	if (q != NULL && strcmp(q, "1") == 0)
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\"><strong>Il piano è stato inviato alla "
		            "Regione.</strong> Conserva questa ricevuta: l’impronta SHA-256 permette a chiunque di "
		            "verificare che il testo inviato non sia cambiato.</div>");
	html_raw(h, "<dl class=\"ambito-facts ambito-receipt\"><dt>Ambito</dt><dd>");
	html_text(h, r->tenant->name);
	html_raw(h, "</dd><dt>Piano</dt><dd>");
	html_text(h, c->title);
	html_raw(h, "</dd><dt>Revisione</dt><dd>");
	html_text(h, html_int(r->a, s.revision));
	html_raw(h, "</dd><dt>Inviato il</dt><dd>");
	html_text(h, when(r->a, s.submitted_at));
	html_raw(h, " (ora italiana)");
	if (s.late)
		html_raw(h, " — <strong>dopo la scadenza</strong>");
	html_raw(h, "</dd><dt>Inviato da</dt><dd>");
	html_text(h, s.submitted_by_name && *s.submitted_by_name ? s.submitted_by_name : "—");
	html_raw(h, "</dd><dt>Impronta SHA-256</dt><dd><code class=\"ambito-hash\">");
	html_text(h, s.sha256);
	html_raw(h, "</code></dd><dt>Approvazione del Comitato dei Sindaci</dt><dd>");
	html_text(h, act_text(r->a, &s.act) ? act_text(r->a, &s.act) : "non indicata");
	html_raw(h, "</dd><dt>Nota</dt><dd>");
	if (s.note)
		html_paragraphs(h, s.note);
	else
		html_text(h, "nessuna");
	html_raw(h, "</dd></dl><p>");
	page_link(h, plan_href(r, c, "/storia"), "Storia degli invii");
	html_raw(h, " · ");
	page_link(h, plan_href(r, c, ""), "Torna all’indice del piano");
	html_raw(h, "</p>");
	web_page_end(p, 200);
}

/* ---------------------------------------------------------------- history */

static void outcome(html *h, arena *a, const plan_submission *s)
{
	if (s->decision == NULL) {
		html_raw(h, "<span class=\"ambito-status ambito-status-submitted\">in attesa di revisione</span>");
		return;
	}
	bool ok = strcmp(s->decision, "approve") == 0;
	html_raw(h, ok ? "<span class=\"ambito-status ambito-status-approved\">approvato</span>"
	               : "<span class=\"ambito-status ambito-status-changes_requested\">modifiche richieste</span>");
	if (s->reviewed_at) {
		html_raw(h, "<br>");
		html_text(h, when(a, s->reviewed_at));
	}
	if (s->reviewed_by_name && *s->reviewed_by_name) {
		html_raw(h, "<br>");
		html_text(h, s->reviewed_by_name);
	}
}

static void revision_select(html *h, arena *a, const char *name, const char *label, const plan_submission *list,
                            size_t n, long long selected)
{
	html_raw(h, "<div class=\"ambito-field ambito-select\"><label for=\"campo-");
	html_text(h, name);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label><select class=\"form-select\" id=\"campo-");
	html_text(h, name);
	html_raw(h, "\" name=\"");
	html_text(h, name);
	html_raw(h, "\">");
	for (size_t i = n; i-- > 0;) {
		html_rawf(h, "<option value=\"%lld\"%s>", list[i].revision,
		          list[i].revision == selected ? " selected" : "");
		html_text(h,
		          arena_printf(a, "Revisione %lld — %s", list[i].revision,
		                       html_datetime(a, list[i].submitted_at) ? html_datetime(a, list[i].submitted_at)
		                                                              : list[i].submitted_at));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select></div>");
}

static json_value *snapshot_of(http_req *r, const plan *pl, long long revision, int *rc)
{
	plan_submission s;
	const char *snap;
	size_t len;
	json_value *doc = NULL;
	char err[128];
	*rc = plan_store_submission(r->db, r->a, pl->tenant_id, pl->cycle_id, revision, &s, &snap, &len);
	if (*rc == DB_OK && json_parse(r->a, snap, len, &doc, err, sizeof(err)) != JSON_OK) {
		*rc = DB_EERR;
		doc = NULL;
	}
	return doc;
}

static const char *change_label(const char *change)
{
	if (change && strcmp(change, "added") == 0)
		return "aggiunta";
	if (change && strcmp(change, "removed") == 0)
		return "rimossa";
	return "modificata";
}

/* One part's line diff: removed lines in <del>, added ones in <ins>, each
 * with a marker and a hidden word so the change never rests on colour. */
static void diff_lines(html *h, const json_value *lines)
{
	html_raw(h, "<div class=\"ambito-diff\">");
	long long next_from = 0;
	for (size_t i = 0; json_is(lines, JSON_ARRAY) && i < lines->u.array.n; i++) {
		const json_value *l = lines->u.array.items[i];
		const char *op = json_get_str(l, "op"), *text = json_get_str(l, "text");
		const json_value *fl = json_get(l, "from_line");
		long long from = json_is(fl, JSON_NUMBER) ? fl->u.number.integer : 0;
		if (op == NULL)
			continue;
		if (from > 0 && next_from > 0 && from != next_from)
			html_raw(h, "<p class=\"ambito-diff-gap\"><span aria-hidden=\"true\">…</span><span "
			            "class=\"visually-hidden\">righe invariate omesse</span></p>");
		if (from > 0)
			next_from = from + 1;
		if (strcmp(op, "-") == 0) {
			html_raw(
			    h, "<p class=\"ambito-diff-line\"><del><span class=\"ambito-diff-mark\" "
			       "aria-hidden=\"true\">− </span><span class=\"visually-hidden\">Testo rimosso: </span>");
			html_text(h, text);
			html_raw(h, "</del></p>");
		} else if (strcmp(op, "+") == 0) {
			html_raw(
			    h, "<p class=\"ambito-diff-line\"><ins><span class=\"ambito-diff-mark\" "
			       "aria-hidden=\"true\">+ </span><span class=\"visually-hidden\">Testo aggiunto: </span>");
			html_text(h, text);
			html_raw(h, "</ins></p>");
		} else {
			html_raw(h, "<p class=\"ambito-diff-line ambito-diff-same\"><span class=\"ambito-diff-mark\" "
			            "aria-hidden=\"true\">  </span>");
			html_text(h, text && *text ? text : " ");
			html_raw(h, "</p>");
		}
	}
	html_raw(h, "</div>");
}

static void diff_html(html *h, arena *a, const json_value *d, const cycle_template *t)
{
	const json_value *secs = json_get(d, "sections");
	const json_value *fin = json_get(d, "finance_changed");
	size_t n = json_is(secs, JSON_ARRAY) ? secs->u.array.n : 0;
	if (n == 0)
		html_raw(h, "<p>Il testo delle sezioni non è cambiato tra le due revisioni.</p>");
	if (json_is(fin, JSON_BOOL) && fin->u.boolean)
		html_raw(h, "<p><strong>Le voci di entrata sono cambiate.</strong></p>");
	for (size_t i = 0; i < n; i++) {
		const json_value *s = secs->u.array.items[i];
		const char *key = json_get_str(s, "key"), *title = json_get_str(s, "title");
		const cycle_section *tpl = find_section(t, key);
		html_raw(h, "<section class=\"ambito-diff-section\"><h3>");
		html_text(h, arena_printf(a, "%s %s", key, title ? title : (tpl ? tpl->title : "")));
		html_raw(h, " <span class=\"ambito-diff-change\">(sezione ");
		html_text(h, change_label(json_get_str(s, "change")));
		html_raw(h, ")</span></h3>");
		const json_value *ind = json_get(s, "indicators_changed"), *sp = json_get(s, "spending_changed");
		if (json_is(ind, JSON_BOOL) && ind->u.boolean)
			html_raw(h, "<p>La tabella degli indicatori è cambiata.</p>");
		if (json_is(sp, JSON_BOOL) && sp->u.boolean)
			html_raw(h, "<p>La tabella delle spese è cambiata.</p>");
		const json_value *parts = json_get(s, "parts");
		for (size_t k = 0; json_is(parts, JSON_ARRAY) && k < parts->u.array.n; k++) {
			const json_value *pt = parts->u.array.items[k];
			const json_value *ra = json_get(pt, "lines_removed"), *ad = json_get(pt, "lines_added");
			html_raw(h, "<h4>");
			html_text(h, part_title(tpl, json_get_str(pt, "key")));
			html_raw(h, "</h4><p class=\"ambito-diff-count\">");
			html_text(h, arena_printf(a, "Righe rimosse: %lld · righe aggiunte: %lld",
			                          json_is(ra, JSON_NUMBER) ? ra->u.number.integer : 0,
			                          json_is(ad, JSON_NUMBER) ? ad->u.number.integer : 0));
			const json_value *tr = json_get(pt, "truncated");
			if (json_is(tr, JSON_BOOL) && tr->u.boolean)
				html_raw(h,
				         " (confronto troppo lungo: il testo è mostrato tutto rimosso e poi aggiunto)");
			html_raw(h, "</p>");
			diff_lines(h, json_get(pt, "lines"));
		}
		html_raw(h, "</section>");
	}
}

/* A revision from the query, or fallback when absent; false when given but
 * not a number. */
static bool query_revision(http_req *r, const char *name, long long fallback, long long *out)
{
	const char *q = http_query(r, name);
	*out = fallback;
	return q == NULL || *q == '\0' || id_parse(q, REVISION_MAX_DIGITS, out);
}

static void get_history(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	plan *pl = c != NULL ? plans_path_plan(r, c, false) : NULL;
	if (pl == NULL)
		return;
	plan_submission *list;
	size_t n;
	bool more;
	cycle_template t;
	int rc = plan_store_submissions(r->db, r->a, pl->tenant_id, pl->cycle_id, 0, HISTORY_MAX, &list, &n, &more);
	if (rc == DB_OK)
		rc = cycle_store_load_template(r->db, r->a, c->id, &t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli invii");
		return;
	}
	long long latest = n > 0 ? list[n - 1].revision : 0;
	long long from, to;
	if (!query_revision(r, "da", n > 1 ? list[n - 2].revision : 0, &from) || !query_revision(r, "a", latest, &to)) {
		web_error_page(r, 400, "Le revisioni da confrontare si indicano con il loro numero.");
		return;
	}
	json_value *dfrom = NULL, *dto = NULL, *diff = NULL;
	if (n > 1) {
		dfrom = snapshot_of(r, pl, from, &rc);
		if (rc == DB_OK)
			dto = snapshot_of(r, pl, to, &rc);
		if (rc == PLAN_ENOREVISION) {
			web_error_page(r, 404, "Il piano non ha un invio con questo numero.");
			return;
		}
		if (rc != DB_OK) {
			http_db_error(r, rc, "l'invio");
			return;
		}
		jw *w = jw_new(NULL, NULL);
		size_t len;
		char err[128];
		const char *text = NULL;
		if (plan_diff_render(w, r->a, from, dfrom, to, dto) && !jw_failed(w))
			text = arena_strdup(r->a, jw_buffer(w, &len));
		jw_free(w);
		if (text == NULL || json_parse(r->a, text, strlen(text), &diff, err, sizeof(err)) != JSON_OK) {
			web_error_page(r, 500, "Un invio salvato non si può leggere.");
			return;
		}
	}

	web_page *p = submit_begin(r, c, "Storia degli invii");
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">");
	html_text(h, r->tenant->name);
	html_raw(h, " — ");
	html_text(h, c->title);
	html_raw(h, "</p><dl class=\"ambito-facts\"><dt>Stato del piano</dt><dd>");
	status_badge(h, pl->status);
	html_raw(h, "</dd></dl><h2>Invii e revisioni della Regione</h2>");
	if (n == 0)
		html_raw(h, "<p>Il piano non è ancora stato inviato alla Regione.</p>");
	else {
		html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Invii del "
		            "piano\"><table class=\"table ambito-table ambito-history\"><caption "
		            "class=\"visually-hidden\">Invii del piano, dal più recente</caption><thead><tr><th "
		            "scope=\"col\">Revisione</th><th scope=\"col\">Inviato</th><th scope=\"col\">Esito della "
		            "revisione</th><th scope=\"col\">Note</th></tr></thead><tbody>");
		for (size_t i = n; i-- > 0;) {
			const plan_submission *s = &list[i];
			html_raw(h, "<tr><th scope=\"row\">");
			page_link(h, plan_href(r, c, arena_printf(r->a, "/invii/%lld", s->revision)),
			          arena_printf(r->a, "Revisione %lld", s->revision));
			html_raw(h, "</th><td>");
			html_text(h, when(r->a, s->submitted_at));
			if (s->submitted_by_name && *s->submitted_by_name) {
				html_raw(h, "<br>");
				html_text(h, s->submitted_by_name);
			}
			if (s->late)
				html_raw(h, "<br><strong>dopo la scadenza</strong>");
			if (act_text(r->a, &s->act)) {
				html_raw(h, "<br>Approvato dal Comitato dei Sindaci con ");
				html_text(h, act_text(r->a, &s->act));
			}
			html_raw(h, "</td><td>");
			outcome(h, r->a, s);
			html_raw(h, "</td><td>");
			if (s->review_note) {
				html_raw(h, "<p><strong>Nota della Regione:</strong></p>");
				html_paragraphs(h, s->review_note);
			}
			if (s->note) {
				html_raw(h, "<p><strong>Nota dell’invio:</strong></p>");
				html_paragraphs(h, s->note);
			}
			if (!s->review_note && !s->note)
				html_text(h, "—");
			html_raw(h, "</td></tr>");
		}
		html_raw(h, "</tbody></table></div>");
		if (more)
			html_rawf(h, "<p>Sono mostrati i primi %d invii.</p>", HISTORY_MAX);
	}
	html_raw(h, "<h2 id=\"confronto\">Differenze tra due revisioni</h2>");
	if (n < 2)
		html_raw(h, "<p>Per confrontare due revisioni servono almeno due invii.</p>");
	else {
		html_raw(h, "<form method=\"get\" action=\"");
		html_text(h, plan_href(r, c, "/storia"));
		html_raw(h, "#confronto\" class=\"ambito-diff-form\">");
		revision_select(h, r->a, "da", "Revisione precedente", list, n, from);
		revision_select(h, r->a, "a", "Revisione successiva", list, n, to);
		html_raw(h, "<p class=\"mt-3\"><button type=\"submit\" class=\"btn btn-primary\">Confronta</button></p>"
		            "</form><p>");
		html_text(h, arena_printf(r->a, "Cosa è cambiato dalla revisione %lld alla revisione %lld:", from, to));
		html_raw(h,
		         " il testo rimosso è barrato e segnato con «−», quello aggiunto è sottolineato e segnato con "
		         "«+».</p>");
		diff_html(h, r->a, diff, &t);
	}
	html_raw(h, "<p>");
	page_link(h, plan_href(r, c, "/invio"), "Controllo e invio del piano");
	html_raw(h, " · ");
	page_link(h, plan_href(r, c, ""), "Torna all’indice del piano");
	html_raw(h, "</p>");
	web_page_end(p, 200);
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/invio", get_submit, ROUTE_PAGE | ROUTE_TENANT,
     "Il controllo del piano prima dell’invio"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/invio", post_submit, ROUTE_PAGE | ROUTE_TENANT,
     "Invia il piano alla Regione, dopo una conferma"},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/invii/{revision}", get_receipt, ROUTE_PAGE | ROUTE_TENANT,
     "La ricevuta di un invio"},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/storia", get_history, ROUTE_PAGE | ROUTE_TENANT,
     "Gli invii del piano, le revisioni della Regione e le differenze tra due revisioni"},
};

void plan_submit_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
