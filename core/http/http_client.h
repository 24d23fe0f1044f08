/* A small blocking HTTP/1.0 client for the few requests ambitod makes itself
 * (the single sign-on provider's discovery, keys and token endpoints): one
 * request a connection, TLS verified against the system's certificate
 * authorities and the URL's host name, a deadline on connecting and on every
 * read, and a cap on the answer. Runs on the calling worker thread. */
#ifndef AMBITO_HTTP_CLIENT_H
#define AMBITO_HTTP_CLIENT_H

#include <stddef.h>

#define HTTP_CLIENT_MAX_ANSWER (256 * 1024) /* head and body of an answer */
#define HTTP_CLIENT_MAX_URL 2048

typedef struct http_client_answer {
	int status;
	char *body; /* NUL-terminated, malloc()ed; free with http_client_answer_free */
	size_t len;
	char content_type[128];
} http_client_answer;

/* method "GET" or "POST"; header (one "Name: value" line without CRLF) and
 * body (with its content_type) may be NULL. 0 with *out filled, whatever its
 * status; -1 with err when nothing usable came back. */
int http_client_fetch(const char *method, const char *url, const char *header, const char *content_type,
                      const char *body, size_t body_len, int timeout_s, http_client_answer *out, char *err,
                      size_t errlen);
void http_client_answer_free(http_client_answer *a);

#endif
