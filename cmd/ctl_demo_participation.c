/* The participation of a demo set: each tenant's thematic tables with their
 * participants and meetings, its public calls with the candidacies they
 * received (accepted, rejected or waiting), and its map of local bodies.
 * Everything goes through the participation module's parsers and store, so
 * the demo holds nothing the API would refuse. Tables are named in the file
 * by their name: a plan section's {"working_group": {"group": "name"}} is
 * turned into the table's id before the plans are loaded. */
#include <stdio.h>
#include <string.h>

#include "ctl_demo.h"
#include "tenants/participation/participation.h"

static void say(char *err, size_t errlen, const char *tenant, const char *what, const char *detail)
{
	snprintf(err, errlen, "partecipazione di %s: %s%s%s", tenant, what, detail ? ": " : "", detail ? detail : "");
}

static bool invalid(arena *a, const field_errors *e, char *err, size_t errlen, const char *tenant, const char *where)
{
	if (field_errors_count(e) == 0)
		return false;
	say(err, errlen, tenant, where,
	    field_errors_kept(e) > 0 ? arena_printf(a, "%s: %s", field_errors_field(e, 0), field_errors_message(e, 0))
	                             : "?");
	return true;
}

/* A table of the tenant by name, as loaded so far. */
typedef struct named {
	long long tenant_id, id;
	const char *name;
} named;

static long long group_id(const named *g, size_t n, long long tenant_id, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (g[i].tenant_id == tenant_id && strcmp(g[i].name, name) == 0)
			return g[i].id;
	return 0;
}

/* A list of table names as a JSON array of their ids, in a. */
static json_value *ids_of(arena *a, const json_value *names, const named *g, size_t ng, long long tenant_id)
{
	json_value *out = arena_calloc(a, 1, sizeof(*out));
	out->type = JSON_ARRAY;
	size_t n = json_is(names, JSON_ARRAY) ? names->u.array.n : 0;
	out->u.array.items = arena_calloc(a, n + 1, sizeof(*out->u.array.items));
	for (size_t i = 0; i < n; i++) {
		json_value *v = arena_calloc(a, 1, sizeof(*v));
		v->type = JSON_NUMBER;
		v->u.number.is_integer = true;
		const json_value *nv = names->u.array.items[i];
		v->u.number.integer = group_id(g, ng, tenant_id, nv->type == JSON_STRING ? nv->u.string.s : NULL);
		v->u.number.text = arena_printf(a, "%lld", v->u.number.integer);
		out->u.array.items[out->u.array.n++] = v;
	}
	return out;
}

/* obj with member key replaced by v (or added). */
static void set_member(arena *a, json_value *obj, const char *key, json_value *v)
{
	for (size_t i = 0; i < obj->u.object.n; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			obj->u.object.values[i] = v;
			return;
		}
	const char **keys = arena_calloc(a, obj->u.object.n + 2, sizeof(*keys));
	json_value **values = arena_calloc(a, obj->u.object.n + 2, sizeof(*values));
	memcpy(keys, obj->u.object.keys, obj->u.object.n * sizeof(*keys));
	memcpy(values, obj->u.object.values, obj->u.object.n * sizeof(*values));
	keys[obj->u.object.n] = key;
	values[obj->u.object.n] = v;
	obj->u.object.keys = keys;
	obj->u.object.values = values;
	obj->u.object.n++;
}

static long long tenant_of(db *d, arena *a, const char *slug)
{
	db_res *res;
	return db_query(d, a, &res, "SELECT id FROM tenants WHERE slug = ?", "s", slug) == DB_OK && db_nrows(res) == 1
	           ? db_int(res, 0, 0)
	           : 0;
}

