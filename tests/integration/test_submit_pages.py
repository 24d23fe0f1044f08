"""The plan's submission and history pages over HTTP: the check page lists
every required part still empty with a link to its field, readers and
editors see no submit button and are refused a POST, the form's errors sit
beside their fields, a confirmation comes before the submission, the receipt
shows the revision, the Italian time and the SHA-256 of the stored snapshot,
the history shows the Region's reviews and the diff between two revisions.
Runs on the demo data (ATS 1 is a draft, ATS 7 has changes requested)."""

import datetime
import hashlib
import html
import json
import os
import re
import unittest
import urllib.parse
from zoneinfo import ZoneInfo

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
with open(MARCHE, encoding="utf-8") as _f:
    TEMPLATE = json.load(_f)["template"]["sections"]
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
EDITOR_7 = "redattore.ats7@prova.ambito.invalid"
VIEWER_7 = "lettore.ats7@prova.ambito.invalid"
PASSWORDS[EDITOR_7] = PASSWORDS[VIEWER_7] = "una-password-di-prova-lunga"
COOKIE = "ambito_sessione"
PLAN_1 = "/ats/ats-1/piani/2020-2022"
PLAN_7 = "/ats/ats-7/piani/2020-2022"
MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
          "settembre", "ottobre", "novembre", "dicembre"]


def italian_time(utc_text):
    """'1 marzo 2021, ore 10:30' in Europe/Rome from a DATETIME text in UTC."""
    t = datetime.datetime.fromisoformat(utc_text[:19]).replace(tzinfo=datetime.timezone.utc)
    t = t.astimezone(ZoneInfo("Europe/Rome"))
    return "%d %s %d, ore %02d:%02d" % (t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute)


class SubmitPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        for email, role in ((EDITOR_7, "ats_editor"), (VIEWER_7, "ats_viewer")):
            harness.ctl_ok(cls.db, "user", "add", "--email", email, "--role", role, "--tenant", "ats-7",
                           "--name", "Prova " + role, "--password-stdin", input=PASSWORDS[email] + "\n")
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

    def login(self, email):
        return self.srv.page_login(email, PASSWORDS[email])

    def csrf_of(self, page):
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        self.assertIsNotNone(m, "no CSRF field in the page")
        return m.group(1)

    def assertPage(self, r, status):
        self.assertEqual(r.status, status, r.text[:800])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertIn('<html lang="it">', r.text)
        self.assertNotRegex(r.text, r"<script(?![^>]*\bsrc=)")
        return r.text

    def plan_row(self, slug):
        return self.db.sql("SELECT p.status, p.revision FROM plans p JOIN tenants t ON t.id = p.tenant_id"
                           " WHERE t.slug = '%s'" % slug)[0]

    def submissions(self, slug):
        return self.db.sql("SELECT s.revision, s.sha256, s.submitted_at, s.note FROM plan_submissions s"
                           " JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = '%s' ORDER BY s.revision"
                           % slug)

    def submit_form(self, page):
        """The submission form's fields, from the page."""
        return {"csrf": self.csrf_of(page), "delibera_numero": "12/2021", "delibera_data": "2021-03-01",
                "nota": "Piano corretto secondo le note della Regione."}

    # -- the check page

    def test_1_check_page_lists_every_missing_part(self):
        token = self.login(COORD_1)
        body = self.assertPage(self.get(PLAN_1 + "/invio", token), 200)
        plan = [p for p in DEMO_DOC["plans"] if p["tenant"] == "ats-1"][0]
        expected = [(s["key"], p["key"]) for s in TEMPLATE for p in s["parts"]
                    if p["required"] and not plan["sections"].get(s["key"], {}).get("parts", {}).get(p["key"])]
        self.assertGreater(len(expected), 10)
        links = re.findall(r'<li><a href="%s/sezioni/([^"#]+)#parte-([^"]+)">' % re.escape(PLAN_1), body)
        self.assertEqual(links, expected)
        # Grouped under each section once, in template order.
        titles = {s["key"]: s["title"] for s in TEMPLATE}
        groups = list(dict.fromkeys(k for k, _ in expected))
        self.assertEqual([html.unescape(g) for g in re.findall(r'<span class="ambito-missing-section">([^<]+)</span>',
                                                                 body)],
                         ["%s %s" % (k, titles[k]) for k in groups])
        self.assertIn("Mancano %d parti obbligatorie" % len(expected), body)
        # Each link lands on its field in the section editor.
        for section, part in (expected[0], expected[-1]):
            editor = self.assertPage(self.get("%s/sezioni/%s" % (PLAN_1, section), token), 200)
            self.assertIn('id="parte-%s"' % part, editor)
        # Incomplete: no form to submit, and a POST is refused with the list.
        self.assertNotIn('name="delibera_numero"', body)
        before = self.plan_row("ats-1")
        r = self.post_form(PLAN_1 + "/invio", dict(self.submit_form(self.get(PLAN_1, token)), conferma="1"), token)
        self.assertIn("Mancano %d parti obbligatorie" % len(expected), self.assertPage(r, 422))
        self.assertEqual(self.plan_row("ats-1"), before)
        # The plan index links to the check page and the history.
        index = self.assertPage(self.get(PLAN_1, token), 200)
        self.assertIn('href="%s/invio"' % PLAN_1, index)
        self.assertIn('href="%s/storia"' % PLAN_1, index)

    def test_2_editor_and_viewer_see_no_submit_button(self):
        before = self.plan_row("ats-7")
        self.assertEqual(before[0], "changes_requested")
        for who in (EDITOR_7, VIEWER_7):
            with self.subTest(who=who):
                token = self.login(who)
                page = self.get(PLAN_7 + "/invio", token)
                body = self.assertPage(page, 200)
                self.assertIn("Tutte le parti obbligatorie sono compilate", body)
                self.assertIn("Solo il coordinatore", body)
                self.assertNotIn('name="delibera_numero"', body)
                self.assertNotIn("Conferma e invia", body)
                csrf = self.csrf_of(self.get("/", token))
                fields = {"csrf": csrf, "delibera_numero": "1", "delibera_data": "2021-03-01", "conferma": "1"}
                self.assertIn("Accesso negato", self.assertPage(self.post_form(PLAN_7 + "/invio", fields, token),
                                                                403))
        self.assertEqual(self.plan_row("ats-7"), before)
        self.assertEqual(len(self.submissions("ats-7")), 1)

    def test_3_form_errors_beside_their_fields(self):
        token = self.login(COORD_7)
        page = self.get(PLAN_7 + "/invio", token)
        self.assertIn('name="delibera_numero"', self.assertPage(page, 200))
        tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).strftime("%Y-%m-%d")
        cases = [
            ({"delibera_numero": "", "delibera_data": ""}, ["delibera_numero", "delibera_data"]),
            ({"delibera_numero": "x" * 65, "delibera_data": "2021-02-30"}, ["delibera_numero", "delibera_data"]),
            ({"delibera_numero": "7", "delibera_data": tomorrow}, ["delibera_data"]),
            ({"delibera_numero": "riga\nspezzata", "delibera_data": "1/3/2021"}, ["delibera_numero", "delibera_data"]),
            ({"delibera_numero": "7", "delibera_data": "2021-03-01", "nota": "n" * 2001}, ["nota"]),
        ]
        for fields, bad in cases:
            with self.subTest(fields=fields):
                sent = dict({"csrf": self.csrf_of(page), "conferma": "1"}, **fields)
                body = self.assertPage(self.post_form(PLAN_7 + "/invio", sent, token), 422)
                summary = re.findall(r'href="#campo-([a-z_]+)"', body)
                self.assertEqual(summary, bad)
                for name in bad:
                    self.assertRegex(body, r'id="campo-%s"[^>]*aria-invalid="true"' % name)
                    self.assertIn('id="errore-%s"' % name, body)
                # What was typed is shown again.
                if fields["delibera_numero"] and "\n" not in fields["delibera_numero"]:
                    self.assertIn('value="%s"' % fields["delibera_numero"], body)
        # Markup in the fields is shown as text on the confirmation.
        sent = {"csrf": self.csrf_of(page), "delibera_numero": "<b>9</b>", "delibera_data": "2021-03-01",
                "nota": "<script>alert(1)</script>"}
        body = self.assertPage(self.post_form(PLAN_7 + "/invio", sent, token), 200)
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("<b>9</b>", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
        # Without a valid CSRF token: refused, nothing changes.
        r = self.post_form(PLAN_7 + "/invio", dict(sent, csrf="x" * 43, conferma="1"), token)
        self.assertPage(r, 403)
        self.assertEqual(self.plan_row("ats-7"), ["changes_requested", "1"])
        self.assertEqual(len(self.submissions("ats-7")), 1)

    def test_4_submit_confirm_receipt_and_history(self):
        token = self.login(COORD_7)
        # First a change to the text, so that the history has a diff to show.
        editor = self.get(PLAN_7 + "/sezioni/I.1", token)
        self.assertPage(editor, 200)
        version = re.search(r'name="versione" value="(\d+)"', editor.text).group(1)
        texts = {name: html.unescape(text) for name, text in
                 re.findall(r'name="(parte\.[a-z_0-9]+)"[^>]*>([^<]*)</textarea>', editor.text)}
        old = texts["parte.premessa_politica"]
        texts["parte.premessa_politica"] = old + "\nRiga aggiunta dopo le note della Regione."
        r = self.post_form(PLAN_7 + "/sezioni/I.1", dict(texts, csrf=self.csrf_of(editor), versione=version), token)
        self.assertEqual(r.status, 303, r.text[:500])

        page = self.get(PLAN_7 + "/invio", token)
        fields = self.submit_form(page)
        # Continua: a confirmation, nothing submitted yet.
        body = self.assertPage(self.post_form(PLAN_7 + "/invio", fields, token), 200)
        self.assertIn("Conferma e invia alla Regione", body)
        self.assertIn("n. 12/2021 del 1 marzo 2021", body)
        self.assertIn("<dd>2</dd>", body)  # the revision it will create
        self.assertEqual(self.plan_row("ats-7"), ["changes_requested", "1"])
        # Torna a modificare: the form again with the values.
        body = self.assertPage(self.post_form(PLAN_7 + "/invio", dict(fields, modifica="1"), token), 200)
        self.assertIn('value="12/2021"', body)
        self.assertEqual(len(self.submissions("ats-7")), 1)
        # Conferma: submitted, then the receipt.
        r = self.post_form(PLAN_7 + "/invio", dict(fields, conferma="1"), token)
        self.assertEqual(r.status, 303, r.text[:800])
        self.assertEqual(r.headers.get("Location"), PLAN_7 + "/invii/2?inviato=1")
        self.assertEqual(self.plan_row("ats-7"), ["submitted", "2"])
        subs = self.submissions("ats-7")
        self.assertEqual([s[0] for s in subs], ["1", "2"])
        rev, sha, at, note = subs[1]
        snapshot = self.db.sql("SELECT s.snapshot FROM plan_submissions s JOIN tenants t ON t.id = s.tenant_id"
                               " WHERE t.slug = 'ats-7' AND s.revision = 2")[0][0]
        self.assertEqual(hashlib.sha256(snapshot.encode("utf-8")).hexdigest(), sha)
        # The delibera in its own columns and in the snapshot the hash covers;
        # the note is the note alone.
        self.assertEqual(note, "Piano corretto secondo le note della Regione.")
        act = self.db.sql("SELECT s.approval_number, s.approval_date FROM plan_submissions s JOIN tenants t"
                          " ON t.id = s.tenant_id WHERE t.slug = 'ats-7' AND s.revision = 2")
        self.assertEqual(act, [["12/2021", "2021-03-01"]])
        self.assertEqual(json.loads(snapshot)["approval_act"], {"number": "12/2021", "date": "2021-03-01"})
        self.assertIn('"approval_act":{"date":"2021-03-01","number":"12/2021"}', snapshot)
        audit = self.db.sql("SELECT method, object, detail FROM audit_log WHERE route LIKE '%%/invio'"
                            " AND outcome = 'ok' ORDER BY id")
        # The markup test's confirmation, this one's confirmation and its
        # return to the form, then the submission (after the deadline).
        self.assertEqual(audit, [["POST", "plan:ats-7/2020-2022", "submission confirmation shown, nothing submitted"],
                                 ["POST", "plan:ats-7/2020-2022", "submission confirmation shown, nothing submitted"],
                                 ["POST", "plan:ats-7/2020-2022", "submission form shown again, nothing submitted"],
                                 ["POST", "plan:ats-7/2020-2022",
                                  "submitted revision 2 sha256 %s (late) from the web" % sha]])
        refused = self.db.sql("SELECT COUNT(*) FROM audit_log WHERE route LIKE '%%/invio' AND outcome = 'refused'")
        self.assertNotEqual(refused, [["0"]])

        body = self.assertPage(self.get(r.headers["Location"], token), 200)
        self.assertIn("Il piano è stato inviato alla", body)
        self.assertIn("Ricevuta dell’invio: revisione 2", body)
        self.assertIn('<code class="ambito-hash">%s</code>' % sha, body)
        self.assertIn(italian_time(at), body)
        self.assertIn("delibera n. 12/2021 del 1 marzo 2021", body)
        self.assertIn("dopo la scadenza", body)

        # Submitted: a second confirmation is refused, and no new form.
        self.assertPage(self.post_form(PLAN_7 + "/invio", dict(fields, conferma="1"), token), 409)
        self.assertEqual(len(self.submissions("ats-7")), 2)
        self.assertNotIn('name="delibera_numero"', self.get(PLAN_7 + "/invio", token).text)

        # History: both submissions, the Region's note on the first, the diff.
        body = self.assertPage(self.get(PLAN_7 + "/storia", token), 200)
        rows = re.findall(r'<tr><th scope="row"><a href="%s/invii/(\d+)">' % re.escape(PLAN_7), body)
        self.assertEqual(rows, ["2", "1"])
        review = [p for p in DEMO_DOC["plans"] if p["tenant"] == "ats-7"][0]
        self.assertIn(html.escape(review["review_note"][:60]), body)
        self.assertIn(">modifiche richieste<", body)
        self.assertIn(">in attesa di revisione<", body)
        self.assertIn(italian_time(subs[0][2]), body)
        # The delibera of revision 2 beside it; revision 1 (the demo's) has none.
        self.assertEqual(body.count("Approvato dal Comitato dei Sindaci con delibera n. 12/2021 del 1 marzo 2021"), 1)
        self.assertRegex(body, r'<option value="1" selected>Revisione 1')
        self.assertRegex(body, r'<option value="2" selected>Revisione 2')
        self.assertIn("I.1 Premessa", body)
        self.assertIn('<ins><span class="ambito-diff-mark" aria-hidden="true">+ </span><span '
                      'class="visually-hidden">Testo aggiunto: </span>Riga aggiunta dopo le note della Regione.'
                      '</ins>', body)
        # Only I.1 changed.
        self.assertEqual(len(re.findall(r'<section class="ambito-diff-section">', body)), 1)
        # The same two revisions the other way round: the line is removed.
        body = self.assertPage(self.get(PLAN_7 + "/storia?da=2&a=1", token), 200)
        self.assertIn('class="visually-hidden">Testo rimosso: </span>Riga aggiunta dopo le note', body)
        self.assertIn("<del>", body)
        self.assertPage(self.get(PLAN_7 + "/storia?da=9&a=1", token), 404)
        self.assertPage(self.get(PLAN_7 + "/storia?da=uno", token), 400)
        self.assertPage(self.get(PLAN_7 + "/invii/3", token), 404)
        self.assertPage(self.get(PLAN_7 + "/invii/abc", token), 404)

    def test_5_other_ats_is_the_404_page(self):
        token = self.login(COORD_1)
        for tail in ("/invio", "/storia", "/invii/1"):
            with self.subTest(tail=tail):
                other = self.get(PLAN_7 + tail, token)
                missing = self.get(PLAN_7.replace("ats-7", "ats-nessuno") + tail, token)
                self.assertIn("Pagina non trovata", self.assertPage(other, 404))
                self.assertEqual(other.text, missing.text)
        csrf = self.csrf_of(self.get("/", token))
        r = self.post_form(PLAN_7 + "/invio", {"csrf": csrf, "delibera_numero": "1", "delibera_data": "2021-03-01",
                                               "conferma": "1"}, token)
        self.assertPage(r, 404)

    def test_6_history_of_a_draft(self):
        token = self.login(COORD_1)
        body = self.assertPage(self.get(PLAN_1 + "/storia", token), 200)
        self.assertIn("non è ancora stato inviato", body)
        self.assertIn("servono almeno due invii", body)


if __name__ == "__main__":
    unittest.main()
