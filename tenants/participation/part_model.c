/* Tables and meetings as data: reading bodies against the cycle's template
 * and catalogue (every error names its field path), the API's JSON, the
 * snapshot's groups without e-mails, and the iCalendar feed. No database. */
#include <stdio.h>
#include <string.h>

#include "http/validate.h"
#include "tenants/participation/participation.h"

#define ICS_LINE_OCTETS 75 /* RFC 5545 §3.1: lines longer are folded */

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* An optional line of text: absent, null or blank reads NULL. */
static const char *optional_line(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                 size_t max)
{
	const json_value *v = json_get(obj, key);
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	const char *s = v_string(e, prefix, obj, key, 0, max, false);
	return blank(s) ? NULL : s;
}

static const char *optional_text(field_errors *e, const char *prefix, const json_value *obj, const char *key,
                                 size_t max)
{
	const json_value *v = json_get(obj, key);
	if (v == NULL || v->type == JSON_NULL)
		return NULL;
	const char *s = v_text(e, prefix, obj, key, max, false);
	return blank(s) ? NULL : s;
}

static bool has_area(const cycle_catalog *cat, const char *code)
{
	for (size_t i = 0; i < cat->nareas; i++)
		if (strcmp(cat->areas[i].code, code) == 0)
			return true;
	return false;
}

static void parse_participants(field_errors *e, const json_value *obj, part_group *out)
{
	static const char *const allowed[] = {"id",   "first_name", "last_name", "organization",
	                                      "kind", "role",       "email",     NULL};
	const json_value *list = v_array(e, NULL, obj, "participants", PART_MAX_PARTICIPANTS, false);
	if (list == NULL)
		return;
	out->participants = arena_calloc(field_errors_arena(e), list->u.array.n + 1, sizeof(*out->participants));
	out->nparticipants = list->u.array.n;
	for (size_t i = 0; i < list->u.array.n; i++) {
		const char *pp = v_index(e, NULL, "participants", i);
		const json_value *pv = list->u.array.items[i];
		part_participant *p = &out->participants[i];
		if (pv->type != JSON_OBJECT) {
			field_errors_add(e, pp, "deve essere un oggetto");
			continue;
		}
		v_only(e, pp, pv, allowed);
		if (json_get(pv, "id") != NULL)
			v_int(e, pp, pv, "id", 1, 999999999999999999LL, false, &p->id);
		p->first_name = v_string(e, pp, pv, "first_name", 1, PART_PERSON_NAME_MAX, true);
		p->last_name = v_string(e, pp, pv, "last_name", 1, PART_PERSON_NAME_MAX, true);
		p->organization = v_string(e, pp, pv, "organization", 1, PART_NAME_MAX, true);
		p->kind = optional_line(e, pp, pv, "kind", PART_KIND_MAX);
		p->role = optional_line(e, pp, pv, "role", PART_ROLE_MAX);
		const json_value *email = json_get(pv, "email");
		if (email != NULL && email->type != JSON_NULL)
			p->email = v_email(e, pp, pv, "email", false);
		for (size_t k = 0; p->id != 0 && k < i; k++)
			if (out->participants[k].id == p->id)
				field_errors_add(e, v_path(e, pp, "id"), "compare due volte nell'elenco");
	}
}

size_t part_group_parse(field_errors *e, const json_value *obj, const cycle_template *t, const cycle_catalog *cat,
                        part_group *out)
{
	static const char *const allowed[] = {"id",         "cycle",      "name",         "area",
	                                      "sections",   "referent",   "description",  "version",
	                                      "created_at", "updated_at", "participants", NULL};
	size_t before = field_errors_count(e);
	*out = (part_group){0};
	v_only(e, NULL, obj, allowed);
	out->name = v_string(e, NULL, obj, "name", 1, PART_NAME_MAX, true);
	out->referent = v_string(e, NULL, obj, "referent", 1, PART_NAME_MAX, true);
	out->description = optional_text(e, NULL, obj, "description", PART_DESCRIPTION_MAX);
	out->area = optional_line(e, NULL, obj, "area", PART_KIND_MAX);
	if (out->area != NULL && !has_area(cat, out->area)) {
		field_errors_add(e, "area", "non è un'area del catalogo del ciclo");
		out->area = NULL;
	}
	const json_value *list = v_array(e, NULL, obj, "sections", PART_MAX_SECTIONS, false);
	out->sections =
	    arena_calloc(field_errors_arena(e), (list != NULL ? list->u.array.n : 0) + 1, sizeof(*out->sections));
	for (size_t i = 0; list != NULL && i < list->u.array.n; i++) {
		const json_value *sv = list->u.array.items[i];
		const char *sp = v_index(e, NULL, "sections", i);
		if (sv->type != JSON_STRING || cycle_template_section(t, sv->u.string.s) == NULL) {
			field_errors_add(e, sp, "non è una sezione dello schema del ciclo");
			continue;
		}
		bool twice = false;
		for (size_t k = 0; k < out->nsections && !twice; k++)
			twice = strcmp(out->sections[k], sv->u.string.s) == 0;
		if (twice)
			field_errors_add(e, sp, "compare due volte nell'elenco");
		else
			out->sections[out->nsections++] = sv->u.string.s;
	}
	parse_participants(e, obj, out);
	return field_errors_count(e) - before;
}

