/* The review of a plan by the Region and the universities assigned to it:
 * the latest submission read section by section (text parts as Markdown,
 * with the document's renderer and budget), a link to its diff against the
 * previous one (the history page's), the comments of each section and part
 * (the comments page), the Region's decision (plan_review, as the API) and,
 * for the region_admin, the publication of an approved plan after a
 * confirmation (plan_publish). Writes are audited on the API's objects with
 * "from the web" in their detail. ATS members get the 403 page; a
 * university user on an ATS not assigned the 404 page (scope.c). */
#include <string.h>

#include "base/id.h"
#include "base/money.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_html.h"
#include "tenants/plans/plans.h"
#include "tenants/plans/review_pages.h"
#include "tenants/tenants.h"
#include "web/web.h"

#define REVIEW_READERS (SCOPE_REGION | SCOPE_ROLE(ROLE_UNIVERSITY))
#define REVIEW_NOTE_ROWS 6
#define PART_HEADING 3 /* <h3>: a part's title; its Markdown headings come below */

/* The form's fields are the API's own (decision, note), so its validators'
 * field paths name them; "revisione" is the revision the page showed. */
#define F_DECISION "decision"
#define F_NOTE "note"
#define F_REVISION "revisione"

typedef struct review_ctx {
	cycle *c;
	plan *p;
	cycle_template t;
} review_ctx;

/* What the decision form shows again after a refusal. */
typedef struct review_form {
	const char *decision, *note;
	const char *decision_error, *note_error;
} review_form;

static bool load(http_req *r, review_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->c = cycles_path_cycle(r, false);
	x->p = x->c != NULL ? plans_path_plan(r, x->c, false) : NULL;
	if (x->p == NULL)
		return false;
	int rc = cycle_store_load_template(r->db, r->a, x->c->id, &x->t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il modello del piano");
		return false;
	}
	return true;
}

static const char *plan_href(http_req *r, const cycle *c, const char *tail)
{
	return arena_printf(r->a, "/ats/%s/piani/%s%s", r->tenant->slug, c->slug, tail);
}

static void link(html *h, const char *href, const char *text)
{
	html_raw(h, "<a href=\"");
	html_text(h, href);
	html_raw(h, "\">");
	html_text(h, text);
	html_raw(h, "</a>");
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

static const char *when(arena *a, const char *dt)
{
	const char *s = html_datetime(a, dt);
	return s ? s : dt;
}

static bool region_staff(role ro)
{
	return ro == ROLE_REGION_ADMIN || ro == ROLE_REGION_REVIEWER;
}

/* ---------------------------------------------------------------- decision */

static void decision_radio(html *h, const char *value, const char *label, const review_form *f)
{
	html_raw(h, "<div class=\"form-check\"><input class=\"form-check-input\" type=\"radio\" name=\"" F_DECISION
	            "\" id=\"esito-");
	html_text(h, value);
	html_raw(h, "\" value=\"");
	html_text(h, value);
	html_raw(h, "\"");
	if (f->decision && strcmp(f->decision, value) == 0)
		html_raw(h, " checked");
	if (f->decision_error)
		html_raw(h, " aria-describedby=\"errore-esito\"");
	html_raw(h, "><label class=\"form-check-label\" for=\"esito-");
	html_text(h, value);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label></div>");
}

static void decision_form(web_page *p, const review_ctx *x, const review_form *f)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	html_raw(h, "<form method=\"post\" action=\"");
	html_text(h, plan_href(r, x->c, "/revisione"));
	html_raw(h, "\" novalidate class=\"ambito-decision\">");
	web_csrf_field(p);
	html_rawf(h, "<input type=\"hidden\" name=\"" F_REVISION "\" value=\"%lld\">", x->p->revision);
	html_raw(h, "<fieldset id=\"campo-esito\"><legend>La tua decisione</legend>");
	if (f->decision_error) {
		html_raw(h, "<p class=\"ambito-part-error\" id=\"errore-esito\">");
		html_text(h, f->decision_error);
		html_raw(h, "</p>");
	}
	decision_radio(h, "approve", "Approva il piano", f);
	decision_radio(h, "request_changes", "Chiedi modifiche all’ATS", f);
	html_raw(h, "</fieldset><div class=\"form-group ambito-field\"><label for=\"campo-nota\">Nota per l’ATS</label>"
	            "<p class=\"form-text\" id=\"aiuto-nota\">L’ATS la legge nella sua home e nella storia degli "
	            "invii; non compare nel documento pubblicato.</p>");
	if (f->note_error) {
		html_raw(h, "<p class=\"ambito-part-error\" id=\"errore-nota\">");
		html_text(h, f->note_error);
		html_raw(h, "</p>");
	}
	html_rawf(h, "<textarea class=\"form-control\" rows=\"%d\" id=\"campo-nota\" name=\"" F_NOTE "\"",
	          REVIEW_NOTE_ROWS);
	html_raw(h, f->note_error ? " aria-invalid=\"true\" aria-describedby=\"aiuto-nota errore-nota\""
	                          : " aria-describedby=\"aiuto-nota\"");
	html_raw(h, ">");
	html_text(h, f->note);
	html_raw(h, "</textarea></div><button type=\"submit\" class=\"btn btn-primary\">Registra l’esito</button>"
	            "</form>");
}

