/* The route table refuses, at registration, a route that would escape tenant
 * scoping or that the OpenAPI document could not describe; each bad table is
 * registered in a child process, which must abort with a message naming the
 * route. A good table registers and remembers the file that registered it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "http/router.h"

#define MESSAGE_MAX 1024

static void handler(http_req *r)
{
	(void)r;
}

/* Registers rt in a child; true when the child aborted. Its stderr is kept in
 * msg. */
static bool refused(const route *rt, char *msg, size_t size)
{
	int fd[2];
	msg[0] = '\0';
	if (pipe(fd) != 0)
		return false;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit none = {0, 0}; /* an expected abort leaves no core file */
		setrlimit(RLIMIT_CORE, &none);
		dup2(fd[1], 2);
		close(fd[0]);
		router_add(rt, 1);
		_exit(0);
	}
	close(fd[1]);
	size_t len = 0;
	ssize_t n;
	while (len + 1 < size && (n = read(fd[0], msg + len, size - 1 - len)) > 0)
		len += (size_t)n;
	while (len > 0 && msg[len - 1] == '\n')
		len--;
	msg[len] = '\0';
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

int main(void)
{
	char msg[MESSAGE_MAX];
	static const route no_flag[] = {{HTTP_GET, "/api/v1/tenants/{tenant}/things", handler, 0, "x", NULL, NULL}};
	CHECK(refused(no_flag, msg, sizeof(msg)), "{tenant} without ROUTE_TENANT is refused");
	CHECK(strstr(msg, "GET /api/v1/tenants/{tenant}/things") != NULL, "the message names the route: %s", msg);
	CHECK(strstr(msg, "tests/unit/test_router.c") != NULL, "the message names the file from the project root");
	CHECK(strstr(msg, "ROUTE_TENANT") != NULL, "the message says what is missing");

	static const route public_only[] = {
	    {HTTP_GET, "/public/{tenant}/things", handler, ROUTE_PUBLIC, "x", NULL, NULL}};
	CHECK(refused(public_only, msg, sizeof(msg)), "a public {tenant} route must say it is unscoped");
	static const route unscoped_private[] = {
	    {HTTP_GET, "/api/v1/x/{tenant}", handler, ROUTE_UNSCOPED, "x", NULL, NULL}};
	CHECK(refused(unscoped_private, msg, sizeof(msg)), "ROUTE_UNSCOPED without ROUTE_PUBLIC is refused");
	static const route tenant_flag_only[] = {{HTTP_GET, "/api/v1/things", handler, ROUTE_TENANT, "x", NULL, NULL}};
	CHECK(refused(tenant_flag_only, msg, sizeof(msg)), "ROUTE_TENANT without {tenant} is refused");
	static const route unknown_param[] = {{HTTP_GET, "/api/v1/things/{thing}", handler, 0, "x", NULL, NULL}};
	CHECK(refused(unknown_param, msg, sizeof(msg)), "an undescribed path parameter is refused");
	static const route twice[] = {
	    {HTTP_GET, "/api/v1/things", handler, 0, "x", NULL, NULL, {P_LIMIT, P_CURSOR, P_LIMIT}}};
	CHECK(refused(twice, msg, sizeof(msg)), "a parameter declared twice is refused");
	static const route stray_path[] = {
	    {HTTP_GET, "/api/v1/things", handler, 0, "x", NULL, NULL, {{"id", PARAM_PATH, true, "{}", "x"}}}};
	CHECK(refused(stray_path, msg, sizeof(msg)), "a path parameter not in the pattern is refused");

	static const route good[] = {
	    {HTTP_GET,
	     "/api/v1/tenants/{tenant}/things/{id}",
	     handler,
	     ROUTE_TENANT,
	     "x",
	     NULL,
	     NULL,
	     {P_LIMIT, P_CURSOR}},
	    {HTTP_GET, "/public/{tenant}/things", handler, ROUTE_PUBLIC | ROUTE_UNSCOPED, "x", NULL, NULL},
	};
	CHECK(!refused(good, msg, sizeof(msg)) && msg[0] == '\0', "a good table registers: %s", msg);
	router_add(good, 2);
	CHECK(router_count() == 2, "both routes are in the table");
	CHECK_STR(router_file(0), "tests/unit/test_router.c", "the registering file, from the project root");
	const route_param *id = router_path_param(router_at(0), "id");
	CHECK(id != NULL && id->in == PARAM_PATH && id->required, "{id} is described");
	CHECK(router_path_param(router_at(0), "nothing") == NULL, "an unknown name is not");
	return check_done();
}
