"""What a client can push on at the edges of the API, against a real ambitod
and MariaDB: audit reads scoped like every tenant route (404 for a tenant the
caller may not see, exactly as for none), which refused writes are audited
and which only counted in /metrics, the password-change throttle, If-Match
without quotes or weak, spreadsheet formulas in comparison CSVs, e-mails
compared exactly (accents, trailing spaces), a member add that does not
tell whether the account existed, lone UTF-16 surrogates in JSON, and bad
query parameter values refused by name.

Expected values are literals worked out by hand; one database and server
for the file, every test with its own users or objects."""

import csv
import io
import os
import re
import secrets
import unittest

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"

DB = SRV = None
TOKENS = {}
IDS = {}

USERS = {
    # key -> (role, tenants)
    "admin": ("region_admin", []),
    "reviewer": ("region_reviewer", []),
    "uni": ("university", ["ats-1"]),
    "coord-1": ("ats_coordinator", ["ats-1"]),
    "coord-2": ("ats_coordinator", ["ats-2"]),
    "editor-1": ("ats_editor", ["ats-1"]),
}


def tenant(n):
    return {"slug": "ats-%d" % n, "code": "ATS %d" % n, "name": "Ambito %d" % n,
            "comuni": [{"istat_code": "%06d" % (109000 + n), "name": "Comune %d" % n, "population": 1000 * n}]}


def email(key):
    return key + "@example.it"


def add_user(mail, role, tenants=(), password=PASSWORD):
    args = ["user", "add", "--email", mail, "--role", role, "--password-stdin"]
    for t in tenants:
        args += ["--tenant", t]
    p = harness.ctl_ok(DB, *args, input=password + "\n")
    return int(re.search(r"creato l'utente (\d+)", p.stdout).group(1))


def login(mail, password=PASSWORD):
    return SRV.request("POST", "/api/v1/auth/login", {"email": mail, "password": password})


def req(method, path, who=None, body=None, headers=None, **kw):
    return SRV.request(method, path, body=body, headers=headers, token=TOKENS[who] if who else None, **kw)


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)
    IDS["admin"] = add_user(email("admin"), "region_admin")
    SRV = harness.Server(DB)
    TOKENS["admin"] = login(email("admin")).json()["access_token"]
    for n in (1, 2):
        r = req("POST", "/api/v1/tenants", "admin", body=tenant(n))
        assert r.status == 201, r
    for key, (role, tenants) in USERS.items():
        if key == "admin":
            continue
        IDS[key] = add_user(email(key), role, tenants)
        r = login(email(key))
        assert r.status == 200, r
        TOKENS[key] = r.json()["access_token"]


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def fields(r):
    return [e["field"] for e in r.json().get("errors", [])]


def problem(r):
    """The problem document without its request_id, which always differs."""
    doc = r.json()
    doc.pop("request_id", None)
    return doc


def audit_count():
    return int(DB.sql("SELECT COUNT(*) FROM audit_log")[0][0])


def metric(name, labels):
    text = SRV.request("GET", "/metrics").text
    m = re.search(r"^%s\{%s\} (\d+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return int(m.group(1)) if m else 0


class AuditReadsAreScoped(unittest.TestCase):
    def test_other_and_missing_tenant_are_the_same_404(self):
        other = req("GET", "/api/v1/audit?tenant=ats-2", "coord-1")
        missing = req("GET", "/api/v1/audit?tenant=ats-nessuno", "coord-1")
        self.assertEqual(other.status, 404, other)
        self.assertEqual(missing.status, 404, missing)
        self.assertEqual(problem(other), problem(missing))
        # The unassigned tenant for a university user as well.
        self.assertEqual(problem(req("GET", "/api/v1/audit?tenant=ats-2", "uni")), problem(missing))
        self.assertEqual(req("GET", "/api/v1/audit?tenant=ats-nessuno", "admin").status, 404)

    def test_visible_tenant_without_the_role_is_403(self):
        self.assertEqual(req("GET", "/api/v1/audit?tenant=ats-1", "uni").status, 403)
        self.assertEqual(req("GET", "/api/v1/audit?tenant=ats-1", "editor-1").status, 403)
        self.assertEqual(req("GET", "/api/v1/audit?tenant=ats-1", "reviewer").status, 403)

    def test_own_tenant(self):
        # A write of coord-1 in ats-1, then its audit, by name or by default.
        self.assertEqual(req("DELETE", "/api/v1/tenants/ats-1/members?user_id=999999", "coord-1").status, 404)
        for path in ("/api/v1/audit?tenant=ats-1", "/api/v1/audit"):
            r = req("GET", path, "coord-1")
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.json()["items"])
            self.assertEqual({a["tenant"] for a in r.json()["items"]}, {"ats-1"})