/* The outcome of the latest submission, the decision form or what comes
 * next, by status and role. */
static void decision_part(web_page *p, const review_ctx *x, const plan_submission *s, const review_form *f)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	role ro = r->tenant->role;
	html_raw(h, "<section class=\"ambito-card\" aria-labelledby=\"titolo-esito\"><h2 id=\"titolo-esito\">"
	            "Esito della revisione</h2>");
	if (s->decision != NULL) {
		bool ok = strcmp(s->decision, "approve") == 0;
		html_raw(h, "<p>");
		html_text(h, arena_printf(r->a, "Revisione %lld: ", s->revision));
		html_raw(h, ok ? "<span class=\"ambito-status ambito-status-approved\">approvata</span>"
		               : "<span class=\"ambito-status ambito-status-changes_requested\">modifiche "
		                 "richieste</span>");
		if (s->reviewed_at) {
			html_text(h, " il ");
			html_text(h, when(r->a, s->reviewed_at));
		}
		if (s->reviewed_by_name && *s->reviewed_by_name) {
			html_text(h, " da ");
			html_text(h, s->reviewed_by_name);
		}
		html_raw(h, ".</p>");
		if (s->review_note) {
			html_raw(h, "<div class=\"ambito-notes\"><p><strong>Nota per l’ATS</strong></p>");
			html_paragraphs(h, s->review_note);
			html_raw(h, "</div>");
		}
	}
	switch (x->p->status) {
	case PLAN_SUBMITTED:
		if (region_staff(ro))
			decision_form(p, x, f);
		else
			html_raw(h, "<p>Il piano attende l’esito della revisione della Regione.</p>");
		break;
	case PLAN_APPROVED:
		if (ro == ROLE_REGION_ADMIN) {
			html_raw(h, "<p><a class=\"btn btn-primary\" href=\"");
			html_text(h, plan_href(r, x->c, "/pubblica"));
			html_raw(h, "\">Pubblica il piano…</a></p>");
		} else
			html_raw(h, "<p>Il piano è approvato: l’amministrazione regionale lo pubblicherà.</p>");
		break;
	case PLAN_PUBLISHED:
		html_raw(h, "<p>Il piano è pubblicato: ");
		link(h, arena_printf(r->a, "/public/%s/%s", r->tenant->slug, x->c->slug),
		     "leggi il documento pubblico");
		html_raw(h, ".</p>");
		break;
	case PLAN_CHANGES_REQUESTED:
		html_raw(h, "<p>L’ATS sta correggendo il piano: lo esaminerai quando lo invierà di nuovo.</p>");
		break;
	case PLAN_DRAFT: break;
	}
	html_raw(h, "</section>");
}

/* ---------------------------------------------------------------- reading */

static const char *part_text(const plan_section_content *c, const char *key)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (strcmp(c->parts[i].key, key) == 0)
			return c->parts[i].text;
	return NULL;
}

static long long open_comments(const char **keys, const long long *counts, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return counts[i];
	return 0;
}

