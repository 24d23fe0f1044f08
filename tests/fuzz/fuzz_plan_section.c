/* libFuzzer harness for tenants/plans/plan_model.c: any bytes as the body of
 * PUT …/sections/{key}, through json_parse and plan_section_parse against two
 * fixed template sections (one with indicators and spending, one with parts
 * only) of a fixed cycle. A refused body must give a 422 problem that is
 * valid JSON; an accepted one must respect the template's limits, and its
 * stored canonical JSON must read back, and be accepted again as a body, to
 * the same bytes and the same status. */
#include <string.h>

#include "base/utf8.h"
#include "fuzz.h"
#include "tenants/plans/plans.h"

/* The cycle the sections belong to: years 2021-2023, two funding sources. */
static const char fixture[] =
    "{\"format\":\"ambito-cycle/1\","
    "\"cycle\":{\"slug\":\"2021-2023\",\"title\":\"Ciclo di prova\",\"reference\":\"\",\"start_year\":2021,"
    "\"end_year\":2023,\"submission_deadline\":\"2022-06-30T23:59:59Z\",\"status\":\"open\"},"
    "\"catalog\":{\"objectives\":[{\"code\":\"OS1\",\"title\":\"Obiettivo\",\"actions\":["
    "{\"code\":\"OS1-A1\",\"title\":\"Azione uno\"},{\"code\":\"OS1-A2\",\"title\":\"Azione due\"}]}],"
    "\"areas\":[{\"code\":\"B1\",\"title\":\"Povertà\"}],"
    "\"funding_sources\":[{\"code\":\"fnps\",\"title\":\"Fondo "
    "nazionale\"},{\"code\":\"comuni\",\"title\":\"Comuni\"}]},"
    "\"norms\":[],\"glossary\":{\"terms\":[]},"
    "\"template\":{\"sections\":["
    "{\"key\":\"B.1\",\"title\":\"Servizi\",\"group\":\"B\",\"actions\":[\"OS1-A1\",\"OS1-A2\"],\"area\":\"B1\","
    "\"parts\":[{\"key\":\"analisi\",\"title\":\"Analisi\",\"required\":true,\"max_chars\":40},"
    "{\"key\":\"obiettivi\",\"title\":\"Obiettivi\",\"required\":false,\"max_chars\":12}],"
    "\"blocks\":[\"indicators\",\"spending\"]},"
    "{\"key\":\"I.1\",\"title\":\"Premessa\",\"group\":\"I\",\"actions\":[],\"area\":null,"
    "\"parts\":[{\"key\":\"premessa\",\"title\":\"Premessa\",\"required\":true,\"max_chars\":3000}],"
    "\"blocks\":[]}]}}";

static arena *fixture_arena;
static cycle_document doc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	http_req r = {.a = arena_new()};
	fixture_arena = r.a;
	json_value *root = NULL;
	char err[128] = "";
	FUZZ_CHECK(json_parse(r.a, fixture, strlen(fixture), &root, err, sizeof(err)) == JSON_OK, "fixture: %s", err);
	field_errors *e = http_errors_new(&r);
	FUZZ_CHECK(cycle_parse_document(e, root, &doc) == 0 && doc.template.nsections == 2, "fixture refused");
	return 0;
}

static void check_problem(http_req *r, field_errors *e)
{
	FUZZ_CHECK(http_errors_answer(r, e, 422, NULL), "no problem document for %zu errors", field_errors_count(e));
	json_value *v = NULL;
	char err[128] = "";
	FUZZ_CHECK(json_parse(r->a, r->resp_body, r->resp_len, &v, err, sizeof(err)) == JSON_OK,
	           "the problem document is not JSON (%s)", err);
	free(r->resp_body);
	r->resp_body = NULL;
	r->resp_len = r->resp_cap = 0;
}

