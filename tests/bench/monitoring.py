#!/usr/bin/env python3
"""Benchmark, not a test: the comparison of monitoring at national scale.
Prints figures, asserts nothing.

    ninja -C build && python3 tests/bench/monitoring.py [--tenants 600] [--runs 15]

Starts its own private MariaDB, migrates a database, imports the shipped
Marche 2020-2022 cycle, fills it with `ambitoctl demo --tenants N` (which also
approves most submitted plans, records allocations and sends a 2021
monitoring report for each approved plan), starts build/cmd/ambitod and, as a
region_admin, times (median of RUNS, one client):

  compare         GET …/compare/monitoring?action=OS1-A6&year=2021 (JSON)
  compare-csv     the same as CSV (indicators)
  spending-csv    the same, table=spending
  compare-xlsx    the same as XLSX (both tables, two sheets)
  other-action    OS4-A2 (two tagged sections, with spending)
  entry           GET of one tenant's monitoring of 2021

Everything is stopped and removed at the end.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import bench_setup  # noqa: E402
from bench_setup import CYCLE  # noqa: E402
from compare import Ambitod  # noqa: E402
from funds import timed  # noqa: E402


def bench(args, db, tmp):
    p = bench_setup.demo(db, args.tenants, timeout=1800)
    print(p.stdout.strip())
    reports = int(db.sql("SELECT COUNT(*) FROM plan_monitoring_reports")[0][0])
    rows = int(db.sql("SELECT COUNT(*) FROM plan_monitoring_report_values")[0][0])
    slug = db.sql("SELECT t.slug FROM plan_monitoring_reports r JOIN tenants t ON t.id = r.tenant_id"
                  " ORDER BY t.slug LIMIT 1")[0][0]
    email, password = bench_setup.add_user(db)
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
    try:
        token = bench_setup.api_token(srv, email, password)
        base = "/api/v1/cycles/%s/compare/monitoring?year=2021&action=" % CYCLE
        cases = [
            ("compare", base + "OS1-A6"),
            ("compare-csv", base + "OS1-A6&format=csv"),
            ("spending-csv", base + "OS1-A6&format=csv&table=spending"),
            ("compare-xlsx", base + "OS1-A6&format=xlsx"),
            ("other-action", base + "OS4-A2"),
            ("entry", "/api/v1/tenants/%s/plans/%s/monitoring/2021" % (slug, CYCLE)),
        ]
        print("%d reports of 2021, %d indicator rows; %d runs each" % (reports, rows, args.runs))
        print("%-13s %10s %10s %10s %12s" % ("", "median ms", "min ms", "max ms", "answer bytes"))
        for name, path in cases:
            runs = [timed(srv.port, "GET", path, token) for _ in range(args.runs)]
            ms = [r[0] for r in runs]
            print("%-13s %10.1f %10.1f %10.1f %12d" % (name, statistics.median(ms), min(ms), max(ms), runs[-1][1]))
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tenants", type=int, default=600)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    bench_setup.run(bench, args)


if __name__ == "__main__":
    main()
