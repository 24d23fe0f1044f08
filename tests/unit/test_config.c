/* Unit tests for core/config.c: defaults, the "key = value" file, the
 * AMBITO_* environment overriding it, and the errors with their messages.
 * Expected values are literals (file names are spliced into the expected
 * messages because mkstemp chooses them). */
#include "base/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

/* Every AMBITO_* variable the process may carry (deploy/test exports some of
 * them, the CI may export others) is removed so defaults are what we see. */
static void clear_ambito_env(void)
{
	static const char *const known[] = {"AMBITO_CONFIG",
	                                    "AMBITO_LISTEN",
	                                    "AMBITO_DB_SOCKET",
	                                    "AMBITO_DB_HOST",
	                                    "AMBITO_DB_PORT",
	                                    "AMBITO_DB_USER",
	                                    "AMBITO_DB_PASSWORD",
	                                    "AMBITO_DB_NAME",
	                                    "AMBITO_JWT_SECRET",
	                                    "AMBITO_JWT_ISSUER",
	                                    "AMBITO_JWT_AUDIENCE",
	                                    "AMBITO_TLS_CERT",
	                                    "AMBITO_TLS_KEY",
	                                    "AMBITO_PUBLIC_URL",
	                                    "AMBITO_WORKERS",
	                                    "AMBITO_QUEUE_LEN",
	                                    "AMBITO_MAX_BODY",
	                                    "AMBITO_MAX_HEADER",
	                                    "AMBITO_READ_TIMEOUT",
	                                    "AMBITO_WRITE_TIMEOUT",
	                                    "AMBITO_KEEPALIVE_TIMEOUT",
	                                    "AMBITO_STATEMENT_TIMEOUT",
	                                    "AMBITO_KDF_CONCURRENCY",
	                                    NULL};
	for (const char *const *k = known; *k; k++)
		unsetenv(*k);
	/* And any other AMBITO_* (names collected first: unsetenv edits environ). */
	char names[64][128];
	size_t n = 0;
	for (char **e = environ; e && *e && n < 64; e++) {
		const char *eq = strchr(*e, '=');
		if (strncmp(*e, "AMBITO_", 7) == 0 && eq && (size_t)(eq - *e) < sizeof(names[0])) {
			memcpy(names[n], *e, (size_t)(eq - *e));
			names[n][eq - *e] = '\0';
			n++;
		}
	}
	for (size_t i = 0; i < n; i++)
		unsetenv(names[i]);
}

static char *write_temp(const char *content)
{
	static char paths[32][64];
	static size_t used;
	if (used == 32)
		abort();
	char *path = paths[used++];
	snprintf(path, 64, "/tmp/ambito-test-config-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	size_t len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len) {
		perror("write");
		abort();
	}
	close(fd);
	return path;
}

/* The expected "<path><rest>" message. */
static const char *at(const char *path, const char *rest)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), "%s%s", path, rest);
	return buf;
}

static void test_defaults(void)
{
	config c;
	char err[256] = "";
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "defaults: config_load succeeds");
	CHECK_STR(c.listen_host, "127.0.0.1", "default listen host");
	CHECK(c.listen_port == 8080, "default listen port 8080");
	CHECK(c.max_body == 8388608, "default max_body 8 MiB");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long want = cpus * 2 < 4 ? 4 : cpus * 2 > 64 ? 64 : cpus * 2;
	CHECK(c.workers == want, "default workers: 2 a CPU online, 4 to 64");
	CHECK(c.queue_len == 1024, "default queue_len 1024");
	CHECK(c.max_header == 32768, "default max_header 32 KiB");
	CHECK_STR(c.db_socket, "", "default db_socket empty");
	CHECK_STR(c.db_host, "127.0.0.1", "default db_host");
	CHECK(c.db_port == 3306, "default db_port 3306");
	CHECK_STR(c.db_user, "ambito", "default db_user");
	CHECK_STR(c.db_password, "", "default db_password empty");
	CHECK_STR(c.db_name, "ambito", "default db_name");
	CHECK_STR(c.jwt_secret, "", "default jwt_secret empty");
	CHECK_STR(c.jwt_issuer, "ambito", "default jwt_issuer");
	CHECK_STR(c.jwt_audience, "ambito-api", "default jwt_audience");
	CHECK_STR(c.tls_cert, "", "default tls_cert empty");
	CHECK(c.read_timeout_s == 30, "default read_timeout 30");
	CHECK(c.write_timeout_s == 60, "default write_timeout 60");
	CHECK(c.keepalive_timeout_s == 60, "default keepalive_timeout 60");
	CHECK(c.statement_timeout_s == 30, "default statement_timeout 30");
	CHECK(c.kdf_concurrency == 2, "default kdf_concurrency 2");

	setenv("AMBITO_CONFIG", "", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "empty AMBITO_CONFIG is ignored");
	CHECK(c.listen_port == 8080, "empty AMBITO_CONFIG: default port");
	unsetenv("AMBITO_CONFIG");
}

