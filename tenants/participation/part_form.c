#include "tenants/participation/part_form.h"

#include <string.h>

const char *part_form_typed(const part_form *v, const char *name)
{
	return v != NULL && v->f != NULL ? web_form_get(v->f, name) : NULL;
}

const char *part_form_error(const part_form *v, const char *field)
{
	for (size_t i = 0; v != NULL && v->e != NULL && i < field_errors_kept(v->e); i++) {
		const char *f = field_errors_field(v->e, i);
		if (strcmp(f, field) == 0 || (strncmp(f, field, strlen(field)) == 0 && f[strlen(field)] == '['))
			return field_errors_message(v->e, i);
	}
	return NULL;
}

/* The Italian name of a form field, for the error summary. */
static const char *field_label(const char *field)
{
	static const char *const names[][2] = {{"name", "Nome"},
	                                       {"referent", "Referente"},
	                                       {"area", "Area"},
	                                       {"sections", "Sezioni"},
	                                       {"description", "Descrizione"},
	                                       {"cycle", "Ciclo"},
	                                       {"title", "Titolo"},
	                                       {"call_description", "Testo"},
	                                       {"opens_at", "Apertura"},
	                                       {"closes_at", "Chiusura"},
	                                       {"groups", "Tavoli"},
	                                       {"first_name", "Nome"},
	                                       {"last_name", "Cognome"},
	                                       {"organization", "Organizzazione"},
	                                       {"kind", "Tipo di ente"},
	                                       {"role", "Ruolo"},
	                                       {"email", "Email"},
	                                       {"starts_at", "Data e ora"},
	                                       {"ends_at", "Fine"},
	                                       {"place", "Luogo"},
	                                       {"agenda", "Ordine del giorno"},
	                                       {"minutes", "Verbale"},
	                                       {"attendees", "Presenti"},
	                                       {"comune", "Comune"},
	                                       {"contact", "Contatto"},
	                                       {"public", "Pubblico"},
	                                       {"contact_name", "Nome e cognome"},
	                                       {"motivation", "Motivazione"},
	                                       {"privacy_consent", "Consenso"}};
	size_t n = strcspn(field, ".[");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i][0]) == n && strncmp(names[i][0], field, n) == 0)
			return names[i][1];
	return field;
}

/* The summary of a form's errors, each a link to its field. */
void part_form_summary(web_page *p, const part_form *v)
{
	if (v == NULL || v->e == NULL || field_errors_kept(v->e) == 0)
		return;
	http_req *r = web_req(p);
	size_t n = field_errors_kept(v->e);
	const char **ids = arena_calloc(r->a, n + 1, sizeof(*ids));
	const char **msgs = arena_calloc(r->a, n + 1, sizeof(*msgs));
	for (size_t i = 0; i < n; i++) {
		const char *f = field_errors_field(v->e, i);
		size_t k = strcspn(f, ".[");
		ids[i] = arena_printf(r->a, "campo-%.*s", (int)k, f);
		msgs[i] = arena_printf(r->a, "%s: %s", field_label(f), field_errors_message(v->e, i));
	}
	web_error_summary(p, ids, msgs, n);
}
