/* The routes of public calls (SPEC §7): the ATS's coordinator opens a call
 * for its tables; anyone reads the open calls and sends a candidacy; the
 * ATS's members and the Region read the candidacies; the coordinator
 * accepts (the person joins the chosen tables), rejects, and erases a
 * rejected candidacy's personal data. The anonymous candidacy is bounded
 * by its body limit, the call's dates, a rate limit per client address
 * (the login throttle's table) and a honeypot field. */
#include <string.h>

#include "base/id.h"
#include "http/router.h"
#include "http/validate.h"
#include "identity/audit.h"
#include "identity/scope.h"
#include "identity/throttle.h"
#include "tenants/participation/participation.h"

#define CALLS_PATH "/api/v1/tenants/{tenant}/calls"
#define CANDIDACY_PATH "/api/v1/tenants/{tenant}/candidacies/{id}"
#define COORDINATOR SCOPE_ROLE(ROLE_ATS_COORDINATOR)
/* Candidacies are personal data: the ATS's own people and the Region. */
#define CANDIDACY_READERS (SCOPE_REGION | SCOPE_ATS_WRITERS | SCOPE_ROLE(ROLE_ATS_VIEWER))
#define HONEYPOT "website" /* a field people never see or fill */

static void answer_error(http_req *r, int rc, const char *what)
{
	switch (rc) {
	case PART_ENOCALL: http_problem(r, 404, "l'avviso non esiste"); break;
	case PART_ENOCANDIDACY: http_problem(r, 404, "la candidatura non esiste"); break;
	case PART_ECLOSED:
		http_problem(r, 409, "l'avviso non è aperto: le candidature si inviano tra apertura e chiusura");
		break;
	case PART_ESTATE: http_problem(r, 409, "la candidatura non è in uno stato che lo consente"); break;
	default: http_db_error(r, rc, what); break;
	}
}

static bool path_id(http_req *r, long long *id)
{
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, id)) {
		http_problem(r, 404, "la risorsa non esiste");
		return false;
	}
	return true;
}

