/* HTTP/1.1 on libevent bufferevents. The I/O thread owns every connection:
 * it reads and parses requests, answers protocol errors itself, and hands
 * routed requests to the worker pool. Workers never touch a socket: they post
 * the finished request (or stream chunks) back through a locked queue and
 * event_active(). Limits are enforced here, where input arrives. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "db/db.h"
#include "http/http_parse.h"
#include "http/metrics.h"
#include "http/proxy.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "http/workers.h"

#define DRAIN_DEADLINE_MS 4500 /* SIGTERM must end the process within 5 s */
#define STREAM_HIGH_WATER (256 * 1024)
#define REQUEST_ID_MAX 64
/* Out of descriptors (EMFILE/ENFILE) accepting pauses this long instead of
 * retrying at once, which would spin a core and log every attempt. */
#define ACCEPT_PAUSE_MS 250
/* Refused connections past max_connections are logged at most this often. */
#define REFUSED_LOG_EVERY_S 10
/* After a refusal the connection closes, but the client may still be
 * sending its body: closing with unread bytes makes the kernel reset the
 * connection, and the answer can be lost before the client reads it. So
 * the write side is shut first and what still arrives is read and thrown
 * away for at most this long (and at most max_body bytes). */
#define LINGER_MS 2000
/* The estimate of what a request holds, reserved against
 * max_request_memory when its head arrives: its buffers and answer
 * (REQUEST_MEM_BASE), the body twice (socket buffer, then the request's
 * copy) and the largest JSON tree json_parse_budget lets it build. */
#define REQUEST_MEM_BASE (64 * 1024)
#define REQUEST_MEM_PER_BODY_BYTE (2 + JSON_TREE_BYTES_PER_BODY_BYTE)
/* In the log, a method name (any token, of any length) is cut to this. */
#define LOG_METHOD_MAX 40

enum conn_state {
	C_HEAD,  /* waiting for (more of) a request head */
	C_BODY,  /* reading a body of known length */
	C_BUSY,  /* a handler has the request */
	C_FLUSH, /* answer queued; waiting for it to leave */
	C_LINGER /* refused: write side shut, reading and discarding until close */
};

typedef struct conn conn;
struct conn {
	server *s;
	struct bufferevent *bev;
	enum conn_state state;
	http_req *req;
	size_t body_need;
	bool keep_alive;
	bool head_request;
	bool dead;           /* peer gone while a worker held the request */
	bool in_started;     /* the current head or body began to arrive at in_t0 */
	bool linger;         /* close by lingering (after a refusal) */
	size_t lingered;     /* bytes discarded while lingering */
	size_t mem_reserved; /* of the server's request memory, for this request */
	router_result match; /* the route, matched when the head arrived */
	int allowed;         /* methods of the path, for a 405 */
	struct timespec in_t0;
	struct timespec t0;
	char addr[INET6_ADDRSTRLEN];
	conn *prev, *next; /* every open connection, for draining */

	/* Shared with the worker while state == C_BUSY; guarded by mu. */
	pthread_mutex_t mu;
	pthread_cond_t drained;
	bool queued;        /* in the server's attention queue */
	bool job_done;      /* handler returned */
	bool stream_on;     /* handler started streaming */
	bool stream_head;   /* the streamed answer's head was written */
	bool stream_failed; /* the handler failed after streaming began */
	/* The streamed answer's head as it stood at http_stream_begin: the
	 * I/O thread writes it later, while the worker goes on. */
	int stream_status;
	const char *stream_ctype;
	const http_header *stream_hdrs;
	size_t stream_nhdrs;
	size_t streamed;          /* body bytes handed to bev so far */
	struct evbuffer *pending; /* stream bytes not yet handed to bev */
	size_t backlog;           /* pending + bev output, for back-pressure */
	conn *next_attn;
};

struct http_stream {
	conn *c;
};

struct server {
	const config *cfg;
	struct event_base *base;
	struct evconnlistener *listener;
	SSL_CTX *ssl;
	proxy_list *proxies;    /* trusted_proxies: whose forwarded headers count */
	ratelimit *public_rate; /* the public routes' buckets; NULL: no limit */
	workers *pool;
	http_handler dispatch;  /* authentication, scoping, the handler: from above */
	http_head_check head;   /* the head's own checks (credentials), or NULL */
	http_handler not_found; /* the answer to a path without a route, or NULL */
	struct event *attn_ev, *sigterm_ev, *sigint_ev, *deadline_ev;
	pthread_mutex_t attn_mu;
	conn *attn_head;
	conn *conns;
	int nconns;
	int max_conns;
	size_t mem_inflight, mem_max; /* request memory reserved / allowed */
	struct event *accept_resume_ev;
	bool accept_paused;          /* since the last successful accept */
	unsigned long accept_pauses; /* in this episode */
	unsigned long conns_refused; /* past max_conns, since last logged */
	bool refused_ever;
	unsigned long refused_total;             /* past max_conns, ever (/metrics) */
	unsigned long pauses_total[PAUSE_KINDS]; /* accept pauses, ever, by error */
	struct timespec refused_logged;
	bool draining;
	struct timeval keepalive_tv, read_tv, write_tv;
};

static server *the_server; /* for the /metrics gauges */

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_process(conn *c);

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The read timeout bounds a whole head, and then a whole body, not the gap
 * between two bytes: a client trickling a byte at a time must not hold a
 * connection for ever. Arms the timer with what is left; false when no time
 * is left. */
