/* ambitoctl demo --cycle SLUG --tenants N: fills an open cycle with N
 * synthetic ATS for demonstrations and benchmarks at national scale: Comuni
 * with plausible populations, plans of varied completeness with indicators,
 * spending and income, and submissions for most of them. Every value comes
 * from a seeded generator, so a run is reproducible; the data are marked
 * demo by their slugs ("demo-0001"), names ("ATS demo 1 — …") and ISTAT
 * codes (9xxxxx, which no real Comune has). Rows go in with multi-row
 * INSERTs, one transaction per batch of tenants; what exists is kept, so a
 * second run adds only what is missing. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/money.h"
#include "base/utf8.h"
#include "ctl.h"
#include "cycles/cycles.h"
#include "identity/audit.h"
#include "tenants/plans/monitoring.h"
#include "tenants/plans/plans.h"

#define DEMO_MAX_TENANTS 3000     /* 30 Comuni each fit the 100 000 fake ISTAT codes */
#define DEMO_BATCH 50             /* tenants per transaction */
#define DEMO_BULK_BYTES (4 << 20) /* one INSERT's JSON, well under max_allowed_packet */
#define DEMO_MIN_COMUNI 3
#define DEMO_MAX_COMUNI 30
#define DEMO_POP_MIN 37000 /* ATS populations: the Italian range */
#define DEMO_POP_MAX 138000
#define DEMO_POP_MEDIAN 88000.0 /* log-normal, mean about 90 000 once clipped */
#define DEMO_POP_SIGMA 0.32
#define DEMO_COMUNE_MIN_POP 150
#define DEMO_ISTAT_BASE 900000        /* real codes start with a province code <= 111 */
#define DEMO_DEFAULT_SEED 20200512ULL /* the date of D.A. n. 109/2020 */
#define DEMO_RICH_SECTION "B.1"       /* written at length: ~30 000 characters */
#define DEMO_RICH_CHARS 30000
#define DEMO_TEXT_MIN 200 /* characters of an ordinary part */
#define DEMO_TEXT_MAX 1500
#define DEMO_MAX_INDICATORS 5
#define DEMO_MAX_SPENDING 4
#define DEMO_MIN_INCOME 3
#define DEMO_MAX_INCOME 8
#define PCT_SUBMITTED 88       /* of the plans */
#define PCT_REOPENED 15        /* of the submitted: changes requested, draft edited */
#define PCT_RESUBMITTED 50     /* of the reopened: submitted again */
#define PCT_APPROVED 75        /* of the submitted and not reopened: approved, then monitored */
#define DEMO_ALLOC_SOURCES 3   /* allocations per tenant and year, of the catalogue's first sources */
#define DEMO_MONITORED_YEARS 1 /* reports from the cycle's second year on */

/* ---------------------------------------------------------------- randomness */

