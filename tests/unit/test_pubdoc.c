/* Unit tests for core/base/pubdoc.c (the publication document: the snapshot
 * without late, note and submitted_by, canonical, with its SHA-256) and
 * core/http/ratelimit.c (token buckets per address). Expected bytes and
 * counts are written by hand. */
#include "base/pubdoc.h"
#include "http/ratelimit.h"

#include <stdlib.h>

#include "check.h"

static void publication_document(void)
{
	arena *a = arena_new();
	/* Keys out of order, whitespace, an amount with its two decimals. */
	const char snap[] = "{ \"revision\": 2, \"note\": \"NOTA-INTERNA\", \"late\": true,\n"
	                    "  \"submitted_by\": {\"id\": 7, \"name\": \"Maria Rossi\"},\n"
	                    "  \"finance\": {\"income\": [{\"note\": \"Fondo\", \"amount_eur\": 1234.50}]},\n"
	                    "  \"cycle\": {\"slug\": \"2020-2022\", \"end_year\": 2022},\n"
	                    "  \"submitted_at\": \"2021-06-30T10:00:00Z\" }";
	const char want[] = "{\"cycle\":{\"end_year\":2022,\"slug\":\"2020-2022\"},"
	                    "\"finance\":{\"income\":[{\"amount_eur\":1234.50,\"note\":\"Fondo\"}]},"
	                    "\"revision\":2,\"submitted_at\":\"2021-06-30T10:00:00Z\"}";
	char hex[SHA256_HEX_LEN + 1], want_hex[SHA256_HEX_LEN + 1];
	size_t len = 0;
	const char *doc = pubdoc_build(a, snap, sizeof(snap) - 1, &len, hex);
	CHECK_STR(doc, want, "late, note and submitted_by gone; canonical; the finance line's note kept");
	CHECK(doc != NULL && len == strlen(want), "its length");
	sha256_hex(want, strlen(want), want_hex);
	CHECK_STR(hex, want_hex, "its SHA-256");
	/* Building again from the document gives the same bytes. */
	char hex2[SHA256_HEX_LEN + 1];
	size_t len2 = 0;
	const char *again = pubdoc_build(a, doc, len, &len2, hex2);
	CHECK_STR(again, want, "idempotent");

	CHECK(pubdoc_build(a, "[1,2]", 5, &len, hex) == NULL && hex[0] == '\0', "an array is refused");
	CHECK(pubdoc_build(a, "{\"a\":", 5, &len, hex) == NULL, "broken JSON is refused");

	/* A stored document is served as stored; without one, derived. */
	const char *stored = pubdoc_of_row(a, "{\"x\":1}", 7, want_hex, snap, sizeof(snap) - 1, &len, hex);
	CHECK_STR(stored, "{\"x\":1}", "the stored document when there is one");
	CHECK_STR(hex, want_hex, "with its stored hash");
	const char *derived = pubdoc_of_row(a, NULL, 0, NULL, snap, sizeof(snap) - 1, &len, hex);
	CHECK_STR(derived, want, "derived from the snapshot for an older publication");
	arena_free(a);
}

static void rate_limit(void)
{
	CHECK(ratelimit_path("/trasparenza") && ratelimit_path("/trasparenza/2020-2022") &&
	          ratelimit_path("/opendata/catalog.rdf") && ratelimit_path("/api/v1/public/calls") &&
	          ratelimit_path("/public/ats-20/2020-2022") && ratelimit_path("/partecipa"),
	      "the public routes are limited");
	CHECK(!ratelimit_path("/publico") && !ratelimit_path("/api/v1/tenants") && !ratelimit_path("/healthz") &&
	          !ratelimit_path("/static/x.css") && !ratelimit_path("/"),
	      "others are not");
	CHECK(ratelimit_new(0, 10) == NULL && ratelimit_take(NULL, "1.2.3.4", 0, NULL), "rate 0: no limit");

	ratelimit *l = ratelimit_new(2, 3); /* 2 a second, 3 at once */
	int passed = 0, wait = 0;
	for (int i = 0; i < 10; i++)
		passed += ratelimit_take(l, "192.0.2.1", 100.0, &wait);
	CHECK(passed == 3, "a burst of 3 passes at once (got %d)", passed);
	CHECK(wait == 1, "then Retry-After 1 s at 2 a second (got %d)", wait);
	CHECK(ratelimit_take(l, "192.0.2.2", 100.0, NULL), "another address has its own bucket");
	CHECK(!ratelimit_take(l, "192.0.2.1", 100.4, NULL), "0.4 s later: 0.8 of a token, refused");
	CHECK(ratelimit_take(l, "192.0.2.1", 100.6, NULL), "0.6 s later: a token");
	passed = 0;
	for (int i = 0; i < 10; i++)
		passed += ratelimit_take(l, "192.0.2.1", 200.0, NULL);
	CHECK(passed == 3, "a quiet address is back to its burst, not more (got %d)", passed);
	ratelimit_free(l);

	/* A full table forgets the fullest bucket, never refuses an address
	 * for want of room. */
	l = ratelimit_new(1, 1);
	char addr[64];
	int fresh = 0;
	for (int i = 0; i < 2 * RATELIMIT_SLOTS; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		fresh += ratelimit_take(l, addr, 10.0, NULL);
	}
	CHECK(fresh == 2 * RATELIMIT_SLOTS, "twice the table's addresses each get their first request");
	ratelimit_free(l);
}

int main(void)
{
	publication_document();
	rate_limit();
	return check_done();
}
