"""Cycles and their rules (SPEC §4) against a real ambitod: who may read and
write, ETags and If-Match, the status machine and the freeze of an open
cycle's rules, every validation rule of the catalogue and the template with
the exact field path it names, norms and glossary (Italian text byte-exact),
and `ambitoctl import` / `export` of deploy/data/marche-2020-2022.json: all or
nothing, the same checks as the API, and export(import(f)) == f.

One database and one server for the whole file (made in setUpModule); each
test makes its own cycles, under its own slugs. Expected values are written
here or read from the input file, never taken from the server's answers."""

import copy
import json
import os
import shutil
import tempfile
import unittest

import harness

CYCLES = "/api/v1/cycles"
PASSWORD = "una password lunga abbastanza"
MARCHE = os.path.join(harness.source_dir(), "deploy", "data",
                      "marche-2020-2022.json")
TABLES = ["cycles", "cycle_objectives", "cycle_actions", "cycle_areas",
          "cycle_funding_sources", "cycle_norms", "cycle_glossary_terms",
          "template_sections", "template_parts", "section_actions",
          "section_blocks"]

DB = SRV = None
TOKENS = {}


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    DB.sql("INSERT INTO tenants (slug, code, name) "
           "VALUES ('ats-20', 'ATS20', 'ATS 20 Fermo')")
    users = [("admin@regione.example", "region_admin", None),
             ("reviewer@regione.example", "region_reviewer", None),
             ("viewer@ats20.example", "ats_viewer", "ats-20")]
    for email, role, tenant in users:
        args = ["user", "add", "--email", email, "--role", role,
                "--password-stdin"]
        if tenant:
            args += ["--tenant", tenant]
        harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
    SRV = harness.Server(DB)
    for email, role, _ in users:
        r = SRV.request("POST", "/api/v1/auth/login",
                        {"email": email, "password": PASSWORD})
        assert r.status == 200, r
        TOKENS[role] = r.json()["access_token"]


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


# ---------------------------------------------------------------- fixtures

def part(key, title, required=True, max_chars=20000):
    return {"key": key, "title": title, "required": required,
            "max_chars": max_chars}


CATALOG = {
    "objectives": [
        {"code": "OS1", "title": "Rafforzamento del sistema degli ATS",
         "actions": [{"code": "OS1-A1", "title": "Relazioni tra ATS e Regione"},
                     {"code": "OS1-A6", "title": "Confini di ATS"}]},
        {"code": "OS2", "title": "Integrazione degli interventi",
         "actions": [{"code": "OS2-A2", "title": "Integrazione socio-sanitaria"}]},
    ],
    "areas": [{"code": "B1", "title": "Esclusione sociale, fragilità e povertà"},
              {"code": "B2", "title": "Violenza di genere"}],
    "funding_sources": [{"code": "fnps", "title": "Fondo nazionale politiche sociali"},
                        {"code": "fondo_poverta", "title": "Fondo povertà"}],
}

TEMPLATE = {"sections": [
    {"key": "I.1", "title": "Premessa", "group": "I", "actions": [],
     "area": None, "parts": [part("testo", "Testo", True, 3000)], "blocks": []},
    {"key": "A.1.2", "title": "Confini di ATS e coincidenza territoriale",
     "group": "A", "actions": ["OS1-A6"], "area": None,
     "parts": [part("analisi", "Analisi"), part("obiettivi", "Obiettivi", False, 10000)],
     "blocks": ["indicators"]},
    {"key": "A.2.1", "title": "Programmazione integrata socio-sanitaria",
     "group": "A", "actions": ["OS1-A1", "OS2-A2"], "area": None,
     "parts": [part("analisi", "Analisi")], "blocks": ["indicators", "spending"]},
    {"key": "B.1", "title": "Lotta all'esclusione sociale", "group": "B",
     "actions": [], "area": "B1", "parts": [part("analisi", "Analisi")],
     "blocks": ["indicators", "spending", "working_group"]},
]}


