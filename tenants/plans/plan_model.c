/* Plans as data: reading a section or the finance from JSON against the
 * cycle's template and catalogue (every error names its field path), the
 * section status, and the canonical JSON of sections and snapshots, whose
 * bytes are hashed. No database here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "base/money.h"
#include "http/validate.h"
#include "tenants/plans/plans.h"

#define EMPTY_TOTAL "0.00"
/* DECIMAL(15,2) holds less than 10^13 euros: a section's total must fit. */
#define TOTAL_MAX_CENTS 1000000000000000LL

/* ---------------------------------------------------------------- names */

const char *plan_status_name(plan_status s)
{
	switch (s) {
	case PLAN_DRAFT: return "draft";
	case PLAN_SUBMITTED: return "submitted";
	case PLAN_CHANGES_REQUESTED: return "changes_requested";
	case PLAN_APPROVED: return "approved";
	case PLAN_PUBLISHED: return "published";
	}
	return "draft";
}

static int parse_name(const char *s, const char *const *names)
{
	if (s == NULL)
		return -1;
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int plan_status_parse(const char *s)
{
	static const char *const names[] = {"draft", "submitted", "changes_requested", "approved", "published", NULL};
	return parse_name(s, names);
}

const char *plan_section_status_name(section_status s)
{
	switch (s) {
	case SECTION_EMPTY: return "empty";
	case SECTION_PARTIAL: return "partial";
	case SECTION_COMPLETE: return "complete";
	}
	return "empty";
}

int plan_section_status_parse(const char *s)
{
	static const char *const names[] = {"empty", "partial", "complete", NULL};
	return parse_name(s, names);
}

const char *plan_decision_name(plan_decision d)
{
	return d == PLAN_APPROVE ? "approve" : "request_changes";
}

int plan_decision_parse(const char *s)
{
	static const char *const names[] = {"approve", "request_changes", NULL};
	return parse_name(s, names);
}

/* ---------------------------------------------------------------- money */

const char *plan_money_text(arena *a, const char *amount)
{
	int64_t cents;
	return money_parse(amount, &cents) == MONEY_OK ? money_text(a, cents) : NULL;
}

/* The sum of the lines' amounts in cents; false past TOTAL_MAX_CENTS. */
static bool spending_cents(const plan_spending *lines, size_t n, int64_t *total)
{
	*total = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t cents;
		if (lines[i].amount_eur == NULL || money_parse(lines[i].amount_eur, &cents) != MONEY_OK)
			continue;
		if (!money_add(total, cents) || *total >= TOTAL_MAX_CENTS)
			return false;
	}
	return true;
}

const char *plan_section_spending_total(arena *a, const plan_section_content *content)
{
	int64_t total;
	spending_cents(content->spending, content->nspending, &total);
	return money_text(a, total);
}

/* A DECIMAL sum read from the database, in cents (0 when NULL; such a sum
 * has two decimals, so money_parse cannot refuse it). */
static long long cents_of(const char *amount)
{
	int64_t cents = 0;
	if (amount != NULL && money_parse(amount, &cents) != MONEY_OK)
		cents = 0;
	return cents;
}

/* The amount of source and year in list (summed per source and year), in
 * cents; 0 when absent. */
static long long cents_at(const plan_money *list, size_t n, const char *source, long long year)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].year == year && strcmp(list[i].source, source) == 0)
			return cents_of(list[i].amount_eur);
	return 0;
}

size_t plan_warnings(arena *a, const plan_money *alloc, size_t nalloc, const plan_money *income, size_t nincome,
                     const plan_money *spending, size_t nspending, plan_warning **out)
{
	size_t n = 0;
	*out = arena_calloc(a, nalloc + nspending + 1, sizeof(**out));
	for (size_t i = 0; i < nalloc; i++) {
		long long want = cents_of(alloc[i].amount_eur);
		long long have = cents_at(income, nincome, alloc[i].source, alloc[i].year);
		if (have < want)
			(*out)[n++] = (plan_warning){"income_below_allocation", alloc[i].source, alloc[i].year,
			                             money_text(a, want - have)};
	}
	for (size_t i = 0; i < nspending; i++) {
		long long spent = cents_of(spending[i].amount_eur);
		long long have = cents_at(income, nincome, spending[i].source, spending[i].year);
		if (spent > have)
			(*out)[n++] = (plan_warning){"spending_above_income", spending[i].source, spending[i].year,
			                             money_text(a, spent - have)};
	}
	return n;
}