static bool arm_read_deadline(conn *c)
{
	server *s = c->s;
	if (!c->in_started) {
		c->in_started = true;
		clock_gettime(CLOCK_MONOTONIC, &c->in_t0);
	}
	double left = (double)s->read_tv.tv_sec + (double)s->read_tv.tv_usec / 1e6 - since(&c->in_t0);
	if (left <= 0)
		return false;
	struct timeval tv = {(time_t)left, (suseconds_t)((left - (double)(time_t)left) * 1e6)};
	bufferevent_set_timeouts(c->bev, &tv, &s->write_tv);
	return true;
}

static void request_free(http_req *r)
{
	if (r == NULL)
		return;
	free(r->resp_body);
	if (r->a != NULL)
		metrics_arena(arena_used(r->a));
	arena_free(r->a);
	free(r); /* calloc'd by conn_start_request or conn_refuse */
}

static void mem_release(conn *c)
{
	c->s->mem_inflight -= c->mem_reserved;
	c->mem_reserved = 0;
}

static void conn_free(conn *c)
{
	server *s = c->s;
	mem_release(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	request_free(c->req);
	if (c->bev)
		bufferevent_free(c->bev);
	evbuffer_free(c->pending);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->drained);
	free(c);
	if (s->draining && s->nconns == 0)
		event_base_loopexit(s->base, NULL);
}

static const char *request_id_for(http_req *r, const char *given)
{
	if (given != NULL) {
		size_t n = strlen(given);
		if (n > 0 && n <= REQUEST_ID_MAX &&
		    strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n)
			return given;
	}
	unsigned char raw[8];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	static const char hex[] = "0123456789abcdef";
	char *id = arena_alloc(r->a, 17);
	for (int i = 0; i < 8; i++) {
		id[2 * i] = hex[raw[i] >> 4];
		id[2 * i + 1] = hex[raw[i] & 15];
	}
	id[16] = '\0';
	return id;
}

static void access_log(conn *c, http_req *r, double secs)
{
	/* Every part is escaped into a bounded buffer, and the buffers add up
	 * to less than fields: the line is whole, valid JSON whatever the
	 * client sent. */
	char rid[REQUEST_ID_MAX + 8], method[LOG_METHOD_MAX + 8], pattern[300], path[300], fields[1024];
	_Static_assert(sizeof(rid) + sizeof(method) + sizeof(pattern) + sizeof(path) + INET6_ADDRSTRLEN + 160 <
	                   sizeof(fields),
	               "the access log fields fit");
	snprintf(fields, sizeof(fields),
	         "\"request_id\":\"%s\",\"method\":\"%s\",\"route\":\"%s\",\"path\":\"%s\",\"status\":%d,"
	         "\"duration_ms\":%.3f,\"bytes\":%zu,\"client\":\"%s\"",
	         log_escape(rid, sizeof(rid), r->request_id), log_escape(method, sizeof(method), r->method_name),
	         log_escape(pattern, sizeof(pattern), r->route ? r->route->pattern : ""),
	         log_escape(path, sizeof(path), r->path ? r->path : ""), r->status, secs * 1000.0, r->resp_len,
	         c->addr);
	log_event(r->status >= 500 ? LOG_ERROR : LOG_INFO, r->log_detail ? r->log_detail : "request", fields);
}

/* For the log of a request refused before its head could be parsed: the
 * method and target as the client wrote them in the request line (the log
 * escapes and cuts them). */
static void guess_request_line(http_req *r, const char *buf, size_t n)
{
	const char *eol = memchr(buf, '\r', n), *sp;
	if (eol != NULL)
		n = (size_t)(eol - buf);
	if (r->method_name == NULL && (sp = memchr(buf, ' ', n)) != NULL && sp > buf)
		r->method_name = arena_strndup(r->a, buf, (size_t)(sp - buf));
	if (r->path == NULL && (sp = memchr(buf, ' ', n)) != NULL) {
		const char *t = sp + 1;
		size_t tl = 0, left = n - (size_t)(t - buf);
		while (tl < left && t[tl] != ' ' && t[tl] != '?')
			tl++;
		if (tl > 0)
			r->path = arena_strndup(r->a, t, tl);
	}
}

/* Writes status line and headers. content_length < 0: chunked. */
static void write_head_of(conn *c, const http_req *r, int status, const char *ctype, const http_header *hdrs,
                          size_t nhdrs, long long content_length)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n", status, http_status_text(status));
	if (ctype)
		evbuffer_add_printf(out, "Content-Type: %s%s\r\n", ctype,
		                    strncmp(ctype, "text/", 5) == 0 ? "; charset=utf-8" : "");
	if (content_length >= 0 && status != 204 && status != 304)
		evbuffer_add_printf(out, "Content-Length: %lld\r\n", content_length);
	else if (content_length < 0)
		evbuffer_add_printf(out, "Transfer-Encoding: chunked\r\n");
	if (r->request_id)
		evbuffer_add_printf(out, "X-Request-Id: %s\r\n", r->request_id);
	evbuffer_add_printf(out, "X-Content-Type-Options: nosniff\r\n");
	bool has_cache = false;
	for (size_t i = 0; i < nhdrs; i++) {
		evbuffer_add_printf(out, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
		if (strcasecmp(hdrs[i].name, "Cache-Control") == 0)
			has_cache = true;
	}
	if (!has_cache)
		evbuffer_add_printf(out, "Cache-Control: no-store\r\n");
	if (!c->keep_alive || c->s->draining)
		evbuffer_add_printf(out, "Connection: close\r\n");
	evbuffer_add(out, "\r\n", 2);
}

