/* The comments page of a plan's section: its threads (author, role, date,
 * part), a new comment on the section or one of its parts, replies, and
 * resolving or opening a thread again. The same readers as the API
 * (SCOPE_READERS on the tenant: region staff, its members, the universities
 * assigned to it), the same checks (plan_comment_target, the text's limits,
 * the plan's cap) and the same audit rows. */
#include <string.h>

#include "base/id.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"
#include "tenants/plans/plan_comment_pages.h"
#include "tenants/plans/plan_comments.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

/* Comments one page shows; the store is read by pages of this size. */
#define COMMENT_PAGE_BATCH 200
#define COMMENT_PAGE_MAX 2000
#define COMMENT_ROWS 4

/* The plan, the section of the path and its template; false after
 * answering. */
typedef struct comments_ctx {
	cycle *c;
	plan *p;
	cycle_template t;
	const cycle_section *s;
} comments_ctx;

static bool load(http_req *r, comments_ctx *x)
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
	x->s = cycle_template_section(&x->t, http_param(r, "key"));
	if (x->s == NULL) {
		web_error_page(r, 404, NULL);
		return false;
	}
	return true;
}

static const char *page_href(http_req *r, const comments_ctx *x)
{
	return arena_printf(r->a, "/ats/%s/piani/%s/sezioni/%s/commenti", r->tenant->slug, x->c->slug, x->s->key);
}

static const char *part_title(const cycle_section *s, const char *key)
{
	if (key == NULL)
		return "tutta la sezione";
	for (size_t i = 0; i < s->nparts; i++)
		if (strcmp(s->parts[i].key, key) == 0)
			return s->parts[i].title;
	return key;
}

/* What the page shows again after a refusal: the text typed and its error,
 * for the new comment (thread 0) or the reply to a thread. */
typedef struct comments_view {
	long long thread;
	const char *typed, *part, *error, *part_error;
	const char *notice;
} comments_view;

static void text_area(web_page *p, const char *id, const char *label, const char *typed, const char *error)
{
	html *h = web_html(p);
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"");
	html_text(h, id);
	html_raw(h, "\">");
	html_text(h, label);
	html_raw(h, "</label>");
	if (error) {
		html_raw(h, "<p class=\"ambito-part-error\" id=\"errore-");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, error);
		html_raw(h, "</p>");
	}
	html_rawf(h, "<textarea class=\"form-control\" rows=\"%d\" id=\"", COMMENT_ROWS);
	html_text(h, id);
	html_raw(h, "\" name=\"testo\"");
	if (error) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		html_text(h, id);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	html_text(h, typed);
	html_raw(h, "</textarea></div>");
}

static void one_comment(html *h, arena *a, const plan_comment *c, bool reply)
{
	html_raw(h, reply ? "<li class=\"ambito-reply\"><p class=\"ambito-comment-meta\"><strong>"
	                  : "<p class=\"ambito-comment-meta\"><strong>");
	html_text(h, c->author_name && *c->author_name ? c->author_name : "—");
	html_raw(h, "</strong>");
	if (c->author_role) {
		html_text(h, " (");
		html_text(h, web_role_label(role_parse(c->author_role)));
		html_text(h, ")");
	}
	html_text(h, reply ? ", risposta del " : ", ");
	html_text(h, html_datetime(a, c->created_at));
	html_raw(h, "</p><div class=\"ambito-comment-body\">");
	html_paragraphs(h, c->body);
	html_raw(h, reply ? "</div></li>" : "</div>");
}

