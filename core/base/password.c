/* scrypt password hashes. In the server every hash runs on a small pool of
 * its own (password_init): a request worker hands the hash over and waits
 * for it, and the pool admits at most threads + queue hashes at once, so
 * logins can hold only that many request workers and every other route
 * keeps the rest. A hash that finds the pool full, or is not started within
 * PASSWORD_QUEUE_WAIT_MS, is refused (PASSWORD_EBUSY) and the caller answers
 * 503. Without password_init (ambitoctl) hashes run on the caller's thread. */
#include "base/password.h"
#include "base/thread.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SCRYPT_N 32768ULL
#define SCRYPT_R 8ULL
#define SCRYPT_P 1ULL
#define SCRYPT_MAXMEM (64ULL * 1024 * 1024)
#define SALT_LEN 16
#define KEY_LEN 32

/* One hash handed to the pool; lives on the caller's stack. */
struct kdf_job {
	const char *pw;
	const unsigned char *salt;
	size_t saltlen;
	unsigned long long n, r, p;
	unsigned char *key;
	int rc;
	enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE } state;
	struct kdf_job *next;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t has_job, job_done;
	struct kdf_job *head, *tail;
	int queued, running;
	int nthreads, max_queue;
	bool ready, stopping;
	pthread_t threads[PASSWORD_MAX_THREADS];
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .has_job = PTHREAD_COND_INITIALIZER, .job_done = PTHREAD_COND_INITIALIZER};

static int scrypt(const struct kdf_job *j)
{
	return EVP_PBE_scrypt(j->pw, strlen(j->pw), j->salt, j->saltlen, j->n, j->r, j->p, SCRYPT_MAXMEM, j->key,
	                      KEY_LEN) == 1
	           ? 0
	           : -1;
}

static void *kdf_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pool.mu);
	for (;;) {
		while (pool.head == NULL && !pool.stopping)
			pthread_cond_wait(&pool.has_job, &pool.mu);
		if (pool.head == NULL)
			break;
		struct kdf_job *j = pool.head;
		pool.head = j->next;
		if (pool.head == NULL)
			pool.tail = NULL;
		pool.queued--;
		pool.running++;
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&pool.mu);
		int rc = scrypt(j);
		pthread_mutex_lock(&pool.mu);
		j->rc = rc;
		j->state = JOB_DONE;
		pool.running--;
		pthread_cond_broadcast(&pool.job_done);
	}
	pthread_mutex_unlock(&pool.mu);
	return NULL;
}

int password_init(int threads, int queue)
{
	int rc = 0;
	pthread_mutex_lock(&pool.mu);
	if (pool.ready)
		goto done;
	if (threads < 1)
		threads = 1;
	if (threads > PASSWORD_MAX_THREADS)
		threads = PASSWORD_MAX_THREADS;
	pool.max_queue = queue < 0 ? 0 : queue;
	pool.stopping = false;
	for (int i = 0; i < threads; i++) {
		if (thread_start(&pool.threads[i], kdf_main, NULL) != 0) {
			rc = -1;
			break;
		}
		pool.nthreads++;
	}
	pool.ready = pool.nthreads > 0;
done:
	pthread_mutex_unlock(&pool.mu);
	return rc;
}

void password_shutdown(void)
{
	pthread_mutex_lock(&pool.mu);
	int n = pool.nthreads;
	pool.stopping = true;
	pool.ready = false;
	pthread_cond_broadcast(&pool.has_job);
	pthread_mutex_unlock(&pool.mu);
	for (int i = 0; i < n; i++)
		pthread_join(pool.threads[i], NULL);
	pthread_mutex_lock(&pool.mu);
	pool.nthreads = 0;
	pthread_mutex_unlock(&pool.mu);
}

int password_pool_load(int *running, int *queued)
{
	pthread_mutex_lock(&pool.mu);
	*running = pool.running;
	*queued = pool.queued;
	int cap = pool.nthreads + pool.max_queue;
	pthread_mutex_unlock(&pool.mu);
	return cap;
}

bool password_busy(void)
{
	pthread_mutex_lock(&pool.mu);
	bool full = pool.ready && pool.running + pool.queued >= pool.nthreads + pool.max_queue;
	pthread_mutex_unlock(&pool.mu);
	return full;
}

