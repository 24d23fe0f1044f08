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
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import bench_setup  # noqa: E402
from bench_setup import CYCLE  # noqa: E402
from compare import Ambitod  # noqa: E402
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
    bench_setup.demo(db, args.tenants)
    slugs = [row[0] for row in db.sql("SELECT slug FROM tenants ORDER BY slug")]
    lines = ["tenant,year,source,amount_eur"]
    for i, slug in enumerate(slugs):
        for y in (2020, 2021, 2022):
            for k, s in enumerate(SOURCES):
                lines.append("%s,%d,%s,%d.%02d" % (slug, y, s, 1000 + i * 7 + k, (i + y + k) % 100))
    csv_body = ("\r\n".join(lines) + "\r\n").encode()
    email, password = bench_setup.add_user(db)
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
    try:
        token = bench_setup.api_token(srv, email, password)
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
    bench_setup.run(bench, args)


if __name__ == "__main__":
    main()
