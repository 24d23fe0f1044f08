/* The handlers of core/opendata, one file each (internal). */
#ifndef AMBITO_OPENDATA_PARTS_H
#define AMBITO_OPENDATA_PARTS_H

#include "http/http.h"
#include "opendata/opendata.h"

void od_portal_home(http_req *r);   /* portal_pages.c */
void od_portal_cycle(http_req *r);  /* portal_pages.c */
void od_plans_csv(http_req *r);     /* opendata_files.c */
void od_sections_csv(http_req *r);  /* opendata_files.c */
void od_plans_xlsx(http_req *r);    /* opendata_files.c */
void od_sections_xlsx(http_req *r); /* opendata_files.c */
void od_cycle_zip(http_req *r);     /* opendata_files.c */
void od_catalog_rdf(http_req *r);   /* catalog.c */
void od_catalog_ttl(http_req *r);   /* catalog.c */

/* public_compare.c: the public comparison pages and their API. */
void od_public_coverage_page(http_req *r);
void od_public_finance_page(http_req *r);
void od_public_compare_coverage(http_req *r);
void od_public_compare_finance(http_req *r);
/* One public comparison of cy (finance or coverage, by, a COMPARE_ format)
 * built into m; false after answering an error. */
bool od_compare_file(http_req *r, const od_cycle *cy, bool finance, const char *by, int format, od_membuf *m);

#endif
