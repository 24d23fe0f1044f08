/* The monitoring model (see monitoring.h): what the approved revision asks
 * to measure, the checks of an entry, progress, and the canonical report.
 * No HTTP, no SQL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "http/validate.h"
#include "tenants/plans/monitoring.h"

const char *monitoring_decision_name(monitoring_decision d)
{
	return d == MONITORING_ACCEPT ? "accept" : "request_changes";
}

int monitoring_decision_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "accept") == 0)
		return MONITORING_ACCEPT;
	if (strcmp(s, "request_changes") == 0)
		return MONITORING_REQUEST_CHANGES;
	return -1;
}

static bool has_block(const cycle_section *s, const char *block)
{
	for (size_t i = 0; i < s->nblocks; i++)
		if (strcmp(s->blocks[i], block) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- the plan */

static monitoring_planned *find_planned(monitoring_planned *list, size_t n, const char *section, const char *source)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].section, section) == 0 && strcmp(list[i].source, source) == 0)
			return &list[i];
	return NULL;
}

void monitoring_plan_build(arena *a, const cycle_template *t, const plan_section_content *contents, long long year,
                           monitoring_plan *out)
{
	size_t ni = 0, ns = 0;
	for (size_t i = 0; i < t->nsections; i++) {
		ni += contents[i].nindicators;
		ns += contents[i].nspending;
	}
	*out = (monitoring_plan){0};
	out->indicators = arena_calloc(a, ni + 1, sizeof(*out->indicators));
	out->planned = arena_calloc(a, ns + 1, sizeof(*out->planned));
	for (size_t i = 0; i < t->nsections; i++) {
		const plan_section_content *c = &contents[i];
		const char *key = t->sections[i].key;
		for (size_t k = 0; k < c->nindicators; k++)
			out->indicators[out->nindicators++] = (monitoring_indicator){
			    plan_indicator_key(a, key, &c->indicators[k], k), key, &c->indicators[k]};
		for (size_t k = 0; k < c->nspending; k++) {
			const plan_spending *s = &c->spending[k];
			int64_t cents;
			if (s->year != year || s->funding_source == NULL ||
			    money_parse(s->amount_eur, &cents) != MONEY_OK)
				continue;
			monitoring_planned *p = find_planned(out->planned, out->nplanned, key, s->funding_source);
			if (p == NULL) {
				p = &out->planned[out->nplanned++];
				*p = (monitoring_planned){key, s->funding_source, 0};
			}
			/* A section's spending total was bounded when it was saved. */
			money_add(&p->cents, cents);
		}
	}
}

/* ---------------------------------------------------------------- numbers */

const char *monitoring_number(const char *text, bool is_num)
{
	if (text == NULL)
		return NULL;
	if (is_num || plan_decimal_text(text))
		return text;
	return NULL;
}

const char *monitoring_progress(arena *a, const char *baseline, const char *target, const char *value)
{
	if (baseline == NULL || target == NULL || value == NULL)
		return NULL;
	/* Plain decimals of at most PLAN_INDICATOR_NUMBER_MAX characters:
	 * long double carries 18 significant digits, and a percentage is shown
	 * with two decimals. target == baseline is compared as numbers. */
	long double b = strtold(baseline, NULL), t = strtold(target, NULL), v = strtold(value, NULL);
	long double span = t - b;
	if (span == 0.0L || !isfinite(span))
		return NULL;
	long double p = (v - b) / span * 100.0L;
	if (!isfinite(p))
		return NULL;
	if (p > -0.005L && p < 0.005L)
		p = 0.0L; /* never "-0.00"; printf rounds the rest to two decimals */
	return arena_printf(a, "%.2Lf", p);
}

/* ---------------------------------------------------------------- parsing */

