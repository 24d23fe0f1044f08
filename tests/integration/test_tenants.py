"""Tenants, users, members and the audit log through the HTTP API, by the
roles SPEC §1 allows and refused for the others."""

import unittest

import harness

PASSWORD = "Tenant-Test-2021!"
ATS20 = {"slug": "ats-20", "code": "ATS 20", "name": "Ambito Territoriale Sociale 20",
         "capofila": "Porto Sant'Elpidio", "ente_gestore": "Comune di Porto Sant'Elpidio", "province": "FM",
         "comuni": [{"istat_code": "109034", "name": "Porto Sant'Elpidio", "population": 25000},
                    {"istat_code": "109037", "name": "Sant'Elpidio a Mare", "population": 17000},
                    {"istat_code": "109024", "name": "Monte Urano", "population": 8000}]}


class TenantsAndUsers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "user", "add", "--email", "admin@regione.it", "--role", "region_admin",
                       "--password-stdin", input=PASSWORD + "\n")
        harness.ctl_ok(cls.db, "user", "add", "--email", "rev@regione.it", "--role", "region_reviewer",
                       "--password-stdin", input=PASSWORD + "\n")
        cls.server = harness.Server(cls.db)
        cls.admin = cls.login("admin@regione.it")
        cls.rev = cls.login("rev@regione.it")
        r = cls.server.request("POST", "/api/v1/tenants", ATS20, token=cls.admin)
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.db.drop()

    @classmethod
    def login(cls, email, password=PASSWORD):
        r = cls.server.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        assert r.status == 200, r
        return r.json()["access_token"]

    def req(self, method, path, body=None, token=None, **kw):
        return self.server.request(method, path, body, token=token or self.admin, **kw)

    def test_tenant_shape_and_population(self):
        r = self.req("GET", "/api/v1/tenants/ats-20")
        self.assertEqual(r.status, 200)
        t = r.json()
        self.assertEqual(t["population"], 50000)  # 25000 + 17000 + 8000
        self.assertEqual(t["capofila"], "Porto Sant'Elpidio")
        self.assertEqual([c["istat_code"] for c in t["comuni"]], ["109034", "109037", "109024"])
        self.assertRegex(r.headers["ETag"], r'^"t\d+"$')

    def test_create_validation_lists_every_field(self):
        bad = {"slug": "ATS 1", "code": "", "name": "x", "province": "fermo", "extra": 1,
               "comuni": [{"istat_code": "12", "name": "", "population": -1}]}
        r = self.req("POST", "/api/v1/tenants", bad)
        self.assertEqual(r.status, 422)
        fields = {e["field"] for e in r.json()["errors"]}
        self.assertLessEqual({"slug", "code", "province", "extra", "comuni[0].istat_code", "comuni[0].name",
                              "comuni[0].population"}, fields)

    def test_duplicates_are_409(self):
        r = self.req("POST", "/api/v1/tenants", dict(ATS20, comuni=[]))
        self.assertEqual(r.status, 409)
        other = dict(ATS20, slug="ats-99", code="ATS 99",
                     comuni=[{"istat_code": "109034", "name": "Porto Sant'Elpidio", "population": 1}])
        r = self.req("POST", "/api/v1/tenants", other)
        self.assertEqual(r.status, 409)  # a Comune belongs to one ATS
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM tenants WHERE slug = 'ats-99'"), [["0"]])

    def test_only_region_admin_creates_or_patches(self):
        r = self.req("POST", "/api/v1/tenants", dict(ATS20, slug="ats-98", code="ATS 98", comuni=[]), token=self.rev)
        self.assertEqual(r.status, 403)
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"name": "x"}, token=self.rev, headers={"If-Match": '"t1"'})
        self.assertEqual(r.status, 403)

    def test_patch_needs_if_match_and_keeps_slug(self):
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"name": "Nuovo nome"})
        self.assertEqual(r.status, 428)
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"name": "Nuovo nome"}, headers={"If-Match": '"t999"'})
        self.assertEqual(r.status, 412)
        etag = self.req("GET", "/api/v1/tenants/ats-20").headers["ETag"]
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"slug": "ats-21"}, headers={"If-Match": etag})
        self.assertEqual(r.status, 422)
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"ente_gestore": "Unione dei Comuni — città"},
                     headers={"If-Match": etag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["ente_gestore"], "Unione dei Comuni — città")
        self.assertNotEqual(r.headers["ETag"], etag)
        # The old tag is stale now.
        r = self.req("PATCH", "/api/v1/tenants/ats-20", {"name": "x"}, headers={"If-Match": etag})
        self.assertEqual(r.status, 412)

    def test_users_api(self):
        r = self.req("POST", "/api/v1/users", {"email": "Uni@Univpm.IT", "name": "Prof. Bianchi",
                                               "role": "university", "assignments": ["ats-20"]})
        self.assertEqual(r.status, 201, r)
        body = r.json()
        self.assertEqual(body["user"]["email"], "uni@univpm.it")
        self.assertEqual(body["user"]["assignments"], ["ats-20"])
        self.assertEqual(len(body["initial_password"]), 20)
        uni = self.login("uni@univpm.it", body["initial_password"])
        self.assertEqual(self.req("GET", "/api/v1/tenants/ats-20", token=uni).status, 200)
        # The combination rules of SPEC §1.
        r = self.req("POST", "/api/v1/users", {"email": "mix@x.it", "role": "region_reviewer",
                                               "memberships": [{"tenant": "ats-20", "role": "ats_editor"}]})
        self.assertEqual(r.status, 422)
        r = self.req("POST", "/api/v1/users", {"email": "m2@x.it", "password": "short",
                                               "memberships": [{"tenant": "ats-nope", "role": "ats_editor"}]})
        self.assertEqual(r.status, 422)
        self.assertIn("password", {e["field"] for e in r.json()["errors"]})
        r = self.req("POST", "/api/v1/users", {"email": "m3@x.it", "password": "abbastanza-lunga",
                                               "memberships": [{"tenant": "ats-nope", "role": "ats_editor"}]})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["errors"][0]["field"], "memberships[0].tenant")
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users WHERE email = 'm3@x.it'"), [["0"]])
        r = self.req("POST", "/api/v1/users", {"email": "uni@univpm.it"})
        self.assertEqual(r.status, 409)
        self.assertEqual(self.req("GET", "/api/v1/users", token=self.rev).status, 403)
        # Deactivation by PATCH takes effect on the next request.
        uid = body["user"]["id"]
        r = self.req("GET", "/api/v1/users/%d" % uid)
        r = self.req("PATCH", "/api/v1/users/%d" % uid, {"active": False}, headers={"If-Match": r.headers["ETag"]})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json()["active"])
        self.assertEqual(self.req("GET", "/api/v1/me", token=uni).status, 401)
        self.assertEqual(self.req("GET", "/api/v1/users/abc").status, 404)

    def test_members_by_coordinator(self):
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "coord@ats20.it", "role": "ats_coordinator",
                                                              "password": PASSWORD})
        self.assertEqual(r.status, 201, r)
        coord = self.login("coord@ats20.it")
        # A coordinator chooses the first password of a new account: no
        # generated one comes back (it would tell the account is new).
        ed_pw = "Editor-Primo-Accesso-2021"
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "ed@ats20.it", "role": "ats_editor"},
                     token=coord)
        self.assertEqual(r.status, 422, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["password"])
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "ed@ats20.it", "role": "ats_editor",
                                                              "password": ed_pw}, token=coord)
        self.assertEqual(r.status, 201)
        self.assertNotIn("initial_password", r.json())
        editor = self.login("ed@ats20.it", ed_pw)
        # An editor may not manage members; a coordinator may not grant region roles.
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "v@ats20.it", "role": "ats_viewer"},
                     token=editor)
        self.assertEqual(r.status, 403)
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "v@ats20.it", "role": "region_admin"},
                     token=coord)
        self.assertEqual(r.status, 422)
        r = self.req("POST", "/api/v1/tenants/ats-20/members", {"email": "ed@ats20.it", "role": "ats_viewer",
                                                              "password": ed_pw}, token=coord)
        self.assertEqual(r.status, 409)
        r = self.req("GET", "/api/v1/tenants/ats-20/members", token=coord)
        self.assertEqual(sorted(m["email"] for m in r.json()["items"]), ["coord@ats20.it", "ed@ats20.it"])
        ed_id = [m["user_id"] for m in r.json()["items"] if m["email"] == "ed@ats20.it"][0]
        r = self.req("DELETE", "/api/v1/tenants/ats-20/members?user_id=%d" % ed_id, token=coord)
        self.assertEqual(r.status, 204)
        # Removing the membership takes effect at once.
        self.assertEqual(self.req("GET", "/api/v1/tenants/ats-20", token=editor).status, 404)
        # The coordinator reads its tenant's audit, which has these writes.
        r = self.req("GET", "/api/v1/audit", token=coord)
        self.assertEqual(r.status, 200)
        routes = [(a["method"], a["route"], a["outcome"]) for a in r.json()["items"]]
        self.assertIn(("DELETE", "/api/v1/tenants/{tenant}/members", "ok"), routes)
        self.assertIn(("POST", "/api/v1/tenants/{tenant}/members", "refused"), routes)
        self.assertEqual(self.req("GET", "/api/v1/audit", token=editor).status, 403)

    def test_members_list_pages(self):
        # A tenant of its own, so the other tests' members do not count.
        t = dict(ATS20, slug="ats-31", code="ATS 31", name="Ambito Territoriale Sociale 31",
                 comuni=[{"istat_code": "109031", "name": "Comune di prova", "population": 1000}])
        self.assertEqual(self.req("POST", "/api/v1/tenants", t).status, 201)
        path = "/api/v1/tenants/ats-31/members"
        emails = ["m3@ats31.it", "m1@ats31.it", "m5@ats31.it", "m2@ats31.it", "m4@ats31.it"]
        for e in emails:
            r = self.req("POST", path, {"email": e, "role": "ats_viewer"})
            self.assertEqual(r.status, 201, r)
        # Pages of 2 by email: 2 + 2 + 1, each cursor the last email shown.
        pages, cursor = [], None
        while True:
            r = self.req("GET", path + "?limit=2" + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200, r)
            body = r.json()
            self.assertEqual(set(body), {"items", "next_cursor"})
            pages.append([m["email"] for m in body["items"]])
            cursor = body["next_cursor"]
            if cursor is None:
                break
            self.assertEqual(cursor, pages[-1][-1])
        self.assertEqual(pages, [["m1@ats31.it", "m2@ats31.it"], ["m3@ats31.it", "m4@ats31.it"], ["m5@ats31.it"]])
        # Exactly a page's worth: no next page announced.
        r = self.req("GET", path + "?limit=5")
        self.assertEqual(len(r.json()["items"]), 5)
        self.assertIsNone(r.json()["next_cursor"])
        # Without limit: the default page (50) holds them all.
        self.assertEqual([m["email"] for m in self.req("GET", path).json()["items"]], sorted(emails))
        self.assertEqual(self.req("GET", path + "?cursor=m5@ats31.it").json(), {"items": [], "next_cursor": None})
        for bad in ("?limit=0", "?limit=501", "?limit=x", "?cursor="):
            self.assertEqual(self.req("GET", path + bad).status, 400, bad)

    def test_ids_have_one_spelling(self):
        # Ids in paths, queries and cursors are read one way: digits, no
        # sign, no leading zero, not 0.
        t = dict(ATS20, slug="ats-32", code="ATS 32", name="Ambito Territoriale Sociale 32",
                 comuni=[{"istat_code": "109032", "name": "Altro comune di prova", "population": 1000}])
        self.assertEqual(self.req("POST", "/api/v1/tenants", t).status, 201)
        r = self.req("POST", "/api/v1/tenants/ats-32/members", {"email": "idtest@ats32.it", "role": "ats_viewer"})
        self.assertEqual(r.status, 201, r)
        uid = r.json()["user_id"]
        self.assertEqual(self.req("GET", "/api/v1/users/%d" % uid).status, 200)
        for bad in ("0%d" % uid, "+%d" % uid, "0", "-1", "%d.0" % uid, "1" * 19):
            self.assertEqual(self.req("GET", "/api/v1/users/" + bad).status, 404, bad)
        for bad in ("0%d" % uid, "+%d" % uid, "0", "x"):
            self.assertEqual(self.req("DELETE", "/api/v1/tenants/ats-32/members?user_id=" + bad).status, 400, bad)
        # A cursor that is not an id is refused, never read as "from the start".
        for path in ("/api/v1/users", "/api/v1/audit"):
            for bad in ("abc", "0", "-5", "01"):
                self.assertEqual(self.req("GET", path + "?cursor=" + bad).status, 400, (path, bad))
        first = self.req("GET", "/api/v1/users?limit=1").json()
        self.assertIsNotNone(first["next_cursor"])
        second = self.req("GET", "/api/v1/users?limit=1&cursor=" + first["next_cursor"]).json()
        self.assertGreater(second["items"][0]["id"], first["items"][0]["id"])

    def test_audit_for_admin_with_filters(self):
        r = self.req("GET", "/api/v1/audit?tenant=ats-20&limit=2")
        self.assertEqual(r.status, 200)
        page = r.json()
        self.assertLessEqual(len(page["items"]), 2)
        self.assertTrue(all(a["tenant"] == "ats-20" for a in page["items"]))
        self.assertEqual(self.req("GET", "/api/v1/audit?since=yesterday").status, 400)
        self.assertEqual(self.req("GET", "/api/v1/audit?limit=501").status, 400)
        r = self.req("GET", "/api/v1/audit?since=2000-01-01T00:00:00Z&limit=500")
        created = [a for a in r.json()["items"] if a["route"] == "/api/v1/tenants" and a["method"] == "POST"]
        self.assertEqual(created[-1]["object"], "/api/v1/tenants/ats-20")
        self.assertEqual(created[-1]["user_email"], "admin@regione.it")
        self.assertEqual(created[-1]["role"], "region_admin")


if __name__ == "__main__":
    harness.main()
