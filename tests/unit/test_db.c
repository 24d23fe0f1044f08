/* The db layer and the migration runner against a real MariaDB, named by
 * AMBITO_DB_SOCKET, AMBITO_DB_USER, AMBITO_DB_PASSWORD and AMBITO_DB_NAME.
 * Without AMBITO_DB_SOCKET the test is skipped. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "base/arena.h"
#include "base/config.h"
#include "check.h"
#include "db/db.h"
#include "db/migrate.h"

/* The runner only sees the extern array: these two stand in for the files
 * the build embeds. The checksums live in writable arrays so a test can
 * "change" an applied file. */
static char sha_a[65] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static char sha_b[65] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

const migration migrations[] = {
    {1, "0001_a.sql", sha_a, "CREATE TABLE IF NOT EXISTS mig_a (id INT PRIMARY KEY) ENGINE=InnoDB;\n"},
    {2, "0002_b.sql", sha_b,
     "CREATE TABLE IF NOT EXISTS mig_b (id INT PRIMARY KEY) ENGINE=InnoDB;\n"
     "INSERT IGNORE INTO mig_b VALUES (1);\n"},
};
const int migrations_count = 2;

/* check.h's CHECK evaluates its condition twice, which would run every
 * statement under test twice: evaluate it once here. */
#define T(cond, ...)                                                                                                   \
	do {                                                                                                           \
		bool t_ = (cond);                                                                                      \
		CHECK(t_, __VA_ARGS__);                                                                                \
	} while (0)

static const char drop_all[] = "DROP TABLE IF EXISTS t_child, t_parent, t_text, t, s1, mig_a, mig_b, "
                               "schema_migrations";

static void env_str(char *dst, const char *name)
{
	const char *v = getenv(name);
	snprintf(dst, CONFIG_STR_MAX, "%s", v ? v : "");
}

static long long count(db *d, arena *a, const char *sql)
{
	db_res *r;
	if (db_query(d, a, &r, sql, "") != DB_OK || db_nrows(r) != 1)
		return -1;
	return db_int(r, 0, 0);
}

static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

