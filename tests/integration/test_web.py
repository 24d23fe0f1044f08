"""The web interface's ground over HTTP: the Content-Security-Policy of every
page, the session cookie and how it is stored, the CSRF refusal, logout,
idle and absolute expiry, the static files (and that no path leaves their
list), the 404 page of another ATS, and that a session never opens the API.
Runs on the demo data (ambitoctl import + demo-load)."""

import hashlib
import html
import json
import os
import re
import unittest
import urllib.parse

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
ASSETS = os.path.join(harness.source_dir(), "core", "web", "assets")
KIT = os.path.join(ASSETS, "node_modules", "bootstrap-italia", "dist")

with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
UNIVERSITY = "universita@demo.ambito.invalid"
REGION = "Regione Marche di prova"
IDLE_S, LIFETIME_S = 60, 300
COOKIE = "ambito_sessione"


def cookie_of(r):
    """The session cookie's value set by r, or None."""
    sc = r.headers.get("Set-Cookie")
    if sc is None:
        return None
    name, _, rest = sc.partition("=")
    return rest.split(";")[0] if name == COOKIE else None


class Web(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db, env={
            "AMBITO_REGION_NAME": REGION,
            "AMBITO_SESSION_IDLE_TIMEOUT": str(IDLE_S),
            "AMBITO_SESSION_LIFETIME": str(LIFETIME_S)})
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    # -- helpers

    def get(self, path, cookie=None, headers=None):
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = "%s=%s" % (COOKIE, cookie)
        return self.srv.request("GET", path, headers=h)

    def post_form(self, path, fields, cookie=None, origin=True, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin:
            h["Origin"] = self.origin
            h["Sec-Fetch-Site"] = "same-origin"
        if cookie:
            h["Cookie"] = "%s=%s" % (COOKIE, cookie)
        h.update(headers or {})
        return self.srv.request("POST", path, urllib.parse.urlencode(fields), headers=h)

    def login(self, email):
        r = self.post_form("/accesso", {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers.get("Location"), "/")
        token = cookie_of(r)
        self.assertIsNotNone(token)
        return token

    def csrf_of(self, page):
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        self.assertIsNotNone(m, "no CSRF field in the page")
        return m.group(1)

    def assertPage(self, r, status):
        self.assertEqual(r.status, status, r.text[:800])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        csp = r.headers.get("Content-Security-Policy", "")
        directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
        self.assertEqual(directives.get("default-src"), ["'self'"], csp)
        self.assertEqual(directives.get("frame-ancestors"), ["'none'"], csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        body = r.text
        self.assertIn('<html lang="it">', body)
        # Nothing inline the policy would have to allow.
        self.assertNotRegex(body, r"<script(?![^>]*\bsrc=)")
        self.assertNotIn("<style", body)
        self.assertNotRegex(body, r"\sstyle=")
        self.assertNotRegex(body, r"\son[a-z]+=")
        return body

    def logged_in(self, token):
        r = self.get("/", token)
        self.assertPage(r, 200)
        return ">Esci</button>" in r.text

    # -- pages, headers, cookie

    def test_login_page(self):
        body = self.assertPage(self.get("/"), 200)
        self.assertIn(html.escape(REGION, quote=False), body)
        self.assertIn('<label for="campo-email">Email</label>', body)
        self.assertIn('<label for="campo-password">Password</label>', body)
        self.assertIn('href="/accessibilita"', body)
        self.assertIn('href="#contenuto"', body)
        self.assertPage(self.get("/accessibilita"), 200)

    def test_cookie_flags_and_stored_hash(self):
        r = self.post_form("/accesso", {"email": COORD_1, "password": PASSWORDS[COORD_1]})
        self.assertEqual(r.status, 303)
        sc = r.headers["Set-Cookie"]
        attrs = [a.strip() for a in sc.split(";")]
        self.assertIn("HttpOnly", attrs)
        self.assertIn("SameSite=Lax", attrs)
        self.assertIn("Path=/", attrs)
        self.assertNotIn("Secure", attrs)  # plain HTTP here
        token = cookie_of(r)
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")  # 256 bits, base64url
        # Only the SHA-256 of the token is in the database.
        want = hashlib.sha256(token.encode()).hexdigest().upper()
        rows = self.db.sql("SELECT HEX(id_hash) FROM sessions")
        self.assertIn([want], [list(x) for x in rows])
        dump = json.dumps(self.db.sql("SELECT * FROM sessions"))
        self.assertNotIn(token, dump)
        self.assertTrue(self.logged_in(token))

    def test_wrong_password_is_an_italian_page(self):
        r = self.post_form("/accesso", {"email": COORD_1, "password": "sbagliata"})
        body = self.assertPage(r, 401)
        self.assertIn("Email o password non corretti.", body)
        self.assertIsNone(cookie_of(r))
        # What was typed stays in the field; the password does not.
        self.assertIn('value="%s"' % COORD_1, body)
        self.assertNotIn("sbagliata", body)
        r = self.post_form("/accesso", {"email": "", "password": ""})
        body = self.assertPage(r, 422)
        self.assertIn('href="#campo-email"', body)
        self.assertIn("Scrivi la password.", body)

    def test_login_is_throttled_like_the_api(self):
        email = UNIVERSITY
        statuses = [self.post_form("/accesso", {"email": email, "password": "no-%d" % i}).status for i in range(7)]
        self.assertEqual(statuses[:5], [401] * 5)
        self.assertIn(429, statuses[5:])  # blocked from the 6th or 7th failure on, as the API
        r = self.post_form("/accesso", {"email": email, "password": PASSWORDS[email]})
        body = self.assertPage(r, 429)
        self.assertIn("Troppi tentativi", body)
        self.assertGreater(int(r.headers["Retry-After"]), 0)
        self.assertIsNone(cookie_of(r))
        # The API sees the same block.
        a = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(a.status, 429)
        self.db.sql("DELETE FROM login_throttle")

    def test_session_never_opens_the_api(self):
        token = self.login(COORD_1)
        for path in ("/api/v1/me", "/api/v1/tenants/ats-1"):
            r = self.get(path, token)
            self.assertEqual(r.status, 401, path)
            self.assertEqual(r.headers.get("Content-Type"), "application/problem+json")

    def test_pages_need_a_session(self):
        r = self.get("/ats/ats-1")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers.get("Location"), "/")
        # A Bearer token does not open a page either.
        api = self.srv.request("POST", "/api/v1/auth/login", {"email": COORD_1, "password": PASSWORDS[COORD_1]})
        r = self.srv.request("GET", "/ats/ats-1", token=api.json()["access_token"])
        self.assertEqual(r.status, 303)

    # -- CSRF and logout

    def test_form_without_csrf_changes_nothing(self):
        token = self.login(COORD_1)
        page = self.get("/", token)
        csrf = self.csrf_of(page)
        sessions = self.db.sql("SELECT COUNT(*) FROM sessions")[0][0]
        for fields, origin, extra in (({}, True, None),
                                      ({"csrf": "x" * 43}, True, None),
                                      ({"csrf": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}, True, None),
                                      ({"csrf": csrf}, True, {"Origin": "http://evil.example"}),
                                      ({"csrf": csrf}, True, {"Sec-Fetch-Site": "cross-site"})):
            with self.subTest(fields=fields, extra=extra):
                r = self.post_form("/esci", fields, token, origin=origin, headers=extra)
                body = self.assertPage(r, 403)
                self.assertIn("Accesso negato", body)
                self.assertIn("nulla è stato modificato", body)
                self.assertIsNone(cookie_of(r))
                self.assertTrue(self.logged_in(token))
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM sessions")[0][0], sessions)
        refused = self.db.sql("SELECT COUNT(*) FROM audit_log WHERE route = '/esci' AND status = 403")[0][0]
        self.assertGreaterEqual(int(refused), 5)

    def test_logout_ends_the_session(self):
        token = self.login(COORD_1)
        csrf = self.csrf_of(self.get("/", token))
        login_id = self.db.sql("SELECT login_id FROM sessions WHERE id_hash = UNHEX('%s')"
                               % hashlib.sha256(token.encode()).hexdigest())[0][0]
        r = self.post_form("/esci", {"csrf": csrf}, token)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers.get("Location"), "/")
        self.assertIn("Max-Age=0", r.headers["Set-Cookie"])
        self.assertFalse(self.logged_in(token))
        self.assertEqual(self.get("/ats/ats-1", token).status, 303)
        revoked = self.db.sql("SELECT revoked_at IS NOT NULL FROM logins WHERE id = %s" % login_id)[0][0]
        self.assertEqual(str(revoked), "1")

    # -- expiry

    def test_idle_and_absolute_expiry(self):
        token = self.login(COORD_1)
        h = hashlib.sha256(token.encode()).hexdigest()
        self.assertTrue(self.logged_in(token))
        self.db.sql("UPDATE sessions SET last_seen_at = NOW(6) - INTERVAL %d SECOND WHERE id_hash = UNHEX('%s')"
                    % (IDLE_S - 10, h))
        self.assertTrue(self.logged_in(token))  # used within the idle time: still on
        self.db.sql("UPDATE sessions SET last_seen_at = NOW(6) - INTERVAL %d SECOND WHERE id_hash = UNHEX('%s')"
                    % (IDLE_S + 5, h))
        r = self.get("/", token)
        self.assertNotIn(">Esci</button>", self.assertPage(r, 200))
        self.assertIn("Max-Age=0", r.headers.get("Set-Cookie", ""))
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM sessions WHERE id_hash = UNHEX('%s')" % h)[0][0], "0")

        token = self.login(COORD_1)
        h = hashlib.sha256(token.encode()).hexdigest()
        # Busy all along, but logged in longer ago than the lifetime.
        self.db.sql("UPDATE sessions SET created_at = NOW(6) - INTERVAL %d SECOND WHERE id_hash = UNHEX('%s')"
                    % (LIFETIME_S + 5, h))
        self.assertFalse(self.logged_in(token))

    def test_deactivated_user_is_out(self):
        token = self.login(COORD_20)
        self.assertTrue(self.logged_in(token))
        self.db.sql("UPDATE users SET active = 0 WHERE email = '%s'" % COORD_20)
        try:
            self.assertFalse(self.logged_in(token))
        finally:
            self.db.sql("UPDATE users SET active = 1 WHERE email = '%s'" % COORD_20)

    # -- the pages of plans

    def test_home_of_a_coordinator(self):
        token = self.login(COORD_1)
        body = self.assertPage(self.get("/", token), 200)
        complete = self.db.sql(
            "SELECT COUNT(*) FROM plan_sections s JOIN tenants t ON t.id = s.tenant_id"
            " WHERE t.slug = 'ats-1' AND s.revision = 0 AND s.status = 'complete'")[0][0]
        total = self.db.sql(
            "SELECT COUNT(*) FROM template_sections s JOIN cycles c ON c.id = s.cycle_id"
            " WHERE c.slug = '2020-2022'")[0][0]
        self.assertIn("%s su %s sezioni complete" % (complete, total), body)
        self.assertIn(">bozza<", body)
        self.assertIn("Cosa fare ora", body)
        self.assertIn('href="/ats/ats-1/piani/2020-2022"', body)

    def test_home_shows_the_regions_notes(self):
        token = self.login(COORD_7)
        body = self.assertPage(self.get("/", token), 200)
        self.assertIn(">modifiche richieste<", body)
        self.assertIn("Note della Regione", body)
        note = [p for p in DEMO_DOC["plans"] if p["tenant"] == "ats-7"][0]["review_note"]
        self.assertIn(html.escape(note[:60]), body)

    def test_plan_index(self):
        token = self.login(COORD_1)
        body = self.assertPage(self.get("/ats/ats-1/piani/2020-2022", token), 200)
        with open(MARCHE, encoding="utf-8") as f:
            sections = json.load(f)["template"]["sections"]
        # Every section of the template, in its order, each with a status.
        text = html.unescape(body)
        positions = [text.find('>%s</span> <a href="/ats/ats-1/piani/2020-2022/sezioni/%s">%s</a></th>'
                               % (s["key"], s["key"], s["title"])) for s in sections]
        self.assertNotIn(-1, positions)
        self.assertEqual(positions, sorted(positions))
        statuses = re.findall(r'ambito-status-(empty|partial|complete)">(vuota|parziale|completa)<', body)
        self.assertEqual(len(statuses), len(sections))
        self.assertTrue(all({"empty": "vuota", "partial": "parziale", "complete": "completa"}[a] == b
                            for a, b in statuses))
        for action in sections[3]["actions"] or []:
            self.assertIn(action, body)
        self.assertIn("<h2>Introduzione</h2>", body)

    def test_other_ats_is_the_same_404_page(self):
        token = self.login(COORD_1)
        for path in ("/ats/ats-20", "/ats/ats-20/piani/2020-2022"):
            other = self.get(path, token)
            missing = self.get(path.replace("ats-20", "ats-nessuno"), token)
            body = self.assertPage(other, 404)
            self.assertIn("Pagina non trovata", body)
            self.assertEqual(missing.status, 404)
            self.assertEqual(other.text, missing.text)
        body = self.assertPage(self.get("/ats/ats-1/piani/1999-2001", token), 404)
        self.assertIn("Pagina non trovata", body)

    def test_every_tenant_page_of_another_ats_is_the_404_page(self):
        # Every page route with {tenant}, from the route table itself, as
        # ATS 1's coordinator on ATS 20: the same page as a missing ATS, and
        # a POST with a valid CSRF token is refused the same way.
        import subprocess
        out = subprocess.run([harness.program("ambitod"), "--list-routes"], check=True,
                             capture_output=True, text=True).stdout
        pages = [ln.split()[:2] for ln in out.splitlines()
                 if "page" in ln.split()[3:] and "{tenant}" in ln]
        self.assertGreaterEqual(len(pages), 4, out)
        values = {"cycle": "2020-2022", "key": "I.1"}
        token = self.login(COORD_1)
        csrf = self.csrf_of(self.get("/", token))  # a valid token: scoping is what refuses
        for method, pattern in pages:
            path = re.sub(r"\{([a-z_]+)\}", lambda m: "ats-20" if m.group(1) == "tenant"
                          else values.get(m.group(1), "1"), pattern)
            with self.subTest(route="%s %s" % (method, pattern)):
                if method == "GET":
                    other = self.get(path, token)
                    missing = self.get(path.replace("ats-20", "ats-nessuno"), token)
                else:
                    other = self.post_form(path, {"csrf": csrf}, token)
                    missing = self.post_form(path.replace("ats-20", "ats-nessuno"), {"csrf": csrf}, token)
                self.assertPage(other, 404)
                self.assertEqual(other.text, missing.text)

    def test_printable_draft_for_the_browser(self):
        # The draft document the API serves to a Bearer token, here to the
        # session: linked from the plan index, marked BOZZA, with the
        # document's own CSP; another ATS's is the 404 page.
        token = self.login(COORD_1)
        index = self.get("/ats/ats-1/piani/2020-2022", token)
        self.assertIn('href="/ats/ats-1/piani/2020-2022/bozza"', index.text)
        r = self.get("/ats/ats-1/piani/2020-2022/bozza", token)
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        self.assertIn("BOZZA", r.text)
        self.assertIn("default-src 'none'", r.headers["Content-Security-Policy"])
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        self.assertPage(self.get("/ats/ats-20/piani/2020-2022/bozza", token), 404)
        anonymous = self.get("/ats/ats-1/piani/2020-2022/bozza")
        self.assertEqual((anonymous.status, anonymous.headers.get("Location")), (303, "/"))

    def test_region_and_university_homes(self):
        body = self.assertPage(self.get("/", self.login(REVIEWER)), 200)
        for slug in ("ats-1", "ats-7", "ats-13", "ats-20"):
            self.assertIn('href="/ats/%s/piani/2020-2022"' % slug, body)
        self.assertIn(">pubblicato<", body)

    # -- the section editor

    def section_row(self, slug, key):
        return self.db.sql(
            "SELECT s.version, s.status, s.content FROM plan_sections s JOIN tenants t ON t.id = s.tenant_id"
            " JOIN cycles c ON c.id = s.cycle_id WHERE t.slug = '%s' AND c.slug = '2020-2022'"
            " AND s.revision = 0 AND s.section_key = '%s'" % (slug, key))[0]

    def editor_form(self, page):
        body = page.text
        fields = {"csrf": self.csrf_of(page),
                  "versione": re.search(r'name="versione" value="(\d+)"', body).group(1)}
        for name, text in re.findall(r'name="(parte\.[a-z_0-9]+)"[^>]*>([^<]*)</textarea>', body):
            fields[name] = html.unescape(text)
        return fields

    def test_section_editor_saves_through_the_api_rules(self):
        token = self.login(COORD_1)
        url = "/ats/ats-1/piani/2020-2022/sezioni/I.1"
        with open(MARCHE, encoding="utf-8") as f:
            tpl = [x for x in json.load(f)["template"]["sections"] if x["key"] == "I.1"][0]
        page = self.get(url, token)
        body = self.assertPage(page, 200)
        for part in tpl["parts"]:
            self.assertIn('<label for="parte-%s">' % part["key"], body)
            self.assertIn('data-max-chars="%d"' % part["max_chars"], body)
        self.assertIn("(obbligatoria)", body)
        self.assertRegex(body, r'<script src="/static/[0-9a-f]+/counter\.js" defer></script>')
        fields = self.editor_form(page)
        first, second = tpl["parts"][0], tpl["parts"][1]
        # Script and markup are stored as text and shown escaped; CRLF arrives as LF.
        text = "Premessa <script>alert(1)</script> & \"virgolette\"\r\nseconda riga àèìòù"
        fields["parte." + first["key"]] = text
        fields["parte." + second["key"]] = "Nota tecnica."
        before = self.section_row("ats-1", "I.1")
        r = self.post_form(url, fields, token)
        self.assertEqual(r.status, 303, r.text[:600])
        self.assertEqual(r.headers["Location"], url + "?salvato=1")
        version, status, content = self.section_row("ats-1", "I.1")
        self.assertEqual(int(version), int(before[0]) + 1)
        self.assertEqual(status, "complete")
        stored = json.loads(content)
        self.assertEqual(stored["parts"][first["key"]], text.replace("\r\n", "\n"))
        page = self.get(url + "?salvato=1", token)
        body = self.assertPage(page, 200)
        self.assertIn("Sezione salvata.", body)
        self.assertNotIn("<script>alert", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
        # The index shows it complete, saved by the coordinator.
        index = self.get("/ats/ats-1/piani/2020-2022", token).text
        self.assertIn('href="%s">Premessa</a></th><td><span class="ambito-status ambito-status-complete">' % url,
                      index)

        # Over max_chars (in characters, not bytes): refused beside the field, nothing saved, text kept.
        fields = self.editor_form(page)
        long_text = "è" * (first["max_chars"] + 1)
        fields["parte." + first["key"]] = long_text
        r = self.post_form(url, fields, token)
        body = self.assertPage(r, 422)
        self.assertIn('href="#parte-%s"' % first["key"], body)
        self.assertIn('id="errore-%s"' % first["key"], body)
        # The guidelines' guidance, the counter and the error all describe the field.
        self.assertIn('aria-describedby="guida-%s conta-%s errore-%s"' % ((first["key"],) * 3), body)
        self.assertIn("massimo è 3.000", body)
        self.assertIn(long_text, body)
        self.assertEqual(self.section_row("ats-1", "I.1")[0], version)
        fields["parte." + first["key"]] = "è" * first["max_chars"]  # exactly the limit is fine
        self.assertEqual(self.post_form(url, fields, token).status, 303)

        # "Anteprima": the editor again with each part rendered, nothing saved.
        version = self.section_row("ats-1", "I.1")[0]
        fields = self.editor_form(self.get(url, token))
        fields["parte." + first["key"]] = "| A | B |\n|---|---|\n| 1 | <i>2</i> |\n\n- uno\n- due"
        fields["anteprima"] = "1"
        body = self.assertPage(self.post_form(url, fields, token), 200)
        self.assertIn("Anteprima: il testo non è ancora salvato.", body)
        self.assertIn('<section class="ambito-preview" id="anteprima-%s"' % first["key"], body)
        self.assertIn("<th>A</th>", body)
        self.assertIn("<td>&lt;i&gt;2&lt;/i&gt;</td>", body)
        self.assertIn("<li>uno</li>", body)
        self.assertNotIn("<i>2</i>", body)
        self.assertIn('name="versione" value="%s"' % version, body)
        self.assertEqual(self.section_row("ats-1", "I.1")[0], version)

    def test_stale_save_keeps_both_texts(self):
        url = "/ats/ats-1/piani/2020-2022/sezioni/I.3"
        a, b = self.login(COORD_1), self.login(COORD_1)
        form_a = self.editor_form(self.get(url, a))
        form_b = self.editor_form(self.get(url, b))
        key = [k for k in form_a if k.startswith("parte.")][0]
        form_a[key] = "Il testo di chi ha salvato per primo."
        self.assertEqual(self.post_form(url, form_a, a).status, 303)
        form_b[key] = "Il testo di chi salva per secondo."
        r = self.post_form(url, form_b, b)
        body = self.assertPage(r, 409)
        self.assertIn("Il testo di chi ha salvato per primo.", body)
        self.assertIn("Il testo di chi salva per secondo.", body)
        self.assertIn("Nessuna modifica è stata salvata", body)
        stored = json.loads(self.section_row("ats-1", "I.3")[2])
        self.assertEqual(stored["parts"][key[len("parte."):]], "Il testo di chi ha salvato per primo.")
        # The page carries the new version: saving the merged text now works.
        merged = self.editor_form(r)
        merged[key] = "Testo unito."
        self.assertEqual(self.post_form(url, merged, b).status, 303)

    def test_readers_cannot_save(self):
        viewer = "lettore.ats20@demo.ambito.invalid"
        token = self.login(viewer)
        url = "/ats/ats-20/piani/2020-2022/sezioni/I.1"
        body = self.assertPage(self.get(url, token), 200)
        self.assertNotIn("<textarea", body)
        before = self.section_row("ats-20", "I.1")
        csrf = self.csrf_of(self.get("/", token))
        r = self.post_form(url, {"csrf": csrf, "versione": before[0], "parte.premessa_politica": "x"}, token)
        self.assertPage(r, 403)
        # A coordinator of a published plan reads it, with the reason.
        token = self.login(COORD_20)
        body = self.assertPage(self.get(url, token), 200)
        self.assertNotIn("<textarea", body)
        self.assertIn("si può modificare solo in bozza", body)
        r = self.post_form(url, {"csrf": self.csrf_of(self.get("/", token)), "versione": before[0],
                                 "parte.premessa_politica": "x"}, token)
        self.assertPage(r, 409)
        self.assertEqual(self.section_row("ats-20", "I.1"), before)
        # Another ATS's section: the 404 page.
        self.assertPage(self.get("/ats/ats-20/piani/2020-2022/sezioni/I.1", self.login(COORD_1)), 404)
        self.assertPage(self.get("/ats/ats-1/piani/2020-2022/sezioni/Z.9", self.login(COORD_1)), 404)

    # -- static files

    def static_version(self):
        m = re.search(r'href="/static/([0-9a-f]+)/bootstrap-italia\.min\.css"', self.get("/").text)
        self.assertIsNotNone(m)
        return m.group(1)

    def test_static_files(self):
        v = self.static_version()
        cases = [("bootstrap-italia.min.css", os.path.join(KIT, "css", "bootstrap-italia.min.css"),
                  "text/css; charset=utf-8"),
                 ("bootstrap-italia.bundle.min.js", os.path.join(KIT, "js", "bootstrap-italia.bundle.min.js"),
                  "text/javascript; charset=utf-8"),
                 ("sprites.svg", os.path.join(KIT, "svg", "sprites.svg"), "image/svg+xml"),
                 ("titillium-web-600.woff2",
                  os.path.join(KIT, "fonts", "Titillium_Web", "titillium-web-v10-latin-ext_latin-600.woff2"),
                  "font/woff2"),
                 ("fonts.css", os.path.join(ASSETS, "fonts.css"), "text/css; charset=utf-8")]
        for name, path, ctype in cases:
            with self.subTest(name=name):
                r = self.get("/static/%s/%s" % (v, name))
                self.assertEqual(r.status, 200)
                self.assertEqual(r.headers.get("Content-Type"), ctype)
                self.assertEqual(r.headers.get("Cache-Control"), "public, max-age=31536000, immutable")
                with open(path, "rb") as f:
                    self.assertEqual(r.body, f.read())
        # Every font fonts.css names is served.
        with open(os.path.join(ASSETS, "fonts.css"), encoding="utf-8") as f:
            for font in re.findall(r'url\("([^"]+)"\)', f.read()):
                self.assertEqual(self.get("/static/%s/%s" % (v, font)).status, 200, font)

    def test_static_path_traversal(self):
        v = self.static_version()
        for target in ("/static/%s/..%%2f..%%2f..%%2fmigrations%%2f0001_identity.sql" % v,
                       "/static/%s/..%%2fassets%%2fpackage.json" % v,
                       "/static/%s/%%2e%%2e" % v,
                       "/static/%s/package.json" % v,
                       "/static/%s/node_modules" % v,
                       "/static/%s/bootstrap-italia.min.css%%00.js" % v,
                       "/static/%s/../../../etc/passwd" % v,
                       "/static/%s/fonts.css/x" % v,
                       "/static/0000000000/bootstrap-italia.min.css",
                       "/static/%s/BOOTSTRAP-ITALIA.MIN.CSS" % v):
            with self.subTest(target=target):
                data = self.srv.raw_request(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                             % target).encode())
                status = int(data.split(b" ", 2)[1])
                self.assertIn(status, (400, 404), data[:200])
                self.assertNotIn(b"CREATE TABLE", data)
                self.assertNotIn(b"root:", data)

    def test_deadline_is_the_last_day_in_italy(self):
        # The Marche frame's deadline is 31 December 2021, 23:59:59 in Italy
        # (CET): 22:59:59 UTC, shown as that day, not as 1 January.
        doc = json.load(open(MARCHE, encoding="utf-8"))
        self.assertEqual(doc["cycle"]["submission_deadline"], "2021-12-31T22:59:59Z")
        cookie = self.login(COORD_1)
        for path in ("/", "/ats/ats-1"):
            with self.subTest(path=path):
                r = self.get(path, cookie)
                self.assertPage(r, 200)
                text = html.unescape(r.text)
                self.assertIn("31 dicembre 2021, ore 23:59", text)
                self.assertNotIn("gennaio 2022", text)

    def test_navigation_names_the_tenant(self):
        # The tenant's name, as people know it, not its slug.
        names = {t["slug"]: t["name"] for t in DEMO_DOC["tenants"]}
        cookie = self.login(COORD_1)
        for path in ("/", "/ats/ats-1", "/ats/ats-1/membri", "/ats/ats-1/piani/2020-2022", "/profilo/password"):
            with self.subTest(path=path):
                r = self.get(path, cookie)
                self.assertPage(r, 200)
                nav = re.search(r'<nav class="ambito-nav".*?</nav>', r.text, re.S)
                self.assertIsNotNone(nav, r.text[:2000])
                links = [html.unescape(re.sub(r"<[^>]*>", "", a))
                         for a in re.findall(r'<a class="nav-link"[^>]*>(.*?)</a>', nav.group(0))]
                self.assertIn("Piani di " + names["ats-1"], links)
                self.assertIn("Membri di " + names["ats-1"], links)
                self.assertFalse([a for a in links if "ats-1" in a], links)
        # An editor of ATS 20 sees ATS 20's name, and no members link.
        r = self.get("/", self.login("redattore.ats20@demo.ambito.invalid"))
        self.assertPage(r, 200)
        text = html.unescape(r.text)
        self.assertIn("Piani di " + names["ats-20"], text)
        self.assertNotIn("Membri di ", text)
        self.assertNotIn("Piani di ats-20", text)

    def test_unknown_paths_outside_the_api_are_the_404_page(self):
        cookie = self.login(COORD_1)
        for path, who in (("/nonesiste", None), ("/nonesiste", cookie), ("/ats/xyz", cookie),
                          ("/ats/ats-1/nonesiste", cookie), ("/ats/ats-20", cookie)):
            with self.subTest(path=path, logged_in=who is not None):
                r = self.get(path, who)
                self.assertPage(r, 404)
                self.assertIn("Pagina non trovata", r.text)
        # Not logged in, a page of an ATS sends to the login first.
        r = self.get("/ats/xyz")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers.get("Location"), "/")
        # The API keeps its problem document.
        r = self.get("/api/v1/nonesiste", cookie)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.headers.get("Content-Type"), "application/problem+json")


class BehindTLS(unittest.TestCase):
    """Served as https (public_url), the cookie is Secure and a form must
    come from the https origin."""

    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        cls.email, cls.password = "tls@example.it", "Tls-Sessione-2024!"
        harness.ctl_ok(cls.db, "user", "add", "--email", cls.email, "--role", "region_reviewer",
                       "--password-stdin", input=cls.password + "\n")
        cls.srv = harness.Server(cls.db, env={"AMBITO_PUBLIC_URL": "https://ambito.example"})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def post_login(self, origin):
        return self.srv.request("POST", "/accesso",
                                urllib.parse.urlencode({"email": self.email, "password": self.password}),
                                headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})

    def test_secure_cookie(self):
        host = "%s:%d" % (self.srv.host, self.srv.port)
        self.assertEqual(self.post_login("http://" + host).status, 403)
        r = self.post_login("https://" + host)
        self.assertEqual(r.status, 303)
        attrs = [a.strip() for a in r.headers["Set-Cookie"].split(";")]
        self.assertIn("Secure", attrs)
        self.assertIn("HttpOnly", attrs)


if __name__ == "__main__":
    harness.main()
