"""Cross-ATS comparisons (SPEC §6) against a real ambitod, on a small fixture
built through the API: the shipped Marche 2020-2022 cycle, three tenants with
Comuni of known populations, plans written section by section, income lines,
two submissions, changes requested on one and its draft edited afterwards,
so that the submitted and the draft figures differ.

Every expected figure below was worked out by hand from the fixture and is
written as a literal: the coverage matrix (A.2.1 carries OS1-A2 and OS2-A2,
A.4.2 carries OS4-A2 and OS4-A3, A.5.1 OS6-A1 and OS6-A2, D.3 OS7-A1 and
OS7-A2, so by objective each counts once), finance cells, totals and medians
with their roundings (half up to the cent), the section side by side and the
indicators list; who may compare what; the CSV form (BOM, CRLF, quoting,
Italian text) read back with Python's csv module; a large answer streamed in
chunks, read complete even by a client that stops reading for a while or by
several clients at once on kept-alive connections; and what `ambitoctl demo`
writes (populations, fake ISTAT codes, a second run that changes nothing)."""

import csv
import http.client
import io
import json
import os
import socket
import tempfile
import threading
import time
import re
import unittest
from decimal import Decimal as D

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
BIG_CYCLE = "2020-2022-bis"
BIG_TENANTS = 40
CLIENTS, ROUNDS = 6, 10  # concurrent streaming clients, requests each
COMPARE = "/api/v1/cycles/%s/compare" % CYCLE
PASSWORD = "una password lunga abbastanza"

DB = SRV = None
TOKENS = {}

NAMES = {
    "ats-alfa": "ATS Alfa – Città di Castelfidardo",
    "ats-beta": 'ATS Beta, "Valle del Potenza"',
    "ats-gamma": "ATS Gamma — Pietà",
}
TENANTS = [
    {"slug": "ats-alfa", "code": "ALFA", "name": NAMES["ats-alfa"], "capofila": "Comune di Castelfidardo",
     "ente_gestore": "Comune di Castelfidardo", "province": "AN",
     "comuni": [{"istat_code": "042010", "name": "Città di Castelfidardo", "population": 1500},
                {"istat_code": "042011", "name": "Sant'Àngelo in Pontano", "population": 500}]},
    {"slug": "ats-beta", "code": "BETA", "name": NAMES["ats-beta"], "capofila": "Comune di Macerata",
     "ente_gestore": "Comune di Macerata", "province": "MC",
     "comuni": [{"istat_code": "043023", "name": "Macerata", "population": 25000},
                {"istat_code": "043041", "name": "Pollenza", "population": 5000}]},
    {"slug": "ats-gamma", "code": "GAMMA", "name": NAMES["ats-gamma"], "capofila": "", "ente_gestore": "",
     "province": "PU", "comuni": []},
]

# email key -> (role, tenants)
USERS = {
    "admin": ("region_admin", []),
    "reviewer": ("region_reviewer", []),
    "uni": ("university", ["ats-beta"]),
    "uni-none": ("university", []),
    "coord-alfa": ("ats_coordinator", ["ats-alfa"]),
    "coord-beta": ("ats_coordinator", ["ats-beta"]),
    "coord-gamma": ("ats_coordinator", ["ats-gamma"]),
    "viewer-alfa": ("ats_viewer", ["ats-alfa"]),
}


def ind(name, kind, unit, baseline, target, source):
    return {"baseline": baseline, "kind": kind, "name": name, "source": source, "target": target, "unit": unit}


def line(service, year, amount, source):
    return {"amount_eur": amount, "funding_source": source, "service": service, "year": year}


def four_parts(tag):
    return {"analisi": "Analisi %s: l'àmbito è più città che comuni." % tag,
            "obiettivi": "Obiettivi %s, \"prioritari\"." % tag,
            "strategia": "Strategia %s\nseconda riga, con virgola." % tag,
            "valutazione": "Valutazione %s." % tag}


ALFA_A12_IND = [ind("Persone prese in carico", "process", "persone", "120", "150", "Ufficio di Piano"),
                ind("Tempo d'attesa, in giorni", "result", "giorni", "45", "30", None),
                ind('Qualità percepita "buona"', "result", None, None, "80%", "Questionario")]
ALFA_A21_IND = [ind("Accordi con l'Azienda sanitaria", "process", "accordi", "1", "3", None),
                ind("Équipe integrate attive", "result", "équipe", "0", "2", "UVI")]
BETA_A12_IND = [ind("Comuni in gestione associata", "result", "Comuni", "8", "12", "Regione")]
BETA_D3_IND = [ind("Servizi riattivati nel cratere", "result", "servizi", "2", "6", None)]
GAMMA_A12_IND = [ind("Sportelli aperti", "process", "sportelli", "1", "4", None),
                 ind("Ore di apertura settimanali", "process", "ore", "10", "30", None)]

