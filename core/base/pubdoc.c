/* The publication document: see pubdoc.h. */
#include "base/pubdoc.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

/* The snapshot's top-level keys the public never sees. A key added to the
 * snapshot later is public unless it is named here. */
static const char *const hidden[] = {"late", "note", "submitted_by"};

static bool is_hidden(const char *key)
{
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (strcmp(key, hidden[i]) == 0)
			return true;
	return false;
}

const char *pubdoc_build(arena *a, const char *snapshot, size_t len, size_t *out_len, char hex[SHA256_HEX_LEN + 1])
{
	json_value *v;
	char err[128];
	*out_len = 0;
	hex[0] = '\0';
	if (snapshot == NULL || json_parse(a, snapshot, len, &v, err, sizeof(err)) != JSON_OK || v->type != JSON_OBJECT)
		return NULL;
	/* A shallow copy without the hidden keys. */
	json_value *pub = arena_calloc(a, 1, sizeof(*pub));
	pub->type = JSON_OBJECT;
	pub->u.object.keys = arena_calloc(a, v->u.object.n + 1, sizeof(*pub->u.object.keys));
	pub->u.object.values = arena_calloc(a, v->u.object.n + 1, sizeof(*pub->u.object.values));
	for (size_t i = 0; i < v->u.object.n; i++) {
		if (is_hidden(v->u.object.keys[i]))
			continue;
		pub->u.object.keys[pub->u.object.n] = v->u.object.keys[i];
		pub->u.object.values[pub->u.object.n++] = v->u.object.values[i];
	}
	jw *w = jw_new(NULL, NULL);
	if (w == NULL)
		return NULL;
	jw_canonical(w, pub);
	const char *out = NULL;
	size_t n = 0;
	if (!jw_failed(w)) {
		const char *buf = jw_buffer(w, &n);
		out = arena_strndup(a, buf, n);
	}
	jw_free(w);
	if (out == NULL || sha256_hex(out, n, hex) != 0)
		return NULL;
	*out_len = n;
	return out;
}

const char *pubdoc_of_row(arena *a, const char *doc, size_t doc_len, const char *doc_sha256, const char *snapshot,
                          size_t snapshot_len, size_t *out_len, char hex[SHA256_HEX_LEN + 1])
{
	if (doc != NULL && doc_sha256 != NULL && strlen(doc_sha256) == SHA256_HEX_LEN) {
		memcpy(hex, doc_sha256, SHA256_HEX_LEN + 1);
		*out_len = doc_len;
		return doc;
	}
	return pubdoc_build(a, snapshot, snapshot_len, out_len, hex);
}
