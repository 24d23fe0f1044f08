/* Password hashing with OpenSSL's scrypt (N=2^15, r=8, p=1: 32 MiB and tens of
 * milliseconds per hash), a random 16-byte salt per password, and a
 * constant-time comparison. In the server hashes run on a pool of their own
 * with a bounded queue (password_init), so logins cannot take every core nor
 * every request worker. */
#ifndef AMBITO_PASSWORD_H
#define AMBITO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024
#define PASSWORD_HASH_MAX 200

#define PASSWORD_MAX_THREADS 64
/* How long a hash may wait in the queue for a thread before it is refused. */
#define PASSWORD_QUEUE_WAIT_MS 1000

enum {
	PASSWORD_MATCH = 0,
	PASSWORD_MISMATCH = 1,
	PASSWORD_EBUSY = -2 /* the hashing pool is full: answer 503 */
};

/* Starts the hashing pool: threads hashes at once, queue more waiting.
 * Without it (ambitoctl) hashes run on the caller's thread. 0 or -1. */
int password_init(int threads, int queue);
/* Lets running hashes finish and joins the threads. */
void password_shutdown(void);
/* Hashes running and queued now; returns how many may be admitted. */
int password_pool_load(int *running, int *queued);
/* true when a hash asked for now would be refused (a cheap early check:
 * the answer may change before the hash is asked for). */
bool password_busy(void);
/* Writes "scrypt$N$r$p$salt$hash" (base64) into out. 0, -1 or
 * PASSWORD_EBUSY. */
int password_hash(const char *password, char *out, size_t outlen);
/* PASSWORD_MATCH, PASSWORD_MISMATCH or PASSWORD_EBUSY. Always does the full
 * work, also for a malformed stored hash, so timing does not tell them
 * apart. */
int password_check(const char *password, const char *stored);
/* Burns the same time as a check, for unknown accounts: 0 or
 * PASSWORD_EBUSY. */
int password_dummy_check(const char *password);
/* A random password of 20 characters from an unambiguous alphabet. */
void password_generate(char out[21]);

#endif
