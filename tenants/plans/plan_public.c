/* Published plans for anonymous readers, and the printable draft for the
 * plan's own readers. The public routes read the publication document of
 * plans.published_revision (the snapshot without what is between the ATS and
 * the Region, base/pubdoc.h) and nothing else: a tenant, a cycle, a draft or a
 * submission that is not published all answer the same 404, so the public
 * learns nothing about plans in the making. The JSON route serves the stored
 * bytes verbatim with their SHA-256 in Repr-Digest (RFC 9530) and the ETag;
 * the HTML route prints the same snapshot with that hash on its title page,
 * so a printed copy can be checked. (X-Content-Type-Options: nosniff is on
 * every answer of the server already.) The draft prints the same document
 * from the plan as it is now, marked BOZZA. */
#include "tenants/plans/plan_public.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/html.h"
#include "base/log.h"
#include "base/pubdoc.h"
#include "base/sha256.h"
#include "cycles/cycles.h"
#include "http/router.h"
#include "identity/scope.h"
#include "tenants/plans/plan_html.h"
#include "tenants/plans/plans.h"

#define PUBLIC_JSON_PATH "/api/v1/public/tenants/%s/plans/%s"
#define PUBLIC_HTML_PATH "/public/%s/%s"
#define SHA256_B64_LEN 44 /* base64 of 32 bytes, padded */
#define NOT_PUBLISHED "a questo indirizzo non è pubblicato alcun piano"
/* The document loads nothing: only its own inline stylesheet may apply. */
#define HTML_CSP "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

/* The published snapshot of a (tenant, cycle), with the canonical slugs. */
typedef struct published {
	long long tenant_id, cycle_id, revision;
	const char *tenant_slug, *cycle_slug, *cycle_reference;
	const char *snapshot; /* the publication document */
	size_t snapshot_len;
	char stored_sha256[SHA256_HEX_LEN + 1];
	char sha256_hex[SHA256_HEX_LEN + 1];
	char sha256_b64[SHA256_B64_LEN + 1];
} published;

/* ---------------------------------------------------------------- data access */

/* *out is NULL when nothing is published under these slugs. Only the exact
 * slugs match (the column's collation would also take "ATS-20"): a plan has
 * one public address. */
static int load_published(db *d, arena *a, const char *tenant_slug, const char *cycle_slug, published **out)
{
	db_res *res;
	*out = NULL;
	int rc = db_query(d, a, &res,
	                  "SELECT p.tenant_id, p.cycle_id, p.published_revision, t.slug, c.slug, c.reference,"
	                  " pp.document, pp.document_sha256, IF(pp.document IS NULL, s.snapshot, NULL)"
	                  " FROM tenants t"
	                  " JOIN plans p ON p.tenant_id = t.id"
	                  " JOIN cycles c ON c.id = p.cycle_id"
	                  " JOIN plan_submissions s ON s.tenant_id = p.tenant_id AND s.cycle_id = p.cycle_id"
	                  "  AND s.revision = p.published_revision"
	                  " LEFT JOIN plan_publications pp ON pp.tenant_id = p.tenant_id AND pp.cycle_id = p.cycle_id"
	                  "  AND pp.revision = p.published_revision"
	                  " WHERE t.slug = ? AND c.slug = ? AND p.published_revision IS NOT NULL",
	                  "ss", tenant_slug, cycle_slug);
	if (rc != DB_OK)
		return rc;
	if (db_nrows(res) != 1 || strcmp(db_val(res, 0, 3), tenant_slug) != 0 ||
	    strcmp(db_val(res, 0, 4), cycle_slug) != 0)
		return DB_OK;
	published *p = arena_calloc(a, 1, sizeof(*p));
	p->tenant_id = db_int(res, 0, 0);
	p->cycle_id = db_int(res, 0, 1);
	p->revision = db_int(res, 0, 2);
	p->tenant_slug = db_val(res, 0, 3);
	p->cycle_slug = db_val(res, 0, 4);
	p->cycle_reference = db_val(res, 0, 5);
	/* The publication document, not the submission snapshot: the public
	 * never reads the latter (base/pubdoc.h). */
	p->snapshot = pubdoc_of_row(a, db_isnull(res, 0, 6) ? NULL : db_val(res, 0, 6), db_len(res, 0, 6),
	                            db_isnull(res, 0, 7) ? NULL : db_val(res, 0, 7),
	                            db_isnull(res, 0, 8) ? NULL : db_val(res, 0, 8), db_len(res, 0, 8),
	                            &p->snapshot_len, p->stored_sha256);
	if (p->snapshot == NULL) {
		log_msg(LOG_ERROR, "the publication document of %s/%s revision %lld cannot be built", tenant_slug,
		        cycle_slug, p->revision);
		return DB_EERR;
	}
	*out = p;
	return DB_OK;
}

