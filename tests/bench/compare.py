#!/usr/bin/env python3
"""Benchmark, not a test: the cross-ATS comparisons at national scale.
Prints figures against their targets, asserts nothing.

    ninja -C build && python3 tests/bench/compare.py [--tenants 600]
        [--seconds 10] [--runs 3] [--conns 2] [--workers W]

Starts its own private MariaDB (deploy/mariadb-local in a temporary
directory), makes a database with tests/integration/harness.py, migrates it,
imports the shipped Marche 2020-2022 cycle (open), times
`ambitoctl demo --cycle 2020-2022 --tenants N`, creates a region_admin with
`ambitoctl user add`, starts build/cmd/ambitod on 127.0.0.1 and logs in. Then
wrk (tests/bench/auth.lua adds the bearer token) drives, for SECONDS each:

  coverage       GET …/compare/coverage (by action, latest submissions)
  finance        GET …/compare/finance (by area)
  sections-csv   GET …/compare/sections/B.1?format=csv (~30 000 characters
                 a tenant: the largest answer, streamed)
  indicators     GET …/compare/indicators?action=OS1-A6
                 (the four above with CONNS connections: a few analysts)
  section-get    GET /api/v1/tenants/demo-NNNN/plans/2020-2022/sections/A.1.2,
                 a random tenant each time, 64 connections

and prints requests/s, median and p99 latency of each (the median of RUNS
runs: the machine may be shared), and ambitod's peak RSS (VmHWM, sampled
from /proc throughout). Everything is stopped and removed at the end.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
import bench_setup  # noqa: E402

CYCLE = "2020-2022"
MARCHE = os.path.join(ROOT, "deploy", "data", "marche-2020-2022.json")
LUA = os.path.join(HERE, "auth.lua")
COMPARE = "/api/v1/cycles/%s/compare" % CYCLE
SECTION_GET_CONNS = 64

# name, path, connections (None: --conns), target kind, target value
TARGETS = [
    ("coverage", COMPARE + "/coverage", None, "median_ms", 100),
    ("finance", COMPARE + "/finance", None, None, None),
    ("sections-csv", COMPARE + "/sections/B.1?format=csv", None, "median_ms", 500),
    ("indicators", COMPARE + "/indicators?action=OS1-A6", None, None, None),
    ("section-get", "/api/v1/tenants/demo-{n}/plans/%s/sections/A.1.2" % CYCLE, SECTION_GET_CONNS,
     "rps_p99", (5000, 20)),
]
RSS_TARGET_MB = 100


def wrk_ms(text):
    """'1.23ms' / '456.00us' / '1.02s' -> milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk_figures(out):
    """wrk --latency's report: (requests/s, median ms, p99 ms, answers not 2xx/3xx)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, median, p99, int(bad.group(1)) if bad else 0


def run_wrk(url, path, token, tenants, conns, seconds):
    """One wrk run; returns (requests/s, median ms, p99 ms, non-2xx, errors)."""
    env = dict(os.environ, AMBITO_TOKEN=token, AMBITO_PATH=path, AMBITO_TENANTS=str(tenants))
    threads = min(2, conns)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency",
                          "--timeout", "10s", "-s", LUA, url],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout
    errors = re.search(r"Socket errors:.*", out)
    return wrk_figures(out) + (errors.group(0) if errors else "",)


class Ambitod:
    """build/cmd/ambitod on a free loopback port, its log going straight to
    a file, as a real deployment's would (a pipe read by Python, as in the
    tests, would take CPU from the server at thousands of lines a second)."""

    def __init__(self, db, log_path, workers=None, wrapper=(), start_timeout=None):
        extra = {"AMBITO_LISTEN": "127.0.0.1:0"}
        if workers:
            extra["AMBITO_WORKERS"] = workers
        env = harness.child_env(db, extra=extra)
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(list(wrapper) + [harness.program("ambitod")], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.listening = None
        deadline = time.monotonic() + (start_timeout or harness.SERVER_START_TIMEOUT_S)
        while self.listening is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("ambitod did not start; see %s" % log_path)
            time.sleep(0.05)
            with open(log_path) as f:
                for ln in f:
                    if '"listening"' in ln:
                        self.listening = json.loads(ln)
        self.port = int(self.listening["port"])
        self.url = "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class RssSampler(threading.Thread):
    """Samples VmRSS and reads VmHWM (the kernel's peak) of a process."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop_flag = threading.Event()
        self.peak_rss_kb = 0
        self.hwm_kb = 0

    def read(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for ln in f:
                    if ln.startswith("VmRSS:"):
                        self.peak_rss_kb = max(self.peak_rss_kb, int(ln.split()[1]))
                    elif ln.startswith("VmHWM:"):
                        self.hwm_kb = max(self.hwm_kb, int(ln.split()[1]))
        except OSError:
            pass

    def run(self):
        while not self.stop_flag.wait(0.2):
            self.read()

    def stop(self):
        self.read()
        self.stop_flag.set()
        self.join()


def verdict(ok):
    return "met" if ok else "MISSED"


def bench(args, db, tmp):
    harness.ctl_ok(db, "import", MARCHE)
    status = db.sql("SELECT status FROM cycles WHERE slug = '%s'" % CYCLE)[0][0]
    t0 = time.perf_counter()
    p = harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(args.tenants), timeout=600)
    load_s = time.perf_counter() - t0
    print("cycle %s (%s); %s" % (CYCLE, status, p.stdout.strip().splitlines()[0]))
    print("ambitoctl demo --tenants %d: %.1f s wall clock (target: well under 60 s)" % (args.tenants, load_s))
    counts = db.sql("SELECT (SELECT COUNT(*) FROM plans WHERE revision > 0),"
                    " (SELECT COUNT(*) FROM plan_sections), (SELECT ROUND(SUM(LENGTH(content)) / 1048576)"
                    " FROM plan_sections), (SELECT AVG(CHAR_LENGTH(content)) FROM plan_sections"
                    " WHERE section_key = 'B.1' AND revision = 0)")[0]
    print("data: %s plans with a submission, %s section rows (%s MiB of content), B.1 about %d characters"
          % (counts[0], counts[1], counts[2], float(counts[3])))

    email, password = bench_setup.add_user(db)
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"), args.workers)
    sampler = RssSampler(srv.proc.pid)
    sampler.start()
    try:
        print("ambitod on %s (workers %s), %d CPUs, wrk %ds per run, %d runs, comparisons with %d connections"
              % (srv.url, srv.listening.get("workers", "?"), os.cpu_count() or 0, args.seconds, args.runs,
                 args.conns))
        results = {}
        for run in range(args.runs):
            # A fresh token each run: they live 15 minutes.
            status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
            token = json.loads(body)["access_token"]
            for name, path, conns, _, _ in TARGETS:
                status, body = srv.request("GET", path.replace("{n}", "0001"), token=token)
                if status != 200:
                    raise RuntimeError("%s answered %d: %s" % (path, status, body[:300]))
                results.setdefault(name, []).append(
                    run_wrk(srv.url, path, token, args.tenants, conns or args.conns, args.seconds))
        print()
        print("%-13s %10s %11s %11s   %s" % ("", "req/s", "median ms", "p99 ms", "target"))
        for name, path, conns, kind, target in TARGETS:
            runs = results[name]
            rps = statistics.median(r[0] for r in runs)
            med = statistics.median(r[1] for r in runs)
            p99 = statistics.median(r[2] for r in runs)
            bad = sum(r[3] for r in runs)
            if kind == "median_ms":
                goal = "median < %d ms: %s" % (target, verdict(med < target))
            elif kind == "rps_p99":
                goal = ">= %d req/s with p99 < %d ms: %s" % (target[0], target[1],
                                                              verdict(rps >= target[0] and p99 < target[1]))
            else:
                goal = "-"
            print("%-13s %10.0f %11.2f %11.2f   %s%s" % (name, rps, med, p99, goal,
                                                          "  (%d non-2xx!)" % bad if bad else ""))
            if len(runs) > 1:
                print("%-13s %s" % ("", "   ".join("%.0f/s %.1f/%.1f ms" % r[:3] for r in runs)))
            for r in runs:
                if r[4]:
                    print("    %s: %s" % (name, r[4]))
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
    ap.add_argument("--conns", type=int, default=2, help="connections for the comparisons")
    ap.add_argument("--workers", type=int, help="AMBITO_WORKERS for ambitod (default: its own)")
    args = ap.parse_args()

    bench_setup.run(bench, args, programs=("ambitod", "ambitoctl"), tools=("wrk",))


if __name__ == "__main__":
    main()
