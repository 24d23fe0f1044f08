/* MariaDB access for one worker: a connection, its cache of prepared
 * statements, the transaction flag, and reconnection after the server went
 * away. Every value crosses the wire as a bound parameter, never as SQL text. */
#include "db/db.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "base/log.h"

/* Statements kept prepared per connection. The table has twice as many slots
 * so that linear probing stays short. */
#define STMT_MAX 256
#define STMT_SLOTS 512

#define SQL_MODE                                                                                                       \
	"STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"                                                              \
	"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

struct stmt_slot {
	char *sql; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
	MYSQL_STMT *st;
	uint64_t used; /* tick of the last use, to find the oldest */
};

/* A value of a result, 16 bytes. Integer columns come off the wire as
 * integers and stay so: db_int reads them without parsing; db_val and db_len
 * write their text once, into the result's arena, and the cell turns text. */
enum cell_kind { CELL_NULL, CELL_TEXT, CELL_INT, CELL_UINT };

struct cell {
	union {
		const char *p; /* CELL_TEXT */
		long long i;   /* CELL_INT; CELL_UINT keeps the unsigned bits */
	} v;
	uint32_t len; /* of the text; a value is at most max_allowed_packet */
	uint8_t kind;
};

_Static_assert(sizeof(struct cell) == 16, "a cell is 16 bytes: results of thousands of rows");

struct db_res {
	size_t nrows, ncols;
	struct cell *cells;
	arena *a; /* where an integer's text is written when asked for */
};

struct db {
	/* A copy of the connection settings: the caller's config may not
	 * outlive the pool. */
	char socket[CONFIG_STR_MAX], host[CONFIG_STR_MAX];
	char user[CONFIG_STR_MAX], password[CONFIG_STR_MAX], name[CONFIG_STR_MAX];
	int port;
	int statement_timeout_s;

	MYSQL *conn; /* NULL while disconnected */
	bool in_tx;
	/* The open transaction met a deadlock or a Galera certification
	 * conflict (1213): the server rolled all of it back, so nothing more
	 * may run in it, the commit included (db_tx_deadlocked). */
	bool tx_deadlocked;
	bool down; /* the last connect failed: log only the first failure */
	unsigned long long last_id;

	struct stmt_slot slots[STMT_SLOTS];
	size_t nstmt;
	uint64_t tick;

	unsigned int err_no;
	char err_msg[512];
};

/* One bound parameter's storage; MYSQL_BIND only points at it. */
struct param {
	union {
		long long i;
		unsigned long long u;
		double f;
	} v;
	unsigned long len;
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_rc;
static _Thread_local bool thread_ready;

static void lib_init(void)
{
	lib_rc = mysql_library_init(0, NULL, NULL);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL) {
		/* Same policy as the arena: no partial recovery from OOM. */
		log_msg(LOG_ERROR, "db: out of memory");
		abort();
	}
	return p;
}

static void copy_str(char *dst, const char *src)
{
	snprintf(dst, CONFIG_STR_MAX, "%s", src);
}

/* Some server messages quote the offending value ("Duplicate entry 'x' for
 * key", "Incorrect integer value: 'x' for column"): blank it, since the
 * message ends up in logs and values may be personal data. */
static void redact(char *msg)
{
	static const char *const marks[] = {"entry '", "value: '"};
	for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
		char *p = strstr(msg, marks[k]);
		if (p == NULL)
			continue;
		char *start = p + strlen(marks[k]);
		/* Values are not escaped in the message: the value ends at
		 * the quote before " for ", else at the last quote. */
		char *end = strstr(start, "' for ");
		if (end == NULL)
			end = strrchr(start, '\'');
		if (end == NULL)
			end = start + strlen(start);
		memmove(start + 1, end, strlen(end) + 1);
		*start = '?';
	}
}

static void set_err(db *d, unsigned int no, const char *msg)
{
	if (no == ER_LOCK_DEADLOCK && d->in_tx)
		d->tx_deadlocked = true;
	d->err_no = no;
	snprintf(d->err_msg, sizeof(d->err_msg), "%s", msg ? msg : "");
	redact(d->err_msg);
}

