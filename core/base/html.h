/* Building HTML documents safely: a writer that escapes every piece of text
 * it is given unless told the piece is markup, paragraphs from plain text,
 * and the Italian formats a printed document uses (1.234.567,89 €, 30 giugno
 * 2021). */
#ifndef AMBITO_HTML_H
#define AMBITO_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Where the writer's bytes go, in order (e.g. the answer's body). */
typedef void (*html_sink)(void *ctx, const char *buf, size_t len);

typedef struct html html;

/* The writer lives in a and needs no freeing. */
html *html_new(arena *a, html_sink sink, void *ctx);
arena *html_arena(html *h);

/* Markup written by the program itself: never pass data through these. */
void html_raw(html *h, const char *markup);
void html_rawf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text, escaped for element content and for double-quoted attribute values
 * alike (& < > " '). C0 control characters other than tab and line ends are
 * dropped: they have no place in a document. NULL writes nothing. */
void html_text(html *h, const char *s);
void html_textn(html *h, const char *s, size_t n);
/* "<tag>text</tag>", with class when not NULL; tag is markup, text is escaped. */
void html_elem(html *h, const char *tag, const char *cls, const char *text);
/* Plain text as paragraphs: a blank line starts a new <p>, a single line end
 * becomes <br>. Nothing is written for NULL or blank text. */
void html_paragraphs(html *h, const char *s);

/* ---- Italian formats; results live in a ---- */

/* Amounts of money: money_format_it (base/money.h). */
/* "25.000" */
const char *html_int(arena *a, long long v);
/* "30 giugno 2021" from text starting "YYYY-MM-DD"; NULL when it does not. */
const char *html_date(arena *a, const char *iso);
/* "30 giugno 2021, ore 12:00" in Italian time (CET/CEST) from an RFC 3339
 * UTC time or MariaDB DATETIME text (taken as UTC); NULL when unreadable. */
const char *html_datetime(arena *a, const char *utc);
/* The UTC instant "YYYY-MM-DDTHH:MM:SSZ" of hh:mm:ss Italian time on the
 * day date ("YYYY-MM-DD"); NULL when date is not one. */
const char *html_rome_utc(arena *a, const char *date, int hh, int mm, int ss);
/* The date in Italy (CET/CEST) at the Unix time t, as "YYYY-MM-DD". */
#define HTML_ISO_DATE_LEN 10
void html_date_in_italy(long long t, char out[HTML_ISO_DATE_LEN + 1]);

#endif
