"""Transparency and open data over the demo data, where ATS 20's plan is
published and ATS 13's (submitted), ATS 7's (sent back) and ATS 1's (draft)
are not: the portal lists exactly the published plan; the cycle's ZIP opens
and holds every file, its JSON hashing to the SHA-256 the portal and the CSV
give; the sections CSV has the rows and figures computed here from the demo
file; the DCAT-AP_IT catalogue parses with rdflib as RDF/XML and as Turtle to
the same graph, and SPARQL finds every mandatory property; validators give
304; and no text of an unpublished plan, no review note and no e-mail
appears in any public page or file. Expected values come from the demo and
cycle files, never from the server."""

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import unittest
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
CYCLE = "2020-2022"
BASE = "https://dati.regione-prova.example"
IPA = "r_marche"
EMAIL = "dati.aperti@regione-prova.example"
DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's python3-rdflib lives beside it
RDF_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rdf_check.py")

DEMO = json.load(open(os.path.join(DATA, "demo-marche.json"), encoding="utf-8"))
MARCHE = json.load(open(os.path.join(DATA, "marche-2020-2022.json"), encoding="utf-8"))
PLANS = {p["tenant"]: p for p in DEMO["plans"]}
PUBLISHED = [t for t, p in PLANS.items() if p["target_status"] == "published"]

SRV = DB = None


def secrets():
    """Texts that must never be public: the parts of every plan that is not
    published (those also in the published one excepted), every review note,
    every user's e-mail."""
    public = " ".join(v for s in PLANS["ats-20"]["sections"].values() for v in s.get("parts", {}).values())
    out = set()
    for t, p in PLANS.items():
        if p.get("review_note"):
            out.add(p["review_note"][:60])
        if t in PUBLISHED:
            continue
        for s in p["sections"].values():
            for v in s.get("parts", {}).values():
                if v and len(v) > 30 and v[:60] not in public:  # demo plans share some sentences
                    out.add(v[:60])
    out.update(u["email"] for u in DEMO["users"])
    return out


