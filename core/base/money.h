/* Money, one policy for the whole server: euros with at most two decimals,
 * held as integer cents and never as floating point. Amounts are read from
 * their decimal text (a JSON number's source text or a DECIMAL column), and
 * written for JSON ("1234.50") or for Italian readers ("1.234,50 €"). */
#ifndef AMBITO_MONEY_H
#define AMBITO_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* The largest amount read or summed, in cents: 16 integer digits of euros,
 * far beyond the DECIMAL sums of a whole Region, and nine of them still fit
 * in 64 bits. */
#define MONEY_MAX_CENTS 999999999999999999LL
/* Room for any 64-bit amount written by money_format, money_format_it or
 * money_group_it, the no-break space, the euro sign and the NUL included. */
#define MONEY_TEXT_MAX 40

enum {
	MONEY_OK = 0,
	MONEY_ESYNTAX = -1,   /* not -?[0-9]+(\.[0-9]+)? : signs, exponents, spaces */
	MONEY_EDECIMALS = -2, /* more than two decimals, even "1.500" */
	MONEY_ERANGE = -3,    /* beyond MONEY_MAX_CENTS either way */
};

/* A decimal amount of euros ("1234.5", "-0.01", "7") into cents. Refuses
 * (without rounding) anything with more than two decimals, exponents ("1e3"),
 * a sign other than a leading '-', and amounts past MONEY_MAX_CENTS; the
 * checks come in that order. Returns MONEY_OK or one of the codes above. */
int money_parse(const char *text, int64_t *cents);

/* An amount as an Italian reader types it: "1.234,56", "1234,5", "1.500"
 * (fifteen hundred), "7", with an optional trailing euro sign and spaces
 * around. Dots only between groups of three digits; a comma before at most
 * two decimals. The same codes as money_parse ("1234.56" is MONEY_ESYNTAX:
 * its dot does not group thousands). */
int money_parse_it(const char *text, int64_t *cents);

/* *sum += cents, unless the result would pass MONEY_MAX_CENTS either way:
 * then false and *sum is left as it was. */
bool money_add(int64_t *sum, int64_t cents);

/* cents / den rounded half up (half away from zero) to the cent, for the
 * figures that really are divided: per inhabitant, the mean of two. den > 0. */
int64_t money_div_round(int64_t cents, int64_t den);

/* "1234.50", "-0.01", "0.00": the JSON and CSV form, always two decimals,
 * into buf (MONEY_TEXT_MAX bytes); returns the length. */
size_t money_format(char *buf, int64_t cents);
/* The same text in a. */
const char *money_text(arena *a, int64_t cents);

/* "1.234,56 €", "-1.234,56 €": the Italian form, '.' between thousands, ','
 * before the cents, and U+00A0 NO-BREAK SPACE before the euro sign so that
 * a narrow table cell never wraps the sign onto a line of its own. Into buf
 * (MONEY_TEXT_MAX bytes); returns the length. */
size_t money_format_it(char *buf, int64_t cents);
/* The digits of v with a '.' between thousands ("25.000", "-1.234"), into
 * buf (MONEY_TEXT_MAX bytes); returns the length. */
size_t money_group_it(char *buf, int64_t v);

#endif