/* splitmix64: small, fast, and the same numbers everywhere. */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t next_u64(rng *g)
{
	uint64_t z = (g->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static rng rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
	rng g = {seed ^ (a * 0xD1B54A32D192ED03ULL) ^ (b * 0xABC98388FB8FAC03ULL)};
	next_u64(&g);
	return g;
}

static double uniform(rng *g) /* [0, 1) */
{
	return (double)(next_u64(g) >> 11) / 9007199254740992.0;
}

static long long between(rng *g, long long lo, long long hi) /* [lo, hi] */
{
	return lo + (long long)(next_u64(g) % (uint64_t)(hi - lo + 1));
}

static bool chance(rng *g, int percent)
{
	return between(g, 1, 100) <= percent;
}

/* A standard normal deviate (Box-Muller). */
static double normal(rng *g)
{
	double u = uniform(g), v = uniform(g);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static const char *pick(rng *g, const char *const *list, size_t n)
{
	return list[next_u64(g) % n];
}
#define PICK(g, list) pick(g, list, sizeof(list) / sizeof(list[0]))

/* ---------------------------------------------------------------- words */

static const char *const place_first[] = {"Monte", "Castel",     "San",       "Santa", "Borgo",  "Villa",    "Poggio",
                                          "Colle", "Rocca",      "Porto",     "Serra", "Torre",  "Ponte",    "Pieve",
                                          "Fonte", "Montefiore", "Belvedere", "Campo", "Casale", "Acquaviva"};
static const char *const place_second[] = {"Alto",     "Basso",      "Vecchio", "Nuovo",   "d'Aso",       "del Piano",
                                           "di Sopra", "Marittima",  "Fiorita", "Lauro",   "Sant'Angelo", "della Pietà",
                                           "Mirteto",  "San Nicolò", "d'Ete",   "Città",   "al Tronto",   "sul Metauro",
                                           "Lucente",  "dei Fiori",  "Morello", "Sannita", "Picena",      "Feltria"};
static const char *const provinces[] = {"AN", "AP", "FM", "MC", "PU"};

/* Sentences of the kind a Piano Sociale holds, to be strung into texts. */
static const char *const sentences[] = {
    "L'Ambito garantisce l'accesso unitario ai servizi sociali attraverso gli sportelli di Punto Unico.",
    "La rete dei servizi è stata ridisegnata insieme ai Comuni e all'Azienda sanitaria.",
    "Nel triennio si prevede di consolidare l'équipe multidisciplinare per la presa in carico.",
    "I tavoli tematici hanno raccolto i bisogni espressi da famiglie, associazioni e cooperative.",
    "La povertà educativa resta più alta nei Comuni dell'entroterra, dove i servizi sono più distanti.",
    "Il coordinatore d'Ambito cura il raccordo con la Regione e con l'Unità di valutazione integrata.",
    "Gli interventi domiciliari per le persone non autosufficienti crescono del dieci per cento l'anno.",
    "Si punta a ridurre i tempi di attesa per la valutazione multidimensionale entro trenta giorni.",
    "La compartecipazione alla spesa è regolata da un unico regolamento d'Ambito basato sull'ISEE.",
    "Il Terzo settore partecipa alla co-programmazione secondo l'articolo 55 del Codice.",
    "Le attività di monitoraggio misurano la qualità percepita dagli utenti e dagli operatori.",
    "Il sistema informativo sociale alimenta i flussi verso la banca dati nazionale.",
    "Gli sportelli antiviolenza operano in rete con i centri antiviolenza e le case rifugio.",
    "Per i giovani si rafforzano i centri di aggregazione e le opportunità di servizio civile universale.",
    "La formazione congiunta degli operatori sociali e sanitari è una priorità condivisa.",
    "Nei Comuni colpiti dal sisma l'Ambito sostiene la ripresa dei servizi alla persona.",
    "L'invecchiamento attivo è promosso con attività motorie, culturali e di volontariato.",
    "Il piano di zona è approvato dal Comitato dei Sindaci dopo la consultazione pubblica.",
    "La spesa sociale pro capite varia molto tra i Comuni: perciò si lavora a una gestione associata.",
    "Le famiglie con minori in difficoltà trovano supporto nei servizi di educativa domiciliare.",
    "È stata avviata una mappatura degli enti e delle risorse presenti sul territorio.",
    "Gli indicatori di processo e di risultato sono rilevati ogni sei mesi dall'Ufficio di Piano.",
    "La casa e il disagio abitativo richiedono un raccordo stabile con gli enti gestori dell'edilizia pubblica.",
    "Le persone con disabilità partecipano alla definizione dei progetti di vita indipendente.",
};
static const struct {
	const char *name, *unit;
} indicator_kinds[] = {
    {"Persone prese in carico dal servizio sociale professionale", "persone"},
    {"Tempo medio di attesa per la valutazione", "giorni"},
    {"Progetti personalizzati attivati", "progetti"},
    {"Ore di assistenza domiciliare erogate", "ore"},
    {"Incontri dei tavoli tematici svolti", "incontri"},
    {"Operatori formati nel triennio", "operatori"},
    {"Nuclei familiari beneficiari di misure di contrasto alla povertà", "nuclei"},
    {"Accessi allo sportello di Punto Unico", "accessi"},
    {"Comuni aderenti alla gestione associata", "Comuni"},
    {"Soddisfazione degli utenti", "punteggio 1-10"},
    {"Giovani coinvolti nel servizio civile universale", "giovani"},
    {"Donne accolte dai centri antiviolenza", "donne"},
};
static const char *const indicator_sources[] = {"Ufficio di Piano", "Sistema informativo sociale", "Rilevazione ISTAT",
                                                "Registro degli accessi"};
static const char *const services[] = {"Servizio sociale professionale",
                                       "Assistenza domiciliare",
                                       "Centro diurno",
                                       "Educativa domiciliare",
                                       "Sportello antiviolenza",
                                       "Trasporto sociale",
                                       "Punto Unico di Accesso",
                                       "Contributi economici",
                                       "Inserimenti lavorativi",
                                       "Centro di aggregazione giovanile",
                                       "Servizio di sollievo",
                                       "Emergenza abitativa"};
static const char *const income_notes[] = {"Quota di riparto", "Cofinanziamento dei Comuni", "Avviso pubblico",
                                           "Convenzione con l'Azienda sanitaria"};

/* A text of about target characters (never more than max_chars) made of
 * whole sentences, in a. */
static const char *demo_text(arena *a, rng *g, long long target, long long max_chars)
{
	if (target > max_chars * 9 / 10)
		target = max_chars * 9 / 10;
	size_t cap = (size_t)target * 2 + 256, len = 0, chars = 0;
	char *buf = arena_alloc(a, cap);
	buf[0] = '\0';
	while (chars < (size_t)target || len == 0) {
		const char *s = PICK(g, sentences);
		size_t n = strlen(s), c = utf8_chars(s, n); /* characters, not bytes */
		if (len > 0 && (chars + c + 1 > (size_t)max_chars || len + n + 2 > cap))
			break;
		if (len > 0) {
			/* A paragraph now and then, as people write. */
			buf[len++] = chance(g, 15) ? '\n' : ' ';
			chars++;
		}
		memcpy(buf + len, s, n + 1);
		len += n;
		chars += c;
	}
	return buf;
}

/* ---------------------------------------------------------------- bulk rows */

/* A JSON array of rows, handed to MariaDB as one parameter and unpacked by
 * JSON_TABLE: a multi-row INSERT that stays a prepared statement. */
typedef struct bulk {
	jw *w;
	size_t rows;
} bulk;

static void bulk_begin(bulk *b)
{
	b->w = jw_new(NULL, NULL);
	b->rows = 0;
	jw_arr_begin(b->w);
}

/* Runs sql with the array as its ?(s) (params: the types before it, then
 * one 's' for the array), then starts a new array. */
static long long bulk_run(db *d, bulk *b, const char *sql, long long cycle_id)
{
	jw_arr_end(b->w);
	long long rc = 0;
	if (jw_failed(b->w)) {
		rc = DB_EERR;
	} else if (b->rows > 0) {
		const char *json = jw_buffer(b->w, NULL);
		rc = cycle_id ? db_exec(d, sql, "is", cycle_id, json) : db_exec(d, sql, "s", json);
	}
	jw_free(b->w);
	bulk_begin(b);
	return rc;
}

static bool bulk_full(const bulk *b)
{
	size_t len;
	jw_buffer(b->w, &len);
	return len > DEMO_BULK_BYTES;
}

static void bulk_end(bulk *b)
{
	jw_free(b->w);
	b->w = NULL;
}

static const char tenants_sql[] =
    "INSERT INTO tenants (slug, code, name, capofila, ente_gestore, province)"
    " SELECT j.slug, j.code, j.name, j.capofila, j.ente, j.province FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    " slug VARCHAR(64) PATH '$.slug', code VARCHAR(32) PATH '$.code', name VARCHAR(200) PATH '$.name',"
    " capofila VARCHAR(200) PATH '$.capofila', ente VARCHAR(200) PATH '$.ente',"
    " province CHAR(2) PATH '$.province')) j";
static const char comuni_sql[] =
    "INSERT INTO comuni (tenant_id, istat_code, name, population, position)"
    " SELECT t.id, j.istat, j.name, j.population, j.position FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    " slug VARCHAR(64) PATH '$.slug', istat CHAR(6) PATH '$.istat', name VARCHAR(200) PATH '$.name',"
    " population INT UNSIGNED PATH '$.population', position INT UNSIGNED PATH '$.position')) j"
    " JOIN tenants t ON t.slug = j.slug";
/* One coordinator per tenant, who signs its submissions. The account is
 * locked: inactive, and its password hash matches no password. */
static const char users_sql[] =
    "INSERT INTO users (email, name, region_role, password_hash, active)"
    " SELECT j.email, j.name, NULL, '!demo: no login', 0 FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    " email VARCHAR(254) PATH '$.email', name VARCHAR(200) PATH '$.name')) j";