static const char sample[] = "# ambito configuration\n"
                             "\n"
                             "   \n"
                             "listen = 0.0.0.0:9090\n"
                             "  db_socket=/run/mysqld/mysqld.sock\n"
                             "db_user   =   servizi   \n"
                             "\t# an indented comment\n"
                             "workers\t=\t4\n"
                             "max_body = 1048576\r\n"
                             "jwt_secret = c2VjcmV0=padded==\n"
                             "db_password = \n"
                             "statement_timeout = 0\n";

static void test_file(void)
{
	char *path = write_temp(sample);
	config c;
	char err[256] = "";
	int rc = config_load(&c, path, err, sizeof(err));
	CHECK(rc == 0, "config file: config_load succeeds");
	if (rc != 0)
		printf("#   err: %s\n", err);
	CHECK_STR(c.listen_host, "0.0.0.0", "file: listen host");
	CHECK(c.listen_port == 9090, "file: listen port");
	CHECK_STR(c.db_socket, "/run/mysqld/mysqld.sock", "file: leading spaces, no spaces around '='");
	CHECK_STR(c.db_user, "servizi", "file: spaces around '=' and trailing spaces trimmed");
	CHECK(c.workers == 4, "file: tabs around '='");
	CHECK(c.max_body == 1048576, "file: CRLF line end");
	CHECK_STR(c.jwt_secret, "c2VjcmV0=padded==", "file: '=' inside a value is kept");
	CHECK_STR(c.db_password, "", "file: empty string value");
	CHECK(c.statement_timeout_s == 0, "file: statement_timeout 0 is allowed");
	CHECK_STR(c.db_host, "127.0.0.1", "file: keys not in the file keep defaults");
	CHECK(c.queue_len == 1024, "file: queue_len keeps its default");

	/* The same file named by AMBITO_CONFIG. */
	setenv("AMBITO_CONFIG", path, 1);
	rc = config_load(&c, NULL, err, sizeof(err));
	CHECK(rc == 0, "AMBITO_CONFIG: config_load succeeds");
	CHECK(c.listen_port == 9090, "AMBITO_CONFIG: the file is read");
	CHECK(c.workers == 4, "AMBITO_CONFIG: workers from the file");

	/* An explicit path wins over AMBITO_CONFIG. */
	char *other = write_temp("workers = 7\n");
	rc = config_load(&c, other, err, sizeof(err));
	CHECK(rc == 0, "explicit path: config_load succeeds");
	CHECK(c.workers == 7, "explicit path wins over AMBITO_CONFIG");
	CHECK(c.listen_port == 8080, "explicit path: AMBITO_CONFIG's file is not read");
	unsetenv("AMBITO_CONFIG");

	/* The environment overrides the file. */
	setenv("AMBITO_LISTEN", "10.1.2.3:7000", 1);
	setenv("AMBITO_DB_SOCKET", "/tmp/other.sock", 1);
	setenv("AMBITO_DB_USER", "envuser", 1);
	setenv("AMBITO_DB_PASSWORD", "s3greto", 1);
	setenv("AMBITO_DB_NAME", "ambito_test", 1);
	setenv("AMBITO_WORKERS", "8", 1);
	setenv("AMBITO_MAX_BODY", "2048", 1);
	rc = config_load(&c, path, err, sizeof(err));
	CHECK(rc == 0, "env override: config_load succeeds");
	CHECK_STR(c.listen_host, "10.1.2.3", "AMBITO_LISTEN overrides the file's host");
	CHECK(c.listen_port == 7000, "AMBITO_LISTEN overrides the file's port");
	CHECK_STR(c.db_socket, "/tmp/other.sock", "AMBITO_DB_SOCKET overrides the file");
	CHECK_STR(c.db_user, "envuser", "AMBITO_DB_USER overrides the file");
	CHECK_STR(c.db_password, "s3greto", "AMBITO_DB_PASSWORD overrides the file");
	CHECK_STR(c.db_name, "ambito_test", "AMBITO_DB_NAME overrides the default");
	CHECK(c.workers == 8, "AMBITO_WORKERS overrides the file");
	CHECK(c.max_body == 2048, "AMBITO_MAX_BODY overrides the file");
	CHECK_STR(c.jwt_secret, "c2VjcmV0=padded==", "keys not in the environment keep the file's value");
	unsetenv("AMBITO_LISTEN");
	unsetenv("AMBITO_DB_SOCKET");
	unsetenv("AMBITO_DB_USER");
	unsetenv("AMBITO_DB_PASSWORD");
	unsetenv("AMBITO_DB_NAME");
	unsetenv("AMBITO_WORKERS");
	unsetenv("AMBITO_MAX_BODY");

	unlink(path);
	unlink(other);
}

