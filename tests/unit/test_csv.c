/* The CSV writer against literal bytes: when a field is quoted, how quotes
 * are doubled, CR and LF inside a field, Italian text passed through intact,
 * empty and NULL fields, the byte-order mark and record ends. */
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "check.h"

#define OUT_MAX 4096

typedef struct {
	char buf[OUT_MAX];
	size_t len;
} out;

static void sink(void *ctx, const void *buf, size_t len)
{
	out *o = ctx;
	if (o->len + len >= OUT_MAX)
		abort();
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

/* One record of the n fields, as written by csv_fields and csv_end. */
static const char *record(out *o, const char *const *fields, size_t n)
{
	csv_writer w;
	o->len = 0;
	o->buf[0] = '\0';
	csv_init(&w, sink, o);
	csv_fields(&w, fields, n);
	csv_end(&w);
	return o->buf;
}

#define RECORD(o, ...)                                                                                                 \
	record(o, (const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

int main(void)
{
	static out o;

	CHECK_STR(RECORD(&o, "a", "b", "c"), "a,b,c\r\n", "plain fields: bare, comma-separated, CRLF");
	{
		csv_writer nw;
		o.len = 0;
		csv_init(&nw, sink, &o);
		csv_field(&nw, "OS1-A6");
		csv_number(&nw, "1500.00");
		csv_number(&nw, "-3");
		csv_end(&nw);
		CHECK_STR(o.buf, "OS1-A6,1500.00,-3\r\n", "codes and amounts stay bare (dot decimal)");
	}
	CHECK_STR(RECORD(&o, "uno, due", "x"), "\"uno, due\",x\r\n", "a comma makes a quoted field");
	CHECK_STR(RECORD(&o, "il \"Piano\""), "\"il \"\"Piano\"\"\"\r\n", "quotes are doubled inside quotes");
	CHECK_STR(RECORD(&o, "\""), "\"\"\"\"\r\n", "a lone quote");
	CHECK_STR(RECORD(&o, "\"\"x"), "\"\"\"\"\"x\"\r\n", "leading quotes");
	CHECK_STR(RECORD(&o, "riga 1\nriga 2", "z"), "\"riga 1\nriga 2\",z\r\n", "LF inside a field: quoted, kept");
	CHECK_STR(RECORD(&o, "a\r\nb"), "\"a\r\nb\"\r\n", "CRLF inside a field: quoted, kept");
	CHECK_STR(RECORD(&o, "solo\r"), "\"solo\r\"\r\n", "a lone CR: quoted");
	CHECK_STR(RECORD(&o, "Città di Porto Sant'Elpidio", "perché è più così"),
	          "Citt\xC3\xA0 di Porto Sant'Elpidio,perch\xC3\xA9 \xC3\xA8 "
	          "pi\xC3\xB9 cos\xC3\xAC\r\n",
	          "Italian text: UTF-8 bytes unchanged, apostrophe needs no quotes");
	CHECK_STR(RECORD(&o, "ATS demo 1 — Monte, \"Pietà\""),
	          "\"ATS demo 1 \xE2\x80\x94 Monte, \"\"Piet\xC3\xA0\"\"\"\r\n",
	          "Italian text with a dash, comma and quotes");
	CHECK_STR(RECORD(&o, "", "x", ""), ",x,\r\n", "empty fields");
	CHECK_STR(RECORD(&o, NULL, "x", NULL), ",x,\r\n", "NULL fields are empty fields");
	CHECK_STR(RECORD(&o, "a", NULL, NULL), "a,,\r\n", "trailing NULLs keep their commas");
	CHECK_STR(RECORD(&o, " spazio "), " spazio \r\n", "spaces are data: kept, not quoted");

	/* Several records, a BOM first, and csv_fieldf. */
	csv_writer w;
	o.len = 0;
	csv_init(&w, sink, &o);
	csv_bom(&w);
	csv_field(&w, "tenant");
	csv_field(&w, "B1 amount_eur");
	csv_end(&w);
	csv_field(&w, "ats-1");
	csv_fieldf(&w, "%lld.%02lld", 1234LL, 5LL);
	csv_end(&w);
	CHECK(o.len == 3 + 22 + 15, "BOM and two records: %zu bytes", o.len);
	CHECK(memcmp(o.buf, "\xEF\xBB\xBFtenant,B1 amount_eur\r\nats-1,1234.05\r\n", o.len) == 0,
	      "BOM EF BB BF, then the records");

	/* Embedded bytes are counted, not NUL-terminated. */
	o.len = 0;
	csv_init(&w, sink, &o);
	csv_fieldn(&w, "ab,cd", 2);
	csv_fieldn(&w, "x\"y", 3);
	csv_end(&w);
	CHECK_STR(o.buf, "ab,\"x\"\"y\"\r\n", "csv_fieldn writes exactly len bytes");

	/* Formula injection: a text cell that a spreadsheet would evaluate gets
	 * a leading apostrophe; number cells stay bare. */
	CHECK_STR(RECORD(&o, "=1+1", "+39 071", "-12.50", "@SUM(A1)"), "'=1+1,'+39 071,'-12.50,'@SUM(A1)\r\n",
	          "text starting with = + - @ is neutralised");
	CHECK_STR(RECORD(&o, "\tx", "\rx"), "'\tx,\"'\rx\"\r\n", "leading tab and CR are neutralised");
	CHECK_STR(RECORD(&o, "=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n",
	          "the apostrophe goes inside the quotes");
	CHECK_STR(RECORD(&o, "a=b", "1-2", " =x"), "a=b,1-2, =x\r\n", "only the first character counts");
	o.len = 0;
	csv_init(&w, sink, &o);
	csv_number(&w, "-12.50");
	csv_number(&w, "0");
	csv_numbern(&w, "-7xyz", 2);
	csv_fieldf(&w, "%lld", -5LL);
	csv_number(&w, "=1+1");
	csv_number(&w, "-");
	csv_number(&w, "-1.");
	csv_number(&w, "12e3");
	csv_number(&w, NULL);
	csv_end(&w);
	CHECK_STR(o.buf, "-12.50,0,-7,-5,'=1+1,'-,'-1.,12e3,\r\n",
	          "numbers stay bare; what is not a plain number is text, neutralised");
	return check_done();
}