# What each tenant writes besides the required parts of every section.
SECTIONS = {
    "ats-alfa": {
        "A.1.2": {"parts": four_parts("A.1.2 alfa"), "indicators": ALFA_A12_IND},
        "A.2.1": {"parts": four_parts("A.2.1 alfa"), "indicators": ALFA_A21_IND},
        "A.4.2": {"parts": four_parts("A.4.2 alfa"),
                  "indicators": [ind("Regolamento ISEE adottato", "process", None, "no", "sì", None)],
                  "spending": [line("Regolamento ISEE unico", 2021, 1500.50, "fnps"),
                               line("Sportello, accesso", 2022, 499.50, "comuni")]},
        "B.1": {"parts": four_parts("B.1 alfa"), "spending": [line("Contrasto alla povertà", 2021, 4690, "regione")]},
    },
    "ats-beta": {
        "A.1.2": {"parts": four_parts("A.1.2 beta"), "indicators": BETA_A12_IND},
        "A.4.2": {"parts": four_parts("A.4.2 beta"), "spending": [line("Assistenza domiciliare", 2020, 100000, "fna")]},
        "B.1": {"parts": four_parts("B.1 beta"), "spending": [line("Reddito di inclusione", 2022, 33333.33,
                                                                    "fondo_poverta")]},
        "B.2": {"parts": four_parts("B.2 beta"), "spending": [line("Centro antiviolenza", 2021, 12000, "regione")]},
        "D.3": {"parts": {"analisi": "Nei Comuni del cratere i servizi riprendono."}, "indicators": BETA_D3_IND,
                "spending": [line("Trasporto sociale", 2022, 100, "altro")]},
    },
    "ats-gamma": {
        "A.1.2": {"parts": {"analisi": "Solo l'analisi, per ora."}, "indicators": GAMMA_A12_IND},
        "B.1": {"parts": {"analisi": "Bozza sulla povertà."}, "spending": [line("Mensa", 2021, 500, "comuni")]},
    },
}
INCOME = {
    "ats-alfa": [{"source": "regione", "year": 2021, "amount_eur": 10000, "note": "Quota di riparto"},
                 {"source": "comuni", "year": 2020, "amount_eur": 2500.25, "note": None},
                 {"source": "regione", "year": 2022, "amount_eur": 1, "note": None}],
    "ats-beta": [{"source": "fnps", "year": 2020, "amount_eur": 30000, "note": "Riparto FNPS"}],
    "ats-gamma": [{"source": "regione", "year": 2021, "amount_eur": 999.99, "note": None}],
}
# After changes were requested, alfa's draft: A.1.2 loses a part and two
# indicators (partial), B.1 spends more, and an fnps income line is added.
ALFA_DRAFT_A12 = {"parts": {k: v for k, v in four_parts("A.1.2 alfa").items() if k != "valutazione"},
                  "indicators": ALFA_A12_IND[:1]}
ALFA_DRAFT_B1 = {"parts": four_parts("B.1 alfa"), "spending": [line("Contrasto alla povertà", 2021, 6000, "regione")]}
ALFA_DRAFT_INCOME = INCOME["ats-alfa"] + [{"source": "fnps", "year": 2022, "amount_eur": 300, "note": "Integrazione"}]

ACTIONS = ["OS1-A1", "OS1-A2", "OS1-A3", "OS1-A4", "OS1-A5", "OS1-A6", "OS2-A1", "OS2-A2", "OS3-A2", "OS3-A3",
           "OS4-A1", "OS4-A2", "OS4-A3", "OS4-A4", "OS4-A5", "OS5-A1", "OS6-A1", "OS6-A2", "OS7-A1", "OS7-A2"]
OBJECTIVES = ["OS1", "OS2", "OS3", "OS4", "OS5", "OS6", "OS7"]
AREAS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9"]
SOURCES = ["comuni", "regione", "fse", "sanita", "fnps", "fna", "fondo_poverta", "altro"]


def cell(sections, complete, indicators, eur="0.00"):
    return {"sections": sections, "complete": complete, "indicators": indicators, "spending_eur": D(eur)}


def money(amount, per):
    return {"amount_eur": D(amount), "per_inhabitant_eur": None if per is None else D(per)}


ONE = cell(1, 1, 0)
NONE = cell(0, 0, 0)

# Coverage by action of the submissions (alfa revision 1, beta revision 1):
# every tagged section of a submitted plan is complete.
# OS1-A5 is carried by the whole Obiettivo C (D.1, D.2, D.3): alfa wrote D.1
# and D.2 (D.3 has no required part), beta all three.
ALFA_SUBMITTED = {a: ONE for a in ACTIONS}
ALFA_SUBMITTED.update({"OS1-A5": cell(2, 2, 0), "OS1-A2": cell(1, 1, 2), "OS2-A2": cell(1, 1, 2), "OS1-A6": cell(1, 1, 3),
                       "OS4-A2": cell(1, 1, 1, "2000.00"), "OS4-A3": cell(1, 1, 1, "2000.00"),
                       "OS7-A1": NONE, "OS7-A2": NONE})
BETA_SUBMITTED = {a: ONE for a in ACTIONS}
BETA_SUBMITTED.update({"OS1-A5": cell(3, 3, 1, "100.00"), "OS1-A6": cell(1, 1, 1), "OS4-A2": cell(1, 1, 0, "100000.00"),
                       "OS4-A3": cell(1, 1, 0, "100000.00"), "OS7-A1": cell(1, 1, 1, "100.00"),
                       "OS7-A2": cell(1, 1, 1, "100.00")})
TOTAL_SUBMITTED = {a: cell(2, 2, 0) for a in ACTIONS}
TOTAL_SUBMITTED.update({"OS1-A5": cell(5, 5, 1, "100.00"), "OS1-A2": cell(2, 2, 2), "OS2-A2": cell(2, 2, 2), "OS1-A6": cell(2, 2, 4),
                        "OS4-A2": cell(2, 2, 1, "102000.00"), "OS4-A3": cell(2, 2, 1, "102000.00"),
                        "OS7-A1": cell(1, 1, 1, "100.00"), "OS7-A2": cell(1, 1, 1, "100.00")})