static void test_text(db *d, arena *a)
{
	static const char it[] = "Attività dell'àmbito — città";
	db_res *r = NULL;

	T(db_exec(d,
	          "CREATE TABLE t_text (id INT AUTO_INCREMENT PRIMARY KEY, "
	          "s VARCHAR(200) NULL, n BIGINT NULL, u BIGINT UNSIGNED NULL, "
	          "amount DECIMAL(14,2) NULL, f DOUBLE NULL, "
	          "at DATETIME(6) NULL, big MEDIUMTEXT NULL, bin VARBINARY(16) NULL) "
	          "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	          "") == 0,
	  "create t_text");
	T(db_exec(d, "INSERT INTO t_text (s) VALUES (?)", "s", it) == 1, "insert UTF-8 text");
	unsigned long long id = db_last_id(d);
	T(id == 1, "last id is 1");
	T(db_query(d, a, &r, "SELECT s FROM t_text WHERE id = ?", "u", id) == DB_OK && db_nrows(r) == 1 &&
	      db_ncols(r) == 1,
	  "select UTF-8 text");
	if (r != NULL && db_nrows(r) == 1) {
		T(db_len(r, 0, 0) == sizeof(it) - 1 && memcmp(db_val(r, 0, 0), it, sizeof(it) - 1) == 0,
		  "UTF-8 text is byte-exact");
		T(db_val(r, 0, 0)[db_len(r, 0, 0)] == '\0', "value is NUL-terminated");
	}
	/* The same text by length: 'b' binds only the bytes given. */
	T(db_exec(d, "INSERT INTO t_text (id, s) VALUES (2, ?)", "b", it, (size_t)9) == 1, "insert with 'b'");
	T(db_query(d, a, &r, "SELECT s, CHAR_LENGTH(s) FROM t_text WHERE id = 2", "") == DB_OK && db_nrows(r) == 1,
	  "select 'b' value");
	if (r != NULL && db_nrows(r) == 1) {
		CHECK_STR(db_val(r, 0, 0), "Attività", "'b' value stored as given");
		T(db_int(r, 0, 1) == 8, "stored as utf8mb4 characters");
	}

	/* NULLs both ways. */
	T(db_exec(d, "INSERT INTO t_text (id, s, n, amount) VALUES (3, ?, ?, ?)", "sbs", (const char *)NULL,
	          (const char *)NULL, (size_t)0, (const char *)NULL) == 1,
	  "insert NULLs");
	T(db_query(d, a, &r, "SELECT s, n, amount, at FROM t_text WHERE id = 3", "") == DB_OK && db_nrows(r) == 1 &&
	      db_ncols(r) == 4,
	  "select NULLs");
	if (r != NULL && db_nrows(r) == 1) {
		T(db_isnull(r, 0, 0) && db_isnull(r, 0, 1) && db_isnull(r, 0, 2) && db_isnull(r, 0, 3),
		  "db_isnull on every NULL");
		T(db_val(r, 0, 0) == NULL && db_int(r, 0, 1) == 0, "NULL reads as NULL pointer and 0");
	}
	T(db_query(d, a, &r, "SELECT ? IS NULL, ? IS NULL", "si", (const char *)NULL, 5LL) == DB_OK &&
	      db_nrows(r) == 1 && db_int(r, 0, 0) == 1 && db_int(r, 0, 1) == 0,
	  "NULL parameter compares as NULL");

	/* Every number reads as text too (DECIMAL and DOUBLE only as text). */
	T(db_exec(d, "INSERT INTO t_text (id, n, u, amount, f, at) VALUES (4, ?, ?, ?, ?, ?)", "iusds",
	          -9007199254740993LL, 18446744073709551615ULL, "1234.5", 0.25, "2024-02-29 13:14:15.123456") == 1,
	  "insert numbers");
	T(db_query(d, a, &r, "SELECT n, u, amount, f, at, amount * 2 FROM t_text WHERE id = 4", "") == DB_OK &&
	      db_nrows(r) == 1,
	  "select numbers");
	if (r != NULL && db_nrows(r) == 1) {
		CHECK_STR(db_val(r, 0, 0), "-9007199254740993", "BIGINT as text");
		T(db_int(r, 0, 0) == -9007199254740993LL, "db_int of BIGINT");
		CHECK_STR(db_val(r, 0, 1), "18446744073709551615", "BIGINT UNSIGNED as text");
		CHECK_STR(db_val(r, 0, 2), "1234.50", "DECIMAL(14,2) as text");
		T(db_len(r, 0, 2) == 7, "DECIMAL length");
		CHECK_STR(db_val(r, 0, 3), "0.25", "DOUBLE as text");
		CHECK_STR(db_val(r, 0, 4), "2024-02-29 13:14:15.123456", "DATETIME(6) as text");
		CHECK_STR(db_val(r, 0, 5), "2469.00", "DECIMAL expression as text");
	}
	/* Integer columns come as integers: read as numbers first, then as
	 * text, and the other way round, the edges included. */
	T(db_query(d, a, &r,
	           "SELECT n, u, CAST(-9223372036854775808 AS SIGNED), CAST(0 AS UNSIGNED), CAST(7 AS INT),"
	           " YEAR('2024-05-01'), 1 = 1, n FROM t_text WHERE id = 4",
	           "") == DB_OK &&
	      db_nrows(r) == 1,
	  "select integers");
	if (r != NULL && db_nrows(r) == 1) {
		T(db_int(r, 0, 1) == LLONG_MAX, "db_int of a BIGINT UNSIGNED over LLONG_MAX saturates");
		CHECK_STR(db_val(r, 0, 1), "18446744073709551615", "its text after db_int");
		T(db_int(r, 0, 1) == LLONG_MAX, "and db_int again, once it has its text");
		T(db_len(r, 0, 2) == 20 && db_int(r, 0, 2) == LLONG_MIN,
		  "LLONG_MIN: length before the text, then value");
		CHECK_STR(db_val(r, 0, 2), "-9223372036854775808", "LLONG_MIN as text");
		CHECK_STR(db_val(r, 0, 3), "0", "0 as text");
		T(db_len(r, 0, 3) == 1 && !db_isnull(r, 0, 3), "0 is one byte, not NULL");
		T(db_int(r, 0, 4) == 7, "INT");
		T(db_int(r, 0, 5) == 2024, "YEAR");
		CHECK_STR(db_val(r, 0, 5), "2024", "YEAR as text");
		T(db_int(r, 0, 6) == 1, "a comparison");
		CHECK_STR(db_val(r, 0, 6), "1", "a comparison as text");
		T(db_int(r, 0, 7) == -9007199254740993LL, "a column's integer unread as text stays exact");
	}
	T(db_query(d, a, &r,
	           "SELECT @@session.time_zone, @@session.tx_isolation, "
	           "@@session.character_set_client",
	           "") == DB_OK &&
	      db_nrows(r) == 1,
	  "session settings readable");
	if (r != NULL && db_nrows(r) == 1) {
		CHECK_STR(db_val(r, 0, 0), "+00:00", "session time zone is UTC");
		CHECK_STR(db_val(r, 0, 1), "READ-COMMITTED", "isolation READ COMMITTED");
		CHECK_STR(db_val(r, 0, 2), "utf8mb4", "client charset utf8mb4");
	}
	T(db_exec(d, "INSERT INTO t_text (id, n) VALUES (5, ?)", "s", "abc") == DB_EERR,
	  "strict mode rejects a bad integer");

	/* A long value then a short one: the buffers follow the longest
	 * value of the result. */
	char *big = arena_alloc(a, 70001);
	for (size_t i = 0; i < 70000; i++)
		big[i] = (char)('a' + i % 26);
	big[70000] = '\0';
	T(db_exec(d, "INSERT INTO t_text (id, big) VALUES (10, ?), (11, 'short')", "s", big) == 2,
	  "insert a long value");
	T(db_query(d, a, &r, "SELECT big, id FROM t_text WHERE id IN (10, 11) ORDER BY id", "") == DB_OK &&
	      db_nrows(r) == 2,
	  "select a long value");
	if (r != NULL && db_nrows(r) == 2) {
		T(db_len(r, 0, 0) == 70000 && memcmp(db_val(r, 0, 0), big, 70000) == 0, "long value intact");
		CHECK_STR(db_val(r, 1, 0), "short", "short value after a long one");
	}
	/* Bytes with a NUL and high bytes, both ways. */
	static const char bytes[] = {'\0', '\xff', 'a', '\x80'};
	T(db_exec(d, "INSERT INTO t_text (id, bin) VALUES (12, ?)", "b", bytes, sizeof(bytes)) == 1, "insert bytes");
	T(db_query(d, a, &r, "SELECT bin FROM t_text WHERE bin = ?", "b", bytes, sizeof(bytes)) == DB_OK &&
	      db_nrows(r) == 1,
	  "find bytes by value");
	if (r != NULL && db_nrows(r) == 1)
		T(db_len(r, 0, 0) == sizeof(bytes) && memcmp(db_val(r, 0, 0), bytes, sizeof(bytes)) == 0,
		  "bytes intact");
	T(db_query(d, a, &r, "SELECT id FROM t_text WHERE id > 100", "") == DB_OK && db_nrows(r) == 0 &&
	      db_ncols(r) == 1,
	  "empty result");
	T(db_exec(d, "SELECT ? + 1", "i", 1LL) >= 0, "db_exec of a SELECT");
	T(db_exec(d, "SELECT ?", "ii", 1LL, 2LL) == DB_EERR, "too many types");
	T(db_query(d, a, &r, "SELEC 1", "") == DB_EERR && r == NULL && db_errno(d) == 1064,
	  "syntax error: DB_EERR, errno 1064");
}

/* Lists read one row past the page: db_page_rows says how many to show and
 * whether a next page exists. */
static void test_page_rows(db *d, arena *a)
{
	db_res *r = NULL;
	bool more = false;
	T(db_query(d, a, &r, "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3", "") == DB_OK, "three rows");
	T(db_page_rows(r, 2, &more) == 2 && more, "limit 2 of 3 rows: 2 shown, a next page");
	more = true;
	T(db_page_rows(r, 3, &more) == 3 && !more, "limit 3 of 3 rows: 3 shown, no next page");
	T(db_page_rows(r, 500, &more) == 3 && !more, "limit 500 of 3 rows: 3 shown, no next page");
	T(db_query(d, a, &r, "SELECT 1 FROM DUAL WHERE 1 = 0", "") == DB_OK, "no rows");
	more = true;
	T(db_page_rows(r, 1, &more) == 0 && !more, "no rows: none shown, no next page");
}

static void test_keys(db *d, arena *a)
{
	T(db_exec(d,
	          "CREATE TABLE t_parent (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL UNIQUE) "
	          "ENGINE=InnoDB",
	          "") == 0,
	  "create t_parent");
	T(db_exec(d,
	          "CREATE TABLE t_child (id INT PRIMARY KEY, parent_id INT NOT NULL, "
	          "FOREIGN KEY (parent_id) REFERENCES t_parent (id)) ENGINE=InnoDB",
	          "") == 0,
	  "create t_child");
	T(db_exec(d, "INSERT INTO t_parent VALUES (?, ?)", "is", 1LL, "uno") == 1, "insert parent");
	T(db_exec(d, "INSERT INTO t_parent VALUES (?, ?)", "is", 2LL, "uno") == DB_EDUP,
	  "duplicate unique key: DB_EDUP");
	T(db_errno(d) == 1062 && has(db_error(d), "Duplicate"), "db_errno/db_error of 1062");
	T(!has(db_error(d), "uno"), "the value is not in the error message");
	T(db_exec(d, "INSERT INTO t_parent VALUES (?, ?)", "is", 1LL, "due") == DB_EDUP,
	  "duplicate primary key: DB_EDUP");
	T(db_exec(d, "INSERT INTO t_child VALUES (?, ?)", "ii", 1LL, 99LL) == DB_EFK, "missing parent: DB_EFK");
	T(db_errno(d) == 1452, "errno 1452");
	T(db_exec(d, "INSERT INTO t_child VALUES (?, ?)", "ii", 1LL, 1LL) == 1, "insert child");
	T(db_exec(d, "DELETE FROM t_parent WHERE id = ?", "i", 1LL) == DB_EFK, "delete referenced parent: DB_EFK");
	T(db_errno(d) == 1451, "errno 1451");
	T(db_exec(d, "UPDATE t_parent SET code = ? WHERE id = ?", "si", "one", 1LL) == 1, "affected rows of an UPDATE");
	T(count(d, a, "SELECT COUNT(*) FROM t_parent") == 1, "connection usable after errors");
}

static void test_tx(db *d, arena *a)
{
	T(db_exec(d,
	          "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100)) "
	          "ENGINE=InnoDB",
	          "") == 0,
	  "create t");
	T(!db_in_tx(d), "not in a transaction");
	T(db_begin(d) == DB_OK && db_in_tx(d), "begin");
	T(db_begin(d) == DB_EERR && db_in_tx(d), "nested begin refused");
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "rolled back") == 1, "insert in tx");
	T(count(d, a, "SELECT COUNT(*) FROM t") == 1, "row visible inside the tx");
	db_rollback(d);
	T(!db_in_tx(d), "rollback ends the tx");
	T(count(d, a, "SELECT COUNT(*) FROM t") == 0, "rollback leaves nothing");

	T(db_begin(d) == DB_OK, "begin again");
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "kept") == 1, "insert in tx");
	T(db_commit(d) == DB_OK && !db_in_tx(d), "commit");
	T(count(d, a, "SELECT COUNT(*) FROM t WHERE v = 'kept'") == 1, "commit keeps");
	T(db_commit(d) == DB_EERR, "commit without a tx is an error");

	T(db_begin(d) == DB_OK, "begin for reset");
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "reset") == 1, "insert before reset");
	db_reset(d);
	T(!db_in_tx(d), "db_reset ends the tx");
	T(count(d, a, "SELECT COUNT(*) FROM t WHERE v = 'reset'") == 0, "db_reset rolls back");
	db_reset(d);
	db_rollback(d);
	T(count(d, a, "SELECT COUNT(*) FROM t") == 1, "reset/rollback outside a tx are harmless");

	/* Values never become SQL. */
	static const char inj[] = "x'); DROP TABLE t; --";
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", inj) == 1, "insert injection attempt");
	db_res *r = NULL;
	T(db_query(d, a, &r, "SELECT v FROM t WHERE v = ?", "s", inj) == DB_OK && db_nrows(r) == 1, "find it by value");
	if (r != NULL && db_nrows(r) == 1)
		CHECK_STR(db_val(r, 0, 0), inj, "injection attempt stored literally");
	T(count(d, a, "SELECT COUNT(*) FROM t") == 2, "table t still there");
}

