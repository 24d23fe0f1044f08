"""The comparison pages and the spreadsheets, against a real ambitod and
MariaDB with the demo data (ATS 20 published, 13 submitted, 7 sent back,
1 a draft).

- Every comparison downloads as XLSX (?format=xlsx and the spreadsheet's
  Accept type), read back with zipfile and the XML of the sheet, its shared
  strings and its styles: Italian titles and accents intact, counts and
  amounts as numeric cells equal to the JSON API's figures, amounts with a
  euro number format, the header row frozen; nothing left in the server's
  temporary directory.
- The coverage matrix page and the finance page show the API's figures (the
  HTML parsed with html.parser, the money read back from its Italian form),
  with the totals and medians; the chart's median line is the API's.
- ATS come in natural order (1, 7, 13, 20); a university user sees only its
  assigned ATS on every page and download; ATS staff get the 403 page.

Expected values come from the API's JSON and from the cycle file, never from
the pages' own code."""

import html.parser
import json
import os
import re
import tempfile
import unittest
from decimal import Decimal as D

import harness
from xlsx_read import read_xlsx

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
with open(MARCHE, encoding="utf-8") as _f:
    FRAME = json.load(_f)
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
NAMES = {t["slug"]: t["name"] for t in DEMO_DOC["tenants"]}
REVIEWER = "revisore.regione@demo.ambito.invalid"
UNIVERSITY = "universita@demo.ambito.invalid"
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
ASSIGNED = {"ats-20", "ats-13"}
CYCLE = "2020-2022"
API = "/api/v1/cycles/%s/compare" % CYCLE
PAGES = "/confronti/%s" % CYCLE
COOKIE = "ambito_sessione"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- readers

