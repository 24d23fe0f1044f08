/* Dispatch: the fixed sequence around every handler. Authentication and
 * tenant scoping happen here and nowhere else, so no handler can forget them.
 * A write route runs as one transaction together with its audit row: a
 * refused or failed write leaves nothing but the audit of the attempt. */
#include "identity/dispatch.h"

#include "identity/audit.h"
#include "identity/auth.h"
#include "db/db.h"
#include "base/log.h"
#include "http/router.h"
#include "identity/scope.h"

static bool is_write(const http_req *r)
{
	return r->method == HTTP_POST || r->method == HTTP_PUT || r->method == HTTP_PATCH || r->method == HTTP_DELETE;
}

static void run_handler(http_req *r)
{
	const route *rt = r->route;
	rt->handler(r);
	if (r->status == 0) {
		log_msg(LOG_ERROR, "handler for %s %s left no answer", router_method_name(rt->method), rt->pattern);
		http_problem(r, 500, "the request was not answered");
	}
}

static void run_write(http_req *r)
{
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
		if (rc != DB_OK) {
			db_rollback(r->db);
			if (rc == DB_EUNAVAIL || rc == DB_ECONFLICT)
				http_unavailable(r, "the change could not be saved; nothing was changed: try again");
			else
				http_problem(r, 500, "the change could not be saved; nothing was changed");
		}
		return;
	}
	db_rollback(r->db);
	if (r->status != 503)
		audit_write(r); /* the refused attempt, outside the rolled-back work */
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
			http_problem(r, 404, "no such resource");
			return;
		}
		if (pages->authenticate(r) != 0)
			goto done;
	} else if (!(rt->flags & ROUTE_PUBLIC) && auth_request(r) != 0)
		return;
	if ((rt->flags & ROUTE_TENANT) && scope_resolve_tenant(r) != 0)
		goto done;
	if (r->db != NULL && is_write(r) && !(rt->flags & ROUTE_OWN_TX))
		run_write(r);
	else
		run_handler(r);
done:
	if (page && r->status >= 400)
		pages->error_page(r);
}