class RefusedWrites(unittest.TestCase):
    def test_tenant_not_visible_is_audited(self):
        r = req("POST", "/api/v1/tenants/ats-2/members", "coord-1",
                body={"email": "x@example.it", "role": "ats_viewer", "password": PASSWORD})
        self.assertEqual(r.status, 404, r)
        rows = DB.sql("SELECT user_id, status, outcome, object, tenant_id IS NULL FROM audit_log"
                      " WHERE request_id = '%s'" % r.headers["X-Request-Id"])
        self.assertEqual(rows, [[str(IDS["coord-1"]), "404", "refused", "/api/v1/tenants/ats-2/members", "1"]])

    def test_unauthenticated_refusals_are_counted_not_audited(self):
        before_rows = audit_count()
        before_writes = metric("ambito_unaudited_refusals_total", 'reason="unauthenticated_write"')
        before_logouts = metric("ambito_unaudited_refusals_total", 'reason="logout_unknown"')
        before_refresh = metric("ambito_unaudited_refusals_total", 'reason="refresh_invalid"')
        body = {"email": "y@example.it", "role": "ats_viewer", "password": PASSWORD}
        for i in range(40):
            hdrs = {"Authorization": "Bearer not-a-token-%d" % i} if i % 2 else None
            self.assertEqual(SRV.request("POST", "/api/v1/tenants/ats-1/members", body, headers=hdrs).status, 401)
        for _ in range(40):
            token = secrets.token_urlsafe(32)
            self.assertEqual(SRV.request("POST", "/api/v1/auth/logout", {"refresh_token": token}).status, 204)
        for _ in range(10):
            token = secrets.token_urlsafe(32)
            self.assertEqual(SRV.request("POST", "/api/v1/auth/refresh", {"refresh_token": token}).status, 401)
        # A read without a token is no write: not counted there.
        self.assertEqual(SRV.request("GET", "/api/v1/tenants").status, 401)
        self.assertEqual(audit_count(), before_rows)
        self.assertEqual(metric("ambito_unaudited_refusals_total", 'reason="unauthenticated_write"'),
                         before_writes + 40)
        self.assertEqual(metric("ambito_unaudited_refusals_total", 'reason="logout_unknown"'), before_logouts + 40)
        self.assertEqual(metric("ambito_unaudited_refusals_total", 'reason="refresh_invalid"'), before_refresh + 10)

    def test_a_real_logout_is_audited(self):
        add_user("logout@example.it", "region_reviewer")
        t = login("logout@example.it").json()
        r = SRV.request("POST", "/api/v1/auth/logout", {"refresh_token": t["refresh_token"]})
        self.assertEqual(r.status, 204)
        rows = DB.sql("SELECT status, outcome, detail FROM audit_log WHERE request_id = '%s'"
                      % r.headers["X-Request-Id"])
        self.assertEqual(rows, [["204", "ok", "logout"]])