size_t part_meeting_parse(field_errors *e, const json_value *obj, part_meeting *out)
{
	static const char *const allowed[] = {"id",         "group",      "starts_at",  "ends_at", "place",
	                                      "agenda",     "minutes",    "attendees",  "version", "created_at",
	                                      "updated_at", "group_name", "attendance", NULL};
	size_t before = field_errors_count(e);
	*out = (part_meeting){0};
	v_only(e, NULL, obj, allowed);
	out->starts_at = v_time(e, NULL, obj, "starts_at", false, true);
	const json_value *ends = json_get(obj, "ends_at");
	if (ends != NULL && ends->type != JSON_NULL) {
		out->ends_at = v_time(e, NULL, obj, "ends_at", false, false);
		/* DATETIME texts of one format compare as times. */
		if (out->ends_at != NULL && out->starts_at != NULL && strcmp(out->ends_at, out->starts_at) <= 0)
			field_errors_add(e, "ends_at", "deve essere dopo l'inizio");
	}
	out->place = v_string(e, NULL, obj, "place", 1, PART_PLACE_MAX, true);
	out->agenda = optional_text(e, NULL, obj, "agenda", PART_AGENDA_MAX);
	out->minutes = optional_text(e, NULL, obj, "minutes", PART_MINUTES_MAX);
	const json_value *list = v_array(e, NULL, obj, "attendees", PART_MAX_PARTICIPANTS, false);
	out->attendees =
	    arena_calloc(field_errors_arena(e), (list != NULL ? list->u.array.n : 0) + 1, sizeof(*out->attendees));
	for (size_t i = 0; list != NULL && i < list->u.array.n; i++) {
		const json_value *v = list->u.array.items[i];
		const char *ap = v_index(e, NULL, "attendees", i);
		if (v->type != JSON_NUMBER || !v->u.number.is_integer || v->u.number.integer < 1) {
			field_errors_add(e, ap, "deve essere l'id di un partecipante del tavolo");
			continue;
		}
		bool twice = false;
		for (size_t k = 0; k < out->nattendees && !twice; k++)
			twice = out->attendees[k] == v->u.number.integer;
		if (twice)
			field_errors_add(e, ap, "compare due volte nell'elenco");
		else
			out->attendees[out->nattendees++] = v->u.number.integer;
	}
	return field_errors_count(e) - before;
}

size_t part_stakeholder_parse(field_errors *e, const json_value *obj, part_stakeholder *out)
{
	static const char *const allowed[] = {"id", "name", "kind", "comune", "contact", "public", "created_at", NULL};
	size_t before = field_errors_count(e);
	*out = (part_stakeholder){0};
	v_only(e, NULL, obj, allowed);
	out->name = v_string(e, NULL, obj, "name", 1, PART_NAME_MAX, true);
	out->kind = v_string(e, NULL, obj, "kind", 1, PART_KIND_MAX, true);
	out->comune = optional_line(e, NULL, obj, "comune", PART_COMUNE_MAX);
	out->contact = optional_line(e, NULL, obj, "contact", PART_NAME_MAX);
	v_bool(e, NULL, obj, "public", false, &out->public);
	return field_errors_count(e) - before;
}

