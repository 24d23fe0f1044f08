/* The participation pages: the ATS's (part_pages.c) and the public ones
 * anyone reads, /partecipa (part_public_pages.c). */
#ifndef AMBITO_PART_PAGES_H
#define AMBITO_PART_PAGES_H

#include "base/arena.h"

void part_pages_register(void);
void part_public_pages_register(void);

/* "2021-05-03T10:30" (seconds optional) in Europe/Rome as RFC 3339 UTC,
 * "2021-05-03T08:30:00Z"; NULL when unreadable. */
const char *part_rome_to_utc(arena *a, const char *local);

#endif