class PasswordChangeThrottle(unittest.TestCase):
    def test_wrong_current_passwords_block_the_account(self):
        mail = "pw-throttle@example.it"
        uid = add_user(mail, "region_reviewer")
        t = login(mail).json()["access_token"]
        statuses = []
        for i in range(6):
            r = SRV.request("PUT", "/api/v1/me/password",
                            {"current_password": "sbagliata-%d" % i, "new_password": "nuova password lunga"}, token=t)
            statuses.append(r.status)
        # Five wrong guesses, then blocked like a login (README: 5 failures).
        self.assertEqual(statuses, [422] * 5 + [429], statuses)
        self.assertRegex(r.headers.get("Retry-After", ""), r"^[1-9][0-9]*$")
        self.assertLessEqual(int(r.headers["Retry-After"]), 15)
        # Blocked: the right current password too, and logins of the account.
        r = SRV.request("PUT", "/api/v1/me/password",
                        {"current_password": PASSWORD, "new_password": "nuova password lunga"}, token=t)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(login(mail).status, 429)
        # Every attempt has an authenticated caller: all audited.
        rows = DB.sql("SELECT status, COUNT(*) FROM audit_log WHERE user_id = %d AND route = '/api/v1/me/password'"
                      " GROUP BY status ORDER BY status" % uid)
        self.assertEqual(rows, [["422", "5"], ["429", "2"]])
        # Once the block ends the right password works and clears the count.
        DB.sql("UPDATE login_throttle SET blocked_until = NOW(6) - INTERVAL 1 SECOND"
               " WHERE scope_key = 'acct:%s'" % mail)
        r = SRV.request("PUT", "/api/v1/me/password",
                        {"current_password": PASSWORD, "new_password": "nuova password lunga"}, token=t)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(DB.sql("SELECT COUNT(*) FROM login_throttle WHERE scope_key = 'acct:%s'" % mail), [["0"]])
        self.assertEqual(login(mail, "nuova password lunga").status, 200)


class IfMatch(unittest.TestCase):
    def patch(self, etag, name):
        return req("PATCH", "/api/v1/tenants/ats-2", "admin", body={"name": name}, headers={"If-Match": etag})

    def test_forms(self):
        etag = req("GET", "/api/v1/tenants/ats-2", "admin").headers["ETag"]
        self.assertRegex(etag, r'^"[^"]+"$')
        # The value without its quotes: 400 naming the header, not "changed".
        r = self.patch(etag.strip('"'), "Senza virgolette")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(fields(r), ["If-Match"])
        # Weak: never matches (strong comparison), and says why.
        r = self.patch("W/" + etag, "Debole")
        self.assertEqual(r.status, 412, r)
        self.assertIn("W/", r.json()["detail"])
        r = self.patch("*", "Asterisco")
        self.assertEqual(r.status, 412, r)
        self.assertEqual(req("GET", "/api/v1/tenants/ats-2", "admin").json()["name"], "Ambito 2")
        # A list with the tag in it matches.
        r = self.patch('"t0", ' + etag, "Ambito 2 bis")
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.headers["ETag"], etag)
        # Now the old tag is stale: that is the 412 that says so.
        r = self.patch(etag, "Ancora")
        self.assertEqual(r.status, 412, r)
        self.assertNotIn("W/", r.json()["detail"])
        self.assertEqual(self.patch('"unterminated', "x").status, 400)


