/* The open-data files of a cycle, built from the publication documents on
 * request (measured in the README: a few milliseconds for the demo, and
 * validators let caches skip the body):
 *   piani.csv    one row per published plan;
 *   sezioni.csv  one row per plan × section × azione di sistema (a section
 *                without azioni: one row with the azione empty);
 *   piani.xlsx, sezioni.xlsx  the same rows as spreadsheets (the same
 *                writers: one table, two formats);
 *   {cycle}.zip  all four, every publication document byte for byte (its
 *                SHA-256 verifies), the four comparisons' CSVs (confronti/)
 *                and LEGGIMI.txt describing every column.
 * Columns are documented once, in LEGGIMI.txt below, and never change
 * meaning: a new one is added at the end. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/json.h"
#include "base/money.h"
#include "base/utf8.h"
#include "base/xlsx.h"
#include "base/zip.h"
#include "compare/compare.h"
#include "opendata/opendata.h"
#include "opendata/opendata_parts.h"
#include "web/web.h"

static const char *const plan_columns[] = {"ciclo",  "ats",           "codice_ats",   "nome_ats",  "provincia",
                                           "comuni", "numero_comuni", "abitanti",     "revisione", "pubblicato_il",
                                           "sha256", "url_json",      "url_documento"};
static const char *const section_columns[] = {"ciclo",          "ats",      "nome_ats", "revisione", "sezione",
                                              "titolo_sezione", "azione",   "area",     "stato",     "caratteri_testo",
                                              "indicatori",     "spesa_eur"};

static const char readme[] =
    "Dati aperti dei Piani Sociali di Ambito\n"
    "=======================================\n\n"
    "Questo archivio contiene i piani approvati e pubblicati dalla Regione per un ciclo di programmazione.\n"
    "Licenza: Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0),\n"
    "https://creativecommons.org/licenses/by/4.0/deed.it — si possono riutilizzare citando la fonte.\n\n"
    "I file CSV sono in UTF-8, separati da virgole, con la prima riga di intestazione; gli importi usano il\n"
    "punto come separatore dei decimali. Le colonne non cambiano mai significato: una colonna nuova si\n"
    "aggiunge in fondo. Una cella di testo che comincerebbe con = + - @ è preceduta da un apostrofo, perché\n"
    "un foglio di calcolo non la esegua come formula.\n\n"
    "piani/<ats>.json\n"
    "  Il piano pubblicato di ogni ATS, byte per byte come all'indirizzo url_json: il piano come è stato\n"
    "  inviato, senza le informazioni riservate alla Regione (nota di trasmissione, chi lo ha trasmesso, il\n"
    "  ritardo). La sua impronta SHA-256 è quella della colonna sha256 di piani.csv e del documento stampabile.\n\n"
    "piani.csv — un piano pubblicato per riga\n"
    "  ciclo            identificativo del ciclo di programmazione (es. marche-2020-2022)\n"
    "  ats              identificativo dell'Ambito Territoriale Sociale (es. ats-20)\n"
    "  codice_ats       codice dell'ATS assegnato dalla Regione\n"
    "  nome_ats         nome dell'ATS\n"
    "  provincia        sigla della provincia\n"
    "  comuni           i Comuni dell'ATS, separati da virgola e spazio\n"
    "  numero_comuni    quanti sono i Comuni\n"
    "  abitanti         popolazione totale dei Comuni, quella usata per i valori per abitante\n"
    "  revisione        numero dell'invio pubblicato (1 il primo)\n"
    "  pubblicato_il    data e ora della pubblicazione, UTC, AAAA-MM-GG hh:mm:ss\n"
    "  sha256           impronta SHA-256 (esadecimale) del file piani/<ats>.json\n"
    "  url_json         indirizzo pubblico dello stesso file\n"
    "  url_documento    indirizzo del documento stampabile\n\n"
    "sezioni.csv — una riga per piano, sezione del modello e azione di sistema\n"
    "  ciclo, ats, nome_ats, revisione   come in piani.csv\n"
    "  sezione          chiave della sezione nell'indice del piano (es. A.1.2)\n"
    "  titolo_sezione   titolo della sezione\n"
    "  azione           azione di sistema a cui la sezione concorre (es. OS1-A6); vuota se nessuna\n"
    "  area             area di intervento della sezione (es. B1); vuota se nessuna\n"
    "  stato            vuota, parziale o completa: se le parti richieste sono scritte\n"
    "  caratteri_testo  caratteri scritti nelle parti di testo della sezione\n"
    "  indicatori       numero di indicatori di processo e di risultato della sezione\n"
    "  spesa_eur        spesa prevista della sezione, somma delle righe, in euro\n"
    "  Una sezione con più azioni occupa più righe, con gli stessi valori: per i totali si conti una\n"
    "  sola riga per sezione.\n\n"
    "piani.xlsx, sezioni.xlsx — gli stessi dati come fogli di calcolo\n"
    "  Le stesse righe e le stesse colonne dei file CSV, con i numeri come numeri e la spesa in euro.\n\n"
    "confronti/ — i confronti tra gli ATS, solo sui piani pubblicati\n"
    "  Gli stessi file dell'API /api/v1/public/cycles/<ciclo>/compare/… in formato CSV: UTF-8 con BOM,\n"
    "  intestazioni con i nomi delle colonne dell'API (in inglese). Una riga per ATS con un piano pubblicato,\n"
    "  nell'ordine naturale degli identificativi (ats-2 prima di ats-10); poi, per ogni codice del ciclo\n"
    "  nell'ordine del catalogo, un gruppo di colonne il cui nome comincia con il codice (es. \"OS1 sections\").\n"
    "  tenant           identificativo dell'ATS (es. ats-20), come la colonna ats di piani.csv\n"
    "  name             nome dell'ATS\n\n"
    "confronti/copertura_per_obiettivo.csv — per obiettivo strategico (es. OS1)\n"
    "confronti/copertura_per_azione.csv    — per azione di sistema (es. OS1-A6)\n"
    "  <codice> sections      sezioni del piano legate al codice e non vuote (parziali o complete); per\n"
    "                         obiettivo una sezione legata a due azioni dello stesso obiettivo conta una volta\n"
    "  <codice> complete      quante di quelle sezioni sono complete\n"
    "  <codice> indicators    indicatori di quelle sezioni\n"
    "  <codice> spending_eur  spesa prevista di quelle sezioni, in euro\n\n"
    "confronti/finanza_per_area.csv  — spesa prevista delle sezioni per area di intervento (es. B1)\n"
    "confronti/finanza_per_fonte.csv — entrate del piano per fonte di finanziamento (es. FNPS)\n"
    "  population                    abitanti dei Comuni dell'ATS\n"
    "  <codice> amount_eur           importo in euro\n"
    "  <codice> per_inhabitant_eur   importo diviso per gli abitanti, arrotondato al centesimo (vuoto se\n"
    "                                gli abitanti sono 0)\n"
    "  Totali e mediane tra gli ATS sono nella risposta JSON dell'API e nelle pagine\n"
    "  /trasparenza/<ciclo>/finanza.\n";

static const char *url(arena *a, const char *path)
{
	return arena_printf(a, "%s%s", od_public_url, path);
}

/* One table written as CSV or as a worksheet: the files' rows are written
 * once, for both formats. */