static const monitoring_indicator *find_indicator(const monitoring_plan *mp, const char *id)
{
	for (size_t i = 0; i < mp->nindicators; i++)
		if (strcmp(mp->indicators[i].id, id) == 0)
			return &mp->indicators[i];
	return NULL;
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static void parse_values(field_errors *e, const json_value *body, const monitoring_plan *mp, monitoring_entry *out)
{
	static const char *const allowed[] = {"id",   "value",    "note",   "section",  "name", "kind",
	                                      "unit", "baseline", "target", "progress", NULL};
	arena *a = field_errors_arena(e);
	const json_value *list = v_array(e, NULL, body, "indicators", PLAN_MAX_INDICATORS * 64, false);
	if (list == NULL)
		return;
	out->values = arena_calloc(a, list->u.array.n + 1, sizeof(*out->values));
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *ip = v_index(e, NULL, "indicators", i);
		const json_value *iv = list->u.array.items[i];
		if (!json_is(iv, JSON_OBJECT)) {
			field_errors_add(e, ip, "deve essere un oggetto");
			continue;
		}
		v_only(e, ip, iv, allowed);
		monitoring_value val = {0};
		val.id = v_string(e, ip, iv, "id", 1, PLAN_INDICATOR_ID_MAX, true);
		if (val.id != NULL && find_indicator(mp, val.id) == NULL) {
			field_errors_add(e, v_path(e, ip, "id"), "il piano approvato non ha l'indicatore «%s»", val.id);
			val.id = NULL;
		}
		for (size_t j = 0; val.id != NULL && j < out->nvalues; j++)
			if (strcmp(out->values[j].id, val.id) == 0) {
				field_errors_add(e, v_path(e, ip, "id"), "l'indicatore «%s» compare due volte", val.id);
				val.id = NULL;
			}
		const json_value *v = json_get(iv, "value");
		if (json_is(v, JSON_NUMBER)) {
			if (plan_decimal_text(v->u.number.text)) {
				val.value = v->u.number.text;
				val.value_num = true;
			} else
				field_errors_add(
				    e, v_path(e, ip, "value"),
				    "un numero decimale senza esponente, al massimo %d caratteri (es. 1234.5)",
				    PLAN_INDICATOR_NUMBER_MAX);
		} else if (v != NULL && v->type != JSON_NULL) {
			val.value = v_string(e, ip, iv, "value", 0, PLAN_INDICATOR_FIELD_MAX, false);
			if (blank(val.value))
				val.value = NULL;
		}
		const json_value *note = json_get(iv, "note");
		if (note != NULL && note->type != JSON_NULL) {
			val.note = v_text(e, ip, iv, "note", MONITORING_NOTE_MAX, false);
			if (blank(val.note))
				val.note = NULL;
		}
		if (val.id != NULL && (val.value != NULL || val.note != NULL))
			out->values[out->nvalues++] = val;
	}
}

static bool has_source(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nfunding_sources; i++)
		if (cat->funding_sources[i].code != NULL && strcmp(cat->funding_sources[i].code, code) == 0)
			return true;
	return false;
}

static void parse_spending(field_errors *e, const json_value *body, const cycle_template *t, const cycle_catalog *cat,
                           monitoring_entry *out)
{
	static const char *const allowed[] = {"section", "source", "amount_eur", "planned_eur", NULL};
	arena *a = field_errors_arena(e);
	const json_value *list = v_array(e, NULL, body, "spending", MONITORING_MAX_SPENDING, false);
	if (list == NULL)
		return;
	out->spending = arena_calloc(a, list->u.array.n + 1, sizeof(*out->spending));
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *sp = v_index(e, NULL, "spending", i);
		const json_value *sv = list->u.array.items[i];
		if (!json_is(sv, JSON_OBJECT)) {
			field_errors_add(e, sp, "deve essere un oggetto");
			continue;
		}
		v_only(e, sp, sv, allowed);
		monitoring_spending s = {0};
		s.section = v_string(e, sp, sv, "section", 1, 16, true);
		const cycle_section *sec = s.section != NULL ? cycle_template_section(t, s.section) : NULL;
		if (s.section != NULL && (sec == NULL || !has_block(sec, "spending"))) {
			field_errors_add(e, v_path(e, sp, "section"), "lo schema non ha una sezione «%s» con la spesa",
			                 s.section);
			s.section = NULL;
		}
		s.source = v_string(e, sp, sv, "source", 1, 32, true);
		if (s.source != NULL && !has_source(cat, s.source)) {
			field_errors_add(e, v_path(e, sp, "source"), "non è una fonte di finanziamento del catalogo");
			s.source = NULL;
		}
		const json_value *amount = json_get(sv, "amount_eur");
		if (amount == NULL || amount->type == JSON_NULL)
			continue; /* a planned line nobody has reported yet, as GET shows it */
		const char *text = v_money(e, sp, sv, "amount_eur", true);
		s.amount_eur = text != NULL ? plan_money_text(a, text) : NULL;
		if (s.section == NULL || s.source == NULL || s.amount_eur == NULL)
			continue;
		bool dup = false;
		for (size_t j = 0; j < out->nspending && !dup; j++)
			dup = strcmp(out->spending[j].section, s.section) == 0 &&
			      strcmp(out->spending[j].source, s.source) == 0;
		if (dup) {
			field_errors_add(e, sp, "la sezione %s e la fonte %s compaiono due volte", s.section, s.source);
			continue;
		}
		out->spending[out->nspending++] = s;
	}
}

