/* Spreadsheets for people: one worksheet written row by row with
 * libxlsxwriter, numbers as numbers, amounts with a euro number format, the
 * header row bold and frozen, text always a string cell (never a formula,
 * whatever it begins with). The workbook is built in a private directory of
 * its own and handed to a sink as bytes when finished; the directory and
 * its file are removed whatever happens. */
#ifndef AMBITO_XLSX_H
#define AMBITO_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Excel's own limits: rows of a sheet, and bytes of text a cell holds
 * (libxlsxwriter counts bytes). A longer text is cut there, at a character
 * boundary, and ends with XLSX_CUT_MARK so the cut shows. */
#define XLSX_ROWS_MAX 1048576
#define XLSX_CELL_BYTES_MAX 32767
#define XLSX_CUT_MARK " […]"
/* Columns a sheet may have (Excel: 16 384). */
#define XLSX_COLS_MAX 16384
/* A sheet's name: at most 31 characters, none of []:*?/\ */
#define XLSX_SHEET_NAME_MAX 31
/* The euro amounts' number format: Excel and Calc show it with the
 * reader's own separators (1.234,56 € in Italian). */
#define XLSX_EURO_FORMAT "#,##0.00\\ \"€\";\\-#,##0.00\\ \"€\""

/* Percentages' number format: two decimals (75,00% in Italian). */
#define XLSX_PERCENT_FORMAT "0.00%"

typedef struct xlsx xlsx;
typedef void (*xlsx_sink)(void *ctx, const void *buf, size_t len);

/* A workbook whose first sheet is named sheet (plain ASCII or UTF-8, see
 * XLSX_SHEET_NAME_MAX), its files under tmpdir (NULL: $TMPDIR or /tmp).
 * NULL when the directory or the workbook cannot be made. */
xlsx *xlsx_new(const char *tmpdir, const char *sheet);

/* The rows that follow go to a new sheet named name, from its row 0 (a
 * header again); the sheets before it are complete. A name Excel refuses
 * makes xlsx_finish fail. */
void xlsx_sheet(xlsx *x, const char *name);

/* The header row (row 0): titles, bold, frozen, with an autofilter over the
 * columns; widths is characters a column, 0 for the default (may be NULL). */
void xlsx_header(xlsx *x, const char *const *titles, const unsigned *widths, size_t n);
/* The next cell of the current row. */
void xlsx_text(xlsx *x, const char *s); /* NULL: a blank cell */
void xlsx_textn(xlsx *x, const char *s, size_t len);
void xlsx_int(xlsx *x, long long v);
void xlsx_money(xlsx *x, int64_t cents); /* euros with the euro format */
void xlsx_blank(xlsx *x);
/* A plain number (-?digits, optionally .digits, as csv_number takes) as a
 * number cell, anything else as text. */
void xlsx_number_text(xlsx *x, const char *s, size_t len);
/* A percentage written as a plain number of percent ("75.00", "-12.5") as
 * a number cell of its fraction (0.75) shown as a percentage (75,00%);
 * anything else as text. */
void xlsx_percent_text(xlsx *x, const char *s, size_t len);
/* Ends the current row. Rows past XLSX_ROWS_MAX are not written and make
 * xlsx_finish fail. */
void xlsx_end_row(xlsx *x);

/* Closes the workbook, hands its bytes to sink in pieces, removes the files
 * and frees x. 0, or -1 when anything failed (then sink may have had part of
 * the bytes). */
int xlsx_finish(xlsx *x, xlsx_sink sink, void *ctx);
/* Drops an unfinished workbook and its files. NULL does nothing. */
void xlsx_free(xlsx *x);

#endif
