/* The XLSX writer over libxlsxwriter, in constant-memory mode: each row goes
 * to an anonymous temporary file as soon as the next one starts, so a sheet
 * of 600 tenants' 30 000-character sections never sits whole in memory. The
 * one named file, the finished workbook, lives in a directory made for it
 * (mode 0700) and is removed with the directory before xlsx_finish returns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/log.h"
#include "base/xlsx.h"

#define XLSX_PATH_MAX 512
#define XLSX_READ_CHUNK (64 * 1024)

struct xlsx {
	char dir[XLSX_PATH_MAX], file[XLSX_PATH_MAX + sizeof("/foglio.xlsx")];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *euro, *percent;
	lxw_row_t row;
	lxw_col_t col;
	bool failed;
};

static void remove_files(xlsx *x)
{
	if (x->file[0] != '\0')
		unlink(x->file);
	if (x->dir[0] != '\0')
		rmdir(x->dir);
	x->file[0] = x->dir[0] = '\0';
}

xlsx *xlsx_new(const char *tmpdir, const char *sheet)
{
	xlsx *x = calloc(1, sizeof(*x));
	if (x == NULL)
		return NULL;
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = getenv("TMPDIR");
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	int n = snprintf(x->dir, sizeof(x->dir), "%s/ambito-xlsx-XXXXXX", tmpdir);
	if (n < 0 || (size_t)n >= sizeof(x->dir) || mkdtemp(x->dir) == NULL) {
		log_msg(LOG_ERROR, "xlsx: cannot make a directory under %s: %s", tmpdir, strerror(errno));
		x->dir[0] = '\0';
		goto fail;
	}
	snprintf(x->file, sizeof(x->file), "%s/foglio.xlsx", x->dir);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = x->dir, .use_zip64 = LXW_TRUE};
	x->wb = workbook_new_opt(x->file, &opt);
	if (x->wb == NULL)
		goto fail;
	x->ws = workbook_add_worksheet(x->wb, sheet);
	x->bold = workbook_add_format(x->wb);
	x->euro = workbook_add_format(x->wb);
	x->percent = workbook_add_format(x->wb);
	if (x->ws == NULL || x->bold == NULL || x->euro == NULL || x->percent == NULL)
		goto fail;
	format_set_bold(x->bold);
	format_set_text_wrap(x->bold);
	format_set_num_format(x->euro, XLSX_EURO_FORMAT);
	format_set_num_format(x->percent, XLSX_PERCENT_FORMAT);
	return x;
fail:
	xlsx_free(x);
	return NULL;
}

void xlsx_sheet(xlsx *x, const char *name)
{
	/* In constant-memory mode a sheet's rows are flushed as they are
	 * written: the previous sheet is finished and a new one starts. */
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
	if (ws == NULL) {
		log_msg(LOG_ERROR, "xlsx: cannot add the sheet %s", name);
		x->failed = true;
		return;
	}
	x->ws = ws;
	x->row = 0;
	x->col = 0;
}

void xlsx_free(xlsx *x)
{
	if (x == NULL)
		return;
	if (x->wb != NULL)
		workbook_close(x->wb); /* writes the file, which goes next */
	remove_files(x);
	free(x);
}

/* The cell to write, or false past the sheet's limits (the workbook then
 * fails at the end: a sheet is never silently short). */
static bool next_cell(xlsx *x, lxw_col_t *col)
{
	if (x->row >= XLSX_ROWS_MAX || x->col >= XLSX_COLS_MAX) {
		x->failed = true;
		return false;
	}
	*col = x->col++;
	return true;
}

static void check(xlsx *x, lxw_error e)
{
	if (e != LXW_NO_ERROR) {
		if (!x->failed)
			log_msg(LOG_ERROR, "xlsx: %s", lxw_strerror(e));
		x->failed = true;
	}
}

void xlsx_header(xlsx *x, const char *const *titles, const unsigned *widths, size_t n)
{
	for (size_t i = 0; i < n && i < XLSX_COLS_MAX; i++)
		check(x, worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
		                              widths != NULL && widths[i] > 0 ? widths[i] : 14, NULL));
	for (size_t i = 0; i < n; i++) {
		lxw_col_t c;
		if (next_cell(x, &c))
			check(x, worksheet_write_string(x->ws, x->row, c, titles[i], x->bold));
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	if (n > 0)
		check(x, worksheet_autofilter(x->ws, 0, 0, 0, (lxw_col_t)(n - 1)));
	xlsx_end_row(x);
}

