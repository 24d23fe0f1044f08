/* Pages of an ATS's members (/ats/{tenant}/membri…). */
#ifndef AMBITO_MEMBER_PAGES_H
#define AMBITO_MEMBER_PAGES_H

void member_pages_register(void);

#endif
