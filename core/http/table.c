/* Table answers in JSON, CSV or XLSX, streamed (see table.h). */
#include <string.h>

#include "base/log.h"
#include "base/money.h"
#include "http/table.h"

#define OUT_CHUNK (32 * 1024) /* bytes gathered before a chunk is handed on */

int table_format(http_req *r)
{
	const char *f = http_query(r, "format");
	if (f != NULL) {
		if (strcmp(f, "json") == 0)
			return TABLE_JSON;
		if (strcmp(f, "csv") == 0)
			return TABLE_CSV;
		if (strcmp(f, "xlsx") == 0)
			return TABLE_XLSX;
		field_errors *e = http_errors_new(r);
		field_errors_add(e, "format", "deve essere json, csv o xlsx");
		http_errors_answer(r, e, 400, NULL);
		return -1;
	}
	const char *acc = http_header_get(r, "Accept");
	if (acc != NULL && strstr(acc, TABLE_XLSX_TYPE) != NULL)
		return TABLE_XLSX;
	if (acc != NULL && strstr(acc, "text/csv") != NULL)
		return TABLE_CSV;
	return TABLE_JSON;
}

void table_init(table_out *t, http_req *r, int format)
{
	memset(t, 0, sizeof(*t));
	t->r = r;
	t->tab = format != TABLE_JSON;
	t->xlsx = format == TABLE_XLSX;
}

void table_to_sink(table_out *t, table_sink sink, void *ctx)
{
	t->sink = sink;
	t->sink_ctx = ctx;
}

/* ---------------------------------------------------------------- bytes */

static void out_write(table_out *t, const void *p, size_t n)
{
	if (t->sink != NULL)
		t->sink(t->sink_ctx, p, n);
	else
		http_stream_write(t->r, p, n);
}

static void flush(table_out *t)
{
	if (t->len > 0)
		out_write(t, t->buf, t->len);
	t->len = 0;
}

void table_put(table_out *t, const void *p, size_t n)
{
	if (t->len + n > OUT_CHUNK) {
		flush(t);
		if (n >= OUT_CHUNK) {
			out_write(t, p, n);
			return;
		}
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
}

void table_str(table_out *t, const char *s)
{
	table_put(t, s, strlen(s));
}

void table_jw_sink(void *ctx, const char *buf, size_t len)
{
	table_put(ctx, buf, len);
}

static void bytes_sink(void *ctx, const void *buf, size_t len)
{
	table_put(ctx, buf, len);
}

/* The text comes from the database, where only validated UTF-8 is stored;
 * quotes, backslashes and control characters are escaped. */
void table_json_str(table_out *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	table_put(t, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		table_put(t, run, (size_t)(s - run));
		char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
		if (ch == '"' || ch == '\\') {
			esc[1] = (char)ch;
			table_put(t, esc, 2);
		} else if (ch == '\n' || ch == '\r' || ch == '\t') {
			esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
			table_put(t, esc, 2);
		} else {
			table_put(t, esc, 6);
		}
		run = s + 1;
	}
	table_put(t, run, (size_t)(s - run));
	table_put(t, "\"", 1);
}

size_t table_fmt_int(char *buf, long long v)
{
	char tmp[24];
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + m % 10);
		m /= 10;
	} while (m > 0);
	if (v < 0)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

void table_put_int(table_out *t, long long v)
{
	char b[24];
	table_put(t, b, table_fmt_int(b, v));
}

void table_put_cents(table_out *t, int64_t c)
{
	char b[MONEY_TEXT_MAX];
	table_put(t, b, money_format(b, c));
}

/* ---------------------------------------------------------------- the answer */

