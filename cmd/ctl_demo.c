/* ambitoctl demo-load FILE: loads a demo set (format "ambito-demo/1", marked
 * "demo": true) of tenants with their Comuni, users with their roles and
 * plans in several states of the flow, in one transaction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "ctl.h"
#include "ctl_demo.h"
#include "identity/audit.h"
#include "identity/users.h"

#define DEMO_FILE_MAX (16 * 1024 * 1024)

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (f == NULL)
		return NULL;
	buf = malloc(DEMO_FILE_MAX + 1);
	if (buf == NULL)
		goto done;
	*len = fread(buf, 1, DEMO_FILE_MAX + 1, f);
	if (*len > DEMO_FILE_MAX || ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EFBIG;
	}
done:
	fclose(f);
	return buf;
}

static int fail(db *d, const char *path, const char *what, const char *detail)
{
	db_rollback(d);
	fprintf(stderr, "ambitoctl demo-load: %s: %s%s%s\n", path, what, detail ? ": " : "", detail ? detail : "");
	return 1;
}

static const char *str(const json_value *o, const char *k)
{
	const char *s = json_get_str(o, k);
	return s ? s : "";
}

int ctl_demo_load(db *d, int argc, char **argv)
{
	if (argc != 2) {
		fputs("uso: ambitoctl demo-load FILE.json\n", stderr);
		return 2;
	}
	const char *path = argv[1];
	size_t len = 0;
	char err[1024];
	char *text = ctl_read_file(path, &len);
	if (text == NULL) {
		fprintf(stderr, "ambitoctl demo-load: impossibile leggere %s: %s\n", path, strerror(errno));
		return 1;
	}
	arena *a = arena_new();
	json_value *doc;
	int rc = 1;
	if (json_parse(a, text, len, &doc, err, sizeof(err)) != JSON_OK) {
		fprintf(stderr, "ambitoctl demo-load: %s: %s\n", path, err);
		goto out;
	}
	const json_value *demo = json_get(doc, "demo");
	if (!json_is(doc, JSON_OBJECT) || strcmp(str(doc, "format"), "ambito-demo/1") != 0 || !demo ||
	    demo->type != JSON_BOOL || !demo->u.boolean) {
		fprintf(stderr, "ambitoctl demo-load: %s: non è un file ambito-demo/1 marcato \"demo\": true\n", path);
		goto out;
	}
	if (db_begin(d) != DB_OK) {
		rc = fail(d, path, "impossibile iniziare una transazione", db_error(d));
		goto out;
	}
	const json_value *tenants = json_get(doc, "tenants"), *users = json_get(doc, "users");
	size_t nt = 0, nu = 0;
	for (size_t i = 0; tenants && tenants->type == JSON_ARRAY && i < tenants->u.array.n; i++) {
		const json_value *t = tenants->u.array.items[i];
		long long n = db_exec(d,
		                      "INSERT INTO tenants (slug, code, name, capofila, ente_gestore, province)"
		                      " VALUES (?, ?, ?, ?, ?, ?)",
		                      "ssssss", str(t, "slug"), str(t, "code"), str(t, "name"), str(t, "capofila"),
		                      str(t, "ente_gestore"), str(t, "province"));
		if (n < 0) {
			rc = fail(d, path, "impossibile creare l'ambito", str(t, "slug"));
			goto out;
		}
		long long id = (long long)db_last_id(d);
		const json_value *comuni = json_get(t, "comuni");
		for (size_t k = 0; comuni && comuni->type == JSON_ARRAY && k < comuni->u.array.n; k++) {
			const json_value *c = comuni->u.array.items[k], *pop = json_get(c, "population");
			n = db_exec(
			    d,
			    "INSERT INTO comuni (tenant_id, istat_code, name, population, position) VALUES (?,?,?,?,?)",
			    "issii", id, str(c, "istat_code"), str(c, "name"),
			    pop && pop->type == JSON_NUMBER ? pop->u.number.integer : 0LL, (long long)k);
			if (n < 0) {
				rc = fail(d, path, "impossibile aggiungere il Comune", str(c, "name"));
				goto out;
			}
		}
		nt++;
	}
	for (size_t i = 0; users && users->type == JSON_ARRAY && i < users->u.array.n; i++) {
		const json_value *u = users->u.array.items[i];
		const char *region_role = json_get_str(u, "role");
		char generated[21];
		long long id;
		if (user_store_create(d, str(u, "email"), str(u, "name"), region_role, json_get_str(u, "password"),
		                      generated, &id) < 0) {
			rc = fail(d, path, "impossibile creare l'utente", str(u, "email"));
			goto out;
		}
		const json_value *ms = json_get(u, "memberships"), *as = json_get(u, "assignments");
		for (size_t k = 0; ms && ms->type == JSON_ARRAY && k < ms->u.array.n; k++)
			if (user_store_add_membership(d, id, str(ms->u.array.items[k], "tenant"),
			                              str(ms->u.array.items[k], "role")) != 1) {
				rc = fail(d, path, "appartenenza non valida di", str(u, "email"));
				goto out;
			}
		for (size_t k = 0; as && as->type == JSON_ARRAY && k < as->u.array.n; k++)
			if (!json_is(as->u.array.items[k], JSON_STRING) ||
			    user_store_add_assignment(d, id, as->u.array.items[k]->u.string.s) != 1) {
				rc = fail(d, path, "assegnazione non valida di", str(u, "email"));
				goto out;
			}
		nu++;
	}
	size_t npart = 0;
	if (ctl_demo_load_participation(d, a, str(doc, "cycle"), json_get(doc, "participation"),
	                                (json_value *)json_get(doc, "plans"), &npart, err, sizeof(err)) != 0) {
		rc = fail(d, path, "impossibile caricare la partecipazione", err);
		goto out;
	}
	size_t np = 0;
	if (ctl_demo_load_plans(d, a, str(doc, "cycle"), json_get(doc, "plans"), &np, err, sizeof(err)) != 0) {
		rc = fail(d, path, "impossibile caricare i piani", err);
		goto out;
	}
	if (audit_cli(d, "demo-load", path, 201,
	              arena_printf(a, "demo data: %zu tenants, %zu users, %zu plans, participation of %zu", nt, nu, np,
	                           npart)) != DB_OK ||
	    db_commit(d) != DB_OK) {
		rc = fail(d, path, "impossibile salvare", db_error(d));
		goto out;
	}
	printf("dati dimostrativi caricati: %zu ambiti, %zu utenti, %zu piani, partecipazione di %zu ambiti\n", nt, nu,
	       np, npart);
	rc = 0;
out:
	arena_free(a);
	free(text);
	return rc;
}
