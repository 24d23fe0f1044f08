/* The tables of a plan's pages (see plan_tables.h). */
#include "tenants/plans/plan_tables.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"

#define YEAR_DIGITS_MAX 9 /* more is no year, and sent as text for the parser to refuse */

static const plan_table_col indicator_cols[] = {
    {"name", "Nome", PT_TEXT, true, PLAN_INDICATOR_NAME_MAX},
    {"kind", "Tipo", PT_KIND, true, 0},
    {"unit", "Unità di misura", PT_TEXT, false, PLAN_INDICATOR_FIELD_MAX},
    {"baseline", "Valore di partenza", PT_VALUE, false, PLAN_INDICATOR_FIELD_MAX},
    {"target", "Obiettivo", PT_VALUE, false, PLAN_INDICATOR_FIELD_MAX},
    {"source", "Fonte del dato", PT_TEXT, false, PLAN_INDICATOR_FIELD_MAX},
    {"id", "Identificativo", PT_HIDDEN, false, PLAN_INDICATOR_ID_MAX},
};

static const plan_table_col spending_cols[] = {
    {"service", "Servizio o intervento", PT_TEXT, true, PLAN_SERVICE_MAX},
    {"year", "Anno", PT_YEAR, true, 0},
    {"amount_eur", "Importo (euro)", PT_MONEY, true, 0},
    {"funding_source", "Fonte di finanziamento", PT_FUNDING, true, 0},
};

static const plan_table_col income_cols[] = {
    {"source", "Fonte di finanziamento", PT_FUNDING, true, 0},
    {"year", "Anno", PT_YEAR, true, 0},
    {"amount_eur", "Importo (euro)", PT_MONEY, true, 0},
    {"note", "Nota", PT_TEXT, false, PLAN_INCOME_NOTE_MAX},
};

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))

static void table_init(plan_table *t, arena *a, const char *block, const char *caption, const plan_table_col *cols,
                       size_t ncols, size_t nrows)
{
	*t = (plan_table){.block = block, .caption = caption, .cols = cols, .ncols = ncols, .nrows = nrows};
	t->cells = arena_calloc(a, nrows + 1, sizeof(*t->cells));
	t->errors = arena_calloc(a, nrows + 1, sizeof(*t->errors));
	for (size_t i = 0; i < nrows; i++) {
		t->cells[i] = arena_calloc(a, ncols, sizeof(char *));
		t->errors[i] = arena_calloc(a, ncols, sizeof(char *));
	}
}

/* "1500.00" -> "1.500,00"; the text itself when unreadable. */
static const char *amount_it(arena *a, const char *amount)
{
	int64_t cents;
	if (amount == NULL || money_parse(amount, &cents) != MONEY_OK)
		return amount;
	char buf[MONEY_TEXT_MAX];
	money_format_it(buf, cents);
	char *nbsp = strstr(buf, "\xc2\xa0");
	if (nbsp != NULL)
		*nbsp = '\0';
	return arena_strdup(a, buf);
}

static const char *year_text(arena *a, long long y)
{
	return y != 0 ? arena_printf(a, "%lld", y) : NULL;
}

void plan_table_indicators(plan_table *t, arena *a, const plan_indicator *rows, size_t n)
{
	table_init(t, a, "indicators", "Indicatori", indicator_cols, NCOLS(indicator_cols), n);
	for (size_t i = 0; i < n; i++) {
		const char **c = t->cells[i];
		c[0] = rows[i].name;
		c[1] = rows[i].kind;
		c[2] = rows[i].unit;
		c[3] = rows[i].baseline;
		c[4] = rows[i].target;
		c[5] = rows[i].source;
		c[6] = rows[i].id;
	}
}

void plan_table_spending(plan_table *t, arena *a, const plan_spending *rows, size_t n)
{
	table_init(t, a, "spending", "Spesa", spending_cols, NCOLS(spending_cols), n);
	for (size_t i = 0; i < n; i++) {
		const char **c = t->cells[i];
		c[0] = rows[i].service;
		c[1] = year_text(a, rows[i].year);
		c[2] = amount_it(a, rows[i].amount_eur);
		c[3] = rows[i].funding_source;
	}
}

void plan_table_income(plan_table *t, arena *a, const plan_income *rows, size_t n)
{
	table_init(t, a, "income", "Voci di entrata", income_cols, NCOLS(income_cols), n);
	for (size_t i = 0; i < n; i++) {
		const char **c = t->cells[i];
		c[0] = rows[i].source;
		c[1] = year_text(a, rows[i].year);
		c[2] = amount_it(a, rows[i].amount_eur);
		c[3] = rows[i].note;
	}
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* "block[12].key" -> 12 and key; false for any other name. */
static bool cell_name(const char *name, const char *block, size_t *row, const char **key)
{
	size_t bl = strlen(block);
	if (strncmp(name, block, bl) != 0 || name[bl] != '[' || !isdigit((unsigned char)name[bl + 1]))
		return false;
	const char *p = name + bl + 1;
	size_t v = 0;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (size_t)(*p - '0');
		if (v >= PLAN_TABLE_FORM_ROWS_MAX)
			return false;
		p++;
	}
	if (p[0] != ']' || p[1] != '.')
		return false;
	*row = v;
	*key = p + 2;
	return true;
}

