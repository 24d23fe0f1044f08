"""The HTTP layer as a client sees it: problem documents for every refusal,
request ids, body and head limits, JSON strictness, framing (keep-alive,
pipelining, HEAD, HTTP/1.0), read timeouts, hostile input, the headers every
answer carries, and the access log."""

import random
import re
import socket
import subprocess
import threading
import time
import unittest

import harness

PROBLEM = "application/problem+json"
LOGIN = "/api/v1/auth/login"
GENERATED_ID = re.compile(r"^[0-9a-f]{16}$")


# ---------------------------------------------------------------- raw HTTP

def parse_responses(data, head_requests=(), guess_head=False):
    """Splits what a server sent on one connection into Responses, framed by
    Content-Length (every answer of ours has one). head_requests: indexes of
    answers to HEAD requests, which have no body whatever the length says;
    guess_head: take an answer for one to HEAD when nothing or another answer
    follows its head (for the fuzz test, which does not know its requests).
    Raises AssertionError on bytes that are not a well-framed answer."""
    out = []
    rest = data
    while rest:
        end = rest.find(b"\r\n\r\n")
        if end < 0:
            raise AssertionError("incomplete response head: %r" % rest[:500])
        head = rest[:end].decode("iso-8859-1")
        rest = rest[end + 4:]
        lines = head.split("\r\n")
        m = re.match(r"^HTTP/1\.1 (\d{3}) (.*)$", lines[0])
        if not m:
            raise AssertionError("bad status line: %r" % lines[0])
        headers = []
        for ln in lines[1:]:
            name, sep, value = ln.partition(":")
            if not sep or name != name.strip():
                raise AssertionError("bad header line: %r" % ln)
            headers.append((name, value.strip()))
        h = harness.CIDict(headers)
        if "Transfer-Encoding" in h:
            raise AssertionError("unexpected chunked answer: %r" % head)
        if len(out) in head_requests or (
                guess_head and (rest == b"" or rest.startswith(b"HTTP/1.1 "))):
            n = 0
        else:
            if "Content-Length" not in h:
                raise AssertionError("answer without Content-Length: %r"
                                     % head)
            n = int(h["Content-Length"])
        if len(rest) < n:
            raise AssertionError("body shorter (%d) than Content-Length %d"
                                 % (len(rest), n))
        out.append(harness.Response(int(m.group(1)), m.group(2), h,
                                    rest[:n]))
        rest = rest[n:]
    return out


def one_response(data, head=False):
    rs = parse_responses(data, head_requests=(0,) if head else ())
    if len(rs) != 1:
        raise AssertionError("expected one answer, got %d: %r"
                             % (len(rs), data[:1000]))
    return rs[0]


class Conn:
    """One TCP connection to srv, for tests that need to control timing."""

    def __init__(self, srv, timeout=10):
        self.s = socket.create_connection((srv.host, srv.port),
                                          timeout=timeout)

    def send(self, data):
        try:
            self.s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def read_all(self):
        """Everything until the server closes; raises socket.timeout if it
        does not close in time."""
        chunks = []
        while True:
            try:
                c = self.s.recv(65536)
            except ConnectionResetError:
                break
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks)

    def close(self):
        self.s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def request_bytes(method, path, body=b"", headers=(), version="HTTP/1.1",
                  host=True, close=True):
    lines = ["%s %s %s" % (method, path, version)]
    if host:
        lines.append("Host: test")
    for k, v in headers:
        lines.append("%s: %s" % (k, v))
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append("Content-Length: %d" % len(body))
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ---------------------------------------------------------------- checks

