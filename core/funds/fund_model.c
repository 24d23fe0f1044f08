/* The allocations as a client sends them: JSON {"items":[…]} or CSV with the
 * header tenant,year,source,amount_eur (RFC 4180, UTF-8, a byte-order mark
 * allowed). Both become the same rows and go through the same checks; every
 * error names the item or the CSV line it comes from. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/id.h"
#include "base/money.h"
#include "funds/funds.h"
#include "http/validate.h"

#define CSV_COLUMNS 4
#define SHOWN_MAX 64 /* bytes of a client's value repeated in an error */

static const char *const csv_header[CSV_COLUMNS] = {"tenant", "year", "source", "amount_eur"};

/* ---------------------------------------------------------------- amounts */

const char *fund_amount_text(arena *a, const char *s, const char **why)
{
	int64_t cents;
	int rc = money_parse(s, &cents);
	if (s[0] == '-' && rc != MONEY_ESYNTAX) /* "-0.00" too: no sign at all */
		*why = "non può essere negativo";
	else if (rc == MONEY_ESYNTAX)
		*why = strchr(s, ',')
		           ? "scrivere i decimali con il punto (es. 1234.50), senza separatori delle migliaia"
		           : "deve essere un importo in euro (es. 1234.50)";
	else if (rc == MONEY_EDECIMALS)
		*why = "ha più di 2 decimali";
	else if (rc != MONEY_OK || cents >= FUND_AMOUNT_MAX_CENTS)
		*why = "è troppo grande";
	else
		return money_text(a, cents);
	return NULL;
}

/* ---------------------------------------------------------------- errors */

/* A client's value as an error may repeat it: only a short valid line. */
static const char *shown(arena *a, const char *s)
{
	if (strlen(s) <= SHOWN_MAX && v_is_line(s))
		return arena_printf(a, " «%s»", s);
	return "";
}

/* An error about row r: "line N" with "riga N: …" for CSV, the item's field
 * path for JSON. */