/* ---------------------------------------------------------------- helpers */

static arena *arena_of(field_errors *e)
{
	return field_errors_arena(e);
}

/* Whitespace only: such a part is not filled and is dropped. */
static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static bool has_block(const cycle_section *tpl, const char *block)
{
	for (size_t i = 0; i < tpl->nblocks; i++)
		if (strcmp(tpl->blocks[i], block) == 0)
			return true;
	return false;
}

static bool has_funding_source(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		if (cat->funding_sources[i].code != NULL && strcmp(cat->funding_sources[i].code, code) == 0)
			return true;
	return false;
}

static bool item_object(field_errors *e, const char *path, const json_value *v)
{
	if (v->type == JSON_OBJECT)
		return true;
	field_errors_add(e, path, "deve essere un oggetto");
	return false;
}

/* A required one-line name: not blank. */
static const char *name_field(field_errors *e, const char *prefix, const json_value *obj, const char *key, size_t max)
{
	const char *s = v_string(e, prefix, obj, key, 1, max, true);
	if (s != NULL && blank(s)) {
		field_errors_add(e, v_path(e, prefix, key), "non può essere vuoto");
		return NULL;
	}
	return s;
}

/* An optional one-line text: absent, null and "" all mean none. */
static const char *optional_line(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                 size_t max)
{
	const json_value *v = json_get(obj, key);
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	const char *s = v_string(e, prefix, obj, key, 0, max, false);
	return s != NULL && !blank(s) ? s : NULL;
}

/* A year of the cycle. */
static bool cycle_year(field_errors *e, const char *prefix, const json_value *obj, const cycle *c, long long *out)
{
	return v_int(e, prefix, obj, "year", c->start_year, c->end_year, true, out);
}

static const char *funding_code(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                const cycle_catalog *cat)
{
	const char *s = v_string(e, prefix, obj, key, 1, CATALOG_TITLE_MAX, true);
	if (s != NULL && !has_funding_source(cat, s)) {
		field_errors_add(e, v_path(e, prefix, key), "non è una fonte di finanziamento del catalogo del ciclo");
		return NULL;
	}
	return s;
}

static const char *money_field(field_errors *e, const char *prefix, const json_value *obj, const char *key)
{
	const char *s = v_money(e, prefix, obj, key, true);
	return s != NULL ? plan_money_text(arena_of(e), s) : NULL;
}

/* ---------------------------------------------------------------- sections */

static void parse_parts(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                        plan_section_content *out)
{
	const json_value *parts = v_object(e, prefix, obj, "parts", false);
	out->parts = arena_calloc(arena_of(e), tpl->nparts + 1, sizeof(*out->parts));
	if (parts == NULL)
		return;
	const char *pp = v_path(e, prefix, "parts");
	const char **texts = arena_calloc(arena_of(e), tpl->nparts + 1, sizeof(*texts));
	for (size_t i = 0; i < parts->u.object.n; i++) {
		const char *key = parts->u.object.keys[i];
		size_t k = 0;
		while (k < tpl->nparts && strcmp(tpl->parts[k].key, key) != 0)
			k++;
		if (k == tpl->nparts) {
			field_errors_add(e, v_path(e, pp, key), "non è una parte della sezione %s", tpl->key);
			continue;
		}
		if (parts->u.object.values[i]->type == JSON_NULL)
			continue;
		const char *text = v_text(e, pp, parts, key, (size_t)tpl->parts[k].max_chars, false);
		if (text != NULL && !blank(text))
			texts[k] = text;
	}
	/* Template order, so the status and the submit check walk both lists
	 * together. */
	for (size_t k = 0; k < tpl->nparts; k++)
		if (texts[k] != NULL)
			out->parts[out->nparts++] = (plan_part_text){tpl->parts[k].key, texts[k]};
}

/* A block's list: absent or empty is always fine, items only when the
 * template gives the section that block. */