/* Errors after which the connection cannot be used again. 1053 and 1927 are
 * what a server being shut down, or a KILL, sends before closing. */
static bool conn_lost(unsigned int no)
{
	switch (no) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED: return true;
	default: return false;
	}
}

static int code_of(unsigned int no)
{
	if (conn_lost(no))
		return DB_EUNAVAIL;
	switch (no) {
	case ER_DUP_ENTRY: return DB_EDUP;
	case ER_ROW_IS_REFERENCED_2:
	case ER_NO_REFERENCED_ROW_2: return DB_EFK;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT: return DB_ECONFLICT;
	default: return DB_EERR;
	}
}

static bool need_reprepare(unsigned int no)
{
	return no == ER_NEED_REPREPARE || no == ER_UNKNOWN_STMT_HANDLER;
}

/* Logs a failure that the caller cannot act on. Only the SQL text (part of
 * the binary) goes in the log, never the bound values. */
static void log_failure(const db *d, const char *what)
{
	log_msg(LOG_ERROR, "db: %.200s failed: errno %u: %s", what, d->err_no, d->err_msg);
}

/* ---- statement cache ---- */

static uint64_t hash_sql(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t cache_find(const db *d, const char *sql, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (STMT_SLOTS - 1);
	while (d->slots[i].sql != NULL) {
		const struct stmt_slot *s = &d->slots[i];
		if (s->hash == h && s->len == len && memcmp(s->sql, sql, len) == 0)
			return i;
		i = (i + 1) & (STMT_SLOTS - 1);
	}
	return SIZE_MAX;
}

/* Empties slot i and shifts later entries of the same probe run back, so
 * lookups never need tombstones. */
static void cache_remove_at(db *d, size_t i)
{
	struct stmt_slot *s = d->slots;
	if (s[i].st != NULL)
		mysql_stmt_close(s[i].st);
	free(s[i].sql);
	d->nstmt--;
	size_t j = i;
	for (;;) {
		j = (j + 1) & (STMT_SLOTS - 1);
		if (s[j].sql == NULL)
			break;
		size_t k = (size_t)s[j].hash & (STMT_SLOTS - 1);
		/* Entry j stays if its home k lies cyclically in (i, j]. */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stays)
			continue;
		s[i] = s[j];
		i = j;
	}
	memset(&s[i], 0, sizeof(s[i]));
}

static void cache_evict_oldest(db *d)
{
	size_t oldest = SIZE_MAX;
	for (size_t i = 0; i < STMT_SLOTS; i++)
		if (d->slots[i].sql != NULL && (oldest == SIZE_MAX || d->slots[i].used < d->slots[oldest].used))
			oldest = i;
	if (oldest != SIZE_MAX)
		cache_remove_at(d, oldest);
}

static void cache_drop(db *d, const char *sql)
{
	size_t len = strlen(sql);
	size_t i = cache_find(d, sql, len, hash_sql(sql, len));
	if (i != SIZE_MAX)
		cache_remove_at(d, i);
}

/* Closes every cached statement. After mysql_close() the handles are already
 * detached from the connection, so this only frees memory. */
static void cache_clear(db *d)
{
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		if (d->slots[i].sql == NULL)
			continue;
		if (d->slots[i].st != NULL)
			mysql_stmt_close(d->slots[i].st);
		free(d->slots[i].sql);
		memset(&d->slots[i], 0, sizeof(d->slots[i]));
	}
	d->nstmt = 0;
}

/* Closes the connection and forgets everything tied to it; the next call
 * reconnects. Any open transaction is gone with it. */
static void mark_dead(db *d)
{
	if (d->conn != NULL) {
		mysql_close(d->conn);
		d->conn = NULL;
	}
	cache_clear(d);
	d->in_tx = false;
}

/* Records the connection's error; drops the connection when it is lost. */
static int conn_fail(db *d)
{
	set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
	if (conn_lost(d->err_no)) {
		log_msg(LOG_WARN, "db: connection lost: errno %u: %s", d->err_no, d->err_msg);
		mark_dead(d);
	}
	return code_of(d->err_no);
}

