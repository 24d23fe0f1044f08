/* Public calls (manifestazione di interesse) and candidacies as data: the
 * ATS's call and a stranger's candidacy read with every field bounded, and
 * their JSON. No database. */
#include <string.h>

#include "http/validate.h"
#include "tenants/participation/participation.h"

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* A list of distinct positive ids, at most max. */
static long long *id_list(field_errors *e, const json_value *obj, const char *key, size_t max, bool required, size_t *n)
{
	const json_value *list = v_array(e, NULL, obj, key, max, required);
	long long *out = arena_calloc(field_errors_arena(e), (list != NULL ? list->u.array.n : 0) + 1, sizeof(*out));
	*n = 0;
	if (list != NULL && required && list->u.array.n == 0)
		field_errors_add(e, key, "indicare almeno un tavolo");
	for (size_t i = 0; list != NULL && i < list->u.array.n; i++) {
		const json_value *v = list->u.array.items[i];
		if (v->type != JSON_NUMBER || !v->u.number.is_integer || v->u.number.integer < 1) {
			field_errors_add(e, v_index(e, NULL, key, i), "deve essere l'id di un tavolo tematico");
			continue;
		}
		bool twice = false;
		for (size_t k = 0; k < *n && !twice; k++)
			twice = out[k] == v->u.number.integer;
		if (twice)
			field_errors_add(e, v_index(e, NULL, key, i), "compare due volte nell'elenco");
		else
			out[(*n)++] = v->u.number.integer;
	}
	return out;
}

size_t part_call_parse(field_errors *e, const json_value *obj, part_call *out)
{
	static const char *const allowed[] = {"title",  "description", "opens_at", "closes_at",   "groups",     "id",
	                                      "tenant", "cycle",       "open",     "candidacies", "created_at", NULL};
	size_t before = field_errors_count(e);
	*out = (part_call){0};
	v_only(e, NULL, obj, allowed);
	out->title = v_string(e, NULL, obj, "title", 1, PART_CALL_TITLE_MAX, true);
	out->description = v_text(e, NULL, obj, "description", PART_CALL_TEXT_MAX, true);
	if (out->description != NULL && blank(out->description))
		field_errors_add(e, "description", "non può essere vuoto");
	out->opens_at = v_time(e, NULL, obj, "opens_at", false, true);
	out->closes_at = v_time(e, NULL, obj, "closes_at", false, true);
	if (out->opens_at != NULL && out->closes_at != NULL && strcmp(out->closes_at, out->opens_at) <= 0)
		field_errors_add(e, "closes_at", "deve essere dopo l'apertura");
	size_t n;
	long long *ids = id_list(e, obj, "groups", PART_CALL_MAX_GROUPS, true, &n);
	out->groups = arena_calloc(field_errors_arena(e), n + 1, sizeof(*out->groups));
	for (size_t i = 0; i < n; i++)
		out->groups[i].id = ids[i];
	out->ngroups = n;
	return field_errors_count(e) - before;
}

size_t part_candidacy_parse(field_errors *e, const json_value *obj, const part_call *call, part_candidacy *out)
{
	static const char *const allowed[] = {"organization",    "kind",    "contact_name",
	                                      "email",           "groups",  "motivation",
	                                      "privacy_consent", "website", NULL};
	size_t before = field_errors_count(e);
	*out = (part_candidacy){0};
	v_only(e, NULL, obj, allowed);
	out->organization = v_string(e, NULL, obj, "organization", 1, PART_NAME_MAX, true);
	out->kind = v_string(e, NULL, obj, "kind", 1, PART_KIND_MAX, true);
	out->contact_name = v_string(e, NULL, obj, "contact_name", 3, PART_CONTACT_MAX, true);
	if (out->contact_name != NULL && strchr(out->contact_name, ' ') == NULL)
		field_errors_add(e, "contact_name", "indicare nome e cognome");
	out->email = v_email(e, NULL, obj, "email", true);
	const json_value *motivation = json_get(obj, "motivation");
	if (motivation != NULL && motivation->type != JSON_NULL) {
		out->motivation = v_text(e, NULL, obj, "motivation", PART_MOTIVATION_MAX, false);
		if (blank(out->motivation))
			out->motivation = NULL;
	}
	out->groups = id_list(e, obj, "groups", PART_CALL_MAX_GROUPS, true, &out->ngroups);
	for (size_t i = 0; i < out->ngroups; i++) {
		bool offered = false;
		for (size_t k = 0; k < call->ngroups && !offered; k++)
			offered = call->groups[k].id == out->groups[i];
		if (!offered)
			field_errors_add(e, v_index(e, NULL, "groups", i), "non è un tavolo di questo avviso");
	}
	const json_value *c = json_get(obj, "privacy_consent");
	if (c == NULL || c->type != JSON_BOOL || !c->u.boolean)
		field_errors_add(e, "privacy_consent",
		                 "serve il consenso al trattamento dei dati dopo aver letto "
		                 "l'informativa");
	return field_errors_count(e) - before;
}

void part_call_render(jw *w, const part_call *c, bool with_tenant, bool with_count)
{
	arena *a = arena_new();
	jw_obj_begin(w);
	jw_kint(w, "id", c->id);
	if (with_tenant) {
		jw_key(w, "tenant");
		jw_obj_begin(w);
		jw_kstr(w, "slug", c->tenant_slug);
		jw_kstr(w, "name", c->tenant_name);
		jw_obj_end(w);
	}
	jw_kstr(w, "cycle", c->cycle_slug);
	jw_kstr(w, "title", c->title);
	jw_kstr(w, "description", c->description);
	jw_kstr(w, "opens_at", cycle_time_rfc3339(a, c->opens_at));
	jw_kstr(w, "closes_at", cycle_time_rfc3339(a, c->closes_at));
	jw_kbool(w, "open", c->open);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (size_t i = 0; i < c->ngroups; i++) {
		jw_obj_begin(w);
		jw_kint(w, "id", c->groups[i].id);
		jw_kstr(w, "name", c->groups[i].name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (with_count)
		jw_kint(w, "candidacies", c->candidacies);
	jw_obj_end(w);
	arena_free(a);
}

void part_candidacy_render(jw *w, const part_candidacy *c)
{
	arena *a = arena_new();
	jw_obj_begin(w);
	jw_kint(w, "id", c->id);
	jw_kint(w, "call", c->call_id);
	jw_kstr(w, "status", c->status);
	jw_kstr(w, "organization", c->organization);
	jw_kstr(w, "kind", c->kind);
	jw_kstr(w, "contact_name", c->contact_name);
	jw_kstr(w, "email", c->email);
	jw_kstr(w, "motivation", c->motivation);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (size_t i = 0; i < c->ngroups; i++)
		jw_int(w, c->groups[i]);
	jw_arr_end(w);
	jw_kstr(w, "received_at", cycle_time_rfc3339(a, c->received_at));
	jw_kstr(w, "decided_at", cycle_time_rfc3339(a, c->decided_at));
	jw_kstr(w, "erased_at", cycle_time_rfc3339(a, c->erased_at));
	jw_obj_end(w);
	arena_free(a);
}
