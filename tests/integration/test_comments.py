"""Comments on a plan (SPEC §5) against a real ambitod: who sees and writes
them (region staff, the assigned university, every member of the tenant;
404 for everybody else, 401 without a token), every validation rule with the
exact field it names, replies (one level deep), resolving with ETag and
If-Match and its audit row, Italian text byte-exact, filters and pagination.

One database and one server for the whole file. The cycle is the shipped
Marche 2020-2022 file; plans rows are written by SQL, since comments need
nothing of a plan but its existence. Expected values are written here."""

import os
import re
import unittest

import harness

PASSWORD = "una password lunga abbastanza"
MARCHE = os.path.join(harness.source_dir(), "deploy", "data",
                      "marche-2020-2022.json")
PLAN = "/api/v1/tenants/ats-20/plans/2020-2022"
COMMENTS = PLAN + "/comments"
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")

# (key, email, name, role, tenant)
USERS = [
    ("admin", "admin@regione.example", "Anna Amministratrice", "region_admin", None),
    ("reviewer", "reviewer@regione.example", "Rita Revisora", "region_reviewer", None),
    ("uni", "uni@univpm.example", "Ugo Università", "university", "ats-20"),
    ("uni_other", "uni21@univpm.example", "Olga Altrove", "university", "ats-21"),
    ("coord", "coord@ats20.example", "Carla Coordinatrice", "ats_coordinator", "ats-20"),
    ("editor", "editor@ats20.example", "Enzo Editore", "ats_editor", "ats-20"),
    ("viewer", "viewer@ats20.example", "Vera Lettrice", "ats_viewer", "ats-20"),
    ("coord_other", "coord@ats21.example", "Cosimo Altro", "ats_coordinator", "ats-21"),
]
READERS = ["admin", "reviewer", "uni", "coord", "editor", "viewer"]
OUTSIDERS = ["uni_other", "coord_other"]

DB = SRV = None
TOKENS = {}
IDS = {}


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)
    DB.sql("INSERT INTO tenants (slug, code, name) VALUES "
           "('ats-20', 'ATS20', 'ATS 20 Fermo'), ('ats-21', 'ATS21', 'ATS 21 San Benedetto'), "
           "('ats-22', 'ATS22', 'ATS 22 Ascoli')")
    for key, email, name, role, tenant in USERS:
        args = ["user", "add", "--email", email, "--role", role, "--name", name,
                "--password-stdin"]
        if tenant:
            args += ["--tenant", tenant]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
    # ats-20 and ats-21 have a plan for the cycle; ats-22 has none.
    DB.sql("INSERT INTO plans (tenant_id, cycle_id) SELECT t.id, c.id FROM tenants t, cycles c "
           "WHERE t.slug IN ('ats-20', 'ats-21') AND c.slug = '2020-2022'")
    for row in DB.sql("SELECT email, id FROM users"):
        IDS[row[0]] = int(row[1])
    SRV = harness.Server(DB)
    for key, email, _, _, _ in USERS:
        r = SRV.request("POST", "/api/v1/auth/login",
                        {"email": email, "password": PASSWORD})
        assert r.status == 200, r
        TOKENS[key] = r.json()["access_token"]


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def req(method, path, who="coord", body=None, etag=None, headers=None, raw=None):
    hdrs = dict(headers or {})
    if etag is not None:
        hdrs["If-Match"] = etag
    return SRV.request(method, path, body=body, raw=raw, headers=hdrs,
                       token=TOKENS[who] if who else None)


def post(body, who="coord", path=COMMENTS):
    return req("POST", path, who, body)


def created(body, who="coord", path=COMMENTS):
    r = post(body, who, path)
    assert r.status == 201, r
    return r.json()


def fields(r):
    assert r.status == 422, r
    assert r.headers["Content-Type"] == "application/problem+json", r.headers
    return sorted(e["field"] for e in r.json()["errors"])


