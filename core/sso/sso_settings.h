/* The single sign-on settings, read once by sso_init (internal to core/sso). */
#ifndef AMBITO_SSO_SETTINGS_H
#define AMBITO_SSO_SETTINGS_H

#include "base/config.h"

typedef struct sso_settings_t {
	char issuer[CONFIG_STR_MAX];
	char client_id[CONFIG_STR_MAX];
	char client_secret[CONFIG_STR_MAX];
	char redirect_uri[CONFIG_STR_MAX + 32];
	char claim[64];
	char label[CONFIG_STR_MAX];
} sso_settings_t;
extern sso_settings_t sso_settings;

#endif
