/* Field errors (see field_errors.h): an array in the caller's arena, capped
 * so that a body with a million bad items costs a bounded list. */
#include "base/field_errors.h"

#include <assert.h>
#include <stdarg.h>

struct field_errors {
	arena *a;
	const char *fields[FIELD_ERRORS_MAX];
	const char *messages[FIELD_ERRORS_MAX];
	size_t n, dropped;
};

field_errors *field_errors_new(arena *a)
{
	field_errors *e = arena_calloc(a, 1, sizeof(*e));
	e->a = a;
	return e;
}

void field_errors_add(field_errors *e, const char *field, const char *fmt, ...)
{
	if (e->n == FIELD_ERRORS_MAX) {
		e->dropped++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	e->messages[e->n] = arena_vprintf(e->a, fmt, ap);
	va_end(ap);
	e->fields[e->n] = arena_strdup(e->a, field);
	e->n++;
}

size_t field_errors_count(const field_errors *e)
{
	return e->n + e->dropped;
}

size_t field_errors_kept(const field_errors *e)
{
	return e->n;
}

const char *field_errors_field(const field_errors *e, size_t i)
{
	assert(i < e->n);
	return e->fields[i];
}

const char *field_errors_message(const field_errors *e, size_t i)
{
	assert(i < e->n);
	return e->messages[i];
}

arena *field_errors_arena(const field_errors *e)
{
	return e->a;
}