bool table_open(table_out *t, const char *file, const char *sheet)
{
	http_req *r = t->r;
	t->buf = arena_alloc(r->a, OUT_CHUNK);
	if (t->xlsx && (t->x = xlsx_new(NULL, sheet)) == NULL) {
		http_problem(r, 500, "il foglio di calcolo non si può preparare");
		t->failed = true;
		return false;
	}
	if (t->sink != NULL) { /* built whole: the caller answers it */
		if (t->tab && !t->xlsx) {
			csv_init(&t->cw, bytes_sink, t);
			csv_bom(&t->cw);
		}
		return true;
	}
	if (t->tab)
		http_set_header(r, "Content-Disposition",
		                arena_printf(r->a, "attachment; filename=\"%s.%s\"", file, t->xlsx ? "xlsx" : "csv"));
	if (t->xlsx) {
		http_stream_begin(r, 200, TABLE_XLSX_TYPE);
	} else if (t->tab) {
		http_stream_begin(r, 200, "text/csv"); /* the server adds charset=utf-8 */
		csv_init(&t->cw, bytes_sink, t);
		csv_bom(&t->cw);
	} else {
		http_stream_begin(r, 200, "application/json");
	}
	return true;
}

void table_sheet(table_out *t, const char *name)
{
	if (t->xlsx)
		xlsx_sheet(t->x, name);
}

void table_close(table_out *t, bool json_failed)
{
	xlsx *x = t->x;
	t->x = NULL;
	if (x != NULL && xlsx_finish(x, bytes_sink, t) != 0) {
		log_msg(LOG_ERROR, "table: the spreadsheet of %s could not be written", t->r->path);
		http_problem(t->r, 500, "il foglio di calcolo non si può scrivere");
		t->failed = true;
	} else if (json_failed) {
		log_msg(LOG_ERROR, "table: the JSON writer failed on %s", t->r->path);
		http_problem(t->r, 500, "la risposta non si può codificare");
		t->failed = true;
	} else {
		flush(t);
	}
	if (t->sink == NULL)
		http_stream_end(t->r);
}

void table_fail(table_out *t, int rc, const char *what)
{
	xlsx_free(t->x);
	t->x = NULL;
	http_db_error(t->r, rc, what);
	t->failed = true;
	if (t->sink == NULL)
		http_stream_end(t->r);
}

/* ---------------------------------------------------------------- cells */

void table_textn(table_out *t, const char *s, size_t n)
{
	if (t->xlsx)
		xlsx_textn(t->x, s, n);
	else
		csv_fieldn(&t->cw, s, n);
}

void table_text(table_out *t, const char *s)
{
	table_textn(t, s, s ? strlen(s) : 0);
}

void table_int(table_out *t, long long v)
{
	char b[24];
	if (t->xlsx)
		xlsx_int(t->x, v);
	else
		csv_numbern(&t->cw, b, table_fmt_int(b, v));
}

void table_cents(table_out *t, int64_t c)
{
	char b[MONEY_TEXT_MAX];
	if (c == TABLE_NO_FIGURE)
		table_text(t, NULL);
	else if (t->xlsx)
		xlsx_money(t->x, c);
	else
		csv_numbern(&t->cw, b, money_format(b, c));
}

void table_amount(table_out *t, const char *dec)
{
	int64_t c;
	if (t->xlsx && dec != NULL && money_parse(dec, &c) == MONEY_OK)
		xlsx_money(t->x, c);
	else if (t->xlsx)
		xlsx_text(t->x, dec);
	else
		csv_number(&t->cw, dec);
}

void table_numtext(table_out *t, const char *s, size_t n)
{
	if (t->xlsx)
		xlsx_number_text(t->x, s, n);
	else
		csv_numbern(&t->cw, s, n);
}

void table_percent(table_out *t, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (t->xlsx)
		xlsx_percent_text(t->x, s, n);
	else
		csv_numbern(&t->cw, s, n);
}

void table_end(table_out *t)
{
	if (t->xlsx)
		xlsx_end_row(t->x);
	else
		csv_end(&t->cw);
}

void table_head(table_out *t, const char *const *names, const char *const *titles, const unsigned *widths, size_t n)
{
	if (t->xlsx) {
		xlsx_header(t->x, titles, widths, n);
		return;
	}
	csv_fields(&t->cw, names, n);
	csv_end(&t->cw);
}