void xlsx_textn(xlsx *x, const char *s, size_t len)
{
	lxw_col_t c;
	if (!next_cell(x, &c))
		return;
	if (s == NULL || len == 0) {
		return; /* nothing written is an empty cell */
	}
	char *buf;
	if (len > XLSX_CELL_BYTES_MAX) {
		size_t keep = XLSX_CELL_BYTES_MAX - (sizeof(XLSX_CUT_MARK) - 1);
		while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
			keep--; /* not inside a character */
		buf = malloc(keep + sizeof(XLSX_CUT_MARK));
		if (buf == NULL) {
			x->failed = true;
			return;
		}
		memcpy(buf, s, keep);
		memcpy(buf + keep, XLSX_CUT_MARK, sizeof(XLSX_CUT_MARK));
	} else {
		buf = malloc(len + 1);
		if (buf == NULL) {
			x->failed = true;
			return;
		}
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	check(x, worksheet_write_string(x->ws, x->row, c, buf, NULL));
	free(buf);
}

void xlsx_text(xlsx *x, const char *s)
{
	xlsx_textn(x, s, s ? strlen(s) : 0);
}

void xlsx_blank(xlsx *x)
{
	lxw_col_t c;
	next_cell(x, &c);
}

void xlsx_int(xlsx *x, long long v)
{
	lxw_col_t c;
	if (next_cell(x, &c))
		check(x, worksheet_write_number(x->ws, x->row, c, (double)v, NULL));
}

void xlsx_money(xlsx *x, int64_t cents)
{
	lxw_col_t c;
	/* cents / 100 is the double nearest the amount: Excel keeps 15
	 * significant digits, every amount of a Region's plans and more. */
	if (next_cell(x, &c))
		check(x, worksheet_write_number(x->ws, x->row, c, (double)cents / 100.0, x->euro));
}

static bool plain_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && s[i] == '-')
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0 || digits > 15)
		return false;
	if (i < len && s[i] == '.') {
		size_t frac = 0;
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			frac++;
		if (frac == 0)
			return false;
	}
	return i == len;
}

/* A plain number's cell, with format (NULL: none); text when it is not one. */
static void number_cell(xlsx *x, const char *s, size_t len, double scale, lxw_format *format)
{
	if (s == NULL || !plain_number(s, len)) {
		xlsx_textn(x, s, len);
		return;
	}
	char buf[40];
	memcpy(buf, s, len); /* plain_number bounds len to 34 */
	buf[len] = '\0';
	lxw_col_t c;
	if (next_cell(x, &c))
		check(x, worksheet_write_number(x->ws, x->row, c, strtod(buf, NULL) / scale, format));
}

void xlsx_number_text(xlsx *x, const char *s, size_t len)
{
	number_cell(x, s, len, 1.0, NULL);
}

void xlsx_percent_text(xlsx *x, const char *s, size_t len)
{
	number_cell(x, s, len, 100.0, x->percent);
}

void xlsx_end_row(xlsx *x)
{
	x->row++;
	x->col = 0;
}

int xlsx_finish(xlsx *x, xlsx_sink sink, void *ctx)
{
	int rc = -1;
	FILE *f = NULL;
	char *buf = NULL;
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR) {
		log_msg(LOG_ERROR, "xlsx: closing the workbook: %s", lxw_strerror(e));
		goto done;
	}
	if (x->failed)
		goto done;
	f = fopen(x->file, "rb");
	buf = malloc(XLSX_READ_CHUNK);
	if (f == NULL || buf == NULL)
		goto done;
	remove_files(x); /* the open file stays readable; nothing is left behind */
	size_t n;
	while ((n = fread(buf, 1, XLSX_READ_CHUNK, f)) > 0)
		sink(ctx, buf, n);
	if (!ferror(f))
		rc = 0;
done:
	if (f != NULL)
		fclose(f);
	free(buf);
	xlsx_free(x);
	return rc;
}
