/* Money as integer cents: reading decimal euros, checked sums, the one
 * rounding rule (half away from zero) and the JSON and Italian texts. Written
 * without printf: the comparisons format tens of thousands of amounts. */
#include "base/money.h"

#include <assert.h>
#include <ctype.h>
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

/* Longest Italian text read: beyond it the amount is past MONEY_MAX_CENTS
 * anyway (or padded with zeros nobody types). */
#define MONEY_IT_TEXT_MAX 64

int money_parse_it(const char *text, int64_t *cents)
{
	if (text == NULL)
		return MONEY_ESYNTAX;
	size_t len = strlen(text);
	while (len > 0 && text[len - 1] == ' ')
		len--;
	static const char euro[] = "\xe2\x82\xac", nbsp[] = "\xc2\xa0";
	if (len >= 3 && memcmp(text + len - 3, euro, 3) == 0) {
		len -= 3;
		for (;;) {
			if (len > 0 && text[len - 1] == ' ')
				len--;
			else if (len >= 2 && memcmp(text + len - 2, nbsp, 2) == 0)
				len -= 2;
			else
				break;
		}
	}
	const char *p = text;
	while (len > 0 && *p == ' ') {
		p++;
		len--;
	}
	if (len >= MONEY_IT_TEXT_MAX)
		return MONEY_ERANGE;
	char out[MONEY_IT_TEXT_MAX];
	size_t o = 0, i = 0;
	if (i < len && p[i] == '-')
		out[o++] = p[i++];
	size_t lead = 0;
	while (i + lead < len && isdigit((unsigned char)p[i + lead]))
		lead++;
	if (lead == 0)
		return MONEY_ESYNTAX;
	bool grouped = i + lead < len && p[i + lead] == '.';
	if (grouped && lead > 3)
		return MONEY_ESYNTAX;
	memcpy(out + o, p + i, lead);
	o += lead;
	i += lead;
	while (grouped && i < len && p[i] == '.') {
		if (i + 4 > len || !isdigit((unsigned char)p[i + 1]) || !isdigit((unsigned char)p[i + 2]) ||
		    !isdigit((unsigned char)p[i + 3]))
			return MONEY_ESYNTAX;
		memcpy(out + o, p + i + 1, 3);
		o += 3;
		i += 4;
	}
	if (i < len && p[i] == ',') {
		out[o++] = '.';
		i++;
		size_t nfrac = 0;
		while (i + nfrac < len && isdigit((unsigned char)p[i + nfrac]))
			nfrac++;
		if (nfrac == 0)
			return MONEY_ESYNTAX;
		memcpy(out + o, p + i, nfrac);
		o += nfrac;
		i += nfrac;
	}
	if (i != len)
		return MONEY_ESYNTAX;
	out[o] = '\0';
	return money_parse(out, cents);
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
