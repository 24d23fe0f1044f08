"""PATCH of a plan's sections and finance with a JSON merge patch (RFC 7396,
SPEC §5) against a real ambitod: a patch changes only what it names, null
removes a part, an array replaces the whole list, the merged result is
checked exactly like a PUT body (and a refused patch changes nothing),
If-Match is required and must be current, another content type is 415, the
roles that may not write are refused, every write is audited, and the
OpenAPI document declares the routes with their media type.

Expected values are literals written here, never taken from the server's
answers."""

import json
import os
import re
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
MERGE = {"Content-Type": "application/merge-patch+json"}

DB = SRV = None
TOKENS = {}

USERS = {
    "coord": ("ats_coordinator", ["ats-50"]),
    "editor": ("ats_editor", ["ats-50"]),
    "viewer": ("ats_viewer", ["ats-50"]),
    "coord51": ("ats_coordinator", ["ats-51"]),
}


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    DB.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-50', 'ATS50', 'ATS 50 Prova'),"
           " ('ats-51', 'ATS51', 'ATS 51 Altra')")
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
    r = req("POST", "/api/v1/tenants/ats-50/plans", "coord", {"cycle": CYCLE})
    assert r.status == 201, r


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def req(method, path, who, body=None, etag=None, headers=None):
    hdrs = dict(headers or {})
    if etag is not None:
        hdrs["If-Match"] = etag
    return SRV.request(method, path, body=body, headers=hdrs, token=TOKENS[who] if who else None)


def section_path(key, tenant="ats-50"):
    return "/api/v1/tenants/%s/plans/%s/sections/%s" % (tenant, CYCLE, key)


FINANCE = "/api/v1/tenants/ats-50/plans/%s/finance" % CYCLE



def strip_ids(indicators):
    """The indicators without their ids, each checked first: generated on
    the first save, "ind-" and 16 hexadecimal digits."""
    out = []
    for i in indicators:
        i = dict(i)
        assert re.fullmatch(r"ind-[0-9a-f]{16}", i.pop("id")), i
        out.append(i)
    return out


def content(r):
    """What a section answer holds, without its bookkeeping fields."""
    d = r.json()
    return {"parts": d["parts"], "indicators": strip_ids(d["indicators"]), "spending": d["spending"]}


def fields(r):
    assert r.status == 422, r
    return sorted(e["field"] for e in r.json()["errors"])


IND_A = {"name": "Incontri del tavolo", "kind": "process", "unit": "incontri/anno", "baseline": "0",
         "target": "6", "source": "Verbali"}
IND_B = {"name": "Protocollo con il Distretto", "kind": "result", "unit": None, "baseline": None, "target": "1",
         "source": None}


