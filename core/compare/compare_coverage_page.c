/* The coverage matrix page: one row an ATS, one column an azione di sistema
 * or an obiettivo strategico, each cell the template's sections tagged with
 * that code: how many are complete out of how many there are, and how many
 * more are written in part — in numbers, and as a shade of blue that the
 * legend explains. The figures are the API's (compare_coverage_matrix runs
 * the same queries); the template's tags give how many sections each code
 * has (compare_store_tagged). */
#include <stdio.h>
#include <string.h>

#include "compare/compare_pages.h"

/* The shade of a cell, from 0 (nothing written) to COV_LEVELS - 1 (every
 * section complete); the others by how far the work is: a complete section
 * counts whole, a partial one half. */
#define COV_LEVELS 5

static int cov_level(const compare_cov *c, long long total)
{
	if (c->sections == 0 || total <= 0)
		return 0;
	if (c->complete >= total)
		return COV_LEVELS - 1;
	long long done2 = 2 * c->complete + (c->sections - c->complete); /* in halves */
	long long third = (2 * total + 2) / 3;                           /* a third of the halves, rounded up */
	if (done2 < third)
		return 1;
	if (done2 < 2 * third)
		return 2;
	return 3;
}

static const char *const level_words[COV_LEVELS] = {"nessuna sezione scritta", "meno di un terzo",
                                                    "da un terzo a due terzi", "oltre due terzi",
                                                    "tutte le sezioni complete"};

static void cell(html *h, const compare_cov *c, long long total)
{
	char buf[160];
	int lv = cov_level(c, total);
	if (c->sections > c->complete)
		snprintf(buf, sizeof(buf),
		         "<td class=\"ambito-cov-%d\">%lld/%lld <span class=\"ambito-cov-part\">+%lld</span></td>", lv,
		         c->complete, total, c->sections - c->complete);
	else
		snprintf(buf, sizeof(buf), "<td class=\"ambito-cov-%d\">%lld/%lld</td>", lv, c->complete, total);
	html_raw(h, buf);
}