static void test_cache(db *d, arena *a)
{
	int bad = 0;
	for (long long i = 0; i < 1000; i++) {
		db_res *r;
		if (db_query(d, a, &r, "SELECT ? * 2, ?", "is", i, "k") != DB_OK || db_nrows(r) != 1 ||
		    db_int(r, 0, 0) != i * 2)
			bad++;
	}
	T(bad == 0, "same SQL 1000 times");

	/* More distinct statements than the cache holds: the oldest are
	 * closed and prepared again when they come back. */
	bad = 0;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 600; i++) {
			char sql[64];
			db_res *r;
			snprintf(sql, sizeof(sql), "SELECT ? + %d", i);
			if (db_query(d, a, &r, sql, "i", 1LL) != DB_OK || db_nrows(r) != 1 || db_int(r, 0, 0) != i + 1)
				bad++;
		}
	}
	T(bad == 0, "600 distinct statements, twice");
	/* Global: this connection's 256 plus a few of the other one. */
	long long n = count(d, a,
	                    "SELECT VARIABLE_VALUE FROM information_schema.global_status "
	                    "WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'");
	T(n >= 256 && n <= 300, "server holds only the cached statements (%lld)", n);
}

static void test_script(db *d, arena *a)
{
	char err[256] = "untouched";
	T(db_run_script(d,
	                "CREATE TABLE s1 (id INT PRIMARY KEY) ENGINE=InnoDB;\n"
	                "INSERT INTO s1 VALUES (1), (2);\n"
	                "SELECT * FROM s1;",
	                err, sizeof(err)) == DB_OK &&
	      err[0] == '\0',
	  "script with several statements");
	T(count(d, a, "SELECT COUNT(*) FROM s1") == 2, "script statements all ran");
	T(db_run_script(d,
	                "INSERT INTO s1 VALUES (3); INSERT INTO s1 VALUES (1); "
	                "INSERT INTO s1 VALUES (4);",
	                err, sizeof(err)) == DB_EDUP,
	  "script failing in its second statement");
	T(has(err, "1062") && has(err, "Duplicate"), "script error message");
	T(count(d, a, "SELECT COUNT(*) FROM s1") == 3, "script stopped at the failure");
	T(db_run_script(d, "SELECT 1; SELEC 2", err, sizeof(err)) == DB_EERR && has(err, "1064"),
	  "syntax error in a script");
	T(count(d, a, "SELECT @@session.max_statement_time") == 7, "statement limit restored after a script");
	T(db_exec(d, "SELECT 1; SELECT 2", "") == DB_EERR, "no multi-statements outside scripts");
}

