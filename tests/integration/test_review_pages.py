"""The Region's and the universities' pages over HTTP, on the demo data (ATS
20 published, ATS 13 submitted, ATS 7 sent back, ATS 1 a draft): the
Region's home lists every ATS in natural order (1, 7, 13, 20, where the
slugs sort 1, 13, 20, 7) with status, completeness, last submission, late,
days since it and open comments, sorts and filters; the review queue holds
the submitted plans, oldest first; the review page reads the latest
submission with its Markdown rendered and escaped, links the diff, takes the
decision (refused without CSRF, with errors beside the fields, refused for a
stale revision), the ATS sees the note on its home; the region_admin
publishes after a confirmation and the public document appears; ATS users
get the 403 page, a university user the 404 page for an ATS not assigned.
Expected values come from the demo file and the database, never from the
pages' code."""

import datetime
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
with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
with open(MARCHE, encoding="utf-8") as _f:
    TEMPLATE = json.load(_f)["template"]["sections"]
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
ADMIN = "admin.regione@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
UNIVERSITY = "universita@demo.ambito.invalid"
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
COORD_13 = "coordinatore.ats13@demo.ambito.invalid"
COOKIE = "ambito_sessione"
CYCLE = "2020-2022"
NAMES = {t["slug"]: t["name"] for t in DEMO_DOC["tenants"]}


def review(slug):
    return "/ats/%s/piani/%s/revisione" % (slug, CYCLE)


class ReviewPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db)
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)
        cls.cookies = {}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    # -- helpers

    def get(self, path, who=None):
        h = {"Cookie": "%s=%s" % (COOKIE, self.login(who))} if who else {}
        return self.srv.request("GET", path, headers=h)

    def post_form(self, path, fields, who, csrf=True):
        token = self.login(who)
        if csrf is True:
            fields = dict(fields, csrf=self.csrf(who))
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin", "Cookie": "%s=%s" % (COOKIE, token)}
        return self.srv.request("POST", path, urllib.parse.urlencode(fields), headers=h)

    def login(self, email):
        if email not in self.cookies:
            self.cookies[email] = self.srv.page_login(email, PASSWORDS[email])
        return self.cookies[email]

    def csrf(self, who):
        page = self.get("/", who)
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        self.assertIsNotNone(m, "no CSRF field in the page")
        return m.group(1)

    def api_token(self, email):
        r = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
        self.assertEqual(r.status, 200, r.text)
        return r.json()["access_token"]

    def assertPage(self, r, status):
        self.assertEqual(r.status, status, r.text[:800])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertIn('<html lang="it">', r.text)
        self.assertNotRegex(r.text, r"<script(?![^>]*\bsrc=)")
        return r.text

    def plan(self, slug):
        return self.db.sql("SELECT p.status, p.revision FROM plans p JOIN tenants t ON t.id = p.tenant_id"
                           " WHERE t.slug = '%s'" % slug)[0]

    def table_rows(self, body):
        """(slug, row html) of the 'Tutti gli Ambiti' table, in page order."""
        part = body.split('id="ambiti"', 1)[1]
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", part, re.S)
        out = []
        for row in rows:
            m = re.search(r'href="/ats/([^/"]+)/piani/', row)
            out.append((m.group(1) if m else None, row))
        return out

    def cells(self, row):
        return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]

    # -- the Region's home

    def test_1_home_lists_every_ats_in_natural_order_with_its_figures(self):
        body = self.assertPage(self.get("/", REVIEWER), 200)
        rows = self.table_rows(body)
        self.assertEqual([s for s, _ in rows], ["ats-1", "ats-7", "ats-13", "ats-20"])
        # The index links of the Home stay.
        for slug in ("ats-1", "ats-7", "ats-13", "ats-20"):
            self.assertIn('href="/ats/%s/piani/%s"' % (slug, CYCLE), body)
            self.assertIn('href="%s"' % review(slug), body)
        status = {s: self.cells(r)[1] for s, r in rows}
        self.assertEqual(status, {"ats-1": "bozza", "ats-7": "modifiche richieste", "ats-13": "inviato",
                                  "ats-20": "pubblicato"})
        province = {s: self.cells(r)[0] for s, r in rows}
        self.assertEqual(province, {t["slug"]: t["province"] for t in DEMO_DOC["tenants"]})
        # Completeness, last submission, late, days since: from the database.
        now = datetime.datetime.now(datetime.timezone.utc)
        for slug, row in rows:
            c = self.cells(row)
            sections, complete = self.db.sql(
                "SELECT COUNT(*), SUM(s.status = 'complete') FROM plan_sections s JOIN tenants t ON"
                " t.id = s.tenant_id WHERE t.slug = '%s' AND s.revision = 0" % slug)[0]
            self.assertEqual(c[2], "%s su %s" % (complete, sections), slug)
            sub = self.db.sql("SELECT s.submitted_at, s.late, s.revision FROM plan_submissions s JOIN plans p ON"
                              " p.tenant_id = s.tenant_id AND p.cycle_id = s.cycle_id AND p.revision = s.revision"
                              " JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = '%s'" % slug)
            if not sub:
                self.assertEqual(slug, "ats-1")
                self.assertIn("nessun invio", c[3])
                continue
            at = datetime.datetime.fromisoformat(sub[0][0][:19]).replace(tzinfo=datetime.timezone.utc)
            self.assertIn("(revisione %s)" % sub[0][2], c[3])
            self.assertEqual(c[4], "sì" if sub[0][1] == "1" else "no", slug)
            days = (now - at).days
            self.assertIn(c[5].replace(".", ""), (str(days), str(days + 1)), slug)
        # The queue: only the submitted plan, ATS 13.
        queue = body.split('id="da-esaminare"', 1)[1].split('id="ambiti"', 1)[0]
        self.assertEqual(re.findall(r'href="/ats/([^/]+)/piani/[^/]+/revisione"', queue), ["ats-13"])
        self.assertIn(">Revisione</a>", body)  # the Region's navigation

    def test_2_open_comments_are_counted(self):
        token = self.api_token(REVIEWER)
        base = "/api/v1/tenants/ats-7/plans/%s/comments" % CYCLE
        for text in ("Prima osservazione", "Seconda osservazione"):
            r = self.srv.request("POST", base, {"section": "A.1.2", "body": text}, token=token)
            self.assertEqual(r.status, 201, r.text)
        open_ = self.db.sql("SELECT COUNT(*) FROM plan_comments c JOIN tenants t ON t.id = c.tenant_id WHERE"
                            " t.slug = 'ats-7' AND c.resolved = 0 AND c.reply_to IS NULL")[0][0]
        rows = dict(self.table_rows(self.get("/", REVIEWER).text))
        self.assertEqual(self.cells(rows["ats-7"])[6], open_)
        self.assertEqual(self.cells(rows["ats-1"])[6], "0")
        # Sorted by open comments, most first: ATS 7 leads.
        body = self.get("/?ordina=-commenti", REVIEWER).text
        self.assertEqual(self.table_rows(body)[0][0], "ats-7")
        self.assertIn('aria-sort="descending"', body)

    def test_3_sort_and_filter(self):
        order = lambda q: [s for s, _ in self.table_rows(self.assertPage(self.get(q, REVIEWER), 200))]
        # The plan's flow: bozza, inviato, modifiche richieste, pubblicato.
        self.assertEqual(order("/?ordina=stato"), ["ats-1", "ats-13", "ats-7", "ats-20"])
        self.assertEqual(order("/?ordina=-stato"), ["ats-20", "ats-7", "ats-13", "ats-1"])
        self.assertEqual(order("/?ordina=-ambito"), ["ats-20", "ats-13", "ats-7", "ats-1"])
        # Oldest submission first: 20 (28 June), 7 (30 June), 13 (12 July); none first.
        self.assertEqual(order("/?ordina=invio"), ["ats-1", "ats-20", "ats-7", "ats-13"])
        self.assertEqual(order("/?provincia=PU"), ["ats-1", "ats-7"])
        self.assertEqual(order("/?stato=submitted"), ["ats-13"])
        self.assertEqual(order("/?stato=draft&provincia=PU"), ["ats-1"])
        self.assertEqual(order("/?provincia=AN&ordina=-ambito"), ["ats-13"])
        # The filter form keeps what was chosen.
        body = self.get("/?stato=submitted&provincia=AN", REVIEWER).text
        self.assertRegex(body, r'<option value="submitted" selected>Inviato</option>')
        self.assertRegex(body, r'<option value="AN" selected>AN</option>')
        # A value outside the choices is said, not ignored.
        for q in ("/?stato=perso", "/?ordina=colore", "/?provincia=Pesaro", "/?pagina=0"):
            body = self.assertPage(self.get(q, REVIEWER), 400)
            self.assertIn('class="alert alert-warning"', body)

    # -- who may open what

    def test_4_ats_users_get_the_403_page_and_universities_the_404_page(self):
        for who in (COORD_1, COORD_7):
            body = self.assertPage(self.get("/revisione", who), 403)
            self.assertIn("Accesso negato", body)
        body = self.assertPage(self.get(review("ats-7"), COORD_7), 403)
        self.assertIn("Accesso negato", body)
        self.assertPage(self.get(review("ats-7"), COORD_1), 404)
        self.assertPage(self.get("/ats/ats-7/piani/%s/pubblica" % CYCLE, COORD_7), 403)
        self.assertPage(self.get("/ats/ats-20/piani/%s/pubblica" % CYCLE, REVIEWER), 403)
        # The university: its two ATS, no queue, no decision; 404 elsewhere.
        body = self.assertPage(self.get("/", UNIVERSITY), 200)
        self.assertIn("Ambiti assegnati", body)
        self.assertNotIn('id="da-esaminare"', body)
        self.assertEqual([s for s, _ in self.table_rows(body)], ["ats-13", "ats-20"])
        self.assertNotIn(">Revisione</a>", body)
        self.assertPage(self.get("/revisione", UNIVERSITY), 403)
        for slug in ("ats-1", "ats-7"):
            body = self.assertPage(self.get(review(slug), UNIVERSITY), 404)
            self.assertIn("Pagina non trovata", body)
            self.assertPage(self.get("/ats/%s/piani/%s/sezioni/A.1.2/commenti" % (slug, CYCLE), UNIVERSITY), 404)
        body = self.assertPage(self.get(review("ats-13"), UNIVERSITY), 200)
        self.assertNotIn('name="decision"', body)
        self.assertIn("attende l’esito della revisione", body)
        # A university user comments on an assigned ATS through the comments page.
        path = "/ats/ats-13/piani/%s/sezioni/A.1.2/commenti" % CYCLE
        r = self.post_form(path, {"parte": "", "testo": "Osservazione dell’università"}, UNIVERSITY)
        self.assertEqual(r.status, 303, r.text[:500])
        r = self.post_form("/ats/ats-7/piani/%s/sezioni/A.1.2/commenti" % CYCLE,
                           {"parte": "", "testo": "Non assegnato"}, UNIVERSITY)
        self.assertEqual(r.status, 404)

    # -- the review page

    def test_5_review_page_reads_the_latest_submission(self):
        body = self.assertPage(self.get(review("ats-13"), REVIEWER), 200)
        plan = [p for p in DEMO_DOC["plans"] if p["tenant"] == "ats-13"][0]
        self.assertIn("revisione 1", body)
        sha = self.db.sql("SELECT s.sha256 FROM plan_submissions s JOIN tenants t ON t.id = s.tenant_id"
                          " WHERE t.slug = 'ats-13'")[0][0]
        self.assertIn(sha, body)
        # Every section of the template, in order, each with its comments link.
        keys = re.findall(r'<section class="ambito-review-section" id="sezione-([^"]+)"', body)
        self.assertEqual(keys, [s["key"] for s in TEMPLATE])
        for s in TEMPLATE:
            self.assertIn('href="/ats/ats-13/piani/%s/sezioni/%s/commenti"' % (CYCLE, s["key"]), body)
        # The first paragraph of a submitted part is there, escaped.
        key, sec = next((k, v) for k, v in plan["sections"].items() if v.get("parts"))
        text = next(iter(sec["parts"].values()))
        first = text.split("\n")[0][:60]
        self.assertIn(html.escape(first, quote=False)[:40], body)
        self.assertIn('name="decision"', body)
        self.assertIn('value="approve"', body)
        self.assertIn('value="request_changes"', body)
        # One revision only: no diff link yet.
        self.assertNotIn("Differenze rispetto all’invio precedente", body)

    def test_6_decision_refused_without_csrf_and_with_errors(self):
        before = self.plan("ats-13")
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "1"}, REVIEWER, csrf=False)
        self.assertPage(r, 403)
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "1", "csrf": "x" * 43}, REVIEWER,
                           csrf=None)
        self.assertPage(r, 403)
        self.assertEqual(self.plan("ats-13"), before)
        # No decision chosen, a note over its limit: both said beside their fields.
        r = self.post_form(review("ats-13"), {"revisione": "1", "note": "x" * 5001}, REVIEWER)
        body = self.assertPage(r, 422)
        self.assertIn('id="errore-esito"', body)
        self.assertIn('id="errore-nota"', body)
        self.assertIn("supera il limite di 5.000 caratteri", body)
        self.assertIn('href="#campo-nota"', body)
        r = self.post_form(review("ats-13"), {"decision": "boh", "revisione": "1"}, REVIEWER)
        self.assertPage(r, 422)
        # The university may not decide.
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "1"}, UNIVERSITY)
        self.assertPage(r, 403)
        self.assertEqual(self.plan("ats-13"), before)
        refused = self.db.sql("SELECT COUNT(*) FROM audit_log WHERE route LIKE '%%/revisione' AND outcome = 'refused'")
        self.assertGreaterEqual(int(refused[0][0]), 4)

    def test_7_changes_requested_then_resubmitted_then_approved_and_published(self):
        note = "Integrare gli indicatori della sezione B.3 (nota di prova)."
        r = self.post_form(review("ats-13"), {"decision": "request_changes", "revisione": "1", "note": note},
                           REVIEWER)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers["Location"], review("ats-13") + "?fatto=request_changes")
        self.assertEqual(self.plan("ats-13"), ["changes_requested", "1"])
        audit = self.db.sql("SELECT object, detail, status FROM audit_log WHERE route LIKE '%%/revisione'"
                            " AND outcome = 'ok' ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(audit[0], "plan:ats-13/%s/submissions/1" % CYCLE)
        self.assertIn("request_changes revision 1", audit[1])
        self.assertIn("from the web", audit[1])
        stored = self.db.sql("SELECT r.decision, r.note FROM plan_reviews r JOIN tenants t ON t.id = r.tenant_id"
                             " WHERE t.slug = 'ats-13'")
        self.assertEqual(stored, [["request_changes", note]])
        # The ATS sees the note on its home.
        body = self.assertPage(self.get("/", COORD_13), 200)
        self.assertIn("Note della Regione", body)
        self.assertIn(html.escape(note, quote=False), body)
        # A second decision on the same revision is refused.
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "1"}, REVIEWER)
        self.assertPage(r, 409)

        # The ATS changes a part (with Markdown) and submits again, through the API.
        token = self.api_token(COORD_13)
        sec = "/api/v1/tenants/ats-13/plans/%s/sections/A.1.2" % CYCLE
        etag = self.srv.request("GET", sec, token=token).headers["ETag"]
        part = TEMPLATE[[s["key"] for s in TEMPLATE].index("A.1.2")]["parts"][0]["key"]
        r = self.srv.request("PATCH", sec, json.dumps({"parts": {part: "Testo **corretto** con <script>x</script>"}}),
                             headers={"Content-Type": "application/merge-patch+json", "If-Match": etag}, token=token)
        self.assertEqual(r.status, 200, r.text)
        r = self.srv.request("POST", "/api/v1/tenants/ats-13/plans/%s/submit" % CYCLE, token=token)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(self.plan("ats-13"), ["submitted", "2"])
        # Back in the queue; the page shows revision 2, Markdown rendered, HTML escaped, the diff link.
        queue = self.get("/revisione", REVIEWER).text
        self.assertIn('href="%s"' % review("ats-13"), queue)
        body = self.assertPage(self.get(review("ats-13"), REVIEWER), 200)
        self.assertIn("Testo <strong>corretto</strong> con &lt;script&gt;x&lt;/script&gt;", body)
        diff = "/ats/ats-13/piani/%s/storia?da=1&amp;a=2#confronto" % CYCLE
        self.assertIn('href="%s"' % diff, body)
        hist = self.assertPage(self.get(html.unescape(diff).split("#")[0], REVIEWER), 200)
        self.assertIn("<ins>", hist)
        self.assertIn("corretto", hist)
        # A decision on the old revision is refused; on the new one it is taken.
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "1"}, REVIEWER)
        self.assertPage(r, 409)
        self.assertEqual(self.plan("ats-13"), ["submitted", "2"])
        r = self.post_form(review("ats-13"), {"decision": "approve", "revisione": "2", "note": ""}, REVIEWER)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(self.plan("ats-13"), ["approved", "2"])
        body = self.get(review("ats-13"), REVIEWER).text
        self.assertNotIn('name="decision"', body)
        self.assertNotIn("/pubblica", body)  # the reviewer does not publish

        # Publication: not public yet; confirmation first; then public.
        public = "/public/ats-13/%s" % CYCLE
        self.assertEqual(self.srv.request("GET", public).status, 404)
        body = self.assertPage(self.get(review("ats-13"), ADMIN), 200)
        self.assertIn('href="/ats/ats-13/piani/%s/pubblica"' % CYCLE, body)
        body = self.assertPage(self.get("/ats/ats-13/piani/%s/pubblica" % CYCLE, ADMIN), 200)
        self.assertIn("<h1>Pubblicare il piano di ATS 13?</h1>", body)
        self.assertIn('name="conferma" value="1"', body)
        path = "/ats/ats-13/piani/%s/pubblica" % CYCLE
        self.assertPage(self.post_form(path, {"conferma": "1"}, ADMIN, csrf=False), 403)
        self.assertPage(self.post_form(path, {"conferma": "1"}, REVIEWER), 403)
        r = self.post_form(path, {}, ADMIN)  # no confirmation: the question again, nothing done
        self.assertIn("Pubblicare il piano di ATS 13?", self.assertPage(r, 200))
        self.assertEqual(self.plan("ats-13"), ["approved", "2"])
        r = self.post_form(path, {"conferma": "1"}, ADMIN)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(self.plan("ats-13"), ["published", "2"])
        audit = self.db.sql("SELECT object, detail FROM audit_log WHERE route LIKE '%%/pubblica' AND outcome = 'ok'"
                            " ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(audit, ["plan:ats-13/%s" % CYCLE, "published revision 2 (from the web)"])
        r = self.srv.request("GET", public)
        self.assertEqual(r.status, 200)
        self.assertIn("corretto", r.text)
        body = self.get(review("ats-13"), ADMIN).text
        self.assertIn('href="%s"' % public, body)
        # Publishing again: 409 page, nothing changes.
        self.assertPage(self.post_form(path, {"conferma": "1"}, ADMIN), 409)

    def test_8_comment_links_preselect_the_part(self):
        sec = TEMPLATE[[s["key"] for s in TEMPLATE].index("A.1.2")]
        part = sec["parts"][-1]["key"]
        body = self.assertPage(self.get(review("ats-7"), REVIEWER), 200)
        link = "/ats/ats-7/piani/%s/sezioni/A.1.2/commenti?parte=%s#nuovo" % (CYCLE, part)
        self.assertIn('href="%s"' % link, body)
        page = self.assertPage(self.get(link.split("#")[0], REVIEWER), 200)
        self.assertRegex(page, r'<option value="%s" selected>' % re.escape(part))
        self.assertIn('href="%s#sezione-A.1.2"' % review("ats-7"), page)

    def test_9_the_table_is_paged_in_natural_order(self):
        # 100 more ATS without a plan: "Ambito di prova 1" … "100" sort after
        # "Ambito Territoriale …" bytewise (d > T), by number among themselves.
        values = ", ".join("('prova-%d', 'PROVA %d', 'Ambito di prova %d', 'MC')" % (i, i, i) for i in range(1, 101))
        self.db.sql("INSERT INTO tenants (slug, code, name, province) VALUES " + values)
        body = self.assertPage(self.get("/", REVIEWER), 200)
        self.assertIn("104 Ambiti. Pagina 1 di 2.", body)
        names = [html.unescape(n) for n in
                 re.findall(r'<tr><th scope="row">(?:<a href="[^"]+">)?([^<]+)', body.split('id="ambiti"', 1)[1])]
        self.assertEqual(len(names), 100)
        self.assertEqual(names[:4], [NAMES[s] for s in ("ats-1", "ats-7", "ats-13", "ats-20")])
        self.assertEqual(names[4:], ["Ambito di prova %d" % i for i in range(1, 97)])
        self.assertIn('href="/?ordina=ambito&amp;pagina=2#ambiti"', body)
        body = self.assertPage(self.get("/?ordina=ambito&pagina=2", REVIEWER), 200)
        names = re.findall(r'<tr><th scope="row">(?:<a href="[^"]+">)?([^<]+)', body.split('id="ambiti"', 1)[1])
        self.assertEqual(names, ["Ambito di prova %d" % i for i in range(97, 101)])
        self.assertIn('<span aria-current="page">2</span>', body)
        # Filtered by province and status: the 100 of MC, none with a plan.
        body = self.get("/?provincia=MC&stato=nessuno&pagina=2", REVIEWER).text
        # Exactly one page of 100: page 2 asked, page 1 shown.
        self.assertEqual(re.findall(r'<p role="status">([^<]*)', body), ["100 Ambiti su 104 corrispondono ai filtri."])
        self.assertEqual(body.count('<tr><th scope="row">Ambito di prova'), 100)
        # A page past the last shows the last.
        body = self.assertPage(self.get("/?pagina=9", REVIEWER), 200)
        self.assertIn("Pagina 2 di 2.", body)


if __name__ == "__main__":
    harness.main()
