/* A whole cycle file into the database: the one import of ambitoctl and of
 * the administration's upload page. The document is checked with the API's
 * own validation and written in the caller's transaction, so all of it or
 * nothing. */
#include "cycles/cycles.h"

size_t cycle_count_actions(const cycle_catalog *cat)
{
	size_t n = 0;
	for (size_t i = 0; i < cat->nobjectives; i++)
		n += cat->objectives[i].nactions;
	return n;
}

cycle_import_result cycle_import(db *d, arena *a, field_errors *e, const json_value *root, bool replace,
                                 cycle_document *doc, bool *replaced, const char **refusal, const char **refusal_it,
                                 int *db_rc)
{
	cycle *old = NULL;
	*replaced = false;
	*refusal = *refusal_it = NULL;
	*db_rc = DB_OK;
	if (cycle_parse_document(e, root, doc) > 0)
		return CYCLE_IMPORT_INVALID;
	int rc = cycle_store_find(d, a, doc->cycle.slug, true, &old);
	if (rc == DB_OK && old != NULL && !replace) {
		*refusal =
		    arena_printf(a, "cycle.slug: il ciclo %s esiste già (--replace lo sovrascrive finché è una bozza)",
		                 doc->cycle.slug);
		*refusal_it = arena_printf(a, "cycle.slug: il ciclo %s esiste già", doc->cycle.slug);
		return CYCLE_IMPORT_REFUSED;
	}
	if (rc == DB_OK && old != NULL && old->status != CYCLE_DRAFT) {
		*refusal = *refusal_it = arena_printf(
		    a,
		    "cycle.slug: il ciclo %s è in stato %s: le sue regole sono bloccate perché i piani restino "
		    "confrontabili",
		    doc->cycle.slug, cycle_status_name(old->status));
		return CYCLE_IMPORT_REFUSED;
	}
	if (rc == DB_OK)
		rc = cycle_store_save_document(d, doc, old ? old->id : 0);
	if (rc != DB_OK) {
		*db_rc = rc;
		return CYCLE_IMPORT_FAILED;
	}
	*replaced = old != NULL;
	return CYCLE_IMPORT_OK;
}