# The drafts: alfa's A.1.2 is partial with one indicator; gamma wrote only
# A.1.2 (partial, two indicators) and B.1 (no action).
ALFA_DRAFT = dict(ALFA_SUBMITTED, **{"OS1-A6": cell(1, 0, 1)})
GAMMA_DRAFT = dict({a: NONE for a in ACTIONS}, **{"OS1-A6": cell(1, 0, 2)})
TOTAL_DRAFT = dict(TOTAL_SUBMITTED, **{"OS1-A6": cell(3, 1, 4)})


def load_json(r):
    return json.loads(r.body.decode("utf-8"), parse_float=D)


def req(method, path, who, body=None, etag=None, headers=None):
    hdrs = dict(headers or {})
    if etag is not None:
        hdrs["If-Match"] = etag
    return SRV.request(method, path, body=body, headers=hdrs, token=TOKENS[who] if who else None)


def ok(r, status=200):
    assert r.status == status, r
    return r


def plan_path(tenant, rest=""):
    return "/api/v1/tenants/%s/plans/%s%s" % (tenant, CYCLE, rest)


def put_section(tenant, key, body, who):
    path = plan_path(tenant, "/sections/" + key)
    g = ok(req("GET", path, who))
    return ok(req("PUT", path, who, body=body, etag=g.headers["ETag"]))


def put_income(tenant, income, who):
    g = ok(req("GET", plan_path(tenant, "/finance"), who))
    return ok(req("PUT", plan_path(tenant, "/finance"), who, body={"income": income}, etag=g.headers["ETag"]))


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)  # the file's cycle is open
    harness.ctl_ok(DB, "user", "add", "--email", "admin@example.it", "--role", "region_admin", "--name",
                   "Utente admin", "--password-stdin", input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    login("admin")
    for t in TENANTS:
        ok(req("POST", "/api/v1/tenants", "admin", body=t), 201)
    for key, (role, tenants) in USERS.items():
        if key == "admin":
            continue
        args = ["user", "add", "--email", key + "@example.it", "--role", role, "--name", "Utente " + key,
                "--password-stdin"]
        for t in tenants:
            args += ["--tenant", t]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
        login(key)
    build_plans()
    build_big_cycle()


def login(key):
    r = SRV.request("POST", "/api/v1/auth/login", {"email": key + "@example.it", "password": PASSWORD})
    assert r.status == 200, r
    TOKENS[key] = r.json()["access_token"]


def build_plans():
    with open(MARCHE, encoding="utf-8") as f:
        template = json.load(f)["template"]["sections"]
    for slug in ("ats-alfa", "ats-beta", "ats-gamma"):
        who = "coord-" + slug[4:]
        ok(req("POST", "/api/v1/tenants/%s/plans" % slug, who, body={"cycle": CYCLE}), 201)
        chosen = SECTIONS[slug]
        for s in template:
            if s["key"] in chosen:
                put_section(slug, s["key"], chosen[s["key"]], who)
            elif slug != "ats-gamma":
                # The rest of a plan to submit: its required parts, nothing more.
                parts = {p["key"]: "Testo di %s/%s." % (s["key"], p["key"]) for p in s["parts"] if p["required"]}
                if parts:
                    put_section(slug, s["key"], {"parts": parts}, who)
        put_income(slug, INCOME[slug], who)
    for slug in ("ats-alfa", "ats-beta"):
        r = ok(req("POST", plan_path(slug, "/submit"), "coord-" + slug[4:], body={"note": "Trasmissione"}), 201)
        assert r.json()["revision"] == 1, r
    ok(req("POST", plan_path("ats-alfa", "/submissions/1/review"), "reviewer",
           body={"decision": "request_changes", "note": "Rivedere A.1.2"}), 201)
    put_section("ats-alfa", "A.1.2", ALFA_DRAFT_A12, "coord-alfa")
    put_section("ats-alfa", "B.1", ALFA_DRAFT_B1, "coord-alfa")
    put_income("ats-alfa", ALFA_DRAFT_INCOME, "coord-alfa")


def build_big_cycle():
    """A second copy of the cycle filled by ambitoctl demo: 40 drafts whose
    B.1 holds about 30 000 characters each."""
    with open(MARCHE, encoding="utf-8") as f:
        doc = json.load(f)
    doc["cycle"]["slug"] = BIG_CYCLE
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bis.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        harness.ctl_ok(DB, "import", path)
    harness.ctl_ok(DB, "demo", "--cycle", BIG_CYCLE, "--tenants", str(BIG_TENANTS))


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def get(path, who="admin", **kw):
    return req("GET", COMPARE + path, who, **kw)


def get_json(path, who="admin"):
    r = get(path, who)
    assert r.status == 200, r
    assert r.headers["Content-Type"] == "application/json", r.headers
    return load_json(r)


def get_csv(path, who="admin"):
    r = get(path + ("&" if "?" in path else "?") + "format=csv", who)
    assert r.status == 200, r
    return r


def csv_rows(r):
    assert r.body.startswith(b"\xef\xbb\xbf"), r.body[:10]
    text = r.body[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))



def strip_ids(indicators):
    """The indicators without their ids, each checked first: generated on
    the first save, "ind-" and 16 hexadecimal digits."""
    out = []
    for i in indicators:
        i = dict(i)
        assert re.fullmatch(r"ind-[0-9a-f]{16}", i.pop("id")), i
        out.append(i)
    return out