def person(key):
    email = [u[1] for u in USERS if u[0] == key][0]
    name = [u[2] for u in USERS if u[0] == key][0]
    return {"id": IDS[email], "name": name}


def all_pages(path, who="coord", limit=2):
    items, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in path else "?"
        url = path + sep + "limit=%d" % limit + ("&cursor=" + cursor if cursor else "")
        r = req("GET", url, who)
        assert r.status == 200, r
        page = r.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


class Visibility(unittest.TestCase):

    def test_readers_comment_and_see_each_others_comments(self):
        ids = {}
        for who in READERS:
            with self.subTest(who=who):
                r = post({"section": "I.3", "part": "testo", "body": "Nota di " + who, "reply_to": None}, who)
                self.assertEqual(r.status, 201, r)
                c = r.json()
                ids[who] = c["id"]
                self.assertEqual(r.headers["Location"], COMMENTS + "/%d" % c["id"])
                self.assertTrue(r.headers.get("ETag"))
                self.assertEqual(c["author"], person(who))
                self.assertEqual(c["section"], "I.3")
                self.assertEqual(c["part"], "testo")
                self.assertEqual(c["body"], "Nota di " + who)
                self.assertIsNone(c["reply_to"])
                self.assertIs(c["resolved"], False)
                self.assertIsNone(c["resolved_by"])
                self.assertIsNone(c["resolved_at"])
                self.assertRegex(c["created_at"], RFC3339_UTC)
                self.assertEqual(sorted(c), sorted(["id", "section", "part", "body", "reply_to", "author",
                                                    "created_at", "resolved", "resolved_by", "resolved_at"]))
        for who in READERS:
            with self.subTest(reader=who):
                items, _ = all_pages(COMMENTS + "?section=I.3", who, limit=500)
                bodies = {c["id"]: c["body"] for c in items}
                for author, cid in ids.items():
                    self.assertEqual(bodies.get(cid), "Nota di " + author)
                g = req("GET", COMMENTS + "/%d" % ids["uni"], who)
                self.assertEqual(g.status, 200, g)
                self.assertEqual(g.json()["author"], person("uni"))

    def test_outsiders_get_404_like_a_missing_tenant(self):
        cid = created({"section": "I.3", "body": "Riservato"})["id"]
        for who in OUTSIDERS:
            for method, path, body in (("GET", COMMENTS, None),
                                       ("POST", COMMENTS, {"section": "I.3", "body": "x"}),
                                       ("GET", COMMENTS + "/%d" % cid, None),
                                       ("PATCH", COMMENTS + "/%d" % cid, {"resolved": True})):
                with self.subTest(who=who, method=method, path=path):
                    r = req(method, path, who, body, etag='"x"')
                    self.assertEqual(r.status, 404, r)
                    self.assertNotIn("Riservato", r.text)
                    missing = req(method, path.replace("ats-20", "ats-99"), who, body, etag='"x"')
                    self.assertEqual(missing.status, 404)
                    a, b = r.json(), missing.json()
                    a.pop("request_id"), b.pop("request_id")
                    self.assertEqual(a, b)
        # Nothing was written by them.
        rows = DB.sql("SELECT COUNT(*) FROM plan_comments c JOIN users u ON u.id = c.author_id "
                      "JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = 'ats-20' "
                      "AND u.email IN ('uni21@univpm.example', 'coord@ats21.example')")
        self.assertEqual(rows, [["0"]])
        self.assertIs(req("GET", COMMENTS + "/%d" % cid).json()["resolved"], False)

    def test_anonymous_gets_401(self):
        for method, path, body in (("GET", COMMENTS, None), ("POST", COMMENTS, {"section": "I.3", "body": "x"}),
                                   ("GET", COMMENTS + "/1", None), ("PATCH", COMMENTS + "/1", {"resolved": True})):
            with self.subTest(method=method):
                r = req(method, path, None, body, etag='"x"')
                self.assertEqual(r.status, 401, r)
                self.assertEqual(r.headers["Content-Type"], "application/problem+json")

    def test_other_tenant_keeps_its_own_comments(self):
        other = "/api/v1/tenants/ats-21/plans/2020-2022/comments"
        c = created({"section": "I.1", "body": "Solo per ATS 21"}, "coord_other", other)
        self.assertEqual(c["author"], person("coord_other"))
        items, _ = all_pages(COMMENTS, "admin", limit=500)
        self.assertNotIn(c["id"], [i["id"] for i in items])
        self.assertNotIn("Solo per ATS 21", [i["body"] for i in items])
        self.assertEqual(req("GET", COMMENTS + "/%d" % c["id"], "admin").status, 404)
        self.assertEqual(req("GET", other + "/%d" % c["id"], "uni_other").status, 200)
        self.assertEqual(req("GET", other + "/%d" % c["id"], "uni").status, 404)

    def test_no_plan_or_no_cycle_is_404(self):
        for path in ("/api/v1/tenants/ats-22/plans/2020-2022/comments",
                     "/api/v1/tenants/ats-20/plans/2023-2025/comments",
                     "/api/v1/tenants/ats-20/plans/NOT%20A%20SLUG/comments"):
            with self.subTest(path=path):
                self.assertEqual(req("GET", path, "admin").status, 404)
                r = req("POST", path, "admin", {"section": "I.1", "body": "x"})
                self.assertEqual(r.status, 404, r)
        self.assertEqual(req("GET", COMMENTS + "/999999", "admin").status, 404)
        self.assertEqual(req("GET", COMMENTS + "/abc", "admin").status, 404)
        self.assertEqual(req("GET", COMMENTS + "/0", "admin").status, 404)


