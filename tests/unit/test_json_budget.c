/* Unit tests for the budget of json_parse_budget: a document of many tiny
 * values stops before its tree grows past the budget, real documents of the
 * same size fit, and the count of values is enforced exactly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

#include "check.h"

/* A growing text buffer for the generated documents. */
typedef struct {
	char *s;
	size_t len, cap;
} buf;

static void put(buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
			abort();
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void test_tiny_values_stop_early(void)
{
	/* "[0,0,…,0]", 1 MiB: 524 288 values of about 40 bytes each. */
	size_t n = 512 * 1024;
	buf b = {0};
	put(&b, "[");
	for (size_t i = 0; i < n; i++)
		put(&b, i ? ",0" : "0");
	put(&b, "]");
	size_t max_nodes, max_bytes;
	json_body_budget(b.len, &max_nodes, &max_bytes);
	CHECK(max_bytes == 64 * 1024 + 12 * b.len, "the budget is 64 KiB plus 12 bytes a byte (%zu)", max_bytes);

	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	json_status st = json_parse_budget(a, b.s, b.len, max_nodes, max_bytes, &v, err, sizeof(err));
	CHECK(st == JSON_ETOOBIG, "a megabyte of zeros is over its budget");
	CHECK(v == NULL, "no tree is returned");
	CHECK(strstr(err, "troppi valori") != NULL, "the reason says so: %s", err);
	/* Stopped while growing: the arena holds the budget and at most one
	 * more value (a node and its number text), not the whole tree. */
	CHECK(arena_used(a) <= max_bytes + 256, "the arena stopped at %zu bytes (budget %zu)", arena_used(a),
	      max_bytes);
	arena_free(a);

	/* Without a budget the same text parses, and its tree is more than 20
	 * times the input: what the budget is for. */
	a = arena_new();
	st = json_parse(a, b.s, b.len, &v, err, sizeof(err));
	CHECK(st == JSON_OK && v != NULL && v->u.array.n == n, "json_parse has no budget");
	CHECK(arena_used(a) > 20 * b.len, "the unbudgeted tree is %zu bytes for %zu of input", arena_used(a), b.len);
	arena_free(a);
	free(b.s);
}

/* A plan section as dense as the template allows: 200 indicators and 500
 * spending lines with short values, and a part of text. */
static void test_dense_section_fits(void)
{
	buf b = {0};
	char line[512];
	put(&b, "{\"parts\":{\"analisi\":\"");
	for (int i = 0; i < 200; i++)
		put(&b, "Il servizio di assistenza domiciliare copre i Comuni dell'Ambito. ");
	put(&b, "\"},\"indicators\":[");
	for (int i = 0; i < 200; i++) {
		snprintf(line, sizeof(line),
		         "%s{\"name\":\"Utenti %d\",\"kind\":\"result\",\"unit\":\"n\",\"baseline\":\"1\","
		         "\"target\":\"2\",\"source\":\"ISTAT\"}",
		         i ? "," : "", i);
		put(&b, line);
	}
	put(&b, "],\"spending\":[");
	for (int i = 0; i < 500; i++) {
		snprintf(line, sizeof(line),
		         "%s{\"year\":%d,\"amount_eur\":\"1.00\",\"funding_source\":\"FNPS\",\"service\":\"S%d\"}",
		         i ? "," : "", 2020 + i % 3, i);
		put(&b, line);
	}
	put(&b, "]}");
	size_t max_nodes, max_bytes;
	json_body_budget(b.len, &max_nodes, &max_bytes);
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	json_status st = json_parse_budget(a, b.s, b.len, max_nodes, max_bytes, &v, err, sizeof(err));
	CHECK(st == JSON_OK, "a dense section of %zu bytes fits its budget: %s", b.len, err);
	CHECK(arena_used(a) < 8 * b.len, "its tree is %zu bytes, under 8 a byte of input", arena_used(a));
	arena_free(a);

	/* The same for the smallest documents: the base covers them. */
	a = arena_new();
	const char *small = "{\"email\":\"a@b.it\",\"password\":\"una password\"}";
	json_body_budget(strlen(small), &max_nodes, &max_bytes);
	st = json_parse_budget(a, small, strlen(small), max_nodes, max_bytes, &v, err, sizeof(err));
	CHECK(st == JSON_OK, "a login body fits");
	arena_free(a);
	free(b.s);
}

static void test_node_count_is_exact(void)
{
	arena *a = arena_new();
	char err[128];
	json_value *v = NULL;
	/* The array itself and its nine items: ten values. */
	const char *ten = "[1,2,3,4,5,6,7,8,9]", *eleven = "[1,2,3,4,5,6,7,8,9,10]";
	CHECK(json_parse_budget(a, ten, strlen(ten), 10, SIZE_MAX, &v, err, sizeof(err)) == JSON_OK,
	      "ten values within a budget of ten");
	CHECK(json_parse_budget(a, eleven, strlen(eleven), 10, SIZE_MAX, &v, err, sizeof(err)) == JSON_ETOOBIG,
	      "eleven values over a budget of ten");
	const char *obj = "{\"a\":{\"b\":null},\"c\":\"d\"}"; /* 4 values; keys are not values */
	CHECK(json_parse_budget(a, obj, strlen(obj), 4, SIZE_MAX, &v, err, sizeof(err)) == JSON_OK,
	      "an object's keys are not counted as values");
	CHECK(json_parse_budget(a, obj, strlen(obj), 3, SIZE_MAX, &v, err, sizeof(err)) == JSON_ETOOBIG,
	      "but its nested values are");
	/* A budget failure frees the scratch vectors of the open containers
	 * (checked by the sanitizer build). */
	const char *deep = "[[[[[[1,2,3,4,5,6,7,8,9,10,11,12]]]]]]";
	CHECK(json_parse_budget(a, deep, strlen(deep), 8, SIZE_MAX, &v, err, sizeof(err)) == JSON_ETOOBIG,
	      "stopping inside nested containers");
	arena_free(a);
}

int main(void)
{
	test_tiny_values_stop_early();
	test_dense_section_fits();
	test_node_count_is_exact();
	return check_done();
}
