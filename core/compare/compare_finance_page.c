/* The finance page: spending by area of intervention or income by funding
 * source, per ATS, absolute and per inhabitant, with the regional totals
 * and medians the API computes (the same functions: compare_finance_matrix,
 * compare_per_inhabitant, compare_column_median), and a bar chart of one
 * column's amounts per inhabitant against their median. */
#include <string.h>

#include "base/money.h"
#include "compare/compare_pages.h"
#include "web/chart.h"

static void money_cell(html *h, arena *a, int64_t cents)
{
	html_raw(h, "<td class=\"ambito-money\">");
	html_text(h, cents == COMPARE_NO_FIGURE ? "n.d." : cmp_money_it(a, cents));
	html_raw(h, "</td>");
}

/* The page once started (for the Region or the public). */
static void finance_body(cmp_view *v)
{
	http_req *r = v->r;
	const char *by = http_query(r, "by");
	if (by != NULL && strcmp(by, "area") != 0 && strcmp(by, "source") != 0) {
		web_error_page(r, 400, "Le colonne sono le aree (area) o le fonti di finanziamento (source).");
		return;
	}
	bool by_source = by != NULL && strcmp(by, "source") == 0;
	cycle_catalog cat;
	if (cycle_store_load_catalog(r->db, r->a, v->cy->id, &cat) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	const cycle_item *items = by_source ? cat.funding_sources : cat.areas;
	size_t ncols = by_source ? cat.nfunding_sources : cat.nareas;
	const char **cols = arena_calloc(r->a, ncols + 1, sizeof(char *));
	for (size_t c = 0; c < ncols; c++)
		cols[c] = items[c].code;
	/* The chart's column: ?code=, else the first with any amount. A code of
	 * the other list (the form keeps the chart's choice when the columns
	 * change from areas to sources) is the default, not an error. */
	const char *code = http_query(r, "code");
	long long chart_col = -1;
	for (size_t c = 0; code != NULL && c < ncols; c++)
		if (strcmp(cols[c], code) == 0)
			chart_col = (long long)c;
	if (!cmp_view_tenants(v, true))
		return;
	size_t nt = v->nt;
	int64_t *amount = arena_calloc(r->a, nt * ncols + 1, sizeof(int64_t));
	int64_t *per_inh = arena_calloc(r->a, nt * ncols + 1, sizeof(int64_t));
	int64_t *scratch = arena_calloc(r->a, nt + 1, sizeof(int64_t));
	if (compare_finance_matrix(r->db, v->cy->id, v->src, by_source, v->tenants, nt, cols, ncols, amount) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	long long population = 0;
	for (size_t t = 0; t < nt; t++) {
		population += v->tenants[t].population;
		for (size_t c = 0; c < ncols; c++)
			per_inh[t * ncols + c] =
			    compare_per_inhabitant(amount[t * ncols + c], v->tenants[t].population);
	}
	int64_t *tot = arena_calloc(r->a, ncols + 1, sizeof(int64_t));
	for (size_t c = 0; c < ncols; c++) {
		for (size_t t = 0; t < nt && tot[c] != COMPARE_NO_FIGURE; t++)
			if (!money_add(&tot[c], amount[t * ncols + c]))
				tot[c] = COMPARE_NO_FIGURE;
		if (chart_col < 0 && tot[c] != 0 && tot[c] != COMPARE_NO_FIGURE)
			chart_col = (long long)c;
	}
	if (chart_col < 0 && ncols > 0)
		chart_col = 0;

	const char *word = by_source ? "Entrate per fonte di finanziamento" : "Spesa per area di intervento";
	web_page *p = cmp_view_begin(v, word);
	html *h = web_html(p);
	const char *action = cmp_view_path(v, "finanza");
	cmp_view_form_begin(p, v, action);
	static const char *const by_values[] = {"area", "source"};
	static const char *const by_labels[] = {"Spesa per area", "Entrate per fonte"};
	cmp_view_select(p, "by", "Colonne", by_values, by_labels, 2, by_source ? "source" : "area");
	const char **labels = arena_calloc(r->a, ncols + 1, sizeof(char *));
	for (size_t c = 0; c < ncols; c++)
		labels[c] = arena_printf(r->a, "%s – %s", cols[c], items[c].title);
	if (ncols > 0)
		cmp_view_select(p, "code", "Grafico", cols, labels, ncols, chart_col >= 0 ? cols[chart_col] : NULL);
	cmp_view_form_end(p, v, action, cmp_view_query(v, by_source ? "source" : "area"));
	cmp_view_intro(p, v);
	html_raw(h, "<p>");
	html_text(h, by_source ? "Le voci di entrata del piano per fonte di finanziamento."
	                       : "Le voci di spesa delle sezioni per area di intervento (la spesa delle sezioni "
	                         "senza area non è in nessuna colonna).");
	html_text(h, " Per abitante: l’importo diviso per la popolazione dei Comuni dell’ATS, arrotondato al "
	             "centesimo. La mediana è il valore centrale tra gli ATS mostrati.");
	html_raw(h, "</p>");
	if (nt == 0 || ncols == 0) {
		html_raw(h, "<p><strong>Nessun ATS da confrontare.</strong></p>");
		web_page_end(p, 200);
		return;
	}

	/* The chart first: the table is long. */
	int64_t ref = compare_column_median(per_inh, nt, ncols, (size_t)chart_col, scratch);
	const char **short_labels = arena_calloc(r->a, nt + 1, sizeof(char *));
	const char **names = arena_calloc(r->a, nt + 1, sizeof(char *));
	int64_t *values = arena_calloc(r->a, nt + 1, sizeof(int64_t));
	for (size_t t = 0; t < nt; t++) {
		short_labels[t] = v->tenants[t].slug;
		names[t] = v->tenants[t].name;
		values[t] = per_inh[t * ncols + (size_t)chart_col];
	}
	chart_bars ch = {
	    .id = "grafico",
	    .title = arena_printf(r->a, "%s per abitante: %s", by_source ? "Entrate" : "Spesa", labels[chart_col]),
	    .what = by_source ? "entrate per abitante" : "spesa per abitante",
	    .labels = short_labels,
	    .names = names,
	    .values = values,
	    .n = nt,
	    .reference = ref == COMPARE_NO_FIGURE ? CHART_NO_VALUE : ref,
	    .reference_label = "mediana",
	    .format = cmp_money_it,
	};
	html_raw(h, "<h2>Grafico</h2>");
	chart_bars_write(h, r->a, &ch);

	html_raw(h, "<h2>Tabella</h2><div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" "
	            "aria-label=\"Tabella degli importi\"><table class=\"table table-sm ambito-finance\" "
	            "id=\"finanza\"><caption class=\"visually-hidden\">");
	html_text(h, word);
	html_raw(h, ", importi e importi per abitante</caption><thead><tr><th scope=\"col\" rowspan=\"2\">ATS</th><th "
	            "scope=\"col\" rowspan=\"2\" class=\"text-end\">Popolazione</th>");
	for (size_t c = 0; c < ncols; c++) {
		html_raw(h, "<th scope=\"colgroup\" colspan=\"2\" class=\"text-center\"><abbr title=\"");
		html_text(h, items[c].title);
		html_raw(h, "\">");
		html_text(h, cols[c]);
		html_raw(h, "</abbr></th>");
	}
	html_raw(h, "</tr><tr>");
	for (size_t c = 0; c < ncols; c++)
		html_raw(h, "<th scope=\"col\" class=\"text-end\">Importo</th><th scope=\"col\" class=\"text-end\">Per "
		            "abitante</th>");
	html_raw(h, "</tr></thead><tbody>");
	for (size_t t = 0; t < nt; t++) {
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, v->tenants[t].name);
		html_raw(h, "</th><td class=\"ambito-money\">");
		html_text(h, html_int(r->a, v->tenants[t].population));
		html_raw(h, "</td>");
		for (size_t c = 0; c < ncols; c++) {
			money_cell(h, r->a, amount[t * ncols + c]);
			money_cell(h, r->a, per_inh[t * ncols + c]);
		}
		html_raw(h, "</tr>");
	}
	html_raw(h, "</tbody><tfoot><tr><th scope=\"row\">Totale regionale</th><td class=\"ambito-money\">");
	html_text(h, html_int(r->a, population));
	html_raw(h, "</td>");
	for (size_t c = 0; c < ncols; c++) {
		money_cell(h, r->a, tot[c]);
		money_cell(h, r->a,
		           tot[c] == COMPARE_NO_FIGURE ? COMPARE_NO_FIGURE
		                                       : compare_per_inhabitant(tot[c], population));
	}
	html_raw(h, "</tr><tr><th scope=\"row\">Mediana</th><td></td>");
	for (size_t c = 0; c < ncols; c++) {
		money_cell(h, r->a, compare_column_median(amount, nt, ncols, c, scratch));
		money_cell(h, r->a, compare_column_median(per_inh, nt, ncols, c, scratch));
	}
	html_raw(h, "</tr></tfoot></table></div>");
	html_raw(h, "<h2>I codici</h2><dl class=\"ambito-codes\">");
	for (size_t c = 0; c < ncols; c++) {
		html_raw(h, "<dt>");
		html_text(h, cols[c]);
		html_raw(h, "</dt><dd>");
		html_text(h, items[c].title);
		html_raw(h, "</dd>");
	}
	html_raw(h, "</dl>");
	web_page_end(p, 200);
}

void compare_finance_page(http_req *r)
{
	cmp_view v;
	if (cmp_view_start(r, &v, compare_get_finance))
		finance_body(&v);
}

void compare_public_finance_page(http_req *r)
{
	cmp_view v;
	if (cmp_view_start_public(r, &v, "finance"))
		finance_body(&v);
}
