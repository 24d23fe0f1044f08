/* Natural order against lists written by hand: ATS numbers by value, the
 * rest bytewise, leading zeros a tie broken the same way every time. */
#include <stdlib.h>

#include "base/natural_order.h"
#include "check.h"

static int cmp(const void *a, const void *b)
{
	return natural_cmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
	const char *list[] = {"ats-20", "ats-13", "ats-7", "ats-1", "ats-100", "ats-9b", "ats-9a", "ats"};
	const char *want[] = {"ats", "ats-1", "ats-7", "ats-9a", "ats-9b", "ats-13", "ats-20", "ats-100"};
	qsort(list, sizeof(list) / sizeof(list[0]), sizeof(list[0]), cmp);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(list[i], want[i], "ATS slugs sorted by their numbers");
	CHECK(natural_cmp("ATS 7 – Fossombrone", "ATS 13 – Osimo") < 0, "7 before 13 in names");
	CHECK(natural_cmp("demo-0002", "demo-0010") < 0, "zero-padded numbers keep their order");
	CHECK(natural_cmp("x-07", "x-7") != 0, "leading zeros are not equal");
	CHECK(natural_cmp("x-07", "x-7") == -natural_cmp("x-7", "x-07"), "and the tie is antisymmetric");
	CHECK(natural_cmp("x-7", "x-7") == 0, "equal is equal");
	CHECK(natural_cmp("a2b", "a2c") < 0, "text after equal numbers decides");
	CHECK(natural_cmp("99999999999999999999999", "100000000000000000000000") < 0,
	      "numbers longer than 64 bits compare by length, then digits");
	CHECK(natural_cmp("B", "a") < 0, "bytewise for letters");
	return check_done();
}
