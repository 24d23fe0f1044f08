"""What the benchmarks set up, written once: a private MariaDB in a
temporary directory with a migrated database (run), the shipped Marche
2020-2022 cycle filled by `ambitoctl demo` (demo), a user made with
ambitoctl (add_user), an API token for it (api_token) or a browser session
(page_cookie). Everything run
starts is stopped and removed when the benchmark ends, however it ends."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402

CYCLE = "2020-2022"
MARCHE = os.path.join(ROOT, "deploy", "data", "marche-2020-2022.json")
MARIADB_LOCAL = os.path.join(ROOT, "deploy", "mariadb-local")


def start_mariadb(tmp):
    """Starts a private MariaDB in tmp/db and makes an admin with a password
    for harness.Database; returns the directory."""
    d = os.path.join(tmp, "db")
    subprocess.run([MARIADB_LOCAL, "start", d], check=True,
                   stdout=subprocess.DEVNULL)
    user, pw = "ambito_bench", secrets.token_hex(16)
    subprocess.run([MARIADB_LOCAL, "sql", d], check=True,
                   input=("CREATE USER '{u}'@'localhost' IDENTIFIED BY '{p}';\n"
                          "GRANT ALL PRIVILEGES ON *.* TO '{u}'@'localhost'"
                          " WITH GRANT OPTION;\n").format(u=user, p=pw).encode())
    os.environ["AMBITO_TEST_DB_SOCKET"] = os.path.join(d, "mysqld.sock")
    os.environ["AMBITO_TEST_DB_USER"] = user
    os.environ["AMBITO_TEST_DB_PASSWORD"] = pw
    return d


def stop_mariadb(d):
    subprocess.run([MARIADB_LOCAL, "stop", d], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(bench, args, programs=("ambitod",), tools=(), prefix="ambito-bench-"):
    """Checks that programs are built and tools installed, then calls
    bench(args, db, tmp) on a fresh database of a private MariaDB."""
    for p in programs:
        harness.program(p)  # fail early when not built
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit("%s is not installed (deploy/install-deps installs it)" % tool)
    tmp = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    dbdir = db = None
    try:
        dbdir = start_mariadb(tmp)
        db = harness.Database(prefix="ambito_bench")
        db.migrate()
        bench(args, db, tmp)
    finally:
        if db is not None:
            db.drop()
        if dbdir is not None:
            stop_mariadb(dbdir)
        shutil.rmtree(tmp, ignore_errors=True)


def demo(db, tenants, timeout=600):
    """Imports the Marche cycle and fills it for tenants ATS; prints how
    long the demo took and returns ambitoctl's result."""
    harness.ctl_ok(db, "import", MARCHE)
    t0 = time.perf_counter()
    p = harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(tenants), timeout=timeout)
    print("ambitoctl demo --tenants %d: %.1f s" % (tenants, time.perf_counter() - t0))
    return p


def add_user(db, role="region_admin", email="bench@example.it"):
    """A user of role with a random password: (email, password)."""
    password = secrets.token_urlsafe(18)
    harness.ctl_ok(db, "user", "add", "--email", email, "--role", role, "--password-stdin",
                   input=password + "\n")
    return email, password


def api_token(srv, email, password):
    """An access token from the API's login (they live 15 minutes)."""
    status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
    if status != 200:
        raise RuntimeError("login answered %d: %s" % (status, body[:300]))
    return json.loads(body)["access_token"]


def page_cookie(srv, email, password):
    """The browser session's cookie value from the login form (/accesso)."""
    return harness.page_login("127.0.0.1", srv.port, email, password)
