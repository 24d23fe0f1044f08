/* Trusted proxies and the forwarded client address. The chain is read from
 * the right because each proxy appends the address it saw: the right-most
 * entries were written by our own proxies, anything left of the first
 * untrusted one may be the client's invention. */
#include "http/proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;
} net;

struct proxy_list {
	size_t n;
	net nets[PROXY_MAX_NETS];
};

/* Text to address; an IPv4-mapped IPv6 address becomes IPv4, so a dual-stack
 * listener's peers match IPv4 entries. */
static bool parse_addr(const char *s, int *family, unsigned char out[16])
{
	unsigned char v6[16];
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, v6) != 1)
		return false;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(v6, mapped, sizeof(mapped)) == 0) {
		memcpy(out, v6 + 12, 4);
		*family = AF_INET;
	} else {
		memcpy(out, v6, 16);
		*family = AF_INET6;
	}
	return true;
}

static bool in_net(const net *n, int family, const unsigned char *a)
{
	if (n->family != family)
		return false;
	int full = n->bits / 8, rest = n->bits % 8;
	if (memcmp(n->addr, a, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

proxy_list *proxy_list_parse(const char *spec, char *err, size_t errlen)
{
	proxy_list *l = calloc(1, sizeof(*l));
	if (l == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *p = spec ? spec : "";
	while (*p != '\0') {
		size_t skip = strspn(p, " ,\t");
		p += skip;
		size_t len = strcspn(p, " ,\t");
		if (len == 0)
			break;
		char item[PROXY_ADDR_MAX];
		if (len >= sizeof(item)) {
			snprintf(err, errlen, "trusted_proxies: entry too long: %.*s…", 20, p);
			goto fail;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		if (l->n == PROXY_MAX_NETS) {
			snprintf(err, errlen, "trusted_proxies: more than %d entries", PROXY_MAX_NETS);
			goto fail;
		}
		net *n = &l->nets[l->n];
		char *slash = strchr(item, '/');
		long bits = -1;
		if (slash != NULL) {
			char *end;
			*slash = '\0';
			bits = strtol(slash + 1, &end, 10);
			if (slash[1] < '0' || slash[1] > '9' || *end != '\0')
				bits = -2;
		}
		if (!parse_addr(item, &n->family, n->addr)) {
			snprintf(err, errlen, "trusted_proxies: %s is not an IPv4 or IPv6 address", item);
			goto fail;
		}
		int max = n->family == AF_INET ? 32 : 128;
		if (bits == -1)
			bits = max;
		if (bits < 0 || bits > max) {
			snprintf(err, errlen, "trusted_proxies: bad prefix length after %s (0 to %d)", item, max);
			goto fail;
		}
		n->bits = (int)bits;
		l->n++;
	}
	return l;

fail:
	free(l);
	return NULL;
}

void proxy_list_free(proxy_list *l)
{
	free(l);
}

static bool trusted_bin(const proxy_list *l, int family, const unsigned char *a)
{
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (in_net(&l->nets[i], family, a))
			return true;
	return false;
}

bool proxy_trusted(const proxy_list *l, const char *addr)
{
	int family;
	unsigned char a[16];
	return addr != NULL && parse_addr(addr, &family, a) && trusted_bin(l, family, a);
}

/* One hop of the chain, [s, s+n): an address with optional brackets, port or
 * quotes (Forwarded: for="[2001:db8::1]:4711"). Canonical text into out, or
 * false when it is no address ("unknown", "_hidden", garbage). */
static bool hop_addr(const char *s, size_t n, int *family, unsigned char bin[16])
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	if (n == 0 || n >= PROXY_ADDR_MAX)
		return false;
	char buf[PROXY_ADDR_MAX];
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close == NULL)
			return false;
		size_t after = n - (size_t)(close - s) - 1;
		if (after != 0 && close[1] != ':')
			return false;
		n = (size_t)(close - s) - 1;
		memcpy(buf, s + 1, n);
	} else {
		memcpy(buf, s, n);
		/* IPv4 with a port: one colon. IPv6 without brackets has several. */
		const char *colon = memchr(s, ':', n);
		if (colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - s) - 1) == NULL)
			n = (size_t)(colon - s);
	}
	buf[n] = '\0';
	return parse_addr(buf, family, bin);
}

