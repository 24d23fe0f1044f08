#!/usr/bin/env python3
"""Benchmark, not a test: what one request costs ambitod, counted rather than
timed, so that the figures hold on a loaded machine. Prints figures, asserts
nothing.

    ninja -C build && python3 tests/bench/cost.py [--requests 200] [--tenants 20]
    AMBITO_BUILD_DIR=/path/to/other/build python3 tests/bench/cost.py   # another build

Starts its own private MariaDB, imports the Marche 2020-2022 cycle, loads the
demo (ATS 1 …) and `ambitoctl demo --tenants N`, and runs ambitod (one
worker) under valgrind's callgrind. For each of the API's section GET
(Bearer, a different demo tenant each request), the plan index page and the
section editor page (the coordinator of ATS 1, browser session) it zeroes
callgrind's counters, sends REQUESTS requests one after the other on one
kept-alive connection, dumps the counters and prints, per request: the
instructions ambitod executed (every thread, the libraries included), the
statements MariaDB ran for ambitod's account, the rows it read and sent and
the bytes it sent (information_schema.USER_STATISTICS), the bytes the request
took from its arena (/metrics) and the answer's size. With --switches,
ambitod then runs natively with each worker count and wrk drives each
target at 64 connections: context switches of all its threads and its CPU
time, per request.
"""

import argparse
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from ceiling import CYCLE, DATA, arena_stats, load_avg, wrk  # noqa: E402
from compare import Ambitod  # noqa: E402
from login_healthz import start_mariadb, stop_mariadb  # noqa: E402
from web_pages import log_in  # noqa: E402

TARGETS = [
    ("section-get", "/api/v1/tenants/demo-{n}/plans/%s/sections/A.1.2" % CYCLE, "api"),
    ("plan-index", "/ats/ats-1/piani/%s" % CYCLE, "page"),
    ("editor", "/ats/ats-1/piani/%s/sezioni/A.1.2" % CYCLE, "page"),
]


def db_stats(user):
    rows = harness.admin_sql("SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS, ROWS_READ, ROWS_SENT,"
                             " BYTES_SENT FROM information_schema.USER_STATISTICS WHERE USER = '%s'" % user)
    return [int(v) for v in rows[0]] if rows else [0, 0, 0, 0]


