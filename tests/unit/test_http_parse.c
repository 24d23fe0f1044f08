/* Unit tests for core/http_parse.c: the request line, header fields, and
 * every rejection with the status it answers. Expected values are literals. */
#include "http/http_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Parses the NUL-terminated head s (its full length) into h. */
static int parse(arena *a, const char *s, http_head *h, const char **why)
{
	return http_parse_head(a, s, strlen(s), h, why);
}

/* The status a head gets, on a fresh arena. */
static int status_of(const char *s, const char **why_out)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = parse(a, s, &h, &why);
	static char why_copy[256];
	snprintf(why_copy, sizeof(why_copy), "%s", why ? why : "");
	if (why_out)
		*why_out = why_copy;
	arena_free(a);
	return st;
}

static void test_valid_get(void)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	const char *s = "GET /comuni/pisa?limit=10&cursor=abc HTTP/1.1\r\n"
	                "Host: ambito.example.it\r\n"
	                "Accept:   application/json \t\r\n"
	                "X-Empty:\r\n"
	                "X-Tab: a\tb\r\n"
	                "X-Obs-Text: caff\xc3\xa8\r\n"
	                "\r\n";
	int st = parse(a, s, &h, &why);
	CHECK(st == 0, "valid GET: status 0");
	CHECK(h.method == HTTP_GET, "valid GET: method id HTTP_GET");
	CHECK_STR(h.method_name, "GET", "valid GET: method name");
	CHECK_STR(h.target, "/comuni/pisa?limit=10&cursor=abc", "valid GET: raw target");
	CHECK_STR(h.path, "/comuni/pisa", "valid GET: path stops at '?'");
	CHECK_STR(h.query, "limit=10&cursor=abc", "valid GET: query after '?'");
	CHECK(h.minor == 1, "valid GET: minor version 1");
	CHECK(h.nheaders == 5, "valid GET: 5 headers");
	CHECK_STR(h.headers[0].name, "Host", "header 0 name");
	CHECK_STR(h.headers[0].value, "ambito.example.it", "header 0 value");
	CHECK_STR(h.headers[1].name, "Accept", "header 1 name");
	CHECK_STR(h.headers[1].value, "application/json", "header 1 value trimmed of spaces and tabs");
	CHECK_STR(h.headers[2].name, "X-Empty", "header 2 name");
	CHECK_STR(h.headers[2].value, "", "empty header value");
	CHECK_STR(h.headers[3].value, "a\tb", "tab inside a header value is kept");
	CHECK_STR(h.headers[4].value, "caff\xc3\xa8", "obs-text (UTF-8) in a header value is kept");
	CHECK(h.content_length == -1, "valid GET: content_length -1 when absent");
	CHECK(h.keep_alive, "valid GET: HTTP/1.1 keeps alive by default");
	CHECK(!h.expect_continue, "valid GET: no expect_continue");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", &h, &why);
	CHECK(st == 0, "GET / : status 0");
	CHECK_STR(h.path, "/", "GET / : path");
	CHECK_STR(h.query, "", "GET / : empty query without '?'");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET /a? HTTP/1.1\r\nHost: x\r\n\r\n", &h, &why);
	CHECK(st == 0, "GET /a? : status 0");
	CHECK_STR(h.path, "/a", "GET /a? : path");
	CHECK_STR(h.query, "", "GET /a? : empty query");
	arena_free(a);
}

