/* Route table and matching. Patterns are split on '/'; a "{name}" segment
 * matches one non-empty segment, which is percent-decoded and must be valid
 * UTF-8. The table is built once at start-up and read-only afterwards. */
#include "http/router.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define PATTERN_MAX_PARAMS HTTP_MAX_PARAMS
#define PARAM_NAME_MAX 32 /* bytes of a {name}, with its NUL */

static const route *table[ROUTER_MAX_ROUTES];
static const char *files[ROUTER_MAX_ROUTES];
static int count;
static bool frozen;

/* The path parameters of every pattern, described once: a route may override
 * one with a PARAM_PATH entry of its own. */
static const route_param path_params[] = {
    {"tenant", PARAM_PATH, true, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}", "Lo slug dell'ATS (ats-20)"},
    {"cycle", PARAM_PATH, true, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}",
     "Lo slug del ciclo di programmazione (2020-2022)"},
    {"key", PARAM_PATH, true, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":16}",
     "La chiave di una sezione del modello di piano (A.1.2)"},
    {"id", PARAM_PATH, true, "{\"type\":\"integer\",\"minimum\":1}", "L'identificativo numerico"},
    {"revision", PARAM_PATH, true, "{\"type\":\"integer\",\"minimum\":1}",
     "Il numero della revisione inviata (1 la prima)"},
    {"other", PARAM_PATH, true, "{\"type\":\"integer\",\"minimum\":1}",
     "La revisione inviata con cui confrontare {revision}"},
    {"version", PARAM_PATH, true, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}",
     "La versione dei file statici (cambia quando cambiano, così possono restare in cache)"},
    {"file", PARAM_PATH, true, "{\"type\":\"string\",\"minLength\":1,\"maxLength\":128}",
     "Il nome di un file statico dell'interfaccia"},
};

/* __FILE__ of this file, to strip the same prefix from the others: the build
 * names sources by a path relative to its own folder ("../core/..."). */
#define ROUTER_SELF "core/http/router.c"

static const char *from_root(const char *file)
{
	size_t n = strlen(__FILE__), self = strlen(ROUTER_SELF);
	if (n >= self && strcmp(__FILE__ + n - self, ROUTER_SELF) == 0 && strncmp(file, __FILE__, n - self) == 0)
		return file + (n - self);
	return file;
}

static bool segment_is(const char *pattern, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{'))
		if (strncmp(p + 1, name, n) == 0 && p[n + 1] == '}')
			return true;
	return false;
}

static const route_param *declared(const route *rt, int in, const char *name, size_t len)
{
	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++)
		if (rt->params[i].in == in && strlen(rt->params[i].name) == len &&
		    strncmp(rt->params[i].name, name, len) == 0)
			return &rt->params[i];
	return NULL;
}

const route_param *router_path_param(const route *rt, const char *name)
{
	const route_param *own = declared(rt, PARAM_PATH, name, strlen(name));
	if (own != NULL)
		return own;
	for (size_t i = 0; i < sizeof(path_params) / sizeof(path_params[0]); i++)
		if (strcmp(path_params[i].name, name) == 0)
			return &path_params[i];
	return NULL;
}

/* NULL when the route is well formed, else why not. */
static const char *route_error(const route *rt)
{
	bool has_tenant = segment_is(rt->pattern, "tenant");
	if (has_tenant && !(rt->flags & ROUTE_TENANT) &&
	    (rt->flags & (ROUTE_PUBLIC | ROUTE_UNSCOPED)) != (ROUTE_PUBLIC | ROUTE_UNSCOPED))
		return "{tenant} without ROUTE_TENANT: the tenant would not be scoped";
	if (!has_tenant && (rt->flags & ROUTE_TENANT))
		return "ROUTE_TENANT without {tenant} in the pattern";
	if ((rt->flags & ROUTE_UNSCOPED) && (!(rt->flags & ROUTE_PUBLIC) || (rt->flags & ROUTE_TENANT)))
		return "ROUTE_UNSCOPED is for public routes only";
	int np = 0;
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (e == NULL || e == p + 1 || ++np > PATTERN_MAX_PARAMS)
			return "a malformed or too many {parameters}";
		char name[PARAM_NAME_MAX];
		size_t len = (size_t)(e - p - 1);
		if (len >= sizeof(name))
			return "a {parameter} name too long";
		memcpy(name, p + 1, len);
		name[len] = '\0';
		if (router_path_param(rt, name) == NULL)
			return "a {parameter} that is not described (router.c path_params)";
	}
	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name; i++) {
		const route_param *pm = &rt->params[i];
		if (pm->schema == NULL || pm->description == NULL || pm->in < PARAM_PATH || pm->in > PARAM_HEADER)
			return "a parameter without schema, description or place";
		if (declared(rt, pm->in, pm->name, strlen(pm->name)) != pm)
			return "a parameter declared twice";
		if (pm->in == PARAM_PATH && !segment_is(rt->pattern, pm->name))
			return "a path parameter not in the pattern";
	}
	return NULL;
}

void router_add_from(const char *file, const route *routes, int n)
{
	assert(!frozen);
	for (int i = 0; i < n; i++) {
		const char *why = route_error(&routes[i]);
		if (why != NULL || count == ROUTER_MAX_ROUTES) {
			fprintf(stderr, "route table: %s %s (%s): %s\n", router_method_name(routes[i].method),
			        routes[i].pattern, from_root(file), why ? why : "more than ROUTER_MAX_ROUTES routes");
			abort();
		}
		files[count] = from_root(file);
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

const char *router_file(int i)
{
	assert(i >= 0 && i < count);
	return files[i];
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
