/* The printable plan document. One pass over the snapshot writes the
 * sections in template order while it tallies spending, then the financial
 * tables, the norms and the glossary follow. All data is written through
 * html_text / html_paragraphs, and the text parts through markdown_html
 * (which escapes or leaves out any markup they hold); other markup comes
 * only from this file. */
#include "tenants/plans/plan_html.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/markdown.h"

#include "base/money.h"

#define YEARS_MAX 50    /* columns of a per-year table; a cycle spans at most CYCLE_MAX_YEARS */
#define EMPTY_CELL "—"  /* a cell with nothing to show */
#define INTRO_GROUP "I" /* the template group of the introduction */
#define PART_HEADING 4  /* <h4>: the title of a part */

/* The print and screen stylesheet: no external resource of any kind. */
static const char stylesheet[] =
    ":root{color-scheme:light}\n"
    "html{font-family:\"Noto Serif\",\"DejaVu Serif\",Georgia,\"Times New "
    "Roman\",serif;color:#111;background:#fff}\n"
    "body{max-width:52rem;margin:0 auto;padding:1.5rem;line-height:1.5}\n"
    "h1,h2,h3,h4{font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,Helvetica,sans-serif;line-height:1.25}\n"
    "h2{border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2.5rem}\n"
    "h3{margin-top:2rem}\n"
    "h4{margin:1.2rem 0 .3rem}\n"
    ".frontespizio{text-align:center;padding:3rem 0 2rem;border-bottom:1px solid #999}\n"
    ".frontespizio h1{font-size:2.2rem;margin:0 0 1rem}\n"
    ".frontespizio .ats{font-size:1.5rem;font-weight:bold;margin:.5rem 0}\n"
    ".frontespizio .ciclo{font-size:1.2rem;margin:.5rem 0 2rem}\n"
    ".frontespizio ul{list-style:none;padding:0;margin:.5rem 0}\n"
    ".frontespizio .delibera{font-size:1.1rem;font-weight:bold;margin:1.5rem 0 .5rem}\n"
    /* A grid keeps each value on the row of its label however either wraps. */
    ".estremi{text-align:left;max-width:40rem;margin:2rem auto 0;display:grid;"
    "grid-template-columns:minmax(9rem,13rem) minmax(0,1fr);column-gap:1rem;row-gap:.35rem}\n"
    ".estremi dt{grid-column:1;font-weight:bold;margin:0}\n"
    ".estremi dd{grid-column:2;margin:0;overflow-wrap:anywhere}\n"
    "@media (max-width:30rem){.estremi{grid-template-columns:minmax(0,1fr)}"
    ".estremi dt,.estremi dd{grid-column:1}.estremi dd{margin-bottom:.4rem}}\n"
    ".impronta{font-family:\"DejaVu Sans Mono\",monospace;font-size:.85rem;word-break:break-all}\n"
    ".verifica{font-size:.85rem;color:#333;max-width:40rem;margin:1.5rem auto 0;text-align:left}\n"
    ".sommario ol{list-style:none;padding-left:1.2rem}\n"
    ".sommario li{margin:.15rem 0}\n"
    /* A hanging indent: a long title wraps under itself, not under its key. */
    ".sommario .chiave{display:inline-block;min-width:3.6rem;text-indent:0;margin-right:0}\n"
    ".sommario ol ol li{padding-left:3.6rem;text-indent:-3.6rem}\n"
    ".sommario>ol{padding-left:0}\n"
    ".sommario a{color:inherit}\n"
    ".chiave{font-variant-numeric:tabular-nums;margin-right:.4rem}\n"
    ".etichette{font-size:.9rem;color:#333;margin:.2rem 0}\n"
    ".etichette .codice{font-weight:bold}\n"
    ".vuota{font-style:italic;color:#555}\n"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}\n"
    "th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}\n"
    "thead th{background:#eee}\n"
    "tbody th{font-weight:normal}\n"
    "tfoot th,tfoot td{font-weight:bold;background:#f6f6f6}\n"
    "caption{text-align:left;font-weight:bold;padding:.3rem 0}\n"
    ".num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    ".glossario dt{font-weight:bold;margin-top:.6rem}\n"
    ".glossario dd{margin-left:1.2rem}\n"
    ".norme li{margin:.3rem 0}\n"
    ".torna{font-size:.8rem;text-align:right}\n"
    ".testo table{width:auto;min-width:50%}\n"
    ".testo [align=right]{text-align:right}\n"
    ".testo [align=center]{text-align:center}\n"
    "@page{size:A4;margin:2cm 1.8cm 2.2cm;"
    "@bottom-center{content:\"Pagina \" counter(page) \" di \" counter(pages);font-size:9pt}}\n"
    "@page:first{@bottom-center{content:none}}\n"
    "@media print{\n"
    "body{max-width:none;margin:0;padding:0;font-size:10.5pt}\n"
    "a{color:inherit;text-decoration:none}\n"
    ".solo-schermo{display:none}\n"
    ".frontespizio{border:0;break-after:page}\n"
    ".sommario{break-after:page}\n"

    ".parte{break-before:page}\n"
    "h2,h3,h4{break-after:avoid}\n"
    "tr,li,dt,dd,.etichette{break-inside:avoid}\n"
    "thead{display:table-header-group}\n"
    "tfoot{display:table-row-group}\n"
    ".norme a[href]::after{content:\" (\" attr(href) \")\";font-size:8pt;word-break:break-all}\n"
    "}\n";

/* Added for the draft: a banner on screen, and on paper the running header
 * of every page and a watermark (a fixed element repeats on every printed
 * page). */