static int load_comuni(db *d, arena *a, long long tenant_id, plan_html_comune **out, size_t *n)
{
	db_res *res;
	int rc = db_query(d, a, &res,
	                  "SELECT istat_code, name, population FROM comuni WHERE tenant_id = ? ORDER BY position", "i",
	                  tenant_id);
	if (rc != DB_OK)
		return rc;
	*n = db_nrows(res);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (plan_html_comune){db_val(res, i, 0), db_val(res, i, 1), db_int(res, i, 2)};
	return DB_OK;
}

/* When the Region approved the published revision; NULL if it has no
 * approving review (published by other means). */
static int load_approval(db *d, arena *a, const published *p, const char **at)
{
	db_res *res;
	*at = NULL;
	int rc = db_query(d, a, &res,
	                  "SELECT reviewed_at FROM plan_reviews WHERE tenant_id = ? AND cycle_id = ? AND revision = ?"
	                  " AND decision = 'approve'",
	                  "iii", p->tenant_id, p->cycle_id, p->revision);
	if (rc == DB_OK && db_nrows(res) == 1)
		*at = db_val(res, 0, 0);
	return rc;
}

/* ---------------------------------------------------------------- hashing, answers */

/* Fills the hashes of the bytes about to be served; false when OpenSSL
 * fails. A stored hash that differs means the row was altered outside the
 * application: the answer still tells the truth about its own bytes, and
 * the log says so. */
static bool hash_snapshot(published *p)
{
	unsigned char md[SHA256_LEN];
	if (sha256(p->snapshot, p->snapshot_len, md) != 0)
		return false;
	sha256_to_hex(md, p->sha256_hex);
	EVP_EncodeBlock((unsigned char *)p->sha256_b64, md, SHA256_LEN);
	if (strcmp(p->stored_sha256, p->sha256_hex) != 0)
		log_msg(LOG_ERROR, "published snapshot of %s/%s revision %lld does not match its stored sha256",
		        p->tenant_slug, p->cycle_slug, p->revision);
	return true;
}

/* The published plan the path names, hashed; NULL after answering 404/500/503. */
static published *path_published(http_req *r)
{
	published *p;
	if (!http_db_ok(r, load_published(r->db, r->a, http_param(r, "tenant"), http_param(r, "cycle"), &p),
	                "il piano pubblicato"))
		return NULL;
	if (p == NULL) {
		http_problem(r, 404, NOT_PUBLISHED);
		return NULL;
	}
	if (!hash_snapshot(p)) {
		log_msg(LOG_ERROR, "SHA-256 of the published snapshot of %s/%s failed", p->tenant_slug, p->cycle_slug);
		http_problem(r, 500, "il documento pubblicato non ha potuto essere verificato");
		return NULL;
	}
	return p;
}

/* ---------------------------------------------------------------- routes */

