"""Fund allocations (riparto, SPEC §7a) against a real ambitod: the shipped
Marche 2020-2022 cycle (years 2020-2022, sources comuni, regione, fse,
sanita, fnps, fna, fondo_poverta, altro), three tenants, a riparto written
as JSON and then replaced by CSV.

Every expected row and message is a literal worked out by hand: the order of
the answer (tenant slug, year, source), amounts normalised to two decimals,
who sees which rows, that one bad CSV line refuses the whole file and names
its line while the stored riparto stays as it was, and the limits."""

import csv
import io
import json
import os
import time
import unittest
from decimal import Decimal as D

import harness

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PATH = "/api/v1/cycles/%s/allocations" % CYCLE
PASSWORD = "una password lunga abbastanza"
MAX_ROWS = 60000           # FUND_MAX_ROWS
MAX_BODY = 4 * 1024 * 1024  # FUND_MAX_BODY

DB = SRV = None
TOKENS = {}

TENANTS = ["ats-alfa", "ats-beta", "ats-gamma"]
USERS = {
    "admin": ("region_admin", []),
    "reviewer": ("region_reviewer", []),
    "uni": ("university", ["ats-beta"]),
    "coord-alfa": ("ats_coordinator", ["ats-alfa"]),
    "viewer-gamma": ("ats_viewer", ["ats-gamma"]),
    "coord-beta": ("ats_coordinator", ["ats-beta"]),
    "coord-gamma": ("ats_coordinator", ["ats-gamma"]),
}
# ats-beta has 25 000 + 5 000 inhabitants; the others no Comuni (population 0).
COMUNI = {"ats-beta": [{"istat_code": "043023", "name": "Macerata", "population": 25000},
                       {"istat_code": "043041", "name": "Pollenza", "population": 5000}]}

# Sent in no particular order; amounts as JSON numbers of 0, 1 and 2 decimals.
JSON_ITEMS = [
    {"tenant": "ats-beta", "year": 2021, "source": "fnps", "amount_eur": 12345.5},
    {"tenant": "ats-alfa", "year": 2022, "source": "regione", "amount_eur": 1000},
    {"tenant": "ats-alfa", "year": 2020, "source": "fnps", "amount_eur": 0.07},
    {"tenant": "ats-gamma", "year": 2020, "source": "fna", "amount_eur": 999999999999.99},
    {"tenant": "ats-alfa", "year": 2020, "source": "fna", "amount_eur": 250},
]
# The answer: by slug, then year, then source; two decimals always.
JSON_ROWS = [
    ("ats-alfa", 2020, "fna", "250.00"),
    ("ats-alfa", 2020, "fnps", "0.07"),
    ("ats-alfa", 2022, "regione", "1000.00"),
    ("ats-beta", 2021, "fnps", "12345.50"),
    ("ats-gamma", 2020, "fna", "999999999999.99"),
]

# CRLF, a byte-order mark, a quoted field, blanks around a field, an empty
# line, leading zeros: all accepted.
GOOD_CSV = ("\ufefftenant,year,source,amount_eur\r\n"
            "ats-beta,2020,fondo_poverta,33333.33\r\n"
            "\"ats-alfa\",2021,sanita, 10.5 \r\n"
            "\r\n"
            "ats-gamma,2022,altro,007\r\n"
            "ats-beta,2022,fse,\"1200.00\"\r\n")
