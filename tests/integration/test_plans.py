"""Plans (SPEC §5) against a real ambitod: the whole life of a plan on the
shipped Marche 2020-2022 template (create, fill, submit, request changes,
resubmit, approve, publish) with every step also tried by a role that may not
take it; every validation rule of a section and of the finance with the exact
field path it names; lengths counted in characters; ETags and If-Match with
two editors; the computed section status and completeness; the snapshot's
hash, canonical form and immutability.

One database and one server for the file (setUpModule); each test works on
its own tenant so the tests do not depend on each other. Expected values are
literals here or read from the input file (which parts are required), never
taken from the server's answers."""

import decimal
import hashlib
import json
import os
import re
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
SECTIONS_IN_MARCHE = 33
# Sections of the Marche index with no required part (I.2, I.5, I.6, D.3):
# empty when nothing is written, so not counted complete.
WITHOUT_REQUIRED = 4

DB = SRV = None
TOKENS = {}
IDS = {}

# email key -> (role, tenants)
USERS = {
    "admin": ("region_admin", []),
    "reviewer": ("region_reviewer", []),
    "uni": ("university", ["ats-20"]),
    "coord": ("ats_coordinator", ["ats-20"]),
    "editor": ("ats_editor", ["ats-20"]),
    "viewer": ("ats_viewer", ["ats-20"]),
    "coord21": ("ats_coordinator", ["ats-21"]),
    "coord30": ("ats_coordinator", ["ats-30"]),
    "editor30": ("ats_editor", ["ats-30"]),
    "editor30b": ("ats_editor", ["ats-30"]),
    "coord40": ("ats_coordinator", ["ats-40"]),
}


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    DB.sql("INSERT INTO tenants (slug, code, name) VALUES"
           " ('ats-20', 'ATS20', 'ATS 20 Fermo'), ('ats-21', 'ATS21', 'ATS 21 San Benedetto del Tronto'),"
           " ('ats-30', 'ATS30', 'ATS 30 Prova'), ('ats-40', 'ATS40', 'ATS 40 Città futura')")
    for key, (role, tenants) in USERS.items():
        args = ["user", "add", "--email", key + "@example.it", "--role", role, "--name", "Utente " + key,
                "--password-stdin"]
        for t in tenants:
            args += ["--tenant", t]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
    harness.ctl_ok(DB, "import", MARCHE)
    SRV = harness.Server(DB)
    for key in USERS:
        r = SRV.request("POST", "/api/v1/auth/login", {"email": key + "@example.it", "password": PASSWORD})
        assert r.status == 200, r
        TOKENS[key] = r.json()["access_token"]
        IDS[key] = r.json()["user"]["id"]


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


# ---------------------------------------------------------------- helpers

def load_marche():
    with open(MARCHE, encoding="utf-8") as f:
        return json.load(f)


def req(method, path, who, body=None, etag=None, headers=None):
    hdrs = dict(headers or {})
    if etag is not None:
        hdrs["If-Match"] = etag
    return SRV.request(method, path, body=body, headers=hdrs, token=TOKENS[who] if who else None)


def plan_path(tenant, cycle=CYCLE, rest=""):
    return "/api/v1/tenants/%s/plans/%s%s" % (tenant, cycle, rest)


def fields(r):
    """The sorted field paths of a 422 answer."""
    assert r.status == 422, r
    return sorted(e["field"] for e in r.json()["errors"])


def put_section(tenant, key, body, who, cycle=CYCLE):
    path = plan_path(tenant, cycle, "/sections/" + key)
    g = req("GET", path, who)
    assert g.status == 200, g
    return req("PUT", path, who, body=body, etag=g.headers["ETag"])


def text_for(section, part):
    return "Testo di %s/%s: l'àmbito è più città che comuni.\nSeconda riga." % (section, part)


def required_parts(doc):
    """(section key, part key) of every required part, from the input file."""
    return [(s["key"], p["key"]) for s in doc["template"]["sections"] for p in s["parts"] if p["required"]]


def canonical(v):
    """Canonical JSON as the snapshot format defines it, written here
    independently of the server: keys sorted bytewise, no whitespace, UTF-8
    unescaped, numbers as written (decimal.Decimal keeps '1500.00')."""
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k])
                              for k in sorted(v, key=lambda k: k.encode("utf-8"))) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, decimal.Decimal)):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def parse_snapshot(body):
    return json.loads(body.decode("utf-8"), parse_float=decimal.Decimal)



def strip_ids(indicators):
    """The indicators without their ids, each checked first: generated on
    the first save, "ind-" and 16 hexadecimal digits."""
    out = []
    for i in indicators:
        i = dict(i)
        assert re.fullmatch(r"ind-[0-9a-f]{16}", i.pop("id")), i
        out.append(i)
    return out


