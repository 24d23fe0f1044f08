"""Single sign-on against a real OpenID Connect provider: the npm package
oidc-provider (tests/oidc/provider.mjs) on loopback, driven as a browser
would — ambitod's /accesso/sso, the provider's login and consent forms,
back to /accesso/sso/ritorno — with the browser's cookies kept per port.
The provider can spoil the ID token it hands out (a word in a file it reads
at every token request), so each forged token is refused by ambitod."""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
from html.parser import HTMLParser

import harness

NODE = shutil.which("node") or "/usr/bin/node"
PROVIDER = os.path.join(harness.source_dir(), "tests", "oidc", "provider.mjs")
CLIENT_ID = "ambito-regione"
CLIENT_SECRET = "un-segreto-del-client-di-prova"
JWKS_REFETCH_S = 10  # SSO_JWKS_REFETCH_S
START_S = 30

REVIEWER = "revisore.sso@regione.prova.invalid"
ACCOUNTS = {
    "revisore": {"email": REVIEWER.upper()},  # matched after lowercasing
    "sconosciuto": {"email": "nessuno@regione.prova.invalid"},
    "disattivato": {"email": "disattivato.sso@regione.prova.invalid"},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, port, redirect_uri, key_dir, tamper_file, kids="k1"):
        self.port = port
        self.issuer = "http://127.0.0.1:%d" % port
        env = dict(os.environ, PORT=str(port), CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET,
                   REDIRECT_URI=redirect_uri, ACCOUNTS=json.dumps(ACCOUNTS), KEY_DIR=key_dir, KIDS=kids,
                   TAMPER_FILE=tamper_file)
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([NODE, PROVIDER], env=env, stdout=subprocess.PIPE, stderr=self.log,
                                     cwd=os.path.dirname(PROVIDER))
        line = self.proc.stdout.readline().decode()
        if "listening" not in line:
            self.log.seek(0)
            raise RuntimeError("the provider did not start: %s" % self.log.read().decode())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Forms(HTMLParser):
    """The first form of a page: its action and its inputs."""

    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("name"):
            self.fields.setdefault(a["name"], a.get("value") or "")


class Browser:
    """Cookies per port (both servers are 127.0.0.1), no automatic redirects."""

    def __init__(self):
        self.jar = {}

    def go(self, method, url, form=None):
        u = urllib.parse.urlsplit(url)
        cookies = self.jar.setdefault(u.port, {})
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=headers)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        for h in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = h.partition("=")
            value = rest.split(";")[0]
            if "max-age=0" in h.lower() or "expires=thu, 01 jan 1970" in h.lower():
                cookies.pop(name, None)
            else:
                cookies[name] = value
        c.close()
        return r.status, r.headers, data


