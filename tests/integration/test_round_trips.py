"""One round trip per read: the API's section GET, the plan index page and
the section editor page read the caller's identity (and the browser's
session), the tenant row scope.c judges and the page's data in one
statement, counted on MariaDB's side (USER_STATISTICS of ambitod's account).
The pages read through the one statement give the same bytes as through the
reads of their own (a slug in other capitals is the same tenant to MariaDB
but not the one the prefetched rows were read for, so the handler reads for
itself); a revoked membership and a deactivated user still take effect on
the very next request. Runs on the demo data."""

import unittest

import harness

PASSWORDS = harness.demo_passwords()
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
COOKIE = "ambito_sessione"
INDEX = "/ats/ats-1/piani/2020-2022"
EDITOR = "/ats/ats-1/piani/2020-2022/sezioni/A.1.2"
SECTION = "/api/v1/tenants/ats-1/plans/2020-2022/sections/A.1.2"


class RoundTrips(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.admin_sql("SET GLOBAL userstat = 1")
        cls.db = harness.demo_database()
        # One worker, so that its copy of the template is the one warmed.
        cls.srv = harness.Server(cls.db, env={"AMBITO_WORKERS": "1"})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def page_login(self, email):
        return self.srv.page_login(email, PASSWORDS[email])

    def token(self, email):
        r = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(r.status, 200, r)
        return r.json()["access_token"]

    def page(self, path, cookie):
        return self.srv.request("GET", path, headers={"Cookie": "%s=%s" % (COOKIE, cookie)})

    def counted(self, fn):
        before = self.db.statements()
        r = fn()
        after = self.db.statements()
        return r, after[0] - before[0], after[1] - before[1]

    def test_a_api_section_get_is_one_select(self):
        token = self.token(COORD_1)
        r, selects, others = self.counted(lambda: self.srv.request("GET", SECTION, token=token))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["key"], "A.1.2")
        self.assertEqual((selects, others), (1, 0))
        # A missing section, plan or cycle: still one statement, the same 404s.
        for path, detail in ((SECTION.replace("A.1.2", "Z.9"), "il piano non ha la sezione richiesta"),
                             (SECTION.replace("2020-2022", "1999-2001"), "il ciclo 1999-2001 non esiste")):
            r, selects, _ = self.counted(lambda: self.srv.request("GET", path, token=token))
            self.assertEqual(r.status, 404, r)
            self.assertEqual(r.json()["detail"], detail)
            self.assertEqual(selects, 1)

    def test_b_pages_are_one_select(self):
        cookie = self.page_login(COORD_1)
        for path, needle in ((INDEX, "Indice del piano 2020-2022"), (EDITOR, "A.1.2")):
            self.assertEqual(self.page(path, cookie).status, 200)  # the worker's template and catalogue
            r, selects, _ = self.counted(lambda: self.page(path, cookie))
            self.assertEqual(r.status, 200, r.text[:300])
            self.assertIn(needle, r.text)
            self.assertEqual(selects, 1, path)

    def test_c_prefetched_pages_equal_pages_read_apart(self):
        cookie = self.page_login(COORD_1)
        for path in (INDEX, EDITOR):
            one = self.page(path, cookie)
            other_caps = path.replace("/ats-1/", "/ATS-1/")
            apart, selects, _ = self.counted(lambda: self.page(other_caps, cookie))
            self.assertEqual(apart.status, 200, apart.text[:300])
            self.assertGreater(selects, 1, "read apart: more than the identity's statement")
            self.assertEqual(one.text, apart.text)

    def test_d_missing_plan_and_cycle_pages(self):
        cookie = self.page_login(COORD_1)
        r = self.page("/ats/ats-1/piani/1999-2001", cookie)
        self.assertEqual(r.status, 404)
        r = self.page("/ats/ats-1/piani/2020-2022/sezioni/Z.9", cookie)
        self.assertEqual(r.status, 404)
        # Another ATS's page: the 404 page, whatever its rows held.
        r = self.page("/ats/ats-7/piani/2020-2022", cookie)
        self.assertEqual(r.status, 404)
        self.assertNotIn("Indice del piano", r.text)

    def test_e_revocation_takes_effect_on_the_next_request(self):
        cookie = self.page_login(COORD_7)
        token = self.token(COORD_7)
        path = "/ats/ats-7/piani/2020-2022"
        api = "/api/v1/tenants/ats-7/plans/2020-2022/sections/A.1.2"
        self.assertEqual(self.page(path, cookie).status, 200)
        self.assertEqual(self.srv.request("GET", api, token=token).status, 200)
        uid = self.db.sql("SELECT id FROM users WHERE email = '%s'" % COORD_7)[0][0]
        role = self.db.sql("SELECT role FROM memberships WHERE user_id = %s" % uid)[0][0]
        self.db.sql("DELETE FROM memberships WHERE user_id = %s" % uid)
        try:
            self.assertEqual(self.page(path, cookie).status, 404)
            self.assertEqual(self.srv.request("GET", api, token=token).status, 404)
        finally:
            self.db.sql("INSERT INTO memberships (tenant_id, user_id, role)"
                        " SELECT id, %s, '%s' FROM tenants WHERE slug = 'ats-7'" % (uid, role))
        self.assertEqual(self.page(path, cookie).status, 200)
        self.db.sql("UPDATE users SET active = 0 WHERE id = %s" % uid)
        try:
            r = self.page(path, cookie)
            self.assertEqual(r.status, 303)  # to the login page
            self.assertEqual(self.srv.request("GET", api, token=token).status, 401)
        finally:
            self.db.sql("UPDATE users SET active = 1 WHERE id = %s" % uid)


if __name__ == "__main__":
    unittest.main()
