/* OpenAPI generation. Schemas are hand-written in openapi_components.json and
 * referenced by name from the route table. */
#include "http/openapi.h"

#include <string.h>

#include "http/router.h"

/* One JSON file per module under core/openapi/, each {"schemas": {...}} and
 * optionally "securitySchemes"; embedded at build time. */
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
#undef PART
static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} parts[] = {
    {"base", openapi_base, &openapi_base_len},          {"identity", openapi_identity, &openapi_identity_len},
    {"cycles", openapi_cycles, &openapi_cycles_len},    {"plans", openapi_plans, &openapi_plans_len},
    {"reviews", openapi_reviews, &openapi_reviews_len}, {"public", openapi_public, &openapi_public_len},
    {"compare", openapi_compare, &openapi_compare_len},
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

static void operation(http_req *r, jw *w, json_value **docs, const route *rt)
{
	jw_key(w, strcmp(router_method_name(rt->method), "GET") == 0      ? "get"
	          : strcmp(router_method_name(rt->method), "POST") == 0   ? "post"
	          : strcmp(router_method_name(rt->method), "PUT") == 0    ? "put"
	          : strcmp(router_method_name(rt->method), "PATCH") == 0  ? "patch"
	          : strcmp(router_method_name(rt->method), "DELETE") == 0 ? "delete"
	                                                                  : "options");
	jw_obj_begin(w);
	jw_kstr(w, "summary", rt->summary);
	jw_kstr(w, "operationId", arena_printf(r->a, "%s %s", router_method_name(rt->method), rt->pattern));
	/* Path parameters, in order. */
	jw_key(w, "parameters");
	jw_arr_begin(w);
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		jw_obj_begin(w);
		jw_key(w, "name");
		jw_strn(w, p + 1, (size_t)(e - p - 1));
		jw_kstr(w, "in", "path");
		jw_kbool(w, "required", true);
		jw_key(w, "schema");
		jw_obj_begin(w);
		jw_kstr(w, "type", "string");
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
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
}

void openapi_render(http_req *r)
{
	json_value *docs[NPARTS];
	char err[128];
	for (size_t i = 0; i < NPARTS; i++)
		if (json_parse(r->a, parts[i].text, *parts[i].len, &docs[i], err, sizeof(err)) != JSON_OK) {
			http_problemf(r, 500, "openapi part %s: %s", parts[i].name, err);
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
	        "ATS drafts and submits its plan, plans are compared across ATS.");
	jw_obj_end(w);
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
	for (int i = 0; i < n; i++) {
		const route *rt = router_at(i);
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(router_at(j)->pattern, rt->pattern) == 0;
		if (seen)
			continue;
		jw_key(w, rt->pattern);
		jw_obj_begin(w);
		for (int j = i; j < n; j++)
			if (strcmp(router_at(j)->pattern, rt->pattern) == 0)
				operation(r, w, docs, router_at(j));
		jw_obj_end(w);
	}
	jw_obj_end(w);
	jw_key(w, "components");
	jw_obj_begin(w);
	merged(w, docs, "securitySchemes");
	merged(w, docs, "schemas");
	jw_obj_end(w);
	jw_obj_end(w);
	http_json_end(r, w, 200);
}