class Coverage(unittest.TestCase):
    def test_by_action_submitted(self):
        d = get_json("/coverage")
        self.assertEqual((d["cycle"], d["by"], d["source"]), (CYCLE, "action", "submitted"))
        self.assertEqual(d["columns"], ACTIONS)
        # gamma never submitted: absent.
        self.assertEqual([(r["tenant"], r["name"]) for r in d["rows"]],
                         [("ats-alfa", NAMES["ats-alfa"]), ("ats-beta", NAMES["ats-beta"])])
        self.assertEqual(d["rows"][0]["cells"], ALFA_SUBMITTED)
        self.assertEqual(d["rows"][1]["cells"], BETA_SUBMITTED)
        self.assertEqual(d["totals"], TOTAL_SUBMITTED)
        self.assertEqual(get_json("/coverage?by=action&source=submitted"), d)

    def test_by_action_draft(self):
        d = get_json("/coverage?source=draft")
        self.assertEqual((d["by"], d["source"]), ("action", "draft"))
        self.assertEqual([r["tenant"] for r in d["rows"]], ["ats-alfa", "ats-beta", "ats-gamma"])
        self.assertEqual(d["rows"][0]["cells"], ALFA_DRAFT)
        self.assertEqual(d["rows"][1]["cells"], BETA_SUBMITTED)  # beta's draft is what it submitted
        self.assertEqual(d["rows"][2]["cells"], GAMMA_DRAFT)
        self.assertEqual(d["totals"], TOTAL_DRAFT)

    def test_by_objective_counts_a_section_once(self):
        d = get_json("/coverage?by=objective")
        self.assertEqual(d["columns"], OBJECTIVES)
        # OS1: A.1.2, A.1.3, A.2.1, A.3.1, A.3.3, D.1, D.2 (and beta's D.3,
        # with its indicator and spending); OS4: A.4.1-A.4.4 with
        # A.4.2 once though it carries OS4-A2 and OS4-A3; OS6: A.5.1 once;
        # OS7: D.3 once. A.2.1 counts for OS1 and for OS2.
        self.assertEqual(d["rows"][0]["cells"], {
            "OS1": cell(7, 7, 5), "OS2": cell(2, 2, 2), "OS3": cell(2, 2, 0), "OS4": cell(4, 4, 1, "2000.00"),
            "OS5": cell(1, 1, 0), "OS6": cell(1, 1, 0), "OS7": cell(0, 0, 0)})
        self.assertEqual(d["rows"][1]["cells"], {
            "OS1": cell(8, 8, 2, "100.00"), "OS2": cell(2, 2, 0), "OS3": cell(2, 2, 0), "OS4": cell(4, 4, 0, "100000.00"),
            "OS5": cell(1, 1, 0), "OS6": cell(1, 1, 0), "OS7": cell(1, 1, 1, "100.00")})
        self.assertEqual(d["totals"], {
            "OS1": cell(15, 15, 7, "100.00"), "OS2": cell(4, 4, 2), "OS3": cell(4, 4, 0), "OS4": cell(8, 8, 1, "102000.00"),
            "OS5": cell(2, 2, 0), "OS6": cell(2, 2, 0), "OS7": cell(1, 1, 1, "100.00")})
        draft = get_json("/coverage?by=objective&source=draft")
        self.assertEqual(draft["rows"][0]["cells"]["OS1"], cell(7, 6, 3))
        self.assertEqual(draft["rows"][2]["cells"], {
            "OS1": cell(1, 0, 2), "OS2": NONE, "OS3": NONE, "OS4": NONE, "OS5": NONE, "OS6": NONE, "OS7": NONE})

    def test_csv(self):
        r = get_csv("/coverage")
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="ambito-2020-2022-coverage-action-submitted.csv"')
        self.assertEqual(r.headers.get("Transfer-Encoding"), "chunked")
        lines = r.body[3:].split(b"\r\n")
        self.assertEqual(lines[-1], b"")  # every record ends with CRLF
        self.assertEqual(len(lines), 4)
        self.assertTrue(lines[0].startswith(b"tenant,name,OS1-A1 sections,OS1-A1 complete,OS1-A1 indicators,"
                                            b"OS1-A1 spending_eur,OS1-A2 sections,"), lines[0])
        # The name with a comma and quotes is quoted, its quotes doubled.
        self.assertTrue(lines[2].startswith('ats-beta,"ATS Beta, ""Valle del Potenza""",1,1,0,0.00,'.encode()),
                        lines[2])
        rows = csv_rows(r)
        self.assertEqual(len(rows[0]), 2 + 4 * len(ACTIONS))
        for row, want in zip(rows[1:], (ALFA_SUBMITTED, BETA_SUBMITTED)):
            got = dict(zip(rows[0], row))
            for a in ACTIONS:
                self.assertEqual([got[a + " sections"], got[a + " complete"], got[a + " indicators"],
                                  got[a + " spending_eur"]],
                                 [str(want[a]["sections"]), str(want[a]["complete"]), str(want[a]["indicators"]),
                                  str(want[a]["spending_eur"])], a)
        self.assertEqual(rows[1][:2], ["ats-alfa", "ATS Alfa – Città di Castelfidardo"])
        # Accept: text/csv works as well as ?format=csv.
        r2 = get("/coverage", headers={"Accept": "text/csv"})
        self.assertEqual((r2.status, r2.body), (200, r.body))
        objective = csv_rows(get_csv("/coverage?by=objective&source=draft"))
        self.assertEqual(objective[3][:6], ["ats-gamma", "ATS Gamma — Pietà", "1", "0", "2", "0.00"])


