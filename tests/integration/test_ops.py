"""Operating ambitod: readiness against a database that goes away and comes
back, the schema check at start, graceful SIGTERM, slow requests not
blocking others, Prometheus metrics, the OpenAPI document kept in step with
the router, and JSON log lines."""

import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness

LOGIN = "/api/v1/auth/login"
PROBLEM = "application/problem+json"
MARIADB_LOCAL = os.path.join(harness.source_dir(), "deploy", "mariadb-local")
RFC3339_UTC = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
LEVELS = {"debug", "info", "warn", "error"}


def migration_files():
    d = os.path.join(harness.source_dir(), "migrations")
    return sorted(f for f in os.listdir(d) if re.match(r"^\d{4}_.*\.sql$", f))


def assert_log_line(tc, line):
    """line (text) is one JSON object with time, level and msg."""
    try:
        obj = json.loads(line)
    except ValueError:
        tc.fail("log line is not JSON: %r" % line)
    tc.assertIsInstance(obj, dict, line)
    tc.assertIsInstance(obj.get("time"), str, line)
    tc.assertRegex(obj["time"], RFC3339_UTC)
    # A real instant, not just the right shape.
    ts = datetime.datetime.strptime(obj["time"][:19], "%Y-%m-%dT%H:%M:%S")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    tc.assertLess(abs((now - ts).total_seconds()), 3600, line)
    tc.assertIn(obj.get("level"), LEVELS, line)
    tc.assertIsInstance(obj.get("msg"), str, line)
    tc.assertNotEqual(obj["msg"], "", line)
    return obj


def run_ambitod_expecting_exit(tc, db, timeout=20):
    """Starts ambitod against db, which must refuse to start: returns
    (exit code, stderr lines). Kills it and fails if it starts serving."""
    returncode, text = harness.run_refused_ambitod(tc, db, timeout)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    tc.assertFalse(any('"listening"' in ln for ln in lines), text)
    return returncode, lines


class PrivateMariaDB:
    """A MariaDB server of this test's own (deploy/mariadb-local), with one
    database and user; quacks like harness.Database for ctl() and Server."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mdb-")
        self.datadir = os.path.join(self.dir, "db")
        self.socket = os.path.join(self.datadir, "mysqld.sock")
        self.name = "ambito_ops"
        self.user = "ambito_ops"
        self.password = secrets.token_hex(16)
        self.jwt_secret = secrets.token_hex(32)
        self.start()
        self.sql("CREATE DATABASE {n} CHARACTER SET utf8mb4 COLLATE "
                 "utf8mb4_unicode_ci; CREATE USER '{u}'@'localhost' "
                 "IDENTIFIED BY '{p}'; GRANT ALL PRIVILEGES ON {n}.* TO "
                 "'{u}'@'localhost';".format(n=self.name, u=self.user,
                                              p=self.password))

    def _run(self, *args, timeout=120):
        p = subprocess.run([MARIADB_LOCAL] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, check=False)
        if p.returncode != 0:
            raise RuntimeError("mariadb-local %s failed (%d):\n%s"
                               % (" ".join(args), p.returncode, p.stdout))
        return p.stdout

    def start(self):
        self._run("start", self.datadir)

    def stop(self):
        self._run("stop", self.datadir)

    def sql(self, query):
        return self._run("sql", self.datadir, "-e", query, timeout=60)

    def env(self):
        return {"AMBITO_DB_SOCKET": self.socket, "AMBITO_DB_USER": self.user,
                "AMBITO_DB_PASSWORD": self.password,
                "AMBITO_DB_NAME": self.name}

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class TableLock:
    """Holds LOCK TABLES table WRITE in db from another connection for hold_s
    seconds, or until release() when hold_s is None, so a request touching
    that table blocks for real."""

    def __init__(self, db, table, hold_s=None):
        sock, user, password = harness._admin()
        env = dict(os.environ)
        env["MYSQL_PWD"] = password
        self.p = subprocess.Popen(
            [harness._mariadb_cli(), "--no-defaults", "--socket=" + sock,
             "-u", user, "--batch", "--skip-column-names", "--unbuffered",
             db.name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self.p.stdin.write(("LOCK TABLES %s WRITE;\nSELECT 'locked';\n" % table).encode())
        if hold_s is not None:
            self.release("SELECT SLEEP(%s);\n" % hold_s)
        else:
            self.p.stdin.flush()
        line = self.p.stdout.readline().decode().strip()
        if line != "locked":
            self.p.kill()
            raise RuntimeError("could not lock %s: %r %r"
                               % (table, line, self.p.stderr.read()))

    def release(self, before=""):
        """Unlocks (after the statements of before) and ends the session."""
        if not self.p.stdin.closed:
            self.p.stdin.write((before + "UNLOCK TABLES;\n").encode())
            self.p.stdin.close()

    def finish(self):
        self.release()
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.p.stdout.close()
        self.p.stderr.close()


def wait_blocked_on_lock(tc, db, timeout=10):
    """Waits until a statement in db waits on a table metadata lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = harness.admin_sql(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
            "DB = '%s' AND STATE LIKE '%%metadata lock%%'" % db.name)
        if int(rows[0][0]) > 0:
            return
        time.sleep(0.05)
    tc.fail("no request blocked on the locked table within %ss" % timeout)


