/* SHA-256 through OpenSSL, one way for the whole server: refresh tokens are
 * stored as their hash, snapshots are served with theirs. OpenSSL can fail
 * (no memory, a provider that refuses), so every result is checked. */
#ifndef AMBITO_SHA256_H
#define AMBITO_SHA256_H

#include <stddef.h>

#define SHA256_LEN 32     /* bytes of a digest */
#define SHA256_HEX_LEN 64 /* lowercase hex digits of a digest */

/* The digest of buf[0..len) into md: 0, or -1 when OpenSSL fails (md is
 * then all zero, never half written). */
int sha256(const void *buf, size_t len, unsigned char md[SHA256_LEN]);
/* The digest as lowercase hex, NUL-terminated: 0, or -1 when OpenSSL fails
 * (hex is then the empty string). */
int sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* md as lowercase hex, NUL-terminated. */
void sha256_to_hex(const unsigned char md[SHA256_LEN], char hex[SHA256_HEX_LEN + 1]);

#endif
