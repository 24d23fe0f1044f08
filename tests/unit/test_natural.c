/* Unit tests for core/base/natural.c: ATS named with numbers sort by their
 * numbers. Expected orders are written out by hand. */
#include <stdlib.h>

#include "base/natural.h"

#include "check.h"

static int cmp(const void *x, const void *y)
{
	return natural_cmp(*(const char *const *)x, *(const char *const *)y);
}

static int sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

int main(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} pairs[] = {
	    {"ATS 7", "ATS 13", -1},
	    {"ATS 13", "ATS 7", 1},
	    {"ATS 1", "ATS 1", 0},
	    {"ATS 20", "ATS 13", 1},
	    {"ats-2", "ats-10", -1},
	    {"ATS 1 – Pesaro", "ATS 13 – Osimo", -1},
	    {"Ambito Territoriale Sociale 7 – Fossombrone", "Ambito Territoriale Sociale 13 – Osimo", -1},
	    {"ATS 007", "ATS 7", 1}, /* same value: fewer leading zeros first */
	    {"ATS 07", "ATS 8", -1},
	    {"ATS", "ATS 1", -1},
	    {"", "a", -1},
	    {"a", "", 1},
	    {"", "", 0},
	    {"ATS 99999999999999999999999", "ATS 100000000000000000000000", -1}, /* longer than 64 bits */
	    {"ATS 2a", "ATS 2b", -1},
	    {"ATS 10a", "ATS 9z", 1},
	    {"A", "B", -1},
	    {"Zeta", "alfa", -1}, /* bytewise outside digits */
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		CHECK(sign(natural_cmp(pairs[i].a, pairs[i].b)) == pairs[i].want, "natural_cmp(\"%s\", \"%s\") is %d",
		      pairs[i].a, pairs[i].b, pairs[i].want);

	const char *names[] = {"ATS 20", "ATS 7", "ATS 13", "ATS 1", "ATS 100", "ATS 2"};
	qsort(names, 6, sizeof(names[0]), cmp);
	const char *want[] = {"ATS 1", "ATS 2", "ATS 7", "ATS 13", "ATS 20", "ATS 100"};
	for (size_t i = 0; i < 6; i++)
		CHECK_STR(names[i], want[i], want[i]);
	return check_done();
}
