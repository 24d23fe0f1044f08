/* The XLSX writer's edges: a finished workbook is a zip handed over whole
 * and its private directory is gone; a text past Excel's cell limit is cut,
 * not refused; a row past the column limit fails the workbook (never a
 * silently short sheet) and still leaves nothing behind; a second sheet
 * starts at its own row 0, and a sheet name Excel refuses fails the
 * workbook. What a workbook
 * holds is read back by tests/integration/test_compare_pages.py and
 * test_monitoring.py. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xlsx.h"
#include "check.h"

typedef struct {
	size_t len;
	unsigned char head[4];
} out;

static void sink(void *ctx, const void *buf, size_t len)
{
	out *o = ctx;
	for (size_t i = 0; i < len && o->len + i < 4; i++)
		o->head[o->len + i] = ((const unsigned char *)buf)[i];
	o->len += len;
}

static size_t entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/ambito-test-xlsx-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	xlsx *x = xlsx_new(dir, "Copertura per azione");
	CHECK(x != NULL, "a workbook starts");
	CHECK(entries(dir) == 1, "in a directory of its own");
	static const char *const titles[] = {"ATS", "Spesa (€)", "Unità"};
	xlsx_header(x, titles, NULL, 3);
	xlsx_text(x, "Ambito Territoriale Sociale 20 – Porto Sant'Elpidio");
	xlsx_money(x, 123456);
	xlsx_number_text(x, "-3 punti", 8);
	xlsx_end_row(x);
	size_t big = XLSX_CELL_BYTES_MAX + 1000;
	char *text = malloc(big);
	for (size_t i = 0; i + 1 < big; i += 2) {
		text[i] = (char)0xC3; /* "à" again and again: a cut must not split one */
		text[i + 1] = (char)0xA0;
	}
	xlsx_textn(x, text, big);
	xlsx_end_row(x);
	out o = {0};
	CHECK(xlsx_finish(x, sink, &o) == 0, "a text past the cell limit is cut, the workbook is written");
	CHECK(o.len > 100 && memcmp(o.head, "PK\x03\x04", 4) == 0, "the bytes are a zip archive");
	CHECK(entries(dir) == 0, "nothing is left behind");

	x = xlsx_new(dir, "Troppe colonne");
	for (size_t i = 0; i <= XLSX_COLS_MAX; i++)
		xlsx_int(x, (long long)i);
	xlsx_end_row(x);
	o = (out){0};
	CHECK(xlsx_finish(x, sink, &o) == -1, "a row past the column limit fails the workbook");
	CHECK(o.len == 0, "and nothing is handed over");
	CHECK(entries(dir) == 0, "nothing is left behind either");

	x = xlsx_new(dir, "Indicatori");
	xlsx_header(x, titles, NULL, 3);
	xlsx_percent_text(x, "75.00", 5);
	xlsx_percent_text(x, "n.d.", 4);
	xlsx_end_row(x);
	xlsx_sheet(x, "Spesa");
	xlsx_header(x, titles, NULL, 3); /* row 0 of the new sheet */
	xlsx_money(x, 150050);
	xlsx_end_row(x);
	o = (out){0};
	CHECK(xlsx_finish(x, sink, &o) == 0, "a workbook of two sheets is written");
	CHECK(entries(dir) == 0, "and leaves nothing behind");

	x = xlsx_new(dir, "Indicatori");
	xlsx_sheet(x, "Spesa/anno"); /* '/' is not allowed in a sheet's name */
	xlsx_text(x, "x");
	xlsx_end_row(x);
	o = (out){0};
	CHECK(xlsx_finish(x, sink, &o) == -1, "a sheet Excel refuses fails the workbook");
	CHECK(o.len == 0 && entries(dir) == 0, "nothing handed over, nothing left");

	x = xlsx_new(dir, "Abbandonato");
	xlsx_text(x, "x");
	xlsx_free(x);
	xlsx_free(NULL);
	CHECK(entries(dir) == 0, "a dropped workbook leaves nothing");
	free(text);
	rmdir(dir);
	return check_done();
}
