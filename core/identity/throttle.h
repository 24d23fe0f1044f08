/* Failed-login throttling per account and per client address, kept in the
 * database so every instance sees the same counts. After a threshold of
 * failures in 15 minutes each further failure blocks the key for twice as
 * long (15 s, 30 s, ... up to 15 minutes); while blocked, logins get 429. */
#ifndef AMBITO_THROTTLE_H
#define AMBITO_THROTTLE_H

#include "db/db.h"

#define THROTTLE_ACCOUNT_FREE 5  /* failures allowed per account before blocks */
#define THROTTLE_ADDRESS_FREE 20 /* failures allowed per client address */

/* Seconds the key is still blocked (0 when not), or a DB_E* code. */
long long throttle_blocked(db *d, const char *key);
int throttle_fail(db *d, const char *key, int free_failures);
int throttle_clear(db *d, const char *key);

#endif