size_t monitoring_entry_parse(field_errors *e, const json_value *body, const monitoring_plan *mp,
                              const cycle_template *t, const cycle_catalog *cat, monitoring_entry *out)
{
	static const char *const allowed[] = {"indicators", "spending",      "tenant",  "cycle",   "year",
	                                      "status",     "plan_revision", "version", "reports", NULL};
	size_t before = field_errors_count(e);
	*out = (monitoring_entry){0};
	v_only(e, NULL, body, allowed);
	parse_values(e, body, mp, out);
	parse_spending(e, body, t, cat, out);
	return field_errors_count(e) - before;
}

/* ---------------------------------------------------------------- stored */

void monitoring_entry_read(arena *a, const char *text, monitoring_entry *out)
{
	*out = (monitoring_entry){0};
	json_value *doc;
	char err[80];
	if (text == NULL || json_parse(a, text, strlen(text), &doc, err, sizeof(err)) != JSON_OK)
		return;
	const json_value *list = json_get(doc, "indicators");
	if (json_is(list, JSON_ARRAY)) {
		out->values = arena_calloc(a, list->u.array.n + 1, sizeof(*out->values));
		for (size_t i = 0; i < list->u.array.n; i++) {
			const json_value *iv = list->u.array.items[i];
			if (json_get_str(iv, "id") == NULL)
				continue;
			monitoring_value *mv = &out->values[out->nvalues++];
			*mv = (monitoring_value){.id = json_get_str(iv, "id"), .note = json_get_str(iv, "note")};
			mv->value = plan_json_value_text(iv, "value", &mv->value_num);
		}
	}
	list = json_get(doc, "spending");
	if (json_is(list, JSON_ARRAY)) {
		out->spending = arena_calloc(a, list->u.array.n + 1, sizeof(*out->spending));
		for (size_t i = 0; i < list->u.array.n; i++) {
			const json_value *sv = list->u.array.items[i], *amount = json_get(sv, "amount_eur");
			const char *amt =
			    json_is(amount, JSON_NUMBER) ? plan_money_text(a, amount->u.number.text) : NULL;
			if (amt == NULL || json_get_str(sv, "section") == NULL || json_get_str(sv, "source") == NULL)
				continue;
			out->spending[out->nspending++] =
			    (monitoring_spending){json_get_str(sv, "section"), json_get_str(sv, "source"), amt};
		}
	}
}