static const json_value *block_list(field_errors *e, const char *prefix, const json_value *obj, const char *block,
                                    size_t max, const cycle_section *tpl)
{
	const json_value *list = v_array(e, prefix, obj, block, max, false);
	if (list == NULL || list->u.array.n == 0)
		return NULL;
	if (!has_block(tpl, block)) {
		field_errors_add(e, v_path(e, prefix, block), "nello schema la sezione %s non ha il blocco %s",
		                 tpl->key, block);
		return NULL;
	}
	return list;
}

bool plan_decimal_text(const char *s)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s), i = 0;
	if (n == 0 || n > PLAN_INDICATOR_NUMBER_MAX)
		return false;
	if (s[i] == '-')
		i++;
	size_t digits = strspn(s + i, "0123456789");
	if (digits == 0)
		return false;
	i += digits;
	if (s[i] == '.') {
		size_t frac = strspn(s + i + 1, "0123456789");
		if (frac == 0)
			return false;
		i += 1 + frac;
	}
	return s[i] == '\0';
}

static bool id_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
	       ch == '_' || ch == '-' || ch == '#';
}

static const char *indicator_id(field_errors *e, const char *prefix, const json_value *obj)
{
	const json_value *v = json_get(obj, "id");
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	const char *s = v_string(e, prefix, obj, "id", 1, PLAN_INDICATOR_ID_MAX, false);
	if (s == NULL)
		return NULL;
	for (const char *p = s; *p != '\0'; p++)
		if (!id_char(*p)) {
			field_errors_add(e, v_path(e, prefix, "id"), "solo lettere, cifre e . _ - #");
			return NULL;
		}
	return s;
}

/* A baseline or target: a JSON number (a plain decimal, kept as written) or
 * a line of text for a qualitative indicator. */
static const char *indicator_value(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                   bool *num)
{
	const json_value *v = json_get(obj, key);
	*num = false;
	if (v == NULL || v->type != JSON_NUMBER)
		return optional_line(e, prefix, obj, key, PLAN_INDICATOR_FIELD_MAX);
	if (!plan_decimal_text(v->u.number.text)) {
		field_errors_add(e, v_path(e, prefix, key),
		                 "un numero decimale senza esponente, al massimo %d caratteri (es. 1234.5)",
		                 PLAN_INDICATOR_NUMBER_MAX);
		return NULL;
	}
	*num = true;
	return v->u.number.text;
}

static void parse_indicators(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                             plan_section_content *out)
{
	static const char *const allowed[] = {"id", "name", "kind", "unit", "baseline", "target", "source", NULL};
	const json_value *list = block_list(e, prefix, obj, "indicators", PLAN_MAX_INDICATORS, tpl);
	if (list == NULL)
		return;
	out->indicators = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out->indicators));
	out->nindicators = list->u.array.n;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *ip = v_index(e, prefix, "indicators", i);
		const json_value *iv = list->u.array.items[i];
		plan_indicator *ind = &out->indicators[i];
		if (!item_object(e, ip, iv))
			continue;
		v_only(e, ip, iv, allowed);
		ind->id = indicator_id(e, ip, iv);
		for (size_t j = 0; ind->id != NULL && j < i; j++)
			if (out->indicators[j].id != NULL && strcmp(out->indicators[j].id, ind->id) == 0) {
				field_errors_add(e, v_path(e, ip, "id"), "è già l'id dell'indicatore %zu", j + 1);
				break;
			}
		ind->name = name_field(e, ip, iv, "name", PLAN_INDICATOR_NAME_MAX);
		ind->kind = v_string(e, ip, iv, "kind", 1, PLAN_INDICATOR_FIELD_MAX, true);
		if (ind->kind != NULL && strcmp(ind->kind, "process") != 0 && strcmp(ind->kind, "result") != 0) {
			field_errors_add(e, v_path(e, ip, "kind"), "deve essere process o result");
			ind->kind = NULL;
		}
		ind->unit = optional_line(e, ip, iv, "unit", PLAN_INDICATOR_FIELD_MAX);
		ind->baseline = indicator_value(e, ip, iv, "baseline", &ind->baseline_num);
		ind->target = indicator_value(e, ip, iv, "target", &ind->target_num);
		ind->source = optional_line(e, ip, iv, "source", PLAN_INDICATOR_FIELD_MAX);
	}
}