typedef struct table {
	csv_writer csv;
	xlsx *x; /* NULL: CSV */
} table;

static void t_text(table *t, const char *s)
{
	if (t->x)
		xlsx_text(t->x, s);
	else
		csv_field(&t->csv, s);
}

static void t_int(table *t, long long v)
{
	if (t->x)
		xlsx_int(t->x, v);
	else
		csv_fieldf(&t->csv, "%lld", v);
}

static void t_money(table *t, arena *a, int64_t cents)
{
	if (t->x)
		xlsx_money(t->x, cents);
	else
		csv_number(&t->csv, money_text(a, cents));
}

static void t_end(table *t)
{
	if (t->x)
		xlsx_end_row(t->x);
	else
		csv_end(&t->csv);
}

static void t_header(table *t, const char *const *cols, size_t n)
{
	if (t->x) {
		xlsx_header(t->x, cols, NULL, n);
	} else {
		csv_fields(&t->csv, cols, n);
		csv_end(&t->csv);
	}
}

static void write_plans(arena *a, const od_cycle *cy, const od_plan *plans, size_t n, table *w)
{
	t_header(w, plan_columns, sizeof(plan_columns) / sizeof(plan_columns[0]));
	for (size_t i = 0; i < n; i++) {
		const od_plan *p = &plans[i];
		t_text(w, cy->slug);
		t_text(w, p->tenant_slug);
		t_text(w, p->tenant_code);
		t_text(w, p->tenant_name);
		t_text(w, p->province);
		t_text(w, p->comuni);
		t_int(w, p->ncomuni);
		t_int(w, p->population);
		t_int(w, p->revision);
		t_text(w, p->published_at ? arena_strndup(a, p->published_at, 19) : "");
		t_text(w, p->sha256);
		t_text(w, url(a, arena_printf(a, "/api/v1/public/tenants/%s/plans/%s", p->tenant_slug, cy->slug)));
		t_text(w, url(a, arena_printf(a, "/public/%s/%s", p->tenant_slug, cy->slug)));
		t_end(w);
	}
}

