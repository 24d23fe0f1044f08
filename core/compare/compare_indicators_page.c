/* The indicators of an azione di sistema across ATS: every indicator of
 * the sections tagged with it, one row each, as the API lists them
 * (compare_store_action_sections, a page of tenants at a time). */
#include <string.h>

#include "base/json.h"
#include "compare/compare_pages.h"

static void value_cell(html *h, const json_value *v)
{
	html_raw(h, "<td>");
	if (json_is(v, JSON_STRING))
		html_textn(h, v->u.string.s, v->u.string.len);
	else if (json_is(v, JSON_NUMBER))
		html_text(h, v->u.number.text);
	html_raw(h, "</td>");
}

static void rows(html *h, arena *a, const compare_tenant *tn, const compare_section *s)
{
	json_value *doc;
	char err[120];
	if (json_parse(a, s->content, s->content_len, &doc, err, sizeof(err)) != JSON_OK)
		return;
	const json_value *list = json_get(doc, "indicators");
	static const char *const fields[] = {"name", "kind", "unit", "baseline", "target", "source"};
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, tn->name);
		html_raw(h, "</th><td>");
		html_text(h, s->key);
		html_raw(h, "</td>");
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			const json_value *v = json_get(list->u.array.items[i], fields[f]);
			if (strcmp(fields[f], "kind") == 0 && json_is(v, JSON_STRING)) {
				html_raw(h, "<td>");
				html_text(h, web_indicator_kind(v->u.string.s));
				html_raw(h, "</td>");
			} else {
				value_cell(h, v);
			}
		}
		html_raw(h, "</tr>");
	}
}

void compare_indicators_page(http_req *r)
{
	cmp_view v;
	if (!cmp_view_start(r, &v, compare_get_indicators))
		return;
	cycle_catalog cat;
	if (cycle_store_load_catalog(r->db, r->a, v.cy->id, &cat) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	size_t na = 0;
	for (size_t o = 0; o < cat.nobjectives; o++)
		na += cat.objectives[o].nactions;
	const char **codes = arena_calloc(r->a, na + 1, sizeof(char *));
	const char **labels = arena_calloc(r->a, na + 1, sizeof(char *));
	size_t k = 0;
	for (size_t o = 0; o < cat.nobjectives; o++)
		for (size_t i = 0; i < cat.objectives[o].nactions; i++, k++) {
			codes[k] = cat.objectives[o].actions[i].code;
			labels[k] = arena_printf(r->a, "%s %s", cat.objectives[o].actions[i].code,
			                         cat.objectives[o].actions[i].title);
		}
	const char *action = http_query(r, "action");
	long long at = -1;
	for (size_t i = 0; action != NULL && i < na; i++)
		if (strcmp(codes[i], action) == 0)
			at = (long long)i;
	if (action != NULL && at < 0) {
		web_error_page(r, 404, "Il ciclo non ha l’azione di sistema richiesta.");
		return;
	}
	if (at < 0 && na > 0)
		at = 0;
	if (!cmp_view_tenants(&v, false))
		return;

	web_page *p = cmp_view_begin(&v, at >= 0 ? arena_printf(r->a, "Indicatori dell’azione %s", codes[at])
	                                         : "Indicatori di un’azione");
	html *h = web_html(p);
	const char *href = arena_printf(r->a, COMPARE_PAGES_PATH "/%s/indicatori", v.cy->slug);
	cmp_view_form_begin(p, &v, href);
	cmp_view_select(p, "action", "Azione di sistema", codes, labels, na, at >= 0 ? codes[at] : NULL);
	cmp_view_form_end(p, &v, href,
	                  arena_printf(r->a, "action=%s&source=%s", at >= 0 ? codes[at] : "",
	                               v.src == COMPARE_DRAFT ? "draft" : "submitted"));
	cmp_view_intro(p, &v);
	if (at < 0 || v.nt == 0) {
		html_raw(h, "<p><strong>Nessun indicatore da confrontare.</strong></p>");
		web_page_end(p, 200);
		return;
	}
	html_raw(h, "<p class=\"lead\">");
	html_text(h, labels[at]);
	html_raw(h, "</p><div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Indicatori\">"
	            "<table class=\"table table-sm ambito-table\" id=\"indicatori\"><caption class=\"visually-hidden\">"
	            "Gli indicatori delle sezioni legate all’azione</caption><thead><tr><th scope=\"col\">ATS</th>"
	            "<th scope=\"col\">Sezione</th><th scope=\"col\">Indicatore</th><th scope=\"col\">Tipo</th>"
	            "<th scope=\"col\">Unità</th><th scope=\"col\">Valore di partenza</th><th "
	            "scope=\"col\">Obiettivo</th><th scope=\"col\">Fonte</th></tr></thead><tbody>");
	for (size_t first = 0; first < v.nt; first += COMPARE_PAGE) {
		long long ids[COMPARE_PAGE] = {0};
		size_t n = 0;
		for (; n < COMPARE_PAGE && first + n < v.nt; n++)
			ids[n] = v.tenants[first + n].id;
		compare_section *s;
		size_t ns;
		arena *pa = arena_new();
		if (compare_store_action_sections(r->db, pa, v.cy->id, v.src, codes[at], ids, &s, &ns) != DB_OK) {
			arena_free(pa);
			web_error_page(r, 503, NULL);
			return;
		}
		for (size_t t = 0; t < n; t++)
			for (size_t i = 0; i < ns; i++)
				if (s[i].tenant_id == ids[t])
					rows(h, pa, &v.tenants[first + t], &s[i]);
		arena_free(pa);
	}
	html_raw(h, "</tbody></table></div>");
	web_page_end(p, 200);
}