static void test_migrate(db *d, arena *a)
{
	char err[256];
	int applied = -1;
	T(migrate_check(d, err, sizeof(err)) == -1 && has(err, "2 migrazioni in sospeso"),
	  "check on an empty database: 2 pending");
	printf("#   %s\n", err);
	T(count(d, a,
	        "SELECT COUNT(*) FROM information_schema.tables WHERE "
	        "table_schema = DATABASE() AND table_name = 'schema_migrations'") == 0,
	  "check creates nothing");
	T(migrate_apply(d, &applied, err, sizeof(err)) == 0 && applied == 2, "apply applies both");
	T(count(d, a, "SELECT COUNT(*) FROM mig_b") == 1, "migration 2 ran");
	T(count(d, a, "SELECT COUNT(*) FROM schema_migrations") == 2, "both recorded");
	T(migrate_check(d, err, sizeof(err)) == 0, "check passes after apply");
	T(migrate_apply(d, &applied, err, sizeof(err)) == 0 && applied == 0, "apply again applies nothing");

	db_res *r = NULL;
	T(db_query(d, a, &r,
	           "SELECT name, sha256, applied_at FROM schema_migrations "
	           "WHERE version = 1",
	           "") == DB_OK &&
	      db_nrows(r) == 1,
	  "recorded row");
	if (r != NULL && db_nrows(r) == 1) {
		CHECK_STR(db_val(r, 0, 0), "0001_a.sql", "recorded name");
		CHECK_STR(db_val(r, 0, 1), sha_a, "recorded checksum");
		T(db_len(r, 0, 2) == 26, "applied_at with microseconds");
	}

	sha_a[0] = 'c';
	T(migrate_check(d, err, sizeof(err)) == -1, "check fails on a changed file");
	CHECK_STR(err, "la migrazione 0001_a.sql è stata modificata dopo essere stata applicata", "changed file named");
	T(migrate_apply(d, &applied, err, sizeof(err)) == -1 && applied == 0, "apply refuses a changed file");
	CHECK_STR(err, "la migrazione 0001_a.sql è stata modificata dopo essere stata applicata",
	          "apply names the changed file");
	sha_a[0] = 'a';

	T(db_exec(d, "INSERT INTO schema_migrations (version, name, sha256) VALUES (99, 'x', 'y')", "") == 1,
	  "record an unknown version");
	T(migrate_check(d, err, sizeof(err)) == -1, "check fails on an unknown version");
	CHECK_STR(err, "la base dati ha la migrazione 99, che questa versione non conosce: aggiornare ambito",
	          "unknown version named");
	T(migrate_apply(d, &applied, err, sizeof(err)) == -1 && applied == 0, "apply refuses an unknown version");
	T(db_exec(d, "DELETE FROM schema_migrations WHERE version IN (2, 99)", "") == 2, "forget migration 2");
	T(migrate_check(d, err, sizeof(err)) == -1 && has(err, "1 migrazione in sospeso"), "one pending");
	T(migrate_apply(d, &applied, err, sizeof(err)) == 0 && applied == 1, "apply re-runs the pending one");
	T(migrate_check(d, err, sizeof(err)) == 0, "check passes again");
	T(count(d, a, "SELECT IS_FREE_LOCK('ambito.migrate')") == 1, "migration lock released");
}

