/* Data access for the fund allocations. An upload replaces a cycle's rows:
 * one DELETE and multi-row INSERTs of FUND_BATCH rows, all inside the
 * caller's transaction, so a failure leaves the previous riparto whole. */
#include "funds/funds.h"

/* Rows per INSERT: the VALUES list and its arguments are written out once
 * here, so the number of '?' and of arguments cannot drift apart. */
#define FUND_BATCH 8
#define ROW_Q "(?, ?, ?, ?, ?)"
#define ROW_T "iiiss"
#define ROW_A(p, k) (p)[k].tenant_id, cycle_id, (p)[k].year, (p)[k].source, (p)[k].amount
#define INSERT_SQL "INSERT INTO allocations (tenant_id, cycle_id, year, source, amount_eur) VALUES "
_Static_assert(FUND_BATCH == 8, "the batch INSERT lists FUND_BATCH rows");

static void read_rows(const db_res *res, arena *a, fund_row **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (fund_row){
		    .tenant_id = db_int(res, i, 0),
		    .tenant = db_val(res, i, 1),
		    .year = db_int(res, i, 2),
		    .source = db_val(res, i, 3),
		    .amount = db_val(res, i, 4),
		};
}

int fund_store_tenants(db *d, arena *a, fund_tenant **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT id, slug FROM tenants ORDER BY slug", "");
	if (rc != DB_OK)
		return rc;
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (fund_tenant){db_int(res, i, 0), db_val(res, i, 1)};
	return DB_OK;
}

int fund_store_list(db *d, arena *a, long long cycle_id, fund_row **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT al.tenant_id, t.slug, al.year, al.source, al.amount_eur"
	                  " FROM allocations al JOIN tenants t ON t.id = al.tenant_id"
	                  " WHERE al.cycle_id = ? ORDER BY t.slug, al.year, al.source",
	                  "i", cycle_id);
	if (rc == DB_OK)
		read_rows(res, a, out, n);
	return rc;
}

int fund_store_tenant(db *d, arena *a, long long tenant_id, long long cycle_id, fund_row **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT al.tenant_id, t.slug, al.year, al.source, al.amount_eur"
	                  " FROM allocations al JOIN tenants t ON t.id = al.tenant_id"
	                  " WHERE al.tenant_id = ? AND al.cycle_id = ? ORDER BY al.year, al.source",
	                  "ii", tenant_id, cycle_id);
	if (rc == DB_OK)
		read_rows(res, a, out, n);
	return rc;
}

int fund_store_replace(db *d, long long cycle_id, const fund_row *rows, size_t n)
{
	DB_TRY(db_exec(d, "DELETE FROM allocations WHERE cycle_id = ?", "i", cycle_id));
	size_t i = 0;
	for (; i + FUND_BATCH <= n; i += FUND_BATCH) {
		const fund_row *p = rows + i;
		DB_TRY(db_exec(
		    d, INSERT_SQL ROW_Q ", " ROW_Q ", " ROW_Q ", " ROW_Q ", " ROW_Q ", " ROW_Q ", " ROW_Q ", " ROW_Q,
		    ROW_T ROW_T ROW_T ROW_T ROW_T ROW_T ROW_T ROW_T, ROW_A(p, 0), ROW_A(p, 1), ROW_A(p, 2), ROW_A(p, 3),
		    ROW_A(p, 4), ROW_A(p, 5), ROW_A(p, 6), ROW_A(p, 7)));
	}
	for (; i < n; i++)
		DB_TRY(db_exec(d, INSERT_SQL ROW_Q, ROW_T, ROW_A(rows, i)));
	return DB_OK;
}