static void comments_page(http_req *r, const comments_ctx *x, const comments_view *v, int status)
{
	plan_comment *all = NULL;
	size_t n = 0;
	bool more = true;
	long long after = 0;
	/* Every comment of the section, a batch at a time, up to the page's cap. */
	while (more && n < COMMENT_PAGE_MAX) {
		plan_comment *batch;
		size_t nb;
		int rc = plan_comment_store_list(r->db, r->a, x->p, after, COMMENT_PAGE_BATCH, x->s->key, NULL, &batch,
		                                 &nb, &more);
		if (rc != DB_OK) {
			http_db_error(r, rc, "i commenti");
			return;
		}
		plan_comment *grown = arena_calloc(r->a, n + nb + 1, sizeof(*grown));
		if (n > 0)
			memcpy(grown, all, n * sizeof(*grown));
		memcpy(grown + n, batch, nb * sizeof(*grown));
		all = grown;
		n += nb;
		after = nb > 0 ? batch[nb - 1].id : after;
		if (nb == 0)
			break;
	}
	web_crumb crumbs[] = {
	    {r->tenant->name, arena_printf(r->a, "/ats/%s", r->tenant->slug)},
	    {arena_printf(r->a, "Piano %s", x->c->slug),
	     arena_printf(r->a, "/ats/%s/piani/%s", r->tenant->slug, x->c->slug)},
	    {arena_printf(r->a, "Sezione %s", x->s->key),
	     arena_printf(r->a, "/ats/%s/piani/%s/sezioni/%s", r->tenant->slug, x->c->slug, x->s->key)},
	    {"Commenti", NULL}};
	web_page *p = web_page_begin(r, arena_printf(r->a, "Commenti su %s %s", x->s->key, x->s->title), crumbs, 4);
	html *h = web_html(p);
	const char *href = page_href(r, x);
	if (v->notice) {
		html_raw(h, "<div class=\"alert alert-success\" role=\"status\">");
		html_text(h, v->notice);
		html_raw(h, "</div>");
	}
	if (v->error || v->part_error) {
		const char *ids[2], *msgs[2];
		size_t ne = 0;
		if (v->part_error) {
			ids[ne] = "campo-parte";
			msgs[ne++] = v->part_error;
		}
		if (v->error) {
			ids[ne] = v->thread ? arena_printf(r->a, "risposta-%lld", v->thread) : "campo-testo";
			msgs[ne++] = v->error;
		}
		web_error_summary(p, ids, msgs, ne);
	}
	size_t threads = 0, open = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].reply_to == 0) {
			threads++;
			open += !all[i].resolved;
		}
	if (threads == 0)
		html_raw(h, "<p>Nessun commento su questa sezione.</p>");
	if (threads > 0) {
		html_raw(h, "<p>");
		html_text(h,
		          arena_printf(r->a, "%zu %s, %zu %s.", threads, threads == 1 ? "discussione" : "discussioni",
		                       open, open == 1 ? "aperta" : "aperte"));
		html_raw(h, "</p>");
	}
	for (size_t i = 0; i < n; i++) {
		const plan_comment *c = &all[i];
		if (c->reply_to != 0)
			continue;
		html_rawf(h,
		          "<section class=\"ambito-card ambito-thread\" id=\"discussione-%lld\" "
		          "aria-labelledby=\"titolo-%lld\">"
		          "<h2 class=\"h5\" id=\"titolo-%lld\">",
		          c->id, c->id, c->id);
		html_text(h, c->part ? arena_printf(r->a, "Parte: %s", part_title(x->s, c->part)) : "Tutta la sezione");
		html_raw(h, " <span class=\"ambito-status ambito-status-");
		html_text(h, c->resolved ? "complete" : "partial");
		html_raw(h, "\">");
		html_text(h, c->resolved ? "risolta" : "aperta");
		html_raw(h, "</span></h2>");
		one_comment(h, r->a, c, false);
		bool any = false;
		for (size_t j = i + 1; j < n; j++)
			if (all[j].reply_to == c->id) {
				if (!any)
					html_raw(h, "<ul class=\"ambito-replies\">");
				any = true;
				one_comment(h, r->a, &all[j], true);
			}
		if (any)
			html_raw(h, "</ul>");
		if (c->resolved) {
			html_raw(h, "<p class=\"ambito-comment-meta\">Risolta da ");
			html_text(h, c->resolved_by_name && *c->resolved_by_name ? c->resolved_by_name : "—");
			html_text(h, arena_printf(r->a, " il %s.", html_datetime(r->a, c->resolved_at)));
			html_raw(h, "</p>");
		}
		/* Reply. */
		html_raw(h, "<form method=\"post\" action=\"");
		html_text(h, href);
		html_raw(h, "\" novalidate>");
		web_csrf_field(p);
		html_rawf(h, "<input type=\"hidden\" name=\"risposta_a\" value=\"%lld\">", c->id);
		bool mine = v->thread == c->id;
		text_area(p, arena_printf(r->a, "risposta-%lld", c->id), "Rispondi", mine ? v->typed : NULL,
		          mine ? v->error : NULL);
		html_raw(h,
		         "<button type=\"submit\" class=\"btn btn-outline-primary btn-sm\">Invia la risposta</button>"
		         "</form>");
		/* Resolve or open again. */
		html_raw(h, "<form method=\"post\" class=\"mt-2\" action=\"");
		html_text(h, arena_printf(r->a, "%s/%lld/stato", href, c->id));
		html_raw(h, "\">");
		web_csrf_field(p);
		html_rawf(h, "<input type=\"hidden\" name=\"risolto\" value=\"%d\">", c->resolved ? 0 : 1);
		html_raw(h, "<button type=\"submit\" class=\"btn btn-outline-secondary btn-sm\">");
		html_text(h, c->resolved ? "Riapri la discussione" : "Segna come risolta");
		html_raw(h, "</button></form></section>");
	}
	if (more)
		html_rawf(h, "<p>Sono mostrati i primi %d commenti.</p>", COMMENT_PAGE_MAX);
	/* A new thread. */
	html_raw(h, "<h2 id=\"nuovo\">Nuovo commento</h2><form method=\"post\" action=\"");
	html_text(h, href);
	html_raw(h, "\" novalidate>");
	web_csrf_field(p);
	html_raw(h, "<div class=\"form-group ambito-field\"><label for=\"campo-parte\">Su quale parte</label><select "
	            "class=\"form-select\" id=\"campo-parte\" name=\"parte\"");
	if (v->part_error)
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-campo-parte\"");
	html_raw(h, "><option value=\"\">Tutta la sezione</option>");
	for (size_t i = 0; i < x->s->nparts; i++) {
		html_raw(h, "<option value=\"");
		html_text(h, x->s->parts[i].key);
		html_raw(h, "\"");
		if (v->thread == 0 && v->part && strcmp(v->part, x->s->parts[i].key) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_text(h, x->s->parts[i].title);
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
	if (v->part_error) {
		html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-campo-parte\">");
		html_text(h, v->part_error);
		html_raw(h, "</div>");
	}
	html_raw(h, "</div>");
	text_area(p, "campo-testo", "Commento", v->thread == 0 ? v->typed : NULL, v->thread == 0 ? v->error : NULL);
	html_raw(h, "<button type=\"submit\" class=\"btn btn-primary\">Pubblica il commento</button></form><p "
	            "class=\"mt-4\"><a href=\"");
	html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/sezioni/%s", r->tenant->slug, x->c->slug, x->s->key));
	html_raw(h, "\">Torna alla sezione</a>");
	role ro = r->tenant->role;
	if (ro == ROLE_REGION_ADMIN || ro == ROLE_REGION_REVIEWER || ro == ROLE_UNIVERSITY) {
		html_raw(h, " · <a href=\"");
		html_text(h, arena_printf(r->a, "/ats/%s/piani/%s/revisione#sezione-%s", r->tenant->slug, x->c->slug,
		                          x->s->key));
		html_raw(h, "\">Torna alla revisione del piano</a>");
	}
	html_raw(h, "</p>");
	web_page_end(p, status);
}

