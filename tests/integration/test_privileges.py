"""Least privilege: ambitod's account may read and write rows, but only
SELECT and INSERT on the append-only tables (audit log, submissions,
reviews), and never DDL; `ambitoctl migrate` runs as the owner and grants
the account table by table, so a table a migration adds is granted too."""

import re
import unittest

import harness

APPEND_ONLY = ("audit_log", "plan_submissions", "plan_reviews", "plan_monitoring_reports",
               "plan_monitoring_report_values", "plan_monitoring_report_spending", "plan_monitoring_reviews",
               "plan_reopenings", "plan_publications")
PASSWORD = "Una-password-lunga-42"


class Privileges(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def as_app(self, query):
        return self.db.sql_as(self.db.user, self.db.password, query)

    def assert_denied(self, query):
        rc, _, err = self.as_app(query)
        self.assertNotEqual(rc, 0, query)
        # Refused by the grants, not by the triggers (whose message is
        # "append-only"): the account may not even try.
        self.assertRegex(err, r"command denied|Access denied", query)

    def test_append_only_tables_refuse_change(self):
        rc, _, err = self.as_app(
            "INSERT INTO audit_log (method, route, object, status, outcome)"
            " VALUES ('POST', '/x', 'o', 200, 'ok')")
        self.assertEqual(rc, 0, err)
        for t in APPEND_ONLY:
            with self.subTest(table=t):
                self.assert_denied("TRUNCATE TABLE %s" % t)
                self.assert_denied("UPDATE %s SET id = id" % t)
                self.assert_denied("DELETE FROM %s" % t)
                self.assert_denied("DROP TABLE %s" % t)
                rc, out, err = self.as_app("SELECT COUNT(*) FROM %s" % t)
                self.assertEqual(rc, 0, err)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM audit_log WHERE route = '/x'"), [["1"]])

    def test_no_ddl_and_schema_migrations_read_only(self):
        self.assert_denied("CREATE TABLE t_nuova (id INT)")
        self.assert_denied("ALTER TABLE plans ADD COLUMN x INT")
        self.assert_denied("DROP TABLE plans")
        self.assert_denied("TRUNCATE TABLE plans")
        self.assert_denied("DELETE FROM schema_migrations")
        self.assert_denied("UPDATE schema_migrations SET name = name")
        self.assert_denied("DROP TRIGGER audit_log_no_delete")
        rc, out, err = self.as_app("SELECT COUNT(*) > 0 FROM schema_migrations")
        self.assertEqual((rc, out.strip()), (0, "1"), err)

    def test_ordinary_tables_take_row_writes(self):
        rc, _, err = self.as_app(
            "INSERT INTO tenants (slug, code, name) VALUES ('ats-p', 'ATSP', 'P');"
            "UPDATE tenants SET name = 'Q' WHERE slug = 'ats-p';"
            "DELETE FROM tenants WHERE slug = 'ats-p'")
        self.assertEqual(rc, 0, err)

    def test_every_table_is_granted(self):
        tables = {r[0] for r in self.db.sql(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = DATABASE()")}
        self.assertIn("audit_log", tables)
        rc, out, err = self.as_app("SHOW GRANTS")
        self.assertEqual(rc, 0, err)
        granted = {}
        for line in out.splitlines():
            m = re.match(r"GRANT (.*) ON `[^`]+`\.`([^`]+)` TO", line)
            if m:
                granted[m.group(2)] = {p.strip() for p in m.group(1).split(",")}
        self.assertEqual(set(granted), tables)
        for t, rights in granted.items():
            if t in APPEND_ONLY:
                self.assertEqual(rights, {"SELECT", "INSERT"}, t)
            elif t == "schema_migrations":
                self.assertEqual(rights, {"SELECT"}, t)
            else:
                self.assertEqual(rights, {"SELECT", "INSERT", "UPDATE", "DELETE"}, t)
        # On the database as a whole: reading only.
        self.assertTrue(any(re.match(r"GRANT SELECT ON `%s`\.\* TO" % self.db.name, ln)
                            for ln in out.splitlines()), out)
        self.assertFalse(any("ALL PRIVILEGES" in ln for ln in out.splitlines()), out)

    def test_migrate_grants_new_tables_and_takes_back_too_much(self):
        with harness.Database() as db:
            db.migrate()
            # What a later migration would do: a new table. And an account
            # someone once granted everything.
            db.sql("CREATE TABLE extra_rows (id INT PRIMARY KEY)")
            db.sql("GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'localhost'"
                   % (db.name, db.user))
            rc, _, err = db.sql_as(db.user, db.password,
                                   "INSERT INTO extra_rows VALUES (1)")
            self.assertEqual(rc, 0, err)  # ALL, for now
            p = db.migrate()
            self.assertIn("solo i diritti sulle righe", p.stdout)
            rc, _, err = db.sql_as(db.user, db.password,
                                   "INSERT INTO extra_rows VALUES (2);"
                                   "UPDATE extra_rows SET id = 3 WHERE id = 2;"
                                   "DELETE FROM extra_rows WHERE id = 3")
            self.assertEqual(rc, 0, err)
            for q in ("TRUNCATE TABLE audit_log", "DELETE FROM audit_log",
                      "DROP TABLE extra_rows"):
                rc, _, err = db.sql_as(db.user, db.password, q)
                self.assertNotEqual(rc, 0, q)
                self.assertRegex(err, r"command denied", q)

    def test_migrate_needs_the_owner(self):
        # The application's account alone cannot change the schema.
        with harness.Database() as db:
            p = harness.ctl(db, "migrate", env_extra={
                "AMBITO_DB_ADMIN_USER": None, "AMBITO_DB_ADMIN_PASSWORD": None})
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("denied", p.stderr)

    def test_ambitod_serves_on_the_restricted_account(self):
        p = harness.ctl_ok(self.db, "user", "add", "--email",
                           "admin@regione.example", "--role", "region_admin",
                           "--password-stdin", input=PASSWORD + "\n")
        self.assertIn("creato l'utente", p.stdout)
        with harness.Server(self.db) as srv:
            r = srv.request("POST", "/api/v1/auth/login",
                            {"email": "admin@regione.example",
                             "password": PASSWORD})
            self.assertEqual(r.status, 200, r.text)
            tok = r.json()["access_token"]
            r = srv.request("POST", "/api/v1/tenants",
                            {"slug": "ats-9", "code": "ATS 9",
                             "name": "Ambito Territoriale Sociale 9",
                             "capofila": "Fermo", "ente_gestore": "Comune di Fermo",
                             "province": "FM",
                             "comuni": [{"istat_code": "109006", "name": "Fermo",
                                         "population": 37000}]}, token=tok)
            self.assertEqual(r.status, 201, r.text)
            r = srv.request("GET", "/readyz")
            self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.db.sql(
            "SELECT COUNT(*) FROM audit_log WHERE method = 'POST'"
            " AND status = 201"), [["1"]])
        rows = harness.admin_sql(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '%s'"
            % self.db.owner)
        self.assertEqual(rows, [["0"]])


if __name__ == "__main__":
    harness.main()