def load_marche():
    with open(MARCHE, encoding="utf-8") as f:
        return json.load(f)


def req(method, path, role="region_admin", body=None, etag=None, headers=None):
    hdrs = dict(headers or {})
    if etag is not None:
        hdrs["If-Match"] = etag
    return SRV.request(method, path, body=body, headers=hdrs,
                       token=TOKENS[role] if role else None)


def new_cycle(slug, **over):
    body = {"slug": slug, "title": "Ciclo " + slug, "reference": "DGR n. 1/2024",
            "start_year": 2024, "end_year": 2026,
            "submission_deadline": "2025-06-30T23:59:59Z"}
    body.update(over)
    r = req("POST", CYCLES, body=body)
    assert r.status == 201, r
    return r


def put(slug, resource, body, role="region_admin"):
    """GET the resource's ETag, then PUT body with it."""
    etag = req("GET", "%s/%s/%s" % (CYCLES, slug, resource)).headers["ETag"]
    return req("PUT", "%s/%s/%s" % (CYCLES, slug, resource), role=role,
               body=body, etag=etag)


def fields(r):
    assert r.status == 422, r
    return [e["field"] for e in r.json()["errors"]]


def counts():
    return DB.sql(" UNION ALL ".join("SELECT '%s', COUNT(*) FROM %s" % (t, t)
                                     for t in TABLES))


def import_file(path, *extra):
    return harness.ctl(DB, "import", path, *extra)


# ---------------------------------------------------------------- tests