/* Runs one hash on the pool and waits for it: 0, -1 (failed) or
 * PASSWORD_EBUSY (pool full, or not started within the queue wait). */
static int derive(const char *pw, const unsigned char *salt, size_t saltlen, unsigned long long n, unsigned long long r,
                  unsigned long long p, unsigned char *key)
{
	struct kdf_job j = {.pw = pw, .salt = salt, .saltlen = saltlen, .n = n, .r = r, .p = p, .key = key};
	struct timespec deadline;
	int rc;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += PASSWORD_QUEUE_WAIT_MS / 1000;
	deadline.tv_nsec += (long)(PASSWORD_QUEUE_WAIT_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool.mu);
	if (!pool.ready) {
		pthread_mutex_unlock(&pool.mu);
		return scrypt(&j);
	}
	/* Admitted are the hashes running plus those queued: never more than
	 * there are threads and queue places. */
	if (pool.running + pool.queued >= pool.nthreads + pool.max_queue) {
		rc = PASSWORD_EBUSY;
		goto out;
	}
	j.state = JOB_QUEUED;
	if (pool.tail)
		pool.tail->next = &j;
	else
		pool.head = &j;
	pool.tail = &j;
	pool.queued++;
	pthread_cond_signal(&pool.has_job);
	while (j.state == JOB_QUEUED) {
		if (pthread_cond_timedwait(&pool.job_done, &pool.mu, &deadline) == ETIMEDOUT && j.state == JOB_QUEUED) {
			/* Still waiting for a thread: withdraw it. */
			struct kdf_job **pp = &pool.head, *prev = NULL;
			while (*pp != &j) {
				prev = *pp;
				pp = &(*pp)->next;
			}
			*pp = j.next;
			if (pool.tail == &j)
				pool.tail = prev;
			pool.queued--;
			rc = PASSWORD_EBUSY;
			goto out;
		}
	}
	/* Once running it finishes: a started hash is never abandoned. */
	while (j.state != JOB_DONE)
		pthread_cond_wait(&pool.job_done, &pool.mu);
	rc = j.rc;
out:
	pthread_mutex_unlock(&pool.mu);
	return rc;
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
	int rc = derive(password, salt, sizeof(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, key);
	if (rc != 0)
		return rc;
	if (b64(salt, sizeof(salt), s64, sizeof(s64)) != 0 || b64(key, sizeof(key), k64, sizeof(k64)) != 0)
		return -1;
	int n = snprintf(out, outlen, "scrypt$%llu$%llu$%llu$%s$%s", SCRYPT_N, SCRYPT_R, SCRYPT_P, s64, k64);
	OPENSSL_cleanse(key, sizeof(key));
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

int password_check(const char *password, const char *stored)
{
	unsigned long long n, r, p;
	char s64[64], k64[64];
	unsigned char salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	bool parsed = sscanf(stored, "scrypt$%llu$%llu$%llu$%63[^$]$%63s", &n, &r, &p, s64, k64) == 5 &&
	              unb64(s64, salt, sizeof(salt)) == 0 && unb64(k64, want, sizeof(want)) == 0 && n == SCRYPT_N &&
	              r == SCRYPT_R && p == SCRYPT_P;
	if (!parsed) {
		/* Same cost as a real check, then fail. */
		int rc = password_dummy_check(password);
		return rc == PASSWORD_EBUSY ? rc : PASSWORD_MISMATCH;
	}
	int rc = derive(password, salt, sizeof(salt), n, r, p, got);
	if (rc == 0)
		rc = CRYPTO_memcmp(got, want, sizeof(got)) == 0 ? PASSWORD_MATCH : PASSWORD_MISMATCH;
	else if (rc != PASSWORD_EBUSY)
		rc = PASSWORD_MISMATCH;
	OPENSSL_cleanse(got, sizeof(got));
	return rc;
}

int password_dummy_check(const char *password)
{
	static const unsigned char salt[SALT_LEN] = "ambito-no-user!";
	unsigned char key[KEY_LEN];
	return derive(password, salt, sizeof(salt), SCRYPT_N, SCRYPT_R, SCRYPT_P, key) == PASSWORD_EBUSY
	           ? PASSWORD_EBUSY
	           : 0;
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
