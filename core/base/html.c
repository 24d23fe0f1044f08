/* HTML writer and Italian formats for the printable documents. Every byte of
 * data goes through html_text, so a text an ATS user wrote with "<script>"
 * in it can only ever read as text. */
#include "base/html.h"

#include <ctype.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"

#define SECONDS_PER_DAY 86400LL
#define UTC_TO_CET 3600LL  /* Italy: UTC+1 in winter */
#define UTC_TO_CEST 7200LL /* UTC+2 in summer */

struct html {
	arena *a;
	html_sink sink;
	void *ctx;
};

static const char *const months[] = {"gennaio", "febbraio", "marzo",     "aprile",  "maggio",   "giugno",
                                     "luglio",  "agosto",   "settembre", "ottobre", "novembre", "dicembre"};

html *html_new(arena *a, html_sink sink, void *ctx)
{
	html *h = arena_alloc(a, sizeof(*h));
	*h = (html){a, sink, ctx};
	return h;
}

arena *html_arena(html *h)
{
	return h->a;
}

static void put(html *h, const char *s, size_t n)
{
	if (n > 0)
		h->sink(h->ctx, s, n);
}

void html_raw(html *h, const char *markup)
{
	put(h, markup, strlen(markup));
}

void html_rawf(html *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(h->a, fmt, ap);
	va_end(ap);
	html_raw(h, s);
}

/* The replacement of one byte, or NULL when it is written as it is; "" drops it. */
static const char *escape_of(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t':
	case '\n':
	case '\r': return NULL;
	default: return c < 0x20 || c == 0x7f ? "" : NULL;
	}
}

/* 1 for the bytes escape_of replaces or drops, 0 for those written as they are. */
static const unsigned char escaped[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The first i' >= i with s[i'] marked in escaped[], or n. With SSE2 (every
 * x86-64) 16 bytes at a time: those of the five characters, DEL, and below
 * 0x20 (tab, newline and carriage return among them, then passed over by
 * the caller); the rest byte by byte. */
static size_t next_escaped(const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
	              quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\''), del = _mm_set1_epi8(0x7f),
	              ctl = _mm_set1_epi8(0x1f);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
		                         _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)));
		m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, apos), _mm_cmpeq_epi8(v, del)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v)); /* v <= 0x1f, unsigned */
		int mask = _mm_movemask_epi8(m);
		if (mask != 0)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	while (i < n && !escaped[(unsigned char)s[i]])
		i++;
	return i;
}

void html_textn(html *h, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = next_escaped(s, 0, n); i < n; i = next_escaped(s, i + 1, n)) {
		if (!escaped[(unsigned char)s[i]])
			continue; /* tab, newline, carriage return */
		const char *rep = escape_of((unsigned char)s[i]);
		put(h, s + start, i - start);
		put(h, rep, strlen(rep));
		start = i + 1;
	}
	put(h, s + start, n - start);
}

void html_text(html *h, const char *s)
{
	if (s != NULL)
		html_textn(h, s, strlen(s));
}