const char *monitoring_entry_json(arena *a, const monitoring_entry *entry)
{
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_key(w, "indicators");
	jw_arr_begin(w);
	for (size_t i = 0; i < entry->nvalues; i++) {
		const monitoring_value *v = &entry->values[i];
		jw_obj_begin(w);
		jw_kstr(w, "id", v->id);
		jw_kstr(w, "note", v->note);
		plan_json_value_write(w, "value", v->value, v->value_num);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "spending");
	jw_arr_begin(w);
	for (size_t i = 0; i < entry->nspending; i++) {
		const monitoring_spending *s = &entry->spending[i];
		jw_obj_begin(w);
		jw_knum_text(w, "amount_eur", s->amount_eur);
		jw_kstr(w, "section", s->section);
		jw_kstr(w, "source", s->source);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return plan_json_take(a, w, NULL);
}

/* ---------------------------------------------------------------- rendering
 */

static const monitoring_value *find_value(const monitoring_entry *entry, const char *id)
{
	for (size_t i = 0; i < entry->nvalues; i++)
		if (strcmp(entry->values[i].id, id) == 0)
			return &entry->values[i];
	return NULL;
}

static const monitoring_spending *find_spent(const monitoring_entry *entry, const char *section, const char *source)
{
	for (size_t i = 0; i < entry->nspending; i++)
		if (strcmp(entry->spending[i].section, section) == 0 && strcmp(entry->spending[i].source, source) == 0)
			return &entry->spending[i];
	return NULL;
}

/* A baseline or target written as a number when it reads as one. */
static void number_or_text(jw *w, const char *key, const char *text, bool is_num)
{
	plan_json_value_write(w, key, text, monitoring_number(text, is_num) != NULL);
}

static void render_spending_line(jw *w, arena *a, const char *section, const char *source, const char *amount,
                                 const monitoring_planned *planned)
{
	jw_obj_begin(w);
	jw_knum_text(w, "amount_eur", amount);
	jw_knum_text(w, "planned_eur", money_text(a, planned != NULL ? planned->cents : 0));
	jw_kstr(w, "section", section);
	jw_kstr(w, "source", source);
	jw_obj_end(w);
}

static void render_indicators(jw *w, arena *a, const monitoring_plan *mp, const monitoring_entry *entry)
{
	jw_key(w, "indicators");
	jw_arr_begin(w);
	for (size_t i = 0; i < mp->nindicators; i++) {
		const monitoring_indicator *mi = &mp->indicators[i];
		const plan_indicator *ind = mi->ind;
		const monitoring_value *v = find_value(entry, mi->id);
		const char *value = v != NULL ? v->value : NULL;
		bool value_num = v != NULL && v->value_num;
		jw_obj_begin(w);
		number_or_text(w, "baseline", ind->baseline, ind->baseline_num);
		jw_kstr(w, "id", mi->id);
		jw_kstr(w, "kind", ind->kind);
		jw_kstr(w, "name", ind->name);
		jw_kstr(w, "note", v != NULL ? v->note : NULL);
		const char *progress = monitoring_progress(a, monitoring_number(ind->baseline, ind->baseline_num),
		                                           monitoring_number(ind->target, ind->target_num),
		                                           monitoring_number(value, value_num));
		if (progress != NULL)
			jw_knum_text(w, "progress", progress);
		else
			jw_knull(w, "progress");
		jw_kstr(w, "section", mi->section);
		number_or_text(w, "target", ind->target, ind->target_num);
		jw_kstr(w, "unit", ind->unit);
		number_or_text(w, "value", value, value_num);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Every planned line, then the lines spent without a plan for them. */
static void render_spending(jw *w, arena *a, const monitoring_plan *mp, const monitoring_entry *entry)
{
	jw_key(w, "spending");
	jw_arr_begin(w);
	for (size_t i = 0; i < mp->nplanned; i++) {
		const monitoring_planned *p = &mp->planned[i];
		const monitoring_spending *s = find_spent(entry, p->section, p->source);
		render_spending_line(w, a, p->section, p->source, s != NULL ? s->amount_eur : NULL, p);
	}
	for (size_t i = 0; i < entry->nspending; i++) {
		const monitoring_spending *s = &entry->spending[i];
		bool planned = false;
		for (size_t k = 0; k < mp->nplanned && !planned; k++)
			planned = strcmp(mp->planned[k].section, s->section) == 0 &&
			          strcmp(mp->planned[k].source, s->source) == 0;
		if (!planned)
			render_spending_line(w, a, s->section, s->source, s->amount_eur, NULL);
	}
	jw_arr_end(w);
}

void monitoring_render_lines(jw *w, arena *a, const monitoring_plan *mp, const monitoring_entry *entry)
{
	render_indicators(w, a, mp, entry);
	render_spending(w, a, mp, entry);
}

const char *monitoring_report_build(arena *a, const monitoring_report_input *in, size_t *len)
{
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	jw_kstr(w, "cycle", in->cycle_slug);
	jw_kstr(w, "format", MONITORING_REPORT_FORMAT);
	render_indicators(w, a, in->plan, in->entry);
	jw_kstr(w, "note", in->note);
	jw_kint(w, "number", in->number);
	jw_kint(w, "plan_revision", in->plan_revision);
	render_spending(w, a, in->plan, in->entry);
	jw_kstr(w, "submitted_at", cycle_time_rfc3339(a, in->submitted_at));
	jw_key(w, "submitted_by");
	jw_obj_begin(w);
	jw_kint(w, "id", in->submitted_by);
	jw_kstr(w, "name", in->submitted_by_name);
	jw_obj_end(w);
	jw_key(w, "tenant");
	jw_obj_begin(w);
	jw_kstr(w, "name", in->tenant_name);
	jw_kstr(w, "slug", in->tenant_slug);
	jw_obj_end(w);
	jw_kint(w, "year", in->year);
	jw_obj_end(w);
	return plan_json_take(a, w, len);
}
