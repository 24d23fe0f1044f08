/* The tables' and meetings' SQL. Every statement names the tenant: a table,
 * a participant or a meeting of another tenant reads as one that does not
 * exist. A list costs a fixed number of statements whatever its length. */
#include <string.h>

#include "tenants/participation/participation.h"

#define GROUP_COLUMNS                                                                                                  \
	"g.id, g.cycle_id, c.slug, g.name, g.area, g.sections, g.referent, g.description, g.version, g.created_at,"    \
	" g.updated_at"
#define MEETING_COLUMNS                                                                                                \
	"m.id, m.group_id, g.name, m.starts_at, m.ends_at, m.place, m.agenda, m.minutes, m.version, m.created_at,"     \
	" m.updated_at"

static const char *null_if_empty(const db_res *res, size_t row, size_t col)
{
	return db_isnull(res, row, col) ? NULL : db_val(res, row, col);
}

/* A JSON array of strings, as stored by this file. */
static void read_keys(arena *a, const char *text, const char ***out, size_t *n)
{
	json_value *v = NULL;
	char err[64];
	*n = 0;
	*out = NULL;
	if (text == NULL || json_parse(a, text, strlen(text), &v, err, sizeof(err)) != JSON_OK ||
	    v->type != JSON_ARRAY) {
		*out = arena_calloc(a, 1, sizeof(**out));
		return;
	}
	*out = arena_calloc(a, v->u.array.n + 1, sizeof(**out));
	for (size_t i = 0; i < v->u.array.n; i++)
		if (v->u.array.items[i]->type == JSON_STRING)
			(*out)[(*n)++] = v->u.array.items[i]->u.string.s;
}

static const char *keys_json(arena *a, const char *const *keys, size_t n)
{
	jw *w = jw_new(NULL, NULL);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, keys[i]);
	jw_arr_end(w);
	size_t len = 0;
	const char *buf = jw_buffer(w, &len);
	const char *out = jw_failed(w) ? "[]" : arena_strndup(a, buf, len);
	jw_free(w);
	return out;
}

static void read_group(arena *a, const db_res *res, size_t i, part_group *g)
{
	*g = (part_group){.id = db_int(res, i, 0),
	                  .cycle_id = db_int(res, i, 1),
	                  .cycle_slug = db_val(res, i, 2),
	                  .name = db_val(res, i, 3),
	                  .area = null_if_empty(res, i, 4),
	                  .referent = db_val(res, i, 6),
	                  .description = null_if_empty(res, i, 7),
	                  .version = db_int(res, i, 8),
	                  .created_at = db_val(res, i, 9),
	                  .updated_at = db_val(res, i, 10)};
	read_keys(a, db_val(res, i, 5), &g->sections, &g->nsections);
}

/* The participants of groups[0..n), whose ids lie within [lo, hi]: one
 * statement. */
static int load_participants(db *d, arena *a, long long tenant_id, part_group *groups, size_t n)
{
	if (n == 0)
		return DB_OK;
	long long lo = groups[0].id, hi = groups[0].id;
	for (size_t i = 1; i < n; i++) {
		lo = groups[i].id < lo ? groups[i].id : lo;
		hi = groups[i].id > hi ? groups[i].id : hi;
	}
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT group_id, id, first_name, last_name, organization, kind, role, email"
	                " FROM participation_participants WHERE tenant_id = ? AND group_id BETWEEN ? AND ?"
	                " ORDER BY group_id, position, id",
	                "iii", tenant_id, lo, hi));
	size_t rows = db_nrows(res);
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		for (size_t k = 0; k < rows; k++)
			count += db_int(res, k, 0) == groups[i].id;
		groups[i].participants = arena_calloc(a, count + 1, sizeof(*groups[i].participants));
		for (size_t k = 0; k < rows; k++) {
			if (db_int(res, k, 0) != groups[i].id)
				continue;
			groups[i].participants[groups[i].nparticipants++] = (part_participant){
			    .id = db_int(res, k, 1),
			    .first_name = db_val(res, k, 2),
			    .last_name = db_val(res, k, 3),
			    .organization = db_val(res, k, 4),
			    .kind = null_if_empty(res, k, 5),
			    .role = null_if_empty(res, k, 6),
			    .email = null_if_empty(res, k, 7),
			};
		}
	}
	return DB_OK;
}