class Timed(threading.Thread):
    """Runs one request in a thread, recording its answer and end time."""

    def __init__(self, srv, method, path, body=None):
        super().__init__(daemon=True)
        self.args = (method, path, body)
        self.srv = srv
        self.response = None
        self.error = None
        self.done_at = None

    def run(self):
        try:
            m, p, b = self.args
            self.response = self.srv.request(m, p, body=b)
        except Exception as e:  # reported by the test
            self.error = e
        self.done_at = time.monotonic()


def assert_problem(tc, r, status):
    tc.assertEqual(r.status, status, r.body[:500])
    tc.assertEqual(r.headers.get("Content-Type", "").split(";")[0], PROBLEM)
    doc = r.json()
    tc.assertEqual(doc.get("status"), status, doc)
    tc.assertTrue(doc.get("title"), doc)
    tc.assertEqual(doc.get("request_id"), r.headers.get("X-Request-Id"))
    return doc


def assert_retry_after(tc, r):
    ra = r.headers.get("Retry-After")
    tc.assertIsNotNone(ra, r.headers)
    tc.assertRegex(ra, r"^[1-9][0-9]*$")
    tc.assertLessEqual(int(ra), 300)


class ReadinessTests(unittest.TestCase):
    def test_readyz_follows_the_database(self):
        mdb = PrivateMariaDB()
        self.addCleanup(mdb.destroy)
        p = harness.ctl_ok(mdb, "migrate")
        self.assertRegex(p.stdout, r"\b%d migrazion[ei] applicat[ae]"
                         % len(migration_files()))
        srv = harness.Server(mdb, env={"AMBITO_WORKERS": 4})
        self.addCleanup(srv.kill)
        r = srv.request("GET", "/readyz")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"status": "ready"})

        mdb.stop()
        # Every worker's connection is gone: each one must notice.
        for _ in range(6):
            r = srv.request("GET", "/readyz", timeout=15)
            doc = assert_problem(self, r, 503)
            assert_retry_after(self, r)
            self.assertNotIn(mdb.socket, r.text)
        self.assertIn("base dati", doc["detail"])
        r = srv.request("POST", LOGIN, body={"email": "a@x.it",
                                             "password": "whatever"})
        assert_problem(self, r, 503)
        assert_retry_after(self, r)
        self.assertEqual(srv.request("GET", "/healthz").status, 200)
        # A database that is merely down does not keep ambitod from starting.
        late = harness.Server(mdb)
        self.addCleanup(late.kill)
        assert_problem(self, late.request("GET", "/readyz"), 503)

        mdb.start()
        for s in (srv, late):
            deadline = time.monotonic() + 10
            while True:
                r = s.request("GET", "/readyz", timeout=15)
                if r.status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            self.assertEqual(r.status, 200, r.body)
        # All workers reconnect, not just one.
        for _ in range(8):
            self.assertEqual(srv.request("GET", "/readyz").status, 200)
        r = srv.request("POST", LOGIN, body={"email": "a@x.it",
                                             "password": "whatever"})
        assert_problem(self, r, 401)
        self.assertEqual(srv.stop(), 0)
        self.assertEqual(late.stop(), 0)

    def test_unmigrated_database_is_refused_at_start(self):
        with harness.Database() as db:
            rc, lines = run_ambitod_expecting_exit(self, db)
            self.assertNotEqual(rc, 0)
            for ln in lines:
                assert_log_line(self, ln)
            errors = [json.loads(ln) for ln in lines
                      if json.loads(ln).get("level") == "error"]
            text = " ".join(o["msg"] for o in errors)
            self.assertIn("in sospeso", text, lines)
            for f in migration_files():
                self.assertIn(f, text)
            self.assertIn("ambitoctl migrate", text)

    def test_readyz_reports_pending_migration(self):
        # A database that falls behind while ambitod runs (a newer instance
        # rolled back, a restore): not ready, and says why.
        with harness.Database() as db:
            db.migrate()
            last = migration_files()[-1]
            with harness.Server(db) as srv:
                self.assertEqual(srv.request("GET", "/readyz").status, 200)
                row = db.sql("SELECT version, name, sha256 FROM "
                             "schema_migrations ORDER BY version DESC LIMIT 1")
                self.assertEqual(row[0][1], last)
                db.sql("DELETE FROM schema_migrations WHERE version = %s"
                       % row[0][0])
                r = srv.request("GET", "/readyz")
                doc = assert_problem(self, r, 503)
                assert_retry_after(self, r)
                self.assertIn("in sospeso", doc["detail"])
                self.assertIn(last, doc["detail"])
                self.assertEqual(srv.request("GET", "/healthz").status, 200)
                db.sql("INSERT INTO schema_migrations (version, name, sha256)"
                       " VALUES (%s, '%s', '%s')" % tuple(row[0]))
                self.assertEqual(srv.request("GET", "/readyz").status, 200)


