/* An RFC 4180 CSV writer over any byte sink: fields separated by commas,
 * records ended by CRLF, a field quoted when it holds a comma, a quote, CR or
 * LF, quotes inside doubled. Bytes pass through unchanged, so UTF-8 text
 * stays intact (except the apostrophe before a text that would be a
 * formula); csv_bom() starts a file the way spreadsheets recognise. */
#ifndef AMBITO_CSV_H
#define AMBITO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define CSV_BOM "\xEF\xBB\xBF" /* U+FEFF in UTF-8 */

typedef void (*csv_sink)(void *ctx, const void *buf, size_t len);

/* A writer is a small value: declare one, csv_init it, no freeing. */
typedef struct csv_writer {
	csv_sink sink;
	void *ctx;
	bool in_record; /* a field was written since the last csv_end */
} csv_writer;

void csv_init(csv_writer *w, csv_sink sink, void *ctx);
/* The UTF-8 byte-order mark: LibreOffice Calc and Excel then read the file
 * as UTF-8 instead of the system's legacy code page. */
void csv_bom(csv_writer *w);
/* One text field. CSV has no null: NULL is written as an empty field, like
 * "". A text starting with = + - @, tab or CR would be read as a formula by
 * Calc and Excel (CSV injection): it is written with a leading apostrophe
 * ("-x" as '-x), which the spreadsheet shows as text. */
void csv_field(csv_writer *w, const char *s);
void csv_fieldn(csv_writer *w, const char *s, size_t len);
/* One number field (-?digits, optionally .digits), written as it is so that
 * a negative amount stays a number. Anything else is written as text. */
void csv_number(csv_writer *w, const char *s);
void csv_numbern(csv_writer *w, const char *s, size_t len);
/* A number field from a printf format (the C locale's dot decimal), as by
 * csv_number. */
void csv_fieldf(csv_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n fields, as by csv_field (no csv_end: more may follow). */
void csv_fields(csv_writer *w, const char *const *fields, size_t n);
/* Ends the record: CRLF. */
void csv_end(csv_writer *w);

#endif
