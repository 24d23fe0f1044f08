/* libFuzzer harness for core/base/markdown.c: any bytes as a plan's text part
 * (up to the first NUL, as a C string), the first byte choosing the top
 * heading level, through markdown_html. Besides not crashing, the HTML must be
 * safe whatever the text: every '<' opens or closes a tag of a fixed list
 * (what CommonMark and the GFM tables, lists and strikethrough produce), with
 * attributes of a fixed list in double quotes; no '>' outside a tag; every
 * href, once its character references are decoded and the characters a
 * browser ignores are dropped, is relative or http, https or mailto;
 * headings are never above top_heading; and valid UTF-8 in gives valid
 * UTF-8 out. The checks are written here from the HTML, not from the
 * renderer's own tests. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/markdown.h"
#include "base/utf8.h"
#include "fuzz.h"

#define TOP_HEADING_CHOICES 7 /* 1..6, and 7 which must be kept to <h6> */

typedef struct {
	char *buf;
	size_t len, cap;
} out;

static void sink(void *ctx, const char *buf, size_t len)
{
	out *o = ctx;
	if (o->len + len + 1 > o->cap) {
		o->cap = (o->len + len + 1) * 2;
		o->buf = realloc(o->buf, o->cap);
		FUZZ_CHECK(o->buf != NULL, "out of memory");
	}
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static const char *const tags[] = {"p",     "br",    "em",    "strong",     "del", "a",    "ul", "ol", "li",
                                   "table", "thead", "tbody", "tr",         "th",  "td",   "h1", "h2", "h3",
                                   "h4",    "h5",    "h6",    "blockquote", "pre", "code", "hr", NULL};
static const char *const attrs[] = {"href", "title", "start", "align", "class", NULL};

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* The value as a browser reads it: character references decoded, then
 * leading and trailing C0 controls and spaces dropped and tabs and line ends
 * removed anywhere (the URL standard's preprocessing). */
static void url_as_read(const char *v, size_t n, char *dst, size_t cap)
{
	char tmp[4096];
	size_t t = 0;
	for (size_t i = 0; i < n && t + 1 < sizeof(tmp); i++) {
		if (v[i] == '&') {
			const char *semi = memchr(v + i, ';', n - i);
			FUZZ_CHECK(semi != NULL, "a bare '&' in an attribute: %.*s", (int)n, v);
			size_t len = (size_t)(semi - (v + i));
			long cp = -1;
			if (len > 2 && v[i + 1] == '#')
				cp = (v[i + 2] == 'x' || v[i + 2] == 'X') ? strtol(v + i + 3, NULL, 16)
				                                          : strtol(v + i + 2, NULL, 10);
			else if (len == 4 && strncmp(v + i, "&amp", 4) == 0)
				cp = '&';
			else if (len == 5 && strncmp(v + i, "&quot", 5) == 0)
				cp = '"';
			else if (len == 3 && (strncmp(v + i, "&lt", 3) == 0 || strncmp(v + i, "&gt", 3) == 0))
				cp = v[i + 1] == 'l' ? '<' : '>';
			FUZZ_CHECK(cp >= 0, "an unknown reference in an attribute: %.*s", (int)n, v);
			tmp[t++] = cp < 128 ? (char)cp : 'x';
			i += len;
		} else {
			tmp[t++] = v[i];
		}
	}
	size_t s = 0, e = t;
	while (s < e && (unsigned char)tmp[s] <= ' ')
		s++;
	while (e > s && (unsigned char)tmp[e - 1] <= ' ')
		e--;
	size_t d = 0;
	for (size_t i = s; i < e && d + 1 < cap; i++)
		if (tmp[i] != '\t' && tmp[i] != '\n' && tmp[i] != '\r')
			dst[d++] = tmp[i];
	dst[d] = '\0';
}

static void check_href(const char *v, size_t n)
{
	char url[4096];
	url_as_read(v, n, url, sizeof(url));
	size_t k = strcspn(url, ":/?#");
	if (url[k] != ':')
		return; /* relative */
	bool ok = (k == 4 && strncasecmp(url, "http", 4) == 0) || (k == 5 && strncasecmp(url, "https", 5) == 0) ||
	          (k == 6 && strncasecmp(url, "mailto", 6) == 0);
	FUZZ_CHECK(ok, "a link with the scheme of %s", url);
}

/* Checks the tag that starts at s ('<'); returns where it ends (after '>'). */
static const char *check_tag(const char *s, int top_heading)
{
	const char *p = s + 1;
	if (*p == '/')
		p++;
	size_t n = 0;
	while (isalnum((unsigned char)p[n]))
		n++;
	FUZZ_CHECK(in_list(tags, p, n), "a tag not in the list: %.40s", s);
	if (n == 2 && p[0] == 'h' && p[1] >= '1' && p[1] <= '6') {
		int want = top_heading < 6 ? top_heading : 6;
		FUZZ_CHECK(p[1] - '0' >= want, "<h%c> above the part's <h%d>", p[1], want);
	}
	p += n;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '>')
			return p + 1;
		if (p[0] == '/' && p[1] == '>')
			return p + 2;
		size_t an = 0;
		while (isalpha((unsigned char)p[an]))
			an++;
		FUZZ_CHECK(an > 0 && in_list(attrs, p, an), "an attribute not in the list: %.40s", p);
		FUZZ_CHECK(p[an] == '=' && p[an + 1] == '"', "an attribute without a quoted value: %.40s", p);
		const char *v = p + an + 2, *q = strchr(v, '"');
		FUZZ_CHECK(q != NULL, "an attribute value that never ends: %.40s", p);
		FUZZ_CHECK(memchr(v, '<', (size_t)(q - v)) == NULL && memchr(v, '>', (size_t)(q - v)) == NULL,
		           "'<' or '>' in an attribute: %.*s", (int)(q - v), v);
		if (an == 4 && strncmp(p, "href", 4) == 0)
			check_href(v, (size_t)(q - v));
		p = q + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int top = 1 + data[0] % TOP_HEADING_CHOICES;
	char *text = strndup((const char *)data + 1, size - 1);
	FUZZ_CHECK(text != NULL, "out of memory");
	arena *a = arena_new();
	out o = {0};
	markdown_html(html_new(a, sink, &o), text, top);
	const char *h = o.buf != NULL ? o.buf : "";
	for (const char *p = h; *p != '\0';) {
		if (*p == '<') {
			p = check_tag(p, top);
			continue;
		}
		FUZZ_CHECK(*p != '>', "'>' outside a tag at %zu: %.40s", (size_t)(p - h), p);
		p++;
	}
	if (utf8_valid(text, strlen(text)))
		FUZZ_CHECK(utf8_valid(h, o.len), "valid UTF-8 in, not out");
	free(o.buf);
	free(text);
	arena_free(a);
	return 0;
}
