/* Failed-login throttling per account and per client address, kept in the
 * database so every instance sees the same counts. After a threshold of
 * failures in 15 minutes the key is blocked (the failure that reaches the
 * threshold blocks for 15 s, each further one twice as long, up to 15
 * minutes); while blocked, logins and password changes get 429. */
#ifndef AMBITO_THROTTLE_H
#define AMBITO_THROTTLE_H

#include "db/db.h"

#define THROTTLE_ACCOUNT_FREE 5  /* failures per account: the 5th blocks */
#define THROTTLE_ADDRESS_FREE 20 /* failures per client address: the 20th blocks */

/* Seconds the key is still blocked (0 when not), or a DB_E* code. */
long long throttle_blocked(db *d, const char *key);
int throttle_fail(db *d, const char *key, int free_failures);
int throttle_clear(db *d, const char *key);

#endif
