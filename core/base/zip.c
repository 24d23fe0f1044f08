/* The ZIP writer: see zip.h. Local header, data, then at the end the
 * central directory and its end record; all integers little-endian. */
#include "base/zip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	char *name;
	uint32_t crc, size, offset;
	uint16_t dos_time, dos_date;
} entry;

struct zip_writer {
	unsigned char *buf;
	size_t len, cap;
	entry *entries;
	size_t n, capn;
	bool failed, finished;
};

uint32_t zip_crc32(const void *data, size_t len)
{
	static uint32_t table[256];
	static bool ready;
	if (!ready) { /* idempotent: racing threads write the same values */
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = true;
	}
	uint32_t c = 0xFFFFFFFFu;
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

zip_writer *zip_new(void)
{
	return calloc(1, sizeof(zip_writer));
}

void zip_free(zip_writer *z)
{
	if (z == NULL)
		return;
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	free(z->buf);
	free(z);
}

static bool reserve(zip_writer *z, size_t more)
{
	if (z->failed || z->len + more > (size_t)ZIP_MAX_BYTES)
		return z->failed = true, false;
	if (z->len + more <= z->cap)
		return true;
	size_t cap = z->cap ? z->cap : 64 * 1024;
	while (cap < z->len + more)
		cap *= 2;
	unsigned char *b = realloc(z->buf, cap);
	if (b == NULL) {
		z->failed = true;
		return false;
	}
	z->buf = b;
	z->cap = cap;
	return true;
}

static void put(zip_writer *z, const void *p, size_t n)
{
	memcpy(z->buf + z->len, p, n);
	z->len += n;
}

static void u16(zip_writer *z, uint16_t v)
{
	unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	put(z, b, 2);
}

static void u32(zip_writer *z, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	put(z, b, 4);
}

#define FLAG_UTF8 0x0800
#define VERSION_NEEDED 20

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= ZIP_MAX_NAME && name[0] != '/' && strstr(name, "..") == NULL && strchr(name, '\\') == NULL;
}

int zip_add(zip_writer *z, const char *name, const void *data, size_t len, time_t mtime)
{
	size_t nl = strlen(name);
	if (z->finished || !name_ok(name) || z->n >= ZIP_MAX_ENTRIES || len > (size_t)ZIP_MAX_BYTES ||
	    !reserve(z, 30 + nl + len)) {
		z->failed = true;
		return -1;
	}
	if (z->n == z->capn) {
		size_t cap = z->capn ? z->capn * 2 : 16;
		entry *e = realloc(z->entries, cap * sizeof(*e));
		if (e == NULL) {
			z->failed = true;
			return -1;
		}
		z->entries = e;
		z->capn = cap;
	}
	struct tm tm;
	gmtime_r(&mtime, &tm);
	if (tm.tm_year < 80) /* DOS dates start in 1980 */
		tm = (struct tm){.tm_year = 80, .tm_mday = 1};
	entry *e = &z->entries[z->n];
	*e = (entry){.name = strdup(name),
	             .crc = zip_crc32(data, len),
	             .size = (uint32_t)len,
	             .offset = (uint32_t)z->len,
	             .dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2)),
	             .dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday)};
	if (e->name == NULL) {
		z->failed = true;
		return -1;
	}
	z->n++;
	u32(z, 0x04034b50);
	u16(z, VERSION_NEEDED);
	u16(z, FLAG_UTF8);
	u16(z, 0); /* stored */
	u16(z, e->dos_time);
	u16(z, e->dos_date);
	u32(z, e->crc);
	u32(z, e->size);
	u32(z, e->size);
	u16(z, (uint16_t)nl);
	u16(z, 0);
	put(z, name, nl);
	put(z, data, len);
	return 0;
}

const unsigned char *zip_finish(zip_writer *z, size_t *len)
{
	if (z->failed)
		return NULL;
	if (!z->finished) {
		size_t need = 22;
		for (size_t i = 0; i < z->n; i++)
			need += 46 + strlen(z->entries[i].name);
		if (!reserve(z, need))
			return NULL;
		uint32_t dir_offset = (uint32_t)z->len;
		for (size_t i = 0; i < z->n; i++) {
			const entry *e = &z->entries[i];
			size_t nl = strlen(e->name);
			u32(z, 0x02014b50);
			u16(z, (3 << 8) | VERSION_NEEDED); /* made by: Unix */
			u16(z, VERSION_NEEDED);
			u16(z, FLAG_UTF8);
			u16(z, 0);
			u16(z, e->dos_time);
			u16(z, e->dos_date);
			u32(z, e->crc);
			u32(z, e->size);
			u32(z, e->size);
			u16(z, (uint16_t)nl);
			u16(z, 0);              /* extra */
			u16(z, 0);              /* comment */
			u16(z, 0);              /* disk */
			u16(z, 0);              /* internal attributes */
			u32(z, 0100644u << 16); /* a regular file, rw-r--r-- */
			u32(z, e->offset);
			put(z, e->name, nl);
		}
		uint32_t dir_size = (uint32_t)z->len - dir_offset;
		u32(z, 0x06054b50);
		u16(z, 0);
		u16(z, 0);
		u16(z, (uint16_t)z->n);
		u16(z, (uint16_t)z->n);
		u32(z, dir_size);
		u32(z, dir_offset);
		u16(z, 0);
		z->finished = true;
	}
	*len = z->len;
	return z->buf;
}
