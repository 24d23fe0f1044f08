#!/usr/bin/env python3
"""Benchmark, not a test: the comparison pages at national scale. Prints
figures against their targets, asserts nothing.

    ninja -C build && python3 tests/bench/compare_pages.py [--tenants 600]
        [--seconds 10] [--runs 3] [--conns 2]

Starts its own private MariaDB, imports the Marche 2020-2022 cycle, fills it
with `ambitoctl demo --cycle 2020-2022 --tenants N`, adds a region_reviewer,
starts build/cmd/ambitod (its defaults) and logs in through the login form.
Then wrk (tests/bench/web.lua adds the session cookie) drives, for SECONDS
each, with CONNS connections (a couple of analysts at once):

  matrix          /confronti/2020-2022/copertura (by action, latest submissions)
  matrix-draft    the same over the drafts (every tenant)
  finance         /confronti/2020-2022/finanza (by area, with its chart)
  coverage-xlsx   the matrix's XLSX download (?format=xlsx)

and prints pages/s, median and p99 of each (the median of RUNS runs), the
size of each answer, and ambitod's peak RSS.
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

from compare import Ambitod, RssSampler, wrk_figures, verdict, CYCLE  # noqa: E402
import bench_setup  # noqa: E402

LUA = os.path.join(HERE, "web.lua")
PAGES = "/confronti/%s" % CYCLE
# name, path, target median in ms (None: none)
TARGETS = [
    ("matrix", PAGES + "/copertura?by=action&source=submitted", 150),
    ("matrix-draft", PAGES + "/copertura?by=action&source=draft", None),
    ("finance", PAGES + "/finanza?by=area&source=submitted", None),
    ("coverage-xlsx", PAGES + "/copertura?by=action&source=submitted&format=xlsx", None),
]
RSS_TARGET_MB = 100


def fetch(srv, path, cookie):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": "ambito_sessione=" + cookie})
        r = conn.getresponse()
        body = r.read()
        return r.status, body, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def run_wrk(url, path, cookie, conns, seconds):
    env = dict(os.environ, AMBITO_COOKIE=cookie, AMBITO_PATH=path)
    out = subprocess.run(["wrk", "-t%d" % min(2, conns), "-c%d" % conns, "-d%ds" % seconds, "--latency",
                          "--timeout", "10s", "-s", LUA, url], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=True).stdout
    return wrk_figures(out)


def bench(args, db, tmp):
    bench_setup.demo(db, args.tenants)
    email, password = bench_setup.add_user(db, "region_reviewer", "bench-reviewer@example.it")
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
    sampler = RssSampler(srv.proc.pid)
    sampler.start()
    try:
        cookie = bench_setup.page_cookie(srv, email, password)
        print("ambitod on %s (workers %s), %d CPUs, wrk %ds a run, %d runs, %d connections; load %s"
              % (srv.url, srv.listening.get("workers", "?"), os.cpu_count() or 0, args.seconds, args.runs,
                 args.conns, " ".join("%.1f" % x for x in os.getloadavg())))
        for name, path, _ in TARGETS:
            status, body, ms = fetch(srv, path, cookie)
            if status != 200:
                raise RuntimeError("%s answered %d: %s" % (path, status, body[:300]))
            rows = body.count(b'<th scope="row"') if b"<html" in body[:200] else None
            print("%-14s %7.0f kB, first request %.1f ms%s" % (name, len(body) / 1024.0, ms,
                                                               ", %d table rows" % rows if rows else ""))
        results = {}
        for _ in range(args.runs):
            for name, path, _ in TARGETS:
                results.setdefault(name, []).append(run_wrk(srv.url, path, cookie, args.conns, args.seconds))
        print()
        print("%-14s %9s %11s %11s   %s" % ("", "pages/s", "median ms", "p99 ms", "target"))
        for name, path, target in TARGETS:
            runs = results[name]
            rps = statistics.median(r[0] for r in runs)
            med = statistics.median(r[1] for r in runs)
            p99 = statistics.median(r[2] for r in runs)
            bad = sum(r[3] for r in runs)
            goal = "median < %d ms: %s" % (target, verdict(med < target)) if target else "-"
            print("%-14s %9.1f %11.2f %11.2f   %s%s" % (name, rps, med, p99, goal,
                                                         "  (%d non-2xx!)" % bad if bad else ""))
            if len(runs) > 1:
                print("%-14s %s" % ("", "   ".join("%.1f/s %.1f/%.1f ms" % r[:3] for r in runs)))
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
