/* Unit tests for core/http/proxy.c: trusted_proxies parsing, CIDR matching
 * for IPv4 and IPv6 (mapped addresses included), and the client address and
 * scheme read from X-Forwarded-For, Forwarded and X-Forwarded-Proto. The
 * expected addresses are literals. */
#include "http/proxy.h"

#include <stdlib.h>

#include "check.h"

static char err[256];

static const char *client(const proxy_list *l, const char *peer, const http_header *h, size_t n, bool *https)
{
	static arena *a;
	if (a == NULL)
		a = arena_new();
	return proxy_client(a, l, peer, h, n, https);
}

static void parsing(void)
{
	proxy_list *l = proxy_list_parse("", err, sizeof(err));
	CHECK(l != NULL && !proxy_trusted(l, "127.0.0.1"), "empty list trusts nobody");
	proxy_list_free(l);
	proxy_list_free(NULL);

	static const char *const bad[] = {"10.0.0.1/33", "::1/129",     "10.0.0.1/",   "10.0.0.1/x",  "10.0.0/8",
	                                  "nginx.local", "10.0.0.1/-1", "1.2.3.4/8/9", "fe80::1%eth0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		l = proxy_list_parse(bad[i], err, sizeof(err));
		CHECK(l == NULL && strstr(err, "trusted_proxies") != NULL, "refused: %s", bad[i]);
		proxy_list_free(l);
	}
	l = proxy_list_parse(" 10.1.2.3, 192.168.0.0/16 ,2001:db8::/32\t::1 172.16.0.0/12 0.0.0.0/0", err, sizeof(err));
	CHECK(l != NULL, "list with commas, spaces and tabs parses");
	proxy_list_free(l);
}

