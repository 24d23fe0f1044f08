"""Schema migrations: ambitoctl migrate applies the files of migrations/ once
each and records their SHA-256; a changed applied file or a database newer
than the build is refused by both ambitoctl and ambitod; the audit log is
append-only in the database itself."""

import hashlib
import json
import os
import re
import subprocess
import threading
import unittest

import harness

MIGRATIONS_DIR = os.path.join(harness.source_dir(), "migrations")


def migration_files():
    """[(version, file name, sha256 hex)] from the source tree, computed here
    independently of the build."""
    out = []
    for f in sorted(os.listdir(MIGRATIONS_DIR)):
        m = re.match(r"^(\d{4})_[a-z0-9_]+\.sql$", f)
        if m:
            with open(os.path.join(MIGRATIONS_DIR, f), "rb") as fh:
                out.append((int(m.group(1)), f,
                            hashlib.sha256(fh.read()).hexdigest()))
    return out


def applied_count(tc, p):
    m = re.search(r"\b(\d+) migrazion[ei] applicat[ae]", p.stdout)
    tc.assertIsNotNone(m, "ambitoctl migrate does not say how many: %r"
                       % p.stdout)
    return int(m.group(1))


def ambitod_refuses(tc, db, timeout=20):
    """ambitod against db must exit non-zero before listening; returns the
    text of its log's error lines."""
    returncode, text = harness.run_refused_ambitod(tc, db, timeout)
    tc.assertNotEqual(returncode, 0, text)
    msgs = []
    for ln in text.splitlines():
        obj = json.loads(ln)  # every line is a JSON log line
        tc.assertNotEqual(obj.get("msg"), "listening", text)
        if obj.get("level") == "error":
            msgs.append(obj["msg"])
    tc.assertTrue(msgs, "no error logged: %r" % text)
    return "\n".join(msgs)


class MigrateTests(unittest.TestCase):
    def setUp(self):
        self.db = harness.Database()
        self.addCleanup(self.db.drop)
        self.files = migration_files()
        self.assertTrue(self.files, "no migrations/*.sql found")

    def migrate(self):
        return harness.ctl(self.db, "migrate")

    def test_applies_once_and_records_checksums(self):
        p = harness.ctl_ok(self.db, "migrate")
        self.assertEqual(applied_count(self, p), len(self.files))
        p = harness.ctl_ok(self.db, "migrate")
        self.assertEqual(applied_count(self, p), 0)
        rows = self.db.sql("SELECT version, name, sha256 FROM "
                           "schema_migrations ORDER BY version")
        self.assertEqual([(int(v), n, h) for v, n, h in rows], self.files)
        for _, _, h in rows:
            self.assertRegex(h, r"^[0-9a-f]{64}$")
        # The database is usable by ambitod now.
        with harness.Server(self.db) as srv:
            self.assertEqual(srv.request("GET", "/readyz").status, 200)

    def test_concurrent_migrations_apply_each_file_once(self):
        results = []

        def run():
            results.append(harness.ctl(self.db, "migrate"))

        ts = [threading.Thread(target=run) for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        self.assertEqual([p.returncode for p in results], [0, 0, 0],
                         [p.stderr for p in results])
        self.assertEqual(sum(applied_count(self, p) for p in results),
                         len(self.files))
        rows = self.db.sql("SELECT version FROM schema_migrations")
        self.assertEqual(len(rows), len(self.files))

    def test_changed_applied_file_is_refused(self):
        harness.ctl_ok(self.db, "migrate")
        version, name, _ = self.files[0]
        self.db.sql("UPDATE schema_migrations SET sha256 = REPEAT('0', 64) "
                    "WHERE version = %d" % version)
        p = self.migrate()
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn(name, p.stderr)
        self.assertIn("modificata", p.stderr)
        # Nothing was re-applied or rewritten.
        self.assertEqual(self.db.sql("SELECT sha256 FROM schema_migrations "
                                     "WHERE version = %d" % version),
                         [["0" * 64]])
        msg = ambitod_refuses(self, self.db)
        self.assertIn(name, msg)
        # Other commands refuse as well.
        p = harness.ctl(self.db, "user", "add", "--email", "a@x.it",
                        "--role", "region_admin", "--password-stdin",
                        input="a long enough password 1\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(name, p.stderr)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users"), [["0"]])

    def test_unknown_version_is_refused(self):
        harness.ctl_ok(self.db, "migrate")
        self.db.sql("INSERT INTO schema_migrations (version, name, sha256) "
                    "VALUES (9999, '9999_future.sql', REPEAT('a', 64))")
        p = self.migrate()
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn("9999", p.stderr)
        self.assertIn("aggiornare", p.stderr.lower())
        msg = ambitod_refuses(self, self.db)
        self.assertIn("9999", msg)
        self.assertIn("aggiornare", msg.lower())

    def test_audit_log_is_append_only(self):
        harness.ctl_ok(self.db, "migrate")
        self.db.sql("INSERT INTO audit_log (method, route, object, status, "
                    "outcome) VALUES ('POST', '/x', 'o', 200, 'ok')")
        for stmt in ("UPDATE audit_log SET status = 500",
                     "UPDATE audit_log SET outcome = 'error' WHERE id > 0",
                     "DELETE FROM audit_log",
                     "DELETE FROM audit_log WHERE route = '/x'"):
            with self.subTest(stmt=stmt):
                with self.assertRaises(RuntimeError) as cm:
                    self.db.sql(stmt)
                self.assertIn("append-only", str(cm.exception))
        self.assertEqual(self.db.sql("SELECT method, route, object, status, "
                                     "outcome FROM audit_log"),
                         [["POST", "/x", "o", "200", "ok"]])
        # Nor can the database's owner (ambitod's own account may not even
        # try: test_privileges.py).
        env = dict(os.environ)
        env["MYSQL_PWD"] = self.db.owner_password
        p = subprocess.run([harness._mariadb_cli(), "--no-defaults",
                            "--socket=" + self.db.socket, "-u", self.db.owner,
                            self.db.name, "-e", "DELETE FROM audit_log"],
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("append-only", p.stderr)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM audit_log"),
                         [["1"]])


if __name__ == "__main__":
    harness.main()