static const char members_sql[] = "INSERT INTO memberships (tenant_id, user_id, role)"
                                  " SELECT t.id, u.id, 'ats_coordinator' FROM JSON_TABLE(?, '$[*]' COLUMNS ("
                                  " slug VARCHAR(64) PATH '$.slug', email VARCHAR(254) PATH '$.email')) j"
                                  " JOIN tenants t ON t.slug = j.slug JOIN users u ON u.email = j.email";
static const char plans_sql[] = "INSERT INTO plans (tenant_id, cycle_id, created_by)"
                                " SELECT j.tenant, ?, NULLIF(j.user, 0) FROM JSON_TABLE(?, '$[*]' COLUMNS ("
                                " tenant BIGINT PATH '$.tenant', user BIGINT PATH '$.user')) j";
static const char sections_sql[] =
    "INSERT INTO plan_sections (tenant_id, cycle_id, revision, section_key, status, content, indicators,"
    " spending_eur, updated_at, updated_by)"
    " SELECT j.tenant, ?, 0, j.section, j.status, j.content, j.indicators, j.spending,"
    " IF(j.status = 'empty', NULL, NOW(6)), IF(j.status = 'empty' OR j.user = 0, NULL, j.user)"
    " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    " tenant BIGINT PATH '$.tenant', section VARCHAR(16) PATH '$.section', status VARCHAR(8) PATH '$.status',"
    " content LONGTEXT PATH '$.content', indicators INT UNSIGNED PATH '$.indicators',"
    " spending DECIMAL(15,2) PATH '$.spending', user BIGINT PATH '$.user')) j";
static const char income_sql[] =
    "INSERT INTO plan_income (tenant_id, cycle_id, revision, line_no, source, year, amount_eur, note)"
    " SELECT j.tenant, ?, 0, j.line_no, j.source, j.year, j.amount, j.note FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    " tenant BIGINT PATH '$.tenant', line_no SMALLINT UNSIGNED PATH '$.line_no',"
    " source VARCHAR(32) PATH '$.source', year SMALLINT UNSIGNED PATH '$.year',"
    " amount DECIMAL(15,2) PATH '$.amount', note VARCHAR(1000) PATH '$.note')) j";

/* Which demo tenants of a range exist, with their coordinator (0: none) and
 * whether they have a plan in the cycle. */
static const char existing_sql[] =
    "SELECT t.slug, t.id, COALESCE((SELECT MIN(u.user_id) FROM memberships u WHERE u.tenant_id = t.id"
    " AND u.role = 'ats_coordinator'), 0), (SELECT COUNT(*) FROM plans p WHERE p.tenant_id = t.id"
    " AND p.cycle_id = ?) FROM tenants t WHERE t.slug BETWEEN ? AND ? ORDER BY t.slug";

/* ---------------------------------------------------------------- the run */

typedef struct demo {
	db *d;
	uint64_t seed;
	const cycle *cy;
	cycle_catalog cat;
	cycle_template tpl;
	long long reviewer; /* signs the requests for changes */
	/* Counts for the summary. */
	size_t tenants_made, plans_made, submitted, reopened, resubmitted, approved, reports, allocations;
} demo;

static void slug_of(char *buf, size_t size, long long i)
{
	snprintf(buf, size, "demo-%04lld", i);
}

/* The Comuni of tenant i: 3 to 30 (small counts likelier), a total drawn
 * log-normal and clipped to the Italian range, split with log-normal
 * weights so that a large capofila sits among small Comuni. */