int part_store_groups(db *d, arena *a, long long tenant_id, long long cycle_id, long long after, int limit,
                      part_group **out, size_t *n, bool *more)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " GROUP_COLUMNS " FROM participation_groups g JOIN cycles c ON c.id = g.cycle_id"
	                " WHERE g.tenant_id = ? AND (? = 0 OR g.cycle_id = ?) AND g.id > ? ORDER BY g.id LIMIT ?",
	                "iiiii", tenant_id, cycle_id, cycle_id, after, (long long)limit + 1));
	*n = db_page_rows(res, limit, more);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_group(a, res, i, &(*out)[i]);
	return load_participants(d, a, tenant_id, *out, *n);
}

int part_store_group(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_group **out)
{
	db_res *res;
	*out = NULL;
	DB_TRY(db_query(d, a, &res,
	                for_update ? "SELECT " GROUP_COLUMNS " FROM participation_groups g JOIN cycles c ON c.id ="
	                             " g.cycle_id WHERE g.tenant_id = ? AND g.id = ? FOR UPDATE"
	                           : "SELECT " GROUP_COLUMNS " FROM participation_groups g JOIN cycles c ON c.id ="
	                             " g.cycle_id WHERE g.tenant_id = ? AND g.id = ?",
	                "ii", tenant_id, id));
	if (db_nrows(res) != 1)
		return PART_ENOGROUP;
	*out = arena_calloc(a, 1, sizeof(**out));
	read_group(a, res, 0, *out);
	return load_participants(d, a, tenant_id, *out, 1);
}

static int insert_participant(db *d, long long tenant_id, long long group_id, size_t position,
                              const part_participant *p)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO participation_participants (tenant_id, group_id, position, first_name, last_name,"
	               " organization, kind, role, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               "iiissssss", tenant_id, group_id, (long long)position, p->first_name, p->last_name,
	               p->organization, p->kind, p->role, p->email));
	return DB_OK;
}

int part_store_group_insert(db *d, long long tenant_id, part_group *g)
{
	arena *a = arena_new();
	int rc = DB_OK;
	long long n = db_exec(d,
	                      "INSERT INTO participation_groups (tenant_id, cycle_id, name, area, sections, referent,"
	                      " description) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                      "iisssss", tenant_id, g->cycle_id, g->name, g->area,
	                      keys_json(a, g->sections, g->nsections), g->referent, g->description);
	if (n < 0) {
		rc = (int)n;
		goto done;
	}
	g->id = (long long)db_last_id(d);
	for (size_t i = 0; i < g->nparticipants && rc == DB_OK; i++)
		rc = insert_participant(d, tenant_id, g->id, i, &g->participants[i]);
done:
	arena_free(a);
	return rc;
}

int part_store_group_update(db *d, long long tenant_id, part_group *g)
{
	arena *a = arena_new();
	int rc = DB_OK;
	db_res *res;
	long long n = db_exec(d,
	                      "UPDATE participation_groups SET name = ?, area = ?, sections = ?, referent = ?,"
	                      " description = ?, version = version + 1, updated_at = NOW(6)"
	                      " WHERE tenant_id = ? AND id = ?",
	                      "sssssii", g->name, g->area, keys_json(a, g->sections, g->nsections), g->referent,
	                      g->description, tenant_id, g->id);
	if (n < 0 || n == 0) {
		rc = n < 0 ? (int)n : PART_ENOGROUP;
		goto done;
	}
	rc = db_query(d, a, &res, "SELECT id FROM participation_participants WHERE tenant_id = ? AND group_id = ?",
	              "ii", tenant_id, g->id);
	if (rc != DB_OK)
		goto done;
	/* Ids the body names must be the table's own. */
	for (size_t i = 0; i < g->nparticipants; i++) {
		bool own = g->participants[i].id == 0;
		for (size_t k = 0; k < db_nrows(res) && !own; k++)
			own = db_int(res, k, 0) == g->participants[i].id;
		if (!own) {
			rc = PART_ENOGROUP;
			goto done;
		}
	}
	for (size_t k = 0; k < db_nrows(res); k++) {
		bool kept = false;
		for (size_t i = 0; i < g->nparticipants && !kept; i++)
			kept = g->participants[i].id == db_int(res, k, 0);
		if (!kept && (n = db_exec(d, "DELETE FROM participation_participants WHERE tenant_id = ? AND id = ?",
		                          "ii", tenant_id, db_int(res, k, 0))) < 0) {
			rc = (int)n;
			goto done;
		}
	}
	for (size_t i = 0; i < g->nparticipants && rc == DB_OK; i++) {
		const part_participant *p = &g->participants[i];
		if (p->id == 0) {
			rc = insert_participant(d, tenant_id, g->id, i, p);
			continue;
		}
		n = db_exec(d,
		            "UPDATE participation_participants SET position = ?, first_name = ?, last_name = ?,"
		            " organization = ?, kind = ?, role = ?, email = ? WHERE tenant_id = ? AND id = ?",
		            "issssssii", (long long)i, p->first_name, p->last_name, p->organization, p->kind, p->role,
		            p->email, tenant_id, p->id);
		rc = n < 0 ? (int)n : DB_OK;
	}
done:
	arena_free(a);
	return rc;
}

