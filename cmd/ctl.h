/* ambitoctl's commands. Each runs with a connected, migrated database. */
#ifndef AMBITO_CTL_H
#define AMBITO_CTL_H

#include "db.h"

typedef struct ctl_command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(db *d, int argc, char **argv); /* argv[0] is the command */
} ctl_command;

int ctl_user(db *d, int argc, char **argv);

/* Commands of later modules, appended to the table. */
#define CTL_MORE_COMMANDS \
	{"user", "add --email E --role R [--tenant SLUG] [--name N] [--password-stdin]", \
	 "create an account (prints a generated password once unless --password-stdin)", ctl_user},

#endif
