#!/usr/bin/env python3
"""Benchmark, not a test: what clients sending too much cost the server.
Prints figures, asserts nothing.

    ninja -C build && python3 tests/bench/abuse.py [--seconds 5]
        [--clients 8] [--body-mib 8] [--logins 20] [--nofile 64] [--parts 123]

Starts its own private MariaDB (deploy/mariadb-local in a temporary
directory) and its own build/cmd/ambitod, like login_healthz.py, and removes
them at the end.

1. memory: CLIENTS clients at once send an unauthenticated
   POST /api/v1/auth/login with a BODY_MIB body of "[0,0,0,…]", then the
   same body to an authenticated route that takes large bodies
   (POST /api/v1/users): ambitod's peak RSS (VmHWM) and the answers.
2. hashing: LOGINS threads log in continuously; meanwhile an authenticated
   GET /api/v1/me on fresh connections, paced over SECONDS: its median and
   p95, and how the logins were answered.
3. descriptors: ambitod under `ulimit -n NOFILE`, first with
   max_connections set far above it (so accept() meets EMFILE), then with
   the default cap (sized from the limit); 4*NOFILE idle connections are
   opened and held for 3 s: the CPU seconds ambitod used in those 3 s, the
   log lines it wrote, whether they are all JSON, and how long /healthz
   takes to answer again once the connections close.
"""

import argparse
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_setup  # noqa: E402
import login_healthz as lh  # noqa: E402  (percentile)
from login_healthz import harness  # noqa: E402

LOGIN = "/api/v1/auth/login"
TICK = os.sysconf("SC_CLK_TCK")


def vm_hwm_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def send_body(host, port, path, body, token=None):
    """Sends the whole request (blocking, like a plain client), then reads
    the answer; returns its status, or the error."""
    head = ["POST %s HTTP/1.1" % path, "Host: bench",
            "Content-Type: application/json", "Connection: close",
            "Content-Length: %d" % len(body)]
    if token:
        head.append("Authorization: Bearer " + token)
    try:
        with socket.create_connection((host, port), timeout=60) as s:
            s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            data = b""
            while True:
                c = s.recv(65536)
                if not c:
                    break
                data += c
        return int(data.split(b" ", 2)[1]) if data else "no answer"
    except OSError as e:
        return type(e).__name__


