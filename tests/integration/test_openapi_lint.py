"""The OpenAPI document a real ambitod serves, checked by two independent
linters: Redocly CLI and Spectral, installed from tests/lint/package-lock.json
(deploy/install-deps runs npm ci there) and configured by the rulesets in
tests/lint/. Both must report no error and no warning; the rules turned off
say why in those files. The document is fetched over HTTP, as a client would."""

import json
import os
import re
import subprocess
import tempfile
import unittest

import harness

LINT_DIR = os.path.join(harness.source_dir(), "tests", "lint")
LINT_TIMEOUT_S = 120
PASSWORD = "Documento-2021!"


def tool(name):
    path = os.path.join(LINT_DIR, "node_modules", ".bin", name)
    if not os.access(path, os.X_OK):
        raise AssertionError("%s is not installed: run npm ci in tests/lint "
                             "(deploy/install-deps does)" % path)
    return path


def run(args):
    env = dict(os.environ)
    # No usage report, update check or banner: the lint runs offline.
    env.update({"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
                "NO_UPDATE_NOTIFIER": "1", "NO_COLOR": "1"})
    return subprocess.run(args, cwd=LINT_DIR, env=env, capture_output=True, text=True,
                          timeout=LINT_TIMEOUT_S)


class OpenApiLint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.db.sql("INSERT INTO tenants (slug, code, name) VALUES ('ats-a', 'ATS A', 'Ambito A')")
        # A public map of local bodies exists only once a body on it is public.
        cls.db.sql("INSERT INTO participation_stakeholders (tenant_id, name, kind, public)"
                   " SELECT id, 'Comune A', 'Comune', 1 FROM tenants WHERE slug = 'ats-a'")
        harness.ctl_ok(cls.db, "user", "add", "--email", "lint-admin@x.it", "--role", "region_admin",
                       "--password-stdin", input=PASSWORD + "\n")
        cls.server = harness.Server(cls.db)
        r = cls.server.request("POST", "/api/v1/auth/login", {"email": "lint-admin@x.it", "password": PASSWORD})
        assert r.status == 200, r
        cls.token = r.json()["access_token"]
        r = cls.server.request("GET", "/api/v1/openapi.json")
        assert r.status == 200, r
        cls.doc = r.json()
        cls.tmp = tempfile.TemporaryDirectory(prefix="ambito-openapi-")
        cls.path = os.path.join(cls.tmp.name, "openapi.json")
        with open(cls.path, "wb") as f:
            f.write(r.body)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.db.drop()
        cls.tmp.cleanup()

    def test_redocly(self):
        p = run([tool("redocly"), "lint", "--config", os.path.join(LINT_DIR, "redocly.yaml"),
                 "--format", "json", self.path])
        self.assertTrue(p.stdout.strip(), p.stderr[-2000:])
        report = json.loads(p.stdout)
        problems = ["%s %s %s" % (pr["severity"], pr["ruleId"], pr["location"][0]["pointer"])
                    for pr in report["problems"]]
        self.assertEqual(report["totals"]["errors"], 0, "\n".join(problems))
        self.assertEqual(report["totals"]["warnings"], 0, "\n".join(problems))
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])

    def test_spectral(self):
        p = run([tool("spectral"), "lint", "--ruleset", os.path.join(LINT_DIR, ".spectral.yaml"),
                 "--format", "json", "--fail-severity", "warn", "--quiet", self.path])
        problems = json.loads(p.stdout or "[]")
        lines = ["%d %s %s" % (pr["severity"], pr["code"], ".".join(map(str, pr["path"]))) for pr in problems]
        self.assertEqual([ln for ln in lines if ln.startswith("0 ")], [], "errors:\n" + "\n".join(lines))
        self.assertEqual(lines, [], "warnings")
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])

    def test_the_linters_see_a_real_document(self):
        # A linter run over an empty document would prove nothing: the one
        # linted has every route, with its declared parameters.
        ops = {(m, path): op for path, item in self.doc["paths"].items() for m, op in item.items()}
        self.assertGreater(len(ops), 50)
        names = lambda op: {(p["in"], p["name"]) for p in op.get("parameters", [])}
        self.assertEqual(names(ops[("get", "/api/v1/cycles/{cycle}/compare/coverage")]),
                         {("path", "cycle"), ("query", "by"), ("query", "source"), ("query", "format")})
        self.assertIn(("header", "If-Match"),
                      names(ops[("put", "/api/v1/tenants/{tenant}/plans/{cycle}/sections/{key}")]))

    def test_declared_paging_is_read(self):
        # The document says which lists page: those answer 400 to limit=0
        # and limit=501, the others ignore limit. Every GET whose path can
        # be filled without fixtures beyond a tenant is called.
        tried = 0
        for path, item in self.doc["paths"].items():
            op = item.get("get")
            if op is None or re.search(r"\{(?!tenant\})[^}]+\}", path):
                continue
            target = path.replace("{tenant}", "ats-a")
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            for limit in ("0", "501"):
                with self.subTest(path=path, limit=limit):
                    r = self.server.request("GET", "%s?limit=%s" % (target, limit), token=self.token)
                    if "limit" in declared:
                        self.assertEqual(r.status, 400, r)
                    else:
                        self.assertLess(r.status, 300, r)
            tried += 1
        self.assertGreaterEqual(tried, 10)
        paged = {p for p, item in self.doc["paths"].items()
                 if any(x["name"] == "limit" for x in item.get("get", {}).get("parameters", []))}
        self.assertLessEqual({"/api/v1/users", "/api/v1/tenants", "/api/v1/audit", "/api/v1/cycles",
                              "/api/v1/tenants/{tenant}/plans"}, paged)


if __name__ == "__main__":
    harness.main()
