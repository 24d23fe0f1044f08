/* The natural order of names that carry numbers: "ATS 1" < "ATS 7" <
 * "ATS 13" < "ATS 20", where a byte order gives 1, 13, 20, 7. The one
 * order of ATS wherever pages list them. */
#ifndef AMBITO_NATURAL_H
#define AMBITO_NATURAL_H

/* < 0, 0 or > 0 as a sorts before, with or after b: runs of ASCII digits
 * compare by their value (leading zeros aside, then fewer zeros first),
 * everything else bytewise. Any length of digits, no overflow. */
int natural_cmp(const char *a, const char *b);

#endif
