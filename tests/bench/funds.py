#!/usr/bin/env python3
"""Benchmark, not a test: the fund allocations at national scale. Prints
figures, asserts nothing.

    ninja -C build && python3 tests/bench/funds.py [--tenants 600] [--runs 9]

Starts its own private MariaDB, migrates a database, imports the shipped
Marche 2020-2022 cycle, fills it with `ambitoctl demo --tenants N`, starts
build/cmd/ambitod and, as a region_admin, times (median of RUNS, one client):

  put-csv        PUT …/allocations, a CSV of every tenant x year x source
                 (N x 3 x 8 rows: 14 400 for 600 tenants)
  get            GET …/allocations (every row, JSON)
  compare        GET …/compare/allocations (latest submissions)
  compare-csv    the same as CSV
  finance        GET …/compare/finance?by=source, for reference: the same
                 tenants and income without allocations and spending
  plan           GET of one tenant's plan, with its warnings

Everything is stopped and removed at the end.
"""

import argparse
import http.client
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from compare import Ambitod  # noqa: E402
from login_healthz import start_mariadb, stop_mariadb  # noqa: E402

CYCLE = "2020-2022"
MARCHE = os.path.join(ROOT, "deploy", "data", "marche-2020-2022.json")
SOURCES = ["comuni", "regione", "fse", "sanita", "fnps", "fna", "fondo_poverta", "altro"]


def timed(port, method, path, token, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    hdrs = dict(headers or {}, Authorization="Bearer " + token)
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    conn.close()
    if r.status != 200:
        raise RuntimeError("%s %s answered %d: %s" % (method, path, r.status, data[:300]))
    return ms, len(data)


def bench(args, db, tmp):
    harness.ctl_ok(db, "import", MARCHE)
    t0 = time.perf_counter()
    harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(args.tenants), timeout=600)
    print("ambitoctl demo --tenants %d: %.1f s" % (args.tenants, time.perf_counter() - t0))
    slugs = [row[0] for row in db.sql("SELECT slug FROM tenants ORDER BY slug")]
    lines = ["tenant,year,source,amount_eur"]
    for i, slug in enumerate(slugs):
        for y in (2020, 2021, 2022):
            for k, s in enumerate(SOURCES):
                lines.append("%s,%d,%s,%d.%02d" % (slug, y, s, 1000 + i * 7 + k, (i + y + k) % 100))
    csv_body = ("\r\n".join(lines) + "\r\n").encode()
    email, password = "bench@example.it", secrets.token_urlsafe(18)
    harness.ctl_ok(db, "user", "add", "--email", email, "--role", "region_admin", "--password-stdin",
                   input=password + "\n")
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
    try:
        import json
        status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        token = json.loads(body)["access_token"]
        base = "/api/v1/cycles/%s" % CYCLE
        cases = [
            ("put-csv", "PUT", base + "/allocations", csv_body, {"Content-Type": "text/csv"}),
            ("get", "GET", base + "/allocations", None, None),
            ("compare", "GET", base + "/compare/allocations", None, None),
            ("compare-csv", "GET", base + "/compare/allocations?format=csv", None, None),
            ("finance", "GET", base + "/compare/finance?by=source", None, None),
            ("plan", "GET", "/api/v1/tenants/%s/plans/%s" % (slugs[0], CYCLE), None, None),
        ]
        print("%d tenants, %d allocation rows (%d bytes of CSV), %d runs each" %
              (len(slugs), len(lines) - 1, len(csv_body), args.runs))
        print("%-12s %10s %10s %10s %12s" % ("", "median ms", "min ms", "max ms", "answer bytes"))
        for name, method, path, body, headers in cases:
            runs = [timed(srv.port, method, path, token, body, headers) for _ in range(args.runs)]
            ms = [r[0] for r in runs]
            print("%-12s %10.1f %10.1f %10.1f %12d" % (name, statistics.median(ms), min(ms), max(ms), runs[-1][1]))
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tenants", type=int, default=600)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    harness.program("ambitod")
    tmp = tempfile.mkdtemp(prefix="ambito-bench-", dir="/tmp")
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


if __name__ == "__main__":
    main()
