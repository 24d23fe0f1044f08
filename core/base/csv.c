/* RFC 4180 output. Quoting is decided per field: only fields that need it
 * are quoted, so numbers and codes stay bare and easy to read. */
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

void csv_fieldn(csv_writer *w, const char *s, size_t len)
{
	if (w->in_record)
		w->sink(w->ctx, ",", 1);
	w->in_record = true;
	if (s == NULL || len == 0)
		return;
	if (!needs_quotes(s, len)) {
		w->sink(w->ctx, s, len);
		return;
	}
	w->sink(w->ctx, "\"", 1);
	const char *end = s + len;
	for (const char *q; (q = memchr(s, '"', (size_t)(end - s))) != NULL; s = q + 1) {
		w->sink(w->ctx, s, (size_t)(q - s) + 1); /* up to and with the quote */
		w->sink(w->ctx, "\"", 1);                /* ... which is doubled */
	}
	if (end > s)
		w->sink(w->ctx, s, (size_t)(end - s));
	w->sink(w->ctx, "\"", 1);
}

void csv_field(csv_writer *w, const char *s)
{
	csv_fieldn(w, s, s != NULL ? strlen(s) : 0);
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
	csv_fieldn(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
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
