/* The ID token's check. libjwt 1.10 verifies the signature with the key it
 * is given but checks no claim and would take "alg":"none" without a key
 * (STYLE.md): the algorithm is read from the header first and must be RS256,
 * the key is always the provider's key of the header's kid, and every claim
 * below is checked here. */
#include <errno.h>
#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "base/json.h"
#include "sso/sso.h"

void sso_b64url(const unsigned char *in, size_t n, char *out)
{
	int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (int i = 0; i < len; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
}

unsigned char *sso_b64url_decode(arena *a, const char *in, size_t inlen, size_t *outlen)
{
	if (inlen % 4 == 1 || inlen > SSO_TOKEN_MAX)
		return NULL;
	size_t padded = (inlen + 3) / 4 * 4;
	char *std = arena_alloc(a, padded + 1);
	for (size_t i = 0; i < inlen; i++) {
		char c = in[i];
		if (c == '+' || c == '/' || c == '=')
			return NULL; /* base64url only */
		std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	memset(std + inlen, '=', padded - inlen);
	std[padded] = '\0';
	unsigned char *out = arena_alloc(a, padded / 4 * 3 + 1);
	int n = EVP_DecodeBlock(out, (unsigned char *)std, (int)padded);
	if (n < 0)
		return NULL;
	n -= (int)(padded - inlen); /* EVP_DecodeBlock counts the padding as zero bytes */
	out[n] = '\0';
	*outlen = (size_t)n;
	return out;
}

const char *sso_token_reason(sso_token_result r)
{
	switch (r) {
	case SSO_TOKEN_OK: return "valido";
	case SSO_TOKEN_MALFORMED: return "il token d’identità non è leggibile";
	case SSO_TOKEN_KEY: return "il token d’identità è firmato con una chiave che il fornitore non pubblica";
	case SSO_TOKEN_SIGNATURE: return "la firma del token d’identità non è valida";
	case SSO_TOKEN_ISSUER: return "il token d’identità è di un altro emittente";
	case SSO_TOKEN_AUDIENCE: return "il token d’identità non è destinato a questo servizio";
	case SSO_TOKEN_EXPIRED: return "il token d’identità è scaduto";
	case SSO_TOKEN_NONCE: return "il token d’identità non appartiene a questo accesso";
	}
	return "token d’identità rifiutato";
}

/* The header's alg must be RS256; its kid is returned (in a). */
static const char *header_kid(arena *a, const char *token)
{
	const char *dot = strchr(token, '.');
	size_t n = 0;
	unsigned char *raw = dot ? sso_b64url_decode(a, token, (size_t)(dot - token), &n) : NULL;
	json_value *h = NULL;
	char err[64];
	if (raw == NULL || json_parse(a, (const char *)raw, n, &h, err, sizeof(err)) != JSON_OK)
		return NULL;
	const char *alg = json_get_str(h, "alg"), *kid = json_get_str(h, "kid");
	if (alg == NULL || strcmp(alg, "RS256") != 0)
		return "";
	return kid ? kid : "";
}

static bool same(const char *a, const char *b)
{
	size_t n = strlen(b);
	return a != NULL && strlen(a) == n && CRYPTO_memcmp(a, b, n) == 0;
}

/* aud is the client id, or an array holding it (then azp must be it). */
static bool audience_ok(arena *a, jwt_t *jwt, const char *client_id)
{
	const char *aud = jwt_get_grant(jwt, "aud");
	if (aud != NULL)
		return strcmp(aud, client_id) == 0;
	char *list = jwt_get_grants_json(jwt, "aud");
	json_value *v = NULL;
	char err[64];
	bool ok = false;
	if (list != NULL && json_parse(a, list, strlen(list), &v, err, sizeof(err)) == JSON_OK &&
	    json_is(v, JSON_ARRAY)) {
		for (size_t i = 0; i < v->u.array.n; i++)
			if (json_is(v->u.array.items[i], JSON_STRING) &&
			    strcmp(v->u.array.items[i]->u.string.s, client_id) == 0)
				ok = true;
		const char *azp = jwt_get_grant(jwt, "azp");
		if (v->u.array.n > 1 && (azp == NULL || strcmp(azp, client_id) != 0))
			ok = false;
	}
	free(list);
	return ok;
}

sso_token_result sso_token_verify(arena *a, const char *token, const sso_expect *exp, const char *claim_name,
                                  sso_identity *out)
{
	memset(out, 0, sizeof(*out));
	if (token == NULL || strlen(token) > SSO_TOKEN_MAX)
		return SSO_TOKEN_MALFORMED;
	const char *kid = header_kid(a, token);
	if (kid == NULL)
		return SSO_TOKEN_MALFORMED;
	if (*kid == '\0')
		return SSO_TOKEN_SIGNATURE; /* not RS256, or no kid to find a key by */
	char err[256];
	const char *pem = sso_provider_key(a, kid, err, sizeof(err));
	if (pem == NULL)
		return SSO_TOKEN_KEY;
	jwt_t *jwt = NULL;
	sso_token_result rc = SSO_TOKEN_SIGNATURE;
	if (jwt_decode(&jwt, token, (const unsigned char *)pem, (int)strlen(pem)) != 0 ||
	    jwt_get_alg(jwt) != JWT_ALG_RS256)
		goto done;
	rc = SSO_TOKEN_ISSUER;
	if (!same(jwt_get_grant(jwt, "iss"), exp->issuer))
		goto done;
	rc = SSO_TOKEN_AUDIENCE;
	if (!audience_ok(a, jwt, exp->client_id))
		goto done;
	rc = SSO_TOKEN_EXPIRED;
	errno = 0;
	long expires = jwt_get_grant_int(jwt, "exp");
	if (errno != 0 || expires + SSO_CLOCK_SKEW_S < exp->now)
		goto done;
	errno = 0;
	long issued = jwt_get_grant_int(jwt, "iat");
	if (errno != 0 || issued - SSO_CLOCK_SKEW_S > exp->now)
		goto done;
	rc = SSO_TOKEN_NONCE;
	if (!same(jwt_get_grant(jwt, "nonce"), exp->nonce))
		goto done;
	rc = SSO_TOKEN_MALFORMED;
	const char *sub = jwt_get_grant(jwt, "sub");
	if (sub == NULL || *sub == '\0')
		goto done;
	out->sub = arena_strdup(a, sub);
	const char *claim = jwt_get_grant(jwt, claim_name);
	out->claim = claim ? arena_strdup(a, claim) : NULL;
	rc = SSO_TOKEN_OK;
done:
	jwt_free(jwt);
	return rc;
}
