/* The settings, the dates of the cache headers and the route table of the
 * part (the validators: opendata_fresh.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/router.h"
#include "opendata/opendata.h"
#include "opendata/opendata_parts.h"
#include "web/web.h"

const char *od_region_name = "Regione", *od_region_ipa = "", *od_region_email = "", *od_public_url = "";

void opendata_init(const config *cfg)
{
	static char name[CONFIG_STR_MAX], ipa[CONFIG_STR_MAX], email[CONFIG_STR_MAX], url[CONFIG_STR_MAX];
	snprintf(name, sizeof(name), "%s", cfg->region_name);
	snprintf(ipa, sizeof(ipa), "%s", cfg->region_ipa);
	snprintf(email, sizeof(email), "%s", cfg->region_email);
	size_t n = strlen(cfg->public_url);
	snprintf(url, sizeof(url), "%.*s", (int)(n > 0 && cfg->public_url[n - 1] == '/' ? n - 1 : n), cfg->public_url);
	od_region_name = name;
	od_region_ipa = ipa;
	od_region_email = email;
	od_public_url = url;
}

void od_membuf_sink(void *ctx, const void *buf, size_t len)
{
	od_membuf *m = ctx;
	if (m->failed)
		return;
	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap : 16384;
		while (cap < m->len + len)
			cap *= 2;
		char *d = realloc(m->data, cap);
		if (d == NULL) {
			m->failed = true;
			return;
		}
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, buf, len);
	m->len += len;
}

const char *od_http_date(arena *a, const char *datetime)
{
	struct tm tm = {0};
	time_t t = time(NULL);
	if (datetime != NULL && strptime(datetime, "%Y-%m-%d %H:%M:%S", &tm) != NULL)
		t = timegm(&tm);
	gmtime_r(&t, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return arena_strdup(a, buf);
}

#define PUBLIC ROUTE_PAGE | ROUTE_PUBLIC
#define P_BY(a, b)                                                                                                     \
	{                                                                                                              \
		"by", PARAM_QUERY, false,                                                                              \
		    "{\"type\":\"string\",\"enum\":[\"" a "\",\"" b "\"],\"default\":\"" a "\"}",                      \
		    "Le colonne del confronto"                                                                         \
	}
#define P_FORMAT_ALL                                                                                                   \
	{                                                                                                              \
		"format", PARAM_QUERY, false,                                                                          \
		    "{\"type\":\"string\",\"enum\":[\"json\",\"csv\",\"xlsx\"],\"default\":\"json\"}",                 \
		    "La forma della risposta (altrimenti dall'intestazione Accept)"                                    \
	}

static const route routes[] = {
    {HTTP_GET, "/trasparenza", od_portal_home, PUBLIC, "Trasparenza: i cicli e i piani pubblicati"},
    {HTTP_GET, "/trasparenza/{cycle}", od_portal_cycle, PUBLIC, "Trasparenza: i piani pubblicati di un ciclo"},
    {HTTP_GET, "/trasparenza/{cycle}/copertura", od_public_coverage_page, PUBLIC,
     "Trasparenza: la copertura dei piani pubblicati per obiettivo o azione"},
    {HTTP_GET, "/trasparenza/{cycle}/finanza", od_public_finance_page, PUBLIC,
     "Trasparenza: spesa per area o entrate per fonte dei piani pubblicati, per abitante"},
    {HTTP_GET,
     "/api/v1/public/cycles/{cycle}/compare/coverage",
     od_public_compare_coverage,
     ROUTE_PUBLIC,
     "The coverage of the published plans by action (?by=action) or objective (?by=objective); JSON, CSV or XLSX",
     NULL,
     "CompareCoverage",
     {P_BY("action", "objective"), P_FORMAT_ALL}},
    {HTTP_GET,
     "/api/v1/public/cycles/{cycle}/compare/finance",
     od_public_compare_finance,
     ROUTE_PUBLIC,
     "Spending by area (?by=area) or income by source (?by=source) of the published plans, absolute and per "
     "inhabitant, with totals and medians; JSON, CSV or XLSX",
     NULL,
     "CompareFinance",
     {P_BY("area", "source"), P_FORMAT_ALL}},
    {HTTP_GET, "/opendata/catalog.rdf", od_catalog_rdf, PUBLIC, "Il catalogo DCAT-AP_IT dei dati aperti (RDF/XML)"},
    {HTTP_GET, "/opendata/catalog.ttl", od_catalog_ttl, PUBLIC, "Il catalogo DCAT-AP_IT dei dati aperti (Turtle)"},
    {HTTP_GET, "/opendata/{cycle}/piani.csv", od_plans_csv, PUBLIC, "I piani pubblicati di un ciclo (CSV)"},
    {HTTP_GET, "/opendata/{cycle}/sezioni.csv", od_sections_csv, PUBLIC,
     "Le sezioni dei piani pubblicati per azione di sistema (CSV)"},
    {HTTP_GET, "/opendata/{cycle}/piani.xlsx", od_plans_xlsx, PUBLIC, "I piani pubblicati di un ciclo (XLSX)"},
    {HTTP_GET, "/opendata/{cycle}/sezioni.xlsx", od_sections_xlsx, PUBLIC,
     "Le sezioni dei piani pubblicati per azione di sistema (XLSX)"},
    {HTTP_GET, "/opendata/{file}", od_cycle_zip, PUBLIC, "Tutti i dati aperti di un ciclo ({ciclo}.zip)"},
};

void opendata_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
