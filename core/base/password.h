/* Password hashing with OpenSSL's scrypt (N=2^15, r=8, p=1: 32 MiB and tens of
 * milliseconds per hash), a random 16-byte salt per password, and a
 * constant-time comparison. At most kdf_concurrency hashes run at once so
 * logins cannot take every core. */
#ifndef AMBITO_PASSWORD_H
#define AMBITO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024
#define PASSWORD_HASH_MAX 200

void password_init(int concurrency);
/* Writes "scrypt$N$r$p$salt$hash" (base64) into out. 0 or -1. */
int password_hash(const char *password, char *out, size_t outlen);
/* true when password matches stored. Always does the full work, also for a
 * malformed stored hash, so timing does not tell them apart. */
bool password_verify(const char *password, const char *stored);
/* Burns the same time as a verification, for unknown accounts. */
void password_dummy_verify(const char *password);
/* A random password of 20 characters from an unambiguous alphabet. */
void password_generate(char out[21]);

#endif
