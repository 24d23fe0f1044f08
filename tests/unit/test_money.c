/* Unit tests for core/base/money.c: reading decimal euros into cents (what
 * is refused and why), checked sums, rounding half away from zero, and the
 * JSON and Italian texts. Expected values are written by hand. */
#include "base/money.h"

#include <stdint.h>

#include "check.h"

static void test_parse_accepts(void)
{
	static const struct {
		const char *text;
		int64_t cents;
	} cases[] = {
	    {"0", 0},
	    {"7", 700},
	    {"1234.5", 123450},
	    {"1234.50", 123450},
	    {"0.01", 1},
	    {"-0.01", -1},
	    {"-0", 0},
	    {"-12", -1200},
	    {"1500.00", 150000},
	    {"007.10", 710},
	    {"9999999999999999.99", 999999999999999999LL},
	    {"-9999999999999999.99", -999999999999999999LL},
	    {"0000000000000000000000001", 100},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t c = 42;
		int rc = money_parse(cases[i].text, &c);
		CHECK(rc == MONEY_OK && c == cases[i].cents, "money_parse(\"%s\") = %lld cents (got rc %d, %lld)",
		      cases[i].text, (long long)cases[i].cents, rc, (long long)c);
	}
}

static void test_parse_refuses(void)
{
	static const struct {
		const char *text;
		int rc;
	} cases[] = {
	    {"", MONEY_ESYNTAX},
	    {"-", MONEY_ESYNTAX},
	    {".5", MONEY_ESYNTAX},
	    {"5.", MONEY_ESYNTAX},
	    {"+5", MONEY_ESYNTAX},
	    {" 5", MONEY_ESYNTAX},
	    {"5 ", MONEY_ESYNTAX},
	    {"--5", MONEY_ESYNTAX},
	    {"1e3", MONEY_ESYNTAX},
	    {"1E3", MONEY_ESYNTAX},
	    {"1.5e2", MONEY_ESYNTAX},
	    {"1,50", MONEY_ESYNTAX},
	    {"1.2.3", MONEY_ESYNTAX},
	    {"0x10", MONEY_ESYNTAX},
	    {"NaN", MONEY_ESYNTAX},
	    {"1.234", MONEY_EDECIMALS},
	    {"1.500", MONEY_EDECIMALS},
	    {"0.005", MONEY_EDECIMALS},
	    {"-0.001", MONEY_EDECIMALS},
	    {"99999999999999999999999.999", MONEY_EDECIMALS},
	    {"10000000000000000", MONEY_ERANGE},
	    {"-10000000000000000.00", MONEY_ERANGE},
	    {"99999999999999999999999999999", MONEY_ERANGE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t c = 42;
		int rc = money_parse(cases[i].text, &c);
		CHECK(rc == cases[i].rc && c == 42, "money_parse(\"%s\") refused with %d (got %d)", cases[i].text,
		      cases[i].rc, rc);
	}
	int64_t c = 42;
	CHECK(money_parse(NULL, &c) == MONEY_ESYNTAX && c == 42, "money_parse(NULL) refused");
}

static void test_add(void)
{
	int64_t s = 0;
	CHECK(money_add(&s, 150) && s == 150, "0 + 1.50 = 1.50");
	CHECK(money_add(&s, -200) && s == -50, "1.50 - 2.00 = -0.50");
	s = 999999999999999998LL;
	CHECK(money_add(&s, 1) && s == 999999999999999999LL, "up to the maximum is allowed");
	CHECK(!money_add(&s, 1) && s == 999999999999999999LL, "past the maximum: false, sum unchanged");
	s = -999999999999999999LL;
	CHECK(!money_add(&s, -1) && s == -999999999999999999LL, "past the negative maximum: false");
	s = INT64_MAX;
	CHECK(!money_add(&s, INT64_MAX) && s == INT64_MAX, "a 64-bit overflow is refused, not wrapped");
}

static void test_div_round(void)
{
	CHECK(money_div_round(100, 3) == 33, "1.00 / 3 = 0.33");
	CHECK(money_div_round(200, 3) == 67, "2.00 / 3 = 0.67");
	CHECK(money_div_round(5, 2) == 3, "0.05 / 2 = 0.025 rounds half up to 0.03");
	CHECK(money_div_round(-5, 2) == -3, "-0.05 / 2 rounds half away from zero to -0.03");
	CHECK(money_div_round(7, 2) == 4, "0.07 / 2 = 0.035 -> 0.04");
	CHECK(money_div_round(149, 100) == 1, "1.49 / 100 -> 0.01");
	CHECK(money_div_round(150, 100) == 2, "1.50 / 100 -> 0.02");
	CHECK(money_div_round(0, 7) == 0, "0 / 7 = 0");
	CHECK(money_div_round(10000000, 89123) == 112, "100000.00 euros / 89123 inhabitants = 1.12 each");
	CHECK(money_div_round(999999999999999999LL, 2) == 500000000000000000LL, "the maximum halved, rounded up");
	CHECK(money_div_round(INT64_MAX, INT64_MAX) == 1, "no overflow with a large divisor");
	CHECK(money_div_round(INT64_MAX / 2 + 1, INT64_MAX) == 1, "a half of a large divisor rounds up");
	CHECK(money_div_round(INT64_MAX / 2, INT64_MAX) == 0, "just under a half rounds down");
}

static void test_format(void)
{
	char buf[MONEY_TEXT_MAX];
	size_t n = money_format(buf, 123450);
	CHECK_STR(buf, "1234.50", "1234.50");
	CHECK(n == 7, "money_format returns the length");
	money_format(buf, 0);
	CHECK_STR(buf, "0.00", "0.00");
	money_format(buf, 1);
	CHECK_STR(buf, "0.01", "0.01");
	money_format(buf, -1);
	CHECK_STR(buf, "-0.01", "-0.01");
	money_format(buf, -123456);
	CHECK_STR(buf, "-1234.56", "-1234.56");
	money_format(buf, 999999999999999999LL);
	CHECK_STR(buf, "9999999999999999.99", "the maximum");
	money_format(buf, INT64_MIN);
	CHECK_STR(buf, "-92233720368547758.08", "INT64_MIN is written, not overflowed");
}

static void test_format_it(void)
{
	char buf[MONEY_TEXT_MAX];
	size_t n = money_format_it(buf, 123456);
	CHECK_STR(buf, "1.234,56\xc2\xa0\xe2\x82\xac", "1.234,56 € with a no-break space");
	CHECK(n == strlen("1.234,56") + 5, "money_format_it returns the length in bytes");
	money_format_it(buf, -123456);
	CHECK_STR(buf, "-1.234,56\xc2\xa0\xe2\x82\xac", "-1.234,56 €");
	money_format_it(buf, 0);
	CHECK_STR(buf, "0,00\xc2\xa0\xe2\x82\xac", "0,00 €");
	money_format_it(buf, 99999);
	CHECK_STR(buf, "999,99\xc2\xa0\xe2\x82\xac", "999,99 €: no separator under a thousand");
	money_format_it(buf, 100000);
	CHECK_STR(buf, "1.000,00\xc2\xa0\xe2\x82\xac", "1.000,00 €");
	money_format_it(buf, 109999993);
	CHECK_STR(buf, "1.099.999,93\xc2\xa0\xe2\x82\xac", "1.099.999,93 €");
	money_format_it(buf, -5);
	CHECK_STR(buf, "-0,05\xc2\xa0\xe2\x82\xac", "-0,05 €");
	money_format_it(buf, INT64_MIN);
	CHECK_STR(buf, "-92.233.720.368.547.758,08\xc2\xa0\xe2\x82\xac", "INT64_MIN fits the buffer");

	money_group_it(buf, 25000);
	CHECK_STR(buf, "25.000", "25.000");
	money_group_it(buf, 999);
	CHECK_STR(buf, "999", "999");
	money_group_it(buf, 1000000);
	CHECK_STR(buf, "1.000.000", "1.000.000");
	money_group_it(buf, -1234);
	CHECK_STR(buf, "-1.234", "-1.234");
	money_group_it(buf, 0);
	CHECK_STR(buf, "0", "0");
}

static void test_text(void)
{
	arena *a = arena_new();
	CHECK_STR(money_text(a, 150000), "1500.00", "money_text in the arena");
	arena_free(a);
}

static void test_parse_it(void)
{
	static const struct {
		const char *text;
		int rc;
		int64_t cents;
	} cases[] = {
	    {"1.234,56", MONEY_OK, 123456},
	    {"1234,5", MONEY_OK, 123450},
	    {"1.500", MONEY_OK, 150000}, /* fifteen hundred, not one and a half */
	    {"7", MONEY_OK, 700},
	    {" 12.345.678,90 \xe2\x82\xac ", MONEY_OK, 1234567890},
	    {"1.234,56\xc2\xa0\xe2\x82\xac", MONEY_OK, 123456},
	    {"0,01", MONEY_OK, 1},
	    {"-3,00", MONEY_OK, -300},
	    {"1234.56", MONEY_ESYNTAX, 42}, /* the dot groups thousands only */
	    {"1.5", MONEY_ESYNTAX, 42},
	    {"1.2345", MONEY_ESYNTAX, 42},
	    {"12.34.567", MONEY_ESYNTAX, 42},
	    {"1.234,", MONEY_ESYNTAX, 42},
	    {",50", MONEY_ESYNTAX, 42},
	    {"", MONEY_ESYNTAX, 42},
	    {"dieci", MONEY_ESYNTAX, 42},
	    {"1 234,00", MONEY_ESYNTAX, 42},
	    {"1,234", MONEY_EDECIMALS, 42},
	    {"99.999.999.999.999.999,00", MONEY_ERANGE, 42},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t c = 42;
		int rc = money_parse_it(cases[i].text, &c);
		CHECK(rc == cases[i].rc && c == cases[i].cents, "money_parse_it(\"%s\") = %d, %lld (got %d, %lld)",
		      cases[i].text, cases[i].rc, (long long)cases[i].cents, rc, (long long)c);
	}
	int64_t c = 42;
	CHECK(money_parse_it(NULL, &c) == MONEY_ESYNTAX && c == 42, "money_parse_it(NULL) refused");
}

int main(void)
{
	test_parse_it();
	test_parse_accepts();
	test_parse_refuses();
	test_add();
	test_div_round();
	test_format();
	test_format_it();
	test_text();
	return check_done();
}