bool plan_indicators_assign_ids(arena *a, plan_section_content *content)
{
	for (size_t i = 0; i < content->nindicators; i++) {
		plan_indicator *ind = &content->indicators[i];
		if (ind->id != NULL)
			continue;
		unsigned char raw[PLAN_INDICATOR_ID_RANDOM_BYTES];
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return false;
		char hex[2 * sizeof(raw) + 1];
		for (size_t k = 0; k < sizeof(raw); k++)
			snprintf(hex + 2 * k, 3, "%02x", raw[k]);
		ind->id = arena_printf(a, "ind-%s", hex);
	}
	return true;
}

const char *plan_indicator_key(arena *a, const char *section_key, const plan_indicator *ind, size_t index)
{
	return ind->id != NULL ? ind->id : arena_printf(a, "%s#%zu", section_key, index + 1);
}

static void parse_spending(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                           const cycle *c, const cycle_catalog *cat, plan_section_content *out)
{
	static const char *const allowed[] = {"service", "year", "amount_eur", "funding_source", NULL};
	const json_value *list = block_list(e, prefix, obj, "spending", PLAN_MAX_SPENDING, tpl);
	if (list == NULL)
		return;
	out->spending = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out->spending));
	out->nspending = list->u.array.n;
	int64_t total;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *sp = v_index(e, prefix, "spending", i);
		const json_value *sv = list->u.array.items[i];
		plan_spending *s = &out->spending[i];
		if (!item_object(e, sp, sv))
			continue;
		v_only(e, sp, sv, allowed);
		s->service = name_field(e, sp, sv, "service", PLAN_SERVICE_MAX);
		cycle_year(e, sp, sv, c, &s->year);
		s->amount_eur = money_field(e, sp, sv, "amount_eur");
		s->funding_source = funding_code(e, sp, sv, "funding_source", cat);
	}
	if (!spending_cents(out->spending, out->nspending, &total))
		field_errors_add(e, v_path(e, prefix, "spending"), "supera in totale 9999999999999.99 euro");
}

/* {"group": id}: the table that works on the section. That the tenant has
 * it in the cycle is the store's check (plan_section_save). */
static void parse_working_group(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                                plan_section_content *out)
{
	static const char *const allowed[] = {"group", NULL};
	const json_value *v = json_get(obj, "working_group");
	if (v == NULL || v->type == JSON_NULL)
		return;
	const json_value *wg = v_object(e, prefix, obj, "working_group", false);
	if (wg == NULL)
		return;
	const char *wp = v_path(e, prefix, "working_group");
	if (!has_block(tpl, "working_group")) {
		field_errors_add(e, wp, "nello schema la sezione %s non ha il blocco working_group", tpl->key);
		return;
	}
	v_only(e, wp, wg, allowed);
	v_int(e, wp, wg, "group", 1, 999999999999999999LL, true, &out->working_group);
}

size_t plan_section_parse(field_errors *e, const char *prefix, const json_value *obj, const cycle_section *tpl,
                          const cycle *c, const cycle_catalog *cat, plan_section_content *out)
{
	/* What GET answers may come back: the read-only members are ignored. */
	static const char *const allowed[] = {"parts", "indicators", "spending",   "working_group", "key",
	                                      "title", "status",     "updated_at", "updated_by",    NULL};
	size_t before = field_errors_count(e);
	*out = (plan_section_content){0};
	v_only(e, prefix, obj, allowed);
	parse_parts(e, prefix, obj, tpl, out);
	parse_indicators(e, prefix, obj, tpl, out);
	parse_spending(e, prefix, obj, tpl, c, cat, out);
	parse_working_group(e, prefix, obj, tpl, out);
	return field_errors_count(e) - before;
}

section_status plan_section_status(const cycle_section *tpl, const plan_section_content *content)
{
	if (content->nparts == 0 && content->nindicators == 0 && content->nspending == 0)
		return SECTION_EMPTY;
	for (size_t k = 0; k < tpl->nparts; k++) {
		if (!tpl->parts[k].required)
			continue;
		bool filled = false;
		for (size_t i = 0; i < content->nparts && !filled; i++)
			filled = strcmp(content->parts[i].key, tpl->parts[k].key) == 0;
		if (!filled)
			return SECTION_PARTIAL;
	}
	return SECTION_COMPLETE;
}

/* ---------------------------------------------------------------- reading back
 */

