"""The narrow rows the comparisons read. Migration 0012: a save of a section
updates its draft's spending per source in the same transaction, a
submission copies it to the new revision, and the comparison of drafts and
of submissions shows exactly those figures, hand computed here. Runs on the
demo data: ATS 7 (changes requested, complete) is edited and submitted
again. Migration 0020: the coverage and finance aggregates of each revision
follow every write of a section (figures hand computed on ATS 13), and
always equal what joining the sections with the template gives."""

import json
import os
import unittest

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    PASSWORDS = {u["email"]: u["password"] for u in json.load(_f)["users"]}
with open(MARCHE, encoding="utf-8") as _f:
    SPENDING_SECTIONS = [s["key"] for s in json.load(_f)["template"]["sections"]
                         if "spending" in (s.get("blocks") or [])]
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
PLAN = "/api/v1/tenants/ats-7/plans/2020-2022"
COMPARE = "/api/v1/cycles/2020-2022/compare/allocations?source="
CYCLE_API = "/api/v1/cycles/2020-2022/compare/"

# plan_figures recomputed from the sections, as the comparisons computed
# them at each request before migration 0020; rows of 0 read as no row.
RECOMPUTED = """
SELECT ps.tenant_id, ps.revision, 'action', sa.action_code, COUNT(*), SUM(ps.status = 'complete'),
  SUM(ps.indicators), SUM(ps.spending_eur)
FROM plan_sections ps JOIN section_actions sa ON sa.cycle_id = ps.cycle_id AND sa.section_key = ps.section_key
WHERE ps.status <> 'empty' GROUP BY ps.tenant_id, ps.revision, sa.action_code
UNION ALL
SELECT ps.tenant_id, ps.revision, 'objective', tag.code, COUNT(*), SUM(ps.status = 'complete'),
  SUM(ps.indicators), SUM(ps.spending_eur)
FROM plan_sections ps JOIN (SELECT DISTINCT sa.cycle_id, sa.section_key, ca.objective_code AS code
  FROM section_actions sa JOIN cycle_actions ca ON ca.cycle_id = sa.cycle_id AND ca.code = sa.action_code) tag
  ON tag.cycle_id = ps.cycle_id AND tag.section_key = ps.section_key
WHERE ps.status <> 'empty' GROUP BY ps.tenant_id, ps.revision, tag.code
UNION ALL
SELECT ps.tenant_id, ps.revision, 'area', ts.area_code, 0, 0, 0, SUM(ps.spending_eur)
FROM plan_sections ps JOIN template_sections ts ON ts.cycle_id = ps.cycle_id AND ts.section_key = ps.section_key
WHERE ts.area_code IS NOT NULL GROUP BY ps.tenant_id, ps.revision, ts.area_code HAVING SUM(ps.spending_eur) <> 0
ORDER BY 1, 2, 3, 4"""
KEPT = """SELECT tenant_id, revision, kind, code, sections, complete, indicators, spending_eur FROM plan_figures
WHERE sections <> 0 OR spending_eur <> 0 ORDER BY 1, 2, 3, 4"""


def spend(service, amount, source):
    return {"amount_eur": amount, "funding_source": source, "service": service, "year": 2021}