CSV_ROWS = [
    ("ats-alfa", 2021, "sanita", "10.50"),
    ("ats-beta", 2020, "fondo_poverta", "33333.33"),
    ("ats-beta", 2022, "fse", "1200.00"),
    ("ats-gamma", 2022, "altro", "7.00"),
]


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)
    harness.ctl_ok(DB, "user", "add", "--email", "admin@example.it", "--role", "region_admin", "--name",
                   "Utente admin", "--password-stdin", input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    login("admin")
    for slug in TENANTS:
        ok(req("POST", "/api/v1/tenants", "admin",
               body={"slug": slug, "code": slug[4:].upper(), "name": "ATS " + slug[4:], "capofila": "",
                     "ente_gestore": "", "province": "AN", "comuni": COMUNI.get(slug, [])}), 201)
    for key, (role, tenants) in USERS.items():
        if key == "admin":
            continue
        args = ["user", "add", "--email", key + "@example.it", "--role", role, "--name", "Utente " + key,
                "--password-stdin"]
        for t in tenants:
            args += ["--tenant", t]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
        login(key)


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def login(key):
    r = SRV.request("POST", "/api/v1/auth/login", {"email": key + "@example.it", "password": PASSWORD})
    assert r.status == 200, r
    TOKENS[key] = r.json()["access_token"]


def req(method, path, who, body=None, headers=None, raw=None):
    return SRV.request(method, path, body=body, headers=headers, raw=raw, token=TOKENS[who] if who else None)


def ok(r, status=200):
    assert r.status == status, r
    return r


def rows_of(r):
    """(tenant, year, source, amount text) of a JSON answer, amounts as
    written in the JSON (numbers, not strings)."""
    items = json.loads(r.body.decode("utf-8"), parse_float=D, parse_int=D)["items"]
    out = []
    for it in items:
        assert set(it) == {"tenant", "year", "source", "amount_eur"}, it
        assert isinstance(it["amount_eur"], D), it
        out.append((it["tenant"], int(it["year"]), it["source"], str(it["amount_eur"])))
    return out


def put_csv(text, who="admin"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return req("PUT", PATH, who, raw=data, headers={"Content-Type": "text/csv; charset=utf-8"})


def stored():
    return DB.sql("SELECT t.slug, a.year, a.source, a.amount_eur FROM allocations a JOIN tenants t "
                  "ON t.id = a.tenant_id ORDER BY t.slug, a.year, a.source")


class Allocations(unittest.TestCase):
    """The tests run in name order: each starts from the riparto the one
    before left, and says which it expects."""

    def test_1_json_put_and_get(self):
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), [])
        r = ok(req("PUT", PATH, "admin", body={"items": JSON_ITEMS}))
        self.assertEqual(rows_of(r), JSON_ROWS)
        self.assertEqual(rows_of(ok(req("GET", PATH, "reviewer"))), JSON_ROWS)
        self.assertEqual([tuple(map(str, row)) for row in stored()],
                         [(t, str(y), s, a) for t, y, s, a in JSON_ROWS])
        audit = DB.sql("SELECT method, object, status, outcome, detail FROM audit_log "
                       "WHERE object = 'cycle:2020-2022/allocations'")
        self.assertEqual(audit, [["PUT", "cycle:2020-2022/allocations", "200", "ok", "5 righe (JSON)"]])

    def test_2_scoping(self):
        self.assertEqual(rows_of(ok(req("GET", PATH, "coord-alfa"))), JSON_ROWS[:3])
        self.assertEqual(rows_of(ok(req("GET", PATH, "uni"))), JSON_ROWS[3:4])
        self.assertEqual(rows_of(ok(req("GET", PATH, "viewer-gamma"))), JSON_ROWS[4:])
        for who in ("reviewer", "uni", "coord-alfa", "viewer-gamma"):
            r = req("PUT", PATH, who, body={"items": []})
            self.assertEqual(r.status, 403, (who, r))
            r = put_csv(GOOD_CSV, who)
            self.assertEqual(r.status, 403, (who, r))
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), JSON_ROWS)
        self.assertEqual(req("GET", PATH, None).status, 401)
        self.assertEqual(req("GET", "/api/v1/cycles/nessuno/allocations", "admin").status, 404)
        self.assertEqual(req("PUT", "/api/v1/cycles/nessuno/allocations", "admin",
                             body={"items": []}).status, 404)

    def test_3_csv_replaces_all(self):
        r = ok(put_csv(GOOD_CSV))
        self.assertEqual(rows_of(r), CSV_ROWS)
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)
        self.assertEqual(rows_of(ok(req("GET", PATH, "coord-alfa"))), CSV_ROWS[:1])
        # The CSV answer reads back as the same rows and uploads as it is.
        r = ok(req("GET", PATH + "?format=csv", "uni"))
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        text = r.body.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"), text[:10])
        self.assertEqual(text, "\ufefftenant,year,source,amount_eur\r\n"
                               "ats-beta,2020,fondo_poverta,33333.33\r\n"
                               "ats-beta,2022,fse,1200.00\r\n")
        whole = ok(req("GET", PATH, "admin", headers={"Accept": "text/csv"})).body
        self.assertEqual(list(csv.reader(io.StringIO(whole.decode("utf-8-sig"))))[1:],
                         [[t, str(y), s, a] for t, y, s, a in CSV_ROWS])
        self.assertEqual(rows_of(ok(put_csv(whole))), CSV_ROWS)

    def test_4_one_bad_line_refuses_the_file(self):
        lines = ["tenant,year,source,amount_eur",          # line 1
                 "ats-alfa,2020,fnps,1",                   # 2
                 "ats-alfa,2021,fnps,2",                   # 3
                 "ats-beta,2020,fnps,3",                   # 4
                 "ats-beta,2021,fnps,4",                   # 5
                 "ats-gamma,2020,fnps,5",                  # 6
                 "ats-zeta,2021,fnps,6",                   # 7: unknown tenant
                 "ats-gamma,2022,fnps,7"]                  # 8
        r = put_csv("\n".join(lines) + "\n")
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"],
                         [{"field": "line 7", "message": "riga 7: ambito sconosciuto «ats-zeta»"}])
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)
        self.assertEqual(len(stored()), 4)

    def test_5_every_error_names_its_line(self):
        text = ("tenant,year,source,amount_eur\n"          # 1
                "ats-alfa,2019,fnps,1\n"                   # 2: before the cycle
                "ats-alfa,2020,fondo_luna,1\n"             # 3: not in the catalogue
                "ats-alfa,2020,fnps,1.005\n"               # 4: three decimals
                "ats-alfa,2020,fnps,\"1.234,50\"\n"        # 5: Italian separators
                "ats-alfa,2020,fna,-5\n"                   # 6: negative
                "ats-alfa,2020,fse\n"                      # 7: three fields
                "ats-beta,2021,fnps,10\n"                  # 8
                "ats-beta,2021,fnps,11\n"                  # 9: repeats line 8
                ",2021,fnps,1\n"                           # 10: no tenant
                "ats-beta,duemila,fnps,1\n"                # 11: not a year
                "\"ats-beta,2022,fnps,1\n"                 # 12: the quote is never closed
                "ats-beta,2022,fnps,2\n")
        r = put_csv(text)
        self.assertEqual(r.status, 422, r)
        got = {(e["field"], e["message"]) for e in r.json()["errors"]}
        self.assertEqual(got, {
            ("line 2", "riga 2: l'anno 2019 è fuori dal ciclo 2020-2022"),
            ("line 3", "riga 3: fonte di finanziamento «fondo_luna» non presente nel catalogo del ciclo"),
            ("line 4", "riga 4: importo «1.005» non valido: ha più di 2 decimali"),
            ("line 5", "riga 5: importo «1.234,50» non valido: scrivere i decimali con il punto (es. 1234.50), "
                       "senza separatori delle migliaia"),
            ("line 6", "riga 6: importo «-5» non valido: non può essere negativo"),
            ("line 7", "riga 7: servono 4 campi (tenant,year,source,amount_eur), trovati 3"),
            ("line 9", "riga 9: ripete ambito, anno e fonte della riga 8"),
            ("line 10", "riga 10: manca l'ambito (tenant)"),
            ("line 11", "riga 11: anno non valido «duemila»"),
            ("line 12", "riga 12: virgolette non chiuse o testo dopo le virgolette di chiusura"),
        })
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)

    def test_6_header_and_bytes(self):
        for text in ("tenant;year;source;amount_eur\nats-alfa;2020;fnps;1\n",
                     "ats-alfa,2020,fnps,1\n", "", "tenant,year,source\n"):
            r = put_csv(text)
            self.assertEqual(r.status, 422, (text, r))
            self.assertEqual(r.json()["errors"],
                             [{"field": "line 1",
                               "message": "riga 1: l'intestazione deve essere tenant,year,source,amount_eur"}])
        r = put_csv(b"tenant,year,source,amount_eur\nats-alfa\x00x,2020,fnps,1\n")
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"][0]["field"], "body")
        # Bytes that are not UTF-8 are refused, and never echoed back.
        r = put_csv(b"tenant,year,source,amount_eur\n\xff\xfe,2020,fnps,1\n")
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"], [{"field": "line 2", "message": "riga 2: ambito sconosciuto"}])
        # A line spanning two lines inside quotes: the next line's number counts both.
        r = put_csv("tenant,year,source,amount_eur\n\"ats\nalfa\",2020,fnps,1\nats-alfa,1999,fnps,1\n")
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["line 2", "line 4"])
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)

    def test_7_json_errors_name_the_item(self):
        items = [{"tenant": "ats-alfa", "year": 2020, "source": "fnps", "amount_eur": 1},
                 {"tenant": "ats-zeta", "year": 2020, "source": "fnps", "amount_eur": 1},
                 {"tenant": "ats-alfa", "year": 2023, "source": "fnps", "amount_eur": 1},
                 {"tenant": "ats-alfa", "year": 2020, "source": "fnps", "amount_eur": 2},
                 {"tenant": "ats-alfa", "year": 2021, "source": "fnps", "amount_eur": "1"},
                 {"tenant": "ats-alfa", "year": 2021, "source": "fnps", "amount_eur": 1.234},
                 {"tenant": "ats-alfa", "year": 2021, "source": "fnps", "amount_eur": 1, "note": "x"},
                 "ats-alfa"]
        r = req("PUT", PATH, "admin", body={"items": items})
        self.assertEqual(r.status, 422, r)
        errors = {e["field"]: e["message"] for e in r.json()["errors"]}
        self.assertEqual(errors["items[1].tenant"], "ambito sconosciuto «ats-zeta»")
        self.assertEqual(errors["items[2].year"], "l'anno 2023 è fuori dal ciclo 2020-2022")
        self.assertEqual(errors["items[3]"], "ripete tenant, year e source di items[0]")
        self.assertIn("items[4].amount_eur", errors)
        self.assertIn("items[5].amount_eur", errors)
        self.assertIn("items[6].note", errors)
        self.assertEqual(errors["items[7]"], "deve essere un oggetto {tenant, year, source, amount_eur}")
        self.assertEqual(len(errors), 7, errors)
        self.assertEqual(req("PUT", PATH, "admin", body={"righe": []}).status, 422)
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)

    def test_8_limits(self):
        # One row past FUND_MAX_ROWS: refused, named by the line of that row.
        body = "tenant,year,source,amount_eur\n" + "ats-alfa,2020,fnps,1\n" * (MAX_ROWS + 1)
        r = put_csv(body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"],
                         [{"field": "line %d" % (MAX_ROWS + 2),
                           "message": "riga %d: il file ha più di %d righe di dati" % (MAX_ROWS + 2, MAX_ROWS)}])
        r = put_csv(b"tenant,year,source,amount_eur\n" + b"x" * MAX_BODY)
        self.assertEqual(r.status, 413, r)
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), CSV_ROWS)

    def test_9_an_empty_riparto_and_a_large_one(self):
        ok(put_csv("tenant,year,source,amount_eur\r\n"))
        self.assertEqual(rows_of(ok(req("GET", PATH, "admin"))), [])
        # Every tenant x year x source of the cycle: 3 x 3 x 8 = 72 rows, in cents 1..72.
        sources = sorted(["comuni", "regione", "fse", "sanita", "fnps", "fna", "fondo_poverta", "altro"])
        expect = []
        k = 0
        for t in TENANTS:
            for y in (2020, 2021, 2022):
                for s in sources:
                    k += 1
                    expect.append((t, y, s, "0.%02d" % k if k < 100 else None))
        text = "tenant,year,source,amount_eur\n" + "".join("%s,%d,%s,%s\n" % row for row in reversed(expect))
        t0 = time.monotonic()
        r = ok(put_csv(text))
        print("# 72-row CSV upload answered in %.1f ms" % ((time.monotonic() - t0) * 1000))
        self.assertEqual(rows_of(r), expect)
        self.assertEqual(DB.sql("SELECT COUNT(*), SUM(amount_eur) FROM allocations"), [["72", "26.28"]])


