/* What the comparisons' JSON, CSV and XLSX answers and their pages share:
 * the tenants a caller may compare in natural order, the
 * figures of a cell and the roundings (per inhabitant, medians), and the
 * whole matrices the pages read a page of tenants at a time. */
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "base/natural_order.h"
#include "compare/compare.h"
#include "http/validate.h"
#include "identity/scope.h"

static int tenant_order(const void *a, const void *b)
{
	const compare_tenant *x = a, *y = b;
	return natural_compare(x->slug, y->slug);
}

int compare_visible_tenants(db *d, arena *a, const identity *u, long long cycle_id, compare_source src,
                            bool with_population, compare_tenant **out, size_t *n)
{
	compare_tenant *all;
	size_t nall, k = 0;
	int rc = compare_store_tenants(d, a, cycle_id, src, with_population, &all, &nall);
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < nall; i++)
		if (scope_can_see(u, all[i].id))
			all[k++] = all[i];
	qsort(all, k, sizeof(*all), tenant_order);
	*out = all;
	*n = k;
	return DB_OK;
}

int compare_public_tenants(db *d, arena *a, long long cycle_id, bool with_population, compare_tenant **out, size_t *n)
{
	/* Published is public: no scope to ask, every listed tenant is shown. */
	int rc = compare_store_tenants(d, a, cycle_id, COMPARE_PUBLISHED, with_population, out, n);
	if (rc == DB_OK)
		qsort(*out, *n, sizeof(**out), tenant_order);
	return rc;
}

int64_t compare_per_inhabitant(int64_t cents, long long population)
{
	return population > 0 ? money_div_round(cents, population) : COMPARE_NO_FIGURE;
}

static int cmp_cents(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t compare_median(int64_t *v, size_t n)
{
	if (n == 0)
		return COMPARE_NO_FIGURE;
	qsort(v, n, sizeof(*v), cmp_cents);
	if (n % 2 == 1)
		return v[n / 2];
	return money_div_round(v[n / 2 - 1] + v[n / 2], 2); /* both within MONEY_MAX_CENTS */
}

int64_t compare_column_median(const int64_t *fig, size_t nrows, size_t ncols, size_t c, int64_t *scratch)
{
	size_t n = 0;
	for (size_t t = 0; t < nrows; t++)
		if (fig[t * ncols + c] != COMPARE_NO_FIGURE)
			scratch[n++] = fig[t * ncols + c];
	return compare_median(scratch, n);
}

/* The tenant's place in the page and the column of an aggregate, or false
 * for a code outside the catalogue (cannot be: templates and plans are
 * checked against it). *t and *col come in as the previous row's: the rows
 * arrive tenant by tenant, so the tenant is mostly the same and the column
 * the next one, and a page of 600 tenants has some 18 000 rows. */
static bool slot(const char *code, long long tenant_id, const long long *ids, size_t k, const char **cols, size_t ncols,
                 size_t *t, size_t *col)
{
	if (!(*t < k && ids[*t] == tenant_id))
		for (*t = 0; *t < k && ids[*t] != tenant_id; (*t)++)
			;
	if (*col + 1 < ncols && strcmp(cols[*col + 1], code) == 0)
		(*col)++;
	else if (!(*col < ncols && strcmp(cols[*col], code) == 0))
		for (*col = 0; *col < ncols && strcmp(cols[*col], code) != 0; (*col)++)
			;
	return *col < ncols && *t < k;
}

int compare_coverage_fill(const compare_agg *g, size_t ng, const long long *ids, size_t k, const char **cols,
                          size_t ncols, compare_cov *cells)
{
	memset(cells, 0, k * ncols * sizeof(*cells));
	size_t t = 0, col = 0;
	for (size_t i = 0; i < ng; i++) {
		int64_t cents;
		if (!slot(g[i].code, g[i].tenant_id, ids, k, cols, ncols, &t, &col))
			continue;
		if (money_parse(g[i].amount ? g[i].amount : "0", &cents) != MONEY_OK)
			return DB_EERR;
		cells[t * ncols + col] = (compare_cov){g[i].sections, g[i].complete, g[i].indicators, cents};
	}
	return DB_OK;
}

int compare_finance_fill(const compare_agg *g, size_t ng, const long long *ids, size_t k, const char **cols,
                         size_t ncols, int64_t *amount_rows)
{
	size_t t = 0, col = 0;
	for (size_t i = 0; i < ng; i++) {
		if (slot(g[i].code, g[i].tenant_id, ids, k, cols, ncols, &t, &col) &&
		    money_parse(g[i].amount ? g[i].amount : "0", &amount_rows[t * ncols + col]) != MONEY_OK)
			return DB_EERR;
	}
	return DB_OK;
}

/* The ids of tenants [first, first + k) with the unused slots 0. */
static size_t page_ids(const compare_tenant *t, size_t nt, size_t first, long long ids[COMPARE_AGG_PAGE])
{
	size_t k = 0;
	memset(ids, 0, COMPARE_AGG_PAGE * sizeof(ids[0]));
	for (; k < COMPARE_AGG_PAGE && first + k < nt; k++)
		ids[k] = t[first + k].id;
	return k;
}

int compare_coverage_matrix(db *d, long long cycle_id, compare_source src, bool by_objective, const compare_tenant *t,
                            size_t nt, const char **cols, size_t ncols, compare_cov *cells)
{
	for (size_t first = 0; first < nt; first += COMPARE_AGG_PAGE) {
		long long ids[COMPARE_AGG_PAGE];
		size_t k = page_ids(t, nt, first, ids), ng;
		compare_agg *g;
		arena *pa = arena_new();
		int rc = compare_store_coverage(d, pa, cycle_id, src, by_objective, ids, &g, &ng);
		if (rc == DB_OK)
			rc = compare_coverage_fill(g, ng, ids, k, cols, ncols, &cells[first * ncols]);
		arena_free(pa);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

int compare_finance_matrix(db *d, long long cycle_id, compare_source src, bool by_source, const compare_tenant *t,
                           size_t nt, const char **cols, size_t ncols, int64_t *amount)
{
	memset(amount, 0, nt * ncols * sizeof(*amount));
	for (size_t first = 0; first < nt; first += COMPARE_AGG_PAGE) {
		long long ids[COMPARE_AGG_PAGE];
		size_t k = page_ids(t, nt, first, ids), ng;
		compare_agg *g;
		arena *pa = arena_new();
		int rc = compare_store_finance(d, pa, cycle_id, src, by_source, ids, &g, &ng);
		if (rc == DB_OK)
			rc = compare_finance_fill(g, ng, ids, k, cols, ncols, &amount[first * ncols]);
		arena_free(pa);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}
