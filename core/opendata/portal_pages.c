/* The transparency portal: the Region's cycles, and for each the ATS with a
 * published plan — name, Comuni, population, publication date and SHA-256 —
 * with the printable document, its JSON and the cycle's open-data files.
 * Pages for anyone; they read published plans only. */
#include <string.h>

#include "base/html.h"
#include "opendata/opendata.h"
#include "opendata/opendata_parts.h"
#include "web/web.h"

static const char *cycle_status(const char *s)
{
	return strcmp(s, "open") == 0 ? "aperto" : strcmp(s, "closed") == 0 ? "chiuso" : s;
}

static void licence_note(html *h)
{
	html_raw(h,
	         "<p class=\"small\">I dati sono pubblicati con licenza <a href=\"https://creativecommons.org/licenses/"
	         "by/4.0/deed.it\" hreflang=\"it\">Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)</a>: "
	         "si possono riutilizzare citando la fonte. Il <a href=\"/opendata/catalog.rdf\">catalogo dei dati "
	         "(DCAT-AP_IT)</a> è disponibile anche in <a href=\"/opendata/catalog.ttl\">Turtle</a>.</p>");
}

/* A page for anyone is cached like the files; a signed-in visitor's (its
 * header names them) stays no-store, as every page of the interface. */
static void page_validators(http_req *r, const char *last_modified)
{
	if (r->session == NULL)
		od_validators(r, last_modified);
	else
		http_set_header(r, "Vary", "Cookie");
}

void od_portal_home(http_req *r)
{
	od_cycle *cycles;
	size_t n;
	if (od_fresh(r))
		return;
	if (od_store_cycles(r->db, r->a, &cycles, &n) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	web_crumb c[] = {{"Trasparenza", NULL}};
	web_page *p = web_page_begin(r, "Trasparenza e dati aperti", c, 1);
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">I Piani Sociali di Ambito approvati e pubblicati da ");
	html_text(h, od_region_name);
	html_raw(h, ", per ciclo di programmazione, con i documenti e i dati da scaricare.</p>");
	if (n == 0)
		html_raw(h, "<p>Non c’è ancora alcun ciclo di programmazione pubblico.</p>");
	else
		html_raw(h, "<div class=\"table-responsive\"><table class=\"table\"><caption>Cicli di programmazione"
		            "</caption><thead><tr><th scope=\"col\">Ciclo</th><th scope=\"col\">Anni</th>"
		            "<th scope=\"col\">Stato</th><th scope=\"col\">Piani pubblicati</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_rawf(h, "<tr><th scope=\"row\"><a href=\"/trasparenza/%s\">", cycles[i].slug);
		html_text(h, cycles[i].title);
		html_rawf(h, "</a></th><td>%lld–%lld</td><td>", cycles[i].start_year, cycles[i].end_year);
		html_text(h, cycle_status(cycles[i].status));
		html_rawf(h, "</td><td>%lld</td></tr>", cycles[i].published);
	}
	if (n > 0)
		html_raw(h, "</tbody></table></div>");
	licence_note(h);
	web_page_end(p, 200);
	const char *last = NULL;
	for (size_t i = 0; i < n; i++)
		if (cycles[i].last_published && (last == NULL || strcmp(cycles[i].last_published, last) > 0))
			last = cycles[i].last_published;
	page_validators(r, last);
}

void od_portal_cycle(http_req *r)
{
	od_cycle *cy = od_path_cycle(r);
	if (cy == NULL)
		return;
	od_plan *plans;
	size_t n;
	if (od_store_plans(r->db, r->a, cy->id, false, &plans, &n) != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	web_crumb c[] = {{"Trasparenza", "/trasparenza"}, {cy->title, NULL}};
	web_page *p = web_page_begin(r, cy->title, c, 2);
	html *h = web_html(p);
	if (cy->reference[0]) {
		html_raw(h, "<p>");
		html_text(h, cy->reference);
		html_raw(h, "</p>");
	}
	html_rawf(h,
	          "<h2>Dati aperti del ciclo</h2><ul><li><a href=\"/opendata/%s.zip\">Tutti i dati del ciclo (ZIP, con "
	          "la descrizione delle colonne)</a></li><li><a href=\"/opendata/%s/piani.csv\">Elenco dei piani "
	          "pubblicati (CSV)</a> · <a href=\"/opendata/%s/piani.xlsx\">lo stesso elenco in XLSX</a></li><li><a "
	          "href=\"/opendata/%s/sezioni.csv\">Sezioni dei piani per azione di sistema, con indicatori e spesa "
	          "(CSV)</a> · <a href=\"/opendata/%s/sezioni.xlsx\">le stesse sezioni in XLSX</a></li></ul>",
	          cy->slug, cy->slug, cy->slug, cy->slug, cy->slug);
	html_rawf(h,
	          "<h2>Confronti tra gli ATS</h2><p>Sui soli piani pubblicati, con i dati da scaricare.</p><ul>"
	          "<li><a href=\"/trasparenza/%s/copertura?by=objective\">Copertura per obiettivo strategico</a></li>"
	          "<li><a href=\"/trasparenza/%s/copertura?by=action\">Copertura per azione di sistema</a></li>"
	          "<li><a href=\"/trasparenza/%s/finanza?by=area\">Spesa per area di intervento, per abitante</a></li>"
	          "<li><a href=\"/trasparenza/%s/finanza?by=source\">Entrate per fonte di finanziamento, per "
	          "abitante</a></li></ul>",
	          cy->slug, cy->slug, cy->slug, cy->slug);
	html_raw(h, "<h2>Piani pubblicati</h2>");
	if (n == 0) {
		html_raw(h, "<p>Nessun piano di questo ciclo è stato ancora pubblicato.</p>");
	} else {
		html_raw(h,
		         "<div class=\"table-responsive\"><table class=\"table\"><caption>Piani pubblicati del ciclo, "
		         "con l’impronta SHA-256 che permette di verificare ogni copia</caption><thead><tr>"
		         "<th scope=\"col\">ATS</th><th scope=\"col\">Comuni</th><th scope=\"col\" class=\"text-end\">"
		         "Abitanti</th><th scope=\"col\">Pubblicato il</th><th scope=\"col\">Documenti</th>"
		         "<th scope=\"col\">SHA-256</th></tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			const od_plan *pl = &plans[i];
			html_raw(h, "<tr><th scope=\"row\">");
			html_text(h, pl->tenant_name);
			html_raw(h, "</th><td>");
			html_text(h, pl->comuni);
			html_rawf(h, "</td><td class=\"text-end\">%s</td><td>", html_int(r->a, pl->population));
			html_text(h, pl->published_at ? html_date(r->a, pl->published_at) : "");
			html_rawf(h,
			          "</td><td><a href=\"/public/%s/%s\">Documento</a> · <a "
			          "href=\"/api/v1/public/tenants/%s/plans/"
			          "%s\">JSON</a></td><td><code class=\"text-break\">%s</code></td></tr>",
			          pl->tenant_slug, cy->slug, pl->tenant_slug, cy->slug, pl->sha256);
		}
		html_raw(h, "</tbody></table></div>");
	}
	licence_note(h);
	web_page_end(p, 200);
	page_validators(r, cy->last_published);
}
