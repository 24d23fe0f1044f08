/* The public comparisons (SPEC §7b): coverage by obiettivo strategico or
 * azione di sistema and finance by area or funding source over the published
 * plans only (COMPARE_PUBLISHED), as pages under /trasparenza/{cycle}/… and as
 * JSON, CSV and XLSX under /api/v1/public/cycles/{cycle}/compare/…, and the
 * four CSVs of the cycle's ZIP. core/compare builds them (the Region's own
 * tables, charts and writers); this file answers them with the validators
 * every public file has (od_answer), so each is built whole, not streamed. */
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"
#include "opendata/opendata.h"
#include "opendata/opendata_parts.h"
#include "web/web.h"

/* A page built into r's answer: answered again through od_answer (the body
 * copied first, as od_answer replaces r's body). */
static void answer_page(http_req *r, const od_cycle *cy)
{
	if (r->status != 200)
		return; /* the error page stands */
	size_t len = r->resp_len;
	char *body = arena_alloc(r->a, len + 1);
	memcpy(body, r->resp_body, len);
	od_answer(r, "text/html", body, len, cy->last_published);
}

void od_public_coverage_page(http_req *r)
{
	od_cycle *cy = od_path_cycle(r);
	if (cy == NULL)
		return;
	compare_public_coverage_page(r);
	answer_page(r, cy);
}

void od_public_finance_page(http_req *r)
{
	od_cycle *cy = od_path_cycle(r);
	if (cy == NULL)
		return;
	compare_public_finance_page(r);
	answer_page(r, cy);
}

bool od_compare_file(http_req *r, const od_cycle *cy, bool finance, const char *by, int format, od_membuf *m)
{
	if (!compare_public_answer(r, cy->id, cy->slug, finance, by, format, od_membuf_sink, m))
		return false;
	if (m->failed) {
		web_error_page(r, 500, NULL);
		return false;
	}
	return true;
}

static void get_compare(http_req *r, bool finance)
{
	od_cycle *cy = od_path_cycle(r);
	if (cy == NULL) {
		if (r->status == 404) /* an API answers a problem, not a page */
			http_problem(r, 404, "il ciclo richiesto non esiste o non è pubblico");
		return;
	}
	int format = table_format(r);
	if (format < 0)
		return;
	const char *by = http_query(r, "by");
	od_membuf m = {0};
	if (od_compare_file(r, cy, finance, by, format, &m)) {
		static const char *const types[] = {"application/json", "text/csv", TABLE_XLSX_TYPE};
		od_answer(r, types[format], m.data ? m.data : "", m.len, cy->last_published);
		if (format != TABLE_JSON)
			http_set_header(r, "Content-Disposition",
			                arena_printf(r->a, "attachment; filename=\"ambito-%s-%s-%s-published.%s\"",
			                             cy->slug, finance ? "finance" : "coverage",
			                             by        ? by
			                             : finance ? "area"
			                                       : "action",
			                             format == TABLE_XLSX ? "xlsx" : "csv"));
	}
	free(m.data);
}

void od_public_compare_coverage(http_req *r)
{
	get_compare(r, false);
}

void od_public_compare_finance(http_req *r)
{
	get_compare(r, true);
}
