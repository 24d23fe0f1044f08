/* Configuration loading. The file is "key = value" lines ('#' comments); the
 * environment overrides it; unknown keys are errors so typos do not pass
 * silently. */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef enum { K_STR, K_INT, K_SIZE, K_HOSTPORT } kind;

typedef struct key {
	const char *name; /* in the file */
	const char *env;  /* environment override, or NULL */
	kind kind;
	size_t off;
	long min, max;
} key;

#define STR(n, e, f)                                                                                                   \
	{                                                                                                              \
		n, e, K_STR, offsetof(config, f), 0, 0                                                                 \
	}
#define INT(n, e, f, lo, hi)                                                                                           \
	{                                                                                                              \
		n, e, K_INT, offsetof(config, f), lo, hi                                                               \
	}

static const key keys[] = {
    {"listen", "AMBITO_LISTEN", K_HOSTPORT, 0, 0, 0},
    STR("db_socket", "AMBITO_DB_SOCKET", db_socket),
    STR("db_host", "AMBITO_DB_HOST", db_host),
    INT("db_port", "AMBITO_DB_PORT", db_port, 1, 65535),
    STR("db_user", "AMBITO_DB_USER", db_user),
    STR("db_password", "AMBITO_DB_PASSWORD", db_password),
    STR("db_name", "AMBITO_DB_NAME", db_name),
    STR("db_admin_user", "AMBITO_DB_ADMIN_USER", db_admin_user),
    STR("db_admin_password", "AMBITO_DB_ADMIN_PASSWORD", db_admin_password),
    STR("db_user_host", "AMBITO_DB_USER_HOST", db_user_host),
    STR("jwt_secret", "AMBITO_JWT_SECRET", jwt_secret),
    STR("jwt_issuer", "AMBITO_JWT_ISSUER", jwt_issuer),
    STR("jwt_audience", "AMBITO_JWT_AUDIENCE", jwt_audience),
    STR("tls_cert", "AMBITO_TLS_CERT", tls_cert),
    STR("tls_key", "AMBITO_TLS_KEY", tls_key),
    STR("public_url", "AMBITO_PUBLIC_URL", public_url),
    STR("trusted_proxies", "AMBITO_TRUSTED_PROXIES", trusted_proxies),
    INT("workers", "AMBITO_WORKERS", workers, 1, 256),
    INT("queue_len", "AMBITO_QUEUE_LEN", queue_len, 1, 100000),
    {"max_body", "AMBITO_MAX_BODY", K_SIZE, offsetof(config, max_body), 1024, 256L * 1024 * 1024},
    {"max_header", "AMBITO_MAX_HEADER", K_SIZE, offsetof(config, max_header), 1024, 1024L * 1024},
    INT("read_timeout", "AMBITO_READ_TIMEOUT", read_timeout_s, 1, 3600),
    INT("write_timeout", "AMBITO_WRITE_TIMEOUT", write_timeout_s, 1, 3600),
    INT("keepalive_timeout", "AMBITO_KEEPALIVE_TIMEOUT", keepalive_timeout_s, 1, 3600),
    INT("statement_timeout", "AMBITO_STATEMENT_TIMEOUT", statement_timeout_s, 0, 3600),
    INT("kdf_concurrency", "AMBITO_KDF_CONCURRENCY", kdf_concurrency, 1, 64),
    INT("kdf_queue", "AMBITO_KDF_QUEUE", kdf_queue, 0, 1024),
    INT("max_connections", "AMBITO_MAX_CONNECTIONS", max_connections, 0, 1000000),
    {"max_request_memory", "AMBITO_MAX_REQUEST_MEMORY", K_SIZE, offsetof(config, max_request_memory), 1024L * 1024,
     64L * 1024 * 1024 * 1024},
    STR("region_name", "AMBITO_REGION_NAME", region_name),
    STR("region_ipa", "AMBITO_REGION_IPA", region_ipa),
    STR("region_email", "AMBITO_REGION_EMAIL", region_email),
    STR("static_dir", "AMBITO_STATIC_DIR", static_dir),
    INT("session_idle_timeout", "AMBITO_SESSION_IDLE_TIMEOUT", session_idle_s, 60, 7 * 24 * 3600),
    INT("session_lifetime", "AMBITO_SESSION_LIFETIME", session_lifetime_s, 300, 30 * 24 * 3600),
    STR("oidc_issuer", "AMBITO_OIDC_ISSUER", oidc_issuer),
    STR("oidc_client_id", "AMBITO_OIDC_CLIENT_ID", oidc_client_id),
    STR("oidc_client_secret", "AMBITO_OIDC_CLIENT_SECRET", oidc_client_secret),
    STR("oidc_claim", "AMBITO_OIDC_CLAIM", oidc_claim),
    STR("oidc_label", "AMBITO_OIDC_LABEL", oidc_label),
    INT("password_login", "AMBITO_PASSWORD_LOGIN", password_login, 0, 1),
    INT("public_rate", "AMBITO_PUBLIC_RATE", public_rate, 0, 1000000),
    INT("public_burst", "AMBITO_PUBLIC_BURST", public_burst, 1, 1000000),
};

/* Database work is short round trips, and MariaDB runs on the same cores:
 * a couple of workers a core keep them busy while some wait on MariaDB; more
 * only add MariaDB threads and context switches that queue on the cores (at
 * 64 connections on 2 cores, medians of 5 runs each: the plan index 2 291
 * pages/s, p99 38 ms, with 4 workers; 1 951, p99 46 ms, with 8; 16 were
 * worse again). */