int part_store_group_in_cycle(db *d, long long tenant_id, long long cycle_id, long long id, bool *found)
{
	arena *a = arena_new();
	db_res *res;
	int rc =
	    db_query(d, a, &res, "SELECT 1 FROM participation_groups WHERE tenant_id = ? AND cycle_id = ? AND id = ?",
	             "iii", tenant_id, cycle_id, id);
	*found = rc == DB_OK && db_nrows(res) == 1;
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------------- meetings */

static void read_meeting(const db_res *res, size_t i, part_meeting *m)
{
	*m = (part_meeting){.id = db_int(res, i, 0),
	                    .group_id = db_int(res, i, 1),
	                    .group_name = db_val(res, i, 2),
	                    .starts_at = db_val(res, i, 3),
	                    .ends_at = null_if_empty(res, i, 4),
	                    .place = db_val(res, i, 5),
	                    .agenda = null_if_empty(res, i, 6),
	                    .minutes = null_if_empty(res, i, 7),
	                    .version = db_int(res, i, 8),
	                    .created_at = db_val(res, i, 9),
	                    .updated_at = db_val(res, i, 10)};
}

/* The attendees of meetings[0..n), one statement over their id range. */
static int load_attendance(db *d, arena *a, long long tenant_id, part_meeting *m, size_t n)
{
	if (n == 0)
		return DB_OK;
	long long lo = m[0].id, hi = m[0].id;
	for (size_t i = 1; i < n; i++) {
		lo = m[i].id < lo ? m[i].id : lo;
		hi = m[i].id > hi ? m[i].id : hi;
	}
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT meeting_id, participant_id FROM participation_attendance"
	                " WHERE tenant_id = ? AND meeting_id BETWEEN ? AND ? ORDER BY meeting_id, participant_id",
	                "iii", tenant_id, lo, hi));
	size_t rows = db_nrows(res);
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		for (size_t k = 0; k < rows; k++)
			count += db_int(res, k, 0) == m[i].id;
		m[i].attendees = arena_calloc(a, count + 1, sizeof(*m[i].attendees));
		for (size_t k = 0; k < rows; k++)
			if (db_int(res, k, 0) == m[i].id)
				m[i].attendees[m[i].nattendees++] = db_int(res, k, 1);
	}
	return DB_OK;
}

static int meeting_rows(db *d, arena *a, long long tenant_id, db_res *res, part_meeting **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_meeting(res, i, &(*out)[i]);
	return load_attendance(d, a, tenant_id, *out, *n);
}

int part_store_meetings(db *d, arena *a, long long tenant_id, long long group_id, part_meeting **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " MEETING_COLUMNS " FROM participation_meetings m JOIN participation_groups g"
	                " ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ? AND m.group_id = ?"
	                " ORDER BY m.starts_at, m.id",
	                "ii", tenant_id, group_id));
	return meeting_rows(d, a, tenant_id, res, out, n);
}

int part_store_all_meetings(db *d, arena *a, long long tenant_id, int limit, part_meeting **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " MEETING_COLUMNS " FROM participation_meetings m JOIN participation_groups g"
	                " ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ?"
	                " ORDER BY m.starts_at DESC, m.id DESC LIMIT ?",
	                "ii", tenant_id, (long long)limit));
	return meeting_rows(d, a, tenant_id, res, out, n);
}

int part_store_meeting(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_meeting **out)
{
	db_res *res;
	size_t n;
	*out = NULL;
	DB_TRY(db_query(d, a, &res,
	                for_update
	                    ? "SELECT " MEETING_COLUMNS " FROM participation_meetings m JOIN participation_groups"
	                      " g ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ?"
	                      " AND m.id = ? FOR UPDATE"
	                    : "SELECT " MEETING_COLUMNS " FROM participation_meetings m JOIN participation_groups"
	                      " g ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ?"
	                      " AND m.id = ?",
	                "ii", tenant_id, id));
	if (db_nrows(res) != 1)
		return PART_ENOMEETING;
	return meeting_rows(d, a, tenant_id, res, out, &n);
}