/* Records st's error; drops the connection (and with it st) when it is
 * lost. */
static int stmt_fail(db *d, MYSQL_STMT *st)
{
	set_err(d, mysql_stmt_errno(st), mysql_stmt_error(st));
	if (conn_lost(d->err_no)) {
		log_msg(LOG_WARN, "db: connection lost: errno %u: %s", d->err_no, d->err_msg);
		mark_dead(d);
	}
	return code_of(d->err_no);
}

/* The prepared statement for sql, from the cache or prepared now. NULL on
 * failure, with the error recorded and *rc set. */
static MYSQL_STMT *stmt_get(db *d, const char *sql, int *rc)
{
	size_t len = strlen(sql);
	uint64_t h = hash_sql(sql, len);
	size_t i = cache_find(d, sql, len, h);
	if (i != SIZE_MAX) {
		d->slots[i].used = ++d->tick;
		return d->slots[i].st;
	}

	MYSQL_STMT *st = mysql_stmt_init(d->conn);
	if (st == NULL) {
		*rc = conn_fail(d);
		return NULL;
	}
	/* Lets store_result compute each column's longest value, which sizes
	 * the fetch buffers so values are never truncated. */
	my_bool on = 1;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	int failed = mysql_stmt_prepare(st, sql, (unsigned long)len);
	/* The server caps statements over all connections
	 * (max_prepared_stmt_count): give one of ours back and try again. */
	if (failed && mysql_stmt_errno(st) == ER_MAX_PREPARED_STMT_COUNT_REACHED && d->nstmt > 0) {
		cache_evict_oldest(d);
		failed = mysql_stmt_prepare(st, sql, (unsigned long)len);
	}
	if (failed) {
		/* After a lost connection st is detached: closing it only
		 * frees memory. */
		*rc = stmt_fail(d, st);
		mysql_stmt_close(st);
		return NULL;
	}

	if (d->nstmt >= STMT_MAX)
		cache_evict_oldest(d);
	i = (size_t)h & (STMT_SLOTS - 1);
	while (d->slots[i].sql != NULL)
		i = (i + 1) & (STMT_SLOTS - 1);
	d->slots[i].sql = xcalloc(len + 1, 1);
	memcpy(d->slots[i].sql, sql, len);
	d->slots[i].len = len;
	d->slots[i].hash = h;
	d->slots[i].st = st;
	d->slots[i].used = ++d->tick;
	d->nstmt++;
	return st;
}

/* ---- connection ---- */

db *db_new(const config *cfg)
{
	db *d = xcalloc(1, sizeof(*d));
	copy_str(d->socket, cfg->db_socket);
	copy_str(d->host, cfg->db_host);
	copy_str(d->user, cfg->db_user);
	copy_str(d->password, cfg->db_password);
	copy_str(d->name, cfg->db_name);
	d->port = cfg->db_port;
	d->statement_timeout_s = cfg->statement_timeout_s;
	return d;
}

void db_free(db *d)
{
	if (d == NULL)
		return;
	mark_dead(d);
	/* The password should not linger in freed memory. */
	explicit_bzero(d->password, sizeof(d->password));
	free(d);
}