static void get_public_json(http_req *r)
{
	published *p = path_published(r);
	if (p == NULL)
		return;
	const char *etag = arena_printf(r->a, "\"%s\"", p->sha256_hex);
	http_set_header(r, "ETag", etag);
	http_set_header(r, "Repr-Digest", arena_printf(r->a, "sha-256=:%s:", p->sha256_b64));
	/* The bytes of a revision never change, but which revision is published
	 * may: caches keep the copy and ask again each time. */
	http_set_header(r, "Cache-Control", "no-cache");
	http_set_header(r, "Link",
	                arena_printf(r->a, "<" PUBLIC_HTML_PATH ">; rel=\"alternate\"; type=\"text/html\"",
	                             p->tenant_slug, p->cycle_slug));
	if (http_if_none_match(r, etag)) {
		r->status = 304;
		r->content_type = NULL;
		r->resp_len = 0;
		return;
	}
	http_body(r, 200, "application/json", p->snapshot, p->snapshot_len);
}

/* The published revisions and the updates between them. */
static void get_public_history(http_req *r)
{
	published *p = path_published(r);
	plan_history *list;
	size_t n;
	if (p == NULL || !http_db_ok(r, plan_store_history(r->db, r->a, p->tenant_id, p->cycle_id, &list, &n),
	                             "la storia del piano"))
		return;
	http_set_header(r, "Cache-Control", "no-cache");
	jw *w = http_json_begin(r);
	jw_obj_begin(w);
	jw_key(w, "items");
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		jw_kint(w, "revision", list[i].revision);
		jw_kstr(w, "published_at", cycle_time_rfc3339(r->a, list[i].published_at));
		jw_kstr(w, "reason", list[i].reason);
		jw_kstr(w, "reopened_at", cycle_time_rfc3339(r->a, list[i].reopened_at));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	http_json_end(r, w, 200);
}

static void to_body(void *ctx, const char *buf, size_t len)
{
	http_append(ctx, buf, len);
}

/* Prints the document of snapshot (tenant_id, cycle_id) into the answer;
 * in has the fields particular to the caller (hash, path, approval, or the
 * draft's). */
static void answer_document(http_req *r, long long tenant_id, long long cycle_id, const char *what,
                            const char *snapshot_text, size_t len, plan_html_input *in)
{
	cycle_catalog catalog;
	cycle_template template;
	cycle_glossary glossary;
	cycle_norm *norms;
	plan_html_comune *comuni;
	json_value *snapshot;
	char err[128];
	if (!http_db_ok(r, cycle_store_load_catalog(r->db, r->a, cycle_id, &catalog), "il catalogo") ||
	    !http_db_ok(r, cycle_store_load_template(r->db, r->a, cycle_id, &template), "lo schema") ||
	    !http_db_ok(r, cycle_store_load_norms(r->db, r->a, cycle_id, &norms, &in->nnorms), "le norme") ||
	    !http_db_ok(r, cycle_store_load_glossary(r->db, r->a, cycle_id, &glossary), "il glossario") ||
	    !http_db_ok(r, load_comuni(r->db, r->a, tenant_id, &comuni, &in->ncomuni), "i Comuni"))
		return;
	if (json_parse(r->a, snapshot_text, len, &snapshot, err, sizeof(err)) != JSON_OK) {
		log_msg(LOG_ERROR, "%s is not JSON: %s", what, err);
		http_problem(r, 500, "impossibile leggere il piano");
		return;
	}
	in->snapshot = snapshot;
	in->catalog = &catalog;
	in->template = &template;
	in->norms = norms;
	in->glossary = &glossary;
	in->comuni = comuni;

	r->resp_len = 0;
	plan_html_render(html_new(r->a, to_body, r), in);
	r->status = 200;
	r->content_type = "text/html"; /* the server adds "; charset=utf-8" to text types */
	http_set_header(r, "Content-Security-Policy", HTML_CSP);
	http_set_header(r, "Referrer-Policy", "no-referrer");
}