static void row_error(field_errors *e, bool csv, const fund_row *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void row_error(field_errors *e, bool csv, const fund_row *r, const char *key, const char *fmt, ...)
{
	arena *a = field_errors_arena(e);
	va_list ap;
	va_start(ap, fmt);
	const char *msg = arena_vprintf(a, fmt, ap);
	va_end(ap);
	if (csv)
		field_errors_add(e, arena_printf(a, "line %zu", r->line), "riga %zu: %s", r->line, msg);
	else if (key != NULL)
		field_errors_add(e, arena_printf(a, "items[%zu].%s", r->line - 1, key), "%s", msg);
	else
		field_errors_add(e, arena_printf(a, "items[%zu]", r->line - 1), "%s", msg);
}

/* ---------------------------------------------------------------- JSON */

size_t fund_parse_json(field_errors *e, const json_value *body, fund_row **out, size_t *n)
{
	static const char *const top[] = {"items", NULL};
	static const char *const fields[] = {"tenant", "year", "source", "amount_eur", NULL};
	size_t before = field_errors_count(e);
	arena *a = field_errors_arena(e);
	*n = 0;
	*out = NULL;
	v_only(e, NULL, body, top);
	const json_value *items = v_array(e, NULL, body, "items", FUND_MAX_ROWS, true);
	if (items == NULL)
		return field_errors_count(e) - before;
	*out = arena_calloc(a, items->u.array.n + 1, sizeof(**out));
	for (size_t i = 0; i < items->u.array.n; i++) {
		const json_value *it = items->u.array.items[i];
		const char *p = v_index(e, NULL, "items", i);
		if (!json_is(it, JSON_OBJECT)) {
			field_errors_add(e, p, "deve essere un oggetto {tenant, year, source, amount_eur}");
			continue;
		}
		size_t errs = field_errors_count(e);
		fund_row r = {.line = i + 1};
		v_only(e, p, it, fields);
		r.tenant = v_string(e, p, it, "tenant", 1, FUND_SLUG_MAX, true);
		v_int(e, p, it, "year", CYCLE_YEAR_MIN, CYCLE_YEAR_MAX, true, &r.year);
		r.source = v_string(e, p, it, "source", 1, FUND_SOURCE_MAX, true);
		const char *money = v_money(e, p, it, "amount_eur", true);
		const char *why;
		if (money != NULL && (r.amount = fund_amount_text(a, money, &why)) == NULL)
			field_errors_add(e, v_path(e, p, "amount_eur"), "%s", why);
		if (field_errors_count(e) == errs)
			(*out)[(*n)++] = r;
	}
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- CSV */

typedef struct csv_record {
	const char *f[CSV_COLUMNS];
	size_t nf;      /* fields seen, CSV_COLUMNS and beyond included */
	size_t lines;   /* physical lines the record spans */
	bool bad_quote; /* an unterminated quote, or text after a closing one */
} csv_record;

static const char *skip_line(const char *p, const char *end, csv_record *rec)
{
	while (p < end && *p != '\n')
		p++;
	rec->bad_quote = true;
	return p < end ? p + 1 : p;
}

/* Reads one record from p; returns where the next one starts. Fields are
 * copied into a, quotes undone; unquoted fields lose surrounding blanks. */
static const char *read_record(arena *a, const char *p, const char *end, csv_record *rec)
{
	*rec = (csv_record){.lines = 1};
	for (;;) {
		const char *val;
		if (p < end && *p == '"') {
			const char *q = p + 1;
			size_t len = 0;
			for (;; q++, len++) {
				if (q >= end) {
					rec->bad_quote = true;
					return end;
				}
				if (*q == '"') {
					if (q + 1 < end && q[1] == '"') {
						q++;
						continue;
					}
					break;
				}
				if (*q == '\n')
					rec->lines++;
			}
			char *s = arena_alloc(a, len + 1), *o = s;
			for (const char *x = p + 1; x < q; x++) {
				*o++ = *x;
				if (*x == '"')
					x++;
			}
			*o = '\0';
			val = s;
			p = q + 1;
			if (p < end && *p != ',' && *p != '\r' && *p != '\n')
				return skip_line(p, end, rec);
		} else {
			const char *s = p;
			while (p < end && *p != ',' && *p != '\r' && *p != '\n')
				p++;
			const char *t = p;
			while (s < t && (*s == ' ' || *s == '\t'))
				s++;
			while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
				t--;
			val = arena_strndup(a, s, (size_t)(t - s));
		}
		if (rec->nf < CSV_COLUMNS)
			rec->f[rec->nf] = val;
		rec->nf++;
		if (p >= end)
			return p;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		return p;
	}
}

/* A year as the CSV writes it: one to four digits. */
static bool year_of(const char *s, long long *out)
{
	return id_parse(s, 4, out);
}

size_t fund_parse_csv(field_errors *e, const char *text, size_t len, fund_row **out, size_t *n)
{
	size_t before = field_errors_count(e);
	arena *a = field_errors_arena(e);
	const char *p = text, *end = text + len;
	size_t line = 1, cap = 64;
	*n = 0;
	*out = arena_calloc(a, cap + 1, sizeof(**out));
	if (memchr(text, '\0', len) != NULL) {
		field_errors_add(e, "body", "il file contiene un byte nullo: non è un CSV di testo");
		goto done;
	}
	if (len >= 3 && memcmp(p, CSV_BOM, 3) == 0)
		p += 3;
	csv_record rec;
	const char *next = read_record(a, p, end, &rec);
	bool header_ok = rec.nf == CSV_COLUMNS && !rec.bad_quote;
	for (size_t i = 0; header_ok && i < CSV_COLUMNS; i++)
		header_ok = strcmp(rec.f[i], csv_header[i]) == 0;
	if (!header_ok) {
		field_errors_add(e, "line 1", "riga 1: l'intestazione deve essere tenant,year,source,amount_eur");
		goto done;
	}
	line += rec.lines;
	for (p = next; p < end; line += rec.lines, p = next) {
		next = read_record(a, p, end, &rec);
		fund_row r = {.line = line};
		if (rec.nf == 1 && rec.f[0][0] == '\0' && !rec.bad_quote)
			continue; /* an empty line */
		if (*n == FUND_MAX_ROWS) {
			row_error(e, true, &r, NULL, "il file ha più di %d righe di dati", FUND_MAX_ROWS);
			*n = 0; /* refused whole: its rows are not worth checking */
			goto done;
		}
		if (rec.bad_quote) {
			row_error(e, true, &r, NULL, "virgolette non chiuse o testo dopo le virgolette di chiusura");
			continue;
		}
		if (rec.nf != CSV_COLUMNS) {
			row_error(e, true, &r, NULL, "servono %d campi (tenant,year,source,amount_eur), trovati %zu",
			          CSV_COLUMNS, rec.nf);
			continue;
		}
		size_t errs = field_errors_count(e);
		r.tenant = rec.f[0];
		r.source = rec.f[2];
		const char *why;
		if (r.tenant[0] == '\0')
			row_error(e, true, &r, NULL, "manca l'ambito (tenant)");
		if (!year_of(rec.f[1], &r.year))
			row_error(e, true, &r, NULL, "anno non valido%s", shown(a, rec.f[1]));
		if (r.source[0] == '\0')
			row_error(e, true, &r, NULL, "manca la fonte di finanziamento (source)");
		if ((r.amount = fund_amount_text(a, rec.f[3], &why)) == NULL)
			row_error(e, true, &r, NULL, "importo%s non valido: %s", shown(a, rec.f[3]), why);
		if (field_errors_count(e) != errs)
			continue;
		if (*n == cap) {
			fund_row *grown = arena_calloc(a, 2 * cap + 1, sizeof(*grown));
			memcpy(grown, *out, cap * sizeof(*grown));
			*out = grown;
			cap *= 2;
		}
		(*out)[(*n)++] = r;
	}
done:
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- checks */

static int cmp_tenant_slug(const void *key, const void *elem)
{
	return strcmp(key, ((const fund_tenant *)elem)->slug);
}

static int cmp_row_key(const void *x, const void *y)
{
	const fund_row *a = *(const fund_row *const *)x, *b = *(const fund_row *const *)y;
	if (a->tenant_id != b->tenant_id)
		return a->tenant_id < b->tenant_id ? -1 : 1;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	int c = strcmp(a->source, b->source);
	if (c != 0)
		return c;
	return (a->line > b->line) - (a->line < b->line);
}

static bool in_catalog(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		if (strcmp(cat->funding_sources[i].code, code) == 0)
			return true;
	return false;
}

size_t fund_check(field_errors *e, const cycle *c, const cycle_catalog *cat, const fund_tenant *tenants,
                  size_t ntenants, fund_row *rows, size_t n, bool csv)
{
	size_t before = field_errors_count(e);
	arena *a = field_errors_arena(e);
	const fund_row **sorted = arena_calloc(a, n + 1, sizeof(*sorted));
	size_t nsorted = 0;
	for (size_t i = 0; i < n; i++) {
		fund_row *r = &rows[i];
		const fund_tenant *t = bsearch(r->tenant, tenants, ntenants, sizeof(*tenants), cmp_tenant_slug);
		if (t == NULL)
			row_error(e, csv, r, "tenant", "ambito sconosciuto%s", shown(a, r->tenant));
		else
			r->tenant_id = t->id;
		if (r->year < c->start_year || r->year > c->end_year)
			row_error(e, csv, r, "year", "l'anno %lld è fuori dal ciclo %lld-%lld", r->year, c->start_year,
			          c->end_year);
		if (!in_catalog(cat, r->source))
			row_error(e, csv, r, "source", "fonte di finanziamento%s non presente nel catalogo del ciclo",
			          shown(a, r->source));
		if (t != NULL)
			sorted[nsorted++] = r;
	}
	qsort(sorted, nsorted, sizeof(*sorted), cmp_row_key);
	for (size_t i = 1; i < nsorted; i++) {
		const fund_row *p = sorted[i - 1], *r = sorted[i];
		if (p->tenant_id == r->tenant_id && p->year == r->year && strcmp(p->source, r->source) == 0) {
			if (csv)
				row_error(e, csv, r, NULL, "ripete ambito, anno e fonte della riga %zu", p->line);
			else
				row_error(e, csv, r, NULL, "ripete tenant, year e source di items[%zu]", p->line - 1);
		}
	}
	return field_errors_count(e) - before;
}
