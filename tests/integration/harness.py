"""Helpers for the integration tests: a throw-away database, ambitoctl, and a
real ambitod spoken to over HTTP. Standard library only.

Each test file is one meson test run as `python3 tests/integration/test_x.py`
with AMBITO_BUILD_DIR and AMBITO_SOURCE_DIR set by meson and the admin
credentials AMBITO_TEST_DB_SOCKET/_USER/_PASSWORD set by deploy/test. A test
file ends with:

    if __name__ == "__main__":
        harness.main()
"""

import atexit
import collections.abc
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

SKIP_EXIT = 77  # meson's "skipped"
SERVER_START_TIMEOUT_S = 20
SERVER_STOP_TIMEOUT_S = 10
CTL_TIMEOUT_S = 120
SQL_TIMEOUT_S = 60
HTTP_TIMEOUT_S = 30

# Lines that are not JSON log lines and say a sanitizer found something.
SANITIZER_RE = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|AddressSanitizer|"
    r"LeakSanitizer|ThreadSanitizer|runtime error:")


def source_dir():
    d = os.environ.get("AMBITO_SOURCE_DIR")
    if d:
        return d
    return os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def build_dir():
    d = os.environ.get("AMBITO_BUILD_DIR")
    if d:
        return d
    return os.path.join(source_dir(), "build")


def program(name):
    """Absolute path of build/cmd/NAME; raises if it was not built."""
    p = os.path.join(build_dir(), "cmd", name)
    if not os.access(p, os.X_OK):
        raise RuntimeError("%s is not built (AMBITO_BUILD_DIR=%s)"
                           % (p, build_dir()))
    return p


def _sanitizer_report(text):
    """The sanitizer report in text (non-JSON lines only), or None."""
    bad = [ln for ln in text.splitlines()
           if SANITIZER_RE.search(ln) and not _is_json_object(ln)]
    if not bad:
        return None
    # Show from the first hit on: the report follows its first line.
    lines = text.splitlines()
    first = lines.index(bad[0])
    return "\n".join(lines[first:first + 80])