void html_elem(html *h, const char *tag, const char *cls, const char *text)
{
	if (cls != NULL)
		html_rawf(h, "<%s class=\"%s\">", tag, cls);
	else
		html_rawf(h, "<%s>", tag);
	html_text(h, text);
	html_rawf(h, "</%s>", tag);
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

void html_paragraphs(html *h, const char *s)
{
	if (s == NULL)
		return;
	bool in_p = false;    /* a <p> is open */
	bool pending = false; /* a line was written: the next one needs <br> */
	while (*s != '\0') {
		size_t n = strcspn(s, "\n");
		size_t len = n;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (blank_line(s, len)) {
			if (in_p)
				html_raw(h, "</p>\n");
			in_p = pending = false;
		} else {
			if (!in_p)
				html_raw(h, "<p>");
			else if (pending)
				html_raw(h, "<br>\n");
			html_textn(h, s, len);
			in_p = pending = true;
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	if (in_p)
		html_raw(h, "</p>\n");
}

/* ---------------------------------------------------------------- numbers */

const char *html_int(arena *a, long long v)
{
	char buf[MONEY_TEXT_MAX];
	return arena_strndup(a, buf, money_group_it(buf, v));
}

/* ---------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static long long days_from_civil(long long y, long long m, long long d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool days_in_range(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m != 2 || d <= 28 || leap;
}

static bool read_date(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) < 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	return days_in_range(*y, *m, *d);
}

const char *html_date(arena *a, const char *iso)
{
	int y, m, d;
	if (!read_date(iso, &y, &m, &d))
		return NULL;
	return arena_printf(a, "%d %s %d", d, months[m - 1], y);
}

/* The UTC instant (seconds) at which summer time starts or ends in year y:
 * 01:00 UTC on the last Sunday of March or October (EU rule since 1996). */
static long long last_sunday_0100(int y, int month)
{
	long long last = days_from_civil(y, month, 31);
	long long weekday = ((last % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday; Sunday is 0 */
	return (last - weekday) * SECONDS_PER_DAY + 3600;
}

/* Seconds of local Italian time at the UTC instant at (summer time or not). */
static long long italy_local(long long at, int y)
{
	bool summer = at >= last_sunday_0100(y, 3) && at < last_sunday_0100(y, 10);
	return at + (summer ? UTC_TO_CEST : UTC_TO_CET);
}

static long long floor_days(long long secs)
{
	return secs >= 0 ? secs / SECONDS_PER_DAY : (secs - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
}

void html_date_in_italy(long long t, char out[HTML_ISO_DATE_LEN + 1])
{
	int y, m, d;
	civil_from_days(floor_days(t), &y, &m, &d);
	civil_from_days(floor_days(italy_local(t, y)), &y, &m, &d);
	snprintf(out, HTML_ISO_DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
}

const char *html_datetime(arena *a, const char *utc)
{
	int y, mo, d;
	if (!read_date(utc, &y, &mo, &d) || (utc[10] != 'T' && utc[10] != ' '))
		return NULL;
	const char *t = utc + 11;
	for (int i = 0; i < 8; i++)
		if (i == 2 || i == 5 ? t[i] != ':' : !isdigit((unsigned char)t[i]))
			return NULL;
	int hh = atoi(t), mm = atoi(t + 3), ss = atoi(t + 6);
	if (hh > 23 || mm > 59 || ss > 60)
		return NULL;
	const char *rest = t + 8;
	if (*rest == '.')
		rest += 1 + strspn(rest + 1, "0123456789");
	if (strcmp(rest, "Z") != 0 && *rest != '\0')
		return NULL;
	long long at = days_from_civil(y, mo, d) * SECONDS_PER_DAY + hh * 3600LL + mm * 60LL + ss;
	long long local = italy_local(at, y);
	long long days = floor_days(local);
	long long secs = local - days * SECONDS_PER_DAY;
	civil_from_days(days, &y, &mo, &d);
	return arena_printf(a, "%d %s %d, ore %02lld:%02lld", d, months[mo - 1], y, secs / 3600, secs % 3600 / 60);
}

const char *html_rome_utc(arena *a, const char *date, int hh, int mm, int ss)
{
	int y, mo, d;
	if (!read_date(date, &y, &mo, &d) || date[10] != '\0' || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 59)
		return NULL;
	long long local = days_from_civil(y, mo, d) * SECONDS_PER_DAY + hh * 3600LL + mm * 60LL + ss;
	/* Summer time if the instant, read as summer time, falls in summer. */
	long long at = local - UTC_TO_CEST;
	if (!(at >= last_sunday_0100(y, 3) && at < last_sunday_0100(y, 10)))
		at = local - UTC_TO_CET;
	long long days = at >= 0 ? at / SECONDS_PER_DAY : (at - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
	long long secs = at - days * SECONDS_PER_DAY;
	civil_from_days(days, &y, &mo, &d);
	return arena_printf(a, "%04d-%02d-%02dT%02lld:%02lld:%02lldZ", y, mo, d, secs / 3600, secs % 3600 / 60,
	                    secs % 60);
}
