"""Lists read a page with a constant number of statements: the tenants with
their Comuni and the users with their memberships and assignments. MariaDB
counts the statements of ambitod's database user (USER_STATISTICS), so the
count is the server's, not ambitod's own; every test database has its own
user, so tests running at the same time do not add to it."""

import unittest

import harness

PASSWORD = "Liste-Test-2021!"
# A page costs the caller's identity (one statement) plus the list's own.
TENANTS_PAGE_SELECTS = 3
USERS_PAGE_SELECTS = 3


def istat(n, k):
    return "%06d" % (900000 + n * 3 + k)


def tenant_sql(first, last):
    """Tenants lst-NNNN for NNNN in first..last, each with three Comuni whose
    positions run against their ISTAT order (so the order shown must be the
    position's) and populations n*10+k."""
    return (
        "INSERT INTO tenants (slug, code, name, province)"
        " SELECT CONCAT('lst-', LPAD(seq, 4, '0')), CONCAT('LST ', seq), CONCAT('Ambito lista ', seq), 'AN'"
        " FROM seq_%d_to_%d;"
        " INSERT INTO comuni (tenant_id, istat_code, name, population, position)"
        " SELECT t.id, LPAD(900000 + s.seq * 3 + k.seq, 6, '0'), CONCAT('Comune ', s.seq, '-', k.seq),"
        " s.seq * 10 + k.seq, 2 - k.seq"
        " FROM seq_%d_to_%d s JOIN seq_0_to_2 k JOIN tenants t ON t.slug = CONCAT('lst-', LPAD(s.seq, 4, '0'));"
        % (first, last, first, last))


def expected_tenant(n):
    comuni = [{"istat_code": istat(n, k), "name": "Comune %d-%d" % (n, k), "population": n * 10 + k}
              for k in (2, 1, 0)]
    return {"slug": "lst-%04d" % n, "code": "LST %d" % n, "name": "Ambito lista %d" % n, "capofila": "",
            "ente_gestore": "", "province": "AN", "population": n * 30 + 3, "comuni": comuni}


def user_sql(first, last):
    """Users lst-NNNN@...: the even ones editors of tenants lst-NNNN and
    viewers of lst-(NNNN+1), the odd ones university users assigned to the
    same two tenants."""
    return (
        "INSERT INTO users (email, name, region_role, password_hash)"
        " SELECT CONCAT('lst-', LPAD(seq, 4, '0'), '@liste.invalid'), CONCAT('Utente ', seq),"
        " IF(seq %% 2 = 1, 'university', NULL), '!no login' FROM seq_%d_to_%d;"
        " INSERT INTO memberships (tenant_id, user_id, role)"
        " SELECT t.id, u.id, IF(k.seq = 0, 'ats_editor', 'ats_viewer')"
        " FROM seq_%d_to_%d s JOIN seq_0_to_1 k"
        " JOIN users u ON u.email = CONCAT('lst-', LPAD(s.seq, 4, '0'), '@liste.invalid')"
        " JOIN tenants t ON t.slug = CONCAT('lst-', LPAD(s.seq + k.seq, 4, '0')) WHERE s.seq %% 2 = 0;"
        " INSERT INTO assignments (tenant_id, user_id)"
        " SELECT t.id, u.id FROM seq_%d_to_%d s JOIN seq_0_to_1 k"
        " JOIN users u ON u.email = CONCAT('lst-', LPAD(s.seq, 4, '0'), '@liste.invalid')"
        " JOIN tenants t ON t.slug = CONCAT('lst-', LPAD(s.seq + k.seq, 4, '0')) WHERE s.seq %% 2 = 1;"
        % (first, last, first, last, first, last))


def expected_user(n):
    a, b = "lst-%04d" % n, "lst-%04d" % (n + 1)
    if n % 2 == 0:
        return {"email": "lst-%04d@liste.invalid" % n, "name": "Utente %d" % n, "role": None,
                "memberships": [{"tenant": a, "role": "ats_editor"}, {"tenant": b, "role": "ats_viewer"}],
                "assignments": [], "active": True}
    return {"email": "lst-%04d@liste.invalid" % n, "name": "Utente %d" % n, "role": "university",
            "memberships": [], "assignments": [a, b], "active": True}