class MarcheFlow(unittest.TestCase):
    """The whole life of ats-20's plan on the Marche template."""

    def test_flow(self):
        doc = load_marche()
        plans = "/api/v1/tenants/ats-20/plans"
        path = plan_path("ats-20")

        # Who may create: ATS writers and region_admin; not a viewer, not a
        # university; another ATS's coordinator does not even see ats-20.
        self.assertEqual(req("POST", plans, "viewer", {"cycle": CYCLE}).status, 403)
        self.assertEqual(req("POST", plans, "uni", {"cycle": CYCLE}).status, 403)
        self.assertEqual(req("POST", plans, "reviewer", {"cycle": CYCLE}).status, 403)
        self.assertEqual(req("POST", plans, "coord21", {"cycle": CYCLE}).status, 404)
        self.assertEqual(fields(req("POST", plans, "editor", {"cycle": "1999-2001"})), ["cycle"])
        self.assertEqual(fields(req("POST", plans, "editor", {"ciclo": CYCLE})), ["ciclo", "cycle"])

        r = req("POST", plans, "editor", {"cycle": CYCLE})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.headers["Location"], path)
        p = r.json()
        self.assertEqual((p["tenant"], p["cycle"], p["status"], p["revision"], p["late"]),
                         ("ats-20", CYCLE, "draft", 0, False))
        self.assertEqual(p["completeness"], {"complete": 0, "total": SECTIONS_IN_MARCHE})
        self.assertEqual([s["key"] for s in p["sections"]], [s["key"] for s in doc["template"]["sections"]])
        self.assertEqual({s["status"] for s in p["sections"]}, {"empty"})
        self.assertEqual(p["sections"][0]["title"], "Premessa")
        self.assertIsNone(p["sections"][0]["updated_by"])
        r = req("POST", plans, "coord", {"cycle": CYCLE})
        self.assertEqual(r.status, 409, r)

        # Every reader sees it, the other ATS does not.
        for who in ("viewer", "uni", "reviewer", "admin", "coord"):
            self.assertEqual(req("GET", path, who).status, 200, who)
        self.assertEqual(req("GET", path, "coord21").status, 404)
        self.assertEqual(req("GET", plan_path("ats-20", CYCLE, "/sections/A.1.2"), "coord21").status, 404)
        listed = req("GET", plans, "viewer").json()
        self.assertEqual([(i["cycle"], i["status"]) for i in listed["items"]], [(CYCLE, "draft")])
        self.assertIsNone(listed["next_cursor"])

        # Fill every required part but one, as the file says.
        required = required_parts(doc)
        self.assertEqual(len(required), 106)
        held_back = ("A.1.2", "valutazione")
        self.assertIn(held_back, required)
        by_section = {}
        for sk, pk in required:
            if (sk, pk) != held_back:
                by_section.setdefault(sk, {})[pk] = text_for(sk, pk)
        for sk, parts in by_section.items():
            body = {"parts": parts}
            if sk == "B.1":
                body["indicators"] = [{"name": "Utenti presi in carico", "kind": "result", "unit": "persone",
                                       "baseline": "120", "target": "150", "source": "Cartella sociale"}]
                body["spending"] = [{"service": "Pronto intervento sociale", "year": 2021, "amount_eur": 1500,
                                     "funding_source": "fondo_poverta"},
                                    {"service": "Mensa", "year": 2022, "amount_eur": 20.5,
                                     "funding_source": "comuni"}]
            r = put_section("ats-20", sk, body, "editor")
            self.assertEqual(r.status, 200, (sk, r))
        r = req("GET", path, "coord").json()
        statuses = {s["key"]: s["status"] for s in r["sections"]}
        self.assertEqual(statuses["A.1.2"], "partial")
        self.assertEqual(statuses["I.1"], "complete")
        self.assertEqual(statuses["I.2"], "empty")
        self.assertEqual(r["completeness"], {"complete": 28, "total": 33})
        a12 = [s for s in r["sections"] if s["key"] == "A.1.2"][0]
        self.assertEqual(a12["updated_by"], {"id": IDS["editor"], "name": "Utente editor"})
        self.assertTrue(a12["updated_at"].endswith("Z"), a12)

        # Submitting: the coordinator only, and only when complete.
        self.assertEqual(req("POST", path + "/submit", "editor", {}).status, 403)
        self.assertEqual(req("POST", path + "/submit", "admin", {}).status, 403)
        self.assertEqual(req("POST", path + "/submit", "coord21", {}).status, 404)
        r = req("POST", path + "/submit", "coord", {"note": "Prima trasmissione"})
        self.assertEqual(fields(r), ["sections.A.1.2.parts.valutazione"])
        self.assertEqual(DB.sql("SELECT COUNT(*) FROM plan_submissions"), [["0"]])

        by_section["A.1.2"]["valutazione"] = text_for(*held_back)
        self.assertEqual(put_section("ats-20", "A.1.2", {"parts": by_section["A.1.2"]}, "editor").status, 200)
        fin = req("GET", path + "/finance", "editor")
        self.assertEqual(fin.json(), {"income": []})
        r = req("PUT", path + "/finance", "editor", etag=fin.headers["ETag"],
                body={"income": [{"source": "regione", "year": 2021, "amount_eur": 1000, "note": None},
                                 {"source": "fnps", "year": 2022, "amount_eur": 25000.5,
                                  "note": "Quota 2022 – riparto"}]})
        self.assertEqual(r.status, 200, r)
        self.assertIn(b'"amount_eur":1000.00', r.body)
        self.assertIn(b'"amount_eur":25000.50', r.body)
        self.assertEqual(req("GET", path, "coord").json()["completeness"], {"complete": 29, "total": 33})

        r = req("POST", path + "/submit", "coord", {"note": "Prima trasmissione"})
        self.assertEqual(r.status, 201, r)
        s1 = r.json()
        self.assertEqual(s1["revision"], 1)
        # The Marche deadline is 2021-12-31T23:59:59Z: long past.
        self.assertIs(s1["late"], True)
        self.assertEqual(s1["submitted_by"], {"id": IDS["coord"], "name": "Utente coord"})
        self.assertEqual(r.headers["Location"], path + "/submissions/1")
        snap = req("GET", path + "/submissions/1", "uni")
        self.assertEqual(snap.status, 200)
        self.assertEqual(snap.headers["Content-Type"].split(";")[0], "application/json")
        self.assertEqual(s1["sha256"], hashlib.sha256(snap.body).hexdigest())
        self.check_snapshot(snap.body, doc, by_section, s1)
        p = req("GET", path, "viewer").json()
        self.assertEqual((p["status"], p["revision"], p["late"]), ("submitted", 1, True))
        audit = DB.sql("SELECT detail FROM audit_log WHERE route LIKE '%%/submit' AND outcome = 'ok'")
        self.assertEqual(audit, [["submitted revision 1 sha256 %s (late)" % s1["sha256"]]])

        # Frozen while submitted.
        r = put_section("ats-20", "I.1", {"parts": {"premessa_politica": "Nuova"}}, "editor")
        self.assertEqual(r.status, 409)
        self.assertIn("stato «inviato»", r.json()["detail"])
        fin = req("GET", path + "/finance", "editor")
        self.assertEqual(req("PUT", path + "/finance", "editor", {"income": []}, etag=fin.headers["ETag"]).status,
                         409)
        r = req("POST", path + "/submit", "coord", {})
        self.assertEqual(r.status, 409)
        self.assertIn("stato «inviato»", r.json()["detail"])
        r = req("POST", path + "/publish", "admin")
        self.assertEqual(r.status, 409)
        self.assertIn("stato «inviato»", r.json()["detail"])

        # The Region decides; nobody else.
        review = path + "/submissions/1/review"
        for who in ("editor", "coord", "uni", "viewer"):
            self.assertEqual(req("POST", review, who, {"decision": "approve"}).status, 403, who)
        self.assertEqual(fields(req("POST", review, "reviewer", {"decision": "boh"})), ["decision"])
        self.assertEqual(req("POST", path + "/submissions/2/review", "reviewer",
                             {"decision": "approve"}).status, 404)
        r = req("POST", review, "reviewer", {"decision": "request_changes", "note": "Manca l'analisi dei dati 2020"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["decision"], r.json()["review_note"]),
                         ("request_changes", "Manca l'analisi dei dati 2020"))
        self.assertEqual(req("GET", path, "coord").json()["status"], "changes_requested")
        r = req("POST", review, "admin", {"decision": "approve"})
        self.assertEqual(r.status, 409)
        self.assertIn("stato «modifiche richieste»", r.json()["detail"])

        # Editable again, by the ATS only.
        corrected = dict(by_section["A.1.2"], analisi="Analisi corretta con i dati 2020.")
        self.assertEqual(put_section("ats-20", "A.1.2", {"parts": corrected}, "uni").status, 403)
        self.assertEqual(put_section("ats-20", "A.1.2", {"parts": corrected}, "reviewer").status, 403)
        self.assertEqual(put_section("ats-20", "A.1.2", {"parts": corrected}, "viewer").status, 403)
        self.assertEqual(put_section("ats-20", "A.1.2", {"parts": corrected}, "editor").status, 200)

        r = req("POST", path + "/submit", "coord", {})
        self.assertEqual(r.status, 201, r)
        s2 = r.json()
        self.assertEqual((s2["revision"], s2["note"]), (2, None))
        snap2 = req("GET", path + "/submissions/2", "reviewer")
        self.assertEqual(s2["sha256"], hashlib.sha256(snap2.body).hexdigest())
        self.assertNotEqual(s2["sha256"], s1["sha256"])
        a12 = [s for s in parse_snapshot(snap2.body)["sections"] if s["key"] == "A.1.2"][0]
        self.assertEqual(a12["parts"]["analisi"], "Analisi corretta con i dati 2020.")
        # Revision 1 is untouched by what came after.
        self.assertEqual(req("GET", path + "/submissions/1", "coord").body, snap.body)

        # Only the latest revision is reviewed.
        r = req("POST", review, "reviewer", {"decision": "approve"})
        self.assertEqual(r.status, 409, r)
        r = req("POST", path + "/submissions/2/review", "reviewer", {"decision": "approve"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(req("GET", path, "coord").json()["status"], "approved")

        # Publishing: region_admin only.
        for who in ("reviewer", "coord", "editor", "uni"):
            self.assertEqual(req("POST", path + "/publish", who).status, 403, who)
        r = req("POST", path + "/publish", "admin")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["status"], r.json()["published_revision"]), ("published", 2))
        r = req("POST", path + "/publish", "admin")
        self.assertEqual(r.status, 409)
        self.assertIn("stato «pubblicato»", r.json()["detail"])
        self.assertEqual(req("POST", path + "/submit", "coord", {}).status, 409)
        self.assertEqual(put_section("ats-20", "I.1", {"parts": {}}, "editor").status, 409)
        self.assertEqual(req("POST", path + "/submissions/2/review", "admin", {"decision": "approve"}).status, 409)

        subs = req("GET", path + "/submissions", "uni").json()
        self.assertEqual([(s["revision"], s["decision"], s["sha256"]) for s in subs["items"]],
                         [(1, "request_changes", s1["sha256"]), (2, "approve", s2["sha256"])])
        self.assertEqual(subs["items"][0]["review_note"], "Manca l'analisi dei dati 2020")
        self.assertEqual(subs["items"][1]["reviewed_by"], {"id": IDS["reviewer"], "name": "Utente reviewer"})
        self.assertEqual(req("GET", path + "/submissions", "coord21").status, 404)
        self.assertEqual(req("GET", path + "/submissions/1", "coord21").status, 404)
        self.assertEqual(req("GET", path + "/submissions/3", "coord").status, 404)
        self.assertEqual(req("GET", path + "/submissions/uno", "coord").status, 404)
        # Pages: the cursor is the last revision of the page; a cursor that is
        # not a revision number is refused.
        page = req("GET", path + "/submissions?limit=1", "uni").json()
        self.assertEqual(([s["revision"] for s in page["items"]], page["next_cursor"]), ([1], "1"))
        page = req("GET", path + "/submissions?limit=1&cursor=1", "uni").json()
        self.assertEqual(([s["revision"] for s in page["items"]], page["next_cursor"]), ([2], None))
        for bad in ("uno", "-1", "1234567890"):
            self.assertEqual(req("GET", path + "/submissions?cursor=" + bad, "uni").status, 400, bad)

        # Each submission froze its own copy of sections and income.
        rows = DB.sql("SELECT revision, COUNT(*) FROM plan_sections WHERE cycle_id ="
                      " (SELECT id FROM cycles WHERE slug = '%s') GROUP BY revision ORDER BY revision" % CYCLE)
        self.assertEqual(rows, [["0", "33"], ["1", "33"], ["2", "33"]])
        rows = DB.sql("SELECT revision, line_no, source, amount_eur FROM plan_income ORDER BY revision, line_no")
        self.assertEqual(rows, [["0", "0", "regione", "1000.00"], ["0", "1", "fnps", "25000.50"],
                                ["1", "0", "regione", "1000.00"], ["1", "1", "fnps", "25000.50"],
                                ["2", "0", "regione", "1000.00"], ["2", "1", "fnps", "25000.50"]])
        rows = DB.sql("SELECT indicators, spending_eur FROM plan_sections WHERE section_key = 'B.1'"
                      " ORDER BY revision")
        self.assertEqual(rows, [["1", "1520.50"]] * 3)

    def check_snapshot(self, body, doc, by_section, s1):
        snap = parse_snapshot(body)
        # Canonical: exactly the bytes of its own canonical form.
        self.assertEqual(canonical(snap).encode("utf-8"), body)
        self.assertEqual(snap["format"], "ambito-plan-snapshot/1")
        self.assertEqual(snap["revision"], 1)
        self.assertIs(snap["late"], True)
        self.assertEqual(snap["note"], "Prima trasmissione")
        self.assertEqual(snap["groups"], [])
        self.assertEqual(snap["tenant"], {"name": "ATS 20 Fermo", "slug": "ats-20"})
        self.assertEqual(snap["cycle"], {"end_year": 2022, "slug": CYCLE, "start_year": 2020,
                                         "title": "Piani Sociali Territoriali di ATS 2020-2022"})
        self.assertEqual(snap["submitted_by"], {"id": IDS["coord"], "name": "Utente coord"})
        self.assertEqual(snap["submitted_at"], s1["submitted_at"])
        self.assertEqual(snap["template_version"], s1["template_version"])
        self.assertEqual([s["key"] for s in snap["sections"]], [s["key"] for s in doc["template"]["sections"]])
        tpl = {s["key"]: s for s in doc["template"]["sections"]}
        for s in snap["sections"]:
            self.assertEqual(s["parts"], by_section.get(s["key"], {}), s["key"])
            self.assertEqual(s["actions"], tpl[s["key"]]["actions"])
            self.assertEqual(s["area"], tpl[s["key"]]["area"])
            self.assertEqual(s["title"], tpl[s["key"]]["title"])
        status = {s["key"]: s["status"] for s in snap["sections"]}
        self.assertEqual((status["A.1.2"], status["I.2"], status["D.3"]), ("complete", "empty", "empty"))
        b1 = [s for s in snap["sections"] if s["key"] == "B.1"][0]
        self.assertEqual(strip_ids(b1["indicators"]), [{"baseline": "120", "kind": "result", "name": "Utenti presi in carico",
                                             "source": "Cartella sociale", "target": "150", "unit": "persone"}])
        self.assertEqual(b1["spending"], [
            {"amount_eur": decimal.Decimal("1500.00"), "funding_source": "fondo_poverta",
             "service": "Pronto intervento sociale", "year": 2021},
            {"amount_eur": decimal.Decimal("20.50"), "funding_source": "comuni", "service": "Mensa", "year": 2022}])
        self.assertIn(b'"amount_eur":1500.00', body)
        self.assertIn(b'"amount_eur":20.50,', body)
        self.assertEqual(snap["finance"], {"income": [
            {"amount_eur": decimal.Decimal("1000.00"), "note": None, "source": "regione", "year": 2021},
            {"amount_eur": decimal.Decimal("25000.50"), "note": "Quota 2022 – riparto", "source": "fnps",
             "year": 2022}]})
        # UTF-8 unescaped.
        self.assertIn("l'àmbito è più città".encode("utf-8"), body)