static void write_head(conn *c, http_req *r, long long content_length)
{
	write_head_of(c, r, r->status, r->content_type, r->resp_headers, r->nresp, content_length);
}

static void conn_after_answer(conn *c)
{
	http_req *r = c->req;
	double secs = since(&c->t0);
	metrics_observe(r->route ? router_index(r->route) : -1, r->status, secs);
	access_log(c, r, secs);
	request_free(r);
	c->req = NULL;
	mem_release(c);
	if (c->s->draining)
		c->keep_alive = false;
	c->state = C_FLUSH;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_enable(c->bev, EV_WRITE);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_write_cb(c->bev, c);
}

/* Sends the complete (non-streamed) answer held in c->req. */
static void conn_answer(conn *c)
{
	http_req *r = c->req;
	if (r->status == 0)
		http_problem(r, 500, "la richiesta non ha avuto risposta");
	write_head(c, r, (long long)r->resp_len);
	if (!c->head_request && r->resp_len > 0)
		evbuffer_add(bufferevent_get_output(c->bev), r->resp_body, r->resp_len);
	conn_after_answer(c);
}

/* Answers a request the I/O thread refuses by itself (bad head, too large,
 * timeout). The connection closes afterwards: its framing is not trusted. */
static void conn_refuse(conn *c, int status, const char *why)
{
	if (c->req == NULL) {
		c->req = calloc(1, sizeof(http_req));
		if (c->req == NULL)
			abort();
		c->req->a = arena_new();
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
		/* A head still in the input (too large, too slow): log what it
		 * names. */
		struct evbuffer *in = bufferevent_get_input(c->bev);
		size_t n = evbuffer_get_length(in);
		if (n > 0) {
			char line[1024];
			if (n > sizeof(line))
				n = sizeof(line);
			evbuffer_copyout(in, line, n);
			guess_request_line(c->req, line, n);
		}
	}
	http_req *r = c->req;
	if (r->request_id == NULL)
		r->request_id = request_id_for(r, NULL);
	c->keep_alive = false;
	c->linger = true;
	http_problem(r, status, why);
	if (status == 503 || status == 429)
		http_set_header(r, "Retry-After", "5");
	conn_answer(c);
}

/* Like conn_refuse, for an answer already written by the head check to a
 * request whose body will not be read. */
static void conn_refuse_answered(conn *c)
{
	c->keep_alive = false;
	c->linger = true;
	conn_answer(c);
}

/* Moves stream bytes from the worker's buffer to the socket as one chunk.
 * The final flush ends the body with the last chunk, unless the handler
 * failed half-way: then the connection closes without it, so the client
 * sees a cut answer instead of a complete-looking short one. */
static void stream_flush(conn *c, bool final)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	pthread_mutex_lock(&c->mu);
	if (!c->stream_head) {
		write_head_of(c, c->req, c->stream_status, c->stream_ctype, c->stream_hdrs, c->stream_nhdrs, -1);
		c->stream_head = true;
	}
	size_t n = evbuffer_get_length(c->pending);
	if (n > 0 && !c->head_request) {
		evbuffer_add_printf(out, "%zx\r\n", n);
		evbuffer_add_buffer(out, c->pending);
		evbuffer_add(out, "\r\n", 2);
	} else {
		evbuffer_drain(c->pending, n);
	}
	c->streamed += n;
	if (final && c->stream_failed)
		c->keep_alive = false;
	else if (final && !c->head_request)
		evbuffer_add(out, "0\r\n\r\n", 5);
	c->backlog = evbuffer_get_length(out);
	pthread_mutex_unlock(&c->mu);
}

/* Puts c on the attention list (once). */
static void conn_enqueue(conn *c)
{
	server *s = c->s;
	pthread_mutex_lock(&s->attn_mu);
	if (!c->queued) {
		c->queued = true;
		c->next_attn = s->attn_head;
		s->attn_head = c;
	}
	pthread_mutex_unlock(&s->attn_mu);
}

/* Worker side: ask the I/O thread to look at this connection. */
static void conn_notify(conn *c)
{
	conn_enqueue(c);
	event_active(c->s->attn_ev, EV_READ, 0);
}

static void attn_cb(evutil_socket_t fd, short what, void *arg)
{
	server *s = arg;
	pthread_mutex_lock(&s->attn_mu);
	conn *list = s->attn_head;
	s->attn_head = NULL;
	pthread_mutex_unlock(&s->attn_mu);
	while (list) {
		conn *c = list;
		/* Each entry leaves the list (queued false) only as it is taken:
		 * a worker that lists c again rewrites c->next_attn, which must
		 * not be the link to the rest of this list any more. */
		pthread_mutex_lock(&s->attn_mu);
		list = c->next_attn;
		c->queued = false;
		pthread_mutex_unlock(&s->attn_mu);
		pthread_mutex_lock(&c->mu);
		bool done = c->job_done, streaming = c->stream_on, dead = c->dead;
		pthread_mutex_unlock(&c->mu);
		if (done) {
			/* A streaming worker's earlier notice may bring c here
			 * after it finished but while its completion notice is
			 * still listed: leave c to that entry, so that c is never
			 * freed while on the list. */
			pthread_mutex_lock(&s->attn_mu);
			bool listed = c->queued;
			pthread_mutex_unlock(&s->attn_mu);
			if (listed)
				continue;
		}
		if (dead) {
			if (done)
				conn_free(c);
			continue;
		}
		if (streaming) {
			stream_flush(c, done);
			if (done) {
				c->req->resp_len = c->streamed; /* for the access log */
				conn_after_answer(c);
			}
		} else if (done) {
			conn_answer(c);
		}
	}
}