static void add_tenant(demo *m, arena *a, long long i, bulk *tenants, bulk *comuni, bulk *users)
{
	rng g = rng_for(m->seed, (uint64_t)i, 0);
	char slug[16];
	slug_of(slug, sizeof(slug), i);
	double u = uniform(&g);
	int k = DEMO_MIN_COMUNI + (int)((DEMO_MAX_COMUNI - DEMO_MIN_COMUNI + 1) * u * u);
	long long total = (long long)(DEMO_POP_MEDIAN * exp(DEMO_POP_SIGMA * normal(&g)));
	total = total < DEMO_POP_MIN ? DEMO_POP_MIN : total > DEMO_POP_MAX ? DEMO_POP_MAX : total;
	double w[DEMO_MAX_COMUNI], sum = 0;
	for (int j = 0; j < k; j++)
		sum += w[j] = exp(normal(&g));
	long long pop[DEMO_MAX_COMUNI] = {0}, left = total - (long long)k * DEMO_COMUNE_MIN_POP, given = 0;
	int largest = 0;
	for (int j = 0; j < k; j++) {
		pop[j] = DEMO_COMUNE_MIN_POP + (long long)((double)left * w[j] / sum);
		given += pop[j];
		if (pop[j] > pop[largest])
			largest = j;
	}
	pop[largest] += total - given; /* the rounding remainder: the sum is exact */
	const char *names[DEMO_MAX_COMUNI];
	for (int j = 0; j < k; j++)
		names[j] = arena_printf(a, "%s %s", PICK(&g, place_first), PICK(&g, place_second));

	jw *w1 = tenants->w;
	jw_obj_begin(w1);
	jw_kstr(w1, "slug", slug);
	jw_kstr(w1, "code", arena_printf(a, "DEMO %04lld", i));
	jw_kstr(w1, "name", arena_printf(a, "ATS demo %lld — %s", i, names[largest]));
	jw_kstr(w1, "capofila", arena_printf(a, "Comune di %s", names[largest]));
	jw_kstr(w1, "ente", arena_printf(a, "Comune di %s – Ufficio di Piano (dati dimostrativi)", names[largest]));
	jw_kstr(w1, "province", PICK(&g, provinces));
	jw_obj_end(w1);
	tenants->rows++;
	for (int j = 0; j < k; j++) {
		jw *w2 = comuni->w;
		jw_obj_begin(w2);
		jw_kstr(w2, "slug", slug);
		jw_kstr(w2, "istat", arena_printf(a, "%06lld", DEMO_ISTAT_BASE + (i - 1) * DEMO_MAX_COMUNI + j));
		jw_kstr(w2, "name", names[j]);
		jw_kint(w2, "population", pop[j]);
		jw_kint(w2, "position", j);
		jw_obj_end(w2);
		comuni->rows++;
	}
	jw *w3 = users->w;
	jw_obj_begin(w3);
	jw_kstr(w3, "slug", slug);
	jw_kstr(w3, "email", arena_printf(a, "coordinatore.%s@demo.ambito.invalid", slug));
	jw_kstr(w3, "name", arena_printf(a, "Coordinatore ATS demo %lld (dimostrativo)", i));
	jw_obj_end(w3);
	users->rows++;
	m->tenants_made++;
}

static bool has_block(const cycle_section *s, const char *block)
{
	for (size_t i = 0; i < s->nblocks; i++)
		if (strcmp(s->blocks[i], block) == 0)
			return true;
	return false;
}

/* How a section is to be written. */
typedef enum { FILL_EMPTY, FILL_PARTIAL, FILL_COMPLETE } fill;

/* The content of one section at the given fill. A complete section has
 * every required part; a partial one misses at least one required part but
 * holds something. */