class Finance(unittest.TestCase):
    def test_by_area_submitted(self):
        d = get_json("/finance")
        self.assertEqual((d["cycle"], d["by"], d["source"], d["columns"]), (CYCLE, "area", "submitted", AREAS))
        zero = {a: money("0.00", "0.00") for a in AREAS}
        alfa, beta = d["rows"]
        self.assertEqual((alfa["tenant"], alfa["name"], alfa["population"]), ("ats-alfa", NAMES["ats-alfa"], 2000))
        self.assertEqual((beta["tenant"], beta["population"]), ("ats-beta", 30000))
        # 4690.00 / 2000 = 2.345 -> 2.35 (half up).
        self.assertEqual(alfa["cells"], dict(zero, B1=money("4690.00", "2.35")))
        # 33333.33 / 30000 = 1.111111 -> 1.11; 12000 / 30000 = 0.40.
        self.assertEqual(beta["cells"], dict(zero, B1=money("33333.33", "1.11"), B2=money("12000.00", "0.40")))
        self.assertEqual(d["population"], 32000)
        # 38023.33 / 32000 = 1.18822... -> 1.19; 12000 / 32000 = 0.375 -> 0.38.
        self.assertEqual(d["totals"], dict(zero, B1=money("38023.33", "1.19"), B2=money("12000.00", "0.38")))
        # Two rows: the mean of the two, half up: (4690 + 33333.33) / 2 =
        # 19011.665 -> 19011.67; (2.35 + 1.11) / 2 = 1.73; (0 + 0.40) / 2.
        self.assertEqual(d["medians"], dict(zero, B1=money("19011.67", "1.73"), B2=money("6000.00", "0.20")))

    def test_by_area_draft(self):
        d = get_json("/finance?by=area&source=draft")
        zero = {a: money("0.00", "0.00") for a in AREAS}
        alfa, beta, gamma = d["rows"]
        self.assertEqual(alfa["cells"], dict(zero, B1=money("6000.00", "3.00")))
        self.assertEqual(beta["cells"], dict(zero, B1=money("33333.33", "1.11"), B2=money("12000.00", "0.40")))
        # No Comuni: no population, no figure per inhabitant.
        self.assertEqual((gamma["tenant"], gamma["name"], gamma["population"]), ("ats-gamma", NAMES["ats-gamma"], 0))
        self.assertEqual(gamma["cells"], dict({a: money("0.00", None) for a in AREAS}, B1=money("500.00", None)))
        self.assertEqual(d["population"], 32000)
        # 39833.33 / 32000 = 1.24479... -> 1.24.
        self.assertEqual(d["totals"], dict(zero, B1=money("39833.33", "1.24"), B2=money("12000.00", "0.38")))
        # Amounts: median of three. Per inhabitant: of the two with a
        # population, (3.00 + 1.11) / 2 = 2.055 -> 2.06.
        self.assertEqual(d["medians"], dict(zero, B1=money("6000.00", "2.06"), B2=money("0.00", "0.20")))

    def test_by_source(self):
        zero = {s: money("0.00", "0.00") for s in SOURCES}
        d = get_json("/finance?by=source")
        self.assertEqual((d["by"], d["columns"]), ("source", SOURCES))
        # 2500.25 / 2000 = 1.250125 -> 1.25; 10001 / 2000 = 5.0005 -> 5.00.
        self.assertEqual(d["rows"][0]["cells"], dict(zero, comuni=money("2500.25", "1.25"),
                                                     regione=money("10001.00", "5.00")))
        self.assertEqual(d["rows"][1]["cells"], dict(zero, fnps=money("30000.00", "1.00")))
        # 2500.25 / 32000 = 0.078 -> 0.08; 10001 / 32000 = 0.3125... -> 0.31;
        # 30000 / 32000 = 0.9375 -> 0.94.
        self.assertEqual(d["totals"], dict(zero, comuni=money("2500.25", "0.08"), regione=money("10001.00", "0.31"),
                                           fnps=money("30000.00", "0.94")))
        # 1250.125 -> 1250.13; 0.625 -> 0.63.
        self.assertEqual(d["medians"], dict(zero, comuni=money("1250.13", "0.63"), regione=money("5000.50", "2.50"),
                                            fnps=money("15000.00", "0.50")))
        draft = get_json("/finance?by=source&source=draft")
        self.assertEqual(draft["rows"][0]["cells"], dict(zero, comuni=money("2500.25", "1.25"),
                                                         regione=money("10001.00", "5.00"),
                                                         fnps=money("300.00", "0.15")))
        self.assertEqual(draft["rows"][2]["cells"], dict({s: money("0.00", None) for s in SOURCES},
                                                         regione=money("999.99", None)))
        # 11000.99 / 32000 = 0.3437... -> 0.34; 30300 / 32000 = 0.946875 -> 0.95.
        self.assertEqual(draft["totals"], dict(zero, comuni=money("2500.25", "0.08"),
                                               regione=money("11000.99", "0.34"), fnps=money("30300.00", "0.95")))
        # regione: amounts 0, 999.99, 10001.00; per inhabitant 5.00 and 0.00.
        # fnps: 300.00 of 0, 300, 30000; per inhabitant (0.15 + 1.00) / 2 = 0.575 -> 0.58.
        self.assertEqual(draft["medians"], dict(zero, comuni=money("0.00", "0.63"), regione=money("999.99", "2.50"),
                                                fnps=money("300.00", "0.58")))

    def test_csv(self):
        r = get_csv("/finance?source=draft")
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="ambito-2020-2022-finance-area-draft.csv"')
        rows = csv_rows(r)
        self.assertEqual(rows[0][:7], ["tenant", "name", "population", "B1 amount_eur", "B1 per_inhabitant_eur",
                                       "B2 amount_eur", "B2 per_inhabitant_eur"])
        self.assertEqual(len(rows[0]), 3 + 2 * len(AREAS))
        self.assertEqual(rows[1][:7], ["ats-alfa", NAMES["ats-alfa"], "2000", "6000.00", "3.00", "0.00", "0.00"])
        self.assertEqual(rows[2][:7], ["ats-beta", NAMES["ats-beta"], "30000", "33333.33", "1.11", "12000.00", "0.40"])
        # A null per-inhabitant figure is an empty field.
        self.assertEqual(rows[3][:7], ["ats-gamma", NAMES["ats-gamma"], "0", "500.00", "", "0.00", ""])
        self.assertEqual(len(rows), 4)


