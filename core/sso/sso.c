/* The single sign-on settings, checked once at start. */
#include <stdio.h>
#include <string.h>

#include "identity/auth.h"
#include "sso/sso.h"
#include "sso/sso_settings.h"
#include "web/web.h"

sso_settings_t sso_settings;
static bool enabled;

bool sso_enabled(void)
{
	return enabled;
}

/* Plain HTTP to the provider only on the loopback (tests, a local gateway). */
static bool loopback_http(const char *url)
{
	return strncmp(url, "http://127.0.0.1", 16) == 0 || strncmp(url, "http://localhost", 16) == 0 ||
	       strncmp(url, "http://[::1]", 12) == 0;
}

bool sso_init(const config *cfg, char *err, size_t errlen)
{
	enabled = cfg->oidc_issuer[0] != '\0';
	auth_set_password_login(cfg->password_login != 0);
	web_password_login = cfg->password_login != 0;
	if (!enabled) {
		if (!cfg->password_login) {
			snprintf(err, errlen,
			         "password_login = 0 richiede l'accesso unico (oidc_issuer): altrimenti nessuno "
			         "potrebbe entrare");
			return false;
		}
		return true;
	}
	size_t il = strlen(cfg->oidc_issuer);
	if (strncmp(cfg->oidc_issuer, "https://", 8) != 0 && !loopback_http(cfg->oidc_issuer)) {
		snprintf(err, errlen, "oidc_issuer deve essere un indirizzo https://");
		return false;
	}
	if (cfg->oidc_issuer[il - 1] == '/') {
		snprintf(err, errlen,
		         "oidc_issuer va scritto senza la barra finale, come il fornitore indica sé stesso");
		return false;
	}
	if (!cfg->oidc_client_id[0] || !cfg->oidc_client_secret[0]) {
		snprintf(err, errlen, "oidc_issuer richiede oidc_client_id e oidc_client_secret");
		return false;
	}
	if (!cfg->public_url[0]) {
		snprintf(err, errlen, "oidc_issuer richiede public_url: il fornitore rimanda lì il browser");
		return false;
	}
	if (strspn(cfg->oidc_claim, "abcdefghijklmnopqrstuvwxyz_") != strlen(cfg->oidc_claim) || !cfg->oidc_claim[0]) {
		snprintf(err, errlen, "oidc_claim deve essere il nome di un claim, per esempio email");
		return false;
	}
	snprintf(sso_settings.issuer, sizeof(sso_settings.issuer), "%s", cfg->oidc_issuer);
	snprintf(sso_settings.client_id, sizeof(sso_settings.client_id), "%s", cfg->oidc_client_id);
	snprintf(sso_settings.client_secret, sizeof(sso_settings.client_secret), "%s", cfg->oidc_client_secret);
	size_t pl = strlen(cfg->public_url);
	snprintf(sso_settings.redirect_uri, sizeof(sso_settings.redirect_uri), "%.*s/accesso/sso/ritorno",
	         (int)(pl > 0 && cfg->public_url[pl - 1] == '/' ? pl - 1 : pl), cfg->public_url);
	snprintf(sso_settings.claim, sizeof(sso_settings.claim), "%s", cfg->oidc_claim);
	snprintf(sso_settings.label, sizeof(sso_settings.label), "%s", cfg->oidc_label);
	web_sso_label = sso_settings.label;
	return true;
}
