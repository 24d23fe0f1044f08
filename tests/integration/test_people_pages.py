#!/usr/bin/env python3
"""Pages of people: an ATS's members, comments on a plan's sections, and
changing one's own password, over HTTP against a real ambitod and MariaDB.
They must hold to the API's rules: same roles and scoping, same validation,
same throttle, every change audited."""

import re
import unittest
import urllib.parse

import harness
from test_web import COOKIE, DEMO, MARCHE, PASSWORDS

COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
EDITOR_20 = "redattore.ats20@demo.ambito.invalid"
VIEWER_20 = "lettore.ats20@demo.ambito.invalid"
COORD_13 = "coordinatore.ats13@demo.ambito.invalid"
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
UNIVERSITY = "universita@demo.ambito.invalid"  # assigned to ats-20 and ats-13
REVIEWER = "revisore.regione@demo.ambito.invalid"
ADMIN = "admin.regione@demo.ambito.invalid"
MEMBERS = "/ats/ats-20/membri"
COMMENTS = "/ats/ats-20/piani/2020-2022/sezioni/I.1/commenti"


class PeoplePages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db, env={"AMBITO_REGION_NAME": "Regione di prova"})
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)
        cls.passwords = dict(PASSWORDS)

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

    def login(self, email, password=None):
        return self.srv.page_login(email, password or self.passwords[email])

    def csrf(self, token, path="/"):
        m = re.search(r'name="csrf" value="([^"]+)"', self.get(path, token).text)
        self.assertIsNotNone(m)
        return m.group(1)

    def page(self, r, status):
        self.assertEqual(r.status, status, r.text[:800])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertIn('<html lang="it">', r.text)
        self.assertNotRegex(r.text, r"\sstyle=")
        return r.text

    def audit(self, route, method="POST"):
        return self.db.sql("SELECT status, outcome, object, detail, user_email FROM audit_log"
                           " WHERE route = '%s' AND method = '%s' ORDER BY id" % (route, method))

    def user_id(self, email):
        rows = self.db.sql("SELECT id FROM users WHERE email = '%s'" % email)
        return int(rows[0][0]) if rows else None

    def role_of(self, tenant, email):
        rows = self.db.sql("SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id"
                           " JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = '%s' AND u.email = '%s'"
                           % (tenant, email))
        return rows[0][0] if rows else None

    # -- members

    def test_members_list_and_roles(self):
        token = self.login(COORD_20)
        body = self.page(self.get(MEMBERS, token), 200)
        for email in (COORD_20, EDITOR_20, VIEWER_20):
            self.assertIn(email, body)
        self.assertNotIn(COORD_13, body)
        self.assertIn("Aggiungi un membro", body)
        self.assertIn('href="/ats/ats-20/membri"', self.get("/", token).text)  # navigation
        # The coordinator's own row has no remove link.
        self.assertNotIn("/membri/%d/rimuovi" % self.user_id(COORD_20), body)
        self.assertIn("/membri/%d/rimuovi" % self.user_id(EDITOR_20), body)

    def test_viewer_and_editor_get_the_403_page(self):
        for email in (VIEWER_20, EDITOR_20):
            token = self.login(email)
            body = self.page(self.get(MEMBERS, token), 403)
            self.assertNotIn(COORD_20, body)
            self.assertNotIn('href="/ats/ats-20/membri"', self.get("/", token).text)
            r = self.post_form(MEMBERS, {"csrf": self.csrf(token), "email": "x@demo.ambito.invalid",
                                         "ruolo": "ats_editor", "password": "abbastanza-lunga"}, token)
            self.page(r, 403)
        self.assertIsNone(self.user_id("x@demo.ambito.invalid"))

    def test_other_ats_is_the_404_page(self):
        token = self.login(COORD_13)
        self.page(self.get(MEMBERS, token), 404)
        r = self.post_form(MEMBERS, {"csrf": self.csrf(token), "email": "y@demo.ambito.invalid",
                                     "ruolo": "ats_editor", "password": "abbastanza-lunga"}, token)
        self.page(r, 404)
        r = self.post_form("/ats/ats-20/membri/%d/rimuovi" % self.user_id(EDITOR_20),
                           {"csrf": self.csrf(token)}, token)
        self.page(r, 404)
        self.assertEqual(self.role_of("ats-20", EDITOR_20), "ats_editor")

    def test_region_reviewer_reads_without_forms(self):
        token = self.login(REVIEWER)
        body = self.page(self.get(MEMBERS, token), 200)
        self.assertIn(COORD_20, body)
        self.assertNotIn("Aggiungi un membro", body)
        self.assertNotIn("/rimuovi", body)

    def test_add_change_role_remove(self):
        token = self.login(COORD_20)
        csrf = self.csrf(token, MEMBERS)
        email = "nuova.persona@demo.ambito.invalid"
        # Errors beside their fields, with a summary; nothing stored.
        r = self.post_form(MEMBERS, {"csrf": csrf, "email": "non-una-email", "nome": "N",
                                     "ruolo": "ats_capo", "password": "corta"}, token)
        body = self.page(r, 422)
        self.assertIn('href="#campo-email"', body)
        self.assertIn('href="#campo-ruolo"', body)
        self.assertIn('href="#campo-password"', body)
        self.assertIn('id="errore-email"', body)
        self.assertIn("almeno 12 caratteri", body)
        self.assertIn('value="non-una-email"', body)
        self.assertNotIn("corta", body)
        self.assertIsNone(self.user_id("non-una-email"))
        # Added, with the password the coordinator chose.
        r = self.post_form(MEMBERS, {"csrf": csrf, "email": email, "nome": "Nuova Persona",
                                     "ruolo": "ats_viewer", "password": "Prima-Password-1"}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers["Location"], MEMBERS + "?fatto=aggiunto")
        self.assertEqual(self.role_of("ats-20", email), "ats_viewer")
        self.assertIn("Membro aggiunto.", self.get(r.headers["Location"], token).text)
        uid = self.user_id(email)
        rows = self.audit("/ats/{tenant}/membri")
        self.assertEqual(rows[-1][:2], ["303", "ok"])
        self.assertIn("member %s as ats_viewer" % email, rows[-1][3])
        self.assertEqual(rows[-1][2], "/api/v1/tenants/ats-20/members/%d" % uid)
        # The new member logs in with that password.
        self.passwords[email] = "Prima-Password-1"
        self.assertIsNotNone(self.login(email))
        # Twice: 409, beside the email.
        r = self.post_form(MEMBERS, {"csrf": csrf, "email": email, "ruolo": "ats_viewer",
                                     "password": "Prima-Password-1"}, token)
        self.assertIn("già membro", self.page(r, 409))
        # Role change.
        r = self.post_form("/ats/ats-20/membri/%d/ruolo" % uid, {"csrf": csrf, "ruolo": "ats_editor"}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(self.role_of("ats-20", email), "ats_editor")
        self.assertIn("ats_viewer -> ats_editor", self.audit("/ats/{tenant}/membri/{id}/ruolo")[-1][3])
        r = self.post_form("/ats/ats-20/membri/%d/ruolo" % uid, {"csrf": csrf, "ruolo": "region_admin"}, token)
        self.page(r, 422)
        self.assertEqual(self.role_of("ats-20", email), "ats_editor")
        # Removal asks first, and only the POST removes.
        body = self.page(self.get("/ats/ats-20/membri/%d/rimuovi" % uid, token), 200)
        self.assertIn("Sì, rimuovi", body)
        self.assertIn(email, body)
        self.assertEqual(self.role_of("ats-20", email), "ats_editor")
        r = self.post_form("/ats/ats-20/membri/%d/rimuovi" % uid, {"csrf": csrf}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertIsNone(self.role_of("ats-20", email))
        self.assertIn("member %d removed" % uid, self.audit("/ats/{tenant}/membri/{id}/rimuovi")[-1][3])
        self.page(self.get("/ats/ats-20/membri/%d/rimuovi" % uid, token), 404)
        # Oneself: neither removed nor demoted.
        me = self.user_id(COORD_20)
        self.page(self.post_form("/ats/ats-20/membri/%d/rimuovi" % me, {"csrf": csrf}, token), 422)
        self.page(self.post_form("/ats/ats-20/membri/%d/ruolo" % me, {"csrf": csrf, "ruolo": "ats_viewer"},
                                 token), 422)
        self.assertEqual(self.role_of("ats-20", COORD_20), "ats_coordinator")

    def test_adding_an_existing_account_tells_nothing(self):
        """As the API: the answer is the same whether the account existed, and
        the coordinator's password does not replace its owner's."""
        token = self.login(COORD_20)
        csrf = self.csrf(token, MEMBERS)
        r = self.post_form(MEMBERS, {"csrf": csrf, "email": COORD_7, "ruolo": "ats_viewer",
                                     "password": "Scelta-Dal-Coordinatore"}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers["Location"], MEMBERS + "?fatto=aggiunto")
        self.assertIsNotNone(self.login(COORD_7))  # the owner's password still works
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin"}
        r = self.srv.request("POST", "/accesso", urllib.parse.urlencode(
            {"email": COORD_7, "password": "Scelta-Dal-Coordinatore"}), headers=h)
        self.assertEqual(r.status, 401)
        # A region user cannot become a member.
        r = self.post_form(MEMBERS, {"csrf": csrf, "email": UNIVERSITY, "ruolo": "ats_viewer",
                                     "password": "Scelta-Dal-Coordinatore"}, token)
        self.assertIn('href="#campo-email"', self.page(r, 422))
        self.assertIsNone(self.role_of("ats-20", UNIVERSITY))

    # -- comments

    def test_comment_reply_resolve(self):
        uni = self.login(UNIVERSITY)
        body = self.page(self.get(COMMENTS, uni), 200)
        self.assertIn("Nuovo commento", body)
        csrf = self.csrf(uni, COMMENTS)
        # Blank: refused beside the field, nothing stored.
        before = int(self.db.sql("SELECT COUNT(*) FROM plan_comments")[0][0])
        r = self.post_form(COMMENTS, {"csrf": csrf, "parte": "", "testo": "   \r\n "}, uni)
        body = self.page(r, 422)
        self.assertIn('href="#campo-testo"', body)
        self.assertIn("Scrivi il testo del commento.", body)
        r = self.post_form(COMMENTS, {"csrf": csrf, "parte": "non-esiste", "testo": "x"}, uni)
        self.assertIn('href="#campo-parte"', self.page(r, 422))
        r = self.post_form(COMMENTS, {"csrf": csrf, "parte": "", "testo": "é" * 10001}, uni)
        self.assertIn("troppo lungo", self.page(r, 422))
        self.assertEqual(int(self.db.sql("SELECT COUNT(*) FROM plan_comments")[0][0]), before)
        # A comment on a part, with CRLF as a browser sends it.
        r = self.post_form(COMMENTS, {"csrf": csrf, "parte": "nota_tecnica",
                                      "testo": "Manca la fonte dei dati.\r\nPagina 3 <b>"}, uni)
        self.assertEqual(r.status, 303, r.text[:500])
        rows = self.db.sql("SELECT id, part_key, body, reply_to FROM plan_comments ORDER BY id DESC LIMIT 1")
        cid, part, text, reply = rows[0]
        cid = int(cid)
        self.assertEqual((part, text, reply), ("nota_tecnica", "Manca la fonte dei dati.\nPagina 3 <b>", None))
        self.assertTrue(r.headers["Location"].startswith(COMMENTS + "?fatto=commento"))
        a = self.audit("/ats/{tenant}/piani/{cycle}/sezioni/{key}/commenti")[-1]
        self.assertEqual(a[2], "/api/v1/tenants/ats-20/plans/2020-2022/comments/%d" % cid)
        self.assertEqual(a[4], UNIVERSITY)
        # The coordinator sees it with author, role, date in Italian and part.
        coord = self.login(COORD_20)
        body = self.page(self.get(COMMENTS, coord), 200)
        self.assertIn("Giulia Conti (demo, Università)", body)
        self.assertIn("(università)", body)
        self.assertIn("Pagina 3 &lt;b&gt;", body)
        self.assertRegex(body, r"\d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre"
                               r"|ottobre|novembre|dicembre) \d{4}")
        self.assertIn("Parte: ", body)
        self.assertIn("1 discussione, 1 aperta.", body)
        # Reply, then resolve.
        ccsrf = self.csrf(coord, COMMENTS)
        r = self.post_form(COMMENTS, {"csrf": ccsrf, "risposta_a": str(cid), "testo": "Aggiunta, grazie."}, coord)
        self.assertEqual(r.status, 303, r.text[:500])
        rows = self.db.sql("SELECT part_key, reply_to, author_id FROM plan_comments ORDER BY id DESC LIMIT 1")
        self.assertEqual(rows[0][0], "nota_tecnica")  # the thread's part
        self.assertEqual(int(rows[0][1]), cid)
        self.assertEqual(int(rows[0][2]), self.user_id(COORD_20))
        r = self.post_form(COMMENTS + "/%d/stato" % cid, {"csrf": ccsrf, "risolto": "1"}, coord)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(self.db.sql("SELECT resolved FROM plan_comments WHERE id = %d" % cid)[0][0], "1")
        self.assertEqual(self.audit("/ats/{tenant}/piani/{cycle}/sezioni/{key}/commenti/{id}/stato")[-1][3],
                         "resolved (from the web)")
        body = self.page(self.get(COMMENTS, coord), 200)
        self.assertIn("Risolta da ", body)
        self.assertIn("Riapri la discussione", body)
        # The API shows what the page did.
        api = self.srv.request("POST", "/api/v1/auth/login", {"email": COORD_20, "password": PASSWORDS[COORD_20]})
        t = api.json()["access_token"]
        got = self.srv.request("GET", "/api/v1/tenants/ats-20/plans/2020-2022/comments/%d" % cid, token=t).json()
        self.assertTrue(got["resolved"])
        self.assertEqual(got["part"], "nota_tecnica")
        # Reopen.
        r = self.post_form(COMMENTS + "/%d/stato" % cid, {"csrf": ccsrf, "risolto": "0"}, coord)
        self.assertEqual(r.status, 303)
        self.assertEqual(self.db.sql("SELECT resolved FROM plan_comments WHERE id = %d" % cid)[0][0], "0")

    def test_comments_are_scoped_like_the_api(self):
        # A university user not assigned to ats-1, an ATS coordinator of another ATS.
        for email, path in ((UNIVERSITY, "/ats/ats-1/piani/2020-2022/sezioni/I.1/commenti"),
                            (COORD_13, COMMENTS)):
            token = self.login(email)
            self.page(self.get(path, token), 404)
            r = self.post_form(path, {"csrf": self.csrf(token), "testo": "intruso"}, token)
            self.page(r, 404)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM plan_comments WHERE body = 'intruso'")[0][0], "0")
        # A section the template does not have.
        token = self.login(COORD_20)
        self.page(self.get("/ats/ats-20/piani/2020-2022/sezioni/Z.9/commenti", token), 404)
        # A viewer of the ATS may comment, as through the API.
        token = self.login(VIEWER_20)
        r = self.post_form(COMMENTS, {"csrf": self.csrf(token, COMMENTS), "testo": "Dal lettore"}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        # A comment of another section is not this page's to resolve.
        cid = int(self.db.sql("SELECT MAX(id) FROM plan_comments")[0][0])
        r = self.post_form("/ats/ats-20/piani/2020-2022/sezioni/I.2/commenti/%d/stato" % cid,
                           {"csrf": self.csrf(token, COMMENTS), "risolto": "1"}, token)
        self.page(r, 404)
        self.assertEqual(self.db.sql("SELECT resolved FROM plan_comments WHERE id = %d" % cid)[0][0], "0")

    def test_section_page_links_to_its_comments(self):
        token = self.login(COORD_20)
        body = self.page(self.get("/ats/ats-20/piani/2020-2022/sezioni/I.1", token), 200)
        self.assertIn('href="%s"' % COMMENTS, body)

    # -- password

    def test_change_password(self):
        email = "lettore.password@demo.ambito.invalid"
        coord = self.login(COORD_1)
        r = self.post_form("/ats/ats-1/membri", {"csrf": self.csrf(coord), "email": email, "ruolo": "ats_viewer",
                                                 "password": "Vecchia-Password-1"}, coord)
        self.assertEqual(r.status, 303, r.text[:500])
        token = self.login(email, "Vecchia-Password-1")
        other = self.login(email, "Vecchia-Password-1")  # a second browser
        self.assertIn('href="/profilo/password"', self.get("/", token).text)
        csrf = self.csrf(token, "/profilo/password")
        # The API's rules: 12 characters, the repeat, a different one.
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Vecchia-Password-1",
                                                 "nuova": "corta", "ripeti": "corta"}, token)
        self.assertIn("almeno 12 caratteri", self.page(r, 422))
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Vecchia-Password-1",
                                                 "nuova": "Nuova-Password-22", "ripeti": "Nuova-Password-23"}, token)
        self.assertIn('href="#campo-ripeti"', self.page(r, 422))
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Vecchia-Password-1",
                                                 "nuova": "Vecchia-Password-1", "ripeti": "Vecchia-Password-1"},
                           token)
        self.assertIn("diversa da quella attuale", self.page(r, 422))
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Sbagliata-davvero",
                                                 "nuova": "Nuova-Password-22", "ripeti": "Nuova-Password-22"}, token)
        body = self.page(r, 422)
        self.assertIn("La password attuale non è corretta.", body)
        self.assertNotIn("Sbagliata-davvero", body)
        self.assertNotIn("Nuova-Password-22", body)
        wrong = self.audit("/profilo/password")
        self.assertEqual(wrong[-1][3], "password change: wrong current password")
        self.assertEqual(wrong[-1][4], email)
        # Changed.
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Vecchia-Password-1",
                                                 "nuova": "Nuova-Password-22", "ripeti": "Nuova-Password-22"}, token)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers["Location"], "/profilo/password?fatto=1")
        self.assertIn("Password cambiata.", self.get(r.headers["Location"], token).text)
        self.assertEqual(self.audit("/profilo/password")[-1][3], "password changed")
        # This session stays, the other browser's ended, the new password logs in.
        self.assertEqual(self.get("/profilo/password", token).status, 200)
        self.assertEqual(self.get("/profilo/password", other).status, 303)
        self.assertIsNotNone(self.login(email, "Nuova-Password-22"))
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin"}
        r = self.srv.request("POST", "/accesso", urllib.parse.urlencode(
            {"email": email, "password": "Vecchia-Password-1"}), headers=h)
        self.assertEqual(r.status, 401)

    def test_change_password_is_throttled_like_the_api(self):
        email = "throttle.password@demo.ambito.invalid"
        coord = self.login(COORD_1)
        r = self.post_form("/ats/ats-1/membri", {"csrf": self.csrf(coord), "email": email, "ruolo": "ats_viewer",
                                                 "password": "Vecchia-Password-1"}, coord)
        self.assertEqual(r.status, 303, r.text[:500])
        token = self.login(email, "Vecchia-Password-1")
        csrf = self.csrf(token, "/profilo/password")
        statuses = [self.post_form("/profilo/password", {"csrf": csrf, "attuale": "no-%d-sbagliata" % i,
                                                         "nuova": "Nuova-Password-22", "ripeti": "Nuova-Password-22"},
                                   token).status for i in range(7)]
        self.assertEqual(statuses[:5], [422] * 5)
        self.assertIn(429, statuses[5:])
        # Blocked even with the right password, and the login is blocked too.
        r = self.post_form("/profilo/password", {"csrf": csrf, "attuale": "Vecchia-Password-1",
                                                 "nuova": "Nuova-Password-22", "ripeti": "Nuova-Password-22"}, token)
        self.assertIn("Troppi tentativi", self.page(r, 429))
        self.assertGreater(int(r.headers["Retry-After"]), 0)
        api = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": "Vecchia-Password-1"})
        self.assertEqual(api.status, 429)
        self.db.sql("DELETE FROM login_throttle")
        self.assertIsNotNone(self.login(email, "Vecchia-Password-1"))  # unchanged

    def test_password_page_needs_a_session(self):
        r = self.get("/profilo/password")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.headers["Location"], "/")


if __name__ == "__main__":
    unittest.main()