class DrainTests(unittest.TestCase):
    def setUp(self):
        self.db = harness.Database()
        self.addCleanup(self.db.drop)
        self.db.migrate()

    def test_sigterm_finishes_in_flight_request(self):
        srv = harness.Server(self.db)
        self.addCleanup(srv.kill)
        # Held until the checks below are done, however long they take on
        # a loaded machine: the login must still be in flight then.
        lock = TableLock(self.db, "users")
        self.addCleanup(lock.finish)
        slow = Timed(srv, "POST", LOGIN, {"email": "nobody@x.it",
                                          "password": "not-the-password"})
        slow.start()
        wait_blocked_on_lock(self, self.db)
        self.assertIsNone(slow.done_at, "the login was not held by the lock")

        t_term = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        # New connections are refused (soon after the signal).
        refused = False
        while time.monotonic() - t_term < 1.5:
            try:
                s = socket.create_connection((srv.host, srv.port), timeout=1)
            except (ConnectionRefusedError, ConnectionResetError):
                # A connection the kernel queued just before the listener
                # closed is reset, not refused: either way nobody serves it.
                refused = True
                break
            s.close()
            time.sleep(0.05)
        self.assertTrue(refused, "still accepting connections after SIGTERM")
        self.assertTrue(srv.running(), "exited with a request in flight")
        self.assertIsNone(slow.done_at, "the login was not held by the lock")
        lock.release()

        slow.join(10)
        self.assertIsNone(slow.error, slow.error)
        self.assertIsNotNone(slow.response)
        assert_problem(self, slow.response, 401)
        self.assertEqual(slow.response.headers.get("Connection"), "close")
        self.assertGreater(slow.done_at, t_term)
        try:
            rc = srv.proc.wait(max(0.1, 5 - (time.monotonic() - t_term)))
        except subprocess.TimeoutExpired:
            self.fail("ambitod still running 5 s after SIGTERM")
        self.assertLess(time.monotonic() - t_term, 5)
        self.assertEqual(rc, 0)
        self.assertEqual(srv.stop(), 0)  # collects the log, checks sanitizers
        access = [o for o in srv.log_lines() if o.get("route") == LOGIN]
        self.assertEqual([o.get("status") for o in access], [401])

    def test_sigterm_when_idle_exits_at_once(self):
        srv = harness.Server(self.db)
        self.addCleanup(srv.kill)
        # An idle keep-alive connection must not hold the exit up.
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        self.addCleanup(s.close)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertTrue(s.recv(4096).startswith(b"HTTP/1.1 200"))
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGINT)
        self.assertEqual(srv.proc.wait(5), 0)
        self.assertLess(time.monotonic() - t0, 2)
        self.assertEqual(srv.stop(), 0)

    def test_repeated_sigterm_exits_cleanly(self):
        # A supervisor may signal again while the process is already
        # stopping (the harness's stop() does, when the exit is slow): no
        # second signal, at any moment of the teardown, may end the process
        # by signal instead of its clean exit.
        srv = harness.Server(self.db)
        self.addCleanup(srv.kill)
        self.assertEqual(srv.request("GET", "/healthz").status, 200)
        srv.proc.send_signal(signal.SIGTERM)
        # Again and again until it has exited: send_signal reaps first and
        # signals only a process still there, so no other one gets these.
        t0 = time.monotonic()
        while srv.proc.poll() is None and time.monotonic() - t0 < 30:
            srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(5), 0)
        self.assertEqual(srv.stop(), 0)

    def test_slow_request_does_not_block_others(self):
        srv = harness.Server(self.db, env={"AMBITO_WORKERS": 4})
        self.addCleanup(srv.kill)
        lock = TableLock(self.db, "users", 2)
        self.addCleanup(lock.finish)
        t0 = time.monotonic()
        slow = Timed(srv, "POST", LOGIN, {"email": "nobody@x.it",
                                          "password": "not-the-password"})
        slow.start()
        wait_blocked_on_lock(self, self.db)

        done = []
        for _ in range(10):
            r = srv.request("GET", "/healthz")
            self.assertEqual(r.status, 200)
            done.append(time.monotonic())
        # Other workers keep serving database routes too.
        for _ in range(3):
            r = srv.request("GET", "/readyz")
            self.assertEqual(r.status, 200, r.body)
            done.append(time.monotonic())
        m = srv.request("GET", "/metrics")
        in_use = re.search(r"^ambito_db_pool_in_use (\d+)$", m.text, re.M)
        self.assertIsNotNone(in_use, m.text)
        self.assertGreaterEqual(int(in_use.group(1)), 1)
        done.append(time.monotonic())

        slow.join(15)
        self.assertIsNone(slow.error, slow.error)
        assert_problem(self, slow.response, 401)
        self.assertGreater(slow.done_at - t0, 1.0, "the login was not slow")
        self.assertLess(max(done), slow.done_at,
                        "other requests waited for the slow one")
        self.assertEqual(srv.stop(), 0)


