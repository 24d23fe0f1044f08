/* The tenants' SQL: a tenant row with its Comuni, read for one tenant or a
 * page of them in a single statement, and their writes. */
#include <stdio.h>

#include "tenants/tenants.h"

/* A tenant's columns, then one of its Comuni (NULL for a tenant without). */
#define TENANT_COLUMNS                                                                                                 \
	"SELECT t.id, t.slug, t.code, t.name, t.capofila, t.ente_gestore, t.province, t.version,"                      \
	" c.istat_code, c.name, c.population FROM tenants t LEFT JOIN comuni c ON c.tenant_id = t.id"

int tenant_store_ids_after(db *d, arena *a, const char *after, long long **ids, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res, "SELECT id FROM tenants WHERE slug > ? ORDER BY slug", "s", after ? after : ""));
	*n = db_nrows(res);
	*ids = arena_calloc(a, *n + 1, sizeof(**ids));
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = db_int(res, i, 0);
	return DB_OK;
}

/* Rows of TENANT_COLUMNS ordered by tenant, then Comune, into tenants. */
static void tenants_from(arena *a, const db_res *res, tenant **out, size_t *n)
{
	size_t rows = db_nrows(res), k = 0;
	tenant *ts = arena_calloc(a, rows + 1, sizeof(*ts));
	for (size_t i = 0; i < rows;) {
		tenant *t = &ts[k++];
		t->id = db_int(res, i, 0);
		t->slug = db_val(res, i, 1);
		t->code = db_val(res, i, 2);
		t->name = db_val(res, i, 3);
		t->capofila = db_val(res, i, 4);
		t->ente_gestore = db_val(res, i, 5);
		t->province = db_val(res, i, 6);
		t->version = db_int(res, i, 7);
		size_t j = i;
		while (j < rows && db_int(res, j, 0) == t->id)
			j++;
		t->comuni = arena_calloc(a, j - i + 1, sizeof(*t->comuni));
		for (; i < j; i++) {
			if (db_isnull(res, i, 8))
				continue;
			tenant_comune *c = &t->comuni[t->ncomuni++];
			c->istat_code = db_val(res, i, 8);
			c->name = db_val(res, i, 9);
			c->population = db_int(res, i, 10);
			t->population += c->population;
		}
	}
	*out = ts;
	*n = k;
}

int tenant_store_load(db *d, arena *a, const long long *ids, size_t nids, tenant **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (nids == 0)
		return DB_OK;
	/* The ids travel as one JSON array, so the statement stays the same
	 * prepared one whatever the page's size. */
	size_t cap = nids * 21 + 3, len = 0;
	char *list = arena_alloc(a, cap);
	list[len++] = '[';
	for (size_t i = 0; i < nids; i++)
		len += (size_t)snprintf(list + len, cap - len, i ? ",%lld" : "%lld", ids[i]);
	list[len++] = ']';
	list[len] = '\0';
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                TENANT_COLUMNS " JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j ON j.id = t.id"
	                               " ORDER BY t.slug, c.position",
	                "s", list));
	tenants_from(a, res, out, n);
	return DB_OK;
}

int tenant_store_get(db *d, arena *a, long long id, tenant **out)
{
	db_res *res;
	size_t n;
	*out = NULL;
	DB_TRY(db_query(d, a, &res, TENANT_COLUMNS " WHERE t.id = ? ORDER BY c.position", "i", id));
	tenants_from(a, res, out, &n);
	if (n == 0)
		*out = NULL;
	return DB_OK;
}

int tenant_store_lock(db *d, long long id, long long *version)
{
	db_res *res;
	arena *a = arena_new();
	int rc = db_query(d, a, &res, "SELECT version FROM tenants WHERE id = ? FOR UPDATE", "i", id);
	*version = rc == DB_OK && db_nrows(res) == 1 ? db_int(res, 0, 0) : 0;
	arena_free(a);
	return rc;
}

static int comuni_save(db *d, long long tenant_id, const tenant *t)
{
	DB_TRY(db_exec(d, "DELETE FROM comuni WHERE tenant_id = ?", "i", tenant_id));
	for (size_t i = 0; i < t->ncomuni; i++)
		DB_TRY(db_exec(
		    d, "INSERT INTO comuni (tenant_id, istat_code, name, population, position) VALUES (?, ?, ?, ?, ?)",
		    "issii", tenant_id, t->comuni[i].istat_code, t->comuni[i].name, t->comuni[i].population,
		    (long long)i));
	return DB_OK;
}

int tenant_store_insert(db *d, const tenant *t, long long *id)
{
	*id = 0;
	DB_TRY(db_exec(d,
	               "INSERT INTO tenants (slug, code, name, capofila, ente_gestore, province)"
	               " VALUES (?, ?, ?, ?, ?, ?)",
	               "ssssss", t->slug, t->code, t->name, t->capofila ? t->capofila : "",
	               t->ente_gestore ? t->ente_gestore : "", t->province ? t->province : ""));
	*id = (long long)db_last_id(d);
	return comuni_save(d, *id, t);
}

int tenant_store_update(db *d, long long id, const tenant *t, bool comuni)
{
	DB_TRY(db_exec(d,
	               "UPDATE tenants SET code = COALESCE(?, code), name = COALESCE(?, name),"
	               " capofila = COALESCE(?, capofila), ente_gestore = COALESCE(?, ente_gestore),"
	               " province = COALESCE(?, province), version = version + 1, updated_at = NOW(6)"
	               " WHERE id = ?",
	               "sssssi", t->code, t->name, t->capofila, t->ente_gestore, t->province, id));
	return comuni ? comuni_save(d, id, t) : DB_OK;
}
