/* The one reading of an id's text (see id.h). */
#include "base/id.h"

#include <assert.h>
#include <string.h>

bool id_parse(const char *s, size_t max_digits, long long *out)
{
	assert(max_digits <= ID_MAX_DIGITS);
	if (s == NULL || s[0] < '1' || s[0] > '9')
		return false;
	size_t n = strspn(s, "0123456789");
	if (n > max_digits || s[n] != '\0')
		return false;
	long long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return true;
}