int db_connect(db *d)
{
	if (d->conn != NULL)
		return DB_OK;

	pthread_once(&lib_once, lib_init);
	if (lib_rc != 0) {
		set_err(d, CR_UNKNOWN_ERROR, "mysql_library_init failed");
		log_failure(d, "mysql_library_init");
		return DB_EUNAVAIL;
	}
	if (!thread_ready) {
		mysql_thread_init();
		thread_ready = true;
	}

	MYSQL *m = mysql_init(NULL);
	if (m == NULL) {
		set_err(d, CR_UNKNOWN_ERROR, "mysql_init failed");
		log_failure(d, "mysql_init");
		return DB_EUNAVAIL;
	}
	/* Short connect timeout: a request waiting on a dead server should get
	 * its 503 fast. MYSQL_OPT_RECONNECT stays off (its default): a silent
	 * reconnect would lose the session settings and any transaction. */
	unsigned int connect_s = 2, io_s = 30;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_s);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_s);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	const char *host = NULL, *sock = NULL;
	unsigned int port = 0;
	if (d->socket[0] != '\0') {
		sock = d->socket;
	} else {
		/* Without this "localhost" would silently mean the default
		 * socket instead of the configured TCP port. */
		unsigned int tcp = MYSQL_PROTOCOL_TCP;
		mysql_options(m, MYSQL_OPT_PROTOCOL, &tcp);
		host = d->host;
		port = d->port > 0 ? (unsigned int)d->port : 0;
	}
	if (mysql_real_connect(m, host, d->user, d->password, d->name, port, sock, CLIENT_FOUND_ROWS) == NULL)
		goto fail;

	char set[512];
	int n = snprintf(set, sizeof(set), "SET SESSION time_zone='+00:00', sql_mode='" SQL_MODE "'");
	if (d->statement_timeout_s > 0)
		n += snprintf(set + n, sizeof(set) - (size_t)n, ", max_statement_time=%d", d->statement_timeout_s);
	if (mysql_real_query(m, set, (unsigned long)n))
		goto fail;
	static const char iso[] = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
	if (mysql_real_query(m, iso, sizeof(iso) - 1))
		goto fail;

	if (d->down)
		log_msg(LOG_INFO, "db: connected again");
	d->down = false;
	d->conn = m;
	d->in_tx = false;
	d->last_id = 0;
	return DB_OK;

fail:
	set_err(d, mysql_errno(m), mysql_error(m));
	/* While the server is down every request tries to connect: log the
	 * first failure only. */
	if (!d->down)
		log_msg(LOG_ERROR, "db: cannot connect: errno %u: %s", d->err_no, d->err_msg);
	d->down = true;
	mysql_close(m);
	return DB_EUNAVAIL;
}

int db_ping(db *d)
{
	if (d->conn != NULL && mysql_ping(d->conn) != 0) {
		/* Whatever the error, this connection is not worth keeping:
		 * try a fresh one below. */
		set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
		mark_dead(d);
	}
	return db_connect(d);
}

/* ---- statements ---- */

/* The values of a statement: a va_list, or an array (db_query_args). */
struct args {
	va_list *ap;
	const db_arg *arr;
};

static const char *arg_str(struct args *in, size_t i)
{
	return in->arr ? in->arr[i].s : va_arg(*in->ap, const char *);
}

static size_t arg_len(struct args *in, size_t i)
{
	return in->arr ? in->arr[i].len : va_arg(*in->ap, size_t);
}

static long long arg_int(struct args *in, size_t i)
{
	return in->arr ? in->arr[i].i : va_arg(*in->ap, long long);
}

