"""The public comparisons (SPEC §7b) over the demo data, where only ATS 20's
plan is published (ATS 13's is submitted, ATS 7's sent back, ATS 1's a
draft): the public coverage and finance hold ATS 20 alone, with figures
computed here from the demo and cycle files; they equal the Region's
comparison of the latest submissions restricted to the published plans; the
CSV, the XLSX (read as XML) and the ZIP's files say the same; no name, slug
or text of an unpublished plan appears in any public comparison page or file;
validators give 304; and an annual update of ATS 20 (reopened, edited,
submitted) changes nothing public until it is published, when the figures
move by exactly the amount edited. Last, ATS 13 is approved and published:
two rows, and medians that are the mean of two, rounded half up."""

import csv
import io
import json
import os
import re
import sys
import unittest
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import harness

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_compare_pages import read_xlsx  # noqa: E402  (the reader the Region's XLSX tests use)

DATA = os.path.join(harness.source_dir(), "deploy", "data")
CYCLE = "2020-2022"
DEMO = json.load(open(os.path.join(DATA, "demo-marche.json"), encoding="utf-8"))
MARCHE = json.load(open(os.path.join(DATA, "marche-2020-2022.json"), encoding="utf-8"))
PLANS = {p["tenant"]: p for p in DEMO["plans"]}
TENANTS = {t["slug"]: t for t in DEMO["tenants"]}
PASSWORDS = {u["email"]: u["password"] for u in DEMO["users"]}
TEMPLATE = MARCHE["template"]["sections"]
CATALOG = MARCHE["catalog"]
OBJECTIVES = {o["code"]: {a["code"] for a in o["actions"]} for o in CATALOG["objectives"]}
ACTIONS = [a["code"] for o in CATALOG["objectives"] for a in o["actions"]]
AREAS = [a["code"] for a in CATALOG["areas"]]
SOURCES = [s["code"] for s in CATALOG["funding_sources"]]
UNPUBLISHED = ["ats-1", "ats-7", "ats-13"]

PUBLIC = "/api/v1/public/cycles/%s/compare" % CYCLE
REGION = "/api/v1/cycles/%s/compare" % CYCLE
PAGES = "/trasparenza/%s" % CYCLE
ADMIN = "admin.regione@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
COORD_20 = "coordinatore.ats20@demo.ambito.invalid"
CENT = Decimal("0.01")

SRV = DB = None


def setUpModule():
    global SRV, DB
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", os.path.join(DATA, "marche-2020-2022.json"))
    harness.ctl_ok(DB, "demo-load", os.path.join(DATA, "demo-marche.json"))
    SRV = harness.Server(DB)


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


# ---------------------------------------------------------------- by hand

def status(tpl, sec):
    """empty, partial or complete, as the plan model decides: nothing at
    all, or a required part missing, or every required part written."""
    parts = {k for k, v in sec.get("parts", {}).items() if v}
    if not parts and not sec.get("indicators") and not sec.get("spending"):
        return "empty"
    if any(p["required"] and p["key"] not in parts for p in tpl["parts"]):
        return "partial"
    return "complete"


def spent(sec):
    return sum((Decimal(str(x["amount_eur"])) for x in sec.get("spending", [])), Decimal("0"))


def coverage(sections, by_objective):
    """{code: (sections, complete, indicators, spending)} of one plan."""
    cols = list(OBJECTIVES) if by_objective else ACTIONS
    out = {c: [0, 0, 0, Decimal("0")] for c in cols}
    for tpl in TEMPLATE:
        sec = sections.get(tpl["key"], {})
        st = status(tpl, sec)
        if st == "empty":
            continue
        acts = set(tpl["actions"])
        codes = [o for o, a in OBJECTIVES.items() if a & acts] if by_objective else sorted(acts)
        for c in codes:
            out[c][0] += 1
            out[c][1] += st == "complete"
            out[c][2] += len(sec.get("indicators", []))
            out[c][3] += spent(sec)
    return {c: tuple(v) for c, v in out.items()}


def population(slug):
    return sum(c["population"] for c in TENANTS[slug]["comuni"])


def per_inhabitant(amount, pop):
    return (amount / pop).quantize(CENT, rounding=ROUND_HALF_UP)


