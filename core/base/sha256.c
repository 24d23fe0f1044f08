/* SHA-256 digests and their hex text (see sha256.h). */
#include "base/sha256.h"

#include <string.h>

#include <openssl/evp.h>
#include <pthread.h>

/* Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up (a lock
 * and a search) on every digest; a session's hash is taken on every page. */
static EVP_MD *md_sha256;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int sha256(const void *buf, size_t len, unsigned char md[SHA256_LEN])
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	memset(md, 0, SHA256_LEN);
	pthread_once(&md_once, fetch_md);
	if (md_sha256 == NULL || EVP_Digest(buf, len, out, &n, md_sha256, NULL) != 1 || n != SHA256_LEN)
		return -1;
	memcpy(md, out, SHA256_LEN);
	return 0;
}

void sha256_to_hex(const unsigned char md[SHA256_LEN], char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

int sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[SHA256_LEN];
	hex[0] = '\0';
	if (sha256(buf, len, md) != 0)
		return -1;
	sha256_to_hex(md, hex);
	return 0;
}