static const char *str_or_null(const json_value *obj, const char *key)
{
	return json_get_str(obj, key);
}

const char *plan_json_value_text(const json_value *obj, const char *key, bool *is_num)
{
	const json_value *v = json_get(obj, key);
	*is_num = json_is(v, JSON_NUMBER);
	return *is_num ? v->u.number.text : json_get_str(obj, key);
}

bool plan_section_content_read(arena *a, const json_value *v, plan_section_content *out)
{
	*out = (plan_section_content){0};
	if (v == NULL || v->type != JSON_OBJECT)
		return false;
	const json_value *parts = json_get(v, "parts");
	if (json_is(parts, JSON_OBJECT)) {
		out->parts = arena_calloc(a, parts->u.object.n + 1, sizeof(*out->parts));
		for (size_t i = 0; i < parts->u.object.n; i++)
			if (json_is(parts->u.object.values[i], JSON_STRING))
				out->parts[out->nparts++] =
				    (plan_part_text){parts->u.object.keys[i], parts->u.object.values[i]->u.string.s};
	}
	const json_value *list = json_get(v, "indicators");
	if (json_is(list, JSON_ARRAY)) {
		out->indicators = arena_calloc(a, list->u.array.n + 1, sizeof(*out->indicators));
		for (size_t i = 0; i < list->u.array.n; i++) {
			const json_value *iv = list->u.array.items[i];
			plan_indicator *ind = &out->indicators[out->nindicators++];
			*ind = (plan_indicator){
			    .name = str_or_null(iv, "name"),
			    .kind = str_or_null(iv, "kind"),
			    .unit = str_or_null(iv, "unit"),
			    .source = str_or_null(iv, "source"),
			    .id = str_or_null(iv, "id"),
			};
			ind->baseline = plan_json_value_text(iv, "baseline", &ind->baseline_num);
			ind->target = plan_json_value_text(iv, "target", &ind->target_num);
		}
	}
	list = json_get(v, "spending");
	if (json_is(list, JSON_ARRAY)) {
		out->spending = arena_calloc(a, list->u.array.n + 1, sizeof(*out->spending));
		for (size_t i = 0; i < list->u.array.n; i++) {
			const json_value *sv = list->u.array.items[i];
			const json_value *year = json_get(sv, "year"), *amount = json_get(sv, "amount_eur");
			const char *text =
			    json_is(amount, JSON_NUMBER) ? plan_money_text(a, amount->u.number.text) : NULL;
			out->spending[out->nspending++] =
			    (plan_spending){.service = str_or_null(sv, "service"),
			                    .year = json_is(year, JSON_NUMBER) ? year->u.number.integer : 0,
			                    .amount_eur = text != NULL ? text : EMPTY_TOTAL,
			                    .funding_source = str_or_null(sv, "funding_source")};
		}
	}
	const json_value *group = json_get(json_get(v, "working_group"), "group");
	if (json_is(group, JSON_NUMBER) && group->u.number.is_integer)
		out->working_group = group->u.number.integer;
	return true;
}

/* ---------------------------------------------------------------- canonical
 * writing Keys are written in bytewise order by hand, so the output is
 * canonical without sorting at run time; the parts' keys come from the template
 * and are sorted here. */

void plan_json_value_write(jw *w, const char *key, const char *text, bool is_num)
{
	if (is_num)
		jw_knum_text(w, key, text);
	else
		jw_kstr(w, key, text);
}

