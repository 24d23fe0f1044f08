/* Route table and matching. Patterns are split on '/'; a "{name}" segment
 * matches one non-empty segment, which is percent-decoded and must be valid
 * UTF-8. The table is built once at start-up and read-only afterwards. */
#include "http/router.h"

#include <assert.h>
#include <string.h>

#include "base/arena.h"

static const route *table[ROUTER_MAX_ROUTES];
static int count;
static bool frozen;

void router_add(const route *routes, int n)
{
	assert(!frozen);
	for (int i = 0; i < n; i++) {
		assert(count < ROUTER_MAX_ROUTES);
		table[count++] = &routes[i];
	}
}

void router_freeze(void)
{
	frozen = true;
}

int router_count(void)
{
	return count;
}

const route *router_at(int i)
{
	assert(i >= 0 && i < count);
	return table[i];
}

int router_index(const route *rt)
{
	for (int i = 0; i < count; i++)
		if (table[i] == rt)
			return i;
	return -1;
}

const char *router_method_name(int method)
{
	switch (method) {
	case HTTP_GET: return "GET";
	case HTTP_HEAD: return "HEAD";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_PATCH: return "PATCH";
	case HTTP_DELETE: return "DELETE";
	case HTTP_OPTIONS: return "OPTIONS";
	default: return "?";
	}
}

/* Matches path against pattern; fills params on success. -1: no match,
 * -2: matched but a parameter is not decodable (bad escape or UTF-8). */
static int match(http_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int np = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return -1;
		p++;
		s++;
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
		if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || np == HTTP_MAX_PARAMS)
				return -1;
			r->param_names[np] = arena_strndup(r->a, p + 1, plen - 2);
			r->param_values[np] = http_decode(r->a, s, slen, false);
			if (r->param_values[np] == NULL)
				return -2;
			np++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return -1;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return -1;
	r->nparams = np;
	return 0;
}

router_result router_match(http_req *r, int *allowed)
{
	*allowed = 0;
	int method = r->method == HTTP_HEAD ? HTTP_GET : r->method;
	for (int i = 0; i < count; i++) {
		int m = match(r, table[i]->pattern, r->path);
		if (m != 0)
			continue;
		if (table[i]->method == method) {
			r->route = table[i];
			return ROUTER_FOUND;
		}
		*allowed |= table[i]->method;
	}
	r->nparams = 0;
	if (*allowed)
		return ROUTER_BAD_METHOD;
	/* An undecodable parameter (-2) names nothing that exists: 404 too. */
	return ROUTER_NOT_FOUND;
}
