"""The diff between two submissions of a plan (SPEC §5) against a real
ambitod. Through the API: the shipped Marche 2020-2022 cycle, a plan written
section by section, submitted, sent back by the Region, edited and submitted
again, then the diff of the two submissions written out in full; a third
submission whose rewritten part passes the edit limit (truncated). With
hand-written snapshots stored by SQL: sections that appear and disappear,
CRLF against LF, Italian text byte-exact, an unreadable stored snapshot.
And who may read a diff: every reader of the tenant, nobody else.

Expected answers are written here, never taken from the server."""

import hashlib
import json
import os
import re
import unittest

import harness

PASSWORD = "una password lunga abbastanza"
MARCHE = os.path.join(harness.source_dir(), "deploy", "data",
                      "marche-2020-2022.json")
PLAN = "/api/v1/tenants/ats-20/plans/2020-2022"
SQL_PLAN = "/api/v1/tenants/ats-30/plans/2020-2022"

USERS = [
    ("admin", "admin@regione.example", "region_admin", None),
    ("reviewer", "reviewer@regione.example", "region_reviewer", None),
    ("uni", "uni@univpm.example", "university", "ats-20"),
    ("uni_other", "uni21@univpm.example", "university", "ats-21"),
    ("coord", "coord@ats20.example", "ats_coordinator", "ats-20"),
    ("editor", "editor@ats20.example", "ats_editor", "ats-20"),
    ("viewer", "viewer@ats20.example", "ats_viewer", "ats-20"),
    ("coord_other", "coord@ats21.example", "ats_coordinator", "ats-21"),
    ("coord30", "coord@ats30.example", "ats_coordinator", "ats-30"),
]

DB = SRV = None
TOKENS = {}

# The text of A.1.2 "analisi" in submission 1; submission 2 changes line 6.
ANALISI_1 = "\n".join("Riga %d: il territorio è più vasto" % i for i in range(1, 11))
ANALISI_2 = ANALISI_1.replace("Riga 6: il territorio è più vasto", "Riga 6: il territorio è cambiato 😀")
# A.1.3 "analisi": 600 lines, all rewritten by submission 3.
LONG_OLD = "".join("vecchia riga %d\n" % i for i in range(600))
LONG_NEW = "".join("nuova riga %d\n" % i for i in range(600))


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)
    DB.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-20', 'ATS20', 'ATS 20 Fermo'), "
           "('ats-21', 'ATS21', 'ATS 21 San Benedetto'), ('ats-30', 'ATS30', 'ATS 30 Prova')")
    for key, email, role, tenant in USERS:
        args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
        if tenant:
            args += ["--tenant", tenant]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    for key, email, _, _ in USERS:
        r = SRV.request("POST", "/api/v1/auth/login",
                        {"email": email, "password": PASSWORD})
        assert r.status == 200, r
        TOKENS[key] = r.json()["access_token"]
    write_plan_through_the_api()
    store_hand_written_snapshots()


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def req(method, path, who="coord", body=None, etag=None):
    hdrs = {"If-Match": etag} if etag is not None else {}
    return SRV.request(method, path, body=body, headers=hdrs,
                       token=TOKENS[who] if who else None)


def ok(r, status=200):
    assert r.status == status, r
    return r


def put_section(key, parts, indicators=None):
    path = PLAN + "/sections/" + key
    etag = ok(req("GET", path)).headers["ETag"]
    body = {"parts": parts, "indicators": indicators or [], "spending": []}
    ok(req("PUT", path, "editor", body, etag=etag))