static void test_methods(void)
{
	static const struct {
		const char *head;
		int id;
		const char *name;
	} cases[] = {
	    {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_GET, "GET"},
	    {"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_HEAD, "HEAD"},
	    {"POST / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_POST, "POST"},
	    {"PUT / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_PUT, "PUT"},
	    {"PATCH / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_PATCH, "PATCH"},
	    {"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_DELETE, "DELETE"},
	    {"OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_OPTIONS, "OPTIONS"},
	    /* Methods are case-sensitive tokens: "get" is a valid token but not a
	     * method we serve (the server answers 501 for method 0). */
	    {"get / HTTP/1.1\r\nHost: x\r\n\r\n", 0, "get"},
	    {"Get / HTTP/1.1\r\nHost: x\r\n\r\n", 0, "Get"},
	    {"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 0, "BREW"},
	    {"M-SEARCH / HTTP/1.1\r\nHost: x\r\n\r\n", 0, "M-SEARCH"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		arena *a = arena_new();
		http_head h;
		const char *why = NULL;
		int st = parse(a, cases[i].head, &h, &why);
		CHECK(st == 0, "method %s: status 0", cases[i].name);
		CHECK(h.method == cases[i].id, "method %s: id %d", cases[i].name, cases[i].id);
		CHECK_STR(h.method_name, cases[i].name, "method name kept");
		arena_free(a);
	}
}

static void test_versions_and_keep_alive(void)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = parse(a, "GET / HTTP/1.0\r\n\r\n", &h, &why);
	CHECK(st == 0, "HTTP/1.0 without Host: status 0");
	CHECK(h.minor == 0, "HTTP/1.0: minor 0");
	CHECK(!h.keep_alive, "HTTP/1.0: no keep-alive by default");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &h, &why);
	CHECK(st == 0, "HTTP/1.0 Connection: Keep-Alive: status 0");
	CHECK(h.keep_alive, "HTTP/1.0 with Connection: Keep-Alive keeps alive");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &h, &why);
	CHECK(st == 0, "HTTP/1.1 Connection: close: status 0");
	CHECK(!h.keep_alive, "HTTP/1.1 with Connection: close does not keep alive");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET / HTTP/1.1\r\nHost: x\r\nconnection: Upgrade, CLOSE \r\n\r\n", &h, &why);
	CHECK(st == 0, "Connection token list: status 0");
	CHECK(!h.keep_alive, "close found in a token list, case-insensitively");
	arena_free(a);

	a = arena_new();
	st = parse(a, "GET / HTTP/1.1\r\nHost: x\r\nConnection: closed\r\n\r\n", &h, &why);
	CHECK(st == 0, "Connection: closed: status 0");
	CHECK(h.keep_alive, "\"closed\" is not the close token");
	arena_free(a);

	const char *w = NULL;
	CHECK(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n", &w) == 505, "HTTP/2.0 -> 505");
	CHECK_STR(w, "si accettano solo HTTP/1.0 e HTTP/1.1", "HTTP/2.0 reason");
	CHECK(status_of("GET / HTTP/1.2\r\nHost: x\r\n\r\n", NULL) == 505, "HTTP/1.2 -> 505");
	CHECK(status_of("GET / HTTP/0.9\r\nHost: x\r\n\r\n", NULL) == 505, "HTTP/0.9 -> 505");
	CHECK(status_of("GET / HTTX/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "HTTX/1.1 -> 400");
	CHECK(status_of("GET / http/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "lowercase http/1.1 -> 400");
	CHECK(status_of("GET / HTTP/1.10\r\nHost: x\r\n\r\n", NULL) == 400, "HTTP/1.10 -> 400");
	CHECK(status_of("GET / HTTP/1\r\nHost: x\r\n\r\n", NULL) == 400, "HTTP/1 -> 400");
	CHECK(status_of("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", NULL) == 400, "trailing space after version -> 400");
	CHECK(status_of("GET /\r\nHost: x\r\n\r\n", NULL) == 400, "no version -> 400");
	CHECK(status_of("GET\r\nHost: x\r\n\r\n", NULL) == 400, "method only -> 400");
}

static void test_content_length(void)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 42\r\n\r\n", &h, &why);
	CHECK(st == 0, "Content-Length 42: status 0");
	CHECK(h.content_length == 42, "Content-Length 42 parsed");
	arena_free(a);

	a = arena_new();
	st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\ncontent-length:0\r\n\r\n", &h, &why);
	CHECK(st == 0, "content-length:0 (lowercase, no space): status 0");
	CHECK(h.content_length == 0, "Content-Length 0 parsed");
	arena_free(a);

	a = arena_new();
	st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999999\r\n\r\n", &h, &why);
	CHECK(st == 0, "15-digit Content-Length: status 0");
	CHECK(h.content_length == 999999999999999LL, "15-digit Content-Length parsed");
	arena_free(a);

	a = arena_new();
	st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 007\r\n\r\n", &h, &why);
	CHECK(st == 0, "Content-Length with leading zeros: status 0");
	CHECK(h.content_length == 7, "Content-Length 007 is 7");
	arena_free(a);

	const char *w = NULL;
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", &w) == 400,
	      "two equal Content-Length -> 400");
	CHECK_STR(w, "più di un Content-Length", "two Content-Length reason");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n", NULL) == 400,
	      "two different Content-Length -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 12a\r\n\r\n", &w) == 400,
	      "Content-Length 12a -> 400");
	CHECK_STR(w, "Content-Length non valido", "invalid Content-Length reason");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", NULL) == 400,
	      "Content-Length -1 -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n", NULL) == 400,
	      "Content-Length +1 -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n", NULL) == 400,
	      "Content-Length 1 2 -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n", NULL) == 400,
	      "Content-Length 1,1 -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", NULL) == 400,
	      "Content-Length 0x10 -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", NULL) == 400,
	      "empty Content-Length -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\n", NULL) == 400,
	      "16-digit Content-Length -> 400");
	CHECK(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", NULL) == 400,
	      "20-digit Content-Length -> 400");
}

