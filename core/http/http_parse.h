/* Parsing of an HTTP/1.x request head (request line and header fields),
 * strict where leniency enables request smuggling: no obs-fold, no space
 * before the colon, one Content-Length, no Transfer-Encoding. Pure function
 * over a buffer, so it is unit-tested without sockets. */
#ifndef AMBITO_HTTP_PARSE_H
#define AMBITO_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "http/http.h"

typedef struct http_head {
	int method; /* HTTP_GET…; 0 for a method we do not serve */
	const char *method_name;
	const char *target; /* raw request target */
	const char *path;   /* target up to '?' */
	const char *query;  /* after '?', or "" */
	int minor;          /* HTTP/1.<minor> */
	http_header *headers;
	size_t nheaders;
	long long content_length; /* -1 when absent */
	bool keep_alive;
	bool expect_continue;
} http_head;

/* Parses head[0..len), which ends with the blank line. Returns 0, or an HTTP
 * status to answer (400, 431, 501, 505) with a reason in *why. */
int http_parse_head(arena *a, const char *head, size_t len, http_head *out, const char **why);

#endif
