/* RFC 4180 output. Quoting is decided per field: only fields that need it
 * are quoted, so numbers and codes stay bare and easy to read. Text cells
 * that would start a spreadsheet formula get a leading apostrophe; number
 * cells (csv_number) are written as they are, so -12.50 stays a number. */
#include "base/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CSV_NUMBER_MAX 64 /* longest csv_fieldf output kept on the stack */

void csv_init(csv_writer *w, csv_sink sink, void *ctx)
{
	w->sink = sink;
	w->ctx = ctx;
	w->in_record = false;
}

void csv_bom(csv_writer *w)
{
	w->sink(w->ctx, CSV_BOM, sizeof(CSV_BOM) - 1);
}

static bool needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

/* A text cell a spreadsheet would take for a formula (OWASP, CSV
 * injection): = + - @ start one in Calc and Excel, and a leading tab or CR
 * is dropped by some importers, which then see the character after it. */
static bool starts_formula(const char *s, size_t len)
{
	return len > 0 && strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
}

/* A plain decimal number: -?digits(.digits)? — what csv_number writes bare. */
static bool is_number(const char *s, size_t len)
{
	size_t i = len > 0 && s[0] == '-' ? 1 : 0, digits = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (digits == 0)
		return false;
	if (i < len && s[i] == '.') {
		size_t frac = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == frac)
			return false;
	}
	return i == len;
}

static void write_cell(csv_writer *w, const char *s, size_t len, bool text)
{
	if (w->in_record)
		w->sink(w->ctx, ",", 1);
	w->in_record = true;
	if (s == NULL || len == 0)
		return;
	/* The apostrophe makes the spreadsheet show the cell as text, and is
	 * inside the quotes when the cell is quoted. */
	bool mark = text && starts_formula(s, len), quoted = needs_quotes(s, len);
	if (quoted)
		w->sink(w->ctx, "\"", 1);
	if (mark)
		w->sink(w->ctx, "'", 1);
	if (!quoted) {
		w->sink(w->ctx, s, len);
		return;
	}
	const char *end = s + len;
	for (const char *q; (q = memchr(s, '"', (size_t)(end - s))) != NULL; s = q + 1) {
		w->sink(w->ctx, s, (size_t)(q - s) + 1); /* up to and with the quote */
		w->sink(w->ctx, "\"", 1);                /* ... which is doubled */
	}
	if (end > s)
		w->sink(w->ctx, s, (size_t)(end - s));
	w->sink(w->ctx, "\"", 1);
}

void csv_fieldn(csv_writer *w, const char *s, size_t len)
{
	write_cell(w, s, len, true);
}

void csv_field(csv_writer *w, const char *s)
{
	csv_fieldn(w, s, s != NULL ? strlen(s) : 0);
}

void csv_numbern(csv_writer *w, const char *s, size_t len)
{
	write_cell(w, s, len, s == NULL || !is_number(s, len));
}

void csv_number(csv_writer *w, const char *s)
{
	csv_numbern(w, s, s != NULL ? strlen(s) : 0);
}

void csv_fieldf(csv_writer *w, const char *fmt, ...)
{
	char buf[CSV_NUMBER_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	csv_numbern(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void csv_fields(csv_writer *w, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_field(w, fields[i]);
}

void csv_end(csv_writer *w)
{
	w->sink(w->ctx, "\r\n", 2);
	w->in_record = false;
}