static const char draft_stylesheet[] =
    ".avviso-bozza{border:3px solid #a00;color:#a00;padding:.5rem 1rem;font-weight:bold;text-align:center;"
    "font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
    ".filigrana{position:fixed;top:45%;left:0;right:0;text-align:center;font-size:7rem;font-weight:bold;"
    "letter-spacing:.5rem;color:rgba(160,0,0,.10);transform:rotate(-35deg);pointer-events:none;z-index:10;"
    "font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
    "@page{@top-center{content:\"BOZZA – documento non approvato\";font-size:9pt;color:#a00;"
    "font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif}}\n"
    "@media screen{.filigrana{display:none}}\n";

/* Sums of amounts by funding source and year, for the summary tables. */
typedef struct tally_cell {
	const char *source;
	long long year;
	int64_t cents;
} tally_cell;

typedef struct tally {
	tally_cell *cells;
	size_t n, cap;
} tally;

typedef struct doc {
	html *h;
	arena *a;
	const plan_html_input *in;
	long long start_year, end_year; /* 0 when the snapshot has none */
	tally spending, income;
	long long markdown_ns;    /* CPU time spent in Markdown so far */
	const json_value *groups; /* the snapshot's thematic tables */
} doc;

static void render_history(doc *d);

/* ---------------------------------------------------------------- lookups */

static const json_value *member(const json_value *obj, const char *key, json_type t)
{
	const json_value *v = json_get(obj, key);
	return json_is(v, t) ? v : NULL;
}

static size_t array_len(const json_value *arr)
{
	return arr != NULL ? arr->u.array.n : 0;
}

static const json_value *array_at(const json_value *arr, size_t i)
{
	return arr->u.array.items[i];
}

static bool int_member(const json_value *obj, const char *key, long long *out)
{
	const json_value *v = member(obj, key, JSON_NUMBER);
	if (v == NULL || !v->u.number.is_integer)
		return false;
	*out = v->u.number.integer;
	return true;
}

static const char *action_title(const doc *d, const char *code)
{
	const cycle_catalog *cat = d->in->catalog;
	for (size_t i = 0; cat != NULL && i < cat->nobjectives; i++)
		for (size_t k = 0; k < cat->objectives[i].nactions; k++)
			if (strcmp(cat->objectives[i].actions[k].code, code) == 0)
				return cat->objectives[i].actions[k].title;
	return NULL;
}

static const char *item_title(const cycle_item *items, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].code, code) == 0)
			return items[i].title;
	return NULL;
}

static const char *area_title(const doc *d, const char *code)
{
	const cycle_catalog *cat = d->in->catalog;
	return cat != NULL ? item_title(cat->areas, cat->nareas, code) : NULL;
}

/* The funding source's title, or its code when the catalogue lacks it. */
static const char *source_name(const doc *d, const char *code)
{
	const cycle_catalog *cat = d->in->catalog;
	const char *t = cat != NULL ? item_title(cat->funding_sources, cat->nfunding_sources, code) : NULL;
	return t != NULL ? t : code;
}

/* The section's innermost group: the template's, else the key up to its
 * first dot. */
static const char *inner_group_of(const doc *d, const char *key)
{
	const cycle_section *s = cycle_template_section(d->in->template, key);
	if (s != NULL && s->group != NULL)
		return s->group;
	return arena_strndup(d->a, key, strcspn(key, "."));
}

/* The top of the section's groups: the part of the document it falls in.
 * The climb is bounded, whatever the template holds. */
static const char *group_of(const doc *d, const char *key)
{
	const char *g = inner_group_of(d, key);
	const cycle_template *t = d->in->template;
	const cycle_group *up = cycle_template_group(t, g);
	for (size_t n = 0; up != NULL && up->parent != NULL && n < t->ngroups; n++) {
		const cycle_group *p = cycle_template_group(t, up->parent);
		if (p == NULL)
			break;
		up = p;
	}
	return up != NULL ? up->key : g;
}

/* A template with groups gives their titles; older ones name groups by a
 * letter only: the introduction, then the objectives of the guidelines
 * (Obiettivo A, B, ...). */
static const char *group_title(doc *d, const char *group)
{
	const cycle_group *g = cycle_template_group(d->in->template, group);
	if (g != NULL && g->title != NULL)
		return g->title;
	if (strcmp(group, INTRO_GROUP) == 0)
		return "Introduzione";
	return arena_printf(d->a, "Obiettivo %s", group);
}

/* The sub-group heading due before the section, NULL when the section sits
 * right under its part or in the same sub-group as the one before; *last
 * keeps the sub-group seen. */
static const char *subgroup_heading(doc *d, const char *key, const char *top, const char **last)
{
	const char *inner = inner_group_of(d, key);
	if (strcmp(inner, top) == 0 || cycle_template_group(d->in->template, inner) == NULL) {
		*last = NULL;
		return NULL;
	}
	if (*last != NULL && strcmp(*last, inner) == 0)
		return NULL;
	*last = inner;
	return group_title(d, inner);
}

/* ---------------------------------------------------------------- amounts */

/* A sum past MONEY_MAX_CENTS (cannot come from a validated plan): its cell
 * shows nothing rather than a wrong figure. */
#define NO_SUM INT64_MIN

static int64_t sum_add(int64_t sum, int64_t cents)
{
	if (sum == NO_SUM || cents == NO_SUM || !money_add(&sum, cents))
		return NO_SUM;
	return sum;
}

/* An amount in cents from a JSON number (or numeric string) read by
 * money_parse: more than two decimals or an exponent is refused, as
 * everywhere else, never rounded. */
static bool amount_of(const json_value *v, int64_t *cents)
{
	if (json_is(v, JSON_STRING))
		return money_parse(v->u.string.s, cents) == MONEY_OK;
	return json_is(v, JSON_NUMBER) && money_parse(v->u.number.text, cents) == MONEY_OK;
}