def finance(sections, income, by_source):
    """{code: amount} of one plan: spending of the sections by their area,
    or income lines by source."""
    out = {c: Decimal("0") for c in (SOURCES if by_source else AREAS)}
    if by_source:
        for line in income:
            out[line["source"]] += Decimal(str(line["amount_eur"]))
    else:
        for tpl in TEMPLATE:
            if tpl.get("area"):
                out[tpl["area"]] += spent(sections.get(tpl["key"], {}))
    return out


def dec_json(body):
    return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_int=int)


def token(email):
    r = SRV.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
    assert r.status == 200, r
    return r.json()["access_token"]


def get(path, **kw):
    r = SRV.request("GET", path, **kw)
    assert r.status == 200, (path, r.status, r.text[:300])
    return r


FILES = ["/coverage?by=objective", "/coverage?by=action", "/finance?by=area", "/finance?by=source"]
PAGE_PATHS = ["/copertura?by=objective", "/copertura?by=action", "/finanza?by=area", "/finanza?by=source"]


def public_bodies():
    """Every public comparison page and file, as text, by where it was read."""
    out = {}
    for p in PAGE_PATHS:
        out[PAGES + p] = get(PAGES + p).text
    for f in FILES:
        for fmt in ("json", "csv"):
            out[PUBLIC + f + "&format=" + fmt] = get(PUBLIC + f + "&format=" + fmt).body.decode("utf-8")
        rows, _ = read_xlsx(get(PUBLIC + f + "&format=xlsx").body)
        out[PUBLIC + f + "&format=xlsx"] = "\n".join(" ".join(str(c[1]) for c in row) for row in rows)
    z = zipfile.ZipFile(io.BytesIO(get("/opendata/%s.zip" % CYCLE).body))
    for name in z.namelist():
        if name.startswith("confronti/"):
            out["zip:" + name] = z.read(name).decode("utf-8")
    return out