static void test_listen_forms(void)
{
	config c;
	char err[256] = "";
	char *path = write_temp("listen = [::1]:9000\n");
	CHECK(config_load(&c, path, err, sizeof(err)) == 0, "[::1]:9000 in a file: succeeds");
	CHECK_STR(c.listen_host, "::1", "[::1]:9000: host ::1");
	CHECK(c.listen_port == 9000, "[::1]:9000: port 9000");
	unlink(path);

	setenv("AMBITO_LISTEN", "[::]:8443", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "AMBITO_LISTEN=[::]:8443 succeeds");
	CHECK_STR(c.listen_host, "::", "[::]:8443: host ::");
	CHECK(c.listen_port == 8443, "[::]:8443: port 8443");

	setenv("AMBITO_LISTEN", "127.0.0.1:0", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "AMBITO_LISTEN=127.0.0.1:0 is accepted");
	CHECK_STR(c.listen_host, "127.0.0.1", "127.0.0.1:0: host");
	CHECK(c.listen_port == 0, "127.0.0.1:0: port 0");

	setenv("AMBITO_LISTEN", "localhost:65535", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "AMBITO_LISTEN=localhost:65535 is accepted");
	CHECK_STR(c.listen_host, "localhost", "localhost:65535: host");
	CHECK(c.listen_port == 65535, "localhost:65535: port 65535");

	setenv("AMBITO_LISTEN", "127.0.0.1:65536", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1, "AMBITO_LISTEN port 65536 is refused");
	CHECK_STR(err, "AMBITO_LISTEN: la porta di listen deve essere tra 0 e 65535", "env error names the variable");

	setenv("AMBITO_LISTEN", "127.0.0.1", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1, "AMBITO_LISTEN without a port is refused");
	CHECK_STR(err, "AMBITO_LISTEN: listen deve essere host:porta", "env listen without port message");
	unsetenv("AMBITO_LISTEN");
}

/* Loads a one-off file that must fail; checks the message "<path><rest>". */
static void expect_file_error(const char *content, const char *rest, const char *name)
{
	char *path = write_temp(content);
	config c;
	char err[256] = "";
	CHECK(config_load(&c, path, err, sizeof(err)) == -1, "%s: config_load fails", name);
	CHECK_STR(err, at(path, rest), name);
	unlink(path);
}

