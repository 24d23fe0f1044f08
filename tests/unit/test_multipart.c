/* multipart/form-data against literal bodies as a browser sends them: the
 * fields and the file with its name, the boundary quoted or not, a preamble,
 * and the refusals (no boundary, cut body, no closing delimiter, a part
 * without name, too many parts, an over-long head or boundary). */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "check.h"
#include "http/multipart.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryX3"
#define B "------WebKitFormBoundaryX3"

static int parse(arena *a, const char *type, const char *body, multipart_part *parts, size_t max)
{
	return multipart_parse(a, type, body, strlen(body), parts, max);
}

int main(void)
{
	arena *a = arena_new();
	multipart_part p[MULTIPART_MAX_PARTS];

	const char *body = B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n" B
	                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ciclo è.json\"\r\n"
	                     "Content-Type: application/json\r\n\r\n{\"a\":\r\n1}\r\n" B "--\r\n";
	int n = parse(a, CT, body, p, MULTIPART_MAX_PARTS);
	CHECK(n == 2, "two parts (got %d)", n);
	if (n == 2) {
		CHECK_STR(p[0].name, "csrf", "first part's name");
		CHECK(p[0].filename == NULL, "a field has no file name");
		CHECK(p[0].len == 6 && memcmp(p[0].data, "tok123", 6) == 0, "first part's value");
		CHECK_STR(p[1].name, "file", "file part's name");
		CHECK_STR(p[1].filename, "ciclo è.json", "file name kept as sent (UTF-8)");
		CHECK_STR(p[1].content_type, "application/json", "file part's type");
		CHECK(p[1].len == 9 && memcmp(p[1].data, "{\"a\":\r\n1}", 9) == 0, "CRLF inside the file is data");
		CHECK(multipart_get(p, 2, "file") == &p[1], "multipart_get finds the file");
		CHECK(multipart_get(p, 2, "altro") == NULL, "multipart_get: none of that name");
	}

	/* An empty file (nothing chosen): a part of length 0. */
	n = parse(a, CT, B "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n" B "--", p, 4);
	CHECK(n == 1 && p[0].len == 0 && p[0].filename && *p[0].filename == '\0', "empty file part");

	/* A quoted boundary and a preamble before the first delimiter. */
	n = parse(a, "multipart/form-data; charset=utf-8; boundary=\"x y\"",
	          "preambolo\r\n--x y\r\ncontent-disposition: form-data; name=a\r\n\r\n1\r\n--x y--", p, 4);
	CHECK(n == 1 && strcmp(p[0].name, "a") == 0 && p[0].len == 1, "quoted boundary, preamble, unquoted name");

	/* Refusals. */
	CHECK(parse(a, "application/x-www-form-urlencoded", "a=1", p, 4) == -1, "not multipart");
	CHECK(parse(a, "multipart/form-data", B "--", p, 4) == -1, "no boundary parameter");
	CHECK(parse(a, "multipart/form-data; boundary=", "----", p, 4) == -1, "empty boundary");
	char longb[200];
	memset(longb, 'b', sizeof(longb));
	memcpy(longb, "multipart/form-data; boundary=", 30);
	longb[30 + MULTIPART_BOUNDARY_MAX + 1] = '\0';
	CHECK(parse(a, longb, "x", p, 4) == -1, "boundary over %d characters", MULTIPART_BOUNDARY_MAX);
	CHECK(parse(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", p, 4) == -1,
	      "no closing delimiter: a cut body");
	CHECK(parse(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", p, 4) == -1,
	      "cut in a part's data");
	CHECK(parse(a, CT, B "\r\nContent-Disposition: form-data\r\n\r\n1\r\n" B "--", p, 4) == -1,
	      "a part without name");
	CHECK(parse(a, CT, B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n" B "--", p, 4) == -1,
	      "a disposition other than form-data");
	CHECK(parse(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n" B "--", p, 4) == -1,
	      "an unclosed quote");
	CHECK(parse(a, CT, "", p, 4) == -1, "empty body");
	CHECK(parse(a, CT, B, p, 4) == -1, "a delimiter alone");
	const char *three = B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" B
	                      "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n" B
	                      "\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n" B "--";
	CHECK(parse(a, CT, three, p, 3) == 3, "three parts within a limit of 3");
	CHECK(parse(a, CT, three, p, 2) == -1, "three parts past a limit of 2");
	/* A head longer than MULTIPART_HEAD_MAX. */
	size_t hl = MULTIPART_HEAD_MAX + 200;
	char *big = malloc(hl + 200);
	int off = sprintf(big, B "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
	memset(big + off, 'p', hl);
	strcpy(big + off + hl, "\r\n\r\n1\r\n" B "--");
	CHECK(parse(a, CT, big, p, 4) == -1, "a part head over %d bytes", MULTIPART_HEAD_MAX);
	free(big);
	/* Bytes the boundary search must not run past: a body that ends inside
	 * a delimiter. */
	CHECK(parse(a, CT, B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n------WebKit", p, 4) == -1,
	      "body ending inside a delimiter");
	arena_free(a);
	return check_done();
}