/* The public routes' rate limit: false after answering 429. */
static bool within_rate(conn *c)
{
	http_req *r = c->req;
	if (c->s->public_rate == NULL || !ratelimit_path(r->path))
		return true;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int wait = 1;
	if (ratelimit_take(c->s->public_rate, r->client_addr, (double)now.tv_sec + (double)now.tv_nsec / 1e9, &wait))
		return true;
	metrics_refusal(REFUSAL_PUBLIC_RATE);
	const char *why = arena_printf(r->a, "troppe richieste da questo indirizzo: riprovare tra %d secondi", wait);
	if (strncmp(r->path, "/api/", 5) == 0) {
		http_problem(r, 429, why);
	} else {
		/* The pages' layout lives above this layer: a plain Italian page. */
		const char *page =
		    arena_printf(r->a,
		                 "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\">"
		                 "<title>Troppe richieste</title></head><body><h1>Troppe richieste</h1>"
		                 "<p>Sono arrivate troppe richieste da questo indirizzo: riprovare tra %d "
		                 "secondi.</p></body></html>",
		                 wait);
		http_body(r, 429, "text/html", page, strlen(page));
	}
	http_set_header(r, "Retry-After", arena_printf(r->a, "%d", wait));
	return false;
}

static void conn_dispatch(conn *c)
{
	server *s = c->s;
	http_req *r = c->req;
	int allowed = c->allowed;
	if (!within_rate(c)) {
		conn_answer(c);
		return;
	}
	switch (c->match) {
	case ROUTER_NOT_FOUND:
		if (s->not_found != NULL)
			s->not_found(r);
		if (r->status == 0)
			http_problem(r, 404, "la risorsa richiesta non esiste");
		conn_answer(c);
		return;
	case ROUTER_BAD_METHOD: {
		char allow[128] = "";
		for (int m = HTTP_GET; m <= HTTP_OPTIONS; m <<= 1)
			if (allowed & m) {
				if (*allow)
					strcat(allow, ", ");
				strcat(allow, router_method_name(m));
			}
		http_problemf(r, 405, "il metodo %s non è ammesso per questo indirizzo", r->method_name);
		http_set_header(r, "Allow", allow);
		conn_answer(c);
		return;
	}
	case ROUTER_FOUND: break;
	}
	if (r->route->flags & ROUTE_INLINE) {
		c->s->dispatch(r);
		conn_answer(c);
		return;
	}
	struct http_stream *hs = arena_alloc(r->a, sizeof(*hs));
	hs->c = c;
	r->stream = hs;
	c->state = C_BUSY;
	c->job_done = false;
	c->stream_on = c->stream_head = c->stream_failed = false;
	c->streamed = 0;
	bufferevent_disable(c->bev, EV_READ);
	if (!workers_submit(s->pool, c)) {
		c->state = C_HEAD;
		r->stream = NULL;
		http_unavailable(r, "il server è occupato: riprovare tra poco");
		conn_answer(c);
	}
}

/* The largest body a request to rt may send (rt NULL: no route). */
static size_t body_limit(const server *s, const route *rt)
{
	size_t limit = s->cfg->max_body;
	size_t own = rt == NULL                   ? ROUTE_BODY_UNROUTED_MAX
	             : rt->max_body > 0           ? rt->max_body
	             : (rt->flags & ROUTE_PUBLIC) ? ROUTE_BODY_PUBLIC_MAX
	                                          : limit;
	return own < limit ? own : limit;
}