class SectionPatch(unittest.TestCase):

    def fill(self, key, body):
        g = req("GET", section_path(key), "editor")
        self.assertEqual(g.status, 200, g)
        r = req("PUT", section_path(key), "editor", body=body, etag=g.headers["ETag"])
        self.assertEqual(r.status, 200, r)
        return r

    def patch(self, key, body, who="editor", etag=None, headers=MERGE):
        if etag is None:
            etag = req("GET", section_path(key), who).headers["ETag"]
        return req("PATCH", section_path(key), who, body=body, etag=etag, headers=headers)

    def test_patch_of_one_part_keeps_the_others(self):
        put = self.fill("A.1.2", {"parts": {"analisi": "Analisi prima.", "obiettivi": "Obiettivi.",
                                            "strategia": "Strategia.", "valutazione": "Valutazione."},
                                  "indicators": [IND_A, IND_B]})
        self.assertEqual(put.json()["status"], "complete")
        r = self.patch("A.1.2", {"parts": {"analisi": "Analisi dopo, con i dati 2020."}}, etag=put.headers["ETag"])
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.headers["ETag"], put.headers["ETag"])
        want = {"parts": {"analisi": "Analisi dopo, con i dati 2020.", "obiettivi": "Obiettivi.",
                          "strategia": "Strategia.", "valutazione": "Valutazione."},
                "indicators": [IND_A, IND_B], "spending": []}
        self.assertEqual(content(r), want)
        self.assertEqual(r.json()["status"], "complete")
        g = req("GET", section_path("A.1.2"), "viewer")
        self.assertEqual(content(g), want)
        self.assertEqual(g.headers["ETag"], r.headers["ETag"])
        # An empty patch changes nothing but is a save all the same.
        r = self.patch("A.1.2", {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(content(r), want)

    def test_null_removes_a_part_and_arrays_replace_whole(self):
        self.fill("A.2.1", {"parts": {"analisi": "A.", "obiettivi": "O.", "strategia": "S.",
                                      "valutazione": "V."}, "indicators": [IND_A, IND_B]})
        r = self.patch("A.2.1", {"parts": {"obiettivi": None}, "indicators": [IND_B]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(content(r), {"parts": {"analisi": "A.", "strategia": "S.", "valutazione": "V."},
                                      "indicators": [IND_B], "spending": []})
        # A required part is gone: the section is no longer complete.
        self.assertEqual(r.json()["status"], "partial")
        r = self.patch("A.2.1", {"parts": None, "indicators": None})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(content(r), {"parts": {}, "indicators": [], "spending": []})
        self.assertEqual(r.json()["status"], "empty")

    def test_invalid_result_is_422_and_changes_nothing(self):
        before = self.fill("I.3", {"parts": {"testo": "Il testo resta."}})
        # Max 10 000 characters for I.3 testo (from the template file); the
        # unknown part and the bad indicator are both listed, as a PUT would.
        r = self.patch("I.3", {"parts": {"testo": "è" * 10001, "inventata": "x"}}, etag=before.headers["ETag"])
        self.assertEqual(fields(r), ["parts.inventata", "parts.testo"])
        r = self.patch("A.1.2", {"indicators": [{"name": "senza tipo"}]})
        self.assertEqual(fields(r), ["indicators[0].kind"])
        # A top-level member a section does not have.
        self.assertEqual(fields(self.patch("I.3", {"colore": "rosso"})), ["colore"])
        g = req("GET", section_path("I.3"), "editor")
        self.assertEqual(g.headers["ETag"], before.headers["ETag"])
        self.assertEqual(g.json()["parts"], {"testo": "Il testo resta."})
        # The body of a patch must be an object (the whole section cannot be
        # replaced by a string through PATCH).
        self.assertEqual(self.patch("I.3", ["x"]).status, 422)
        self.assertEqual(self.patch("I.3", "{not json", headers=MERGE).status, 400)

    def test_if_match_required_and_current(self):
        first = self.fill("I.4", {"parts": {"testo": "Versione uno."}})
        r = self.patch("I.4", {"parts": {"testo": "Versione due."}}, etag=first.headers["ETag"])
        self.assertEqual(r.status, 200, r)
        stale = self.patch("I.4", {"parts": {"testo": "Versione tre."}}, etag=first.headers["ETag"])
        self.assertEqual(stale.status, 412, stale)
        missing = req("PATCH", section_path("I.4"), "editor", body={"parts": {"testo": "Quattro."}}, headers=MERGE)
        self.assertEqual(missing.status, 428, missing)
        self.assertEqual(req("GET", section_path("I.4"), "editor").json()["parts"], {"testo": "Versione due."})

    def test_other_content_types_are_415(self):
        before = self.fill("I.5", {"parts": {"testo": "Uno."}})
        for ctype in ("application/json", "text/plain", "application/json-patch+json", None):
            headers = {"Content-Type": ctype} if ctype else {}
            r = req("PATCH", section_path("I.5"), "editor", body=json.dumps({"parts": {"testo": "Due."}}),
                    etag=before.headers["ETag"], headers=headers)
            self.assertEqual(r.status, 415, (ctype, r))
            self.assertEqual(r.headers["Content-Type"], "application/problem+json")
        # Parameters and case do not matter.
        r = req("PATCH", section_path("I.5"), "editor", body={"parts": {"testo": "Tre."}},
                etag=before.headers["ETag"],
                headers={"Content-Type": "Application/Merge-Patch+JSON; charset=utf-8"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["parts"], {"testo": "Tre."})

    def test_who_may_patch(self):
        self.fill("I.6", {"parts": {"testo": "Uno."}})
        self.assertEqual(self.patch("I.6", {"parts": {"testo": "Due."}}, who="viewer").status, 403)
        etag = req("GET", section_path("I.6"), "editor").headers["ETag"]
        r = req("PATCH", section_path("I.6"), "coord51", body={"parts": {"testo": "X"}}, etag=etag, headers=MERGE)
        self.assertEqual(r.status, 404, r)
        r = self.patch("I.6", {"parts": {"testo": "Tre."}}, who="coord")
        self.assertEqual(r.status, 200, r)
        rows = DB.sql("SELECT status, outcome, detail FROM audit_log"
                      " WHERE method = 'PATCH' AND object = 'plan:ats-50/2020-2022/sections/I.6' ORDER BY id")
        # Version 1 when created, 2 after the PUT, 3 after the patch (the
        # refused attempts saved nothing).
        self.assertEqual(rows, [["200", "ok", "section I.6 patched (complete, version 3)"]])


class FinancePatch(unittest.TestCase):

    def test_finance(self):
        g = req("GET", FINANCE, "editor")
        r = req("PUT", FINANCE, "editor", etag=g.headers["ETag"],
                body={"income": [{"source": "regione", "year": 2021, "amount_eur": 1000, "note": None}]})
        self.assertEqual(r.status, 200, r)
        # {} keeps the lines; the amounts read back exactly.
        r2 = req("PATCH", FINANCE, "editor", body={}, etag=r.headers["ETag"], headers=MERGE)
        self.assertEqual(r2.status, 200, r2)
        self.assertIn(b'"amount_eur":1000.00', r2.body)
        self.assertEqual(r2.json()["income"][0]["source"], "regione")
        # An income array replaces the whole list.
        r3 = req("PATCH", FINANCE, "editor", etag=r2.headers["ETag"], headers=MERGE,
                 body={"income": [{"source": "fnps", "year": 2022, "amount_eur": 20.5, "note": "Riparto"}]})
        self.assertEqual(r3.status, 200, r3)
        self.assertEqual(len(r3.json()["income"]), 1)
        self.assertIn(b'"amount_eur":20.50', r3.body)
        # Checked as a PUT: year outside the cycle, unknown source.
        bad = req("PATCH", FINANCE, "editor", etag=r3.headers["ETag"], headers=MERGE,
                  body={"income": [{"source": "ignota", "year": 2031, "amount_eur": 1}]})
        self.assertEqual(fields(bad), ["income[0].source", "income[0].year"])
        self.assertEqual(req("PATCH", FINANCE, "editor", etag=r2.headers["ETag"], headers=MERGE,
                             body={}).status, 412)
        self.assertEqual(req("PATCH", FINANCE, "editor", etag=r3.headers["ETag"], body={}).status, 415)
        self.assertEqual(req("PATCH", FINANCE, "editor", headers=MERGE, body={}).status, 428)
        self.assertEqual(req("GET", FINANCE, "viewer").json()["income"][0]["note"], "Riparto")


class OpenAPI(unittest.TestCase):

    def test_patch_routes_are_documented(self):
        doc = SRV.request("GET", "/api/v1/openapi.json").json()
        base = "/api/v1/tenants/{tenant}/plans/{cycle}"
        for path, schema in ((base + "/sections/{key}", "PlanSectionPatch"), (base + "/finance", "PlanFinancePatch")):
            op = doc["paths"][path]["patch"]
            self.assertEqual(list(op["requestBody"]["content"]),
                             ["application/merge-patch+json"])
            self.assertEqual(op["requestBody"]["content"]["application/merge-patch+json"]["schema"]["$ref"],
                             "#/components/schemas/" + schema)
            self.assertIn(schema, doc["components"]["schemas"])
            # PUT stays JSON.
            self.assertEqual(list(doc["paths"][path]["put"]["requestBody"]["content"]), ["application/json"])


if __name__ == "__main__":
    harness.main()
