/* Schema migrations: applies the SQL files embedded in the binary in version
 * order and records each with its SHA-256 in schema_migrations, so that a
 * database and a binary that disagree about the schema are refused. */
#include "db/migrate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"
#include "db/db.h"

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
		say(err, errlen, "base dati non disponibile: %s", db_error(d));
	else
		say(err, errlen, "errore della base dati %u: %s", db_errno(d), db_error(d));
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
			    "la base dati ha la migrazione %lld, che questa versione non "
			    "conosce: aggiornare ambito",
			    version);
			return -1;
		}
		if (strcmp(db_val(r, row, 1), migrations[i].sha256) != 0) {
			say(err, errlen, "la migrazione %s è stata modificata dopo essere stata applicata",
			    migrations[i].name);
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
		say(err, errlen, "la migrazione %s non è riuscita: %s", m->name, why);
		goto fail;
	}
	long long n = db_exec(d,
	                      "INSERT INTO schema_migrations (version, name, sha256) "
	                      "VALUES (?, ?, ?)",
	                      "iss", (long long)m->version, m->name, m->sha256);
	if (n < 0) {
		say(err, errlen, "la migrazione %s è stata eseguita ma non registrata: %s", m->name, db_error(d));
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
		say(err, errlen, "un altro processo sta migrando la base dati");
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
		/* Name them all: the operator sees what this build expects (the
		 * caller's buffer is MIGRATE_ERR_MAX, room for every file). */
		const char *names = "";
		for (int i = 0; i < migrations_count; i++)
			if (!done[i])
				names = arena_printf(a, "%s%s%s", names, *names ? ", " : "", migrations[i].name);
		say(err, errlen, "%d migrazion%s in sospeso (%s): eseguire ambitoctl migrate", pending,
		    pending == 1 ? "e" : "i", names);
		goto fail;
	}
	ret = 0;

fail:
	arena_free(a);
	return ret;
}

/* The tables whose rows are never changed once written: the trigger refuses
 * UPDATE and DELETE, and ambitod's account may not even try, nor TRUNCATE. A
 * new append-only table is named here, the one place that says so. */
static const char *const append_only[] = {"audit_log",
                                          "plan_submissions",
                                          "plan_reviews",
                                          "plan_monitoring_reports",
                                          "plan_monitoring_report_values",
                                          "plan_monitoring_report_spending",
                                          "plan_monitoring_reviews",
                                          "plan_reopenings",
                                          "plan_publications"};
/* Written by migrate alone; ambitod reads it at start-up and for /readyz. */
static const char *const read_only[] = {"schema_migrations"};

#define GRANT_NAME_MAX 80      /* MariaDB's longest user name */
#define GRANT_HOST_MAX 255     /* and host name */
#define GRANT_SCRIPT_MAX 65536 /* one table's statements fit many times */

static bool in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* Identifiers go into GRANT text (it takes no parameters): only letters,
 * digits and the few signs account and table names use here, so nothing
 * needs quoting beyond the quotes we put around them. */
static bool plain_name(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      strchr(extra, c) != NULL))
			return false;
	}
	return true;
}

int migrate_grant(struct db *d, const char *user, const char *host, char *err, size_t errlen)
{
	int ret = -1;
	bool locked = false;
	arena *a = arena_new();
	db_res *r;
	char why[512];
	say(err, errlen, "%s", "");
	/* The migrations' lock: two migrates granting at once would revoke the
	 * rights the other is about to re-grant (REVOKE of a missing grant fails). */
	int rc = db_query(d, a, &r, "SELECT GET_LOCK(" LOCK_NAME ", " LOCK_WAIT_S ")", "");
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		goto fail;
	}
	if (db_int(r, 0, 0) != 1) {
		say(err, errlen, "un altro processo sta migrando la base dati");
		goto fail;
	}
	locked = true;

	if (!plain_name(user, GRANT_NAME_MAX, "-.") || !plain_name(host, GRANT_HOST_MAX, "-.%:")) {
		say(err, errlen, "il nome dell'account %s@%s ha caratteri che un GRANT non accetta", user, host);
		goto fail;
	}
	rc = db_query(d, a, &r,
	              "SELECT DATABASE(), table_name FROM information_schema.tables "
	              "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
	              "");
	if (rc != DB_OK) {
		say_db(d, rc, err, errlen);
		goto fail;
	}
	if (db_nrows(r) == 0) {
		say(err, errlen, "nessuna tabella su cui concedere diritti: eseguire prima le migrazioni");
		goto fail;
	}
	const char *schema = db_val(r, 0, 0);
	if (!plain_name(schema, GRANT_NAME_MAX, "-")) {
		say(err, errlen, "il nome della base dati %s ha caratteri che un GRANT non accetta", schema);
		goto fail;
	}
	char *script = arena_alloc(a, GRANT_SCRIPT_MAX);
	size_t used = 0;
#define ADD(...)                                                                                                       \
	do {                                                                                                           \
		int n_ = snprintf(script + used, GRANT_SCRIPT_MAX - used, __VA_ARGS__);                                \
		if (n_ < 0 || (size_t)n_ >= GRANT_SCRIPT_MAX - used) {                                                 \
			say(err, errlen, "troppe tabelle per un solo GRANT");                                          \
			goto fail;                                                                                     \
		}                                                                                                      \
		used += (size_t)n_;                                                                                    \
	} while (0)
	/* Granting first makes sure there is a grant to revoke (REVOKE of a
	 * right never given is an error), then the rights are set afresh:
	 * whatever the account had before (ALL, say) goes. */
	ADD("GRANT SELECT ON `%s`.* TO '%s'@'%s';"
	    "REVOKE ALL PRIVILEGES ON `%s`.* FROM '%s'@'%s';"
	    "GRANT SELECT ON `%s`.* TO '%s'@'%s';",
	    schema, user, host, schema, user, host, schema, user, host);
	for (size_t row = 0; row < db_nrows(r); row++) {
		const char *t = db_val(r, row, 1);
		if (!plain_name(t, GRANT_NAME_MAX, "")) {
			say(err, errlen, "il nome della tabella %s ha caratteri che un GRANT non accetta", t);
			goto fail;
		}
		const char *rights = "SELECT, INSERT, UPDATE, DELETE";
		if (in_list(append_only, sizeof(append_only) / sizeof(append_only[0]), t))
			rights = "SELECT, INSERT";
		else if (in_list(read_only, sizeof(read_only) / sizeof(read_only[0]), t))
			rights = "SELECT";
		ADD("GRANT SELECT ON `%s`.`%s` TO '%s'@'%s';"
		    "REVOKE ALL PRIVILEGES ON `%s`.`%s` FROM '%s'@'%s';"
		    "GRANT %s ON `%s`.`%s` TO '%s'@'%s';",
		    schema, t, user, host, schema, t, user, host, rights, schema, t, user, host);
	}
#undef ADD
	if (db_run_script(d, script, why, sizeof(why)) != DB_OK) {
		say(err, errlen, "concessione dei diritti a %s@%s: %s", user, host, why);
		goto fail;
	}
	log_msg(LOG_INFO, "account %s@%s granted row rights on %zu tables", user, host, db_nrows(r));
	ret = 0;

fail:
	if (locked)
		(void)db_query(d, a, &r, "SELECT RELEASE_LOCK(" LOCK_NAME ")", "");
	arena_free(a);
	return ret;
}