def callgrind(pid, port, *args):
    """callgrind_control acts when ambitod runs: poke it with /healthz until
    the command is done."""
    ctl = subprocess.Popen(["callgrind_control"] + list(args) + [str(pid)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    while ctl.poll() is None:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            c.getresponse().read()
            c.close()
        except OSError:
            pass
        try:
            ctl.wait(0.2)
        except subprocess.TimeoutExpired:
            pass


def dump_total(pid, port, outdir, keep=None):
    before = set(glob.glob(os.path.join(outdir, "cg.out.*")))
    callgrind(pid, port, "-d")
    new = sorted(set(glob.glob(os.path.join(outdir, "cg.out.*"))) - before)
    total = 0
    for path in new:
        if keep:
            shutil.copy(path, keep)
        with open(path) as f:
            for ln in f:
                m = re.match(r"(?:summary|totals):\s+(\d+)", ln)
                if m:
                    total = max(total, int(m.group(1)))
    return total


def thread_counters(pid):
    """(context switches of all threads, CPU seconds) of a process so far."""
    switches = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for ln in f:
                    if ln.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(ln.split()[1])
        except OSError:
            pass  # a thread that ended meanwhile
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return switches, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def switches(args, db, tmp, token, cookie_of):
    """Native ambitod with each worker count: wrk at 64 connections, then
    context switches and CPU time per request (counted, so less sensitive to
    the machine's load than requests/s, which is printed beside them)."""
    print("\nnative ambitod, wrk 64 connections, %d s each; load average before: %s" % (args.switches, load_avg()))
    print("%-12s %7s %9s %13s %9s" % ("", "workers", "req/s", "switches/req", "CPU us/req"))
    for workers in args.workers.split(","):
        srv = Ambitod(db, os.path.join(tmp, "ambitod-%s.log" % workers), workers=workers)
        try:
            cookie = cookie_of(srv)
            for name, path, kind in TARGETS:
                env = {"AMBITO_TOKEN": token, "AMBITO_TENANTS": str(args.tenants), "AMBITO_COOKIE": cookie,
                       "_kind": kind}
                wrk(srv.url, path, 64, 1, dict(env))  # warm the workers' caches
                s0, c0 = thread_counters(srv.proc.pid)
                before = arena_stats(srv)[1]
                rps, med, p99, bad = wrk(srv.url, path, 64, args.switches, dict(env))
                n = arena_stats(srv)[1] - before - 1
                s1, c1 = thread_counters(srv.proc.pid)
                print("%-12s %7s %9.0f %13.2f %9.1f%s" % (name, workers, rps, (s1 - s0) / max(n, 1),
                                                          (c1 - c0) * 1e6 / max(n, 1),
                                                          "  %d non-2xx!" % bad if bad else ""))
        finally:
            srv.stop()
    print("load average after: %s" % load_avg())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--tenants", type=int, default=20)
    ap.add_argument("--switches", type=int, default=0, metavar="SECONDS",
                    help="also run ambitod natively under wrk for SECONDS per target and worker count")
    ap.add_argument("--workers", default="2,4,8", help="worker counts for --switches")
    ap.add_argument("--keep", metavar="DIR", help="keep each target's callgrind dump there (callgrind_annotate)")
    args = ap.parse_args()
    harness.program("ambitod")
    harness.program("ambitoctl")
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            sys.exit("%s is not installed" % tool)
    tmp = tempfile.mkdtemp(prefix="ambito-bench-cost-", dir="/tmp")
    dbdir = db = srv = None
    try:
        dbdir = start_mariadb(tmp)
        harness.admin_sql("SET GLOBAL userstat = 1")
        db = harness.Database(prefix="ambito_bench")
        db.migrate()
        harness.ctl_ok(db, "import", os.path.join(DATA, "marche-2020-2022.json"))
        harness.ctl_ok(db, "demo-load", os.path.join(DATA, "demo-marche.json"))
        harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(args.tenants), timeout=600)
        email, password = "bench@example.it", secrets.token_urlsafe(18)
        harness.ctl_ok(db, "user", "add", "--email", email, "--role", "region_admin", "--password-stdin",
                       input=password + "\n")
        outdir = os.path.join(tmp, "cg")
        os.makedirs(outdir)
        srv = Ambitod(db, os.path.join(tmp, "ambitod.log"), workers="1", start_timeout=300,
                      wrapper=["valgrind", "--tool=callgrind", "--callgrind-out-file=%s/cg.out.%%p" % outdir,
                               "--dump-instr=no", "--compress-strings=no"])
        pid = srv.proc.pid
        status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        token = json.loads(body)["access_token"]
        cookie = log_in(srv)
        print("ambitod under callgrind, 1 worker, %d requests each, %d demo tenants" % (args.requests,
                                                                                       args.tenants))
        print("%-12s %12s %6s %9s %9s %10s %11s %8s" % ("", "instr/req", "stmts", "rows read", "rows sent",
                                                      "DB bytes", "arena B/req", "answer"))
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
        # The same steps without requests (the pokes, two /metrics): subtracted below.
        callgrind(pid, srv.port, "-z")
        arena_stats(srv)
        arena_stats(srv)
        poke = dump_total(pid, srv.port, outdir)
        for name, path, kind in TARGETS:
            headers = ({"Authorization": "Bearer " + token} if kind == "api"
                       else {"Cookie": "ambito_sessione=" + cookie})

            def get(i):
                conn.request("GET", path.replace("{n}", "%04d" % (i % args.tenants + 1)), headers=headers)
                r = conn.getresponse()
                b = r.read()
                if r.status != 200:
                    raise RuntimeError("%s answered %d: %s" % (path, r.status, b[:300]))
                return len(b)
            for i in range(args.tenants + 5):  # warm the worker's caches
                get(i)
            d0 = db_stats(db.user)
            callgrind(pid, srv.port, "-z")
            a0 = arena_stats(srv)
            size = 0
            for i in range(args.requests):
                size = get(i)
            a1 = arena_stats(srv)
            keep = os.path.join(args.keep, "callgrind.out." + name) if args.keep else None
            instr = dump_total(pid, srv.port, outdir, keep) - poke
            d1 = db_stats(db.user)
            n = float(args.requests)
            arena = (a1[0] - a0[0]) / (a1[1] - a0[1]) if a1[1] > a0[1] else 0  # a0's /metrics counted too
            print("%-12s %12.0f %6.2f %9.1f %9.1f %10.0f %11.0f %8d"
                  % (name, instr / n, (d1[0] - d0[0]) / n, (d1[1] - d0[1]) / n, (d1[2] - d0[2]) / n,
                     (d1[3] - d0[3]) / n, arena, size))
        conn.close()
        srv.stop()
        srv = None
        if args.switches:
            switches(args, db, tmp, token, log_in)
    finally:
        if srv is not None:
            srv.stop()
        if db is not None:
            db.drop()
        if dbdir is not None:
            stop_mariadb(dbdir)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