def memory(srv, token, clients, body_mib):
    n = body_mib * 1024 * 1024 // 2 - 1  # 2n+1 bytes: just within max_body
    body = b"[" + b"0," * (n - 1) + b"0]"
    pid = srv.proc.pid
    print("1. memory: %d clients at once, %d MiB of \"[0,0,0,…]\" each"
          % (clients, body_mib))
    print("   ambitod VmHWM before: %.0f MB" % vm_hwm_mb(pid))
    for label, path, tok in (("login, unauthenticated", LOGIN, None),
                             ("POST /api/v1/users, region_admin",
                              "/api/v1/users", token)):
        results = []
        lock = threading.Lock()

        def one():
            st = send_body(srv.host, srv.port, path, body, tok)
            with lock:
                results.append(st)

        t0 = time.perf_counter()
        ts = [threading.Thread(target=one) for _ in range(clients)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        counts = {}
        for st in results:
            counts[st] = counts.get(st, 0) + 1
        print("   %-34s answers %s in %.1f s; VmHWM now %.0f MB"
              % (label, dict(sorted(counts.items(), key=str)),
                 time.perf_counter() - t0, vm_hwm_mb(pid)))


def hashing(srv, email, password, token, seconds, logins):
    print("2. hashing: GET /api/v1/me while %d clients log in" % logins)

    def me():
        t0 = time.perf_counter()
        r = srv.request("GET", "/api/v1/me", token=token)
        return time.perf_counter() - t0, r.status

    idle = [me()[0] for _ in range(50)]
    stop = threading.Event()
    lock = threading.Lock()
    counts = {}

    def worker():
        while not stop.is_set():
            try:
                st = srv.request("POST", LOGIN, {"email": email,
                                                 "password": password}).status
            except OSError:
                st = "error"
            with lock:
                counts[st] = counts.get(st, 0) + 1

    pool = [threading.Thread(target=worker, daemon=True)
            for _ in range(logins)]
    t_start = time.perf_counter()
    for t in pool:
        t.start()
    time.sleep(0.5)
    loaded, statuses = [], []
    probes = int(seconds * 20)
    t_probes = time.perf_counter()
    for _ in range(probes):
        if loaded and time.perf_counter() - t_probes > seconds:
            break  # a slow server gets fewer probes, not a longer run
        t0 = time.perf_counter()
        dt, st = me()
        loaded.append(dt)
        statuses.append(st)
        rest = 0.05 - (time.perf_counter() - t0)
        if rest > 0:
            time.sleep(rest)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t_start

    def fmt(xs):
        ms = [x * 1000 for x in xs]
        return "median %7.2f ms   p95 %7.2f ms   max %7.2f ms" % (
            statistics.median(ms), lh.percentile(ms, 95), max(ms))

    print("   GET /api/v1/me idle          n=%-4d %s" % (len(idle), fmt(idle)))
    print("   GET /api/v1/me under logins  n=%-4d %s%s"
          % (len(loaded), fmt(loaded),
             "" if set(statuses) == {200} else "   statuses %s" % sorted(set(statuses))))
    print("   logins in %.1f s: %s (%.1f answered 200 a second)"
          % (elapsed, dict(sorted(counts.items(), key=str)),
             counts.get(200, 0) / elapsed))


def descriptors(db, nofile, capped):
    env = {"AMBITO_WORKERS": 4}
    if not capped:
        env["AMBITO_MAX_CONNECTIONS"] = 100000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))
    try:
        srv = harness.Server(db, env=env)  # inherits the low limit
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        listening = next(o for o in srv.log_lines() if o.get("msg") == "listening")
        print("3. descriptors: ulimit -n %d, max_connections %s (%s)"
              % (nofile, listening.get("max_connections"),
                 "the default" if capped else "set far above the limit"))
        pid = srv.proc.pid
        lines0 = len(srv.log_text().splitlines())
        cpu0 = cpu_seconds(pid)
        held = []
        for _ in range(4 * nofile):
            try:
                held.append(socket.create_connection((srv.host, srv.port),
                                                     timeout=2))
            except OSError:
                break
        time.sleep(3)
        cpu = cpu_seconds(pid) - cpu0
        lines = srv.log_text().splitlines()[lines0:]
        non_json = len(srv.other_log_lines())
        still_open = 0
        for s in held:
            s.setblocking(False)
            try:
                still_open += s.recv(1) != b""
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        for s in held:
            s.close()
        t0 = time.perf_counter()
        while True:
            try:
                if srv.request("GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - t0 > 10:
                break
            time.sleep(0.01)
        back = time.perf_counter() - t0
        msgs = {}
        for ln in lines:
            try:
                m = json.loads(ln).get("msg", "?")
            except ValueError:
                m = "(not JSON)"
            if m != "request":
                msgs[m] = msgs.get(m, 0) + 1
        print("   %d connections opened, %d still open after 3 s; ambitod used"
              " %.2f CPU s in those 3 s and wrote %d log lines (%d not JSON)"
              % (len(held), still_open, cpu, len(lines), non_json))
        for m, k in sorted(msgs.items()):
            print("     %4d x %s" % (k, m[:90]))
        print("   /healthz answered again %.0f ms after the connections closed"
              % (back * 1000))
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--body-mib", type=int, default=8)
    ap.add_argument("--logins", type=int, default=20)
    ap.add_argument("--nofile", type=int, default=64)
    ap.add_argument("--parts", default="123", help="which of 1, 2, 3 to run")
    args = ap.parse_args()

    bench_setup.run(with_server, args, programs=("ambitod", "ambitoctl"))


def with_server(args, db, tmp):
    email, password = bench_setup.add_user(db)
    srv = harness.Server(db, listen="127.0.0.1:0")
    try:
        listening = next((o for o in srv.log_lines() if o.get("msg") == "listening"), {})
        print("ambitod on %s (workers %s, max_connections %s, max_request_memory"
              " %s), %d CPUs" % (srv.url, listening.get("workers"),
                                 listening.get("max_connections"),
                                 listening.get("max_request_memory"),
                                 os.cpu_count() or 0))
        r = srv.request("POST", LOGIN, {"email": email, "password": password})
        token = r.json()["access_token"]
        if "1" in args.parts:
            memory(srv, token, args.clients, args.body_mib)
        if "2" in args.parts:
            hashing(srv, email, password, token, args.seconds, args.logins)
        srv.stop()
        srv = None
        if "3" in args.parts:
            descriptors(db, args.nofile, capped=False)
            descriptors(db, args.nofile, capped=True)
    finally:
        if srv is not None:
            srv.stop()


if __name__ == "__main__":
    main()