static int load_groups(db *d, arena *a, const cycle *c, long long tenant, const char *slug, const json_value *list,
                       named *g, size_t *ng, char *err, size_t errlen)
{
	cycle_template t;
	cycle_catalog cat;
	if (cycle_store_load_template(d, a, c->id, &t) != DB_OK ||
	    cycle_store_load_catalog(d, a, c->id, &cat) != DB_OK) {
		say(err, errlen, slug, "impossibile leggere il modello del ciclo", NULL);
		return -1;
	}
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		json_value *body = list->u.array.items[i];
		const json_value *meetings = json_get(body, "meetings");
		/* The meetings ride along in the file, not in the API's body. */
		json_value *copy = arena_calloc(a, 1, sizeof(*copy));
		*copy = *body;
		copy->u.object.n = 0;
		copy->u.object.keys = arena_calloc(a, body->u.object.n + 1, sizeof(char *));
		copy->u.object.values = arena_calloc(a, body->u.object.n + 1, sizeof(json_value *));
		for (size_t k = 0; k < body->u.object.n; k++)
			if (strcmp(body->u.object.keys[k], "meetings") != 0) {
				copy->u.object.keys[copy->u.object.n] = body->u.object.keys[k];
				copy->u.object.values[copy->u.object.n++] = body->u.object.values[k];
			}
		field_errors *e = field_errors_new(a);
		part_group grp;
		part_group_parse(e, copy, &t, &cat, &grp);
		if (invalid(a, e, err, errlen, slug, "a table"))
			return -1;
		grp.cycle_id = c->id;
		if (part_store_group_insert(d, tenant, &grp) != DB_OK) {
			say(err, errlen, slug, "impossibile salvare il tavolo", grp.name);
			return -1;
		}
		g[(*ng)++] = (named){tenant, grp.id, grp.name};
		part_group *stored;
		if (part_store_group(d, a, tenant, grp.id, false, &stored) != DB_OK)
			return -1;
		for (size_t k = 0; json_is(meetings, JSON_ARRAY) && k < meetings->u.array.n; k++) {
			json_value *mb = meetings->u.array.items[k];
			/* Attendees by their position in the table's list. */
			const json_value *who = json_get(mb, "attendees");
			json_value *ids = arena_calloc(a, 1, sizeof(*ids));
			ids->type = JSON_ARRAY;
			size_t nw = json_is(who, JSON_ARRAY) ? who->u.array.n : 0;
			ids->u.array.items = arena_calloc(a, nw + 1, sizeof(*ids->u.array.items));
			for (size_t x = 0; x < nw; x++) {
				long long pos = who->u.array.items[x]->type == JSON_NUMBER
				                    ? who->u.array.items[x]->u.number.integer
				                    : -1;
				json_value *v = arena_calloc(a, 1, sizeof(*v));
				v->type = JSON_NUMBER;
				v->u.number.is_integer = true;
				v->u.number.integer =
				    pos >= 0 && (size_t)pos < stored->nparticipants ? stored->participants[pos].id : 0;
				v->u.number.text = arena_printf(a, "%lld", v->u.number.integer);
				ids->u.array.items[ids->u.array.n++] = v;
			}
			if (json_is(mb, JSON_OBJECT))
				set_member(a, mb, "attendees", ids);
			part_meeting m;
			part_meeting_parse(e, mb, &m);
			if (invalid(a, e, err, errlen, slug, "a meeting"))
				return -1;
			m.group_id = grp.id;
			long long bad = 0;
			if (part_store_meeting_insert(d, tenant, &m, &bad) != DB_OK) {
				say(err, errlen, slug, "impossibile salvare un incontro di", grp.name);
				return -1;
			}
		}
	}
	return 0;
}

static int load_calls(db *d, arena *a, long long tenant, const char *slug, const json_value *list, const named *g,
                      size_t ng, char *err, size_t errlen)
{
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		json_value *body = list->u.array.items[i];
		const json_value *cands = json_get(body, "candidacies");
		if (!json_is(body, JSON_OBJECT))
			continue;
		set_member(a, body, "groups", ids_of(a, json_get(body, "groups"), g, ng, tenant));
		json_value *copy = arena_calloc(a, 1, sizeof(*copy));
		*copy = *body;
		copy->u.object.n = 0;
		copy->u.object.keys = arena_calloc(a, body->u.object.n + 1, sizeof(char *));
		copy->u.object.values = arena_calloc(a, body->u.object.n + 1, sizeof(json_value *));
		for (size_t k = 0; k < body->u.object.n; k++)
			if (strcmp(body->u.object.keys[k], "candidacies") != 0) {
				copy->u.object.keys[copy->u.object.n] = body->u.object.keys[k];
				copy->u.object.values[copy->u.object.n++] = body->u.object.values[k];
			}
		field_errors *e = field_errors_new(a);
		part_call call;
		long long bad = 0;
		part_call_parse(e, copy, &call);
		if (invalid(a, e, err, errlen, slug, "a call"))
			return -1;
		if (part_store_call_insert(d, tenant, &call, &bad) != DB_OK) {
			say(err, errlen, slug, "impossibile salvare l'avviso", call.title);
			return -1;
		}
		part_call *stored;
		if (part_store_call(d, a, tenant, call.id, &stored) != DB_OK)
			return -1;
		for (size_t k = 0; json_is(cands, JSON_ARRAY) && k < cands->u.array.n; k++) {
			json_value *cb = cands->u.array.items[k];
			if (!json_is(cb, JSON_OBJECT))
				continue;
			const char *status = json_get_str(cb, "status");
			set_member(a, cb, "groups", ids_of(a, json_get(cb, "groups"), g, ng, tenant));
			json_value *cc = arena_calloc(a, 1, sizeof(*cc));
			*cc = *cb;
			cc->u.object.n = 0;
			cc->u.object.keys = arena_calloc(a, cb->u.object.n + 1, sizeof(char *));
			cc->u.object.values = arena_calloc(a, cb->u.object.n + 1, sizeof(json_value *));
			for (size_t x = 0; x < cb->u.object.n; x++)
				if (strcmp(cb->u.object.keys[x], "status") != 0) {
					cc->u.object.keys[cc->u.object.n] = cb->u.object.keys[x];
					cc->u.object.values[cc->u.object.n++] = cb->u.object.values[x];
				}
			part_candidacy cand;
			part_candidacy_parse(e, cc, stored, &cand);
			if (invalid(a, e, err, errlen, slug, "a candidacy"))
				return -1;
			cand.call_id = call.id;
			int rc = part_store_candidacy_insert(d, tenant, &cand);
			part_candidacy *got = NULL;
			if (rc == DB_OK)
				rc = part_store_candidacy(d, a, tenant, cand.id, true, &got);
			if (rc == DB_OK && status != NULL && strcmp(status, "accepted") == 0)
				rc = part_store_candidacy_accept(d, tenant, got, 0);
			else if (rc == DB_OK && status != NULL && strcmp(status, "rejected") == 0)
				rc = part_store_candidacy_reject(d, tenant, got, 0);
			if (rc != DB_OK) {
				say(err, errlen, slug, "impossibile salvare una candidatura a", call.title);
				return -1;
			}
		}
	}
	return 0;
}

