/* Money as integer cents: reading decimal euros, checked sums, the one
 * rounding rule (half away from zero) and the JSON and Italian texts. Written
 * without printf: the comparisons format tens of thousands of amounts. */
#include "base/money.h"

#include <assert.h>
#include <string.h>

#define CENTS_PER_EURO 100
#define MONEY_DECIMALS 2
#define NBSP_EURO "\xc2\xa0\xe2\x82\xac" /* U+00A0 then U+20AC */

int money_parse(const char *text, int64_t *cents)
{
	if (text == NULL)
		return MONEY_ESYNTAX;
	const char *p = text;
	bool neg = *p == '-';
	if (neg)
		p++;
	size_t nint = strspn(p, "0123456789"), nfrac = 0;
	if (nint == 0)
		return MONEY_ESYNTAX;
	const char *frac = p + nint;
	if (*frac == '.') {
		frac++;
		nfrac = strspn(frac, "0123456789");
		if (nfrac == 0)
			return MONEY_ESYNTAX;
	}
	if (frac[nfrac] != '\0')
		return MONEY_ESYNTAX;
	if (nfrac > MONEY_DECIMALS)
		return MONEY_EDECIMALS;
	int64_t v = 0;
	for (size_t i = 0; i < nint; i++) {
		v = v * 10 + (p[i] - '0');
		if (v > MONEY_MAX_CENTS / CENTS_PER_EURO)
			return MONEY_ERANGE;
	}
	v *= CENTS_PER_EURO;
	if (nfrac > 0)
		v += (frac[0] - '0') * 10 + (nfrac > 1 ? frac[1] - '0' : 0);
	if (v > MONEY_MAX_CENTS)
		return MONEY_ERANGE;
	*cents = neg ? -v : v;
	return MONEY_OK;
}

bool money_add(int64_t *sum, int64_t cents)
{
	int64_t s;
	if (__builtin_add_overflow(*sum, cents, &s) || s > MONEY_MAX_CENTS || s < -MONEY_MAX_CENTS)
		return false;
	*sum = s;
	return true;
}

int64_t money_div_round(int64_t cents, int64_t den)
{
	assert(den > 0);
	uint64_t mag = cents < 0 ? 0ULL - (uint64_t)cents : (uint64_t)cents;
	uint64_t q = mag / (uint64_t)den, rem = mag % (uint64_t)den;
	if (rem >= (uint64_t)den - rem) /* 2 * rem >= den, without overflow */
		q++;
	return cents < 0 ? -(int64_t)q : (int64_t)q;
}

/* The decimal digits of v into out (at least 21 bytes, no NUL); returns how
 * many, with a '.' every three when grouped. */
static size_t digits(char *out, uint64_t v, bool grouped)
{
	char tmp[24];
	size_t n = 0, len = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0) {
		out[len++] = tmp[--n];
		if (grouped && n > 0 && n % 3 == 0)
			out[len++] = '.';
	}
	return len;
}

/* sign, units, separator, two decimals; returns the length (no NUL). */
static size_t amount(char *buf, int64_t cents, bool italian)
{
	uint64_t mag = cents < 0 ? 0ULL - (uint64_t)cents : (uint64_t)cents;
	size_t len = 0;
	if (cents < 0)
		buf[len++] = '-';
	len += digits(buf + len, mag / CENTS_PER_EURO, italian);
	buf[len++] = italian ? ',' : '.';
	buf[len++] = (char)('0' + mag / 10 % 10);
	buf[len++] = (char)('0' + mag % 10);
	return len;
}

size_t money_format(char *buf, int64_t cents)
{
	size_t len = amount(buf, cents, false);
	buf[len] = '\0';
	return len;
}

const char *money_text(arena *a, int64_t cents)
{
	char buf[MONEY_TEXT_MAX];
	return arena_strndup(a, buf, money_format(buf, cents));
}

size_t money_format_it(char *buf, int64_t cents)
{
	size_t len = amount(buf, cents, true);
	memcpy(buf + len, NBSP_EURO, sizeof(NBSP_EURO));
	return len + sizeof(NBSP_EURO) - 1;
}

size_t money_group_it(char *buf, int64_t v)
{
	uint64_t mag = v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v;
	size_t len = 0;
	if (v < 0)
		buf[len++] = '-';
	len += digits(buf + len, mag, true);
	buf[len] = '\0';
	return len;
}