class Sections(unittest.TestCase):
    def test_side_by_side(self):
        d = get_json("/sections/A.1.2")
        for row in d["rows"]:
            row["indicators"] = strip_ids(row["indicators"])
        self.assertEqual((d["cycle"], d["source"], d["section"], d["title"]),
                         (CYCLE, "submitted", "A.1.2", "Confini di ATS e coincidenza territoriale"))
        self.assertEqual(d["rows"], [
            {"tenant": "ats-alfa", "name": NAMES["ats-alfa"], "revision": 1, "status": "complete",
             "parts": four_parts("A.1.2 alfa"), "indicators": ALFA_A12_IND, "spending": []},
            {"tenant": "ats-beta", "name": NAMES["ats-beta"], "revision": 1, "status": "complete",
             "parts": four_parts("A.1.2 beta"), "indicators": BETA_A12_IND, "spending": []},
        ])
        draft = get_json("/sections/A.1.2?source=draft")
        for row in draft["rows"]:
            row["indicators"] = strip_ids(row["indicators"])
        self.assertEqual([(r["tenant"], r["revision"], r["status"], len(r["parts"]), len(r["indicators"]))
                          for r in draft["rows"]],
                         [("ats-alfa", 0, "partial", 3, 1), ("ats-beta", 0, "complete", 4, 1),
                          ("ats-gamma", 0, "partial", 1, 2)])
        self.assertEqual(draft["rows"][2]["parts"], {"analisi": "Solo l'analisi, per ora."})
        self.assertEqual(draft["rows"][2]["indicators"], GAMMA_A12_IND)

    def test_spending_and_csv(self):
        d = get_json("/sections/B.1")
        self.assertEqual([r["spending"] for r in d["rows"]], [
            [{"amount_eur": D("4690.00"), "funding_source": "regione", "service": "Contrasto alla povertà",
              "year": 2021}],
            [{"amount_eur": D("33333.33"), "funding_source": "fondo_poverta", "service": "Reddito di inclusione",
              "year": 2022}]])
        r = get_csv("/sections/A.1.2?source=draft")
        self.assertEqual(r.headers["Content-Disposition"],
                         'attachment; filename="ambito-2020-2022-section-A.1.2-draft.csv"')
        rows = csv_rows(r)
        self.assertEqual(rows[0], ["tenant", "name", "revision", "status", "analisi", "obiettivi", "strategia",
                                   "valutazione", "indicators", "spending_eur"])
        p = four_parts("A.1.2 alfa")
        self.assertEqual(rows[1], ["ats-alfa", NAMES["ats-alfa"], "0", "partial", p["analisi"], p["obiettivi"],
                                   p["strategia"], "", "1", "0.00"])
        self.assertEqual(rows[3], ["ats-gamma", NAMES["ats-gamma"], "0", "partial", "Solo l'analisi, per ora.", "",
                                   "", "", "2", "0.00"])
        # The part with a line break and a comma, intact and quoted.
        self.assertIn('"Strategia A.1.2 alfa\nseconda riga, con virgola."'.encode(), r.body)
        self.assertIn('"Obiettivi A.1.2 beta, ""prioritari""."'.encode(), r.body)

    def test_unknown_section(self):
        r = get("/sections/Z.9")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.headers["Content-Type"], "application/problem+json")
        self.assertIn("Z.9", r.json()["detail"])


def indicator_rows(tenant, section, indicators):
    return [dict({"tenant": tenant, "name": NAMES[tenant], "section": section, "indicator": i["name"]},
                 **{k: i[k] for k in ("kind", "unit", "baseline", "target", "source")}) for i in indicators]