class Validation(unittest.TestCase):

    def test_every_rule_names_its_field(self):
        cases = [
            ({}, ["body", "section"]),
            ({"section": "A.1.2", "body": "ok", "colore": "rosso"}, ["colore"]),
            ({"section": "Z.9", "body": "ok"}, ["section"]),
            ({"section": 12, "body": "ok"}, ["section"]),
            ({"section": "", "body": "ok"}, ["section"]),
            ({"section": "I.1", "part": "analisi", "body": "ok"}, ["part"]),
            ({"section": "A.1.2", "part": 5, "body": "ok"}, ["part"]),
            ({"section": "A.1.2", "part": "", "body": "ok"}, ["part"]),
            ({"section": "A.1.2", "body": ""}, ["body"]),
            ({"section": "A.1.2", "body": " \n\t\r\n "}, ["body"]),
            ({"section": "A.1.2", "body": None}, ["body"]),
            ({"section": "A.1.2", "body": ["testo"]}, ["body"]),
            ({"section": "A.1.2", "body": "a\u0001b"}, ["body"]),
            ({"section": "A.1.2", "body": "x" * 10001}, ["body"]),
            ({"section": "A.1.2", "body": "è" * 10001}, ["body"]),
            ({"section": "A.1.2", "body": "ok", "reply_to": 999999}, ["reply_to"]),
            ({"section": "A.1.2", "body": "ok", "reply_to": 0}, ["reply_to"]),
            ({"section": "A.1.2", "body": "ok", "reply_to": "1"}, ["reply_to"]),
            ({"section": "A.1.2", "body": "ok", "reply_to": 1.5}, ["reply_to"]),
            ({"section": "Z.9", "body": "", "reply_to": -1}, ["body", "reply_to", "section"]),
        ]
        before = DB.sql("SELECT COUNT(*) FROM plan_comments")
        for body, want in cases:
            with self.subTest(body=str(body)[:80]):
                self.assertEqual(fields(post(body)), want)
        self.assertEqual(DB.sql("SELECT COUNT(*) FROM plan_comments"), before)

    def test_limits_count_characters(self):
        # 10 000 characters of two bytes each: at the limit, accepted whole.
        c = created({"section": "A.1.2", "part": "analisi", "body": "è" * 10000})
        self.assertEqual(c["body"], "è" * 10000)
        rows = DB.sql("SELECT CHAR_LENGTH(body), LENGTH(body) FROM plan_comments WHERE id = %d" % c["id"])
        self.assertEqual(rows, [["10000", "20000"]])
        r = post({"section": "A.1.2", "body": "😀" * 10001})
        self.assertEqual(fields(r), ["body"])
        self.assertEqual(r.json()["errors"][0]["message"],
                         "supera il limite di 10.000 caratteri (ne ha 10.001)")

    def test_malformed_bodies(self):
        r = req("POST", COMMENTS, raw=b'{"section": "A.1.2", "body": ', headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)
        r = req("POST", COMMENTS, raw=b'section=A.1.2', headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415, r)
        r = req("POST", COMMENTS, body=["section", "A.1.2"])
        self.assertEqual(r.status, 422, r)
        r = req("POST", COMMENTS, raw=b'{"section": "A.1.2", "body": "\xff\xfe"}',
                headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)

    def test_reply_rules(self):
        root = created({"section": "A.1.2", "part": "analisi", "body": "Manca il dato sui Comuni"}, "reviewer")
        other_part = created({"section": "A.1.2", "part": "obiettivi", "body": "Altro"}, "reviewer")
        whole = created({"section": "A.1.2", "part": None, "body": "Sull'intera sezione"}, "reviewer")
        r = post({"section": "A.1.2", "part": "obiettivi", "body": "Risposta", "reply_to": root["id"]})
        self.assertEqual(fields(r), ["reply_to"])
        r = post({"section": "A.1.2", "body": "Risposta", "reply_to": root["id"]})
        self.assertEqual(fields(r), ["reply_to"])
        r = post({"section": "I.1", "part": "premessa_politica", "body": "Risposta", "reply_to": root["id"]})
        self.assertEqual(fields(r), ["reply_to"])
        r = post({"section": "A.1.2", "part": "analisi", "body": "Risposta", "reply_to": whole["id"]})
        self.assertEqual(fields(r), ["reply_to"])
        self.assertNotEqual(other_part["id"], root["id"])
        # A comment of another tenant's plan is no comment of this one.
        theirs = created({"section": "A.1.2", "part": "analisi", "body": "ATS 21"}, "coord_other",
                         "/api/v1/tenants/ats-21/plans/2020-2022/comments")
        r = post({"section": "A.1.2", "part": "analisi", "body": "Risposta", "reply_to": theirs["id"]})
        self.assertEqual(fields(r), ["reply_to"])

    def test_every_plan_status_takes_comments(self):
        try:
            for status in ("submitted", "changes_requested", "approved", "published", "draft"):
                DB.sql("UPDATE plans SET status = '%s' WHERE tenant_id = (SELECT id FROM tenants "
                       "WHERE slug = 'ats-20')" % status)
                with self.subTest(status=status):
                    c = created({"section": "I.1", "body": "In stato " + status}, "reviewer")
                    self.assertEqual(c["body"], "In stato " + status)
        finally:
            DB.sql("UPDATE plans SET status = 'draft' WHERE tenant_id = (SELECT id FROM tenants "
                   "WHERE slug = 'ats-20')")


