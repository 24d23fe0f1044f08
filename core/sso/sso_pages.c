/* The two steps of a login through the Region's identity provider:
 * /accesso/sso sends the browser to the provider with a fresh state, nonce
 * and PKCE challenge; /accesso/sso/ritorno takes it back, spends the state,
 * redeems the code at the token endpoint (client_secret_basic), checks the
 * ID token and opens a session for the one active user the configured claim
 * names. No database transaction stays open while the provider is asked. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/log.h"
#include "base/sha256.h"
#include "http/http_client.h"
#include "http/router.h"
#include "identity/audit.h"
#include "identity/users.h"
#include "sso/sso.h"
#include "sso/sso_settings.h"
#include "sso/sso_store.h"
#include "web/web.h"

#define CODE_MAX 2048

static const char unavailable[] =
    "Il servizio di accesso della Regione non risponde: riprova tra qualche minuto o avvisa l’assistenza.";
static const char restart[] = "Questo accesso non è valido o è scaduto: ricomincia dalla pagina di accesso.";

/* application/x-www-form-urlencoded value (RFC 3986 unreserved kept). */
static char *urlenc(arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* The state cookie, or its removal (state NULL), added beside the session
 * cookie an answer may set. */
static void set_state_cookie(http_req *r, const char *state)
{
	const char *secure = web_secure ? "; Secure" : "";
	http_add_header(
	    r, "Set-Cookie",
	    state ? arena_printf(r->a, SSO_COOKIE "=%s; Path=/accesso/sso; Max-Age=%d; HttpOnly; SameSite=Lax%s", state,
	                         SSO_ATTEMPT_TTL_S, secure)
	          : arena_printf(r->a, SSO_COOKIE "=; Path=/accesso/sso; Max-Age=0; HttpOnly; SameSite=Lax%s", secure));
}

/* A page that says why the login through the provider did not happen. */
static void refusal(http_req *r, int status, const char *message)
{
	web_crumb c[] = {{"Accesso", NULL}};
	web_page *p = web_page_begin(r, "Accesso non riuscito", c, 1);
	html *h = web_html(p);
	html_raw(h, "<div class=\"alert alert-danger\" role=\"alert\"><p class=\"mb-0\">");
	html_text(h, message);
	html_raw(h, "</p></div><p><a href=\"/\">Torna alla pagina di accesso</a></p>");
	web_page_end(p, status);
}

static void get_start(http_req *r)
{
	if (!sso_enabled()) {
		web_error_page(r, 404, NULL);
		return;
	}
	if (r->session != NULL) {
		web_redirect(r, "/");
		return;
	}
	sso_endpoints ep;
	char err[512];
	if (sso_provider_endpoints(&ep, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "sso: discovery failed: %s", err);
		refusal(r, 503, unavailable);
		http_set_header(r, "Retry-After", "60");
		return;
	}
	char state[WEB_TOKEN_LEN + 1], nonce[WEB_TOKEN_LEN + 1], verifier[WEB_TOKEN_LEN + 1], challenge[48];
	unsigned char state_hash[SHA256_LEN], digest[SHA256_LEN];
	web_new_token(state);
	web_new_token(nonce);
	web_new_token(verifier);
	if (sha256(state, strlen(state), state_hash) != 0 || sha256(verifier, strlen(verifier), digest) != 0) {
		web_error_page(r, 500, NULL);
		return;
	}
	sso_b64url(digest, sizeof(digest), challenge);
	bool full = false;
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = sso_store_begin(r->db, state_hash, nonce, verifier, &full);
	if (rc == DB_OK && !full)
		rc = db_commit(r->db);
	else
		db_rollback(r->db);
	if (rc != DB_OK || full) {
		web_error_page(r, 503, full ? "Troppi accessi in corso: riprova tra qualche minuto." : NULL);
		http_set_header(r, "Retry-After", "60");
		return;
	}
	const char *sep = strchr(ep.authorization, '?') ? "&" : "?";
	web_redirect(r, arena_printf(r->a,
	                             "%s%sresponse_type=code&client_id=%s&redirect_uri=%s&scope=openid%%20%s&state=%s"
	                             "&nonce=%s&code_challenge=%s&code_challenge_method=S256",
	                             ep.authorization, sep, urlenc(r->a, sso_settings.client_id),
	                             urlenc(r->a, sso_settings.redirect_uri), urlenc(r->a, sso_settings.claim), state,
	                             nonce, challenge));
	set_state_cookie(r, state);
}

/* POSTs the code to the token endpoint; the answer's JSON object or NULL. */
static const json_value *redeem(http_req *r, const sso_endpoints *ep, const char *code, const char *verifier)
{
	const char *cred =
	    arena_printf(r->a, "%s:%s", urlenc(r->a, sso_settings.client_id), urlenc(r->a, sso_settings.client_secret));
	char *b64 = arena_alloc(r->a, strlen(cred) / 3 * 4 + 8);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)cred, (int)strlen(cred));
	const char *body = arena_printf(r->a, "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s",
	                                urlenc(r->a, code), urlenc(r->a, sso_settings.redirect_uri), verifier);
	http_client_answer ans;
	char err[512];
	if (http_client_fetch("POST", ep->token, arena_printf(r->a, "Authorization: Basic %s", b64),
	                      "application/x-www-form-urlencoded", body, strlen(body), SSO_TIMEOUT_S, &ans, err,
	                      sizeof(err)) != 0) {
		log_msg(LOG_WARN, "sso: token endpoint: %s", err);
		return NULL;
	}
	json_value *v = NULL;
	if (ans.status != 200 || json_parse(r->a, ans.body, ans.len, &v, err, sizeof(err)) != JSON_OK ||
	    !json_is(v, JSON_OBJECT)) {
		log_msg(LOG_WARN, "sso: token endpoint answered %d", ans.status);
		v = NULL;
	}
	http_client_answer_free(&ans);
	return v;
}