static void get_public_html(http_req *r)
{
	published *p = path_published(r);
	if (p == NULL)
		return;
	plan_html_input in = {.sha256 = p->sha256_hex, .reference = p->cycle_reference};
	plan_history *history;
	if (!http_db_ok(r, load_approval(r->db, r->a, p, &in.approved_at), "la revisione") ||
	    !http_db_ok(r, plan_store_history(r->db, r->a, p->tenant_id, p->cycle_id, &history, &in.nhistory),
	                "la storia del piano"))
		return;
	in.history = history;
	in.json_path = arena_printf(r->a, PUBLIC_JSON_PATH, p->tenant_slug, p->cycle_slug);
	answer_document(
	    r, p->tenant_id, p->cycle_id,
	    arena_printf(r->a, "published snapshot of %s/%s revision %lld", p->tenant_slug, p->cycle_slug, p->revision),
	    p->snapshot, p->snapshot_len, &in);
	if (r->status == 200)
		http_set_header(r, "Link",
		                arena_printf(r->a, "<%s>; rel=\"alternate\"; type=\"application/json\"", in.json_path));
}

/* The printable draft: the same document from the plan as it is now, for
 * whoever may read the plan (the route is tenant-scoped: another tenant's
 * member gets 404). It changes with every save: never stored by caches. */
static void get_draft_html(http_req *r)
{
	if (scope_require(r, SCOPE_READERS) != 0)
		return;
	cycle *c = cycles_path_cycle(r, false);
	if (c == NULL)
		return;
	const char *snapshot, *now;
	size_t len = 0;
	int rc = plan_draft_snapshot(r->db, r->a, r->tenant->id, c, &snapshot, &len, &now);
	if (rc == PLAN_ENOPLAN) {
		http_problemf(r, 404, "%s non ha un piano per il ciclo %s", r->tenant->slug, c->slug);
		return;
	}
	if (!http_db_ok(r, rc, "la bozza"))
		return;
	plan_html_input in = {.reference = c->reference, .draft = true, .printed_at = now};
	answer_document(r, r->tenant->id, c->id, arena_printf(r->a, "draft of %s/%s", r->tenant->slug, c->slug),
	                snapshot, len, &in);
	if (r->status == 200)
		http_set_header(r, "Cache-Control", "no-store");
}

static const route routes[] = {
    {HTTP_GET, "/api/v1/public/tenants/{tenant}/plans/{cycle}", get_public_json, ROUTE_PUBLIC | ROUTE_UNSCOPED,
     "The published plan: its publication document (the submission snapshot without late, note and submitted_by), byte "
     "for byte, SHA-256 in Repr-Digest and ETag (anonymous)",
     NULL, "PublishedPlan"},
    {HTTP_GET, "/api/v1/public/tenants/{tenant}/plans/{cycle}/history", get_public_history,
     ROUTE_PUBLIC | ROUTE_UNSCOPED,
     "The published revisions of a plan, oldest first, with the reason and date of each annual update", NULL,
     "PlanHistory"},
    {HTTP_GET, "/public/{tenant}/{cycle}", get_public_html, ROUTE_PUBLIC | ROUTE_UNSCOPED,
     "The published plan as a printable Italian HTML document, text/html (anonymous; errors are problem+json)", NULL,
     NULL},
    {HTTP_GET, "/api/v1/tenants/{tenant}/plans/{cycle}/document", get_draft_html, ROUTE_TENANT,
     "The printable draft: the same HTML document from the plan as it is now, marked BOZZA on every page "
     "(readers of the plan; errors are problem+json)",
     NULL, NULL},
    /* The same document for the browser: the API does not take a session. */
    {HTTP_GET, "/ats/{tenant}/piani/{cycle}/bozza", get_draft_html, ROUTE_PAGE | ROUTE_TENANT,
     "La bozza stampabile del piano"},
};

void plan_public_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