static void test_errors(void)
{
	expect_file_error("listen = 127.0.0.1:8080\n# fine\nwokers = 4\n", ":3: chiave sconosciuta wokers",
	                  "unknown key names the key and file:line");
	expect_file_error("listen = 127.0.0.1:http\n", ":1: la porta di listen deve essere tra 0 e 65535", "non-number port");
	expect_file_error("listen = 127.0.0.1:70000\n", ":1: la porta di listen deve essere tra 0 e 65535", "port 70000");
	expect_file_error("listen = 127.0.0.1:-1\n", ":1: la porta di listen deve essere tra 0 e 65535", "port -1");
	expect_file_error("listen = 127.0.0.1:\n", ":1: la porta di listen deve essere tra 0 e 65535", "empty port");
	expect_file_error("listen = 127.0.0.1\n", ":1: listen deve essere host:porta", "listen without a port");
	expect_file_error("listen = :8080\n", ":1: listen deve essere host:porta", "listen without a host");
	expect_file_error("\nworkers 4\n", ":2: atteso chiave = valore", "a line without '='");
	expect_file_error("workers = four\n", ":1: workers deve essere un numero intero da 1 a 256", "non-number workers");
	expect_file_error("workers = 0\n", ":1: workers deve essere un numero intero da 1 a 256", "workers 0");
	expect_file_error("workers = 257\n", ":1: workers deve essere un numero intero da 1 a 256", "workers 257");
	expect_file_error("workers = 4x\n", ":1: workers deve essere un numero intero da 1 a 256",
	                  "trailing garbage after a number");
	expect_file_error("workers =\n", ":1: workers deve essere un numero intero da 1 a 256", "empty number");
	expect_file_error("db_port = 99999999999999999999\n", ":1: db_port deve essere un numero intero da 1 a 65535",
	                  "number overflowing long");
	expect_file_error("max_body = 1023\n", ":1: max_body deve essere un numero intero da 1024 a 268435456",
	                  "max_body below its minimum");
	expect_file_error("= 4\n", ":1: chiave sconosciuta ", "empty key");

	char long_value[700];
	memset(long_value, 0, sizeof(long_value));
	snprintf(long_value, sizeof(long_value), "jwt_secret = ");
	memset(long_value + strlen(long_value), 'k', 520);
	strcat(long_value, "\n");
	expect_file_error(long_value, ":1: jwt_secret è troppo lungo", "a string value of 520 characters");

	/* Unreadable files. */
	config c;
	char err[256] = "";
	CHECK(config_load(&c, "/nonexistent/ambito/ambito.conf", err, sizeof(err)) == -1, "a missing file fails");
	CHECK_STR(err, "impossibile leggere /nonexistent/ambito/ambito.conf: No such file or directory",
	          "a missing file: message");
	setenv("AMBITO_CONFIG", "/nonexistent/ambito/ambito.conf", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1, "a missing AMBITO_CONFIG file fails");
	unsetenv("AMBITO_CONFIG");

	char dir[] = "/tmp/ambito-test-configdir-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	err[0] = '\0';
	CHECK(config_load(&c, dir, err, sizeof(err)) == -1, "a directory as the config file fails");
	char want[256];
	snprintf(want, sizeof(want), "impossibile leggere %s: Is a directory", dir);
	CHECK_STR(err, want, "a directory: message");
	rmdir(dir);

	/* Environment errors name the variable. */
	setenv("AMBITO_WORKERS", "many", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1, "AMBITO_WORKERS=many fails");
	CHECK_STR(err, "AMBITO_WORKERS: workers deve essere un numero intero da 1 a 256", "AMBITO_WORKERS message");
	unsetenv("AMBITO_WORKERS");
	setenv("AMBITO_DB_PORT", "", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1, "empty AMBITO_DB_PORT fails");
	unsetenv("AMBITO_DB_PORT");
}

/* A comment line longer than fgets' buffer must stay a comment, and a line
 * number after it must stay right. */
