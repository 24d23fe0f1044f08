/* Unit tests for tenants/plans/plan_model.c: a section body and the finance
 * checked against a template, catalogue and cycle written here by hand; each
 * broken rule must be reported at its field path, and nothing else. The
 * field errors need no request. Expected values are literals. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "check.h"
#include "tenants/plans/plans.h"

static cycle_part parts_a12[] = {
    {"analisi", "Analisi del contesto", true, 5},
    {"obiettivi", "Obiettivi", true, 100},
    {"note", "Note", false, 100},
};
static const char *blocks_a12[] = {"indicators", "spending"};
static const char *actions_a12[] = {"OS1-A6"};
static cycle_section sections[] = {
    {"A.1.2", "Servizio sociale professionale", "A", "B1", actions_a12, 1, parts_a12, 3, blocks_a12, 2},
    {"D.1", "Note finali", "D", NULL, NULL, 0, parts_a12 + 2, 1, NULL, 0},
};
static const cycle_template tpl = {sections, 2};
static cycle_item sources[] = {{"fnps", "Fondo nazionale politiche sociali"}, {"fna", "Fondo non autosufficienza"}};
static const cycle_catalog cat = {NULL, 0, NULL, 0, sources, 2};
static const cycle cyc = {.id = 1, .slug = "2021-2023", .start_year = 2021, .end_year = 2023};

typedef struct fx {
	arena *a;
	field_errors *e;
} fx;

static json_value *parse(arena *a, const char *text)
{
	json_value *v;
	char err[128];
	if (json_parse(a, text, strlen(text), &v, err, sizeof(err)) != JSON_OK) {
		printf("# test body does not parse: %s: %s\n", text, err);
		abort();
	}
	return v;
}

static bool has_field(const field_errors *e, const char *path)
{
	for (size_t i = 0; i < field_errors_kept(e); i++)
		if (strcmp(field_errors_field(e, i), path) == 0)
			return true;
	return false;
}

/* Checks that the errors name exactly the paths listed (NULL-terminated),
 * in any order. */
static void expect_fields(const field_errors *e, const char *const *want, const char *name)
{
	size_t n = 0;
	for (; want[n] != NULL; n++)
		CHECK(has_field(e, want[n]), "%s: error at %s", name, want[n]);
	CHECK(field_errors_count(e) == n, "%s: %zu errors (got %zu)", name, n, field_errors_count(e));
	if (field_errors_count(e) != n)
		for (size_t i = 0; i < field_errors_kept(e); i++)
			printf("#   %s: %s\n", field_errors_field(e, i), field_errors_message(e, i));
}

static void test_valid_section(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	/* Parts given out of template order; "note" blank, so dropped; five
	 * characters of ten bytes fit max_chars 5. */
	json_value *body =
	    parse(a, "{\"parts\":{\"obiettivi\":\"Ridurre le attese\",\"analisi\":\"\xc3\xa8\xc3\xa8\xc3\xa8"
	             "\xc3\xa8\xc3\xa8\",\"note\":\"  \\n\"},"
	             "\"indicators\":[{\"name\":\"Utenti presi in carico\",\"kind\":\"result\","
	             "\"unit\":\"persone\",\"baseline\":\"\",\"target\":\"120\"}],"
	             "\"spending\":[{\"service\":\"Segretariato\",\"year\":2021,\"amount_eur\":1500.5,"
	             "\"funding_source\":\"fnps\"},{\"service\":\"Assistenza domiciliare\",\"year\":2023,"
	             "\"amount_eur\":0.25,\"funding_source\":\"fna\"}],"
	             "\"key\":\"A.1.2\",\"status\":\"partial\"}");
	plan_section_content c;
	size_t n = plan_section_parse(e, NULL, body, &sections[0], &cyc, &cat, &c);
	CHECK(n == 0 && field_errors_count(e) == 0, "a valid section has no error");
	CHECK(c.nparts == 2, "the blank part is dropped");
	CHECK_STR(c.parts[0].key, "analisi", "parts come in template order");
	CHECK_STR(c.parts[1].key, "obiettivi", "then the second part");
	CHECK(c.nindicators == 1, "one indicator");
	CHECK_STR(c.indicators[0].kind, "result", "its kind");
	CHECK(c.indicators[0].baseline == NULL, "an empty baseline is none");
	CHECK_STR(c.indicators[0].target, "120", "its target");
	CHECK(c.nspending == 2, "two spending lines");
	CHECK_STR(c.spending[0].amount_eur, "1500.50", "amounts get two decimals");
	CHECK(c.spending[1].year == 2023, "the cycle's last year is in it");
	CHECK_STR(plan_section_spending_total(a, &c), "1500.75", "the spending total");
	CHECK(plan_section_status(&sections[0], &c) == SECTION_COMPLETE, "every required part filled: complete");
	c.nparts = 1;
	CHECK(plan_section_status(&sections[0], &c) == SECTION_PARTIAL, "one required part missing: partial");
	plan_section_content none = {0};
	CHECK(plan_section_status(&sections[0], &none) == SECTION_EMPTY, "nothing filled: empty");
	arena_free(a);
}