static void render_indicators(jw *w, const plan_section_content *c)
{
	jw_key(w, "indicators");
	jw_arr_begin(w);
	for (size_t i = 0; i < c->nindicators; i++) {
		const plan_indicator *ind = &c->indicators[i];
		jw_obj_begin(w);
		plan_json_value_write(w, "baseline", ind->baseline, ind->baseline_num);
		jw_kstr(w, "id", ind->id);
		jw_kstr(w, "kind", ind->kind);
		jw_kstr(w, "name", ind->name);
		jw_kstr(w, "source", ind->source);
		plan_json_value_write(w, "target", ind->target, ind->target_num);
		jw_kstr(w, "unit", ind->unit);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Parts are few (SECTION_MAX_PARTS): each round writes the smallest key
 * above the last one written. */
static void render_parts(jw *w, const plan_section_content *c)
{
	jw_key(w, "parts");
	jw_obj_begin(w);
	const char *last = NULL;
	for (size_t round = 0; round < c->nparts; round++) {
		const plan_part_text *next = NULL;
		for (size_t i = 0; i < c->nparts; i++) {
			const plan_part_text *p = &c->parts[i];
			if ((last == NULL || strcmp(p->key, last) > 0) &&
			    (next == NULL || strcmp(p->key, next->key) < 0))
				next = p;
		}
		if (next == NULL)
			break;
		jw_kstr(w, next->key, next->text);
		last = next->key;
	}
	jw_obj_end(w);
}

static void render_spending(jw *w, const plan_section_content *c)
{
	jw_key(w, "spending");
	jw_arr_begin(w);
	for (size_t i = 0; i < c->nspending; i++) {
		const plan_spending *s = &c->spending[i];
		jw_obj_begin(w);
		jw_knum_text(w, "amount_eur", s->amount_eur);
		jw_kstr(w, "funding_source", s->funding_source);
		jw_kstr(w, "service", s->service);
		jw_kint(w, "year", s->year);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Written only when set, so a section without a table keeps the bytes it
 * had before tables existed. */
static void render_working_group(jw *w, const plan_section_content *c)
{
	if (c->working_group == 0)
		return;
	jw_key(w, "working_group");
	jw_obj_begin(w);
	jw_kint(w, "group", c->working_group);
	jw_obj_end(w);
}

void plan_section_content_render(jw *w, const plan_section_content *content)
{
	jw_obj_begin(w);
	render_indicators(w, content);
	render_parts(w, content);
	render_spending(w, content);
	render_working_group(w, content);
	jw_obj_end(w);
}

const char *plan_json_take(arena *a, jw *w, size_t *len)
{
	size_t n = 0;
	const char *out = NULL;
	if (!jw_failed(w)) {
		const char *buf = jw_buffer(w, &n);
		out = arena_strndup(a, buf, n);
	}
	jw_free(w);
	if (len != NULL)
		*len = out != NULL ? n : 0;
	return out;
}

const char *plan_section_content_json(arena *a, const plan_section_content *content)
{
	jw *w = jw_new(NULL, NULL);
	plan_section_content_render(w, content);
	return plan_json_take(a, w, NULL);
}

/* ---------------------------------------------------------------- finance */

size_t plan_finance_parse(field_errors *e, const char *prefix, const json_value *obj, const cycle *c,
                          const cycle_catalog *cat, plan_finance *out)
{
	static const char *const allowed[] = {"income", NULL};
	static const char *const line_allowed[] = {"source", "year", "amount_eur", "note", NULL};
	size_t before = field_errors_count(e);
	*out = (plan_finance){0};
	v_only(e, prefix, obj, allowed);
	const json_value *list = v_array(e, prefix, obj, "income", PLAN_MAX_INCOME, true);
	if (list == NULL)
		return field_errors_count(e) - before;
	out->income = arena_calloc(arena_of(e), list->u.array.n + 1, sizeof(*out->income));
	out->nincome = list->u.array.n;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *lp = v_index(e, prefix, "income", i);
		const json_value *lv = list->u.array.items[i];
		plan_income *line = &out->income[i];
		if (!item_object(e, lp, lv))
			continue;
		v_only(e, lp, lv, line_allowed);
		line->source = funding_code(e, lp, lv, "source", cat);
		cycle_year(e, lp, lv, c, &line->year);
		line->amount_eur = money_field(e, lp, lv, "amount_eur");
		const json_value *note = json_get(lv, "note");
		if (note != NULL && note->type != JSON_NULL) {
			line->note = v_text(e, lp, lv, "note", PLAN_INCOME_NOTE_MAX, false);
			if (line->note != NULL && blank(line->note))
				line->note = NULL;
		}
	}
	return field_errors_count(e) - before;
}

void plan_finance_render(jw *w, const plan_finance *f)
{
	jw_obj_begin(w);
	jw_key(w, "income");
	jw_arr_begin(w);
	for (size_t i = 0; i < f->nincome; i++) {
		const plan_income *line = &f->income[i];
		jw_obj_begin(w);
		jw_knum_text(w, "amount_eur", line->amount_eur);
		jw_kstr(w, "note", line->note);
		jw_kstr(w, "source", line->source);
		jw_kint(w, "year", line->year);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- snapshot */

static void render_snapshot_section(jw *w, const cycle_section *tpl, const plan_section_content *content)
{
	jw_obj_begin(w);
	jw_key(w, "actions");
	jw_arr_begin(w);
	for (size_t i = 0; i < tpl->nactions; i++)
		jw_str(w, tpl->actions[i]);
	jw_arr_end(w);
	jw_kstr(w, "area", tpl->area);
	render_indicators(w, content);
	jw_kstr(w, "key", tpl->key);
	render_parts(w, content);
	render_spending(w, content);
	jw_kstr(w, "status", plan_section_status_name(plan_section_status(tpl, content)));
	jw_kstr(w, "title", tpl->title);
	render_working_group(w, content);
	jw_obj_end(w);
}

size_t plan_approval_act_parse(field_errors *e, const char *prefix, const json_value *v, const char *today,
                               plan_approval_act *out)
{
	static const char *const allowed[] = {"number", "date", NULL};
	size_t before = field_errors_count(e);
	*out = (plan_approval_act){0};
	if (v == NULL || v->type != JSON_OBJECT) {
		field_errors_add(e, prefix, "deve essere un oggetto con number e date della delibera");
		return field_errors_count(e) - before;
	}
	v_only(e, prefix, v, allowed);
	const char *number = v_string(e, prefix, v, "number", 1, PLAN_ACT_NUMBER_MAX, true);
	if (number != NULL && blank(number))
		field_errors_add(e, v_path(e, prefix, "number"), "non può essere vuoto");
	else
		out->number = number;
	const char *date = v_time(e, prefix, v, "date", true, true);
	/* Both "YYYY-MM-DD": the text order is the calendar's. */
	if (date != NULL && strcmp(date, today) > 0)
		field_errors_add(e, v_path(e, prefix, "date"), "non può essere nel futuro");
	else
		out->date = date;
	size_t added = field_errors_count(e) - before;
	if (added > 0)
		*out = (plan_approval_act){0};
	return added;
}

static void render_act(jw *w, const plan_approval_act *act)
{
	if (act == NULL || act->number == NULL || act->date == NULL) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kstr(w, "date", act->date);
	jw_kstr(w, "number", act->number);
	jw_obj_end(w);
}

const char *plan_snapshot_build(arena *a, const plan_snapshot_input *in, size_t *len)
{
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "approval_act");
	render_act(w, in->act);
	jw_key(w, "cycle");
	jw_obj_begin(w);
	jw_kint(w, "end_year", in->cycle->end_year);
	jw_kstr(w, "slug", in->cycle->slug);
	jw_kint(w, "start_year", in->cycle->start_year);
	jw_kstr(w, "title", in->cycle->title);
	jw_obj_end(w);
	jw_key(w, "finance");
	plan_finance_render(w, in->finance);
	jw_kstr(w, "format", PLAN_SNAPSHOT_FORMAT);
	/* The thematic tables, as participation wrote them: written canonical. */
	jw_key(w, "groups");
	if (in->groups != NULL) {
		jw_canonical(w, in->groups);
	} else {
		jw_arr_begin(w);
		jw_arr_end(w);
	}
	jw_kbool(w, "late", in->late);
	jw_kstr(w, "note", in->note);
	jw_kint(w, "revision", in->revision);
	jw_key(w, "sections");
	jw_arr_begin(w);
	for (size_t i = 0; i < in->template->nsections; i++)
		render_snapshot_section(w, &in->template->sections[i], &in->sections[i]);
	jw_arr_end(w);
	jw_kstr(w, "submitted_at", cycle_time_rfc3339(a, in->submitted_at));
	jw_key(w, "submitted_by");
	jw_obj_begin(w);
	jw_kint(w, "id", in->submitted_by);
	jw_kstr(w, "name", in->submitted_by_name);
	jw_obj_end(w);
	jw_kint(w, "template_version", in->cycle->template_version);
	jw_key(w, "tenant");
	jw_obj_begin(w);
	jw_kstr(w, "name", in->tenant_name);
	jw_kstr(w, "slug", in->tenant_slug);
	jw_obj_end(w);
	jw_obj_end(w);
	return plan_json_take(a, w, len);
}