static const char *comment_api_path(http_req *r, const comments_ctx *x, long long id)
{
	return arena_printf(r->a, "/api/v1/tenants/%s/plans/%s/comments/%lld", r->tenant->slug, x->c->slug, id);
}

static void get_comments(http_req *r)
{
	comments_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !load(r, &x))
		return;
	comments_view v = {0};
	v.part = http_query(r, "parte"); /* the part a link asks to comment on, preselected */
	const char *q = http_query(r, "fatto");
	if (q != NULL)
		v.notice = strcmp(q, "commento") == 0   ? "Commento pubblicato."
		           : strcmp(q, "risposta") == 0 ? "Risposta pubblicata."
		           : strcmp(q, "risolto") == 0  ? "Discussione segnata come risolta."
		           : strcmp(q, "riaperto") == 0 ? "Discussione riaperta."
		                                        : NULL;
	comments_page(r, &x, &v, 200);
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Text from a textarea: line ends as the API stores them (LF). */
static const char *form_text(arena *a, const char *s)
{
	char *out = arena_strdup(a, s), *o = out;
	for (const char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*o++ = *p;
	*o = '\0';
	return out;
}

static void post_comment(http_req *r)
{
	comments_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !load(r, &x))
		return;
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	comments_view v = {0};
	const char *reply = web_form_get(&f, "risposta_a");
	if (reply != NULL && !id_parse(reply, ID_MAX_DIGITS, &v.thread)) {
		web_error_page(r, 400, "Il modulo inviato non è valido.");
		return;
	}
	const char *text = web_form_get(&f, "testo");
	v.typed = text ? form_text(r->a, text) : NULL;
	v.part = web_form_get(&f, "parte");
	if (v.part != NULL && *v.part == '\0')
		v.part = NULL;
	/* The API's own validation, on the body the API would get. */
	const char *names[] = {"section", "part", "body", NULL};
	const char *values[] = {x.s->key, v.part, v.typed};
	web_form fj = {3, names, values};
	json_value *body = web_form_json(r, &fj, names);
	if (body == NULL) {
		web_error_page(r, 400, "Il testo inviato non è valido (UTF-8).");
		return;
	}
	field_errors *e = http_errors_new(r);
	plan_comment c = {.author_id = r->user->user_id, .reply_to = v.thread, .section = x.s->key};
	bool present;
	c.part = v_string_or_null(e, NULL, body, "part", PART_KEY_MAX, &present);
	c.body = v_text(e, NULL, body, "body", COMMENT_BODY_MAX_CHARS, true);
	if (c.body != NULL && blank(c.body))
		field_errors_add(e, "body", "non può essere vuoto");
	if (v.thread != 0) {
		/* A reply names its thread's part, as the API requires. */
		plan_comment *parent;
		int rc = plan_comment_store_find(r->db, r->a, x.p, v.thread, false, &parent);
		if (rc != DB_OK) {
			http_db_error(r, rc, "il commento a cui si risponde");
			return;
		}
		if (parent == NULL || strcmp(parent->section, x.s->key) != 0) {
			web_error_page(r, 404, "La discussione non esiste in questa sezione.");
			return;
		}
		c.part = parent->part;
	}
	int rc = plan_comment_target(r->db, r->a, e, x.p, &x.t, &c);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il commento");
		return;
	}
	if (field_errors_count(e) > 0) {
		for (size_t k = 0; k < field_errors_kept(e); k++) {
			const char *field = field_errors_field(e, k);
			if (strcmp(field, "body") == 0)
				v.error = v.typed == NULL || blank(v.typed)
				              ? "Scrivi il testo del commento."
				              : arena_printf(r->a, "Il testo è troppo lungo: al massimo %s caratteri.",
				                             html_int(r->a, COMMENT_BODY_MAX_CHARS));
			else if (strcmp(field, "part") == 0)
				v.part_error = "Scegli una parte della sezione.";
		}
		if (v.error == NULL && v.part_error == NULL)
			v.error = "Il commento non è valido.";
		comments_page(r, &x, &v, 422);
		return;
	}
	long long count;
	rc = plan_comment_store_count(r->db, r->a, x.p, &count);
	if (rc != DB_OK) {
		http_db_error(r, rc, "i commenti");
		return;
	}
	if (count >= COMMENTS_MAX_PER_PLAN) {
		web_error_page(r, 409,
		               arena_printf(r->a, "Il piano ha già %s commenti, il massimo che può contenere.",
		                            html_int(r->a, COMMENTS_MAX_PER_PLAN)));
		return;
	}
	rc = plan_comment_store_insert(r->db, x.p, &c);
	if (rc != DB_OK) {
		http_db_error(r, rc, "il commento");
		return;
	}
	r->audit_object = comment_api_path(r, &x, c.id);
	r->audit_detail =
	    arena_printf(r->a, "comment on %s%s%s%s (from the web)", c.section, c.part ? "/" : "", c.part ? c.part : "",
	                 c.reply_to ? arena_printf(r->a, ", reply to %lld", c.reply_to) : "");
	web_redirect(r, arena_printf(r->a, "%s?fatto=%s#discussione-%lld", page_href(r, &x),
	                             c.reply_to ? "risposta" : "commento", c.reply_to ? c.reply_to : c.id));
}