static void section_block(web_page *p, const review_ctx *x, const cycle_section *t, const plan_section *s,
                          long long comments, long long *markdown_ns)
{
	http_req *r = web_req(p);
	html *h = web_html(p);
	plan_section_content content = {0};
	json_value *doc = NULL;
	char err[64];
	if (s != NULL && s->content != NULL &&
	    json_parse(r->a, s->content, strlen(s->content), &doc, err, sizeof(err)) == JSON_OK)
		plan_section_content_read(r->a, doc, &content);
	const char *comments_href = plan_href(r, x->c, arena_printf(r->a, "/sezioni/%s/commenti", t->key));
	html_raw(h, "<section class=\"ambito-review-section\" id=\"sezione-");
	html_text(h, t->key);
	html_raw(h, "\"><h2>");
	html_text(h, arena_printf(r->a, "%s %s", t->key, t->title));
	html_raw(h, "</h2><p class=\"ambito-review-meta\">");
	const char *st = plan_section_status_name(s ? s->status : SECTION_EMPTY);
	html_raw(h, "<span class=\"ambito-status ambito-status-");
	html_text(h, st);
	html_raw(h, "\">");
	html_text(h, arena_printf(r->a, "sezione %s", web_section_status(st)));
	html_raw(h, "</span>");
	if (s != NULL && s->indicators > 0)
		html_text(h, arena_printf(r->a, " · indicatori: %s", html_int(r->a, s->indicators)));
	int64_t cents;
	char money[MONEY_TEXT_MAX];
	if (s != NULL && s->spending_eur && money_parse(s->spending_eur, &cents) == 0 && cents != 0) {
		money_format_it(money, cents);
		html_text(h, " · spesa prevista: ");
		html_text(h, money);
	}
	html_raw(h, " · <a href=\"");
	html_text(h, comments_href);
	html_raw(h, "\">");
	html_text(h, comments == 0   ? "Commenti sulla sezione"
	             : comments == 1 ? "Commenti sulla sezione (1 aperto)"
	                             : arena_printf(r->a, "Commenti sulla sezione (%lld aperti)", comments));
	html_raw(h, "<span class=\"visually-hidden\"> ");
	html_text(h, t->key);
	html_raw(h, "</span></a></p>");
	for (size_t i = 0; i < t->nparts; i++) {
		const cycle_part *pt = &t->parts[i];
		const char *text = part_text(&content, pt->key);
		html_raw(h, "<div class=\"ambito-review-part\"><h3>");
		html_text(h, pt->title);
		html_raw(h, "</h3>");
		if (text != NULL) {
			html_raw(h, "<div class=\"ambito-review-text\">");
			plan_html_markdown(h, text, PART_HEADING + 1, markdown_ns);
			html_raw(h, "</div>");
		} else
			html_raw(h, pt->required ? "<p><em>Parte obbligatoria non compilata.</em></p>"
			                         : "<p><em>Parte non compilata.</em></p>");
		html_raw(h, "<p class=\"ambito-review-comment\"><a href=\"");
		html_text(h, arena_printf(r->a, "%s?parte=%s#nuovo", comments_href, pt->key));
		html_raw(h, "\">Commenta questa parte<span class=\"visually-hidden\">: ");
		html_text(h, arena_printf(r->a, "%s, %s", t->key, pt->title));
		html_raw(h, "</span></a></p></div>");
	}
	html_raw(h, "</section>");
}

