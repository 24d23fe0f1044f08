/* The request context handlers see: the parsed request, the caller, the
 * tenant it resolved to, and the response being built. A handler never sees
 * the socket: it runs on a worker thread (or, for ROUTE_INLINE routes, on the
 * I/O thread) and leaves an answer here for the I/O thread to send. */
#ifndef AMBITO_HTTP_H
#define AMBITO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/field_errors.h"
#include "base/json.h"

#define HTTP_MAX_PARAMS 6
#define HTTP_MAX_HEADERS 100

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6
};

typedef struct http_header {
	const char *name;
	const char *value;
} http_header;

struct route;
struct db;
struct identity;
struct tenant_ref;
struct http_stream;
struct web_session;

typedef struct http_req {
	arena *a;

	/* The request, as received. Strings live in the arena. */
	int method;
	const char *method_name;
	const char *path;  /* percent-decoded, without the query */
	const char *query; /* raw query string, "" when none */
	const char *request_id;
	const char *client_addr; /* the peer, or the client a trusted proxy names */
	bool secure;             /* HTTPS to us or, says a trusted proxy, to it */
	http_header *headers;
	size_t nheaders;
	const char *body; /* NUL-terminated copy; body_len excludes the NUL */
	size_t body_len;

	/* Set by the router. */
	const struct route *route;
	const char *param_names[HTTP_MAX_PARAMS];
	const char *param_values[HTTP_MAX_PARAMS];
	int nparams;

	/* The user and login of the credential the head's check verified on
	 * the I/O thread (0 when it did not run), so that it is verified once. */
	long long head_user_id, head_login_id;

	/* Set by the dispatcher before the handler runs. */
	struct db *db;                   /* NULL on the I/O thread */
	const struct identity *user;     /* NULL for anonymous routes */
	const struct tenant_ref *tenant; /* set for ROUTE_TENANT routes */
	/* The browser session, on ROUTE_PAGE routes when logged in. */
	const struct web_session *session;

	/* The answer. */
	int status;
	http_header *resp_headers;
	size_t nresp, capresp;
	const char *content_type;
	char *resp_body;
	size_t resp_len, resp_cap;
	struct http_stream *stream; /* the server's handle for streaming; internal */
	const char *log_detail;     /* extra words for the access log, if any */

	/* For the audit log: the object acted on (default: the path), a short
	 * note, and the tenant when the route has none in its path. */
	const char *audit_object;
	const char *audit_detail;
	long long audit_tenant_id;
} http_req;

/* Request accessors. Header names are case-insensitive. */
const char *http_header_get(const http_req *r, const char *name);
const char *http_param(const http_req *r, const char *name);
/* Percent-decoded value of a query parameter, NULL when absent. */
const char *http_query(const http_req *r, const char *name);
/* ?limit= and ?cursor= with the SPEC defaults; answers 400 and returns -1 on a
 * bad value. */
int http_page_params(http_req *r, int *limit, const char **cursor);
#define PAGE_DEFAULT 50
#define PAGE_MAX 500
#define PAGE_CURSOR_MAX 200 /* bytes */
/* Whether the caller asked for CSV (?format=csv or Accept: text/csv): 1 for
 * CSV, 0 for JSON (also ?format=json), or -1 after answering 400 for any
 * other ?format=. */
int http_wants_csv(http_req *r);
/* The name of the first query parameter whose name or value is not valid
 * percent-encoded UTF-8 without NUL (such as ?cursor=%00), or NULL. */
const char *http_query_invalid(const http_req *r);
/* Starts a 200 text/csv answer built in memory and points w at it. */
struct csv_writer;
void http_csv_begin(http_req *r, struct csv_writer *w);

/* Percent-decodes s[0..n) ('+' as space when plus); NULL on a bad escape, a
 * NUL byte or invalid UTF-8. */
char *http_decode(arena *a, const char *s, size_t n, bool plus);

/* Reads the body as JSON. On failure answers 415 (not JSON), 400 (malformed or
 * too deep) and returns -1. An empty body is malformed. */
int http_read_json(http_req *r, json_value **out);

/* Response building. */
void http_set_header(http_req *r, const char *name, const char *value);
/* Adds a header line even when one of that name is set (Set-Cookie). */
void http_add_header(http_req *r, const char *name, const char *value);
void http_body(http_req *r, int status, const char *content_type, const void *buf, size_t len);
void http_append(http_req *r, const void *buf, size_t len);
void http_no_content(http_req *r);
/* Forgets the answer and the audit notes a handler left, so that it can run
 * again from the start (a write transaction retried after a conflict). Not
 * for an answer whose streaming has begun (write routes do not stream). */
void http_reset_answer(http_req *r);

/* JSON answers: w = http_json_begin(r); write into w; http_json_end(r, w, status). */
jw *http_json_begin(http_req *r);
void http_json_end(http_req *r, jw *w, int status);

/* A list answer {"items": [...], "next_cursor": null|"..."}: begin, write
 * each item, end with the cursor of the next page (NULL on the last). */
void http_list_begin(jw *w);
void http_list_end(jw *w, const char *next_cursor);

/* Problem documents (RFC 9457). detail may be NULL. */
void http_problem(http_req *r, int status, const char *detail);
void http_problemf(http_req *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a "code" member a program reads (password_change_required). */
void http_problem_code(http_req *r, int status, const char *code, const char *detail);
/* Answers a failed database call: 503 for an unreachable database or a lock
 * conflict, 409 for a duplicate, 500 otherwise (what names the object). */
void http_db_error(http_req *r, long long rc, const char *what);
/* true when rc is DB_OK (0); else answers it with http_db_error. Inline, so
 * the compiler sees which outputs a successful call has set. */
static inline bool http_db_ok(http_req *r, long long rc, const char *what)
{
	if (rc == 0)
		return true;
	http_db_error(r, rc, what);
	return false;
}
/* 503 with Retry-After, for an unreachable database or a full queue. */
void http_unavailable(http_req *r, const char *detail);

/* Field errors of a request (base/field_errors.h), in its arena; answered
 * as one 422 (or other status) problem with an "errors" list. */
field_errors *http_errors_new(http_req *r);
/* Answers status with the collected errors; returns true when there were any. */
bool http_errors_answer(http_req *r, const field_errors *e, int status, const char *detail);

/* Streaming for large answers: chunks are handed to the I/O thread as they are
 * produced, with back-pressure, instead of building the answer in memory.
 * The status and headers are fixed at http_stream_begin (set headers before
 * it); a failure afterwards cannot change them, so the server then cuts the
 * connection without the final chunk and the client sees an incomplete
 * answer, never a complete-looking wrong one. */
void http_stream_begin(http_req *r, int status, const char *content_type);
void http_stream_write(http_req *r, const void *buf, size_t len);
void http_stream_end(http_req *r);

const char *http_status_text(int status);
/* ETag handling: sets the ETag header; http_if_match answers 428/412 and
 * returns -1 unless If-Match equals etag. */
void http_set_etag(http_req *r, const char *etag);
/* Whether If-None-Match names etag (given quoted; the header's tags weak or
 * not, RFC 9110 §13.1.2) or is "*": the client has it, answer 304. */
bool http_if_none_match(const http_req *r, const char *etag);
int http_if_match(http_req *r, const char *etag);

#endif
