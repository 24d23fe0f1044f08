#!/usr/bin/env python3
"""Benchmark, not a test: the public comparisons (/trasparenza/{cycle}/…) at
national scale. Prints figures against their targets, asserts nothing.

    ninja -C build && python3 tests/bench/public_compare.py [--tenants 600]
        [--seconds 10] [--runs 3] [--conns 2]

Starts its own private MariaDB, imports the Marche 2020-2022 cycle, fills it
with `ambitoctl demo --cycle 2020-2022 --tenants N` (which submits most plans
and approves some, but publishes none), then publishes every plan that has a
submission by SQL, as plan_publish does (plans.published_revision and a
plan_publications row). Starts build/cmd/ambitod (its defaults); no login.
Then wrk (tests/bench/public.lua) drives, for SECONDS each, with CONNS
connections:

  coverage        /trasparenza/2020-2022/copertura?by=objective
  coverage-action the same by azione di sistema (more columns)
  finance         /trasparenza/2020-2022/finanza?by=area (with its chart)
  coverage-csv    /api/v1/public/cycles/2020-2022/compare/coverage?format=csv
  revalidate      the coverage page with If-None-Match: its ETag (304),
                  with REVAL_CONNS connections

and prints requests/s, median and p99 of each (the median of RUNS runs),
the size of each answer, and ambitod's peak RSS.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from compare import Ambitod, RssSampler, wrk_figures, verdict, MARCHE, CYCLE  # noqa: E402
import bench_setup  # noqa: E402

LUA = os.path.join(HERE, "public.lua")
PAGES = "/trasparenza/%s" % CYCLE
API = "/api/v1/public/cycles/%s/compare" % CYCLE
REVAL_CONNS = 32
# name, path, revalidate, target (median ms, or requests/s for revalidate; None: none)
TARGETS = [
    ("coverage", PAGES + "/copertura?by=objective", False, 100),
    ("coverage-action", PAGES + "/copertura?by=action", False, None),
    ("finance", PAGES + "/finanza?by=area", False, None),
    ("coverage-csv", API + "/coverage?by=objective&format=csv", False, None),
    ("revalidate", PAGES + "/copertura?by=objective", True, 10000),
]
RSS_TARGET_MB = 100


def fetch(srv, path):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, r.getheader("ETag"), body, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def run_wrk(url, path, etag, conns, seconds):
    env = dict(os.environ, AMBITO_PATH=path, AMBITO_ETAG=etag or "")
    out = subprocess.run(["wrk", "-t%d" % min(2, conns), "-c%d" % conns, "-d%ds" % seconds, "--latency",
                          "--timeout", "10s", "-s", LUA, url], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=True).stdout
    return wrk_figures(out)


def publish_all(db):
    """Publishes every plan of the cycle with a submission, as plan_publish
    does, without its approval step (a benchmark's shortcut)."""
    cycle = "(SELECT id FROM cycles WHERE slug = '%s')" % CYCLE
    db.sql("UPDATE plans SET status = 'published', published_revision = revision, updated_at = NOW(6)"
           " WHERE cycle_id = %s AND revision > 0" % cycle)
    db.sql("INSERT INTO plan_publications (tenant_id, cycle_id, revision) SELECT tenant_id, cycle_id, revision"
           " FROM plans WHERE cycle_id = %s AND published_revision IS NOT NULL" % cycle)
    return int(db.sql("SELECT COUNT(*) FROM plans WHERE cycle_id = %s AND published_revision IS NOT NULL"
                      % cycle)[0][0])


def bench(args, db, tmp):
    harness.ctl_ok(db, "import", MARCHE)
    t0 = time.perf_counter()
    harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(args.tenants), timeout=600)
    print("ambitoctl demo --tenants %d: %.1f s" % (args.tenants, time.perf_counter() - t0))
    print("published by SQL: %d plans (those with a submission)" % publish_all(db))
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
    sampler = RssSampler(srv.proc.pid)
    sampler.start()
    try:
        print("ambitod on %s (workers %s), %d CPUs, wrk %ds a run, %d runs, %d connections (%d to revalidate);"
              " load %s" % (srv.url, srv.listening.get("workers", "?"), os.cpu_count() or 0, args.seconds,
                            args.runs, args.conns, REVAL_CONNS, " ".join("%.1f" % x for x in os.getloadavg())))
        etags = {}
        for name, path, reval, _ in TARGETS:
            status, etag, body, ms = fetch(srv, path)
            if status != 200:
                raise RuntimeError("%s answered %d: %s" % (path, status, body[:300]))
            etags[name] = etag
            rows = body.count(b'<th scope="row"') if b"<html" in body[:200] else None
            print("%-16s %7.0f kB, first request %.1f ms%s" % (name, len(body) / 1024.0, ms,
                                                               ", %d table rows" % rows if rows else ""))
        results = {}
        for _ in range(args.runs):
            for name, path, reval, _ in TARGETS:
                results.setdefault(name, []).append(
                    run_wrk(srv.url, path, etags[name] if reval else None, REVAL_CONNS if reval else args.conns,
                            args.seconds))
        print()
        print("%-16s %9s %11s %11s   %s" % ("", "req/s", "median ms", "p99 ms", "target"))
        for name, path, reval, target in TARGETS:
            runs = results[name]
            rps = statistics.median(r[0] for r in runs)
            med = statistics.median(r[1] for r in runs)
            p99 = statistics.median(r[2] for r in runs)
            bad = sum(r[3] for r in runs)
            if target is None:
                goal = "-"
            elif reval:
                goal = "> %d/s: %s" % (target, verdict(rps > target))
            else:
                goal = "median < %d ms: %s" % (target, verdict(med < target))
            print("%-16s %9.1f %11.2f %11.2f   %s%s" % (name, rps, med, p99, goal,
                                                         "  (%d non-2xx/3xx!)" % bad if bad else ""))
            if len(runs) > 1:
                print("%-16s %s" % ("", "   ".join("%.1f/s %.2f/%.2f ms" % r[:3] for r in runs)))
        sampler.stop()
        hwm_mb = sampler.hwm_kb / 1024.0
        print("ambitod peak RSS (VmHWM) %.1f MB: < %d MB: %s" % (hwm_mb, RSS_TARGET_MB,
                                                                 verdict(hwm_mb < RSS_TARGET_MB)))
    finally:
        if sampler.is_alive():
            sampler.stop()
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tenants", type=int, default=600)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--conns", type=int, default=2)
    args = ap.parse_args()
    bench_setup.run(bench, args, programs=("ambitod", "ambitoctl"), tools=("wrk",))


if __name__ == "__main__":
    main()