static void make_content(demo *m, arena *a, rng *g, const cycle_section *s, fill f, plan_section_content *c)
{
	*c = (plan_section_content){0};
	if (f == FILL_EMPTY)
		return;
	size_t nrequired = 0;
	for (size_t p = 0; p < s->nparts; p++)
		nrequired += s->parts[p].required;
	/* For a partial section: the one required part left out. */
	long long skip = f == FILL_PARTIAL && nrequired > 0 ? between(g, 0, (long long)nrequired - 1) : -1;
	bool rich = strcmp(s->key, DEMO_RICH_SECTION) == 0;
	c->parts = arena_calloc(a, s->nparts + 1, sizeof(*c->parts));
	long long req_i = 0;
	for (size_t p = 0; p < s->nparts; p++) {
		const cycle_part *pt = &s->parts[p];
		bool take = pt->required ? req_i++ != skip : chance(g, 60);
		if (!take)
			continue;
		/* The rich section shares its characters among its parts by
		 * their limits, as a real analysis would. */
		long long target =
		    rich ? DEMO_RICH_CHARS * pt->max_chars / 60000 : between(g, DEMO_TEXT_MIN, DEMO_TEXT_MAX);
		c->parts[c->nparts++] = (plan_part_text){pt->key, demo_text(a, g, target, pt->max_chars)};
	}
	if (has_block(s, "indicators")) {
		long long n = between(g, f == FILL_COMPLETE ? 1 : 0, DEMO_MAX_INDICATORS);
		c->indicators = arena_calloc(a, (size_t)n + 1, sizeof(*c->indicators));
		for (long long k = 0; k < n; k++) {
			long long base = between(g, 5, 400);
			size_t kind = next_u64(g) % (sizeof(indicator_kinds) / sizeof(indicator_kinds[0]));
			c->indicators[c->nindicators++] = (plan_indicator){
			    .name = indicator_kinds[kind].name,
			    .kind = chance(g, 50) ? "process" : "result",
			    .unit = chance(g, 80) ? indicator_kinds[kind].unit : NULL,
			    .baseline = chance(g, 85) ? arena_printf(a, "%lld", base) : NULL,
			    .target = arena_printf(a, "%lld", base + between(g, 1, base)),
			    .source = chance(g, 70) ? PICK(g, indicator_sources) : NULL,
			};
		}
	}
	if (has_block(s, "spending")) {
		long long n = between(g, 1, DEMO_MAX_SPENDING);
		c->spending = arena_calloc(a, (size_t)n + 1, sizeof(*c->spending));
		for (long long k = 0; k < n; k++)
			c->spending[c->nspending++] = (plan_spending){
			    .service = PICK(g, services),
			    .year = between(g, m->cy->start_year, m->cy->end_year),
			    .amount_eur = money_text(a, between(g, 500000, 30000000)),
			    .funding_source = m->cat.funding_sources[next_u64(g) % m->cat.nfunding_sources].code,
			};
	}
	/* A partial section with nothing but optional parts still must hold
	 * something, or it would read as empty. */
	if (c->nparts == 0 && c->nindicators == 0 && c->nspending == 0 && s->nparts > 0)
		c->parts[c->nparts++] =
		    (plan_part_text){s->parts[0].key, demo_text(a, g, DEMO_TEXT_MIN, s->parts[0].max_chars)};
}

/* A section's fill: a plan to be submitted has every required part of every
 * section; a draft mixes empty, partial and complete sections. */
static fill fill_of(rng *g, const cycle_section *s, bool to_submit)
{
	bool has_required = false;
	for (size_t p = 0; p < s->nparts; p++)
		has_required |= s->parts[p].required;
	long long r = between(g, 1, 100);
	if (to_submit)
		return has_required || r > 40 ? FILL_COMPLETE : FILL_EMPTY;
	if (r <= 30)
		return FILL_EMPTY;
	if (r <= 60 && has_required)
		return FILL_PARTIAL;
	return FILL_COMPLETE;
}

static void add_section_row(bulk *b, arena *a, long long tenant, long long user, const cycle_section *s,
                            const plan_section_content *c)
{
	jw *w = b->w;
	jw_obj_begin(w);
	jw_kint(w, "tenant", tenant);
	jw_kstr(w, "section", s->key);
	jw_kstr(w, "status", plan_section_status_name(plan_section_status(s, c)));
	jw_kstr(w, "content", plan_section_content_json(a, c));
	jw_kint(w, "indicators", (long long)c->nindicators);
	jw_kstr(w, "spending", plan_section_spending_total(a, c));
	jw_kint(w, "user", user);
	jw_obj_end(w);
	b->rows++;
}

/* What happens to a plan after it is written. */
typedef struct plan_fate {
	long long tenant, user;
	bool submit, reopen, resubmit;
	const char *at, *again; /* submission times, DATETIME text */
} plan_fate;

/* A submission time around the deadline (most before it, some late), moved
 * on by later_days. */
