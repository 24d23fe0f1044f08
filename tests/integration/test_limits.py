"""What a client may not exhaust: body limits per route (a login's body is a
few KiB), the JSON tree's budget, the memory held by requests in flight, the
connection cap, the password-hashing queue; and what the server must not
lose or garble meanwhile: the 413 answer of a refused body, a request sent
just before SIGTERM, the request id and the log lines."""

import json
import signal
import socket
import threading
import time

import harness
from test_http import (HTTPCase, LOGIN, GENERATED_ID, one_response,
                       request_bytes)

SECTION = "/api/v1/tenants/t1/plans/2020-2022/sections/A.1.1"
PUBLIC_LIMIT = 8 * 1024  # ROUTE_BODY_PUBLIC_MAX


def send_all_then_read(srv, data, timeout=20):
    """Sends every byte with a blocking sendall, as a plain HTTP client
    does, and only then reads the answer until the server closes."""
    with socket.create_connection((srv.host, srv.port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks)


def metric(srv, name):
    """The value of one sample of /metrics, by its name and labels."""
    r = srv.request("GET", "/metrics")
    assert r.status == 200, r.status
    for line in r.text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError("no %s in /metrics:\n%s" % (name, r.text))


def wait_healthy(srv, seconds=5):
    deadline = time.monotonic() + seconds
    while True:
        try:
            r = srv.request("GET", "/healthz", timeout=2)
            if r.status == 200:
                return r
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("/healthz did not answer again; log:\n%s"
                                 % srv.log_tail())
        time.sleep(0.05)


class BodyLimitTests(HTTPCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.srv = harness.Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        try:
            rc = cls.srv.stop()
            if rc != 0:
                raise AssertionError("ambitod exited %d" % rc)
        finally:
            cls.db.drop()

    def test_login_body_over_its_limit_is_413_and_the_client_reads_it(self):
        # 4 MiB, far under the server's 8 MiB default but over the login's
        # few KiB. The client sends all of it before reading, like
        # http.client: without a lingering close the server's close with
        # unread bytes resets the connection and the 413 is lost.
        body = b'{"email":"' + b"a" * (4 * 1024 * 1024) + b'"}'
        data = send_all_then_read(self.srv, request_bytes(
            "POST", LOGIN, body, [("Content-Type", "application/json")]))
        r = one_response(data)
        doc = self.assertProblem(r, 413)
        self.assertIn(str(PUBLIC_LIMIT), doc["detail"])
        self.assertEqual(r.headers.get("Connection"), "close")
        self.assertAlive(self.srv)

    def _head_then_wait(self, auth_header):
        """Sends the head of a 4 MiB section write and 1 KiB of its body,
        slowly, and reads the answer without sending the rest."""
        body_len = 4 * 1024 * 1024
        headers = [("Host", "t"), ("Content-Type", "application/json"),
                   ("Content-Length", str(body_len))]
        if auth_header is not None:
            headers.append(("Authorization", auth_header))
        head = "PUT %s HTTP/1.1\r\n%s\r\n" % (
            SECTION, "".join("%s: %s\r\n" % h for h in headers))
        with socket.create_connection((self.srv.host, self.srv.port),
                                      timeout=5) as s:
            s.sendall(head.encode())
            for _ in range(4):
                s.sendall(b'{"parts":{"a":"' if _ == 0 else b"x" * 256)
                time.sleep(0.05)
            t0 = time.monotonic()
            data = b""
            while True:
                # The answer, then the end of the stream (the server shuts
                # its side at once); a timeout fails the test.
                c = s.recv(65536)
                if not c:
                    break
                data += c
            waited = time.monotonic() - t0
        # Answered while 4 MiB minus about 800 bytes were never sent.
        self.assertLess(waited, 3, data[:300])
        return one_response(data)

    def test_no_token_is_refused_before_the_body(self):
        before = metric(self.srv, 'ambito_unaudited_refusals_total{reason="unauthenticated_write"}')
        r = self._head_then_wait(None)
        doc = self.assertProblem(r, 401, "accedere")
        self.assertEqual(r.headers.get("WWW-Authenticate"), 'Bearer realm="ambito"')
        self.assertEqual(r.headers.get("Connection"), "close")
        self.assertEqual(metric(self.srv, 'ambito_unaudited_refusals_total{reason="unauthenticated_write"}'),
                         before + 1)
        line = self.srv.wait_for_log(lambda o: o.get("status") == 401 and o.get("path") == SECTION)
        self.assertEqual(line["method"], "PUT")
        self.assertAlive(self.srv)

    def test_refusal_without_a_body_keeps_the_connection(self):
        # Nothing left unread: a 401 at head time does not close a
        # kept-alive connection, the next request is answered on it.
        data = send_all_then_read(self.srv, b"GET /api/v1/me HTTP/1.1\r\nHost: t\r\n\r\n"
                                  b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        first, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(first.startswith(b"HTTP/1.1 401 "), data[:300])
        self.assertNotIn(b"Connection: close", first)
        self.assertIn(b"HTTP/1.1 200 ", rest)

    def test_bad_token_is_refused_before_the_body(self):
        for auth in ("Bearer nonuntoken", "Basic dXRlbnRlOnBhc3N3b3Jk", "Bearer " + "a.b.c"):
            with self.subTest(auth=auth):
                r = self._head_then_wait(auth)
                self.assertProblem(r, 401)
                self.assertEqual(r.headers.get("WWW-Authenticate"), 'Bearer realm="ambito"')
        self.assertAlive(self.srv)

    def test_login_limit_is_the_public_one(self):
        # At the limit the body is read and parsed (valid JSON, no fields:
        # 422); one byte more is 413, decided on Content-Length.
        at = b"{}" + b" " * (PUBLIC_LIMIT - 2)
        r = self.srv.request("POST", LOGIN, raw=at,
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 422)
        r = self.srv.request("POST", LOGIN, raw=at + b" ",
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 413)
        for path in ("/api/v1/auth/refresh", "/api/v1/auth/logout"):
            r = self.srv.request("POST", path, raw=at + b" ",
                                 headers={"Content-Type": "application/json"})
            self.assertProblem(r, 413)

    def test_other_routes_keep_a_larger_limit(self):
        # The same body to a plan section (not public) is read: the answer
        # is the missing token's 401, not 413.
        body = b"{}" + b" " * (64 * 1024)
        r = self.srv.request("PUT", SECTION, raw=body,
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 401)

    def test_json_tree_budget(self):
        # 4 000 numbers in 8 000 bytes: within the login's body limit, but
        # each value is a node of some 40 bytes: the tree would be far
        # larger than its budget (12 bytes a byte plus 64 KiB), and the
        # parse stops.
        zeros = ("[" + ",".join(["0"] * 3990) + "]").encode()
        self.assertLess(len(zeros), PUBLIC_LIMIT)
        r = self.srv.request("POST", LOGIN, raw=zeros,
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 413, detail_has="json")
        # A document of the same size made of text is fine (422: no email).
        text = json.dumps({"x": "a" * 7900}).encode()
        r = self.srv.request("POST", LOGIN, raw=text,
                             headers={"Content-Type": "application/json"})
        doc = self.assertProblem(r, 422)
        self.assertIn("email", {e.get("field") for e in doc["errors"]})


class RequestMemoryTests(HTTPCase):
    def test_memory_in_flight_is_capped(self):
        with harness.Database() as db:
            db.migrate()
            with harness.Server(db, env={
                    "AMBITO_MAX_REQUEST_MEMORY": 1024 * 1024}) as srv:
                # A body of 200 KB announced and not sent: the request holds
                # its reservation (64 KiB and 14 bytes a body byte) while it
                # waits. With a token: without one it is refused at its head
                # and reserves nothing.
                harness.ctl_ok(db, "user", "add", "--email", "mem@example.it", "--role", "region_admin",
                               "--password-stdin", input="una password lunga abbastanza\n")
                r = srv.request("POST", LOGIN, body={"email": "mem@example.it",
                                                     "password": "una password lunga abbastanza"})
                self.assertEqual(r.status, 200, r.body)
                token = r.json()["access_token"]
                hold = socket.create_connection((srv.host, srv.port),
                                                timeout=10)
                try:
                    hold.sendall(
                        ("PUT %s HTTP/1.1\r\nHost: t\r\nContent-Type: "
                         "application/json\r\nAuthorization: Bearer %s\r\n"
                         "Content-Length: 200000\r\n\r\n"
                         % (SECTION, token)).encode())
                    time.sleep(0.3)
                    r = srv.request("POST", LOGIN, body={"a": 1})
                    self.assertProblem(r, 503)
                    self.assertTrue(r.headers.get("Retry-After", "").isdigit(),
                                    r.headers)
                    # The operational routes answer on the spot, and show
                    # the reservation: 64 KiB + 14 x 200 000 + the head.
                    self.assertAlive(srv)
                    m = srv.request("GET", "/metrics")
                    self.assertEqual(m.status, 200)
                    held = [ln for ln in m.text.splitlines()
                            if ln.startswith("ambito_request_memory_bytes ")]
                    self.assertEqual(len(held), 1, m.text)
                    got = int(held[0].split()[1])
                    self.assertGreaterEqual(got, 65536 + 14 * 200000)
                    self.assertLess(got, 65536 + 14 * 200000 + 1024)
                    self.assertIn("ambito_connections_max ", m.text)
                finally:
                    hold.close()
                # Released with the connection.
                deadline = time.monotonic() + 5
                while True:
                    r = srv.request("POST", LOGIN, body={"a": 1})
                    if r.status != 503 or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                self.assertProblem(r, 422)


class ConnectionCapTests(HTTPCase):
    def test_connections_past_the_cap_are_closed_and_the_server_recovers(self):
        cap = 4
        with harness.Database() as db:
            db.migrate()
            with harness.Server(db, env={"AMBITO_MAX_CONNECTIONS": cap}) as srv:
                self.assertEqual(srv.wait_for_log(
                    lambda o: o.get("msg") == "listening")["max_connections"],
                    cap)
                held = [socket.create_connection((srv.host, srv.port),
                                                 timeout=5)
                        for _ in range(cap)]
                try:
                    # Each of the four served once: all are accepted, and
                    # kept alive.
                    for s in held:
                        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                        got = b""
                        while not got.endswith(b'{"status":"ok"}'):
                            c = s.recv(4096)
                            self.assertTrue(c, got)
                            got += c
                    for _ in range(20):
                        with socket.create_connection(
                                (srv.host, srv.port), timeout=5) as extra:
                            try:
                                extra.sendall(b"GET /healthz HTTP/1.1\r\n"
                                              b"Host: t\r\n\r\n")
                                got = extra.recv(1024)
                            except (ConnectionResetError, BrokenPipeError):
                                got = b""
                            # Closed without an answer: no work done.
                            self.assertEqual(got, b"")
                    # The held connections still work.
                    held[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                                    b"Connection: close\r\n\r\n")
                    answer = b""
                    while True:
                        c = held[0].recv(4096)
                        if not c:
                            break
                        answer += c
                    self.assertTrue(answer.startswith(b"HTTP/1.1 200 "),
                                    answer)
                finally:
                    for s in held:
                        s.close()
                wait_healthy(srv)
                # The line may still be on its way through the log pipe.
                try:
                    srv.wait_for_log(lambda o: o.get("msg", "").startswith("connection limit reached"))
                except AssertionError:
                    pass  # counted below
                refused = [o for o in srv.log_lines()
                           if o.get("msg", "").startswith(
                               "connection limit reached")]
                # Logged once, not once per connection.
                self.assertEqual(len(refused), 1, refused)
                self.assertEqual(refused[0]["max_connections"], cap)
                self.assertFalse(srv.other_log_lines())
                # Counted in /metrics, each one (and a /healthz of
                # wait_healthy's that came before the held ones were
                # closed, if any).
                self.assertGreaterEqual(
                    metric(srv, "ambito_connections_refused_total"), 20)
                self.assertLessEqual(
                    metric(srv, "ambito_connections_refused_total"), 20 + 100)
                self.assertEqual(metric(srv, 'ambito_accept_pauses_total{error="emfile"}'), 0)

    def test_accept_pauses_on_emfile_are_counted(self):
        import resource
        nofile = 64
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        with harness.Database() as db:
            db.migrate()
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))
            try:
                # The cap far above the limit: accept() meets EMFILE.
                srv = harness.Server(db, env={"AMBITO_WORKERS": 2,
                                              "AMBITO_MAX_CONNECTIONS": 100000})
            finally:
                resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
            with srv:
                held = []
                try:
                    for _ in range(2 * nofile):
                        try:
                            held.append(socket.create_connection(
                                (srv.host, srv.port), timeout=2))
                        except OSError:
                            break
                    srv.wait_for_log(lambda o: o.get("msg", "").startswith(
                        "accept failed"))
                finally:
                    for s in held:
                        s.close()
                wait_healthy(srv, seconds=10)
                self.assertGreaterEqual(
                    metric(srv, 'ambito_accept_pauses_total{error="emfile"}'), 1)
                self.assertEqual(metric(srv, "ambito_connections_refused_total"), 0)

    def test_default_cap_follows_the_descriptor_limit(self):
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        with harness.Database() as db:
            db.migrate()
            with harness.Server(db, env={"AMBITO_WORKERS": 4}) as srv:
                got = srv.wait_for_log(
                    lambda o: o.get("msg") == "listening")["max_connections"]
        # The soft limit less a descriptor a worker and a reserve of 32.
        self.assertEqual(got, max(16, min(soft, 1000000) - 4 - 32))


class HashingQueueTests(HTTPCase):
    def test_full_hashing_queue_is_503_and_does_not_count_as_a_failure(self):
        email, password = "kdf@example.it", "una-password-lunga-1"
        with harness.Database() as db:
            db.migrate()
            harness.ctl_ok(db, "user", "add", "--email", email, "--role",
                           "region_admin", "--password-stdin",
                           input=password + "\n")
            env = {"AMBITO_KDF_CONCURRENCY": 1, "AMBITO_KDF_QUEUE": 0,
                   "AMBITO_WORKERS": 8}
            with harness.Server(db, env=env) as srv:
                busy = []
                for _round in range(5):
                    results = []
                    lock = threading.Lock()
                    go = threading.Barrier(8)

                    def one():
                        go.wait()
                        r = srv.request("POST", LOGIN, body={
                            "email": email, "password": password})
                        with lock:
                            results.append(r)

                    ts = [threading.Thread(target=one) for _ in range(8)]
                    for t in ts:
                        t.start()
                    for t in ts:
                        t.join()
                    statuses = sorted(r.status for r in results)
                    self.assertTrue(set(statuses) <= {200, 503}, statuses)
                    self.assertIn(200, statuses)
                    busy = [r for r in results if r.status == 503]
                    if busy:
                        break
                self.assertTrue(busy, "no login was refused with a queue of 0")
                doc = self.assertProblem(busy[0], 503)
                self.assertTrue(busy[0].headers.get("Retry-After", "")
                                .isdigit(), busy[0].headers)
                self.assertNotIn("password", doc["detail"].lower())
                # Refused for load, not for a wrong password: no throttle
                # row; the access log says why.
                rows = db.sql("SELECT COUNT(*) FROM login_throttle")
                self.assertEqual(rows, [["0"]])
                rid = busy[0].headers["X-Request-Id"]
                line = srv.wait_for_log(lambda o: o.get("request_id") == rid)
                self.assertEqual(line["status"], 503)
                self.assertIn("hashing", line["msg"])
                r = srv.request("POST", LOGIN, body={"email": email,
                                                     "password": password})
                self.assertEqual(r.status, 200, r.body)
                m = srv.request("GET", "/metrics").text
                self.assertIn("ambito_password_hashes_max 1\n", m)
                self.assertIn('ambito_password_hashes{state="running"} 0\n', m)

    def test_queue_is_limited_to_half_the_workers(self):
        with harness.Database() as db:
            db.migrate()
            env = {"AMBITO_KDF_CONCURRENCY": 2, "AMBITO_KDF_QUEUE": 50,
                   "AMBITO_WORKERS": 8}
            with harness.Server(db, env=env) as srv:
                line = srv.wait_for_log(
                    lambda o: o.get("msg", "").startswith("kdf_queue lowered"))
                self.assertIn("from 50 to 2", line["msg"])


class RequestIdTests(HTTPCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.srv = harness.Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.srv.stop()
        finally:
            cls.db.drop()

    def test_request_id_bounds(self):
        ok = "A-z_0.9" + "x" * 57
        self.assertEqual(len(ok), 64)
        r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": ok})
        self.assertEqual(r.headers["X-Request-Id"], ok)
        for bad in (ok + "x", "a/b", "a b", "é", "a\\b", "{\"x\":1}"):
            r = self.srv.request("GET", "/healthz",
                                 headers={"X-Request-Id": bad})
            self.assertRegex(r.headers["X-Request-Id"], GENERATED_ID)

    def test_bad_request_id_reaches_neither_log_nor_audit(self):
        bad = 'evil","status":200,"x":"'
        r = self.srv.request("POST", LOGIN, headers={"X-Request-Id": bad},
                             body={"email": "nobody@example.it",
                                   "password": "sbagliata-davvero"})
        self.assertEqual(r.status, 401)
        rid = r.headers["X-Request-Id"]
        self.assertRegex(rid, GENERATED_ID)
        line = self.srv.wait_for_log(lambda o: o.get("request_id") == rid)
        self.assertEqual(line["status"], 401)
        self.assertNotIn("evil", self.srv.log_text())
        rows = self.db.sql("SELECT request_id FROM audit_log WHERE "
                           "route = '/api/v1/auth/login'")
        self.assertIn([rid], rows)
        self.assertFalse([x for x in rows if "evil" in x[0]])


class LogLineTests(HTTPCase):
    def test_refusals_are_logged_as_json_with_method_and_path(self):
        with harness.Database() as db:
            db.migrate()
            with harness.Server(db) as srv:
                method = "A" * 1500
                got = srv.raw_request(("%s /lungo?q=1 HTTP/1.1\r\nHost: t\r\n"
                                       "\r\n" % method).encode())
                self.assertProblem(one_response(got), 501)
                line = srv.wait_for_log(lambda o: o.get("status") == 501)
                self.assertTrue(method.startswith(line["method"]), line)
                self.assertGreater(len(line["method"]), 10)
                self.assertEqual(line["path"], "/lungo")
                # A head too large (431): what its request line says.
                big = ("GET /grande HTTP/1.1\r\nHost: t\r\nX-A: %s\r\n\r\n"
                       % ("b" * 40000)).encode()
                self.assertProblem(one_response(srv.raw_request(big)), 431)
                line = srv.wait_for_log(lambda o: o.get("status") == 431)
                self.assertEqual((line["method"], line["path"]),
                                 ("GET", "/grande"))
                # A bad request line (400), quotes and control bytes in it.
                got = srv.raw_request(b'GET /"x\x01y HTTP/1.1\r\nHost: t\r\n\r\n')
                self.assertProblem(one_response(got), 400)
                line = srv.wait_for_log(lambda o: o.get("status") == 400)
                self.assertEqual(line["method"], "GET")
                # 413 for a login body over its limit.
                got = srv.raw_request(request_bytes(
                    "POST", LOGIN, b"x" * 9000,
                    [("Content-Type", "application/json")]))
                self.assertProblem(one_response(got), 413)
                line = srv.wait_for_log(lambda o: o.get("status") == 413)
                self.assertEqual((line["method"], line["path"]),
                                 ("POST", LOGIN))
                self.assertFalse(srv.other_log_lines(),
                                 srv.other_log_lines()[:3])


class DrainTests(HTTPCase):
    def test_sigterm_answers_requests_already_sent(self):
        with harness.Database() as db:
            db.migrate()
            srv = harness.Server(db)
            kept = socket.create_connection((srv.host, srv.port), timeout=10)
            fresh = []
            try:
                # A kept-alive connection that has been served once.
                kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                first = kept.recv(4096)
                self.assertTrue(first.startswith(b"HTTP/1.1 200"), first)
                # Frozen, the server reads nothing: the requests below sit
                # in the kernel (the kept connection's socket, the listen
                # backlog) when SIGTERM arrives.
                srv.proc.send_signal(signal.SIGSTOP)
                kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                for _ in range(5):
                    s = socket.create_connection((srv.host, srv.port),
                                                 timeout=10)
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                    fresh.append(s)
                srv.proc.send_signal(signal.SIGTERM)
                time.sleep(0.1)
                srv.proc.send_signal(signal.SIGCONT)
                for s in [kept] + fresh:
                    data = b""
                    while True:
                        try:
                            c = s.recv(4096)
                        except ConnectionResetError:
                            break
                        if not c:
                            break
                        data += c
                    r = one_response(data)
                    self.assertEqual(r.status, 200, data)
            finally:
                kept.close()
                for s in fresh:
                    s.close()
                srv.proc.send_signal(signal.SIGCONT)
                self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    harness.main()