int config_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	n *= CONFIG_WORKERS_PER_CPU;
	return n < CONFIG_WORKERS_MIN ? CONFIG_WORKERS_MIN : n > CONFIG_WORKERS_MAX ? CONFIG_WORKERS_MAX : (int)n;
}

int config_default_connections(int workers)
{
	struct rlimit rl;
	long n = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = (long)rl.rlim_cur;
	else if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		n = 1000000;
	n -= workers + CONFIG_FD_RESERVE;
	return n < CONFIG_CONNECTIONS_MIN ? CONFIG_CONNECTIONS_MIN : n > 1000000 ? 1000000 : (int)n;
}

static void defaults(config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->db_host, sizeof(c->db_host), "127.0.0.1");
	c->db_port = 3306;
	snprintf(c->db_user, sizeof(c->db_user), "ambito");
	snprintf(c->db_name, sizeof(c->db_name), "ambito");
	snprintf(c->db_user_host, sizeof(c->db_user_host), "localhost");
	snprintf(c->jwt_issuer, sizeof(c->jwt_issuer), "ambito");
	snprintf(c->jwt_audience, sizeof(c->jwt_audience), "ambito-api");
	c->workers = config_default_workers();
	c->queue_len = 1024;
	c->max_body = 8 * 1024 * 1024;
	c->max_header = 32 * 1024;
	c->read_timeout_s = 30;
	c->write_timeout_s = 60;
	c->keepalive_timeout_s = 60;
	c->statement_timeout_s = 30;
	c->kdf_concurrency = 2;
	c->kdf_queue = 2;
	c->max_connections = 0; /* config_default_connections() once workers is known */
	c->max_request_memory = 256 * 1024 * 1024;
	snprintf(c->region_name, sizeof(c->region_name), "Regione");
	c->session_idle_s = 30 * 60;
	c->session_lifetime_s = 12 * 3600;
	snprintf(c->oidc_claim, sizeof(c->oidc_claim), "email");
	snprintf(c->oidc_label, sizeof(c->oidc_label), "Entra con l’identità digitale (SPID, CIE)");
	c->password_login = 1;
	c->public_rate = 20;
	c->public_burst = 100;
}

static int set(config *c, const key *k, const char *v, const char *where, char *err, size_t errlen)
{
	char *end;
	switch (k->kind) {
	case K_STR: {
		char *dst = (char *)c + k->off;
		if (strlen(v) >= CONFIG_STR_MAX) {
			snprintf(err, errlen, "%s: %s è troppo lungo", where, k->name);
			return -1;
		}
		snprintf(dst, CONFIG_STR_MAX, "%s", v);
		return 0;
	}
	case K_INT:
	case K_SIZE: {
		errno = 0;
		long n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno || n < k->min || n > k->max) {
			snprintf(err, errlen, "%s: %s deve essere un numero intero da %ld a %ld", where, k->name,
			         k->min, k->max);
			return -1;
		}
		if (k->kind == K_INT)
			*(int *)((char *)c + k->off) = (int)n;
		else
			*(size_t *)((char *)c + k->off) = (size_t)n;
		return 0;
	}
	case K_HOSTPORT: {
		/* host:port, [v6]:port */
		const char *colon = strrchr(v, ':');
		if (colon == NULL || colon == v) {
			snprintf(err, errlen, "%s: listen deve essere host:porta", where);
			return -1;
		}
		errno = 0;
		long port = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno || port < 0 || port > 65535) {
			snprintf(err, errlen, "%s: la porta di listen deve essere tra 0 e 65535", where);
			return -1;
		}
		const char *h = v;
		size_t hl = (size_t)(colon - v);
		if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (hl >= CONFIG_STR_MAX) {
			snprintf(err, errlen, "%s: l'host di listen è troppo lungo", where);
			return -1;
		}
		snprintf(c->listen_host, sizeof(c->listen_host), "%.*s", (int)hl, h);
		c->listen_port = (int)port;
		return 0;
	}
	}
	return -1;
}

static const key *find(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int load_file(config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "impossibile leggere %s: %s", path, strerror(errno));
		return -1;
	}
	char line[CONFIG_STR_MAX + 128], where[CONFIG_STR_MAX + 32];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		bool whole = strchr(line, '\n') != NULL || feof(f);
		char *s = trim(line);
		if (!whole) {
			/* Longer than the buffer: skip the rest of a comment, refuse
			 * anything else rather than read its tail as another line. */
			int ch;
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			if (*s == '\0' || *s == '#')
				continue;
			snprintf(err, errlen, "%s: la riga è troppo lunga", where);
			rc = -1;
			break;
		}
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s: atteso chiave = valore", where);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		const key *kk = find(k);
		if (kk == NULL) {
			snprintf(err, errlen, "%s: chiave sconosciuta %s", where, k);
			rc = -1;
			break;
		}
		if (set(c, kk, v, where, err, errlen) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "impossibile leggere %s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

int config_load(config *cfg, const char *path, char *err, size_t errlen)
{
	defaults(cfg);
	if (path == NULL)
		path = getenv("AMBITO_CONFIG");
	if (path != NULL && *path && load_file(cfg, path, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = keys[i].env ? getenv(keys[i].env) : NULL;
		if (v != NULL && set(cfg, &keys[i], v, keys[i].env, err, errlen) != 0)
			return -1;
	}
	if (cfg->max_connections == 0)
		cfg->max_connections = config_default_connections(cfg->workers);
	return 0;
}
