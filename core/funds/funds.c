/* HTTP routes of the fund allocations (SPEC §7a): the riparto of a cycle,
 * read by everyone for the tenants they see, replaced whole by a region_admin
 * as JSON or CSV. An upload is all or nothing: any error answers 422 with
 * every error found and the stored riparto stays as it was. */
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "funds/funds.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/auth.h"
#include "identity/scope.h"

#define FUNDS_PATH "/api/v1/cycles/{cycle}/allocations"

static void answer_rows(http_req *r, const fund_row *rows, size_t n)
{
	int csv = http_wants_csv(r);
	if (csv < 0)
		return;
	if (csv) {
		csv_writer w;
		http_csv_begin(r, &w);
		csv_bom(&w);
		csv_field(&w, "tenant");
		csv_field(&w, "year");
		csv_field(&w, "source");
		csv_field(&w, "amount_eur");
		csv_end(&w);
		for (size_t i = 0; i < n; i++) {
			if (!scope_can_see(r->user, rows[i].tenant_id))
				continue;
			csv_field(&w, rows[i].tenant);
			csv_fieldf(&w, "%lld", rows[i].year);
			csv_field(&w, rows[i].source);
			csv_number(&w, rows[i].amount);
			csv_end(&w);
		}
		return;
	}
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_key(w, "items");
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		if (!scope_can_see(r->user, rows[i].tenant_id))
			continue;
		jw_obj_begin(w);
		jw_kstr(w, "tenant", rows[i].tenant);
		jw_kint(w, "year", rows[i].year);
		jw_kstr(w, "source", rows[i].source);
		jw_knum_text(w, "amount_eur", rows[i].amount);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	http_json_end(r, w, 200);
}

static void get_allocations(http_req *r)
{
	fund_row *rows;
	size_t n;
	cycle *c = cycles_path_cycle(r, false);
	if (c != NULL && http_db_ok(r, fund_store_list(r->db, r->a, c->id, &rows, &n), "le assegnazioni"))
		answer_rows(r, rows, n);
}

static bool is_csv_type(const char *ct)
{
	if (ct == NULL)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n == 8 && strncasecmp(ct, "text/csv", 8) == 0;
}

static void put_allocations(http_req *r)
{
	if (r->user->region_role != ROLE_REGION_ADMIN) {
		http_problem(r, 403, "solo un region_admin può registrare il riparto dei fondi");
		return;
	}
	if (r->body_len > FUND_MAX_BODY) {
		http_problemf(r, 413, "il riparto supera %d byte", FUND_MAX_BODY);
		return;
	}
	cycle *c = cycles_path_cycle(r, true); /* the lock serialises uploads */
	if (c == NULL)
		return;
	r->audit_object = arena_printf(r->a, "cycle:%s/allocations", c->slug);
	bool csv = is_csv_type(http_header_get(r, "Content-Type"));
	field_errors *e = http_errors_new(r);
	fund_row *rows;
	size_t n;
	if (csv) {
		fund_parse_csv(e, r->body ? r->body : "", r->body_len, &rows, &n);
	} else {
		json_value *body = v_read_object(r);
		if (body == NULL)
			return;
		fund_parse_json(e, body, &rows, &n);
	}
	cycle_catalog cat;
	fund_tenant *tenants;
	size_t ntenants;
	if (!http_db_ok(r, cycle_store_load_catalog(r->db, r->a, c->id, &cat), "il catalogo") ||
	    !http_db_ok(r, fund_store_tenants(r->db, r->a, &tenants, &ntenants), "gli ambiti"))
		return;
	fund_check(e, c, &cat, tenants, ntenants, rows, n, csv);
	if (http_errors_answer(r, e, 422, "riparto non registrato: nessuna riga è stata salvata"))
		return;
	if (!http_db_ok(r, fund_store_replace(r->db, c->id, rows, n), "le assegnazioni"))
		return;
	r->audit_detail = arena_printf(r->a, "%zu righe (%s)", n, csv ? "CSV" : "JSON");
	if (http_db_ok(r, fund_store_list(r->db, r->a, c->id, &rows, &n), "le assegnazioni"))
		answer_rows(r, rows, n);
}

static const route routes[] = {
    {HTTP_GET,
     FUNDS_PATH,
     get_allocations,
     0,
     "The cycle's fund allocations (riparto) of the tenants the caller sees",
     NULL,
     "AllocationList",
     {P_FORMAT}},
    {HTTP_PUT, FUNDS_PATH, put_allocations, 0,
     "Replace the cycle's fund allocations, as JSON or as CSV (Content-Type: text/csv, header "
     "tenant,year,source,amount_eur); all or nothing (region_admin)",
     "AllocationList", "AllocationList"},
};

void funds_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
