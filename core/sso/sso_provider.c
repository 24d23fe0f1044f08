/* The identity provider's metadata (discovery) and signing keys (JWKS),
 * fetched over HTTPS and kept for the whole process under one lock: every
 * worker reads them, the first that needs a fresh copy fetches it. A key is
 * kept as the PEM text libjwt verifies with. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/log.h"
#include "http/http_client.h"
#include "sso/sso.h"
#include "sso/sso_settings.h"

typedef struct sso_key {
	char kid[128];
	char *pem; /* malloc()ed */
} sso_key;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sso_endpoints endpoints;
static char jwks_uri[1024];
static time_t discovered_at;
static sso_key keys[SSO_MAX_KEYS];
static size_t nkeys;
static time_t keys_fetched_at;

/* GETs url and parses its JSON object into a. NULL with err. */
static const json_value *fetch_json(arena *a, const char *url, char *err, size_t errlen)
{
	http_client_answer ans;
	if (http_client_fetch("GET", url, NULL, NULL, NULL, 0, SSO_TIMEOUT_S, &ans, err, errlen) != 0)
		return NULL;
	json_value *v = NULL;
	char jerr[128];
	if (ans.status != 200)
		snprintf(err, errlen, "%s ha risposto %d", url, ans.status);
	else if (json_parse(a, ans.body, ans.len, &v, jerr, sizeof(jerr)) != JSON_OK || !json_is(v, JSON_OBJECT)) {
		snprintf(err, errlen, "%s non ha dato un oggetto JSON", url);
		v = NULL;
	}
	http_client_answer_free(&ans);
	return v;
}

