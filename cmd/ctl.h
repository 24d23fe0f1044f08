/* ambitoctl's commands. Each runs with a connected, migrated database. */
#ifndef AMBITO_CTL_H
#define AMBITO_CTL_H

#include "db/db.h"

typedef struct ctl_command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(db *d, int argc, char **argv); /* argv[0] is the command */
} ctl_command;

int ctl_user(db *d, int argc, char **argv);
int ctl_import(db *d, int argc, char **argv);
int ctl_export(db *d, int argc, char **argv);
int ctl_demo_load(db *d, int argc, char **argv);
int ctl_synth(db *d, int argc, char **argv);
/* Reads a whole file (at most 16 MiB); NULL with errno set on failure. */
char *ctl_read_file(const char *path, size_t *len);

/* Commands of later modules, appended to the table. */
#define CTL_MORE_COMMANDS                                                                                              \
	{"user", "add --email E --role R [--tenant SLUG] [--name N] [--password-stdin]",                               \
	 "create an account (prints a generated password once unless --password-stdin)", ctl_user},                    \
	    {"demo-load", "FILE.json", "load a demo set of tenants and users (marked demo) in one transaction",        \
	     ctl_demo_load},                                                                                           \
	    {"import", "FILE.json [--replace]",                                                                        \
	     "load a whole cycle (format ambito-cycle/1) in one transaction; --replace overwrites a draft",            \
	     ctl_import},                                                                                              \
	    {"export", "CYCLE [FILE]", "write a cycle in the import format (to stdout without FILE)", ctl_export},     \
	    {"demo", "--cycle SLUG --tenants N [--seed S]",                                                            \
	     "fill an open cycle with N synthetic ATS (demo-0001...) with plans and submissions; keeps what exists",   \
	     ctl_synth},

#endif
