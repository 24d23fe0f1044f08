/* UTF-8 checks: the texts are Italian, so limits count characters, not bytes. */
#ifndef AMBITO_UTF8_H
#define AMBITO_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Strictly valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t utf8_chars(const char *s, size_t len);

#endif
