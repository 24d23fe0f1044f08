/* ambitoctl import / export: a whole cycle (the cycle, its catalogue, norms,
 * glossary and template) from or to a file in the "ambito-cycle/1" format.
 * The import checks the file with the API's own validation and writes it in
 * one transaction: all of it or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "cycles/cycles.h"
#include "http/http.h"
#include "identity/audit.h"

#define IMPORT_MAX_BYTES (64L * 1024 * 1024)
#define IMPORT_ERRORS_SHOWN 20

/* The whole of path, NUL-terminated (free() it), or NULL with a reason. */
static char *slurp(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	*why = NULL;
	if (f == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	buf = malloc(cap);
	while (buf != NULL) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (ferror(f)) {
			*why = strerror(errno);
			goto fail;
		}
		if (feof(f))
			break;
		if (cap > IMPORT_MAX_BYTES) {
			*why = "the file is larger than 64 MiB";
			goto fail;
		}
		char *more = realloc(buf, cap * 2);
		if (more == NULL)
			goto fail;
		buf = more;
		cap *= 2;
	}
	if (buf == NULL) {
		*why = "out of memory";
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (*why == NULL)
		*why = "out of memory";
	free(buf);
	fclose(f);
	return NULL;
}

/* Writes an audit row of the import (committed with it, or alone when it
 * was refused). */
static int audit(db *d, const char *object, int status, const char *detail)
{
	return audit_cli(d, "import", object, status, detail);
}

/* Prints the validation errors as "FILE: path: message", in the order the
 * checks found them; returns the first one for the audit row. */
static const char *print_errors(arena *a, const char *file, const field_errors *e)
{
	size_t kept = field_errors_kept(e), shown = kept < IMPORT_ERRORS_SHOWN ? kept : IMPORT_ERRORS_SHOWN;
	for (size_t i = 0; i < shown; i++)
		fprintf(stderr, "%s: %s: %s\n", file, field_errors_field(e, i), field_errors_message(e, i));
	if (field_errors_count(e) > shown)
		fprintf(stderr, "%s: ... e altri %zu\n", file, field_errors_count(e) - shown);
	fprintf(stderr, "ambitoctl import: %s: non è stato importato nulla\n", file);
	if (kept == 0)
		return "il file non è valido";
	return arena_printf(a, "%s: %s", field_errors_field(e, 0), field_errors_message(e, 0));
}

static int import_usage(void)
{
	fputs("uso: ambitoctl import FILE.json [--replace]\n"
	      "  --replace  sovrascrive il ciclo con lo stesso slug finché è una bozza\n",
	      stderr);
	return 2;
}

int ctl_import(db *d, int argc, char **argv)
{
	const char *file = NULL, *why;
	bool replace = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--replace") == 0)
			replace = true;
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return import_usage();
	}
	if (file == NULL)
		return import_usage();

	int ret = 1;
	size_t len = 0;
	arena *a = arena_new();
	char *text = slurp(file, &len, &why);
	if (text == NULL) {
		fprintf(stderr, "ambitoctl import: impossibile leggere %s: %s\n", file, why);
		goto out;
	}
	json_value *root;
	char err[256];
	if (json_parse(a, text, len, &root, err, sizeof(err)) != JSON_OK) {
		fprintf(stderr, "ambitoctl import: %s: JSON non valido: %s\n", file, err);
		goto out;
	}
	field_errors *e = field_errors_new(a);
	cycle_document doc;
	bool replaced;
	const char *refusal, *refusal_it;
	int rc = db_begin(d);
	if (rc != DB_OK)
		goto db_fail;
	switch (cycle_import(d, a, e, root, replace, &doc, &replaced, &refusal, &refusal_it, &rc)) {
	case CYCLE_IMPORT_OK: break;
	case CYCLE_IMPORT_INVALID: {
		db_rollback(d);
		const char *first = print_errors(a, file, e);
		const char *slug = json_get_str(json_get(root, "cycle"), "slug");
		audit(d, arena_printf(a, "cycle:%s", slug ? slug : "?"), 422, first);
		goto out;
	}
	case CYCLE_IMPORT_REFUSED:
		db_rollback(d);
		fprintf(stderr, "%s: %s\nambitoctl import: %s: non è stato importato nulla\n", file, refusal, file);
		audit(d, arena_printf(a, "cycle:%s", doc.cycle.slug), 409, refusal);
		goto out;
	case CYCLE_IMPORT_FAILED: goto db_fail;
	}
	const char *object = arena_printf(a, "cycle:%s", doc.cycle.slug);
	bool old = replaced;
	rc = audit(d, object, old ? 200 : 201,
	           arena_printf(a, "%s %s: %zu obiettivi, %zu azioni, %zu norme, %zu voci, %zu sezioni",
	                        old ? "sostituito da" : "importato da", file, doc.catalog.nobjectives,
	                        cycle_count_actions(&doc.catalog), doc.nnorms, doc.glossary.nterms,
	                        doc.template.nsections));
	if (rc == DB_OK)
		rc = db_commit(d);
	if (rc != DB_OK)
		goto db_fail;
	printf("%s il ciclo %s (%s): %zu obiettivi, %zu azioni, %zu aree, %zu fonti di finanziamento, %zu norme, "
	       "%zu voci di glossario, %zu sezioni del modello\n",
	       old ? "sostituito" : "importato", doc.cycle.slug, cycle_status_name(doc.cycle.status),
	       doc.catalog.nobjectives, cycle_count_actions(&doc.catalog), doc.catalog.nareas,
	       doc.catalog.nfunding_sources, doc.nnorms, doc.glossary.nterms, doc.template.nsections);
	ret = 0;
	goto out;

db_fail:
	fprintf(stderr, "ambitoctl import: %s: la base dati ha rifiutato l'import, non è stato importato nulla (%s)\n",
	        file, db_error(d));
	db_rollback(d);
out:
	free(text);
	arena_free(a);
	return ret;
}

