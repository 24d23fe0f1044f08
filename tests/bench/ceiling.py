#!/usr/bin/env python3
"""Benchmark, not a test: ambito's reads beside the machine's ceiling, nginx
serving the very same answer bytes from a file. Prints figures, asserts
nothing.

    ninja -C build && python3 tests/bench/ceiling.py [--tenants 600]
        [--seconds 5] [--runs 3] [--profile SECONDS] [--only NAME,...] [--workers N]

Starts its own private MariaDB and ambitod (as tests/bench/compare.py),
imports the Marche 2020-2022 cycle, loads the demo (ATS 1 …) and
`ambitoctl demo --tenants N`, logs in as a region_admin (API) and as the
coordinator of ATS 1 (browser session), and fetches each answer below once;
its bytes go into a file that Debian's nginx (started here as a plain
process on a loopback port, with a private configuration and prefix; never
the system service) serves with the same content type. Then, RUNS times,
for SECONDS each and alternating nginx / ambitod, wrk drives:

  no-database   GET /healthz (answered on the I/O thread, no database)
  identity      GET /api/v1/me (the caller's identity alone: one statement)
  page-identity GET /profilo/password (a page that reads only the session's
                identity: one statement)
  section-get   GET /api/v1/tenants/demo-NNNN/plans/2020-2022/sections/A.1.2
                (a random tenant each time; nginx serves demo-0001's bytes)
  plan-index    GET /ats/ats-1/piani/2020-2022 (the session's page)
  editor        GET /ats/ats-1/piani/2020-2022/sezioni/A.1.2
  coverage      GET /api/v1/cycles/2020-2022/compare/coverage (600 ATS)
  finance       GET …/compare/finance (by area)
  allocations   GET …/compare/allocations (allocations, income and spending
                per source; no riparto is loaded, so only the plans' side)

with 64 connections (the comparisons with 2, a couple of analysts) and prints
requests/s, median and p99 (medians of the runs), the ratio of ambitod's
requests/s to nginx's, the bytes a request took from its arena (mean and
largest, from /metrics), the CPU time a request cost ambitod, the MariaDB
server and everything else on the machine (wrk, the kernel's share of
others; from /proc, over each run) and ambitod's peak RSS (VmHWM). With --profile,
`perf record -g` samples ambitod for that many seconds of section GETs and
the top entries of its report are printed.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from compare import Ambitod, RssSampler, wrk_figures  # noqa: E402
import bench_setup  # noqa: E402
from web_pages import log_in  # noqa: E402

CYCLE = "2020-2022"
DATA = os.path.join(ROOT, "deploy", "data")
AUTH_LUA = os.path.join(HERE, "auth.lua")
WEB_LUA = os.path.join(HERE, "web.lua")
NGINX = "/usr/sbin/nginx"
TICK = os.sysconf("SC_CLK_TCK")
RSS_TARGET_MB = 100

# name, path, kind (api: bearer token; page: session cookie), connections
TARGETS = [
    # The floor under every read: ambitod's HTTP path without the database,
    # then the identity alone (the one statement SPEC §3 wants on every
    # request: roles and `active`), for a token and for a browser session.
    ("no-database", "/healthz", "api", 64),
    ("identity", "/api/v1/me", "api", 64),
    ("page-identity", "/profilo/password", "page", 64),
    ("section-get", "/api/v1/tenants/demo-{n}/plans/%s/sections/A.1.2" % CYCLE, "api", 64),
    ("plan-index", "/ats/ats-1/piani/%s" % CYCLE, "page", 64),
    ("editor", "/ats/ats-1/piani/%s/sezioni/A.1.2" % CYCLE, "page", 64),
    ("coverage", "/api/v1/cycles/%s/compare/coverage" % CYCLE, "api", 2),
    ("finance", "/api/v1/cycles/%s/compare/finance" % CYCLE, "api", 2),
    ("allocations", "/api/v1/cycles/%s/compare/allocations" % CYCLE, "api", 2),
]

NGINX_CONF = """\
worker_processes 2;
daemon off;
pid %(prefix)s/nginx.pid;
error_log %(prefix)s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %(prefix)s/tmp/body;
    proxy_temp_path %(prefix)s/tmp/proxy;
    fastcgi_temp_path %(prefix)s/tmp/fastcgi;
    uwsgi_temp_path %(prefix)s/tmp/uwsgi;
    scgi_temp_path %(prefix)s/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:%(port)d;
