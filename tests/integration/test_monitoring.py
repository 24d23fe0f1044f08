"""Indicators with numbers and stable ids, and the yearly monitoring of an
approved plan (SPEC §5 and §7a), against a real ambitod and MariaDB with the
shipped Marche 2020-2022 cycle.

Every expected figure is worked out by hand in this file: baseline 10,
target 30, value 25 is 75 %; target = baseline is no progress at all (null);
a text baseline is no progress; planned spending is the sum of the approved
revision's lines for the year, written here as literals."""

import hashlib
import json
import os
import re
import unittest
from decimal import Decimal as D

import harness
from xlsx_read import read_xlsx, sheet_names

MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PASSWORD = "una password lunga abbastanza"
PLAN = "/api/v1/tenants/%s/plans/" + CYCLE
BIG = "123456789012345678901234567890.12"

DB = SRV = None
TOKENS = {}
TEMPLATE = None
SECTION = {}

USERS = {
    "admin": ("region_admin", []),
    "reviewer": ("region_reviewer", []),
    "uni-alfa": ("university", ["ats-alfa"]),
    "uni-beta": ("university", ["ats-beta"]),
    "coord-alfa": ("ats_coordinator", ["ats-alfa"]),
    "editor-alfa": ("ats_editor", ["ats-alfa"]),
    "viewer-alfa": ("ats_viewer", ["ats-alfa"]),
    "coord-beta": ("ats_coordinator", ["ats-beta"]),
}

# A.1.2 (azione OS1-A6): indicators only. B.1: indicators and spending.
A12_INDICATORS = [
    {"name": "Incontri del tavolo", "kind": "process", "unit": "incontri/anno", "baseline": 10, "target": 30,
     "source": "Verbali"},
    {"name": "Comuni aderenti", "kind": "result", "unit": "Comuni", "baseline": "5", "target": "5", "source": None},
    {"name": "Protocollo con il Distretto", "kind": "result", "unit": None, "baseline": "nessun protocollo",
     "target": "protocollo firmato", "source": None},
]
B1_INDICATORS = [
    {"name": "Spesa per nucleo", "kind": "result", "unit": "euro", "baseline": 12.50, "target": 1234567.89,
     "source": None},
]
B1_SPENDING = [
    {"service": "Pronto intervento sociale", "year": 2021, "amount_eur": 1000, "funding_source": "fnps"},
    {"service": "Servizio sociale professionale", "year": 2021, "amount_eur": 500.5, "funding_source": "fnps"},
    {"service": "Mensa", "year": 2021, "amount_eur": 200, "funding_source": "regione"},
    {"service": "Mensa", "year": 2022, "amount_eur": 999, "funding_source": "fnps"},
]


