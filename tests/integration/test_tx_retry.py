"""A write transaction that loses a deadlock (on Galera: a certification
conflict, the same error 1213) is run again whole by ambitod, a bounded
number of times, and never leaves half of itself behind.

A real deadlock is provoked in the real MariaDB: a second session (heavier,
so InnoDB picks ambitod's transaction as the victim) locks the section row a
section PUT needs; the PUT locks its plan row and waits for the section; the
session then asks for the plan row. ambitod's transaction is rolled back by
the server, run again, waits for the session to finish, and succeeds: one
200, one change (the section's version goes up by one, not two), one audit
row."""

import os
import re
import subprocess
import threading
import time
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
PLAN = "/api/v1/tenants/ats-20/plans/" + CYCLE
SECTION = PLAN + "/sections/I.1"
BALLAST_ROWS = 20000  # the session's weight: InnoDB rolls back the lighter side
WAIT_S = 20


class Session:
    """One mariadb client session on a pipe: statements run in order, so a
    statement waiting for a lock holds back the ones after it."""

    def __init__(self, db):
        env = dict(os.environ)
        env["MYSQL_PWD"] = db.owner_password
        self.p = subprocess.Popen(
            [harness._mariadb_cli(), "--no-defaults", "--socket=" + db.socket, "-u", db.owner,
             "--batch", "--skip-column-names", "--unbuffered", db.name],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1)
        self.n = 0

    def send(self, sql):
        """Sends sql and a marker; returns the marker to wait for."""
        self.n += 1
        mark = "done-%d" % self.n
        self.p.stdin.write(sql + ";\nSELECT '%s';\n" % mark)
        self.p.stdin.flush()
        return mark

    def wait(self, mark):
        out = []
        for line in self.p.stdout:
            line = line.rstrip("\n")
            if line == mark:
                return out
            out.append(line)
        raise AssertionError("session ended: %s" % self.p.stderr.read())

    def run(self, sql):
        return self.wait(self.send(sql))

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


class TxRetry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.db.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-20', 'ATS20', 'ATS 20 Fermo')")
        harness.ctl_ok(cls.db, "user", "add", "--email", "coord@example.it", "--role", "ats_coordinator",
                       "--tenant", "ats-20", "--password-stdin", input=PASSWORD + "\n")
        harness.ctl_ok(cls.db, "import", MARCHE)
        cls.db.sql("CREATE TABLE ballast (n INT NOT NULL)")

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def lock_waits(self):
        return int(self.db.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                               " WHERE trx_state = 'LOCK WAIT'")[0][0])

    def until(self, pred, what):
        deadline = time.monotonic() + WAIT_S
        while not pred():
            if time.monotonic() > deadline:
                raise AssertionError("waited in vain for " + what)
            time.sleep(0.02)

    def test_deadlocked_write_is_run_again_whole(self):
        with harness.Server(self.db) as srv:
            r = srv.request("POST", "/api/v1/auth/login", {"email": "coord@example.it", "password": PASSWORD})
            self.assertEqual(r.status, 200, r.text)
            tok = r.json()["access_token"]
            r = srv.request("POST", "/api/v1/tenants/ats-20/plans", {"cycle": CYCLE}, token=tok)
            self.assertEqual(r.status, 201, r.text)
            g = srv.request("GET", SECTION, token=tok)
            self.assertEqual(g.status, 200, g.text)
            ids = self.db.sql("SELECT tenant_id, cycle_id, version FROM plan_sections"
                              " WHERE revision = 0 AND section_key = 'I.1'")[0]
            tenant_id, cycle_id, version = ids[0], ids[1], int(ids[2])
            body = {"parts": {"premessa_politica": "Scritta dopo un conflitto.", "nota_tecnica": "Nota."}}

            s = Session(self.db)
            try:
                s.run("SET SESSION innodb_lock_wait_timeout = 30")
                s.run("START TRANSACTION")
                s.run("INSERT INTO ballast SELECT seq FROM seq_1_to_%d" % BALLAST_ROWS)
                s.run("SELECT version FROM plan_sections WHERE tenant_id = %s AND cycle_id = %s"
                      " AND revision = 0 AND section_key = 'I.1' FOR UPDATE" % (tenant_id, cycle_id))
                answer = {}

                def put():
                    answer["r"] = srv.request("PUT", SECTION, body, token=tok,
                                              headers={"If-Match": g.headers["ETag"]})

                t = threading.Thread(target=put)
                t.start()
                # The PUT holds its plan row and waits for the section row.
                self.until(lambda: self.lock_waits() == 1, "the PUT to wait for the section row")
                # Now the session asks for the plan row: a deadlock. The PUT,
                # lighter, is rolled back, run again, and waits anew.
                mark = s.send("SELECT status FROM plans WHERE tenant_id = %s AND cycle_id = %s FOR UPDATE"
                              % (tenant_id, cycle_id))
                s.wait(mark)
                self.until(lambda: self.lock_waits() == 1, "the PUT's second attempt to wait")
                self.assertTrue(t.is_alive())
                s.run("ROLLBACK")
                t.join(WAIT_S)
                self.assertFalse(t.is_alive())
            finally:
                s.close()

            r = answer["r"]
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.json()["parts"]["premessa_politica"], "Scritta dopo un conflitto.")
            m = re.search(r"^ambito_tx_retries_total (\d+)$", srv.request("GET", "/metrics").text, re.M)
            self.assertIsNotNone(m)
            self.assertEqual(int(m.group(1)), 1)
            srv.wait_for_log(lambda o: "met a conflict" in o.get("msg", ""))
        # One change and one audit row, whatever the attempts.
        self.assertEqual(self.db.sql("SELECT version FROM plan_sections WHERE revision = 0"
                                     " AND section_key = 'I.1'"), [[str(version + 1)]])
        self.assertEqual(self.db.sql("SELECT status, COUNT(*) FROM audit_log WHERE method = 'PUT'"
                                     " GROUP BY status"), [["200", "1"]])
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM ballast"), [["0"]])


if __name__ == "__main__":
    harness.main()