def write_plan_through_the_api():
    with open(MARCHE, encoding="utf-8") as f:
        template = json.load(f)["template"]["sections"]
    ok(req("POST", "/api/v1/tenants/ats-20/plans", body={"cycle": "2020-2022"}), 201)
    for s in template:
        parts = {p["key"]: "Testo %s %s" % (s["key"], p["key"]) for p in s["parts"] if p["required"]}
        if s["key"] == "A.1.2":
            parts["analisi"] = ANALISI_1
        elif s["key"] == "A.1.3":
            parts["analisi"] = LONG_OLD
        elif s["key"] == "I.5":
            parts["testo"] = "Famiglie e minori"
        elif s["key"] == "B.1":
            parts["analisi"] = "uno\r\ndue\r\n"
        if parts:
            put_section(s["key"], parts)
    ok(req("POST", PLAN + "/submit", body={"note": "Prima stesura"}), 201)
    ok(req("POST", PLAN + "/submissions/1/review", "reviewer",
           {"decision": "request_changes", "note": "Rivedere A.1.2"}), 201)
    # Submission 2: one line of A.1.2 changed and an indicator added, I.2
    # written for the first time, I.5 emptied, B.1 the same text with LF.
    a12 = {"analisi": ANALISI_2, "obiettivi": "Testo A.1.2 obiettivi",
           "strategia": "Testo A.1.2 strategia", "valutazione": "Testo A.1.2 valutazione"}
    put_section("A.1.2", a12, [{"name": "Comuni coinvolti", "kind": "result", "unit": "n.",
                                "baseline": "10", "target": "23", "source": None}])
    put_section("I.2", {"accordi": "Accordo di programma del 2021\nProtocollo con l'ASUR"})
    put_section("I.5", {})
    put_section("B.1", {"analisi": "uno\ndue\n", "obiettivi": "Testo B.1 obiettivi",
                        "strategia": "Testo B.1 strategia", "valutazione": "Testo B.1 valutazione"})
    ok(req("POST", PLAN + "/submit", body={"note": "Seconda stesura"}), 201)
    ok(req("POST", PLAN + "/submissions/2/review", "reviewer",
           {"decision": "request_changes", "note": "Rivedere A.1.3"}), 201)
    put_section("A.1.3", {"analisi": LONG_NEW, "obiettivi": "Testo A.1.3 obiettivi",
                          "strategia": "Testo A.1.3 strategia", "valutazione": "Testo A.1.3 valutazione"})
    ok(req("POST", PLAN + "/submit", body={"note": "Terza stesura"}), 201)


def section(key, title, status, parts=None, indicators=None):
    return {"actions": [], "area": None, "indicators": indicators or [], "key": key,
            "parts": parts or {}, "spending": [], "status": status, "title": title}


def snapshot(revision, sections, income=None):
    return {"cycle": {"end_year": 2022, "slug": "2020-2022", "start_year": 2020,
                      "title": "Piani Sociali Territoriali di ATS 2020-2022"},
            "finance": {"income": income or []}, "format": "ambito-plan-snapshot/1",
            "groups": [], "late": False, "note": None, "revision": revision, "sections": sections,
            "submitted_at": "2021-06-30T10:00:00Z", "submitted_by": {"id": 1, "name": "Prova"},
            "template_version": 1, "tenant": {"name": "ATS 30 Prova", "slug": "ats-30"}}


SNAPSHOTS = {
    1: snapshot(1, [
        section("I.1", "Premessa", "complete",
                {"nota_tecnica": "Città di Fermo\r\nPorto San Giorgio\r\n", "premessa_politica": "Perché sì"}),
        section("I.2", "Riferimenti normativi", "complete", {"accordi": "Accordo 2019"}),
        section("X.1", "Sezione tolta", "partial", {"testo": "Solo qui"}),
    ]),
    2: snapshot(2, [
        section("I.1", "Premessa", "complete",
                {"nota_tecnica": "Città di Fermo\nPorto San Giorgio\n", "premessa_politica": "Perché no: è così 👍"}),
        section("I.2", "Riferimenti normativi", "complete", {"accordi": "Accordo 2019"}),
        section("N.1", "Sezione nuova", "partial", {"testo": "Nuova\n\nriga"}),
    ], income=[{"amount_eur": 1000.5, "note": None, "source": "regione", "year": 2021}]),
}


def store_hand_written_snapshots():
    DB.sql("INSERT INTO plans (tenant_id, cycle_id, status, revision) SELECT t.id, c.id, 'submitted', 3 "
           "FROM tenants t, cycles c WHERE t.slug = 'ats-30' AND c.slug = '2020-2022'")
    texts = {rev: json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
             for rev, doc in SNAPSHOTS.items()}
    texts[3] = '{"format":"ambito-plan-snapshot/1","sections":"rotto"'  # not even JSON
    for rev, text in texts.items():
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        DB.sql("INSERT INTO plan_submissions (tenant_id, cycle_id, revision, submitted_at, submitted_by, late, "
               "template_version, sha256, snapshot) SELECT t.id, c.id, %d, '2021-06-30 10:00:00', 1, 0, 1, '%s', "
               "UNHEX('%s') FROM tenants t, cycles c WHERE t.slug = 'ats-30' AND c.slug = '2020-2022'"
               % (rev, sha, text.encode("utf-8").hex()))