static void tally_add(arena *a, tally *t, const char *source, long long year, int64_t cents)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->cells[i].year == year && strcmp(t->cells[i].source, source) == 0) {
			t->cells[i].cents = sum_add(t->cells[i].cents, cents);
			return;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		tally_cell *c = arena_calloc(a, cap, sizeof(*c));
		if (t->n)
			memcpy(c, t->cells, t->n * sizeof(*c));
		t->cells = c;
		t->cap = cap;
	}
	t->cells[t->n++] = (tally_cell){source, year, cents};
}

/* ---------------------------------------------------------------- pieces */

static void cell_text(html *h, const char *text)
{
	html_raw(h, "<td>");
	html_text(h, text != NULL && *text != '\0' ? text : EMPTY_CELL);
	html_raw(h, "</td>");
}

static void cell_amount(html *h, int64_t cents)
{
	char buf[MONEY_TEXT_MAX];
	html_raw(h, "<td class=\"num\">");
	if (cents == NO_SUM)
		html_raw(h, EMPTY_CELL);
	else
		html_textn(h, buf, money_format_it(buf, cents));
	html_raw(h, "</td>");
}

/* An indicator's value: a string, a number, or nothing. */
static void cell_value(html *h, const json_value *v)
{
	if (json_is(v, JSON_STRING))
		cell_text(h, v->u.string.s);
	else if (json_is(v, JSON_NUMBER))
		cell_text(h, v->u.number.text);
	else
		cell_text(h, NULL);
}

static void anchor_id(html *h, const char *prefix, const char *key)
{
	html_rawf(h, " id=\"%s", prefix);
	html_text(h, key);
	html_raw(h, "\"");
}

static void link_to(html *h, const char *prefix, const char *key)
{
	html_rawf(h, "<a href=\"#%s", prefix);
	html_text(h, key);
	html_raw(h, "\">");
}

static bool has_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/* ---------------------------------------------------------------- head, title page, index */