class Indicators(unittest.TestCase):

    def test_by_action(self):
        d = get_json("/indicators?action=OS1-A6")
        self.assertEqual((d["cycle"], d["source"], d["action"]), (CYCLE, "submitted", "OS1-A6"))
        self.assertEqual(d["rows"], indicator_rows("ats-alfa", "A.1.2", ALFA_A12_IND) +
                         indicator_rows("ats-beta", "A.1.2", BETA_A12_IND))
        # A.2.1 carries both actions; D.3 both OS7 actions.
        for action in ("OS1-A2", "OS2-A2"):
            self.assertEqual(get_json("/indicators?action=" + action)["rows"],
                             indicator_rows("ats-alfa", "A.2.1", ALFA_A21_IND))
        for action in ("OS7-A1", "OS7-A2"):
            self.assertEqual(get_json("/indicators?action=" + action)["rows"],
                             indicator_rows("ats-beta", "D.3", BETA_D3_IND))
        self.assertEqual(get_json("/indicators?action=OS5-A1")["rows"], [])
        draft = get_json("/indicators?action=OS1-A6&source=draft")
        self.assertEqual(draft["rows"], indicator_rows("ats-alfa", "A.1.2", ALFA_A12_IND[:1]) +
                         indicator_rows("ats-beta", "A.1.2", BETA_A12_IND) +
                         indicator_rows("ats-gamma", "A.1.2", GAMMA_A12_IND))

    def test_csv(self):
        rows = csv_rows(get_csv("/indicators?action=OS1-A6"))
        self.assertEqual(rows, [
            ["tenant", "name", "section", "indicator", "kind", "unit", "baseline", "target", "source"],
            ["ats-alfa", NAMES["ats-alfa"], "A.1.2", "Persone prese in carico", "process", "persone", "120", "150",
             "Ufficio di Piano"],
            ["ats-alfa", NAMES["ats-alfa"], "A.1.2", "Tempo d'attesa, in giorni", "result", "giorni", "45", "30", ""],
            ["ats-alfa", NAMES["ats-alfa"], "A.1.2", 'Qualità percepita "buona"', "result", "", "", "80%",
             "Questionario"],
            ["ats-beta", NAMES["ats-beta"], "A.1.2", "Comuni in gestione associata", "result", "Comuni", "8", "12",
             "Regione"],
        ])

    def test_action_parameter(self):
        r = get("/indicators")
        self.assertEqual(r.status, 400)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["action"])
        r = get("/indicators?action=OS9-A9")
        self.assertEqual(r.status, 404)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["action"])
        self.assertIn("OS9-A9", r.json()["errors"][0]["message"])


class Access(unittest.TestCase):
    def test_university_sees_assigned_tenants_only(self):
        d = get_json("/coverage", who="uni")
        self.assertEqual([r["tenant"] for r in d["rows"]], ["ats-beta"])
        self.assertEqual(d["totals"], BETA_SUBMITTED)
        f = get_json("/finance?source=draft", who="uni")
        self.assertEqual([r["tenant"] for r in f["rows"]], ["ats-beta"])
        self.assertEqual(f["population"], 30000)
        self.assertEqual(f["medians"]["B1"], money("33333.33", "1.11"))
        self.assertEqual([r["tenant"] for r in get_json("/sections/A.1.2?source=draft", "uni")["rows"]],
                         ["ats-beta"])
        self.assertEqual(get_json("/indicators?action=OS1-A6&source=draft", "uni")["rows"],
                         indicator_rows("ats-beta", "A.1.2", BETA_A12_IND))
        self.assertEqual([r[0] for r in csv_rows(get_csv("/coverage?source=draft", who="uni"))], ["tenant", "ats-beta"])
        none = get_json("/coverage", who="uni-none")
        self.assertEqual((none["rows"], none["totals"]), ([], {a: NONE for a in ACTIONS}))
        self.assertEqual(get_json("/finance", who="uni-none")["medians"]["B1"],
                         {"amount_eur": None, "per_inhabitant_eur": None})

    def test_region_roles(self):
        self.assertEqual(get_json("/coverage", who="reviewer"), get_json("/coverage"))

    def test_ats_roles_anonymous_and_unknown_cycle(self):
        paths = ("/coverage", "/finance", "/sections/A.1.2", "/indicators?action=OS1-A6")
        for p in paths:
            for who in ("coord-alfa", "viewer-alfa"):
                r = get(p, who=who)
                self.assertEqual(r.status, 403, (p, who))
                self.assertEqual(r.headers["Content-Type"], "application/problem+json")
            self.assertEqual(get(p, who=None).status, 401, p)
            r = req("GET", "/api/v1/cycles/1999-2001/compare" + p, "admin")
            self.assertEqual(r.status, 404, p)
            self.assertIn("1999-2001", r.json()["detail"])

    def test_bad_parameters(self):
        for p, field in (("/coverage?source=latest", "source"), ("/coverage?by=area", "by"),
                         ("/finance?by=action", "by"), ("/finance?source=", "source"),
                         ("/sections/A.1.2?source=bozza", "source"), ("/indicators?action=OS1-A6&source=x", "source")):
            r = get(p)
            self.assertEqual(r.status, 400, p)
            self.assertEqual([e["field"] for e in r.json()["errors"]], [field], p)