static void review_page(http_req *r, const review_ctx *x, const review_form *f, int status)
{
	plan_submission s = {0};
	plan_section *secs = NULL;
	size_t nsecs = 0, ncom = 0;
	const char **ckeys = NULL;
	long long *ccounts = NULL;
	int rc = DB_OK;
	if (x->p->revision > 0) {
		rc =
		    plan_store_submission(r->db, r->a, x->p->tenant_id, x->p->cycle_id, x->p->revision, &s, NULL, NULL);
		if (rc == DB_OK)
			rc = plan_store_sections(r->db, r->a, x->p->tenant_id, x->p->cycle_id, x->p->revision, true,
			                         &secs, &nsecs);
	}
	if (rc == DB_OK)
		rc = plan_store_open_comments(r->db, r->a, x->p->tenant_id, x->p->cycle_id, &ckeys, &ccounts, &ncom);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	web_crumb crumbs[] = {{r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	                      {arena_printf(r->a, "Revisione del piano %s", x->c->slug), NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Revisione del piano — %s", r->tenant->name), crumbs, 2);
	html *h = web_html(p);
	const char *done = http_query(r, "fatto");
	const char *notice = done == NULL                   ? NULL
	                     : strcmp(done, "approve") == 0 ? "Esito registrato: il piano è approvato."
	                     : strcmp(done, "request_changes") == 0
	                         ? "Esito registrato: all’ATS sono chieste modifiche."
	                     : strcmp(done, "pubblicato") == 0 ? "Il piano è pubblicato."
	                                                       : NULL;
	if (notice) {
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">");
		html_text(h, notice);
		html_raw(h, "</div>");
	}
	const char *ids[2], *msgs[2];
	size_t ne = 0;
	if (f->decision_error) {
		ids[ne] = "esito-approve";
		msgs[ne++] = f->decision_error;
	}
	if (f->note_error) {
		ids[ne] = "campo-nota";
		msgs[ne++] = f->note_error;
	}
	web_error_summary(p, ids, msgs, ne);
	html_raw(h, "<p class=\"lead\">");
	html_text(h, x->c->title);
	html_raw(h, "</p><dl class=\"ambito-facts\"><dt>Stato del piano</dt><dd>");
	status_badge(h, x->p->status);
	html_raw(h, "</dd>");
	if (x->p->revision > 0) {
		html_raw(h, "<dt>Ultimo invio</dt><dd>");
		html_text(h, arena_printf(r->a, "revisione %lld, %s", s.revision, when(r->a, s.submitted_at)));
		if (s.submitted_by_name && *s.submitted_by_name) {
			html_text(h, " da ");
			html_text(h, s.submitted_by_name);
		}
		html_raw(h, s.late ? " — <strong>dopo la scadenza</strong>" : "");
		html_raw(h, "</dd><dt>Nota di trasmissione</dt><dd>");
		if (s.note)
			html_paragraphs(h, s.note);
		else
			html_text(h, "nessuna");
		html_raw(h, "</dd><dt>Impronta SHA-256</dt><dd><code class=\"ambito-hash\">");
		html_text(h, s.sha256);
		html_raw(h, "</code></dd>");
	}
	html_raw(h, "</dl><p>");
	if (x->p->revision > 1) {
		link(h,
		     plan_href(
		         r, x->c,
		         arena_printf(r->a, "/storia?da=%lld&a=%lld#confronto", x->p->revision - 1, x->p->revision)),
		     arena_printf(r->a, "Differenze rispetto all’invio precedente (revisione %lld)",
		                  x->p->revision - 1));
		html_raw(h, " · ");
	}
	link(h, plan_href(r, x->c, "/storia"), "Storia degli invii");
	html_raw(h, " · ");
	link(h, plan_href(r, x->c, ""), "Indice della bozza attuale");
	html_raw(h, "</p>");
	if (x->p->revision == 0) {
		html_raw(h,
		         "<p>Il piano non è ancora stato inviato alla Regione: la sua bozza si legge dall’indice.</p>");
		web_page_end(p, status);
		return;
	}
	decision_part(p, x, &s, f);

	html_raw(h, "<nav class=\"ambito-card\" aria-labelledby=\"titolo-sommario\"><h2 id=\"titolo-sommario\">");
	html_text(h, arena_printf(r->a, "Sommario della revisione %lld", s.revision));
	html_raw(h, "</h2><ol class=\"ambito-toc\">");
	for (size_t i = 0; i < x->t.nsections; i++) {
		const cycle_section *t = &x->t.sections[i];
		html_raw(h, "<li><a href=\"#sezione-");
		html_text(h, t->key);
		html_raw(h, "\">");
		html_text(h, arena_printf(r->a, "%s %s", t->key, t->title));
		html_raw(h, "</a></li>");
	}
	html_raw(h, "</ol></nav>");
	long long markdown_ns = 0;
	for (size_t i = 0; i < x->t.nsections; i++) {
		const cycle_section *t = &x->t.sections[i];
		const plan_section *sec = NULL;
		for (size_t j = 0; j < nsecs && sec == NULL; j++)
			if (strcmp(secs[j].key, t->key) == 0)
				sec = &secs[j];
		section_block(p, x, t, sec, open_comments(ckeys, ccounts, ncom, t->key), &markdown_ns);
	}
	web_page_end(p, status);
}

static void get_review(http_req *r)
{
	review_ctx x;
	if (scope_require(r, REVIEW_READERS) != 0 || !load(r, &x))
		return;
	review_form f = {0};
	review_page(r, &x, &f, 200);
}

/* Text from a textarea: line ends as the API stores them (LF). */
static const char *form_text(arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	char *out = arena_strdup(a, s), *o = out;
	for (const char *q = s; *q; q++)
		if (!(q[0] == '\r' && q[1] == '\n'))
			*o++ = *q;
	*o = '\0';
	return out;
}

static void post_review(http_req *r)
{
	review_ctx x;
	if (scope_require(r, SCOPE_REGION) != 0 || !load(r, &x))
		return;
	web_form form;
	if (web_form_parse(r, &form) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	long long revision = 0;
	const char *rev = web_form_get(&form, F_REVISION);
	if (rev == NULL || !id_parse(rev, REVISION_MAX_DIGITS, &revision)) {
		web_error_page(r, 400, "Il modulo non dice quale invio si sta esaminando.");
		return;
	}
	r->audit_object = arena_printf(r->a, "plan:%s/%s/submissions/%lld", r->tenant->slug, x.c->slug, revision);
	review_form f = {0};
	f.decision = web_form_get(&form, F_DECISION);
	f.note = form_text(r->a, web_form_get(&form, F_NOTE));
	/* The API's body and validators: {"decision","note"}. */
	static const char *const names[] = {F_DECISION, F_NOTE, NULL};
	json_value *body = web_form_json(r, &form, names);
	if (body == NULL) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	field_errors *e = http_errors_new(r);
	const char *d = v_string(e, NULL, body, F_DECISION, 1, 32, false);
	int decision = d != NULL ? plan_decision_parse(d) : -1;
	const char *note = v_text(e, NULL, body, F_NOTE, PLAN_REVIEW_NOTE_MAX, false);
	if (decision < 0)
		f.decision_error = "Scegli l’esito: approvare il piano o chiedere modifiche all’ATS.";
	for (size_t i = 0; i < field_errors_kept(e); i++)
		if (strcmp(field_errors_field(e, i), F_NOTE) == 0)
			f.note_error = arena_printf(r->a, "La nota %s.", field_errors_message(e, i));
	if (f.decision_error || f.note_error) {
		r->audit_detail = "review refused from the web: the form has errors";
		review_page(r, &x, &f, 422);
		return;
	}
	if (note != NULL && note[strspn(note, " \t\r\n")] == '\0')
		note = NULL;
	plan_status status;
	int rc = plan_review(r->db, r->tenant->id, x.c->id, revision, (plan_decision)decision, note, r->user->user_id,
	                     &status);
	if (rc == PLAN_ENOTLATEST || rc == PLAN_ENOREVISION) {
		web_error_page(r, 409,
		               "L’ATS ha inviato una nuova revisione del piano dopo che hai aperto la pagina: rileggi "
		               "l’ultima prima di decidere.");
		return;
	}
	if (rc == PLAN_ESTATUS) {
		web_error_page(r, 409,
		               arena_printf(r->a, "Il piano è in stato «%s»: si può esaminare solo un piano inviato.",
		                            web_plan_status(plan_status_name(status))));
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	r->audit_detail = arena_printf(r->a, "%s revision %lld: the plan is now %s (from the web)",
	                               plan_decision_name((plan_decision)decision), revision, plan_status_name(status));
	web_redirect(
	    r,
	    plan_href(r, x.c, arena_printf(r->a, "/revisione?fatto=%s", plan_decision_name((plan_decision)decision))));
}

/* ---------------------------------------------------------------- publication */

static void confirm_page(http_req *r, const review_ctx *x)
{
	tenant *t = NULL;
	int rc = tenant_store_get(r->db, r->a, r->tenant->id, &t);
	if (rc != DB_OK) {
		http_db_error(r, rc, "l’ambito");
		return;
	}
	const char *code = t != NULL && t->code && *t->code ? t->code : r->tenant->name;
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(r->a, "Revisione del piano %s", x->c->slug), plan_href(r, x->c, "/revisione")},
	    {"Pubblicazione", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Pubblicare il piano di %s?", code), crumbs, 3);
	html *h = web_html(p);
	const char *public_href = arena_printf(r->a, "/public/%s/%s", r->tenant->slug, x->c->slug);
	html_raw(h, "<p>");
	html_text(h,
	          arena_printf(r->a,
	                       "Il piano di %s per il ciclo «%s», approvato alla revisione %lld, diventerà pubblico: "
	                       "chiunque potrà leggerlo e stamparlo all’indirizzo %s.",
	                       r->tenant->name, x->c->title, x->p->revision, public_href));
	html_raw(h, "</p><p><strong>La pubblicazione non si può annullare.</strong></p><form method=\"post\" "
	            "action=\"");
	html_text(h, plan_href(r, x->c, "/pubblica"));
	html_raw(h, "\">");
	web_csrf_field(p);
	html_raw(h, "<input type=\"hidden\" name=\"conferma\" value=\"1\"><button type=\"submit\" class=\"btn "
	            "btn-primary\">Sì, pubblica il piano</button> <a class=\"btn btn-outline-secondary\" href=\"");
	html_text(h, plan_href(r, x->c, "/revisione"));
	html_raw(h, "\">No, torna alla revisione</a></form>");
	web_page_end(p, 200);
}

static bool publishable(http_req *r, const review_ctx *x)
{
	if (x->p->status == PLAN_APPROVED)
		return true;
	web_error_page(r, 409,
	               arena_printf(r->a, "Il piano è in stato «%s»: si può pubblicare solo un piano approvato.",
	                            web_plan_status(plan_status_name(x->p->status))));
	return false;
}

static void get_publish(http_req *r)
{
	review_ctx x;
	if (scope_require(r, SCOPE_ROLE(ROLE_REGION_ADMIN)) != 0 || !load(r, &x) || !publishable(r, &x))
		return;
	confirm_page(r, &x);
}

static void post_publish(http_req *r)
{
	review_ctx x;
	if (scope_require(r, SCOPE_ROLE(ROLE_REGION_ADMIN)) != 0 || !load(r, &x))
		return;
	r->audit_object = arena_printf(r->a, "plan:%s/%s", r->tenant->slug, x.c->slug);
	web_form form;
	if (web_form_parse(r, &form) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	if (!publishable(r, &x))
		return;
	const char *confirmed = web_form_get(&form, "conferma");
	if (confirmed == NULL || strcmp(confirmed, "1") != 0) {
		r->audit_detail = "publication confirmation shown, nothing published";
		confirm_page(r, &x);
		return;
	}
	plan_status status;
	long long revision = 0;
	int rc = plan_publish(r->db, r->tenant->id, x.c->id, &status, &revision);
	if (rc == PLAN_ESTATUS) {
		web_error_page(r, 409,
		               arena_printf(r->a,
		                            "Il piano è in stato «%s»: si può pubblicare solo un piano approvato.",
		                            web_plan_status(plan_status_name(status))));
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "il piano");
		return;
	}
	r->audit_detail = arena_printf(r->a, "published revision %lld (from the web)", revision);
	web_redirect(r, plan_href(r, x.c, "/revisione?fatto=pubblicato"));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/revisione", get_review, ROUTE_PAGE | ROUTE_TENANT,
     "La revisione di un piano: l’ultimo invio sezione per sezione, commenti, esito"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/revisione", post_review, ROUTE_PAGE | ROUTE_TENANT,
     "L’esito della revisione dell’ultimo invio: approvare o chiedere modifiche"},
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/pubblica", get_publish, ROUTE_PAGE | ROUTE_TENANT,
     "La conferma prima di pubblicare un piano approvato"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/pubblica", post_publish, ROUTE_PAGE | ROUTE_TENANT,
     "Pubblica un piano approvato, dopo la conferma"},
};

void review_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