class SingleSignOn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        for email, active in ((REVIEWER, True), (ACCOUNTS["disattivato"]["email"], False)):
            harness.ctl_ok(cls.db, "user", "add", "--email", email, "--role", "region_reviewer", "--name",
                           "Revisore di prova", "--password-stdin", input="una-password-lunga-di-prova\n")
            if not active:
                cls.db.sql("UPDATE users SET active = 0 WHERE email = '%s'" % email)
        cls.tmp = tempfile.mkdtemp(prefix="ambito-sso-")
        cls.tamper = os.path.join(cls.tmp, "tamper")
        open(cls.tamper, "w").close()
        cls.ambito_port = free_port()
        cls.base = "http://127.0.0.1:%d" % cls.ambito_port
        cls.redirect = cls.base + "/accesso/sso/ritorno"
        cls.provider = Provider(free_port(), cls.redirect, cls.tmp, cls.tamper)
        cls.srv = harness.Server(cls.db, listen="127.0.0.1:%d" % cls.ambito_port, env={
            "AMBITO_OIDC_ISSUER": cls.provider.issuer, "AMBITO_OIDC_CLIENT_ID": CLIENT_ID,
            "AMBITO_OIDC_CLIENT_SECRET": CLIENT_SECRET, "AMBITO_PUBLIC_URL": cls.base})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.provider.stop()
        cls.db.drop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.spoil("")

    def spoil(self, mode):
        with open(self.tamper, "w") as f:
            f.write(mode)

    def login(self, login, browser=None, before_return=None):
        """Runs the whole flow; the answer of ambitod's return page."""
        b = browser or Browser()
        status, headers, _ = b.go("GET", self.base + "/accesso/sso")
        self.assertEqual(status, 303)
        url = headers["Location"]
        self.assertTrue(url.startswith(self.provider.issuer + "/auth?"), url)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertEqual(q["code_challenge_method"], ["S256"])
        self.assertEqual(q["redirect_uri"], [self.redirect])
        for _ in range(20):
            if url.startswith(self.redirect):
                if before_return:
                    before_return(b, url)
                return b.go("GET", url) + (b, url)
            status, headers, page = b.go("GET", url)
            while status == 200:
                f = Forms()
                f.feed(page)
                self.assertIsNotNone(f.action, page[:500])
                fields = dict(f.fields)
                if "login" in fields:
                    fields.update(login=login, password="qualunque")
                status, headers, page = b.go("POST", urllib.parse.urljoin(url, f.action), fields)
            self.assertIn(status, (302, 303), page[:500])
            url = urllib.parse.urljoin(url, headers["Location"])
        self.fail("the flow did not come back to ambitod")

    def key_reads(self):
        return [ln["msg"] for ln in self.srv.log_lines() if "signing keys read" in ln.get("msg", "")]

    def audit_details(self):
        return [row[0] for row in self.db.sql("SELECT detail FROM audit_log ORDER BY id")]

    def test_a_login_through_the_provider_opens_a_session(self):
        status, headers, page, b, _ = self.login("revisore")
        self.assertEqual(status, 303, page[:800])
        self.assertEqual(headers["Location"], "/")
        self.assertIn("ambito_sessione", b.jar[self.ambito_port])
        self.assertNotIn("ambito_sso", b.jar[self.ambito_port])  # the state cookie is spent
        status, _, home = b.go("GET", self.base + "/")
        self.assertEqual(status, 200)
        self.assertIn("Esci", home)
        self.assertNotIn('name="password"', home)
        self.assertIn("browser session (single sign-on)", self.audit_details())

    def test_b_keys_rotated_by_the_provider_are_fetched_again(self):
        status, _, page, _, _ = self.login("revisore")
        self.assertEqual(status, 303, page[:800])
        fetched = len(self.key_reads())
        # The provider retires k1 and signs with a new key k2.
        self.provider.stop()
        type(self).provider = Provider(self.provider.port, self.redirect, self.tmp, self.tamper, kids="k2")
        time.sleep(JWKS_REFETCH_S + 1)
        status, _, page, _, _ = self.login("revisore")
        self.assertEqual(status, 303, page[:800])
        lines = self.key_reads()
        self.assertEqual(len(lines), fetched + 1)
        self.assertEqual(lines[-1], "sso: 1 signing keys read from the provider")

    def test_forged_tokens_are_refused(self):
        cases = {
            "signature": "la firma del token d’identità non è valida",
            "none": "la firma del token d’identità non è valida",
            "hs256": "la firma del token d’identità non è valida",
            "aud": "il token d’identità non è destinato a questo servizio",
            "iss": "il token d’identità è di un altro emittente",
            "expired": "il token d’identità è scaduto",
            "nonce": "il token d’identità non appartiene a questo accesso",
        }
        for mode, reason in cases.items():
            with self.subTest(mode=mode):
                self.spoil(mode)
                status, headers, page, b, _ = self.login("revisore")
                self.assertEqual(status, 401, page[:800])
                self.assertIn(reason, page)
                self.assertNotIn("ambito_sessione", b.jar[self.ambito_port])
                self.assertIn("sso login refused: " + reason, self.audit_details())

    def test_unknown_or_inactive_subject_gets_a_page_not_an_account(self):
        users_before = self.db.sql("SELECT COUNT(*) FROM users")
        for login in ("sconosciuto", "disattivato"):
            with self.subTest(login=login):
                status, _, page, b, _ = self.login(login)
                self.assertEqual(status, 403)
                self.assertIn("Nessun account attivo di ambito corrisponde a questa identità", page)
                self.assertNotIn("ambito_sessione", b.jar[self.ambito_port])
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users"), users_before)

    def test_the_return_belongs_to_the_browser_that_started_and_is_spent_once(self):
        # Another browser (without the state cookie) cannot use the return link.
        def hand_over(b, url):
            b.jar[self.ambito_port].pop("ambito_sso")
        status, _, page, _, _ = self.login("revisore", before_return=hand_over)
        self.assertEqual(status, 400)
        self.assertIn("ricomincia dalla pagina di accesso", page)
        # The same browser cannot replay it.
        status, _, _, b, url = self.login("revisore")
        self.assertEqual(status, 303)
        b.jar[self.ambito_port]["ambito_sso"] = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["state"][0]
        status, _, page = b.go("GET", url)
        self.assertEqual(status, 400)

    def test_login_page_offers_the_provider(self):
        page = self.srv.request("GET", "/").text
        self.assertIn('href="/accesso/sso"', page)
        self.assertIn("Entra con l’identità digitale (SPID, CIE)", page)
        self.assertIn('name="password"', page)  # passwords still allowed here


class PasswordLoginSwitchedOff(unittest.TestCase):
    def test_passwords_log_nobody_in(self):
        with harness.Database() as db:
            db.migrate()
            harness.ctl_ok(db, "user", "add", "--email", REVIEWER, "--role", "region_reviewer", "--name", "R",
                           "--password-stdin", input="una-password-lunga-di-prova\n")
            env = {"AMBITO_OIDC_ISSUER": "http://127.0.0.1:9", "AMBITO_OIDC_CLIENT_ID": CLIENT_ID,
                   "AMBITO_OIDC_CLIENT_SECRET": CLIENT_SECRET, "AMBITO_PUBLIC_URL": "http://127.0.0.1:8080",
                   "AMBITO_PASSWORD_LOGIN": "0"}
            with harness.Server(db, env=env) as srv:
                r = srv.request("POST", "/api/v1/auth/login",
                                {"email": REVIEWER, "password": "una-password-lunga-di-prova"})
                self.assertEqual(r.status, 403)
                self.assertIn("accesso con password è disattivato", r.json()["detail"])
                page = srv.request("GET", "/").text
                self.assertNotIn('name="password"', page)
                self.assertIn('href="/accesso/sso"', page)
                # The provider is down: an Italian page, not a hang or a 500.
                r = srv.request("GET", "/accesso/sso")
                self.assertEqual(r.status, 503)
                self.assertIn("Il servizio di accesso della Regione non risponde", r.text)

    def test_switching_passwords_off_without_a_provider_is_refused(self):
        with harness.Database() as db:
            db.migrate()
            code, err = harness.run_refused_ambitod(self, db, extra={"AMBITO_PASSWORD_LOGIN": "0"})
            self.assertNotEqual(code, 0)
            self.assertIn("password_login = 0 richiede l'accesso unico", err)


if __name__ == "__main__":
    harness.main()
