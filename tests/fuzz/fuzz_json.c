/* libFuzzer harness for core/base/json.c: any bytes through json_parse, and
 * every document it accepts written back out (in source order and in the
 * canonical form), parsed again and written again: the writer must take all
 * the parser accepts, and both forms must be fixed points. */
#include <string.h>

#include "base/json.h"
#include "fuzz.h"

/* Writes v with jw_value (canonical false) or jw_canonical; the bytes are
 * copied into a. */
static const char *write_out(arena *a, const json_value *v, bool canonical, size_t *len)
{
	jw *w = jw_new(NULL, NULL);
	if (canonical)
		jw_canonical(w, v);
	else
		jw_value(w, v);
	FUZZ_CHECK(!jw_failed(w), "the writer refused a document the parser accepted");
	const char *buf = jw_buffer(w, len);
	char *copy = arena_alloc(a, *len + 1);
	memcpy(copy, buf, *len);
	copy[*len] = '\0';
	jw_free(w);
	return copy;
}

static void round_trip(arena *a, const json_value *v, bool canonical)
{
	size_t len1 = 0, len2 = 0;
	const char *out1 = write_out(a, v, canonical, &len1);
	json_value *again = NULL;
	char err[128] = "";
	json_status st = json_parse(a, out1, len1, &again, err, sizeof(err));
	FUZZ_CHECK(st == JSON_OK, "written output does not parse again (%s): %s", err, out1);
	const char *out2 = write_out(a, again, canonical, &len2);
	FUZZ_CHECK(len1 == len2 && memcmp(out1, out2, len1) == 0, "not a fixed point:\n%s\n%s", out1, out2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	json_value *v = NULL;
	char err[128] = "";
	json_status st = json_parse(a, (const char *)data, size, &v, err, sizeof(err));
	FUZZ_CHECK(st == JSON_OK || st == JSON_EMALFORMED || st == JSON_ETOODEEP, "unknown status %d", (int)st);
	if (st != JSON_OK) {
		FUZZ_CHECK(v == NULL, "a refused document left a value");
		FUZZ_CHECK(err[0] != '\0', "a refused document has no reason");
	} else {
		FUZZ_CHECK(v != NULL, "an accepted document has no value");
		round_trip(a, v, false);
		round_trip(a, v, true);
	}
	arena_free(a);
	return 0;
}
