/* A list of field errors: each names a field by its path ("parts.analisi",
 * "spending[0].year") and says what is wrong with it. The models fill it
 * without any request; the HTTP layer answers it as the errors of a 422
 * problem, ambitoctl prints it. */
#ifndef AMBITO_FIELD_ERRORS_H
#define AMBITO_FIELD_ERRORS_H

#include <stddef.h>

#include "base/arena.h"

#define FIELD_ERRORS_MAX 200 /* errors kept; the others are only counted */

typedef struct field_errors field_errors;

/* An empty list living in a (freed with it). */
field_errors *field_errors_new(arena *a);
void field_errors_add(field_errors *e, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Every error added, the ones past FIELD_ERRORS_MAX included. */
size_t field_errors_count(const field_errors *e);
/* The errors kept, 0 to FIELD_ERRORS_MAX: field_errors_field/_message
 * read the i-th of them, in the order they were added. */
size_t field_errors_kept(const field_errors *e);
const char *field_errors_field(const field_errors *e, size_t i);
const char *field_errors_message(const field_errors *e, size_t i);
/* The arena the list lives in, for field paths built while validating. */
arena *field_errors_arena(const field_errors *e);

#endif
