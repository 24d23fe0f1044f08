#!/usr/bin/env python3
"""Benchmark, not a test: what a full page of the tenants and users lists
costs, in statements and in time. Prints figures, asserts nothing.

    ninja -C build && python3 tests/bench/lists.py [--rows 500] [--comuni 17]
        [--runs 30] [--save DIR]

Starts its own private MariaDB (as login_healthz.py does), makes a database
with tests/integration/harness.py, fills it in SQL with ROWS tenants of
COMUNI Comuni each and ROWS ATS users with two memberships each, starts
build/cmd/ambitod (AMBITO_BUILD_DIR picks another build, to compare two
versions) and, as a region_admin, reads GET /api/v1/tenants?limit=500 and
GET /api/v1/users?limit=500: once counting the SELECTs MariaDB ran for
ambitod's database user (USER_STATISTICS, the caller's identity included),
then RUNS times each for the latency. Everything is removed at the end.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import harness  # noqa: E402
from bench_setup import start_mariadb, stop_mariadb  # noqa: E402
from login_healthz import percentile  # noqa: E402

PASSWORD = "Bench-Liste-2021!"


def fill(db, rows, comuni):
    db.sql("INSERT INTO tenants (slug, code, name, capofila, province)"
           " SELECT CONCAT('b-', LPAD(seq, 4, '0')), CONCAT('B ', seq), CONCAT('Ambito ', seq),"
           " CONCAT('Comune capofila ', seq), 'AN' FROM seq_1_to_%d;" % rows)
    db.sql("INSERT INTO comuni (tenant_id, istat_code, name, population, position)"
           " SELECT t.id, LPAD(900000 + s.seq * %d + k.seq, 6, '0'), CONCAT('Comune ', s.seq, '-', k.seq),"
           " 1000 + k.seq, k.seq FROM seq_1_to_%d s JOIN seq_0_to_%d k"
           " JOIN tenants t ON t.slug = CONCAT('b-', LPAD(s.seq, 4, '0'));" % (comuni, rows, comuni - 1))
    db.sql("INSERT INTO users (email, name, password_hash)"
           " SELECT CONCAT('b-', seq, '@bench.invalid'), CONCAT('Utente ', seq), '!' FROM seq_1_to_%d;"
           " INSERT INTO memberships (tenant_id, user_id, role)"
           " SELECT t.id, u.id, 'ats_editor' FROM seq_1_to_%d s JOIN seq_0_to_1 k"
           " JOIN users u ON u.email = CONCAT('b-', s.seq, '@bench.invalid')"
           " JOIN tenants t ON t.slug = CONCAT('b-', LPAD((s.seq + k.seq - 1) %% %d + 1, 4, '0'));"
           % (rows, rows, rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--comuni", type=int, default=17)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--save", metavar="DIR", help="write each answer's body there, to compare two builds")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ambito-bench-lists.")
    mdb = start_mariadb(tmp)
    db = srv = None
    try:
        harness.admin_sql("SET GLOBAL userstat = 1")
        db = harness.Database(prefix="ambito_bench")
        db.migrate()
        harness.ctl_ok(db, "user", "add", "--email", "admin@bench.invalid", "--role", "region_admin",
                       "--password-stdin", input=PASSWORD + "\n")
        fill(db, args.rows, args.comuni)
        srv = harness.Server(db)
        r = srv.request("POST", "/api/v1/auth/login", {"email": "admin@bench.invalid", "password": PASSWORD})
        token = r.json()["access_token"]

        def selects():
            rows = harness.admin_sql("SELECT SELECT_COMMANDS FROM information_schema.USER_STATISTICS"
                                     " WHERE USER = '%s'" % db.user)
            return int(rows[0][0]) if rows else 0

        print("%d tenants of %d Comuni, %d users of 2 memberships; build %s"
              % (args.rows, args.comuni, args.rows, harness.build_dir()))
        for path in ("/api/v1/tenants?limit=500", "/api/v1/users?limit=500"):
            before = selects()
            r = srv.request("GET", path, token=token)
            count = selects() - before
            items = len(r.json()["items"])
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                with open(os.path.join(args.save, path.split("/")[3].split("?")[0] + ".json"), "wb") as f:
                    f.write(r.body)
            ms = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = srv.request("GET", path, token=token)
                ms.append((time.perf_counter() - t0) * 1000)
                assert r.status == 200, r
            print("%-28s %3d items %7d bytes  %4d SELECTs  median %7.2f ms  p95 %7.2f ms"
                  % (path, items, len(r.body), count, statistics.median(ms), percentile(ms, 95)))
    finally:
        if srv:
            srv.stop()
        if db:
            db.drop()
        stop_mariadb(mdb)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
