#!/usr/bin/env python3
"""Benchmark, not a test: pages of the web interface as a logged-in
coordinator sees them. Prints figures, asserts nothing.

    ninja -C build && python3 tests/bench/web_pages.py [--seconds 10] [--runs 3] [--conns 64]

Starts its own private MariaDB and ambitod (as tests/bench/compare.py),
imports the Marche 2020-2022 cycle and the demo data, logs in through the
login form as the coordinator of ATS 1 (a draft) and drives with wrk
(tests/bench/web.lua adds the session cookie), for SECONDS each:

    the plan index   GET /ats/ats-1/piani/2020-2022
    a section editor GET /ats/ats-1/piani/2020-2022/sezioni/A.1.2

and prints pages/s, median and p99 latency (the median of RUNS runs) and
ambitod's peak RSS (VmHWM). Everything is stopped and removed at the end.
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from compare import Ambitod, RssSampler, wrk_figures  # noqa: E402
import bench_setup  # noqa: E402

DATA = os.path.join(ROOT, "deploy", "data")
LUA = os.path.join(HERE, "web.lua")
EMAIL, PASSWORD = "coordinatore.ats1@demo.ambito.invalid", "Demo-Ats1-Coord!"
PAGES = [("plan index", "/ats/ats-1/piani/2020-2022"),
         ("section editor (A.1.2)", "/ats/ats-1/piani/2020-2022/sezioni/A.1.2")]


def log_in(srv):
    """The demo coordinator's browser session."""
    return bench_setup.page_cookie(srv, EMAIL, PASSWORD)


def page_status(srv, path, cookie):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": "ambito_sessione=" + cookie})
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def run_wrk(url, path, cookie, conns, seconds):
    env = dict(os.environ, AMBITO_COOKIE=cookie, AMBITO_PATH=path)
    out = subprocess.run(["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout", "10s",
                          "-s", LUA, url], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=True).stdout
    return wrk_figures(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--conns", type=int, default=64)
    args = ap.parse_args()
    bench_setup.run(bench, args, programs=("ambitod", "ambitoctl"), tools=("wrk",), prefix="ambito-bench-web-")


def bench(args, db, tmp):
    srv = None
    try:
        harness.ctl_ok(db, "import", os.path.join(DATA, "marche-2020-2022.json"))
        harness.ctl_ok(db, "demo-load", os.path.join(DATA, "demo-marche.json"))
        srv = Ambitod(db, os.path.join(tmp, "ambitod.log"))
        sampler = RssSampler(srv.proc.pid)
        sampler.start()
        cookie = log_in(srv)
        print("ambitod on %s (workers %s), %d CPUs, wrk %ds per run, %d runs, %d connections"
              % (srv.url, srv.listening.get("workers", "?"), os.cpu_count() or 0, args.seconds, args.runs,
                 args.conns))
        for name, path in PAGES:
            status = page_status(srv, path, cookie)
            if status != 200:  # wrk would count a redirect to the login as a success
                raise RuntimeError("%s answers %d, not the page" % (path, status))
            runs = [run_wrk(srv.url, path, cookie, args.conns, args.seconds) for _ in range(args.runs)]
            rps = [x[0] for x in runs]
            print("%-24s %8.0f pages/s (%.0f–%.0f)   median %6.2f ms   p99 %6.2f ms (%.1f–%.1f)%s"
                  % (name, statistics.median(rps), min(rps), max(rps), statistics.median(x[1] for x in runs),
                     statistics.median(x[2] for x in runs), min(x[2] for x in runs), max(x[2] for x in runs),
                     "   %d not 2xx!" % sum(x[3] for x in runs) if any(x[3] for x in runs) else ""))
        sampler.stop()
        print("ambitod peak RSS (VmHWM): %.0f MB" % (sampler.hwm_kb / 1024.0))
    finally:
        if srv is not None:
            srv.stop()


if __name__ == "__main__":
    main()