/* A hop's span: the value of for= in one Forwarded element, the element
 * itself in X-Forwarded-For. */
typedef struct span {
	const char *s;
	size_t n;
} span;

/* Splits value on commas outside quotes into hops appended to v (at most
 * cap, the right-most kept). With forwarded, each element's for= value. */
static void split_hops(const char *value, bool forwarded, span *v, size_t *nv, size_t cap)
{
	const char *p = value;
	while (*p != '\0') {
		const char *start = p;
		bool quoted = false;
		while (*p != '\0' && (quoted || *p != ',')) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '\\' && quoted && p[1] != '\0')
				p++;
			p++;
		}
		span h = {start, (size_t)(p - start)};
		if (forwarded) {
			/* pairs separated by ';': find for= */
			span found = {"", 0};
			const char *q = start;
			while (q < p) {
				while (q < p && (*q == ' ' || *q == ';'))
					q++;
				const char *pe = q;
				bool qq = false;
				while (pe < p && (qq || *pe != ';')) {
					if (*pe == '"')
						qq = !qq;
					pe++;
				}
				if (pe - q > 4 && strncasecmp(q, "for=", 4) == 0)
					found = (span){q + 4, (size_t)(pe - q - 4)};
				q = pe;
			}
			h = found;
		}
		if (*nv == cap) { /* keep the right-most cap hops */
			memmove(v, v + 1, (cap - 1) * sizeof(*v));
			(*nv)--;
		}
		v[(*nv)++] = h;
		if (*p == ',')
			p++;
	}
}

/* The right-most value of a comma list, trimmed, compared with want. */
static bool last_is(const char *value, const char *want)
{
	const char *comma = strrchr(value, ',');
	const char *s = comma ? comma + 1 : value;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == strlen(want) && strncasecmp(s, want, n) == 0;
}

/* proto= of the right-most Forwarded element. */
static bool forwarded_https(const char *value)
{
	const char *comma = strrchr(value, ',');
	const char *s = comma ? comma + 1 : value;
	for (const char *q = s; (q = strcasestr(q, "proto=")) != NULL; q += 6) {
		if (q != s && q[-1] != ';' && q[-1] != ' ')
			continue;
		const char *v = q + 6;
		if (*v == '"')
			v++;
		return strncasecmp(v, "https", 5) == 0 && (v[5] == '\0' || strchr("\"; ,", v[5]) != NULL);
	}
	return false;
}

const char *proxy_client(arena *a, const proxy_list *l, const char *peer, const http_header *h, size_t nh, bool *https)
{
	*https = false;
	int family;
	unsigned char bin[16];
	if (peer == NULL || !parse_addr(peer, &family, bin) || !trusted_bin(l, family, bin))
		return peer;

	span hops[PROXY_MAX_HOPS];
	size_t n = 0;
	bool have_forwarded = false;
	for (size_t i = 0; i < nh; i++)
		if (strcasecmp(h[i].name, "Forwarded") == 0)
			have_forwarded = true;
	const char *proto = NULL;
	for (size_t i = 0; i < nh; i++) {
		if (have_forwarded && strcasecmp(h[i].name, "Forwarded") == 0) {
			split_hops(h[i].value, true, hops, &n, PROXY_MAX_HOPS);
			*https = forwarded_https(h[i].value);
		} else if (!have_forwarded && strcasecmp(h[i].name, "X-Forwarded-For") == 0) {
			split_hops(h[i].value, false, hops, &n, PROXY_MAX_HOPS);
		}
		if (strcasecmp(h[i].name, "X-Forwarded-Proto") == 0)
			proto = h[i].value;
	}
	if (proto != NULL)
		*https = last_is(proto, "https");

	/* From the right: our proxies, then the client. */
	int cf = family;
	unsigned char cb[16];
	memcpy(cb, bin, sizeof(cb));
	for (size_t i = n; i-- > 0;) {
		int f;
		unsigned char b[16];
		if (!hop_addr(hops[i].s, hops[i].n, &f, b))
			break; /* the trusted hop that wrote it is the client we know */
		cf = f;
		memcpy(cb, b, sizeof(cb));
		if (!trusted_bin(l, f, b))
			break;
	}
	char *out = arena_alloc(a, INET6_ADDRSTRLEN);
	if (inet_ntop(cf, cb, out, INET6_ADDRSTRLEN) == NULL)
		return peer;
	return out;
}