/* Kills our own session from another connection, as a server restart or a
 * network cut would. */
static void kill_session(db *d, db *other, arena *a)
{
	char sql[64], err[128];
	long long id = count(d, a, "SELECT CONNECTION_ID()");
	snprintf(sql, sizeof(sql), "KILL %lld", id);
	if (db_run_script(other, sql, err, sizeof(err)) != DB_OK)
		printf("# kill failed: %s\n", err);
}

static void test_lost(db *d, db *other, arena *a)
{
	long long before = count(d, a, "SELECT CONNECTION_ID()");
	kill_session(d, other, a);
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "after kill") == 1,
	  "autocommit statement retried after a lost connection");
	T(count(d, a, "SELECT CONNECTION_ID()") != before, "reconnected");
	T(count(d, a, "SELECT @@session.max_statement_time") == 7, "session settings restored on reconnect");

	T(db_begin(d) == DB_OK, "begin before a lost connection");
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "lost in tx") == 1, "insert in tx");
	kill_session(d, other, a);
	T(db_exec(d, "INSERT INTO t (v) VALUES (?)", "s", "lost in tx 2") == DB_EUNAVAIL,
	  "statement in a lost tx: DB_EUNAVAIL");
	T(!db_in_tx(d), "lost tx clears the flag");
	db_rollback(d);
	T(count(d, a, "SELECT COUNT(*) FROM t WHERE v LIKE 'lost in tx%'") == 0, "lost tx left nothing");

	kill_session(d, other, a);
	T(db_ping(d) == DB_OK, "ping reconnects a killed session");
	kill_session(d, other, a);
	T(db_begin(d) == DB_OK && db_commit(d) == DB_OK, "begin on a killed session reconnects");
}

