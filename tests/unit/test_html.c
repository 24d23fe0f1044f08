/* Unit tests for core/base/html.c's escaping: every byte value written
 * through html_textn, alone and inside text, against the rule written out
 * here by hand (the five markup characters as entities, tab / newline /
 * carriage return kept, other control bytes dropped, the rest as it is). */
#include "base/html.h"

#include <string.h>

#include "check.h"

struct out {
	char buf[4096];
	size_t len;
};

static void sink(void *ctx, const char *s, size_t n)
{
	struct out *o = ctx;
	if (o->len + n < sizeof(o->buf)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	}
	o->buf[o->len] = '\0';
}

static const char *want_of(unsigned c, char one[2])
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
		return "";
	one[0] = (char)c;
	one[1] = '\0';
	return one;
}

int main(void)
{
	arena *a = arena_new();
	int bad = 0;
	for (unsigned c = 1; c < 256; c++) {
		struct out o = {.len = 0};
		html *h = html_new(a, sink, &o);
		/* 40 bytes, c at 1, 3, 4 (the first 16), 17, 31 and 39 (the tail);
		 * the text wanted is built by the rule above. */
		static const char base[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd";
		static const int at[] = {1, 3, 4, 17, 31, 39};
		char in[41], one[2], want[512] = "";
		const char *w = want_of(c, one);
		memcpy(in, base, sizeof(in));
		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++)
			in[at[k]] = (char)c;
		for (int i = 0, k = 0; i < 40; i++) {
			if (k < 6 && at[k] == i) {
				strcat(want, w);
				k++;
			} else
				strncat(want, &base[i], 1);
		}
		html_textn(h, in, 40);
		if (strcmp(o.buf, want) != 0) {
			bad++;
			printf("# byte 0x%02x: got \"%s\", want \"%s\"\n", c, o.buf, want);
		}
	}
	CHECK(bad == 0, "every byte value is escaped, kept or dropped as the rule says (%d wrong)", bad);
	struct out o = {.len = 0};
	html *h = html_new(a, sink, &o);
	html_text(h, "<script>alert('x' & \"y\")</script> città");
	CHECK_STR(o.buf, "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt; città", "a script as text");
	arena_free(a);
	return check_done();
}
