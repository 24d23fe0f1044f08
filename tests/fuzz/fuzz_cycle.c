/* libFuzzer harness for core/cycles/cycle_model.c: any bytes as an
 * "ambito-cycle/1" document (the file ambitoctl imports; POST and PUT bodies
 * go through the same parsers), through json_parse and cycle_parse_document.
 * A refused document must give a 422 problem that is valid JSON; an accepted
 * one, written out as export writes it, must be accepted again and written
 * out to the same bytes (what is exported can be imported). */
#include <string.h>

#include "cycles/cycles.h"
#include "fuzz.h"

/* The problem document of e parses as JSON. */
static void check_problem(http_req *r, field_errors *e)
{
	FUZZ_CHECK(http_errors_answer(r, e, 422, NULL), "no problem document for %zu errors", field_errors_count(e));
	json_value *doc = NULL;
	char err[128] = "";
	FUZZ_CHECK(json_parse(r->a, r->resp_body, r->resp_len, &doc, err, sizeof(err)) == JSON_OK,
	           "the problem document is not JSON (%s)", err);
	FUZZ_CHECK(json_is(json_get(doc, "errors"), JSON_ARRAY), "the problem document has no errors list");
}

static const char *render(arena *a, const cycle_document *doc, size_t *len)
{
	jw *w = jw_new(NULL, NULL);
	cycle_render_document(w, doc);
	FUZZ_CHECK(!jw_failed(w), "an accepted document does not render");
	const char *buf = jw_buffer(w, len);
	char *copy = arena_alloc(a, *len + 1);
	memcpy(copy, buf, *len);
	copy[*len] = '\0';
	jw_free(w);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	http_req r = {.a = arena_new()};
	json_value *root = NULL;
	char err[128] = "";
	if (json_parse(r.a, (const char *)data, size, &root, err, sizeof(err)) != JSON_OK)
		goto done;
	field_errors *e = http_errors_new(&r);
	cycle_document doc;
	if (cycle_parse_document(e, root, &doc) > 0) {
		check_problem(&r, e);
		goto done;
	}
	size_t len1 = 0, len2 = 0;
	const char *out1 = render(r.a, &doc, &len1);
	json_value *again = NULL;
	FUZZ_CHECK(json_parse(r.a, out1, len1, &again, err, sizeof(err)) == JSON_OK, "the export is not JSON (%s)",
	           err);
	field_errors *e2 = http_errors_new(&r);
	cycle_document doc2;
	if (cycle_parse_document(e2, again, &doc2) > 0) {
		check_problem(&r, e2);
		FUZZ_CHECK(false, "the export of an accepted document is refused: %.*s\n%s", (int)r.resp_len,
		           r.resp_body, out1);
	}
	const char *out2 = render(r.a, &doc2, &len2);
	FUZZ_CHECK(len1 == len2 && memcmp(out1, out2, len1) == 0, "export, import, export differ:\n%s\n%s", out1, out2);
done:
	free(r.resp_body);
	arena_free(r.a);
	return 0;
}
