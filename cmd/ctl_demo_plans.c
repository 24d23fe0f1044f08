/* The plans of a demo set: each is written through the plans module's own
 * validation and status machine (create, sections, finance, submit, review,
 * publish) up to its "target_status", so the demo shows every state of the
 * flow and can never hold a plan the API would have refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_demo.h"
#include "tenants/plans/plans.h"

/* Plain, by the shape of the file; the plans module checks the content. */
static const char *str(const json_value *o, const char *k)
{
	const char *s = json_get_str(o, k);
	return s ? s : "";
}

static void say(char *err, size_t errlen, const char *tenant, const char *what, const char *detail)
{
	snprintf(err, errlen, "piano di %s: %s%s%s", tenant, what, detail ? ": " : "", detail ? detail : "");
}

/* The first user with role on the tenant (ATS roles) or in the Region. */
static long long user_with(db *d, arena *a, long long tenant_id, const char *role)
{
	db_res *res;
	int rc = tenant_id ? db_query(d, a, &res,
	                              "SELECT user_id FROM memberships WHERE tenant_id = ? AND role = ?"
	                              " ORDER BY user_id LIMIT 1",
	                              "is", tenant_id, role)
	                   : db_query(d, a, &res, "SELECT id FROM users WHERE region_role = ? ORDER BY id LIMIT 1", "s",
	                              role);
	return rc == DB_OK && db_nrows(res) == 1 ? db_int(res, 0, 0) : 0;
}

/* "2021-06-28T10:00:00Z" -> "2021-06-28 10:00:00"; NULL when absent or not
 * of that shape. */
static const char *datetime(arena *a, const char *rfc3339)
{
	if (rfc3339 == NULL || strlen(rfc3339) != 20 || rfc3339[10] != 'T' || rfc3339[19] != 'Z')
		return NULL;
	char *s = arena_strdup(a, rfc3339);
	s[10] = ' ';
	s[19] = '\0';
	return s;
}

/* Puts the first validation error, and how many there are, into err. */
static bool invalid(arena *a, const field_errors *e, char *err, size_t errlen, const char *tenant, const char *where)
{
	size_t n = field_errors_count(e);
	if (n == 0)
		return false;
	const char *first = field_errors_kept(e) > 0
	                        ? arena_printf(a, "%s: %s", field_errors_field(e, 0), field_errors_message(e, 0))
	                        : "?";
	say(err, errlen, tenant, where, n == 1 ? first : arena_printf(a, "%s (e altri %zu errori)", first, n - 1));
	return true;
}