def diff(a, b, who="viewer", base=PLAN):
    r = req("GET", "%s/submissions/%s/diff/%s" % (base, a, b), who)
    assert r.status == 200, r
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    return r.json()


def eq(a, b):
    return {"op": "=", "text": a, "from_line": b[0], "to_line": b[1]}


def minus(text, line):
    return {"op": "-", "text": text, "from_line": line}


def plus(text, line):
    return {"op": "+", "text": text, "to_line": line}


class ThroughTheAPI(unittest.TestCase):

    def test_second_submission_against_the_first(self):
        self.maxDiff = None
        vasto = "Riga %d: il territorio è più vasto"
        self.assertEqual(diff(1, 2), {
            "from": 1, "to": 2, "finance_changed": False,
            "sections": [
                {"key": "I.2", "title": "Riferimenti normativi", "change": "changed",
                 "status": {"from": "empty", "to": "complete"},
                 "parts": [{"key": "accordi", "change": "added", "truncated": False,
                            "lines_removed": 0, "lines_added": 2,
                            "lines": [plus("Accordo di programma del 2021", 1),
                                      plus("Protocollo con l'ASUR", 2)]}],
                 "indicators_changed": False, "spending_changed": False},
                {"key": "I.5", "title": "Destinatari", "change": "changed",
                 "status": {"from": "complete", "to": "empty"},
                 "parts": [{"key": "testo", "change": "removed", "truncated": False,
                            "lines_removed": 1, "lines_added": 0,
                            "lines": [minus("Famiglie e minori", 1)]}],
                 "indicators_changed": False, "spending_changed": False},
                {"key": "A.1.2", "title": "Confini di ATS e coincidenza territoriale", "change": "changed",
                 "status": {"from": "complete", "to": "complete"},
                 "parts": [{"key": "analisi", "change": "changed", "truncated": False,
                            "lines_removed": 1, "lines_added": 1,
                            "lines": [eq(vasto % 3, (3, 3)), eq(vasto % 4, (4, 4)), eq(vasto % 5, (5, 5)),
                                      minus(vasto % 6, 6), plus("Riga 6: il territorio è cambiato 😀", 6),
                                      eq(vasto % 7, (7, 7)), eq(vasto % 8, (8, 8)), eq(vasto % 9, (9, 9))]}],
                 "indicators_changed": True, "spending_changed": False},
            ]})

    def test_backwards_and_same(self):
        back = diff(2, 1)
        self.assertEqual((back["from"], back["to"]), (2, 1))
        self.assertEqual([s["key"] for s in back["sections"]], ["I.2", "I.5", "A.1.2"])
        self.assertEqual(back["sections"][0]["status"], {"from": "complete", "to": "empty"})
        self.assertEqual(back["sections"][0]["parts"][0]["change"], "removed")
        self.assertEqual(back["sections"][1]["parts"][0]["change"], "added")
        lines = back["sections"][2]["parts"][0]["lines"]
        self.assertEqual(lines[3:5], [minus("Riga 6: il territorio è cambiato 😀", 6),
                                      plus("Riga 6: il territorio è più vasto", 6)])
        for rev in (1, 2, 3):
            self.assertEqual(diff(rev, rev), {"from": rev, "to": rev, "finance_changed": False, "sections": []})

    def test_rewritten_part_past_the_edit_limit_is_truncated(self):
        d = diff(2, 3, "uni")
        self.assertEqual([s["key"] for s in d["sections"]], ["A.1.3"])
        s = d["sections"][0]
        self.assertEqual((s["change"], s["status"], s["indicators_changed"], s["spending_changed"]),
                         ("changed", {"from": "complete", "to": "complete"}, False, False))
        self.assertEqual(len(s["parts"]), 1)
        p = s["parts"][0]
        self.assertEqual((p["key"], p["change"], p["truncated"], p["lines_removed"], p["lines_added"]),
                         ("analisi", "changed", True, 600, 600))
        self.assertEqual(p["lines"], [minus("vecchia riga %d" % i, i + 1) for i in range(600)] +
                         [plus("nuova riga %d" % i, i + 1) for i in range(600)])
        # From 1 to 3 both rewrites show, in template order.
        self.assertEqual([s["key"] for s in diff(1, 3)["sections"]], ["I.2", "I.5", "A.1.2", "A.1.3"])

    def test_unknown_revisions_are_404(self):
        for a, b in ((1, 4), (4, 1), (0, 1), (1, "due"), ("-1", 2), ("1.0", 2), (99999999999999999999, 1)):
            with self.subTest(a=a, b=b):
                r = req("GET", "%s/submissions/%s/diff/%s" % (PLAN, a, b), "viewer")
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.headers["Content-Type"], "application/problem+json")
        for path in ("/api/v1/tenants/ats-21/plans/2020-2022/submissions/1/diff/2",
                     "/api/v1/tenants/ats-20/plans/2023-2025/submissions/1/diff/2"):
            self.assertEqual(req("GET", path, "admin").status, 404)