def setUpModule():
    global SRV, DB
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", os.path.join(DATA, "marche-2020-2022.json"))
    harness.ctl_ok(DB, "demo-load", os.path.join(DATA, "demo-marche.json"))
    SRV = harness.Server(DB, env={"AMBITO_PUBLIC_URL": BASE, "AMBITO_REGION_NAME": "Regione Marche",
                                  "AMBITO_REGION_IPA": IPA, "AMBITO_REGION_EMAIL": EMAIL})


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def get(path, **kw):
    r = SRV.request("GET", path, **kw)
    assert r.status == 200, (path, r.status, r.text[:300])
    return r


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_rows(data):
    """The first sheet's rows: text cells as str, number cells as Decimal
    (the double's shortest text), blank cells as ""."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    rows = []
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        cells = {}
        for c in row.findall("m:c", NS):
            letters = re.match(r"[A-Z]+", c.get("r")).group(0)
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            v = c.find("m:v", NS)
            if c.get("t") == "s":
                cells[col - 1] = shared[int(v.text)]
            elif c.get("t") == "inlineStr":
                cells[col - 1] = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
            elif v is not None:
                cells[col - 1] = Decimal(repr(float(v.text)))
        rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
    return rows


def csv_rows(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


class Portal(unittest.TestCase):
    def test_lists_exactly_the_published_plans(self):
        self.assertEqual(PUBLISHED, ["ats-20"])
        # Every page, the login page included, leads to the portal.
        self.assertIn('href="/trasparenza"', get("/").text)
        home = get("/trasparenza").text
        self.assertIn('href="/trasparenza/%s"' % CYCLE, home)
        page = get("/trasparenza/" + CYCLE).text
        snap = get("/api/v1/public/tenants/ats-20/plans/" + CYCLE).body
        self.assertIn(hashlib.sha256(snap).hexdigest(), page)
        self.assertIn('href="/public/ats-20/%s"' % CYCLE, page)
        for t in ("ats-1", "ats-7", "ats-13"):
            self.assertNotIn("/public/%s/" % t, page)
        names = {t["slug"]: t["name"] for t in DEMO["tenants"]}
        self.assertIn(names["ats-20"], page.replace("&#39;", "'").replace("&#x27;", "'"))
        for t in ("ats-1", "ats-7", "ats-13"):
            self.assertNotIn(names[t], page)

    def test_unknown_or_draft_cycle_is_a_404_page(self):
        r = SRV.request("GET", "/trasparenza/nessun-ciclo")
        self.assertEqual(r.status, 404)
        self.assertIn("text/html", r.headers["Content-Type"])
        self.assertEqual(SRV.request("GET", "/opendata/nessun-ciclo.zip").status, 404)
        self.assertEqual(SRV.request("GET", "/opendata/nessun-ciclo/piani.csv").status, 404)
        self.assertEqual(SRV.request("GET", "/opendata/qualcosa.txt").status, 404)


class Files(unittest.TestCase):
    def test_zip_holds_every_file_and_each_plan_verifies(self):
        r = get("/opendata/%s.zip" % CYCLE)
        self.assertEqual(r.headers["Content-Type"], "application/zip")
        z = zipfile.ZipFile(io.BytesIO(r.body))
        self.assertIsNone(z.testzip())
        self.assertEqual(sorted(z.namelist()), ["LEGGIMI.txt", "confronti/copertura_per_azione.csv",
                                                "confronti/copertura_per_obiettivo.csv",
                                                "confronti/finanza_per_area.csv", "confronti/finanza_per_fonte.csv",
                                                "piani.csv", "piani.xlsx", "piani/ats-20.json", "sezioni.csv",
                                                "sezioni.xlsx"])
        snap = z.read("piani/ats-20.json")
        self.assertEqual(snap, get("/api/v1/public/tenants/ats-20/plans/" + CYCLE).body)
        plans = csv_rows(z.read("piani.csv"))
        self.assertEqual([p["ats"] for p in plans], ["ats-20"])
        self.assertEqual(plans[0]["sha256"], hashlib.sha256(snap).hexdigest())
        self.assertEqual(plans[0]["url_json"], BASE + "/api/v1/public/tenants/ats-20/plans/" + CYCLE)
        tenant = next(t for t in DEMO["tenants"] if t["slug"] == "ats-20")
        self.assertEqual(int(plans[0]["abitanti"]), sum(c["population"] for c in tenant["comuni"]))
        self.assertEqual(int(plans[0]["numero_comuni"]), len(tenant["comuni"]))
        self.assertEqual(z.read("piani.csv"), get("/opendata/%s/piani.csv" % CYCLE).body)
        self.assertEqual(z.read("sezioni.csv"), get("/opendata/%s/sezioni.csv" % CYCLE).body)
        for name in ("piani", "sezioni"):
            self.assertEqual(xlsx_rows(z.read(name + ".xlsx")),
                             xlsx_rows(get("/opendata/%s/%s.xlsx" % (CYCLE, name)).body))
        # Every column of both files is described in the Italian README.
        readme = z.read("LEGGIMI.txt").decode("utf-8")
        self.assertIn("CC BY 4.0", readme)
        for name in ("piani.csv", "sezioni.csv"):
            for col in csv.reader(io.StringIO(z.read(name).decode("utf-8"))).__next__():
                self.assertIn(col, readme, "%s: %s" % (name, col))

    def test_sections_csv_rows_and_figures(self):
        rows = csv_rows(get("/opendata/%s/sezioni.csv" % CYCLE).body)
        sections = MARCHE["template"]["sections"]
        self.assertEqual(len(rows), sum(max(1, len(s["actions"])) for s in sections))
        self.assertEqual({r["ats"] for r in rows}, {"ats-20"})
        by_key = {}
        for r in rows:
            by_key.setdefault(r["sezione"], []).append(r)
        demo = PLANS["ats-20"]["sections"]
        for s in sections:
            got = by_key[s["key"]]
            self.assertEqual(sorted(r["azione"] for r in got), sorted(s["actions"]) or [""], s["key"])
            spent = sum(Decimal(str(x["amount_eur"])) for x in demo.get(s["key"], {}).get("spending", []))
            for r in got:
                self.assertEqual(Decimal(r["spesa_eur"]), spent, s["key"])
                self.assertEqual(int(r["indicatori"]), len(demo.get(s["key"], {}).get("indicators", [])), s["key"])
                chars = sum(len(v) for v in demo.get(s["key"], {}).get("parts", {}).values())
                self.assertEqual(int(r["caratteri_testo"]), chars, s["key"])
        self.assertTrue(any(Decimal(r["spesa_eur"]) > 0 for r in rows))

    def test_xlsx_have_the_rows_of_the_csv(self):
        for name in ("piani", "sezioni"):
            r = get("/opendata/%s/%s.xlsx" % (CYCLE, name))
            self.assertEqual(r.headers["Content-Type"],
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            rows = xlsx_rows(r.body)
            want = list(csv.reader(io.StringIO(get("/opendata/%s/%s.csv" % (CYCLE, name)).body.decode("utf-8"))))
            self.assertEqual(len(rows), len(want), name)
            self.assertGreater(len(rows), 1, name)
            for got, exp in zip(rows, want):
                exp = [c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c for c in exp]
                got = got + [""] * (len(exp) - len(got))  # blank cells at the end of a row
                for g, e in zip(got, exp):
                    if isinstance(g, Decimal):
                        self.assertEqual(g, Decimal(e), (name, exp))
                    else:
                        self.assertEqual(g, e, (name, exp))
        # Numbers are numbers: the population of ATS 20 and every section's spending.
        plans = xlsx_rows(get("/opendata/%s/piani.xlsx" % CYCLE).body)
        self.assertIsInstance(plans[1][plans[0].index("abitanti")], Decimal)
        sections = xlsx_rows(get("/opendata/%s/sezioni.xlsx" % CYCLE).body)
        col = sections[0].index("spesa_eur")
        self.assertTrue(all(isinstance(row[col], Decimal) for row in sections[1:]))

    def test_revalidation_answers_304(self):
        for path in ("/opendata/%s.zip" % CYCLE, "/opendata/%s/sezioni.csv" % CYCLE,
                     "/opendata/%s/piani.xlsx" % CYCLE, "/opendata/catalog.ttl",
                     "/opendata/catalog.rdf"):
            r = get(path)
            self.assertEqual(r.headers["Cache-Control"], "public, max-age=300")
            self.assertIn("GMT", r.headers["Last-Modified"])
            again = SRV.request("GET", path, headers={"If-None-Match": r.headers["ETag"]})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")
            other = SRV.request("GET", path, headers={"If-None-Match": '"altro"'})
            self.assertEqual(other.status, 200)


class Catalogue(unittest.TestCase):
    def test_both_serialisations_are_one_graph_with_every_mandatory_property(self):
        rdf = get("/opendata/catalog.rdf")
        ttl = get("/opendata/catalog.ttl")
        self.assertTrue(rdf.headers["Content-Type"].startswith("application/rdf+xml"))
        self.assertTrue(ttl.headers["Content-Type"].startswith("text/turtle"))
        with tempfile.TemporaryDirectory() as d:
            paths = [os.path.join(d, "c.rdf"), os.path.join(d, "c.ttl")]
            for p, body in zip(paths, (rdf.body, ttl.body)):
                with open(p, "wb") as f:
                    f.write(body)
            p = subprocess.run([DEBIAN_PYTHON, RDF_CHECK] + paths, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout)
        self.assertTrue(out["isomorphic"])
        self.assertGreater(out["triples"], 50)
        self.assertEqual(out["lacking"], {"catalog": [], "dataset": [], "distribution": []})
        self.assertEqual(out["counts"], {"dcatapit:Catalog": 1, "dcatapit:Dataset": 3, "dcatapit:Distribution": 13,
                                         "dcatapit:Agent": 1, "dcatapit:Organization": 1,
                                         "dcatapit:LicenseDocument": 1})
        self.assertEqual(out["identifiers"], ["r_marche:ambito_2020-2022_confronti", "r_marche:ambito_2020-2022_piani",
                                              "r_marche:ambito_2020-2022_sezioni"])
        compare = BASE + "/api/v1/public/cycles/2020-2022/compare/"
        self.assertEqual(out["downloads"], sorted(
            [BASE + "/opendata/2020-2022.zip", BASE + "/opendata/2020-2022/piani.csv",
             BASE + "/opendata/2020-2022/piani.xlsx", BASE + "/opendata/2020-2022/sezioni.csv",
             BASE + "/opendata/2020-2022/sezioni.xlsx"] +
            [compare + f + "&format=" + x for f in ("coverage?by=objective", "coverage?by=action", "finance?by=area",
                                                    "finance?by=source") for x in ("csv", "xlsx")]))
        self.assertEqual(out["emails"], ["mailto:" + EMAIL])
        self.assertEqual(out["agent_ipa"], [IPA])


class NothingUnpublished(unittest.TestCase):
    def test_no_unpublished_text_review_note_or_email_anywhere_public(self):
        bodies = {}
        for path in ("/trasparenza", "/trasparenza/" + CYCLE, "/opendata/catalog.rdf", "/opendata/catalog.ttl",
                     "/opendata/%s/piani.csv" % CYCLE, "/opendata/%s/sezioni.csv" % CYCLE):
            bodies[path] = get(path).body.decode("utf-8")
        z = zipfile.ZipFile(io.BytesIO(get("/opendata/%s.zip" % CYCLE).body))
        for name in z.namelist():
            if name.endswith(".xlsx"):  # a zip of XML: its texts
                inner = zipfile.ZipFile(io.BytesIO(z.read(name)))
                for part in inner.namelist():
                    bodies["zip:%s:%s" % (name, part)] = inner.read(part).decode("utf-8")
            else:
                bodies["zip:" + name] = z.read(name).decode("utf-8")
        marks = secrets()
        self.assertGreater(len(marks), 20)
        for where, text in bodies.items():
            for m in marks:
                self.assertNotIn(m, text, where)


if __name__ == "__main__":
    harness.main()