static void test_section_errors(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	json_value *body = parse(
	    a, "{\"parts\":{\"analisi\":\"\xc3\xa8\xc3\xa8\xc3\xa8\xc3\xa8\xc3\xa8\xc3\xa8\",\"valutazione\":\"x\","
	       "\"obiettivi\":7},"
	       "\"indicators\":[{\"kind\":\"result\"},{\"name\":\"Accessi\",\"kind\":\"output\"},\"x\","
	       "{\"name\":\" \",\"kind\":\"process\",\"colour\":\"red\"}],"
	       "\"spending\":[{\"service\":\"S\",\"year\":2020,\"amount_eur\":10,\"funding_source\":\"fnps\"},"
	       "{\"service\":\"S\",\"year\":2022,\"amount_eur\":10,\"funding_source\":\"regione\"},"
	       "{\"service\":\"S\",\"year\":2022,\"amount_eur\":-1,\"funding_source\":\"fnps\"},"
	       "{\"service\":\"S\",\"year\":2022,\"amount_eur\":1.005,\"funding_source\":\"fnps\"},"
	       "{\"year\":2024,\"amount_eur\":\"10\",\"funding_source\":\"fnps\"}],"
	       "\"owner\":\"me\"}");
	plan_section_content c;
	size_t n = plan_section_parse(e, "sections.A.1.2", body, &sections[0], &cyc, &cat, &c);
	static const char *const want[] = {"sections.A.1.2.owner",
	                                   "sections.A.1.2.parts.analisi", /* 6 characters over 5 */
	                                   "sections.A.1.2.parts.valutazione",
	                                   "sections.A.1.2.parts.obiettivi",
	                                   "sections.A.1.2.indicators[0].name",
	                                   "sections.A.1.2.indicators[1].kind",
	                                   "sections.A.1.2.indicators[2]",
	                                   "sections.A.1.2.indicators[3].colour",
	                                   "sections.A.1.2.indicators[3].name",
	                                   "sections.A.1.2.spending[0].year",
	                                   "sections.A.1.2.spending[1].funding_source",
	                                   "sections.A.1.2.spending[2].amount_eur",
	                                   "sections.A.1.2.spending[3].amount_eur",
	                                   "sections.A.1.2.spending[4].service",
	                                   "sections.A.1.2.spending[4].year",
	                                   "sections.A.1.2.spending[4].amount_eur",
	                                   NULL};
	expect_fields(e, want, "a section breaking every rule");
	CHECK(n == field_errors_count(e), "the parser returns the number of errors it added");
	arena_free(a);
}

static void test_blocks_of_the_template(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	json_value *body = parse(a, "{\"parts\":{\"note\":\"Fine\"},\"indicators\":[],"
	                            "\"spending\":[{\"service\":\"S\",\"year\":2022,\"amount_eur\":1,"
	                            "\"funding_source\":\"fnps\"}]}");
	plan_section_content c;
	plan_section_parse(e, NULL, body, &sections[1], &cyc, &cat, &c);
	static const char *const want[] = {"spending", NULL};
	expect_fields(e, want, "spending in a section without that block (an empty list is fine)");
	CHECK(c.nparts == 1 && c.nspending == 0, "the part is kept, the spending is not");
	arena_free(a);
}

static void test_finance(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	plan_finance f;
	json_value *body = parse(a, "{\"income\":[{\"source\":\"fnps\",\"year\":2021,\"amount_eur\":120000,"
	                            "\"note\":\"Riparto 2021\"},{\"source\":\"fna\",\"year\":2022,\"amount_eur\":99.9,"
	                            "\"note\":null}]}");
	CHECK(plan_finance_parse(e, NULL, body, &cyc, &cat, &f) == 0, "valid income lines have no error");
	CHECK(f.nincome == 2, "two income lines");
	CHECK_STR(f.income[0].amount_eur, "120000.00", "whole euros get two decimals");
	CHECK_STR(f.income[1].amount_eur, "99.90", "one decimal gets two");
	CHECK(f.income[1].note == NULL, "a null note is none");

	e = field_errors_new(a);
	body = parse(a, "{\"income\":[{\"source\":\"imu\",\"year\":2021,\"amount_eur\":1},"
	                "{\"source\":\"fnps\",\"year\":2030,\"amount_eur\":1},"
	                "{\"source\":\"fnps\",\"year\":2021,\"amount_eur\":1e3},"
	                "{\"source\":\"fnps\",\"year\":2021,\"amount_eur\":1,\"note\":\"a\\u0001b\",\"extra\":1}],"
	                "\"total\":5}");
	plan_finance_parse(e, "finance", body, &cyc, &cat, &f);
	static const char *const want[] = {"finance.total",
	                                   "finance.income[0].source",
	                                   "finance.income[1].year",
	                                   "finance.income[2].amount_eur",
	                                   "finance.income[3].extra",
	                                   "finance.income[3].note",
	                                   NULL};
	expect_fields(e, want, "income lines breaking the rules");

	e = field_errors_new(a);
	plan_finance_parse(e, NULL, parse(a, "{}"), &cyc, &cat, &f);
	static const char *const missing[] = {"income", NULL};
	expect_fields(e, missing, "income is required");
	arena_free(a);
}