static void post_state(http_req *r)
{
	comments_ctx x;
	if (scope_require(r, SCOPE_READERS) != 0 || !load(r, &x))
		return;
	long long id;
	plan_comment *c = NULL;
	if (id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		int rc = plan_comment_store_find(r->db, r->a, x.p, id, true, &c);
		if (rc != DB_OK) {
			http_db_error(r, rc, "il commento");
			return;
		}
	}
	if (c == NULL || strcmp(c->section, x.s->key) != 0) {
		web_error_page(r, 404, "Il commento non esiste in questa sezione.");
		return;
	}
	web_form f;
	if (web_form_parse(r, &f) != 0) {
		web_error_page(r, 400, "Il modulo inviato non è leggibile.");
		return;
	}
	const char *want = web_form_get(&f, "risolto");
	if (want == NULL || (strcmp(want, "0") != 0 && strcmp(want, "1") != 0)) {
		web_error_page(r, 400, "Il modulo inviato non è valido.");
		return;
	}
	bool resolved = want[0] == '1';
	r->audit_object = comment_api_path(r, &x, c->id);
	if (resolved == c->resolved)
		r->audit_detail = resolved ? "already resolved (from the web)" : "already open (from the web)";
	else {
		int rc = plan_comment_store_resolve(r->db, x.p, c->id, resolved, r->user->user_id);
		if (rc != DB_OK) {
			http_db_error(r, rc, "il commento");
			return;
		}
		r->audit_detail = resolved ? "resolved (from the web)" : "opened again (from the web)";
	}
	web_redirect(r, arena_printf(r->a, "%s?fatto=%s#discussione-%lld", page_href(r, &x),
	                             resolved ? "risolto" : "riaperto", c->id));
}

static const route routes[] = {
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/sezioni/{key}/commenti", get_comments, ROUTE_PAGE | ROUTE_TENANT,
     "I commenti su una sezione del piano"},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/sezioni/{key}/commenti", post_comment, ROUTE_PAGE | ROUTE_TENANT,
     "Un commento o una risposta su una sezione del piano", .max_body = COMMENT_REQUEST_BODY_MAX},
    {HTTP_POST, "/ats/{tenant}/piani/{cycle}/sezioni/{key}/commenti/{id}/stato", post_state, ROUTE_PAGE | ROUTE_TENANT,
     "Segna una discussione come risolta, o la riapre"},
};

void plan_comment_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
