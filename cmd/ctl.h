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
	 "crea un account (stampa una volta una password generata, salvo --password-stdin)", ctl_user},                \
	    {"demo-load", "FILE.json",                                                                                 \
	     "carica in una transazione un insieme dimostrativo di ambiti e utenti (marcati demo)", ctl_demo_load},    \
	    {"import", "FILE.json [--replace]",                                                                        \
	     "carica un ciclo intero (formato ambito-cycle/1) in una transazione; --replace sovrascrive una bozza",    \
	     ctl_import},                                                                                              \
	    {"export", "CYCLE [FILE]", "scrive un ciclo nel formato di import (su stdout senza FILE)", ctl_export},    \
	    {"demo", "--cycle SLUG --tenants N [--seed S]",                                                            \
	     "riempie un ciclo aperto con N ATS sintetici (demo-0001...) con piani e invii; conserva ciò che esiste",  \
	     ctl_synth},

#endif