def plan_path(rest=""):
    return "/api/v1/tenants/ats-alfa/plans/%s%s" % (CYCLE, rest)


def put_with_etag(path, body, who="coord-alfa"):
    g = ok(req("GET", path, who))
    return ok(SRV.request("PUT", path, body=body, headers={"If-Match": g.headers["ETag"]}, token=TOKENS[who]))


def spend(service, year, amount, source):
    return {"amount_eur": amount, "funding_source": source, "service": service, "year": year}


def warnings_of(who="coord-alfa"):
    r = ok(req("GET", plan_path(), who))
    return [(w["code"], w["source"], int(w["year"]), str(w["missing_eur"]))
            for w in json.loads(r.body.decode("utf-8"), parse_float=D)["warnings"]]


def put_plan(tenant, income, sections):
    who = "coord-" + tenant[4:]
    base = "/api/v1/tenants/%s/plans/%s" % (tenant, CYCLE)
    ok(req("POST", "/api/v1/tenants/%s/plans" % tenant, who, body={"cycle": CYCLE}), 201)
    put_with_etag(base + "/finance", {"income": income}, who)
    for key, lines in sections.items():
        put_with_etag(base + "/sections/" + key, {"spending": lines}, who)


def cell(allocated, allocated_pi, income, income_pi, spending, spending_pi):
    return {"allocated_eur": allocated, "allocated_per_inhabitant_eur": allocated_pi,
            "income_eur": income, "income_per_inhabitant_eur": income_pi,
            "spending_eur": spending, "spending_per_inhabitant_eur": spending_pi}


