#!/usr/bin/env python3
"""Benchmark, not a test: how /healthz latency holds up while logins (scrypt,
32 MiB and tens of milliseconds each) keep the server busy. Prints figures,
asserts nothing.

    ninja -C build && python3 tests/bench/login_healthz.py [--seconds 5]
        [--threads 20] [--probes 200]

Starts its own private MariaDB (deploy/mariadb-local in a temporary
directory), makes a database with tests/integration/harness.py, migrates it,
creates a user with ambitoctl, and starts build/cmd/ambitod on
127.0.0.1 with a free port. Everything is stopped and removed at the end.

1. idle: PROBES sequential GET /healthz, each on a fresh connection.
2. loaded: THREADS threads log in (POST /api/v1/auth/login, right password)
   in a loop for SECONDS; meanwhile the same number of /healthz probes, paced
   over that time, each on a fresh connection.
"""

import argparse
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
from bench_setup import start_mariadb, stop_mariadb  # noqa: E402,F401  (others import them from here)
import bench_setup  # noqa: E402

def probe(srv):
    """Seconds for one GET /healthz on a fresh connection, and its status."""
    t0 = time.perf_counter()
    r = srv.request("GET", "/healthz")
    return time.perf_counter() - t0, r.status


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def describe(name, samples, statuses):
    ms = [x * 1000 for x in samples]
    bad = sum(1 for s in statuses if s != 200)
    return ("%-22s n=%-4d median %7.2f ms   p95 %7.2f ms   max %7.2f ms%s"
            % (name, len(ms), statistics.median(ms), percentile(ms, 95), max(ms),
               ("   (%d not 200)" % bad) if bad else ""))


def bench(srv, email, password, seconds, threads, probes):
    # Warm up: a couple of probes and one login.
    for _ in range(5):
        probe(srv)
    srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})

    idle, idle_st = [], []
    for _ in range(probes):
        dt, st = probe(srv)
        idle.append(dt)
        idle_st.append(st)

    stop = threading.Event()
    lock = threading.Lock()
    counts = {"ok": 0, "other": 0, "errors": 0}
    login_times = []

    def worker():
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = srv.request("POST", "/api/v1/auth/login",
                                {"email": email, "password": password})
                key = "ok" if r.status == 200 else "other"
            except OSError:
                key = "errors"
            dt = time.perf_counter() - t0
            with lock:
                counts[key] += 1
                if key == "ok":
                    login_times.append(dt)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    t_start = time.perf_counter()
    for t in pool:
        t.start()
    time.sleep(min(0.5, seconds / 10))  # let the load build up
    loaded, loaded_st = [], []
    interval = max(0.0, (seconds - 0.5) / probes)
    for _ in range(probes):
        t0 = time.perf_counter()
        dt, st = probe(srv)
        loaded.append(dt)
        loaded_st.append(st)
        rest = interval - (time.perf_counter() - t0)
        if rest > 0:
            time.sleep(rest)
    left = seconds - (time.perf_counter() - t_start)
    if left > 0:
        time.sleep(left)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t_start

    print(describe("/healthz idle", idle, idle_st))
    print(describe("/healthz under logins", loaded, loaded_st))
    lt = [x * 1000 for x in login_times]
    print("logins: %d threads for %.1f s: %d ok (%.1f logins/s), %d other status,"
          " %d connection errors" % (threads, elapsed, counts["ok"],
                                     counts["ok"] / elapsed, counts["other"],
                                     counts["errors"]))
    if lt:
        print("login latency          n=%-4d median %7.2f ms   p95 %7.2f ms   max %7.2f ms"
              % (len(lt), statistics.median(lt), percentile(lt, 95), max(lt)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=20)
    ap.add_argument("--probes", type=int, default=200)
    args = ap.parse_args()

    bench_setup.run(with_server, args, programs=("ambitod", "ambitoctl"))


def with_server(args, db, tmp):
    email, password = bench_setup.add_user(db)
    srv = harness.Server(db, listen="127.0.0.1:0")
    try:
        listening = next((o for o in srv.log_lines() if o.get("msg") == "listening"), {})
        print("ambitod %s on %s (workers %s), %d CPUs"
              % (harness.program("ambitod"), srv.url, listening.get("workers", "?"),
                 os.cpu_count() or 0))
        bench(srv, email, password, args.seconds, args.threads, args.probes)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