static const char *section_status(const char *s)
{
	return s == NULL                    ? ""
	       : strcmp(s, "complete") == 0 ? "completa"
	       : strcmp(s, "partial") == 0  ? "parziale"
	                                    : "vuota";
}

/* The rows of one published snapshot; false when it cannot be read. */
static bool write_section_rows(arena *a, table *w, const od_cycle *cy, const od_plan *p)
{
	json_value *snap = NULL;
	char err[128];
	if (json_parse(a, p->snapshot, p->snapshot_len, &snap, err, sizeof(err)) != JSON_OK)
		return false;
	const json_value *sections = json_get(snap, "sections");
	if (!json_is(sections, JSON_ARRAY))
		return false;
	for (size_t i = 0; i < sections->u.array.n; i++) {
		const json_value *s = sections->u.array.items[i];
		size_t chars = 0, nind = 0;
		int64_t spent = 0;
		const json_value *parts = json_get(s, "parts"), *ind = json_get(s, "indicators"),
		                 *spending = json_get(s, "spending"), *actions = json_get(s, "actions");
		for (size_t k = 0; json_is(parts, JSON_OBJECT) && k < parts->u.object.n; k++)
			if (json_is(parts->u.object.values[k], JSON_STRING))
				chars += utf8_chars(parts->u.object.values[k]->u.string.s,
				                    parts->u.object.values[k]->u.string.len);
		if (json_is(ind, JSON_ARRAY))
			nind = ind->u.array.n;
		for (size_t k = 0; json_is(spending, JSON_ARRAY) && k < spending->u.array.n; k++) {
			const json_value *amount = json_get(spending->u.array.items[k], "amount_eur");
			int64_t cents;
			if (json_is(amount, JSON_NUMBER) && money_parse(amount->u.number.text, &cents) == 0)
				money_add(&spent, cents);
		}
		size_t nact = json_is(actions, JSON_ARRAY) ? actions->u.array.n : 0;
		for (size_t k = 0; k < (nact ? nact : 1); k++) {
			const json_value *act = nact ? actions->u.array.items[k] : NULL;
			t_text(w, cy->slug);
			t_text(w, p->tenant_slug);
			t_text(w, p->tenant_name);
			t_int(w, p->revision);
			t_text(w, json_get_str(s, "key"));
			t_text(w, json_get_str(s, "title"));
			t_text(w, json_is(act, JSON_STRING) ? act->u.string.s : "");
			t_text(w, json_get_str(s, "area") ? json_get_str(s, "area") : "");
			t_text(w, section_status(json_get_str(s, "status")));
			t_int(w, (long long)chars);
			t_int(w, (long long)nind);
			t_money(w, a, spent);
			t_end(w);
		}
	}
	return true;
}

static bool write_sections(arena *a, const od_cycle *cy, const od_plan *plans, size_t n, table *w)
{
	t_header(w, section_columns, sizeof(section_columns) / sizeof(section_columns[0]));
	for (size_t i = 0; i < n; i++)
		if (!write_section_rows(a, w, cy, &plans[i]))
			return false;
	return true;
}

typedef enum { F_PLANS, F_SECTIONS } family;

/* One file of the cycle into m, as CSV or XLSX; false when it failed. */
static bool write_file(arena *a, const od_cycle *cy, const od_plan *plans, size_t n, family f, bool as_xlsx,
                       od_membuf *m)
{
	table t = {0};
	if (as_xlsx) {
		t.x = xlsx_new(NULL, f == F_PLANS ? "piani" : "sezioni");
		if (t.x == NULL)
			return false;
	} else {
		csv_init(&t.csv, od_membuf_sink, m);
	}
	bool ok = true;
	if (f == F_PLANS)
		write_plans(a, cy, plans, n, &t);
	else
		ok = write_sections(a, cy, plans, n, &t);
	if (t.x != NULL) {
		if (ok)
			return xlsx_finish(t.x, od_membuf_sink, m) == 0 && !m->failed;
		xlsx_free(t.x);
	}
	return ok && !m->failed;
}

/* The cycle's published plans (with snapshots when asked), or false after an
 * error page. */
