"""The narrow rows the allocations comparison reads (migration 0012): a save
of a section updates its draft's spending per source in the same
transaction, a submission copies it to the new revision, and the
comparison of drafts and of submissions shows exactly those figures, hand
computed here. Runs on the demo data: ATS 7 (changes requested, complete)
is edited and submitted again."""

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


if __name__ == "__main__":
    unittest.main()
