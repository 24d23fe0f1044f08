/* Natural order: digit runs by value, the rest bytewise. Runs are compared
 * as text (length after leading zeros, then digits), so a run of any length
 * is fine. */
#include "base/natural.h"

#include <stddef.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int natural_cmp(const char *a, const char *b)
{
	int zeros = 0; /* the first difference in leading zeros, as a tie-break */
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const char *za = a, *zb = b;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t la = 0, lb = 0;
			while (is_digit(a[la]))
				la++;
			while (is_digit(b[lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			for (size_t i = 0; i < la; i++)
				if (a[i] != b[i])
					return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
			if (zeros == 0 && (a - za) != (b - zb))
				zeros = (a - za) < (b - zb) ? -1 : 1;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	if (*a || *b)
		return *a ? 1 : -1;
	return zeros;
}
