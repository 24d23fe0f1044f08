"""The pages of the plan as a process over HTTP, with the demo data: the
Region's allocations on the plan index, the income warnings on the
submission check page, the annual update form with its confirmation step,
and the monitoring page refused on a draft. The browser journeys
(monitoring.test.mjs) cover the riparto upload, the monitoring entry and
the comparison."""

import json
import os
import re
import unittest
import urllib.parse

import harness
from xlsx_read import read_xlsx, sheet_names

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
ADMIN = "admin.regione@demo.ambito.invalid"
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
READER_20 = "lettore.ats20@demo.ambito.invalid"
COOKIE = "ambito_sessione"
REVIEWER = "revisore.regione@demo.ambito.invalid"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON = "Nuovi dati ISTAT 2021 <sul> disagio abitativo"


class ProcessPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.srv = harness.Server(cls.db)
        cls.origin = "http://%s:%d" % (cls.srv.host, cls.srv.port)
        r = cls.srv.request("POST", "/api/v1/auth/login", {"email": ADMIN, "password": PASSWORDS[ADMIN]})
        assert r.status == 200, r
        token = r.json()["access_token"]
        # ats-1's income has no 'altro' line for 2020: the whole allocation is missing.
        assert not any(i["source"] == "altro" and i["year"] == 2020
                       for p in DEMO_DOC["plans"] if p["tenant"] == "ats-1" for i in p["finance"]["income"])
        r = cls.srv.request("PUT", "/api/v1/cycles/2020-2022/allocations",
                            raw=b"tenant,year,source,amount_eur\nats-1,2020,altro,12345.00\n",
                            headers={"Content-Type": "text/csv"}, token=token)
        assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    def get(self, path, cookie):
        return self.srv.request("GET", path, headers={"Cookie": "%s=%s" % (COOKIE, cookie)})

    def post_form(self, path, fields, cookie):
        h = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
             "Sec-Fetch-Site": "same-origin", "Cookie": "%s=%s" % (COOKIE, cookie)}
        return self.srv.request("POST", path, urllib.parse.urlencode(fields), headers=h)

    def login(self, email):
        return self.srv.page_login(email, PASSWORDS[email])

    def csrf_of(self, text):
        return re.search(r'name="csrf" value="([^"]+)"', text).group(1)

    def plan_row(self, slug):
        return self.db.sql("SELECT p.status, p.revision, p.published_revision FROM plans p"
                           " JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = '%s'" % slug)[0]

    def test_allocations_on_the_index_and_warnings_on_the_check_page(self):
        c = self.login(COORD_1)
        r = self.get("/ats/ats-1/piani/2020-2022", c)
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertIn("Assegnazioni della Regione", r.text)
        self.assertRegex(r.text, r"<td>2020</td><td>altro</td><td class=\"ambito-cell-money\">12\.345,00\xa0€</td>")
        self.assertNotIn("Monitoraggio 2021", r.text)  # a draft is not monitored
        r = self.get("/ats/ats-1/piani/2020-2022/invio", c)
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertIn("Entrate ALTRO 2020 inferiori all’assegnazione di 12.345,00\xa0€", r.text)
        self.assertIn("il piano si può inviare comunque", r.text)
        r = self.get("/ats/ats-1/piani/2020-2022/monitoraggio/2021", c)
        self.assertEqual(r.status, 409)
        self.assertIn("il monitoraggio si compila quando la Regione lo ha approvato", r.text)

    def test_comparison_downloads_under_the_session(self):
        """The comparison page's downloads come from its own address (a
        browser has a session, not a Bearer token); the figures are checked
        in test_monitoring.py against the hand-computed fixture."""
        page = "/regione/cicli/2020-2022/monitoraggio?azione=OS1-A6&anno=2021"
        c = self.login(REVIEWER)
        r = self.get(page, c)
        self.assertEqual(r.status, 200, r.text[:500])
        for q, text in (("&amp;format=xlsx", "Scarica il foglio di calcolo (XLSX, indicatori e spesa)"),
                        ("&amp;format=csv", "Scarica gli indicatori in CSV (per i programmi)"),
                        ("&amp;format=csv&amp;table=spending", "Scarica la spesa in CSV (per i programmi)")):
            self.assertIn('<a href="?azione=OS1-A6&amp;anno=2021%s" download>%s</a>' % (q, text), r.text)
        r = self.get(page + "&format=xlsx", c)
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertEqual(r.headers["Content-Type"], XLSX_TYPE)
        self.assertEqual(sheet_names(r.body), ["Indicatori", "Spesa"])
        self.assertEqual(read_xlsx(r.body, 2)[0][0][3][1], "Fonte")
        r = self.get(page + "&format=csv&table=spending", c)
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertEqual(r.body.decode("utf-8-sig").splitlines()[0],
                         "tenant,name,report,source,planned_eur,amount_eur,difference_eur")
        # ATS staff compare nothing, downloads included.
        self.assertEqual(self.get(page + "&format=xlsx", self.login(COORD_1)).status, 403)

    def test_update_form_with_confirmation(self):
        self.assertEqual(self.plan_row("ats-20"), ["published", "1", "1"])
        reader = self.login(READER_20)
        self.assertEqual(self.get("/ats/ats-20/piani/2020-2022/aggiorna", reader).status, 403)
        c = self.login(COORD_20)
        index = self.get("/ats/ats-20/piani/2020-2022", c)
        self.assertIn('href="/ats/ats-20/piani/2020-2022/monitoraggio/2021"', index.text)
        self.assertIn('href="/ats/ats-20/piani/2020-2022/aggiorna"', index.text)
        r = self.get("/ats/ats-20/piani/2020-2022/aggiorna", c)
        self.assertEqual(r.status, 200, r.text[:500])
        csrf = self.csrf_of(r.text)
        r = self.post_form("/ats/ats-20/piani/2020-2022/aggiorna", {"csrf": csrf, "motivo": "  "}, c)
        self.assertEqual(r.status, 422)
        self.assertIn("Scrivi perché si aggiorna il piano.", r.text)
        # The confirmation step changes nothing and shows the reason, escaped.
        r = self.post_form("/ats/ats-20/piani/2020-2022/aggiorna", {"csrf": csrf, "motivo": REASON}, c)
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertIn("Conferma la riapertura", r.text)
        self.assertIn("Nuovi dati ISTAT 2021 &lt;sul&gt; disagio abitativo", r.text)
        self.assertEqual(self.plan_row("ats-20"), ["published", "1", "1"])
        # Without the CSRF token: refused, nothing changes.
        r = self.post_form("/ats/ats-20/piani/2020-2022/aggiorna", {"motivo": REASON, "conferma": "1"}, c)
        self.assertEqual(r.status, 403)
        self.assertEqual(self.plan_row("ats-20"), ["published", "1", "1"])
        r = self.post_form("/ats/ats-20/piani/2020-2022/aggiorna",
                           {"csrf": csrf, "motivo": REASON, "conferma": "1"}, c)
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.headers["Location"], "/ats/ats-20/piani/2020-2022")
        self.assertEqual(self.plan_row("ats-20"), ["draft", "1", "1"])
        self.assertEqual(self.db.sql("SELECT reason FROM plan_reopenings"), [[REASON]])
        # Still public meanwhile.
        self.assertEqual(self.srv.request("GET", "/public/ats-20/2020-2022").status, 200)
        r = self.get("/ats/ats-20/piani/2020-2022/aggiorna", c)
        self.assertEqual(r.status, 409)


if __name__ == "__main__":
    harness.main()