SOURCES = ["comuni", "regione", "fse", "sanita", "fnps", "fna", "fondo_poverta", "altro"]
ZERO_BETA = cell("0.00", "0.00", "0.00", "0.00", "0.00", "0.00")
ZERO_GAMMA = cell("0.00", None, "0.00", None, "0.00", None)


class Comparison(unittest.TestCase):
    """GET /cycles/{cycle}/compare/allocations over the drafts of ats-beta
    (30 000 inhabitants) and ats-gamma (none); ats-alfa has no plan yet (the
    Warnings tests make it), so its allocation shows nowhere.

    ats-beta: allocated fnps 30000 (2020) + 15000 (2021) = 45000.00, per
    inhabitant 1.50; fna 1000.01 -> 0.0333 -> 0.03. Income fnps 20000 +
    10000.50 = 30000.50 -> 1.0000166 -> 1.00; regione 3000 -> 0.10; altro
    150 -> 0.005, half up -> 0.01. Spending fnps 9999.99 + 0.03 = 10000.02 ->
    0.33334 -> 0.33; fna 1200 -> 0.04. ats-gamma: allocated regione 500,
    per inhabitant null. Totals over 30 000 inhabitants: regione allocated
    500 -> 0.0166 -> 0.02, income 3000 -> 0.10."""

    @classmethod
    def setUpClass(cls):
        ok(req("PUT", PATH, "admin", body={"items": [
            {"tenant": "ats-beta", "year": 2020, "source": "fnps", "amount_eur": 30000},
            {"tenant": "ats-beta", "year": 2021, "source": "fnps", "amount_eur": 15000},
            {"tenant": "ats-beta", "year": 2022, "source": "fna", "amount_eur": 1000.01},
            {"tenant": "ats-gamma", "year": 2020, "source": "regione", "amount_eur": 500},
            {"tenant": "ats-alfa", "year": 2020, "source": "fnps", "amount_eur": 999}]}))
        put_plan("ats-beta",
                 [{"source": "fnps", "year": 2020, "amount_eur": 20000, "note": None},
                  {"source": "fnps", "year": 2021, "amount_eur": 10000.50, "note": None},
                  {"source": "regione", "year": 2021, "amount_eur": 3000, "note": None},
                  {"source": "altro", "year": 2022, "amount_eur": 150, "note": None}],
                 {"A.4.2": [spend("Assistenza domiciliare", 2022, 1200, "fna"),
                            spend("Bolli", 2021, 0.03, "fnps")],
                  "B.1": [spend("Reddito di inclusione", 2020, 9999.99, "fnps")]})
        put_plan("ats-gamma", [], {})

    def expected_rows(self):
        beta = {s: ZERO_BETA for s in SOURCES}
        beta["fnps"] = cell("45000.00", "1.50", "30000.50", "1.00", "10000.02", "0.33")
        beta["fna"] = cell("1000.01", "0.03", "0.00", "0.00", "1200.00", "0.04")
        beta["regione"] = cell("0.00", "0.00", "3000.00", "0.10", "0.00", "0.00")
        beta["altro"] = cell("0.00", "0.00", "150.00", "0.01", "0.00", "0.00")
        gamma = {s: ZERO_GAMMA for s in SOURCES}
        gamma["regione"] = cell("500.00", None, "0.00", None, "0.00", None)
        return ({"tenant": "ats-beta", "name": "ATS beta", "population": 30000, "cells": beta},
                {"tenant": "ats-gamma", "name": "ATS gamma", "population": 0, "cells": gamma})

    def get(self, who, query="?source=draft"):
        r = ok(req("GET", "/api/v1/cycles/%s/compare/allocations%s" % (CYCLE, query), who))
        return r, json.loads(r.body.decode("utf-8"), parse_float=str, parse_int=int)

    def test_json_hand_computed(self):
        beta, gamma = self.expected_rows()
        _, doc = self.get("reviewer")
        self.assertEqual(doc["columns"], SOURCES)
        self.assertEqual((doc["cycle"], doc["by"], doc["source"]), (CYCLE, "source", "draft"))
        self.assertEqual(doc["rows"], [beta, gamma])
        self.assertEqual(doc["population"], 30000)
        totals = {s: ZERO_BETA for s in SOURCES}
        totals["fnps"] = beta["cells"]["fnps"]
        totals["fna"] = beta["cells"]["fna"]
        totals["altro"] = beta["cells"]["altro"]
        totals["regione"] = cell("500.00", "0.02", "3000.00", "0.10", "0.00", "0.00")
        self.assertEqual(doc["totals"], totals)

    def test_who_sees_what(self):
        beta, _ = self.expected_rows()
        _, doc = self.get("uni")
        self.assertEqual(doc["rows"], [beta])
        self.assertEqual(doc["totals"]["regione"], cell("0.00", "0.00", "3000.00", "0.10", "0.00", "0.00"))
        for who in ("coord-alfa", "coord-beta", "viewer-gamma"):
            r = req("GET", "/api/v1/cycles/%s/compare/allocations" % CYCLE, who)
            self.assertEqual(r.status, 403, (who, r))
        # Nothing submitted yet: the default source lists no tenant.
        _, doc = self.get("admin", "")
        self.assertEqual((doc["source"], doc["rows"]), ("submitted", []))

    def test_csv(self):
        r = ok(req("GET", "/api/v1/cycles/%s/compare/allocations?source=draft&format=csv" % CYCLE, "admin"))
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
        self.assertEqual([row["tenant"] for row in rows], ["ats-beta", "ats-gamma"])
        header = list(rows[0].keys())
        self.assertEqual(header[:5], ["tenant", "name", "population", "comuni allocated_eur",
                                      "comuni allocated_per_inhabitant_eur"])
        self.assertEqual(len(header), 3 + 8 * 6)
        beta, gamma = rows
        self.assertEqual([beta["fnps " + k] for k in ("allocated_eur", "allocated_per_inhabitant_eur", "income_eur",
                                                     "income_per_inhabitant_eur", "spending_eur",
                                                     "spending_per_inhabitant_eur")],
                         ["45000.00", "1.50", "30000.50", "1.00", "10000.02", "0.33"])
        self.assertEqual(beta["altro income_per_inhabitant_eur"], "0.01")
        self.assertEqual((gamma["population"], gamma["regione allocated_eur"],
                          gamma["regione allocated_per_inhabitant_eur"]), ("0", "500.00", ""))


