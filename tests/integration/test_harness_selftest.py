"""Proves the test plumbing without ambitod: a throw-away database is made,
answers SQL as UTF-8 with NULLs, and is dropped with its user."""

import unittest

import harness


class HarnessSelfTest(unittest.TestCase):
    def test_database_roundtrip(self):
        db = harness.Database()
        try:
            self.assertTrue(db.exists())
            self.assertEqual(db.sql("SELECT 'àèì', NULL"), [["àèì", None]])
            self.assertEqual(db.sql("SELECT 'a\\tb', 'c\\nd', 'e\\\\f', ''"),
                             [["a\tb", "c\nd", "e\\f", ""]])
            self.assertEqual(db.sql("SELECT DATABASE(), CURRENT_USER()"),
                             [[db.name, harness._admin()[1] + "@localhost"]])
            env = db.env()
            self.assertEqual(env["AMBITO_DB_NAME"], db.name)
            self.assertEqual(set(env), {"AMBITO_DB_SOCKET", "AMBITO_DB_USER",
                                        "AMBITO_DB_PASSWORD",
                                        "AMBITO_DB_NAME",
                                        "AMBITO_DB_ADMIN_USER",
                                        "AMBITO_DB_ADMIN_PASSWORD"})
            self.assertNotEqual(env["AMBITO_DB_USER"],
                                env["AMBITO_DB_ADMIN_USER"])
            # The database's own user reaches its database and no other.
            grants = harness.admin_sql("SHOW GRANTS FOR '%s'@'localhost'"
                                       % db.user)
            self.assertTrue(any("`%s`.*" % db.name in g[0] for g in grants),
                            grants)
            self.assertFalse(any("ON *.*" in g[0] and "USAGE" not in g[0]
                                 for g in grants), grants)
        finally:
            db.drop()
        self.assertFalse(db.exists())
        self.assertEqual(harness.admin_sql(
            "SELECT User FROM mysql.user WHERE User = '%s'" % db.user), [])
        self.assertEqual(harness.admin_sql(
            "SELECT User FROM mysql.user WHERE User = '%s'" % db.owner), [])

    def test_sql_error_raises(self):
        with harness.Database() as db:
            with self.assertRaises(RuntimeError):
                db.sql("SELEC nonsense")

    def test_headers_are_case_insensitive(self):
        h = harness.CIDict([("Content-Type", "a/b"), ("X-A", "1"),
                            ("x-a", "2")])
        self.assertEqual(h["content-type"], "a/b")
        self.assertEqual(h["X-a"], "1, 2")
        self.assertIn("CONTENT-TYPE", h)


if __name__ == "__main__":
    harness.main()
