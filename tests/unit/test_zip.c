/* Unit tests for core/base/zip.c: the CRC-32 against the standard check
 * value, the archive's records at the offsets APPNOTE gives, and the names
 * and limits refused. (tests/integration/test_opendata.py reads a whole
 * archive back with Python's zipfile.) */
#include "base/zip.h"

#include <stdint.h>
#include <string.h>

#include "check.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_crc(void)
{
	CHECK(zip_crc32("123456789", 9) == 0xCBF43926u, "CRC-32 check value of \"123456789\"");
	CHECK(zip_crc32("", 0) == 0, "CRC-32 of nothing is 0");
}

static void test_archive(void)
{
	zip_writer *z = zip_new();
	CHECK(zip_add(z, "LEGGIMI.txt", "ciao", 4, 0) == 0, "a file is added");
	CHECK(zip_add(z, "piani/ats-1.json", "{}", 2, 1700000000) == 0, "a file in a folder is added");
	size_t len = 0;
	const unsigned char *b = zip_finish(z, &len);
	CHECK(b != NULL, "the archive is finished");
	/* local header 30 + name 11 + 4 bytes; then 30 + 16 + 2 */
	CHECK(le32(b) == 0x04034b50, "a local file header first");
	CHECK(memcmp(b + 30, "LEGGIMI.txt", 11) == 0 && memcmp(b + 41, "ciao", 4) == 0, "name and bytes stored");
	CHECK(le32(b + 14) == zip_crc32("ciao", 4) && le32(b + 18) == 4 && le32(b + 22) == 4, "CRC and sizes");
	size_t dir = 45 + 30 + 16 + 2;
	CHECK(le32(b + dir) == 0x02014b50, "the central directory after the data");
	CHECK(len == dir + 2 * 46 + 11 + 16 + 22, "directory entries and end record sized as APPNOTE says");
	const unsigned char *end = b + len - 22;
	CHECK(le32(end) == 0x06054b50 && (end[10] | end[11] << 8) == 2 && le32(end + 16) == dir,
	      "the end record counts 2 entries and points at the directory");
	zip_free(z);
}

static void test_refusals(void)
{
	zip_writer *z = zip_new();
	CHECK(zip_add(z, "../fuori.txt", "x", 1, 0) == -1, "a name climbing out is refused");
	CHECK(zip_finish(z, &(size_t){0}) == NULL, "and the archive is not finished after it");
	zip_free(z);
	z = zip_new();
	CHECK(zip_add(z, "/etc/passwd", "x", 1, 0) == -1, "an absolute name is refused");
	zip_free(z);
	z = zip_new();
	CHECK(zip_add(z, "", "x", 1, 0) == -1, "an empty name is refused");
	zip_free(z);
}

int main(void)
{
	test_crc();
	test_archive();
	test_refusals();
	return check_done();
}