def _is_json_object(line):
    line = line.strip()
    if not line.startswith("{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def child_env(db=None, jwt_secret=None, extra=None):
    """The environment for ambitod/ambitoctl: ours without any inherited
    AMBITO_* (deploy/test exports some for the C tests), then the database's,
    then extra (a value of None removes the variable). ASAN_OPTIONS and
    UBSAN_OPTIONS pass through."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBITO_")}
    # Tests fetch public pages far faster than a person: the public rate
    # limit is off unless a test sets it (test_opendata_pubdoc does).
    env["AMBITO_PUBLIC_RATE"] = "0"
    if db is not None:
        env.update(db.env())
        env["AMBITO_JWT_SECRET"] = db.jwt_secret
    if jwt_secret is not None:
        env["AMBITO_JWT_SECRET"] = jwt_secret
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


# ---------------------------------------------------------------- database

def _admin():
    try:
        return (os.environ["AMBITO_TEST_DB_SOCKET"],
                os.environ["AMBITO_TEST_DB_USER"],
                os.environ.get("AMBITO_TEST_DB_PASSWORD", ""))
    except KeyError as e:
        raise RuntimeError("%s is not set: run the tests through deploy/test"
                           % e.args[0]) from None


def _mariadb_cli():
    return shutil.which("mariadb") or shutil.which("mysql") or "mariadb"


_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "0": "\0", "r": "\r",
             "b": "\b", "Z": "\x1a"}


def _unescape(field):
    if field == "NULL":
        return None
    if "\\" not in field:
        return field
    out = []
    i = 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append(_UNESCAPE.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def admin_sql(query, database=None):
    """Runs query (one or more statements) as the admin and returns the rows
    of its result sets: a list of lists of str, None for NULL.

    Batch mode without --raw, so tabs, newlines and backslashes inside values
    come back exactly; as in any mariadb CLI output, the string 'NULL' cannot
    be told from NULL (both read as None): select HEX() or ISNULL() when that
    matters."""
    sock, user, password = _admin()
    cmd = [_mariadb_cli(), "--no-defaults", "--socket=" + sock, "-u", user,
           "--batch", "--skip-column-names", "--default-character-set=utf8mb4"]
    if database:
        cmd.append(database)
    env = dict(os.environ)
    env["MYSQL_PWD"] = password  # never on the command line
    p = subprocess.run(cmd, input=query.encode("utf-8"), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=SQL_TIMEOUT_S, check=False)
    if p.returncode != 0:
        raise RuntimeError("SQL failed (exit %d): %s\nquery: %s"
                           % (p.returncode,
                              p.stderr.decode("utf-8", "replace").strip(),
                              query))
    text = p.stdout.decode("utf-8", "surrogateescape")
    rows = []
    for line in text.split("\n"):
        if line == "":
            continue
        rows.append([_unescape(f) for f in line.split("\t")])
    return rows


_live_databases = set()


class Database:
    """A fresh database with two SQL users of its own, as a Region runs it:
    the owner (ALL on it, WITH GRANT OPTION), which `ambitoctl migrate` uses,
    and the account ambitod and the other ambitoctl commands use (`user`),
    which may only read until migrate grants it row rights.

        db = Database()          # or: with Database() as db:
        db.env()                 # AMBITO_DB_* for it
        db.sql("SELECT 1")       # [['1']]
        db.drop()
    """

    def __init__(self, prefix="ambito_t"):
        self.socket, _, _ = _admin()
        self.name = "%s_%d_%s" % (prefix, os.getpid(), secrets.token_hex(4))
        self.user = self.name
        self.password = secrets.token_hex(16)
        self.owner = self.name + "_own"
        self.owner_password = secrets.token_hex(16)
        self.jwt_secret = secrets.token_hex(32)  # shared by ctl() and Server
        self._dropped = False
        admin_sql(
            "CREATE DATABASE `{n}` CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_unicode_ci;\n"
            "CREATE USER '{o}'@'localhost' IDENTIFIED BY '{op}';\n"
            "GRANT ALL PRIVILEGES ON `{n}`.* TO '{o}'@'localhost' "
            "WITH GRANT OPTION;\n"
            "CREATE USER '{u}'@'localhost' IDENTIFIED BY '{p}';\n"
            "GRANT SELECT ON `{n}`.* TO '{u}'@'localhost';\n"
            .format(n=self.name, u=self.user, p=self.password, o=self.owner,
                    op=self.owner_password))
        _live_databases.add(self)

    def env(self):
        return {
            "AMBITO_DB_SOCKET": self.socket,
            "AMBITO_DB_USER": self.user,
            "AMBITO_DB_PASSWORD": self.password,
            "AMBITO_DB_NAME": self.name,
            "AMBITO_DB_ADMIN_USER": self.owner,
            "AMBITO_DB_ADMIN_PASSWORD": self.owner_password,
        }

    def sql(self, query):
        """Runs query as the admin in this database; see admin_sql()."""
        return admin_sql(query, database=self.name)

    def sql_as(self, user, password, query):
        """Runs query as user in this database: (exit code, stdout, stderr)
        of the mariadb client, which does not raise."""
        env = dict(os.environ)
        env["MYSQL_PWD"] = password
        p = subprocess.run([_mariadb_cli(), "--no-defaults",
                            "--socket=" + self.socket, "-u", user, "--batch",
                            "--skip-column-names", self.name, "-e", query],
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           timeout=SQL_TIMEOUT_S, check=False)
        return p.returncode, p.stdout, p.stderr

    def statements(self):
        """(SELECTs, other statements) ambitod's account has run so far,
        counted by MariaDB (USER_STATISTICS: SET GLOBAL userstat = 1 first)."""
        rows = admin_sql("SELECT SELECT_COMMANDS, UPDATE_COMMANDS + OTHER_COMMANDS"
                         " FROM information_schema.USER_STATISTICS WHERE USER = '%s'" % self.user)
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    def exists(self):
        return bool(admin_sql(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
            "WHERE SCHEMA_NAME = '%s'" % self.name))

    def migrate(self):
        """ambitoctl migrate, which must succeed."""
        return ctl_ok(self, "migrate")

    def drop(self):
        if self._dropped:
            return
        admin_sql("DROP DATABASE IF EXISTS `{n}`;\n"
                  "DROP USER IF EXISTS '{u}'@'localhost';\n"
                  "DROP USER IF EXISTS '{o}'@'localhost';\n"
                  .format(n=self.name, u=self.user, o=self.owner))
        self._dropped = True
        _live_databases.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.drop()
        return False


@atexit.register
def _drop_leftovers():
    for db in list(_live_databases):
        try:
            db.drop()
        except Exception as e:  # pragma: no cover - best effort at exit
            print("harness: could not drop %s: %s" % (db.name, e),
                  file=sys.stderr)


# ---------------------------------------------------------------- ambitoctl

def ctl(db, *args, input=None, env_extra=None, timeout=CTL_TIMEOUT_S):
    """Runs build/cmd/ambitoctl ARGS against db (may be None); returns the
    CompletedProcess (text, output captured). Raises AssertionError if a
    sanitizer reported something."""
    p = subprocess.run([program("ambitoctl")] + [str(a) for a in args],
                       input=input, env=child_env(db, extra=env_extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace", timeout=timeout,
                       check=False)
    report = _sanitizer_report(p.stderr)
    if report:
        raise AssertionError("sanitizer report from ambitoctl %s:\n%s"
                             % (" ".join(map(str, args)), report))
    return p


def ctl_ok(db, *args, **kw):
    """ctl() that must exit 0 (else AssertionError with its output)."""
    p = ctl(db, *args, **kw)
    if p.returncode != 0:
        raise AssertionError("ambitoctl %s exited %d\nstdout: %s\nstderr: %s"
                             % (" ".join(map(str, args)), p.returncode,
                                p.stdout, p.stderr))
    return p


# ---------------------------------------------------------------- the demo

def demo_file(name):
    """A file of deploy/data: the Marche cycle (marche-2020-2022.json) or
    the demo (demo-marche.json)."""
    return os.path.join(source_dir(), "deploy", "data", name)


def demo_passwords():
    """{email: password} of the demo's users."""
    with open(demo_file("demo-marche.json"), encoding="utf-8") as f:
        return {u["email"]: u["password"] for u in json.load(f)["users"]}


def demo_database():
    """A migrated database with the Marche 2020-2022 cycle imported and the
    demo loaded (ATS 1 …, their users and plans)."""
    db = Database()
    db.migrate()
    ctl_ok(db, "import", demo_file("marche-2020-2022.json"))
    ctl_ok(db, "demo-load", demo_file("demo-marche.json"))
    return db


# ---------------------------------------------------------------- HTTP

def page_login(host, port, email, password):
    """Logs in through the login form (/accesso) of the ambitod on host:port
    as a browser would; returns the session cookie's value (AssertionError
    unless the answer is a 303 that sets it)."""
    conn = http.client.HTTPConnection(host, port, timeout=HTTP_TIMEOUT_S)
    try:
        conn.request("POST", "/accesso", urllib.parse.urlencode({"email": email, "password": password}),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Origin": "http://%s:%d" % (host, port), "Sec-Fetch-Site": "same-origin"})
        r = conn.getresponse()
        body = r.read()
        m = re.match(r"ambito_sessione=([^;]+)", r.getheader("Set-Cookie") or "")
        if r.status != 303 or m is None:
            raise AssertionError("login of %s: %d %s" % (email, r.status, body[:300].decode("utf-8", "replace")))
        return m.group(1)
    finally:
        conn.close()



def run_refused_ambitod(tc, db, timeout=20, extra=None):
    """Starts ambitod against db (with the variables of extra), which must
    refuse to start: returns (exit code, stderr text). Kills it and fails tc
    if it starts serving, or if a sanitizer reported anything."""
    env = child_env(db, extra=dict({"AMBITO_LISTEN": "127.0.0.1:0"}, **(extra or {})))
    p = subprocess.Popen([program("ambitod")], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        tc.fail("ambitod started on a database it must refuse:\n%s"
                % err.decode("utf-8", "replace"))
    text = err.decode("utf-8", "replace")
    report = _sanitizer_report(text)
    if report:
        tc.fail("sanitizer report from ambitod:\n%s" % report)
    return p.returncode, text

class CIDict(collections.abc.MutableMapping):
    """Case-insensitive dict for headers; a repeated header's values are
    joined with ", " (all of them are in .items_list)."""

    def __init__(self, items=()):
        self._d = {}
        self.items_list = []
        for k, v in items:
            self.items_list.append((k, v))
            lk = k.lower()
            if lk in self._d:
                self._d[lk] = (self._d[lk][0], self._d[lk][1] + ", " + v)
            else:
                self._d[lk] = (k, v)

    def __getitem__(self, k):
        return self._d[k.lower()][1]

    def __setitem__(self, k, v):
        self._d[k.lower()] = (k, v)

    def __delitem__(self, k):
        del self._d[k.lower()]

    def __iter__(self):
        return (k for k, _ in self._d.values())

    def __len__(self):
        return len(self._d)

    def __repr__(self):
        return repr(dict(self.items()))


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("response %d is not JSON (%s): %r"
                                 % (self.status, e, self.body[:2000])) from None

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:200])


_servers_this_test = []


class Server:
    """A running build/cmd/ambitod on 127.0.0.1 and a free port.

        with Server(db) as srv:
            r = srv.request("GET", "/healthz")
            assert r.status == 200

    jwt_secret defaults to db's random one (so tokens ambitoctl makes for
    db verify); env adds variables (None removes one); args go on the
    command line."""

    def __init__(self, db=None, jwt_secret=None, env=None, args=(),
                 listen="127.0.0.1:0", start=True):
        self.db = db
        extra = {"AMBITO_LISTEN": listen}
        if db is None and jwt_secret is None:
            extra["AMBITO_JWT_SECRET"] = secrets.token_hex(32)
        extra.update(env or {})
        self.env = child_env(db, jwt_secret=jwt_secret, extra=extra)
        self.args = [str(a) for a in args]
        self.proc = None
        self.host = None
        self.port = None
        self.returncode = None
        self._lines = []
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._eof = threading.Event()
        self.tmpdir = tempfile.mkdtemp(prefix="ambitod-")
        self.log_path = os.path.join(self.tmpdir, "ambitod.log")
        if start:
            self.start()

    # -- process

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            # A second ambitod would be orphaned with its connections.
            raise RuntimeError("this Server is already running")
        self._logf = open(self.log_path, "w", encoding="utf-8")
        self._stdout = open(os.path.join(self.tmpdir, "stdout.log"), "wb")
        self.proc = subprocess.Popen([program("ambitod")] + self.args,
                                     env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self._stdout,
                                     stderr=subprocess.PIPE)
        _servers_this_test.append(self)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not self._listening.wait(0.05):
            if self._eof.is_set() or self.proc.poll() is not None:
                self.returncode = self.proc.wait()
                self._close()
                raise RuntimeError("ambitod exited (%d) before listening; "
                                   "log:\n%s"
                                   % (self.returncode, self.log_tail()))
            if time.monotonic() > deadline:
                self.proc.kill()
                self.returncode = self.proc.wait()
                self._close()
                raise RuntimeError("ambitod did not log \"listening\" within "
                                   "%ds; log:\n%s"
                                   % (SERVER_START_TIMEOUT_S, self.log_tail()))
        return self

    def _read(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self._lines.append(line)
            self._logf.write(line + "\n")
            self._logf.flush()
            if not self._listening.is_set() and _is_json_object(line):
                obj = json.loads(line)
                if obj.get("msg") == "listening" and "port" in obj:
                    self.host = obj.get("host") or "127.0.0.1"
                    if self.host in ("0.0.0.0", "::", ""):
                        self.host = "127.0.0.1"
                    self.port = int(obj["port"])
                    self._listening.set()
        self._eof.set()

    @property
    def url(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "http://%s:%d" % (host, self.port)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _close(self):
        self._reader.join(5)
        self._logf.close()
        self._stdout.close()
        self.proc.stderr.close()

    def _finish(self):
        """After the process ended: collect its output, check sanitizers."""
        self._close()
        report = _sanitizer_report(self.log_text())
        if report:
            raise AssertionError("sanitizer report in ambitod log (%s):\n%s"
                                 % (self.log_path, report))

    def stop(self, timeout=SERVER_STOP_TIMEOUT_S):
        """SIGTERM, wait; returns the exit code. Kills it and raises
        AssertionError if it does not exit within timeout."""
        if self.returncode is not None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.returncode = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait()
            self._finish()
            raise AssertionError("ambitod did not exit within %ds of SIGTERM;"
                                 " log:\n%s" % (timeout, self.log_tail()))
        self._finish()
        if self.returncode == 0:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        return self.returncode

    def kill(self):
        """SIGKILL, wait; returns the exit code (-9)."""
        if self.returncode is not None:
            return self.returncode
        self.proc.kill()
        self.returncode = self.proc.wait()
        self._finish()
        return self.returncode

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.stop()
        else:
            try:
                self.stop()
            except Exception as e:  # keep the first error
                print("harness: while stopping ambitod: %s" % e,
                      file=sys.stderr)
        return False

    # -- log

    def log_text(self):
        with self._lock:
            return "\n".join(self._lines)

    def log_tail(self, n=40):
        with self._lock:
            return "\n".join(self._lines[-n:])

    def log_lines(self):
        """The JSON log lines so far, parsed (other lines are left out; see
        other_log_lines())."""
        with self._lock:
            lines = list(self._lines)
        return [json.loads(ln) for ln in lines if _is_json_object(ln)]

    def other_log_lines(self):
        with self._lock:
            return [ln for ln in self._lines if not _is_json_object(ln)]

    def wait_for_log(self, pred, timeout=5):
        """The first parsed log line for which pred(obj) is true, waiting up to
        timeout seconds for it to appear; raises AssertionError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            for obj in self.log_lines():
                if pred(obj):
                    return obj
            if time.monotonic() > deadline:
                raise AssertionError("no matching log line within %ss; tail:"
                                     "\n%s" % (timeout, self.log_tail()))
            time.sleep(0.05)

    # -- HTTP

    def request(self, method, path, body=None, headers=None, token=None,
                raw=None, timeout=HTTP_TIMEOUT_S):
        """One request on a fresh connection. body: dict/list is sent as JSON
        (Content-Type application/json unless headers give one), str as
        UTF-8, bytes as is; raw: bytes sent as the body as is."""
        hdrs = dict(headers or {})
        lower = {k.lower() for k in hdrs}
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode("utf-8")
                if "content-type" not in lower:
                    hdrs["Content-Type"] = "application/json"
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = bytes(body)
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413, 431…) and close before reading
                # all we send: its answer is still there to read.
                pass
            resp = conn.getresponse()
            out = resp.read()
            return Response(resp.status, resp.reason,
                            CIDict(resp.getheaders()), out)
        finally:
            conn.close()

    def page_login(self, email, password):
        """The session cookie's value after logging in through the login
        form (page_login)."""
        return page_login(self.host, self.port, email, password)

    def raw_request(self, data, timeout=10, read=True):
        """Sends bytes as they are on a fresh TCP connection and returns all
        the server sends back until it closes or timeout passes."""
        with socket.create_connection((self.host, self.port),
                                      timeout=timeout) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            if not read:
                return b""
            chunks = []
            try:
                while True:
                    c = s.recv(65536)
                    if not c:
                        break
                    chunks.append(c)
            except (socket.timeout, ConnectionResetError):
                pass
            return b"".join(chunks)


# ---------------------------------------------------------------- running

class _Result(unittest.TextTestResult):
    """Prints the tail of the log of every ambitod a failing test used."""

    def startTest(self, test):
        del _servers_this_test[:]
        super().startTest(test)

    def _dump(self):
        for srv in _servers_this_test:
            self.stream.write("\n---- ambitod log tail (%s) ----\n%s\n----\n"
                              % (srv.log_path, srv.log_tail()))
        self.stream.flush()

    def addError(self, test, err):
        super().addError(test, err)
        self._dump()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._dump()


def main():
    """Runs the __main__ module's tests, printing each name. Exit status:
    77 (skipped) only when AMBITO_TEST_DB_SOCKET is not set; otherwise 0 only
    if at least one test ran and every test passed. A test skipped inside the
    file fails the file: a skip must not read as a pass."""
    if not os.environ.get("AMBITO_TEST_DB_SOCKET"):
        print("SKIP: AMBITO_TEST_DB_SOCKET is not set; run deploy/test",
              file=sys.stderr)
        sys.exit(SKIP_EXIT)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2,
                                     resultclass=_Result)
    prog = unittest.main(module="__main__", testRunner=runner, exit=False)
    res = prog.result
    if res.testsRun == 0:
        print("FAIL: no test ran", file=sys.stderr)
        sys.exit(1)
    if not res.wasSuccessful():
        sys.exit(1)
    if res.skipped:
        for test, why in res.skipped:
            print("FAIL: skipped: %s: %s" % (test.id(), why), file=sys.stderr)
        sys.exit(1)
    sys.exit(0)