static void legend(html *h)
{
	html_raw(h, "<h2>Come leggere la tabella</h2><p>In ogni cella: le sezioni <strong>complete</strong> su "
	            "quelle del modello legate al codice (per esempio <strong>2/3</strong>) e, dopo il segno "
	            "<strong>+</strong>, quelle scritte solo in parte. Il colore ripete lo stesso dato:</p><ul "
	            "class=\"ambito-legend\">");
	for (int i = 0; i < COV_LEVELS; i++) {
		html_rawf(h, "<li><span class=\"ambito-swatch ambito-cov-%d\"></span>", i);
		html_text(h, level_words[i]);
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul>");
}

/* The page once started (for the Region or the public). */
static void coverage_body(cmp_view *v)
{
	http_req *r = v->r;
	const char *by = http_query(r, "by");
	if (by != NULL && strcmp(by, "action") != 0 && strcmp(by, "objective") != 0) {
		web_error_page(r, 400, "Le colonne sono le azioni (action) o gli obiettivi (objective).");
		return;
	}
	bool by_objective = by != NULL && strcmp(by, "objective") == 0;
	cycle_catalog cat;
	if (cycle_store_load_catalog(r->db, r->a, v->cy->id, &cat) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	size_t ncols = 0;
	for (size_t o = 0; o < cat.nobjectives; o++)
		ncols += by_objective ? 1 : cat.objectives[o].nactions;
	const char **cols = arena_calloc(r->a, ncols + 1, sizeof(char *));
	const char **titles = arena_calloc(r->a, ncols + 1, sizeof(char *));
	size_t k = 0;
	for (size_t o = 0; o < cat.nobjectives; o++) {
		if (by_objective) {
			cols[k] = cat.objectives[o].code;
			titles[k++] = cat.objectives[o].title;
			continue;
		}
		for (size_t a = 0; a < cat.objectives[o].nactions; a++) {
			cols[k] = cat.objectives[o].actions[a].code;
			titles[k++] = cat.objectives[o].actions[a].title;
		}
	}
	long long *total = arena_calloc(r->a, ncols + 1, sizeof(long long));
	if (compare_store_tagged(r->db, r->a, v->cy->id, by_objective, cols, ncols, total) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	if (!cmp_view_tenants(v, false))
		return;
	compare_cov *cells = arena_calloc(r->a, v->nt * ncols + 1, sizeof(*cells));
	if (compare_coverage_matrix(r->db, v->cy->id, v->src, by_objective, v->tenants, v->nt, cols, ncols, cells) !=
	    DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}

	const char *word = by_objective ? "obiettivo strategico" : "azione di sistema";
	web_page *p = cmp_view_begin(v, arena_printf(r->a, "Copertura per %s", word));
	html *h = web_html(p);
	const char *action = cmp_view_path(v, "copertura");
	cmp_view_form_begin(p, v, action);
	static const char *const by_values[] = {"action", "objective"};
	static const char *const by_labels[] = {"Azioni di sistema", "Obiettivi strategici"};
	cmp_view_select(p, "by", "Colonne", by_values, by_labels, 2, by_objective ? "objective" : "action");
	cmp_view_form_end(p, v, action, cmp_view_query(v, by_objective ? "objective" : "action"));
	cmp_view_intro(p, v);
	legend(h);
	if (v->nt == 0) {
		html_raw(h, "<p><strong>Nessun ATS da confrontare.</strong></p>");
		web_page_end(p, 200);
		return;
	}

	html_raw(h, "<div class=\"ambito-matrix-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Matrice della "
	            "copertura\"><table class=\"ambito-matrix\" id=\"matrice\"><caption class=\"visually-hidden\">");
	html_text(h, arena_printf(r->a, "Copertura per %s: sezioni complete su sezioni del modello", word));
	html_raw(h, "</caption><thead><tr><th scope=\"col\">ATS</th>");
	for (size_t c = 0; c < ncols; c++) {
		html_raw(h, "<th scope=\"col\"><abbr title=\"");
		html_text(h, titles[c]);
		html_raw(h, "\">");
		html_text(h, cols[c]);
		html_raw(h, "</abbr></th>");
	}
	html_raw(h, "</tr></thead><tbody>");
	compare_cov *sum = arena_calloc(r->a, ncols + 1, sizeof(*sum));
	for (size_t t = 0; t < v->nt; t++) {
		html_raw(h, "<tr><th scope=\"row\" title=\"");
		html_text(h, v->tenants[t].name);
		html_raw(h, "\">");
		html_text(h, v->tenants[t].name);
		html_raw(h, "</th>");
		for (size_t c = 0; c < ncols; c++) {
			const compare_cov *x = &cells[t * ncols + c];
			sum[c].sections += x->sections;
			sum[c].complete += x->complete;
			cell(h, x, total[c]);
		}
		html_raw(h, "</tr>");
	}
	html_raw(h, "</tbody><tfoot><tr><th scope=\"row\">Totale</th>");
	for (size_t c = 0; c < ncols; c++) {
		compare_cov all = sum[c];
		cell(h, &all, total[c] * (long long)v->nt);
	}
	html_raw(h, "</tr></tfoot></table></div>");

	html_raw(h, "<h2>I codici</h2><dl class=\"ambito-codes\">");
	for (size_t c = 0; c < ncols; c++) {
		html_raw(h, "<dt>");
		html_text(h, cols[c]);
		html_raw(h, "</dt><dd>");
		html_text(h, titles[c]);
		html_text(
		    h, arena_printf(r->a, " (%lld %s nel modello)", total[c], total[c] == 1 ? "sezione" : "sezioni"));
		html_raw(h, "</dd>");
	}
	html_raw(h, "</dl>");
	web_page_end(p, 200);
}

void compare_coverage_page(http_req *r)
{
	cmp_view v;
	if (cmp_view_start(r, &v, compare_get_coverage))
		coverage_body(&v);
}

void compare_public_coverage_page(http_req *r)
{
	cmp_view v;
	if (cmp_view_start_public(r, &v, "coverage"))
		coverage_body(&v);
}
