"""`ambitoctl demo-load deploy/data/demo-marche.json`, as the README's run
command uses it: the demo tenants, users and plans in the four states of the
flow, reachable through the API with the demo logins; all or nothing.

Expected states and counts are written here from the demo file's own
"target_status" and contents, never taken from the server."""

import hashlib
import json
import os
import shutil
import tempfile
import unittest

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")

with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}

ADMIN = "admin.regione@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"


def count(db, table):
    return int(db.sql("SELECT COUNT(*) FROM %s" % table)[0][0])


class DemoLoad(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        cls.out = harness.ctl_ok(cls.db, "demo-load", DEMO).stdout
        cls.srv = harness.Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def login(self, email):
        r = self.srv.request("POST", "/api/v1/auth/login",
                             {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(r.status, 200, r)
        return r.json()["access_token"]

    def test_reports_what_it_loaded(self):
        self.assertIn("4 ambiti, 9 utenti, 4 piani", self.out)

    def test_plans_are_in_the_four_states(self):
        token = self.login(ADMIN)
        want = {"ats-20": ("published", 1), "ats-13": ("submitted", 1),
                "ats-7": ("changes_requested", 1), "ats-1": ("draft", 0)}
        for tenant, (status, revision) in want.items():
            r = self.srv.request(
                "GET", "/api/v1/tenants/%s/plans/2020-2022" % tenant,
                token=token)
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.json()["status"], r.json()["revision"]),
                             (status, revision), tenant)
            self.assertFalse(r.json()["late"], tenant)

    def test_ats_20_participation(self):
        # Seed 000: ATS 20's thematic tables, a call for self-candidacies
        # and a public map of the bodies involved.
        want = DEMO_DOC["participation"][0]
        self.assertEqual(want["tenant"], "ats-20")
        token = self.login(COORD_20)
        groups = self.srv.request("GET", "/api/v1/tenants/ats-20/groups", token=token).json()["items"]
        self.assertEqual([g["name"] for g in groups], [g["name"] for g in want["groups"]])
        # The accepted candidate joined the table she chose.
        families = [g for g in groups if g["name"] == "Tavolo famiglie e minori"][0]
        self.assertIn("Sara", [p["first_name"] for p in families["participants"]])
        calls = self.srv.request("GET", "/api/v1/tenants/ats-20/calls", token=token).json()["items"]
        self.assertEqual([c["candidacies"] for c in calls], [3])
        cands = self.srv.request("GET", "/api/v1/tenants/ats-20/calls/%d/candidacies" % calls[0]["id"],
                                 token=token).json()["items"]
        self.assertEqual(sorted(c["status"] for c in cands), ["accepted", "received", "rejected"])
        public = self.srv.request("GET", "/api/v1/public/tenants/ats-20/stakeholders").json()["items"]
        self.assertEqual(len(public), len([b for b in want["stakeholders"] if b["public"]]))
        # The published document shows B.1's table and its two meetings, no e-mail.
        doc = self.srv.request("GET", "/public/ats-20/2020-2022")
        self.assertEqual(doc.status, 200, doc)
        self.assertIn("Tavolo tematico: Tavolo povertà e inclusione sociale", doc.text)
        self.assertIn("15 giugno 2021, ore 09:30", doc.text)  # 07:30 UTC in June
        self.assertNotIn("@demo.ambito.invalid", doc.text)

    def test_sections_hold_the_demo_text(self):
        token = self.login(COORD_20)
        want = DEMO_DOC["plans"][0]
        self.assertEqual(want["tenant"], "ats-20")
        r = self.srv.request(
            "GET", "/api/v1/tenants/ats-20/plans/2020-2022/sections/I.1",
            token=token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["parts"], want["sections"]["I.1"]["parts"])
        self.assertEqual(r.json()["status"], "complete")

    def test_submission_hash_and_date(self):
        token = self.login(ADMIN)
        base = "/api/v1/tenants/ats-13/plans/2020-2022/submissions"
        items = self.srv.request("GET", base, token=token).json()["items"]
        self.assertEqual([s["revision"] for s in items], [1])
        self.assertEqual(items[0]["submitted_at"], "2021-07-12T14:05:00Z")
        body = self.srv.request("GET", base + "/1", token=token).body
        self.assertEqual(hashlib.sha256(body).hexdigest(), items[0]["sha256"])

    def test_review_note_of_the_sent_back_plan(self):
        token = self.login(ADMIN)
        items = self.srv.request(
            "GET", "/api/v1/tenants/ats-7/plans/2020-2022/submissions",
            token=token).json()["items"]
        self.assertEqual(items[0]["decision"], "request_changes")
        self.assertEqual(items[0]["reviewed_at"], "2021-07-22T11:30:00Z")
        self.assertTrue(items[0]["review_note"].startswith(
            "Il Piano è completo nella struttura"))

    def test_only_the_published_plan_is_public(self):
        r = self.srv.request("GET", "/public/ats-20/2020-2022")
        self.assertEqual(r.status, 200)
        # The title page names the Comuni: "Monte Urano" needs no escaping.
        self.assertIn("Monte Urano", r.text)
        self.assertIn("Sant&#39;Elpidio a Mare", r.text.replace("&#x27;", "&#39;"))
        for tenant in ("ats-13", "ats-7", "ats-1"):
            r = self.srv.request("GET", "/public/%s/2020-2022" % tenant)
            self.assertEqual(r.status, 404, tenant)

    def test_a_second_load_changes_nothing(self):
        before = [count(self.db, t) for t in
                  ("tenants", "users", "plans", "plan_submissions")]
        p = harness.ctl(self.db, "demo-load", DEMO)
        self.assertNotEqual(p.returncode, 0)
        after = [count(self.db, t) for t in
                 ("tenants", "users", "plans", "plan_submissions")]
        self.assertEqual(after, before)
        self.assertEqual(before, [4, 9, 4, 3])


class DemoLoadNeedsTheCycle(unittest.TestCase):
    def test_without_the_cycle_nothing_is_loaded(self):
        with harness.Database() as db:
            db.migrate()
            p = harness.ctl(db, "demo-load", DEMO)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("importarlo prima", p.stderr)
            self.assertEqual(count(db, "tenants"), 0)
            self.assertEqual(count(db, "users"), 0)

    def test_a_plan_breaking_the_template_is_refused_whole(self):
        doc = json.loads(json.dumps(DEMO_DOC))
        # Over max_chars of the premessa (checked in characters): refused,
        # and with it the whole demo set.
        doc["plans"][0]["sections"]["I.1"]["parts"]["premessa_politica"] = \
            "è" * 200001
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "demo.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
            with harness.Database() as db:
                db.migrate()
                harness.ctl_ok(db, "import", MARCHE)
                p = harness.ctl(db, "demo-load", path)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn("sections.I.1.parts.premessa_politica",
                              p.stderr)
                self.assertEqual(count(db, "tenants"), 0)
                self.assertEqual(count(db, "plans"), 0)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    harness.main()
