/* JSON in and out through yajl.
 * Parsing uses yajl's callback parser with a depth counter (yajl_tree has no
 * depth limit and recurses), rejects duplicate keys, and builds a tree in the
 * caller's arena. Numbers keep their source text so money stays exact.
 * Writing goes through yajl_gen with UTF-8 validation on. */
#ifndef AMBITO_JSON_H
#define AMBITO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

#define JSON_MAX_DEPTH 32
/* The tree json_parse_budget may build, proportional to the input: a value
 * costs a node of some 40 bytes however short its text, so "[0,0,0,…]"
 * would cost twenty times its size. Real documents (a plan section with
 * 500 spending lines) take under 8 bytes a byte of input. */
#define JSON_TREE_BYTES_PER_BODY_BYTE 12
#define JSON_TREE_BYTES_BASE (64 * 1024)
#define JSON_MAX_NODES (1024 * 1024)

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
	json_type type;
	union {
		bool boolean;
		struct {
			const char *text; /* as written in the source, NUL-terminated */
			bool is_integer;  /* no '.', 'e' or 'E' and fits in long long */
			long long integer;
			double real;
		} number;
		struct {
			const char *s; /* NUL-terminated; may not contain NUL (rejected) */
			size_t len;    /* bytes */
		} string;
		struct {
			json_value **items;
			size_t n;
		} array;
		struct {
			const char **keys;
			json_value **values;
			size_t n;
		} object;
	} u;
};

typedef enum {
	JSON_OK = 0,
	JSON_EMALFORMED = -1, /* syntax, bad UTF-8, embedded NUL, duplicate key */
	JSON_ETOODEEP = -2,   /* nesting deeper than JSON_MAX_DEPTH */
	JSON_ETOOBIG = -3     /* the tree would pass its budget */
} json_status;

/* Parses exactly one JSON text from buf[0..len) (need not be NUL-terminated;
 * comments are rejected). On failure writes a short English reason into err. */
json_status json_parse(arena *a, const char *buf, size_t len, json_value **out, char *err, size_t errlen);
/* The same, stopping with JSON_ETOOBIG as soon as the tree would hold more
 * than max_nodes values or max_bytes (arena and scratch memory together):
 * the limit holds while parsing, not after. */
json_status json_parse_budget(arena *a, const char *buf, size_t len, size_t max_nodes, size_t max_bytes,
                              json_value **out, char *err, size_t errlen);
/* The budget for a request body of len bytes. */
void json_body_budget(size_t len, size_t *max_nodes, size_t *max_bytes);

/* Object member by key, or NULL (also NULL when obj is not an object). */
const json_value *json_get(const json_value *obj, const char *key);
/* The string of a JSON_STRING member, or NULL when absent or not a string. */
const char *json_get_str(const json_value *obj, const char *key);
bool json_is(const json_value *v, json_type t);

/* Writer: a thin layer over yajl_gen that appends to a growing buffer or hands
 * each piece to a sink (for streaming). Errors (invalid UTF-8, misuse) are
 * sticky: check jw_failed() once at the end. */
typedef struct jw jw;
typedef void (*jw_sink)(void *ctx, const char *buf, size_t len);

jw *jw_new(jw_sink sink, void *ctx); /* sink NULL: collect into jw_buffer() */
void jw_free(jw *w);                 /* jw_free(NULL) does nothing */
const char *jw_buffer(jw *w, size_t *len);
bool jw_failed(const jw *w);

void jw_obj_begin(jw *w);
void jw_obj_end(jw *w);
void jw_arr_begin(jw *w);
void jw_arr_end(jw *w);
void jw_key(jw *w, const char *key);
void jw_str(jw *w, const char *s); /* NULL writes null */
void jw_strn(jw *w, const char *s, size_t len);
void jw_int(jw *w, long long v);
void jw_double(jw *w, double v);
/* A number from its decimal text (e.g. a DECIMAL column "1234.50"), written
 * as a JSON number; NULL writes null. */
void jw_num_text(jw *w, const char *text);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* Writes an already-parsed value back out (canonical: no spaces, keys in
 * their source order). */
void jw_value(jw *w, const json_value *v);
/* The same with object keys sorted bytewise at every level: the canonical
 * form (no whitespace, UTF-8 unescaped, numbers as written) that signed or
 * hashed documents use, so equal content always gives equal bytes. */
void jw_canonical(jw *w, const json_value *v);

/* Convenience pairs: key then value. */
void jw_kstr(jw *w, const char *key, const char *s);
void jw_kint(jw *w, const char *key, long long v);
void jw_kbool(jw *w, const char *key, bool v);
void jw_knum_text(jw *w, const char *key, const char *text);
void jw_knull(jw *w, const char *key);

#endif