static void get_calls(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	part_call *c;
	size_t n;
	int rc = part_store_calls(r->db, r->a, r->tenant->id, &c, &n);
	if (rc != DB_OK) {
		answer_error(r, rc, "gli avvisi");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_call_render(w, &c[i], false, true);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

static void post_call(http_req *r)
{
	json_value *body;
	if (scope_require(r, COORDINATOR) != 0 || (body = v_read_object(r)) == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_call c;
	part_call_parse(e, body, &c);
	if (http_errors_answer(r, e, 422, NULL))
		return;
	long long bad = 0;
	int rc = part_store_call_insert(r->db, r->tenant->id, &c, &bad);
	if (rc == PART_ENOGROUP) {
		field_errors_add(e, "groups", "%lld non è un tavolo dell'ATS, o non è dello stesso ciclo degli altri",
		                 bad);
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	part_call *saved = NULL;
	if (rc == DB_OK)
		rc = part_store_call(r->db, r->a, r->tenant->id, c.id, &saved);
	if (rc != DB_OK) {
		answer_error(r, rc, "l'avviso");
		return;
	}
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/calls/%lld", r->tenant->slug, c.id);
	r->audit_detail = arena_printf(r->a, "call %lld opened for %zu groups", c.id, c.ngroups);
	http_set_header(r, "Location", r->audit_object);
	jw *w = http_json_begin(r);
	part_call_render(w, saved, false, true);
	http_json_end(r, w, 201);
}

static void get_candidacies(http_req *r)
{
	long long id;
	part_call *c;
	if (scope_require(r, CANDIDACY_READERS) != 0 || !path_id(r, &id))
		return;
	int rc = part_store_call(r->db, r->a, r->tenant->id, id, &c);
	part_candidacy *k = NULL;
	size_t n = 0;
	if (rc == DB_OK)
		rc = part_store_candidacies(r->db, r->a, r->tenant->id, id, &k, &n);
	if (rc != DB_OK) {
		answer_error(r, rc, "le candidature");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_candidacy_render(w, &k[i]);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

/* The candidacy of the path, locked, after checking the coordinator. */
static part_candidacy *path_candidacy(http_req *r)
{
	long long id;
	part_candidacy *c = NULL;
	if (scope_require(r, COORDINATOR) != 0 || !path_id(r, &id))
		return NULL;
	int rc = part_store_candidacy(r->db, r->a, r->tenant->id, id, true, &c);
	if (rc != DB_OK) {
		answer_error(r, rc, "la candidatura");
		return NULL;
	}
	return c;
}

static void answer_candidacy(http_req *r, long long id)
{
	part_candidacy *c;
	int rc = part_store_candidacy(r->db, r->a, r->tenant->id, id, false, &c);
	if (rc != DB_OK) {
		answer_error(r, rc, "la candidatura");
		return;
	}
	jw *w = http_json_begin(r);
	part_candidacy_render(w, c);
	http_json_end(r, w, 200);
}

static void decide(http_req *r, bool accept)
{
	part_candidacy *c = path_candidacy(r);
	if (c == NULL)
		return;
	int rc = accept ? part_store_candidacy_accept(r->db, r->tenant->id, c, r->user->user_id)
	                : part_store_candidacy_reject(r->db, r->tenant->id, c, r->user->user_id);
	if (rc != DB_OK) {
		answer_error(r, rc, "la candidatura");
		return;
	}
	r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/candidacies/%lld", r->tenant->slug, c->id);
	r->audit_detail = accept ? arena_printf(r->a, "candidacy %lld accepted: joins %zu groups", c->id, c->ngroups)
	                         : arena_printf(r->a, "candidacy %lld rejected", c->id);
	answer_candidacy(r, c->id);
}

static void post_accept(http_req *r)
{
	decide(r, true);
}

static void post_reject(http_req *r)
{
	decide(r, false);
}

static void delete_candidacy(http_req *r)
{
	part_candidacy *c = path_candidacy(r);
	if (c == NULL)
		return;
	int rc = part_store_candidacy_erase(r->db, r->tenant->id, c);
	if (rc != DB_OK) {
		answer_error(r, rc, "la candidatura");
		return;
	}
	r->audit_detail = arena_printf(r->a, "candidacy %lld: personal data erased (%s)", c->id, c->status);
	http_no_content(r);
}

/* ---------------------------------------------------------------- public */

static void get_public_calls(http_req *r)
{
	part_call *c;
	size_t n;
	int rc = part_store_calls(r->db, r->a, 0, &c, &n);
	if (rc != DB_OK) {
		answer_error(r, rc, "gli avvisi");
		return;
	}
	jw *w = http_json_begin(r);
	http_list_begin(w);
	for (size_t i = 0; i < n; i++)
		part_call_render(w, &c[i], true, false);
	http_list_end(w, NULL);
	http_json_end(r, w, 200);
}

long long part_candidacy_rate(http_req *r)
{
	/* Counted outside any transaction, so a refused attempt counts too. */
	const char *key = arena_printf(r->a, "candidacy:%s", r->client_addr ? r->client_addr : "");
	long long wait = throttle_blocked(r->db, key);
	if (wait != 0)
		return wait;
	int rc = throttle_fail(r->db, key, PART_CANDIDACY_FREE);
	return rc != DB_OK ? rc : 0;
}

int part_candidacy_receive(http_req *r, long long call_id, const json_value *body, field_errors *e, part_call **call)
{
	int rc = part_store_call(r->db, r->a, 0, call_id, call);
	if (rc == DB_OK && !(*call)->open)
		rc = PART_ECLOSED;
	if (rc != DB_OK)
		return rc;
	part_candidacy c;
	if (part_candidacy_parse(e, body, *call, &c) > 0)
		return PART_EINVALID;
	const json_value *trap = json_get(body, HONEYPOT);
	if (json_is(trap, JSON_STRING) && trap->u.string.len > 0)
		return DB_OK; /* dropped, and answered as if kept */
	c.call_id = (*call)->id;
	rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = part_store_candidacy_insert(r->db, (*call)->tenant_id, &c);
	if (rc == DB_OK) {
		int status = r->status;
		r->status = 201; /* what the audit row records: a candidacy created */
		r->audit_tenant_id = (*call)->tenant_id;
		r->audit_object = arena_printf(r->a, "/api/v1/tenants/%s/candidacies/%lld", (*call)->tenant_slug, c.id);
		r->audit_detail =
		    arena_printf(r->a, "candidacy %lld to call %lld for %zu groups", c.id, (*call)->id, c.ngroups);
		rc = audit_write(r);
		r->status = status;
	}
	if (rc == DB_OK)
		rc = db_commit(r->db);
	if (rc != DB_OK)
		db_rollback(r->db);
	return rc;
}

static void post_candidacy(http_req *r)
{
	long long id;
	if (!path_id(r, &id))
		return;
	long long wait = part_candidacy_rate(r);
	if (wait < 0) {
		http_unavailable(r, NULL);
		return;
	}
	if (wait > 0) {
		http_problemf(r, 429, "troppe candidature da questo indirizzo: riprovare tra %lld %s", wait,
		              wait == 1 ? "secondo" : "secondi");
		http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
		return;
	}
	json_value *body = v_read_object(r);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_call *call = NULL;
	int rc = part_candidacy_receive(r, id, body, e, &call);
	if (rc == PART_EINVALID) {
		http_errors_answer(r, e, 422, NULL);
		return;
	}
	if (rc != DB_OK) {
		answer_error(r, rc, "la candidatura");
		return;
	}
	/* The same answer whether kept or dropped: a robot learns nothing. */
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_kint(w, "call", call->id);
	jw_kstr(w, "status", "received");
	jw_obj_end(w);
	http_json_end(r, w, 201);
}

static const route routes[] = {
    {HTTP_GET, CALLS_PATH, get_calls, ROUTE_TENANT,
     "The tenant's public calls (manifestazione di interesse), newest first, with how many candidacies each has", NULL,
     "CallList"},
    {HTTP_POST, CALLS_PATH, post_call, ROUTE_TENANT,
     "Open a public call for some of the tenant's tables, between opens_at and closes_at (ATS coordinator)", "Call",
     "Call", .max_body = PART_CALL_BODY_MAX},
    {HTTP_GET, CALLS_PATH "/{id}/candidacies", get_candidacies, ROUTE_TENANT,
     "The candidacies a call received, with their personal data (the tenant's members and the Region only)", NULL,
     "CandidacyList"},
    {HTTP_POST, CANDIDACY_PATH "/accept", post_accept, ROUTE_TENANT,
     "Accept a received candidacy: the person joins each table chosen as a participant (ATS coordinator)", NULL,
     "Candidacy", .max_body = ROUTE_BODY_PUBLIC_MAX},
    {HTTP_POST, CANDIDACY_PATH "/reject", post_reject, ROUTE_TENANT, "Reject a received candidacy (ATS coordinator)",
     NULL, "Candidacy", .max_body = ROUTE_BODY_PUBLIC_MAX},
    {HTTP_DELETE, CANDIDACY_PATH, delete_candidacy, ROUTE_TENANT,
     "Erase the personal data of a rejected or withdrawn candidacy; its row stays as a tombstone for the audit (ATS "
     "coordinator)",
     NULL, NULL},
    {HTTP_GET, "/api/v1/public/calls", get_public_calls, ROUTE_PUBLIC,
     "The calls open now, of every tenant, with the tables one may join", NULL, "PublicCallList"},
    {HTTP_POST, "/api/v1/public/calls/{id}/candidacies", post_candidacy, ROUTE_PUBLIC | ROUTE_OWN_TX,
     "Send a candidacy to an open call: 409 outside its dates, 422 without privacy_consent, 429 with Retry-After "
     "past " ROUTE_STR(PART_CANDIDACY_FREE) " attempts from one address in 15 minutes",
     "CandidacyInput", "CandidacyReceipt", .max_body = PART_CANDIDACY_BODY_MAX},
};

void part_calls_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
