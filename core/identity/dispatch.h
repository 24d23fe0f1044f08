/* What happens to a routed request before and after its handler:
 * authentication, tenant scoping, the handler, and a guarantee of an answer. */
#ifndef AMBITO_DISPATCH_H
#define AMBITO_DISPATCH_H

#include "http/http.h"

void dispatch_request(http_req *r);
/* Run by the server as soon as a routed request's head is read, before its
 * body: a route that needs a token refuses a request without a valid one
 * here (401), so an unauthenticated client never has its body read and
 * buffered. 0 to go on, -1 with the answer written. The full check (the
 * account, the login) stays in dispatch_request. Pages are left to their
 * session check there. */
int dispatch_head(http_req *r);

/* How ROUTE_PAGE routes are authenticated and how their errors look, given
 * by the web layer above (identity knows nothing of sessions or HTML). */
typedef struct dispatch_pages {
	/* 0 to go on (r->user NULL on a public page without a session), or -1
	 * after answering (a redirect to the login, a refused form). */
	int (*authenticate)(http_req *r);
	/* Turns a problem answer (4xx/5xx) into the page of its status. */
	void (*error_page)(http_req *r);
} dispatch_pages;
void dispatch_set_pages(const dispatch_pages *pages);

#endif
