/* Unit tests for core/cycles/cycle_model.c: a whole "ambito-cycle/1"
 * document and its parts written here by hand, valid and broken; each
 * broken rule must be reported at its field path (the file's paths), and
 * nothing else. The field errors need no request. Expected values are
 * literals. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cycles/cycles.h"

static json_value *parse(arena *a, const char *text)
{
	json_value *v;
	char err[128];
	if (json_parse(a, text, strlen(text), &v, err, sizeof(err)) != JSON_OK) {
		printf("# test document does not parse: %s\n", err);
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

/* The errors name exactly the paths listed (NULL-terminated), any order. */
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

#define CYCLE_OK                                                                                                       \
	"{\"slug\":\"2021-2023\",\"title\":\"Piano sociale 2021-2023\",\"reference\":\"DGR 1/2021\","                  \
	"\"start_year\":2021,\"end_year\":2023,\"submission_deadline\":\"2021-06-30T23:59:59Z\",\"status\":\"open\"}"
#define CATALOG_OK                                                                                                     \
	"{\"objectives\":[{\"code\":\"OS1\",\"title\":\"Rafforzare i servizi\",\"actions\":["                          \
	"{\"code\":\"OS1-A1\",\"title\":\"Segretariato sociale\"},{\"code\":\"OS1-A6\",\"title\":\"Servizio "          \
	"sociale\"}]}],"                                                                                               \
	"\"areas\":[{\"code\":\"B1\",\"title\":\"Area povert\xc3\xa0\"}],"                                             \
	"\"funding_sources\":[{\"code\":\"fnps\",\"title\":\"Fondo nazionale politiche sociali\"}]}"
#define TEMPLATE_OK                                                                                                    \
	"{\"sections\":[{\"key\":\"A.1.2\",\"title\":\"Servizio sociale professionale\",\"group\":\"A\","              \
	"\"actions\":[\"OS1-A6\",\"OS1-A1\"],\"area\":\"B1\",\"parts\":[{\"key\":\"analisi\",\"title\":\"Analisi\","   \
	"\"required\":true,\"max_chars\":2000},{\"key\":\"note\",\"title\":\"Note\",\"required\":false,"               \
	"\"max_chars\":500}],\"blocks\":[\"indicators\",\"spending\"]},"                                               \
	"{\"key\":\"D.1\",\"title\":\"Note finali\",\"group\":\"D\",\"actions\":[],\"area\":null,"                     \
	"\"parts\":[{\"key\":\"testo\",\"title\":\"Testo\",\"required\":false,\"max_chars\":100}],\"blocks\":[]}]}"

static void test_valid_document(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	cycle_document doc;
	json_value *root = parse(a, "{\"format\":\"ambito-cycle/1\",\"cycle\":" CYCLE_OK ",\"catalog\":" CATALOG_OK
	                            ",\"norms\":[{\"level\":\"national\",\"title\":\"Legge 328/2000\","
	                            "\"citation\":\"L. 8 novembre 2000, n. 328\",\"date\":\"2000-11-08\","
	                            "\"url\":\"https://www.normattiva.it/\"}],"
	                            "\"glossary\":{\"terms\":[{\"term\":\"ATS\",\"definition\":\"Ambito Territoriale "
	                            "Sociale\"}]},\"template\":" TEMPLATE_OK "}");
	CHECK(cycle_parse_document(e, root, &doc) == 0 && field_errors_count(e) == 0, "a valid document has no error");
	CHECK_STR(doc.cycle.slug, "2021-2023", "the cycle's slug");
	CHECK(doc.cycle.status == CYCLE_OPEN && doc.cycle.start_year == 2021 && doc.cycle.end_year == 2023,
	      "its status and years");
	CHECK_STR(doc.cycle.deadline, "2021-06-30 23:59:59", "the deadline as DATETIME text");
	CHECK(doc.catalog.nobjectives == 1 && doc.catalog.objectives[0].nactions == 2, "one objective, two actions");
	CHECK(doc.nnorms == 1 && doc.glossary.nterms == 1, "one norm, one term");
	CHECK(doc.template.nsections == 2, "two sections");
	const cycle_section *s = cycle_template_section(&doc.template, "A.1.2");
	CHECK(s == &doc.template.sections[0], "found by key");
	CHECK(s != NULL && s->nactions == 2 && strcmp(s->actions[1], "OS1-A1") == 0, "its actions in file order");
	CHECK(s != NULL && s->nparts == 2 && s->parts[0].required && s->parts[0].max_chars == 2000, "its parts");
	CHECK(doc.template.sections[1].area == NULL, "a null area is none");
	CHECK(field_errors_count(e) == 0 && cycle_check_orphans(e, "catalog", &doc.catalog, &doc.template) == 0,
	      "the template names only what the catalogue has");
	arena_free(a);
}

