/* Dispatch: the fixed sequence around every handler. Authentication and
 * tenant scoping happen here and nowhere else, so no handler can forget them.
 * A write route runs as one transaction together with its audit row: a
 * refused or failed write leaves nothing but the audit of the attempt. A
 * write refused with 401 is counted in /metrics instead (README, "Audit"). */
#include "identity/dispatch.h"

#include "base/log.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/scope.h"

#include <openssl/rand.h>
#include <string.h>
#include <time.h>

static bool is_write(const http_req *r)
{
	return r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_PATCH || r->method == HTTP_DELETE;
}

static void run_handler(http_req *r)
{
	const route *rt = r->route;
	/* A parameter that does not decode (?cursor=%00, bad UTF-8) would read
	 * as absent in the handler and be ignored: refuse it here, once. */
	const char *bad = http_query_invalid(r);
	if (bad != NULL) {
		field_errors *e = http_errors_new(r);
		field_errors_add(e, bad, "non è codificato correttamente (percent-encoding UTF-8, senza NUL)");
		http_errors_answer(r, e, 400, "un parametro della query non è valido");
		return;
	}
	rt->handler(r);
	if (r->status == 0) {
		log_msg(LOG_ERROR, "handler for %s %s left no answer", router_method_name(rt->method), rt->pattern);
		http_problem(r, 500, "la richiesta non ha avuto risposta");
	}
}

/* A write transaction that loses a deadlock, or on Galera a certification
 * conflict (1213), was rolled back whole by the server: it is run again from
 * the start, handler and audit row, up to WRITE_TX_ATTEMPTS times, after a
 * short random pause that grows with each attempt so that two transactions
 * that collided do not collide again in step. */
#define WRITE_TX_ATTEMPTS 4
#define WRITE_TX_BACKOFF_MS 4 /* the first pause is up to this, then doubled */

static bool retry_conflict(http_req *r, int attempt)
{
	if (!db_tx_deadlocked(r->db) || attempt >= WRITE_TX_ATTEMPTS)
		return false;
	unsigned int ms = 1;
	unsigned char rnd[2];
	if (RAND_bytes(rnd, sizeof(rnd)) == 1)
		ms += ((unsigned)rnd[0] << 8 | rnd[1]) % (WRITE_TX_BACKOFF_MS << (attempt - 1));
	log_msg(LOG_INFO, "write %s %s met a conflict (attempt %d): running it again in %u ms", r->method_name,
	        r->route->pattern, attempt, ms);
	metrics_tx_retry();
	http_reset_answer(r);
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return true;
}

static void run_write(http_req *r)
{
	for (int attempt = 1;; attempt++) {
		int rc = db_begin(r->db);
		if (rc != DB_OK) {
			http_unavailable(r, NULL);
			return;
		}
		run_handler(r);
		if (r->status < 400) {
			rc = audit_write(r);
			if (rc == DB_OK)
				rc = db_commit(r->db);
			if (rc == DB_OK)
				return;
			db_rollback(r->db);
			if (retry_conflict(r, attempt))
				continue;
			if (rc == DB_EUNAVAIL || rc == DB_ECONFLICT)
				http_unavailable(r,
				                 "la modifica non si è potuta salvare e nulla è cambiato: riprovare");
			else
				http_problem(r, 500, "la modifica non si è potuta salvare e nulla è cambiato");
			return;
		}
		db_rollback(r->db);
		if (retry_conflict(r, attempt))
			continue;
		if (r->status != 503)
			audit_write(r); /* the refused attempt, outside the rolled-back work */
		return;
	}
}

/* What an account whose password was reset may still do over the API: read
 * itself, choose a new password, log out (the refresh and logout routes are
 * public and never get here). */
static bool password_change_allowed(const route *rt)
{
	return (rt->method == HTTP_GET && strcmp(rt->pattern, "/api/v1/me") == 0) ||
	       (rt->method == HTTP_PUT && strcmp(rt->pattern, "/api/v1/me/password") == 0);
}

int dispatch_head(http_req *r)
{
	const route *rt = r->route;
	if (rt->flags & (ROUTE_PUBLIC | ROUTE_PAGE | ROUTE_INLINE))
		return 0;
	if (auth_request_head(r) == 0)
		return 0;
	if (is_write(r))
		metrics_refusal(REFUSAL_UNAUTHENTICATED_WRITE);
	return -1;
}

static const dispatch_pages *pages;

void dispatch_set_pages(const dispatch_pages *p)
{
	pages = p;
}

void dispatch_request(http_req *r)
{
	const route *rt = r->route;
	bool page = (rt->flags & ROUTE_PAGE) != 0;
	if (page) {
		/* Never the Bearer path: a page is the browser's, by session. */
		if (pages == NULL) {
			http_problem(r, 404, "la risorsa richiesta non esiste");
			return;
		}
		if (pages->authenticate(r) != 0)
			goto done;
	} else if (!(rt->flags & ROUTE_PUBLIC) && auth_request(r) != 0) {
		/* Refused writes are audited when the caller is authenticated (the
		 * account can be stopped if it floods), only counted when not. */
		if (is_write(r) && r->status == 401)
			metrics_refusal(REFUSAL_UNAUTHENTICATED_WRITE);
		return;
	}
	if (!page && r->user != NULL && r->user->must_change_password && !password_change_allowed(rt)) {
		http_problem_code(
		    r, 403, "password_change_required",
		    "la password è stata reimpostata: prima di ogni altra operazione occorre sceglierne una "
		    "nuova con PUT /api/v1/me/password");
		if (r->db != NULL && is_write(r))
			audit_write(r);
		return;
	}
	if ((rt->flags & ROUTE_TENANT) && scope_resolve_tenant(r) != 0) {
		if (r->db != NULL && is_write(r) && r->status != 503)
			audit_write(r); /* a tenant the caller may not see: the path names what was tried */
		goto done;
	}
	if (r->db != NULL && is_write(r) && !(rt->flags & ROUTE_OWN_TX))
		run_write(r);
	else
		run_handler(r);
done:
	if (page && r->status >= 400)
		pages->error_page(r);
}
