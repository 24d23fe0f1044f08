"""The Regions' frames: the Marche file against the guidelines it comes from
(seed 003, the index of the Linee guida), the Puglia file, and for both the
cycle file round trip (import, export, re-import, export: the same bytes), a
plan written, submitted, compared and printed with its group titles. The
template's hierarchy, guidance and the norms' category over the API, with
the 422 a broken hierarchy gets."""

import copy
import glob
import json
import os
import re
import shutil
import tempfile
import unicodedata
import unittest

import harness

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
PUGLIA = os.path.join(DATA, "puglia-2022-2024.json")
# CI keeps a copy of shared/ beside the clone.
SEEDS = os.path.join(harness.source_dir(), "..", "shared", "seeds")
CYCLES = "/api/v1/cycles"
PASSWORD = "una password lunga abbastanza"

DB = SRV = None
TOKENS = {}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "user", "add", "--email", "admin@example.it", "--role", "region_admin",
                   "--name", "Amministratore", "--password-stdin", input=PASSWORD + "\n")
    harness.ctl_ok(DB, "user", "add", "--email", "reviewer@example.it", "--role", "region_reviewer",
                   "--name", "Revisore", "--password-stdin", input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    login("admin")
    login("reviewer")


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def login(key):
    r = SRV.request("POST", "/api/v1/auth/login",
                    {"email": key + "@example.it", "password": PASSWORD})
    assert r.status == 200, r
    TOKENS[key] = r.json()["access_token"]


def req(method, path, who="admin", body=None, etag=None):
    headers = {"If-Match": etag} if etag is not None else {}
    return SRV.request(method, path, body=body, headers=headers, token=TOKENS[who])


IMPORTED = set()


def ensure_imported(path):
    """Each shipped file is imported once per database."""
    if path not in IMPORTED:
        harness.ctl_ok(DB, "import", path)
        IMPORTED.add(path)


def fields(r):
    assert r.status == 422, r
    return [e["field"] for e in r.json()["errors"]]


# ---------------------------------------------------------------- seed 003

def norm(s):
    """A heading compared as text: accents composed, spaces collapsed,
    case ignored (the index writes group titles in capitals)."""
    s = unicodedata.normalize("NFC", s)
    return re.sub(r"\s+", " ", s).strip().rstrip(":.").strip().casefold()


CODE = re.compile(r"\(((?:[OA]S\d+\s*[-–]\s*A\d+[\s,.]*)+)\)")


def index_headings(text):
    """The headings of the guidelines' index (### Sommario up to the body):
    each with the codes of the actions its parentheses name."""
    start = text.index("### Sommario")
    end = text.index("## INTRODUZIONE", start)
    out = []
    for line in text[start:end].splitlines()[1:]:
        line = line.strip()
        if not line:
            continue
        line = re.sub(r"\.{3,}.*$", "", line)               # dot leaders and page
        line = re.sub(r"[\s.]*\t\s*\d+\s*$", "", line)     # a page after a tab
        line = re.sub(r"\s+\d+\s*$", "", line) if re.search(r"\)\s+\d+\s*$", line) else line
        codes = []
        for m in CODE.finditer(line):
            codes += [re.sub(r"\s", "", c).replace("–", "-")
                      for c in re.split(r"[,]|\.\s", m.group(1)) if c.strip(" .")]
        title = CODE.sub("", line)
        title = re.sub(r"^(?:[A-Z]\.)?(?:\d+\.)*\d*\.?\s+", "", title) if re.match(r"^(?:[A-Z]\.)?\d", title) else title
        title = title.strip().rstrip(":.").strip()
        raw = line.strip().rstrip(":.").strip()
        out.append((raw, title, codes))
    return out


class MarcheAgainstGuidelines(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        seeds = glob.glob(os.path.join(SEEDS, "003_*.txt"))
        assert len(seeds) == 1, "seed 003 not found beside the project: %s" % SEEDS
        with open(seeds[0], encoding="utf-8") as f:
            cls.headings = index_headings(f.read())
        cls.doc = load(MARCHE)

    def titles(self):
        t = self.doc["template"]
        out = {norm(g["title"]) for g in t["groups"]}
        for s in t["sections"]:
            out.add(norm(s["title"]))
            for p in s["parts"]:
                out.add(norm(p["title"]))
                # A sub-point the file splits out: "Analisi – offerta …".
                out.add(norm(p["title"].split(" – ")[0]))
                if "guidance" in p:
                    out.add(norm(p["guidance"]))
        return out

    def test_index_is_read(self):
        # A parser that read nothing would pass everything below.
        raws = [h[0] for h in self.headings]
        self.assertEqual(len(raws), 80)
        self.assertIn("OBIETTIVO A. CONSOLIDAMENTO ATS", raws)
        self.assertEqual(sum(1 for r in raws if r == "Analisi"), 9)
        codes = dict((h[1], h[2]) for h in self.headings)
        self.assertEqual(codes["Regolazione in accesso ai servizi e compartecipazione alle spese"],
                         ["OS4-A2", "OS4-A3"])
        self.assertEqual(codes["Programmazione integrata e reti territoriali di ATS"], ["AS2-A1"])

    def test_every_heading_is_in_the_file_or_corrected(self):
        titles = self.titles()
        corrections = {norm(n["original"]): n["corrected"]
                       for n in self.doc["notes"] if "original" in n}
        for n in self.doc["notes"]:
            self.assertTrue(n["text"].strip())
        missing = []
        for raw, title, _ in self.headings:
            if norm(title) in titles or norm(raw) in titles:
                continue
            fixed = corrections.get(norm(title)) or corrections.get(norm(raw))
            if fixed is None:
                # A correction may name the part of the title it fixes.
                fixed = next((v for k, v in corrections.items() if k and k in norm(title)), None)
            if fixed is None:
                missing.append(raw)
        self.assertEqual(missing, [])

    def test_action_codes_of_the_index_are_carried(self):
        by_title = {norm(s["title"]): s for s in self.doc["template"]["sections"]}
        corrections = {re.sub(r"\s", "", n["original"]): n["corrected"]
                       for n in self.doc["notes"] if "original" in n}
        checked = 0
        for raw, title, codes in self.headings:
            if not codes:
                continue
            s = by_title.get(norm(title))
            if s is None:  # a corrected title: found by its correction
                fixed = next(v for k, v in ((norm(n["original"]), n["corrected"])
                                            for n in self.doc["notes"] if "original" in n)
                             if k in norm(title))
                s = by_title[norm(fixed)]
            for c in codes:
                self.assertIn(corrections.get(c, c), s["actions"], (raw, c))
                checked += 1
        self.assertEqual(checked, 17)

    def test_groups_and_guidance(self):
        t = self.doc["template"]
        groups = {g["key"]: g for g in t["groups"]}
        self.assertEqual([g["title"] for g in t["groups"] if g["parent"] == "A"],
                         ["1. Identità", "2. Programmazione integrata", "3. Coordinatore e staff",
                          "4. Servizi", "5. Gestione"])
        self.assertEqual(groups["D"]["title"][:12], "Obiettivo C.")
        sections = {s["key"]: s for s in t["sections"]}
        self.assertEqual(sections["A.2.2"]["group"], "A.2")
        self.assertEqual(sections["B.4"]["group"], "B")
        for key in ("D.1", "D.2", "D.3"):
            self.assertIn("OS1-A5", sections[key]["actions"])
        for s in t["sections"]:
            if s["group"] != "B":
                continue
            parts = {p["key"]: p for p in s["parts"]}
            self.assertEqual(list(parts), ["analisi", "analisi_bisogni", "obiettivi", "strategia",
                                           "valutazione"], s["key"])
            self.assertIn("Offerta dei servizi e relativa spesa", parts["analisi"]["guidance"])
            self.assertIn("gruppi di lavoro tematici", parts["analisi_bisogni"]["guidance"])
            self.assertTrue(parts["obiettivi"]["guidance"].startswith(
                "Definizione delle priorità e selezione degli interventi"))
            self.assertTrue(parts["strategia"]["guidance"].startswith("Strumenti, risorse, modalità, tempi"))
            self.assertTrue(parts["valutazione"]["guidance"].startswith("Identificazione delle criticità"))
        a21 = {p["key"]: p for p in sections["A.2.1"]["parts"]}
        self.assertIn("Da considerare anche le commissioni per autorizzazione e accreditamento",
                      a21["analisi"]["guidance"])
        i1 = {p["key"]: p for p in sections["I.1"]["parts"]}
        self.assertIn("massimo 1 pagina", i1["premessa_politica"]["guidance"])
        self.assertIn("progetto innovativo", {p["key"]: p for p in sections["D.2"]["parts"]}
                      ["obiettivi"]["guidance"])
        cats = [n["category"] for n in self.doc["norms"]]
        self.assertEqual(set(cats), {"legge", "delibera"})


class PugliaFrame(unittest.TestCase):
    def test_areas_and_common_parts(self):
        doc = load(PUGLIA)
        self.assertEqual([a["title"] for a in doc["catalog"]["areas"]], [
            "Welfare d'accesso", "Politiche familiari e tutela dei minori", "Invecchiamento attivo",
            "Disabilità e non autosufficienza", "Inclusione sociale e contrasto alle povertà",
            "Contrasto a maltrattamento e violenza", "Pari opportunità e conciliazione vita-lavoro"])
        # No invented objectives: the notes say why there are none.
        self.assertEqual(doc["catalog"]["objectives"], [])
        self.assertTrue(any("34 obiettivi" in n["text"] for n in doc["notes"]))
        areas = [s for s in doc["template"]["sections"] if s["area"] is not None]
        self.assertEqual([s["area"] for s in areas], ["A%d" % i for i in range(1, 8)])
        for s in areas:
            self.assertIn("working_group", s["blocks"])
        titles = [s["title"] for s in doc["template"]["sections"]]
        for t in ("Obiettivi strategici e priorità d'intervento", "Risorse finanziarie e professionali",
                  "Rendicontazione economica", "Monitoraggio e valutazione", "Integrazione socio-sanitaria",
                  "Modalità organizzative dei servizi e requisiti di qualità",
                  "Interventi e servizi sociali e livelli essenziali delle prestazioni"):
            self.assertIn(t, titles)
        i1 = [p["key"] for p in doc["template"]["sections"][0]["parts"]]
        self.assertIn("tavolo_concertazione", i1)
        self.assertIn("tavoli_tematici", i1)


# ---------------------------------------------------------------- files

class RoundTrip(unittest.TestCase):
    """import, export, re-import (under another slug's cycle replaced), export:
    the same bytes; and the export is the file itself."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="frames-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def round_trip(self, path):
        doc = load(path)
        slug = doc["cycle"]["slug"] + "-rt"
        doc["cycle"]["slug"] = slug
        doc["cycle"]["status"] = "draft"
        first = os.path.join(self.tmp, "first.json")
        with open(first, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        harness.ctl_ok(DB, "import", first)
        out1 = os.path.join(self.tmp, "out1.json")
        harness.ctl_ok(DB, "export", slug, out1)
        harness.ctl_ok(DB, "import", out1, "--replace")
        out2 = os.path.join(self.tmp, "out2.json")
        harness.ctl_ok(DB, "export", slug, out2)
        with open(out1, "rb") as a, open(out2, "rb") as b:
            b1, b2 = a.read(), b.read()
        self.assertEqual(b1, b2)
        self.assertEqual(json.loads(b1.decode("utf-8")), doc)
        return slug, doc

    def test_marche(self):
        slug, doc = self.round_trip(MARCHE)
        t = req("GET", CYCLES + "/%s/template" % slug).json()
        self.assertEqual(t, doc["template"])
        norms = req("GET", CYCLES + "/%s/norms" % slug).json()["items"]
        self.assertEqual([n["category"] for n in norms], [n["category"] for n in doc["norms"]])

    def test_puglia(self):
        slug, doc = self.round_trip(PUGLIA)
        self.assertEqual(req("GET", CYCLES + "/%s/template" % slug).json(), doc["template"])


# ---------------------------------------------------------------- the API

def new_cycle(slug):
    r = req("POST", CYCLES, body={"slug": slug, "title": "Ciclo " + slug, "start_year": 2024,
                                  "end_year": 2026})
    assert r.status == 201, r
    r = req("PUT", CYCLES + "/%s/catalog" % slug, body={"objectives": [], "areas": [],
                                                        "funding_sources": []},
            etag=req("GET", CYCLES + "/%s/catalog" % slug).headers["ETag"])
    assert r.status == 200, r


def put_template(slug, body):
    g = req("GET", CYCLES + "/%s/template" % slug)
    return req("PUT", CYCLES + "/%s/template" % slug, body=body, etag=g.headers["ETag"])


def tpl():
    part = {"key": "testo", "title": "Testo", "required": True, "max_chars": 1000,
            "guidance": "Massimo una pagina."}
    return {
        "groups": [{"key": "A", "title": "Obiettivo A. Primo", "parent": None},
                   {"key": "A.1", "title": "1. Identità", "parent": "A"},
                   {"key": "B", "title": "Obiettivo B. Secondo", "parent": None}],
        "sections": [
            {"key": "A.1.1", "title": "Uno", "group": "A.1", "actions": [], "area": None,
             "parts": [part], "blocks": []},
            {"key": "B.1", "title": "Due", "group": "B", "actions": [], "area": None,
             "parts": [{"key": "testo", "title": "Testo", "required": False, "max_chars": 10}],
             "blocks": []},
        ]}


class TemplateApi(unittest.TestCase):
    def test_groups_and_guidance_are_stored(self):
        new_cycle("gruppi-2024")
        body = tpl()
        r = put_template("gruppi-2024", body)
        self.assertEqual(r.status, 200, r)
        got = req("GET", CYCLES + "/gruppi-2024/template")
        self.assertEqual(got.json(), body)
        self.assertEqual(DB.sql("SELECT g.group_key, g.parent_key FROM template_groups g JOIN cycles c"
                                " ON c.id = g.cycle_id WHERE c.slug = 'gruppi-2024' ORDER BY g.position"),
                         [["A", None], ["A.1", "A"], ["B", None]])
        # No guidance given: none answered (not an empty text).
        self.assertNotIn("guidance", got.json()["sections"][1]["parts"][0])

    def test_broken_hierarchy_is_422_with_paths(self):
        new_cycle("rotti-2024")
        cases = [
            ("groups[1].parent", lambda t: t["groups"][1].update(parent="Z")),
            ("sections[0].group", lambda t: t["sections"][0].update(group="A.9")),
            ("groups[2].key", lambda t: t["groups"][2].update(key="A")),
            ("groups[0].key", lambda t: t["groups"][0].update(key="a")),
            ("groups[0].title", lambda t: t["groups"][0].update(title=" ")),
            ("sections[0].parts[0].guidance",
             lambda t: t["sections"][0]["parts"][0].update(guidance="  ")),
            ("sections[0].parts[0].guidance",
             lambda t: t["sections"][0]["parts"][0].update(guidance="x" * 5001)),
        ]
        for field, mutate in cases:
            body = tpl()
            mutate(body)
            r = put_template("rotti-2024", body)
            self.assertIn(field, fields(r), (field, r.json()))
        # A loop: A.1 under B, B under A.1; and a group its own parent.
        body = tpl()
        body["groups"][1]["parent"] = "B"
        body["groups"][2]["parent"] = "A.1"
        r = put_template("rotti-2024", body)
        self.assertEqual(sorted(fields(r)), ["groups[1].parent", "groups[2].parent"])
        self.assertIn("ciclo", r.json()["errors"][0]["message"])
        body = tpl()
        body["groups"][0]["parent"] = "A"
        # A.1 climbs into A's loop: refused too, B (at the top) is not.
        self.assertEqual(sorted(fields(put_template("rotti-2024", body))), ["groups[0].parent", "groups[1].parent"])
        # Nothing refused was stored.
        self.assertEqual(req("GET", CYCLES + "/rotti-2024/template").json(), {"sections": []})

    def test_norm_category(self):
        new_cycle("norme-2024")
        path = CYCLES + "/norme-2024/norms"
        n = {"level": "regional", "title": "Piano sociale", "citation": "D.A. n. 109/2020",
             "category": "delibera", "date": None, "url": None}
        r = req("POST", path, body=n)
        self.assertEqual(r.status, 201, r)
        self.assertEqual({k: v for k, v in r.json().items() if k != "id"}, n)
        self.assertEqual(fields(req("POST", path, body=dict(n, category="circolare"))), ["category"])
        plain = dict(n)
        del plain["category"]
        r = req("POST", path, body=plain)
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("category", r.json())
        self.assertEqual([x.get("category") for x in req("GET", path).json()["items"]],
                         ["delibera", None])


# ---------------------------------------------------------------- plans

def fill(doc):
    """Every required part of every section, as a writer would."""
    out = {}
    for s in doc["template"]["sections"]:
        parts = {p["key"]: "Testo di prova per %s, parte %s." % (s["key"], p["key"])
                 for p in s["parts"] if p["required"]}
        if parts:
            out[s["key"]] = parts
    return out


class Plans(unittest.TestCase):
    """A plan of each frame written, submitted, approved, published, compared
    and printed: the document shows the group titles (Marche) and the areas
    (Puglia)."""

    def plan(self, path, tenant, province, extra=None):
        doc = load(path)
        cycle = doc["cycle"]["slug"]
        ensure_imported(path)
        r = req("POST", "/api/v1/tenants", body={
            "slug": tenant, "code": tenant.upper().replace("-", "")[:10], "name": "ATS " + tenant,
            "capofila": "Comune capofila", "ente_gestore": "Comune capofila", "province": province,
            "comuni": []})
        self.assertEqual(r.status, 201, r)
        email = "coord-%s@example.it" % tenant
        harness.ctl_ok(DB, "user", "add", "--email", email, "--role", "ats_coordinator", "--name",
                       "Coordinatore", "--tenant", tenant, "--password-stdin", input=PASSWORD + "\n")
        login("coord-" + tenant)
        who = "coord-" + tenant
        base = "/api/v1/tenants/%s/plans" % tenant
        self.assertEqual(req("POST", base, who, body={"cycle": cycle}).status, 201)
        plan = base + "/" + cycle
        filled, extra = fill(doc), extra or {}
        for key in list(filled) + [k for k in extra if k not in filled]:
            g = req("GET", plan + "/sections/" + key, who)
            self.assertEqual(g.status, 200, g)
            body = dict({"parts": filled.get(key, {})}, **extra.get(key, {}))
            r = req("PUT", plan + "/sections/" + key, who, body=body, etag=g.headers["ETag"])
            self.assertEqual(r.status, 200, r)
        r = req("POST", plan + "/submit", who, body={"note": "Trasmissione"})
        self.assertEqual(r.status, 201, r)
        r = req("POST", plan + "/submissions/1/review", "reviewer", body={"decision": "approve"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(req("POST", plan + "/publish").status, 200)
        cov = req("GET", CYCLES + "/%s/compare/coverage" % cycle)
        self.assertEqual(cov.status, 200, cov)
        self.assertEqual([row["tenant"] for row in cov.json()["rows"]], [tenant])
        page = SRV.request("GET", "/public/%s/%s" % (tenant, cycle))
        self.assertEqual(page.status, 200, page)
        return doc, cov.json(), page.body.decode("utf-8")

    def test_marche_plan(self):
        # D.3 has no required part: written by hand, so all of Obiettivo C is.
        doc, cov, html = self.plan(MARCHE, "ats-marche", "AN",
                                   {"D.3": {"parts": {"analisi": "Nessun Comune del cratere nell'ATS."}}})
        # OS1-A5 is carried by the whole Obiettivo C: its three sections.
        cells = cov["rows"][0]["cells"]
        self.assertEqual((cells["OS1-A5"]["sections"], cells["OS1-A5"]["complete"]), (3, 3))
        self.assertEqual(cells["OS7-A1"]["sections"], 1)
        self.assertEqual(cells["OS1-A6"]["sections"], 1)
        for title in ("Obiettivo A. Consolidamento ATS", "1. Identità", "5. Gestione",
                      "Obiettivo C. Realizzare innovazione territoriale"):
            self.assertIn(title, html)
        # Sub-group headings both in the body and in the sommario.
        self.assertEqual(html.count("2. Programmazione integrata"), 2)
        self.assertNotIn("Obiettivo D", html)
        self.assertLess(html.index("Obiettivo A. Consolidamento ATS"), html.index("1. Identità"))

    def test_puglia_plan(self):
        spending = [{"service": "Emporio solidale", "year": 2023, "amount_eur": 1200.5, "funding_source": "fgsa"}]
        doc, cov, html = self.plan(PUGLIA, "ats-fasano", "BR", {"A.5": {"spending": spending}})
        # No objectives in the frame, so no actions to cover.
        self.assertEqual(cov["rows"][0]["cells"], {})
        for a in doc["catalog"]["areas"]:
            self.assertIn(a["title"].replace("'", "&#39;"), html.replace("&#x27;", "&#39;").replace("’", "'"))
        self.assertIn("Le aree strategiche del V Piano Regionale delle Politiche Sociali", html)
        areas = req("GET", CYCLES + "/%s/compare/finance?by=area" % doc["cycle"]["slug"])
        self.assertEqual(areas.status, 200, areas)
        self.assertEqual(areas.json()["columns"], ["A%d" % i for i in range(1, 8)])
        cells = areas.json()["rows"][0]["cells"]
        self.assertEqual(cells["A5"]["amount_eur"], 1200.5)
        self.assertEqual(cells["A1"]["amount_eur"], 0)


class PugliaDemo(unittest.TestCase):
    """What deploy/run loads with AMBITO_REGION=puglia."""

    def test_run_picks_the_puglia_files(self):
        with open(os.path.join(harness.source_dir(), "deploy", "run"), encoding="utf-8") as f:
            run = f.read()
        block = run[run.index("puglia)"):]
        block = block[:block.index(";;")]
        self.assertIn("deploy/data/puglia-2022-2024.json", block)
        self.assertIn("deploy/data/demo-puglia.json", block)

    def test_demo_loads_and_serves(self):
        demo = load(os.path.join(DATA, "demo-puglia.json"))
        self.assertIs(demo["demo"], True)
        self.assertIn("FITTIZI", demo["notice"])
        self.assertEqual({t["slug"] for t in demo["tenants"]}, {"ambito-fasano", "ambito-taranto"})
        names = {c["name"] for t in demo["tenants"] for c in t["comuni"]}
        self.assertEqual(names, {"Fasano", "Cisternino", "Ostuni", "Taranto"})
        ensure_imported(PUGLIA)
        p = harness.ctl(DB, "demo-load", os.path.join(DATA, "demo-puglia.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 ambiti", p.stdout)
        page = SRV.request("GET", "/public/ambito-fasano/puglia-2022-2024")
        self.assertEqual(page.status, 200, page)
        html = page.body.decode("utf-8")
        self.assertIn("Le aree strategiche del V Piano Regionale delle Politiche Sociali", html)
        self.assertIn("Invecchiamento attivo", html)
        u = demo["users"][3]
        r = SRV.request("POST", "/api/v1/auth/login", {"email": u["email"], "password": u["password"]})
        self.assertEqual(r.status, 200, r)
        tok = r.json()["access_token"]
        plan = SRV.request("GET", "/api/v1/tenants/ambito-taranto/plans/puglia-2022-2024", token=tok)
        self.assertEqual(plan.status, 200, plan)
        self.assertEqual(plan.json()["status"], "draft")


if __name__ == "__main__":
    harness.main()