class PublicCompare(unittest.TestCase):
    """The tests run in the order of their names: the last ones publish."""

    def check_coverage(self, doc, expected_rows, by_objective):
        cols = list(OBJECTIVES) if by_objective else ACTIONS
        self.assertEqual(doc["source"], "published")
        self.assertEqual(doc["columns"], cols)
        self.assertEqual([r["tenant"] for r in doc["rows"]], [slug for slug, _ in expected_rows])
        for row, (slug, cells) in zip(doc["rows"], expected_rows):
            self.assertEqual(row["name"], TENANTS[slug]["name"])
            for c in cols:
                got = row["cells"][c]
                self.assertEqual((got["sections"], got["complete"], got["indicators"], got["spending_eur"]),
                                 cells[c], (slug, c))

    def check_finance(self, doc, expected_rows, by_source):
        cols = SOURCES if by_source else AREAS
        self.assertEqual(doc["source"], "published")
        self.assertEqual(doc["columns"], cols)
        self.assertEqual([r["tenant"] for r in doc["rows"]], [slug for slug, _ in expected_rows])
        for row, (slug, amounts) in zip(doc["rows"], expected_rows):
            self.assertEqual(row["population"], population(slug))
            for c in cols:
                self.assertEqual(row["cells"][c]["amount_eur"], amounts[c], (slug, c))
                self.assertEqual(row["cells"][c]["per_inhabitant_eur"],
                                 per_inhabitant(amounts[c], population(slug)), (slug, c))

    def test_1_published_plan_only_figures_by_hand(self):
        sec = PLANS["ats-20"]["sections"]
        for by_objective, by in ((True, "objective"), (False, "action")):
            doc = dec_json(get(PUBLIC + "/coverage?by=" + by).body)
            self.check_coverage(doc, [("ats-20", coverage(sec, by_objective))], by_objective)
        self.assertGreater(coverage(sec, True)["OS1"][0], 0)  # the fixture has something to count
        income = PLANS["ats-20"]["finance"]["income"]
        for by_source, by in ((False, "area"), (True, "source")):
            doc = dec_json(get(PUBLIC + "/finance?by=" + by).body)
            amounts = finance(sec, income, by_source)
            self.assertGreater(sum(amounts.values()), 0)
            self.check_finance(doc, [("ats-20", amounts)], by_source)
            # One ATS: its figures are the totals and the medians.
            for c in doc["columns"]:
                self.assertEqual(doc["totals"][c], doc["rows"][0]["cells"][c])
                self.assertEqual(doc["medians"][c], doc["rows"][0]["cells"][c])

    def test_2_equals_the_regions_comparison_restricted_to_published_plans(self):
        t = token(REVIEWER)
        for f in FILES:
            region = dec_json(get(REGION + f + "&source=submitted", token=t).body)
            public = dec_json(get(PUBLIC + f).body)
            self.assertEqual([r["tenant"] for r in region["rows"]], ["ats-7", "ats-13", "ats-20"])
            self.assertEqual(public["rows"], [r for r in region["rows"] if r["tenant"] == "ats-20"], f)
            self.assertEqual(public["columns"], region["columns"])

    def test_3_pages_link_their_files_and_are_linked(self):
        cycle_page = get(PAGES).text
        for p in PAGE_PATHS:
            self.assertIn('href="%s%s"' % (PAGES, p), cycle_page)
        page = get(PAGES + "/copertura?by=objective").text
        self.assertIn("<h1", page)
        self.assertIn("Copertura per obiettivo strategico", page)
        self.assertIn('href="%s/coverage?by=objective&amp;format=csv"' % PUBLIC, page)
        self.assertIn('href="%s/coverage?by=objective&amp;format=xlsx"' % PUBLIC, page)
        self.assertNotIn('name="source"', page)  # no draft to choose here
        cov = coverage(PLANS["ats-20"]["sections"], True)
        total = sum(1 for t in TEMPLATE if OBJECTIVES["OS1"] & set(t["actions"]))
        self.assertIn(">%d/%d" % (cov["OS1"][1], total), page)
        fin = get(PAGES + "/finanza?by=area").text
        self.assertIn('href="%s/finance?by=area&amp;format=csv"' % PUBLIC, fin)
        self.assertIn("Mediana", fin)
        self.assertIn("<svg", fin)  # the accessible chart
        self.assertIn(">50.800<", fin)  # the population, Italian digits
        bad = SRV.request("GET", PAGES + "/copertura?by=nulla")
        self.assertEqual(bad.status, 400)
        self.assertEqual(SRV.request("GET", "/trasparenza/nessun-ciclo/finanza").status, 404)
        api = SRV.request("GET", PUBLIC + "/finance?by=nulla")
        self.assertEqual(api.status, 400)
        self.assertEqual(api.json()["errors"][0]["field"], "by")
        self.assertEqual(SRV.request("GET", PUBLIC + "/coverage?format=pdf").status, 400)
        # A source asked for is not obeyed: public is the published plans.
        self.assertEqual(get(PUBLIC + "/coverage?by=objective&source=draft").body,
                         get(PUBLIC + "/coverage?by=objective").body)
        drafts = get(PAGES + "/copertura?by=objective&source=draft").text
        for slug in UNPUBLISHED:
            self.assertNotIn(TENANTS[slug]["name"], drafts)

    def test_4_csv_xlsx_and_zip_say_the_same(self):
        z = zipfile.ZipFile(io.BytesIO(get("/opendata/%s.zip" % CYCLE).body))
        readme = z.read("LEGGIMI.txt").decode("utf-8")
        names = {"/coverage?by=objective": "confronti/copertura_per_obiettivo.csv",
                 "/coverage?by=action": "confronti/copertura_per_azione.csv",
                 "/finance?by=area": "confronti/finanza_per_area.csv",
                 "/finance?by=source": "confronti/finanza_per_fonte.csv"}
        for f, name in names.items():
            doc = dec_json(get(PUBLIC + f).body)
            r = get(PUBLIC + f + "&format=csv")
            self.assertEqual(r.headers["Content-Type"], "text/csv; charset=utf-8")
            self.assertIn("-published.csv", r.headers["Content-Disposition"])
            self.assertEqual(z.read(name), r.body, name)
            self.assertIn(name, readme)
            rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
            head, body = rows[0], rows[1:]
            finance_file = f.startswith("/finance")
            fields = ["amount_eur", "per_inhabitant_eur"] if finance_file else [
                "sections", "complete", "indicators", "spending_eur"]
            lead = ["tenant", "name"] + (["population"] if finance_file else [])
            self.assertEqual(head, lead + ["%s %s" % (c, x) for c in doc["columns"] for x in fields])
            for col in lead + fields:
                self.assertIn(col, readme)
            self.assertEqual(len(body), 1)
            self.assertEqual(body[0][:2], ["ats-20", TENANTS["ats-20"]["name"]])
            cells = body[0][len(lead):]
            for i, c in enumerate(doc["columns"]):
                for j, x in enumerate(fields):
                    self.assertEqual(Decimal(cells[i * len(fields) + j]), doc["rows"][0]["cells"][c][x], (f, c, x))
            # The spreadsheet: numbers as numbers, the same figures.
            x = get(PUBLIC + f + "&format=xlsx")
            self.assertTrue(x.headers["Content-Type"].startswith("application/vnd.openxmlformats"))
            sheet, frozen = read_xlsx(x.body)
            self.assertTrue(frozen)
            self.assertEqual(len(sheet), 2)
            self.assertEqual(sheet[1][0][1], "ats-20")
            for i, c in enumerate(doc["columns"]):
                for j, xname in enumerate(fields):
                    cell = sheet[1][len(lead) + i * len(fields) + j]
                    self.assertEqual(cell[0], "number", (f, c, xname))
                    self.assertEqual(cell[1], Decimal(doc["rows"][0]["cells"][c][xname]), (f, c, xname))

    def test_5_nothing_unpublished_in_any_public_comparison(self):
        marks = []
        public_text = " ".join(v for s in PLANS["ats-20"]["sections"].values() for v in s.get("parts", {}).values())
        for slug in UNPUBLISHED:
            marks.append(TENANTS[slug]["name"])
            for s in PLANS[slug]["sections"].values():
                for v in s.get("parts", {}).values():
                    if v and len(v) > 30 and v[:60] not in public_text:
                        marks.append(v[:60])
        self.assertGreater(len(marks), 20)
        bodies = public_bodies()
        self.assertEqual(len(bodies), 4 + 4 * 3 + 4)
        for where, text in bodies.items():
            self.assertIn("ats-20" if "/trasparenza/" not in where else TENANTS["ats-20"]["name"].split(" – ")[1]
                          .replace("'", "&#39;"), text, where)
            for slug in UNPUBLISHED:
                self.assertIsNone(re.search(r"\b%s(?![0-9])" % re.escape(slug), text), (where, slug))
            for m in marks:
                self.assertNotIn(m, text, where)

    def test_6_revalidation_answers_304(self):
        for path in [PAGES + p for p in PAGE_PATHS] + [PUBLIC + f + "&format=" + x for f in FILES
                                                       for x in ("json", "csv", "xlsx")]:
            r = get(path)
            self.assertEqual(r.headers["Cache-Control"], "public, max-age=300", path)
            self.assertIn("GMT", r.headers["Last-Modified"])
            again = SRV.request("GET", path, headers={"If-None-Match": r.headers["ETag"]})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")
            # The same bytes again: built from the database, the same tag.
            self.assertEqual(get(path).headers["ETag"], r.headers["ETag"], path)

    def test_7_an_update_counts_only_once_published(self):
        plan = "/api/v1/tenants/ats-20/plans/" + CYCLE
        coord, reviewer, admin = token(COORD_20), token(REVIEWER), token(ADMIN)
        before = {f: get(PUBLIC + f).body for f in FILES}
        pages_before = {p: get(PAGES + p).headers["ETag"] for p in PAGE_PATHS}
        # An area section with spending: its lines become one of 1234.56.
        tpl = next(t for t in TEMPLATE if t.get("area") and spent(PLANS["ats-20"]["sections"].get(t["key"], {})))
        key, area = tpl["key"], tpl["area"]
        old_area = finance(PLANS["ats-20"]["sections"], [], False)[area]
        new_area = old_area - spent(PLANS["ats-20"]["sections"][key]) + Decimal("1234.56")
        self.assertNotEqual(new_area, old_area)

        r = SRV.request("POST", plan + "/reopen", {"reason": "Aggiornamento annuale"}, token=coord)
        self.assertEqual(r.status, 200, r)
        g = SRV.request("GET", plan + "/sections/" + key, token=coord)
        self.assertEqual(g.status, 200, g)
        line = {"amount_eur": 1234.56, "funding_source": SOURCES[0], "service": "Servizio nuovo", "year": 2021}
        r = SRV.request("PATCH", plan + "/sections/" + key, raw=json.dumps({"spending": [line]}).encode(),
                        token=coord, headers={"Content-Type": "application/merge-patch+json",
                                              "If-Match": g.headers["ETag"]})
        self.assertEqual(r.status, 200, r)

        def region_area(source):
            doc = dec_json(get(REGION + "/finance?by=area&source=" + source, token=reviewer).body)
            return next(x for x in doc["rows"] if x["tenant"] == "ats-20")["cells"][area]["amount_eur"]

        # The draft moved, the public figures did not (the same bytes).
        self.assertEqual(region_area("draft"), new_area)
        for f in FILES:
            self.assertEqual(get(PUBLIC + f).body, before[f], f)
        # Submitted, still under review: nothing public either.
        r = SRV.request("POST", plan + "/submit", {"note": "Aggiornamento"}, token=coord)
        self.assertEqual(r.status, 201, r)
        revision = r.json()["revision"]
        self.assertEqual(region_area("submitted"), new_area)
        for f in FILES:
            self.assertEqual(get(PUBLIC + f).body, before[f], f)
        for p in PAGE_PATHS:
            self.assertEqual(get(PAGES + p).headers["ETag"], pages_before[p], p)

        # Approved and published: now the public figure is the new one.
        r = SRV.request("POST", plan + "/submissions/%d/review" % revision, {"decision": "approve"}, token=reviewer)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(SRV.request("POST", plan + "/publish", token=admin).status, 200)
        doc = dec_json(get(PUBLIC + "/finance?by=area").body)
        self.assertEqual(doc["rows"][0]["cells"][area]["amount_eur"], new_area)
        self.assertEqual(doc["rows"][0]["cells"][area]["per_inhabitant_eur"],
                         per_inhabitant(new_area, population("ats-20")))

        # ATS 13 approved and published too: two rows, medians of two.
        plan13 = "/api/v1/tenants/ats-13/plans/" + CYCLE
        subs = get(plan13 + "/submissions", token=reviewer).json()["items"]
        last = max(s["revision"] for s in subs)
        r = SRV.request("POST", plan13 + "/submissions/%d/review" % last, {"decision": "approve"}, token=reviewer)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(SRV.request("POST", plan13 + "/publish", token=admin).status, 200)
        sec20 = dict(PLANS["ats-20"]["sections"])
        sec20[key] = dict(sec20[key], spending=[line])
        doc = dec_json(get(PUBLIC + "/finance?by=source").body)
        rows = [(s, finance(sec, PLANS[s]["finance"]["income"], True))
                for s, sec in (("ats-13", PLANS["ats-13"]["sections"]), ("ats-20", sec20))]
        self.check_finance(doc, rows, True)
        for c in SOURCES:
            a, b = rows[0][1][c], rows[1][1][c]
            self.assertEqual(doc["medians"][c]["amount_eur"], ((a + b) / 2).quantize(CENT, ROUND_HALF_UP))
            pa, pb = per_inhabitant(a, population("ats-13")), per_inhabitant(b, population("ats-20"))
            self.assertEqual(doc["medians"][c]["per_inhabitant_eur"], ((pa + pb) / 2).quantize(CENT, ROUND_HALF_UP))
            self.assertEqual(doc["totals"][c]["amount_eur"], a + b)
        cov = dec_json(get(PUBLIC + "/coverage?by=objective").body)
        self.check_coverage(cov, [("ats-13", coverage(PLANS["ats-13"]["sections"], True)),
                                  ("ats-20", coverage(sec20, True))], True)
        # ATS 7 (sent back) and ATS 1 (draft) still appear nowhere.
        for text in public_bodies().values():
            for slug in ("ats-1", "ats-7"):
                self.assertIsNone(re.search(r"\b%s(?![0-9])" % slug, text))
                self.assertNotIn(TENANTS[slug]["name"], text)


if __name__ == "__main__":
    harness.main()
