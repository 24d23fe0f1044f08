/* The text parts of a plan are CommonMark with the GFM tables, lists,
 * strikethrough and autolinks. This renders one to safe HTML: raw HTML in the
 * text is shown escaped, as text (never passed through), links and images with a scheme
 * other than http, https or mailto lose their target and keep only their
 * text, and a single line end stays a line break, so plain text reads as it
 * always did. */
#ifndef AMBITO_MARKDOWN_H
#define AMBITO_MARKDOWN_H

#include "base/html.h"

/* Texts longer than this are shown as plain paragraphs, unparsed: the parser's
 * time and memory stay bounded whatever a text holds (text built to be slow,
 * such as thousands of nested quotes, parses at about 0.25 MB/s). The
 * largest max_chars of a part, 20 000 characters, fits in it even when the
 * text is not mostly ASCII. */
#define MARKDOWN_MAX_BYTES (64 * 1024)

/* Appends text as HTML to h; headings are moved down so that "#" becomes
 * <h{top_heading}> (at most <h6>), to fit under the heading of the part.
 * Nothing is written for NULL or blank text. */
void markdown_html(html *h, const char *text, int top_heading);

#endif