class Aggregates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def token(self, email):
        r = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(r.status, 200, r)
        return r.json()["access_token"]

    def patch_spending(self, token, key, lines):
        path = PLAN + "/sections/" + key
        g = self.srv.request("GET", path, token=token)
        self.assertEqual(g.status, 200, g)
        r = self.srv.request("PATCH", path, raw=json.dumps({"spending": lines}).encode(), token=token,
                             headers={"Content-Type": "application/merge-patch+json",
                                      "If-Match": g.headers["ETag"]})
        self.assertEqual(r.status, 200, r)

    def spending_of(self, token, source):
        """ats-7's spending_eur per funding source in the comparison."""
        r = self.srv.request("GET", COMPARE + source, token=token)
        self.assertEqual(r.status, 200, r)
        doc = json.loads(r.body.decode("utf-8"), parse_float=str, parse_int=int)
        row = [x for x in doc["rows"] if x["tenant"] == "ats-7"]
        self.assertEqual(len(row), 1)
        return {s: c["spending_eur"] for s, c in row[0]["cells"].items()}

    def stored(self, revision):
        """The aggregate rows of ats-7 at revision, as MariaDB holds them."""
        return [tuple(r) for r in self.db.sql(
            "SELECT x.section_key, x.source, x.amount_eur FROM plan_section_spending x"
            " JOIN tenants t ON t.id = x.tenant_id WHERE t.slug = 'ats-7' AND x.revision = %d"
            " ORDER BY x.section_key, x.source" % revision)]

    def figures(self, kind):
        """ats-13's draft aggregates of kind with any figure, code: (sections,
        complete, indicators, spending)."""
        return {r[0]: tuple(r[1:]) for r in self.db.sql(
            "SELECT f.code, f.sections, f.complete, f.indicators, f.spending_eur FROM plan_figures f"
            " JOIN tenants t ON t.id = f.tenant_id WHERE t.slug = 'ats-13' AND f.revision = 0"
            " AND f.kind = '%s' AND (f.sections <> 0 OR f.spending_eur <> 0)" % kind)}

    def set_section(self, key, status, indicators, spending):
        self.db.sql("UPDATE plan_sections ps JOIN tenants t ON t.id = ps.tenant_id"
                    " SET ps.status = '%s', ps.indicators = %d, ps.spending_eur = %s"
                    " WHERE t.slug = 'ats-13' AND ps.revision = 0 AND ps.section_key = '%s'"
                    % (status, indicators, spending, key))

    def cells(self, token, what):
        r = self.srv.request("GET", CYCLE_API + what, token=token)
        self.assertEqual(r.status, 200, r)
        doc = json.loads(r.body.decode("utf-8"), parse_float=str, parse_int=int)
        return [x for x in doc["rows"] if x["tenant"] == "ats-13"][0]["cells"]

    def test_figures_follow_sections(self):
        # Every draft section of ATS 13 emptied: no figures at all.
        self.db.sql("UPDATE plan_sections ps JOIN tenants t ON t.id = ps.tenant_id"
                    " SET ps.status = 'empty', ps.indicators = 0, ps.spending_eur = 0"
                    " WHERE t.slug = 'ats-13' AND ps.revision = 0")
        for kind in ("action", "objective", "area"):
            self.assertEqual(self.figures(kind), {}, kind)
        # A.2.1 is tagged OS1-A2 and OS2-A2, A.1.3 OS1-A4; B.3 is area B3.
        self.set_section("A.2.1", "complete", 3, "10.50")
        self.set_section("A.1.3", "partial", 2, "0.25")
        self.set_section("B.3", "partial", 0, "99.99")
        self.assertEqual(self.figures("action"), {"OS1-A2": ("1", "1", "3", "10.50"),
                                                  "OS2-A2": ("1", "1", "3", "10.50"),
                                                  "OS1-A4": ("1", "0", "2", "0.25")})
        self.assertEqual(self.figures("objective"), {"OS1": ("2", "1", "5", "10.75"),
                                                     "OS2": ("1", "1", "3", "10.50")})
        self.assertEqual(self.figures("area"), {"B3": ("0", "0", "0", "99.99")})
        # The comparisons of the drafts show them.
        reviewer = self.token(REVIEWER)
        by_action = self.cells(reviewer, "coverage?source=draft")
        self.assertEqual(by_action["OS1-A4"], {"sections": 1, "complete": 0, "indicators": 2,
                                               "spending_eur": "0.25"})
        self.assertEqual(by_action["OS1-A1"], {"sections": 0, "complete": 0, "indicators": 0,
                                               "spending_eur": "0.00"})
        by_objective = self.cells(reviewer, "coverage?source=draft&by=objective")
        self.assertEqual(by_objective["OS1"], {"sections": 2, "complete": 1, "indicators": 5,
                                               "spending_eur": "10.75"})
        self.assertEqual(self.cells(reviewer, "finance?source=draft")["B3"]["amount_eur"], "99.99")
        # Edited again, then emptied: its share is taken away.
        self.set_section("A.1.3", "complete", 4, "1.00")
        self.assertEqual(self.figures("objective")["OS1"], ("2", "2", "7", "11.50"))
        self.set_section("A.1.3", "empty", 0, "0")
        self.set_section("B.3", "partial", 1, "0")
        self.assertEqual(self.figures("action"), {"OS1-A2": ("1", "1", "3", "10.50"),
                                                  "OS2-A2": ("1", "1", "3", "10.50")})
        self.assertEqual(self.figures("objective"), {"OS1": ("1", "1", "3", "10.50"),
                                                     "OS2": ("1", "1", "3", "10.50")})
        self.assertEqual(self.figures("area"), {})
        self.assertEqual(self.cells(reviewer, "finance?source=draft")["B3"]["amount_eur"], "0.00")
        # And every revision of every tenant agrees with its sections.
        self.assertEqual(sorted(self.db.sql(KEPT)), sorted(self.db.sql(RECOMPUTED)))

    def test_save_then_submit(self):
        coord, reviewer = self.token(COORD_7), self.token(REVIEWER)
        before = self.spending_of(reviewer, "submitted")
        revision = int(self.db.sql("SELECT p.revision FROM plans p JOIN tenants t ON t.id = p.tenant_id"
                                   " WHERE t.slug = 'ats-7'")[0][0])
        for key in SPENDING_SECTIONS:
            self.patch_spending(coord, key, [])
        self.patch_spending(coord, "A.4.2", [spend("Assistenza domiciliare", 1200.10, "fnps"),
                                             spend("Bolli", 0.05, "fna"),
                                             spend("Trasporti", 99.90, "fnps")])
        self.patch_spending(coord, "B.1", [spend("Inclusione", 0.01, "fnps"),
                                           spend("Tirocini", 2500, "fondo_poverta")])
        # The draft: 1200.10 + 99.90 = 1300.00 fnps and 0.05 fna in A.4.2;
        # 0.01 fnps and 2500.00 fondo_poverta in B.1.
        self.assertEqual(self.stored(0), [("A.4.2", "fna", "0.05"), ("A.4.2", "fnps", "1300.00"),
                                          ("B.1", "fnps", "0.01"), ("B.1", "fondo_poverta", "2500.00")])
        draft = self.spending_of(reviewer, "draft")
        self.assertEqual((draft["fnps"], draft["fna"], draft["fondo_poverta"], draft["comuni"]),
                         ("1300.01", "0.05", "2500.00", "0.00"))
        # The submitted revision is still the old one until the submission.
        self.assertEqual(self.spending_of(reviewer, "submitted"), before)
        self.assertEqual(self.stored(revision + 1), [])

        r = self.srv.request("POST", PLAN + "/submit", {"note": "Trasmissione"}, token=coord)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.stored(revision + 1), self.stored(0))
        after = self.spending_of(reviewer, "submitted")
        self.assertEqual((after["fnps"], after["fna"], after["fondo_poverta"], after["comuni"]),
                         ("1300.01", "0.05", "2500.00", "0.00"))
        # And the earlier revision's rows are untouched.
        self.assertNotEqual(self.stored(revision), self.stored(revision + 1))
        # The coverage and finance aggregates followed the saves and the
        # submission (migration 0020).
        self.assertEqual(sorted(self.db.sql(KEPT)), sorted(self.db.sql(RECOMPUTED)))


if __name__ == "__main__":
    unittest.main()
