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
		char in[8] = {'a', (char)c, 'b', (char)c, (char)c, '\0'};
		html_textn(h, in, 5);
		char one[2], want[64];
		const char *w = want_of(c, one);
		snprintf(want, sizeof(want), "a%sb%s%s", w, w, w);
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