class Threads(unittest.TestCase):

    def test_replies_are_one_level_deep(self):
        root = created({"section": "A.1.2", "part": "strategia", "body": "Perché solo 3 Comuni?"}, "uni")
        reply = created({"section": "A.1.2", "part": "strategia", "body": "Gli altri aderiscono nel 2022",
                         "reply_to": root["id"]}, "coord")
        self.assertEqual(reply["reply_to"], root["id"])
        self.assertEqual(reply["author"], person("coord"))
        deeper = created({"section": "A.1.2", "part": "strategia", "body": "Grazie, chiaro.",
                          "reply_to": reply["id"]}, "uni")
        self.assertEqual(deeper["reply_to"], root["id"])
        stored = DB.sql("SELECT reply_to FROM plan_comments WHERE id = %d" % deeper["id"])
        self.assertEqual(stored, [[str(root["id"])]])
        items, _ = all_pages(COMMENTS + "?section=A.1.2", "viewer", limit=500)
        thread = [(c["id"], c["reply_to"]) for c in items if c["part"] == "strategia"]
        self.assertEqual(thread, [(root["id"], None), (reply["id"], root["id"]), (deeper["id"], root["id"])])

    def test_section_level_reply(self):
        root = created({"section": "I.2", "body": "Mancano le DGR del 2021"}, "reviewer")
        reply = created({"section": "I.2", "part": None, "body": "Aggiunte", "reply_to": root["id"]}, "editor")
        self.assertEqual((reply["part"], reply["reply_to"]), (None, root["id"]))