class Validation(unittest.TestCase):
    """ats-30's draft on the Marche template: every rule, its field path."""

    @classmethod
    def setUpClass(cls):
        r = req("POST", "/api/v1/tenants/ats-30/plans", "coord30", {"cycle": CYCLE})
        assert r.status == 201, r

    def put(self, key, body, who="editor30"):
        return put_section("ats-30", key, body, who)

    def test_unknown_part_block_and_field(self):
        self.assertEqual(fields(self.put("I.1", {"parts": {"inesistente": "x", "premessa_politica": "ok"}})),
                         ["parts.inesistente"])
        # I.1 has no block at all, A.1.2 has indicators but no spending.
        self.assertEqual(fields(self.put("I.1", {"indicators": [{"name": "n", "kind": "process"}]})),
                         ["indicators"])
        self.assertEqual(fields(self.put("A.1.2", {"spending": [{"service": "s", "year": 2021, "amount_eur": 1,
                                                                 "funding_source": "fnps"}]})), ["spending"])
        self.assertEqual(fields(self.put("I.1", {"colore": "rosso"})), ["colore"])
        self.assertEqual(fields(self.put("I.1", {"parts": {"premessa_politica": 12}})),
                         ["parts.premessa_politica"])
        self.assertEqual(fields(self.put("I.1", {"parts": ["premessa_politica"]})), ["parts"])
        # Empty lists are fine for a section without those blocks: what GET
        # answers can be sent back as it is.
        g = req("GET", plan_path("ats-30", CYCLE, "/sections/I.1"), "editor30")
        r = req("PUT", plan_path("ats-30", CYCLE, "/sections/I.1"), "editor30", body=g.json(),
                etag=g.headers["ETag"])
        self.assertEqual(r.status, 200, r)

    def test_unknown_section_is_404(self):
        path = plan_path("ats-30", CYCLE, "/sections/Z.9")
        r = req("GET", path, "editor30")
        self.assertEqual((r.status, r.json()["detail"]), (404, "il piano non ha la sezione richiesta"))
        self.assertEqual(req("PUT", path, "editor30", {"parts": {}}, etag='"x"').status, 404)
        r = req("GET", plan_path("ats-30", "1999-2001", "/sections/I.1"), "editor30")
        self.assertEqual((r.status, r.json()["detail"]), (404, "il ciclo 1999-2001 non esiste"))
        self.assertEqual(req("GET", plan_path("ats-30", "1999-2001"), "editor30").status, 404)
        # A tenant without a plan for the cycle.
        self.assertEqual(req("GET", plan_path("ats-21"), "coord21").status, 404)
        r = req("GET", plan_path("ats-21", CYCLE, "/sections/I.1"), "coord21")
        self.assertEqual((r.status, r.json()["detail"]), (404, "ats-21 non ha un piano per il ciclo %s" % CYCLE))

    def test_text_length_counts_characters(self):
        # premessa_politica of I.1 allows 3000 characters.
        exact = "è" * 3000
        r = self.put("I.1", {"parts": {"premessa_politica": exact}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["parts"]["premessa_politica"], exact)
        self.assertEqual(fields(self.put("I.1", {"parts": {"premessa_politica": exact + "è"}})),
                         ["parts.premessa_politica"])
        # 2000 characters are 4000 bytes: over 3000 bytes, within 3000 characters.
        r = self.put("I.1", {"parts": {"premessa_politica": "à" * 2000}})
        self.assertEqual(r.status, 200, r)
        g = req("GET", plan_path("ats-30", CYCLE, "/sections/I.1"), "editor30")
        self.assertEqual(g.json()["parts"]["premessa_politica"], "à" * 2000)
        self.assertEqual(fields(self.put("I.1", {"parts": {"premessa_politica": "a" * 3001}})),
                         ["parts.premessa_politica"])

    def test_indicators(self):
        r = self.put("A.1.2", {"indicators": [{"kind": "process"},
                                              {"name": "Tasso", "kind": "output"},
                                              {"name": "Ok", "kind": "result"},
                                              {"name": "   ", "kind": "result"},
                                              {"name": "N", "kind": "process", "colore": 1},
                                              "testo",
                                              {"name": "Unità", "kind": "process", "unit": 5}]})
        self.assertEqual(fields(r), ["indicators[0].name", "indicators[1].kind", "indicators[3].name",
                                     "indicators[4].colore", "indicators[5]", "indicators[6].unit"])
        too_many = [{"name": "i%d" % i, "kind": "process"} for i in range(201)]
        self.assertEqual(fields(self.put("A.1.2", {"indicators": too_many})), ["indicators"])
        r = self.put("A.1.2", {"indicators": too_many[:200]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(strip_ids(r.json()["indicators"][:1])[0], {"baseline": None, "kind": "process", "name": "i0",
                                                     "source": None, "target": None, "unit": None})

    def test_spending(self):
        def line(**over):
            base = {"service": "Servizio", "year": 2021, "amount_eur": 10, "funding_source": "fnps"}
            base.update(over)
            return base
        r = self.put("B.1", {"spending": [line(year=2019), line(year=2023), line(amount_eur=-5),
                                          line(amount_eur=10.555), line(funding_source="ignota"),
                                          line(amount_eur="10"), line(service=""), line(year=2020.5)]})
        self.assertEqual(fields(r), ["spending[0].year", "spending[1].year", "spending[2].amount_eur",
                                     "spending[3].amount_eur", "spending[4].funding_source",
                                     "spending[5].amount_eur", "spending[6].service", "spending[7].year"])
        # Every error of a body is listed at once.
        r = self.put("B.1", {"parts": {"ignota": "x", "analisi": "è" * 20001},
                             "indicators": [{"name": "x", "kind": "x"}],
                             "spending": [line(year=2030)]})
        self.assertEqual(fields(r), ["indicators[0].kind", "parts.analisi", "parts.ignota", "spending[0].year"])
        r = self.put("B.1", {"spending": [line(amount_eur=1500), line(amount_eur=0.5, year=2020),
                                          line(amount_eur=99.99, year=2022, funding_source="fondo_poverta")]})
        self.assertEqual(r.status, 200, r)
        self.assertIn(b'"amount_eur":1500.00', r.body)
        self.assertIn(b'"amount_eur":0.50', r.body)
        self.assertEqual(r.json()["status"], "partial")
        self.assertEqual(DB.sql("SELECT spending_eur FROM plan_sections p JOIN tenants t ON t.id = p.tenant_id"
                                " WHERE t.slug = 'ats-30' AND section_key = 'B.1' AND revision = 0"),
                         [["1600.49"]])

    def test_finance(self):
        path = plan_path("ats-30", CYCLE, "/finance")
        g = req("GET", path, "editor30")
        self.assertEqual(g.status, 200)
        r = req("PUT", path, "editor30", etag=g.headers["ETag"],
                body={"income": [{"source": "ignota", "year": 2023, "amount_eur": 1.001},
                                 {"source": "fnps", "year": 2021, "amount_eur": -1, "note": 3},
                                 {"year": 2021, "amount_eur": 1}]})
        self.assertEqual(fields(r), ["income[0].amount_eur", "income[0].source", "income[0].year",
                                     "income[1].amount_eur", "income[1].note", "income[2].source"])
        self.assertEqual(fields(req("PUT", path, "editor30", etag=g.headers["ETag"], body={})), ["income"])
        self.assertEqual(req("PUT", path, "editor30", body={"income": []}).status, 428)
        self.assertEqual(req("PUT", path, "viewer", body={"income": []}, etag=g.headers["ETag"]).status, 404)
        self.assertEqual(req("PUT", path, "admin", body={"income": []}, etag=g.headers["ETag"]).status, 403)
        r = req("PUT", path, "editor30", etag=g.headers["ETag"],
                body={"income": [{"source": "sanita", "year": 2020, "amount_eur": 7, "note": "  "}]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b'{"income":[{"amount_eur":7.00,"note":null,"source":"sanita","year":2020}]}')
        self.assertNotEqual(r.headers["ETag"], g.headers["ETag"])
        self.assertEqual(req("PUT", path, "editor30", etag=g.headers["ETag"], body={"income": []}).status, 412)
        self.assertEqual(req("GET", path, "coord30").headers["ETag"], r.headers["ETag"])

    def test_if_match_and_two_editors(self):
        path = plan_path("ats-30", CYCLE, "/sections/I.3")
        body = {"parts": {"testo": "Prima versione"}}
        self.assertEqual(req("PUT", path, "editor30", body=body).status, 428)
        self.assertEqual(req("PUT", path, "editor30", body=body, etag='"section-0-0-I.3-0"').status, 412)
        first = req("GET", path, "editor30").headers["ETag"]
        second = req("GET", path, "editor30b").headers["ETag"]
        self.assertEqual(first, second)
        r = req("PUT", path, "editor30", body={"parts": {"testo": "Scritto dal primo"}}, etag=first)
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.headers["ETag"], first)
        r = req("PUT", path, "editor30b", body={"parts": {"testo": "Scritto dal secondo"}}, etag=second)
        self.assertEqual(r.status, 412, r)
        g = req("GET", path, "coord30")
        self.assertEqual(g.json()["parts"], {"testo": "Scritto dal primo"})
        self.assertEqual(g.json()["updated_by"], {"id": IDS["editor30"], "name": "Utente editor30"})
        # With the fresh tag the second editor may write.
        r = req("PUT", path, "editor30b", body={"parts": {"testo": "Scritto dal secondo"}}, etag=g.headers["ETag"])
        self.assertEqual(r.status, 200, r)

    def test_status_and_completeness(self):
        # ats-40 has a draft of its own, so the counts start from zero.
        r = req("POST", "/api/v1/tenants/ats-40/plans", "coord40", {"cycle": CYCLE})
        self.assertEqual(r.status, 201, r)

        def put40(key, body):
            r = put_section("ats-40", key, body, "coord40")
            self.assertEqual(r.status, 200, r)
            return r.json()["status"]

        self.assertEqual(put40("I.1", {"parts": {"premessa_politica": "Solo la premessa"}}), "partial")
        self.assertEqual(put40("I.1", {"parts": {"premessa_politica": "P", "nota_tecnica": "N"}}), "complete")
        # Blank text is no text.
        self.assertEqual(put40("I.3", {"parts": {"testo": " \n\t "}}), "empty")
        self.assertEqual(req("GET", plan_path("ats-40", CYCLE, "/sections/I.3"), "coord40").json()["parts"], {})
        # Only optional parts: anything written makes it complete.
        self.assertEqual(put40("I.2", {"parts": {"accordi": "Accordo con l'ASUR"}}), "complete")
        self.assertEqual(put40("I.5", {"parts": {"testo": None}}), "empty")
        # Indicators alone, or spending alone, are a start.
        self.assertEqual(put40("A.1.2", {"indicators": [{"name": "n", "kind": "process"}]}), "partial")
        self.assertEqual(put40("B.2", {"spending": [{"service": "s", "year": 2022, "amount_eur": 1,
                                                     "funding_source": "fse"}]}), "partial")
        self.assertEqual(put40("A.1.3", {"parts": {"analisi": "a", "obiettivi": "o", "strategia": "s"}}),
                         "partial")
        self.assertEqual(put40("A.1.3", {"parts": {"analisi": "a", "obiettivi": "o", "strategia": "s",
                                                   "valutazione": "v"}}), "complete")
        p = req("GET", plan_path("ats-40"), "coord40").json()
        got = {s["key"]: s["status"] for s in p["sections"]}
        self.assertEqual({k: got[k] for k in ("I.1", "I.2", "I.3", "I.5", "A.1.2", "A.1.3", "B.2", "B.3")},
                         {"I.1": "complete", "I.2": "complete", "I.3": "empty", "I.5": "empty",
                          "A.1.2": "partial", "A.1.3": "complete", "B.2": "partial", "B.3": "empty"})
        self.assertEqual(p["completeness"], {"complete": 3, "total": 33})
        r = req("POST", plan_path("ats-40", CYCLE, "/submit"), "coord40", {})
        self.assertEqual(r.status, 422)
        self.assertEqual(len(r.json()["errors"]), 106 - 4 - 2)  # I.1 and A.1.3's 4 + 2 parts are filled
        self.assertIn("sections.I.3.parts.testo", fields(r))


class OpenCycleRules(unittest.TestCase):
    """A small cycle made through the API, with a deadline still to come."""

    @classmethod
    def setUpClass(cls):
        catalog = {"objectives": [{"code": "OS1", "title": "Sistema", "actions": [{"code": "OS1-A1",
                                                                                   "title": "Governance"}]}],
                   "areas": [], "funding_sources": [{"code": "fnps", "title": "FNPS"}]}
        template = {"sections": [
            {"key": "A.1", "title": "Governance", "group": "A", "actions": ["OS1-A1"], "area": None,
             "parts": [{"key": "analisi", "title": "Analisi", "required": True, "max_chars": 100},
                       {"key": "note", "title": "Note", "required": False, "max_chars": 100}],
             "blocks": ["indicators", "spending"]}]}
        r = req("POST", "/api/v1/cycles", "admin", {"slug": "futuro", "title": "Ciclo futuro", "start_year": 2095,
                                                    "end_year": 2097,
                                                    "submission_deadline": "2096-06-30T23:59:59Z"})
        assert r.status == 201, r
        for res, body in (("catalog", catalog), ("template", template)):
            g = req("GET", "/api/v1/cycles/futuro/" + res, "admin")
            r = req("PUT", "/api/v1/cycles/futuro/" + res, "admin", body, etag=g.headers["ETag"])
            assert r.status == 200, r

    def cycle_status(self, status):
        g = req("GET", "/api/v1/cycles/futuro", "admin")
        r = req("PATCH", "/api/v1/cycles/futuro", "admin", {"status": status}, etag=g.headers["ETag"])
        self.assertEqual(r.status, 200, r)

    def test_1_draft_cycle_has_no_plans(self):
        r = req("POST", "/api/v1/tenants/ats-21/plans", "coord21", {"cycle": "futuro"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("draft", r.json()["detail"])

    def test_2_on_time_submission_and_immutability(self):
        self.cycle_status("open")
        # region_admin may create a plan for an ATS.
        r = req("POST", "/api/v1/tenants/ats-21/plans", "admin", {"cycle": "futuro"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["completeness"], {"complete": 0, "total": 1})
        r = put_section("ats-21", "A.1", {"parts": {"analisi": "Analisi breve"},
                                          "spending": [{"service": "s", "year": 2097, "amount_eur": 3,
                                                        "funding_source": "fnps"}]}, "coord21", cycle="futuro")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(fields(put_section("ats-21", "A.1", {"spending": [{"service": "s", "year": 2098,
                                                                            "amount_eur": 3,
                                                                            "funding_source": "fnps"}]},
                                            "coord21", cycle="futuro")), ["spending[0].year"])
        path = plan_path("ats-21", "futuro")
        r = req("POST", path + "/submit", "coord21", {"note": None})
        self.assertEqual(r.status, 201, r)
        self.assertIs(r.json()["late"], False)
        body = req("GET", path + "/submissions/1", "coord21").body
        self.assertEqual(hashlib.sha256(body).hexdigest(), r.json()["sha256"])
        snap = parse_snapshot(body)
        self.assertIs(snap["late"], False)
        self.assertIsNone(snap["note"])
        self.assertEqual(snap["sections"], [{
            "actions": ["OS1-A1"], "area": None, "indicators": [], "key": "A.1",
            "parts": {"analisi": "Analisi breve"},
            "spending": [{"amount_eur": decimal.Decimal("3.00"), "funding_source": "fnps", "service": "s",
                          "year": 2097}],
            "status": "complete", "title": "Governance"}])
        self.assertIs(req("GET", path, "coord21").json()["late"], False)

        # Append-only, even to the database's own administrator.
        for sql in ("UPDATE plan_submissions SET sha256 = REPEAT('0', 64)",
                    "UPDATE plan_submissions SET snapshot = '{}' WHERE revision = 1",
                    "DELETE FROM plan_submissions"):
            with self.assertRaises(RuntimeError) as cm:
                DB.sql(sql)
            self.assertIn("append-only", str(cm.exception))
        stored = DB.sql("SELECT sha256 FROM plan_submissions p JOIN tenants t ON t.id = p.tenant_id"
                        " WHERE t.slug = 'ats-21' AND revision = 1")
        self.assertEqual(stored, [[r.json()["sha256"]]])
        self.assertEqual(req("GET", path + "/submissions/1", "coord21").body, body)

        # A closed cycle takes no more plans.
        r = req("POST", path + "/submissions/1/review", "reviewer", {"decision": "request_changes"})
        self.assertEqual(r.status, 201, r)
        self.cycle_status("closed")
        r = put_section("ats-21", "A.1", {"parts": {"analisi": "Tardi"}}, "coord21", cycle="futuro")
        self.assertEqual(r.status, 409)
        self.assertIn("closed", r.json()["detail"])
        self.assertEqual(req("POST", path + "/submit", "coord21", {}).status, 409)
        self.assertEqual(req("POST", "/api/v1/tenants/ats-30/plans", "coord30", {"cycle": "futuro"}).status, 409)

    def test_3_lists_answer_csv(self):
        r = req("GET", "/api/v1/tenants/ats-21/plans?format=csv", "coord21")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"].split(";")[0], "text/csv")
        lines = r.text.split("\r\n")
        self.assertEqual(lines[0], "tenant,cycle,status,revision,late,published_revision,updated_at")
        self.assertTrue(lines[1].startswith("ats-21,futuro,changes_requested,1,false,,"), lines)
        r = req("GET", "/api/v1/tenants/ats-21/plans?limit=0", "coord21")
        self.assertEqual(r.status, 400)
        self.assertEqual(req("GET", "/api/v1/tenants/ats-21/plans?cursor=x1", "coord21").status, 400)


if __name__ == "__main__":
    harness.main()