static void matching(void)
{
	proxy_list *l = proxy_list_parse("10.1.2.3 192.168.0.0/16 172.16.0.0/12 2001:db8::/32 ::1 fd00:a:b:c0::/58",
	                                 err, sizeof(err));
	CHECK(l != NULL, "list parses");
	static const struct {
		const char *addr;
		bool want;
	} cases[] = {
	    {"10.1.2.3", true},
	    {"10.1.2.4", false},
	    {"192.168.0.0", true},
	    {"192.168.255.255", true},
	    {"192.169.0.1", false},
	    {"172.16.0.1", true},
	    {"172.31.255.255", true},
	    {"172.32.0.0", false},
	    {"172.15.255.255", false},
	    {"2001:db8::1", true},
	    {"2001:DB8:ffff::1", true},
	    {"2001:db9::1", false},
	    {"::1", true},
	    {"::2", false},
	    {"::ffff:10.1.2.3", true},
	    {"::ffff:10.1.2.4", false},
	    {"fd00:a:b:c0::1", true},
	    {"fd00:a:b:ff::1", true},
	    {"fd00:a:b:100::1", false},
	    {"fd00:a:b:bf::1", false},
	    {"", false},
	    {"localhost", false},
	    {"10.1.2.3:80", false},
	    {"10.1.2.3 ", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(proxy_trusted(l, cases[i].addr) == cases[i].want, "%s %s", cases[i].addr,
		      cases[i].want ? "trusted" : "not trusted");
	proxy_list_free(l);

	l = proxy_list_parse("0.0.0.0/0", err, sizeof(err));
	CHECK(proxy_trusted(l, "8.8.8.8") && !proxy_trusted(l, "2001:db8::1"), "/0 matches its family only");
	proxy_list_free(l);
	l = proxy_list_parse("10.1.2.3", err, sizeof(err));
	CHECK(proxy_trusted(l, "::ffff:10.1.2.3"), "IPv4 entry matches the mapped peer of a dual-stack socket");
	proxy_list_free(l);
}

static void forwarded(void)
{
	proxy_list *l = proxy_list_parse("10.0.0.0/8 2001:db8::/32", err, sizeof(err));
	bool https;
	http_header xff[] = {{"X-Forwarded-For", "203.0.113.7"}, {"X-Forwarded-Proto", "https"}};

	CHECK_STR(client(l, "198.51.100.1", xff, 2, &https), "198.51.100.1", "untrusted peer: headers ignored");
	CHECK(!https, "untrusted peer: X-Forwarded-Proto ignored");
	CHECK_STR(client(l, "10.0.0.5", xff, 2, &https), "203.0.113.7", "trusted peer: forwarded client");
	CHECK(https, "trusted peer: X-Forwarded-Proto https");

	http_header chain[] = {{"x-forwarded-for", "1.1.1.1, 203.0.113.7 ,10.0.0.9"}};
	CHECK_STR(client(l, "10.0.0.5", chain, 1, &https), "203.0.113.7",
	          "right-most untrusted: a spoofed left entry is not believed");
	CHECK(!https, "no X-Forwarded-Proto: not secure");

	http_header lines[] = {{"X-Forwarded-For", "1.1.1.1"}, {"Host", "x"}, {"X-Forwarded-For", "10.2.2.2"}};
	CHECK_STR(client(l, "10.0.0.5", lines, 3, &https), "1.1.1.1", "several header lines are one list, in order");

	http_header all_trusted[] = {{"X-Forwarded-For", "10.3.3.3, 10.2.2.2"}};
	CHECK_STR(client(l, "10.0.0.5", all_trusted, 1, &https), "10.3.3.3", "all trusted: the left-most");

	http_header none[] = {{"Host", "x"}};
	CHECK_STR(client(l, "10.0.0.5", none, 1, &https), "10.0.0.5", "trusted peer without headers: the peer");

	http_header garbage[] = {{"X-Forwarded-For", "203.0.113.7, garbage, 10.2.2.2"}};
	CHECK_STR(client(l, "10.0.0.5", garbage, 1, &https), "10.2.2.2",
	          "a hop that is not an address: the trusted hop that wrote it");
	http_header empty[] = {{"X-Forwarded-For", ""}};
	CHECK_STR(client(l, "10.0.0.5", empty, 1, &https), "10.0.0.5", "empty header: the peer");

	http_header ports[] = {{"X-Forwarded-For", "203.0.113.7:4711"}};
	CHECK_STR(client(l, "10.0.0.5", ports, 1, &https), "203.0.113.7", "IPv4 with a port");
	http_header v6[] = {{"X-Forwarded-For", "2001:DB9:0:0::1"}};
	CHECK_STR(client(l, "10.0.0.5", v6, 1, &https), "2001:db9::1", "IPv6 in canonical form");
	http_header v6b[] = {{"X-Forwarded-For", "[2001:db9::2]:443"}};
	CHECK_STR(client(l, "::ffff:10.0.0.5", v6b, 1, &https), "2001:db9::2", "bracketed IPv6 with a port");

	http_header fwd[] = {{"Forwarded", "for=1.1.1.1, for=\"[2001:db9::7]:4711\";proto=https;by=10.0.0.5"},
	                     {"X-Forwarded-For", "198.51.100.99"}};
	CHECK_STR(client(l, "10.0.0.5", fwd, 2, &https), "2001:db9::7", "Forwarded for= wins over X-Forwarded-For");
	CHECK(https, "Forwarded proto=https");
	http_header fwd2[] = {{"Forwarded", "for=203.0.113.7;proto=http, For=10.9.9.9;Proto=HTTPS"}};
	CHECK_STR(client(l, "10.0.0.5", fwd2, 1, &https), "203.0.113.7", "Forwarded: case-insensitive names");
	CHECK(https, "Forwarded: proto of the nearest proxy");
	http_header fwd3[] = {{"Forwarded", "for=unknown, for=10.9.9.9"}};
	CHECK_STR(client(l, "10.0.0.5", fwd3, 1, &https), "10.9.9.9", "Forwarded for=unknown: the trusted hop");
	http_header fwd4[] = {{"Forwarded", "proto=https"}};
	CHECK_STR(client(l, "10.0.0.5", fwd4, 1, &https), "10.0.0.5", "Forwarded without for=: the peer");

	http_header protos[] = {{"X-Forwarded-Proto", "https, http"}};
	client(l, "10.0.0.5", protos, 1, &https);
	CHECK(!https, "X-Forwarded-Proto: the right-most value counts");
	http_header proto2[] = {{"X-Forwarded-Proto", " HTTPS "}};
	client(l, "10.0.0.5", proto2, 1, &https);
	CHECK(https, "X-Forwarded-Proto: case and spaces");
	http_header proto3[] = {{"X-Forwarded-Proto", "httpsx"}};
	client(l, "10.0.0.5", proto3, 1, &https);
	CHECK(!https, "X-Forwarded-Proto: httpsx is not https");

	/* A long chain: only the right-most PROXY_MAX_HOPS hops are read. */
	char many[PROXY_MAX_HOPS * 16 + 64] = "203.0.113.200";
	for (int i = 0; i < PROXY_MAX_HOPS + 5; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), ",10.0.%d.1", i);
	http_header longc[] = {{"X-Forwarded-For", many}};
	const char *got = client(l, "10.0.0.5", longc, 1, &https);
	CHECK(got != NULL && strncmp(got, "10.0.", 5) == 0, "a chain longer than the limit ends at a trusted hop: %s",
	      got ? got : "(null)");
	proxy_list_free(l);
}

int main(void)
{
	parsing();
	matching();
	forwarded();
	return check_done();
}