class DemoData(unittest.TestCase):
    """What `ambitoctl demo` put in the second cycle (build_big_cycle)."""

    def test_tenants_comuni_and_plans(self):
        rows = DB.sql("SELECT t.slug, t.name, COUNT(c.istat_code), SUM(c.population), MIN(c.istat_code)"
                      " FROM tenants t JOIN comuni c ON c.tenant_id = t.id WHERE t.slug LIKE 'demo-%'"
                      " GROUP BY t.id ORDER BY t.slug")
        self.assertEqual([r[0] for r in rows], ["demo-%04d" % i for i in range(1, BIG_TENANTS + 1)])
        for slug, name, ncomuni, population, istat in rows:
            self.assertTrue(name.startswith("ATS demo %d — " % int(slug[5:])), name)
            self.assertTrue(3 <= int(ncomuni) <= 30, (slug, ncomuni))
            self.assertTrue(37000 <= int(population) <= 138000, (slug, population))
            self.assertGreaterEqual(int(istat), 900000)  # no real ISTAT code starts with 9
        statuses = dict(DB.sql("SELECT p.status, COUNT(*) FROM plans p JOIN cycles c ON c.id = p.cycle_id"
                               " WHERE c.slug = '%s' GROUP BY p.status" % BIG_CYCLE))
        self.assertEqual(sum(int(v) for v in statuses.values()), BIG_TENANTS)
        self.assertIn("submitted", statuses)
        self.assertIn("draft", statuses)

    def test_second_run_keeps_what_exists(self):
        before = DB.sql("SELECT COUNT(*), SUM(LENGTH(content)) FROM plan_sections")
        p = harness.ctl_ok(DB, "demo", "--cycle", BIG_CYCLE, "--tenants", str(BIG_TENANTS))
        self.assertIn("niente da fare", p.stdout)
        self.assertEqual(DB.sql("SELECT COUNT(*), SUM(LENGTH(content)) FROM plan_sections"), before)
        self.assertEqual(harness.ctl(DB, "demo", "--cycle", "no-such-cycle", "--tenants", "3").returncode, 1)
        audited = DB.sql("SELECT object, outcome FROM audit_log WHERE route = 'ambitoctl demo'")
        self.assertEqual(audited, [["cycle:%s demo-0001..demo-%04d" % (BIG_CYCLE, BIG_TENANTS), "ok"]])


def read_chunked(sock_file):
    """The head's lines and the body of a chunked answer, checking the
    framing: raises if the last chunk is missing."""
    head = []
    while True:
        ln = sock_file.readline()
        if ln in (b"\r\n", b""):
            break
        head.append(ln.decode("latin-1").rstrip("\r\n"))
    body, chunks = [], 0
    while True:
        size_line = sock_file.readline()
        if not size_line:
            raise AssertionError("connection closed before the last chunk")
        size = int(size_line.strip(), 16)
        if size == 0:
            assert sock_file.readline() == b"\r\n"
            return head, b"".join(body), chunks
        data = sock_file.read(size)
        assert len(data) == size and sock_file.read(2) == b"\r\n"
        body.append(data)
        chunks += 1


class Streaming(unittest.TestCase):
    """The side by side of B.1 over 40 demo drafts: over a megabyte."""

    def test_large_answer_arrives_whole(self):
        path = "/api/v1/cycles/%s/compare/sections/B.1?source=draft" % BIG_CYCLE
        r = req("GET", path, "admin")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Transfer-Encoding"), "chunked")
        self.assertNotIn("Content-Length", r.headers)
        self.assertGreater(len(r.body), 1000000)
        d = load_json(r)
        self.assertEqual([row["tenant"] for row in d["rows"]], ["demo-%04d" % i for i in range(1, BIG_TENANTS + 1)])
        self.assertEqual({tuple(sorted(row)) for row in d["rows"]},
                         {("indicators", "name", "parts", "revision", "spending", "status", "tenant")})
        c = req("GET", path + "&format=csv", "admin")
        rows = csv_rows(c)
        self.assertEqual(len(rows), BIG_TENANTS + 1)
        self.assertEqual([row[0] for row in rows[1:]], ["demo-%04d" % i for i in range(1, BIG_TENANTS + 1)])
        # B.1's parts in the template's order: the analysis has two sub-points.
        self.assertEqual([row[4:9] for row in rows[1:]],
                         [[row["parts"].get(k, "") for k in ("analisi", "analisi_bisogni", "obiettivi", "strategia",
                                                             "valutazione")]
                          for row in d["rows"]])

    def test_concurrent_streams_on_kept_alive_connections(self):
        # Several streams at once keep the server's I/O thread juggling their
        # chunks, each connection asking again as soon as it has its answer:
        # a lost wake-up between them leaves an answer stalled half-way.
        # Every answer must arrive whole.
        path = "/api/v1/cycles/%s/compare/sections/B.1?source=draft&format=csv" % BIG_CYCLE
        whole = req("GET", path, "admin").body
        results, lock = [], threading.Lock()

        def client():
            conn = http.client.HTTPConnection(SRV.host, SRV.port, timeout=20)
            try:
                for _ in range(ROUNDS):
                    conn.request("GET", path, headers={"Authorization": "Bearer " + TOKENS["admin"]})
                    resp = conn.getresponse()
                    body = resp.read()
                    with lock:
                        results.append((resp.status, body == whole))
            except OSError as e:
                with lock:
                    results.append((0, repr(e)))
            finally:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(results, [(200, True)] * (CLIENTS * ROUNDS))

    def test_slow_reader_gets_everything(self):
        path = "/api/v1/cycles/%s/compare/sections/B.1?source=draft&format=csv" % BIG_CYCLE
        whole = req("GET", path, "admin").body
        with socket.create_connection((SRV.host, SRV.port), timeout=30) as s:
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n"
                       % (path, TOKENS["admin"])).encode())
            # Not reading: the server fills the socket, then must wait
            # (back-pressure) rather than buffer the rest, and stay available.
            time.sleep(1.5)
            self.assertEqual(SRV.request("GET", "/healthz").status, 200)
            head, body, chunks = read_chunked(s.makefile("rb"))
        self.assertEqual(head[0], "HTTP/1.1 200 OK")
        self.assertIn("Transfer-Encoding: chunked", head)
        self.assertGreater(chunks, 1)
        self.assertEqual(body, whole)


if __name__ == "__main__":
    harness.main()
