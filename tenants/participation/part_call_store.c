/* The calls' and candidacies' SQL. A call's tables are a JSON list of ids,
 * read back with their names through JSON_TABLE in the same statement count
 * whatever the number of calls. A candidacy's personal data can be erased
 * while its row stays, so the audit log keeps pointing at something. */
#include <string.h>

#include "tenants/participation/participation.h"

#define CALL_COLUMNS                                                                                                   \
	"c.id, c.cycle_id, t.slug, t.name, cy.slug, c.title, c.description, c.opens_at, c.closes_at,"                  \
	" (c.opens_at <= UTC_TIMESTAMP() AND UTC_TIMESTAMP() < c.closes_at), c.created_at,"                            \
	" (SELECT COUNT(*) FROM participation_candidacies k WHERE k.tenant_id = c.tenant_id AND k.call_id = c.id),"    \
	" c.tenant_id"
#define CALL_FROM                                                                                                      \
	" FROM participation_calls c JOIN tenants t ON t.id = c.tenant_id JOIN cycles cy ON cy.id = c.cycle_id"
#define CANDIDACY_COLUMNS                                                                                              \
	"id, call_id, status, organization, kind, contact_name, email, motivation, group_ids, received_at,"            \
	" decided_at, erased_at"

static const char *opt(const db_res *res, size_t row, size_t col)
{
	return db_isnull(res, row, col) ? NULL : db_val(res, row, col);
}

static const char *ids_json(arena *a, const long long *ids, size_t n)
{
	jw *w = jw_new(NULL, NULL);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_int(w, ids[i]);
	jw_arr_end(w);
	size_t len = 0;
	const char *buf = jw_buffer(w, &len);
	const char *out = jw_failed(w) ? "[]" : arena_strndup(a, buf, len);
	jw_free(w);
	return out;
}

static void read_ids(arena *a, const char *text, long long **out, size_t *n)
{
	json_value *v = NULL;
	char err[64];
	*n = 0;
	if (text == NULL || json_parse(a, text, strlen(text), &v, err, sizeof(err)) != JSON_OK ||
	    v->type != JSON_ARRAY) {
		*out = arena_calloc(a, 1, sizeof(**out));
		return;
	}
	*out = arena_calloc(a, v->u.array.n + 1, sizeof(**out));
	for (size_t i = 0; i < v->u.array.n; i++)
		if (v->u.array.items[i]->type == JSON_NUMBER)
			(*out)[(*n)++] = v->u.array.items[i]->u.number.integer;
}

/* The calls of res with their tables' names: one more statement, over the
 * same filter (tenant_id 0 and open_only: every open call). */
static int read_calls(db *d, arena *a, db_res *res, long long tenant_id, long long call_id, bool open_only,
                      part_call **out, size_t *n)
{
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (part_call){.id = db_int(res, i, 0),
		                        .cycle_id = db_int(res, i, 1),
		                        .tenant_slug = db_val(res, i, 2),
		                        .tenant_name = db_val(res, i, 3),
		                        .cycle_slug = db_val(res, i, 4),
		                        .title = db_val(res, i, 5),
		                        .description = db_val(res, i, 6),
		                        .opens_at = db_val(res, i, 7),
		                        .closes_at = db_val(res, i, 8),
		                        .open = db_int(res, i, 9) == 1,
		                        .created_at = db_val(res, i, 10),
		                        .candidacies = db_int(res, i, 11),
		                        .tenant_id = db_int(res, i, 12)};
	if (*n == 0)
		return DB_OK;
	db_res *gr;
	DB_TRY(db_query(d, a, &gr,
	                "SELECT c.id, g.id, g.name FROM participation_calls c,"
	                " JSON_TABLE(c.group_ids, '$[*]' COLUMNS (pos FOR ORDINALITY, gid BIGINT PATH '$')) j"
	                " JOIN participation_groups g ON g.id = j.gid"
	                " WHERE g.tenant_id = c.tenant_id AND (? = 0 OR c.tenant_id = ?) AND (? = 0 OR c.id = ?)"
	                " AND (? = 0 OR (c.opens_at <= UTC_TIMESTAMP() AND UTC_TIMESTAMP() < c.closes_at))"
	                " ORDER BY c.id, j.pos",
	                "iiiii", tenant_id, tenant_id, call_id, call_id, (long long)open_only));
	size_t rows = db_nrows(gr);
	for (size_t i = 0; i < *n; i++) {
		part_call *c = &(*out)[i];
		c->groups = arena_calloc(a, rows + 1, sizeof(*c->groups));
		for (size_t k = 0; k < rows; k++)
			if (db_int(gr, k, 0) == c->id)
				c->groups[c->ngroups++] = (part_call_group){db_int(gr, k, 1), db_val(gr, k, 2)};
	}
	return DB_OK;
}