def parse_metrics(text):
    """{sample name with labels: float} and {family: type}."""
    samples, types = {}, {}
    for ln in text.splitlines():
        if ln.startswith("# TYPE "):
            _, _, name, typ = ln.split(" ", 3)
            types[name] = typ
        elif ln and not ln.startswith("#"):
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?) (\S+)$", ln)
            if not m:
                raise AssertionError("bad metrics line: %r" % ln)
            samples[m.group(1)] = float(m.group(3))
    return samples, types


class SharedServerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.srv = harness.Server(cls.db, env={"AMBITO_WORKERS": 3})

    @classmethod
    def tearDownClass(cls):
        try:
            rc = cls.srv.stop()
            if rc != 0:
                raise AssertionError("ambitod exited %d" % rc)
        finally:
            cls.db.drop()

    def test_metrics(self):
        def count(text, labels):
            m = re.search(r"^ambito_http_requests_total\{%s\} (\d+)$"
                          % re.escape(labels), text, re.M)
            return int(m.group(1)) if m else 0

        hz = 'method="GET",route="/healthz",status="200"'
        lg = 'method="POST",route="/api/v1/auth/login",status="422"'
        before = self.srv.request("GET", "/metrics").text
        for _ in range(7):
            self.assertEqual(self.srv.request("GET", "/healthz").status, 200)
        self.assertEqual(self.srv.request("POST", LOGIN, body={}).status, 422)
        self.assertEqual(self.srv.request("GET", "/nope").status, 404)
        r = self.srv.request("GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"),
                        r.headers)
        text = r.text
        self.assertGreaterEqual(count(text, hz), 7)
        self.assertGreaterEqual(count(text, hz) - count(before, hz), 7)
        self.assertGreaterEqual(count(text, lg) - count(before, lg), 1)
        samples, types = parse_metrics(text)
        self.assertEqual(types.get("ambito_http_requests_total"), "counter")
        self.assertEqual(types.get("ambito_http_request_duration_seconds"),
                         "histogram")
        self.assertEqual(types.get("ambito_db_pool_size"), "gauge")
        self.assertEqual(types.get("ambito_db_pool_in_use"), "gauge")
        buckets = [(k, v) for k, v in samples.items()
                   if k.startswith("ambito_http_request_duration_seconds_bucket{")]
        self.assertGreaterEqual(len(buckets), 2, text)
        les = [re.search(r'le="([^"]+)"', k).group(1) for k, _ in buckets]
        self.assertEqual(les[-1], "+Inf")
        bounds = [float(x) for x in les[:-1]]
        self.assertEqual(bounds, sorted(bounds))
        values = [v for _, v in buckets]
        self.assertEqual(values, sorted(values), "buckets are cumulative")
        total = samples["ambito_http_request_duration_seconds_count"]
        self.assertEqual(values[-1], total)
        self.assertGreaterEqual(total, 9)
        self.assertGreaterEqual(
            samples["ambito_http_request_duration_seconds_sum"], 0)
        self.assertEqual(samples["ambito_db_pool_size"], 3)
        self.assertGreaterEqual(samples["ambito_db_pool_in_use"], 0)
        self.assertLessEqual(samples["ambito_db_pool_in_use"], 3)

    def test_openapi_matches_router(self):
        p = subprocess.run([harness.program("ambitod"), "--list-routes"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30, env=harness.child_env(),
                           check=True)
        routes = []
        sources = {}
        for ln in p.stdout.splitlines():
            parts = ln.split()
            self.assertGreaterEqual(len(parts), 3, ln)
            self.assertTrue(set(parts[3:]) <= {"public", "tenant", "unscoped",
                                               "inline", "page"}, ln)
            sources[(parts[0], parts[1])] = parts[2]
            if "page" in parts[3:]:
                continue  # the web interface: pages, not the API's document
            routes.append((parts[0], parts[1], set(parts[3:])))
        self.assertGreater(len(routes), 5)
        self.assertIn(("GET", "/healthz"), [(m, pt) for m, pt, _ in routes])
        # Each route names the file that registered it, from the project
        # root: a file that exists and registers routes.
        for key, source in sources.items():
            with self.subTest(route=key):
                path = os.path.join(harness.source_dir(), source)
                self.assertFalse(os.path.isabs(source), source)
                self.assertTrue(os.path.isfile(path), source)
                with open(path, encoding="utf-8") as f:
                    self.assertIn("router_add(", f.read())
        self.assertEqual(sources[("GET", "/api/v1/cycles/{cycle}")],
                         "core/cycles/cycles.c")
        self.assertEqual(sources[("GET", "/healthz")], "core/http/health.c")
        self.assertEqual(sources[("GET", "/ats/{tenant}/piani/{cycle}")],
                         "tenants/plans/plan_pages.c")
        self.assertEqual(
            sources[("PUT", "/api/v1/tenants/{tenant}/plans/{cycle}"
                            "/sections/{key}")], "tenants/plans/plans.c")

        r = self.srv.request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200, r.body[:500])
        self.assertEqual(r.headers["Content-Type"].split(";")[0],
                         "application/json")
        doc = r.json()
        self.assertTrue(str(doc.get("openapi", "")).startswith("3.1"), doc)
        self.assertIn("title", doc.get("info", {}))
        self.assertIn("version", doc.get("info", {}))
        paths = doc.get("paths")
        self.assertIsInstance(paths, dict)

        http_methods = {"get", "put", "post", "delete", "options", "head",
                        "patch", "trace"}
        documented = {(m.upper(), path) for path, item in paths.items()
                      for m in item if m in http_methods}
        listed = {(m, pt) for m, pt, _ in routes}
        self.assertEqual(len(listed), len(routes), "a route listed twice")
        self.assertEqual(sorted(listed - documented), [],
                         "routes missing from the OpenAPI document")
        self.assertEqual(sorted(documented - listed), [],
                         "OpenAPI operations the router does not have")

        schemes = doc.get("components", {}).get("securitySchemes", {})
        for req in doc.get("security", []):
            for name in req:
                self.assertIn(name, schemes)
        op_ids = set()
        for method, pattern, flags in routes:
            item = paths[pattern]
            op = item[method.lower()]
            with self.subTest(route="%s %s" % (method, pattern)):
                declared = {}
                for prm in item.get("parameters", []) + op.get("parameters",
                                                               []):
                    prm = self.resolve(doc, prm)
                    if prm.get("in") == "path":
                        declared[prm["name"]] = prm
                wanted = re.findall(r"\{([^}]+)\}", pattern)
                self.assertEqual(sorted(declared), sorted(wanted))
                for name in wanted:
                    self.assertIs(declared[name].get("required"), True)
                if "public" in flags:
                    self.assertEqual(op.get("security"), [], op)
                else:
                    self.assertNotEqual(op.get("security", None), [], op)
                    for req in op.get("security", []):
                        for name in req:
                            self.assertIn(name, schemes)
                self.assertTrue(op.get("responses"), op)
                if "operationId" in op:
                    self.assertNotIn(op["operationId"], op_ids)
                    op_ids.add(op["operationId"])

        refs = list(self.refs(doc))
        self.assertTrue(refs, "no $ref at all: the schemas are not used")
        schemas = doc.get("components", {}).get("schemas", {})
        for ref in refs:
            self.assertTrue(ref.startswith("#/components/schemas/"), ref)
            self.assertTrue(ref[len("#/components/schemas/"):] in schemas,
                            "%s does not resolve; schemas: %s"
                            % (ref, sorted(schemas)))

    @staticmethod
    def resolve(doc, obj):
        if "$ref" in obj:
            node = doc
            for part in obj["$ref"][2:].split("/"):
                node = node[part]
            return node
        return obj

    def refs(self, node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    self.assertIsInstance(v, str)
                    yield v
                else:
                    yield from self.refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from self.refs(v)


class LogTests(unittest.TestCase):
    def test_every_log_line_is_json(self):
        with harness.Database() as db:
            db.migrate()
            srv = harness.Server(db)
            self.addCleanup(srv.kill)
            srv.request("GET", "/healthz")
            srv.request("GET", '/a"b\\c/%ff%00?q="\\')
            srv.request("GET", "/nope", headers={"X-Request-Id": "a\"b\\c"})
            srv.request("POST", LOGIN, body={"email": 'x"\\\u00e8@x.it',
                                             "password": "p\"w"})
            srv.request("POST", LOGIN, raw=b'{"email":"\xff"}',
                        headers={"Content-Type": "application/json"})
            srv.raw_request(b"GET /\x01\x7f HTTP/1.1\r\nHost: \xff\r\n\r\n")
            srv.raw_request(b"\xff\xfe garbage\r\n\r\n")
            self.assertEqual(srv.stop(), 0)
            lines = srv.log_text().splitlines()
            self.assertGreater(len(lines), 5)
            msgs = []
            for ln in lines:
                msgs.append(assert_log_line(self, ln)["msg"])
            self.assertIn("listening", msgs)
            # The JSON values are the real ones: the odd path is logged as
            # sent, not mangled into something else.
            paths = [o.get("path") for o in srv.log_lines()]
            self.assertIn('/a"b\\c/%ff%00', paths)


if __name__ == "__main__":
    harness.main()
