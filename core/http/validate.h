/* Field validation for JSON bodies. Each v_* reads obj[key], adds a field
 * error to e when the value is missing (and required), of the wrong type or
 * out of its limits, and returns the value (NULL / false when absent or bad).
 * Field paths in errors are prefix.key, or key when prefix is NULL. Lengths
 * are counted in characters, not bytes. */
#ifndef AMBITO_VALIDATE_H
#define AMBITO_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/json.h"
#include "http/http.h"

/* The field path as errors name it, in the request's arena. */
const char *v_path(field_errors *e, const char *prefix, const char *key);
const char *v_index(field_errors *e, const char *prefix, const char *key, size_t i);

/* One line of text: no control characters. */
const char *v_string(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t min_chars,
                     size_t max_chars, bool required);
/* Free text: newlines and tabs allowed, other control characters not. */
const char *v_text(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max_chars,
                   bool required);
/* A string that may be JSON null (returns NULL, *is_null true). */
const char *v_string_or_null(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                             size_t max_chars, bool *present);
bool v_int(field_errors *e, const char *prefix, const json_value *obj, const char *key, long long min, long long max,
           bool required, long long *out);
bool v_bool(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required, bool *out);
/* An amount in euros: a JSON number >= 0 with at most 2 decimals (read by
 * money_parse), below 10^12 euros; returned as its decimal text for a
 * DECIMAL column. */
#define V_MONEY_MAX_CENTS 99999999999999LL /* 999 999 999 999.99 euros */
const char *v_money(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required);
/* Lowercased; local@domain.tld, at most 254 characters. */
const char *v_email(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required);
/* Lowercase letters, digits and single hyphens, at most 64 characters. */
const char *v_slug(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required);
/* At least PASSWORD_MIN_CHARS characters, at most PASSWORD_MAX_BYTES bytes. */
const char *v_password(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required);
/* An RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ" (fractions allowed) or a date
 * "YYYY-MM-DD" when date_only; returned as MariaDB DATETIME/DATE text. */
const char *v_time(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool date_only,
                   bool required);
/* The same check for a string in hand (a query parameter); field names it. */
const char *v_time_text(field_errors *e, const char *field, const char *s, bool date_only);
/* An array member (NULL when absent and not required, or not an array). */
const json_value *v_array(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max_items,
                          bool required);
const json_value *v_object(field_errors *e, const char *prefix, const json_value *obj, const char *key, bool required);
/* Flags every member of obj not in the NULL-terminated list allowed. */
void v_only(field_errors *e, const char *prefix, const json_value *obj, const char *const *allowed);
/* The body must be a JSON object: answers 422 and returns false otherwise. */
bool v_body_object(http_req *r, const json_value *body);
/* The request body as a JSON object, or NULL after answering 400, 415 or 422. */
json_value *v_read_object(http_req *r);
/* ?limit= and a numeric ?cursor= (the last id or revision of the previous
 * page, read by id_parse with max_digits; *after 0 when absent): -1 after
 * answering 400.
 * Lists keyed by a slug or an email read http_page_params themselves. */
int v_page_after(http_req *r, size_t max_digits, int *limit, long long *after);

/* Plain checks, for values already in hand. */
bool v_is_slug(const char *s);
bool v_is_line(const char *s); /* valid UTF-8 without control characters */

#endif