/* A complete head is in the input: parse it and decide what comes next. */
static void conn_start_request(conn *c, size_t head_len)
{
	server *s = c->s;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	http_req *r = calloc(1, sizeof(*r));
	if (r == NULL)
		abort();
	r->a = arena_new();
	c->req = r;
	c->head_request = false;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	char *head = arena_alloc(r->a, head_len + 1);
	evbuffer_remove(in, head, head_len);
	head[head_len] = '\0';

	http_head h;
	const char *why;
	int st = http_parse_head(r->a, head, head_len, &h, &why);
	if (st != 0) {
		guess_request_line(r, head, head_len);
		conn_refuse(c, st, why);
		return;
	}
	r->method = h.method;
	r->method_name = h.method_name;
	r->path = h.path;
	r->query = h.query;
	r->headers = h.headers;
	r->nheaders = h.nheaders;
	r->client_addr = proxy_client(r->a, s->proxies, c->addr, r->headers, r->nheaders, &r->secure);
	r->secure = r->secure || s->ssl != NULL;
	r->request_id = request_id_for(r, http_header_get(r, "X-Request-Id"));
	c->keep_alive = h.keep_alive && !s->draining;
	c->head_request = h.method == HTTP_HEAD;
	if (h.method == 0) {
		conn_refuse(c, 501, "questo metodo non è gestito");
		return;
	}
	/* Routed now, so that the route's own body limit is known before a
	 * byte of the body is read. */
	c->allowed = 0;
	c->match = router_match(r, &c->allowed);
	/* A request that will be refused anyway (no credential) is answered
	 * before its body is read, whatever its size. */
	if (c->match == ROUTER_FOUND && s->head != NULL && s->head(r) != 0) {
		if (h.content_length > 0)
			conn_refuse_answered(c); /* its body is never read */
		else
			conn_answer(c); /* nothing unread: the connection may go on */
		return;
	}
	size_t limit = body_limit(s, c->match == ROUTER_FOUND ? r->route : NULL);
	if (h.content_length > 0 && (size_t)h.content_length > limit) {
		char why413[96];
		snprintf(why413, sizeof(why413), "il corpo della richiesta supera i %zu byte ammessi", limit);
		conn_refuse(c, 413, why413);
		return;
	}
	size_t body = h.content_length > 0 ? (size_t)h.content_length : 0;
	size_t need = REQUEST_MEM_BASE + head_len + body * REQUEST_MEM_PER_BODY_BYTE;
	/* Past the budget only when others hold memory too: a request within
	 * its route's limit is never refused on an idle server. Inline routes
	 * without a body (/healthz, /metrics) are answered on the spot and
	 * must stay visible when the budget is spent. */
	bool inline_only = c->match == ROUTER_FOUND && (r->route->flags & ROUTE_INLINE) && body == 0;
	if (!inline_only && s->mem_inflight > 0 && s->mem_inflight + need > s->mem_max) {
		conn_refuse(c, 503, "il server è al limite di memoria per le richieste in corso: riprovare tra poco");
		return;
	}
	c->mem_reserved = inline_only ? 0 : need;
	s->mem_inflight += c->mem_reserved;
	if (h.content_length > 0) {
		if (h.expect_continue)
			evbuffer_add_printf(bufferevent_get_output(c->bev), "HTTP/1.1 100 Continue\r\n\r\n");
		c->body_need = (size_t)h.content_length;
		c->state = C_BODY;
		c->in_started = false;
		arm_read_deadline(c);
		return;
	}
	conn_dispatch(c);
}

static void conn_process(conn *c)
{
	server *s = c->s;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	while (c->state == C_HEAD || c->state == C_BODY) {
		if (c->state == C_HEAD) {
			size_t have = evbuffer_get_length(in);
			if (have == 0)
				return;
			struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
			if (p.pos < 0) {
				if (have > s->cfg->max_header)
					conn_refuse(c, 431, "l'intestazione della richiesta è troppo grande");
				else if (!arm_read_deadline(c))
					conn_refuse(c, 408, "la richiesta non è arrivata in tempo");
				return;
			}
			if ((size_t)p.pos + 4 > s->cfg->max_header) {
				conn_refuse(c, 431, "l'intestazione della richiesta è troppo grande");
				return;
			}
			c->in_started = false;
			conn_start_request(c, (size_t)p.pos + 4);
		} else {
			if (evbuffer_get_length(in) < c->body_need) {
				if (!arm_read_deadline(c))
					conn_refuse(c, 408, "la richiesta non è arrivata in tempo");
				return;
			}
			http_req *r = c->req;
			char *body = arena_alloc(r->a, c->body_need + 1);
			evbuffer_remove(in, body, c->body_need);
			body[c->body_need] = '\0';
			r->body = body;
			r->body_len = c->body_need;
			c->state = C_HEAD; /* provisional: dispatch moves it on */
			c->in_started = false;
			conn_dispatch(c);
		}
	}
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn *c = arg;
	if (c->state == C_LINGER) {
		struct evbuffer *in = bufferevent_get_input(bev);
		c->lingered += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->lingered > c->s->cfg->max_body)
			conn_free(c);
		return;
	}
	conn_process(c);
}

