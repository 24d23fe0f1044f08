"""What the public sees of a published plan (issue 17): the publication
document. Over the demo data, ATS 7's plan (sent back) is resubmitted by
its coordinator after the cycle's deadline (so late) with a note
"NOTA-INTERNA-…", approved and published through the API. The submission
snapshot keeps late, note and submitted_by (the Region reviews it); no
public page or file carries the note, the lateness or the coordinator's
name or e-mail, and every public JSON hashes to the SHA-256 the portal
lists. Expected texts are written here, never taken from the server."""

import hashlib
import io
import json
import os
import re
import time
import unittest
import zipfile

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
CYCLE = "2020-2022"
NOTE = "NOTA-INTERNA-7f3a: trasmesso in ritardo per la seduta del Comitato"
COORD_NAME = "Ottavia Riservata"
COORD_EMAIL = "ottavia.riservata@ats7.example"
PASSWORD = "Password-Lunga-2026!"
ADMIN = ("admin.regione@demo.ambito.invalid", "Demo-Regione-2021!")

# Pages and files whose validators follow the publication state.
VALIDATED = ("/trasparenza", "/trasparenza/" + CYCLE, "/opendata/%s/piani.csv" % CYCLE, "/opendata/%s.zip" % CYCLE,
             "/opendata/catalog.rdf")

SRV = DB = None


def setUpModule():
    global SRV, DB
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", os.path.join(DATA, "marche-2020-2022.json"))
    harness.ctl_ok(DB, "demo-load", os.path.join(DATA, "demo-marche.json"))
    harness.ctl_ok(DB, "user", "add", "--email", COORD_EMAIL, "--role", "ats_coordinator", "--tenant", "ats-7",
                   "--name", COORD_NAME, "--password-stdin", input=PASSWORD + "\n")
    SRV = harness.Server(DB)


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def token(email, password):
    r = SRV.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
    assert r.status == 200, r
    return r.json()["access_token"]


def get(path):
    r = SRV.request("GET", path)
    assert r.status == 200, (path, r.status, r.text[:300])
    return r


class PublicationDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.before = {p: get(p).headers["ETag"] for p in VALIDATED}
        coord, admin = token(COORD_EMAIL, PASSWORD), token(*ADMIN)
        base = "/api/v1/tenants/ats-7/plans/" + CYCLE
        r = SRV.request("POST", base + "/submit", {"note": NOTE}, token=coord)
        assert r.status == 201, r
        cls.sub = r.json()
        r = SRV.request("POST", base + "/submissions/%d/review" % cls.sub["revision"],
                        {"decision": "approve", "note": "Conforme"}, token=admin)
        assert r.status == 201, r
        r = SRV.request("POST", base + "/publish", token=admin)
        assert r.status == 200, r
        cls.stored = SRV.request("GET", base + "/submissions/%d" % cls.sub["revision"], token=admin).body

    def test_the_submission_keeps_what_the_region_reviewed(self):
        snap = json.loads(self.stored)
        self.assertIs(snap["late"], True)  # the deadline was 31 December 2021
        self.assertEqual(snap["note"], NOTE)
        self.assertEqual(snap["submitted_by"]["name"], COORD_NAME)
        self.assertEqual(hashlib.sha256(self.stored).hexdigest(), self.sub["sha256"])

    def test_the_public_json_is_the_snapshot_without_internal_keys(self):
        body = get("/api/v1/public/tenants/ats-7/plans/" + CYCLE).body
        pub = json.loads(body)
        self.assertEqual(sorted(pub), sorted(k for k in json.loads(self.stored)
                                             if k not in ("late", "note", "submitted_by")))
        self.assertEqual(pub["sections"], json.loads(self.stored)["sections"])
        # Canonical: keys sorted at every level, no whitespace outside strings.
        self.assertEqual(list(pub), sorted(pub))
        self.assertNotIn(b": ", re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', body))

    def test_nothing_internal_in_any_public_page_or_file(self):
        bodies = {}
        paths = ["/trasparenza", "/trasparenza/" + CYCLE, "/opendata/%s/piani.csv" % CYCLE,
                 "/opendata/%s/sezioni.csv" % CYCLE, "/opendata/catalog.ttl"]
        for t in ("ats-7", "ats-20"):
            paths += ["/api/v1/public/tenants/%s/plans/%s" % (t, CYCLE), "/public/%s/%s" % (t, CYCLE),
                      "/api/v1/public/tenants/%s/plans/%s/history" % (t, CYCLE)]
        for path in paths:
            bodies[path] = get(path).body.decode("utf-8")
        z = zipfile.ZipFile(io.BytesIO(get("/opendata/%s.zip" % CYCLE).body))
        for name in z.namelist():
            if name.endswith(".xlsx"):  # a zip of XML: its texts
                inner = zipfile.ZipFile(io.BytesIO(z.read(name)))
                for part in inner.namelist():
                    bodies["zip:%s:%s" % (name, part)] = inner.read(part).decode("utf-8")
            else:
                bodies["zip:" + name] = z.read(name).decode("utf-8")
        self.assertIn("zip:piani/ats-7.json", bodies)
        self.assertIn("zip:sezioni.xlsx:xl/worksheets/sheet1.xml", bodies)
        for where, text in bodies.items():
            for secret in ("NOTA-INTERNA", COORD_NAME, COORD_EMAIL, '"late"', '"submitted_by"',
                           "Nota di trasmissione", "Trasmesso da"):
                self.assertNotIn(secret, text, where)

    def test_every_public_json_hashes_to_what_the_portal_lists(self):
        page = get("/trasparenza/" + CYCLE).text
        listed = re.findall(r"<code[^>]*>([0-9a-f]{64})</code>", page)
        self.assertEqual(len(listed), 2)  # ATS 20 (demo) and ATS 7
        z = zipfile.ZipFile(io.BytesIO(get("/opendata/%s.zip" % CYCLE).body))
        for t in ("ats-7", "ats-20"):
            body = get("/api/v1/public/tenants/%s/plans/%s" % (t, CYCLE)).body
            digest = hashlib.sha256(body).hexdigest()
            self.assertIn(digest, listed, t)
            self.assertEqual(z.read("piani/%s.json" % t), body)
            self.assertIn(digest, get("/public/%s/%s" % (t, CYCLE)).text)
        self.assertNotIn(self.sub["sha256"], page)  # the submission's own hash is the Region's

    def test_a_publication_changes_the_validators_and_304_follows(self):
        for path in VALIDATED:
            # The state is cached for a couple of seconds: wait for the
            # condition, the time it takes is the server's business.
            r = self._changed(path)
            self.assertNotEqual(r.headers["ETag"], self.before[path], path)
            self.assertEqual(r.headers["Cache-Control"], "public, max-age=300", path)
            again = SRV.request("GET", path, headers={"If-None-Match": r.headers["ETag"]})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")
            self.assertEqual(again.headers["ETag"], r.headers["ETag"])
            old = SRV.request("GET", path, headers={"If-None-Match": self.before[path]})
            self.assertEqual(old.status, 200, path)
            self.assertEqual(old.body, r.body, path)
        # Another query is another answer.
        a = get("/trasparenza/%s?x=1" % CYCLE).headers["ETag"]
        self.assertNotEqual(a, get("/trasparenza/" + CYCLE).headers["ETag"])

    def _changed(self, path):
        deadline = time.monotonic() + 30
        while True:
            r = get(path)
            if r.headers["ETag"] != self.before[path] or time.monotonic() > deadline:
                return r
            time.sleep(0.05)  # polling a condition, bounded by the deadline


class RateLimit(unittest.TestCase):
    """A server of its own with a small limit (1 a second, 5 at once) behind
    a trusted proxy on 127.0.0.1: the client address is X-Forwarded-For's."""

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(DB, env={"AMBITO_PUBLIC_RATE": "1", "AMBITO_PUBLIC_BURST": "5",
                                          "AMBITO_TRUSTED_PROXIES": "127.0.0.1"})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def get_as(self, addr, path):
        return self.srv.request("GET", path, headers={"X-Forwarded-For": addr})

    def refused_total(self):
        m = re.search(r'ambito_unaudited_refusals_total\{reason="public_rate_limited"\} (\d+)',
                      self.srv.request("GET", "/metrics").text)
        return int(m.group(1))

    def test_an_address_past_its_burst_gets_429_and_another_does_not(self):
        before = self.refused_total()
        t0 = time.monotonic()
        statuses = [self.get_as("203.0.113.7", "/trasparenza/" + CYCLE).status for _ in range(30)]
        elapsed = time.monotonic() - t0
        # 5 at once, then one a second: at most 5 + elapsed + 1 pass.
        self.assertLessEqual(statuses.count(200), 5 + int(elapsed) + 1, statuses)
        self.assertGreaterEqual(statuses.count(200), 5, statuses)
        self.assertEqual(set(statuses), {200, 429})
        page = self.get_as("203.0.113.7", "/opendata/%s/piani.csv" % CYCLE)
        self.assertEqual(page.status, 429)
        self.assertIn("text/html", page.headers["Content-Type"])
        self.assertIn("Troppe richieste", page.text)
        self.assertGreaterEqual(int(page.headers["Retry-After"]), 1)
        api = self.get_as("203.0.113.7", "/api/v1/public/tenants/ats-20/plans/" + CYCLE)
        self.assertEqual(api.status, 429)
        self.assertEqual(api.headers["Content-Type"], "application/problem+json")
        self.assertIn("troppe richieste", api.json()["detail"])
        # Another address, and the same address on a route that is not public.
        self.assertEqual(self.get_as("203.0.113.8", "/trasparenza/" + CYCLE).status, 200)
        self.assertEqual(self.get_as("203.0.113.7", "/healthz").status, 200)
        self.assertEqual(self.refused_total() - before, statuses.count(429) + 2)


if __name__ == "__main__":
    harness.main()
