/* Database access on MariaDB Connector/C: one connection per worker thread,
 * prepared statements only (cached per connection), explicit transactions, and
 * reconnection after the server went away (errors 2006/2013). Values travel as
 * text both ways; the schema's types do the checking. */
#ifndef AMBITO_DB_H
#define AMBITO_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/config.h"

typedef struct db db;
typedef struct db_res db_res;

enum {
	DB_OK = 0,
	DB_EUNAVAIL = -1,  /* server unreachable or lost: answer 503 */
	DB_EDUP = -2,      /* duplicate key (1062) */
	DB_EFK = -3,       /* foreign key violation (1451/1452) */
	DB_ECONFLICT = -4, /* deadlock or lock wait timeout (1213/1205): retry */
	DB_EERR = -5       /* anything else; logged by the db layer */
};

/* Parameter types, one letter per '?' in the SQL:
 *   's' const char * (NULL binds SQL NULL)
 *   'b' const char *, size_t (bytes with a length; NULL binds SQL NULL)
 *   'i' long long
 *   'u' unsigned long long
 *   'd' double
 * Example: db_exec(d, "UPDATE t SET a=? WHERE id=?", "si", "x", 42LL) */

db *db_new(const config *cfg);
void db_free(db *d); /* db_free(NULL) does nothing */

/* Connects if not connected. DB_OK or DB_EUNAVAIL. */
int db_connect(db *d);
/* A cheap round trip: DB_OK or DB_EUNAVAIL. */
int db_ping(db *d);

/* Runs a statement without a result set. Returns the rows matched (the
 * connection uses CLIENT_FOUND_ROWS, so an UPDATE to the same values counts) (>= 0) or a
 * DB_E* code. Outside a transaction a lost connection is retried once. */
long long db_exec(db *d, const char *sql, const char *types, ...);

/* For data-access functions returning int: returns the DB_E* code (any
 * negative value) of call from the enclosing function. */
#define DB_TRY(call)                                                                                                   \
	do {                                                                                                           \
		long long rc_ = (call);                                                                                \
		if (rc_ < 0)                                                                                           \
			return (int)rc_;                                                                               \
	} while (0)
/* Runs a query; rows and values are copied into arena a. DB_OK or DB_E*. */
int db_query(db *d, arena *a, db_res **out, const char *sql, const char *types, ...);
/* The same with the values in an array, for a statement whose parameters
 * are assembled at run time: types[i] says which member of args[i] is read
 * ('s': s; 'b': s and len; 'i': i). */
typedef struct db_arg {
	const char *s;
	size_t len;
	long long i;
} db_arg;
int db_query_args(db *d, arena *a, db_res **out, const char *sql, const char *types, const db_arg *args);
/* Last AUTO_INCREMENT id of this connection. */
unsigned long long db_last_id(db *d);

size_t db_nrows(const db_res *r);
/* Lists read one row past their page (LIMIT limit + 1) only to learn that a
 * next page exists: the rows to show, and *more when there is a next page. */
size_t db_page_rows(const db_res *r, int limit, bool *more);
size_t db_ncols(const db_res *r);
/* NULL for SQL NULL. Row and column out of range is a bug (asserted). */
const char *db_val(const db_res *r, size_t row, size_t col);
size_t db_len(const db_res *r, size_t row, size_t col);
long long db_int(const db_res *r, size_t row, size_t col); /* NULL reads 0 */
bool db_isnull(const db_res *r, size_t row, size_t col);

/* Transactions. db_begin starts one (DB_OK or DB_E*); db_commit ends it;
 * db_rollback never fails visibly. A connection handed back to the pool in a
 * transaction is rolled back (db_reset). */
int db_begin(db *d);
int db_commit(db *d);
void db_rollback(db *d);
/* Whether the transaction begun last was aborted by a deadlock or, on
 * Galera, a certification conflict (error 1213). The server rolled all of it
 * back; until db_begin, every statement and db_commit return DB_ECONFLICT
 * without running, so none of the rest commits on its own. The caller may
 * run the whole transaction again. */
bool db_tx_deadlocked(const db *d);
bool db_in_tx(const db *d);
void db_reset(db *d);

/* Runs a multi-statement SQL script (migrations only: trusted text from the
 * binary, never client input). DB_OK or DB_E*, message in err. */
int db_run_script(db *d, const char *sql, char *err, size_t errlen);

/* The MariaDB error number and message of the last failure, for logs. */
unsigned int db_errno(const db *d);
const char *db_error(const db *d);

#endif
