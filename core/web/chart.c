/* Bar charts as SVG written by the server: no script, no library, no inline
 * style (the CSP forbids them); sizes are SVG attributes, colours classes of
 * ambito.css. Each chart carries its summary and its data table. */
#include <stdio.h>
#include <string.h>

#include "web/chart.h"

#define BAR_H 18 /* a bar's row, in SVG units */
#define BAR_GAP 6
#define LABEL_W 190 /* the labels' column */
#define VALUE_W 110 /* the values' column, right of the bars */
#define PLOT_W 460  /* the bars' room */
#define TOP_H 28    /* room for the reference line's label */
#define CHART_W (LABEL_W + PLOT_W + VALUE_W)

static const char *name_of(const chart_bars *c, size_t i)
{
	return c->names != NULL ? c->names[i] : c->labels[i];
}

const char *chart_bars_summary(arena *a, const chart_bars *c)
{
	size_t hi = c->n, lo = c->n, with = 0, above = 0;
	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->values[i];
		if (v == CHART_NO_VALUE)
			continue;
		with++;
		if (hi == c->n || v > c->values[hi])
			hi = i;
		if (lo == c->n || v < c->values[lo])
			lo = i;
		if (c->reference != CHART_NO_VALUE && v > c->reference)
			above++;
	}
	if (with == 0)
		return arena_printf(a, "Nessun valore di %s da mostrare.", c->what);
	const char *s =
	    arena_printf(a, "%s: il valore più alto è di %s (%s), il più basso di %s (%s)", c->what, name_of(c, hi),
	                 c->format(a, c->values[hi]), name_of(c, lo), c->format(a, c->values[lo]));
	if (c->reference != CHART_NO_VALUE)
		s = arena_printf(a, "%s; %zu su %zu sopra la %s di %s", s, above, with, c->reference_label,
		                 c->format(a, c->reference));
	/* The first letter up: the sentence starts with what. */
	char *out = arena_printf(a, "%s.", s);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

/* x of v on the plot, from 0 to max (values under 0 are drawn at 0). */
static long x_of(int64_t v, int64_t max)
{
	if (v <= 0 || max <= 0)
		return 0;
	return (long)((double)v / (double)max * PLOT_W);
}

void chart_bars_write(html *h, arena *a, const chart_bars *c)
{
	size_t shown = c->n < CHART_BARS_MAX ? c->n : CHART_BARS_MAX;
	int64_t max = c->reference != CHART_NO_VALUE && c->reference > 0 ? c->reference : 0;
	for (size_t i = 0; i < shown; i++)
		if (c->values[i] != CHART_NO_VALUE && c->values[i] > max)
			max = c->values[i];
	long height = TOP_H + (long)shown * (BAR_H + BAR_GAP) + BAR_GAP;

	html_raw(h, "<figure class=\"ambito-chart\"><figcaption class=\"ambito-chart-title\">");
	html_text(h, c->title);
	html_raw(h, "</figcaption><p class=\"ambito-chart-summary\">");
	html_text(h, chart_bars_summary(a, c));
	html_raw(h, "</p>");
	/* The SVG keeps a readable size on a phone: its frame scrolls. */
	html_raw(h, "<div class=\"ambito-chart-frame\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_text(h, c->title);
	html_raw(h, "\">");
	html_rawf(
	    h, "<svg class=\"ambito-chart-svg\" viewBox=\"0 0 %d %ld\" width=\"100%%\" role=\"img\" aria-labelledby=\"",
	    CHART_W, height);
	html_text(h, c->id);
	html_raw(h, "-t ");
	html_text(h, c->id);
	html_raw(h, "-d\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"");
	html_text(h, c->id);
	html_raw(h, "-t\">");
	html_text(h, c->title);
	html_raw(h, "</title><desc id=\"");
	html_text(h, c->id);
	html_raw(h, "-d\">");
	html_text(h, chart_bars_summary(a, c));
	html_raw(h, "</desc>");
	for (size_t i = 0; i < shown; i++) {
		long y = TOP_H + (long)i * (BAR_H + BAR_GAP);
		int64_t v = c->values[i];
		html_rawf(h, "<text class=\"ambito-chart-label\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">", LABEL_W - 8,
		          y + BAR_H - 5);
		html_text(h, c->labels[i]);
		html_raw(h, "</text>");
		if (v == CHART_NO_VALUE) {
			html_rawf(h, "<text class=\"ambito-chart-value\" x=\"%d\" y=\"%ld\">n.d.</text>", LABEL_W + 4,
			          y + BAR_H - 5);
			continue;
		}
		long w = x_of(v, max);
		const char *cls =
		    c->reference != CHART_NO_VALUE && v > c->reference ? "ambito-bar ambito-bar-above" : "ambito-bar";
		html_rawf(h, "<rect class=\"%s\" x=\"%d\" y=\"%ld\" width=\"%ld\" height=\"%d\"></rect>", cls, LABEL_W,
		          y, w, BAR_H);
		html_rawf(h, "<text class=\"ambito-chart-value\" x=\"%ld\" y=\"%ld\">", LABEL_W + w + 6, y + BAR_H - 5);
		html_text(h, c->format(a, v));
		html_raw(h, "</text>");
	}
	if (c->reference != CHART_NO_VALUE) {
		long x = LABEL_W + x_of(c->reference, max);
		html_rawf(h,
		          "<line class=\"ambito-chart-ref\" x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\" "
		          "stroke-dasharray=\"6 4\"></line>",
		          x, TOP_H - 6, x, height);
		html_rawf(h, "<text class=\"ambito-chart-ref-label\" x=\"%ld\" y=\"%d\" text-anchor=\"middle\">", x,
		          TOP_H - 10);
		html_text(h, c->reference_label);
		html_raw(h, " ");
		html_text(h, c->format(a, c->reference));
		html_raw(h, "</text>");
	}
	html_raw(h, "</svg></div>");
	if (shown < c->n)
		html_rawf(h, "<p>Il grafico mostra i primi %zu valori su %zu; la tabella li elenca tutti.</p>", shown,
		          c->n);

	html_raw(h, "<details class=\"ambito-chart-data\"><summary>I dati del grafico in una tabella</summary>"
	            "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_text(h, c->title);
	html_raw(h, "\"><table class=\"table table-sm ambito-table\" id=\"");
	html_text(h, c->id);
	html_raw(h, "-dati\"><caption>");
	html_text(h, c->title);
	html_raw(h, "</caption><thead><tr><th scope=\"col\">Nome</th><th scope=\"col\" class=\"text-end\">");
	html_text(h, c->what);
	html_raw(h, "</th>");
	if (c->reference != CHART_NO_VALUE) {
		html_raw(h, "<th scope=\"col\" class=\"text-end\">Differenza dalla ");
		html_text(h, c->reference_label);
		html_raw(h, "</th>");
	}
	html_raw(h, "</tr></thead><tbody>");
	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->values[i];
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, name_of(c, i));
		html_raw(h, "</th><td class=\"text-end text-nowrap\">");
		html_text(h, v == CHART_NO_VALUE ? "non disponibile" : c->format(a, v));
		html_raw(h, "</td>");
		if (c->reference != CHART_NO_VALUE) {
			html_raw(h, "<td class=\"text-end text-nowrap\">");
			if (v != CHART_NO_VALUE)
				html_text(h, arena_printf(a, "%s%s", v - c->reference > 0 ? "+" : "",
				                          c->format(a, v - c->reference)));
			html_raw(h, "</td>");
		}
		html_raw(h, "</tr>");
	}
	html_raw(h, "</tbody></table></div></details></figure>");
}