/* Closes a refused connection gently: see LINGER_MS. */
static void conn_linger(conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct timeval tv = {LINGER_MS / 1000, (LINGER_MS % 1000) * 1000};
	c->state = C_LINGER;
	c->lingered = evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (shutdown(bufferevent_getfd(c->bev), SHUT_WR) != 0) {
		conn_free(c);
		return;
	}
	bufferevent_disable(c->bev, EV_WRITE);
	bufferevent_set_timeouts(c->bev, &tv, NULL);
	bufferevent_enable(c->bev, EV_READ);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	conn *c = arg;
	if (c->state == C_BUSY) {
		/* A stream's bytes left: wake the worker waiting on back-pressure. */
		pthread_mutex_lock(&c->mu);
		c->backlog = evbuffer_get_length(bufferevent_get_output(bev));
		pthread_cond_broadcast(&c->drained);
		pthread_mutex_unlock(&c->mu);
		return;
	}
	if (c->state != C_FLUSH || evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if (!c->keep_alive || c->s->draining) {
		if (c->linger)
			conn_linger(c);
		else
			conn_free(c);
		return;
	}
	c->state = C_HEAD;
	c->in_started = false;
	c->head_request = false; /* the next answer (even a refusal) has a body */
	bufferevent_set_timeouts(bev, &c->s->keepalive_tv, &c->s->write_tv);
	bufferevent_enable(bev, EV_READ);
	conn_process(c); /* a pipelined request may be waiting */
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	conn *c = arg;
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && c->state == C_BODY) {
		conn_refuse(c, 408, "la richiesta non è arrivata in tempo");
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && c->state == C_HEAD &&
	    evbuffer_get_length(bufferevent_get_input(bev)) > 0) {
		conn_refuse(c, 408, "la richiesta non è arrivata in tempo");
		return;
	}
	if (c->state == C_BUSY) {
		/* The worker still holds the request: the completion it always
		 * posts frees the connection (attn_cb). */
		pthread_mutex_lock(&c->mu);
		c->dead = true;
		pthread_cond_broadcast(&c->drained);
		pthread_mutex_unlock(&c->mu);
		bufferevent_disable(bev, EV_READ | EV_WRITE);
		return;
	}
	conn_free(c);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	server *s = arg;
	if (s->accept_paused) {
		char fields[96];
		snprintf(fields, sizeof(fields), "\"pauses\":%lu,\"connections\":%d", s->accept_pauses, s->nconns);
		log_event(LOG_INFO, "accepting connections again", fields);
		s->accept_paused = false;
		s->accept_pauses = 0;
	}
	if (s->nconns >= s->max_conns) {
		/* Full: closed at once, before any work or memory is spent. */
		close(fd);
		s->conns_refused++;
		s->refused_total++;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!s->refused_ever || now.tv_sec - s->refused_logged.tv_sec >= REFUSED_LOG_EVERY_S) {
			s->refused_ever = true;
			char fields[96];
			snprintf(fields, sizeof(fields), "\"max_connections\":%d,\"refused\":%lu", s->max_conns,
			         s->conns_refused);
			log_event(LOG_WARN, "connection limit reached: new connections are closed", fields);
			s->refused_logged = now;
			s->conns_refused = 0;
		}
		return;
	}
	conn *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->s = s;
	/* A streamed answer ends with a small last chunk written after the
	 * others: with Nagle's algorithm it would wait for the client's
	 * delayed ACK, some 40 ms, on every keep-alive request. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->pending = evbuffer_new();
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->drained, NULL);
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, c->addr, sizeof(c->addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, c->addr, sizeof(c->addr));
	if (s->ssl) {
		SSL *ssl = SSL_new(s->ssl);
		/* Never fall back to plain text when TLS is configured. */
		if (ssl == NULL) {
			close(fd);
			evbuffer_free(c->pending);
			free(c);
			return;
		}
		c->bev =
		    bufferevent_openssl_socket_new(s->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	} else {
		c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (c->bev == NULL) {
		close(fd);
		evbuffer_free(c->pending);
		free(c);
		return;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	c->state = C_HEAD;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_set_timeouts(c->bev, &s->keepalive_tv, &s->write_tv);
	bufferevent_enable(c->bev, EV_READ);
}

static void accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	server *s = arg;
	if (s->listener != NULL && !s->draining)
		evconnlistener_enable(s->listener);
}

/* accept() failed for a reason other than "try again". Out of descriptors
 * the pending connection stays in the backlog and the listener would fire
 * again at once: listening pauses (as OpenBSD httpd's server_accept does)
 * and the episode is logged once, not every attempt. */
static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	server *s = arg;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = {ACCEPT_PAUSE_MS / 1000, (ACCEPT_PAUSE_MS % 1000) * 1000};
	evconnlistener_disable(l);
	evtimer_add(s->accept_resume_ev, &tv);
	s->accept_pauses++;
	s->pauses_total[err == EMFILE ? PAUSE_EMFILE : err == ENFILE ? PAUSE_ENFILE : PAUSE_OTHER]++;
	if (!s->accept_paused) {
		char fields[200], why[120];
		snprintf(fields, sizeof(fields), "\"error\":\"%s\",\"connections\":%d,\"pause_ms\":%d",
		         log_escape(why, sizeof(why), strerror(err)), s->nconns, ACCEPT_PAUSE_MS);
		log_event(LOG_ERROR, "accept failed: accepting pauses until it succeeds again", fields);
		s->accept_paused = true;
	}
}

/* libevent's own warnings, as JSON lines like every other. */
static void libevent_log_cb(int severity, const char *msg)
{
	log_event(severity >= EVENT_LOG_ERR    ? LOG_ERROR
	          : severity >= EVENT_LOG_WARN ? LOG_WARN
	                                       : LOG_DEBUG,
	          msg, "\"source\":\"libevent\"");
}

/* ---- worker side ---- */

static void *worker_start(void *ctx)
{
	server *s = ctx;
	return db_new(s->cfg);
}

static void worker_stop(void *ctx, void *state)
{
	db_free(state);
}

static void worker_run(void *ctx, void *state, void *job)
{
	conn *c = job;
	http_req *r = c->req;
	r->db = state;
	c->s->dispatch(r);
	db_reset(r->db);
	r->db = NULL;
	server *s = c->s;
	pthread_mutex_lock(&c->mu);
	/* A streamed answer's status is fixed at http_stream_begin; a handler
	 * that answers an error afterwards failed half-way through. */
	c->stream_failed = c->stream_on && r->status != c->stream_status;
	c->job_done = true;
	/* Listed before c->mu is released: once the I/O thread can see
	 * job_done it may free c, so c must not be touched after this. */
	conn_enqueue(c);
	pthread_mutex_unlock(&c->mu);
	event_active(s->attn_ev, EV_READ, 0);
}

/* The worker's connection, reached through the request's stream slot (set
 * for worker routes only; inline routes answer whole). */