static void test_request_line_rejections(void)
{
	const char *w = NULL;
	CHECK(status_of("", NULL) == 400, "empty head -> 400");
	CHECK(status_of("\r\n\r\n", NULL) == 400, "blank request line -> 400");
	CHECK(status_of("GET / HTTP/1.1\n\n", NULL) == 400, "LF-only line ends -> 400");
	CHECK(status_of("GET / HTTP/1.1\nHost: x\r\n\r\n", NULL) == 400, "LF-only request line end -> 400");
	CHECK(status_of("GET / HTTP/1.1\rHost: x\r\n\r\n", NULL) == 400, "bare CR after request line -> 400");
	CHECK(status_of("GET / HTTP/1.1\r", NULL) == 400, "CR at the very end -> 400");
	CHECK(status_of(" / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "empty method -> 400");
	CHECK(status_of("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "'(' in method -> 400");
	CHECK(status_of("GE\x01T / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "control byte in method -> 400");
	CHECK(status_of("G\xc3\x89T / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "non-ASCII in method -> 400");
	CHECK(status_of("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "tab after method -> 400");
	CHECK(status_of("GET:x / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "':' in method -> 400");

	CHECK(status_of("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", &w) == 400, "absolute-form target -> 400");
	CHECK_STR(w, "la destinazione della richiesta deve essere un percorso assoluto", "absolute-form reason");
	CHECK(status_of("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "asterisk-form target -> 400");
	CHECK(status_of("GET a/b HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "target without leading / -> 400");
	CHECK(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "empty target (two spaces) -> 400");
	CHECK(status_of("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "space in target -> 400");
	CHECK(status_of("GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", &w) == 400, "control byte in target -> 400");
	CHECK_STR(w, "la destinazione della richiesta deve essere un percorso assoluto",
	          "control byte in target reason");
	CHECK(status_of("GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "DEL in target -> 400");
	CHECK(status_of("GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "tab in target -> 400");
	CHECK(status_of("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "'#' in target -> 400");
	CHECK(status_of("GET /caff\xc3\xa8 HTTP/1.1\r\nHost: x\r\n\r\n", NULL) == 400, "raw UTF-8 in target -> 400");
}

static void test_header_rejections(void)
{
	const char *w = NULL;
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n", &w) == 400,
	      "obs-fold (space) continuation -> 400");
	CHECK_STR(w, "le righe di intestazione ripiegate non sono accettate", "obs-fold reason");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\tc\r\n\r\n", NULL) == 400,
	      "obs-fold (tab) continuation -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\n Host: x\r\n\r\n", NULL) == 400, "space before the first header -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n", &w) == 400, "space before colon -> 400");
	CHECK_STR(w, "nome di intestazione non valido", "space before colon reason");
	CHECK(status_of("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", NULL) == 400, "tab before colon -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\n: y\r\n\r\n", NULL) == 400, "empty header name -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX(A): y\r\n\r\n", NULL) == 400, "'(' in header name -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", NULL) == 400, "line without colon -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01z\r\n\r\n", &w) == 400, "control byte in value -> 400");
	CHECK_STR(w, "caratteri di controllo nel valore di un'intestazione", "control byte in value reason");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fz\r\n\r\n", NULL) == 400, "DEL in value -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nz\r\n\r\n", NULL) == 400, "bare LF in value -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rz\r\n\r\n", NULL) == 400, "bare CR in value -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n", NULL) == 400, "LF-only header line end -> 400");

	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", &w) == 501,
	      "Transfer-Encoding: chunked -> 501");
	CHECK_STR(w, "i corpi a blocchi (chunked) non sono accettati: inviare Content-Length",
	          "Transfer-Encoding reason");
	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\ntransfer-encoding: identity\r\n\r\n", NULL) == 501,
	      "transfer-encoding: identity -> 501");
	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
	                NULL) == 501,
	      "Content-Length plus Transfer-Encoding -> 501");

	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", &w) == 400, "Expect: 200-ok -> 400");
	CHECK_STR(w, "Expect non supportato", "unsupported Expect reason");
	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nExpect:\r\n\r\n", NULL) == 400, "empty Expect -> 400");
	CHECK(status_of("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, foo\r\n\r\n", NULL) == 400,
	      "Expect: 100-continue, foo -> 400");

	CHECK(status_of("GET / HTTP/1.1\r\n\r\n", &w) == 400, "HTTP/1.1 without Host -> 400");
	CHECK_STR(w, "HTTP/1.1 richiede Host", "missing Host reason");
	CHECK(status_of("GET / HTTP/1.1\r\nX-Host: x\r\n\r\n", NULL) == 400, "X-Host is not Host -> 400");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &w) == 400, "two Host -> 400");
	CHECK_STR(w, "più di un Host", "two Host reason");
	CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", NULL) == 400, "two Host (same value) -> 400");
	CHECK(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", NULL) == 400, "two Host in HTTP/1.0 -> 400");
}

static void test_expect_continue(void)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", &h, &why);
	CHECK(st == 0, "Expect: 100-continue: status 0");
	CHECK(h.expect_continue, "Expect: 100-continue sets expect_continue");
	CHECK(h.content_length == 3, "Content-Length alongside Expect");
	arena_free(a);

	a = arena_new();
	st = parse(a, "POST /x HTTP/1.1\r\nHost: x\r\nexpect: 100-Continue\r\n\r\n", &h, &why);
	CHECK(st == 0, "expect: 100-Continue (case-insensitive): status 0");
	CHECK(h.expect_continue, "case-insensitive 100-continue sets expect_continue");
	arena_free(a);
}

/* NUL bytes anywhere in the head are refused (literals sized with sizeof). */
#define STATUS_N(lit) status_n(lit, sizeof(lit) - 1)
static int status_n(const char *s, size_t len)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	int st = http_parse_head(a, s, len, &h, &why);
	arena_free(a);
	return st;
}

static void test_nul_bytes(void)
{
	CHECK(STATUS_N("GET / HTTP/1.1\r\nHost: x\r\n\r\n") == 0, "sized literal without NUL: status 0");
	CHECK(STATUS_N("G\0T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400, "NUL in method -> 400");
	CHECK(STATUS_N("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n") == 400, "NUL in target -> 400");
	CHECK(STATUS_N("GET / HTTP/1.1\0\r\nHost: x\r\n\r\n") == 400, "NUL after version -> 400");
	CHECK(STATUS_N("GET / HTTP/1.1\r\nHo\0st: x\r\n\r\n") == 400, "NUL in header name -> 400");
	CHECK(STATUS_N("GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n") == 400, "NUL in header value -> 400");
	CHECK(STATUS_N("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\0\r\n\r\n") == 400,
	      "NUL after Content-Length digits -> 400");
}

/* "GET / HTTP/1.1\r\nHost: x\r\n" then extra "X-<i>: v" lines, then CRLF. */
static char *many_headers(size_t extra)
{
	size_t cap = 64 + extra * 32;
	char *s = malloc(cap);
	if (s == NULL)
		abort();
	size_t n = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (size_t i = 0; i < extra; i++)
		n += (size_t)snprintf(s + n, cap - n, "X-%zu: v\r\n", i);
	snprintf(s + n, cap - n, "\r\n");
	return s;
}

static void test_header_limit(void)
{
	arena *a = arena_new();
	http_head h;
	const char *why = NULL;
	char *s = many_headers(99); /* 100 headers with Host */
	int st = parse(a, s, &h, &why);
	CHECK(st == 0, "exactly 100 headers: status 0");
	CHECK(h.nheaders == 100, "exactly 100 headers kept");
	CHECK_STR(h.headers[99].name, "X-98", "the 100th header name");
	free(s);
	arena_free(a);

	a = arena_new();
	s = many_headers(100); /* 101 headers */
	st = parse(a, s, &h, &why);
	CHECK(st == 431, "101 headers -> 431");
	CHECK_STR(why, "troppe intestazioni", "too many headers reason");
	free(s);
	arena_free(a);
}

int main(void)
{
	test_valid_get();
	test_methods();
	test_versions_and_keep_alive();
	test_content_length();
	test_request_line_rejections();
	test_header_rejections();
	test_expect_continue();
	test_header_limit();
	test_nul_bytes();
	return check_done();
}