class Resolve(unittest.TestCase):

    def test_resolve_and_open_again(self):
        c = created({"section": "A.1.1", "part": "caratteristiche", "body": "Dati ISTAT 2019?"}, "reviewer")
        path = COMMENTS + "/%d" % c["id"]
        g = req("GET", path, "viewer")
        self.assertEqual(g.status, 200)
        etag = g.headers["ETag"]
        self.assertEqual(g.json(), c)

        self.assertEqual(req("PATCH", path, "viewer", {"resolved": True}).status, 428)
        self.assertEqual(req("PATCH", path, "viewer", {"resolved": True}, etag='"comment-0-open"').status, 412)
        self.assertEqual(fields(req("PATCH", path, "viewer", {"resolved": "sì"}, etag=etag)), ["resolved"])
        self.assertEqual(fields(req("PATCH", path, "viewer", {}, etag=etag)), ["resolved"])
        self.assertEqual(fields(req("PATCH", path, "viewer", {"resolved": True, "body": "x"}, etag=etag)), ["body"])

        r = req("PATCH", path, "viewer", {"resolved": True}, etag=etag)
        self.assertEqual(r.status, 200, r)
        done = r.json()
        self.assertIs(done["resolved"], True)
        self.assertEqual(done["resolved_by"], person("viewer"))
        self.assertRegex(done["resolved_at"], RFC3339_UTC)
        self.assertEqual({k: v for k, v in done.items() if not k.startswith("resolved")},
                         {k: v for k, v in c.items() if not k.startswith("resolved")})
        self.assertNotEqual(r.headers["ETag"], etag)
        self.assertEqual(req("GET", path, "admin").json(), done)
        self.assertEqual(req("GET", path, "admin").headers["ETag"], r.headers["ETag"])
        # The old tag is stale now.
        self.assertEqual(req("PATCH", path, "coord", {"resolved": False}, etag=etag).status, 412)

        audit = DB.sql("SELECT object, detail, outcome, user_id FROM audit_log WHERE method = 'PATCH' "
                       "AND object = '/api/v1/tenants/ats-20/plans/2020-2022/comments/%d' AND status = 200"
                       % c["id"])
        self.assertEqual(audit, [[path, "resolved", "ok", str(person("viewer")["id"])]])

        r = req("PATCH", path, "uni", {"resolved": False}, etag=r.headers["ETag"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["resolved"], r.json()["resolved_by"], r.json()["resolved_at"]),
                         (False, None, None))
        self.assertEqual(DB.sql("SELECT resolved, resolved_by IS NULL, resolved_at IS NULL FROM plan_comments "
                                "WHERE id = %d" % c["id"]), [["0", "1", "1"]])

    def test_unknown_comment(self):
        for path in (COMMENTS + "/999999", COMMENTS + "/x1"):
            r = req("PATCH", path, "admin", {"resolved": True}, etag='"comment-1-open"')
            self.assertEqual(r.status, 404, r)

    def test_post_is_audited(self):
        c = created({"section": "A.1.1", "part": "composizione_storia", "body": "Audit"}, "editor")
        rows = DB.sql("SELECT object, detail, outcome FROM audit_log WHERE method = 'POST' AND object = "
                      "'/api/v1/tenants/ats-20/plans/2020-2022/comments/%d'" % c["id"])
        self.assertEqual(rows, [["/api/v1/tenants/ats-20/plans/2020-2022/comments/%d" % c["id"],
                                 "comment on A.1.1/composizione_storia", "ok"]])