static conn *conn_of(http_req *r)
{
	return r->stream ? ((struct http_stream *)r->stream)->c : NULL;
}

void http_stream_begin(http_req *r, int status, const char *content_type)
{
	r->status = status;
	r->content_type = content_type;
	r->resp_len = 0;
	conn *c = conn_of(r);
	if (c == NULL)
		return;
	/* The head is written later by the I/O thread: it takes the status and
	 * headers as they are now. Handlers set every header before this. */
	pthread_mutex_lock(&c->mu);
	c->stream_status = status;
	c->stream_ctype = content_type;
	c->stream_hdrs = r->resp_headers;
	c->stream_nhdrs = r->nresp;
	c->stream_on = true;
	pthread_mutex_unlock(&c->mu);
	conn_notify(c);
}

void http_stream_write(http_req *r, const void *buf, size_t len)
{
	conn *c = conn_of(r);
	if (c == NULL) {
		http_append(r, buf, len); /* inline route: answer whole */
		return;
	}
	pthread_mutex_lock(&c->mu);
	while (!c->dead && c->backlog + evbuffer_get_length(c->pending) > STREAM_HIGH_WATER)
		pthread_cond_wait(&c->drained, &c->mu);
	if (!c->dead)
		evbuffer_add(c->pending, buf, len);
	pthread_mutex_unlock(&c->mu);
	conn_notify(c);
}

void http_stream_end(http_req *r)
{
	/* Nothing to do: the worker's completion flushes the last chunk. */
	(void)r;
}

/* ---- lifecycle ---- */

static void drain_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	server *s = arg;
	log_msg(LOG_WARN, "drain deadline reached with %d connections open", s->nconns);
	event_base_loopbreak(s->base);
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	server *s = arg;
	if (s->draining)
		return;
	log_msg(LOG_INFO, "signal %d: stopping, finishing in-flight requests", (int)sig);
	if (s->listener) {
		/* Connections the kernel completed but we have not accepted yet
		 * may carry a request already sent: take them before closing. */
		evutil_socket_t lfd = evconnlistener_get_fd(s->listener);
		for (int i = 0; i < s->max_conns; i++) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0)
				break;
			accept_cb(s->listener, fd, (struct sockaddr *)&ss, (int)sl, s);
		}
		evconnlistener_free(s->listener);
		s->listener = NULL;
	}
	s->draining = true;
	conn *c = s->conns;
	while (c) {
		conn *next = c->next;
		char b;
		/* An idle connection closes, unless a request already waits in
		 * the socket unread. */
		if (c->state == C_HEAD && evbuffer_get_length(bufferevent_get_input(c->bev)) == 0 &&
		    recv(bufferevent_getfd(c->bev), &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
			conn_free(c);
		else
			c->keep_alive = false;
		c = next;
	}
	struct timeval tv = {DRAIN_DEADLINE_MS / 1000, (DRAIN_DEADLINE_MS % 1000) * 1000};
	s->deadline_ev = evtimer_new(s->base, drain_deadline_cb, s);
	evtimer_add(s->deadline_ev, &tv);
	if (s->nconns == 0)
		event_base_loopexit(s->base, NULL);
}

static SSL_CTX *tls_context(const config *cfg, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	return ctx;
fail:
	snprintf(err, errlen, "TLS: cannot load certificate or key: %s",
	         ERR_reason_error_string(ERR_get_error()) ? ERR_reason_error_string(ERR_get_error()) : "unknown");
	SSL_CTX_free(ctx);
	return NULL;
}

static const workers_ops ops = {worker_start, worker_stop, worker_run};

server *server_new(const config *cfg, http_handler dispatch, char *err, size_t errlen)
{
	server *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg = cfg;
	s->dispatch = dispatch;
	pthread_mutex_init(&s->attn_mu, NULL);
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	s->base = event_base_new();
	if (s->base == NULL) {
		snprintf(err, errlen, "event_base_new failed");
		goto fail;
	}
	event_set_log_callback(libevent_log_cb);
	s->max_conns = cfg->max_connections > 0 ? cfg->max_connections : config_default_connections(cfg->workers);
	s->mem_max = cfg->max_request_memory;
	s->keepalive_tv = (struct timeval){cfg->keepalive_timeout_s, 0};
	s->read_tv = (struct timeval){cfg->read_timeout_s, 0};
	s->write_tv = (struct timeval){cfg->write_timeout_s, 0};
	s->proxies = proxy_list_parse(cfg->trusted_proxies, err, errlen);
	if (s->proxies == NULL)
		goto fail;
	s->public_rate = ratelimit_new(cfg->public_rate, cfg->public_burst);
	if (cfg->public_rate > 0 && s->public_rate == NULL) {
		snprintf(err, errlen, "no memory for the rate limit");
		goto fail;
	}
	if (cfg->tls_cert[0] && cfg->tls_key[0]) {
		s->ssl = tls_context(cfg, err, errlen);
		if (s->ssl == NULL)
			goto fail;
	}
	struct sockaddr_storage ss;
	int sslen = sizeof(ss);
	char hostport[CONFIG_STR_MAX + 16];
	if (strchr(cfg->listen_host, ':') != NULL) /* IPv6: brackets around the address */
		snprintf(hostport, sizeof(hostport), "[%s]:%d", cfg->listen_host, cfg->listen_port);
	else
		snprintf(hostport, sizeof(hostport), "%s:%d", cfg->listen_host, cfg->listen_port);
	memset(&ss, 0, sizeof(ss));
	/* libevent refuses port 0 ("any free port", which the tests use): parse
	 * the address with a placeholder port, then set the real one. */
	char parse_as[CONFIG_STR_MAX + 16];
	snprintf(parse_as, sizeof(parse_as), strchr(cfg->listen_host, ':') ? "[%s]:1" : "%s:1", cfg->listen_host);
	if (evutil_parse_sockaddr_port(parse_as, (struct sockaddr *)&ss, &sslen) != 0) {
		snprintf(err, errlen, "listen address %s is not an IP address and port", hostport);
		goto fail;
	}
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)cfg->listen_port);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)cfg->listen_port);
	s->listener = evconnlistener_new_bind(s->base, accept_cb, s,
	                                      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024,
	                                      (struct sockaddr *)&ss, sslen);
	if (s->listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", hostport, strerror(errno));
		goto fail;
	}
	evconnlistener_set_error_cb(s->listener, accept_error_cb);
	s->accept_resume_ev = evtimer_new(s->base, accept_resume_cb, s);
	s->attn_ev = event_new(s->base, -1, EV_PERSIST | EV_READ, attn_cb, s);
	s->sigterm_ev = evsignal_new(s->base, SIGTERM, signal_cb, s);
	s->sigint_ev = evsignal_new(s->base, SIGINT, signal_cb, s);
	event_add(s->sigterm_ev, NULL);
	event_add(s->sigint_ev, NULL);
	s->pool = workers_new(cfg->workers, cfg->queue_len, &ops, s);
	if (s->pool == NULL) {
		snprintf(err, errlen, "cannot start %d worker threads", cfg->workers);
		goto fail;
	}
	the_server = s;
	/* Report the bound port: with port 0 the kernel chose it. */
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	int port = cfg->listen_port;
	if (getsockname(evconnlistener_get_fd(s->listener), (struct sockaddr *)&bound, &blen) == 0)
		port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
		                                         : ((struct sockaddr_in *)&bound)->sin_port);
	char fields[CONFIG_STR_MAX + 256], host[CONFIG_STR_MAX];
	snprintf(fields, sizeof(fields),
	         "\"host\":\"%s\",\"port\":%d,\"tls\":%s,\"workers\":%d,\"max_connections\":%d,"
	         "\"max_request_memory\":%zu",
	         log_escape(host, sizeof(host), cfg->listen_host), port, s->ssl ? "true" : "false", cfg->workers,
	         s->max_conns, s->mem_max);
	log_event(LOG_INFO, "listening", fields);
	return s;
