"""Tenant isolation, walked over the router's own table: every route whose
path names a {tenant} is called, as a member of another tenant and as a
university user not assigned to it, and must answer 404 exactly as for a
tenant that does not exist. New routes are covered without editing this file."""

import json
import re
import subprocess
import unittest

import harness

# Plausible values for the other path parameters: the tenant check must come
# first, so they only need to look real.
PARAM_VALUES = {"cycle": "2020-2022", "key": "A.1.2", "id": "1", "revision": "1", "other": "2"}
PASSWORD = "Isolamento-2021!"


def routes():
    out = subprocess.run([harness.program("ambitod"), "--list-routes"], check=True, capture_output=True,
                         text=True).stdout
    rows = []
    for line in out.splitlines():
        method, pattern, _source, *flags = line.split()
        if "page" in flags:
            continue  # pages answer HTML to a session; test_web walks them
        rows.append((method, pattern, set(flags)))
    return rows


def fill(pattern, tenant):
    def sub(m):
        name = m.group(1)
        return tenant if name == "tenant" else PARAM_VALUES.get(name, "1")
    return re.sub(r"\{([a-z_]+)\}", sub, pattern)


class Isolation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.db.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-a', 'ATS A', 'Ambito A'),"
                   " ('ats-b', 'ATS B', 'Ambito B')")
        users = [("admin@x.it", "region_admin", []), ("coord-b@x.it", "ats_coordinator", ["ats-b"]),
                 ("uni-b@x.it", "university", ["ats-b"])]
        for email, role, tenants in users:
            args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
            for t in tenants:
                args += ["--tenant", t]
            harness.ctl_ok(cls.db, *args, input=PASSWORD + "\n")
        cls.server = harness.Server(cls.db)
        cls.tokens = {}
        for email, _, _ in users:
            r = cls.server.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
            assert r.status == 200, r
            cls.tokens[email] = r.json()["access_token"]
        # Chosen by the pattern, not by the ROUTE_TENANT flag under test: a
        # route that forgot the flag is attacked all the same. The public
        # documents (unscoped) are in the walk too: until publication they
        # must not tell an existing tenant from a missing one either.
        cls.tenant_routes = [r for r in routes() if "{tenant}" in r[1]]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.db.drop()

    def call(self, method, path, who):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        return self.server.request(method, path, body, token=self.tokens[who], headers={"If-Match": '"x"'})

    def test_the_walk_covers_routes(self):
        # The table has tenant routes: a walk over nothing would prove nothing.
        patterns = {p for _, p, _ in self.tenant_routes}
        self.assertIn("/api/v1/tenants/{tenant}", patterns)
        self.assertIn("/api/v1/tenants/{tenant}/members", patterns)

    def test_every_tenant_route_is_scoped_or_public(self):
        # The router refuses at start-up a {tenant} route without the flag;
        # the listing shows what it let through.
        for method, pattern, flags in self.tenant_routes:
            with self.subTest(method=method, route=pattern):
                self.assertTrue("tenant" in flags or {"public", "unscoped"} <= flags, flags)
        unscoped = {p for _, p, f in self.tenant_routes if "unscoped" in f}
        self.assertEqual(unscoped, {"/api/v1/public/tenants/{tenant}/plans/{cycle}", "/public/{tenant}/{cycle}",
                                    "/api/v1/public/tenants/{tenant}/stakeholders", "/partecipa/{tenant}/enti",
                                    "/api/v1/public/tenants/{tenant}/plans/{cycle}/history"})

    def test_other_tenant_member_gets_404_everywhere(self):
        self.walk("coord-b@x.it")

    def test_unassigned_university_gets_404_everywhere(self):
        self.walk("uni-b@x.it")

    def walk(self, who):
        missing = None
        for method, pattern, _ in self.tenant_routes:
            with self.subTest(method=method, route=pattern, caller=who):
                r = self.call(method, fill(pattern, "ats-a"), who)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.headers.get("Content-Type"), "application/problem+json")
                # Indistinguishable from a tenant that does not exist.
                n = self.call(method, fill(pattern, "ats-zz"), who)
                self.assertEqual(n.status, 404)
                a, b = r.json(), n.json()
                a.pop("request_id"), b.pop("request_id")
                self.assertEqual(a, b)
                missing = r
        self.assertIsNotNone(missing)

    def test_own_tenant_and_region_are_visible(self):
        # The same calls succeed for those who may see the tenant, so the 404s
        # above come from isolation, not from a broken route.
        for who, slug in (("coord-b@x.it", "ats-b"), ("uni-b@x.it", "ats-b"), ("admin@x.it", "ats-a")):
            r = self.server.request("GET", "/api/v1/tenants/" + slug, token=self.tokens[who])
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["slug"], slug)

    def test_tenant_list_shows_only_visible(self):
        for who, want in (("coord-b@x.it", ["ats-b"]), ("uni-b@x.it", ["ats-b"]), ("admin@x.it", ["ats-a", "ats-b"])):
            r = self.server.request("GET", "/api/v1/tenants", token=self.tokens[who])
            self.assertEqual(r.status, 200)
            self.assertEqual([t["slug"] for t in r.json()["items"]], want)

    def test_visible_but_not_allowed_is_403(self):
        # The university user sees ats-b but may not change it.
        r = self.server.request("PATCH", "/api/v1/tenants/ats-b", {"name": "X"}, token=self.tokens["uni-b@x.it"],
                                headers={"If-Match": '"t1"'})
        self.assertEqual(r.status, 403)


if __name__ == "__main__":
    harness.main()
