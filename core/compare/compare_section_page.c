/* One section of every ATS side by side (the university's reading): the
 * section chosen from the template, each ATS's text in a column of its own
 * that scrolls sideways, its parts rendered from Markdown as everywhere. The
 * rows are the API's (compare_store_section, a page of tenants at a time). */
#include <string.h>

#include "base/json.h"
#include "base/markdown.h"
#include "base/money.h"
#include "compare/compare_pages.h"

/* ATS a page shows: one database round trip, and a page of 16 sections of
 * 30 000 characters (some 0.5 MB of HTML) rather than 600 of them; the XLSX
 * and CSV hold every ATS. */
#define SIDE_PER_PAGE COMPARE_PAGE
#define SIDE_PAGE_DIGITS 6

/* ?pagina=N, 1 when absent; 0 when it is not a page number. */
static size_t page_number(const char *v)
{
	if (v == NULL)
		return 1;
	size_t n = 0, len = strlen(v);
	if (len == 0 || len > SIDE_PAGE_DIGITS || v[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		n = n * 10 + (size_t)(v[i] - '0');
	}
	return n;
}

/* One ATS's column. */
static void column(html *h, arena *a, const cycle_section *ts, const compare_tenant *tn, const compare_section *s)
{
	json_value *doc = NULL;
	char err[120];
	if (json_parse(a, s->content, s->content_len, &doc, err, sizeof(err)) != JSON_OK)
		doc = NULL;
	const json_value *parts = json_get(doc, "parts");
	html_raw(h, "<article><h2>");
	html_text(h, tn->name);
	html_raw(h, "</h2><p><span class=\"ambito-status ambito-status-");
	html_text(h, s->status);
	html_raw(h, "\">");
	html_text(h, web_section_status(s->status));
	html_raw(h, "</span>");
	if (tn->revision > 0)
		html_text(h, arena_printf(a, " · revisione %lld", tn->revision));
	html_raw(h, "</p>");
	for (size_t i = 0; i < ts->nparts; i++) {
		const json_value *v = json_get(parts, ts->parts[i].key);
		html_raw(h, "<h3>");
		html_text(h, ts->parts[i].title);
		html_raw(h, "</h3>");
		if (json_is(v, JSON_STRING) && v->u.string.len > 0)
			markdown_html(h, v->u.string.s, 4);
		else
			html_raw(h, "<p><em>Non scritta.</em></p>");
	}
	int64_t cents;
	html_text(h, "");
	html_raw(h, "<p>");
	html_text(h, arena_printf(a, "Indicatori: %lld.", s->indicators));
	if (s->spending != NULL && money_parse(s->spending, &cents) == MONEY_OK)
		html_text(h, arena_printf(a, " Spesa prevista: %s.", cmp_money_it(a, cents)));
	html_raw(h, "</p></article>");
}

void compare_section_page(http_req *r)
{
	cmp_view v;
	if (!cmp_view_start(r, &v, compare_get_section))
		return;
	cycle_template tpl;
	if (cycle_store_load_template(r->db, r->a, v.cy->id, &tpl) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	const char *key = http_query(r, "key");
	const cycle_section *ts = key != NULL ? cycle_template_section(&tpl, key) : NULL;
	if (key != NULL && ts == NULL) {
		web_error_page(r, 404, "Lo schema del ciclo non ha la sezione richiesta.");
		return;
	}
	for (size_t i = 0; ts == NULL && i < tpl.nsections; i++)
		if (tpl.sections[i].nparts > 0)
			ts = &tpl.sections[i];
	size_t pageno = page_number(http_query(r, "pagina"));
	if (pageno == 0) {
		web_error_page(r, 400, "Il numero di pagina deve essere un intero positivo.");
		return;
	}
	if (!cmp_view_tenants(&v, false))
		return;
	size_t pages = (v.nt + SIDE_PER_PAGE - 1) / SIDE_PER_PAGE;
	if (pageno > 1 && pageno > pages) {
		web_error_page(r, 404, "La pagina richiesta non esiste.");
		return;
	}

	web_page *p = cmp_view_begin(&v, ts ? arena_printf(r->a, "Sezione %s a confronto", ts->key) : "Sezioni");
	html *h = web_html(p);
	const char *action = arena_printf(r->a, COMPARE_PAGES_PATH "/%s/sezioni", v.cy->slug);
	cmp_view_form_begin(p, &v, action);
	const char **keys = arena_calloc(r->a, tpl.nsections + 1, sizeof(char *));
	const char **labels = arena_calloc(r->a, tpl.nsections + 1, sizeof(char *));
	for (size_t i = 0; i < tpl.nsections; i++) {
		keys[i] = tpl.sections[i].key;
		labels[i] = arena_printf(r->a, "%s %s", tpl.sections[i].key, tpl.sections[i].title);
	}
	cmp_view_select(p, "key", "Sezione", keys, labels, tpl.nsections, ts ? ts->key : NULL);
	cmp_view_form_end(
	    p, &v, action,
	    arena_printf(r->a, "key=%s&source=%s", ts ? ts->key : "", v.src == COMPARE_DRAFT ? "draft" : "submitted"));
	cmp_view_intro(p, &v);
	if (ts == NULL || v.nt == 0) {
		html_raw(h, "<p><strong>Nessuna sezione da confrontare.</strong></p>");
		web_page_end(p, 200);
		return;
	}
	html_raw(h, "<p class=\"lead\">");
	html_text(h, ts->title);
	html_raw(h, "</p><div class=\"ambito-side\" tabindex=\"0\" role=\"region\" aria-label=\"La sezione di ogni "
	            "ATS, affiancata\">");
	size_t shown = 0, first = (pageno - 1) * SIDE_PER_PAGE;
	{
		long long ids[COMPARE_PAGE] = {0};
		size_t k = 0;
		for (; k < SIDE_PER_PAGE && first + k < v.nt; k++)
			ids[k] = v.tenants[first + k].id;
		compare_section *s;
		size_t ns;
		arena *pa = arena_new();
		if (compare_store_section(r->db, pa, v.cy->id, v.src, ts->key, ids, &s, &ns) != DB_OK) {
			arena_free(pa);
			web_error_page(r, 503, NULL);
			return;
		}
		for (size_t t = 0; t < k; t++)
			for (size_t i = 0; i < ns; i++)
				if (s[i].tenant_id == ids[t]) {
					column(h, pa, ts, &v.tenants[first + t], &s[i]);
					shown++;
				}
		arena_free(pa);
	}
	html_raw(h, "</div>");
	if (shown == 0)
		html_raw(h, "<p>Nessun ATS di questa pagina ha questa sezione.</p>");
	if (pages > 1) {
		const char *base = arena_printf(r->a, "%s?key=%s&source=%s&pagina=", action, ts->key,
		                                v.src == COMPARE_DRAFT ? "draft" : "submitted");
		html_raw(h, "<nav aria-label=\"Pagine degli ATS\"><p>");
		html_text(h,
		          arena_printf(r->a, "Pagina %zu di %zu (ATS da %zu a %zu di %zu). ", pageno, pages, first + 1,
		                       first + SIDE_PER_PAGE < v.nt ? first + SIDE_PER_PAGE : v.nt, v.nt));
		if (pageno > 1) {
			html_raw(h, "<a href=\"");
			html_text(h, arena_printf(r->a, "%s%zu", base, pageno - 1));
			html_raw(h, "\">Pagina precedente</a> ");
		}
		if (pageno < pages) {
			html_raw(h, "<a href=\"");
			html_text(h, arena_printf(r->a, "%s%zu", base, pageno + 1));
			html_raw(h, "\">Pagina successiva</a>");
		}
		html_raw(h, "</p></nav>");
	}
	web_page_end(p, 200);
}
