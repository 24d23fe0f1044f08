/* Unit tests for core/base/id.c: the one reading of ids and revisions in
 * paths, queries and token claims. Expected values are literals. */
#include "base/id.h"

#include "check.h"

int main(void)
{
	static const struct {
		const char *text;
		long long want;
	} good[] = {
	    {"1", 1}, {"7", 7}, {"10", 10}, {"123456", 123456}, {"999999999999999999", 999999999999999999LL},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		long long v = -5;
		CHECK(id_parse(good[i].text, ID_MAX_DIGITS, &v) && v == good[i].want, "id_parse(\"%s\") = %lld",
		      good[i].text, good[i].want);
	}
	static const char *const bad[] = {
	    "",
	    "0",
	    "00",
	    "007",
	    "-1",
	    "+1",
	    " 1",
	    "1 ",
	    "1a",
	    "a1",
	    "1.0",
	    "1e3",
	    "0x1A",
	    "1\t",
	    "１",
	    "-0",
	    "1,2",
	    "1000000000000000000", /* 19 digits */
	    "99999999999999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long long v = -5;
		CHECK(!id_parse(bad[i], ID_MAX_DIGITS, &v) && v == -5, "id_parse refuses \"%s\"", bad[i]);
	}
	long long v = -5;
	CHECK(!id_parse(NULL, ID_MAX_DIGITS, &v) && v == -5, "id_parse refuses NULL");
	/* A shorter bound: revisions (INT columns) take at most 9 digits. */
	CHECK(id_parse("123456789", REVISION_MAX_DIGITS, &v) && v == 123456789, "9-digit revision read");
	v = -5;
	CHECK(!id_parse("1234567890", REVISION_MAX_DIGITS, &v) && v == -5, "10-digit revision refused");
	CHECK(!id_parse("0", REVISION_MAX_DIGITS, &v) && v == -5, "revision 0 refused");
	return check_done();
}