/* Fills binds from types and in. -1 on a bad type letter (a bug). */
static int bind_params(db *d, const char *types, struct args *in, MYSQL_BIND *b, struct param *pv)
{
	for (size_t i = 0; types[i] != '\0'; i++) {
		const char *s;
		switch (types[i]) {
		case 's':
			s = arg_str(in, i);
			if (s == NULL) {
				b[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			pv[i].len = (unsigned long)strlen(s);
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)s;
			b[i].buffer_length = pv[i].len;
			b[i].length = &pv[i].len;
			break;
		case 'b':
			s = arg_str(in, i);
			pv[i].len = (unsigned long)arg_len(in, i);
			if (s == NULL) {
				b[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			/* BLOB binds a binary string: the bytes go as given.
			 * Stored in a text column they are checked against its
			 * charset; compared with one they compare bytewise. */
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)s;
			b[i].buffer_length = pv[i].len;
			b[i].length = &pv[i].len;
			break;
		case 'i':
			pv[i].v.i = arg_int(in, i);
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &pv[i].v.i;
			break;
		case 'u':
			pv[i].v.u = in->arr ? (unsigned long long)in->arr[i].i : va_arg(*in->ap, unsigned long long);
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &pv[i].v.u;
			b[i].is_unsigned = 1;
			break;
		case 'd':
			pv[i].v.f = in->arr ? (double)in->arr[i].i : va_arg(*in->ap, double);
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = &pv[i].v.f;
			break;
		default:
			set_err(d, 0, "bad parameter type letter");
			log_msg(LOG_ERROR, "db: bad parameter type '%c' at %zu", types[i], i);
			return -1;
		}
	}
	return 0;
}

/* The column types read as integers (DECIMAL is not: it keeps its text). */
static bool integer_type(enum enum_field_types t)
{
	return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_LONG ||
	       t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

/* Stores the result of the executed st and copies it into a. */
static int fetch_all(db *d, MYSQL_STMT *st, arena *a, db_res **out)
{
	int rc = DB_EERR;
	MYSQL_RES *meta = NULL;
	MYSQL_BIND *rb = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	long long *ints = NULL;
	size_t ncols = mysql_stmt_field_count(st);

	db_res *r = arena_calloc(a, 1, sizeof(*r));
	r->ncols = ncols;
	r->a = a;
	if (ncols == 0) {
		*out = r;
		return DB_OK;
	}
	if (mysql_stmt_store_result(st)) {
		rc = stmt_fail(d, st);
		goto fail;
	}
	/* Read after store_result: only then is max_length known. */
	meta = mysql_stmt_result_metadata(st);
	if (meta == NULL) {
		rc = stmt_fail(d, st);
		goto fail;
	}
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	size_t nrows = (size_t)mysql_stmt_num_rows(st);
	rb = xcalloc(ncols, sizeof(*rb));
	lens = xcalloc(ncols, sizeof(*lens));
	nulls = xcalloc(ncols, sizeof(*nulls));
	ints = xcalloc(ncols, sizeof(*ints));
	for (size_t c = 0; c < ncols; c++) {
		if (integer_type(fields[c].type)) {
			/* No text on either side: Connector/C would print it and
			 * db_int parse it back. */
			rb[c].buffer_type = MYSQL_TYPE_LONGLONG;
			rb[c].buffer = &ints[c];
			rb[c].buffer_length = sizeof(ints[c]);
			rb[c].is_unsigned = (fields[c].flags & UNSIGNED_FLAG) != 0;
		} else {
			rb[c].buffer_type = MYSQL_TYPE_STRING;
			rb[c].buffer_length = fields[c].max_length + 1;
			rb[c].buffer = xcalloc(rb[c].buffer_length, 1);
		}
		rb[c].length = &lens[c];
		rb[c].is_null = &nulls[c];
	}
	/* The metadata may point into st, which a lost connection frees. */
	mysql_free_result(meta);
	meta = NULL;
	if (mysql_stmt_bind_result(st, rb)) {
		rc = stmt_fail(d, st);
		goto fail;
	}

	r->cells = arena_calloc(a, nrows > 0 ? nrows * ncols : 1, sizeof(*r->cells));
	for (;;) {
		int f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == MYSQL_DATA_TRUNCATED) {
			/* Cannot happen with buffers of max_length + 1. */
			set_err(d, 0, "result value truncated");
			goto fail;
		}
		if (f != 0) {
			rc = stmt_fail(d, st);
			goto fail;
		}
		if (r->nrows >= nrows) {
			set_err(d, 0, "more rows than stored");
			goto fail;
		}
		struct cell *row = r->cells + r->nrows * ncols;
		for (size_t c = 0; c < ncols; c++) {
			if (nulls[c])
				continue; /* CELL_NULL, as calloc left it */
			if (rb[c].buffer_type == MYSQL_TYPE_LONGLONG) {
				row[c].v.i = ints[c];
				row[c].kind = rb[c].is_unsigned ? CELL_UINT : CELL_INT;
			} else if (lens[c] > UINT32_MAX) {
				set_err(d, 0, "result value over 4 GiB");
				goto fail;
			} else {
				row[c].v.p = arena_strndup(a, rb[c].buffer, lens[c]);
				row[c].len = (uint32_t)lens[c];
				row[c].kind = CELL_TEXT;
			}
		}
		r->nrows++;
	}
	*out = r;
	rc = DB_OK;

fail:
	if (meta != NULL)
		mysql_free_result(meta);
	if (rb != NULL)
		for (size_t c = 0; c < ncols; c++)
			if (rb[c].buffer_type != MYSQL_TYPE_LONGLONG)
				free(rb[c].buffer);
	free(rb);
	free(lens);
	free(nulls);
	free(ints);
	return rc;
}

/* One try: connect if needed, prepare (cached), bind, execute, and fetch when
 * out is given. */
static int attempt(db *d, const char *sql, MYSQL_BIND *pb, size_t np, arena *a, db_res **out, long long *affected)
{
	int rc = db_connect(d);
	if (rc != DB_OK)
		return rc;
	MYSQL_STMT *st = stmt_get(d, sql, &rc);
	if (st == NULL)
		return rc;

	if (mysql_stmt_param_count(st) != np) {
		set_err(d, 0, "parameter count differs from the type string");
		rc = DB_EERR;
		goto done;
	}
	if (np > 0 && mysql_stmt_bind_param(st, pb)) {
		rc = stmt_fail(d, st);
		goto done;
	}
	if (mysql_stmt_execute(st)) {
		rc = stmt_fail(d, st);
		goto done;
	}
	if (out != NULL) {
		rc = fetch_all(d, st, a, out);
	} else {
		/* A result nobody asked for still has to be read off the wire. */
		if (mysql_stmt_field_count(st) > 0 && mysql_stmt_store_result(st)) {
			rc = stmt_fail(d, st);
			goto done;
		}
		*affected = (long long)mysql_stmt_affected_rows(st);
		d->last_id = mysql_stmt_insert_id(st);
		rc = DB_OK;
	}

done:
	/* A lost connection took st with it; otherwise make st reusable, or
	 * drop it when the server wants it prepared again. A statement whose
	 * result was read to the end is ready for its next execution once the
	 * result is freed; only a failure may leave state on the server that
	 * needs COM_STMT_RESET, a round trip the common case does without. */
	if (d->conn != NULL) {
		mysql_stmt_free_result(st);
		if (rc != DB_OK)
			mysql_stmt_reset(st);
		if (rc != DB_OK && need_reprepare(d->err_no))
			cache_drop(d, sql);
	}
	return rc;
}

static int run(db *d, arena *a, db_res **out, long long *affected, const char *sql, const char *types, struct args in)
{
	int rc = DB_EERR;
	if (types == NULL)
		types = "";
	size_t np = strlen(types);
	MYSQL_BIND *pb = xcalloc(np, sizeof(*pb));
	struct param *pv = xcalloc(np, sizeof(*pv));
	if (bind_params(d, types, &in, pb, pv) != 0)
		goto fail;

	if (d->in_tx && d->tx_deadlocked) {
		/* The rest of a transaction the server already rolled back
		 * would run on its own, autocommitted: never half of one. */
		rc = DB_ECONFLICT;
		goto fail;
	}
	bool retried = false, reprepared = false;
	for (;;) {
		bool live = d->conn != NULL, tx = d->in_tx;
		rc = attempt(d, sql, pb, np, a, out, affected);
		/* A connection that died under an autocommit statement is
		 * worth one more try; inside a transaction the work so far
		 * is lost and the caller must start over. A failed connect
		 * (live == false) is not retried: the server is down. */
		if (rc == DB_EUNAVAIL && live && !tx && !retried) {
			retried = true;
			continue;
		}
		if (rc == DB_EERR && need_reprepare(d->err_no) && !reprepared) {
			reprepared = true;
			continue;
		}
		break;
	}
	if (rc == DB_EERR)
		log_failure(d, sql);

fail:
	free(pb);
	free(pv);
	return rc;
}

long long db_exec(db *d, const char *sql, const char *types, ...)
{
	long long affected = 0;
	va_list ap;
	va_start(ap, types);
	int rc = run(d, NULL, NULL, &affected, sql, types, (struct args){&ap, NULL});
	va_end(ap);
	return rc == DB_OK ? affected : rc;
}

int db_query(db *d, arena *a, db_res **out, const char *sql, const char *types, ...)
{
	assert(a != NULL && out != NULL);
	*out = NULL;
	va_list ap;
	va_start(ap, types);
	int rc = run(d, a, out, NULL, sql, types, (struct args){&ap, NULL});
	va_end(ap);
	return rc;
}

int db_query_args(db *d, arena *a, db_res **out, const char *sql, const char *types, const db_arg *args)
{
	assert(a != NULL && out != NULL);
	*out = NULL;
	return run(d, a, out, NULL, sql, types, (struct args){NULL, args});
}

unsigned long long db_last_id(db *d)
{
	return d->last_id;
}

/* ---- results ---- */

size_t db_nrows(const db_res *r)
{
	return r->nrows;
}

size_t db_page_rows(const db_res *r, int limit, bool *more)
{
	assert(limit > 0);
	*more = r->nrows > (size_t)limit;
	return *more ? (size_t)limit : r->nrows;
}

size_t db_ncols(const db_res *r)
{
	return r->ncols;
}

static struct cell *cell_at(const db_res *r, size_t row, size_t col)
{
	assert(row < r->nrows && col < r->ncols);
	return &r->cells[row * r->ncols + col];
}

/* The cell with its text, written now for an integer nobody asked the text
 * of yet (the cells are the request's own, in its arena: not shared). */
static const struct cell *cell_text(const db_res *r, size_t row, size_t col)
{
	struct cell *c = cell_at(r, row, col);
	if (c->kind == CELL_INT || c->kind == CELL_UINT) {
		char buf[24], *e = buf + sizeof(buf), *q = e;
		bool neg = c->kind == CELL_INT && c->v.i < 0;
		unsigned long long u = neg ? 0ULL - (unsigned long long)c->v.i : (unsigned long long)c->v.i;
		do
			*--q = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (neg)
			*--q = '-';
		c->len = (uint32_t)(e - q);
		c->v.p = arena_strndup(r->a, q, c->len);
		c->kind = CELL_TEXT;
	}
	return c;
}

const char *db_val(const db_res *r, size_t row, size_t col)
{
	const struct cell *c = cell_text(r, row, col);
	return c->kind == CELL_NULL ? NULL : c->v.p;
}

size_t db_len(const db_res *r, size_t row, size_t col)
{
	return cell_text(r, row, col)->len;
}

long long db_int(const db_res *r, size_t row, size_t col)
{
	const struct cell *c = cell_at(r, row, col);
	switch (c->kind) {
	case CELL_INT: return c->v.i;
	case CELL_UINT: /* saturated, as strtoll reads the text */
		return (unsigned long long)c->v.i > (unsigned long long)LLONG_MAX ? LLONG_MAX : c->v.i;
	case CELL_TEXT: return strtoll(c->v.p, NULL, 10);
	default: return 0;
	}
}

bool db_isnull(const db_res *r, size_t row, size_t col)
{
	return cell_at(r, row, col)->kind == CELL_NULL;
}

/* ---- transactions ---- */

/* Runs a fixed statement with the text protocol. */
static int simple(db *d, const char *sql)
{
	int rc = db_connect(d);
	if (rc != DB_OK)
		return rc;
	if (mysql_real_query(d->conn, sql, (unsigned long)strlen(sql)) == 0)
		return DB_OK;
	return conn_fail(d);
}

int db_begin(db *d)
{
	if (d->in_tx) {
		set_err(d, 0, "transaction already open");
		log_failure(d, "START TRANSACTION");
		return DB_EERR;
	}
	bool live = d->conn != NULL;
	d->tx_deadlocked = false;
	int rc = simple(d, "START TRANSACTION");
	/* Nothing was in flight yet, so a stale connection is simply
	 * replaced. */
	if (rc == DB_EUNAVAIL && live)
		rc = simple(d, "START TRANSACTION");
	if (rc == DB_OK)
		d->in_tx = true;
	else if (rc == DB_EERR)
		log_failure(d, "START TRANSACTION");
	return rc;
}

int db_commit(db *d)
{
	if (!d->in_tx) {
		set_err(d, 0, "no transaction to commit");
		log_failure(d, "COMMIT");
		return DB_EERR;
	}
	if (d->tx_deadlocked) {
		/* COMMIT would succeed, committing nothing. */
		db_rollback(d);
		return DB_ECONFLICT;
	}
	int rc = simple(d, "COMMIT");
	if (rc != DB_OK && d->conn != NULL) {
		/* Do not leave the session with a half-open transaction. */
		unsigned int no = d->err_no;
		char msg[sizeof(d->err_msg)];
		memcpy(msg, d->err_msg, sizeof(msg));
		if (mysql_real_query(d->conn, "ROLLBACK", 8) != 0)
			mark_dead(d);
		set_err(d, no, msg);
	}
	if (rc == DB_EERR)
		log_failure(d, "COMMIT");
	d->in_tx = false;
	return rc;
}

void db_rollback(db *d)
{
	if (!d->in_tx)
		return;
	d->in_tx = false;
	if (d->conn == NULL)
		return;
	/* The error that led here stays the one reported by db_error. A
	 * failed ROLLBACK leaves the session in an unknown state: drop it. */
	if (mysql_real_query(d->conn, "ROLLBACK", 8) != 0) {
		log_msg(LOG_WARN, "db: ROLLBACK failed: errno %u: %s", mysql_errno(d->conn), mysql_error(d->conn));
		mark_dead(d);
	}
}

bool db_tx_deadlocked(const db *d)
{
	return d->tx_deadlocked;
}

bool db_in_tx(const db *d)
{
	return d->in_tx;
}

void db_reset(db *d)
{
	if (d->in_tx)
		db_rollback(d);
}

/* ---- scripts ---- */

/* Runs a fixed session statement around a script; a failure leaves a
 * session we do not want to reuse. */
static int session_set(db *d, const char *sql)
{
	if (mysql_real_query(d->conn, sql, (unsigned long)strlen(sql)) == 0)
		return DB_OK;
	int rc = conn_fail(d);
	mark_dead(d);
	return rc;
}

int db_run_script(db *d, const char *sql, char *err, size_t errlen)
{
	char restore[64];
	snprintf(restore, sizeof(restore), "SET SESSION max_statement_time=%d",
	         d->statement_timeout_s > 0 ? d->statement_timeout_s : 0);
	int rc = db_connect(d);
	if (rc != DB_OK)
		goto fail;
	MYSQL *m = d->conn;
	/* Migrations may run longer than a request's statement limit. */
	if (d->statement_timeout_s > 0 && (rc = session_set(d, "SET SESSION max_statement_time=0")) != DB_OK)
		goto fail;
	if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
		rc = conn_fail(d);
		mark_dead(d); /* its statement limit is still off */
		goto fail;
	}

	if (mysql_real_query(m, sql, (unsigned long)strlen(sql)) != 0) {
		rc = conn_fail(d);
	} else {
		/* Every result must be consumed before the connection can be
		 * used again; the server stops at the first failing
		 * statement. */
		for (;;) {
			MYSQL_RES *res = mysql_store_result(m);
			if (res != NULL) {
				mysql_free_result(res);
			} else if (mysql_field_count(m) != 0) {
				rc = conn_fail(d);
				break;
			}
			int next = mysql_next_result(m);
			if (next < 0)
				break;
			if (next > 0) {
				rc = conn_fail(d);
				break;
			}
		}
	}
	if (d->conn == NULL)
		goto fail;

	/* Put the session back even after a failed script, keeping the
	 * script's error as the one reported. */
	unsigned int no = d->err_no;
	char msg[sizeof(d->err_msg)];
	memcpy(msg, d->err_msg, sizeof(msg));
	int rc2 = DB_OK;
	if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0) {
		rc2 = conn_fail(d);
		mark_dead(d);
	}
	if (rc2 == DB_OK && d->statement_timeout_s > 0)
		rc2 = session_set(d, restore);
	if (rc != DB_OK)
		set_err(d, no, msg);
	else
		rc = rc2;

fail:
	if (rc != DB_OK) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "errore %u: %s", d->err_no, d->err_msg);
		if (rc == DB_EERR)
			log_failure(d, "migration script");
	} else if (err != NULL && errlen > 0) {
		err[0] = '\0';
	}
	return rc;
}

unsigned int db_errno(const db *d)
{
	return d->err_no;
}

const char *db_error(const db *d)
{
	return d->err_msg;
}
