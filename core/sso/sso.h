/* Single sign-on through the Region's identity provider over OpenID Connect:
 * the authorization code flow with PKCE, the ID token's signature checked
 * against the provider's published keys (JWKS, fetched again when a token
 * names a key not seen yet) and its iss, aud, exp, iat and nonce, the state
 * bound to the browser that started. The person is matched by one claim
 * (sso_claim: e-mail by default) to an existing active user; logging in
 * never creates an account. A regional gateway in front of SPID and CIE
 * speaks plain OpenID Connect: ambito is its client. */
#ifndef AMBITO_SSO_H
#define AMBITO_SSO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/arena.h"
#include "base/config.h"

#define SSO_TIMEOUT_S 10          /* each request to the provider */
#define SSO_ATTEMPT_TTL_S 600     /* from the redirect to the return */
#define SSO_MAX_PENDING 10000     /* attempts in flight; past it 503 */
#define SSO_CLOCK_SKEW_S 60       /* tolerated between us and the provider */
#define SSO_JWKS_REFETCH_S 10     /* an unknown kid fetches the keys at most this often */
#define SSO_DISCOVERY_TTL_S 86400 /* the provider's metadata is read again daily */
#define SSO_MAX_KEYS 16
#define SSO_TOKEN_MAX 16384
#define SSO_COOKIE "ambito_sso"

/* Reads the settings; false with err when they are inconsistent (an issuer
 * without client or public_url, a plain-HTTP issuer that is not loopback). */
bool sso_init(const config *cfg, char *err, size_t errlen);
bool sso_enabled(void);
/* The routes /accesso/sso and /accesso/sso/ritorno. */
void sso_register(void);

/* ---- the provider's metadata and keys (sso_provider.c) ---- */

typedef struct sso_endpoints {
	char authorization[1024], token[1024], userinfo[1024];
} sso_endpoints;
/* The endpoints from the discovery document (cached). 0, or -1 with err. */
int sso_provider_endpoints(sso_endpoints *out, char *err, size_t errlen);
/* The PEM public key of kid for alg RS256, in a; fetches the JWKS when the
 * kid is unknown (at most every SSO_JWKS_REFETCH_S). NULL with err. */
const char *sso_provider_key(arena *a, const char *kid, char *err, size_t errlen);

/* ---- the ID token (sso_token.c) ---- */

typedef struct sso_expect {
	const char *issuer, *client_id, *nonce;
	time_t now;
} sso_expect;
typedef enum {
	SSO_TOKEN_OK,
	SSO_TOKEN_MALFORMED,
	SSO_TOKEN_KEY,       /* no key of the provider has its kid */
	SSO_TOKEN_SIGNATURE, /* or an algorithm other than RS256 */
	SSO_TOKEN_ISSUER,
	SSO_TOKEN_AUDIENCE,
	SSO_TOKEN_EXPIRED, /* exp past, or iat in the future */
	SSO_TOKEN_NONCE
} sso_token_result;
typedef struct sso_identity {
	const char *sub;
	const char *claim; /* the configured claim's value when the token has it */
} sso_identity;
/* Checks token against the provider's keys and exp; fills out (in a). */
sso_token_result sso_token_verify(arena *a, const char *token, const sso_expect *exp, const char *claim_name,
                                  sso_identity *out);
/* A short Italian reason for a refused token. */
const char *sso_token_reason(sso_token_result r);

/* base64url (no padding) of n bytes; out holds 4*ceil(n/3)+1. */
void sso_b64url(const unsigned char *in, size_t n, char *out);
/* Decodes base64url into a (NUL-terminated too); NULL when invalid. */
unsigned char *sso_b64url_decode(arena *a, const char *in, size_t inlen, size_t *outlen);

#endif