class Warnings(unittest.TestCase):
    """ats-alfa's plan against a hand-made riparto. Allocations: fnps 2020
    10000.00, fnps 2021 5000.00, regione 2021 2500.50, fna 2022 100.00 (and
    99999 to ats-beta, which must not count). Income: fnps 2020 4000.25 +
    3000.50 = 7000.75 (2999.25 short), fnps 2021 5000 (exactly allocated),
    regione 2021 2600 (above), comuni 2020 500 (nothing allocated), fna 2022
    none (100.00 short). Spending: comuni 2020 499.50 + 0.75 = 500.25 (0.25
    above its income of 500), fnps 2021 1500.50 (below 5000), regione 2021
    4690 (2090.00 above 2600)."""

    @classmethod
    def setUpClass(cls):
        ok(req("PUT", PATH, "admin", body={"items": [
            {"tenant": "ats-alfa", "year": 2022, "source": "fna", "amount_eur": 100},
            {"tenant": "ats-alfa", "year": 2020, "source": "fnps", "amount_eur": 10000},
            {"tenant": "ats-alfa", "year": 2021, "source": "regione", "amount_eur": 2500.50},
            {"tenant": "ats-alfa", "year": 2021, "source": "fnps", "amount_eur": 5000},
            {"tenant": "ats-beta", "year": 2020, "source": "fnps", "amount_eur": 99999}]}))
        ok(req("POST", "/api/v1/tenants/ats-alfa/plans", "coord-alfa", body={"cycle": CYCLE}), 201)

    def test_1_no_figures_every_allocation_short(self):
        self.assertEqual(warnings_of(), [("income_below_allocation", "fnps", 2020, "10000.00"),
                                         ("income_below_allocation", "fnps", 2021, "5000.00"),
                                         ("income_below_allocation", "regione", 2021, "2500.50"),
                                         ("income_below_allocation", "fna", 2022, "100.00")])

    def test_2_hand_computed(self):
        put_with_etag(plan_path("/finance"), {"income": [
            {"source": "fnps", "year": 2020, "amount_eur": 4000.25, "note": None},
            {"source": "regione", "year": 2021, "amount_eur": 2600, "note": None},
            {"source": "fnps", "year": 2021, "amount_eur": 5000, "note": None},
            {"source": "comuni", "year": 2020, "amount_eur": 500, "note": None},
            {"source": "fnps", "year": 2020, "amount_eur": 3000.50, "note": "seconda tranche"}]})
        put_with_etag(plan_path("/sections/A.4.2"), {"spending": [
            spend("Regolamento ISEE unico", 2021, 1500.50, "fnps"),
            spend("Sportello, accesso", 2020, 499.50, "comuni")]})
        put_with_etag(plan_path("/sections/B.1"), {"spending": [
            spend("Contrasto alla povertà", 2021, 4690, "regione"),
            spend("Sportello bis", 2020, 0.75, "comuni")]})
        expect = [("income_below_allocation", "fnps", 2020, "2999.25"),
                  ("income_below_allocation", "fna", 2022, "100.00"),
                  ("spending_above_income", "comuni", 2020, "0.25"),
                  ("spending_above_income", "regione", 2021, "2090.00")]
        self.assertEqual(warnings_of(), expect)
        self.assertEqual(warnings_of("admin"), expect)

    def test_3_exactly_at_the_allocation_no_warning(self):
        income = [{"source": "fnps", "year": 2020, "amount_eur": 4000.25, "note": None},
                  {"source": "fnps", "year": 2020, "amount_eur": 3000.50, "note": None},
                  {"source": "fnps", "year": 2021, "amount_eur": 5000, "note": None},
                  {"source": "regione", "year": 2021, "amount_eur": 4690, "note": None},
                  {"source": "comuni", "year": 2020, "amount_eur": 500.25, "note": None},
                  {"source": "fna", "year": 2022, "amount_eur": 100, "note": None}]
        put_with_etag(plan_path("/finance"), {"income": income + [
            {"source": "fnps", "year": 2020, "amount_eur": 2999.24, "note": None}]})
        self.assertEqual(warnings_of(), [("income_below_allocation", "fnps", 2020, "0.01")])
        put_with_etag(plan_path("/finance"), {"income": income + [
            {"source": "fnps", "year": 2020, "amount_eur": 2999.25, "note": None}]})
        self.assertEqual(warnings_of(), [])
        # A riparto without alfa's rows: its warnings go with them.
        ok(put_csv("tenant,year,source,amount_eur\nats-beta,2020,fnps,1\n"))
        put_with_etag(plan_path("/finance"), {"income": income[:2]})
        self.assertEqual(warnings_of(), [("spending_above_income", "comuni", 2020, "500.25"),
                                         ("spending_above_income", "fnps", 2021, "1500.50"),
                                         ("spending_above_income", "regione", 2021, "4690.00")])


if __name__ == "__main__":
    harness.main()
