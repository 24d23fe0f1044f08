#!/usr/bin/env python3
"""Benchmark, not a test: revalidating a public page. Prints figures,
asserts nothing.

    ninja -C build && python3 tests/bench/public_revalidate.py [--seconds 10] [--runs 3] [--conns 64]

Starts its own private MariaDB and ambitod (as tests/bench/web_pages.py),
imports the Marche 2020-2022 cycle and the demo data (ATS 20 published),
switches the public rate limit off (wrk comes from one address), and drives
with wrk, for SECONDS each:

    304   GET /trasparenza/2020-2022 with If-None-Match: the current ETag
    200   the same page without it (the page built)

printing requests/s, median and p99 latency (the median of RUNS runs), and
the machine's load average before and after, since the machine is shared.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from compare import Ambitod, wrk_figures  # noqa: E402
import bench_setup  # noqa: E402

DATA = os.path.join(ROOT, "deploy", "data")
PATH = "/trasparenza/2020-2022"


def head(srv, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        r.read()
        return r.status, r.getheader("ETag")
    finally:
        conn.close()


def run_wrk(url, headers, conns, seconds):
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url + PATH], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         check=True).stdout
    return wrk_figures(out)


def bench(args, db, tmp):
    srv = None
    try:
        harness.ctl_ok(db, "import", os.path.join(DATA, "marche-2020-2022.json"))
        harness.ctl_ok(db, "demo-load", os.path.join(DATA, "demo-marche.json"))
        srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))  # child_env: public rate limit off
        status, etag = head(srv, PATH)
        if status != 200 or not etag:
            raise RuntimeError("%s answers %d, ETag %r" % (PATH, status, etag))
        if head(srv, PATH, {"If-None-Match": etag})[0] != 304:
            raise RuntimeError("%s does not revalidate" % PATH)
        print("ambitod on %s (workers %s), %d CPUs, wrk %ds per run, %d runs, %d connections"
              % (srv.url, srv.listening.get("workers", "?"), os.cpu_count() or 0, args.seconds, args.runs,
                 args.conns))
        print("load average before: %.2f %.2f %.2f" % os.getloadavg())
        for name, headers in (("304 (If-None-Match)", ["If-None-Match: " + etag]), ("200 (page built)", [])):
            runs = [run_wrk(srv.url, headers, args.conns, args.seconds) for _ in range(args.runs)]
            rps = [x[0] for x in runs]
            print("%-22s %8.0f requests/s (%.0f–%.0f)   median %6.2f ms   p99 %6.2f ms%s"
                  % (name, statistics.median(rps), min(rps), max(rps), statistics.median(x[1] for x in runs),
                     statistics.median(x[2] for x in runs),
                     "   %d not 2xx/3xx!" % sum(x[3] for x in runs) if any(x[3] for x in runs) else ""))
        print("load average after:  %.2f %.2f %.2f" % os.getloadavg())
    finally:
        if srv is not None:
            srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--conns", type=int, default=64)
    args = ap.parse_args()
    bench_setup.run(bench, args, programs=("ambitod", "ambitoctl"), tools=("wrk",),
                    prefix="ambito-bench-revalidate-")


if __name__ == "__main__":
    main()