/* Writes len bytes to path through a temporary file, so that a failed
 * export never leaves half a file behind. */
static int write_file(const char *path, const char *buf, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	FILE *f = fopen(tmp, "wb");
	if (f == NULL)
		return -1;
	bool ok = fwrite(buf, 1, len, f) == len && fputc('\n', f) != EOF;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return -1;
	}
	return 0;
}

int ctl_export(db *d, int argc, char **argv)
{
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fputs("uso: ambitoctl export CICLO [FILE]  (su stdout senza FILE)\n", stderr);
		return 2;
	}
	const char *slug = argv[1], *file = argc == 3 ? argv[2] : NULL;
	int ret = 1;
	arena *a = arena_new();
	jw *w = NULL;
	cycle *c;
	cycle_document doc;
	/* Writers lock the cycle row first: holding it reads one consistent
	 * state of the cycle and all its rules. */
	int rc = db_begin(d);
	if (rc == DB_OK)
		rc = cycle_store_find(d, a, slug, true, &c);
	if (rc == DB_OK && c == NULL) {
		fprintf(stderr, "ambitoctl export: il ciclo %s non esiste\n", slug);
		goto out;
	}
	if (rc == DB_OK)
		rc = cycle_store_load_document(d, a, c, &doc);
	if (rc != DB_OK) {
		fprintf(stderr, "ambitoctl export: impossibile leggere il ciclo %s (%s)\n", slug, db_error(d));
		goto out;
	}
	w = jw_new(NULL, NULL);
	cycle_render_document(w, &doc);
	size_t len;
	const char *buf = jw_buffer(w, &len);
	if (jw_failed(w)) {
		fprintf(stderr, "ambitoctl export: il ciclo %s contiene testo non in UTF-8 valido\n", slug);
		goto out;
	}
	if (file != NULL ? write_file(file, buf, len) != 0
	                 : fwrite(buf, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "ambitoctl export: impossibile scrivere %s: %s\n", file ? file : "l'uscita",
		        strerror(errno));
		goto out;
	}
	ret = 0;
out:
	db_rollback(d);
	jw_free(w);
	arena_free(a);
	return ret;
}