static bool copy_url(char *dst, size_t cap, const json_value *doc, const char *key)
{
	const char *s = json_get_str(doc, key);
	if (s == NULL || strlen(s) >= cap || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return false;
	memcpy(dst, s, strlen(s) + 1);
	return true;
}

/* Under mu: reads the discovery document unless a recent one is kept. */
static int discover_locked(char *err, size_t errlen)
{
	time_t now = time(NULL);
	if (discovered_at != 0 && now - discovered_at < SSO_DISCOVERY_TTL_S)
		return 0;
	arena *a = arena_new();
	int rc = -1;
	const char *url = arena_printf(a, "%s/.well-known/openid-configuration", sso_settings.issuer);
	const json_value *doc = fetch_json(a, url, err, errlen);
	if (doc == NULL)
		goto done;
	/* The metadata must be the configured issuer's own (OpenID Connect
	 * Discovery §4.3): a mismatch means the wrong provider. */
	const char *iss = json_get_str(doc, "issuer");
	if (iss == NULL || strcmp(iss, sso_settings.issuer) != 0) {
		snprintf(err, errlen, "il documento di discovery è di un altro emittente (%s)", iss ? iss : "nessuno");
		goto done;
	}
	sso_endpoints e = {0};
	char jwks[sizeof(jwks_uri)];
	if (!copy_url(e.authorization, sizeof(e.authorization), doc, "authorization_endpoint") ||
	    !copy_url(e.token, sizeof(e.token), doc, "token_endpoint") ||
	    !copy_url(jwks, sizeof(jwks), doc, "jwks_uri")) {
		snprintf(err, errlen,
		         "il documento di discovery non ha gli endpoint di autorizzazione, token e chiavi");
		goto done;
	}
	copy_url(e.userinfo, sizeof(e.userinfo), doc, "userinfo_endpoint"); /* optional */
	endpoints = e;
	memcpy(jwks_uri, jwks, sizeof(jwks));
	discovered_at = now;
	rc = 0;
done:
	arena_free(a);
	return rc;
}

int sso_provider_endpoints(sso_endpoints *out, char *err, size_t errlen)
{
	pthread_mutex_lock(&mu);
	int rc = discover_locked(err, errlen);
	if (rc == 0)
		*out = endpoints;
	pthread_mutex_unlock(&mu);
	return rc;
}

static BIGNUM *bn_from_b64url(arena *a, const char *s)
{
	size_t n = 0;
	unsigned char *raw = s ? sso_b64url_decode(a, s, strlen(s), &n) : NULL;
	return raw && n > 0 ? BN_bin2bn(raw, (int)n, NULL) : NULL;
}

/* The PEM of an RSA JWK (kty RSA, n, e), malloc()ed; NULL when unusable. */
static char *rsa_pem(arena *a, const json_value *jwk)
{
	BIGNUM *n = bn_from_b64url(a, json_get_str(jwk, "n")), *e = bn_from_b64url(a, json_get_str(jwk, "e"));
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	char *pem = NULL;
	if (n == NULL || e == NULL || bld == NULL || BN_num_bits(n) < 2048 ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1 || (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, pkey) != 1)
		goto done;
	char *data;
	long len = BIO_get_mem_data(bio, &data);
	if (len > 0 && (pem = malloc((size_t)len + 1)) != NULL) {
		memcpy(pem, data, (size_t)len);
		pem[len] = '\0';
	}
done:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pem;
}

/* Under mu: replaces the keys with the JWKS's signing RSA keys. */
static int fetch_keys_locked(char *err, size_t errlen)
{
	if (discover_locked(err, errlen) != 0)
		return -1;
	arena *a = arena_new();
	int rc = -1;
	const json_value *doc = fetch_json(a, jwks_uri, err, errlen);
	const json_value *list = doc ? json_get(doc, "keys") : NULL;
	if (doc != NULL && !json_is(list, JSON_ARRAY))
		snprintf(err, errlen, "le chiavi del fornitore non sono un JWKS");
	if (!json_is(list, JSON_ARRAY))
		goto done;
	sso_key fresh[SSO_MAX_KEYS];
	size_t nfresh = 0;
	for (size_t i = 0; i < list->u.array.n && nfresh < SSO_MAX_KEYS; i++) {
		const json_value *k = list->u.array.items[i];
		const char *kty = json_get_str(k, "kty"), *kid = json_get_str(k, "kid"), *use = json_get_str(k, "use");
		if (kty == NULL || strcmp(kty, "RSA") != 0 || kid == NULL || strlen(kid) >= sizeof(fresh[0].kid) ||
		    (use != NULL && strcmp(use, "sig") != 0))
			continue;
		char *pem = rsa_pem(a, k);
		if (pem == NULL)
			continue;
		snprintf(fresh[nfresh].kid, sizeof(fresh[nfresh].kid), "%s", kid);
		fresh[nfresh++].pem = pem;
	}
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i].pem);
	memcpy(keys, fresh, nfresh * sizeof(fresh[0]));
	nkeys = nfresh;
	keys_fetched_at = time(NULL);
	log_msg(LOG_INFO, "sso: %zu signing keys read from the provider", nkeys);
	rc = 0;
done:
	arena_free(a);
	return rc;
}

static const char *find_key(arena *a, const char *kid)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(keys[i].kid, kid) == 0)
			return arena_strdup(a, keys[i].pem);
	return NULL;
}

const char *sso_provider_key(arena *a, const char *kid, char *err, size_t errlen)
{
	err[0] = '\0';
	pthread_mutex_lock(&mu);
	const char *pem = find_key(a, kid);
	/* A kid not seen yet: the provider may have rotated its keys. Fetching
	 * again is limited, so tokens with made-up kids cannot make us hammer
	 * the provider. */
	if (pem == NULL && (keys_fetched_at == 0 || time(NULL) - keys_fetched_at >= SSO_JWKS_REFETCH_S)) {
		if (fetch_keys_locked(err, errlen) == 0)
			pem = find_key(a, kid);
	} else if (pem == NULL) {
		snprintf(err, errlen, "chiave %s sconosciuta", kid);
	}
	if (pem == NULL && err[0] == '\0')
		snprintf(err, errlen, "chiave %s sconosciuta", kid);
	pthread_mutex_unlock(&mu);
	return pem;
}
