/* The printable plan: the Italian HTML document of a published snapshot, as
 * the Comitato dei Sindaci approves it and the public reads it. It joins the
 * snapshot (what the ATS wrote, frozen) with the cycle's rules (part titles,
 * catalogue titles, norms, glossary) and the tenant's Comuni. The same
 * document prints the current draft, marked BOZZA on every page. What is
 * internal to the ATS and the Region (whether a submission came late, review
 * notes, comments) is never shown. */
#ifndef AMBITO_PLAN_HTML_H
#define AMBITO_PLAN_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "base/html.h"
#include "base/json.h"
#include "cycles/cycles.h"
#include "tenants/plans/plans.h"

typedef struct plan_html_comune {
	const char *istat_code, *name;
	long long population;
} plan_html_comune;

/* Everything the document shows. The snapshot is parsed JSON
 * ("ambito-plan-snapshot/1"); any field it lacks is left out of the page. */
typedef struct plan_html_input {
	const json_value *snapshot;
	const char *sha256;      /* lowercase hex of the snapshot's bytes */
	const char *json_path;   /* where the snapshot is served, for verification */
	const char *approved_at; /* DATETIME of the approving review, or NULL */
	const char *reference;   /* the cycle's reference acts, or NULL */
	const plan_html_comune *comuni;
	size_t ncomuni;
	const cycle_catalog *catalog;
	const cycle_template *template;
	const cycle_norm *norms;
	size_t nnorms;
	const cycle_glossary *glossary;
	/* The current draft rather than a published revision: marked BOZZA on
	 * every page, without revision, hash or approval; printed_at is when
	 * (DATETIME text). */
	bool draft;
	const char *printed_at;
	/* The published revisions with the updates that led to them (none
	 * shown when fewer than two: a plan never updated has no history). */
	const plan_history *history;
	size_t nhistory;
} plan_html_input;

/* CPU time one answer may spend parsing Markdown. Honest text parses at
 * about 10 MB/s, so a whole plan at every part's max_chars takes a fraction
 * of it; text built to be slow (thousands of nested quotes or brackets) runs
 * at 0.2-0.5 MB/s. Past it, the remaining parts are shown as plain
 * paragraphs: an answer's cost stays bounded whatever the plan holds. */
#define PLAN_MARKDOWN_BUDGET_NS (500LL * 1000 * 1000)

/* A part's Markdown as safe HTML (markdown_html, headings from top_heading),
 * while *spent_ns, the CPU time this answer has spent on Markdown, is under
 * PLAN_MARKDOWN_BUDGET_NS; plain paragraphs after. Adds what it spends. */
void plan_html_markdown(html *h, const char *text, int top_heading, long long *spent_ns);

/* Writes the whole document (<!DOCTYPE html> to </html>) to h. */
void plan_html_render(html *h, const plan_html_input *in);

#endif