static void test_long_lines(void)
{
	static char content[2048];
	size_t n = 0;
	content[n++] = '#';
	memset(content + n, 'c', 900);
	n += 900;
	content[n] = '\0';
	strcat(content, "\nworkers = 3\n");
	char *path = write_temp(content);
	config c;
	char err[256] = "";
	int rc = config_load(&c, path, err, sizeof(err));
	CHECK(rc == 0, "a 901-character comment line is skipped");
	if (rc != 0)
		printf("#   err: %s\n", err);
	CHECK(c.workers == 3, "the line after a long comment is read");
	unlink(path);

	strcat(content, "bogus = 1\n");
	expect_file_error(content, ":3: chiave sconosciuta bogus", "line numbers count a long line once");

	/* The tail of a long comment is not read as a setting. */
	static char tail[2048];
	tail[0] = '#';
	memset(tail + 1, 'c', 638);
	tail[639] = '\0';
	strcat(tail, "listen = 0.0.0.0:80\n");
	path = write_temp(tail);
	rc = config_load(&c, path, err, sizeof(err));
	CHECK(rc == 0, "a comment with a setting in its tail loads");
	CHECK_STR(c.listen_host, "127.0.0.1", "the tail of a long comment does not set listen host");
	CHECK(c.listen_port == 8080, "the tail of a long comment does not set listen port");
	unlink(path);

	/* A key line longer than the buffer is an error, not two lines. */
	static char longkey[2048];
	snprintf(longkey, sizeof(longkey), "public_url = https://");
	memset(longkey + strlen(longkey), 'u', 900);
	strcat(longkey, " = x\n");
	expect_file_error(longkey, ":1: la riga è troppo lunga", "an overlong key line");
}

/* The limits of what clients may hold: connections (sized from the
 * descriptor limit unless set), request memory, the hashing queue. */
static void test_resource_limits(void)
{
	config c;
	char err[256] = "";
	struct rlimit rl, low = {.rlim_cur = 200};
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit");
	low.rlim_max = rl.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0, "a soft limit of 200 descriptors");
	setenv("AMBITO_WORKERS", "8", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "loads: %s", err);
	CHECK(c.max_connections == 200 - 8 - 32, "default max_connections: 200 less 8 workers less 32 (%d)",
	      c.max_connections);
	CHECK(c.max_request_memory == 256UL * 1024 * 1024, "default max_request_memory 256 MiB");
	CHECK(c.kdf_queue == 2, "default kdf_queue 2");
	low.rlim_cur = 40;
	setrlimit(RLIMIT_NOFILE, &low);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0 && c.max_connections == 16,
	      "never under 16 connections (%d)", c.max_connections);
	setrlimit(RLIMIT_NOFILE, &rl);
	setenv("AMBITO_MAX_CONNECTIONS", "7", 1);
	setenv("AMBITO_MAX_REQUEST_MEMORY", "2097152", 1);
	setenv("AMBITO_KDF_QUEUE", "0", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == 0, "loads: %s", err);
	CHECK(c.max_connections == 7, "AMBITO_MAX_CONNECTIONS");
	CHECK(c.max_request_memory == 2097152, "AMBITO_MAX_REQUEST_MEMORY");
	CHECK(c.kdf_queue == 0, "AMBITO_KDF_QUEUE 0");
	setenv("AMBITO_MAX_REQUEST_MEMORY", "1000", 1);
	CHECK(config_load(&c, NULL, err, sizeof(err)) == -1 && strstr(err, "max_request_memory") != NULL,
	      "max_request_memory under 1 MiB is refused: %s", err);
	unsetenv("AMBITO_WORKERS");
	unsetenv("AMBITO_MAX_CONNECTIONS");
	unsetenv("AMBITO_MAX_REQUEST_MEMORY");
	unsetenv("AMBITO_KDF_QUEUE");
}

int main(void)
{
	clear_ambito_env();
	test_defaults();
	test_file();
	test_listen_forms();
	test_errors();
	test_long_lines();
	test_resource_limits();
	clear_ambito_env();
	return check_done();
}