static bool load(http_req *r, od_cycle *cy, bool snapshots, od_plan **plans, size_t *n)
{
	if (od_store_plans(r->db, r->a, cy->id, snapshots, plans, n) != DB_OK) {
		web_error_page(r, 503, NULL);
		return false;
	}
	return true;
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* GET /opendata/{cycle}/<family>.<csv|xlsx> */
static void answer_file(http_req *r, family f, bool as_xlsx)
{
	od_cycle *cy = od_path_cycle(r);
	od_plan *plans;
	size_t n;
	if (cy == NULL || !load(r, cy, f == F_SECTIONS, &plans, &n))
		return;
	od_membuf m = {0};
	if (!write_file(r->a, cy, plans, n, f, as_xlsx, &m)) {
		web_error_page(r, 500, NULL);
	} else {
		od_answer(r, as_xlsx ? XLSX_TYPE : "text/csv", m.data, m.len, cy->last_published);
		if (as_xlsx)
			http_set_header(r, "Content-Disposition",
			                arena_printf(r->a, "attachment; filename=\"%s-%s.xlsx\"", cy->slug,
			                             f == F_PLANS ? "piani" : "sezioni"));
	}
	free(m.data);
}

void od_plans_csv(http_req *r)
{
	answer_file(r, F_PLANS, false);
}

void od_sections_csv(http_req *r)
{
	answer_file(r, F_SECTIONS, false);
}

void od_plans_xlsx(http_req *r)
{
	answer_file(r, F_PLANS, true);
}

void od_sections_xlsx(http_req *r)
{
	answer_file(r, F_SECTIONS, true);
}

static time_t utc_time(const char *datetime)
{
	struct tm tm = {0};
	return datetime && strptime(datetime, "%Y-%m-%d %H:%M:%S", &tm) ? timegm(&tm) : time(NULL);
}

void od_cycle_zip(http_req *r)
{
	/* /opendata/{cycle}.zip: the router matches the whole segment. */
	const char *file = http_param(r, "file");
	size_t fl = file ? strlen(file) : 0;
	if (fl <= 4 || strcmp(file + fl - 4, ".zip") != 0) {
		web_error_page(r, 404, NULL);
		return;
	}
	od_cycle *cy = od_slug_cycle(r, arena_strndup(r->a, file, fl - 4));
	od_plan *plans;
	size_t n;
	if (cy == NULL || !load(r, cy, true, &plans, &n))
		return;
	time_t when = utc_time(cy->last_published);
	static const char *const names[] = {"piani.csv", "sezioni.csv", "piani.xlsx", "sezioni.xlsx"};
	od_membuf files[4] = {{0}};
	bool ok = true;
	for (int i = 0; i < 4 && ok; i++)
		ok = write_file(r->a, cy, plans, n, i % 2 == 0 ? F_PLANS : F_SECTIONS, i >= 2, &files[i]);
	zip_writer *z = zip_new();
	ok = ok && z != NULL && zip_add(z, "LEGGIMI.txt", readme, strlen(readme), when) == 0;
	for (int i = 0; i < 4 && ok; i++)
		ok = zip_add(z, names[i], files[i].data ? files[i].data : "", files[i].len, when) == 0;
	/* The comparisons: the public API's CSVs (public_compare.c). */
	static const struct {
		const char *name;
		bool finance;
		const char *by;
	} cmps[] = {{"confronti/copertura_per_obiettivo.csv", false, "objective"},
	            {"confronti/copertura_per_azione.csv", false, "action"},
	            {"confronti/finanza_per_area.csv", true, "area"},
	            {"confronti/finanza_per_fonte.csv", true, "source"}};
	enum { NCMPS = sizeof(cmps) / sizeof(cmps[0]) };
	od_membuf ccsv[NCMPS] = {{0}};
	for (size_t i = 0; ok && i < NCMPS; i++)
		if (!od_compare_file(r, cy, cmps[i].finance, cmps[i].by, TABLE_CSV, &ccsv[i])) {
			for (size_t j = 0; j <= i; j++)
				free(ccsv[j].data);
			zip_free(z);
			for (int j = 0; j < 4; j++)
				free(files[j].data);
			return; /* answered */
		}
	for (size_t i = 0; ok && i < NCMPS; i++)
		ok = zip_add(z, cmps[i].name, ccsv[i].data ? ccsv[i].data : "", ccsv[i].len, when) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = zip_add(z, arena_printf(r->a, "piani/%s.json", plans[i].tenant_slug), plans[i].snapshot,
		             plans[i].snapshot_len, utc_time(plans[i].published_at)) == 0;
	size_t len = 0;
	const unsigned char *bytes = ok ? zip_finish(z, &len) : NULL;
	if (bytes == NULL) {
		web_error_page(r, 500, NULL);
	} else {
		od_answer(r, "application/zip", bytes, len, cy->last_published);
		http_set_header(r, "Content-Disposition",
		                arena_printf(r->a, "attachment; filename=\"%s.zip\"", cy->slug));
	}
	zip_free(z);
	for (int i = 0; i < 4; i++)
		free(files[i].data);
	for (size_t i = 0; i < NCMPS; i++)
		free(ccsv[i].data);
}
