/* The Region's administration pages (region_admin): ATS and their Comuni,
 * users and password resets, planning cycles and their files, the audit
 * log. Each page reads and writes through the same functions as the JSON
 * API (tenants_create, users_change, cycles_change, cycle_import,
 * audit_store_search …), with the API's validation and audit. */
#ifndef AMBITO_ADMIN_H
#define AMBITO_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/field_errors.h"
#include "http/http.h"
#include "web/web.h"

#define ADMIN_PATH "/amministrazione"
#define ADMIN_ERRORS_MAX 64 /* errors shown beside fields; the rest counted in the summary */

void admin_register(void);

/* ---- shared by the administration's pages (admin_pages.c) ---- */

/* Who may open a page: the region_admin always; the region_reviewer reads
 * what the API lets it read (tenants, cycles) when reviewer_reads. Anyone
 * else, and a reviewer on a write, gets the 403 page. 0 or -1. */
int admin_require(http_req *r, bool reviewer_reads);
/* A page under Amministrazione: crumbs after its own. */
web_page *admin_page(http_req *r, const char *title, const web_crumb *crumbs, size_t n);
/* An alert box: kind "success", "warning", "danger". */
void admin_alert(web_page *p, const char *kind, const char *text);

/* Errors of a form, by the id of the field they belong to. */
typedef struct admin_errors {
	const char *ids[ADMIN_ERRORS_MAX], *msgs[ADMIN_ERRORS_MAX];
	size_t n, more;
} admin_errors;
void admin_error(admin_errors *ae, const char *id, const char *msg);
/* The message of field id, or NULL. */
const char *admin_error_of(const admin_errors *ae, const char *id);
/* The summary at the top of the form. */
void admin_error_summary(web_page *p, const admin_errors *ae);

/* <select> of (value, label) pairs, with its label (or aria-label when
 * label_hidden) and its error. */
void admin_select(web_page *p, const char *id, const char *name, const char *label, bool label_hidden,
                  const char *const (*options)[2], size_t nopt, const char *chosen, const char *error);
/* An input in a table cell, labelled for screen readers. */
void admin_cell_input(web_page *p, const char *id, const char *name, const char *label, const char *type,
                      const char *value, const char *error);
/* "campo-x" for a field of web_field_input. */
const char *admin_field_id(http_req *r, const char *name);
/* The row fields name[i].key of a form, i < max: the first index with none
 * of keys is where the rows end (blank rows and ticked "rimuovi" are the
 * caller's to skip). */
size_t admin_form_rows(const web_form *f, http_req *r, const char *name, const char *const *keys, size_t max);
/* Whether the form's hidden "versione" is version, the row's as read when
 * the form was shown: otherwise someone changed it meanwhile (the caller
 * shows the form again, with what was typed, and 409). */
bool admin_version_current(http_req *r, const web_form *f, long long version);
/* Opens the form of a new row (version 0) or of a stored one, posting to
 * action: the CSRF token, the hidden "versione" of a stored row, and the
 * first column of the form's fields (closed by the caller). */
void admin_form_begin(web_page *p, const char *action, long long version);

/* Each page file's routes. */
void admin_tenant_pages_register(void);
void admin_user_pages_register(void);
void admin_cycle_pages_register(void);
void admin_audit_pages_register(void);

#endif
