/* The DCAT-AP_IT catalogue of the open data (the Italian profile of DCAT-AP,
 * AgID): one dcatapit:Catalog; for every cycle with a published plan three
 * datasets — the published plans (the cycle's ZIP, the plans' CSV and XLSX),
 * the sections by azione di sistema (CSV and XLSX) and the comparisons between
 * the ATS (the public API's CSV and XLSX) — each with every property the profile
 * makes mandatory: identifier prefixed by the Region's IPA code, Italian title
 * and description, modified, theme SOCI, publisher and rightsHolder as
 * dcatapit:Agent, accrualPeriodicity, contactPoint as dcatapit:Organization,
 * and its distributions with format, accessURL, downloadURL and a CC BY 4.0
 * dcatapit:LicenseDocument. One graph, written as RDF/XML or Turtle. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opendata/opendata.h"
#include "opendata/opendata_parts.h"
#include "opendata/rdf.h"
#include "web/web.h"

#define THEME_SOCI "http://publications.europa.eu/resource/authority/data-theme/SOCI"
#define FREQ_IRREG "http://publications.europa.eu/resource/authority/frequency/IRREG"
#define LANG_ITA "http://publications.europa.eu/resource/authority/language/ITA"
#define FILE_TYPE "http://publications.europa.eu/resource/authority/file-type/"
#define CC_BY "https://creativecommons.org/licenses/by/4.0/"
#define LICENCE_TYPE "http://purl.org/adms/licencetype/Attribution"

typedef struct cat {
	arena *a;
	rdf_graph *g;
	const char *base, *agent, *contact, *modified;
} cat;

static const char *iri(const cat *c, const char *path)
{
	return arena_printf(c->a, "%s%s", c->base, path);
}

/* "2021-03-30" of a DATETIME, or today. */
static const char *date_of(arena *a, const char *datetime)
{
	if (datetime != NULL && strlen(datetime) >= 10)
		return arena_strndup(a, datetime, 10);
	char buf[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return arena_strdup(a, buf);
}

static void distribution(cat *c, rdf_node *ds, const char *path, const char *format, const char *title)
{
	const char *d_iri = iri(c, arena_printf(c->a, "%s#distribuzione", path));
	rdf_add(ds, "dcat:distribution", RDF_IRI, d_iri);
	rdf_node *d = rdf_node_new(c->g, d_iri, "dcatapit:Distribution");
	rdf_type(d, "dcat:Distribution");
	rdf_add(d, "dct:format", RDF_IRI, arena_printf(c->a, FILE_TYPE "%s", format));
	rdf_add(d, "dcat:accessURL", RDF_IRI, iri(c, path));
	rdf_add(d, "dcat:downloadURL", RDF_IRI, iri(c, path));
	rdf_add(d, "dct:license", RDF_IRI, CC_BY);
	rdf_add(d, "dct:title", RDF_TEXT_IT, title);
	rdf_add(d, "dct:description", RDF_TEXT_IT, title);
}

static rdf_node *dataset(cat *c, rdf_node *catalog, const od_cycle *cy, const char *family, const char *title,
                         const char *description)
{
	const char *ds_iri = iri(c, arena_printf(c->a, "/opendata/%s/%s", cy->slug, family));
	rdf_add(catalog, "dcat:dataset", RDF_IRI, ds_iri);
	rdf_node *ds = rdf_node_new(c->g, ds_iri, "dcatapit:Dataset");
	rdf_type(ds, "dcat:Dataset");
	rdf_add(ds, "dct:identifier", RDF_TEXT, arena_printf(c->a, "%s:ambito_%s_%s", od_region_ipa, cy->slug, family));
	rdf_add(ds, "dct:title", RDF_TEXT_IT, title);
	rdf_add(ds, "dct:description", RDF_TEXT_IT, description);
	rdf_add(ds, "dct:modified", RDF_DATE, date_of(c->a, cy->last_published));
	rdf_add(ds, "dcat:theme", RDF_IRI, THEME_SOCI);
	rdf_add(ds, "dct:publisher", RDF_IRI, c->agent);
	rdf_add(ds, "dct:rightsHolder", RDF_IRI, c->agent);
	rdf_add(ds, "dct:accrualPeriodicity", RDF_IRI, FREQ_IRREG);
	rdf_add(ds, "dcat:contactPoint", RDF_IRI, c->contact);
	rdf_add(ds, "dct:language", RDF_IRI, LANG_ITA);
	rdf_add(ds, "dcat:keyword", RDF_TEXT_IT, "piano sociale di ambito");
	rdf_add(ds, "dcat:keyword", RDF_TEXT_IT, "politiche sociali");
	rdf_add(ds, "dcat:landingPage", RDF_IRI, iri(c, arena_printf(c->a, "/trasparenza/%s", cy->slug)));
	return ds;
}

/* The catalogue's graph; *last is the last publication (NULL: none). */
static rdf_graph *build(http_req *r, const char **last_out)
{
	od_cycle *cycles;
	size_t n;
	if (od_store_cycles(r->db, r->a, &cycles, &n) != DB_OK)
		return NULL;
	cat c = {.a = r->a, .g = rdf_graph_new(r->a), .base = od_public_url};
	c.agent = iri(&c, "/opendata/catalog#titolare");
	c.contact = iri(&c, "/opendata/catalog#contatto");
	const char *last = NULL;
	for (size_t i = 0; i < n; i++)
		if (cycles[i].last_published && (last == NULL || strcmp(cycles[i].last_published, last) > 0))
			last = cycles[i].last_published;
	*last_out = last;

	rdf_node *catalog = rdf_node_new(c.g, iri(&c, "/opendata/catalog"), "dcatapit:Catalog");
	rdf_type(catalog, "dcat:Catalog");
	rdf_add(catalog, "dct:title", RDF_TEXT_IT,
	        arena_printf(r->a, "Dati aperti dei Piani Sociali di Ambito — %s", od_region_name));
	rdf_add(catalog, "dct:description", RDF_TEXT_IT,
	        arena_printf(r->a,
	                     "I Piani Sociali di Ambito approvati e pubblicati da %s: i piani, le loro sezioni per "
	                     "azione di sistema, con indicatori e spesa prevista.",
	                     od_region_name));
	rdf_add(catalog, "dct:publisher", RDF_IRI, c.agent);
	rdf_add(catalog, "dct:modified", RDF_DATE, date_of(r->a, last));
	rdf_add(catalog, "dct:language", RDF_IRI, LANG_ITA);
	rdf_add(catalog, "foaf:homepage", RDF_IRI, iri(&c, "/trasparenza"));

	rdf_node *agent = rdf_node_new(c.g, c.agent, "dcatapit:Agent");
	rdf_type(agent, "foaf:Agent");
	rdf_add(agent, "dct:identifier", RDF_TEXT, od_region_ipa);
	rdf_add(agent, "foaf:name", RDF_TEXT_IT, od_region_name);

	rdf_node *contact = rdf_node_new(c.g, c.contact, "dcatapit:Organization");
	rdf_type(contact, "vcard:Organization");
	rdf_type(contact, "vcard:Kind");
	rdf_add(contact, "vcard:fn", RDF_TEXT_IT, od_region_name);
	rdf_add(contact, "vcard:hasEmail", RDF_IRI, arena_printf(r->a, "mailto:%s", od_region_email));

	rdf_node *licence = rdf_node_new(c.g, CC_BY, "dcatapit:LicenseDocument");
	rdf_type(licence, "dct:LicenseDocument");
	rdf_add(licence, "dct:type", RDF_IRI, LICENCE_TYPE);
	rdf_add(licence, "foaf:name", RDF_TEXT_IT, "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)");
	rdf_add(licence, "dct:identifier", RDF_TEXT, "CC-BY-4.0");

	for (size_t i = 0; i < n; i++) {
		const od_cycle *cy = &cycles[i];
		if (cy->published == 0)
			continue;
		rdf_node *plans = dataset(
		    &c, catalog, cy, "piani", arena_printf(r->a, "Piani Sociali di Ambito pubblicati — %s", cy->title),
		    arena_printf(
		        r->a,
		        "I piani approvati e pubblicati del ciclo %s, ciascuno byte per byte come inviato con "
		        "la sua impronta SHA-256, e il loro elenco con Comuni, abitanti e data di pubblicazione.",
		        cy->title));
		distribution(&c, plans, arena_printf(r->a, "/opendata/%s.zip", cy->slug), "ZIP",
		             "Tutti i dati del ciclo in un archivio ZIP, con la descrizione delle colonne");
		distribution(&c, plans, arena_printf(r->a, "/opendata/%s/piani.csv", cy->slug), "CSV",
		             "Elenco dei piani pubblicati (CSV)");
		distribution(&c, plans, arena_printf(r->a, "/opendata/%s/piani.xlsx", cy->slug), "XLSX",
		             "Elenco dei piani pubblicati (foglio di calcolo XLSX)");
		rdf_node *sections = dataset(
		    &c, catalog, cy, "sezioni",
		    arena_printf(r->a, "Sezioni dei Piani Sociali di Ambito per azione di sistema — %s", cy->title),
		    arena_printf(r->a,
		                 "Per ogni piano pubblicato del ciclo %s, ogni sezione con le azioni di sistema "
		                 "a cui concorre, il suo stato, i caratteri scritti, gli indicatori e la spesa "
		                 "prevista.",
		                 cy->title));
		distribution(&c, sections, arena_printf(r->a, "/opendata/%s/sezioni.csv", cy->slug), "CSV",
		             "Sezioni dei piani per azione di sistema (CSV)");
		distribution(&c, sections, arena_printf(r->a, "/opendata/%s/sezioni.xlsx", cy->slug), "XLSX",
		             "Sezioni dei piani per azione di sistema (foglio di calcolo XLSX)");
		rdf_node *cmps = dataset(
		    &c, catalog, cy, "confronti",
		    arena_printf(r->a, "Confronti tra gli ATS dei piani pubblicati — %s", cy->title),
		    arena_printf(r->a,
		                 "Per ogni piano pubblicato del ciclo %s: la copertura per obiettivo strategico e per "
		                 "azione di sistema (sezioni scritte, complete, indicatori, spesa) e gli importi per "
		                 "area di intervento e per fonte di finanziamento, assoluti e per abitante.",
		                 cy->title));
		static const struct {
			const char *path, *title;
		} files[] = {{"coverage?by=objective", "Copertura per obiettivo strategico"},
		             {"coverage?by=action", "Copertura per azione di sistema"},
		             {"finance?by=area", "Spesa per area di intervento, per abitante"},
		             {"finance?by=source", "Entrate per fonte di finanziamento, per abitante"}};
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			for (int xlsx = 0; xlsx < 2; xlsx++)
				distribution(&c, cmps,
				             arena_printf(r->a, "/api/v1/public/cycles/%s/compare/%s&format=%s",
				                          cy->slug, files[k].path, xlsx ? "xlsx" : "csv"),
				             xlsx ? "XLSX" : "CSV",
				             arena_printf(r->a, "%s (%s)", files[k].title, xlsx ? "XLSX" : "CSV"));
	}
	return c.g;
}

static void to_membuf(void *ctx, const char *s, size_t len)
{
	od_membuf_sink(ctx, s, len);
}

static void answer(http_req *r, bool turtle)
{
	if (od_fresh(r))
		return;
	const char *last = NULL;
	rdf_graph *g = build(r, &last);
	if (g == NULL) {
		web_error_page(r, 503, NULL);
		return;
	}
	od_membuf m = {0};
	if (turtle)
		rdf_write_turtle(g, to_membuf, &m);
	else
		rdf_write_xml(g, to_membuf, &m);
	if (m.failed)
		web_error_page(r, 500, NULL);
	else
		od_answer(r, turtle ? "text/turtle; charset=utf-8" : "application/rdf+xml; charset=utf-8", m.data,
		          m.len, last);
	free(m.data);
}

void od_catalog_rdf(http_req *r)
{
	answer(r, false);
}

void od_catalog_ttl(http_req *r)
{
	answer(r, true);
}