class Text(unittest.TestCase):

    def test_italian_text_round_trips_byte_exact(self):
        body = ("Perché la città è più sostenibile? Sì, così: «virgolette» e ‘apostrofi’ — "
                "l'ATS n° 20 😀👩‍👩‍👧\nSeconda riga\tcon tab\r\nTerza riga: È già òàùì€")
        c = created({"section": "I.4", "part": "testo", "body": body}, "uni")
        self.assertEqual(c["body"], body)
        g = req("GET", COMMENTS + "/%d" % c["id"], "coord")
        self.assertEqual(g.json()["body"], body)
        items, _ = all_pages(COMMENTS + "?section=I.4", "coord", limit=500)
        self.assertIn(body, [i["body"] for i in items])
        hexed = DB.sql("SELECT HEX(body) FROM plan_comments WHERE id = %d" % c["id"])[0][0]
        self.assertEqual(hexed, body.encode("utf-8").hex().upper())


class Listing(unittest.TestCase):

    def test_pages_filters_and_order(self):
        made = [created({"section": "I.6", "part": "testo", "body": "Commento %d" % i}, "reviewer")["id"]
                for i in range(7)]
        items, pages = all_pages(COMMENTS + "?section=I.6", "uni", limit=3)
        self.assertEqual([c["id"] for c in items], made)
        self.assertEqual([c["body"] for c in items], ["Commento %d" % i for i in range(7)])
        self.assertEqual(pages, 3)
        first = req("GET", COMMENTS + "?section=I.6&limit=3", "uni").json()
        self.assertEqual(first["next_cursor"], str(made[2]))
        self.assertEqual(len(first["items"]), 3)
        last = req("GET", COMMENTS + "?section=I.6&limit=7", "uni").json()
        self.assertIsNone(last["next_cursor"])

        # Resolved filter.
        path = COMMENTS + "/%d" % made[1]
        etag = req("GET", path).headers["ETag"]
        self.assertEqual(req("PATCH", path, "coord", {"resolved": True}, etag=etag).status, 200)
        done, _ = all_pages(COMMENTS + "?section=I.6&resolved=true", "uni")
        self.assertEqual([c["id"] for c in done], [made[1]])
        still, _ = all_pages(COMMENTS + "?section=I.6&resolved=false", "uni")
        self.assertEqual([c["id"] for c in still], made[:1] + made[2:])

        # The whole list is ordered by id and holds every section.
        everything, _ = all_pages(COMMENTS, "admin", limit=500)
        ids = [c["id"] for c in everything]
        self.assertEqual(ids, sorted(ids))
        self.assertTrue(set(made) <= set(ids))

    def test_bad_parameters(self):
        for query, field in (("?section=Z.9", "section"), ("?resolved=forse", "resolved")):
            with self.subTest(query=query):
                r = req("GET", COMMENTS + query)
                self.assertEqual(r.status, 400, r)
                self.assertEqual([e["field"] for e in r.json()["errors"]], [field])
        for query in ("?limit=0", "?limit=501", "?limit=x", "?cursor=abc", "?cursor=-1"):
            with self.subTest(query=query):
                self.assertEqual(req("GET", COMMENTS + query).status, 400)
        r = req("GET", COMMENTS + "?section=I.5")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"items": [], "next_cursor": None})


if __name__ == "__main__":
    harness.main()