int main(void)
{
	if (getenv("AMBITO_DB_SOCKET") == NULL) {
		printf("1..0 # SKIP no database\n");
		return 0;
	}
	config cfg;
	memset(&cfg, 0, sizeof(cfg));
	env_str(cfg.db_socket, "AMBITO_DB_SOCKET");
	env_str(cfg.db_user, "AMBITO_DB_USER");
	env_str(cfg.db_password, "AMBITO_DB_PASSWORD");
	env_str(cfg.db_name, "AMBITO_DB_NAME");
	cfg.statement_timeout_s = 7;

	db_free(NULL);
	db *d = db_new(&cfg), *other = db_new(&cfg);
	arena *a = arena_new();
	char err[256];

	T(db_connect(d) == DB_OK, "connect");
	if (db_connect(d) != DB_OK) {
		printf("# %u %s\n", db_errno(d), db_error(d));
		goto out;
	}
	T(db_ping(d) == DB_OK, "ping");
	T(db_run_script(d, drop_all, err, sizeof(err)) == DB_OK, "clean start");

	test_text(d, a);
	test_page_rows(d, a);
	test_keys(d, a);
	test_tx(d, a);
	test_cache(d, a);
	test_script(d, a);
	test_migrate(d, a);
	test_lost(d, other, a);

	T(db_run_script(d, drop_all, err, sizeof(err)) == DB_OK, "clean end");
out:
	arena_free(a);
	db_free(d);
	db_free(other);
	mysql_library_end();
	return check_done();
}