fail:
	server_free(s);
	return NULL;
}

void server_set_not_found(server *s, http_handler not_found)
{
	s->not_found = not_found;
}

void server_set_head_check(server *s, http_head_check head)
{
	s->head = head;
}

int server_run(server *s)
{
	event_base_dispatch(s->base);
	/* Past the drain deadline no more bytes leave: a worker waiting for a
	 * stream to drain would wait for ever, so its connection is given up. */
	for (conn *c = s->conns; c; c = c->next) {
		pthread_mutex_lock(&c->mu);
		c->dead = true;
		pthread_cond_broadcast(&c->drained);
		pthread_mutex_unlock(&c->mu);
	}
	workers_stop(s->pool);
	log_msg(LOG_INFO, "stopped");
	return 0;
}

void server_free(server *s)
{
	if (s == NULL)
		return;
	while (s->conns) {
		conn *c = s->conns;
		s->conns = c->next;
		if (c->bev)
			bufferevent_free(c->bev);
		request_free(c->req);
		evbuffer_free(c->pending);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->drained);
		free(c);
	}
	if (s->listener)
		evconnlistener_free(s->listener);
	if (s->pool)
		workers_free(s->pool);
	if (s->attn_ev)
		event_free(s->attn_ev);
	if (s->sigterm_ev)
		event_free(s->sigterm_ev);
	if (s->sigint_ev)
		event_free(s->sigint_ev);
	if (s->deadline_ev)
		event_free(s->deadline_ev);
	if (s->accept_resume_ev)
		event_free(s->accept_resume_ev);
	if (s->base)
		event_base_free(s->base);
	SSL_CTX_free(s->ssl);
	proxy_list_free(s->proxies);
	ratelimit_free(s->public_rate);
	pthread_mutex_destroy(&s->attn_mu);
	if (the_server == s)
		the_server = NULL;
	free(s);
}

int server_workers_busy(void)
{
	return the_server && the_server->pool ? workers_busy(the_server->pool) : 0;
}

int server_workers_size(void)
{
	return the_server && the_server->pool ? workers_size(the_server->pool) : 0;
}

int server_queue_len(void)
{
	return the_server && the_server->pool ? workers_queued(the_server->pool) : 0;
}

int server_connections(void)
{
	return the_server ? the_server->nconns : 0;
}

int server_connections_max(void)
{
	return the_server ? the_server->max_conns : 0;
}

unsigned long server_connections_refused(void)
{
	return the_server ? the_server->refused_total : 0;
}

unsigned long server_accept_pauses(server_pause_kind k)
{
	return the_server && k >= 0 && k < PAUSE_KINDS ? the_server->pauses_total[k] : 0;
}

size_t server_request_memory(void)
{
	return the_server ? the_server->mem_inflight : 0;
}
