"""The plan index's rows kept by the worker (tenants/plans/plan_index_cache.c):
a second view of an unchanged plan reads only the statement of the caller's
identity, and every change to what the index shows is on the very next
view, whoever writes it — the API, or a statement run straight in the
database as another process would (migration 0021's triggers move the
plan's index_version in the writing statement itself): a section's status
and author, the author's name, open comments, the Region's allocations;
and a restored plan never meets a copy of later rows. Counted on MariaDB's side (USER_STATISTICS of ambitod's account) and on
/metrics. One worker, so that every view meets the same copy."""

import html
import re
import unittest

import harness

PASSWORDS = harness.demo_passwords()
COORD = "coordinatore.ats1@demo.ambito.invalid"
COOKIE = "ambito_sessione"
INDEX = "/ats/ats-1/piani/2020-2022"
PLAN = "/api/v1/tenants/ats-1/plans/2020-2022"
KEY = "A.1.2"
PLAN_WHERE = ("tenant_id = (SELECT id FROM tenants WHERE slug = 'ats-1')"
              " AND cycle_id = (SELECT id FROM cycles WHERE slug = '2020-2022')")


def section_row(page, key):
    """The cells of the index's row of section key, as text: status, actions,
    who saved it last and when, open comments."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        head = re.search(r"<th scope=\"row\"><span class=\"ambito-actions\">([^<]+)</span>", row)
        if head and head.group(1) == key:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            return [html.unescape(re.sub(r"<br>", " | ", re.sub(r"<(?!br>)[^>]+>", "", c))).strip()
                    for c in cells]
    raise AssertionError("no row of section %s in the index" % key)


class IndexCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.admin_sql("SET GLOBAL userstat = 1")
        cls.db = harness.demo_database()
        cls.srv = harness.Server(cls.db, env={"AMBITO_WORKERS": "1"})
        cls.cookie = cls.srv.page_login(COORD, PASSWORDS[COORD])
        r = cls.srv.request("POST", "/api/v1/auth/login", {"email": COORD, "password": PASSWORDS[COORD]})
        assert r.status == 200, r
        cls.token = r.json()["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def cache_counts(self):
        text = self.srv.request("GET", "/metrics").text
        return {m.group(1): int(m.group(2))
                for m in re.finditer(r'^ambito_plan_index_cache_total\{result="(\w+)"\} (\d+)$', text, re.M)}

    def index(self):
        """The index page and how many SELECTs ambitod ran for it."""
        before = self.db.statements()[0]
        r = self.srv.request("GET", INDEX, headers={"Cookie": "%s=%s" % (COOKIE, self.cookie)})
        self.assertEqual(r.status, 200, r.text[:300])
        return r.text, self.db.statements()[0] - before

    def warm(self):
        """Views the index until its rows are kept; returns the page."""
        self.index()
        page, selects = self.index()
        self.assertEqual(selects, 1, "an unchanged plan's index: the identity's statement alone")
        return page

    def test_a_unchanged_plan_is_read_once(self):
        self.warm()
        before = self.cache_counts()
        page, selects = self.index()
        after = self.cache_counts()
        self.assertEqual(selects, 1)
        self.assertEqual(after["hit"], before["hit"] + 1)
        self.assertEqual(after["miss"], before["miss"])
        self.assertIn("Indice del piano 2020-2022", page)

    def test_b_a_section_written_in_the_database_shows(self):
        self.warm()
        uid = self.db.sql("SELECT id FROM users WHERE email = '%s'" % COORD)[0][0]
        self.db.sql("UPDATE plan_sections SET status = 'complete', updated_by = %s,"
                    " updated_at = '2021-03-04 05:06:07' WHERE %s AND revision = 0 AND section_key = '%s'"
                    % (uid, PLAN_WHERE, KEY))
        page, selects = self.index()
        self.assertGreater(selects, 1, "the kept rows were read again")
        row = section_row(page, KEY)
        self.assertEqual(row[0], "completa", row)
        name = self.db.sql("SELECT name FROM users WHERE id = %s" % uid)[0][0]
        self.assertEqual(row[2], "%s | 4 marzo 2021, ore 06:06" % name, row)
        # The author's new name, on the very next view.
        self.warm()
        self.db.sql("UPDATE users SET name = 'Élodie D''Annunzio' WHERE id = %s" % uid)
        try:
            self.assertEqual(section_row(self.index()[0], KEY)[2], "Élodie D'Annunzio | 4 marzo 2021, ore 06:06")
        finally:
            self.db.sql("UPDATE users SET name = '%s' WHERE id = %s" % (name.replace("'", "''"), uid))
        self.assertEqual(section_row(self.index()[0], KEY)[2], "%s | 4 marzo 2021, ore 06:06" % name)

    def test_c_comments_show_and_go(self):
        self.warm()
        open_before = int(section_row(self.index()[0], KEY)[3])
        r = self.srv.request("POST", PLAN + "/comments",
                             {"section": KEY, "part": None, "body": "Manca il cronoprogramma.",
                              "reply_to": None}, token=self.token)
        self.assertEqual(r.status, 201, r)
        cid, etag = r.json()["id"], r.headers["ETag"]
        self.assertEqual(int(section_row(self.index()[0], KEY)[3]), open_before + 1)
        # A reply is not an open comment of its own.
        self.warm()
        r = self.srv.request("POST", PLAN + "/comments",
                             {"section": KEY, "part": None, "body": "Aggiunto.", "reply_to": cid},
                             token=self.token)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(int(section_row(self.index()[0], KEY)[3]), open_before + 1)
        r = self.srv.request("PATCH", PLAN + "/comments/%d" % cid, {"resolved": True}, token=self.token,
                             headers={"If-Match": etag})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(int(section_row(self.index()[0], KEY)[3]), open_before)
        # Straight in the database, as another process.
        self.warm()
        self.db.sql("UPDATE plan_comments SET resolved = 0 WHERE id = %d" % cid)
        self.assertEqual(int(section_row(self.index()[0], KEY)[3]), open_before + 1)
        self.warm()
        self.db.sql("DELETE FROM plan_comments WHERE reply_to = %d" % cid)
        self.db.sql("DELETE FROM plan_comments WHERE id = %d" % cid)
        self.assertEqual(int(section_row(self.index()[0], KEY)[3]), open_before)

    def test_d_allocations_show(self):
        self.warm()
        self.db.sql("INSERT INTO allocations (tenant_id, cycle_id, year, source, amount_eur)"
                    " VALUES ((SELECT id FROM tenants WHERE slug = 'ats-1'),"
                    " (SELECT id FROM cycles WHERE slug = '2020-2022'), 2021, 'comuni', 1234567.89)"
                    " ON DUPLICATE KEY UPDATE amount_eur = VALUE(amount_eur)")
        page = self.index()[0]
        self.assertIn("1.234.567,89", page)
        self.warm()
        self.db.sql("DELETE FROM allocations WHERE %s AND year = 2021 AND source = 'comuni'" % PLAN_WHERE)
        self.assertNotIn("1.234.567,89", self.index()[0])

    def test_e_writes_elsewhere_keep_the_copy(self):
        # Another plan's section: not this index.
        self.warm()
        self.db.sql("UPDATE plan_sections SET updated_at = NOW(6) WHERE revision = 0 AND section_key = '%s'"
                    " AND tenant_id = (SELECT id FROM tenants WHERE slug = 'ats-7')" % KEY)
        page, selects = self.index()
        self.assertEqual(selects, 1, "another ATS's write left this copy alone")

    def test_f_a_restored_plan_never_meets_a_later_copy(self):
        # A restore puts back the plan's rows and the index_version they had;
        # the copies kept since (of later rows) must never match again.
        where = "%s AND revision = 0 AND section_key = '%s'" % (PLAN_WHERE, KEY)

        def set_status(status):
            self.db.sql("UPDATE plan_sections SET status = '%s' WHERE %s" % (status, where))

        set_status("partial")
        self.warm()
        restored = self.db.sql("SELECT index_version FROM plans WHERE %s" % PLAN_WHERE)[0][0]
        set_status("complete")
        self.assertEqual(section_row(self.warm(), KEY)[0], "completa")  # kept at a later version
        set_status("partial")  # the "restore": the rows, then their version
        self.db.sql("UPDATE plans SET index_version = %s WHERE %s" % (restored, PLAN_WHERE))
        self.assertEqual(section_row(self.index()[0], KEY)[0], "parziale")
        set_status("empty")  # its next change: a version no copy has
        self.assertEqual(section_row(self.index()[0], KEY)[0], "vuota")



if __name__ == "__main__":
    harness.main()
