/* The outgoing HTTP client: see http_client.h. HTTP/1.0 with
 * "Connection: close", so the answer ends when the peer closes (a chunked
 * answer is decoded all the same). */
#include "http/http_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct url_parts {
	bool tls;
	char host[256];
	char port[8];
	const char *path; /* into the URL: "/..." */
} url_parts;

static SSL_CTX *tls_ctx;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_init(void)
{
	tls_ctx = SSL_CTX_new(TLS_client_method());
	if (tls_ctx == NULL)
		return;
	SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_default_verify_paths(tls_ctx) != 1) {
		SSL_CTX_free(tls_ctx);
		tls_ctx = NULL;
	}
}

static int parse_url(const char *url, url_parts *u)
{
	const char *p;
	if (strncmp(url, "https://", 8) == 0) {
		u->tls = true;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		u->tls = false;
		p = url + 7;
	} else {
		return -1;
	}
	size_t hl = strcspn(p, ":/?#");
	if (hl == 0 || hl >= sizeof(u->host))
		return -1;
	memcpy(u->host, p, hl);
	u->host[hl] = '\0';
	p += hl;
	snprintf(u->port, sizeof(u->port), "%s", u->tls ? "443" : "80");
	if (*p == ':') {
		size_t pl = strspn(p + 1, "0123456789");
		if (pl == 0 || pl >= sizeof(u->port))
			return -1;
		memcpy(u->port, p + 1, pl);
		u->port[pl] = '\0';
		p += 1 + pl;
	}
	if (*p != '/' && *p != '\0')
		return -1;
	u->path = *p ? p : "/";
	for (const char *c = u->path; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -1; /* no spaces nor controls in the request line */
	return 0;
}

/* A TCP connection to host:port within timeout_s, or -1. */
static int dial(const url_parts *u, int timeout_s)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(u->host, u->port, &hints, &res) != 0)
		return -1;
	int fd = -1;
	for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			if (errno != EINPROGRESS || poll(&pfd, 1, timeout_s * 1000) != 1 ||
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
				close(fd);
				fd = -1;
			}
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	/* Blocking from here on, each read and write with the deadline. */
	struct timeval tv = {.tv_sec = timeout_s};
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

typedef struct channel {
	int fd;
	SSL *ssl;
} channel;

static bool send_all(channel *ch, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = ch->ssl ? SSL_write(ch->ssl, buf, (int)len) : send(ch->fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads until the peer closes; -1 on a timeout, an error or past max. */
static ssize_t read_all(channel *ch, char *buf, size_t max)
{
	size_t got = 0;
	for (;;) {
		if (got == max)
			return -1;
		ssize_t n =
		    ch->ssl ? SSL_read(ch->ssl, buf + got, (int)(max - got)) : recv(ch->fd, buf + got, max - got, 0);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0 || (ch->ssl && SSL_get_error(ch->ssl, (int)n) == SSL_ERROR_ZERO_RETURN))
			return (ssize_t)got;
		return -1;
	}
}

/* Decodes a chunked body in place; its new length, or -1. */
static ssize_t dechunk(char *body, size_t len)
{
	size_t in = 0, out = 0;
	for (;;) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(body + in, &end, 16);
		if (end == body + in || errno != 0)
			return -1;
		char *crlf = memmem(end, len - (size_t)(end - body), "\r\n", 2);
		if (crlf == NULL)
			return -1;
		in = (size_t)(crlf - body) + 2;
		if (n == 0)
			return (ssize_t)out;
		if (n > len - in || len - in - n < 2)
			return -1;
		memmove(body + out, body + in, n);
		out += n;
		in += n + 2;
	}
}