def setUpModule():
    global DB, SRV, TEMPLATE
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "import", MARCHE)
    with open(MARCHE, encoding="utf-8") as f:
        TEMPLATE = json.load(f)["template"]["sections"]
    SECTION.update({s["key"]: s for s in TEMPLATE})
    harness.ctl_ok(DB, "user", "add", "--email", "admin@example.it", "--role", "region_admin", "--name",
                   "Utente admin", "--password-stdin", input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    login("admin")
    for slug in ("ats-alfa", "ats-beta", "ats-gamma"):
        ok(req("POST", "/api/v1/tenants", "admin",
               body={"slug": slug, "code": slug[4:].upper(), "name": "ATS " + slug[4:], "capofila": "",
                     "ente_gestore": "", "province": "AN", "comuni": []}), 201)
    for key, (role, tenants) in USERS.items():
        if key == "admin":
            continue
        args = ["user", "add", "--email", key + "@example.it", "--role", role, "--name", "Utente " + key,
                "--password-stdin"]
        for t in tenants:
            args += ["--tenant", t]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
        login(key)
    for slug in ("ats-alfa", "ats-beta", "ats-gamma"):
        ok(req("POST", "/api/v1/tenants/%s/plans" % slug, "admin", body={"cycle": CYCLE}), 201)


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


def exact(r):
    """The answer with every JSON number as a Decimal, as written."""
    return json.loads(r.body.decode("utf-8"), parse_float=D, parse_int=D)


def put_section(tenant, key, body, who="coord-alfa"):
    path = PLAN % tenant + "/sections/" + key
    etag = ok(req("GET", path, who)).headers["ETag"]
    return req("PUT", path, who, body=body, headers={"If-Match": etag})


def parts_of(section):
    return {p["key"]: "Testo di %s per %s." % (p["key"], section["key"]) for p in section["parts"] if p["required"]}


def approve(tenant, who="coord-alfa"):
    ok(req("POST", PLAN % tenant + "/submit", who, body={}), 201)
    revision = ok(req("GET", PLAN % tenant, "admin")).json()["revision"]
    ok(req("POST", PLAN % tenant + "/submissions/%d/review" % revision, "reviewer",
           body={"decision": "approve", "note": "Va bene."}), 201)


class T1NumbersAndIds(unittest.TestCase):
    """Runs first (unittest sorts classes by name): it also fills the plan."""

    def test_1_numbers_round_trip_and_ids(self):
        r = ok(put_section("ats-alfa", "A.1.2", {"parts": parts_of(SECTION["A.1.2"]), "indicators": A12_INDICATORS}))
        self.assertEqual(SECTION["A.1.2"]["key"], "A.1.2")
        body = exact(r)
        inds = body["indicators"]
        # A number comes back as the same number, a text as the same text.
        self.assertEqual([(i["baseline"], i["target"]) for i in inds],
                         [(D(10), D(30)), ("5", "5"), ("nessun protocollo", "protocollo firmato")])
        ids = [i["id"] for i in inds]
        for i in ids:
            self.assertRegex(i, r"^ind-[0-9a-f]{16}$")
        self.assertEqual(len(set(ids)), 3)

        b1 = dict(B1_INDICATORS[0], baseline=D("12.50"), target=D("1234567.89"))
        raw = ('{"parts":%s,"indicators":[{"name":"Spesa per nucleo","kind":"result","unit":"euro",'
               '"baseline":12.50,"target":1234567.89},{"name":"Grande","kind":"result","baseline":%s,'
               '"target":0.001},{"name":"Testo","kind":"process","baseline":"12,5 circa","target":null}],'
               '"spending":%s}' % (json.dumps(parts_of(SECTION["B.1"])), BIG, json.dumps(B1_SPENDING)))
        self.assertEqual(SECTION["B.1"]["key"], "B.1")
        path = PLAN % "ats-alfa" + "/sections/B.1"
        etag = ok(req("GET", path, "coord-alfa")).headers["ETag"]
        r = ok(req("PUT", path, "coord-alfa", raw=raw.encode(), headers={"If-Match": etag,
                                                                         "Content-Type": "application/json"}))
        text = r.body.decode("utf-8")
        # Kept exactly as written: 12.50 keeps its zero, the big one all its digits.
        self.assertIn('"baseline":12.50', text)
        self.assertIn('"target":1234567.89', text)
        self.assertIn('"baseline":%s' % BIG, text)
        self.assertIn('"target":0.001', text)
        self.assertIn('"baseline":"12,5 circa"', text)
        got = exact(r)["indicators"]
        self.assertEqual(got[0]["baseline"], b1["baseline"])
        self.assertEqual(got[1]["baseline"], D(BIG))
        again = ok(req("GET", path, "coord-alfa")).body.decode("utf-8")
        self.assertIn('"baseline":%s' % BIG, again)

        # Ids are kept when sent back, a new indicator gets a new one.
        etag = r.headers["ETag"]
        sent = exact(r)["indicators"]
        sent.append({"name": "Nuovo", "kind": "process"})
        r = ok(req("PUT", path, "coord-alfa",
                   raw=json.dumps({"parts": parts_of(SECTION["B.1"]), "indicators": sent,
                                   "spending": B1_SPENDING}, default=str).replace('"12.50"', "12.50")
                   .replace('"1234567.89"', "1234567.89").replace('"%s"' % BIG, BIG).replace('"0.001"', "0.001")
                   .encode(), headers={"If-Match": etag, "Content-Type": "application/json"}))
        after = exact(r)["indicators"]
        self.assertEqual([i["id"] for i in after[:3]], [i["id"] for i in sent[:3]])
        self.assertRegex(after[3]["id"], r"^ind-[0-9a-f]{16}$")
        self.assertNotIn(after[3]["id"], [i["id"] for i in sent[:3]])

        # Bad ids and numbers: 422 with the field.
        r = put_section("ats-alfa", "A.1.2", {"indicators": [
            {"name": "a", "kind": "process", "id": "x y"},
            {"name": "b", "kind": "process", "id": "dup"}, {"name": "c", "kind": "process", "id": "dup"}]})
        self.assertEqual(r.status, 422, r)
        fields = sorted(e["field"] for e in r.json()["errors"])
        self.assertEqual(fields, ["indicators[0].id", "indicators[2].id"])
        path = PLAN % "ats-alfa" + "/sections/A.1.2"
        etag = ok(req("GET", path, "coord-alfa")).headers["ETag"]
        r = req("PUT", path, "coord-alfa", raw=b'{"indicators":[{"name":"a","kind":"process","baseline":1e3}]}',
                headers={"If-Match": etag, "Content-Type": "application/json"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["indicators[0].baseline"])

    def test_2_fill_submit_approve_and_snapshot_carries_ids(self):
        for s in TEMPLATE:
            if s["key"] in ("A.1.2", "B.1"):
                continue
            ok(put_section("ats-alfa", s["key"], {"parts": parts_of(s)}))
        ids = [i["id"] for i in ok(req("GET", PLAN % "ats-alfa" + "/sections/A.1.2", "coord-alfa")).json()
               ["indicators"]]
        approve("ats-alfa")
        snap = exact(ok(req("GET", PLAN % "ats-alfa" + "/submissions/1", "reviewer")))
        a12 = [s for s in snap["sections"] if s["key"] == "A.1.2"][0]
        self.assertEqual([i["id"] for i in a12["indicators"]], ids)
        self.assertEqual(a12["indicators"][0]["baseline"], D(10))
        b1 = [s for s in snap["sections"] if s["key"] == "B.1"][0]
        self.assertEqual(b1["indicators"][0]["baseline"], D("12.50"))
        self.assertIn(b'"baseline":12.50', ok(req("GET", PLAN % "ats-alfa" + "/submissions/1", "reviewer")).body)


MON = PLAN % "ats-alfa" + "/monitoring/"


class T2Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        a12 = ok(req("GET", PLAN % "ats-alfa" + "/sections/A.1.2", "coord-alfa")).json()["indicators"]
        b1 = ok(req("GET", PLAN % "ats-alfa" + "/sections/B.1", "coord-alfa")).json()["indicators"]
        cls.ids = [i["id"] for i in a12] + [i["id"] for i in b1]

    def put(self, year, body, who="coord-alfa"):
        etag = ok(req("GET", MON + str(year), who)).headers["ETag"]
        return req("PUT", MON + str(year), who, raw=body.encode() if isinstance(body, str) else None,
                   body=None if isinstance(body, str) else body,
                   headers={"If-Match": etag, "Content-Type": "application/json"})

    def test_a_refused_outside_approved_plans_and_years(self):
        r = req("GET", PLAN % "ats-gamma" + "/monitoring/2021", "admin")
        self.assertEqual(r.status, 409, r)
        self.assertIn("bozza", r.json()["detail"])
        self.assertEqual(req("GET", MON + "2019", "coord-alfa").status, 409)
        self.assertEqual(req("GET", MON + "2023", "coord-alfa").status, 409)
        self.assertEqual(req("GET", MON + "anno", "coord-alfa").status, 404)
        self.assertEqual(req("GET", PLAN % "ats-beta" + "/monitoring/2021", "coord-beta").status, 409)

    def test_b_empty_year_lists_the_plan(self):
        r = ok(req("GET", MON + "2022", "viewer-alfa"))
        body = exact(r)
        self.assertEqual(body["version"], 0)
        self.assertEqual(body["plan_revision"], 1)
        self.assertEqual([i["id"] for i in body["indicators"]], self.ids)
        self.assertEqual([i["section"] for i in body["indicators"]], ["A.1.2"] * 3 + ["B.1"] * 4)
        self.assertTrue(all(i["value"] is None and i["progress"] is None for i in body["indicators"]))
        # 2022: one planned line, B.1 fnps 999.
        self.assertEqual(body["spending"], [{"amount_eur": None, "planned_eur": D("999.00"), "section": "B.1",
                                             "source": "fnps"}])

    def test_c_values_progress_and_spending(self):
        i = self.ids
        body = ('{"indicators":[{"id":"%s","value":25,"note":"Quindici incontri in più"},'
                '{"id":"%s","value":7},{"id":"%s","value":"firmato a marzo"},'
                '{"id":"%s","value":308651.3475},{"id":"%s","value":5},{"id":"%s","value":"12,5"}],'
                '"spending":[{"section":"B.1","source":"fnps","amount_eur":1400.25},'
                '{"section":"B.1","source":"regione","amount_eur":250},'
                '{"section":"A.4.2","source":"comuni","amount_eur":10.5}]}'
                % (i[0], i[1], i[2], i[3], i[4], i[5]))
        self.assertEqual(req("PUT", MON + "2021", "coord-alfa", raw=body.encode(),
                             headers={"Content-Type": "application/json"}).status, 428)
        r = ok(self.put(2021, body))
        got = exact(r)
        self.assertEqual(got["version"], 1)
        progress = [(x["value"], x["progress"]) for x in got["indicators"]]
        self.assertEqual(progress, [
            (D(25), D("75.00")),            # (25 - 10) / (30 - 10)
            (D(7), None),                   # target = baseline "5": never divided by zero
            ("firmato a marzo", None),      # qualitative
            (D("308651.3475"), D("25.00")),  # (308651.3475 - 12.50) / (1234567.89 - 12.50)
            (D(5), D("100.00")),            # (5 - BIG) / (0.001 - BIG): the big one leaves 1
            ("12,5", None),                 # a text, not a number
            (None, None)])
        self.assertEqual(got["indicators"][0]["note"], "Quindici incontri in più")
        self.assertEqual(got["indicators"][1]["baseline"], D(5))  # the text "5" reads as a number
        self.assertEqual(got["spending"], [
            {"amount_eur": D("1400.25"), "planned_eur": D("1500.50"), "section": "B.1", "source": "fnps"},
            {"amount_eur": D("250.00"), "planned_eur": D("200.00"), "section": "B.1", "source": "regione"},
            {"amount_eur": D("10.50"), "planned_eur": D("0.00"), "section": "A.4.2", "source": "comuni"}])
        self.assertEqual(exact(ok(req("GET", MON + "2021", "uni-alfa"))), got)
        n = int(DB.sql("SELECT COUNT(*) FROM audit_log WHERE object = 'plan:ats-alfa/%s/monitoring/2021'"
                       " AND method = 'PUT' AND outcome = 'ok'" % CYCLE)[0][0])
        self.assertEqual(n, 1)

    def test_d_bad_entries(self):
        r = self.put(2021, '{"indicators":[{"id":"ind-0000000000000000","value":1},{"id":"%s","value":1e3}],'
                           '"spending":[{"section":"A.1.2","source":"fnps","amount_eur":1},'
                           '{"section":"B.1","source":"nessuna","amount_eur":1},'
                           '{"section":"B.1","source":"fnps","amount_eur":1.234},'
                           '{"section":"B.1","source":"fna","amount_eur":-1}]}' % self.ids[0])
        self.assertEqual(r.status, 422, r)
        self.assertEqual(sorted(e["field"] for e in r.json()["errors"]),
                         ["indicators[0].id", "indicators[1].value", "spending[0].section", "spending[1].source",
                          "spending[2].amount_eur", "spending[3].amount_eur"])
        self.assertEqual(self.put(2021, {}, who="viewer-alfa").status, 403)
        self.assertEqual(self.put(2021, {}, who="reviewer").status, 403)

    def test_e_submit_review(self):
        self.assertEqual(req("POST", MON + "2021/submit", "editor-alfa", body={}).status, 403)
        r = ok(req("POST", MON + "2021/submit", "coord-alfa", body={"note": "Prima relazione"}), 201)
        rep = r.json()
        self.assertEqual((rep["year"], rep["number"], rep["plan_revision"], rep["decision"]), (2021, 1, 1, None))
        doc = ok(req("GET", MON + "2021/reports/1", "reviewer"))
        self.assertEqual(hashlib.sha256(doc.body).hexdigest(), rep["sha256"])
        self.assertEqual(doc.headers["ETag"].strip('"'), rep["sha256"])
        report = exact(doc)
        self.assertEqual(report["format"], "ambito-monitoring-report/1")
        self.assertEqual(report["note"], "Prima relazione")
        self.assertEqual([x["progress"] for x in report["indicators"]][:4], [D("75.00"), None, None, D("25.00")])
        self.assertEqual(report["spending"][0]["planned_eur"], D("1500.50"))
        # Canonical: sorted keys at the top, no whitespace between members.
        self.assertEqual(list(json.loads(doc.body)), sorted(json.loads(doc.body)))
        self.assertTrue(doc.body.startswith(b'{"cycle":"2020-2022","format":"ambito-monitoring-report/1",'))
        self.assertEqual(req("POST", MON + "2021/reports/1/review", "coord-alfa",
                             body={"decision": "accept"}).status, 403)
        ok(req("POST", MON + "2021/submit", "coord-alfa", body={}), 201)
        r = req("POST", MON + "2021/reports/1/review", "reviewer", body={"decision": "accept"})
        self.assertEqual(r.status, 409, r)
        r = ok(req("POST", MON + "2021/reports/2/review", "reviewer",
                   body={"decision": "request_changes", "note": "Manca la spesa FNA."}), 201)
        self.assertEqual((r.json()["decision"], r.json()["review_note"]), ("request_changes", "Manca la spesa FNA."))
        self.assertEqual(req("POST", MON + "2021/reports/2/review", "admin", body={"decision": "accept"}).status,
                         409)
        self.assertEqual(req("POST", MON + "2021/reports/2/review", "reviewer", body={"decision": "bof"}).status,
                         422)
        lst = ok(req("GET", MON + "2021/reports", "viewer-alfa")).json()["items"]
        self.assertEqual([(x["number"], x["decision"]) for x in lst], [(2, "request_changes"), (1, None)])
        self.assertEqual(req("GET", MON + "2021/reports/3", "viewer-alfa").status, 404)
        # The database refuses to change a report.
        with self.assertRaises(Exception):
            DB.sql("UPDATE plan_monitoring_reports SET sha256 = 'x'")

    def test_f_scoping(self):
        for who in ("coord-beta", "uni-beta"):
            with self.subTest(who=who):
                self.assertEqual(req("GET", MON + "2021", who).status, 404)
                self.assertEqual(req("GET", MON + "2021/reports/1", who).status, 404)


COMPARE = "/api/v1/cycles/%s/compare/monitoring" % CYCLE
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class T3Compare(unittest.TestCase):
    """After T2: ats-alfa's latest report of 2021 is number 2; ats-beta gets
    one here."""

    @classmethod
    def setUpClass(cls):
        for s in TEMPLATE:
            body = {"parts": parts_of(s)}
            if s["key"] == "A.1.2":
                body["indicators"] = [{"name": "Incontri", "kind": "process", "baseline": 0, "target": 4}]
            ok(put_section("ats-beta", s["key"], body, who="coord-beta"))
        approve("ats-beta", who="coord-beta")
        mon = PLAN % "ats-beta" + "/monitoring/2021"
        r = ok(req("GET", mon, "coord-beta"))
        ind = r.json()["indicators"][0]["id"]
        ok(req("PUT", mon, "coord-beta", body={"indicators": [{"id": ind, "value": 1}],
                                              "spending": [{"section": "B.1", "source": "fnps", "amount_eur": 100}]},
               headers={"If-Match": r.headers["ETag"]}))
        ok(req("POST", mon + "/submit", "coord-beta", body={}), 201)

    def rows(self, who, query="?action=OS1-A6&year=2021"):
        d = exact(ok(req("GET", COMPARE + query, who)))
        return d, [(x["tenant"], x["report"], x["section"], x["baseline"], x["target"], x["value"], x["progress"])
                   for x in d["rows"]]

    def test_indicators_and_spending_by_hand(self):
        d, rows = self.rows("reviewer")
        self.assertEqual((d["cycle"], d["action"], d["year"]), (CYCLE, "OS1-A6", 2021))
        self.assertEqual(rows, [
            ("ats-alfa", 2, "A.1.2", D(10), D(30), D(25), D("75.00")),
            ("ats-alfa", 2, "A.1.2", D(5), D(5), D(7), None),
            ("ats-alfa", 2, "A.1.2", "nessun protocollo", "protocollo firmato", "firmato a marzo", None),
            ("ats-beta", 1, "A.1.2", D(0), D(4), D(1), D("25.00")),  # (1 - 0) / (4 - 0)
        ])
        self.assertEqual([x["indicator"] for x in d["rows"]],
                         ["Incontri del tavolo", "Comuni aderenti", "Protocollo con il Distretto", "Incontri"])
        self.assertEqual([(x["tenant"], x["source"], x["planned_eur"], x["amount_eur"], x["difference_eur"])
                          for x in d["spending"]], [
            ("ats-alfa", "comuni", D("0.00"), D("10.50"), D("10.50")),
            ("ats-alfa", "fnps", D("1500.50"), D("1400.25"), D("-100.25")),  # 1000 + 500.50 planned
            ("ats-alfa", "regione", D("200.00"), D("250.00"), D("50.00")),
            ("ats-beta", "fnps", D("0.00"), D("100.00"), D("100.00")),
        ])
        # Another action: B.1 is tagged with none; OS1-A4 (A.1.3) has no indicator.
        self.assertEqual(self.rows("admin", "?action=OS1-A4&year=2021")[1], [])
        # No report for 2022 yet.
        d, rows = self.rows("admin", "?action=OS1-A6&year=2022")
        self.assertEqual((rows, d["spending"]), ([], []))

    def test_csv(self):
        r = ok(req("GET", COMPARE + "?action=OS1-A6&year=2021&format=csv", "reviewer"))
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
        lines = r.body.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "tenant,name,report,section,id,indicator,kind,unit,baseline,target,value,"
                                   "progress,note")
        self.assertEqual(len(lines), 5)
        self.assertTrue(lines[1].startswith("ats-alfa,ATS alfa,2,A.1.2,ind-"), lines[1])
        self.assertTrue(lines[1].endswith(",Incontri del tavolo,process,incontri/anno,10,30,25,75.00,"
                                          "Quindici incontri in più"), lines[1])
        r = ok(req("GET", COMPARE + "?action=OS1-A6&year=2021&format=csv&table=spending", "reviewer"))
        lines = r.body.decode("utf-8-sig").splitlines()
        self.assertEqual(lines, ["tenant,name,report,source,planned_eur,amount_eur,difference_eur",
                                 "ats-alfa,ATS alfa,2,comuni,0.00,10.50,10.50",
                                 "ats-alfa,ATS alfa,2,fnps,1500.50,1400.25,-100.25",
                                 "ats-alfa,ATS alfa,2,regione,200.00,250.00,50.00",
                                 "ats-beta,ATS beta,1,fnps,0.00,100.00,100.00"])

    def test_xlsx_two_sheets_numbers_as_numbers(self):
        self.maxDiff = None
        for how in ("&format=xlsx", ""):
            headers = {} if how else {"Accept": XLSX_TYPE}
            r = ok(req("GET", COMPARE + "?action=OS1-A6&year=2021" + how, "reviewer", headers=headers))
            self.assertEqual(r.headers["Content-Type"], XLSX_TYPE)
            self.assertEqual(r.headers["Content-Disposition"],
                             'attachment; filename="ambito-%s-monitoraggio-OS1-A6-2021.xlsx"' % CYCLE)
        self.assertEqual(sheet_names(r.body), ["Indicatori", "Spesa"])
        rows, frozen = read_xlsx(r.body, 1)
        self.assertTrue(frozen)
        self.assertEqual([c[1] for c in rows[0]], [
            "ATS", "Nome dell’ATS", "Relazione", "Sezione", "Id", "Indicatore", "Tipo", "Unità", "Partenza",
            "Obiettivo", "Valore", "Avanzamento", "Nota"])

        def cell(c):
            return c[1] if c[0] != "number" else (c[1], c[2])

        rows = [row + [("blank", None, "")] * (13 - len(row)) for row in rows]  # trailing blanks are not written
        got = [[cell(c) for c in row[:4] + row[5:12]] for row in rows[1:]]
        n = ""  # a plain number cell has no number format
        pct = "0.00%"
        self.assertEqual(got, [
            ["ats-alfa", "ATS alfa", (D(2), n), "A.1.2", "Incontri del tavolo", "process", "incontri/anno",
             (D(10), n), (D(30), n), (D(25), n), (D("0.75"), pct)],  # (25 - 10) / (30 - 10)
            ["ats-alfa", "ATS alfa", (D(2), n), "A.1.2", "Comuni aderenti"] + got[1][5:7] +
            [(D(5), n), (D(5), n), (D(7), n), None],  # target = baseline: no progress, an empty cell
            ["ats-alfa", "ATS alfa", (D(2), n), "A.1.2", "Protocollo con il Distretto"] + got[2][5:7] +
            ["nessun protocollo", "protocollo firmato", "firmato a marzo", None],
            ["ats-beta", "ATS beta", (D(1), n), "A.1.2", "Incontri", "process", None,
             (D(0), n), (D(4), n), (D(1), n), (D("0.25"), pct)],  # (1 - 0) / (4 - 0)
        ])
        self.assertTrue(rows[1][4][1].startswith("ind-"), rows[1][4])
        self.assertEqual(rows[1][12][1], "Quindici incontri in più")

        rows, frozen = read_xlsx(r.body, 2)
        self.assertTrue(frozen)
        self.assertEqual([c[1] for c in rows[0]], ["ATS", "Nome dell’ATS", "Relazione", "Fonte", "Spesa prevista",
                                                   "Spesa effettiva", "Differenza"])
        self.assertTrue(all(c[0] == "number" and "€" in c[2] for row in rows[1:] for c in row[4:]), rows)
        self.assertEqual([[row[0][1], row[3][1]] + [c[1] for c in row[4:]] for row in rows[1:]], [
            ["ats-alfa", "comuni", D("0"), D("10.5"), D("10.5")],
            ["ats-alfa", "fnps", D("1500.5"), D("1400.25"), D("-100.25")],  # 1000 + 500.50 planned
            ["ats-alfa", "regione", D("200"), D("250"), D("50")],
            ["ats-beta", "fnps", D("0"), D("100"), D("100")],
        ])
        # A university user's spreadsheet holds its assigned ATS only.
        r = ok(req("GET", COMPARE + "?action=OS1-A6&year=2021&format=xlsx", "uni-beta"))
        self.assertEqual({row[0][1] for row in read_xlsx(r.body, 1)[0][1:]}, {"ats-beta"})
        self.assertEqual({row[0][1] for row in read_xlsx(r.body, 2)[0][1:]}, {"ats-beta"})
        # An unknown format names the parameter and the forms.
        r = req("GET", COMPARE + "?action=OS1-A6&year=2021&format=ods", "reviewer")
        self.assertEqual(r.status, 400)
        self.assertIn("xlsx", r.json()["errors"][0]["message"])

    def test_scoping_and_refusals(self):
        self.assertEqual({x[0] for x in self.rows("uni-alfa")[1]}, {"ats-alfa"})
        d, rows = self.rows("uni-beta")
        self.assertEqual(({x[0] for x in rows}, {x["tenant"] for x in d["spending"]}), ({"ats-beta"}, {"ats-beta"}))
        self.assertEqual(req("GET", COMPARE + "?action=OS1-A6&year=2021", "coord-alfa").status, 403)
        self.assertEqual(req("GET", COMPARE + "?action=OS9-A9&year=2021", "admin").status, 404)
        self.assertEqual(req("GET", COMPARE + "?action=OS1-A6&year=2019", "admin").status, 400)
        self.assertEqual(req("GET", COMPARE + "?year=2021", "admin").status, 400)
        self.assertEqual(req("GET", "/api/v1/cycles/nessuno/compare/monitoring?action=OS1-A6&year=2021",
                             "admin").status, 404)


PUBLIC = "/api/v1/public/tenants/ats-alfa/plans/" + CYCLE
REASON = "Aggiornamento annuale 2022: nuovi dati del tavolo"


class T4Reopen(unittest.TestCase):
    """After T3: a published plan updated, reviewed and republished."""

    def test_update_cycle(self):
        ok(req("POST", PLAN % "ats-alfa" + "/publish", "admin"))
        self.assertEqual(exact(ok(req("GET", PUBLIC, None)))["revision"], 1)
        self.assertEqual(req("POST", PLAN % "ats-alfa" + "/reopen", "editor-alfa", body={"reason": "x"}).status,
                         403)
        r = req("POST", PLAN % "ats-alfa" + "/reopen", "coord-alfa", body={"reason": "  "})
        self.assertEqual((r.status, [e["field"] for e in r.json()["errors"]]), (422, ["reason"]))
        r = ok(req("POST", PLAN % "ats-alfa" + "/reopen", "coord-alfa", body={"reason": REASON}))
        self.assertEqual((r.json()["status"], r.json()["revision"], r.json()["published_revision"]),
                         ("draft", 1, 1))
        r = req("POST", PLAN % "ats-alfa" + "/reopen", "coord-alfa", body={"reason": REASON})
        self.assertEqual(r.status, 409, r)
        # Monitoring waits for the update's approval; reports stay readable.
        self.assertEqual(req("GET", MON + "2021", "coord-alfa").status, 409)
        ok(req("GET", MON + "2021/reports/1", "coord-alfa"))
        # Edited and sent again; the published revision stays public meanwhile.
        a12 = ok(req("GET", PLAN % "ats-alfa" + "/sections/A.1.2", "coord-alfa")).json()
        parts = dict(a12["parts"], analisi="Analisi aggiornata con i dati del 2021.")
        ok(put_section("ats-alfa", "A.1.2", {"parts": parts, "indicators": a12["indicators"]}))
        ok(req("POST", PLAN % "ats-alfa" + "/submit", "coord-alfa", body={}), 201)
        self.assertEqual(exact(ok(req("GET", PUBLIC, None)))["revision"], 1)
        ok(req("POST", PLAN % "ats-alfa" + "/submissions/2/review", "reviewer", body={"decision": "approve"}), 201)
        self.assertEqual(exact(ok(req("GET", PUBLIC, None)))["revision"], 1)
        ok(req("POST", PLAN % "ats-alfa" + "/publish", "admin"))
        snap = exact(ok(req("GET", PUBLIC, None)))
        self.assertEqual(snap["revision"], 2)
        a12 = [x for x in snap["sections"] if x["key"] == "A.1.2"][0]
        self.assertEqual(a12["parts"]["analisi"], "Analisi aggiornata con i dati del 2021.")
        # The history: dates and reasons.
        hist = ok(req("GET", PUBLIC + "/history", None)).json()["items"]
        self.assertEqual([(h["revision"], h["reason"]) for h in hist], [(1, None), (2, REASON)])
        self.assertTrue(all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", h["published_at"]) for h in hist))
        self.assertIsNone(hist[0]["reopened_at"])
        self.assertIsNotNone(hist[1]["reopened_at"])
        page = ok(req("GET", "/public/ats-alfa/" + CYCLE, None)).body.decode("utf-8")
        self.assertIn("Storia del piano", page)
        self.assertIn("Prima pubblicazione", page)
        self.assertIn(REASON, page)
        self.assertIn("Analisi aggiornata con i dati del 2021.", page)
        # The diff between the two revisions stays available.
        d = ok(req("GET", PLAN % "ats-alfa" + "/submissions/1/diff/2", "reviewer")).json()
        self.assertIn("A.1.2", json.dumps(d))
        # Monitoring again, on the new revision.
        self.assertEqual(exact(ok(req("GET", MON + "2021", "coord-alfa")))["plan_revision"], 2)
        n = int(DB.sql("SELECT COUNT(*) FROM audit_log WHERE object = 'plan:ats-alfa/%s' AND route LIKE '%%reopen'"
                       " AND outcome = 'ok'" % CYCLE)[0][0])
        self.assertEqual(n, 1)


if __name__ == "__main__":
    harness.main()
