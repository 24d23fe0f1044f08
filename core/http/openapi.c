/* OpenAPI generation. Paths, parameters, tags and security come from the
 * route table; schemas are hand-written in the JSON files of
 * core/http/openapi/ and referenced by name from it. */
#include "http/openapi.h"

#include <string.h>

#include "base/log.h"
#include "http/router.h"

/* One JSON file per module under core/http/openapi/, each {"schemas": {...}}
 * and optionally "securitySchemes" and "tags" (tag name -> description);
 * embedded at build time. */
#define PART(name)                                                                                                     \
	extern const char openapi_##name[];                                                                            \
	extern const size_t openapi_##name##_len;
PART(base)
PART(identity)
PART(cycles)
PART(plans)
PART(reviews)
PART(public)
PART(compare)
PART(funds)
PART(participation)
PART(monitoring)
#undef PART
static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} parts[] = {
    {"base", openapi_base, &openapi_base_len},
    {"identity", openapi_identity, &openapi_identity_len},
    {"cycles", openapi_cycles, &openapi_cycles_len},
    {"plans", openapi_plans, &openapi_plans_len},
    {"reviews", openapi_reviews, &openapi_reviews_len},
    {"public", openapi_public, &openapi_public_len},
    {"compare", openapi_compare, &openapi_compare_len},
    {"funds", openapi_funds, &openapi_funds_len},
    {"participation", openapi_participation, &openapi_participation_len},
    {"monitoring", openapi_monitoring, &openapi_monitoring_len},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

/* Writes the members of object `key` of every part, merged. */
static void merged(jw *w, json_value **docs, const char *key)
{
	jw_key(w, key);
	jw_obj_begin(w);
	for (size_t i = 0; i < NPARTS; i++) {
		const json_value *o = json_get(docs[i], key);
		for (size_t k = 0; o && o->type == JSON_OBJECT && k < o->u.object.n; k++) {
			jw_key(w, o->u.object.keys[k]);
			jw_value(w, o->u.object.values[k]);
		}
	}
	jw_obj_end(w);
}

static void problem_response(jw *w, const char *code, const char *desc)
{
	jw_key(w, code);
	jw_obj_begin(w);
	jw_kstr(w, "description", desc);
	jw_key(w, "content");
	jw_obj_begin(w);
	jw_key(w, "application/problem+json");
	jw_obj_begin(w);
	jw_key(w, "schema");
	jw_obj_begin(w);
	jw_kstr(w, "$ref", "#/components/schemas/Problem");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void schema_ref(jw *w, const char *media, const char *name)
{
	jw_key(w, "content");
	jw_obj_begin(w);
	jw_key(w, media);
	jw_obj_begin(w);
	jw_key(w, "schema");
	jw_obj_begin(w);
	jw_kstr(w, "$ref", name);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* The media type a request body is sent as: application/json unless its
 * schema names another in "x-media-type" (a merge patch does). */
static const char *request_media(json_value **docs, const char *schema)
{
	for (size_t i = 0; i < NPARTS; i++) {
		const char *media = json_get_str(json_get(json_get(docs[i], "schemas"), schema), "x-media-type");
		if (media != NULL)
			return media;
	}
	return "application/json";
}

/* A parameter's schema, declared as JSON text in the route table. */
static bool schema_text(http_req *r, jw *w, const route_param *pm)
{
	json_value *v;
	char err[128];
	if (json_parse(r->a, pm->schema, strlen(pm->schema), &v, err, sizeof(err)) != JSON_OK) {
		log_msg(LOG_ERROR, "openapi: schema of parameter %s: %s", pm->name, err);
		return false;
	}
	jw_key(w, "schema");
	jw_value(w, v);
	return true;
}

static bool parameter(http_req *r, jw *w, const char *name, size_t len, const route_param *pm)
{
	static const char *const places[] = {[PARAM_PATH] = "path", [PARAM_QUERY] = "query", [PARAM_HEADER] = "header"};
	jw_obj_begin(w);
	jw_key(w, "name");
	jw_strn(w, name, len);
	jw_kstr(w, "in", places[pm->in]);
	jw_kbool(w, "required", pm->in == PARAM_PATH || pm->required);
	jw_kstr(w, "description", pm->description);
	bool ok = schema_text(r, w, pm);
	jw_obj_end(w);
	return ok;
}

/* Path parameters in the order of the pattern, then the declared query and
 * header parameters. */
static bool parameters(http_req *r, jw *w, const route *rt)
{
	bool ok = true;
	jw_key(w, "parameters");
	jw_arr_begin(w);
	for (const char *p = strchr(rt->pattern, '{'); p && ok; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		const char *name = arena_strndup(r->a, p + 1, (size_t)(e - p - 1));
		ok = parameter(r, w, name, strlen(name), router_path_param(rt, name));
	}
	for (int i = 0; i < ROUTE_MAX_PARAMS && rt->params[i].name && ok; i++)
		if (rt->params[i].in != PARAM_PATH)
			ok = parameter(r, w, rt->params[i].name, strlen(rt->params[i].name), &rt->params[i]);
	jw_arr_end(w);
	return ok;
}

/* "GET /api/v1/cycles/{cycle}" -> "get-api-v1-cycles-cycle": unique because
 * method and pattern are, and made only of characters safe in a URL. */
static const char *operation_id(http_req *r, const route *rt)
{
	const char *method = router_method_name(rt->method);
	size_t n = strlen(method);
	char *id = arena_alloc(r->a, n + strlen(rt->pattern) + 1), *o = id;
	for (size_t i = 0; i < n; i++)
		*o++ = (char)(method[i] - 'A' + 'a');
	for (const char *p = rt->pattern; *p; p++) {
		if (*p == '{' || *p == '}')
			continue;
		bool safe =
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
		char c = safe ? *p : '-';
		if (c != '-' || o[-1] != '-')
			*o++ = c;
	}
	while (o[-1] == '-')
		o--;
	*o = '\0';
	return id;
}

/* The tag of a route: the module that registered it, by its file name
 * ("core/cycles/cycles.c" -> "cycles", "auth_routes.c" -> "auth"). */
static const char *route_tag(http_req *r, int i)
{
	const char *file = router_file(i), *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;
	size_t len = strcspn(base, ".");
	static const char suffix[] = "_routes";
	if (len > sizeof(suffix) - 1 && strncmp(base + len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) == 0)
		len -= sizeof(suffix) - 1;
	return arena_strndup(r->a, base, len);
}

/* What the route table says of a route beyond its summary: who may call it,
 * how {tenant} is checked, how the answer comes. */
static const char *description(http_req *r, const route *rt)
{
	const char *text = rt->flags & ROUTE_PUBLIC ? "Senza autenticazione."
	                                            : "Richiede un token di accesso (Authorization: Bearer).";
	if (rt->flags & ROUTE_TENANT)
		text = arena_printf(r->a,
		                    "%s {tenant} è risolto per chi chiama prima di ogni altra cosa: un ATS che non può "
		                    "vedere risponde 404, come uno che non esiste.",
		                    text);
	if (rt->flags & ROUTE_UNSCOPED)
		text = arena_printf(r->a, "%s {tenant} nomina l'ATS di un documento pubblicato, leggibile da chiunque.",
		                    text);
	if (rt->flags & ROUTE_STREAM)
		text = arena_printf(r->a, "%s La risposta è trasmessa a blocchi (Transfer-Encoding: chunked).", text);
	if (rt->method != HTTP_GET && rt->method != HTTP_HEAD && rt->method != HTTP_OPTIONS &&
	    !(rt->flags & ROUTE_OWN_TX))
		text = arena_printf(r->a,
		                    "%s Il cambiamento e la sua riga nel log di audit sono salvati nella stessa "
		                    "transazione: una richiesta rifiutata non cambia nulla.",
		                    text);
	return text;
}

static bool operation(http_req *r, jw *w, json_value **docs, int i)
{
	const route *rt = router_at(i);
	static const char *const methods[] = {"GET",   "get",   "POST",   "post",   "PUT",     "put",
	                                      "PATCH", "patch", "DELETE", "delete", "OPTIONS", "options"};
	const char *method = router_method_name(rt->method), *key = "options";
	for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k += 2)
		if (strcmp(method, methods[k]) == 0)
			key = methods[k + 1];
	jw_key(w, key);
	jw_obj_begin(w);
	jw_kstr(w, "summary", rt->summary);
	jw_kstr(w, "description", description(r, rt));
	jw_kstr(w, "operationId", operation_id(r, rt));
	jw_key(w, "tags");
	jw_arr_begin(w);
	jw_str(w, route_tag(r, i));
	jw_arr_end(w);
	bool ok = parameters(r, w, rt);
	if (rt->flags & ROUTE_PUBLIC) {
		jw_key(w, "security");
		jw_arr_begin(w);
		jw_arr_end(w);
	}
	if (rt->request_schema) {
		jw_key(w, "requestBody");
		jw_obj_begin(w);
		jw_kbool(w, "required", true);
		schema_ref(w, request_media(docs, rt->request_schema),
		           arena_printf(r->a, "#/components/schemas/%s", rt->request_schema));
		jw_obj_end(w);
	}
	jw_key(w, "responses");
	jw_obj_begin(w);
	jw_key(w, rt->method == HTTP_POST ? "2XX" : rt->method == HTTP_DELETE ? "204" : "200");
	jw_obj_begin(w);
	jw_kstr(w, "description", "Success");
	if (rt->response_schema)
		schema_ref(w, "application/json", arena_printf(r->a, "#/components/schemas/%s", rt->response_schema));
	jw_obj_end(w);
	problem_response(w, "4XX", "The request was refused; the problem document says why");
	problem_response(w, "5XX", "Server or database trouble");
	jw_obj_end(w);
	jw_obj_end(w);
	return ok;
}

/* The tags in the order of first use, each with its description from the
 * parts' "tags" objects. */
static void tags(http_req *r, jw *w, json_value **docs)
{
	int n = router_count();
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		if (router_at(i)->flags & ROUTE_PAGE)
			continue; /* pages are not in the document: neither are their tags */
		/* One tag a file: compared by file, without building every tag. */
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = !(router_at(j)->flags & ROUTE_PAGE) && strcmp(router_file(j), router_file(i)) == 0;
		if (seen)
			continue;
		const char *tag = route_tag(r, i);
		jw_obj_begin(w);
		jw_kstr(w, "name", tag);
		for (size_t k = 0; k < NPARTS; k++) {
			const char *desc = json_get_str(json_get(docs[k], "tags"), tag);
			if (desc != NULL)
				jw_kstr(w, "description", desc);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void openapi_render(http_req *r)
{
	json_value *docs[NPARTS];
	char err[128];
	for (size_t i = 0; i < NPARTS; i++)
		if (json_parse(r->a, parts[i].text, *parts[i].len, &docs[i], err, sizeof(err)) != JSON_OK) {
			http_problemf(r, 500, "la parte %s del documento OpenAPI non è valida: %s", parts[i].name, err);
			return;
		}
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kstr(w, "openapi", "3.1.0");
	jw_key(w, "info");
	jw_obj_begin(w);
	jw_kstr(w, "title", "ambito");
	jw_kstr(w, "version", AMBITO_VERSION);
	jw_kstr(w, "description",
	        "Piani Sociali d'Ambito: the Region publishes the planning cycle, each "
	        "ATS drafts and submits its plan, plans are compared across ATS. An account whose "
	        "password the region_admin reset gets 403 with code password_change_required on every "
	        "route but GET /api/v1/me and PUT /api/v1/me/password until it sets a new one.");
	jw_obj_end(w);
	/* The server that serves this document: relative, so it holds behind
	 * any host name or proxy. */
	jw_key(w, "servers");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_kstr(w, "url", "/");
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "security");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_key(w, "bearer");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "paths");
	jw_obj_begin(w);
	int n = router_count();
	bool ok = true;
	for (int i = 0; i < n && ok; i++) {
		const route *rt = router_at(i);
		if (rt->flags & ROUTE_PAGE)
			continue; /* the web interface is not part of the API */
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(router_at(j)->pattern, rt->pattern) == 0;
		if (seen)
			continue;
		jw_key(w, rt->pattern);
		jw_obj_begin(w);
		for (int j = i; j < n && ok; j++)
			if (strcmp(router_at(j)->pattern, rt->pattern) == 0)
				ok = operation(r, w, docs, j);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	tags(r, w, docs);
	jw_key(w, "components");
	jw_obj_begin(w);
	merged(w, docs, "securitySchemes");
	merged(w, docs, "schemas");
	jw_obj_end(w);
	jw_obj_end(w);
	if (ok) {
		http_json_end(r, w, 200);
	} else {
		/* A route table the document cannot describe is a bug: say so
		 * rather than serve half a document. */
		jw_free(w);
		http_problem(r, 500, "il documento OpenAPI non si può generare dalla tabella delle rotte");
	}
}
