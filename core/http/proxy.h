/* Behind a reverse proxy: which peers are trusted (trusted_proxies, addresses
 * or CIDRs, IPv4 and IPv6), and the client address and scheme read from
 * their X-Forwarded-For / Forwarded / X-Forwarded-Proto headers. From any
 * other peer those headers are ignored: anyone can send them. */
#ifndef AMBITO_HTTP_PROXY_H
#define AMBITO_HTTP_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "http/http.h"

#define PROXY_MAX_NETS 64 /* entries in trusted_proxies */
#define PROXY_MAX_HOPS 32 /* forwarded addresses looked at, right to left */
#define PROXY_ADDR_MAX 64 /* longest address text we accept (with port) */

typedef struct proxy_list proxy_list;

/* Parses "10.0.0.1, 192.168.0.0/16 ::1 2001:db8::/32" (commas or spaces).
 * "" gives an empty list (nobody trusted). NULL on a bad entry, with a
 * message in err. Free with proxy_list_free (NULL does nothing). */
proxy_list *proxy_list_parse(const char *spec, char *err, size_t errlen);
void proxy_list_free(proxy_list *l);

/* Whether addr (IPv4 or IPv6 text; an IPv4-mapped IPv6 address counts as
 * its IPv4 one) is in the list. False for text that is no address. */
bool proxy_trusted(const proxy_list *l, const char *addr);

/* The client address of a request whose TCP peer is peer, and in *https
 * whether the nearest trusted proxy says the client spoke HTTPS. When peer
 * is trusted, the forwarded chain (Forwarded's for=, else X-Forwarded-For,
 * every header line in order) is walked from the right and the first address
 * that is not a trusted proxy is the client; past a hop that is not an
 * address, the last trusted one is. The result is canonical text (inet_ntop)
 * in arena a; peer itself when it is not trusted. */
const char *proxy_client(arena *a, const proxy_list *l, const char *peer, const http_header *h, size_t nh, bool *https);

#endif