bool plan_table_read_form(plan_table *t, arena *a, const web_form *f)
{
	size_t nidx = 0, row;
	const char *key;
	for (size_t i = 0; i < f->n; i++)
		if (cell_name(f->names[i], t->block, &row, &key) && row + 1 > nidx)
			nidx = row + 1;
	if (nidx == 0)
		return false;
	const char ***cells = arena_calloc(a, nidx + 1, sizeof(*cells));
	bool *removed = arena_calloc(a, nidx + 1, sizeof(bool));
	for (size_t i = 0; i < nidx; i++)
		cells[i] = arena_calloc(a, t->ncols, sizeof(char *));
	for (size_t i = 0; i < f->n; i++) {
		if (!cell_name(f->names[i], t->block, &row, &key))
			continue;
		if (strcmp(key, "rimuovi") == 0) {
			removed[row] = true;
			continue;
		}
		for (size_t c = 0; c < t->ncols; c++)
			if (strcmp(key, t->cols[c].key) == 0 && cells[row][c] == NULL)
				cells[row][c] = f->values[i];
	}
	size_t kept = 0;
	for (size_t i = 0; i < nidx; i++) {
		bool empty = true;
		for (size_t c = 0; c < t->ncols && empty; c++)
			empty = t->cols[c].type == PT_HIDDEN || blank(cells[i][c]);
		if (!removed[i] && !empty)
			cells[kept++] = cells[i];
	}
	const plan_table_col *cols = t->cols;
	size_t ncols = t->ncols;
	table_init(t, a, t->block, t->caption, cols, ncols, kept);
	for (size_t i = 0; i < kept; i++)
		memcpy(t->cells[i], cells[i], ncols * sizeof(char *));
	return true;
}

static bool all_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= YEAR_DIGITS_MAX && s[n] == '\0';
}

static void set_error(plan_table *t, size_t row, size_t col, const char *msg)
{
	if (t->errors[row][col] != NULL)
		return;
	t->errors[row][col] = msg;
	t->nerrors++;
}

static const char *const MONEY_HINT = "Scrivi un importo in euro non negativo, ad esempio 1.234,56.";

