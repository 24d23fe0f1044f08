/* The logins through the provider in progress (internal to core/sso). */
#ifndef AMBITO_SSO_STORE_H
#define AMBITO_SSO_STORE_H

#include <stdbool.h>

#include "base/arena.h"
#include "db/db.h"

/* Records a new attempt; *full when SSO_MAX_PENDING are in flight (nothing
 * written). DB_OK or a DB_E* code. */
int sso_store_begin(db *d, const unsigned char state_hash[32], const char *nonce, const char *verifier, bool *full);
/* Spends the attempt of state_hash (in the caller's transaction): *nonce and
 * *verifier NULL when there is none, or it expired. */
int sso_store_take(db *d, arena *a, const unsigned char state_hash[32], const char **nonce, const char **verifier);

#endif