static const char *submission_time(arena *a, rng *g, const cycle *cy, long long later_days)
{
	struct tm tm = {0};
	if (cy->deadline == NULL || sscanf(cy->deadline, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
		tm = (struct tm){.tm_year = (int)cy->start_year + 1, .tm_mon = 12, .tm_mday = 31, .tm_hour = 23};
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) - (time_t)between(g, -10, 75) * 86400 + (time_t)between(g, 0, 86399) +
	           (time_t)later_days * 86400;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Writes tenant i's plan into the bulk arrays and decides its fate. */
static void add_plan(demo *m, arena *a, long long i, long long tenant, long long user, bulk *plans, bulk *sections,
                     bulk *income, plan_fate *fate)
{
	rng g = rng_for(m->seed, (uint64_t)i, (uint64_t)m->cy->id);
	*fate = (plan_fate){.tenant = tenant, .user = user};
	fate->submit = chance(&g, PCT_SUBMITTED);
	fate->reopen = fate->submit && chance(&g, PCT_REOPENED);
	fate->resubmit = fate->reopen && chance(&g, PCT_RESUBMITTED);
	fate->at = submission_time(a, &g, m->cy, 0);
	fate->again = submission_time(a, &g, m->cy, 90);
	jw_obj_begin(plans->w);
	jw_kint(plans->w, "tenant", tenant);
	jw_kint(plans->w, "user", user);
	jw_obj_end(plans->w);
	plans->rows++;
	for (size_t s = 0; s < m->tpl.nsections; s++) {
		const cycle_section *ts = &m->tpl.sections[s];
		plan_section_content c;
		make_content(m, a, &g, ts, fill_of(&g, ts, fate->submit), &c);
		add_section_row(sections, a, tenant, user, ts, &c);
	}
	long long n = between(&g, DEMO_MIN_INCOME, DEMO_MAX_INCOME);
	for (long long k = 0; k < n; k++) {
		jw *w = income->w;
		jw_obj_begin(w);
		jw_kint(w, "tenant", tenant);
		jw_kint(w, "line_no", k + 1);
		jw_kstr(w, "source", m->cat.funding_sources[next_u64(&g) % m->cat.nfunding_sources].code);
		jw_kint(w, "year", between(&g, m->cy->start_year, m->cy->end_year));
		jw_kstr(w, "amount", money_text(a, between(&g, 1000000, 150000000)));
		jw_kstr(w, "note", chance(&g, 50) ? PICK(&g, income_notes) : NULL);
		jw_obj_end(w);
		income->rows++;
	}
	m->plans_made++;
}

/* After changes were requested: the coordinator rewrites two sections, so
 * the draft differs from what was submitted. */
static int edit_after_review(demo *m, arena *a, long long i, const plan_fate *f)
{
	rng g = rng_for(m->seed, (uint64_t)i, (uint64_t)m->cy->id + 1);
	for (int k = 0; k < 2; k++) {
		const cycle_section *ts = &m->tpl.sections[next_u64(&g) % m->tpl.nsections];
		plan_section_content c;
		make_content(m, a, &g, ts, FILL_COMPLETE, &c);
		int rc = plan_section_save(m->d, a, f->tenant, m->cy->id, ts, &c, f->user, NULL);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* The Region's allocations to the tenant: every year of the cycle, the
 * catalogue's first sources, 50 000 to 1 500 000 euros. */
static int add_allocations(demo *m, arena *a, long long i, long long tenant)
{
	rng g = rng_for(m->seed, (uint64_t)i, (uint64_t)m->cy->id + 2);
	for (long long y = m->cy->start_year; y <= m->cy->end_year; y++)
		for (size_t k = 0; k < DEMO_ALLOC_SOURCES && k < m->cat.nfunding_sources; k++) {
			long long n =
			    db_exec(m->d,
			            "INSERT IGNORE INTO allocations (tenant_id, cycle_id, year, source, amount_eur)"
			            " VALUES (?, ?, ?, ?, ?)",
			            "iiiss", tenant, m->cy->id, y, m->cat.funding_sources[k].code,
			            money_text(a, between(&g, 5000000, 150000000)));
			if (n < 0)
				return (int)n;
			m->allocations += (size_t)n;
		}
	return DB_OK;
}

/* A value between baseline and target (the text "in corso" for a
 * qualitative indicator), and the planned spending of the year give or
 * take 30 %: saved as the year's entry and sent as report 1. */
static int add_monitoring(demo *m, arena *a, long long i, const plan_fate *f, long long revision)
{
	rng g = rng_for(m->seed, (uint64_t)i, (uint64_t)m->cy->id + 3);
	plan_section_content *contents;
	int rc = plan_store_contents(m->d, a, f->tenant, m->cy->id, revision, &m->tpl, &contents);
	for (long long y = m->cy->start_year + 1;
	     rc == DB_OK && y <= m->cy->end_year && y < m->cy->start_year + 1 + DEMO_MONITORED_YEARS; y++) {
		monitoring_plan mp;
		monitoring_plan_build(a, &m->tpl, contents, y, &mp);
		monitoring_entry e = {.values = arena_calloc(a, mp.nindicators + 1, sizeof(*e.values)),
		                      .spending = arena_calloc(a, mp.nplanned + 1, sizeof(*e.spending))};
		for (size_t k = 0; k < mp.nindicators; k++) {
			const plan_indicator *ind = mp.indicators[k].ind;
			const char *b = monitoring_number(ind->baseline, ind->baseline_num);
			const char *t = monitoring_number(ind->target, ind->target_num);
			monitoring_value *v = &e.values[e.nvalues++];
			v->id = mp.indicators[k].id;
			if (b != NULL && t != NULL) {
				double x = strtod(b, NULL) + (strtod(t, NULL) - strtod(b, NULL)) * uniform(&g) * 1.2;
				v->value = arena_printf(a, "%.0f", x);
				v->value_num = true;
			} else
				v->value = "in corso";
			if (chance(&g, 30))
				v->note = PICK(&g, sentences);
		}
		for (size_t k = 0; k < mp.nplanned; k++)
			e.spending[e.nspending++] =
			    (monitoring_spending){mp.planned[k].section, mp.planned[k].source,
			                          money_text(a, mp.planned[k].cents * between(&g, 70, 130) / 100)};
		long long version;
		monitoring_report rep;
		const char *json = monitoring_entry_json(a, &e);
		rc = json == NULL ? DB_EERR
		                  : monitoring_store_save(m->d, a, f->tenant, m->cy->id, y, json, f->user, &version);
		if (rc == DB_OK)
			rc = monitoring_store_submit(m->d, a, f->tenant, m->cy, y, revision, &mp, &e, f->user, NULL,
			                             &rep);
		if (rc == DB_OK)
			m->reports++;
	}
	return rc;
}

/* Submits, and for some plans requests changes, edits and submits again;
 * most of the others are approved and monitored. */
static int play_fate(demo *m, arena *a, long long i, const plan_fate *f)
{
	plan_submission sub;
	int rc = plan_submit_at(m->d, a, f->tenant, m->cy, f->user, NULL, NULL, f->at, &sub);
	if (rc != DB_OK)
		return rc;
	m->submitted++;
	if (!f->reopen) {
		rng g = rng_for(m->seed, (uint64_t)i, (uint64_t)m->cy->id + 4);
		if (!chance(&g, PCT_APPROVED))
			return DB_OK;
		plan_status after;
		rc = plan_review(m->d, f->tenant, m->cy->id, sub.revision, PLAN_APPROVE, NULL, m->reviewer, &after);
		if (rc == DB_OK) {
			m->approved++;
			rc = add_monitoring(m, a, i, f, sub.revision);
		}
		return rc;
	}
	plan_status after;
	rc = plan_review(m->d, f->tenant, m->cy->id, sub.revision, PLAN_REQUEST_CHANGES,
	                 "Integrare l'analisi dei bisogni con i dati dei tavoli tematici.", m->reviewer, &after);
	if (rc == DB_OK)
		rc = edit_after_review(m, a, i, f);
	if (rc != DB_OK)
		return rc;
	m->reopened++;
	if (!f->resubmit)
		return DB_OK;
	rc = plan_submit_at(m->d, a, f->tenant, m->cy, f->user, "Versione integrata come richiesto dalla Regione.",
	                    NULL, f->again, &sub);
	if (rc == DB_OK)
		m->resubmitted++;
	return rc;
}

static const char *plan_error(int rc)
{
	switch (rc) {
	case PLAN_EINCOMPLETE: return "un piano da inviare è incompleto";
	case PLAN_ESTATUS: return "un piano non è in uno stato che lo consenta";
	case PLAN_ECYCLE: return "il ciclo non è aperto";
	case PLAN_ETOOLARGE: return "un'istantanea è troppo grande";
	default: return "errore della base dati";
	}
}

/* Tenants first..last: creates the missing tenants, then the missing plans,
 * then the submissions, in one transaction. */
static int run_batch(demo *m, long long first, long long last, char *err, size_t errlen)
{
	arena *a = arena_new();
	bulk tenants, comuni, users, plans, sections, income;
	bulk_begin(&tenants);
	bulk_begin(&comuni);
	bulk_begin(&users);
	bulk_begin(&plans);
	bulk_begin(&sections);
	bulk_begin(&income);
	int rc = db_begin(m->d);
	const char *step = "iniziare una transazione";
	char lo[16], hi[16];
	slug_of(lo, sizeof(lo), first);
	slug_of(hi, sizeof(hi), last);
	db_res *res;
	long long n = last - first + 1;
	plan_fate *fates = arena_calloc(a, (size_t)n, sizeof(*fates));
	long long *index_of = arena_calloc(a, (size_t)n, sizeof(*index_of));
	size_t nfates = 0, made_before = m->tenants_made, planned_before = m->plans_made;
	if (rc != DB_OK)
		goto fail;

	step = "leggere gli ambiti dimostrativi esistenti";
	if ((rc = db_query(m->d, a, &res, existing_sql, "iss", m->cy->id, lo, hi)) != DB_OK)
		goto fail;
	size_t have = db_nrows(res);
	for (long long i = first; i <= last; i++) {
		char slug[16];
		slug_of(slug, sizeof(slug), i);
		bool found = false;
		for (size_t k = 0; k < have && !found; k++)
			found = strcmp(db_val(res, k, 0), slug) == 0;
		if (!found)
			add_tenant(m, a, i, &tenants, &comuni, &users);
	}
	step = "creare gli ambiti";
	if ((rc = (int)bulk_run(m->d, &tenants, tenants_sql, 0)) < 0 ||
	    (rc = (int)bulk_run(m->d, &comuni, comuni_sql, 0)) < 0)
		goto fail;
	/* The same rows serve the users and their memberships. */
	jw_arr_end(users.w);
	const char *users_json = arena_strdup(a, jw_buffer(users.w, NULL));
	step = "creare i coordinatori";
	if (users.rows > 0 && ((rc = (int)db_exec(m->d, users_sql, "s", users_json)) < 0 ||
	                       (rc = (int)db_exec(m->d, members_sql, "s", users_json)) < 0))
		goto fail;
	step = "rileggere gli ambiti";
	if ((rc = db_query(m->d, a, &res, existing_sql, "iss", m->cy->id, lo, hi)) != DB_OK)
		goto fail;
	for (size_t k = 0; k < db_nrows(res); k++) {
		if (db_int(res, k, 3) > 0)
			continue; /* this cycle's plan is there already */
		long long i = strtoll(db_val(res, k, 0) + strlen("demo-"), NULL, 10);
		index_of[nfates] = i;
		add_plan(m, a, i, db_int(res, k, 1), db_int(res, k, 2), &plans, &sections, &income, &fates[nfates++]);
		step = "scrivere i piani";
		/* Plans before their sections, for the foreign key. */
		if (bulk_full(&sections) && ((rc = (int)bulk_run(m->d, &plans, plans_sql, m->cy->id)) < 0 ||
		                             (rc = (int)bulk_run(m->d, &sections, sections_sql, m->cy->id)) < 0))
			goto fail;
	}
	step = "scrivere i piani";
	if ((rc = (int)bulk_run(m->d, &plans, plans_sql, m->cy->id)) < 0 ||
	    (rc = (int)bulk_run(m->d, &sections, sections_sql, m->cy->id)) < 0 ||
	    (rc = (int)bulk_run(m->d, &income, income_sql, m->cy->id)) < 0)
		goto fail;
	step = "inviare i piani";
	for (size_t k = 0; k < nfates; k++) {
		arena *pa = arena_new();
		rc = add_allocations(m, pa, index_of[k], fates[k].tenant);
		if (rc == DB_OK && fates[k].submit)
			rc = play_fate(m, pa, index_of[k], &fates[k]);
		arena_free(pa);
		if (rc != DB_OK)
			goto fail;
	}
	step = "registrare e confermare";
	if (m->tenants_made == made_before && m->plans_made == planned_before) {
		db_rollback(m->d); /* nothing was missing: nothing to record */
		rc = DB_OK;
		goto done;
	}
	if ((rc = audit_cli(m->d, "demo", arena_printf(a, "cycle:%s %s..%s", m->cy->slug, lo, hi), 201,
	                    "synthetic demo data")) != DB_OK ||
	    (rc = db_commit(m->d)) != DB_OK)
		goto fail;
	rc = DB_OK;
	goto done;
fail:
	snprintf(err, errlen, "%s..%s: impossibile %s: %s", lo, hi, step,
	         rc <= PLAN_ENOPLAN ? plan_error(rc) : db_error(m->d));
	db_rollback(m->d);
	if (rc >= 0)
		rc = DB_EERR;
done:
	bulk_end(&tenants);
	bulk_end(&comuni);
	bulk_end(&users);
	bulk_end(&plans);
	bulk_end(&sections);
	bulk_end(&income);
	arena_free(a);
	return rc;
}

/* The account that requests changes on some demo plans: a locked region
 * reviewer, made once (looked up first: a refused INSERT would still use up
 * an id, and ids appear in the snapshots). */
static int demo_reviewer(db *d, arena *a, long long *id)
{
	static const char email[] = "revisore.demo@demo.ambito.invalid";
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT id FROM users WHERE email = ?", "s", email);
	if (rc != DB_OK)
		return rc;
	if (db_nrows(res) == 1) {
		*id = db_int(res, 0, 0);
		return DB_OK;
	}
	long long n =
	    db_exec(d,
	            "INSERT INTO users (email, name, region_role, password_hash, active)"
	            " VALUES (?, 'Revisore regionale (dimostrativo)', 'region_reviewer', '!demo: no login', 0)",
	            "s", email);
	if (n < 0)
		return (int)n;
	*id = (long long)db_last_id(d);
	return DB_OK;
}

static int usage(void)
{
	fprintf(stderr,
	        "uso: ambitoctl demo --cycle SLUG --tenants N [--seed S]\n"
	        "  N da 1 a %d; il ciclo deve essere aperto\n",
	        DEMO_MAX_TENANTS);
	return 2;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int ctl_synth(db *d, int argc, char **argv)
{
	const char *slug = NULL;
	long long ntenants = 0;
	unsigned long long seed = DEMO_DEFAULT_SEED;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (strcmp(argv[i], "--cycle") == 0 && i + 1 < argc) {
			slug = argv[++i];
		} else if (strcmp(argv[i], "--tenants") == 0 && i + 1 < argc) {
			ntenants = strtoll(argv[++i], &end, 10);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], &end, 10);
		} else {
			return usage();
		}
		if (end != NULL && (*end != '\0' || end == argv[i]))
			return usage();
	}
	if (slug == NULL || ntenants < 1 || ntenants > DEMO_MAX_TENANTS || seed == 0)
		return usage();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	arena *a = arena_new();
	demo m = {.d = d, .seed = seed};
	cycle *cy;
	int rc = 1;
	if (cycle_store_find(d, a, slug, false, &cy) != DB_OK) {
		fprintf(stderr, "ambitoctl demo: impossibile leggere il ciclo: %s\n", db_error(d));
		goto out;
	}
	if (cy == NULL || cy->status != CYCLE_OPEN) {
		fprintf(stderr, "ambitoctl demo: %s %s: i piani si scrivono solo in un ciclo aperto\n", slug,
		        cy == NULL ? "non esiste" : "non è aperto");
		goto out;
	}
	m.cy = cy;
	if (cycle_store_load_catalog(d, a, cy->id, &m.cat) != DB_OK ||
	    cycle_store_load_template(d, a, cy->id, &m.tpl) != DB_OK || demo_reviewer(d, a, &m.reviewer) != DB_OK) {
		fprintf(stderr, "ambitoctl demo: impossibile leggere le regole del ciclo: %s\n", db_error(d));
		goto out;
	}
	if (m.tpl.nsections == 0 || m.cat.nfunding_sources == 0) {
		fprintf(stderr, "ambitoctl demo: %s non ha sezioni nel modello o fonti di finanziamento\n", slug);
		goto out;
	}
	char err[600];
	for (long long first = 1; first <= ntenants; first += DEMO_BATCH) {
		long long last = first + DEMO_BATCH - 1 < ntenants ? first + DEMO_BATCH - 1 : ntenants;
		if (run_batch(&m, first, last, err, sizeof(err)) != DB_OK) {
			fprintf(stderr, "ambitoctl demo: %s (i lotti precedenti restano; rilanciare per finire)\n",
			        err);
			goto out;
		}
	}
	printf("dati dimostrativi nel ciclo %s: %zu ATS creati, %zu piani scritti, %zu inviati (%zu riaperti con "
	       "richiesta "
	       "di modifiche, %zu dei quali inviati di nuovo) in %.1f s\n",
	       slug, m.tenants_made, m.plans_made, m.submitted, m.reopened, m.resubmitted, seconds_since(&t0));
	printf("%zu approved and monitored (%zu monitoring reports), %zu allocations\n", m.approved, m.reports,
	       m.allocations);
	if (m.plans_made == 0)
		printf("niente da fare: demo-0001..demo-%04lld hanno già i loro piani in %s\n", ntenants, slug);
	rc = 0;
out:
	arena_free(a);
	return rc;
}
