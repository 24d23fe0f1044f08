/* A ZIP archive written in memory (PKWARE APPNOTE 6.3): files stored without
 * compression, each with its CRC-32, names flagged as UTF-8, no ZIP64 — so
 * at most ZIP_MAX_ENTRIES files and ZIP_MAX_BYTES in all. Enough for the
 * open-data bundles, which every unzip, file manager and Python's zipfile
 * read. */
#ifndef AMBITO_ZIP_H
#define AMBITO_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ZIP_MAX_ENTRIES 60000
#define ZIP_MAX_BYTES (1024L * 1024 * 1024) /* far below the 4 GiB of plain ZIP */
#define ZIP_MAX_NAME 255

typedef struct zip_writer zip_writer;

zip_writer *zip_new(void);
/* Adds a file; -1 when a limit would be passed or the name is empty, too
 * long, absolute or has "..". mtime is UTC. */
int zip_add(zip_writer *z, const char *name, const void *data, size_t len, time_t mtime);
/* Writes the central directory; the archive stays owned by z. NULL after a
 * failed zip_add or out of memory. */
const unsigned char *zip_finish(zip_writer *z, size_t *len);
void zip_free(zip_writer *z); /* zip_free(NULL) does nothing */

uint32_t zip_crc32(const void *data, size_t len);

#endif