class Cycles(unittest.TestCase):

    def test_create_read_and_roles(self):
        r = new_cycle("roles-2024")
        self.assertTrue(r.headers.get("ETag"))
        self.assertEqual(r.headers["Location"], CYCLES + "/roles-2024")
        self.assertEqual(r.json(), {
            "slug": "roles-2024", "title": "Ciclo roles-2024",
            "reference": "DGR n. 1/2024", "start_year": 2024, "end_year": 2026,
            "submission_deadline": "2025-06-30T23:59:59Z", "status": "draft",
            "template_version": 1})
        for role in ("region_reviewer", "ats_viewer"):
            g = req("GET", CYCLES + "/roles-2024", role=role)
            self.assertEqual(g.status, 200)
            self.assertEqual(g.json()["status"], "draft")
            self.assertEqual(g.headers["ETag"], r.headers["ETag"])
            etag = g.headers["ETag"]
            body = {"slug": "x-" + role.replace("_", "-"), "title": "T",
                    "start_year": 2024, "end_year": 2026}
            self.assertEqual(req("POST", CYCLES, role=role, body=body).status, 403)
            self.assertEqual(req("PATCH", CYCLES + "/roles-2024", role=role,
                                 body={"title": "X"}, etag=etag).status, 403)
            for res, body in (("catalog", CATALOG), ("template", TEMPLATE),
                              ("glossary", {"terms": []})):
                self.assertEqual(put("roles-2024", res, body, role=role).status, 403)
            self.assertEqual(req("POST", CYCLES + "/roles-2024/norms", role=role,
                                 body={"level": "national", "title": "L",
                                       "citation": "L. 1/2000"}).status, 403)
        self.assertEqual(req("GET", CYCLES, role=None).status, 401)
        self.assertEqual(req("GET", CYCLES + "/no-such-cycle").status, 404)
        # Duplicate slug.
        dup = req("POST", CYCLES, body={"slug": "roles-2024", "title": "Altro",
                                        "start_year": 2024, "end_year": 2026})
        self.assertEqual(dup.status, 409, dup)
        # A new cycle is a draft; bad fields are named.
        bad = req("POST", CYCLES, body={"slug": "Bad Slug", "title": "",
                                        "start_year": 2026, "end_year": 2024,
                                        "status": "open", "colour": "red"})
        self.assertEqual(set(fields(bad)),
                         {"slug", "title", "status", "colour"})
        span = req("POST", CYCLES, body={"slug": "span", "title": "T",
                                         "start_year": 2026, "end_year": 2024})
        self.assertEqual(fields(span), ["end_year"])

    def test_list_paginates_and_answers_csv(self):
        slugs = ["list-%d" % i for i in range(3)]
        for s in slugs:
            new_cycle(s, title="Ciclo, \"quoted\" " + s)
        seen, cursor = [], None
        while True:
            path = CYCLES + "?limit=2" + ("&cursor=" + cursor if cursor else "")
            page = req("GET", path, role="ats_viewer").json()
            self.assertLessEqual(len(page["items"]), 2)
            seen += [c["slug"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        for s in slugs:
            self.assertEqual(seen.count(s), 1)
        self.assertEqual(req("GET", CYCLES + "?cursor=abc").status, 400)
        self.assertEqual(req("GET", CYCLES + "?limit=0").status, 400)
        csv = req("GET", CYCLES + "?format=csv&limit=500")
        self.assertEqual(csv.status, 200)
        self.assertTrue(csv.headers["Content-Type"].startswith("text/csv"))
        lines = csv.text.split("\r\n")
        self.assertEqual(lines[0], "slug,title,reference,start_year,end_year,"
                                   "submission_deadline,status")
        self.assertIn('list-1,"Ciclo, ""quoted"" list-1",DGR n. 1/2024,2024,2026,'
                      '2025-06-30T23:59:59Z,draft', lines)

    def test_if_match_and_status_machine(self):
        slug = "status-2024"
        etag = new_cycle(slug).headers["ETag"]
        path = CYCLES + "/" + slug
        self.assertEqual(req("PATCH", path, body={"title": "Nuovo"}).status, 428)
        self.assertEqual(req("PATCH", path, body={"title": "Nuovo"},
                             etag='"cycle-0-0"').status, 412)
        r = req("PATCH", path, body={"title": "Nuovo titolo"}, etag=etag)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["title"], "Nuovo titolo")
        self.assertNotEqual(r.headers["ETag"], etag)
        self.assertEqual(req("PATCH", path, body={"title": "Vecchio"},
                             etag=etag).status, 412)
        etag = r.headers["ETag"]
        self.assertEqual(req("GET", path).headers["ETag"], etag)
        # The slug never changes; a PATCH of the whole object read is fine.
        self.assertEqual(fields(req("PATCH", path, body={"slug": "other"},
                                    etag=etag)), ["slug"])
        whole = req("PATCH", path, body=req("GET", path).json(), etag=etag)
        self.assertEqual(whole.status, 200, whole)
        etag = whole.headers["ETag"]
        # draft -> closed is not a move; opening needs a template.
        r = req("PATCH", path, body={"status": "closed"}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertIn("draft", r.json()["detail"])
        r = req("PATCH", path, body={"status": "open"}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertIn("schema", r.json()["detail"])
        self.assertEqual(put(slug, "catalog", CATALOG).status, 200)
        self.assertEqual(put(slug, "template", TEMPLATE).status, 200)
        etag = req("GET", path).headers["ETag"]
        r = req("PATCH", path, body={"status": "open"}, etag=etag)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "open")
        etag = r.headers["ETag"]
        r = req("PATCH", path, body={"status": "draft"}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertIn("open", r.json()["detail"])
        # Open: the years are frozen; title and deadline may still change.
        r = req("PATCH", path, body={"start_year": 2025}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertIn("bloccati", r.json()["detail"])
        r = req("PATCH", path, body={"title": "Titolo corretto",
                                     "submission_deadline": "2025-09-30T12:00:00Z"},
                etag=etag)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["submission_deadline"], "2025-09-30T12:00:00Z")
        etag = r.headers["ETag"]
        r = req("PATCH", path, body={"status": "closed"}, etag=etag)
        self.assertEqual(r.status, 200, r)
        etag = r.headers["ETag"]
        r = req("PATCH", path, body={"status": "open"}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertIn("closed", r.json()["detail"])
        r = req("PATCH", path, body={"submission_deadline": None}, etag=etag)
        self.assertEqual(r.status, 409)
        self.assertEqual(req("PATCH", path, body={"title": "Archivio"},
                             etag=etag).status, 200)

    def test_open_cycle_rules_are_frozen(self):
        slug = "frozen-2024"
        new_cycle(slug)
        self.assertEqual(put(slug, "catalog", CATALOG).status, 200)
        self.assertEqual(put(slug, "template", TEMPLATE).status, 200)
        norm = req("POST", CYCLES + "/%s/norms" % slug,
                   body={"level": "national", "title": "Legge quadro",
                         "citation": "Legge 8 novembre 2000, n. 328",
                         "date": "2000-11-08", "url": None})
        self.assertEqual(norm.status, 201)
        etag = req("GET", CYCLES + "/" + slug).headers["ETag"]
        self.assertEqual(req("PATCH", CYCLES + "/" + slug, body={"status": "open"},
                             etag=etag).status, 200)
        before = counts()
        msg = "il ciclo è in stato open: le sue regole sono bloccate perché i piani restino confrontabili"
        for res, body in (("template", TEMPLATE), ("catalog", CATALOG),
                          ("glossary", {"terms": []})):
            r = put(slug, res, body)
            self.assertEqual(r.status, 409, (res, r))
            self.assertEqual(r.json()["detail"], msg)
        r = req("POST", CYCLES + "/%s/norms" % slug,
                body={"level": "regional", "title": "L.R.", "citation": "L.R. 32/2014"})
        self.assertEqual(r.status, 409)
        r = req("DELETE", CYCLES + "/%s/norms/%d" % (slug, norm.json()["id"]))
        self.assertEqual(r.status, 409)
        self.assertEqual(counts(), before)
        # Still readable by everyone.
        t = req("GET", CYCLES + "/%s/template" % slug, role="ats_viewer")
        self.assertEqual(t.json(), TEMPLATE)

    def test_put_requires_if_match(self):
        slug = "etag-2024"
        new_cycle(slug)
        for res, body in (("catalog", CATALOG), ("glossary", {"terms": []})):
            path = CYCLES + "/%s/%s" % (slug, res)
            self.assertEqual(req("PUT", path, body=body).status, 428)
            self.assertEqual(req("PUT", path, body=body, etag='"%s-1-999"' % res).status, 412)
            etag = req("GET", path).headers["ETag"]
            r = req("PUT", path, body=body, etag=etag)
            self.assertEqual(r.status, 200)
            self.assertNotEqual(r.headers["ETag"], etag)
            self.assertEqual(req("GET", path).headers["ETag"], r.headers["ETag"])
            self.assertEqual(req("PUT", path, body=body, etag=etag).status, 412)
        path = CYCLES + "/%s/template" % slug
        self.assertEqual(req("PUT", path, body=TEMPLATE).status, 428)
        cycle_etag = req("GET", CYCLES + "/" + slug).headers["ETag"]
        r = put(slug, "template", TEMPLATE)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), TEMPLATE)
        # The cycle shows the template version plans will record, so its
        # own ETag moves with the template.
        c = req("GET", CYCLES + "/" + slug)
        self.assertEqual(c.json()["template_version"], 2)
        self.assertNotEqual(c.headers["ETag"], cycle_etag)
        self.assertEqual(req("PATCH", CYCLES + "/" + slug, body={"title": "T"},
                             etag=cycle_etag).status, 412)

    def test_catalog_validation_names_the_field(self):
        slug = "catalog-2024"
        new_cycle(slug)
        cases = [
            ("objectives[0].actions[1].code",
             lambda c: c["objectives"][0]["actions"][1].update(code="OS1-A1")),
            ("objectives[1].code", lambda c: c["objectives"][1].update(code="OS1")),
            ("areas[1].code", lambda c: c["areas"][1].update(code="B1")),
            ("funding_sources[1].code",
             lambda c: c["funding_sources"][1].update(code="fnps")),
            ("objectives[1].actions[0].code",
             lambda c: c["objectives"][1]["actions"][0].update(code="OS1-A2")),
            ("objectives[0].code", lambda c: c["objectives"][0].update(code="OS123")),
            ("objectives[0].code", lambda c: c["objectives"][0].update(code="os1")),
            ("objectives[1].actions[0].code",
             lambda c: c["objectives"][1]["actions"][0].update(code="OS2-B2")),
            ("areas[0].code", lambda c: c["areas"][0].update(code="b1")),
            ("areas[0].code", lambda c: c["areas"][0].update(code="B123")),
            ("funding_sources[0].code",
             lambda c: c["funding_sources"][0].update(code="FNPS")),
            ("funding_sources[0].code",
             lambda c: c["funding_sources"][0].update(code="f")),
            ("objectives[0].title", lambda c: c["objectives"][0].update(title="")),
            ("objectives[0].actions[0].title",
             lambda c: c["objectives"][0]["actions"][0].update(title="   ")),
            ("areas[0].title", lambda c: c["areas"][0].update(title="")),
            ("objectives", lambda c: c.update(objectives=[
                {"code": "OS%d" % (i % 100), "title": "T", "actions": []}
                for i in range(201)])),
            ("objectives[0].colour", lambda c: c["objectives"][0].update(colour="red")),
        ]
        for field, mutate in cases:
            body = copy.deepcopy(CATALOG)
            mutate(body)
            r = put(slug, "catalog", body)
            self.assertIn(field, fields(r), (field, r.json()))
        self.assertEqual(put(slug, "catalog", CATALOG).status, 200)
        self.assertEqual(put(slug, "template", TEMPLATE).status, 200)
        # A change that would orphan what the template names.
        no_area = copy.deepcopy(CATALOG)
        del no_area["areas"][0]
        r = put(slug, "catalog", no_area)
        self.assertEqual(fields(r), ["areas"])
        self.assertIn("B1", r.json()["errors"][0]["message"])
        no_action = copy.deepcopy(CATALOG)
        del no_action["objectives"][0]["actions"][1]
        r = put(slug, "catalog", no_action)
        self.assertEqual(fields(r), ["objectives"])
        self.assertIn("OS1-A6", r.json()["errors"][0]["message"])
        self.assertEqual(req("GET", CYCLES + "/%s/catalog" % slug).json(), CATALOG)

    def test_template_validation_names_the_field(self):
        slug = "template-2024"
        new_cycle(slug)
        self.assertEqual(put(slug, "catalog", CATALOG).status, 200)
        s = lambda t, i: t["sections"][i]
        cases = [
            ("sections[3].actions[0]", lambda t: s(t, 3).update(actions=["OS9-A1"])),
            ("sections[2].actions[1]", lambda t: s(t, 2).update(actions=["OS1-A1", "OS1-A1"])),
            ("sections[3].area", lambda t: s(t, 3).update(area="B7")),
            ("sections[2].key", lambda t: s(t, 2).update(key="A.1.2")),
            ("sections[1].title", lambda t: s(t, 1).update(title="")),
            ("sections[1].parts[1].title", lambda t: s(t, 1)["parts"][1].update(title="")),
            ("sections[1].parts[0].max_chars",
             lambda t: s(t, 1)["parts"][0].update(max_chars=0)),
            ("sections[1].parts[0].max_chars",
             lambda t: s(t, 1)["parts"][0].update(max_chars=200001)),
            ("sections[0].blocks[0]", lambda t: s(t, 0).update(blocks=["graphs"])),
            ("sections[1].parts[1].key",
             lambda t: s(t, 1)["parts"][1].update(key="analisi")),
            ("sections[0].key", lambda t: s(t, 0).update(key="A1.2")),
            ("sections[0].key", lambda t: s(t, 0).update(key="a.1")),
            ("sections[0].key", lambda t: s(t, 0).update(key="I")),
            ("sections[0].key", lambda t: s(t, 0).update(key="I.1.2.3.4")),
            ("sections[0].key", lambda t: s(t, 0).update(key="I.123")),
            ("sections[0].group", lambda t: s(t, 0).update(group="A")),
            ("sections[0].parts", lambda t: s(t, 0).update(
                parts=[part("p%d" % i, "P") for i in range(51)])),
            ("sections", lambda t: t.update(sections=[
                dict(s(t, 0), key="C.%d.%d" % (i // 100, i % 100), group="C")
                for i in range(501)])),
        ]
        for field, mutate in cases:
            body = copy.deepcopy(TEMPLATE)
            mutate(body)
            r = put(slug, "template", body)
            self.assertIn(field, fields(r), (field, r.json()))
        unknown = copy.deepcopy(TEMPLATE)
        s(unknown, 3)["actions"] = ["OS9-A1"]
        r = put(slug, "template", unknown)
        self.assertEqual(r.json()["errors"],
                         [{"field": "sections[3].actions[0]",
                           "message": "azione sconosciuta: OS9-A1"}])
        # Nothing of the refused bodies was stored.
        self.assertEqual(req("GET", CYCLES + "/%s/template" % slug).json(),
                         {"sections": []})
        self.assertEqual(put(slug, "template", TEMPLATE).status, 200)
        self.assertEqual(DB.sql(
            "SELECT a.section_key FROM section_actions a JOIN cycles c ON c.id = a.cycle_id"
            " WHERE c.slug = '%s' AND a.action_code = 'OS2-A2'" % slug), [["A.2.1"]])

    def test_norms_and_glossary_keep_italian_text(self):
        slug = "testi-2024"
        new_cycle(slug, title="Piano dell'Ambito – città e comunità")
        glossary = {"terms": [
            {"term": "Attività", "definition": "L'insieme delle attività dell’ATS,\n"
                                               "città per città: perché sì."},
            {"term": "Comitato dei Sindaci", "definition": "Organo che approva il Piano « sì »."},
        ]}
        r = put(slug, "glossary", glossary)
        self.assertEqual(r.status, 200, r)
        g = req("GET", CYCLES + "/%s/glossary" % slug, role="ats_viewer")
        self.assertEqual(g.json(), glossary)
        self.assertIn("Attività".encode("utf-8"), g.body)
        self.assertIn("dell’ATS".encode("utf-8"), g.body)
        self.assertEqual(DB.sql("SELECT t.term FROM cycle_glossary_terms t JOIN cycles c"
                                " ON c.id = t.cycle_id WHERE c.slug = '%s'"
                                " ORDER BY t.position" % slug),
                         [["Attività"], ["Comitato dei Sindaci"]])
        self.assertEqual(req("GET", CYCLES + "/" + slug).json()["title"],
                         "Piano dell'Ambito – città e comunità")
        dup = copy.deepcopy(glossary)
        dup["terms"][1]["term"] = "Attività"
        self.assertEqual(fields(put(slug, "glossary", dup)), ["terms[1].term"])
        empty = {"terms": [{"term": "Città", "definition": ""}]}
        self.assertEqual(fields(put(slug, "glossary", empty)), ["terms[0].definition"])

        path = CYCLES + "/%s/norms" % slug
        n1 = {"level": "national", "title": "Legge quadro per la realizzazione del sistema"
              " integrato di interventi e servizi sociali",
              "citation": "Legge 8 novembre 2000, n. 328", "date": "2000-11-08",
              "url": "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328"}
        n2 = {"level": "regional", "title": "Sistema regionale integrato dei servizi sociali"
              " a tutela della persona e della famiglia",
              "citation": "Legge regionale Marche 1 dicembre 2014, n. 32",
              "date": None, "url": None}
        ids = []
        for n in (n1, n2):
            r = req("POST", path, body=n)
            self.assertEqual(r.status, 201, r)
            self.assertEqual({k: v for k, v in r.json().items() if k != "id"}, n)
            ids.append(r.json()["id"])
        self.assertEqual(fields(req("POST", path, body=dict(n1, level="europeo"))), ["level"])
        self.assertEqual(fields(req("POST", path, body=dict(n1, url="ftp://x"))), ["url"])
        self.assertEqual(fields(req("POST", path, body=dict(n1, date="2000-02-30"))), ["date"])
        listed = req("GET", path, role="region_reviewer").json()
        self.assertEqual(listed["next_cursor"], None)
        self.assertEqual([{k: v for k, v in n.items() if k != "id"}
                          for n in listed["items"]], [n1, n2])
        other = "altro-2024"
        new_cycle(other)
        self.assertEqual(req("DELETE", "%s/%s/norms/%d" % (CYCLES, other, ids[0])).status, 404)
        self.assertEqual(req("DELETE", "%s/%d" % (path, ids[0]), role="region_reviewer").status, 403)
        self.assertEqual(req("DELETE", "%s/%d" % (path, ids[0])).status, 204)
        self.assertEqual(req("DELETE", "%s/%d" % (path, ids[0])).status, 404)
        self.assertEqual(req("DELETE", "%s/nope" % path).status, 404)
        self.assertEqual([n["id"] for n in req("GET", path).json()["items"]], [ids[1]])

    def test_openapi_names_the_schemas(self):
        doc = SRV.request("GET", "/api/v1/openapi.json").json()
        schemas = doc["components"]["schemas"]
        for p in ("/api/v1/cycles", "/api/v1/cycles/{cycle}",
                  "/api/v1/cycles/{cycle}/catalog", "/api/v1/cycles/{cycle}/norms",
                  "/api/v1/cycles/{cycle}/norms/{id}", "/api/v1/cycles/{cycle}/glossary",
                  "/api/v1/cycles/{cycle}/template"):
            self.assertIn(p, doc["paths"])
            for op in doc["paths"][p].values():
                for ref in _refs(op):
                    self.assertIn(ref.rsplit("/", 1)[1], schemas, (p, ref))


def _refs(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _refs(v)


class Import(unittest.TestCase):
    """ambitoctl import/export with the shipped Marche file. The tests run in
    name order: test_1 imports the file the later ones read."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cycles-")
        cls.marche = load_marche()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, doc):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
        return path

    def test_1_import_marche(self):
        p = import_file(MARCHE)
        self.assertEqual(p.returncode, 0, p.stderr)
        slug = self.marche["cycle"]["slug"]
        t = req("GET", CYCLES + "/%s/template" % slug, role="ats_viewer")
        self.assertEqual(t.status, 200)
        sections = t.json()["sections"]
        self.assertEqual(len(sections), 33)
        self.assertEqual([s["key"] for s in sections],
                         [s["key"] for s in self.marche["template"]["sections"]])
        a21 = [s for s in sections if s["key"] == "A.2.1"][0]
        self.assertEqual(a21["actions"], ["OS1-A2", "OS2-A2"])
        self.assertEqual(t.json(), self.marche["template"])
        self.assertEqual(req("GET", CYCLES + "/%s/catalog" % slug,
                             role="ats_viewer").json(), self.marche["catalog"])
        self.assertEqual(req("GET", CYCLES + "/%s/glossary" % slug).json(),
                         self.marche["glossary"])
        norms = req("GET", CYCLES + "/%s/norms" % slug).json()["items"]
        self.assertEqual([{k: v for k, v in n.items() if k != "id"} for n in norms],
                         self.marche["norms"])
        c = req("GET", CYCLES + "/" + slug).json()
        del c["template_version"]
        self.assertEqual(c, self.marche["cycle"])
        audit = DB.sql("SELECT outcome FROM audit_log WHERE route = 'ambitoctl import'"
                       " AND object = 'cycle:%s'" % slug)
        self.assertEqual(audit, [["ok"]])
        # Imported open: its rules are frozen to the API too.
        self.assertEqual(put(slug, "template", self.marche["template"]).status, 409)

    def test_2_export_round_trips(self):
        slug = self.marche["cycle"]["slug"]
        out = os.path.join(self.tmp, "export.json")
        p = harness.ctl(DB, "export", slug, out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(json.load(f), self.marche)
        p = harness.ctl(DB, "export", slug)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), self.marche)
        self.assertNotEqual(harness.ctl(DB, "export", "no-such-cycle").returncode, 0)

    def test_3_broken_file_leaves_nothing(self):
        doc = copy.deepcopy(self.marche)
        doc["cycle"]["slug"] = "broken-2020"
        doc["template"]["sections"][5]["actions"] = ["OS9-A1"]
        path = self.write("broken.json", doc)
        before = counts()
        audit_before = DB.sql("SELECT COUNT(*) FROM audit_log")[0][0]
        p = import_file(path)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("%s: template.sections[5].actions[0]: azione sconosciuta: OS9-A1" % path,
                      p.stderr)
        self.assertEqual(counts(), before)
        self.assertEqual(req("GET", CYCLES + "/broken-2020").status, 404)
        self.assertEqual(int(DB.sql("SELECT COUNT(*) FROM audit_log")[0][0]),
                         int(audit_before) + 1)
        # More errors: each is named by its path in the file.
        doc = copy.deepcopy(self.marche)
        doc["cycle"]["slug"] = "broken-2021"
        doc["catalog"]["objectives"][1]["actions"][0]["code"] = "OS1-A1"
        doc["template"]["sections"][8]["parts"][1]["key"] = "analisi"
        doc["glossary"]["terms"][2]["term"] = ""
        doc["norms"][3]["level"] = "europeo"
        p = import_file(self.write("broken2.json", doc))
        self.assertNotEqual(p.returncode, 0)
        for field in ("catalog.objectives[1].actions[0].code", "norms[3].level",
                      "glossary.terms[2].term", "template.sections[8].parts[1].key"):
            self.assertIn(": %s: " % field, p.stderr)
        self.assertEqual(counts(), before)
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"format": "ambito-cycle/1", ')
        p = import_file(bad)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("JSON non valido", p.stderr)
        self.assertEqual(counts(), before)

    def test_4_existing_slug_needs_replace_and_a_draft(self):
        before = counts()
        p = import_file(MARCHE)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("esiste già", p.stderr)
        p = import_file(MARCHE, "--replace")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("open", p.stderr)
        self.assertEqual(counts(), before)
        draft = copy.deepcopy(self.marche)
        draft["cycle"].update(slug="bozza-2020", status="draft")
        path = self.write("draft.json", draft)
        self.assertEqual(import_file(path).returncode, 0)
        self.assertNotEqual(import_file(path).returncode, 0)
        etag = req("GET", CYCLES + "/bozza-2020/template").headers["ETag"]
        draft["cycle"]["title"] = "Bozza rivista"
        draft["template"]["sections"] = draft["template"]["sections"][:3]
        del draft["norms"][1:]
        p = import_file(self.write("draft2.json", draft), "--replace")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(req("GET", CYCLES + "/bozza-2020").json()["title"], "Bozza rivista")
        t = req("GET", CYCLES + "/bozza-2020/template")
        self.assertEqual(t.json(), draft["template"])
        self.assertNotEqual(t.headers["ETag"], etag)
        self.assertEqual(len(req("GET", CYCLES + "/bozza-2020/norms").json()["items"]), 1)
        out = os.path.join(self.tmp, "draft-out.json")
        self.assertEqual(harness.ctl(DB, "export", "bozza-2020", out).returncode, 0)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(json.load(f), draft)


if __name__ == "__main__":
    harness.main()
