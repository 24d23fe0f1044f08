/* Schema migrations: applies the SQL files embedded in the binary in version
 * order and records each with its SHA-256 in schema_migrations, so that a
 * database and a binary that disagree about the schema are refused. */
#include "db/migrate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "db/db.h"
#include "base/log.h"

static const char create_sql[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 "version INT PRIMARY KEY, "
                                 "name VARCHAR(200) NOT NULL, "
                                 "sha256 CHAR(64) NOT NULL, "
                                 "applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                                 ") ENGINE=InnoDB";

/* Two migrating processes must not run the same script twice; the lock is
 * tied to the connection, so a crash releases it. */
#define LOCK_NAME "'ambito.migrate'"
#define LOCK_WAIT_S "60"

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void say_db(struct db *d, int rc, char *err, size_t errlen)
{
	if (rc == DB_EUNAVAIL)
		say(err, errlen, "database unavailable: %s", db_error(d));
	else
		say(err, errlen, "database error %u: %s", db_errno(d), db_error(d));
}

static int find_version(long long version)
{
	for (int i = 0; i < migrations_count; i++)
		if (migrations[i].version == version)
			return i;
	return -1;
}

/* Compares the recorded migrations with the embedded ones, marking in done[]
 * those applied. Returns how many are pending, or -1 (message in err) when
 * the two disagree or the database fails. With table_may_be_missing, a
 * database without schema_migrations reads as one with nothing applied, and
 * nothing is created. */
static int compare(struct db *d, arena *a, bool *done, bool table_may_be_missing, char *err, size_t errlen)
{
	db_res *r;
	int rc;
	if (table_may_be_missing) {
		rc = db_query(d, a, &r,
		              "SELECT COUNT(*) FROM information_schema.tables "
		              "WHERE table_schema = DATABASE() "
		              "AND table_name = 'schema_migrations'",
		              "");
		if (rc != DB_OK) {
			say_db(d, rc, err, errlen);
			return -1;
		}
		if (db_int(r, 0, 0) == 0)
			return migrations_count;
	}

	rc = db_query(d, a, &r, "SELECT version, sha256 FROM schema_migrations ORDER BY version", "");
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		return -1;
	}
	int pending = migrations_count;
	for (size_t row = 0; row < db_nrows(r); row++) {
		long long version = db_int(r, row, 0);
		int i = find_version(version);
		if (i < 0) {
			say(err, errlen,
			    "database has migration %lld which this build does not "
			    "know: upgrade ambito",
			    version);
			return -1;
		}
		if (strcmp(db_val(r, row, 1), migrations[i].sha256) != 0) {
			say(err, errlen, "migration %s was changed after it was applied", migrations[i].name);
			return -1;
		}
		done[i] = true;
		pending--;
	}
	return pending;
}

/* Runs one migration and records it, in a transaction as far as MariaDB
 * allows: DDL commits implicitly, which is why the row is written last. */
static int apply_one(struct db *d, const migration *m, char *err, size_t errlen)
{
	char why[512];
	int rc = db_begin(d);
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		goto fail;
	}
	rc = db_run_script(d, m->sql, why, sizeof(why));
	if (rc != DB_OK) {
		say(err, errlen, "migration %s failed: %s", m->name, why);
		goto fail;
	}
	long long n = db_exec(d,
	                      "INSERT INTO schema_migrations (version, name, sha256) "
	                      "VALUES (?, ?, ?)",
	                      "iss", (long long)m->version, m->name, m->sha256);
	if (n < 0) {
		say(err, errlen, "migration %s ran but could not be recorded: %s", m->name, db_error(d));
		goto fail;
	}
	rc = db_commit(d);
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		goto fail;
	}
	log_msg(LOG_INFO, "migration %s applied", m->name);
	return 0;

fail:
	db_rollback(d);
	return -1;
}

int migrate_apply(struct db *d, int *applied, char *err, size_t errlen)
{
	int ret = -1, n = 0;
	bool locked = false;
	arena *a = arena_new();
	db_res *r;
	say(err, errlen, "%s", "");

	int rc = db_query(d, a, &r, "SELECT GET_LOCK(" LOCK_NAME ", " LOCK_WAIT_S ")", "");
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		goto fail;
	}
	if (db_int(r, 0, 0) != 1) {
		say(err, errlen, "another process is migrating the database");
		goto fail;
	}
	locked = true;

	long long x = db_exec(d, create_sql, "");
	if (x < 0) {
		say_db(d, (int)x, err, errlen);
		goto fail;
	}
	bool *done = arena_calloc(a, (size_t)migrations_count, sizeof(*done));
	if (compare(d, a, done, false, err, errlen) < 0)
		goto fail;
	for (int i = 0; i < migrations_count; i++) {
		if (done[i])
			continue;
		if (apply_one(d, &migrations[i], err, errlen) != 0)
			goto fail;
		n++;
	}
	ret = 0;

fail:
	if (locked)
		(void)db_query(d, a, &r, "SELECT RELEASE_LOCK(" LOCK_NAME ")", "");
	if (applied != NULL)
		*applied = n;
	arena_free(a);
	return ret;
}

int migrate_check(struct db *d, char *err, size_t errlen)
{
	int ret = -1;
	arena *a = arena_new();
	say(err, errlen, "%s", "");
	bool *done = arena_calloc(a, (size_t)migrations_count, sizeof(*done));
	int pending = compare(d, a, done, true, err, errlen);
	if (pending < 0)
		goto fail;
	if (pending > 0) {
		/* Name them: the operator sees what this build expects. */
		char names[384] = "";
		size_t used = 0;
		for (int i = 0; i < migrations_count && used < sizeof(names); i++) {
			if (done[i])
				continue;
			int n =
			    snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", migrations[i].name);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		say(err, errlen, "%d migrations pending (%s): run ambitoctl migrate", pending, names);
		goto fail;
	}
	ret = 0;

fail:
	arena_free(a);
	return ret;
}
