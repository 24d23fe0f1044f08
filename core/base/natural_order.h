/* Natural order for names people number: "ATS 7" before "ATS 13", as a
 * Region lists its ATS, not "ATS 13" before "ATS 7" as bytes would. One
 * compare for every list shown to people. */
#ifndef AMBITO_NATURAL_ORDER_H
#define AMBITO_NATURAL_ORDER_H

/* Negative, 0 or positive as a comes before, with or after b: runs of ASCII
 * digits compare by their value (leading zeros aside; at equal value the
 * shorter run first, so the order is total), everything else bytewise. */
int natural_cmp(const char *a, const char *b);

#endif
