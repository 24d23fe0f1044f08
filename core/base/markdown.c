/* CommonMark to HTML through libcmark-gfm, in its safe mode: without
 * CMARK_OPT_UNSAFE the renderer would replace raw HTML with a comment, and
 * tagfilter is attached as well; but raw HTML is turned into text before
 * rendering, so "<script>" in a plain text reads as written. Links are
 * checked here rather than trusting the renderer's list of bad schemes: only
 * the schemes a printed plan needs stay clickable. */
#include "base/markdown.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#define HEADING_MAX 6
/* Deeper nesting (quotes in quotes, lists in lists) is no plan's prose but
 * multiplies the markup: 20 000 ">" would give 20 000 nested <blockquote>. */
#define MARKDOWN_MAX_NESTING 16
#define MARKDOWN_OPTIONS (CMARK_OPT_HARDBREAKS | CMARK_OPT_VALIDATE_UTF8)

static const char *const extension_names[] = {"table", "strikethrough", "autolink", "tagfilter"};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

/* The extensions' registry is global and its filling unlocked: worker
 * threads take turns for it. */
static void register_extensions(void)
{
	pthread_mutex_lock(&registry_lock);
	cmark_gfm_core_extensions_ensure_registered();
	pthread_mutex_unlock(&registry_lock);
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* An address a reader may follow: a fragment, a relative path without a
 * scheme, or http, https, mailto. */
static bool safe_url(const char *url)
{
	if (url == NULL)
		return true;
	size_t n = strcspn(url, ":/?#");
	if (url[n] != ':')
		return true; /* no scheme */
	return (n == 4 && strncasecmp(url, "http", 4) == 0) || (n == 5 && strncasecmp(url, "https", 5) == 0) ||
	       (n == 6 && strncasecmp(url, "mailto", 6) == 0);
}

/* Puts node's children in its place and frees it. */
static void unwrap(cmark_node *node)
{
	cmark_node *child;
	while ((child = cmark_node_first_child(node)) != NULL)
		cmark_node_insert_before(node, child);
	cmark_node_free(node);
}

/* Raw HTML becomes the text it is, escaped like any other: an inline tag a
 * text node, a block a paragraph with its lines. */
static cmark_node *html_as_text(cmark_node *node)
{
	const char *literal = cmark_node_get_literal(node);
	cmark_node *repl;
	if (literal == NULL)
		literal = "";
	if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
		repl = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(repl, literal);
	} else {
		repl = cmark_node_new(CMARK_NODE_PARAGRAPH);
		size_t len = strlen(literal);
		while (len > 0 && (literal[len - 1] == '\n' || literal[len - 1] == '\r'))
			len--;
		for (size_t at = 0; at < len;) {
			size_t n = strcspn(literal + at, "\r\n");
			if (n > len - at)
				n = len - at;
			char *line = strndup(literal + at, n);
			cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(text, line != NULL ? line : "");
			free(line);
			cmark_node_append_child(repl, text);
			at += n;
			if (at < len && literal[at] == '\r')
				at++;
			if (at < len && literal[at] == '\n')
				at++;
			if (at < len)
				cmark_node_append_child(repl, cmark_node_new(CMARK_NODE_LINEBREAK));
		}
	}
	cmark_node_insert_before(node, repl);
	cmark_node_free(node);
	return repl;
}

/* The node after node in document order, not entering node's children. */
static cmark_node *skip(cmark_node *node, cmark_node *doc)
{
	cmark_node *next = NULL;
	for (cmark_node *up = node; next == NULL && up != NULL && up != doc; up = cmark_node_parent(up))
		next = cmark_node_next(up);
	return next;
}

/* Raw HTML is shown as text. Images never load (the document loads nothing
 * from elsewhere): their description stays as text. Links with other schemes
 * keep only their text. Headings move down below the part's own. */
static void make_safe(cmark_node *doc, int top_heading)
{
	cmark_node *node = doc;
	while (node != NULL) {
		cmark_node_type t = cmark_node_get_type(node);
		if (t == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(node) + top_heading - 1;
			cmark_node_set_heading_level(node, level < HEADING_MAX ? level : HEADING_MAX);
		}
		if (t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_HTML_BLOCK) {
			node = skip(html_as_text(node), doc);
			continue;
		}
		if (t == CMARK_NODE_IMAGE || (t == CMARK_NODE_LINK && !safe_url(cmark_node_get_url(node)))) {
			/* The first child takes the node's place and is walked next. */
			cmark_node *next = cmark_node_first_child(node);
			if (next == NULL)
				next = skip(node, doc);
			unwrap(node);
			node = next;
			continue;
		}
		cmark_node *next = cmark_node_first_child(node);
		node = next != NULL ? next : skip(node, doc);
	}
}

/* Whether nodes below the document (blocks and inlines alike) nest deeper
 * than MARKDOWN_MAX_NESTING. */
static bool too_deep(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int depth = 0;
	bool deep = false;
	while (!deep && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (cmark_node_first_child(node) == NULL && ev == CMARK_EVENT_ENTER)
			continue; /* a leaf: no EXIT follows */
		depth += ev == CMARK_EVENT_ENTER ? 1 : -1;
		deep = depth - 1 > MARKDOWN_MAX_NESTING; /* below the document node */
	}
	cmark_iter_free(it);
	return deep;
}

/* cmark writes XHTML line breaks; the rest of the document is HTML. Only the
 * renderer's own markup can hold "<br />": text has its '<' escaped. */
static void append_html(html *h, const char *out)
{
	static const char xhtml_br[] = "<br />";
	const char *at;
	while ((at = strstr(out, xhtml_br)) != NULL) {
		html_raw(h, arena_strndup(html_arena(h), out, (size_t)(at - out)));
		html_raw(h, "<br>");
		out = at + sizeof(xhtml_br) - 1;
	}
	html_raw(h, out);
}

void markdown_html(html *h, const char *text, int top_heading)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	char *out = NULL;
	if (text == NULL || blank(text))
		return;
	size_t len = strlen(text);
	if (len > MARKDOWN_MAX_BYTES) {
		html_paragraphs(h, text);
		return;
	}
	if (top_heading < 1)
		top_heading = 1;
	register_extensions();
	parser = cmark_parser_new(MARKDOWN_OPTIONS);
	if (parser == NULL)
		goto fail;
	for (size_t i = 0; i < sizeof(extension_names) / sizeof(extension_names[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extension_names[i]);
		if (ext == NULL || !cmark_parser_attach_syntax_extension(parser, ext))
			goto fail;
	}
	cmark_parser_feed(parser, text, len);
	doc = cmark_parser_finish(parser);
	if (doc == NULL || too_deep(doc))
		goto fail;
	make_safe(doc, top_heading);
	out = cmark_render_html(doc, MARKDOWN_OPTIONS, cmark_parser_get_syntax_extensions(parser));
	if (out == NULL)
		goto fail;
	append_html(h, out);
	goto done;
fail:
	/* Never lose the text: shown as it was written, as plain paragraphs. */
	html_paragraphs(h, text);
done:
	free(out);
	if (doc != NULL)
		cmark_node_free(doc);
	if (parser != NULL)
		cmark_parser_free(parser);
}