/* The configured claim from the userinfo endpoint, for providers that keep
 * it out of the ID token; only when userinfo speaks of the same subject. */
static const char *userinfo_claim(http_req *r, const sso_endpoints *ep, const char *access_token, const char *sub)
{
	if (ep->userinfo[0] == '\0' || access_token == NULL)
		return NULL;
	http_client_answer ans;
	char err[512];
	if (http_client_fetch("GET", ep->userinfo, arena_printf(r->a, "Authorization: Bearer %s", access_token), NULL,
	                      NULL, 0, SSO_TIMEOUT_S, &ans, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "sso: userinfo: %s", err);
		return NULL;
	}
	json_value *v = NULL;
	const char *claim = NULL;
	if (ans.status == 200 && json_parse(r->a, ans.body, ans.len, &v, err, sizeof(err)) == JSON_OK &&
	    json_is(v, JSON_OBJECT)) {
		const char *usub = json_get_str(v, "sub");
		if (usub != NULL && strcmp(usub, sub) == 0)
			claim = json_get_str(v, sso_settings.claim);
	}
	http_client_answer_free(&ans);
	return claim;
}

static void refuse_audited(http_req *r, int status, const char *why, const char *message)
{
	r->audit_detail = arena_printf(r->a, "sso login refused: %s", why);
	refusal(r, status, message);
	audit_write(r);
}

static void finish_return(http_req *r)
{
	if (!sso_enabled()) {
		web_error_page(r, 404, NULL);
		return;
	}
	const char *state = http_query(r, "state"), *code = http_query(r, "code"), *error = http_query(r, "error");
	const char *cookie = web_cookie_token(r, SSO_COOKIE);
	/* The state must be the one this browser was given: a link made by
	 * someone else cannot log this browser into their account. */
	if (state == NULL || cookie == NULL || strlen(state) != WEB_TOKEN_LEN ||
	    CRYPTO_memcmp(state, cookie, WEB_TOKEN_LEN) != 0) {
		refusal(r, 400, restart);
		return;
	}
	unsigned char state_hash[SHA256_LEN];
	const char *nonce = NULL, *verifier = NULL;
	int rc = sha256(state, strlen(state), state_hash) == 0 ? db_begin(r->db) : DB_EUNAVAIL;
	if (rc == DB_OK)
		rc = sso_store_take(r->db, r->a, state_hash, &nonce, &verifier);
	if (rc == DB_OK)
		rc = db_commit(r->db);
	else
		db_rollback(r->db);
	if (rc != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	if (nonce == NULL) {
		refusal(r, 400, restart);
		return;
	}
	if (error != NULL) {
		refusal(r, 401, "Il servizio di accesso della Regione non ha concluso l’accesso.");
		return;
	}
	if (code == NULL || *code == '\0' || strlen(code) > CODE_MAX) {
		refusal(r, 400, restart);
		return;
	}
	sso_endpoints ep;
	char err[512];
	const json_value *tokens = NULL;
	if (sso_provider_endpoints(&ep, err, sizeof(err)) != 0 || (tokens = redeem(r, &ep, code, verifier)) == NULL) {
		refusal(r, 502, unavailable);
		return;
	}
	sso_expect exp = {sso_settings.issuer, sso_settings.client_id, nonce, time(NULL)};
	sso_identity who;
	sso_token_result tr = sso_token_verify(r->a, json_get_str(tokens, "id_token"), &exp, sso_settings.claim, &who);
	if (tr != SSO_TOKEN_OK) {
		refuse_audited(r, 401, sso_token_reason(tr),
		               arena_printf(r->a, "Accesso rifiutato: %s. Ricomincia dalla pagina di accesso.",
		                            sso_token_reason(tr)));
		return;
	}
	const char *claim =
	    who.claim ? who.claim : userinfo_claim(r, &ep, json_get_str(tokens, "access_token"), who.sub);
	if (claim == NULL || *claim == '\0' || strlen(claim) > WEB_EMAIL_MAX) {
		refuse_audited(
		    r, 403, "no claim",
		    "Il servizio di accesso della Regione non ha comunicato l’indirizzo email di questa identità.");
		return;
	}
	char *lower = arena_strdup(r->a, claim);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	r->audit_object = arena_printf(r->a, "login:%.200s", lower);
	user_account *acc = NULL;
	rc = user_store_find_email(r->db, r->a, lower, &acc);
	if (rc != DB_OK) {
		web_error_page(r, 503, NULL);
		return;
	}
	if (acc == NULL || !acc->active) {
		refuse_audited(
		    r, 403, "no active account",
		    "Nessun account attivo di ambito corrisponde a questa identità. L’accesso non crea account: "
		    "chiedi all’amministrazione regionale di registrarti con il tuo indirizzo email.");
		return;
	}
	web_login_finish(r, acc->id, lower, acc->region_role, "browser session (single sign-on)");
}

static void get_return(http_req *r)
{
	finish_return(r);
	set_state_cookie(r, NULL); /* spent, whatever happened */
}

static const route routes[] = {
    {HTTP_GET, "/accesso/sso", get_start, ROUTE_PAGE | ROUTE_PUBLIC | ROUTE_OWN_TX,
     "Accesso con l’identità digitale: invio al fornitore della Regione"},
    {HTTP_GET, "/accesso/sso/ritorno", get_return, ROUTE_PAGE | ROUTE_PUBLIC | ROUTE_OWN_TX,
     "Accesso con l’identità digitale: ritorno dal fornitore"},
};

void sso_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
