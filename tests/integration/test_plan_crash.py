"""A submission is all or nothing, even when ambitod dies in the middle of it.

A plan on the Marche template is filled with large sections (every part at
its max_chars in two-byte characters, hundreds of indicators), so that a
submit takes a noticeable time. The submit is then sent on a raw socket and
ambitod is killed with SIGKILL after a delay, at several delays spread over
the time a submit takes. After each kill, once the dead server's database
connections are gone, the database must hold either the whole submission
(its row, the copy of every section and income line, the plan submitted at
that revision) or none of it (the plan as it was). A restarted server must
then answer consistently with the database. Where the kill fell is not
asserted: only the invariant, every time."""

import hashlib
import json
import os
import socket
import time
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
SECTIONS = 33
INCOME_LINES = 40
INDICATORS_PER_SECTION = 120
# Fractions of a measured submit's duration at which to kill the server.
KILL_POINTS = (0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.3)
CONNECTIONS_GONE_TIMEOUT_S = 30
PLAN = "/api/v1/tenants/ats-20/plans/" + CYCLE


def login(srv, email):
    r = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert r.status == 200, r
    return r.json()["access_token"]


def wait_connections_gone(db):
    """Until no connection of the killed server is left in the database: a
    COMMIT already sent may still complete, a transaction cut off is rolled
    back; only then is what the database holds final."""
    deadline = time.monotonic() + CONNECTIONS_GONE_TIMEOUT_S
    while time.monotonic() < deadline:
        rows = harness.admin_sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '%s'"
                                 % db.user)
        if rows[0][0] == "0":
            return
        time.sleep(0.05)
    raise AssertionError("the killed server's connections did not go away")


