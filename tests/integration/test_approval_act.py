"""The Comitato dei Sindaci's approval act (SPEC §5: POST …/submit takes
{"note","approval_act":{"number","date"}}) against a real ambitod: every
broken rule is a 422 naming approval_act.number or approval_act.date in
Italian and stores nothing; a good act is stored in its own columns, answered
in the submission and the submissions list, frozen into the snapshot (so the
SHA-256 covers it) and printed on the published document's title page; a
submission without an act still works and answers null. Runs on the demo
data (ATS 7 has changes requested and can be submitted as it is)."""

import datetime
import hashlib
import json
import os
import unittest
from zoneinfo import ZoneInfo

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    PASSWORDS = {u["email"]: u["password"] for u in json.load(_f)["users"]}
COORD = "coordinatore.ats7@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
ADMIN = "admin.regione@demo.ambito.invalid"
PLAN = "/api/v1/tenants/ats-7/plans/2020-2022"


def rome_today(days=0):
    return (datetime.datetime.now(ZoneInfo("Europe/Rome")).date() + datetime.timedelta(days=days)).isoformat()


class ApprovalAct(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db)
        cls.tokens = {}
        for email in (COORD, REVIEWER, ADMIN):
            r = cls.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
            assert r.status == 200, r
            cls.tokens[email] = r.json()["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def req(self, method, path, who=COORD, body=None):
        return self.srv.request(method, path, body=body, token=self.tokens[who])

    def stored(self):
        return self.db.sql("SELECT s.revision, s.approval_number, s.approval_date, s.note FROM plan_submissions s"
                           " JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'ats-7' ORDER BY s.revision")

    def request_changes(self, revision):
        r = self.req("POST", PLAN + "/submissions/%d/review" % revision, REVIEWER,
                     {"decision": "request_changes", "note": "Correggere"})
        self.assertEqual(r.status, 201, r)

    def test_1_refusals_name_the_field_and_store_nothing(self):
        before = self.stored()
        self.assertEqual(len(before), 1)  # the demo's first submission
        cases = [
            ({"number": "", "date": "2021-03-01"}, ["approval_act.number"]),
            ({"number": "   ", "date": "2021-03-01"}, ["approval_act.number"]),
            ({"number": "x" * 65, "date": "2021-03-01"}, ["approval_act.number"]),
            ({"number": "12\n2021", "date": "2021-03-01"}, ["approval_act.number"]),
            ({"number": 12, "date": "2021-03-01"}, ["approval_act.number"]),
            ({"date": "2021-03-01"}, ["approval_act.number"]),
            ({"number": "12"}, ["approval_act.date"]),
            ({"number": "12", "date": "2021-02-30"}, ["approval_act.date"]),
            ({"number": "12", "date": "1/3/2021"}, ["approval_act.date"]),
            ({"number": "12", "date": "2021-03-01T10:00:00Z"}, ["approval_act.date"]),
            ({"number": "12", "date": rome_today(2)}, ["approval_act.date"]),
            ({"number": "", "date": "2021-13-01"}, ["approval_act.date", "approval_act.number"]),
            ({"number": "12", "date": "2021-03-01", "organo": "giunta"}, ["approval_act.organo"]),
            ("delibera 12", ["approval_act"]),
        ]
        for act, bad in cases:
            with self.subTest(act=act):
                r = self.req("POST", PLAN + "/submit", body={"note": "prova", "approval_act": act})
                self.assertEqual(r.status, 422, r)
                errors = r.json()["errors"]
                self.assertEqual(sorted(e["field"] for e in errors), bad)
                for e in errors:
                    # Italian, not the English of a library.
                    self.assertRegex(e["message"], r"^(deve|non|supera|è)", e)
        r = self.req("POST", PLAN + "/submit", body={"approval_act": {"number": "1", "date": rome_today(1)}})
        self.assertEqual(r.json()["errors"][0]["message"] if r.status == 422 else None,
                         "non può essere nel futuro")
        self.assertEqual(self.stored(), before)

    def test_2_stored_answered_hashed_and_printed(self):
        # Without an act: still accepted through the API, answered null.
        r = self.req("POST", PLAN + "/submit", body={"note": "Seconda stesura"})
        self.assertEqual(r.status, 201, r)
        self.assertIsNone(r.json()["approval_act"])
        self.request_changes(2)
        # Today in Italy is not the future; 64 characters is the limit.
        long_number = "N" * 64
        r = self.req("POST", PLAN + "/submit",
                     body={"note": "Terza stesura", "approval_act": {"number": long_number, "date": rome_today()}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["approval_act"], {"number": long_number, "date": rome_today()})
        self.assertEqual(r.json()["note"], "Terza stesura")
        self.assertEqual(r.json()["revision"], 3)
        self.request_changes(3)
        r = self.req("POST", PLAN + "/submit", body={"approval_act": {"number": "12", "date": "2021-03-03"}})
        self.assertEqual(r.status, 201, r)
        sha4 = r.json()["sha256"]
        self.assertEqual(r.json()["approval_act"], {"number": "12", "date": "2021-03-03"})
        self.assertIsNone(r.json()["note"])

        # The demo's first submission carries the demo's delibera.
        self.assertEqual(self.stored(), [
            ["1", "15", "2021-06-29", None],
            ["2", None, None, "Seconda stesura"],
            ["3", long_number, rome_today(), "Terza stesura"],
            ["4", "12", "2021-03-03", None],
        ])
        items = self.req("GET", PLAN + "/submissions").json()["items"]
        self.assertEqual([i["approval_act"] for i in items],
                         [{"number": "15", "date": "2021-06-29"}, None, {"number": long_number, "date": rome_today()},
                          {"number": "12", "date": "2021-03-03"}])
        one = self.req("GET", PLAN + "/submissions/4")
        self.assertEqual(hashlib.sha256(one.body).hexdigest(), sha4)
        self.assertIn(b'"approval_act":{"date":"2021-03-03","number":"12"},"cycle":', one.body)
        self.assertEqual(json.loads(one.body)["approval_act"], {"number": "12", "date": "2021-03-03"})
        # A submission without an act says so in its snapshot.
        second = self.req("GET", PLAN + "/submissions/2")
        self.assertTrue(second.body.startswith(b'{"approval_act":null,"cycle":'), second.body[:80])

        # Approved and published: the title page names the delibera.
        self.assertEqual(self.req("POST", PLAN + "/submissions/4/review", REVIEWER,
                                  {"decision": "approve"}).status, 201)
        self.assertEqual(self.req("POST", PLAN + "/publish", ADMIN).status, 200)
        doc = self.srv.request("GET", "/public/ats-7/2020-2022")
        self.assertEqual(doc.status, 200, doc)
        self.assertIn('<p class="delibera">Approvato dal Comitato dei Sindaci con delibera n. 12 del '
                      '<time datetime="2021-03-03">3 marzo 2021</time></p>', doc.text)
        self.assertEqual(self.req("GET", PLAN + "/document").text.count('class="delibera"'), 0)


if __name__ == "__main__":
    harness.main()
