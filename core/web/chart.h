/* Charts written by the server as SVG, for pages under a strict CSP (no
 * script, no inline style: colours come from classes of ambito.css). A
 * chart is never alone: it comes with a one-sentence Italian summary and
 * the table of its data, so nothing it shows depends on seeing it. */
#ifndef AMBITO_CHART_H
#define AMBITO_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/html.h"

/* A value a bar does not have (a per inhabitant figure without population). */
#define CHART_NO_VALUE INT64_MIN
/* Bars drawn at most; past it the chart says how many it left out (the
 * table still lists every value). */
#define CHART_BARS_MAX 1000

/* The text of a value ("12,34 €"), in a. */
typedef const char *(*chart_format_fn)(arena *a, int64_t v);

/* Horizontal bars, one a label, against a reference line (a median). */
typedef struct chart_bars {
	const char *id;            /* unique in the page: the ids of <title>, <desc> and the table */
	const char *title;         /* the chart's title and the table's caption */
	const char *what;          /* what a value is, for the summary and the table ("spesa per abitante") */
	const char *const *labels; /* n short labels (drawn) */
	const char *const *names;  /* n full names (the table, the summary); NULL: the labels */
	const int64_t *values;     /* n values, CHART_NO_VALUE for none */
	size_t n;
	int64_t reference;           /* the line, or CHART_NO_VALUE */
	const char *reference_label; /* "mediana" */
	chart_format_fn format;
} chart_bars;

/* Writes <figure>: the summary, the SVG (role="img", <title>, <desc>), and
 * the data table in a <details>. */
void chart_bars_write(html *h, arena *a, const chart_bars *c);

/* The summary sentence alone, in a: the highest and lowest value and how
 * many are above the reference. */
const char *chart_bars_summary(arena *a, const chart_bars *c);

#endif
