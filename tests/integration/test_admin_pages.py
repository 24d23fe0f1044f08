#!/usr/bin/env python3
"""The Region's administration pages and the password reset, over HTTP
against a real ambitod and MariaDB: who may open them (ATS users get the 403
page, the reviewer reads tenants and cycles only), CSRF refused on every kind
of form, the API's validation beside the fields, the ATS list in natural
order, the one-time password through the API, ambitoctl and the pages, the
403 password_change_required of the API until the password is changed, and
the upload of a cycle file refused with the entry named, then accepted."""

import copy
import html
import json
import re
import unittest
import urllib.parse
import uuid

import harness
from test_web import COOKIE, DEMO, MARCHE, PASSWORDS

ADMIN = "admin.regione@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
EDITOR_20 = "redattore.ats20@demo.ambito.invalid"
UNIVERSITY = "universita@demo.ambito.invalid"
LOGIN = "/api/v1/auth/login"

with open(MARCHE, encoding="utf-8") as _f:
    MARCHE_DOC = json.load(_f)


class AdminPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db)
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    # -- helpers

    def get(self, path, cookie=None):
        h = {"Cookie": "%s=%s" % (COOKIE, cookie)} if cookie else {}
        return self.srv.request("GET", path, headers=h)

    def post_form(self, path, fields, cookie):
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin", "Cookie": "%s=%s" % (COOKIE, cookie)}
        return self.srv.request("POST", path, urllib.parse.urlencode(fields), headers=h)

    def post_multipart(self, path, fields, files, cookie):
        boundary = "----prova" + uuid.uuid4().hex
        out = b""
        for k, v in fields.items():
            out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode()
        for k, (name, data) in files.items():
            out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: application/json\r\n\r\n" % (boundary, k, name)).encode() + data + b"\r\n"
        out += ("--%s--\r\n" % boundary).encode()
        h = {"Content-Type": "multipart/form-data; boundary=" + boundary, "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin", "Cookie": "%s=%s" % (COOKIE, cookie)}
        return self.srv.request("POST", path, raw=out, headers=h)

    def login(self, email, password=None):
        return self.srv.page_login(email, password or PASSWORDS[email])

    def api_login(self, email, password=None):
        r = self.srv.request("POST", LOGIN, {"email": email, "password": password or PASSWORDS[email]})
        self.assertEqual(r.status, 200, r.text)
        return r.json()["access_token"]

    def csrf(self, token, path="/"):
        m = re.search(r'name="csrf" value="([^"]+)"', self.get(path, token).text)
        self.assertIsNotNone(m)
        return m.group(1)

    def page(self, r, status):
        self.assertEqual(r.status, status, r.text[:1500])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertIn('<html lang="it">', r.text)
        return r.text

    def count(self, sql):
        return int(self.db.sql(sql)[0][0])

    def user_id(self, email):
        rows = self.db.sql("SELECT id FROM users WHERE email = '%s'" % email)
        return int(rows[0][0]) if rows else None

    def beside(self, body, field_id):
        """The error message shown beside the field with that id."""
        m = re.search(r'id="errore-%s">([^<]*)<' % re.escape(field_id), body)
        return html.unescape(m.group(1)) if m else None

    # -- who may open them

    def test_ats_users_get_the_403_page(self):
        for email in (COORD_20, EDITOR_20, UNIVERSITY):
            token = self.login(email)
            self.assertNotIn('href="/amministrazione"', self.get("/", token).text)
            for path in ("/amministrazione", "/amministrazione/ambiti", "/amministrazione/utenti",
                         "/amministrazione/cicli", "/amministrazione/audit", "/amministrazione/cicli/2020-2022",
                         "/amministrazione/utenti/1/password"):
                body = self.page(self.get(path, token), 403)
                self.assertIn("riservate alla Regione", body)
            before = self.count("SELECT COUNT(*) FROM tenants")
            r = self.post_form("/amministrazione/ambiti/nuovo", {"csrf": self.csrf(token), "slug": "ats-99",
                                                                "code": "ATS 99", "name": "Novantanove"}, token)
            self.page(r, 403)
            self.assertEqual(self.count("SELECT COUNT(*) FROM tenants"), before)
        # Refused writes are audited like the API's.
        self.assertGreaterEqual(self.count("SELECT COUNT(*) FROM audit_log WHERE route = "
                                           "'/amministrazione/ambiti/nuovo' AND status = 403"), 3)
        token = self.login(ADMIN)
        self.assertIn('href="/amministrazione"', self.get("/", token).text)

    def test_reviewer_reads_tenants_and_cycles_only(self):
        token = self.login(REVIEWER)
        body = self.page(self.get("/amministrazione/ambiti", token), 200)
        self.assertNotIn("Nuovo ambito", body)
        self.page(self.get("/amministrazione/cicli/2020-2022", token), 200)
        self.page(self.get("/amministrazione/utenti", token), 403)
        self.page(self.get("/amministrazione/audit", token), 403)
        r = self.post_form("/amministrazione/ambiti/ats-20", {"csrf": self.csrf(token), "name": "Altro"}, token)
        self.page(r, 403)
        r = self.post_form("/amministrazione/cicli", {"csrf": self.csrf(token), "slug": "rev-1"}, token)
        self.page(r, 403)
        self.assertEqual(self.count("SELECT COUNT(*) FROM cycles WHERE slug = 'rev-1'"), 0)

    # -- CSRF on every kind of form

    def test_csrf_refused_on_every_form(self):
        token = self.login(ADMIN)
        uid = self.user_id(EDITOR_20)
        forms = [("/amministrazione/ambiti/nuovo", {"slug": "ats-csrf", "code": "ATS CSRF", "name": "X"}),
                 ("/amministrazione/ambiti/ats-20", {"name": "Cambiato"}),
                 ("/amministrazione/utenti/nuovo", {"email": "csrf@demo.ambito.invalid"}),
                 ("/amministrazione/utenti/%d" % uid, {"name": "Cambiato"}),
                 ("/amministrazione/utenti/%d/password" % uid, {}),
                 ("/amministrazione/cicli", {"slug": "csrf-1", "title": "X", "start_year": "2024",
                                             "end_year": "2026"}),
                 ("/amministrazione/cicli/2020-2022/chiudi", {}),
                 ("/amministrazione/cicli/2020-2022/scadenza", {"submission_deadline": "2022-01-31"})]
        hash_before = self.db.sql("SELECT password_hash FROM users WHERE id = %d" % uid)[0][0]
        for path, fields in forms:
            for bad in ({}, {"csrf": "x" * 43}):
                r = self.post_form(path, dict(fields, **bad), token)
                body = self.page(r, 403)
                self.assertIn("nulla è stato modificato", body, path)
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": "y" * 43},
                                {"file": ("c.json", json.dumps(MARCHE_DOC).encode())}, token)
        self.page(r, 403)
        # A cross-site post with the right token is refused too.
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://elsewhere.invalid",
             "Sec-Fetch-Site": "cross-site", "Cookie": "%s=%s" % (COOKIE, token)}
        r = self.srv.request("POST", "/amministrazione/cicli/2020-2022/chiudi",
                             urllib.parse.urlencode({"csrf": self.csrf(token)}), headers=h)
        self.page(r, 403)
        self.assertEqual(self.count("SELECT COUNT(*) FROM tenants WHERE slug = 'ats-csrf'"), 0)
        self.assertNotEqual(self.db.sql("SELECT name FROM tenants WHERE slug = 'ats-20'")[0][0], "Cambiato")
        self.assertEqual(self.count("SELECT COUNT(*) FROM users WHERE email = 'csrf@demo.ambito.invalid'"), 0)
        self.assertEqual(self.db.sql("SELECT password_hash FROM users WHERE id = %d" % uid)[0][0], hash_before)
        self.assertEqual(self.count("SELECT COUNT(*) FROM cycles WHERE slug = 'csrf-1'"), 0)
        self.assertEqual(self.db.sql("SELECT status FROM cycles WHERE slug = '2020-2022'")[0][0], "open")

    # -- tenants

    def test_tenant_list_in_natural_order_with_comuni(self):
        token = self.login(ADMIN)
        body = html.unescape(self.page(self.get("/amministrazione/ambiti", token), 200))
        order = re.findall(r'href="/amministrazione/ambiti/(ats-\d+)"', body)
        demo_slugs = {"ats-1", "ats-7", "ats-13", "ats-20"}
        self.assertEqual([s for s in order if s in demo_slugs], ["ats-1", "ats-7", "ats-13", "ats-20"])
        # Every Comune of the demo with its population, written the Italian way.
        demo = json.load(open(DEMO, encoding="utf-8"))
        for t in demo["tenants"]:
            for c in t["comuni"]:
                pop = "{:,}".format(c["population"]).replace(",", ".")
                self.assertIn("%s (%s)" % (c["name"], pop), body)

    def test_tenant_create_errors_beside_fields_then_edit(self):
        token = self.login(ADMIN)
        fields = {"csrf": self.csrf(token, "/amministrazione/ambiti/nuovo"), "slug": "ats-30",
                  "code": "ATS 30", "name": "ATS 30 — Prova", "capofila": "Urbino", "ente_gestore": "Unione",
                  "province": "pu",
                  "comuni[0].istat_code": "041067", "comuni[0].name": "Urbino", "comuni[0].population": "14.558",
                  "comuni[1].istat_code": "", "comuni[1].name": "", "comuni[1].population": "",
                  "comuni[2].istat_code": "04106", "comuni[2].name": "Fermignano",
                  "comuni[2].population": "8.400"}
        body = self.page(self.post_form("/amministrazione/ambiti/nuovo", fields, token), 422)
        self.assertIn("sigla di provincia", self.beside(body, "province"))
        # The blank row is dropped, so Fermignano is shown as row 2, its error beside it.
        self.assertEqual("Comune alla riga 2: deve avere almeno 6 caratteri", self.beside(body, "comuni-1-istat_code"))
        self.assertIn('value="Fermignano"', body)
        self.assertIn('href="#comuni-1-istat_code"', body)  # the summary links to it
        self.assertEqual(self.count("SELECT COUNT(*) FROM tenants WHERE slug = 'ats-30'"), 0)
        fields.update({"province": "PU", "comuni[2].istat_code": "041016"})
        r = self.post_form("/amministrazione/ambiti/nuovo", fields, token)
        self.assertEqual(r.status, 303, r.text[:800])
        api = self.srv.request("GET", "/api/v1/tenants/ats-30", token=self.api_login(ADMIN)).json()
        self.assertEqual(api["province"], "PU")
        self.assertEqual([(c["istat_code"], c["population"]) for c in api["comuni"]],
                         [("041067", 14558), ("041016", 8400)])
        self.assertEqual(self.db.sql("SELECT object, detail FROM audit_log WHERE route = "
                                     "'/amministrazione/ambiti/nuovo' AND status = 303")[-1],
                         ["/api/v1/tenants/ats-30", "created (from the web)"])
        # A taken slug: the same page, the error beside the field.
        body = self.page(self.post_form("/amministrazione/ambiti/nuovo", fields, token), 409)
        self.assertIn("Esiste già", self.beside(body, "slug"))
        # Edit: remove Fermignano, rename.
        edit = self.get("/amministrazione/ambiti/ats-30", token).text
        version = re.search(r'name="versione" value="(\d+)"', edit).group(1)
        form = {"csrf": self.csrf(token), "versione": version, "code": "ATS 30", "name": "ATS 30 — Urbino",
                "capofila": "Urbino", "ente_gestore": "Unione", "province": "PU",
                "comuni[0].istat_code": "041067", "comuni[0].name": "Urbino", "comuni[0].population": "14558",
                "comuni[1].istat_code": "041016", "comuni[1].name": "Fermignano",
                "comuni[1].population": "8400", "comuni[1].rimuovi": "1"}
        r = self.post_form("/amministrazione/ambiti/ats-30", form, token)
        self.assertEqual(r.status, 303, r.text[:800])
        api = self.srv.request("GET", "/api/v1/tenants/ats-30", token=self.api_login(ADMIN)).json()
        self.assertEqual(api["name"], "ATS 30 — Urbino")
        self.assertEqual([c["name"] for c in api["comuni"]], ["Urbino"])
        # The same form again carries a stale version: 409, nothing changed.
        form["name"] = "Vecchio"
        body = self.page(self.post_form("/amministrazione/ambiti/ats-30", form, token), 409)
        self.assertIn("Qualcuno ha modificato", body)
        self.assertIn('value="Vecchio"', body)

    # -- users

    def test_user_create_edit_and_errors(self):
        token = self.login(ADMIN)
        csrf = self.csrf(token)
        base = {"csrf": csrf, "email": "nuova.persona@demo.ambito.invalid", "name": "Nuova Persona", "role": "",
                "memberships[0].tenant": "ats-nessuno", "memberships[0].role": "ats_editor"}
        body = self.page(self.post_form("/amministrazione/utenti/nuovo", base, token), 422)
        self.assertIn("ambito non esiste", self.beside(body, "memberships-0-tenant"))
        self.assertIsNone(self.user_id("nuova.persona@demo.ambito.invalid"))
        body = self.page(self.post_form("/amministrazione/utenti/nuovo",
                                        dict(base, **{"memberships[0].tenant": "ats-1", "role": "university"}),
                                        token), 422)
        self.assertIn("ruolo regionale", self.beside(body, "memberships"))
        r = self.post_form("/amministrazione/utenti/nuovo", dict(base, **{"memberships[0].tenant": "ats-1"}), token)
        body = self.page(r, 201)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        pw = re.search(r'<code class="ambito-secret">([^<]+)</code>', body).group(1)
        self.assertEqual(len(pw), 20)
        self.api_login("nuova.persona@demo.ambito.invalid", pw)
        uid = self.user_id("nuova.persona@demo.ambito.invalid")
        # The list shows the membership and the active flag; edit deactivates.
        listing = self.page(self.get("/amministrazione/utenti", token), 200)
        self.assertIn("nuova.persona@demo.ambito.invalid", listing)
        edit = self.page(self.get("/amministrazione/utenti/%d" % uid, token), 200)
        version = re.search(r'name="versione" value="(\d+)"', edit).group(1)
        r = self.post_form("/amministrazione/utenti/%d" % uid,
                           {"csrf": csrf, "versione": version, "name": "Nuova Persona", "role": "",
                            "memberships[0].tenant": "ats-7", "memberships[0].role": "ats_viewer"}, token)
        self.assertEqual(r.status, 303, r.text[:800])
        self.assertEqual(self.db.sql("SELECT active FROM users WHERE id = %d" % uid)[0][0], "0")
        self.assertEqual(self.db.sql("SELECT t.slug, m.role FROM memberships m JOIN tenants t ON t.id = "
                                     "m.tenant_id WHERE m.user_id = %d" % uid), [["ats-7", "ats_viewer"]])
        # The admin cannot take away its own access.
        me = self.user_id(ADMIN)
        edit = self.get("/amministrazione/utenti/%d" % me, token).text
        version = re.search(r'name="versione" value="(\d+)"', edit).group(1)
        body = self.page(self.post_form("/amministrazione/utenti/%d" % me,
                                        {"csrf": csrf, "versione": version, "role": "region_admin"}, token), 422)
        self.assertIn("amministratore", self.beside(body, "campo-active"))
        self.assertEqual(self.db.sql("SELECT active FROM users WHERE id = %d" % me)[0][0], "1")

    # -- password reset

    def make_user(self, email):
        r = self.srv.request("POST", "/api/v1/users", {"email": email, "name": "Da reimpostare",
                                                       "memberships": [{"tenant": "ats-1", "role": "ats_editor"}]},
                             token=self.api_login(ADMIN))
        self.assertEqual(r.status, 201, r.text)
        return r.json()["user"]["id"], r.json()["initial_password"]

    def test_reset_through_the_api(self):
        uid, first = self.make_user("reset.api@demo.ambito.invalid")
        old = self.api_login("reset.api@demo.ambito.invalid", first)
        r = self.srv.request("POST", "/api/v1/users/%d/password-reset" % uid, token=self.api_login(COORD_20))
        self.assertEqual(r.status, 403)
        r = self.srv.request("POST", "/api/v1/users/%d/password-reset" % uid, token=self.api_login(ADMIN))
        self.assertEqual(r.status, 200, r.text)
        otp = r.json()["one_time_password"]
        self.assertEqual(len(otp), 20)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        self.assertEqual(self.srv.request("POST", "/api/v1/users/999999/password-reset",
                                          token=self.api_login(ADMIN)).status, 404)
        # The old password and the logins made with it are over.
        self.assertEqual(self.srv.request("GET", "/api/v1/me", token=old).status, 401)
        self.assertEqual(self.srv.request("POST", LOGIN, {"email": "reset.api@demo.ambito.invalid",
                                                          "password": first}).status, 401)
        t = self.api_login("reset.api@demo.ambito.invalid", otp)
        for method, path in (("GET", "/api/v1/tenants"), ("GET", "/api/v1/tenants/ats-1/plans/2020-2022"),
                             ("POST", "/api/v1/tenants/ats-1/plans/2020-2022/comments")):
            r = self.srv.request(method, path, {} if method == "POST" else None, token=t)
            self.assertEqual(r.status, 403, path)
            p = r.json()
            self.assertEqual(p["code"], "password_change_required")
            self.assertEqual(p["title"], "Operazione non consentita")
            self.assertIn("password", p["detail"])
        me = self.srv.request("GET", "/api/v1/me", token=t)
        self.assertEqual(me.status, 200)
        r = self.srv.request("PUT", "/api/v1/me/password", {"current_password": otp,
                                                            "new_password": "una-password-nuova-mia"}, token=t)
        self.assertIn(r.status, (200, 204), r.text)
        t2 = self.api_login("reset.api@demo.ambito.invalid", "una-password-nuova-mia")
        self.assertEqual(self.srv.request("GET", "/api/v1/tenants", token=t2).status, 200)
        self.assertEqual(self.db.sql("SELECT must_change_password FROM users WHERE id = %d" % uid)[0][0], "0")
        # Audited, the password nowhere in the log.
        rows = self.db.sql("SELECT status, object, detail FROM audit_log WHERE route = "
                           "'/api/v1/users/{id}/password-reset' AND status = 200")
        self.assertIn(["200", "/api/v1/users/%d/password-reset" % uid,
                       "one-time password issued for user %d, every login ended" % uid], rows)
        self.assertEqual(self.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%%%s%%' OR object LIKE "
                                    "'%%%s%%'" % (otp, otp)), 0)

    def test_reset_with_ambitoctl_then_the_pages_lead_to_the_change(self):
        email = "reset.ctl@demo.ambito.invalid"
        uid, first = self.make_user(email)
        p = harness.ctl_ok(self.db, "user", "reset-password", "--email", email.upper())
        m = re.search(r"\(mostrata una sola volta; da cambiare al prossimo accesso\): (\S+)$", p.stdout.strip())
        self.assertIsNotNone(m, p.stdout)
        otp = m.group(1)
        self.assertEqual(harness.ctl(self.db, "user", "reset-password", "--email", "nessuno@x.invalid").returncode, 1)
        self.assertIn(["reset-password"], [[r[0].split()[-1]] for r in self.db.sql(
            "SELECT route FROM audit_log WHERE method = 'CLI' AND object = '%s'" % email)])
        token = self.login(email, otp)
        for path in ("/", "/ats/ats-1", "/amministrazione"):
            r = self.get(path, token)
            self.assertEqual(r.status, 303, path)
            self.assertEqual(r.headers["Location"], "/profilo/password")
        body = self.page(self.get("/profilo/password", token), 200)
        self.assertIn("vale una volta sola", body)
        csrf = self.csrf(token, "/profilo/password")
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": otp, "nuova": "scelta-da-me-2026",
                                                 "ripeti": "scelta-da-me-2026"}, token)
        self.assertEqual(r.status, 303, r.text[:600])
        self.assertEqual(self.get("/ats/ats-1", token).status, 200)

    def test_reset_through_the_pages_asks_first(self):
        email = "reset.page@demo.ambito.invalid"
        uid, first = self.make_user(email)
        token = self.login(ADMIN)
        body = self.page(self.get("/amministrazione/utenti/%d/password" % uid, token), 200)
        self.assertIn("Sì, reimposta la password", body)
        self.assertIn('method="post"', body)
        self.assertEqual(self.db.sql("SELECT must_change_password FROM users WHERE id = %d" % uid)[0][0], "0")
        r = self.post_form("/amministrazione/utenti/%d/password" % uid, {"csrf": self.csrf(token)}, token)
        body = self.page(r, 200)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        otp = re.search(r'<code class="ambito-secret">([^<]+)</code>', body).group(1)
        self.assertEqual(self.db.sql("SELECT must_change_password FROM users WHERE id = %d" % uid)[0][0], "1")
        t = self.api_login(email, otp)
        self.assertEqual(self.srv.request("GET", "/api/v1/tenants", token=t).json()["code"],
                         "password_change_required")
        self.assertEqual(self.db.sql("SELECT detail FROM audit_log WHERE route = "
                                     "'/amministrazione/utenti/{id}/password' AND status = 200")[-1][0],
                         "one-time password issued for user %d, every login ended (from the web)" % uid)

    # -- cycles

    def test_upload_names_the_entry_then_accepts(self):
        token = self.login(ADMIN)
        doc = copy.deepcopy(MARCHE_DOC)
        doc["cycle"].update({"slug": "caricato-prova", "status": "draft"})
        bad = copy.deepcopy(doc)
        # Hand-picked: the section A.1.2 is the eighth of the file.
        self.assertEqual(bad["template"]["sections"][7]["key"], "A.1.2")
        bad["template"]["sections"][7]["actions"][0] = "OS9-A1"
        csrf = self.csrf(token, "/amministrazione/cicli/carica")
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": csrf},
                                {"file": ("ciclo.json", json.dumps(bad, ensure_ascii=False).encode())}, token)
        body = self.page(r, 422)
        self.assertIn("template.sections[7].actions[0]: azione sconosciuta: OS9-A1", body)
        self.assertEqual(self.count("SELECT COUNT(*) FROM cycles WHERE slug = 'caricato-prova'"), 0)
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": csrf},
                                {"file": ("ciclo.json", b"{ non json")}, token)
        self.assertIn("non è JSON valido", self.page(r, 422))
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": csrf},
                                {"file": ("ciclo.json", json.dumps(doc, ensure_ascii=False).encode())}, token)
        self.assertEqual(r.status, 303, r.text[:1500])
        self.assertEqual(r.headers["Location"], "/amministrazione/cicli/caricato-prova?fatto=caricato")
        page = self.page(self.get("/amministrazione/cicli/caricato-prova", token), 200)
        self.assertIn("A.1.2", page)
        self.assertIn("Apri il ciclo", page)
        # The download is what ambitoctl exports.
        exp = self.get("/amministrazione/cicli/caricato-prova/esporta", token)
        self.assertEqual(exp.status, 200)
        self.assertIn("attachment", exp.headers["Content-Disposition"])
        ctl = harness.ctl_ok(self.db, "export", "caricato-prova")
        self.assertEqual(exp.body.decode("utf-8"), ctl.stdout)
        # The same file again without "sostituisci": refused, with why.
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": csrf},
                                {"file": ("ciclo.json", json.dumps(doc).encode())}, token)
        self.assertIn("esiste già", self.page(r, 409))
        doc["cycle"]["title"] = "Titolo nuovo"
        r = self.post_multipart("/amministrazione/cicli/carica", {"csrf": csrf, "sostituisci": "1"},
                                {"file": ("ciclo.json", json.dumps(doc).encode())}, token)
        self.assertEqual(r.status, 303, r.text[:800])
        self.assertEqual(self.db.sql("SELECT title FROM cycles WHERE slug = 'caricato-prova'")[0][0],
                         "Titolo nuovo")
        rows = self.db.sql("SELECT status, object FROM audit_log WHERE route = '/amministrazione/cicli/carica'"
                           " AND status IN (303, 409, 422) ORDER BY id")
        self.assertIn(["422", "cycle:caricato-prova"], rows)
        self.assertIn(["303", "cycle:caricato-prova"], rows)

    def test_cycle_create_deadline_open_close(self):
        token = self.login(ADMIN)
        csrf = self.csrf(token)
        body = self.page(self.post_form("/amministrazione/cicli", {
            "csrf": csrf, "slug": "2030-2032", "title": "Ciclo di prova", "start_year": "2030",
            "end_year": "duemila"}, token), 422)
        self.assertIsNotNone(self.beside(body, "end_year"))
        r = self.post_form("/amministrazione/cicli", {"csrf": csrf, "slug": "2030-2032", "title": "Ciclo di prova",
                                                      "start_year": "2030", "end_year": "2032",
                                                      "submission_deadline": "2031-07-15"}, token)
        self.assertEqual(r.status, 303, r.text[:800])
        # 23:59:59 in Rome on 15 July (summer time) is 21:59:59 UTC.
        self.assertEqual(self.db.sql("SELECT submission_deadline FROM cycles WHERE slug = '2030-2032'")[0][0],
                         "2031-07-15 21:59:59.000000")
        r = self.post_form("/amministrazione/cicli/2030-2032/scadenza",
                           {"csrf": csrf, "submission_deadline": "2031-12-31"}, token)
        self.assertEqual(r.status, 303, r.text[:800])
        self.assertEqual(self.db.sql("SELECT submission_deadline FROM cycles WHERE slug = '2030-2032'")[0][0],
                         "2031-12-31 22:59:59.000000")
        self.assertIn("31 dicembre 2031, ore 23:59",
                      self.page(self.get("/amministrazione/cicli/2030-2032", token), 200))
        # Opening asks first; a cycle without a template cannot open (the API's 409).
        self.assertIn("Sì, apri il ciclo", self.page(self.get("/amministrazione/cicli/2030-2032/apri", token), 200))
        body = self.page(self.post_form("/amministrazione/cicli/2030-2032/apri", {"csrf": csrf}, token), 409)
        self.assertIn("schema non ha ancora sezioni", body)
        self.assertEqual(self.db.sql("SELECT status FROM cycles WHERE slug = '2030-2032'")[0][0], "draft")

    def test_audit_page_filters_and_pages(self):
        token = self.login(ADMIN)
        body = self.page(self.get("/amministrazione/audit?utente=%s&azione=POST+%%2Faccesso" % ADMIN.upper(),
                                  token), 200)
        rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)<br>", body)
        self.assertTrue(rows)
        self.assertTrue(all(r[1] == ADMIN for r in rows))
        self.assertRegex(rows[0][0], r"^\d{1,2} [a-z]+ \d{4}, ore \d\d:\d\d$")
        # Paging with the API's cursor: a page of 2, then the next.
        first = self.page(self.get("/amministrazione/audit?limit=2", token), 200)
        nxt = re.search(r'href="/amministrazione/audit\?(cursor=\d+)"', first)
        self.assertIsNotNone(nxt)
        ids_first = self.db.sql("SELECT id FROM audit_log ORDER BY id DESC LIMIT 2")
        self.assertEqual(nxt.group(1), "cursor=%s" % ids_first[-1][0])
        self.page(self.get("/amministrazione/audit?limit=2&" + nxt.group(1), token), 200)
        # A date range in the future has nothing; a bad date is an error beside its field.
        body = self.page(self.get("/amministrazione/audit?dal=2090-01-01", token), 200)
        self.assertIn("Nessuna operazione", body)
        body = self.page(self.get("/amministrazione/audit?al=31-12-2020", token), 422)
        self.assertIn("AAAA-MM-GG", self.beside(body, "al"))
        self.page(self.get("/amministrazione/audit?cursor=abc", token), 400)


if __name__ == "__main__":
    harness.main()