/* Replaces the meeting's attendance after checking every attendee is a
 * participant of its table. */
static int set_attendance(db *d, long long tenant_id, const part_meeting *m, long long *bad)
{
	arena *a = arena_new();
	db_res *res;
	int rc = db_query(d, a, &res, "SELECT id FROM participation_participants WHERE tenant_id = ? AND group_id = ?",
	                  "ii", tenant_id, m->group_id);
	for (size_t i = 0; rc == DB_OK && i < m->nattendees; i++) {
		bool known = false;
		for (size_t k = 0; k < db_nrows(res) && !known; k++)
			known = db_int(res, k, 0) == m->attendees[i];
		if (!known) {
			*bad = m->attendees[i];
			rc = PART_ENOGROUP;
		}
	}
	long long n = 0;
	if (rc == DB_OK)
		n = db_exec(d, "DELETE FROM participation_attendance WHERE tenant_id = ? AND meeting_id = ?", "ii",
		            tenant_id, m->id);
	for (size_t i = 0; rc == DB_OK && n >= 0 && i < m->nattendees; i++)
		n = db_exec(
		    d, "INSERT INTO participation_attendance (tenant_id, meeting_id, participant_id) VALUES (?, ?, ?)",
		    "iii", tenant_id, m->id, m->attendees[i]);
	if (rc == DB_OK && n < 0)
		rc = (int)n;
	arena_free(a);
	return rc;
}

int part_store_meeting_insert(db *d, long long tenant_id, part_meeting *m, long long *bad)
{
	DB_TRY(db_exec(d,
	               "INSERT INTO participation_meetings (tenant_id, group_id, starts_at, ends_at, place, agenda,"
	               " minutes) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "iisssss", tenant_id, m->group_id, m->starts_at, m->ends_at, m->place, m->agenda, m->minutes));
	m->id = (long long)db_last_id(d);
	return set_attendance(d, tenant_id, m, bad);
}

int part_store_meeting_update(db *d, long long tenant_id, part_meeting *m, long long *bad)
{
	long long n = db_exec(d,
	                      "UPDATE participation_meetings SET starts_at = ?, ends_at = ?, place = ?, agenda = ?,"
	                      " minutes = ?, version = version + 1, updated_at = NOW(6) WHERE tenant_id = ? AND id = ?",
	                      "sssssii", m->starts_at, m->ends_at, m->place, m->agenda, m->minutes, tenant_id, m->id);
	DB_TRY(n);
	if (n == 0)
		return PART_ENOMEETING;
	return set_attendance(d, tenant_id, m, bad);
}

/* ---------------------------------------------------------------- snapshot */

int part_store_snapshot(db *d, arena *a, long long tenant_id, long long cycle_id, json_value **out)
{
	part_group *groups;
	size_t ngroups;
	bool more = false;
	db_res *res;
	*out = NULL;
	/* Every table of the cycle: a tenant has a handful. */
	DB_TRY(part_store_groups(d, a, tenant_id, cycle_id, 0, 100000, &groups, &ngroups, &more));
	DB_TRY(db_query(d, a, &res,
	                "SELECT " MEETING_COLUMNS " FROM participation_meetings m JOIN participation_groups g"
	                " ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE m.tenant_id = ? AND g.cycle_id = ?"
	                " ORDER BY m.starts_at, m.id",
	                "ii", tenant_id, cycle_id));
	part_meeting *all;
	size_t nall;
	DB_TRY(meeting_rows(d, a, tenant_id, res, &all, &nall));
	part_meeting **meetings = arena_calloc(a, ngroups + 1, sizeof(*meetings));
	size_t *nmeetings = arena_calloc(a, ngroups + 1, sizeof(*nmeetings));
	for (size_t i = 0; i < ngroups; i++) {
		meetings[i] = arena_calloc(a, nall + 1, sizeof(**meetings));
		for (size_t k = 0; k < nall; k++)
			if (all[k].group_id == groups[i].id)
				meetings[i][nmeetings[i]++] = all[k];
	}
	*out = part_snapshot_groups(a, groups, ngroups, meetings, nmeetings);
	return *out != NULL ? DB_OK : DB_EERR;
}