/* A body with more bad lines than a list keeps: all are counted, the first
 * FIELD_ERRORS_MAX listed. */
static void test_many_errors(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	char *text = malloc(64 * 300 + 32);
	size_t len = (size_t)sprintf(text, "{\"income\":[");
	for (int i = 0; i < 300; i++)
		len +=
		    (size_t)sprintf(text + len, "%s{\"source\":\"fnps\",\"year\":1999,\"amount_eur\":1}", i ? "," : "");
	sprintf(text + len, "]}");
	plan_finance f;
	size_t n = plan_finance_parse(e, NULL, parse(a, text), &cyc, &cat, &f);
	CHECK(n == 300 && field_errors_count(e) == 300, "300 bad years are 300 errors");
	CHECK(field_errors_kept(e) == FIELD_ERRORS_MAX, "of which %d are listed", FIELD_ERRORS_MAX);
	CHECK_STR(field_errors_field(e, 0), "income[0].year", "the first listed is the first found");
	CHECK_STR(field_errors_field(e, FIELD_ERRORS_MAX - 1), "income[199].year", "the last listed");
	free(text);
	arena_free(a);
}

/* The approval act: both members, one line, a real date not after today. */
static void test_approval_act(void)
{
	static const struct {
		const char *body;
		const char *const fields[3];
	} cases[] = {
	    {"{\"number\":\"12/2021\",\"date\":\"2021-03-03\"}", {NULL}},
	    {"{\"number\":\"12\",\"date\":\"2021-06-15\"}", {NULL}}, /* today */
	    {"{\"number\":\"\",\"date\":\"2021-06-16\"}", {"approval_act.number", "approval_act.date", NULL}},
	    {"{\"number\":\" \",\"date\":\"2021-02-29\"}", {"approval_act.number", "approval_act.date", NULL}},
	    {"{\"number\":\"a\\nb\",\"date\":\"2020-02-29\"}", {"approval_act.number", NULL}},
	    {"{\"date\":\"2021-03-03\",\"x\":1}", {"approval_act.number", "approval_act.x", NULL}},
	    {"{\"number\":\"1\",\"date\":\"3/3/2021\"}", {"approval_act.date", NULL}},
	    {"[]", {"approval_act", NULL}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		arena *a = arena_new();
		field_errors *e = field_errors_new(a);
		plan_approval_act act;
		size_t n = plan_approval_act_parse(e, "approval_act", parse(a, cases[i].body), "2021-06-15", &act);
		expect_fields(e, cases[i].fields, cases[i].body);
		CHECK((n == 0) == (act.number != NULL && act.date != NULL), "%s: an act only when valid",
		      cases[i].body);
		arena_free(a);
	}
	char long_number[PLAN_ACT_NUMBER_MAX + 64];
	for (int len = PLAN_ACT_NUMBER_MAX; len <= PLAN_ACT_NUMBER_MAX + 1; len++) {
		arena *a = arena_new();
		field_errors *e = field_errors_new(a);
		plan_approval_act act;
		snprintf(long_number, sizeof(long_number), "{\"number\":\"%0*d\",\"date\":\"2021-01-01\"}", len, 7);
		size_t n = plan_approval_act_parse(e, "approval_act", parse(a, long_number), "2021-06-15", &act);
		CHECK(n == (len > PLAN_ACT_NUMBER_MAX), "a number of %d characters", len);
		arena_free(a);
	}
	/* The date in Italy: CET in winter, CEST from the last Sunday of March
	 * 01:00 UTC (2021-03-28). */
	static const struct {
		long long t;
		const char *want;
	} days[] = {
	    {1609455599LL, "2020-12-31"}, /* 2020-12-31 22:59:59 UTC = 23:59:59 CET */
	    {1609455600LL, "2021-01-01"}, /* 23:00:00 UTC = midnight CET */
	    {1624744799LL, "2021-06-26"}, /* 2021-06-26 21:59:59 UTC = 23:59:59 CEST */
	    {1624744800LL, "2021-06-27"}, /* 22:00 UTC = midnight CEST */
	};
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		char out[HTML_ISO_DATE_LEN + 1];
		html_date_in_italy(days[i].t, out);
		CHECK_STR(out, days[i].want, "the date in Italy at a given UTC time");
	}
}

int main(void)
{
	CHECK(cycle_template_section(&tpl, "D.1") == &sections[1], "the template's section by key");
	CHECK(cycle_template_section(&tpl, "D.2") == NULL, "no section by a key the template lacks");
	CHECK(cycle_template_section(&tpl, NULL) == NULL && cycle_template_section(NULL, "A.1.2") == NULL,
	      "no section without a key or a template");
	test_valid_section();
	test_section_errors();
	test_blocks_of_the_template();
	test_finance();
	test_many_errors();
	test_approval_act();
	return check_done();
}