void part_stakeholder_render(jw *w, const part_stakeholder *s, bool with_contact)
{
	jw_obj_begin(w);
	if (with_contact)
		jw_kint(w, "id", s->id);
	jw_kstr(w, "name", s->name);
	jw_kstr(w, "kind", s->kind);
	jw_kstr(w, "comune", s->comune);
	if (with_contact) {
		jw_kstr(w, "contact", s->contact);
		jw_kbool(w, "public", s->public);
	}
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- JSON */

static void render_participant(jw *w, const part_participant *p, bool with_email)
{
	jw_obj_begin(w);
	if (with_email) {
		jw_kint(w, "id", p->id);
		jw_kstr(w, "first_name", p->first_name);
		jw_kstr(w, "last_name", p->last_name);
		jw_kstr(w, "organization", p->organization);
		jw_kstr(w, "kind", p->kind);
		jw_kstr(w, "role", p->role);
		jw_kstr(w, "email", p->email);
	} else {
		jw_kstr(w, "first_name", p->first_name);
		jw_kstr(w, "kind", p->kind);
		jw_kstr(w, "last_name", p->last_name);
		jw_kstr(w, "organization", p->organization);
		jw_kstr(w, "role", p->role);
	}
	jw_obj_end(w);
}

void part_group_render(jw *w, const part_group *g)
{
	arena *a = arena_new();
	jw_obj_begin(w);
	jw_kint(w, "id", g->id);
	jw_kstr(w, "cycle", g->cycle_slug);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "area", g->area);
	jw_key(w, "sections");
	jw_arr_begin(w);
	for (size_t i = 0; i < g->nsections; i++)
		jw_str(w, g->sections[i]);
	jw_arr_end(w);
	jw_kstr(w, "referent", g->referent);
	jw_kstr(w, "description", g->description);
	jw_key(w, "participants");
	jw_arr_begin(w);
	for (size_t i = 0; i < g->nparticipants; i++)
		render_participant(w, &g->participants[i], true);
	jw_arr_end(w);
	jw_kint(w, "version", g->version);
	jw_kstr(w, "created_at", cycle_time_rfc3339(a, g->created_at));
	jw_kstr(w, "updated_at", cycle_time_rfc3339(a, g->updated_at));
	jw_obj_end(w);
	arena_free(a);
}

void part_meeting_render(jw *w, const part_meeting *m)
{
	arena *a = arena_new();
	jw_obj_begin(w);
	jw_kint(w, "id", m->id);
	jw_kint(w, "group", m->group_id);
	if (m->group_name != NULL)
		jw_kstr(w, "group_name", m->group_name);
	jw_kstr(w, "starts_at", cycle_time_rfc3339(a, m->starts_at));
	jw_kstr(w, "ends_at", cycle_time_rfc3339(a, m->ends_at));
	jw_kstr(w, "place", m->place);
	jw_kstr(w, "agenda", m->agenda);
	jw_kstr(w, "minutes", m->minutes);
	jw_key(w, "attendees");
	jw_arr_begin(w);
	for (size_t i = 0; i < m->nattendees; i++)
		jw_int(w, m->attendees[i]);
	jw_arr_end(w);
	jw_kint(w, "version", m->version);
	jw_kstr(w, "created_at", cycle_time_rfc3339(a, m->created_at));
	jw_kstr(w, "updated_at", cycle_time_rfc3339(a, m->updated_at));
	jw_obj_end(w);
	arena_free(a);
}

