/* Unit tests for core/base/arena.c: arena_printf formats into the head
 * block's free room when the text fits and into an allocation of its own
 * when not; either way the text is whole and later allocations never
 * overwrite it. Expected values are literals. */
#include "base/arena.h"

#include <stdint.h>
#include <string.h>

#include "check.h"

int main(void)
{
	arena *a = arena_new();
	char *s = arena_printf(a, "%s-%d-%s", "ambito", 42, "ats");
	CHECK_STR(s, "ambito-42-ats", "a short text fits the head block");
	CHECK(arena_used(a) == 16, "it takes 14 bytes rounded up to 16 (%zu)", arena_used(a));
	char *t = arena_printf(a, "%s", "");
	CHECK_STR(t, "", "the empty text");
	CHECK(((uintptr_t)t & 15) == 0, "the next text starts aligned");
	char *u = arena_alloc(a, 32);
	memset(u, 'x', 32);
	CHECK_STR(s, "ambito-42-ats", "a later allocation leaves the text alone");

	/* Fill the head block to 16 bytes short of its end (16 KB), then a text
	 * of 15 characters fits exactly and one of 16 does not. */
	size_t used = arena_used(a);
	arena_alloc(a, 16 * 1024 - used - 16);
	char *exact = arena_printf(a, "%015d", 7);
	CHECK_STR(exact, "000000000000007", "15 characters and the NUL fill the last 16 bytes");
	char *over = arena_printf(a, "%016d", 8);
	CHECK_STR(over, "0000000000000008", "16 characters go to a block of their own");
	CHECK_STR(exact, "000000000000007", "the text before is untouched");

	char big[10000];
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *w = arena_printf(a, "<%s>", big);
	CHECK(strlen(w) == 10001 && w[0] == '<' && w[1] == 'b' && w[9999] == 'b' && w[10000] == '>',
	      "a text larger than a block is whole");
	arena_free(a);
	return check_done();
}
