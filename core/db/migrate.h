/* Schema migrations: numbered SQL files embedded at build time, applied in
 * order, each recorded with its SHA-256 so a changed applied file is refused. */
#ifndef AMBITO_MIGRATE_H
#define AMBITO_MIGRATE_H

#include <stddef.h>

typedef struct migration {
	int version;
	const char *name;
	const char *sha256; /* hex of the file's bytes */
	const char *sql;
} migration;

extern const migration migrations[];
extern const int migrations_count;

struct db;

/* Applies every pending migration, each in its own transaction where MariaDB
 * allows (DDL commits implicitly; the record row is written last, so a crash
 * leaves the migration pending and each file must be safe to re-run: use
 * IF NOT EXISTS). Returns 0 or -1 with a message in err; refuses (-1) when an
 * applied migration's checksum differs or the database has a version this
 * binary does not know. *applied gets the number applied now. */
int migrate_apply(struct db *d, int *applied, char *err, size_t errlen);

/* Gives the account user@host that ambitod runs with exactly the rights
 * it needs on the current database, table by table, from the schema as it is
 * now (so a migration's new table is granted by the next migrate): SELECT on
 * the database; INSERT, UPDATE, DELETE on each table except the append-only
 * ones (MIGRATE_APPEND_ONLY: SELECT and INSERT only) and schema_migrations
 * (SELECT only). Rights it held before on those tables are revoked first;
 * never DDL, TRUNCATE, DROP or GRANT. Run by `ambitoctl migrate` with the
 * owner account. Returns 0 or -1 with a message in err. */
int migrate_grant(struct db *d, const char *user, const char *host, char *err, size_t errlen);

/* The room migrate_check's message needs: it names every pending file. */
#define MIGRATE_ERR_MAX 4096
/* 0 when the database is exactly at this binary's latest version with
 * matching checksums; -1 otherwise (message in err). Used at start-up and by
 * /readyz. */
int migrate_check(struct db *d, char *err, size_t errlen);

#endif
