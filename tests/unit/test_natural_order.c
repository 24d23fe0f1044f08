/* Natural order against hand-written orders: ATS 1, 7, 13, 20; slugs with
 * numbers; leading zeros; numbers past 64 bits; NULL. */
#include <stdlib.h>

#include "base/natural_order.h"
#include "check.h"

static int cmp(const void *x, const void *y)
{
	return natural_compare(*(const char *const *)x, *(const char *const *)y);
}

int main(void)
{
	const char *ats[] = {"ATS 20", "ATS 13", "ATS 7", "ATS 1"};
	qsort(ats, 4, sizeof(ats[0]), cmp);
	CHECK_STR(ats[0], "ATS 1", "ATS 1 first");
	CHECK_STR(ats[1], "ATS 7", "ATS 7 second");
	CHECK_STR(ats[2], "ATS 13", "ATS 13 third");
	CHECK_STR(ats[3], "ATS 20", "ATS 20 last");
	CHECK(natural_compare("ats-2", "ats-10") < 0, "ats-2 < ats-10");
	CHECK(natural_compare("ats-10", "ats-2") > 0, "ats-10 > ats-2");
	CHECK(natural_compare("ats-10", "ats-10") == 0, "equal");
	CHECK(natural_compare("ats-10-a", "ats-10-b") < 0, "same number, then the rest");
	CHECK(natural_compare("ats-7", "ats-07") < 0 && natural_compare("ats-07", "ats-7") > 0,
	      "same value: fewer leading zeros first (a total order)");
	CHECK(natural_compare("x99999999999999999999999", "x100000000000000000000000") < 0,
	      "numbers longer than 64 bits");
	CHECK(natural_compare("ats", "ats-1") < 0, "a prefix first");
	CHECK(natural_compare("b", "a1") > 0, "letters bytewise");
	CHECK(natural_compare(NULL, "a") < 0 && natural_compare("a", NULL) > 0 && natural_compare(NULL, NULL) == 0,
	      "NULL first");
	return check_done();
}