class ListStatements(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.admin_sql("SET GLOBAL userstat = 1")
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "user", "add", "--email", "admin@regione.it", "--role", "region_admin",
                       "--password-stdin", input=PASSWORD + "\n")
        cls.server = harness.Server(cls.db)
        cls.admin = cls.login("admin@regione.it")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.db.drop()

    @classmethod
    def login(cls, email):
        r = cls.server.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        assert r.status == 200, r
        return r.json()["access_token"]

    def selects(self):
        rows = harness.admin_sql("SELECT SELECT_COMMANDS FROM information_schema.USER_STATISTICS"
                                 " WHERE USER = '%s'" % self.db.user)
        return int(rows[0][0]) if rows else 0

    def counted_get(self, path, token=None):
        """GET path; its answer and the SELECTs ambitod ran for it."""
        before = self.selects()
        r = self.server.request("GET", path, token=token or self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json(), self.selects() - before

    def walk(self, path, limit, token=None):
        """Every page of a list: the items and the SELECTs of each page."""
        items, costs, cursor = [], [], None
        while True:
            page, cost = self.counted_get("%s?limit=%d%s" % (path, limit, "&cursor=" + cursor if cursor else ""),
                                          token)
            items += page["items"]
            costs.append(cost)
            cursor = page["next_cursor"]
            if cursor is None:
                return items, costs

    def test_a_tenants(self):
        self.db.sql(tenant_sql(1, 3))
        few, few_cost = self.counted_get("/api/v1/tenants?limit=500")
        self.assertEqual([t["slug"] for t in few["items"]], ["lst-0001", "lst-0002", "lst-0003"])
        self.assertEqual(few_cost, TENANTS_PAGE_SELECTS)

        self.db.sql(tenant_sql(4, 400))
        many, many_cost = self.counted_get("/api/v1/tenants?limit=500")
        self.assertEqual(many["items"], [expected_tenant(n) for n in range(1, 401)])
        self.assertIsNone(many["next_cursor"])
        self.assertEqual(many_cost, few_cost)  # 400 tenants, not 2 statements each

        items, costs = self.walk("/api/v1/tenants", 64)
        self.assertEqual(items, many["items"])
        self.assertEqual(len(costs), 7)  # 6 full pages and one of 16
        self.assertEqual(set(costs), {TENANTS_PAGE_SELECTS})

        # A university user sees the tenants assigned to it, and the page
        # costs the same: visibility is decided before the page is read.
        r = self.server.request("POST", "/api/v1/users", {
            "email": "uni@liste.invalid", "password": PASSWORD, "role": "university",
            "assignments": ["lst-0007", "lst-0300", "lst-0123"]}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        uni = self.login("uni@liste.invalid")
        items, costs = self.walk("/api/v1/tenants", 2, token=uni)
        self.assertEqual(items, [expected_tenant(n) for n in (7, 123, 300)])
        self.assertEqual(set(costs), {TENANTS_PAGE_SELECTS})

    def test_b_users(self):
        # test_a_tenants made the tenants lst-0001..0400.
        first = self.counted_get("/api/v1/users?limit=500")[0]["items"]
        self.db.sql(user_sql(1, 3))
        few, few_cost = self.counted_get("/api/v1/users?limit=500")
        self.assertEqual([u["email"] for u in few["items"][len(first):]],
                         ["lst-0001@liste.invalid", "lst-0002@liste.invalid", "lst-0003@liste.invalid"])
        self.assertEqual(few_cost, USERS_PAGE_SELECTS)

        self.db.sql(user_sql(4, 399))
        many, many_cost = self.counted_get("/api/v1/users?limit=500")
        got = [{k: v for k, v in u.items() if k != "id"} for u in many["items"][len(first):]]
        self.assertEqual(got, [expected_user(n) for n in range(1, 400)])
        self.assertEqual(many_cost, few_cost)  # 399 users, not one statement each

        items, costs = self.walk("/api/v1/users", 50)
        self.assertEqual(items, many["items"])
        self.assertEqual(set(costs), {USERS_PAGE_SELECTS})


if __name__ == "__main__":
    harness.main()
