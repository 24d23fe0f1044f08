"""The tables of the web editor over HTTP: a section's indicators and
spending lines, and the plan's income lines on the Entrate page. Rows are
added, removed and checked by the API's own parser (errors beside their
cells, Italian amounts like 1.234,56), a stale save keeps what was typed,
readers and other ATSs cannot change anything, and every save is audited
like its API twin. Runs on the demo data (ambitoctl import + demo-load)."""

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
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
READER_20 = "lettore.ats20@demo.ambito.invalid"
COOKIE = "ambito_sessione"
PLAN = "/ats/ats-1/piani/2020-2022"



def strip_ids(indicators):
    """The indicators without their ids, each checked first: generated on
    the first save, "ind-" and 16 hexadecimal digits."""
    out = []
    for i in indicators:
        i = dict(i)
        assert re.fullmatch(r"ind-[0-9a-f]{16}", i.pop("id")), i
        out.append(i)
    return out


class EditTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db, env={"AMBITO_REGION_NAME": "Regione Marche di prova"})
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    # -- helpers

    def get(self, path, cookie):
        return self.srv.request("GET", path, headers={"Cookie": "%s=%s" % (COOKIE, cookie)})

    def post_form(self, path, fields, cookie):
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin", "Cookie": "%s=%s" % (COOKIE, cookie)}
        return self.srv.request("POST", path, urllib.parse.urlencode(fields), headers=h)

    def login(self, email):
        return self.srv.page_login(email, PASSWORDS[email])

    def page(self, r, status):
        self.assertEqual(r.status, status, r.text[:800])
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        body = r.text
        self.assertNotRegex(body, r"<script(?![^>]*\bsrc=)")
        self.assertNotRegex(body, r"\sstyle=")
        self.assertNotRegex(body, r"\son[a-z]+=")
        return body

    def form_of(self, r):
        """The fields a browser would send back, unchanged: hidden fields,
        textareas, text inputs and the selected options (no checkbox)."""
        body = r.text
        fields = []
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body):
            fields.append((name, html.unescape(value)))
        for name, text in re.findall(r'name="(parte\.[a-z_0-9]+)"[^>]*>([^<]*)</textarea>', body):
            fields.append((name, html.unescape(text)))
        for name, value in re.findall(r'<input type="text"[^>]* name="([^"]+)"[^>]* value="([^"]*)"', body):
            fields.append((name, html.unescape(value)))
        for name, options in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', body):
            m = re.search(r'<option value="([^"]*)" selected>', options)
            fields.append((name, html.unescape(m.group(1)) if m else ""))
        return dict(fields)

    def assertField(self, body, name, value):
        """A text field named name holds value (attributes in any order)."""
        self.assertRegex(body, r'<input type="text"[^>]* name="%s"[^>]* value="%s">' % (
            re.escape(name), re.escape(html.escape(value))))

    def section(self, slug, key):
        version, content = self.db.sql(
            "SELECT s.version, s.content FROM plan_sections s JOIN tenants t ON t.id = s.tenant_id"
            " JOIN cycles c ON c.id = s.cycle_id WHERE t.slug = '%s' AND c.slug = '2020-2022'"
            " AND s.revision = 0 AND s.section_key = '%s'" % (slug, key))[0]
        # Amounts as their JSON text ("25000.00"), not as floats.
        return int(version), json.loads(content, parse_float=str) if content not in (None, "NULL") else {}

    def income(self, slug):
        return [tuple(row) for row in self.db.sql(
            "SELECT i.source, i.year, i.amount_eur, COALESCE(i.note, '') FROM plan_income i"
            " JOIN tenants t ON t.id = i.tenant_id JOIN cycles c ON c.id = i.cycle_id"
            " WHERE t.slug = '%s' AND c.slug = '2020-2022' AND i.revision = 0 ORDER BY i.line_no" % slug)]

    def finance_version(self, slug):
        return int(self.db.sql(
            "SELECT p.finance_version FROM plans p JOIN tenants t ON t.id = p.tenant_id"
            " JOIN cycles c ON c.id = p.cycle_id WHERE t.slug = '%s' AND c.slug = '2020-2022'" % slug)[0][0])

    def audits(self, obj):
        return [tuple(row) for row in self.db.sql(
            "SELECT method, status, outcome, COALESCE(detail, '') FROM audit_log WHERE object = '%s'"
            " ORDER BY id" % obj)]

    # -- the section's tables

    def test_rows_are_added_saved_and_shown(self):
        token = self.login(COORD_1)
        url = PLAN + "/sezioni/B.1"
        r = self.get(url, token)
        body = self.page(r, 200)
        self.assertIn('data-righe="indicators"', body)
        self.assertIn('data-righe="spending"', body)
        self.assertRegex(body, r'<script src="/static/[0-9a-f]+/righe\.js" defer></script>')
        # No rows stored: three blank rows of each, every field labelled.
        self.assertIn('name="indicators[2].name"', body)
        self.assertNotIn('name="indicators[3].name"', body)
        self.assertIn('<label class="visually-hidden" for="spending-0-amount_eur">Importo (euro), riga 1</label>',
                      body)
        # Every funding source of the catalogue, by its title.
        with open(MARCHE, encoding="utf-8") as f:
            sources = json.load(f)["catalog"]["funding_sources"]
        for s in sources:
            self.assertIn('<option value="%s">%s</option>' % (s["code"], html.escape(s["title"], quote=False)
                                                              .replace("'", "&#39;")), body)
        fields = self.form_of(r)
        before, _ = self.section("ats-1", "B.1")
        fields.update({
            "indicators[0].name": "Nuclei familiari presi in carico", "indicators[0].kind": "process",
            "indicators[0].unit": "nuclei", "indicators[0].baseline": "120", "indicators[0].target": "150",
            "indicators[0].source": "Cartella sociale",
            # a blank row in the middle is dropped; a later one still counts
            "indicators[2].name": "Persone uscite dalla povertà", "indicators[2].kind": "result",
            "spending[0].service": "Pronto intervento sociale", "spending[0].year": "2021",
            "spending[0].amount_eur": "1.234,56", "spending[0].funding_source": "fnps",
            # a row typed and then ticked "remove" is not saved
            "spending[1].service": "Da togliere", "spending[1].year": "2020",
            "spending[1].amount_eur": "5", "spending[1].funding_source": "comuni", "spending[1].rimuovi": "1",
            # a row added by the script, with a high index
            "spending[7].service": "Emporio solidale", "spending[7].year": "2022",
            "spending[7].amount_eur": "25.000", "spending[7].funding_source": "fondo_poverta",
        })
        r = self.post_form(url, fields, token)
        self.assertEqual(r.status, 303, r.text[:800])
        version, content = self.section("ats-1", "B.1")
        self.assertEqual(version, before + 1)
        # A number typed in a cell is a number; a blank is null.
        self.assertEqual(strip_ids(content["indicators"]), [
            {"name": "Nuclei familiari presi in carico", "kind": "process", "unit": "nuclei", "baseline": 120,
             "target": 150, "source": "Cartella sociale"},
            {"name": "Persone uscite dalla povertà", "kind": "result", "unit": None, "baseline": None,
             "target": None, "source": None}])
        self.assertEqual([(s["service"], s["year"], str(s["amount_eur"]), s["funding_source"])
                          for s in content["spending"]],
                         [("Pronto intervento sociale", 2021, "1234.56", "fnps"),
                          ("Emporio solidale", 2022, "25000.00", "fondo_poverta")])
        # Audited like PUT …/sections/B.1, on the same object.
        audits = self.audits("plan:ats-1/2020-2022/sections/B.1")
        self.assertEqual(audits[-1][:3], ("POST", "303", "ok"))
        # Shown again in Italian, selects on the stored values.
        body = self.page(self.get(url + "?salvato=1", token), 200)
        self.assertField(body, "spending[0].amount_eur", "1.234,56")
        self.assertField(body, "spending[1].amount_eur", "25.000,00")
        self.assertRegex(body, r'name="indicators\[1\]\.kind">.*?<option value="result" selected>risultato')
        self.assertIn('name="spending[4].service"', body)  # two rows, three blank
        self.assertNotIn('name="spending[5].service"', body)

        # Removing a stored row.
        fields = self.form_of(self.get(url, token))
        fields["indicators[0].rimuovi"] = "1"
        self.assertEqual(self.post_form(url, fields, token).status, 303)
        _, content = self.section("ats-1", "B.1")
        self.assertEqual([i["name"] for i in content["indicators"]], ["Persone uscite dalla povertà"])
        self.assertEqual(len(content["spending"]), 2)

    def test_errors_beside_their_cells_nothing_saved(self):
        token = self.login(COORD_1)
        url = PLAN + "/sezioni/B.7"  # the demo gives it one indicator and two spending lines
        r = self.get(url, token)
        self.page(r, 200)
        before = self.section("ats-1", "B.7")
        self.assertEqual(len(before[1]["indicators"]), 1)
        fields = self.form_of(r)
        self.assertEqual(fields["indicators[0].name"], before[1]["indicators"][0]["name"])
        fields.update({
            "indicators[1].name": "Alloggi assegnati",  # no kind chosen
            "spending[0].amount_eur": "1234.56",  # a dot that does not group thousands
            "spending[1].amount_eur": "12,345",  # three decimals
            "spending[1].year": "2019",  # before the cycle
            "spending[2].service": "Fondo affitti", "spending[2].year": "2021",
            "spending[2].amount_eur": "100", "spending[2].funding_source": "inventata",
        })
        r = self.post_form(url, fields, token)
        body = self.page(r, 422)
        self.assertEqual(self.section("ats-1", "B.7"), before)
        for cell, message in [
                ("indicators-1-kind", "Scegli se è un indicatore di processo o di risultato."),
                ("spending-0-amount_eur", "ad esempio 1.234,56"),
                ("spending-1-amount_eur", "ad esempio 1.234,56"),
                ("spending-1-year", "Scrivi un anno del ciclo, dal 2020 al 2022."),
                ("spending-2-funding_source", "Scegli una fonte di finanziamento del catalogo del ciclo.")]:
            self.assertIn('href="#%s"' % cell, body)
            self.assertRegex(body, r'id="%s"[^>]* aria-invalid="true" aria-describedby="errore-%s"' % (cell, cell))
            self.assertRegex(body, r'<p class="ambito-cell-error" id="errore-%s">[^<]*%s' % (
                cell, re.escape(html.escape(message, quote=False))))
        # Fields without errors are not marked; what was typed is kept.
        self.assertNotIn('aria-describedby="errore-spending-0-year"', body)
        self.assertField(body, "spending[0].amount_eur", "1234.56")
        self.assertField(body, "spending[1].amount_eur", "12,345")
        self.assertField(body, "indicators[1].name", "Alloggi assegnati")
        self.assertIn("Ci sono errori nel modulo", body)

        # A form that carries no field of a table (an older page) leaves it as stored.
        texts_only = {k: v for k, v in self.form_of(self.get(url, token)).items()
                      if not k.startswith(("indicators[", "spending["))}
        self.assertEqual(self.post_form(url, texts_only, token).status, 303)
        version, content = self.section("ats-1", "B.7")
        self.assertEqual(version, before[0] + 1)
        self.assertEqual((content["indicators"], content["spending"]),
                         (before[1]["indicators"], before[1]["spending"]))

    def test_stale_save_keeps_the_typed_rows(self):
        url = PLAN + "/sezioni/B.2"
        a, b = self.login(COORD_1), self.login(COORD_1)
        form_a, form_b = self.form_of(self.get(url, a)), self.form_of(self.get(url, b))
        form_a.update({"indicators[0].name": "Prima persona", "indicators[0].kind": "process"})
        self.assertEqual(self.post_form(url, form_a, a).status, 303)
        form_b.update({"spending[0].service": "Casa rifugio", "spending[0].year": "2020",
                       "spending[0].amount_eur": "9.999,99", "spending[0].funding_source": "regione"})
        r = self.post_form(url, form_b, b)
        body = self.page(r, 409)
        self.assertIn("Nessuna modifica è stata salvata", body)
        self.assertField(body, "spending[0].service", "Casa rifugio")
        self.assertField(body, "spending[0].amount_eur", "9.999,99")
        _, content = self.section("ats-1", "B.2")
        self.assertEqual([i["name"] for i in content["indicators"]], ["Prima persona"])
        self.assertEqual(content.get("spending", []), [])
        # The page carries the new version: sending it again saves.
        self.assertEqual(self.post_form(url, self.form_of(r), b).status, 303)
        _, content = self.section("ats-1", "B.2")
        self.assertEqual([s["service"] for s in content["spending"]], ["Casa rifugio"])

    def test_readers_see_tables_as_text(self):
        token = self.login(READER_20)
        body = self.page(self.get("/ats/ats-20/piani/2020-2022/sezioni/A.1.2", token), 200)
        self.assertIn("<th scope=\"col\">Tipo</th>", body)
        self.assertNotIn('name="indicators[0].name"', body)
        self.assertNotIn("righe.js", body)

    # -- the Entrate page

    def test_income_page(self):
        token = self.login(COORD_1)
        url = PLAN + "/entrate"
        index = self.page(self.get(PLAN, token), 200)
        self.assertIn('<a href="%s">Entrate del piano</a>' % url, index)
        r = self.get(url, token)
        body = self.page(r, 200)
        stored = self.income("ats-1")
        self.assertEqual(len(stored), 4)  # the demo's income lines of ats-1
        self.assertIn('name="income[%d].source"' % (len(stored) + 2), body)
        self.assertIn("Totale delle entrate", body)
        fields = self.form_of(r)
        version = self.finance_version("ats-1")
        n = len(stored)
        fields.update({"income[%d].source" % n: "fna", "income[%d].year" % n: "2022",
                       "income[%d].amount_eur" % n: "12.500,50 €", "income[%d].note" % n: "Quota 2022"})
        r = self.post_form(url, fields, token)
        self.assertEqual(r.status, 303, r.text[:800])
        self.assertEqual(r.headers["Location"], url + "?salvato=1")
        self.assertEqual(self.income("ats-1"), stored + [("fna", "2022", "12500.50", "Quota 2022")])
        self.assertEqual(self.finance_version("ats-1"), version + 1)
        self.assertEqual(self.audits("plan:ats-1/2020-2022/finance")[-1][:3], ("POST", "303", "ok"))
        body = self.page(self.get(url + "?salvato=1", token), 200)
        self.assertIn("Entrate salvate.", body)
        self.assertIn('value="12.500,50"', body)

        # A bad amount: beside its cell, typed text kept, nothing saved.
        fields = self.form_of(self.get(url, token))
        fields["income[0].amount_eur"] = "mille"
        r = self.post_form(url, fields, token)
        body = self.page(r, 422)
        self.assertIn('<p class="ambito-cell-error" id="errore-income-0-amount_eur">', body)
        self.assertIn('href="#income-0-amount_eur"', body)
        self.assertIn('value="mille"', body)
        self.assertEqual(self.finance_version("ats-1"), version + 1)

        # Stale: the form of the old version keeps what was typed, saves nothing.
        old = self.form_of(self.get(url, token))
        fresh = self.form_of(self.get(url, token))
        fresh["income[0].rimuovi"] = "1"
        self.assertEqual(self.post_form(url, fresh, token).status, 303)
        self.assertEqual(len(self.income("ats-1")), n)
        old["income[0].note"] = "Nota scritta nel frattempo"
        r = self.post_form(url, old, token)
        body = self.page(r, 409)
        self.assertIn('value="Nota scritta nel frattempo"', body)
        self.assertEqual(len(self.income("ats-1")), n)
        self.assertEqual(self.finance_version("ats-1"), version + 2)

    def test_income_page_refusals(self):
        url = "/ats/ats-20/piani/2020-2022/entrate"
        # A reader reads the lines as text and cannot post.
        token = self.login(READER_20)
        body = self.page(self.get(url, token), 200)
        self.assertNotIn("<form method=\"post\" action=\"%s\"" % url, body)
        before = self.income("ats-20")
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.get("/", token).text).group(1)
        fields = {"csrf": csrf, "versione": str(self.finance_version("ats-20")),
                  "income[0].source": "fna", "income[0].year": "2021", "income[0].amount_eur": "1"}
        self.page(self.post_form(url, fields, token), 403)
        # The coordinator of a published plan: the reason, and 409.
        token = self.login(COORD_20)
        body = self.page(self.get(url, token), 200)
        self.assertIn("si può modificare solo in bozza", body)
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        fields["csrf"] = csrf
        self.page(self.post_form(url, fields, token), 409)
        self.assertEqual(self.income("ats-20"), before)
        # Another ATS: the same 404 page as a missing one.
        token = self.login(COORD_1)
        fields["csrf"] = re.search(r'name="csrf" value="([^"]+)"', self.get("/", token).text).group(1)
        other = self.page(self.get(url, token), 404)
        missing = self.page(self.get("/ats/ats-inesistente/piani/2020-2022/entrate", token), 404)
        self.assertEqual(other, missing)
        self.page(self.post_form(url, fields, token), 404)
        self.assertEqual(self.income("ats-20"), before)


if __name__ == "__main__":
    unittest.main()
