/* ambitoctl: the administrator's tool. Each command is a small function over
 * the same configuration and database layer as the daemon. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "ctl.h"
#include "db/db.h"
#include "db/migrate.h"

/* The configuration main() connected with: migrate needs the application
 * account's name to grant it. */
static config cfg;

static int cmd_migrate(db *d, int argc, char **argv)
{
	char err[512];
	int applied = 0;
	if (migrate_apply(d, &applied, err, sizeof(err)) != 0) {
		fprintf(stderr, "ambitoctl migrate: %s\n", err);
		return 1;
	}
	printf("schema aggiornato (%d migrazion%s applicat%s ora)\n", applied, applied == 1 ? "e" : "i",
	       applied == 1 ? "a" : "e");
	/* Run as the owner: the grants follow the schema just brought up to
	 * date, so a migration's new table is granted without a second step. */
	if (cfg.db_admin_user[0] != '\0' && strcmp(cfg.db_admin_user, cfg.db_user) != 0) {
		if (migrate_grant(d, cfg.db_user, cfg.db_user_host, err, sizeof(err)) != 0) {
			fprintf(stderr, "ambitoctl migrate: %s\n", err);
			return 1;
		}
		printf("all'account %s@%s sono concessi solo i diritti sulle righe\n", cfg.db_user, cfg.db_user_host);
	}
	return 0;
}

static const ctl_command commands[] = {{"migrate", "", "applica le migrazioni dello schema in sospeso", cmd_migrate},
                                       CTL_MORE_COMMANDS};

static void usage(FILE *f)
{
	fputs("uso: ambitoctl COMANDO [ARGOMENTI]\ncomandi:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s %s\n      %s\n", commands[i].name, commands[i].args, commands[i].help);
	fputs("Configurazione: come per ambitod (file AMBITO_CONFIG, variabili d'ambiente AMBITO_*).\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const ctl_command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "ambitoctl: comando sconosciuto %s\n", argv[1]);
		usage(stderr);
		return 2;
	}
	char err[512];
	if (config_load(&cfg, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "ambitoctl: configurazione: %s\n", err);
		return 1;
	}
	log_set_level(LOG_WARN);
	/* migrate changes the schema: the owner account, when one is set;
	 * every other command works on rows, as ambitod does. */
	config conn = cfg;
	if (strcmp(cmd->name, "migrate") == 0 && cfg.db_admin_user[0] != '\0') {
		snprintf(conn.db_user, sizeof(conn.db_user), "%s", cfg.db_admin_user);
		snprintf(conn.db_password, sizeof(conn.db_password), "%s", cfg.db_admin_password);
	}
	db *d = db_new(&conn);
	explicit_bzero(conn.db_password, sizeof(conn.db_password));
	if (d == NULL || db_connect(d) != DB_OK) {
		fprintf(stderr, "ambitoctl: impossibile collegarsi alla base dati: %s\n",
		        d ? db_error(d) : "memoria esaurita");
		db_free(d);
		return 1;
	}
	if (strcmp(cmd->name, "migrate") != 0 && migrate_check(d, err, sizeof(err)) != 0) {
		fprintf(stderr, "ambitoctl: %s\n", err);
		db_free(d);
		return 1;
	}
	int rc = cmd->run(d, argc - 1, argv + 1);
	db_free(d);
	return rc;
}
