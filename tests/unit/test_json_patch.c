/* JSON Merge Patch against the examples of RFC 7396, Appendix A, written out
 * by hand: each line is target, patch and the result the RFC gives. */
#include <stdlib.h>
#include <string.h>

#include "base/json_patch.h"
#include "check.h"

typedef struct {
	const char *target, *patch, *want;
} example;

static const example rfc_examples[] = {
    {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
    {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
    {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
    {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
    {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
    {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
    {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
    {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
    {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
    {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
    {"{\"a\":\"foo\"}", "null", "null"},
    {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
    {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
    {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
    {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
    /* What a plan section patch does: one part changes, the others stay,
     * a null removes one, arrays are replaced whole. */
    {"{\"indicators\":[{\"name\":\"x\"}],\"parts\":{\"analisi\":\"A\",\"obiettivi\":\"O\"},\"spending\":[]}",
     "{\"parts\":{\"analisi\":\"B\",\"obiettivi\":null},\"indicators\":[]}",
     "{\"indicators\":[],\"parts\":{\"analisi\":\"B\"},\"spending\":[]}"},
};

static const char *patched(arena *a, const char *target, const char *patch)
{
	json_value *t, *p;
	char err[128];
	if (json_parse(a, target, strlen(target), &t, err, sizeof(err)) != JSON_OK ||
	    json_parse(a, patch, strlen(patch), &p, err, sizeof(err)) != JSON_OK)
		return "(unparsable)";
	json_value *r = json_merge_patch(a, t, p);
	jw *w = jw_new(NULL, NULL);
	jw_value(w, r);
	size_t n;
	const char *buf = jw_buffer(w, &n);
	char *out = arena_strndup(a, buf, n);
	jw_free(w);
	return out;
}

int main(void)
{
	arena *a = arena_new();
	for (size_t i = 0; i < sizeof(rfc_examples) / sizeof(rfc_examples[0]); i++) {
		const example *e = &rfc_examples[i];
		CHECK_STR(patched(a, e->target, e->patch), e->want, arena_printf(a, "%s + %s", e->target, e->patch));
	}

	/* The inputs are left as they were. */
	json_value *t, *p;
	char err[128];
	const char *target = "{\"a\":{\"b\":1,\"c\":2}}";
	json_parse(a, target, strlen(target), &t, err, sizeof(err));
	json_parse(a, "{\"a\":{\"b\":null}}", 16, &p, err, sizeof(err));
	json_merge_patch(a, t, p);
	jw *w = jw_new(NULL, NULL);
	jw_value(w, t);
	size_t n;
	const char *buf = jw_buffer(w, &n);
	CHECK(n == strlen(target) && memcmp(buf, target, n) == 0, "the target is not modified");
	jw_free(w);
	arena_free(a);
	return check_done();
}
