"""The restore drill: deploy/backup taken while ambitod serves writes, then
more changes, then deploy/restore into a new database and a server on it.
The restored database is the consistent snapshot of the moment of the
backup: every submission is whole (its row, its frozen sections, the plan's
revision pointing at the last one) and its SHA-256 verifies over the bytes
the restored server sends; what was written after the backup is not there;
the append-only triggers are back and the application account's grants
too."""

import hashlib
import json
import os
import subprocess
import threading
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
PLANS = {"ats-20": "coord20@example.it", "ats-21": "coord21@example.it"}
REVIEWER = "reviewer@example.it"
SCRIPT_TIMEOUT_S = 120


def plan_path(tenant, rest=""):
    return "/api/v1/tenants/%s/plans/%s%s" % (tenant, CYCLE, rest)


class RestoreDrill(unittest.TestCase):
    def setUp(self):
        self.db = harness.Database()
        self.db.migrate()
        for slug in PLANS:
            self.db.sql("INSERT INTO tenants (slug, code, name) VALUES ('%s', '%s', 'ATS %s')"
                        % (slug, slug.upper(), slug))
        users = [(e, "ats_coordinator", t) for t, e in PLANS.items()] + [(REVIEWER, "region_reviewer", None)]
        for email, role, tenant in users:
            args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
            if tenant:
                args += ["--tenant", tenant]
            harness.ctl_ok(self.db, *args, input=PASSWORD + "\n")
        harness.ctl_ok(self.db, "import", MARCHE)
        with open(MARCHE, encoding="utf-8") as f:
            self.template = json.load(f)["template"]
        self.srv = harness.Server(self.db)
        self.tok = {e: self.login(self.srv, e) for e in list(PLANS.values()) + [REVIEWER]}
        self.restored = None
        self.tmp = self.srv.tmpdir

    def tearDown(self):
        self.srv.stop()
        self.db.drop()
        if self.restored is not None:
            self.restored.drop()

    def login(self, srv, email):
        r = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        self.assertEqual(r.status, 200, r.text)
        return r.json()["access_token"]

    def put_section(self, tenant, key, body):
        who = self.tok[PLANS[tenant]]
        path = plan_path(tenant, "/sections/" + key)
        g = self.srv.request("GET", path, token=who)
        self.assertEqual(g.status, 200, g.text)
        r = self.srv.request("PUT", path, body, token=who, headers={"If-Match": g.headers["ETag"]})
        self.assertEqual(r.status, 200, r.text)

    def fill(self, tenant):
        r = self.srv.request("POST", "/api/v1/tenants/%s/plans" % tenant, {"cycle": CYCLE},
                             token=self.tok[PLANS[tenant]])
        self.assertEqual(r.status, 201, r.text)
        for s in self.template["sections"]:
            self.put_section(tenant, s["key"], {"parts": {p["key"]: "%s/%s: testo dell'àmbito." % (s["key"], p["key"])
                                                          for p in s["parts"]}})

    def round(self, tenant, i):
        """Edit, submit, send back: one revision more."""
        first = self.template["sections"][0]
        self.put_section(tenant, first["key"], {"parts": {p["key"]: "Giro %d di %s, è così." % (i, tenant)
                                                          for p in first["parts"]}})
        r = self.srv.request("POST", plan_path(tenant, "/submit"), {"note": "giro %d" % i},
                             token=self.tok[PLANS[tenant]])
        self.assertEqual(r.status, 201, r.text)
        rev = int(r.headers["Location"].rsplit("/", 1)[1])
        r = self.srv.request("POST", plan_path(tenant, "/submissions/%d/review" % rev),
                             {"decision": "request_changes"}, token=self.tok[REVIEWER])
        self.assertEqual(r.status, 201, r.text)

    def script(self, name, *args, db):
        env = harness.child_env(db, extra={"AMBITOCTL": harness.program("ambitoctl")})
        p = subprocess.run([os.path.join(harness.source_dir(), "deploy", name)] + list(args), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=SCRIPT_TIMEOUT_S, check=False)
        self.assertEqual(p.returncode, 0, "deploy/%s: %s\n%s" % (name, p.stdout, p.stderr))
        return p

    def verify(self, srv, db, tenant, token):
        """Every submission of tenant's plan whole and verifiable; returns
        the number of submissions."""
        revs = db.sql("SELECT p.revision FROM plans p JOIN tenants t ON t.id = p.tenant_id"
                      " WHERE t.slug = '%s'" % tenant)
        self.assertEqual(len(revs), 1)
        revision = int(revs[0][0])
        listed = srv.request("GET", plan_path(tenant, "/submissions"), token=token)
        self.assertEqual(listed.status, 200, listed.text)
        items = listed.json()["items"]
        self.assertEqual(sorted(i["revision"] for i in items), list(range(1, revision + 1)))
        nsections = len(self.template["sections"])
        for item in items:
            rev = item["revision"]
            r = srv.request("GET", plan_path(tenant, "/submissions/%d" % rev), token=token)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(hashlib.sha256(r.body).hexdigest(), item["sha256"], (tenant, rev))
            stored = db.sql("SELECT s.sha256 FROM plan_submissions s JOIN tenants t ON t.id = s.tenant_id"
                            " WHERE t.slug = '%s' AND s.revision = %d" % (tenant, rev))
            self.assertEqual(stored, [[item["sha256"]]])
            copies = db.sql("SELECT COUNT(*) FROM plan_sections s JOIN tenants t ON t.id = s.tenant_id"
                            " WHERE t.slug = '%s' AND s.revision = %d" % (tenant, rev))
            self.assertEqual(copies, [[str(nsections)]], (tenant, rev))
        return len(items)

    def test_backup_under_load_restores_verifiable(self):
        for tenant in PLANS:
            self.fill(tenant)
            self.round(tenant, 0)

        # Load: both coordinators edit, submit and get sent back, over and
        # over, while the backup runs.
        stop = threading.Event()
        errors = []
        rounds = {t: 1 for t in PLANS}

        def load(tenant):
            try:
                while not stop.is_set():
                    self.round(tenant, rounds[tenant])
                    rounds[tenant] += 1
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=load, args=(t,)) for t in PLANS]
        for t in threads:
            t.start()
        try:
            dump = os.path.join(self.tmp, "drill.sql.gz")
            p = self.script("backup", dump, db=self.db)
            self.assertIn("backup:", p.stdout)
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [])
        self.assertTrue(os.path.exists(dump + ".sha256"))

        # A change after the backup: it must not come back.
        self.round("ats-20", 999)
        after = {t: int(self.db.sql("SELECT COUNT(*) FROM plan_submissions s JOIN tenants t ON t.id = s.tenant_id"
                                    " WHERE t.slug = '%s'" % t)[0][0]) for t in PLANS}

        self.restored = harness.Database()
        self.script("restore", dump, db=self.restored)
        with harness.Server(self.restored) as srv2:
            tok = self.login(srv2, REVIEWER)
            counts = {t: self.verify(srv2, self.restored, t, tok) for t in PLANS}
        self.assertLess(counts["ats-20"], after["ats-20"])
        for t in PLANS:
            self.assertGreaterEqual(counts[t], 1)
        # The triggers came back with the tables, the grants with migrate.
        with self.assertRaises(RuntimeError) as cm:
            self.restored.sql("DELETE FROM plan_submissions")
        self.assertIn("append-only", str(cm.exception))
        rc, _, err = self.restored.sql_as(self.restored.user, self.restored.password,
                                          "TRUNCATE TABLE audit_log")
        self.assertNotEqual(rc, 0)
        self.assertIn("denied", err)
        # A damaged file is refused before anything is touched.
        with open(dump, "r+b") as f:
            f.seek(100)
            f.write(b"\0\0\0\0")
        env = harness.child_env(self.restored, extra={"AMBITOCTL": harness.program("ambitoctl")})
        p = subprocess.run([os.path.join(harness.source_dir(), "deploy", "restore"), dump], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=SCRIPT_TIMEOUT_S)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("does not match", p.stderr)


if __name__ == "__main__":
    harness.main()