class HTTPCase(unittest.TestCase):
    def assertCommonHeaders(self, r):
        self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff",
                         r.headers)
        self.assertIn("Cache-Control", r.headers)
        self.assertNotEqual(r.headers["Cache-Control"].strip(), "")

    def assertProblem(self, r, status, detail_has=None):
        """r is an RFC 9457 problem document with this status and the
        request id of its X-Request-Id header."""
        self.assertEqual(r.status, status, r.body[:500])
        ct = r.headers.get("Content-Type", "")
        self.assertEqual(ct.split(";")[0].strip(), PROBLEM, r.headers)
        doc = r.json()
        self.assertIsInstance(doc, dict)
        self.assertEqual(doc.get("status"), status, doc)
        self.assertIsInstance(doc.get("type"), str, doc)
        self.assertIsInstance(doc.get("title"), str, doc)
        self.assertNotEqual(doc["title"], "", doc)
        self.assertIsInstance(doc.get("detail"), str, doc)
        rid = r.headers.get("X-Request-Id")
        self.assertTrue(rid, r.headers)
        self.assertEqual(doc.get("request_id"), rid, doc)
        # Never an internal detail.
        low = r.text.lower()
        for leak in ("sql", "mariadb", "/work/", ".c:", "stack", "<html"):
            self.assertNotIn(leak, low, r.text)
        if detail_has is not None:
            self.assertIn(detail_has, doc["detail"].lower(), doc)
        self.assertCommonHeaders(r)
        return doc

    def assertAlive(self, srv):
        r = srv.request("GET", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "ok"})


def nested(depth):
    """An object nested depth levels deep: {"a":{"a":...{}...}}."""
    return "{\"a\":" * (depth - 1) + "{}" + "}" * (depth - 1)


# ---------------------------------------------------------------- tests

