/* HTTP/1.x request head parser (RFC 9112), strict by design. */
#include "http/http_parse.h"

#include <string.h>
#include <strings.h>

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int method_id(const char *m)
{
	static const struct {
		const char *name;
		int id;
	} methods[] = {{"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},     {"POST", HTTP_POST},      {"PUT", HTTP_PUT},
	               {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OPTIONS}};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].id;
	return 0;
}

/* Visible ASCII in the target; anything else must be percent-encoded. */
static bool target_ok(const char *t, size_t n)
{
	if (n == 0 || t[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c <= 0x20 || c >= 0x7F || c == '#')
			return false;
	}
	return true;
}

static bool header_has_token(const char *value, const char *token)
{
	size_t tl = strlen(token);
	const char *p = value;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		size_t k = n;
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k == tl && strncasecmp(p, token, tl) == 0)
			return true;
		p += n;
	}
	return false;
}

int http_parse_head(arena *a, const char *head, size_t len, http_head *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	out->content_length = -1;
	*why = "richiesta malformata";

	const char *end = head + len;
	const char *eol = memchr(head, '\r', len);
	if (eol == NULL || eol + 1 >= end || eol[1] != '\n')
		return 400;
	/* Request line: method SP target SP version */
	const char *sp1 = memchr(head, ' ', (size_t)(eol - head));
	if (sp1 == NULL || sp1 == head)
		return 400;
	const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 == NULL)
		return 400;
	for (const char *c = head; c < sp1; c++)
		if (!is_tchar((unsigned char)*c))
			return 400;
	out->method_name = arena_strndup(a, head, (size_t)(sp1 - head));
	out->method = method_id(out->method_name);
	size_t tlen = (size_t)(sp2 - sp1 - 1);
	if (!target_ok(sp1 + 1, tlen)) {
		*why = "la destinazione della richiesta deve essere un percorso assoluto";
		return 400;
	}
	out->target = arena_strndup(a, sp1 + 1, tlen);
	const char *q = strchr(out->target, '?');
	out->path = q ? arena_strndup(a, out->target, (size_t)(q - out->target)) : out->target;
	out->query = q ? q + 1 : "";
	size_t vlen = (size_t)(eol - sp2 - 1);
	if (vlen != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1')) {
		*why = "si accettano solo HTTP/1.0 e HTTP/1.1";
		return vlen == 8 && memcmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
	}
	out->minor = sp2[8] - '0';
	out->keep_alive = out->minor == 1;

	out->headers = arena_calloc(a, HTTP_MAX_HEADERS, sizeof(http_header));
	const char *p = eol + 2;
	bool have_host = false;
	while (p < end) {
		const char *le = memchr(p, '\r', (size_t)(end - p));
		if (le == NULL || le + 1 >= end || le[1] != '\n')
			return 400;
		if (le == p)
			break; /* the blank line */
		if (*p == ' ' || *p == '\t') {
			*why = "le righe di intestazione ripiegate non sono accettate";
			return 400;
		}
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon == NULL || colon == p)
			return 400;
		for (const char *c = p; c < colon; c++)
			if (!is_tchar((unsigned char)*c)) {
				*why = "nome di intestazione non valido";
				return 400;
			}
		const char *v = colon + 1, *ve = le;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++) {
			unsigned char ch = (unsigned char)*c;
			if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
				*why = "caratteri di controllo nel valore di un'intestazione";
				return 400;
			}
		}
		if (out->nheaders == HTTP_MAX_HEADERS) {
			*why = "troppe intestazioni";
			return 431;
		}
		http_header *h = &out->headers[out->nheaders++];
		h->name = arena_strndup(a, p, (size_t)(colon - p));
		h->value = arena_strndup(a, v, (size_t)(ve - v));

		if (strcasecmp(h->name, "Content-Length") == 0) {
			if (out->content_length >= 0) {
				*why = "più di un Content-Length";
				return 400;
			}
			size_t n = strlen(h->value);
			if (n == 0 || n > 15 || strspn(h->value, "0123456789") != n) {
				*why = "Content-Length non valido";
				return 400;
			}
			out->content_length = 0;
			for (size_t i = 0; i < n; i++)
				out->content_length = out->content_length * 10 + (h->value[i] - '0');
		} else if (strcasecmp(h->name, "Transfer-Encoding") == 0) {
			*why = "i corpi a blocchi (chunked) non sono accettati: inviare Content-Length";
			return 501;
		} else if (strcasecmp(h->name, "Connection") == 0) {
			if (header_has_token(h->value, "close"))
				out->keep_alive = false;
			else if (header_has_token(h->value, "keep-alive"))
				out->keep_alive = true;
		} else if (strcasecmp(h->name, "Expect") == 0) {
			if (strcasecmp(h->value, "100-continue") != 0) {
				*why = "Expect non supportato";
				return 400; /* RFC says 417; rare enough */
			}
			out->expect_continue = true;
		} else if (strcasecmp(h->name, "Host") == 0) {
			if (have_host) {
				*why = "più di un Host";
				return 400;
			}
			have_host = true;
		}
		p = le + 2;
	}
	if (out->minor == 1 && !have_host) {
		*why = "HTTP/1.1 richiede Host";
		return 400;
	}
	return 0;
}
