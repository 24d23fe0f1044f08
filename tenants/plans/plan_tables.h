/* The tables of a plan's pages, edited as rows of form fields: a section's
 * indicators and spending lines, the plan's income lines. A table is read
 * from the stored rows or from a form, written as the JSON array the API's
 * body would carry (so the API's own parser judges it), given back the
 * parser's errors on its cells, and shown as a table of fields with a
 * "remove" checkbox per row and a few blank rows (righe.js adds more). */
#ifndef AMBITO_PLAN_TABLES_H
#define AMBITO_PLAN_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/field_errors.h"
#include "base/html.h"
#include "base/json.h"
#include "cycles/cycles.h"
#include "tenants/plans/plans.h"
#include "web/web.h"

#define PLAN_TABLE_BLANK_ROWS 3       /* blank rows under the filled ones */
#define PLAN_TABLE_FORM_ROWS_MAX 1000 /* row indexes read from a form */

/* PT_VALUE: an indicator's baseline or target, sent as a JSON number when
 * it reads as a plain decimal (a comma for the decimal point too), as text
 * otherwise. PT_HIDDEN: carried in a hidden field (an indicator's id). */
typedef enum { PT_TEXT, PT_KIND, PT_YEAR, PT_MONEY, PT_FUNDING, PT_VALUE, PT_HIDDEN } plan_table_type;

typedef struct plan_table_col {
	const char *key;   /* the JSON member, and the form field's suffix */
	const char *label; /* the column's heading */
	plan_table_type type;
	bool required;
	long long max_chars; /* PT_TEXT */
} plan_table_col;

typedef struct plan_table {
	const char *block;   /* "indicators", "spending", "income": the JSON key */
	const char *caption; /* "Indicatori" */
	const plan_table_col *cols;
	size_t ncols;
	const char ***cells;  /* [row][col]: the text of the field */
	const char ***errors; /* [row][col]: the error beside it, or NULL */
	size_t nrows;
	size_t *json_row; /* JSON index -> row, set by plan_table_write */
	size_t njson;
	const char *error; /* about the table as a whole, or NULL */
	size_t nerrors;
} plan_table;

/* The tables from stored rows, cells as the page shows them (amounts in
 * Italian: "1.234,56"). */
void plan_table_indicators(plan_table *t, arena *a, const plan_indicator *rows, size_t n);
void plan_table_spending(plan_table *t, arena *a, const plan_spending *rows, size_t n);
void plan_table_income(plan_table *t, arena *a, const plan_income *rows, size_t n);
/* Replaces t's rows with the form's "block[i].key" fields, in index order;
 * rows ticked "block[i].rimuovi" and blank rows are dropped. False, t left
 * as it was, when the form has no field of the table at all (a form that
 * never showed it must not empty it). */
bool plan_table_read_form(plan_table *t, arena *a, const web_form *f);
/* Writes "block": [ … ] for the API's parser: amounts read as Italian text
 * (money_parse_it; one that is not gets its error on its cell here), years
 * as numbers when they are digits, blank optional cells left out. */
void plan_table_write(plan_table *t, arena *a, jw *w);
/* Puts the parser's errors under "block" on their cells, in Italian;
 * returns how many of e's errors were t's. */
size_t plan_table_take_errors(plan_table *t, arena *a, const field_errors *e, const cycle *c);
/* Appends t's errors to a form's error summary (ids link to the cells);
 * returns the new count. ids and msgs have room for t->nerrors more. */
size_t plan_table_summary(const plan_table *t, arena *a, const char **ids, const char **msgs, size_t n);
/* The table: fields when editable (inside the caller's form), else text. */
void plan_table_render(html *h, arena *a, const plan_table *t, const cycle_catalog *cat, bool editable);

#endif
