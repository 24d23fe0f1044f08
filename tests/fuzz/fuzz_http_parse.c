/* libFuzzer harness for core/http/http_parse.c and what the server does next
 * with a parsed head: the bytes are cut into a head the way the server cuts
 * them (up to the first blank line, at most the default 32 KiB), parsed, and
 * an accepted head is routed against a small route table with {parameters}
 * and its query read with the request accessors. */
#include <string.h>

#include "base/utf8.h"
#include "fuzz.h"
#include "http/http_parse.h"
#include "http/router.h"

#define FUZZ_HEAD_MAX (32 * 1024) /* the default max_header */

/* Never called: matching only needs the patterns. */
static void no_handler(http_req *r)
{
	(void)r;
	abort();
}

static const route fuzz_routes[] = {
    {HTTP_GET, "/healthz", no_handler, ROUTE_INLINE | ROUTE_PUBLIC, "health", NULL, NULL},
    {HTTP_GET, "/api/v1/tenants/{tenant}", no_handler, ROUTE_TENANT, "tenant", NULL, NULL},
    {HTTP_GET, "/api/v1/tenants/{tenant}/plans/{cycle}/sections/{key}", no_handler, ROUTE_TENANT, "section", NULL,
     NULL},
    {HTTP_PUT, "/api/v1/tenants/{tenant}/plans/{cycle}/sections/{key}", no_handler, ROUTE_TENANT, "section put", NULL,
     NULL},
    {HTTP_GET, "/api/v1/cycles/{cycle}/compare/sections/{key}", no_handler, 0, "compare", NULL, NULL},
    {HTTP_GET, "/public/{tenant}/{cycle}", no_handler, ROUTE_PUBLIC | ROUTE_UNSCOPED, "public", NULL, NULL},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	router_add(fuzz_routes, (int)(sizeof(fuzz_routes) / sizeof(fuzz_routes[0])));
	router_freeze();
	return 0;
}

/* Every field of an accepted head holds what the parser promises. */
static void check_head(const http_head *h)
{
	FUZZ_CHECK(h->method_name != NULL && h->method_name[0] != '\0', "no method name");
	FUZZ_CHECK(h->target != NULL && h->path != NULL && h->query != NULL, "target, path or query missing");
	FUZZ_CHECK(h->path[0] == '/' && strchr(h->path, '?') == NULL, "bad path \"%s\"", h->path);
	size_t plen = strlen(h->path);
	FUZZ_CHECK(strncmp(h->target, h->path, plen) == 0, "the path is not the start of the target");
	if (h->target[plen] == '?')
		FUZZ_CHECK(strcmp(h->query, h->target + plen + 1) == 0, "the query is not what follows '?'");
	else
		FUZZ_CHECK(h->target[plen] == '\0' && h->query[0] == '\0', "a query without '?'");
	FUZZ_CHECK(h->minor == 0 || h->minor == 1, "HTTP/1.%d", h->minor);
	FUZZ_CHECK(h->content_length >= -1 && h->content_length <= 999999999999999LL, "Content-Length %lld",
	           h->content_length);
	FUZZ_CHECK(h->nheaders <= HTTP_MAX_HEADERS, "%zu headers", h->nheaders);
	for (size_t i = 0; i < h->nheaders; i++) {
		const char *n = h->headers[i].name, *v = h->headers[i].value;
		FUZZ_CHECK(n != NULL && n[0] != '\0' && strpbrk(n, ": \t\r\n") == NULL, "bad header name");
		FUZZ_CHECK(v != NULL && strpbrk(v, "\r\n") == NULL, "CR or LF in a header value");
		size_t vl = strlen(v);
		FUZZ_CHECK(vl == 0 || (v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' && v[vl - 1] != '\t'),
		           "header value not trimmed");
	}
}

/* What the server and the handlers read from an accepted head. */
static void use_head(arena *a, const http_head *h)
{
	http_req r = {.a = a};
	r.method = h->method;
	r.method_name = h->method_name;
	r.path = h->path;
	r.query = h->query;
	r.headers = h->headers;
	r.nheaders = h->nheaders;
	(void)http_header_get(&r, "Host");
	(void)http_wants_csv(&r);
	int limit = 0;
	const char *cursor = NULL;
	if (http_page_params(&r, &limit, &cursor) == 0)
		FUZZ_CHECK(limit >= 1 && limit <= 500, "limit %d", limit);
	else
		FUZZ_CHECK(r.status == 400, "a bad page parameter answered %d", r.status);
	const char *v = http_query(&r, "cursor");
	if (v != NULL)
		FUZZ_CHECK(utf8_valid(v, strlen(v)), "a decoded query value is not UTF-8");
	int allowed = 0;
	if (router_match(&r, &allowed) == ROUTER_FOUND) {
		FUZZ_CHECK(r.route != NULL && r.nparams >= 0 && r.nparams <= HTTP_MAX_PARAMS, "bad match");
		for (int i = 0; i < r.nparams; i++)
			FUZZ_CHECK(r.param_values[i] != NULL && r.param_values[i][0] != '\0' &&
			               utf8_valid(r.param_values[i], strlen(r.param_values[i])),
			           "bad parameter %d", i);
	}
	free(r.resp_body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Like the server: the head ends at the first CRLF CRLF; input without
	 * one gets it appended, so every input reaches the parser. */
	const uint8_t *blank = memmem(data, size, "\r\n\r\n", 4);
	size_t head_len = blank != NULL ? (size_t)(blank - data) + 4 : size + 4;
	if (head_len > FUZZ_HEAD_MAX)
		return 0; /* the server answers 431 before parsing */
	/* An exact-size copy, NUL-terminated as the server's, so that any read
	 * past it is caught. */
	char *head = malloc(head_len + 1);
	if (head == NULL)
		abort();
	if (blank != NULL) {
		memcpy(head, data, head_len);
	} else {
		memcpy(head, data, size);
		memcpy(head + size, "\r\n\r\n", 4);
	}
	head[head_len] = '\0';

	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = http_parse_head(a, head, head_len, &h, &why);
	if (st == 0) {
		check_head(&h);
		use_head(a, &h);
	} else {
		FUZZ_CHECK(st == 400 || st == 431 || st == 501 || st == 505, "status %d", st);
		FUZZ_CHECK(why != NULL && why[0] != '\0', "a refusal without a reason");
	}
	arena_free(a);
	free(head);
	return 0;
}
