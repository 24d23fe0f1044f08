/* The publication document of a plan: what the public reads of a published
 * revision. It is the submission snapshot (what the Region reviewed, hashed
 * and kept unchanged) without what is between the ATS and the Region —
 * whether it was late, the coordinator's submission note, who submitted it —
 * written as canonical JSON with its own SHA-256. It is built once, when the
 * revision is published, and stored with the publication; publications older
 * than that column are derived the same way when read. */
#ifndef AMBITO_PUBDOC_H
#define AMBITO_PUBDOC_H

#include <stddef.h>

#include "base/arena.h"
#include "base/sha256.h"

/* The document of snapshot[0..len) in a, its length in *out_len and its
 * SHA-256 in hex; NULL when the snapshot is not a JSON object (or on no
 * memory / a failing OpenSSL). */
const char *pubdoc_build(arena *a, const char *snapshot, size_t len, size_t *out_len, char hex[SHA256_HEX_LEN + 1]);

/* The document of a publication row: the stored one (doc, its stored
 * hash) when there is one, else derived from the snapshot. Fills *out,
 * *out_len and sha256_hex; NULL when neither can be had. */
const char *pubdoc_of_row(arena *a, const char *doc, size_t doc_len, const char *doc_sha256, const char *snapshot,
                          size_t snapshot_len, size_t *out_len, char hex[SHA256_HEX_LEN + 1]);

#endif
