/* ambitod: the HTTP daemon. Reads the configuration, checks the schema is
 * current, registers every module's routes and serves until SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "base/password.h"
#include "base/thread.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "identity/auth.h"
#include "identity/dispatch.h"
#include "modules.h"
#include "opendata/opendata.h"
#include "sso/sso.h"
#include "web/web.h"

static void usage(void)
{
	fputs("usage: ambitod [--config FILE] [--list-routes]\n"
	      "Configuration: deploy/ambito.conf.example; AMBITO_* environment variables override it.\n",
	      stderr);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	bool list = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--list-routes") == 0)
			list = true;
		else {
			usage();
			return 2;
		}
	}
	modules_register();
	router_freeze();
	if (list) {
		/* method, pattern, source file, flags: for people and for the
		 * OpenAPI and isolation tests */
		for (int i = 0; i < router_count(); i++) {
			const route *rt = router_at(i);
			printf("%s %s %s%s%s%s%s%s\n", router_method_name(rt->method), rt->pattern, router_file(i),
			       rt->flags & ROUTE_PUBLIC ? " public" : "", rt->flags & ROUTE_TENANT ? " tenant" : "",
			       rt->flags & ROUTE_UNSCOPED ? " unscoped" : "", rt->flags & ROUTE_INLINE ? " inline" : "",
			       rt->flags & ROUTE_PAGE ? " page" : "");
		}
		return 0;
	}

	config cfg;
	char err[MIGRATE_ERR_MAX];
	if (config_load(&cfg, path, err, sizeof(err)) != 0) {
		log_msg(LOG_ERROR, "configuration: %s", err);
		return 1;
	}
	if (strlen(cfg.jwt_secret) < 32) {
		log_msg(LOG_ERROR, "configuration: AMBITO_JWT_SECRET must be at least 32 characters");
		return 1;
	}
	/* Refuse to serve on a schema this build does not match; a database that
	 * is merely down is fine: /readyz says so until it is back. */
	db *d = db_new(&cfg);
	if (d != NULL && db_connect(d) == DB_OK && migrate_check(d, err, sizeof(err)) != 0) {
		log_msg(LOG_ERROR, "schema: %s", err);
		db_free(d);
		return 1;
	}
	db_free(d);

	auth_init(cfg.jwt_secret, cfg.jwt_issuer, cfg.jwt_audience);
	/* A login holds its request worker while its hash waits or runs: those
	 * admitted to hashing may hold at most half the workers, so every
	 * other route always finds the other half. */
	int kdf_queue = cfg.kdf_queue;
	if (cfg.kdf_concurrency + kdf_queue > cfg.workers / 2) {
		kdf_queue = cfg.workers / 2 - cfg.kdf_concurrency;
		if (kdf_queue < 0)
			kdf_queue = 0;
		if (kdf_queue != cfg.kdf_queue)
			log_msg(LOG_WARN, "kdf_queue lowered from %d to %d: hashes may hold at most half of %d workers",
			        cfg.kdf_queue, kdf_queue, cfg.workers);
	}
	if (password_init(cfg.kdf_concurrency, kdf_queue) != 0) {
		log_msg(LOG_ERROR, "cannot start %d password hashing threads", cfg.kdf_concurrency);
		return 1;
	}
	web_init(&cfg);
	if (!sso_init(&cfg, err, sizeof(err))) {
		log_msg(LOG_ERROR, "configuration: %s", err);
		return 1;
	}
	opendata_init(&cfg);
	metrics_init(router_count());
	server *s = server_new(&cfg, dispatch_request, err, sizeof(err));
	if (s == NULL) {
		log_msg(LOG_ERROR, "%s", err);
		return 1;
	}
	server_set_head_check(s, dispatch_head);
	server_set_not_found(s, web_not_found);
	int rc = server_run(s);
	/* Stopping already: a second SIGTERM during the teardown must not end
	 * the process by signal. Freeing the server puts the default action
	 * back (over any SIG_IGN set here), so the signals are blocked instead:
	 * every other thread blocks them from its start (thread_start), so one
	 * sent now stays pending until the exit. */
	thread_block_stop_signals();
	server_free(s);
	password_shutdown();
	return rc;
}