class SubmitCrash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.db.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-20', 'ATS20', 'ATS 20 Fermo')")
        for email, role, tenant in (("coord@example.it", "ats_coordinator", "ats-20"),
                                    ("reviewer@example.it", "region_reviewer", None)):
            args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
            if tenant:
                args += ["--tenant", tenant]
            harness.ctl_ok(cls.db, *args, input=PASSWORD + "\n")
        harness.ctl_ok(cls.db, "import", MARCHE)
        with open(MARCHE, encoding="utf-8") as f:
            cls.template = json.load(f)["template"]
        cls.srv = None

    @classmethod
    def tearDownClass(cls):
        if cls.srv is not None and cls.srv.running():
            cls.srv.stop()
        cls.db.drop()

    def start(self):
        self.srv = type(self).srv = harness.Server(self.db)
        self.coord = login(self.srv, "coord@example.it")
        self.reviewer = login(self.srv, "reviewer@example.it")

    def req(self, method, path, token, body=None, etag=None):
        return self.srv.request(method, path, body=body, token=token,
                                headers={"If-Match": etag} if etag else None)

    def fill(self):
        """Every part at its max_chars in 'è' (two bytes each), and many
        indicators and spending lines: a plan of several megabytes."""
        r = self.req("POST", "/api/v1/tenants/ats-20/plans", self.coord, {"cycle": CYCLE})
        self.assertEqual(r.status, 201, r)
        for s in self.template["sections"]:
            body = {"parts": {}}
            for p in s["parts"]:
                head = "%s %s " % (s["key"], p["key"])
                body["parts"][p["key"]] = head + "è" * (p["max_chars"] - len(head))
            if "indicators" in s["blocks"]:
                body["indicators"] = [{"name": "Indicatore %d " % i + "à" * 250, "kind": "result",
                                       "unit": "persone", "baseline": str(i), "target": str(i + 10),
                                       "source": "Rilevazione dell'ATS " + "ò" * 200}
                                      for i in range(INDICATORS_PER_SECTION)]
            if "spending" in s["blocks"]:
                body["spending"] = [{"service": "Servizio %d" % i, "year": 2020 + i % 3, "amount_eur": 1000 + i,
                                     "funding_source": "fnps"} for i in range(100)]
            path = PLAN + "/sections/" + s["key"]
            g = self.req("GET", path, self.coord)
            r = self.req("PUT", path, self.coord, body, etag=g.headers["ETag"])
            self.assertEqual(r.status, 200, (s["key"], r))
        g = self.req("GET", PLAN + "/finance", self.coord)
        income = [{"source": "regione", "year": 2021, "amount_eur": 100 + i, "note": "Voce %d" % i}
                  for i in range(INCOME_LINES)]
        r = self.req("PUT", PLAN + "/finance", self.coord, {"income": income}, etag=g.headers["ETag"])
        self.assertEqual(r.status, 200, r)

    def reopen(self):
        """After a submission: send it back so the next submit may run."""
        p = self.req("GET", PLAN, self.reviewer).json()
        if p["status"] == "submitted":
            r = self.req("POST", PLAN + "/submissions/%d/review" % p["revision"], self.reviewer,
                         {"decision": "request_changes"})
            self.assertEqual(r.status, 201, r)

    def raw_submit(self):
        body = b'{"note":"Trasmissione interrotta?"}'
        head = ("POST %s/submit HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                % (PLAN, self.srv.host, self.coord, len(body)))
        s = socket.create_connection((self.srv.host, self.srv.port), timeout=10)
        s.sendall(head.encode("ascii") + body)
        return s

    def state(self):
        """(status, revision) of the plan, with the invariant checked: every
        revision 1..revision has its submission, its full copy of sections
        and income and a snapshot whose sha256 matches; nothing beyond."""
        (status, revision), = self.db.sql("SELECT status, revision FROM plans")
        revision = int(revision)
        subs = self.db.sql("SELECT revision, sha256 = SHA2(snapshot, 256), LENGTH(snapshot) > 4000000"
                           " FROM plan_submissions ORDER BY revision")
        self.assertEqual([int(r[0]) for r in subs], list(range(1, revision + 1)))
        for rev, sha_ok, big in subs:
            self.assertEqual((sha_ok, big), ("1", "1"), "submission %s stored whole" % rev)
        sections = self.db.sql("SELECT revision, COUNT(*) FROM plan_sections GROUP BY revision ORDER BY revision")
        self.assertEqual(sections, [[str(r), str(SECTIONS)] for r in range(0, revision + 1)])
        income = self.db.sql("SELECT revision, COUNT(*) FROM plan_income GROUP BY revision ORDER BY revision")
        self.assertEqual(income, [[str(r), str(INCOME_LINES)] for r in range(0, revision + 1)])
        # The frozen copy is the draft's, byte for byte.
        differing = self.db.sql("SELECT COUNT(*) FROM plan_sections d JOIN plan_sections f"
                                " ON f.tenant_id = d.tenant_id AND f.cycle_id = d.cycle_id"
                                " AND f.section_key = d.section_key AND f.revision = %d"
                                " WHERE d.revision = 0 AND d.content <> f.content" % revision)
        self.assertEqual(differing, [["0"]])
        if revision == 0:
            self.assertEqual(status, "draft")
        return status, revision

    def check_server_agrees(self, status, revision):
        p = self.req("GET", PLAN, self.coord)
        self.assertEqual(p.status, 200, p)
        self.assertEqual((p.json()["status"], p.json()["revision"]), (status, revision))
        subs = self.req("GET", PLAN + "/submissions", self.coord).json()["items"]
        self.assertEqual([s["revision"] for s in subs], list(range(1, revision + 1)))
        if revision > 0:
            snap = self.req("GET", PLAN + "/submissions/%d" % revision, self.coord)
            self.assertEqual(hashlib.sha256(snap.body).hexdigest(), subs[-1]["sha256"])

    def test_kill_during_submit_is_all_or_nothing(self):
        self.start()
        self.fill()
        # One submit measured, to spread the kills over its duration.
        t0 = time.monotonic()
        r = self.req("POST", PLAN + "/submit", self.coord, {})
        took = time.monotonic() - t0
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.state(), ("submitted", 1))
        outcomes = []
        for point in KILL_POINTS:
            with self.subTest(kill_at=point):
                self.reopen()
                before = self.state()
                self.assertEqual(before[0], "changes_requested")
                sock = self.raw_submit()
                time.sleep(took * point)
                self.srv.kill()
                sock.close()
                wait_connections_gone(self.db)
                after = self.state()
                if after[1] == before[1]:
                    self.assertEqual(after, before)
                    outcomes.append("none")
                else:
                    self.assertEqual(after, ("submitted", before[1] + 1))
                    outcomes.append("whole")
                self.start()
                self.check_server_agrees(*after)
        # For the log: where the kills fell. Not asserted: the timing is the
        # machine's, the invariant above is what must hold.
        print("submit took %.3fs; outcomes: %s" % (took, " ".join(outcomes)))
        self.srv.stop()


if __name__ == "__main__":
    harness.main()
