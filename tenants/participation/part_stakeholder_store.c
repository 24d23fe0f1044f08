/* The map of local bodies' SQL (mappatura degli enti). */
#include <string.h>

#include "tenants/participation/participation.h"

int part_store_stakeholders(db *d, arena *a, long long tenant_id, bool public_only, part_stakeholder **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT id, name, kind, comune, contact, public, created_at FROM participation_stakeholders"
	                " WHERE tenant_id = ? AND (? = 0 OR public = 1) ORDER BY kind, comune, name, id LIMIT ?",
	                "iii", tenant_id, (long long)public_only, (long long)PART_STAKEHOLDERS_MAX));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (part_stakeholder){.id = db_int(res, i, 0),
		                               .name = db_val(res, i, 1),
		                               .kind = db_val(res, i, 2),
		                               .comune = db_isnull(res, i, 3) ? NULL : db_val(res, i, 3),
		                               .contact = db_isnull(res, i, 4) ? NULL : db_val(res, i, 4),
		                               .public = db_int(res, i, 5) == 1,
		                               .created_at = db_val(res, i, 6)};
	return DB_OK;
}

int part_store_stakeholder_insert(db *d, long long tenant_id, part_stakeholder *s)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO participation_stakeholders (tenant_id, name, kind, comune, contact, public)"
	               " VALUES (?, ?, ?, ?, ?, ?)",
	               "issssi", tenant_id, s->name, s->kind, s->comune, s->contact, (long long)s->public));
	s->id = (long long)db_last_id(d);
	return DB_OK;
}

int part_store_public_map(db *d, arena *a, const char *slug, long long *tenant_id, const char **name)
{
	db_res *res;
	*tenant_id = 0;
	*name = NULL;
	DB_TRY(db_query(d, a, &res,
	                "SELECT t.id, t.name, t.slug FROM tenants t WHERE t.slug = ? AND EXISTS (SELECT 1 FROM"
	                " participation_stakeholders s WHERE s.tenant_id = t.id AND s.public = 1)",
	                "s", slug));
	/* Only the exact slug: the column's collation would also take "ATS-20". */
	if (db_nrows(res) == 1 && strcmp(db_val(res, 0, 2), slug) == 0) {
		*tenant_id = db_int(res, 0, 0);
		*name = db_val(res, 0, 1);
	}
	return DB_OK;
}
