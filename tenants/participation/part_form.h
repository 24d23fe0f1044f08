/* What the participation forms share, the ATS's (part_pages.c) and the
 * public candidacy form (part_public_pages.c): a submitted form with the
 * API parser's errors, each found by the API's field path and named in
 * Italian in the summary at the top of the form. */
#ifndef AMBITO_PART_FORM_H
#define AMBITO_PART_FORM_H

#include "base/field_errors.h"
#include "web/web.h"

typedef struct part_form {
	const web_form *f; /* what was typed, or NULL */
	field_errors *e;   /* NULL when none */
} part_form;

/* What was typed in name, or NULL (v may be NULL: a blank form). */
const char *part_form_typed(const part_form *v, const char *name);
/* The first error of field or of one of its items (field[2]…), or NULL. */
const char *part_form_error(const part_form *v, const char *field);
/* The list of errors at the top of the form, each a link to its field. */
void part_form_summary(web_page *p, const part_form *v);

#endif
