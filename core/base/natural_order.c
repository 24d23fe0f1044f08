/* Natural order: digit runs compared as numbers of any length, without
 * converting them (no overflow), the rest byte by byte. */
#include "base/natural_order.h"

#include <stddef.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int natural_compare(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const char *za = a, *zb = b;
			while (*za == '0')
				za++;
			while (*zb == '0')
				zb++;
			size_t la = 0, lb = 0;
			while (is_digit(za[la]))
				la++;
			while (is_digit(zb[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			for (size_t i = 0; i < la; i++)
				if (za[i] != zb[i])
					return za[i] < zb[i] ? -1 : 1;
			/* Equal values: fewer leading zeros first, so the order is total. */
			size_t ta = (size_t)(za - a) + la, tb = (size_t)(zb - b) + lb;
			if (ta != tb)
				return ta < tb ? -1 : 1;
			a += ta;
			b += tb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