%(locations)s
    }
}
"""


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Nginx:
    """Debian's nginx as a plain child process: its own prefix, config,
    pid and logs in a private directory, one loopback port, each target's
    bytes at /<name> with the content type ambitod sent."""

    def __init__(self, prefix, answers):
        self.prefix = prefix
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(prefix, "www"), exist_ok=True)
        locations = []
        for name, (ctype, body) in answers.items():
            with open(os.path.join(prefix, "www", name), "wb") as f:
                f.write(body)
            locations.append("        location = /%s { default_type \"%s\"; root %s/www; }"
                             % (name, ctype, prefix))
        self.port = free_port()
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF % {"prefix": prefix, "port": self.port, "locations": "\n".join(locations)})
        # Workers of a root master run as nobody: they must reach the files.
        for dirpath, dirnames, filenames in os.walk(prefix):
            os.chmod(dirpath, 0o755)
            for fn in filenames:
                os.chmod(os.path.join(dirpath, fn), 0o644)
        self.proc = subprocess.Popen([NGINX, "-p", prefix, "-c", conf, "-e", os.path.join(prefix, "error.log")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.url = "http://127.0.0.1:%d" % self.port
        deadline = time.monotonic() + 10
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/" + next(iter(answers)))
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start; see %s/error.log" % prefix)
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wrk(url, path, conns, seconds, env):
    """One wrk run: (requests/s, median ms, p99 ms, non-2xx)."""
    kind = env.pop("_kind", "api")
    lua = WEB_LUA if kind == "page" else AUTH_LUA
    out = subprocess.run(["wrk", "-t%d" % min(2, conns), "-c%d" % conns, "-d%ds" % seconds, "--latency",
                          "--timeout", "10s", "-s", lua, url],
                         env=dict(os.environ, AMBITO_PATH=path, **env), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=True).stdout
    return wrk_figures(out)


def get(port, path, headers):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        return r.status, r.getheader("Content-Type") or "application/octet-stream", r.read()
    finally:
        c.close()


def arena_stats(srv):
    """(sum, count, max) of ambito_request_arena_bytes from /metrics."""
    _, _, body = get(srv.port, "/metrics", {})
    text = body.decode()

    def val(name):
        m = re.search(r"^%s (\S+)$" % name, text, re.M)
        return float(m.group(1)) if m else 0.0
    return (val("ambito_request_arena_bytes_sum"), val("ambito_request_arena_bytes_count"),
            val("ambito_request_arena_bytes_max"))


def cpu_ticks(pid):
    """utime + stime of a process, all its threads, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def machine_ticks():
    """Busy ticks of the whole machine (every CPU), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4]  # less idle and iowait


def load_avg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def profile(srv, token, tenants, seconds):
    if shutil.which("perf") is None:
        print("perf is not installed: no profile")
        return
    data = os.path.join(os.path.dirname(srv.log_path), "perf.data")
    rec = subprocess.Popen(["perf", "record", "-g", "-F", "999", "-o", data, "-p", str(srv.proc.pid), "--",
                            "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wrk(srv.url, TARGETS[0][1], 64, seconds,
        {"AMBITO_TOKEN": token, "AMBITO_TENANTS": str(tenants), "_kind": "api"})
    rec.wait()
    print("\nperf profile of ambitod, %d s of section GETs (self time):" % seconds)
    for sort, limit in (("dso", "1"), ("dso,sym", "1")):
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", sort,
                              "-g", "none", "--percent-limit", limit], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        for ln in rep.splitlines():
            if ln.strip() and not ln.startswith("#"):
                print("  " + ln.strip())
        print()


def bench(args, db, tmp):
    harness.ctl_ok(db, "import", os.path.join(DATA, "marche-2020-2022.json"))
    harness.ctl_ok(db, "demo-load", os.path.join(DATA, "demo-marche.json"))
    harness.ctl_ok(db, "demo", "--cycle", CYCLE, "--tenants", str(args.tenants), timeout=600)
    email, password = bench_setup.add_user(db)
    targets = [t for t in TARGETS if not args.only or t[0] in args.only.split(",")]
    with open(os.path.join(os.environ["AMBITO_TEST_DB_SOCKET"].rsplit("/", 1)[0], "mysqld.pid")) as f:
        dbpid = int(f.read())
    srv = Ambitod(db, os.path.join(tmp, "ambitod.log"), workers=str(args.workers) if args.workers else None)
    sampler = RssSampler(srv.proc.pid)
    sampler.start()
    ngx = None
    try:
        status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        token = json.loads(body)["access_token"]
        cookie = log_in(srv)
        answers = {}
        for name, path, kind, _ in TARGETS:
            headers = ({"Authorization": "Bearer " + token} if kind == "api"
                       else {"Cookie": "ambito_sessione=" + cookie})
            status, ctype, body = get(srv.port, path.replace("{n}", "0001"), headers)
            if status != 200:
                raise RuntimeError("%s answered %d: %s" % (path, status, body[:300]))
            answers[name] = (ctype, body)
        ngx = Nginx(tempfile.mkdtemp(prefix="ambito-bench-nginx-", dir="/tmp"), answers)
        print("ambitod on %s (workers %s), nginx on %s, %d CPUs, %d runs of %d s each, load average %s"
              % (srv.url, srv.listening.get("workers", "?"), ngx.url, os.cpu_count() or 0, args.runs,
                 args.seconds, load_avg()))
        res = {}
        for run in range(args.runs):
            if run > 0:  # tokens live 15 minutes
                status, body = srv.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
                token = json.loads(body)["access_token"]
            for name, path, kind, conns in targets:
                env = {"AMBITO_TOKEN": token, "AMBITO_TENANTS": str(args.tenants), "AMBITO_COOKIE": cookie}
                n = wrk(ngx.url, "/" + name, conns, args.seconds, dict(env, _kind=kind))
                before = arena_stats(srv)
                t0 = (cpu_ticks(srv.proc.pid), cpu_ticks(dbpid), machine_ticks())
                a = wrk(srv.url, path, conns, args.seconds, dict(env, _kind=kind))
                t1 = (cpu_ticks(srv.proc.pid), cpu_ticks(dbpid), machine_ticks())
                after = arena_stats(srv)
                count = after[1] - before[1]
                # CPU µs a request: ambitod, MariaDB, everything else (wrk, the kernel's share of others)
                us = [(t1[i] - t0[i]) * 1e6 / TICK / count if count else 0 for i in range(3)]
                cpu = (us[0], us[1], us[2] - us[0] - us[1])
                res.setdefault(name, []).append((n, a, (after[0] - before[0]) / count if count else 0, cpu))
        print("load average after the runs: %s" % load_avg())
        print()
        print("%-13s %-7s %9s %10s %9s %8s %12s %8s  %s" % ("", "server", "req/s", "median ms", "p99 ms",
                                                            "ratio", "arena B/req", "bytes",
                                                            "CPU µs/req: ambitod mariadbd rest"))
        for name, _, _, conns in targets:
            runs = res[name]
            size = len(answers[name][1])
            for label, idx in (("nginx", 0), ("ambitod", 1)):
                rps = statistics.median(r[idx][0] for r in runs)
                med = statistics.median(r[idx][1] for r in runs)
                p99 = statistics.median(r[idx][2] for r in runs)
                bad = sum(r[idx][3] for r in runs)
                ratio = statistics.median(r[1][0] / r[0][0] for r in runs) if idx else 1.0
                arena = "%12.0f" % statistics.median(r[2] for r in runs) if idx else "%12s" % ""
                cpu = ("  %7.0f %8.0f %4.0f" % tuple(statistics.median(r[3][i] for r in runs) for i in range(3))
                       if idx else "")
                print("%-13s %-7s %9.0f %10.2f %9.2f %7.1f%% %s %8d%s%s"
                      % (name if idx == 0 else "  (%d conns)" % conns, label, rps, med, p99, ratio * 100, arena,
                         size, cpu, "  %d non-2xx!" % bad if bad else ""))
            print("%-13s %s" % ("", "   ".join("%.0f/s %.1f/%.1f ms" % r[1][:3] for r in runs)))
        _, _, amax = arena_stats(srv)
        sampler.stop()
        print("largest arena of one request: %.0f bytes" % amax)
        print("ambitod peak RSS (VmHWM) %.1f MB (target < %d MB)" % (sampler.hwm_kb / 1024.0, RSS_TARGET_MB))
        if args.profile:
            profile(srv, token, args.tenants, args.profile)
    finally:
        if sampler.is_alive():
            sampler.stop()
        if ngx is not None:
            ngx.stop()
            shutil.rmtree(ngx.prefix, ignore_errors=True)
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tenants", type=int, default=600)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="SECONDS")
    ap.add_argument("--workers", type=int, help="AMBITO_WORKERS for ambitod (default: its own)")
    ap.add_argument("--only", default="", metavar="NAME,NAME",
                    help="only these targets: " + ",".join(t[0] for t in TARGETS))
    args = ap.parse_args()
    bench_setup.run(bench, args, programs=("ambitod", "ambitoctl"), tools=("wrk", NGINX),
                    prefix="ambito-bench-ceiling-")


if __name__ == "__main__":
    main()