class CsvFormulas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = req("POST", "/api/v1/tenants/ats-1/plans", "coord-1", body={"cycle": CYCLE})
        assert r.status == 201, r
        path = "/api/v1/tenants/ats-1/plans/%s/sections/A.1.2" % CYCLE
        etag = req("GET", path, "coord-1").headers["ETag"]
        body = {"parts": {"analisi": '=HYPERLINK("http://esempio.invalid","clic")',
                          "obiettivi": "-12.50 euro in meno",
                          "strategia": "@SUM(A1:A9)",
                          "valutazione": "+39 071 000000"},
                "indicators": [{"name": "=1+1", "kind": "result", "unit": "@unità", "baseline": "-3",
                                "target": "-12.50", "source": "-fonte"}]}
        r = req("PUT", path, "coord-1", body=body, headers={"If-Match": etag})
        assert r.status == 200, r

    def rows(self, path):
        r = req("GET", "/api/v1/cycles/%s/compare/%s" % (CYCLE, path), "admin")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
        return list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))

    def test_section_text_is_neutralised(self):
        rows = self.rows("sections/A.1.2?source=draft&format=csv")
        self.assertEqual(rows[0], ["tenant", "name", "revision", "status", "analisi", "obiettivi", "strategia",
                                   "valutazione", "indicators", "spending_eur"])
        self.assertEqual(rows[1], ["ats-1", "Ambito 1", "0", "complete", '\'=HYPERLINK("http://esempio.invalid","clic")',
                                   "'-12.50 euro in meno", "'@SUM(A1:A9)", "'+39 071 000000", "1", "0.00"])

    def test_indicator_numbers_stay_numbers(self):
        rows = self.rows("indicators?action=OS1-A6&source=draft&format=csv")
        self.assertEqual(rows[1], ["ats-1", "Ambito 1", "A.1.2", "'=1+1", "result", "'@unità", "-3", "-12.50",
                                   "'-fonte"])


