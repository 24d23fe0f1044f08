"""Scale-out drill on a real three-node Galera cluster (deploy/galera-local
up): two ambitod behind HAProxy, several coordinators editing and
submitting, and in the middle one database node and one ambitod killed.
Afterwards every acknowledged write is there, every submission is whole and
its SHA-256 verifies, the surviving nodes agree (submissions, plans'
index_version), and during the fault the clients saw only 503 (with
Retry-After) or answers they retried.

Not in the default suite (it takes a minute and needs galera-4 and
HAProxy): run it with `deploy/test --galera`."""

import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("AMBITO_BUILD_DIR", os.path.join(SRC, "build"))
GALERA = os.path.join(SRC, "deploy", "galera-local")
MARCHE = os.path.join(SRC, "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
TENANTS = ("ats-1", "ats-2", "ats-3")
REVIEWER = "revisore@example.it"
LOAD_S = 24          # how long the clients write
FAULT_AT_S = 8       # when a node and an ambitod are killed
RETRY_PAUSE_MAX_S = 1.0
ATTEMPTS_MAX = 40    # per request, while the cluster recovers
# What a client may see and retry: a 503 from ambitod has Retry-After; one
# from HAProxy (no instance ready) and a 502 (the instance died under the
# request) or a dropped connection are retried as well.
RETRIED = (502, 503, 504)


def free_base():
    """A base port whose 13 ports (nodes, HAProxy, ambitod) are free."""
    for _ in range(50):
        base = random.randrange(20000, 40000, 200)
        ports = [base + 10 * n + k for n in (1, 2, 3) for k in range(4)] + [base + 90 + k for k in (0, 10, 11, 12)]
        ok = True
        for p in ports:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free ports")


class Client:
    def __init__(self, base_url):
        m = re.match(r"http://([^:]+):(\d+)", base_url)
        self.host, self.port = m.group(1), int(m.group(2))
        self.seen = []  # (status, had Retry-After) of every answer

    def once(self, method, path, body=None, token=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            out = r.read()
            self.seen.append((r.status, r.getheader("Retry-After") is not None))
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), out
        except (OSError, http.client.HTTPException):
            self.seen.append((0, False))
            return 0, {}, b""
        finally:
            c.close()

    def call(self, method, path, body=None, token=None, headers=None):
        """Retries what RETRIED allows; returns (status, headers, body,
        attempts)."""
        for attempt in range(1, ATTEMPTS_MAX + 1):
            st, h, out = self.once(method, path, body, token, headers)
            if st not in RETRIED and st != 0:
                return st, h, out, attempt
            time.sleep(min(RETRY_PAUSE_MAX_S, float(h.get("retry-after", "0.2") or 0.2)))
        raise AssertionError("%s %s: no answer after %d attempts" % (method, path, ATTEMPTS_MAX))


class GaleraDrill(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("haproxy", "mariadbd", "rsync"):
            if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
                raise RuntimeError("%s is not installed: deploy/test --galera installs it" % tool)
        cls.dir = tempfile.mkdtemp(prefix="galera-")
        os.chmod(cls.dir, 0o755)
        cls.base = free_base()
        env = dict(os.environ, AMBITOD=os.path.join(BUILD, "cmd", "ambitod"),
                   AMBITOCTL=os.path.join(BUILD, "cmd", "ambitoctl"))
        cls.env = env
        p = subprocess.run([GALERA, "up", cls.dir, str(cls.base)], env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        if p.returncode != 0:
            raise RuntimeError("galera-local up failed:\n" + p.stdout)
        cls.ambito_env = {}
        with open(os.path.join(cls.dir, "ambito.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                cls.ambito_env[k] = v
        cls.url = "http://127.0.0.1:%d" % (cls.base + 100)

    @classmethod
    def tearDownClass(cls):
        subprocess.run([GALERA, "down", cls.dir], env=cls.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def node_sql(self, n, query):
        p = subprocess.run([GALERA, "sql", self.dir, str(n), "-N", "-B", "ambito", "-e", query],
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [ln.split("\t") for ln in p.stdout.splitlines()]

    def ctl(self, *args, input=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AMBITO_")}
        env.update(self.ambito_env)
        p = subprocess.run([os.path.join(BUILD, "cmd", "ambitoctl")] + list(args), env=env, input=input,
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_writes_survive_a_node_and_an_instance_dying(self):
        for t in TENANTS:
            self.node_sql(1, "INSERT INTO tenants (slug, code, name) VALUES ('%s', '%s', 'ATS %s')" % (t, t, t))
            self.ctl("user", "add", "--email", "coord-%s@example.it" % t, "--role", "ats_coordinator",
                     "--tenant", t, "--password-stdin", input=PASSWORD + "\n")
        self.ctl("user", "add", "--email", REVIEWER, "--role", "region_reviewer", "--password-stdin",
                 input=PASSWORD + "\n")
        self.ctl("import", MARCHE)
        with open(MARCHE, encoding="utf-8") as f:
            template = json.load(f)["template"]

        results = {}
        errors = []
        stop_at = time.monotonic() + LOAD_S

        def work(tenant):
            try:
                results[tenant] = self.client_run(tenant, template, stop_at)
            except Exception as e:  # reported below
                errors.append((tenant, e))

        threads = [threading.Thread(target=work, args=(t,)) for t in TENANTS]
        for t in threads:
            t.start()
        time.sleep(FAULT_AT_S)
        # The active database node and one ambitod die.
        subprocess.run([GALERA, "kill", self.dir, "1"], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "ambitod1.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGKILL)
        for t in threads:
            t.join(LOAD_S + 300)
        self.assertEqual(errors, [])

        cl = Client(self.url)
        st, _, out, _ = cl.call("POST", "/api/v1/auth/login", {"email": REVIEWER, "password": PASSWORD})
        self.assertEqual(st, 200, out)
        tok = json.loads(out)["access_token"]
        for tenant, res in results.items():
            base = "/api/v1/tenants/%s/plans/%s" % (tenant, CYCLE)
            revs, cursor = {}, None
            while True:  # every page: a round submits once, and a page holds 500
                st, _, out, _ = cl.call("GET", base + "/submissions?limit=500" +
                                        ("&cursor=" + cursor if cursor else ""), token=tok)
                self.assertEqual(st, 200, out)
                page = json.loads(out)
                revs.update({i["revision"]: i["sha256"] for i in page["items"]})
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            # Every acknowledged submission is there, and nothing is missing
            # in between.
            self.assertTrue(set(res["acked_submissions"]) <= set(revs), (tenant, res, sorted(revs)))
            self.assertEqual(sorted(revs), list(range(1, len(revs) + 1)))
            for rev, sha in revs.items():
                st, _, body, _ = cl.call("GET", base + "/submissions/%d" % rev, token=tok)
                self.assertEqual(st, 200)
                self.assertEqual(hashlib.sha256(body).hexdigest(), sha, (tenant, rev))
            # The last acknowledged edit, or a later one whose answer was lost.
            st, _, out, _ = cl.call("GET", base + "/sections/" + res["section"], token=tok)
            self.assertEqual(st, 200, out)
            text = json.loads(out)["parts"][res["part"]]
            self.assertIn(text, [res["acked_text"]] + res["unknown_texts"], tenant)
            self.assertGreaterEqual(res["rounds"], 2, res)
            # During the fault: only 503 with Retry-After, or retried answers.
            bad = [s for s in res["seen"] if s[0] >= 500 and s[0] not in RETRIED]
            self.assertEqual(bad, [], res["seen"])
        # The surviving nodes agree.
        counts = [self.node_sql(n, "SELECT COUNT(*), COALESCE(SUM(CRC32(sha256)), 0) FROM plan_submissions")
                  for n in (2, 3)]
        self.assertEqual(counts[0], counts[1])
        # index_version too: the triggers' values replicate as written
        # (migration 0021), whichever node computed them.
        versions = [self.node_sql(n, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS(':', tenant_id, cycle_id, index_version)))"
                                     " FROM plans") for n in (2, 3)]
        self.assertEqual(versions[0], versions[1])
        sys.stderr.write("galera drill (rounds, acknowledged submissions, answers retried): %s\n"
                         % {t: (r["rounds"], len(r["acked_submissions"]),
                                sum(1 for s in r["seen"] if s[0] in RETRIED or s[0] == 0))
                            for t, r in results.items()})

    def client_run(self, tenant, template, stop_at):
        cl = Client(self.url)
        coord = "coord-%s@example.it" % tenant
        st, _, out, _ = cl.call("POST", "/api/v1/auth/login", {"email": coord, "password": PASSWORD})
        assert st == 200, out
        tok = json.loads(out)["access_token"]
        st, _, out, _ = cl.call("POST", "/api/v1/auth/login", {"email": REVIEWER, "password": PASSWORD})
        assert st == 200, out
        rtok = json.loads(out)["access_token"]
        base = "/api/v1/tenants/%s/plans/%s" % (tenant, CYCLE)
        st, _, out, _ = cl.call("POST", "/api/v1/tenants/%s/plans" % tenant, {"cycle": CYCLE}, token=tok)
        assert st in (201, 409), (st, out)

        def put(key, body):
            """PUT with a fresh ETag; (acknowledged, maybe written)."""
            st, h, out, _ = cl.call("GET", base + "/sections/" + key, token=tok)
            assert st == 200, (st, out)
            st, h, out, attempts = cl.call("PUT", base + "/sections/" + key, body, token=tok,
                                           headers={"If-Match": h["etag"]})
            if st == 200:
                return True, True
            # A retried PUT whose first attempt was written finds the ETag
            # changed: 412. Its outcome is then "maybe".
            assert st == 412 and attempts > 1, (st, out)
            return False, True

        for s in template["sections"]:
            ok, _ = put(s["key"], {"parts": {p["key"]: "%s %s" % (s["key"], p["key"]) for p in s["parts"]}})
        first = template["sections"][0]
        part = first["parts"][0]["key"]
        res = {"section": first["key"], "part": part, "acked_text": None, "unknown_texts": [],
               "acked_submissions": [], "rounds": 0}
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            text = "%s giro %d" % (tenant, i)
            body = {"parts": {p["key"]: (text if p["key"] == part else "%s %s" % (first["key"], p["key"]))
                              for p in first["parts"]}}
            acked, maybe = put(first["key"], body)
            if acked:
                res["acked_text"], res["unknown_texts"] = text, []
            elif maybe:
                res["unknown_texts"].append(text)
            st, h, out, attempts = cl.call("POST", base + "/submit", {"note": "giro %d" % i}, token=tok)
            if st == 201:
                res["acked_submissions"].append(int(h["location"].rsplit("/", 1)[1]))
            else:
                assert st == 409 and attempts > 1, (st, out)  # the first attempt went through
            st, _, out, _ = cl.call("GET", base, token=tok)
            assert st == 200, out
            plan = json.loads(out)
            if plan["status"] == "submitted":
                st, _, out, attempts = cl.call("POST", base + "/submissions/%d/review" % plan["revision"],
                                               {"decision": "request_changes"}, token=rtok)
                assert st == 201 or (st == 409 and attempts > 1), (st, out)
            res["rounds"] += 1
        res["seen"] = cl.seen
        return res


if __name__ == "__main__":
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2)
    prog = unittest.main(testRunner=runner, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() and prog.result.testsRun > 0 else 1)
