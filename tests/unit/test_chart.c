/* The server-written bar chart: the summary sentence worked out by hand,
 * the accessible SVG (role, title, desc), the data table, and nothing the
 * strict CSP would block (no style attribute, no script). */
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "check.h"
#include "web/chart.h"

#define OUT_MAX (64 * 1024)

typedef struct {
	char buf[OUT_MAX];
	size_t len;
} out;

static void sink(void *ctx, const char *buf, size_t len)
{
	out *o = ctx;
	if (o->len + len >= OUT_MAX)
		abort();
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static const char *euro(arena *a, int64_t v)
{
	char b[MONEY_TEXT_MAX];
	money_format_it(b, v);
	return arena_strdup(a, b);
}

int main(void)
{
	arena *a = arena_new();
	static out o;
	const char *labels[] = {"ats-1", "ats-7", "ats-13", "ats-20"};
	const char *names[] = {"ATS 1 – Pesaro", "ATS 7 <Fossombrone>", "ATS 13", "ATS 20"};
	int64_t values[] = {0, 1339, 1791, 2648};
	chart_bars c = {.id = "g",
	                .title = "Spesa per abitante",
	                .what = "spesa per abitante",
	                .labels = labels,
	                .names = names,
	                .values = values,
	                .n = 4,
	                .reference = 1565,
	                .reference_label = "mediana",
	                .format = euro};
	CHECK_STR(chart_bars_summary(a, &c),
	          "Spesa per abitante: il valore più alto è di ATS 20 (26,48\xC2\xA0€), il più basso di ATS 1 – Pesaro "
	          "(0,00\xC2\xA0€); 2 su 4 sopra la mediana di 15,65\xC2\xA0€.",
	          "the summary names the highest, the lowest and how many are above the median");
	html *h = html_new(a, sink, &o);
	chart_bars_write(h, a, &c);
	CHECK(strstr(o.buf, "role=\"img\" aria-labelledby=\"g-t g-d\"") != NULL, "the SVG is an image with a name");
	CHECK(strstr(o.buf, "<title id=\"g-t\">Spesa per abitante</title>") != NULL, "its title");
	CHECK(strstr(o.buf, "<desc id=\"g-d\">Spesa per abitante: il valore") != NULL, "its description");
	CHECK(strstr(o.buf, "ATS 7 &lt;Fossombrone&gt;") != NULL, "names are escaped");
	CHECK(strstr(o.buf, "<th scope=\"row\">ATS 20</th><td class=\"text-end text-nowrap\">26,48\xC2\xA0€</td>"
	                    "<td class=\"text-end text-nowrap\">+10,83\xC2\xA0€</td>") != NULL,
	      "the data table has every value and its difference from the median");
	CHECK(strstr(o.buf, "style=") == NULL && strstr(o.buf, "<script") == NULL, "nothing a strict CSP blocks");
	CHECK(strstr(o.buf, "class=\"ambito-bar ambito-bar-above\"") != NULL, "bars above the median are marked");
	CHECK(strstr(o.buf, ">mediana 15,65\xC2\xA0€</text>") != NULL, "the reference line is labelled");
	int64_t none[] = {CHART_NO_VALUE};
	chart_bars empty = c;
	empty.values = none;
	empty.n = 1;
	empty.reference = CHART_NO_VALUE;
	CHECK_STR(chart_bars_summary(a, &empty), "Nessun valore di spesa per abitante da mostrare.",
	          "no value, a sentence that says so");
	arena_free(a);
	return check_done();
}