int ctl_demo_load_participation(db *d, arena *a, const char *cycle_slug, const json_value *list, json_value *plans,
                                size_t *loaded, char *err, size_t errlen)
{
	cycle *c;
	size_t cap = 0;
	*loaded = 0;
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		const json_value *gl = json_get(list->u.array.items[i], "groups");
		cap += json_is(gl, JSON_ARRAY) ? gl->u.array.n : 0;
	}
	named *g = arena_calloc(a, cap + 1, sizeof(*g));
	size_t ng = 0;
	if (json_is(list, JSON_ARRAY) && list->u.array.n > 0 &&
	    (cycle_store_find(d, a, cycle_slug, false, &c) != DB_OK || c == NULL)) {
		snprintf(err, errlen, "la partecipazione richiede il ciclo %s: importarlo prima", cycle_slug);
		return -1;
	}
	for (size_t i = 0; json_is(list, JSON_ARRAY) && i < list->u.array.n; i++) {
		const json_value *item = list->u.array.items[i];
		const char *slug = json_get_str(item, "tenant");
		long long tenant = slug != NULL ? tenant_of(d, a, slug) : 0;
		if (tenant == 0) {
			say(err, errlen, slug ? slug : "?", "ambito inesistente", NULL);
			return -1;
		}
		if (load_groups(d, a, c, tenant, slug, json_get(item, "groups"), g, &ng, err, errlen) != 0 ||
		    load_calls(d, a, tenant, slug, json_get(item, "calls"), g, ng, err, errlen) != 0)
			return -1;
		const json_value *sh = json_get(item, "stakeholders");
		for (size_t k = 0; json_is(sh, JSON_ARRAY) && k < sh->u.array.n; k++) {
			field_errors *e = field_errors_new(a);
			part_stakeholder s;
			part_stakeholder_parse(e, sh->u.array.items[k], &s);
			if (invalid(a, e, err, errlen, slug, "un ente della mappatura"))
				return -1;
			if (part_store_stakeholder_insert(d, tenant, &s) != DB_OK) {
				say(err, errlen, slug, "impossibile salvare un ente della mappatura", s.name);
				return -1;
			}
		}
		/* The plans' sections name their table by name: its id now. */
		for (size_t p = 0; json_is(plans, JSON_ARRAY) && p < plans->u.array.n; p++) {
			json_value *plan = plans->u.array.items[p];
			const char *ps = json_get_str(plan, "tenant");
			json_value *sections = (json_value *)json_get(plan, "sections");
			if (ps == NULL || strcmp(ps, slug) != 0 || !json_is(sections, JSON_OBJECT))
				continue;
			for (size_t s = 0; s < sections->u.object.n; s++) {
				json_value *wg = (json_value *)json_get(sections->u.object.values[s], "working_group");
				const json_value *name = json_get(wg, "group");
				if (!json_is(name, JSON_STRING))
					continue;
				long long id = group_id(g, ng, tenant, name->u.string.s);
				if (id == 0) {
					say(err, errlen, slug, "una sezione nomina un tavolo sconosciuto", name->u.string.s);
					return -1;
				}
				json_value *v = arena_calloc(a, 1, sizeof(*v));
				v->type = JSON_NUMBER;
				v->u.number.is_integer = true;
				v->u.number.integer = id;
				v->u.number.text = arena_printf(a, "%lld", id);
				set_member(a, wg, "group", v);
			}
		}
		(*loaded)++;
	}
	return 0;
}