class EmailsCompareExactly(unittest.TestCase):
    def test_login(self):
        uid = add_user("coordinatore.ats7@example.it", "region_reviewer")
        self.assertEqual(login("coordinatore.ats7@example.it").status, 200)
        self.assertEqual(login("COORDINATORE.ATS7@Example.IT").json()["user"]["id"], uid)  # case: same account
        self.assertEqual(login("cóordinatore.ats7@example.it").status, 401)
        self.assertEqual(login("coordinatore.ats7@example.it ").status, 401)
        self.assertEqual(login("coordinatore.ats7@exámple.it").status, 401)

    def test_member_add(self):
        existing = add_user("membro.ats7@example.it", "ats_viewer", ["ats-1"])
        r = req("POST", "/api/v1/tenants/ats-2/members", "coord-2",
                body={"email": "mémbro.ats7@example.it", "role": "ats_editor", "password": "prima password ats2"})
        self.assertEqual(r.status, 201, r)
        self.assertNotEqual(r.json()["user_id"], existing)
        self.assertEqual(r.json()["email"], "mémbro.ats7@example.it")
        # Two accounts: the new one logs in with its password, the old one
        # is still only in ats-1.
        me = login("mémbro.ats7@example.it", "prima password ats2").json()["user"]
        self.assertEqual(me["id"], r.json()["user_id"])
        old = login("membro.ats7@example.it").json()["user"]
        self.assertEqual([m["tenant"] for m in old["memberships"]], ["ats-1"])
        # A trailing space is refused on write, not trimmed into someone else.
        r = req("POST", "/api/v1/tenants/ats-2/members", "coord-2",
                body={"email": "membro.ats7@example.it ", "role": "ats_editor", "password": "prima password ats2"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(fields(r), ["email"])


class MemberAddTellsNothing(unittest.TestCase):
    def add(self, mail, password="scelta dal coordinatore"):
        body = {"email": mail, "role": "ats_viewer", "name": "Nome"}
        if password is not None:
            body["password"] = password
        return req("POST", "/api/v1/tenants/ats-2/members", "coord-2", body=body)

    def test_existing_and_new_look_the_same(self):
        add_user("gia.registrato@example.it", "ats_editor", ["ats-1"], password="la sua password segreta")
        old = self.add("gia.registrato@example.it")
        new = self.add("mai.visto@example.it")
        self.assertEqual((old.status, new.status), (201, 201), (old, new))
        self.assertEqual(sorted(old.json()), ["email", "role", "user_id"])
        self.assertEqual(sorted(new.json()), ["email", "role", "user_id"])
        self.assertEqual(old.headers["Content-Type"], new.headers["Content-Type"])
        # The existing owner keeps its password; the new account has the chosen one.
        self.assertEqual(login("gia.registrato@example.it", "la sua password segreta").status, 200)
        self.assertEqual(login("gia.registrato@example.it", "scelta dal coordinatore").status, 401)
        self.assertEqual(login("mai.visto@example.it", "scelta dal coordinatore").status, 200)

    def test_coordinator_must_choose_the_password(self):
        r = self.add("senza.password@example.it", password=None)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(fields(r), ["password"])
        # The region_admin may leave it out and gets one generated.
        r = req("POST", "/api/v1/tenants/ats-2/members", "admin",
                body={"email": "senza.password@example.it", "role": "ats_viewer"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(len(r.json()["initial_password"]), 20)


class JsonSurrogates(unittest.TestCase):
    def test_lone_and_mismatched_are_400(self):
        for text in ('"a\\ud800"', '"a\\ud800\\u0041"', '"\\udc00"', '"\\ud800x"'):
            raw = '{"email":%s,"password":"x"}' % text
            r = SRV.request("POST", "/api/v1/auth/login", raw, headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 400, (text, r))
        # A proper pair is one character and nothing refuses it as JSON.
        r = req("PATCH", "/api/v1/tenants/ats-1", "admin", body='{"ente_gestore":"Unione \\ud83d\\ude00"}',
                headers={"Content-Type": "application/json",
                         "If-Match": req("GET", "/api/v1/tenants/ats-1", "admin").headers["ETag"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["ente_gestore"], "Unione \U0001F600")


class QueryParameters(unittest.TestCase):
    def bad(self, path, who, field):
        r = req("GET", path, who)
        self.assertEqual(r.status, 400, (path, r))
        self.assertEqual(r.headers["Content-Type"], "application/problem+json")
        self.assertEqual(fields(r), [field], path)

    def test_each_is_named(self):
        compare = "/api/v1/cycles/%s/compare" % CYCLE
        cases = [
            ("/api/v1/audit?cursor=%00", "admin", "cursor"),
            ("/api/v1/audit?cursor=abc", "admin", "cursor"),
            ("/api/v1/audit?cursor=", "admin", "cursor"),
            ("/api/v1/audit?limit=0", "admin", "limit"),
            ("/api/v1/audit?limit=%00", "admin", "limit"),
            ("/api/v1/audit?since=%00", "admin", "since"),
            ("/api/v1/audit?since=ieri", "admin", "since"),
            ("/api/v1/audit?tenant=%ff", "admin", "tenant"),
            ("/api/v1/users?cursor=x", "admin", "cursor"),
            ("/api/v1/tenants?cursor=%00", "admin", "cursor"),
            ("/api/v1/tenants?cursor=a%20b", "admin", "cursor"),
            ("/api/v1/cycles?format=xml", "admin", "format"),
            ("/api/v1/cycles?format=%00", "admin", "format"),
            ("/api/v1/cycles?cursor=-1", "admin", "cursor"),
            (compare + "/coverage?source=bozza", "admin", "source"),
            (compare + "/coverage?by=tenant", "admin", "by"),
            (compare + "/coverage?format=ods", "admin", "format"),  # xlsx is a format of the comparisons
            (compare + "/finance?by=%00", "admin", "by"),
            ("/api/v1/tenants/ats-1/plans?format=pdf", "coord-1", "format"),
        ]
        for path, who, field in cases:
            with self.subTest(path=path):
                self.bad(path, who, field)

    def test_good_values_still_work(self):
        r = req("GET", "/api/v1/cycles?format=json", "admin")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        r = req("GET", "/api/v1/cycles?format=csv", "admin")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
        self.assertEqual(req("GET", "/api/v1/audit?limit=1&since=2000-01-01T00:00:00Z", "admin").status, 200)


if __name__ == "__main__":
    harness.main()
