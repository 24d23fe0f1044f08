/* Configuration: built-in defaults, then the file named by AMBITO_CONFIG (or
 * given with --config), then AMBITO_* environment variables, in that order. */
#ifndef AMBITO_CONFIG_H
#define AMBITO_CONFIG_H

#include <stddef.h>

#define CONFIG_STR_MAX 512

typedef struct config {
	char listen_host[CONFIG_STR_MAX];
	int listen_port;
	char db_socket[CONFIG_STR_MAX]; /* used when set, else host/port */
	char db_host[CONFIG_STR_MAX];
	int db_port;
	char db_user[CONFIG_STR_MAX];
	char db_password[CONFIG_STR_MAX];
	char db_name[CONFIG_STR_MAX];
	/* The owner account `ambitoctl migrate` uses; when set, migrate also
	 * grants db_user (at db_user_host) row rights only (db/migrate.h). */
	char db_admin_user[CONFIG_STR_MAX];
	char db_admin_password[CONFIG_STR_MAX];
	char db_user_host[CONFIG_STR_MAX];
	char jwt_secret[CONFIG_STR_MAX];
	char jwt_issuer[CONFIG_STR_MAX];
	char jwt_audience[CONFIG_STR_MAX];
	char tls_cert[CONFIG_STR_MAX]; /* TLS is served when both are set */
	char tls_key[CONFIG_STR_MAX];
	char public_url[CONFIG_STR_MAX];
	/* Peers whose X-Forwarded-For / Forwarded / X-Forwarded-Proto are
	 * believed: addresses or CIDRs (http/proxy.h); "" trusts nobody. */
	char trusted_proxies[CONFIG_STR_MAX];
	int workers;        /* handler threads, one DB connection each */
	int queue_len;      /* requests waiting for a worker; past it: 503 */
	size_t max_body;    /* bytes; past it: 413 */
	size_t max_header;  /* bytes of request line + headers; past it: 431 */
	int read_timeout_s; /* a request must arrive within this */
	int write_timeout_s;
	int keepalive_timeout_s;
	int statement_timeout_s;   /* MariaDB max_statement_time per statement */
	int kdf_concurrency;       /* password hashes running at once */
	int kdf_queue;             /* hashes waiting for a hashing thread; past it: 503 */
	int max_connections;       /* open client connections; 0: from RLIMIT_NOFILE */
	size_t max_request_memory; /* bytes held by requests in flight; past it: 503 */
	/* The web interface. */
	char region_name[CONFIG_STR_MAX];  /* shown in every page's header */
	char region_ipa[CONFIG_STR_MAX];   /* the Region's IPA code, for the open-data catalogue */
	char region_email[CONFIG_STR_MAX]; /* the open data's contact point */
	char static_dir[CONFIG_STR_MAX];   /* the design kit's files; "" finds them */
	int session_idle_s;                /* a browser session unused this long ends */
	int session_lifetime_s;            /* and any session ends this long after login */
	/* Single sign-on through the Region's OpenID Connect provider. */
	char oidc_issuer[CONFIG_STR_MAX]; /* "" : no single sign-on */
	char oidc_client_id[CONFIG_STR_MAX];
	char oidc_client_secret[CONFIG_STR_MAX];
	char oidc_claim[CONFIG_STR_MAX]; /* the claim matched to users' e-mail */
	char oidc_label[CONFIG_STR_MAX]; /* the login page's button */
	int password_login;              /* 0: passwords log nobody in */
	/* The public routes' rate limit per client address (http/ratelimit.h):
	 * requests a second, and how many may come at once; 0: no limit. */
	int public_rate;
	int public_burst;
} config;

/* Fills cfg. Returns 0, or -1 with a message in err (unknown key, bad number,
 * unreadable file). path may be NULL (then AMBITO_CONFIG, if set, is read). */
int config_load(config *cfg, const char *path, char *err, size_t errlen);

/* The default number of workers: CONFIG_WORKERS_PER_CPU a CPU online,
 * within [CONFIG_WORKERS_MIN, CONFIG_WORKERS_MAX]. */
#define CONFIG_WORKERS_PER_CPU 2
#define CONFIG_WORKERS_MIN 4
#define CONFIG_WORKERS_MAX 64
int config_default_workers(void);

/* The default connection cap: the descriptor limit less one descriptor per
 * worker (its database connection) and CONFIG_FD_RESERVE for the listener,
 * logs, files and libevent; at least CONFIG_CONNECTIONS_MIN. */
#define CONFIG_FD_RESERVE 32
#define CONFIG_CONNECTIONS_MIN 16
int config_default_connections(int workers);

#endif