static void test_broken_document(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	cycle_document doc;
	json_value *root =
	    parse(a, "{\"format\":\"ambito-cycle/2\",\"extra\":true,"
	             "\"cycle\":{\"slug\":\"Piano 2021\",\"title\":\" \",\"reference\":\"\",\"start_year\":2021,"
	             "\"end_year\":2023,\"status\":\"archived\"},"
	             "\"catalog\":{\"objectives\":[{\"code\":\"OS1\",\"title\":\"T\",\"actions\":[{\"code\":\"OS2-A1\","
	             "\"title\":\"T\"},{\"code\":\"A6\",\"title\":\"T\"}]}],"
	             "\"areas\":[{\"code\":\"B1\",\"title\":\"T\"},{\"code\":\"B1\",\"title\":\"U\"}],"
	             "\"funding_sources\":[{\"code\":\"FNPS\",\"title\":\"T\"}]},"
	             "\"norms\":[{\"level\":\"europea\",\"title\":\"T\",\"citation\":\"C\",\"url\":\"ftp://x\"}],"
	             "\"glossary\":{\"terms\":[{\"term\":\"ATS\",\"definition\":\"D\"},{\"term\":\"ATS\","
	             "\"definition\":\"E\"}]},"
	             "\"template\":{\"sections\":[{\"key\":\"a.1\",\"title\":\"T\",\"group\":\"A\",\"actions\":[],"
	             "\"area\":null,\"parts\":[],\"blocks\":[]},"
	             "{\"key\":\"B.2\",\"title\":\"T\",\"group\":\"C\",\"actions\":[\"OS9-A1\"],\"area\":\"B9\","
	             "\"parts\":[{\"key\":\"Analisi\",\"title\":\"T\",\"required\":true,\"max_chars\":10},"
	             "{\"key\":\"testo\",\"title\":\"T\",\"required\":\"si\",\"max_chars\":0}],"
	             "\"blocks\":[\"video\"]}]}}");
	cycle_parse_document(e, root, &doc);
	static const char *const want[] = {"extra",
	                                   "format",
	                                   "cycle.slug",
	                                   "cycle.title",
	                                   "cycle.submission_deadline",
	                                   "cycle.status",
	                                   "catalog.objectives[0].actions[0].code",
	                                   "catalog.objectives[0].actions[1].code",
	                                   "catalog.areas[1].code",
	                                   "catalog.funding_sources[0].code",
	                                   "norms[0].level",
	                                   "norms[0].url",
	                                   "glossary.terms[1].term",
	                                   "template.sections[0].key",
	                                   "template.sections[1].group",
	                                   "template.sections[1].actions[0]",
	                                   "template.sections[1].area",
	                                   "template.sections[1].parts[0].key",
	                                   "template.sections[1].parts[1].required",
	                                   "template.sections[1].parts[1].max_chars",
	                                   "template.sections[1].blocks[0]",
	                                   NULL};
	expect_fields(e, want, "a document breaking every rule");

	e = field_errors_new(a);
	CHECK(cycle_parse_document(e, parse(a, "[1]"), &doc) == 1, "a document must be an object");
	CHECK_STR(field_errors_kept(e) ? field_errors_field(e, 0) : NULL, "(file)", "named as the file");
	arena_free(a);
}

static void test_cycle_fields(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	cycle c;
	cycle_parse_fields(e, NULL, parse(a, CYCLE_OK), CYCLE_FIELDS_CREATE, &c, NULL);
	static const char *const created_open[] = {"status", NULL};
	expect_fields(e, created_open, "a new cycle cannot be open");

	e = field_errors_new(a);
	cycle_parse_fields(e, NULL, parse(a, "{\"slug\":\"x\",\"title\":\"T\",\"start_year\":2023,\"end_year\":2021}"),
	                   CYCLE_FIELDS_CREATE, &c, NULL);
	static const char *const backwards[] = {"end_year", NULL};
	expect_fields(e, backwards, "end_year before start_year");

	e = field_errors_new(a);
	cycle_parse_fields(e, "cycle",
	                   parse(a, "{\"slug\":\"x\",\"title\":\"T\",\"start_year\":2021,\"end_year\":2023,"
	                            "\"submission_deadline\":\"2019-12-31\"}"),
	                   CYCLE_FIELDS_CREATE, &c, NULL);
	static const char *const early[] = {"cycle.submission_deadline", NULL};
	expect_fields(e, early, "a deadline two years before the cycle (and not a time)");

	e = field_errors_new(a);
	cycle_parse_fields(e, NULL,
	                   parse(a, "{\"slug\":\"x\",\"title\":\"T\",\"start_year\":2021,\"end_year\":2023,"
	                            "\"submission_deadline\":\"2019-12-31T10:00:00Z\"}"),
	                   CYCLE_FIELDS_CREATE, &c, NULL);
	static const char *const before[] = {"submission_deadline", NULL};
	expect_fields(e, before, "a deadline two years before the cycle");

	/* A PATCH keeps the current values of the fields it does not carry. */
	e = field_errors_new(a);
	cycle cur = {.slug = "2021-2023", .title = "Vecchio", .reference = "", .start_year = 2021, .end_year = 2023};
	unsigned present = 0;
	CHECK(cycle_parse_fields(e, NULL, parse(a, "{\"title\":\"Nuovo\",\"template_version\":3}"), CYCLE_FIELDS_PATCH,
	                         &cur, &present) == 0,
	      "a PATCH of the title alone, with a read-only member sent back");
	CHECK(present == CYCLE_F_TITLE, "only the title is present");
	CHECK_STR(cur.title, "Nuovo", "the new title");
	CHECK(cur.start_year == 2021 && strcmp(cur.slug, "2021-2023") == 0, "the rest is kept");
	arena_free(a);
}

