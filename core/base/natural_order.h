/* Natural order of names with numbers in them: "ATS 7" before "ATS 13",
 * "ats-2" before "ats-10", as people count, not as bytes sort. */
#ifndef AMBITO_NATURAL_ORDER_H
#define AMBITO_NATURAL_ORDER_H

/* <0, 0, >0 as strcmp: runs of ASCII digits compare by their value (leading
 * zeros aside, then the shorter run first), the rest bytewise. NULL sorts
 * first. */
int natural_compare(const char *a, const char *b);

#endif
