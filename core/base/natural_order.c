/* Natural order: digit runs by value, the rest bytewise. */
#include <stddef.h>

#include "base/natural_order.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int natural_cmp(const char *a, const char *b)
{
	int tie = 0; /* the first difference in leading zeros, for a total order */
	while (*a != '\0' && *b != '\0') {
		if (!is_digit(*a) || !is_digit(*b)) {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
			continue;
		}
		const char *za = a, *zb = b;
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		if (tie == 0 && (a - za) != (b - zb))
			tie = (a - za) < (b - zb) ? -1 : 1;
		size_t la = 0, lb = 0;
		while (is_digit(a[la]))
			la++;
		while (is_digit(b[lb]))
			lb++;
		if (la != lb)
			return la < lb ? -1 : 1;
		for (size_t i = 0; i < la; i++)
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
		a += la;
		b += lb;
	}
	if (*a != *b)
		return *a == '\0' ? -1 : 1;
	return tie;
}
