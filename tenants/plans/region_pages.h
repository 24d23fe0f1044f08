/* The pages of the Region's staff and of the universities across ATS: the
 * home with every ATS of the current cycle (sortable, filterable, paged)
 * and the review queue on top, and the queue alone at /revisione. */
#ifndef AMBITO_REGION_PAGES_H
#define AMBITO_REGION_PAGES_H

#include "web/web.h"

/* The home's content for region staff and university users (between its
 * <h1> and its end). */
void region_pages_home(web_page *p);

void region_pages_register(void); /* /revisione */

#endif