static int parse_answer(char *raw, size_t len, http_client_answer *out)
{
	char *head_end = memmem(raw, len, "\r\n\r\n", 4);
	if (head_end == NULL || len < 12 || strncmp(raw, "HTTP/1.", 7) != 0 || raw[8] != ' ')
		return -1;
	*head_end = '\0';
	out->status = atoi(raw + 9);
	if (out->status < 100 || out->status > 599)
		return -1;
	bool chunked = false;
	for (char *line = strstr(raw, "\r\n"); line != NULL; line = strstr(line, "\r\n")) {
		line += 2;
		if (strncasecmp(line, "Content-Type:", 13) == 0) {
			const char *v = line + 13 + strspn(line + 13, " \t");
			size_t vl = strcspn(v, "\r");
			if (vl >= sizeof(out->content_type))
				vl = sizeof(out->content_type) - 1;
			memcpy(out->content_type, v, vl);
			out->content_type[vl] = '\0';
		} else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strstr(line, "chunked") != NULL) {
			chunked = true;
		}
	}
	char *body = head_end + 4;
	size_t blen = len - (size_t)(body - raw);
	if (chunked) {
		ssize_t n = dechunk(body, blen);
		if (n < 0)
			return -1;
		blen = (size_t)n;
	}
	out->body = malloc(blen + 1);
	if (out->body == NULL)
		return -1;
	memcpy(out->body, body, blen);
	out->body[blen] = '\0';
	out->len = blen;
	return 0;
}

int http_client_fetch(const char *method, const char *url, const char *header, const char *content_type,
                      const char *body, size_t body_len, int timeout_s, http_client_answer *out, char *err,
                      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	url_parts u;
	channel ch = {.fd = -1, .ssl = NULL};
	char *req = NULL, *raw = NULL;
	int rc = -1;
	if (strlen(url) > HTTP_CLIENT_MAX_URL || parse_url(url, &u) != 0) {
		snprintf(err, errlen, "URL non valido");
		return -1;
	}
	ch.fd = dial(&u, timeout_s);
	if (ch.fd < 0) {
		snprintf(err, errlen, "connessione a %s:%s non riuscita", u.host, u.port);
		goto done;
	}
	if (u.tls) {
		pthread_once(&tls_once, tls_init);
		if (tls_ctx == NULL || (ch.ssl = SSL_new(tls_ctx)) == NULL || SSL_set_fd(ch.ssl, ch.fd) != 1 ||
		    SSL_set_tlsext_host_name(ch.ssl, u.host) != 1 || SSL_set1_host(ch.ssl, u.host) != 1 ||
		    SSL_connect(ch.ssl) != 1) {
			snprintf(err, errlen, "TLS con %s non riuscito (certificato non valido?)", u.host);
			goto done;
		}
	}
	/* The port belongs in Host unless it is the scheme's own: servers
	 * build their absolute URLs (a provider's endpoints) from it. */
	bool default_port = strcmp(u.port, u.tls ? "443" : "80") == 0;
	int n = asprintf(&req,
	                 "%s %s HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: ambito\r\nAccept: application/json\r\n"
	                 "Connection: close\r\n%s%s",
	                 method, u.path, u.host, default_port ? "" : ":", default_port ? "" : u.port,
	                 header ? header : "", header ? "\r\n" : "");
	if (n < 0) {
		req = NULL;
		goto fail_io;
	}
	char len_line[160] = "";
	if (body != NULL)
		snprintf(len_line, sizeof(len_line), "Content-Type: %s\r\nContent-Length: %zu\r\n",
		         content_type ? content_type : "application/octet-stream", body_len);
	if (!send_all(&ch, req, (size_t)n) || !send_all(&ch, len_line, strlen(len_line)) || !send_all(&ch, "\r\n", 2) ||
	    (body != NULL && !send_all(&ch, body, body_len)))
		goto fail_io;
	raw = malloc(HTTP_CLIENT_MAX_ANSWER + 1);
	if (raw == NULL)
		goto fail_io;
	ssize_t got = read_all(&ch, raw, HTTP_CLIENT_MAX_ANSWER);
	if (got < 0) {
		snprintf(err, errlen, "risposta di %s assente, troppo lenta o più grande di %d byte", u.host,
		         HTTP_CLIENT_MAX_ANSWER);
		goto done;
	}
	raw[got] = '\0';
	if (parse_answer(raw, (size_t)got, out) != 0) {
		snprintf(err, errlen, "risposta HTTP di %s illeggibile", u.host);
		goto done;
	}
	rc = 0;
	goto done;
fail_io:
	snprintf(err, errlen, "scambio con %s interrotto", u.host);
done:
	if (ch.ssl) {
		SSL_shutdown(ch.ssl);
		SSL_free(ch.ssl);
	}
	if (ch.fd >= 0)
		close(ch.fd);
	free(req);
	free(raw);
	if (rc != 0)
		http_client_answer_free(out);
	return rc;
}

void http_client_answer_free(http_client_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}
