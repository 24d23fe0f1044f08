/* The handlers of core/opendata, one file each (internal). */
#ifndef AMBITO_OPENDATA_PARTS_H
#define AMBITO_OPENDATA_PARTS_H

#include "http/http.h"

void od_portal_home(http_req *r);   /* portal_pages.c */
void od_portal_cycle(http_req *r);  /* portal_pages.c */
void od_plans_csv(http_req *r);     /* opendata_files.c */
void od_sections_csv(http_req *r);  /* opendata_files.c */
void od_plans_xlsx(http_req *r);    /* opendata_files.c */
void od_sections_xlsx(http_req *r); /* opendata_files.c */
void od_cycle_zip(http_req *r);     /* opendata_files.c */
void od_catalog_rdf(http_req *r);   /* catalog.c */
void od_catalog_ttl(http_req *r);   /* catalog.c */

#endif
