/* ambitoctl user add: creates an account from the command line, typically
 * the first region_admin. The password comes from stdin or is generated and
 * printed once; only its scrypt hash is stored. */
#include <stdio.h>
#include <string.h>

#include "base/password.h"
#include "base/utf8.h"
#include "ctl.h"
#include "http/validate.h"
#include "identity/audit.h"
#include "identity/auth.h"
#include "identity/users.h"

static int usage(void)
{
	fputs("uso: ambitoctl user add --email E --role R [--tenant SLUG] [--name N] [--password-stdin]\n"
	      "  R: region_admin, region_reviewer, university (con --tenant: ATS assegnato, ripetibile),\n"
	      "     ats_coordinator, ats_editor, ats_viewer (con --tenant)\n"
	      "     ambitoctl user reset-password --email E\n"
	      "  stampa una volta una password monouso, che l'account deve cambiare al prossimo accesso\n",
	      stderr);
	return 2;
}

static int fail(db *d, const char *what)
{
	db_rollback(d);
	fprintf(stderr, "ambitoctl user add: %s (%s)\n", what, db_error(d));
	return 1;
}

/* The address as every write and lookup keeps it: ASCII letters lowercased. */
static void lowercase(char *out, size_t size, const char *email)
{
	snprintf(out, size, "%s", email);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* A one-time password, as POST /api/v1/users/{id}/password-reset gives. */
static int reset_password(db *d, int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[2], "--email") != 0 || !v_is_line(argv[3]) || strlen(argv[3]) > 254)
		return usage();
	char lower[256], generated[USER_ONE_TIME_PASSWORD_LEN + 1];
	lowercase(lower, sizeof(lower), argv[3]);
	arena *a = arena_new();
	user_account *u = NULL;
	int ret = 1;
	int rc = db_begin(d);
	if (rc == DB_OK)
		rc = user_store_find_email(d, a, lower, &u);
	if (rc == DB_OK && u == NULL) {
		db_rollback(d);
		fprintf(stderr, "ambitoctl user reset-password: non esiste alcun utente %s\n", lower);
		goto out;
	}
	if (rc == DB_OK)
		rc = user_store_reset_password(d, u->id, generated);
	if (rc == DB_OK)
		rc = audit_cli(d, "user reset-password", lower, 200, "one-time password issued, every login ended");
	if (rc == DB_OK)
		rc = db_commit(d);
	if (rc != DB_OK) {
		fail(d, "impossibile reimpostare la password");
		goto out;
	}
	printf("password monouso per %s (mostrata una sola volta; da cambiare al prossimo accesso): %s\n", lower,
	       generated);
	ret = 0;
out:
	arena_free(a);
	return ret;
}

int ctl_user(db *d, int argc, char **argv)
{
	const char *email = NULL, *name = "", *rolename = NULL, *tenants[16];
	int ntenants = 0;
	bool from_stdin = false;
	if (argc >= 2 && strcmp(argv[1], "reset-password") == 0)
		return reset_password(d, argc, argv);
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			rolename = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc && ntenants < 16)
			tenants[ntenants++] = argv[++i];
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = true;
		else
			return usage();
	}
	role rl = role_parse(rolename);
	if (email == NULL || rl == ROLE_NONE || !v_is_line(email) || !v_is_line(name) || strchr(email, '@') == NULL ||
	    strpbrk(email, " \t") != NULL || strlen(email) > 254)
		return usage();
	bool ats = rl == ROLE_ATS_COORDINATOR || rl == ROLE_ATS_EDITOR || rl == ROLE_ATS_VIEWER;
	if ((ats && ntenants != 1) || ((rl == ROLE_REGION_ADMIN || rl == ROLE_REGION_REVIEWER) && ntenants > 0)) {
		fputs("ambitoctl user add: un ruolo di ATS richiede esattamente un --tenant; un ruolo regionale "
		      "nessuno\n",
		      stderr);
		return 2;
	}
	char lower[256], pw[PASSWORD_MAX_BYTES + 2], generated[21];
	lowercase(lower, sizeof(lower), email);
	if (from_stdin) {
		if (fgets(pw, sizeof(pw), stdin) == NULL) {
			fputs("ambitoctl user add: nessuna password su stdin\n", stderr);
			return 1;
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		/* Characters, not bytes, as the API counts them (v_password). */
		if (!utf8_valid(pw, strlen(pw)) || utf8_chars(pw, strlen(pw)) < PASSWORD_MIN_CHARS) {
			fprintf(stderr, "ambitoctl user add: la password deve avere almeno %d caratteri\n",
			        PASSWORD_MIN_CHARS);
			return 1;
		}
	}
	if (db_begin(d) != DB_OK)
		return fail(d, "impossibile iniziare una transazione");
	long long uid;
	long long rc =
	    user_store_create(d, lower, name, ats ? NULL : rolename, from_stdin ? pw : NULL, generated, &uid);
	if (rc == DB_EDUP) {
		db_rollback(d);
		fprintf(stderr, "ambitoctl user add: %s esiste già\n", lower);
		return 1;
	}
	if (rc < 0)
		return fail(d, "impossibile creare l'utente");
	for (int i = 0; i < ntenants; i++) {
		rc = ats ? user_store_add_membership(d, uid, tenants[i], rolename)
		         : user_store_add_assignment(d, uid, tenants[i]);
		if (rc == 0) {
			db_rollback(d);
			fprintf(stderr, "ambitoctl user add: l'ambito %s non esiste\n", tenants[i]);
			return 1;
		}
		if (rc < 0)
			return fail(d, "impossibile aggiungere il ruolo nell'ambito");
	}
	if (audit_cli(d, "user add", lower, 201, rolename) != DB_OK || db_commit(d) != DB_OK)
		return fail(d, "impossibile salvare l'utente");
	printf("creato l'utente %lld %s (%s)\n", uid, lower, rolename);
	if (!from_stdin)
		printf("password iniziale (mostrata una sola volta): %s\n", generated);
	return 0;
}