int part_store_calls(db *d, arena *a, long long tenant_id, part_call **out, size_t *n)
{
	db_res *res;
	bool open_only = tenant_id == 0;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " CALL_COLUMNS CALL_FROM " WHERE (? = 0 OR c.tenant_id = ?)"
	                " AND (? = 0 OR (c.opens_at <= UTC_TIMESTAMP() AND UTC_TIMESTAMP() < c.closes_at))"
	                " ORDER BY c.closes_at DESC, c.id DESC LIMIT ?",
	                "iiii", tenant_id, tenant_id, (long long)open_only, (long long)PART_PUBLIC_CALLS_MAX));
	return read_calls(d, a, res, tenant_id, 0, open_only, out, n);
}

int part_store_call(db *d, arena *a, long long tenant_id, long long id, part_call **out)
{
	db_res *res;
	size_t n;
	*out = NULL;
	DB_TRY(db_query(d, a, &res, "SELECT " CALL_COLUMNS CALL_FROM " WHERE (? = 0 OR c.tenant_id = ?) AND c.id = ?",
	                "iii", tenant_id, tenant_id, id));
	if (db_nrows(res) != 1)
		return PART_ENOCALL;
	return read_calls(d, a, res, tenant_id, id, false, out, &n);
}

int part_store_call_insert(db *d, long long tenant_id, part_call *c, long long *bad)
{
	arena *a = arena_new();
	int rc = DB_OK;
	long long *ids = arena_calloc(a, c->ngroups + 1, sizeof(*ids));
	c->cycle_id = 0;
	for (size_t i = 0; i < c->ngroups && rc == DB_OK; i++) {
		db_res *res;
		ids[i] = c->groups[i].id;
		rc = db_query(d, a, &res, "SELECT cycle_id FROM participation_groups WHERE tenant_id = ? AND id = ?",
		              "ii", tenant_id, ids[i]);
		if (rc != DB_OK)
			break;
		/* Every table of one call belongs to one cycle: the first's. */
		if (db_nrows(res) != 1 || (c->cycle_id != 0 && db_int(res, 0, 0) != c->cycle_id)) {
			*bad = ids[i];
			rc = PART_ENOGROUP;
			break;
		}
		c->cycle_id = db_int(res, 0, 0);
	}
	long long n = 0;
	if (rc == DB_OK)
		n = db_exec(
		    d,
		    "INSERT INTO participation_calls (tenant_id, cycle_id, title, description, opens_at, closes_at,"
		    " group_ids) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "iisssss", tenant_id, c->cycle_id, c->title, c->description, c->opens_at, c->closes_at,
		    ids_json(a, ids, c->ngroups));
	if (rc == DB_OK && n < 0)
		rc = (int)n;
	if (rc == DB_OK)
		c->id = (long long)db_last_id(d);
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------------- candidacies */

static void read_candidacy(arena *a, const db_res *res, size_t i, part_candidacy *c)
{
	*c = (part_candidacy){.id = db_int(res, i, 0),
	                      .call_id = db_int(res, i, 1),
	                      .status = db_val(res, i, 2),
	                      .organization = opt(res, i, 3),
	                      .kind = opt(res, i, 4),
	                      .contact_name = opt(res, i, 5),
	                      .email = opt(res, i, 6),
	                      .motivation = opt(res, i, 7),
	                      .received_at = db_val(res, i, 9),
	                      .decided_at = opt(res, i, 10),
	                      .erased_at = opt(res, i, 11)};
	read_ids(a, opt(res, i, 8), &c->groups, &c->ngroups);
}

int part_store_candidacies(db *d, arena *a, long long tenant_id, long long call_id, part_candidacy **out, size_t *n)
{
	db_res *res;
	DB_TRY(db_query(d, a, &res,
	                "SELECT " CANDIDACY_COLUMNS
	                " FROM participation_candidacies WHERE tenant_id = ? AND call_id = ?"
	                " ORDER BY id",
	                "ii", tenant_id, call_id));
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_candidacy(a, res, i, &(*out)[i]);
	return DB_OK;
}

int part_store_candidacy(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_candidacy **out)
{
	db_res *res;
	*out = NULL;
	DB_TRY(db_query(d, a, &res,
	                for_update ? "SELECT " CANDIDACY_COLUMNS
	                             " FROM participation_candidacies WHERE tenant_id = ? AND id = ? FOR UPDATE"
	                           : "SELECT " CANDIDACY_COLUMNS
	                             " FROM participation_candidacies WHERE tenant_id = ? AND id = ?",
	                "ii", tenant_id, id));
	if (db_nrows(res) != 1)
		return PART_ENOCANDIDACY;
	*out = arena_calloc(a, 1, sizeof(**out));
	read_candidacy(a, res, 0, *out);
	return DB_OK;
}

int part_store_candidacy_insert(db *d, long long tenant_id, part_candidacy *c)
{
	arena *a = arena_new();
	long long n =
	    db_exec(d,
	            "INSERT INTO participation_candidacies (tenant_id, call_id, organization, kind, contact_name,"
	            " email, group_ids, motivation, consent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(6))",
	            "iissssss", tenant_id, c->call_id, c->organization, c->kind, c->contact_name, c->email,
	            ids_json(a, c->groups, c->ngroups), c->motivation);
	arena_free(a);
	DB_TRY(n);
	c->id = (long long)db_last_id(d);
	return DB_OK;
}

static int decide(db *d, long long tenant_id, const part_candidacy *c, const char *status, long long user_id)
{
	if (strcmp(c->status, "received") != 0)
		return PART_ESTATE;
	DB_TRY(db_exec(d,
	               "UPDATE participation_candidacies SET status = ?, decided_at = NOW(6), decided_by = ?"
	               " WHERE tenant_id = ? AND id = ?",
	               "siii", status, user_id, tenant_id, c->id));
	return DB_OK;
}

/* "Maria Anna Rossi" -> first "Maria Anna", last "Rossi": the form asks for
 * name and surname in one field, the parser refuses one word. */
static void split_name(arena *a, const char *full, const char **first, const char **last)
{
	const char *sp = strrchr(full, ' ');
	if (sp == NULL) {
		*first = full;
		*last = full;
		return;
	}
	*first = arena_strndup(a, full, (size_t)(sp - full));
	*last = sp + 1;
}

int part_store_candidacy_accept(db *d, long long tenant_id, const part_candidacy *c, long long user_id)
{
	if (c->contact_name == NULL)
		return PART_ESTATE;
	DB_TRY(decide(d, tenant_id, c, "accepted", user_id));
	arena *a = arena_new();
	const char *first, *last;
	split_name(a, c->contact_name, &first, &last);
	int rc = DB_OK;
	for (size_t i = 0; i < c->ngroups && rc == DB_OK; i++) {
		long long n = db_exec(
		    d,
		    "INSERT INTO participation_participants (tenant_id, group_id, position, first_name, last_name,"
		    " organization, kind, role, email, candidacy_id)"
		    " SELECT ?, g.id, (SELECT COALESCE(MAX(p.position) + 1, 0) FROM participation_participants p"
		    " WHERE p.tenant_id = g.tenant_id AND p.group_id = g.id), ?, ?, ?, ?, NULL, ?, ?"
		    " FROM participation_groups g WHERE g.tenant_id = ? AND g.id = ?",
		    "isssssiii", tenant_id, first, last, c->organization, c->kind, c->email, c->id, tenant_id,
		    c->groups[i]);
		if (n >= 0)
			n = db_exec(d,
			            "UPDATE participation_groups SET version = version + 1, updated_at = NOW(6)"
			            " WHERE tenant_id = ? AND id = ?",
			            "ii", tenant_id, c->groups[i]);
		rc = n < 0 ? (int)n : DB_OK;
	}
	arena_free(a);
	return rc;
}

int part_store_candidacy_reject(db *d, long long tenant_id, const part_candidacy *c, long long user_id)
{
	return decide(d, tenant_id, c, "rejected", user_id);
}

int part_store_candidacy_erase(db *d, long long tenant_id, const part_candidacy *c)
{
	if (strcmp(c->status, "rejected") != 0 && strcmp(c->status, "withdrawn") != 0)
		return PART_ESTATE;
	DB_TRY(db_exec(d,
	               "UPDATE participation_candidacies SET organization = NULL, kind = NULL, contact_name = NULL,"
	               " email = NULL, motivation = NULL, group_ids = NULL, erased_at = COALESCE(erased_at, NOW(6))"
	               " WHERE tenant_id = ? AND id = ?",
	               "ii", tenant_id, c->id));
	return DB_OK;
}
