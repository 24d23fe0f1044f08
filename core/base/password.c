/* scrypt password hashes. The semaphore bounds concurrent hashes; a worker
 * waiting on it holds no lock the I/O thread needs, so /healthz stays fast. */
#include "base/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRYPT_N 32768ULL
#define SCRYPT_R 8ULL
#define SCRYPT_P 1ULL
#define SCRYPT_MAXMEM (64ULL * 1024 * 1024)
#define SALT_LEN 16
#define KEY_LEN 32

static sem_t kdf_slots;
static bool kdf_ready;

void password_init(int concurrency)
{
	if (!kdf_ready) {
		sem_init(&kdf_slots, 0, (unsigned)(concurrency > 0 ? concurrency : 1));
		kdf_ready = true;
	}
}

static int derive(const char *pw, const unsigned char *salt, size_t saltlen, unsigned long long n, unsigned long long r,
                  unsigned long long p, unsigned char *key)
{
	if (kdf_ready)
		sem_wait(&kdf_slots);
	int ok = EVP_PBE_scrypt(pw, strlen(pw), salt, saltlen, n, r, p, SCRYPT_MAXMEM, key, KEY_LEN);
	if (kdf_ready)
		sem_post(&kdf_slots);
	return ok == 1 ? 0 : -1;
}

static int b64(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	if (outlen < 4 * ((n + 2) / 3) + 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

static int unb64(const char *in, unsigned char *out, size_t want)
{
	size_t len = strlen(in);
	unsigned char buf[64];
	if (len == 0 || len > 4 * ((sizeof(buf) + 2) / 3) || len % 4 != 0)
		return -1;
	int n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	size_t pad = (in[len - 1] == '=') + (in[len - 2] == '=');
	if ((size_t)n - pad != want)
		return -1;
	memcpy(out, buf, want);
	return 0;
}

int password_hash(const char *password, char *out, size_t outlen)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char s64[64], k64[64];
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -1;
	if (derive(password, salt, sizeof(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, key) != 0)
		return -1;
	if (b64(salt, sizeof(salt), s64, sizeof(s64)) != 0 || b64(key, sizeof(key), k64, sizeof(k64)) != 0)
		return -1;
	int n = snprintf(out, outlen, "scrypt$%llu$%llu$%llu$%s$%s", SCRYPT_N, SCRYPT_R, SCRYPT_P, s64, k64);
	OPENSSL_cleanse(key, sizeof(key));
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

bool password_verify(const char *password, const char *stored)
{
	unsigned long long n, r, p;
	char s64[64], k64[64];
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	bool parsed = sscanf(stored, "scrypt$%llu$%llu$%llu$%63[^$]$%63s", &n, &r, &p, s64, k64) == 5 &&
	              unb64(s64, salt, sizeof(salt)) == 0 && unb64(k64, want, sizeof(want)) == 0 && n == SCRYPT_N &&
	              r == SCRYPT_R && p == SCRYPT_P;
	if (!parsed) {
		/* Same cost as a real check, then fail. */
		password_dummy_verify(password);
		return false;
	}
	if (derive(password, salt, sizeof(salt), n, r, p, got) != 0)
		return false;
	bool ok = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

void password_dummy_verify(const char *password)
{
	static const unsigned char salt[SALT_LEN] = "ambito-no-user!";
	unsigned char key[KEY_LEN];
	derive(password, salt, sizeof(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, key);
}

void password_generate(char out[21])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char raw[20];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	/* 56 symbols: the modulo bias is under 2%, acceptable for 20 characters. */
	for (int i = 0; i < 20; i++)
		out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
	out[20] = '\0';
}