class Tables(html.parser.HTMLParser):
    """Every <table> of a page by id: rows of cell texts (th and td), split
    into thead, tbody and tfoot; and the svg titles and texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.stack, self.cell, self.section = {}, [], None, None
        self.svg_texts, self.in_svg_text = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.stack.append({"thead": [], "tbody": [], "tfoot": []})
            self.tables[a.get("id", "t%d" % len(self.tables))] = self.stack[-1]
        elif tag in ("thead", "tbody", "tfoot") and self.stack:
            self.section = tag
        elif tag == "tr" and self.stack:
            self.stack[-1][self.section or "tbody"].append([])
        elif tag in ("td", "th") and self.stack:
            self.cell = []
        elif tag == "text":
            self.in_svg_text = True
            self.svg_texts.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.stack and self.cell is not None:
            self.stack[-1][self.section or "tbody"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.stack:
            self.stack.pop()
            self.section = None
        elif tag == "text":
            self.in_svg_text = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.in_svg_text:
            self.svg_texts[-1] += data


def parse(page):
    p = Tables()
    p.feed(page)
    return p


def money_it(text):
    """'1.234,56 €' (with its no-break space) as a Decimal; None for n.d."""
    if text in ("n.d.", ""):
        return None
    t = text.replace("\u00a0", " ").replace("€", "").strip().replace(".", "").replace(",", ".")
    return D(t)


def decimal_or_none(v):
    return None if v is None else D(v)


# ---------------------------------------------------------------- the tests

class ComparePages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        cls.tmp = tempfile.mkdtemp(prefix="ambito-xlsx-test-")
        cls.srv = harness.Server(cls.db, env={"TMPDIR": cls.tmp})
        cls.tokens = {}
        cls.cookies = {}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    # -- helpers

    def token(self, email):
        if email not in self.tokens:
            r = self.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
            self.assertEqual(r.status, 200, r.text)
            self.tokens[email] = r.json()["access_token"]
        return self.tokens[email]

    def cookie(self, email):
        if email not in self.cookies:
            self.cookies[email] = self.srv.page_login(email, PASSWORDS[email])
        return self.cookies[email]

    def api(self, path, email=REVIEWER, headers=None):
        r = self.srv.request("GET", API + path, token=self.token(email), headers=headers)
        self.assertEqual(r.status, 200, r.text[:500])
        return r

    def apij(self, path, email=REVIEWER):
        """The JSON answer with its amounts as Decimals, exactly as sent."""
        return json.loads(self.api(path, email).text, parse_float=D)

    def page(self, path, email=REVIEWER, status=200):
        r = self.srv.request("GET", path, headers={"Cookie": "%s=%s" % (COOKIE, self.cookie(email))})
        self.assertEqual(r.status, status, r.text[:800])
        if status == 200 and r.headers.get("Content-Type", "").startswith("text/html"):
            self.assertIn('<html lang="it">', r.text)
            self.assertNotRegex(r.text, r"<script(?![^>]*\bsrc=)")
            self.assertNotIn(" style=", r.text)
        return r

    # -- XLSX

    def assertXlsx(self, r, name):
        self.assertEqual(r.headers.get("Content-Type"), XLSX_TYPE)
        self.assertEqual(r.headers.get("Content-Disposition"), 'attachment; filename="%s"' % name)
        rows, frozen = read_xlsx(r.body)
        self.assertTrue(frozen, "the header row is not frozen")
        self.assertTrue(all(c[0] == "text" for c in rows[0]), rows[0])
        return rows

    def test_xlsx_coverage_numbers_are_numbers(self):
        for by in ("action", "objective"):
            js = self.apij("/coverage?by=%s&source=draft" % by)
            rows = self.assertXlsx(self.api("/coverage?by=%s&source=draft&format=xlsx" % by),
                                   "ambito-%s-coverage-%s-draft.xlsx" % (CYCLE, by))
            head = [c[1] for c in rows[0]]
            self.assertEqual(head[:2], ["Codice ATS", "ATS"])
            code = js["columns"][0]
            self.assertEqual(head[2:6], ["%s sezioni scritte" % code, "%s sezioni complete" % code,
                                         "%s indicatori" % code, "%s spesa (€)" % code])
            self.assertEqual(len(head), 2 + 4 * len(js["columns"]))
            # Natural order, the names with their dashes and apostrophes.
            self.assertEqual([r[0][1] for r in rows[1:]], ["ats-1", "ats-7", "ats-13", "ats-20"])
            api_rows = {row["tenant"]: row for row in js["rows"]}
            spent = 0
            for row in rows[1:]:
                slug = row[0][1]
                self.assertEqual(row[1], ("text", NAMES[slug], ""))
                for i, code in enumerate(js["columns"]):
                    want = api_rows[slug]["cells"][code]
                    s, c, ind, eur = row[2 + 4 * i: 6 + 4 * i]
                    self.assertEqual((s[0], s[1]), ("number", D(want["sections"])))
                    self.assertEqual((c[0], c[1]), ("number", D(want["complete"])))
                    self.assertEqual((ind[0], ind[1]), ("number", D(want["indicators"])))
                    self.assertEqual((eur[0], eur[1]), ("number", D(want["spending_eur"])), (slug, code))
                    self.assertIn("€", eur[2])
                    spent += D(want["spending_eur"])
            self.assertGreater(spent, 0)

    def test_xlsx_finance_and_allocations(self):
        for by in ("area", "source"):
            js = self.apij("/finance?by=%s" % by)
            rows = self.assertXlsx(self.api("/finance?by=%s" % by, headers={"Accept": XLSX_TYPE}),
                                   "ambito-%s-finance-%s-submitted.xlsx" % (CYCLE, by))
            head = [c[1] for c in rows[0]]
            self.assertEqual(head[:3], ["Codice ATS", "ATS", "Popolazione"])
            self.assertEqual(head[3:5], ["%s importo (€)" % js["columns"][0], "%s per abitante (€)" % js["columns"][0]])
            api_rows = {row["tenant"]: row for row in js["rows"]}
            self.assertEqual([r[0][1] for r in rows[1:]], [s for s in ("ats-7", "ats-13", "ats-20") if s in api_rows])
            for row in rows[1:]:
                want = api_rows[row[0][1]]
                self.assertEqual(row[2][:2], ("number", D(want["population"])))
                for i, code in enumerate(js["columns"]):
                    amount, per = row[3 + 2 * i], row[4 + 2 * i]
                    self.assertEqual(amount[:2], ("number", D(want["cells"][code]["amount_eur"])))
                    self.assertIn("€", amount[2])
                    if want["cells"][code]["per_inhabitant_eur"] is None:
                        self.assertEqual(per[0], "blank")
                    else:
                        self.assertEqual(per[:2], ("number", D(want["cells"][code]["per_inhabitant_eur"])))
        rows = self.assertXlsx(self.api("/allocations?format=xlsx"), "ambito-%s-allocations-submitted.xlsx" % CYCLE)
        self.assertIn("assegnato per abitante (€)", rows[0][4][1])

    def test_xlsx_sections_and_indicators_keep_text(self):
        js = self.apij("/sections/A.1.2?source=draft")
        rows = self.assertXlsx(self.api("/sections/A.1.2?source=draft&format=xlsx"),
                               "ambito-%s-section-A.1.2-draft.xlsx" % CYCLE)
        section = [s for s in FRAME["template"]["sections"] if s["key"] == "A.1.2"][0]
        head = [c[1] for c in rows[0]]
        self.assertEqual(head, ["Codice ATS", "ATS", "Revisione", "Stato"] + [p["title"] for p in section["parts"]]
                         + ["Indicatori", "Spesa (€)"])
        by_slug = {row["tenant"]: row for row in js["rows"]}
        accents = 0
        for row in rows[1:]:
            want = by_slug[row[0][1]]
            for i, p in enumerate(section["parts"]):
                text = want["parts"].get(p["key"])
                if text:
                    self.assertEqual(row[4 + i][:2], ("text", text))
                    accents += any(ch in text for ch in "àèéìòù")
        self.assertGreater(accents, 0, "no accented text to check")
        js = self.apij("/indicators?action=OS1-A6&source=draft")
        self.assertGreater(len(js["rows"]), 0)
        rows = self.assertXlsx(self.api("/indicators?action=OS1-A6&source=draft&format=xlsx"),
                               "ambito-%s-indicators-OS1-A6-draft.xlsx" % CYCLE)
        self.assertEqual([c[1] for c in rows[0]][2:], ["Sezione", "Indicatore", "Tipo", "Unità",
                                                        "Valore di partenza", "Obiettivo", "Fonte"])
        self.assertEqual(len(rows) - 1, len(js["rows"]))
        got = sorted((r[0][1], r[3][1]) for r in rows[1:])
        self.assertEqual(got, sorted((x["tenant"], x["indicator"]) for x in js["rows"]))
        for r, x in zip(sorted(rows[1:], key=lambda r: (r[0][1], r[3][1])),
                        sorted(js["rows"], key=lambda x: (x["tenant"], x["indicator"]))):
            if x["baseline"] is not None and re.fullmatch(r"-?\d+(\.\d+)?", str(x["baseline"])):
                self.assertEqual(r[6][:2], ("number", D(str(x["baseline"]))))

    def test_xlsx_refusals_and_no_files_left(self):
        r = self.srv.request("GET", API + "/coverage?format=xls", token=self.token(REVIEWER))
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["errors"][0]["field"], "format")
        self.assertIn("xlsx", r.json()["errors"][0]["message"])
        self.api("/coverage?format=xlsx")
        self.assertEqual(os.listdir(self.tmp), [], "the XLSX's files were left behind")

    # -- pages

    def test_coverage_page_shows_the_api_figures(self):
        objectives = FRAME["catalog"]["objectives"]
        action_of = {a["code"]: o["code"] for o in objectives for a in o["actions"]}
        for by in ("action", "objective"):
            for source in ("submitted", "draft"):
                js = self.apij("/coverage?by=%s&source=%s" % (by, source))
                page = self.page("%s/copertura?by=%s&source=%s" % (PAGES, by, source)).text
                t = parse(page).tables["matrice"]
                head = t["thead"][0]
                self.assertEqual(head[1:], js["columns"])
                for code in js["columns"]:
                    title = [x["title"] for o in objectives for x in [o] + o["actions"] if x["code"] == code][0]
                    self.assertIn('<abbr title="%s">%s</abbr>' % (html_escape(title), code), page)
                # How many sections of the template each code tags (by
                # objective, once per section), counted from the cycle file.
                total = {}
                for code in js["columns"]:
                    total[code] = sum(1 for s in FRAME["template"]["sections"]
                                      if any((a if by == "action" else action_of[a]) == code for a in s["actions"]))
                want_order = [NAMES[s] for s in ("ats-1", "ats-7", "ats-13", "ats-20")
                              if s in {r["tenant"] for r in js["rows"]}]
                self.assertEqual([r[0] for r in t["tbody"]], want_order)
                api_rows = {NAMES[r["tenant"]]: r for r in js["rows"]}
                for row in t["tbody"]:
                    for code, text in zip(js["columns"], row[1:]):
                        c = api_rows[row[0]]["cells"][code]
                        want = "%d/%d" % (c["complete"], total[code])
                        if c["sections"] > c["complete"]:
                            want += " +%d" % (c["sections"] - c["complete"])
                        self.assertEqual(text, want, (row[0], code))
                foot = t["tfoot"][0]
                self.assertEqual(foot[0], "Totale")
                for code, text in zip(js["columns"], foot[1:]):
                    self.assertTrue(text.startswith("%d/" % js["totals"][code]["complete"]), (code, text))
                self.assertIn("ambito-legend", page)
                self.assertIn("tutte le sezioni complete", page)

    def test_finance_page_shows_the_api_figures(self):
        for by in ("area", "source"):
            js = self.apij("/finance?by=%s&source=draft" % by)
            page = self.page("%s/finanza?by=%s&source=draft" % (PAGES, by)).text
            p = parse(page)
            t = p.tables["finanza"]
            self.assertEqual([c.split()[0] for c in t["thead"][0][2:]], js["columns"])
            api_rows = {NAMES[r["tenant"]]: r for r in js["rows"]}
            self.assertEqual([r[0] for r in t["tbody"]], [NAMES[s] for s in ("ats-1", "ats-7", "ats-13", "ats-20")])
            nonzero = 0
            for row in t["tbody"]:
                want = api_rows[row[0]]
                self.assertEqual(int(row[1].replace(".", "")), want["population"])
                for i, code in enumerate(js["columns"]):
                    cell = want["cells"][code]
                    self.assertEqual(money_it(row[2 + 2 * i]), D(cell["amount_eur"]), (row[0], code))
                    self.assertEqual(money_it(row[3 + 2 * i]), decimal_or_none(cell["per_inhabitant_eur"]))
                    nonzero += D(cell["amount_eur"]) != 0
            self.assertGreater(nonzero, 0)
            total, median = t["tfoot"]
            self.assertEqual(total[0], "Totale regionale")
            self.assertEqual(int(total[1].replace(".", "")), js["population"])
            self.assertEqual(median[0], "Mediana")
            for i, code in enumerate(js["columns"]):
                self.assertEqual(money_it(total[2 + 2 * i]), decimal_or_none(js["totals"][code]["amount_eur"]))
                self.assertEqual(money_it(total[3 + 2 * i]),
                                 decimal_or_none(js["totals"][code]["per_inhabitant_eur"]))
                self.assertEqual(money_it(median[2 + 2 * i]), decimal_or_none(js["medians"][code]["amount_eur"]))
                self.assertEqual(money_it(median[3 + 2 * i]),
                                 decimal_or_none(js["medians"][code]["per_inhabitant_eur"]))
            # The chart: accessible SVG, the median line at the API's median
            # of the chosen column, its data table and summary beside it.
            code = [c for c in js["columns"] if D(js["totals"][c]["amount_eur"]) != 0][0]
            page = self.page("%s/finanza?by=%s&source=draft&code=%s" % (PAGES, by, code)).text
            p = parse(page)
            self.assertRegex(page, r'<svg [^>]*role="img" aria-labelledby="grafico-t grafico-d"')
            self.assertIn('<title id="grafico-t">', page)
            self.assertIn('<desc id="grafico-d">', page)
            median_pi = D(js["medians"][code]["per_inhabitant_eur"])
            ref = [x for x in p.svg_texts if x.startswith("mediana ")]
            self.assertEqual(len(ref), 1, p.svg_texts)
            self.assertEqual(money_it(ref[0][len("mediana "):]), median_pi)
            data = p.tables["grafico-dati"]["tbody"]
            self.assertEqual(len(data), 4)
            for row in data:
                want = js["rows"][[NAMES[r["tenant"]] for r in js["rows"]].index(row[0])]["cells"][code]
                self.assertEqual(money_it(row[1]), D(want["per_inhabitant_eur"]))
            pis = {NAMES[r["tenant"]]: D(r["cells"][code]["per_inhabitant_eur"]) for r in js["rows"]}
            hi = max(pis, key=pis.get)
            m = re.search(r'<p class="ambito-chart-summary">([^<]*)</p>', page)
            self.assertIsNotNone(m)
            summary = html_unescape(m.group(1))
            self.assertIn("il valore più alto è di %s" % hi, summary)
            self.assertIn("%d su 4 sopra la mediana" % sum(1 for v in pis.values() if v > median_pi), summary)

    def test_section_and_indicator_pages(self):
        js = self.apij("/sections/A.1.2?source=draft")
        page = self.page("%s/sezioni?key=A.1.2&source=draft" % PAGES).text
        names = re.findall(r"<article><h2>([^<]*)</h2>", page)
        self.assertEqual([html_unescape(n) for n in names], [NAMES[s] for s in ("ats-1", "ats-7", "ats-13", "ats-20")
                                                             if s in {r["tenant"] for r in js["rows"]}])
        self.page("%s/sezioni?key=Z.9" % PAGES, status=404)
        self.assertNotIn("Pagina successiva", page)  # four ATS: one page of 16
        self.page("%s/sezioni?key=A.1.2&pagina=2" % PAGES, status=404)
        self.page("%s/sezioni?key=A.1.2&pagina=0" % PAGES, status=400)
        js = self.apij("/indicators?action=OS1-A6&source=draft")
        page = self.page("%s/indicatori?action=OS1-A6&source=draft" % PAGES).text
        rows = parse(page).tables["indicatori"]["tbody"]
        self.assertEqual(sorted((r[0], r[2]) for r in rows),
                         sorted((NAMES[x["tenant"]], x["indicator"]) for x in js["rows"]))
        self.page("%s/indicatori?action=OS99-A1" % PAGES, status=404)
        self.page("%s/copertura?by=area" % PAGES, status=400)
        self.page("%s/copertura?source=tutto" % PAGES, status=400)
        self.page("/confronti/2099-2100/copertura", status=404)

    def test_page_downloads_are_the_api_files(self):
        r = self.page("%s/copertura?by=action&source=draft&format=xlsx" % PAGES)
        rows = self.assertXlsx(r, "ambito-%s-coverage-action-draft.xlsx" % CYCLE)
        api_rows, _ = read_xlsx(self.api("/coverage?by=action&source=draft&format=xlsx").body)
        self.assertEqual(rows, api_rows)
        r = self.page("%s/finanza?by=source&format=csv" % PAGES)
        self.assertEqual(r.headers.get("Content-Type"), "text/csv; charset=utf-8")
        self.assertEqual(r.body, self.api("/finance?by=source&format=csv").body)
        page = self.page("%s/copertura?by=objective&source=draft" % PAGES).text
        self.assertIn('href="/confronti/%s/copertura?by=objective&amp;source=draft&amp;format=xlsx"' % CYCLE, page)
        self.assertIn('href="/confronti/%s/copertura?by=objective&amp;source=draft&amp;format=csv"' % CYCLE, page)

    def test_university_sees_only_its_ats(self):
        others = [NAMES["ats-1"], NAMES["ats-7"]]
        mine = [NAMES["ats-13"], NAMES["ats-20"]]
        for path in ("/copertura?source=draft", "/copertura?by=objective&source=draft", "/finanza?source=draft",
                     "/finanza?by=source&source=draft", "/sezioni?key=A.1.2&source=draft",
                     "/indicatori?action=OS1-A6&source=draft"):
            page = self.page(PAGES + path, email=UNIVERSITY).text
            text = html_unescape(page)
            for name in others:
                self.assertNotIn(name, text, path)
            self.assertIn("assegnati alla tua università", text)
            if "indicatori" not in path:
                for name in mine:
                    self.assertIn(name, text, path)
        t = parse(self.page(PAGES + "/copertura?source=draft", email=UNIVERSITY).text).tables["matrice"]
        self.assertEqual([r[0] for r in t["tbody"]], mine)
        rows, _ = read_xlsx(self.page(PAGES + "/copertura?source=draft&format=xlsx", email=UNIVERSITY).body)
        self.assertEqual([r[0][1] for r in rows[1:]], ["ats-13", "ats-20"])
        csv_body = self.page(PAGES + "/sezioni?key=A.1.2&source=draft&format=csv", email=UNIVERSITY).text
        self.assertNotIn("ats-1,", csv_body)
        self.assertNotIn("ats-7,", csv_body)
        # The navigation offers the comparisons to the Region and the
        # universities, not to ATS staff, who get the 403 page.
        self.assertIn('href="/confronti">Confronti</a>', self.page("/", email=UNIVERSITY).text)
        self.assertNotIn('href="/confronti"', self.page("/", email=COORD_1).text)
        for path in ("/confronti", PAGES, PAGES + "/copertura", PAGES + "/finanza?format=xlsx"):
            r = self.page(path, email=COORD_1, status=403)
            self.assertIn("riservati al personale regionale", r.text)

    def test_home_pages(self):
        page = self.page("/confronti").text
        self.assertIn('href="/confronti/%s"' % CYCLE, page)
        page = self.page(PAGES).text
        for link in ("/copertura?by=action", "/copertura?by=objective", "/finanza?by=area", "/finanza?by=source",
                     "/sezioni", "/indicatori"):
            self.assertIn('href="%s%s"' % (PAGES, link), page)


def html_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace(
        "'", "&#39;")


def html_unescape(s):
    import html as h
    return h.unescape(s)


if __name__ == "__main__":
    harness.main()
