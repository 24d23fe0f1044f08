/* Database ids (users, norms, comments) and revisions as clients write them
 * in a path, a query or a token claim: one parser, so that every place
 * refuses the same texts. */
#ifndef AMBITO_ID_H
#define AMBITO_ID_H

#include <stdbool.h>
#include <stddef.h>

/* Digits of the largest id read: any 18-digit number fits in 64 bits. */
#define ID_MAX_DIGITS 18
/* Digits of the largest revision read: revisions are INT columns. */
#define REVISION_MAX_DIGITS 9

/* A positive decimal id: 1 to max_digits (at most ID_MAX_DIGITS) digits and
 * nothing else; no sign, no space, no leading zero (one id, one spelling),
 * not 0. false (and *out untouched) otherwise, NULL included. */
bool id_parse(const char *s, size_t max_digits, long long *out);

#endif