void plan_table_write(plan_table *t, arena *a, jw *w)
{
	t->json_row = arena_calloc(a, t->nrows + 1, sizeof(size_t));
	t->njson = 0;
	jw_key(w, t->block);
	jw_arr_begin(w);
	for (size_t i = 0; i < t->nrows; i++) {
		t->json_row[t->njson++] = i;
		jw_obj_begin(w);
		for (size_t c = 0; c < t->ncols; c++) {
			const plan_table_col *col = &t->cols[c];
			const char *v = t->cells[i][c];
			if (blank(v))
				continue; /* the parser says whether it was required */
			int64_t cents;
			switch (col->type) {
			case PT_YEAR:
				if (all_digits(v))
					jw_knum_text(w, col->key, v);
				else
					jw_kstr(w, col->key, v);
				break;
			case PT_MONEY:
				if (money_parse_it(v, &cents) == MONEY_OK && cents >= 0)
					jw_knum_text(w, col->key, money_text(a, cents));
				else
					set_error(t, i, c, MONEY_HINT);
				break;
			case PT_VALUE: {
				/* "12,5" is how an Italian writes 12.5 */
				char *dot = arena_strdup(a, v);
				char *comma = strchr(dot, ',');
				if (comma != NULL && strchr(comma + 1, ',') == NULL)
					*comma = '.';
				if (plan_decimal_text(dot))
					jw_knum_text(w, col->key, dot);
				else
					jw_kstr(w, col->key, v);
				break;
			}
			default: jw_kstr(w, col->key, v); break;
			}
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static const char *cell_message(arena *a, const plan_table_col *col, const cycle *c)
{
	switch (col->type) {
	case PT_KIND: return "Scegli se è un indicatore di processo o di risultato.";
	case PT_YEAR: return arena_printf(a, "Scrivi un anno del ciclo, dal %lld al %lld.", c->start_year, c->end_year);
	case PT_MONEY: return MONEY_HINT;
	case PT_FUNDING: return "Scegli una fonte di finanziamento del catalogo del ciclo.";
	case PT_TEXT:
	case PT_VALUE:
	case PT_HIDDEN: break;
	}
	return col->required ? arena_printf(a, "Obbligatorio, al massimo %s caratteri.", html_int(a, col->max_chars))
	                     : arena_printf(a, "Al massimo %s caratteri.", html_int(a, col->max_chars));
}

size_t plan_table_take_errors(plan_table *t, arena *a, const field_errors *e, const cycle *c)
{
	size_t bl = strlen(t->block), taken = 0;
	for (size_t k = 0; k < field_errors_kept(e); k++) {
		const char *field = field_errors_field(e, k);
		if (strncmp(field, t->block, bl) != 0 || (field[bl] != '\0' && field[bl] != '['))
			continue;
		taken++;
		size_t j;
		const char *key;
		if (!cell_name(field, t->block, &j, &key) || j >= t->njson) {
			if (t->error == NULL) {
				t->error =
				    arena_printf(a,
				                 "La tabella «%s» supera i limiti: al massimo %s righe e un totale "
				                 "entro 9.999.999.999.999,99 euro.",
				                 t->caption,
				                 html_int(a, strcmp(t->block, "indicators") == 0 ? PLAN_MAX_INDICATORS
				                             : strcmp(t->block, "spending") == 0 ? PLAN_MAX_SPENDING
				                                                                 : PLAN_MAX_INCOME));
				t->nerrors++;
			}
			continue;
		}
		size_t row = t->json_row[j];
		for (size_t col = 0; col < t->ncols; col++)
			if (strcmp(key, t->cols[col].key) == 0)
				set_error(t, row, col, cell_message(a, &t->cols[col], c));
	}
	return taken;
}

static const char *cell_id(arena *a, const plan_table *t, size_t row, size_t col)
{
	return arena_printf(a, "%s-%zu-%s", t->block, row, t->cols[col].key);
}

size_t plan_table_summary(const plan_table *t, arena *a, const char **ids, const char **msgs, size_t n)
{
	if (t->error != NULL) {
		ids[n] = NULL;
		msgs[n++] = t->error;
	}
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t c = 0; c < t->ncols; c++)
			if (t->errors[i][c] != NULL) {
				ids[n] = cell_id(a, t, i, c);
				msgs[n++] = arena_printf(a, "%s, riga %zu, %s: %s", t->caption, i + 1, t->cols[c].label,
				                         t->errors[i][c]);
			}
	return n;
}

static const char *kind_label(const char *kind)
{
	if (kind == NULL)
		return "";
	return strcmp(kind, "process") == 0 ? "processo" : strcmp(kind, "result") == 0 ? "risultato" : kind;
}

static const char *funding_label(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; code != NULL && i < cat->nfunding_sources; i++)
		if (cat->funding_sources[i].code != NULL && strcmp(cat->funding_sources[i].code, code) == 0)
			return cat->funding_sources[i].title;
	return code ? code : "";
}

/* Decimal digits of n, as %zu writes them (no grouping), into h. */
static void put_index(html *h, size_t n)
{
	char buf[24], *p = buf + sizeof(buf);
	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	html_raw(h, p);
}

/* Escaped into h, as html_text of the texts cell_id and the cell's field
 * name would format: a, the row, b between sep1 and sep2 (written straight,
 * without formatting a string first: the editor writes some hundreds). */
static void put_joined(html *h, const char *a, const char *sep1, size_t row, const char *sep2, const char *b)
{
	html_text(h, a);
	html_raw(h, sep1);
	put_index(h, row);
	html_raw(h, sep2);
	html_text(h, b);
}

static void option(html *h, const char *value, const char *label, const char *current)
{
	html_raw(h, "<option value=\"");
	html_text(h, value);
	html_raw(h, "\"");
	if (current != NULL && strcmp(current, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
	html_text(h, label);
	html_raw(h, "</option>");
}

static void cell_field(html *h, arena *a, const plan_table *t, size_t row, size_t col, const char *value,
                       const char *err, const cycle_catalog *cat)
{
	const plan_table_col *cl = &t->cols[col];
	(void)a;
#define PUT_ID() put_joined(h, t->block, "-", row, "-", cl->key) /* cell_id's text */
	html_raw(h, "<td><label class=\"visually-hidden\" for=\"");
	PUT_ID();
	html_raw(h, "\">");
	put_joined(h, cl->label, ", riga ", row + 1, "", "");
	html_raw(h, "</label>");
	bool select = cl->type == PT_KIND || cl->type == PT_FUNDING;
	html_raw(h, select ? "<select" : "<input type=\"text\"");
	if (cl->type == PT_YEAR)
		html_raw(h, " inputmode=\"numeric\" class=\"ambito-cell-year\"");
	else if (cl->type == PT_MONEY)
		html_raw(h, " inputmode=\"decimal\" class=\"ambito-cell-money\"");
	html_raw(h, " id=\"");
	PUT_ID();
	html_raw(h, "\" name=\"");
	put_joined(h, t->block, "[", row, "].", cl->key);
	html_raw(h, "\"");
	if (err != NULL) {
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-");
		PUT_ID();
		html_raw(h, "\"");
	}
	if (select) {
		html_raw(h, ">");
		option(h, "", "— scegli —", value);
		if (cl->type == PT_KIND) {
			option(h, "process", "processo", value);
			option(h, "result", "risultato", value);
		} else
			for (size_t i = 0; i < cat->nfunding_sources; i++)
				option(h, cat->funding_sources[i].code, cat->funding_sources[i].title, value);
		html_raw(h, "</select>");
	} else {
		html_raw(h, " value=\"");
		html_text(h, value ? value : "");
		html_raw(h, "\">");
	}
	if (err != NULL) {
		html_raw(h, "<p class=\"ambito-cell-error\" id=\"errore-");
		PUT_ID();
		html_raw(h, "\">");
		html_text(h, err);
		html_raw(h, "</p>");
	}
	html_raw(h, "</td>");
#undef PUT_ID
}

static size_t visible_cols(const plan_table *t)
{
	size_t n = 0;
	for (size_t c = 0; c < t->ncols; c++)
		n += t->cols[c].type != PT_HIDDEN;
	return n;
}

void plan_table_render(html *h, arena *a, const plan_table *t, const cycle_catalog *cat, bool editable)
{
	html_raw(h, "<div class=\"ambito-table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_text(h, t->caption);
	html_raw(h, "\"><table class=\"table ambito-table ambito-rows\"");
	if (editable)
		html_rawf(h, " data-righe=\"%s\" data-next=\"%zu\"", t->block, t->nrows + PLAN_TABLE_BLANK_ROWS);
	html_raw(h, "><caption class=\"visually-hidden\">");
	html_text(h, t->caption);
	html_raw(h, "</caption><thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].type == PT_HIDDEN)
			continue;
		html_raw(h, "<th scope=\"col\">");
		html_text(h, t->cols[c].label);
		html_raw(h, "</th>");
	}
	if (editable)
		html_raw(h, "<th scope=\"col\">Rimuovi</th>");
	html_raw(h, "</tr></thead><tbody>");
	if (!editable) {
		for (size_t i = 0; i < t->nrows; i++) {
			html_raw(h, "<tr>");
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[i][c];
				if (t->cols[c].type == PT_HIDDEN)
					continue;
				html_raw(h, t->cols[c].type == PT_MONEY ? "<td class=\"ambito-cell-money\">" : "<td>");
				html_text(h, t->cols[c].type == PT_KIND      ? kind_label(v)
				             : t->cols[c].type == PT_FUNDING ? funding_label(cat, v)
				                                             : (v ? v : ""));
				html_raw(h, "</td>");
			}
			html_raw(h, "</tr>");
		}
		if (t->nrows == 0)
			html_rawf(h, "<tr><td colspan=\"%zu\">Nessuna riga.</td></tr>", visible_cols(t));
		html_raw(h, "</tbody></table></div>");
		return;
	}
	for (size_t i = 0; i < t->nrows + PLAN_TABLE_BLANK_ROWS; i++) {
		html_rawf(h, "<tr data-riga=\"%zu\">", i);
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].type != PT_HIDDEN)
				cell_field(h, a, t, i, c, i < t->nrows ? t->cells[i][c] : NULL,
				           i < t->nrows ? t->errors[i][c] : NULL, cat);
		const char *id = arena_printf(a, "%s-%zu-rimuovi", t->block, i);
		html_raw(h, "<td>");
		/* Hidden fields live in the last cell: an <input> may not sit
		 * between the cells of a row. */
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].type == PT_HIDDEN) {
				const char *v = i < t->nrows ? t->cells[i][c] : NULL;
				html_raw(h, "<input type=\"hidden\" name=\"");
				put_joined(h, t->block, "[", i, "].", t->cols[c].key);
				html_raw(h, "\" value=\"");
				html_text(h, v ? v : "");
				html_raw(h, "\">");
			}
		html_raw(h, "<input type=\"checkbox\" class=\"ambito-remove\" id=\"");
		html_text(h, id);
		html_rawf(h, "\" name=\"%s[%zu].rimuovi\" value=\"1\"> <label for=\"", t->block, i);
		html_text(h, id);
		html_rawf(h, "\">Rimuovi<span class=\"visually-hidden\"> la riga %zu</span></label></td></tr>", i + 1);
	}
	html_raw(h, "</tbody></table></div>");
}