class ProtocolTests(HTTPCase):
    """One migrated database and one server for the whole class."""

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
                raise AssertionError("ambitod exited %d; log:\n%s"
                                     % (rc, cls.srv.log_tail()))
        finally:
            cls.db.drop()

    def raw(self, data, timeout=10):
        return self.srv.raw_request(data, timeout=timeout)

    def login_raw(self, body, content_type="application/json"):
        hdrs = [("Content-Type", content_type)] if content_type else []
        return one_response(self.raw(request_bytes("POST", LOGIN, body,
                                                   hdrs)))

    # -- problem documents and request ids

    def test_404_is_a_problem_document(self):
        # Under /api/ an unknown path is the API's problem document; outside
        # it, the web interface's page (test_italian.py checks both).
        for path in ("/api/v1/no/such/thing", "/api", "/api/"):
            with self.subTest(path=path):
                r = self.srv.request("GET", path)
                doc = self.assertProblem(r, 404)
                self.assertEqual(doc["title"], "Non trovato")
                self.assertRegex(r.headers["X-Request-Id"], GENERATED_ID)
                self.assertNotIn("Allow", r.headers)
        r = self.srv.request("GET", "/no/such/thing")
        self.assertEqual(r.status, 404)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"), r.headers)
        self.assertCommonHeaders(r)
        self.assertRegex(r.headers["X-Request-Id"], GENERATED_ID)

    def test_405_names_allowed_methods(self):
        r = self.srv.request("POST", "/healthz", body=b"")
        doc = self.assertProblem(r, 405)
        self.assertEqual(doc["title"], "Metodo non consentito")
        self.assertEqual(r.headers.get("Allow"), "GET")
        r = self.srv.request("DELETE", LOGIN)
        self.assertProblem(r, 405)
        self.assertEqual(r.headers.get("Allow"), "POST")

    def test_client_request_id_is_echoed(self):
        r = self.srv.request("GET", "/api/nowhere",
                             headers={"X-Request-Id": "abc-123"})
        self.assertEqual(r.headers.get("X-Request-Id"), "abc-123")
        self.assertEqual(self.assertProblem(r, 404)["request_id"], "abc-123")
        r = self.srv.request("GET", "/healthz",
                             headers={"X-Request-Id": "abc-123"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("X-Request-Id"), "abc-123")

    def test_bad_client_request_id_is_replaced(self):
        for bad in ("x y", "a" * 100, "<script>", "a\"b"):
            r = self.srv.request("GET", "/api/nowhere",
                                 headers={"X-Request-Id": bad})
            doc = self.assertProblem(r, 404)
            self.assertNotEqual(r.headers["X-Request-Id"], bad)
            self.assertRegex(r.headers["X-Request-Id"], GENERATED_ID)
            self.assertEqual(doc["request_id"], r.headers["X-Request-Id"])

    def test_request_ids_differ(self):
        ids = {self.srv.request("GET", "/healthz").headers["X-Request-Id"]
               for _ in range(5)}
        self.assertEqual(len(ids), 5, ids)

    # -- body size

    def test_body_over_8_mib_is_413(self):
        limit = 8 * 1024 * 1024
        body = b" " * (limit + 1)
        head = ("POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: "
                "application/json\r\nContent-Length: %d\r\n\r\n"
                % (LOGIN, len(body))).encode()
        with Conn(self.srv, timeout=20) as c:
            # Send in a thread: the server answers and closes without reading
            # the body, so a blocking sendall would never end.
            t = threading.Thread(target=c.send, args=(head + body,),
                                 daemon=True)
            t.start()
            data = c.read_all()  # returns only once the server closes
            t.join(20)
        r = one_response(data)
        self.assertProblem(r, 413)
        self.assertEqual(r.headers.get("Connection"), "close")
        self.assertAlive(self.srv)

    def test_body_exactly_at_limit_is_read(self):
        with harness.Server(self.db, env={"AMBITO_MAX_BODY": 2048}) as srv:
            at = b"{}" + b" " * 2046
            self.assertEqual(len(at), 2048)
            r = srv.request("POST", LOGIN, raw=at,
                            headers={"Content-Type": "application/json"})
            # Read and parsed: valid JSON without the fields.
            doc = self.assertProblem(r, 422)
            fields = {e.get("field") for e in doc.get("errors", [])}
            self.assertIn("email", fields, doc)
            over = at + b" "
            data = srv.raw_request(request_bytes(
                "POST", LOGIN, over, [("Content-Type", "application/json")],
                close=False))
            self.assertProblem(one_response(data), 413)
            # The 413 is decided on Content-Length, before the body arrives.
            data = srv.raw_request(
                ("POST %s HTTP/1.1\r\nHost: t\r\nContent-Type: "
                 "application/json\r\nContent-Length: 2049\r\n\r\n" % LOGIN)
                .encode(), timeout=5)
            self.assertProblem(one_response(data), 413)
            self.assertAlive(srv)

    # -- JSON strictness

    def test_malformed_json_is_400(self):
        for body in (b'{"email":', b"{'email': 'a'}", b'{"email":"a",}',
                     b"", b"nul", b'{"a":1} {"b":2}', b'{"a":01}'):
            r = self.login_raw(body)
            self.assertProblem(r, 400, detail_has="json non valido")

    def test_nesting_limit(self):
        r = self.login_raw(nested(33).encode())
        self.assertProblem(r, 400)
        r = self.login_raw(("[" * 33 + "]" * 33).encode())
        self.assertProblem(r, 400)
        # 32 levels are parsed: the login then misses its fields.
        r = self.login_raw(nested(32).encode())
        self.assertProblem(r, 422)

    def test_very_deep_nesting_does_not_crash(self):
        # As deep as the login's body limit (8 KiB) allows: the parser stops
        # at the depth limit.
        r = self.login_raw(b"[" * 8000)
        self.assertProblem(r, 400)
        r = self.login_raw(b'{"a":' * 1600)
        self.assertProblem(r, 400)
        # Deeper needs a larger body, refused before it is read.
        r = self.login_raw(b"[" * 300000)
        self.assertProblem(r, 413)
        r = self.login_raw(b'{"a":' * 100000)
        self.assertProblem(r, 413)
        self.assertAlive(self.srv)

    def test_nul_byte_is_400(self):
        # Inside a string, and after a complete document (a parser that stops
        # at the NUL would take the rest for valid).
        for body in (b'{"email":"a\x00b@x.it","password":"pw"}',
                     b'{"email":"a@x.it","password":"pw"}\x00',
                     b'{"email":"a@x.it","password":"pw"}\x00garbage',
                     b'\x00{"email":"a@x.it","password":"pw"}'):
            r = self.login_raw(body)
            self.assertProblem(r, 400)

    def test_invalid_utf8_is_400(self):
        for bad in (b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80",
                    b"\xf4\x90\x80\x80", b"\xe2\x82"):
            body = b'{"email":"a' + bad + b'@x.it","password":"pw"}'
            r = self.login_raw(body)
            self.assertProblem(r, 400)
        # Also in a key.
        r = self.login_raw(b'{"em\xffail":"a@x.it","password":"pw"}')
        self.assertProblem(r, 400)

    def test_wrong_content_type_is_415(self):
        body = b'{"email":"a@x.it","password":"pw"}'
        for ct in ("text/plain", "application/x-www-form-urlencoded",
                   "application/json; charset=latin-1", "application/jsonx"):
            self.assertProblem(self.login_raw(body, content_type=ct), 415)
        self.assertProblem(self.login_raw(body, content_type=None), 415)
        # +json and a UTF-8 charset are JSON.
        for ct in ("application/json; charset=utf-8",
                   "application/problem+json", "Application/JSON"):
            r = self.login_raw(b"{}", content_type=ct)
            self.assertProblem(r, 422)

    def test_duplicate_key_is_400(self):
        r = self.login_raw(b'{"email":"a@x.it","email":"b@x.it",'
                           b'"password":"pw"}')
        self.assertProblem(r, 400)
        r = self.login_raw(b'{"email":"a@x.it","password":"pw",'
                           b'"x":{"k":1,"k":2}}')
        self.assertProblem(r, 400)

    # -- request heads

    def test_huge_head_is_431(self):
        pad = "".join("X-Pad-%d: %s\r\n" % (i, "v" * 1000) for i in range(42))
        data = ("GET /healthz HTTP/1.1\r\nHost: t\r\n" + pad + "\r\n").encode()
        self.assertGreater(len(data), 40 * 1024)
        r = one_response(self.raw(data))
        self.assertProblem(r, 431)
        # One huge line without an end at all.
        data = b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Long: " + b"a" * 40960
        r = one_response(self.raw(data))
        self.assertProblem(r, 431)
        self.assertAlive(self.srv)

    def test_transfer_encoding_is_501(self):
        data = (b"POST " + LOGIN.encode() + b" HTTP/1.1\r\nHost: t\r\n"
                b"Content-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        r = one_response(self.raw(data))
        self.assertProblem(r, 501)
        self.assertEqual(r.headers.get("Connection"), "close")

    def test_http11_without_host_is_400(self):
        r = one_response(self.raw(b"GET /healthz HTTP/1.1\r\n\r\n"))
        self.assertProblem(r, 400)
        # HTTP/1.0 needs no Host.
        r = one_response(self.raw(b"GET /healthz HTTP/1.0\r\n\r\n"))
        self.assertEqual(r.status, 200)

    def test_lowercase_method_is_refused(self):
        r = one_response(self.raw(b"get /healthz HTTP/1.1\r\nHost: t\r\n\r\n"))
        self.assertIn(r.status, (400, 501), r.body)
        self.assertProblem(r, r.status)
        r = one_response(self.raw(b"BREW /healthz HTTP/1.1\r\nHost: t\r\n\r\n"))
        self.assertProblem(r, 501)

    def test_malformed_heads_are_400(self):
        for data in (b"GET /healthz\r\nHost: t\r\n\r\n",
                     b"GET  /healthz HTTP/1.1\r\nHost: t\r\n\r\n",
                     b"GET healthz HTTP/1.1\r\nHost: t\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nHost : t\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n",
                     b"POST /healthz HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
                     b"POST /healthz HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Length: -1\r\n\r\n",
                     b"GET /h\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n",
                     b"GET /healthz HTTP/1.1\nHost: t\n\n\r\n\r\n"):
            r = one_response(self.raw(data))
            self.assertProblem(r, 400)

    def test_http10_gets_connection_close(self):
        with Conn(self.srv) as c:
            c.send(b"GET /healthz HTTP/1.0\r\n\r\n")
            data = c.read_all()  # the server must close by itself
        r = one_response(data)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Connection"), "close")
        self.assertEqual(r.json(), {"status": "ok"})

    def test_pipelined_requests_answer_in_order(self):
        data = (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: first-1"
                b"\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n"
                b"X-Request-Id: second-2\r\nConnection: close\r\n\r\n")
        with Conn(self.srv) as c:
            c.send(data)
            rs = parse_responses(c.read_all())
        self.assertEqual([r.status for r in rs], [200, 200])
        self.assertEqual([r.headers["X-Request-Id"] for r in rs],
                         ["first-1", "second-2"])
        self.assertNotIn("Connection", rs[0].headers)
        self.assertEqual(rs[1].headers.get("Connection"), "close")

    def test_pipelined_after_worker_route(self):
        # A request handled by a worker, then one answered inline, then a 404:
        # the answers must come back in order on the one connection.
        login = request_bytes("POST", LOGIN, b"{}",
                              [("Content-Type", "application/json"),
                               ("X-Request-Id", "p-1")], close=False)
        data = (login + b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                b"X-Request-Id: p-2\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n"
                b"X-Request-Id: p-3\r\nConnection: close\r\n\r\n")
        with Conn(self.srv) as c:
            c.send(data)
            rs = parse_responses(c.read_all())
        self.assertEqual([(r.status, r.headers["X-Request-Id"]) for r in rs],
                         [(422, "p-1"), (200, "p-2"), (404, "p-3")])

    def test_keep_alive_serves_sequential_requests(self):
        with Conn(self.srv) as c:
            for i in range(3):
                c.send(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                buf = b""
                while b"\r\n\r\n" not in buf or not buf.endswith(b"}"):
                    chunk = c.s.recv(4096)
                    self.assertTrue(chunk, "closed after %d answers" % i)
                    buf += chunk
                self.assertEqual(one_response(buf).status, 200)

    def test_head_has_length_but_no_body(self):
        get = one_response(self.raw(request_bytes("GET", "/healthz")))
        data = self.raw(request_bytes("HEAD", "/healthz"))
        r = one_response(data, head=True)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Content-Length"),
                         str(len(get.body)))
        self.assertTrue(data.endswith(b"\r\n\r\n"), data)
        self.assertEqual(r.body, b"")
        # HEAD then GET on one connection: a body after HEAD would be read
        # as the start of the second answer.
        data = self.raw(request_bytes("HEAD", "/healthz", close=False) +
                        request_bytes("GET", "/healthz"))
        rs = parse_responses(data, head_requests=(0,))
        self.assertEqual([r.status for r in rs], [200, 200])
        self.assertEqual(rs[1].json(), {"status": "ok"})

    def test_refusal_after_head_has_a_body(self):
        # A HEAD, then on the same connection a request refused as malformed,
        # or a stalled one: those answers are not answers to a HEAD.
        data = self.raw(request_bytes("HEAD", "/healthz", close=False) +
                        b"e\r\n\r\n")
        rs = parse_responses(data, head_requests=(0,))
        self.assertEqual([r.status for r in rs], [200, 400])
        self.assertProblem(rs[1], 400)
        data = self.raw(request_bytes("HEAD", "/nope", close=False) +
                        b"GET /healthz HTTP/1.1\r\n\r\n")
        rs = parse_responses(data, head_requests=(0,))
        self.assertEqual([r.status for r in rs], [404, 400])
        self.assertEqual(rs[0].body, b"")
        self.assertProblem(rs[1], 400)

    # -- hostile paths

    def test_bad_escapes_in_path_and_query(self):
        for target in ("/healthz?x=%00", "/healthz?x=%ff%fe", "/%00",
                       "/api/v1/%ff", "/api/v1/tenants/%00/plans",
                       "/api/v1/tenants/%c0%af", "/api/v1/tenants/%zz",
                       "/api/v1/tenants/%", "/api/v1/tenants/%4",
                       "/api/v1/me?limit=%00&cursor=%ff",
                       "/api/v1/tenants/x/../../etc/passwd",
                       "/api/v1/tenants/%2e%2e%2f",
                       "/" + "a/" * 3000):
            data = self.raw(request_bytes("GET", target))
            r = one_response(data)
            self.assertLess(r.status, 500, target)
            if r.status == 404 and not target.startswith("/api/"):
                # Outside the API, the web interface's 404 page.
                self.assertTrue(r.headers["Content-Type"].startswith("text/html"), target)
                self.assertIn('lang="it"', r.body.decode())
            elif r.status >= 400:
                self.assertProblem(r, r.status)
        self.assertAlive(self.srv)

    def test_hostile_path_parameters(self):
        # Every route with a {parameter}, as anonymous and as a region admin
        # (so that decodable values reach the handlers): never a 5xx.
        out = subprocess.run([harness.program("ambitod"), "--list-routes"],
                             stdout=subprocess.PIPE, text=True, timeout=30,
                             check=True).stdout
        routes = [ln.split()[:2] + ["page" in ln.split()[3:]]
                  for ln in out.splitlines() if "{" in ln]
        email, password = "hostile-admin@x.it", "Hostile-path-2024!"
        harness.ctl_ok(self.db, "user", "add", "--email", email, "--role",
                       "region_admin", "--password-stdin",
                       input=password + "\n")
        r = self.srv.request("POST", LOGIN, body={"email": email,
                                                  "password": password})
        self.assertEqual(r.status, 200, r.body)
        token = r.json()["access_token"]
        values = ["%00", "%ff", "%c0%af", "%ed%a0%80", "%zz", "%", "%4",
                  "a%2fb", "%2e%2e", "%27%3b--", "%e2%80%ae", "%20",
                  "a" * 3000, "-1", "99999999999999999999999", "0x10"]
        for method, pattern, page in routes:
            for v in values:
                target = re.sub(r"\{[^}]+\}", v, pattern)
                hdrs = [("If-Match", '"x"')]
                body = b""
                if method in ("POST", "PUT", "PATCH", "DELETE"):
                    hdrs.append(("Content-Type", "application/json"))
                    body = b"{}"
                for auth in ((), (("Authorization", "Bearer " + token),)):
                    data = self.raw(request_bytes(method, target, body,
                                                  hdrs + list(auth)))
                    r = one_response(data)
                    with self.subTest(method=method, target=target[:80],
                                      auth=bool(auth)):
                        self.assertLess(r.status, 500, r.body[:300])
                        ct = r.headers.get("Content-Type", "")
                        if (page or not target.startswith("/api/")) and ct.startswith("text/html"):
                            # A page of the web interface answers with an
                            # Italian error page, and so does a path outside
                            # /api/ the router cannot decode (the 404 page);
                            # under /api/ it is refused as a problem.
                            self.assertIn('lang="it"', r.body.decode())
                        elif r.status >= 400:
                            self.assertProblem(r, r.status)
        self.assertAlive(self.srv)

    # -- headers on every answer

    def test_every_answer_has_security_headers(self):
        answers = [
            self.srv.request("GET", "/healthz"),
            self.srv.request("HEAD", "/healthz"),
            self.srv.request("GET", "/readyz"),
            self.srv.request("GET", "/metrics"),
            self.srv.request("GET", "/api/v1/openapi.json"),
            self.srv.request("GET", "/api/v1/me"),
            self.srv.request("GET", "/nope"),
            self.srv.request("POST", "/healthz", body=b""),
            self.srv.request("POST", LOGIN, body={}),
            self.srv.request("POST", LOGIN, body={"email": "no@x.it",
                                                  "password": "wrong"}),
            self.srv.request("POST", LOGIN, body="x",
                             headers={"Content-Type": "text/plain"}),
            one_response(self.raw(b"GET /healthz HTTP/1.1\r\n\r\n")),
            one_response(self.raw(b"BREW / HTTP/1.1\r\nHost: t\r\n\r\n")),
            one_response(self.raw(b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")),
        ]
        statuses = [r.status for r in answers]
        self.assertEqual(statuses, [200, 200, 200, 200, 200, 401, 404, 405,
                                    422, 401, 415, 400, 501, 505])
        for r in answers:
            with self.subTest(status=r.status):
                self.assertCommonHeaders(r)
                self.assertIn("X-Request-Id", r.headers)
        # Answers with the caller's data are never cached.
        self.assertIn("no-store", answers[5].headers["Cache-Control"])

    # -- the access log

    def test_access_log_line(self):
        cases = [("GET", "/healthz", None, "log-ok-1", "/healthz", 200),
                 ("POST", LOGIN, {}, "log-422-2", LOGIN, 422),
                 ("GET", "/api/v1/me", None, "log-401-3", "/api/v1/me", 401)]
        for method, path, body, rid, route, status in cases:
            r = self.srv.request(method, path, body=body,
                                 headers={"X-Request-Id": rid})
            self.assertEqual(r.status, status)
            line = self.srv.wait_for_log(
                lambda o, rid=rid: o.get("request_id") == rid)
            self.assertEqual(line.get("method"), method, line)
            self.assertEqual(line.get("route"), route, line)
            self.assertEqual(line.get("path"), path, line)
            self.assertEqual(line.get("status"), status, line)
            d = line.get("duration_ms")
            self.assertIsInstance(d, (int, float), line)
            self.assertNotIsInstance(d, bool, line)
            self.assertGreaterEqual(d, 0, line)
            self.assertLess(d, 60000, line)
            self.assertEqual(
                sum(1 for o in self.srv.log_lines()
                    if o.get("request_id") == rid), 1,
                "one access line per request")
        # A generated id is logged as sent to the client.
        r = self.srv.request("GET", "/nope/log")
        rid = r.headers["X-Request-Id"]
        line = self.srv.wait_for_log(lambda o: o.get("request_id") == rid)
        self.assertEqual(line.get("status"), 404)
        self.assertEqual(line.get("path"), "/nope/log")


class TimeoutTests(HTTPCase):
    """A server with a one-second read timeout."""

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(env={"AMBITO_READ_TIMEOUT": 1})

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        if rc != 0:
            raise AssertionError("ambitod exited %d" % rc)

    def stalled(self, data):
        with Conn(self.srv, timeout=10) as c:
            t0 = time.monotonic()
            c.send(data)
            got = c.read_all()  # the server must answer and close
            took = time.monotonic() - t0
        return one_response(got), took

    def test_stalled_head_is_408(self):
        r, took = self.stalled(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        self.assertProblem(r, 408)
        self.assertEqual(r.headers.get("Connection"), "close")
        self.assertGreaterEqual(took, 0.5)
        self.assertLess(took, 3.5)

    def test_stalled_body_is_408(self):
        r, took = self.stalled(
            ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
             "\r\nContent-Length: 40\r\n\r\n{\"email\":" % LOGIN).encode())
        self.assertProblem(r, 408)
        self.assertLess(took, 3.5)

    def test_trickled_head_is_408(self):
        # A byte every 0.3 s never lets the inactivity timer fire: the head
        # as a whole must still arrive within the read timeout.
        data = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        with Conn(self.srv, timeout=10) as c:
            t0 = time.monotonic()
            got = b""
            for b in data:
                if time.monotonic() - t0 > 4:
                    break
                try:
                    c.s.sendall(bytes([b]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                c.s.settimeout(0.3)
                try:
                    chunk = c.s.recv(65536)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    break
                got += chunk
                if not chunk:
                    break
                c.s.settimeout(5)
                got += c.read_all()
                break
            took = time.monotonic() - t0
        self.assertTrue(got, "the server waited %.1f s for a trickled head"
                        % took)
        self.assertProblem(one_response(got), 408)
        self.assertLess(took, 4)

    def test_idle_connection_gets_no_408(self):
        # A connection that sent nothing is closed without an answer (no
        # request to answer) once the keep-alive timeout ends; before that a
        # request on it is served normally.
        with Conn(self.srv) as c:
            time.sleep(1.5)
            c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
            self.assertEqual(one_response(c.read_all()).status, 200)


class FuzzTests(HTTPCase):
    SEED = 20240611

    TEMPLATES = [
        b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n",
        b"HEAD /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: "
        b"application/json\r\nContent-Length: 35\r\n\r\n"
        b'{"email":"a@x.it","password":"pw"}\n',
        b"GET /api/v1/me?limit=10&cursor=abc HTTP/1.1\r\nHost: t\r\n"
        b"Authorization: Bearer e30.e30.sig\r\n\r\n",
        b"GET /metrics HTTP/1.0\r\n\r\n",
    ]

    def mutate(self, rnd, data):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            op = rnd.randrange(5)
            i = rnd.randrange(len(b) + 1)
            if op == 0 and b:
                b[min(i, len(b) - 1)] = rnd.randrange(256)
            elif op == 1:
                b[i:i] = bytes(rnd.randrange(256)
                               for _ in range(rnd.randint(1, 16)))
            elif op == 2 and b:
                del b[i:i + rnd.randint(1, 16)]
            elif op == 3:
                b[i:i] = rnd.choice([b"\r\n", b"\r\n\r\n", b"\x00", b"%",
                                     b":", b" ", b"\n", b"\xff",
                                     b"Content-Length: 99999999\r\n",
                                     b"Transfer-Encoding: chunked\r\n",
                                     b"{" * 50, b"\"\\u0000\""])
            else:
                j = rnd.randrange(len(b) + 1)
                b[i:i] = b[j:j + rnd.randint(1, 40)]
        return bytes(b)

    def cases(self):
        rnd = random.Random(self.SEED)
        out = []
        for i in range(200):
            kind = i % 4
            if kind == 0:
                n = rnd.randint(1, 600)
                out.append(bytes(rnd.randrange(256) for _ in range(n)))
            elif kind == 1:
                n = rnd.randint(0, 300)
                out.append(b"GET / HTTP/1.1\r\n" +
                           bytes(rnd.randrange(256) for _ in range(n)) +
                           b"\r\n\r\n")
            else:
                out.append(self.mutate(rnd, rnd.choice(self.TEMPLATES)))
        return out

    def send_one(self, srv, data):
        """Sends data, ends our side, reads until the server closes."""
        with socket.create_connection((srv.host, srv.port), timeout=10) as s:
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                return b""
            chunks = []
            try:
                while True:
                    c = s.recv(65536)
                    if not c:
                        break
                    chunks.append(c)
            except ConnectionResetError:
                pass
            return b"".join(chunks)

    def test_random_bytes_never_crash(self):
        db = harness.Database()
        self.addCleanup(db.drop)
        db.migrate()
        srv = harness.Server(db, env={"AMBITO_READ_TIMEOUT": 2})
        try:
            for i, data in enumerate(self.cases()):
                got = self.send_one(srv, data)
                self.assertTrue(srv.running(),
                                "ambitod died on case %d: %r" % (i, data))
                if got.startswith(b"HTTP/1.1 5") and \
                        not got.startswith(b"HTTP/1.1 501") and \
                        not got.startswith(b"HTTP/1.1 505") and \
                        not got.startswith(b"HTTP/1.1 503"):
                    self.fail("case %d got a server error: %r\n%r"
                              % (i, data, got[:500]))
                if got:
                    # Whatever came back is well-framed HTTP.
                    try:
                        rs = parse_responses(got,
                                             guess_head=b"HEAD " in data)
                    except AssertionError as e:
                        self.fail("case %d: %s\nsent %r\ngot %r"
                                  % (i, e, data, got[:1000]))
                    for r in rs:
                        self.assertCommonHeaders(r)
            self.assertAlive(srv)
            self.assertFalse(srv.other_log_lines(), srv.other_log_lines())
        finally:
            rc = srv.stop()  # raises on a sanitizer report
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    harness.main()