static void test_orphans(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	cycle_catalog full, cut;
	cycle_template tpl;
	cycle_parse_catalog(e, "catalog", parse(a, CATALOG_OK), &full);
	cycle_parse_template(e, "template", parse(a, TEMPLATE_OK), &full, &tpl);
	cycle_parse_catalog(e, "catalog",
	                    parse(a, "{\"objectives\":[{\"code\":\"OS1\",\"title\":\"T\",\"actions\":["
	                             "{\"code\":\"OS1-A1\",\"title\":\"T\"}]}],\"areas\":[],\"funding_sources\":[]}"),
	                    &cut);
	CHECK(field_errors_count(e) == 0, "the catalogues and the template parse");
	CHECK(cycle_check_orphans(e, "catalog", &cut, &tpl) == 2, "dropping OS1-A6 and B1 is refused twice");
	static const char *const want[] = {"catalog.objectives", "catalog.areas", NULL};
	expect_fields(e, want, "the orphans are named on the catalogue's lists");

	/* The template checked against the cut catalogue names its own paths. */
	e = field_errors_new(a);
	cycle_parse_template(e, NULL, parse(a, TEMPLATE_OK), &cut, &tpl);
	static const char *const unknown[] = {"sections[0].actions[0]", "sections[0].area", NULL};
	expect_fields(e, unknown, "a template naming what the catalogue lacks");
	arena_free(a);
}

/* A template with groups: sections name the innermost; parents must exist
 * and not loop, whatever the loop's length. */
#define GROUPED(g1, g2, g3, sgroup)                                                                                    \
	"{\"groups\":[{\"key\":\"A\",\"title\":\"Obiettivo A\",\"parent\":" g1 "},"                                    \
	"{\"key\":\"A.1\",\"title\":\"1. Identit\xc3\xa0\",\"parent\":" g2 "},"                                        \
	"{\"key\":\"A.2\",\"title\":\"2. Programmazione\",\"parent\":" g3 "}],"                                        \
	"\"sections\":[{\"key\":\"A.1.2\",\"title\":\"Confini\",\"group\":" sgroup ",\"actions\":[],\"area\":null,"    \
	"\"parts\":[{\"key\":\"analisi\",\"title\":\"Analisi\",\"required\":true,\"max_chars\":100,"                   \
	"\"guidance\":\"Massimo una pagina.\"}],\"blocks\":[]}]}"

static void test_groups(void)
{
	arena *a = arena_new();
	field_errors *e = field_errors_new(a);
	cycle_catalog cat;
	cycle_template tpl;
	cycle_parse_catalog(e, "catalog", parse(a, CATALOG_OK), &cat);
	cycle_parse_template(e, "template", parse(a, GROUPED("null", "\"A\"", "\"A\"", "\"A.1\"")), &cat, &tpl);
	CHECK(field_errors_count(e) == 0, "a grouped template parses");
	CHECK(tpl.ngroups == 3 && strcmp(tpl.groups[1].parent, "A") == 0 && tpl.groups[0].parent == NULL,
	      "the groups and their parents are read");
	CHECK(cycle_template_group(&tpl, "A.1") == &tpl.groups[1], "a group is found by its key");
	CHECK(cycle_template_group(&tpl, "A.3") == NULL, "an unknown key finds no group");
	CHECK(strcmp(tpl.sections[0].parts[0].guidance, "Massimo una pagina.") == 0, "the guidance is read");

	static const struct {
		const char *doc, *what;
		const char *const want[3];
	} cases[] = {
	    {GROUPED("null", "\"Z\"", "\"A\"", "\"A.1\""), "an unknown parent", {"template.groups[1].parent"}},
	    {GROUPED("null", "\"A\"", "\"A\"", "\"A.9\""),
	     "a section in an unknown group",
	     {"template.sections[0].group"}},
	    {GROUPED("\"A\"", "\"A\"", "\"A\"", "\"A.1\""),
	     "a group its own parent",
	     /* A loops on itself; A.1 and A.2 climb into that loop. */
	     {"template.groups[0].parent", "template.groups[1].parent", "template.groups[2].parent"}},
	    {GROUPED("null", "\"A.2\"", "\"A.1\"", "\"A.1\""),
	     "a loop of two",
	     {"template.groups[1].parent", "template.groups[2].parent"}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = field_errors_new(a);
		cycle_parse_template(e, "template", parse(a, cases[i].doc), &cat, &tpl);
		const char *want[4] = {cases[i].want[0], cases[i].want[1], cases[i].want[2], NULL};
		expect_fields(e, want, cases[i].what);
	}
	arena_free(a);
}

int main(void)
{
	test_valid_document();
	test_broken_document();
	test_cycle_fields();
	test_orphans();
	test_groups();
	return check_done();
}
