/* A tiny TAP producer for unit tests: CHECK(cond, name) prints one "ok" or
 * "not ok" line; check_done() prints the plan and returns the exit code. */
#ifndef AMBITO_CHECK_H
#define AMBITO_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_n, check_failed;

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		int ok_ = !!(cond);                                                                                    \
		check_n++;                                                                                             \
		if (ok_) {                                                                                             \
			printf("ok %d - ", check_n);                                                                   \
		} else {                                                                                               \
			check_failed++;                                                                                \
			printf("not ok %d - ", check_n);                                                               \
		}                                                                                                      \
		printf(__VA_ARGS__);                                                                                   \
		if (!ok_)                                                                                              \
			printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);                                             \
		printf("\n");                                                                                          \
	} while (0)

#define CHECK_STR(got, want, name)                                                                                     \
	do {                                                                                                           \
		const char *g_ = (got), *w_ = (want);                                                                  \
		int same_ = (g_ == NULL && w_ == NULL) || (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);           \
		CHECK(same_, "%s", name);                                                                              \
		if (!same_)                                                                                            \
			printf("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");                \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n", check_n);
	return check_failed ? 1 : 0;
}

#endif