json_value *part_snapshot_groups(arena *a, const part_group *groups, size_t ngroups, part_meeting *const *meetings,
                                 const size_t *nmeetings)
{
	jw *w = jw_new(NULL, NULL);
	jw_arr_begin(w);
	for (size_t i = 0; i < ngroups; i++) {
		const part_group *g = &groups[i];
		jw_obj_begin(w);
		jw_kstr(w, "area", g->area);
		jw_kstr(w, "description", g->description);
		jw_kint(w, "id", g->id);
		jw_key(w, "meetings");
		jw_arr_begin(w);
		for (size_t k = 0; k < nmeetings[i]; k++) {
			const part_meeting *m = &meetings[i][k];
			jw_obj_begin(w);
			jw_kstr(w, "agenda", m->agenda);
			jw_kint(w, "attendance", (long long)m->nattendees);
			jw_kstr(w, "ends_at", cycle_time_rfc3339(a, m->ends_at));
			jw_kint(w, "id", m->id);
			jw_kstr(w, "place", m->place);
			jw_kstr(w, "starts_at", cycle_time_rfc3339(a, m->starts_at));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_kstr(w, "name", g->name);
		jw_key(w, "participants");
		jw_arr_begin(w);
		for (size_t k = 0; k < g->nparticipants; k++)
			render_participant(w, &g->participants[k], false);
		jw_arr_end(w);
		jw_kstr(w, "referent", g->referent);
		jw_key(w, "sections");
		jw_arr_begin(w);
		for (size_t k = 0; k < g->nsections; k++)
			jw_str(w, g->sections[k]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	json_value *out = NULL;
	size_t len = 0;
	const char *buf = jw_buffer(w, &len);
	char err[64];
	if (jw_failed(w) || json_parse(a, arena_strndup(a, buf, len), len, &out, err, sizeof(err)) != JSON_OK)
		out = NULL;
	jw_free(w);
	return out;
}

/* ---------------------------------------------------------------- iCalendar */

typedef struct ics {
	char *buf;
	size_t len, cap;
	arena *a;
} ics;

static void ics_put(ics *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		while (cap < c->len + n + 1)
			cap *= 2;
		char *grown = arena_alloc(c->a, cap);
		if (c->len)
			memcpy(grown, c->buf, c->len);
		c->buf = grown;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/* One content line, folded (RFC 5545 §3.1): at most 75 octets a line, a
 * continuation starts with a space, and a fold never splits a UTF-8
 * character. */
static void ics_line(ics *c, const char *line)
{
	size_t n = strlen(line), pos = 0, room = ICS_LINE_OCTETS;
	while (n - pos > room) {
		size_t cut = pos + room;
		while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		ics_put(c, line + pos, cut - pos);
		ics_put(c, "\r\n ", 3);
		pos = cut;
		room = ICS_LINE_OCTETS - 1; /* the leading space counts */
	}
	ics_put(c, line + pos, n - pos);
	ics_put(c, "\r\n", 2);
}

/* TEXT escaping (§3.3.11): backslash, semicolon, comma and newlines. */
static const char *ics_text(arena *a, const char *s)
{
	if (s == NULL)
		return "";
	char *out = arena_alloc(a, strlen(s) * 2 + 1), *o = out;
	for (const char *p = s; *p; p++) {
		if (*p == '\\' || *p == ';' || *p == ',') {
			*o++ = '\\';
			*o++ = *p;
		} else if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (*p != '\r') {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* "2021-03-15 16:00:00[.ffffff]" -> "20210315T160000Z". */
static const char *ics_time(arena *a, const char *dt)
{
	if (dt == NULL || strlen(dt) < 19)
		return NULL;
	return arena_printf(a, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", dt, dt + 5, dt + 8, dt + 11, dt + 14, dt + 17);
}

const char *part_ics(arena *a, const char *tenant_slug, const char *tenant_name, const char *host,
                     const part_meeting *m, size_t n, size_t *len)
{
	ics c = {.a = a};
	ics_line(&c, "BEGIN:VCALENDAR");
	ics_line(&c, "VERSION:2.0");
	ics_line(&c, "PRODID:-//ambito//Piani Sociali d'Ambito//IT");
	ics_line(&c, "CALSCALE:GREGORIAN");
	ics_line(&c, "METHOD:PUBLISH");
	ics_line(&c,
	         arena_printf(a, "X-WR-CALNAME:%s", ics_text(a, arena_printf(a, "Tavoli tematici — %s", tenant_name))));
	ics_line(&c, "X-WR-TIMEZONE:Europe/Rome");
	for (size_t i = 0; i < n; i++) {
		const char *start = ics_time(a, m[i].starts_at);
		if (start == NULL)
			continue;
		ics_line(&c, "BEGIN:VEVENT");
		ics_line(&c, arena_printf(a, "UID:meeting-%lld@%s.%s", m[i].id, tenant_slug, host));
		ics_line(&c, arena_printf(a, "DTSTAMP:%s",
		                          ics_time(a, m[i].updated_at) ? ics_time(a, m[i].updated_at) : start));
		ics_line(&c, arena_printf(a, "DTSTART:%s", start));
		if (m[i].ends_at != NULL && ics_time(a, m[i].ends_at) != NULL)
			ics_line(&c, arena_printf(a, "DTEND:%s", ics_time(a, m[i].ends_at)));
		ics_line(&c, arena_printf(a, "SEQUENCE:%lld", m[i].version > 0 ? m[i].version - 1 : 0));
		ics_line(&c, arena_printf(
		                 a, "SUMMARY:%s",
		                 ics_text(a, arena_printf(a, "Tavolo: %s", m[i].group_name ? m[i].group_name : ""))));
		ics_line(&c, arena_printf(a, "LOCATION:%s", ics_text(a, m[i].place)));
		if (m[i].agenda != NULL)
			ics_line(&c, arena_printf(a, "DESCRIPTION:%s", ics_text(a, m[i].agenda)));
		ics_line(&c, "END:VEVENT");
	}
	ics_line(&c, "END:VCALENDAR");
	*len = c.len;
	return c.buf;
}