static void render_head(doc *d, const char *ats, const char *cycle_title)
{
	html *h = d->h;
	html_raw(h, "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	if (d->in->draft)
		html_text(h, "BOZZA – ");
	html_text(h, "Piano Sociale di Ambito");
	if (ats != NULL) {
		html_raw(h, " – ");
		html_text(h, ats);
	}
	if (cycle_title != NULL) {
		html_raw(h, " – ");
		html_text(h, cycle_title);
	}
	html_raw(h, "</title>\n<style>\n");
	html_raw(h, stylesheet);
	if (d->in->draft)
		html_raw(h, draft_stylesheet);
	html_raw(h, "</style>\n</head>\n<body>\n");
	if (d->in->draft)
		html_raw(
		    h,
		    "<div class=\"filigrana\" aria-hidden=\"true\">BOZZA</div>\n"
		    "<p class=\"avviso-bozza\">BOZZA – documento non approvato: riproduce il testo attuale del piano, "
		    "che può ancora cambiare.</p>\n");
}

static void render_comuni(doc *d)
{
	html *h = d->h;
	const plan_html_input *in = d->in;
	if (in->ncomuni == 0)
		return;
	long long total = 0;
	html_raw(h, "<section class=\"comuni\" aria-label=\"Comuni dell'Ambito\">\n<p><strong>");
	html_text(h, in->ncomuni == 1 ? "Comune dell'Ambito" : "Comuni dell'Ambito");
	html_raw(h, "</strong></p>\n<ul>\n");
	for (size_t i = 0; i < in->ncomuni; i++) {
		html_raw(h, "<li>");
		html_text(h, in->comuni[i].name);
		if (in->comuni[i].population > 0) {
			html_raw(h, " <span class=\"abitanti\">(");
			html_text(h, html_int(d->a, in->comuni[i].population));
			html_raw(h, " abitanti)</span>");
		}
		html_raw(h, "</li>\n");
		total += in->comuni[i].population;
	}
	html_raw(h, "</ul>\n");
	if (total > 0)
		html_rawf(h, "<p>Popolazione complessiva: %s abitanti</p>\n", html_int(d->a, total));
	html_raw(h, "</section>\n");
}

static void detail_row(html *h, const char *term, const char *text)
{
	html_raw(h, "<dt>");
	html_text(h, term);
	html_raw(h, "</dt><dd>");
	html_text(h, text);
	html_raw(h, "</dd>\n");
}

/* Revision, transmission and approval of a published plan. Whether it was
 * sent after the deadline is the Region's business, not the public's. */
static void render_published_facts(doc *d, const json_value *snap)
{
	html *h = d->h;
	arena *a = d->a;
	long long revision;
	if (int_member(snap, "revision", &revision))
		detail_row(h, "Revisione", arena_printf(a, "n. %lld", revision));
	const char *at = json_get_str(snap, "submitted_at");
	if (at != NULL) {
		const char *when = html_datetime(a, at);
		html_raw(h, "<dt>Trasmesso alla Regione</dt><dd><time datetime=\"");
		html_text(h, at);
		html_raw(h, "\">");
		html_text(h, when != NULL ? when : at);
		html_raw(h, "</time></dd>\n");
	}
	const char *by = json_get_str(member(snap, "submitted_by", JSON_OBJECT), "name");
	if (has_text(by))
		detail_row(h, "Trasmesso da", by);
	if (d->in->approved_at != NULL) {
		const char *when = html_datetime(a, d->in->approved_at);
		detail_row(h, "Approvato dalla Regione", when != NULL ? when : d->in->approved_at);
	}
}

/* The Comitato dei Sindaci's delibera, when the submission names it. */
static void render_approval_act(doc *d, const json_value *snap)
{
	const json_value *act = member(snap, "approval_act", JSON_OBJECT);
	const char *number = json_get_str(act, "number"), *date = json_get_str(act, "date");
	if (!has_text(number) || date == NULL)
		return;
	const char *day = html_date(d->a, date);
	html_raw(d->h, "<p class=\"delibera\">");
	html_text(d->h, arena_printf(d->a, "Approvato dal Comitato dei Sindaci con delibera n. %s del ", number));
	html_raw(d->h, "<time datetime=\"");
	html_text(d->h, date);
	html_raw(d->h, "\">");
	html_text(d->h, day != NULL ? day : date);
	html_raw(d->h, "</time></p>\n");
}

static void render_draft_facts(doc *d)
{
	detail_row(d->h, "Stato del documento", "Bozza, non approvata");
	if (d->in->printed_at != NULL) {
		const char *when = html_datetime(d->a, d->in->printed_at);
		detail_row(d->h, "Testo aggiornato al", when != NULL ? when : d->in->printed_at);
	}
}

static void render_title_page(doc *d, const json_value *snap, const char *ats, const char *cycle_title)
{
	html *h = d->h;
	arena *a = d->a;
	html_raw(h, "<header class=\"frontespizio\" id=\"frontespizio\">\n");
	html_elem(h, "h1", NULL, "Piano Sociale di Ambito");
	if (ats != NULL)
		html_elem(h, "p", "ats", ats);
	html_raw(h, "<p class=\"ciclo\">");
	html_text(h, cycle_title);
	if (d->start_year > 0 && d->end_year > 0) {
		if (cycle_title != NULL)
			html_raw(h, "<br>\n");
		html_text(h, arena_printf(a, "%s %lld–%lld",
		                          d->end_year - d->start_year == 2 ? "Triennio" : "Periodo di programmazione",
		                          d->start_year, d->end_year));
	}
	html_raw(h, "</p>\n");
	render_comuni(d);
	if (!d->in->draft)
		render_approval_act(d, snap);

	html_raw(h, "<dl class=\"estremi\">\n");
	if (d->in->draft)
		render_draft_facts(d);
	else
		render_published_facts(d, snap);
	long long tv;
	if (int_member(snap, "template_version", &tv))
		detail_row(h, "Versione del modello", arena_printf(a, "%lld", tv));
	if (d->in->reference != NULL && has_text(d->in->reference))
		detail_row(h, "Riferimenti", d->in->reference);
	if (!d->in->draft) {
		html_raw(h, "<dt>Impronta SHA-256</dt><dd><code class=\"impronta\">");
		html_text(h, d->in->sha256);
		html_raw(h, "</code></dd>\n");
	}
	html_raw(h, "</dl>\n");

	const char *note = json_get_str(snap, "note");
	if (!d->in->draft && has_text(note)) {
		html_raw(h, "<div class=\"verifica\"><p><strong>Nota di trasmissione</strong></p>\n");
		html_paragraphs(h, note);
		html_raw(h, "</div>\n");
	}
	if (d->in->draft) {
		html_raw(h, "<p class=\"verifica\">Questa bozza non è il piano approvato: quando il piano sarà "
		            "trasmesso, approvato dalla Regione e pubblicato, il documento pubblico ne riporterà la "
		            "revisione e l'impronta SHA-256.</p>\n</header>\n");
		return;
	}
	render_history(d);
	html_raw(h, "<p class=\"verifica\">Questo documento riproduce il piano pubblicato in formato JSON "
	            "all'indirizzo <code>");
	html_text(h, d->in->json_path);
	html_raw(h, "</code>. L'impronta SHA-256 di quel file coincide con quella qui riportata: chiunque può "
	            "calcolarla (per esempio con <code>sha256sum</code>) e verificare che la copia stampata "
	            "corrisponda al piano approvato.</p>\n</header>\n");
}

/* The annual updates: every published revision, when, and why the plan
 * was reopened before it. */
static void render_history(doc *d)
{
	html *h = d->h;
	arena *a = d->a;
	if (d->in->nhistory < 2)
		return;
	html_raw(h, "<table class=\"storia\">\n<caption>Storia del piano: revisioni pubblicate e aggiornamenti"
	            "</caption>\n<thead><tr><th scope=\"col\">Revisione</th><th scope=\"col\">Pubblicata il</th>"
	            "<th scope=\"col\">Aggiornamento</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->in->nhistory; i++) {
		const plan_history *e = &d->in->history[i];
		const char *when = html_datetime(a, e->published_at);
		html_rawf(h, "<tr><td>%lld</td><td>", e->revision);
		html_text(h, when != NULL ? when : e->published_at);
		html_raw(h, "</td><td>");
		if (e->reason != NULL) {
			const char *reopened = e->reopened_at != NULL ? html_datetime(a, e->reopened_at) : NULL;
			if (reopened != NULL) {
				html_text(h, arena_printf(a, "Riaperto il %s: ", reopened));
			}
			html_text(h, e->reason);
		} else
			html_text(h, "Prima pubblicazione");
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n");
}

static void render_index(doc *d, const json_value *sections)
{
	html *h = d->h;
	html_raw(h, "<nav class=\"sommario\" id=\"sommario\" aria-labelledby=\"titolo-sommario\">\n"
	            "<h2 id=\"titolo-sommario\">Sommario</h2>\n<ol>\n");
	const char *group = NULL, *sub = NULL;
	for (size_t i = 0; i < array_len(sections); i++) {
		const json_value *s = array_at(sections, i);
		const char *key = json_get_str(s, "key");
		if (key == NULL)
			continue;
		const char *g = group_of(d, key);
		if (group == NULL || strcmp(g, group) != 0) {
			if (group != NULL)
				html_raw(h, "</ol></li>\n");
			html_raw(h, "<li>");
			link_to(h, "parte-", g);
			html_text(h, group_title(d, g));
			html_raw(h, "</a>\n<ol>\n");
			group = g;
			sub = NULL;
		}
		const char *heading = subgroup_heading(d, key, g, &sub);
		if (heading != NULL)
			html_elem(h, "li", "gruppo", heading);
		html_raw(h, "<li>");
		link_to(h, "sez-", key);
		/* The space inside the key's box: it keeps the number and the
		 * title apart in a copied or extracted text without widening the
		 * box, so a wrapped title lines up under its first line. */
		html_elem(h, "span", "chiave", arena_printf(d->a, "%s ", key));
		html_text(h, json_get_str(s, "title"));
		html_raw(h, "</a></li>\n");
	}
	if (group != NULL)
		html_raw(h, "</ol></li>\n");
	html_raw(h, "<li><a href=\"#quadro-finanziario\">Quadro finanziario</a></li>\n"
	            "<li><a href=\"#riferimenti-normativi\">Riferimenti normativi</a></li>\n"
	            "<li><a href=\"#glossario\">Glossario sociale essenziale</a></li>\n"
	            "</ol>\n</nav>\n");
}

/* ---------------------------------------------------------------- sections */

static void render_tags(doc *d, const json_value *s)
{
	html *h = d->h;
	const json_value *actions = member(s, "actions", JSON_ARRAY);
	size_t shown = 0;
	for (size_t i = 0; i < array_len(actions); i++) {
		const json_value *code = array_at(actions, i);
		if (!json_is(code, JSON_STRING))
			continue;
		html_raw(h, shown == 0 ? "<p class=\"etichette\">" : "<br>\n");
		html_raw(h, shown == 0 ? "Azioni di sistema: " : "");
		html_elem(h, "span", "codice", code->u.string.s);
		const char *title = action_title(d, code->u.string.s);
		if (title != NULL) {
			html_raw(h, " – ");
			html_text(h, title);
		}
		shown++;
	}
	if (shown > 0)
		html_raw(h, "</p>\n");
	const char *area = json_get_str(s, "area");
	if (area != NULL) {
		html_raw(h, "<p class=\"etichette\">Area di intervento: ");
		html_elem(h, "span", "codice", area);
		const char *title = area_title(d, area);
		if (title != NULL) {
			html_raw(h, " – ");
			html_text(h, title);
		}
		html_raw(h, "</p>\n");
	}
}

static bool part_written(const json_value *parts, const char *key)
{
	const json_value *v = member(parts, key, JSON_STRING);
	return v != NULL && has_text(v->u.string.s);
}

static long long thread_cpu_ns(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
		return 0;
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

void plan_html_markdown(html *h, const char *text, int top_heading, long long *spent_ns)
{
	if (*spent_ns >= PLAN_MARKDOWN_BUDGET_NS) {
		html_paragraphs(h, text);
		return;
	}
	long long t0 = thread_cpu_ns();
	markdown_html(h, text, top_heading);
	*spent_ns += thread_cpu_ns() - t0;
}

/* A part's text is Markdown; its own headings come below the part's <h4>. */
static void render_part(doc *d, const char *title, const char *text)
{
	html *h = d->h;
	html_elem(h, "h4", NULL, title);
	html_raw(h, "<div class=\"testo\">\n");
	plan_html_markdown(h, text, PART_HEADING + 1, &d->markdown_ns);
	html_raw(h, "</div>\n");
}

/* Parts in the template's order, then any the template no longer names. */
static void render_parts(doc *d, const json_value *parts, const cycle_section *ts)
{
	for (size_t k = 0; ts != NULL && k < ts->nparts; k++)
		if (part_written(parts, ts->parts[k].key))
			render_part(d, ts->parts[k].title, json_get_str(parts, ts->parts[k].key));
	for (size_t i = 0; parts != NULL && i < parts->u.object.n; i++) {
		const char *key = parts->u.object.keys[i];
		bool known = false;
		for (size_t k = 0; ts != NULL && k < ts->nparts && !known; k++)
			known = strcmp(ts->parts[k].key, key) == 0;
		if (!known && part_written(parts, key))
			render_part(d, key, json_get_str(parts, key));
	}
}

static const char *kind_name(const char *kind)
{
	if (kind != NULL && strcmp(kind, "process") == 0)
		return "processo";
	if (kind != NULL && strcmp(kind, "result") == 0)
		return "risultato";
	return kind;
}

static void render_indicators(doc *d, const json_value *list)
{
	html *h = d->h;
	html_raw(h, "<h4>Indicatori</h4>\n<table class=\"indicatori\">\n<thead><tr><th scope=\"col\">Nome</th>"
	            "<th scope=\"col\">Tipo</th><th scope=\"col\">Unità</th><th scope=\"col\">Valore di partenza</th>"
	            "<th scope=\"col\">Obiettivo</th><th scope=\"col\">Fonte</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < array_len(list); i++) {
		const json_value *ind = array_at(list, i);
		html_raw(h, "<tr>");
		cell_text(h, json_get_str(ind, "name"));
		cell_text(h, kind_name(json_get_str(ind, "kind")));
		cell_value(h, json_get(ind, "unit"));
		cell_value(h, json_get(ind, "baseline"));
		cell_value(h, json_get(ind, "target"));
		cell_value(h, json_get(ind, "source"));
		html_raw(h, "</tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n");
}

static void render_spending(doc *d, const json_value *list)
{
	html *h = d->h;
	int64_t total = 0;
	html_raw(h, "<h4>Spesa prevista</h4>\n<table class=\"spesa\">\n<thead><tr><th scope=\"col\">Servizio</th>"
	            "<th scope=\"col\">Anno</th><th scope=\"col\">Fonte di finanziamento</th>"
	            "<th scope=\"col\" class=\"num\">Importo €</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < array_len(list); i++) {
		const json_value *line = array_at(list, i);
		const char *source = json_get_str(line, "funding_source");
		long long year = 0;
		int64_t cents = 0;
		bool has_year = int_member(line, "year", &year);
		bool has_amount = amount_of(json_get(line, "amount_eur"), &cents);
		html_raw(h, "<tr>");
		cell_text(h, json_get_str(line, "service"));
		cell_text(h, has_year ? arena_printf(d->a, "%lld", year) : NULL);
		cell_text(h, source != NULL ? source_name(d, source) : NULL);
		if (has_amount)
			cell_amount(h, cents);
		else
			cell_text(h, NULL);
		html_raw(h, "</tr>\n");
		if (has_amount) {
			total = sum_add(total, cents);
			tally_add(d->a, &d->spending, source != NULL ? source : "", year, cents);
		}
	}
	html_raw(h, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"3\">Totale della sezione</th>");
	cell_amount(h, total);
	html_raw(h, "</tr></tfoot>\n</table>\n");
}

/* The section's thematic table: who sits on it (names and organisations,
 * never e-mails: the snapshot has none) and the meetings held. */
static void render_working_group(doc *d, const json_value *wg)
{
	html *h = d->h;
	long long id = 0;
	const json_value *g = NULL;
	if (wg == NULL || !int_member(wg, "group", &id))
		return;
	for (size_t i = 0; i < array_len(d->groups) && g == NULL; i++) {
		long long gid = 0;
		if (int_member(array_at(d->groups, i), "id", &gid) && gid == id)
			g = array_at(d->groups, i);
	}
	if (g == NULL)
		return;
	const json_value *people = member(g, "participants", JSON_ARRAY);
	const json_value *meetings = member(g, "meetings", JSON_ARRAY);
	html_raw(h, "<div class=\"tavolo\">\n<h4>Tavolo tematico: ");
	html_text(h, json_get_str(g, "name"));
	html_raw(h, "</h4>\n<p>Referente: ");
	html_text(h, json_get_str(g, "referent"));
	html_raw(h, "</p>\n");
	if (array_len(people) > 0) {
		html_raw(h, "<table class=\"tavolo-composizione\">\n<caption>Composizione del tavolo</caption>\n"
		            "<thead><tr><th scope=\"col\">Nome e cognome</th><th scope=\"col\">Organizzazione</th>"
		            "<th scope=\"col\">Ruolo</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < array_len(people); i++) {
			const json_value *p = array_at(people, i);
			html_raw(h, "<tr>");
			cell_text(h, arena_printf(d->a, "%s %s",
			                          json_get_str(p, "first_name") ? json_get_str(p, "first_name") : "",
			                          json_get_str(p, "last_name") ? json_get_str(p, "last_name") : ""));
			cell_text(h, json_get_str(p, "organization"));
			cell_text(h, json_get_str(p, "role"));
			html_raw(h, "</tr>\n");
		}
		html_raw(h, "</tbody>\n</table>\n");
	}
	if (array_len(meetings) == 0) {
		html_raw(h, "<p class=\"vuota\">Nessun incontro registrato.</p>\n</div>\n");
		return;
	}
	html_raw(h, "<table class=\"tavolo-incontri\">\n<caption>Incontri del tavolo</caption>\n"
	            "<thead><tr><th scope=\"col\">Data e ora</th><th scope=\"col\">Luogo</th>"
	            "<th scope=\"col\" class=\"num\">Presenti</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < array_len(meetings); i++) {
		const json_value *m = array_at(meetings, i);
		long long attendance = 0;
		html_raw(h, "<tr>");
		cell_text(h, html_datetime(d->a, json_get_str(m, "starts_at")));
		cell_text(h, json_get_str(m, "place"));
		html_raw(h, "<td class=\"num\">");
		html_text(h, int_member(m, "attendance", &attendance) ? html_int(d->a, attendance) : EMPTY_CELL);
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n</div>\n");
}

static void render_section(doc *d, const json_value *s, const char *key)
{
	html *h = d->h;
	const cycle_section *ts = cycle_template_section(d->in->template, key);
	const json_value *parts = member(s, "parts", JSON_OBJECT);
	const json_value *indicators = member(s, "indicators", JSON_ARRAY);
	const json_value *spending = member(s, "spending", JSON_ARRAY);
	bool any_part = false;
	for (size_t i = 0; parts != NULL && i < parts->u.object.n; i++)
		any_part = any_part || part_written(parts, parts->u.object.keys[i]);

	html_raw(h, "<section class=\"sezione\"");
	anchor_id(h, "sez-", key);
	html_raw(h, ">\n<h3>");
	html_elem(h, "span", "chiave", key);
	html_raw(h, " ");
	html_text(h, json_get_str(s, "title"));
	html_raw(h, "</h3>\n");
	render_tags(d, s);
	if (!any_part && array_len(indicators) == 0 && array_len(spending) == 0)
		html_raw(h, "<p class=\"vuota\">Sezione non compilata.</p>\n");
	render_parts(d, parts, ts);
	if (array_len(indicators) > 0)
		render_indicators(d, indicators);
	if (array_len(spending) > 0)
		render_spending(d, spending);
	render_working_group(d, member(s, "working_group", JSON_OBJECT));
	html_raw(h, "<p class=\"torna solo-schermo\"><a href=\"#sommario\">↑ Sommario</a></p>\n</section>\n");
}

static void render_sections(doc *d, const json_value *sections)
{
	html *h = d->h;
	const char *group = NULL, *sub = NULL;
	for (size_t i = 0; i < array_len(sections); i++) {
		const json_value *s = array_at(sections, i);
		const char *key = json_get_str(s, "key");
		if (key == NULL)
			continue;
		const char *g = group_of(d, key);
		if (group == NULL || strcmp(g, group) != 0) {
			if (group != NULL)
				html_raw(h, "</section>\n");
			html_raw(h, "<section class=\"parte\"");
			anchor_id(h, "parte-", g);
			html_raw(h, ">\n");
			html_elem(h, "h2", NULL, group_title(d, g));
			group = g;
			sub = NULL;
		}
		const char *heading = subgroup_heading(d, key, g, &sub);
		if (heading != NULL)
			html_elem(h, "h3", "gruppo", heading);
		render_section(d, s, key);
	}
	if (group != NULL)
		html_raw(h, "</section>\n");
}

/* ---------------------------------------------------------------- finance */

/* The funding sources a tally names: the catalogue's order first, then any
 * other code in the order met. */
static const char **tally_sources(doc *d, const tally *t, size_t *n)
{
	const cycle_catalog *cat = d->in->catalog;
	const char **out = arena_calloc(d->a, t->n + 1, sizeof(*out));
	*n = 0;
	for (size_t i = 0; cat != NULL && i < cat->nfunding_sources; i++)
		for (size_t k = 0; k < t->n; k++)
			if (strcmp(t->cells[k].source, cat->funding_sources[i].code) == 0) {
				out[(*n)++] = cat->funding_sources[i].code;
				break;
			}
	for (size_t k = 0; k < t->n; k++) {
		bool seen = false;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = strcmp(out[i], t->cells[k].source) == 0;
		if (!seen)
			out[(*n)++] = t->cells[k].source;
	}
	return out;
}

/* The table's years: the cycle's, widened to any year the tally holds. */
static void tally_years(const doc *d, const tally *t, long long *first, long long *last)
{
	*first = d->start_year;
	*last = d->end_year;
	for (size_t k = 0; k < t->n; k++) {
		if (*first == 0 || t->cells[k].year < *first)
			*first = t->cells[k].year;
		if (*last == 0 || t->cells[k].year > *last)
			*last = t->cells[k].year;
	}
	if (*last - *first >= YEARS_MAX)
		*first = *last - YEARS_MAX + 1;
}

static int64_t tally_get(const tally *t, const char *source, long long year, bool *found)
{
	int64_t sum = 0;
	for (size_t k = 0; k < t->n; k++)
		if ((source == NULL || strcmp(t->cells[k].source, source) == 0) &&
		    (year == 0 || t->cells[k].year == year)) {
			sum = sum_add(sum, t->cells[k].cents);
			*found = true;
		}
	return sum;
}

static void cell_sum(doc *d, const tally *t, const char *source, long long year)
{
	bool found = false;
	int64_t v = tally_get(t, source, year, &found);
	if (found)
		cell_amount(d->h, v);
	else
		html_raw(d->h, "<td class=\"num\">" EMPTY_CELL "</td>");
}

/* Rows by funding source, columns by year, with totals both ways. */
static void render_tally(doc *d, const tally *t, const char *caption)
{
	html *h = d->h;
	size_t nsources;
	long long first, last;
	const char **sources = tally_sources(d, t, &nsources);
	tally_years(d, t, &first, &last);
	html_raw(h, "<table class=\"riepilogo\">\n<caption>");
	html_text(h, caption);
	html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">Fonte di finanziamento</th>");
	for (long long y = first; y <= last && first > 0; y++)
		html_rawf(h, "<th scope=\"col\" class=\"num\">%lld</th>", y);
	html_raw(h, "<th scope=\"col\" class=\"num\">Totale</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nsources; i++) {
		html_raw(h, "<tr><th scope=\"row\">");
		html_text(h, *sources[i] != '\0' ? source_name(d, sources[i]) : "Fonte non indicata");
		html_raw(h, "</th>");
		for (long long y = first; y <= last && first > 0; y++)
			cell_sum(d, t, sources[i], y);
		cell_sum(d, t, sources[i], 0);
		html_raw(h, "</tr>\n");
	}
	html_raw(h, "</tbody>\n<tfoot><tr><th scope=\"row\">Totale</th>");
	for (long long y = first; y <= last && first > 0; y++)
		cell_sum(d, t, NULL, y);
	bool found = false;
	cell_amount(h, tally_get(t, NULL, 0, &found));
	html_raw(h, "</tr></tfoot>\n</table>\n");
}

static void render_income(doc *d, const json_value *income)
{
	html *h = d->h;
	int64_t total = 0;
	html_raw(h, "<h3 id=\"voci-di-entrata\">Voci di entrata</h3>\n");
	if (array_len(income) == 0) {
		html_raw(h, "<p class=\"vuota\">Nessuna voce di entrata indicata.</p>\n");
		return;
	}
	html_raw(h,
	         "<table class=\"entrate\">\n<thead><tr><th scope=\"col\">Fonte</th><th scope=\"col\">Anno</th>"
	         "<th scope=\"col\" class=\"num\">Importo €</th><th scope=\"col\">Note</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < array_len(income); i++) {
		const json_value *line = array_at(income, i);
		const char *source = json_get_str(line, "source");
		long long year = 0;
		int64_t cents = 0;
		bool has_year = int_member(line, "year", &year);
		bool has_amount = amount_of(json_get(line, "amount_eur"), &cents);
		html_raw(h, "<tr>");
		cell_text(h, source != NULL ? source_name(d, source) : NULL);
		cell_text(h, has_year ? arena_printf(d->a, "%lld", year) : NULL);
		if (has_amount)
			cell_amount(h, cents);
		else
			cell_text(h, NULL);
		cell_text(h, json_get_str(line, "note"));
		html_raw(h, "</tr>\n");
		if (has_amount) {
			total = sum_add(total, cents);
			tally_add(d->a, &d->income, source != NULL ? source : "", year, cents);
		}
	}
	html_raw(h, "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">Totale delle entrate</th>");
	cell_amount(h, total);
	html_raw(h, "<td></td></tr></tfoot>\n</table>\n");
	render_tally(d, &d->income, "Entrate per fonte e anno");
}

static void render_finance(doc *d, const json_value *snap)
{
	html *h = d->h;
	const json_value *income = member(member(snap, "finance", JSON_OBJECT), "income", JSON_ARRAY);
	html_raw(h, "<section class=\"parte\" id=\"quadro-finanziario\">\n<h2>Quadro finanziario</h2>\n");
	render_income(d, income);
	html_raw(h, "<h3 id=\"spesa\">Spesa prevista per fonte di finanziamento</h3>\n");
	if (d->spending.n == 0)
		html_raw(h, "<p class=\"vuota\">Nessuna voce di spesa indicata nelle sezioni.</p>\n");
	else
		render_tally(d, &d->spending, "Spesa delle sezioni per fonte e anno");

	bool found = false;
	int64_t in = tally_get(&d->income, NULL, 0, &found);
	int64_t out = tally_get(&d->spending, NULL, 0, &found);
	html_raw(h, "<h3 id=\"riepilogo\">Riepilogo</h3>\n<table class=\"saldo\">\n<tbody>\n"
	            "<tr><th scope=\"row\">Totale delle entrate</th>");
	cell_amount(h, in);
	html_raw(h, "</tr>\n<tr><th scope=\"row\">Totale della spesa prevista</th>");
	cell_amount(h, out);
	html_raw(h, "</tr>\n</tbody>\n<tfoot><tr><th scope=\"row\">Differenza (entrate − spesa)</th>");
	cell_amount(h, sum_add(in, out == NO_SUM ? NO_SUM : -out));
	html_raw(h, "</tr></tfoot>\n</table>\n</section>\n");
}

/* ---------------------------------------------------------------- norms, glossary */

static void render_norm_level(doc *d, const char *level, const char *title)
{
	html *h = d->h;
	size_t shown = 0;
	for (size_t i = 0; i < d->in->nnorms; i++) {
		const cycle_norm *n = &d->in->norms[i];
		if (strcmp(n->level, level) != 0)
			continue;
		if (shown++ == 0) {
			html_elem(h, "h3", NULL, title);
			html_raw(h, "<ul class=\"norme\">\n");
		}
		html_raw(h, "<li>");
		if (n->url != NULL && (strncmp(n->url, "https://", 8) == 0 || strncmp(n->url, "http://", 7) == 0)) {
			html_raw(h, "<a href=\"");
			html_text(h, n->url);
			html_raw(h, "\">");
			html_elem(h, "cite", NULL, n->citation);
			html_raw(h, "</a>");
		} else {
			html_elem(h, "cite", NULL, n->citation);
		}
		html_raw(h, " – ");
		html_text(h, n->title);
		html_raw(h, "</li>\n");
	}
	if (shown > 0)
		html_raw(h, "</ul>\n");
}

static void render_norms(doc *d)
{
	html *h = d->h;
	html_raw(h, "<section class=\"parte\" id=\"riferimenti-normativi\">\n<h2>Riferimenti normativi</h2>\n");
	if (d->in->nnorms == 0)
		html_raw(h, "<p class=\"vuota\">Nessun riferimento normativo indicato dalla Regione.</p>\n");
	render_norm_level(d, "national", "Normativa nazionale");
	render_norm_level(d, "regional", "Normativa regionale");
	html_raw(h, "</section>\n");
}

static void render_glossary(doc *d)
{
	html *h = d->h;
	const cycle_glossary *g = d->in->glossary;
	html_raw(h, "<section class=\"parte\" id=\"glossario\">\n<h2>Glossario sociale essenziale</h2>\n");
	if (g == NULL || g->nterms == 0) {
		html_raw(h, "<p class=\"vuota\">Il glossario del ciclo è vuoto.</p>\n</section>\n");
		return;
	}
	html_raw(h, "<dl class=\"glossario\">\n");
	for (size_t i = 0; i < g->nterms; i++) {
		html_elem(h, "dt", NULL, g->terms[i].term);
		html_raw(h, "<dd>");
		html_text(h, g->terms[i].definition);
		html_raw(h, "</dd>\n");
	}
	html_raw(h, "</dl>\n</section>\n");
}

/* ---------------------------------------------------------------- document */

void plan_html_render(html *h, const plan_html_input *in)
{
	doc d = {.h = h, .a = html_arena(h), .in = in};
	const json_value *snap = in->snapshot;
	const json_value *cyc = member(snap, "cycle", JSON_OBJECT);
	const char *ats = json_get_str(member(snap, "tenant", JSON_OBJECT), "name");
	const char *cycle_title = json_get_str(cyc, "title");
	const json_value *sections = member(snap, "sections", JSON_ARRAY);
	d.groups = member(snap, "groups", JSON_ARRAY);
	if (!int_member(cyc, "start_year", &d.start_year) || !int_member(cyc, "end_year", &d.end_year) ||
	    d.start_year > d.end_year)
		d.start_year = d.end_year = 0;

	render_head(&d, ats, cycle_title);
	render_title_page(&d, snap, ats, cycle_title);
	render_index(&d, sections);
	html_raw(h, "<main>\n");
	render_sections(&d, sections);
	render_finance(&d, snap);
	render_norms(&d);
	render_glossary(&d);
	html_raw(h, "</main>\n<footer class=\"solo-schermo\"><p class=\"torna\"><a href=\"#sommario\">↑ Sommario</a>"
	            "</p></footer>\n</body>\n</html>\n");
}
