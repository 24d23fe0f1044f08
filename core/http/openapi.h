/* The OpenAPI 3.1 document, generated from the route table (paths, methods,
 * parameters, tags, security) and the JSON files of core/http/openapi/
 * (schemas, tag descriptions), so it cannot list a route the server does not
 * have or miss one it has. */
#ifndef AMBITO_OPENAPI_H
#define AMBITO_OPENAPI_H

#include "http/http.h"

void openapi_render(http_req *r);

#endif
