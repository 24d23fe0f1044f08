/* SHA-256 digests and their hex text (see sha256.h). */
#include "base/sha256.h"

#include <string.h>

#include <openssl/evp.h>

int sha256(const void *buf, size_t len, unsigned char md[SHA256_LEN])
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	memset(md, 0, SHA256_LEN);
	if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1 || n != SHA256_LEN)
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
