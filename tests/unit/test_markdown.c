/* Markdown of the plan's text parts to HTML, against hand-written HTML:
 * plain text keeps its paragraphs and line breaks, GFM tables and lists
 * render, and script, raw HTML and unsafe links come out harmless. */
#include <stdlib.h>
#include <string.h>

#include "base/markdown.h"
#include "check.h"

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
		if (o->buf == NULL)
			abort();
	}
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static const char *render(arena *a, const char *text, int top)
{
	out o = {0};
	markdown_html(html_new(a, sink, &o), text, top);
	char *s = arena_strdup(a, o.buf != NULL ? o.buf : "");
	free(o.buf);
	return s;
}

typedef struct {
	const char *name, *text, *want;
} example;

static const example examples[] = {
    {"plain text: a line end is a line break, a blank line a new paragraph",
     "Una riga\nseconda riga\n\nSecondo paragrafo", "<p>Una riga<br>\nseconda riga</p>\n<p>Secondo paragrafo</p>\n"},
    {"plain text with CRLF", "Prima\r\nseconda", "<p>Prima<br>\nseconda</p>\n"},
    {"special characters are escaped", "a & b < c > d \"e\"", "<p>a &amp; b &lt; c &gt; d &quot;e&quot;</p>\n"},
    {"a GFM table", "| Servizio | Utenti |\n|---|---:|\n| SAD | 120 |",
     "<table>\n<thead>\n<tr>\n<th>Servizio</th>\n<th align=\"right\">Utenti</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
     "<td>SAD</td>\n<td align=\"right\">120</td>\n</tr>\n</tbody>\n</table>\n"},
    {"a bulleted list", "- uno\n- due", "<ul>\n<li>uno</li>\n<li>due</li>\n</ul>\n"},
    {"a numbered list", "1. primo\n2. secondo", "<ol>\n<li>primo</li>\n<li>secondo</li>\n</ol>\n"},
    {"emphasis and strikethrough", "*a* **b** ~~c~~", "<p><em>a</em> <strong>b</strong> <del>c</del></p>\n"},
    {"a heading moves under the part's", "# Titolo\n## Sotto", "<h5>Titolo</h5>\n<h6>Sotto</h6>\n"},
    {"a script block is shown as text", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
    {"an HTML block of several lines keeps its lines, as text", "<div onclick=\"x()\">\n*a*\n</div>",
     "<p>&lt;div onclick=&quot;x()&quot;&gt;<br>\n*a*<br>\n&lt;/div&gt;</p>\n"},
    {"script inside a paragraph is shown as text", "Testo <script>alert(1)</script> fine",
     "<p>Testo &lt;script&gt;alert(1)&lt;/script&gt; fine</p>\n"},
    {"an img with onerror is shown as text", "Testo <img src=x onerror=alert(1)> fine",
     "<p>Testo &lt;img src=x onerror=alert(1)&gt; fine</p>\n"},
    {"a comment and an iframe are shown as text", "a <!-- x --> <iframe src=\"https://e.example\">",
     "<p>a &lt;!-- x --&gt; &lt;iframe src=&quot;https://e.example&quot;&gt;</p>\n"},
    {"a javascript: link keeps only its text", "[clic](javascript:alert(1))", "<p>clic</p>\n"},
    {"the scheme is matched without case", "[clic](JaVaScRiPt:alert(1))", "<p>clic</p>\n"},
    {"a javascript: autolink is only text", "<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
    {"a data: link keeps only its text", "[a](data:text/html;base64,PHNjcmlwdD4=)", "<p>a</p>\n"},
    {"an https link stays", "[sito](https://example.org/a?b=1&c=2)",
     "<p><a href=\"https://example.org/a?b=1&amp;c=2\">sito</a></p>\n"},
    {"a link title is escaped", "[a](https://x.example \"\\\"><script>\")",
     "<p><a href=\"https://x.example\" title=\"&quot;&gt;&lt;script&gt;\">a</a></p>\n"},
    {"an image is its description, loaded from nowhere", "![logo](https://evil.example/x.png)", "<p>logo</p>\n"},
    {"an image with a javascript: source is its description", "![x](javascript:alert(1))", "<p>x</p>\n"},
    {"a link inside a table cell is checked too", "| a |\n|---|\n| [x](vbscript:y) |",
     "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>x</td>\n</tr>\n</tbody>\n</table>\n"},
    {"blank text writes nothing", " \n\t\n", ""},
    {"15 nested quotes and their paragraph (16 levels) render", "> > > > > > > > > > > > > > > a",
     "<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n"
     "<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n<blockquote>\n"
     "<blockquote>\n<p>a</p>\n</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n"
     "</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n"
     "</blockquote>\n</blockquote>\n</blockquote>\n</blockquote>\n"},
    {"one level more is plain text", "> > > > > > > > > > > > > > > > a\n*b*",
     "<p>&gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; &gt; a<br>\n*b*</p>\n"},
};

int main(void)
{
	arena *a = arena_new();
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		CHECK_STR(render(a, examples[i].text, 5), examples[i].want, examples[i].name);
	CHECK_STR(render(a, NULL, 5), "", "NULL writes nothing");

	/* Past the limit the text is not parsed: paragraphs as plain text. */
	size_t n = MARKDOWN_MAX_BYTES + 10;
	char *big = malloc(n + 1);
	memset(big, '*', n);
	big[0] = '<';
	big[n] = '\0';
	const char *got = render(a, big, 5);
	CHECK(strncmp(got, "<p>&lt;***", 10) == 0 && strstr(got, "<em>") == NULL,
	      "a text past the limit is escaped text");
	free(big);
	arena_free(a);
	return check_done();
}