static int load_one(db *d, arena *a, const cycle *c, const cycle_catalog *cat, const cycle_template *tpl,
                    const json_value *p, char *err, size_t errlen)
{
	const char *slug = str(p, "tenant"), *target = str(p, "target_status");
	int want = plan_status_parse(target);
	int rc = -1;
	if (want < 0) {
		say(err, errlen, slug, "target_status sconosciuto", target);
		return -1;
	}
	db_res *res;
	if (db_query(d, a, &res, "SELECT id FROM tenants WHERE slug = ?", "s", slug) != DB_OK || db_nrows(res) != 1) {
		say(err, errlen, slug, "ambito assente dall'insieme dimostrativo", NULL);
		return -1;
	}
	long long tenant_id = db_int(res, 0, 0);
	long long coordinator = user_with(d, a, tenant_id, "ats_coordinator");
	long long reviewer = user_with(d, a, 0, "region_reviewer");
	if (coordinator == 0 || reviewer == 0) {
		say(err, errlen, slug,
		    "l'insieme dimostrativo richiede un coordinatore dell'ambito e un region_reviewer", NULL);
		return -1;
	}
	if (plan_create(d, tenant_id, c, coordinator) != DB_OK) {
		say(err, errlen, slug, "impossibile creare il piano", db_error(d));
		return -1;
	}

	field_errors *e = field_errors_new(a);
	const json_value *sections = json_get(p, "sections");
	for (size_t i = 0; i < tpl->nsections; i++) {
		const cycle_section *s = &tpl->sections[i];
		const json_value *body = sections ? json_get(sections, s->key) : NULL;
		plan_section_content content;
		if (body == NULL)
			continue;
		if (plan_section_parse(e, arena_printf(a, "sections.%s", s->key), body, s, c, cat, &content) > 0)
			continue;
		if (plan_section_save(d, a, tenant_id, c->id, s, &content, coordinator, NULL) != DB_OK) {
			say(err, errlen, slug, "impossibile salvare la sezione", s->key);
			goto out;
		}
	}
	plan_finance finance;
	const json_value *fin = json_get(p, "finance");
	if (fin != NULL && plan_finance_parse(e, "finance", fin, c, cat, &finance) == 0 &&
	    plan_finance_save(d, tenant_id, c->id, &finance) != DB_OK) {
		say(err, errlen, slug, "impossibile salvare le entrate", db_error(d));
		goto out;
	}
	if (invalid(a, e, err, errlen, slug, "il file dimostrativo viola le regole del modello"))
		goto out;

	if (want != PLAN_DRAFT) {
		plan_submission sub;
		const char *note = json_get_str(p, "submission_note");
		const json_value *act_v = json_get(p, "approval_act");
		plan_approval_act act = {json_get_str(act_v, "number"), json_get_str(act_v, "date")};
		int s = plan_submit_at(d, a, tenant_id, c, coordinator, note, act_v != NULL ? &act : NULL,
		                       datetime(a, json_get_str(p, "submitted_at")), &sub);
		if (s == PLAN_EINCOMPLETE) {
			say(err, errlen, slug, "non si può inviare: una parte obbligatoria è vuota",
			    arena_printf(a, "%s %s", sub.missing[0].section, sub.missing[0].part));
			goto out;
		}
		if (s != DB_OK) {
			say(err, errlen, slug, "non si può inviare", db_error(d));
			goto out;
		}
		if (want != PLAN_SUBMITTED) {
			plan_decision decision = want == PLAN_CHANGES_REQUESTED ? PLAN_REQUEST_CHANGES : PLAN_APPROVE;
			if (plan_review_at(d, tenant_id, c->id, sub.revision, decision, json_get_str(p, "review_note"),
			                   reviewer, datetime(a, json_get_str(p, "reviewed_at")), NULL) != DB_OK ||
			    (want == PLAN_PUBLISHED && plan_publish(d, tenant_id, c->id, NULL, NULL) != DB_OK)) {
				say(err, errlen, slug, "non si può portare allo stato", target);
				goto out;
			}
		}
	}
	rc = 0;
out:
	return rc;
}

int ctl_demo_load_plans(db *d, arena *a, const char *cycle_slug, const json_value *plans, size_t *loaded, char *err,
                        size_t errlen)
{
	*loaded = 0;
	if (plans == NULL || plans->type != JSON_ARRAY || plans->u.array.n == 0)
		return 0;
	cycle *c;
	cycle_catalog cat;
	cycle_template tpl;
	if (cycle_store_find(d, a, cycle_slug, true, &c) != DB_OK || c == NULL) {
		snprintf(err, errlen, "i piani richiedono il ciclo %s: importarlo prima", cycle_slug);
		return -1;
	}
	if (c->status != CYCLE_OPEN) {
		snprintf(err, errlen, "i piani richiedono che il ciclo %s sia aperto; è %s", cycle_slug,
		         cycle_status_name(c->status));
		return -1;
	}
	if (cycle_store_load_catalog(d, a, c->id, &cat) != DB_OK ||
	    cycle_store_load_template(d, a, c->id, &tpl) != DB_OK) {
		snprintf(err, errlen, "impossibile leggere il ciclo %s: %s", cycle_slug, db_error(d));
		return -1;
	}
	for (size_t i = 0; i < plans->u.array.n; i++) {
		if (load_one(d, a, c, &cat, &tpl, plans->u.array.items[i], err, errlen) != 0)
			return -1;
		(*loaded)++;
	}
	return 0;
}
