/* What happens to a routed request before and after its handler:
 * authentication, tenant scoping, the handler, and a guarantee of an answer. */
#ifndef AMBITO_DISPATCH_H
#define AMBITO_DISPATCH_H

#include "http/http.h"

void dispatch_request(http_req *r);

#endif
