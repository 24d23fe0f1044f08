/* multipart/form-data (RFC 7578) bodies: the few fields of an upload form,
 * a file among them. Bounded: a fixed number of parts, short boundaries and
 * part heads; the parts point into the body, nothing is copied but names. */
#ifndef AMBITO_MULTIPART_H
#define AMBITO_MULTIPART_H

#include <stddef.h>

#include "base/arena.h"

#define MULTIPART_MAX_PARTS 16    /* parts of one body: an upload form has a handful */
#define MULTIPART_BOUNDARY_MAX 70 /* RFC 2046 §5.1.1 */
#define MULTIPART_HEAD_MAX 2048   /* the headers of one part */
#define MULTIPART_NAME_MAX 200    /* a field name or file name */

typedef struct multipart_part {
	const char *name;         /* the form field's name (in the arena) */
	const char *filename;     /* NULL when the part is no file */
	const char *content_type; /* NULL when not given */
	const char *data;         /* into the body; not NUL-terminated */
	size_t len;
} multipart_part;

/* Parses body (len bytes) sent with content_type (the request's header):
 * fills up to max parts and returns their number, or -1 when the body is not
 * well-formed multipart/form-data (wrong type, no or bad boundary, a part
 * without name, a head too long, more than max parts, no closing boundary). */
int multipart_parse(arena *a, const char *content_type, const char *body, size_t len, multipart_part *parts,
                    size_t max);
/* The first part named name, or NULL. */
const multipart_part *multipart_get(const multipart_part *parts, size_t n, const char *name);

#endif
