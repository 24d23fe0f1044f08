/* UTF-8 checks: the texts are Italian, so limits count characters, not bytes. */
#ifndef AMBITO_UTF8_H
#define AMBITO_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Strictly valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF):
 * yajl's own check lets those through, and the database and other JSON
 * parsers reject them, so they are refused at the edge. */
bool utf8_valid(const char *s, size_t len);
/* Bytes of the one valid sequence at the start of s (1 to 4) when at most
 * avail bytes may be read, or 0 when it is not valid by utf8_valid's rules. */
size_t utf8_seq_len(const char *s, size_t avail);
/* Number of code points in valid UTF-8. */
size_t utf8_chars(const char *s, size_t len);

#endif
