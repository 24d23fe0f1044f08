/* multipart/form-data, strictly: CRLF line ends, the boundary from the
 * Content-Type, every part named by its Content-Disposition, and the closing
 * delimiter required, so a cut body is refused rather than read short. */
#include "http/multipart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The boundary parameter of a multipart/form-data type into out. */
static bool boundary_of(const char *type, char out[MULTIPART_BOUNDARY_MAX + 1])
{
	static const char prefix[] = "multipart/form-data";
	if (type == NULL || strncasecmp(type, prefix, sizeof(prefix) - 1) != 0)
		return false;
	const char *p = type + sizeof(prefix) - 1;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) == 0) {
			p += 9;
			bool quoted = *p == '"';
			p += quoted;
			size_t n = 0;
			while (*p && (quoted ? *p != '"' : (*p != ';' && *p != ' ' && *p != '\t'))) {
				if (n == MULTIPART_BOUNDARY_MAX || (unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
					return false;
				out[n++] = *p++;
			}
			if (quoted && *p != '"')
				return false;
			out[n] = '\0';
			return n > 0;
		}
		while (*p && *p != ';')
			p++;
	}
	return false;
}

/* The value of param (name= or filename=) in a Content-Disposition line of
 * len bytes, quoted or not; NULL when absent or too long. */
static const char *disposition_param(arena *a, const char *line, size_t len, const char *param)
{
	size_t plen = strlen(param);
	for (size_t i = 0; i + plen < len; i++) {
		if ((i > 0 && line[i - 1] != ';' && line[i - 1] != ' ') || strncasecmp(line + i, param, plen) != 0 ||
		    line[i + plen] != '=')
			continue;
		const char *v = line + i + plen + 1, *end = line + len;
		bool quoted = v < end && *v == '"';
		v += quoted;
		const char *e = v;
		while (e < end && (quoted ? *e != '"' : (*e != ';' && *e != ' ')))
			e++;
		if ((quoted && e == end) || (size_t)(e - v) > MULTIPART_NAME_MAX || memchr(v, '\0', (size_t)(e - v)))
			return NULL;
		return arena_strndup(a, v, (size_t)(e - v));
	}
	return NULL;
}

/* Reads the head of a part, head_len bytes without the blank line. */
static bool read_head(arena *a, const char *head, size_t head_len, multipart_part *part)
{
	const char *p = head, *end = head + head_len;
	while (p < end) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n > 20 && strncasecmp(p, "Content-Disposition:", 20) == 0) {
			const char *v = p + 20;
			while (v < p + n && *v == ' ')
				v++;
			if ((size_t)(p + n - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
				return false;
			part->name = disposition_param(a, v, (size_t)(p + n - v), "name");
			part->filename = disposition_param(a, v, (size_t)(p + n - v), "filename");
		} else if (n > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
			const char *v = p + 13;
			while (v < p + n && *v == ' ')
				v++;
			part->content_type = arena_strndup(a, v, (size_t)(p + n - v));
		}
		p += n + 2;
	}
	return part->name != NULL && *part->name != '\0';
}

int multipart_parse(arena *a, const char *content_type, const char *body, size_t len, multipart_part *parts, size_t max)
{
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	char delim[MULTIPART_BOUNDARY_MAX + 5]; /* CRLF "--" boundary */
	int n = -1;
	if (body == NULL || !boundary_of(content_type, boundary))
		goto done;
	size_t dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The first delimiter opens the body (no preamble from a browser, but
	 * RFC 2046 allows one: it is skipped). */
	const char *p;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else {
		p = memmem(body, len, delim, dlen);
		if (p == NULL)
			goto done;
		p += dlen;
	}
	const char *end = body + len;
	size_t count = 0;
	for (;;) {
		/* After a delimiter: "--" closes, CRLF starts a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			n = (int)count;
			goto done;
		}
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || count == max)
			goto done;
		p += 2;
		size_t room = (size_t)(end - p);
		const char *blank =
		    memmem(p, room < MULTIPART_HEAD_MAX + 4 ? room : MULTIPART_HEAD_MAX + 4, "\r\n\r\n", 4);
		multipart_part *part = &parts[count];
		memset(part, 0, sizeof(*part));
		if (blank == NULL || !read_head(a, p, (size_t)(blank - p), part))
			goto done;
		const char *data = blank + 4;
		const char *next = memmem(data, (size_t)(end - data), delim, dlen);
		if (next == NULL)
			goto done;
		part->data = data;
		part->len = (size_t)(next - data);
		count++;
		p = next + dlen;
	}
done:
	return n;
}

const multipart_part *multipart_get(const multipart_part *parts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}
