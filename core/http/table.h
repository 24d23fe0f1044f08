/* Tables answered in three forms: JSON (written by the caller through the
 * stream), CSV for programs and XLSX for people. The form comes from
 * ?format= or Accept (table_format); the answer is streamed in chunks, so a
 * table of 600 tenants never sits whole in memory. The cells (table_text,
 * table_int, table_cents …) write the same row as CSV or as spreadsheet
 * cells: numbers as numbers, amounts with the euro format. Shared by the
 * Region's comparisons and the monitoring comparison. */
#ifndef AMBITO_HTTP_TABLE_H
#define AMBITO_HTTP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/csv.h"
#include "base/xlsx.h"
#include "http/http.h"

/* The answer's form: ?format=json|csv|xlsx, else Accept (text/csv, or the
 * spreadsheet's type), else JSON. -1 after answering 400 naming format. */
enum { TABLE_JSON, TABLE_CSV, TABLE_XLSX };
#define TABLE_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
int table_format(http_req *r);

/* The format parameter of such a route, for the OpenAPI document. */
#define P_FORMAT_XLSX                                                                                                  \
	{                                                                                                              \
		"format", PARAM_QUERY, false,                                                                          \
		    "{\"type\":\"string\",\"enum\":[\"json\",\"csv\",\"xlsx\"],\"default\":\"json\"}",                 \
		    "csv: la stessa risposta in CSV (RFC 4180, UTF-8 con BOM), come con Accept: text/csv; xlsx: un "   \
		    "foglio di calcolo per le persone, come con Accept: " TABLE_XLSX_TYPE                              \
	}

/* A cell there is none of (written as an empty cell). */
#define TABLE_NO_FIGURE INT64_MIN

/* Where an answer built whole goes instead of the stream (table_to_sink). */
typedef void (*table_sink)(void *ctx, const void *buf, size_t len);

typedef struct table_out {
	http_req *r;
	bool tab;  /* a table: CSV or XLSX */
	bool xlsx; /* XLSX rather than CSV */
	table_sink sink; /* NULL: streamed */
	void *sink_ctx;
	bool failed; /* an error was answered after table_open */
	char *buf; /* bytes gathered before they go to the stream */
	size_t len;
	csv_writer cw;
	xlsx *x; /* the spreadsheet being written, XLSX only */
} table_out;

/* Sets the form (one of TABLE_*) before table_open. */
void table_init(table_out *t, http_req *r, int format);
/* After table_init: the answer's bytes go to sink rather than the stream,
 * built whole for a caller that answers them itself (a public answer with
 * its validators); no status, header or stream is touched, and an error is
 * still answered on r (t->failed then set). */
void table_to_sink(table_out *t, table_sink sink, void *ctx);

/* Starts the 200 answer: for CSV and XLSX the attachment named
 * file.csv or file.xlsx (file without its extension), the spreadsheet's
 * first sheet named sheet. False after answering 500 when the spreadsheet
 * cannot be started. */
bool table_open(table_out *t, const char *file, const char *sheet);
/* XLSX: the rows that follow go to a new sheet named name (then a header
 * again). CSV and JSON: nothing. */
void table_sheet(table_out *t, const char *name);

/* Raw bytes of the answer (the JSON form, written by the caller). */
void table_put(table_out *t, const void *p, size_t n);
void table_str(table_out *t, const char *s);
void table_json_str(table_out *t, const char *s); /* a JSON string of UTF-8 text */
void table_put_int(table_out *t, long long v);
void table_put_cents(table_out *t, int64_t cents); /* "1234.50" */
/* A sink for the JSON writer (jw_new(table_jw_sink, t)). */
void table_jw_sink(void *ctx, const char *buf, size_t len);
/* v in decimal into buf (at least 24 bytes), without printf: a table of
 * 600 tenants has some 50 000 numbers. Returns the length. */
size_t table_fmt_int(char *buf, long long v);

/* The header row: the machine names in a CSV (read by programs), the
 * Italian titles in a spreadsheet (read by people, bold and frozen),
 * widths in characters (0 the default; may be NULL). */
void table_head(table_out *t, const char *const *names, const char *const *titles, const unsigned *widths, size_t n);
/* The next cell of the row. */
void table_text(table_out *t, const char *s); /* NULL: an empty cell */
void table_textn(table_out *t, const char *s, size_t n);
void table_int(table_out *t, long long v);
void table_cents(table_out *t, int64_t cents); /* TABLE_NO_FIGURE: an empty cell */
/* A DECIMAL text as an amount (NULL an empty cell; as text when it cannot
 * be read). */
void table_amount(table_out *t, const char *dec);
/* A value that is a number when it is a plain one ("-3", "75.00"), text
 * otherwise ("-3 punti"). NULL: an empty cell. */
void table_numtext(table_out *t, const char *s, size_t n);
/* A percentage as a plain number of percent ("75.00"): that number in CSV,
 * a percentage cell in XLSX (0.75 shown as 75,00%). NULL: an empty cell. */
void table_percent(table_out *t, const char *s);
void table_end(table_out *t);

/* Ends the answer. A spreadsheet that cannot be written, or json_failed (the
 * caller's JSON writer failed), turns the answer into a cut one, never a
 * silently wrong one. */
void table_close(table_out *t, bool json_failed);
/* Fails a streamed answer half-way on a store error (the server then cuts
 * the connection). */
void table_fail(table_out *t, int rc, const char *what);

#endif