class HandWrittenSnapshots(unittest.TestCase):

    def test_sections_added_removed_crlf_and_italian(self):
        self.maxDiff = None
        self.assertEqual(diff(1, 2, "coord30", SQL_PLAN), {
            "from": 1, "to": 2, "finance_changed": True,
            "sections": [
                {"key": "I.1", "title": "Premessa", "change": "changed",
                 "status": {"from": "complete", "to": "complete"},
                 "parts": [{"key": "premessa_politica", "change": "changed", "truncated": False,
                            "lines_removed": 1, "lines_added": 1,
                            "lines": [minus("Perché sì", 1), plus("Perché no: è così 👍", 1)]}],
                 "indicators_changed": False, "spending_changed": False},
                {"key": "N.1", "title": "Sezione nuova", "change": "added",
                 "status": {"from": None, "to": "partial"},
                 "parts": [{"key": "testo", "change": "added", "truncated": False,
                            "lines_removed": 0, "lines_added": 3,
                            "lines": [plus("Nuova", 1), plus("", 2), plus("riga", 3)]}],
                 "indicators_changed": False, "spending_changed": False},
                {"key": "X.1", "title": "Sezione tolta", "change": "removed",
                 "status": {"from": "partial", "to": None},
                 "parts": [{"key": "testo", "change": "removed", "truncated": False,
                            "lines_removed": 1, "lines_added": 0, "lines": [minus("Solo qui", 1)]}],
                 "indicators_changed": False, "spending_changed": False},
            ]})

    def test_text_is_byte_exact(self):
        r = req("GET", SQL_PLAN + "/submissions/1/diff/2", "coord30")
        self.assertIn("Perché no: è così 👍".encode("utf-8"), r.body)

    def test_unreadable_snapshot_is_a_clean_500(self):
        for a, b in ((1, 3), (3, 1)):
            r = req("GET", "%s/submissions/%d/diff/%d" % (SQL_PLAN, a, b), "coord30")
            self.assertEqual(r.status, 500, r)
            self.assertEqual(r.headers["Content-Type"], "application/problem+json")
            self.assertNotIn("rotto", r.text)
            # In Italian, like every problem.
            doc = r.json()
            self.assertEqual(doc["title"], "Errore interno del server", doc)
            self.assertTrue(doc.get("detail"), doc)
            self.assertIsNone(re.search(r"\b(the|must|not|is|invalid|only|cannot|error|internal)\b",
                                        doc["detail"], re.I), doc)
        # The server is still there.
        self.assertEqual(diff(2, 2, "coord30", SQL_PLAN)["sections"], [])


class Readers(unittest.TestCase):

    def test_every_reader_and_nobody_else(self):
        path = PLAN + "/submissions/1/diff/2"
        want = diff(1, 2, "viewer")
        for who in ("admin", "reviewer", "uni", "coord", "editor", "viewer"):
            with self.subTest(who=who):
                r = req("GET", path, who)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json(), want)
        for who in ("uni_other", "coord_other", "coord30"):
            with self.subTest(who=who):
                r = req("GET", path, who)
                self.assertEqual(r.status, 404, r)
                self.assertNotIn("Riga", r.text)
                missing = req("GET", path.replace("ats-20", "ats-99"), who)
                a, b = r.json(), missing.json()
                a.pop("request_id"), b.pop("request_id")
                self.assertEqual(a, b)
        r = req("GET", path, None)
        self.assertEqual(r.status, 401, r)


if __name__ == "__main__":
    harness.main()