/* The limits of the template hold in an accepted content. */
static void check_limits(const cycle_section *tpl, const plan_section_content *c)
{
	FUZZ_CHECK(c->nparts <= tpl->nparts, "%zu parts", c->nparts);
	for (size_t i = 0; i < c->nparts; i++) {
		const cycle_part *p = NULL;
		for (size_t k = 0; k < tpl->nparts && p == NULL; k++)
			if (strcmp(tpl->parts[k].key, c->parts[i].key) == 0)
				p = &tpl->parts[k];
		FUZZ_CHECK(p != NULL, "unknown part %s accepted", c->parts[i].key);
		size_t n = strlen(c->parts[i].text);
		FUZZ_CHECK(utf8_valid(c->parts[i].text, n), "part %s is not UTF-8", p->key);
		FUZZ_CHECK((long long)utf8_chars(c->parts[i].text, n) <= p->max_chars, "part %s over %lld characters",
		           p->key, p->max_chars);
	}
	FUZZ_CHECK(tpl->nblocks > 0 || (c->nindicators == 0 && c->nspending == 0), "blocks in a section without");
	FUZZ_CHECK(c->nindicators <= PLAN_MAX_INDICATORS && c->nspending <= PLAN_MAX_SPENDING, "too many lines");
	for (size_t i = 0; i < c->nspending; i++) {
		const plan_spending *s = &c->spending[i];
		FUZZ_CHECK(s->year >= doc.cycle.start_year && s->year <= doc.cycle.end_year, "year %lld", s->year);
		FUZZ_CHECK(s->amount_eur != NULL && s->amount_eur[0] != '-', "amount %s",
		           s->amount_eur ? s->amount_eur : "(null)");
		FUZZ_CHECK(strcmp(s->funding_source, "fnps") == 0 || strcmp(s->funding_source, "comuni") == 0,
		           "funding source %s", s->funding_source);
	}
}

static void one_section(http_req *r, const json_value *body, const cycle_section *tpl)
{
	field_errors *e = http_errors_new(r);
	plan_section_content c;
	if (plan_section_parse(e, NULL, body, tpl, &doc.cycle, &doc.catalog, &c) > 0) {
		check_problem(r, e);
		return;
	}
	check_limits(tpl, &c);
	section_status st = plan_section_status(tpl, &c);
	const char *stored = plan_section_content_json(r->a, &c);
	FUZZ_CHECK(stored != NULL, "accepted content does not render");
	FUZZ_CHECK(plan_section_spending_total(r->a, &c) != NULL, "no spending total");

	/* Read back from storage: the same bytes and status. */
	json_value *v = NULL;
	char err[128] = "";
	FUZZ_CHECK(json_parse(r->a, stored, strlen(stored), &v, err, sizeof(err)) == JSON_OK, "stored JSON: %s", err);
	plan_section_content back;
	FUZZ_CHECK(plan_section_content_read(r->a, v, &back), "stored content does not read back");
	const char *again = plan_section_content_json(r->a, &back);
	FUZZ_CHECK(again != NULL && strcmp(stored, again) == 0, "stored, read, stored differ:\n%s\n%s", stored,
	           again ? again : "(null)");
	FUZZ_CHECK(plan_section_status(tpl, &back) == st, "status changes on reading back");

	/* Sent back as a body (a client that PUTs what it read): accepted, same. */
	field_errors *e2 = http_errors_new(r);
	plan_section_content c2;
	if (plan_section_parse(e2, NULL, v, tpl, &doc.cycle, &doc.catalog, &c2) > 0) {
		check_problem(r, e2);
		FUZZ_CHECK(false, "stored content refused as a body: %s", stored);
	}
	const char *resent = plan_section_content_json(r->a, &c2);
	FUZZ_CHECK(resent != NULL && strcmp(stored, resent) == 0, "stored, sent, stored differ:\n%s\n%s", stored,
	           resent ? resent : "(null)");
	FUZZ_CHECK(plan_section_status(tpl, &c2) == st, "status changes when sent back");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	http_req r = {.a = arena_new()};
	json_value *body = NULL;
	char err[128] = "";
	if (json_parse(r.a, (const char *)data, size, &body, err, sizeof(err)) == JSON_OK)
		for (size_t i = 0; i < doc.template.nsections; i++)
			one_section(&r, body, &doc.template.sections[i]);
	free(r.resp_body);
	arena_free(r.a);
	return 0;
}
