"""Published plans for anonymous readers (SPEC §5): the JSON snapshot served
byte for byte with its SHA-256, and the printable Italian HTML document.

Fixtures: the Regione Marche cycle imported with ambitoctl and opened, ATS
created through the API with their Comuni, and plans written into the
database with a hand-written canonical snapshot, in every status. Expected
values (amounts, dates, totals, titles) are written here, never taken from
the server's answers."""

import base64
import hashlib
import html.parser
import json
import os
import re
import unittest

import harness

PASSWORD = "Pubblicazione-2021!"
MARCHE = os.path.join(harness.source_dir(), "deploy", "data", "marche-2020-2022.json")
CYCLE = "2020-2022"
PROBLEM = "application/problem+json"
XSS = "<script>alert(1)</script>"

COMUNI = [{"istat_code": "109034", "name": "Porto Sant'Elpidio", "population": 25000},
          {"istat_code": "109037", "name": "Sant'Elpidio a Mare", "population": 17000},
          {"istat_code": "109024", "name": "Monte Urano", "population": 8000}]
ATS_NAME = "Ambito Territoriale Sociale 20 – Porto Sant'Elpidio"

DB = SRV = None
ADMIN = None


def money(text):
    """A JSON number with exactly these decimals, inserted after json.dumps."""
    return "@@%s@@" % text


HIDDEN = ("late", "note", "submitted_by")  # between the ATS and the Region


def public(obj):
    """The publication document of a snapshot, by hand: the snapshot without
    the keys the public never sees."""
    return {k: v for k, v in obj.items() if k not in HIDDEN}


def canonical(obj):
    """Canonical JSON (keys sorted, no spaces, UTF-8) with money() texts as
    bare numbers: the bytes a submission stores."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return re.sub(r'"@@([-0-9.]+)@@"', r"\1", text).encode("utf-8")


def empty_section(key, title, actions=(), area=None):
    return {"actions": list(actions), "area": area, "indicators": [], "key": key, "parts": {},
            "spending": [], "status": "empty", "title": title}


def snapshot(tenant, name, revision=1, submitted_at="2021-06-30T10:00:00Z", late=False):
    return {
        "cycle": {"end_year": 2022, "slug": CYCLE, "start_year": 2020,
                  "title": "Piani Sociali Territoriali di ATS 2020-2022"},
        "finance": {"income": [
            {"amount_eur": money("250000.00"), "note": "Quota pro capite dei Comuni", "source": "comuni",
             "year": 2020},
            {"amount_eur": money("100000.00"), "note": None, "source": "regione", "year": 2021},
            {"amount_eur": money("50000.50"), "note": None, "source": "regione", "year": 2022},
            {"amount_eur": money("1234.50"), "note": "Riparto FNPS 2021 <provvisorio>", "source": "fnps",
             "year": 2021},
        ]},
        "format": "ambito-plan-snapshot/1",
        "groups": [],
        "late": late,
        "note": "Trasmesso dopo la seduta del Comitato dei Sindaci del 28 giugno 2021.",
        "revision": revision,
        "sections": [
            {"actions": [], "area": None, "indicators": [], "key": "I.1",
             "parts": {"nota_tecnica": "Il Coordinatore d'ATS ha curato la redazione.",
                       "premessa_politica": "Il Comitato dei Sindaci ha condiviso il piano.\n\n"
                                            "La comunità è al centro: " + XSS + " & \"virgolette\"\n"
                                            "seconda riga dello stesso paragrafo"},
             "spending": [], "status": "complete", "title": "Premessa"},
            empty_section("I.2", "Riferimenti normativi"),
            {"actions": ["OS1-A6"], "area": None,
             "indicators": [
                 {"baseline": "0", "kind": "process", "name": "Incontri del tavolo di coordinamento",
                  "source": "Verbali dell'Ufficio di Piano", "target": "6", "unit": "incontri/anno"},
                 {"baseline": None, "kind": "result", "name": "Protocollo d'intesa con il Distretto",
                  "source": None, "target": "1", "unit": None}],
             "key": "A.1.2",
             "parts": {"analisi": "L'ATS coincide con il Distretto sanitario: è un'area di tre Comuni.",
                       "obiettivi": "Mantenere la coincidenza territoriale.",
                       "strategia": "Accordo di programma con l'ASUR.",
                       "valutazione": "Verifica annuale in Comitato dei Sindaci."},
             "spending": [], "status": "complete", "title": "Confini di ATS e coincidenza territoriale"},
            {"actions": ["OS4-A2", "OS4-A3"], "area": None, "indicators": [], "key": "A.4.2",
             "parts": {"analisi": "Regolamento unico d'ambito in vigore dal 2019."},
             "spending": [{"amount_eur": money("1000000.00"), "funding_source": "regione",
                           "service": "Compartecipazione & tariffe <b>ISEE</b>", "year": 2020}],
             "status": "partial",
             "title": "Regolazione in accesso ai servizi e compartecipazione alle spese"},
            {"actions": [], "area": "B1", "indicators": [], "key": "B.1",
             "parts": {"analisi": "Crescono le famiglie in povertà assoluta.",
                       "obiettivi": "Ridurre il disagio abitativo e alimentare.",
                       "strategia": "Rete con Caritas e Terzo settore.",
                       "valutazione": "Tavolo tematico semestrale."},
             "spending": [
                 {"amount_eur": money("1234.50"), "funding_source": "fnps",
                  "service": "Pronto intervento sociale", "year": 2021},
                 {"amount_eur": money("98765.43"), "funding_source": "fondo_poverta",
                  "service": "Servizio sociale professionale", "year": 2022}],
             "status": "complete", "title": "Lotta all'esclusione sociale, fragilità e alla povertà"},
            empty_section("D.3", "Per le aree del sisma", actions=["OS7-A1", "OS7-A2"]),
        ],
        "submitted_at": submitted_at,
        "submitted_by": {"id": 2, "name": "Maria Rossi"},
        "template_version": 3,
        "tenant": {"name": name, "slug": tenant},
    }


# ---------------------------------------------------------------- fixtures

def sql_bytes(b):
    return "CONVERT(X'%s' USING utf8mb4)" % b.hex()


def tenant_id(slug):
    return int(DB.sql("SELECT id FROM tenants WHERE slug = '%s'" % slug)[0][0])


def cycle_id():
    return int(DB.sql("SELECT id FROM cycles WHERE slug = '%s'" % CYCLE)[0][0])


def write_plan(slug, status, snapshots=(), published=None, approved_at=None):
    """A plans row with its submissions (bytes, one per revision) as the plans
    module leaves them; published: the revision the public reads."""
    t, c = tenant_id(slug), cycle_id()
    DB.sql("INSERT INTO plans (tenant_id, cycle_id, status, revision, published_revision) "
           "VALUES (%d, %d, '%s', %d, %s)"
           % (t, c, status, len(snapshots), "NULL" if published is None else published))
    for i, snap in enumerate(snapshots, start=1):
        DB.sql("INSERT INTO plan_submissions (tenant_id, cycle_id, revision, submitted_at, submitted_by, late, "
               "note, template_version, sha256, snapshot) VALUES (%d, %d, %d, '2021-06-30 10:00:00', 2, 0, "
               "NULL, 3, '%s', %s)" % (t, c, i, hashlib.sha256(snap).hexdigest(), sql_bytes(snap)))
        if approved_at is not None:
            DB.sql("INSERT INTO plan_reviews (tenant_id, cycle_id, revision, decision, reviewed_by, reviewed_at) "
                   "VALUES (%d, %d, %d, 'approve', 1, '%s')" % (t, c, i, approved_at))


def new_tenant(slug, code, name, comuni):
    body = {"slug": slug, "code": code, "name": name, "capofila": comuni[0]["name"] if comuni else "",
            "ente_gestore": "", "province": "FM", "comuni": comuni}
    r = SRV.request("POST", "/api/v1/tenants", body, token=ADMIN)
    assert r.status == 201, r


SNAP20 = canonical(snapshot("ats-20", ATS_NAME))
SNAP21 = canonical(snapshot("ats-21", "ATS 21"))
PUB20 = canonical(public(snapshot("ats-20", ATS_NAME)))


def setUpModule():
    global DB, SRV, ADMIN
    DB = harness.Database()
    DB.migrate()
    harness.ctl_ok(DB, "user", "add", "--email", "admin@regione.example", "--role", "region_admin",
                   "--password-stdin", input=PASSWORD + "\n")
    harness.ctl_ok(DB, "import", MARCHE)
    SRV = harness.Server(DB)
    r = SRV.request("POST", "/api/v1/auth/login", {"email": "admin@regione.example", "password": PASSWORD})
    assert r.status == 200, r
    ADMIN = r.json()["access_token"]
    r = SRV.request("GET", "/api/v1/cycles/" + CYCLE, token=ADMIN)
    assert r.status == 200, r
    if r.json()["status"] != "open":
        r = SRV.request("PATCH", "/api/v1/cycles/" + CYCLE, {"status": "open"}, token=ADMIN,
                        headers={"If-Match": r.headers["ETag"]})
        assert r.status == 200, r
    new_tenant("ats-20", "ATS 20", ATS_NAME, COMUNI)
    new_tenant("ats-21", "ATS 21", "ATS 21", [])
    new_tenant("ats-22", "ATS 22", "ATS 22", [])
    new_tenant("ats-23", "ATS 23", "ATS 23", [])
    new_tenant("ats-24", "ATS 24", "ATS 24", [])
    new_tenant("ats-26", "ATS 26", "ATS 26", [])
    new_tenant("ats-25", "ATS 25", "ATS 25", [{"istat_code": "109006", "name": "Fermo", "population": 36000}])
    write_plan("ats-20", "published", [SNAP20], published=1, approved_at="2021-07-15 09:30:00")
    write_plan("ats-21", "approved", [SNAP21], approved_at="2021-07-15 09:30:00")
    write_plan("ats-22", "draft")
    write_plan("ats-23", "submitted", [canonical(snapshot("ats-23", "ATS 23"))])


def tearDownModule():
    if SRV is not None:
        SRV.stop()
    if DB is not None:
        DB.drop()


def json_path(tenant, cycle=CYCLE):
    return "/api/v1/public/tenants/%s/plans/%s" % (tenant, cycle)


def html_path(tenant, cycle=CYCLE):
    return "/public/%s/%s" % (tenant, cycle)


# ---------------------------------------------------------------- a small DOM

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, dict(attrs), []

    def text(self):
        out = []
        for c in self.children:
            out.append(c if isinstance(c, str) else ("\n" if c.tag == "br" else c.text()))
        return "".join(out)

    def all(self, tag=None, **attrs):
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and all(
                        (k == "cls" and v in c.attrs.get("class", "").split()) or c.attrs.get(k) == v
                        for k, v in attrs.items()):
                    yield c
                yield from c.all(tag, **attrs)

    def one(self, tag=None, **attrs):
        found = list(self.all(tag, **attrs))
        assert len(found) == 1, "%d <%s %s>" % (len(found), tag, attrs)
        return found[0]


class DomBuilder(html.parser.HTMLParser):
    """Builds a tree and refuses markup that does not nest: the document
    must be well-formed for its tables and sections to be read back."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            raise AssertionError("</%s> closes <%s>" % (tag, self.stack[-1].tag))
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(text):
    b = DomBuilder()
    b.feed(text)
    b.close()
    assert len(b.stack) == 1, "unclosed: %s" % [n.tag for n in b.stack]
    return b


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


def details(node):
    """The title page's <dl> as {term: description}."""
    dl = node.one("dl")
    terms = [squash(c.text()) for c in dl.children if isinstance(c, Node) and c.tag == "dt"]
    descs = [squash(c.text()) for c in dl.children if isinstance(c, Node) and c.tag == "dd"]
    assert len(terms) == len(descs), (terms, descs)
    return dict(zip(terms, descs))


def rows(table):
    """Every row of a table as a list of its cells' texts."""
    return [[squash(c.text()) for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
            for tr in table.all("tr")]


# ---------------------------------------------------------------- tests

class NotPublished(unittest.TestCase):
    def assert_404(self, path):
        r = SRV.request("GET", path)
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.headers.get("Content-Type"), PROBLEM)
        doc = r.json()
        self.assertEqual(doc["status"], 404)
        self.assertNotIn("<html", r.text)
        doc.pop("request_id", None)
        return doc

    def test_unknown_unpublished_and_missing_are_the_same_404(self):
        docs = []
        for tenant, cycle in (("ats-99", CYCLE), ("ats-20", "2099-2101"), ("ats-21", CYCLE),
                              ("ats-22", CYCLE), ("ats-23", CYCLE), ("ats-24", CYCLE),
                              ("ATS-20", CYCLE), ("ats-20%0d%0aX-Evil:%201", CYCLE)):
            for path in (json_path(tenant, cycle), html_path(tenant, cycle)):
                with self.subTest(path=path):
                    docs.append(self.assert_404(path))
        # Nothing tells an approved or draft plan from one that does not exist.
        self.assertTrue(all(d == docs[0] for d in docs), docs)
        for words in ("draft", "approved", "submitted", "ats-21"):
            self.assertNotIn(words, json.dumps(docs[0]))

    def test_a_plan_becomes_public_only_when_published(self):
        snap = canonical(snapshot("ats-26", "ATS 26"))
        write_plan("ats-26", "approved", [snap], approved_at="2021-07-20 08:00:00")
        self.assert_404(json_path("ats-26"))
        self.assert_404(html_path("ats-26"))
        DB.sql("UPDATE plans SET status = 'published', published_revision = 1 WHERE tenant_id = %d"
               % tenant_id("ats-26"))
        r = SRV.request("GET", json_path("ats-26"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, canonical(public(snapshot("ats-26", "ATS 26"))))
        self.assertEqual(SRV.request("GET", html_path("ats-26")).status, 200)

    def test_other_methods_are_refused(self):
        r = SRV.request("POST", json_path("ats-20"), {})
        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.headers.get("Content-Type"), PROBLEM)


class PublishedJson(unittest.TestCase):
    def test_publication_document_with_digest(self):
        r = SRV.request("GET", json_path("ats-20"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        # A publication older than the stored documents (this one has no
        # plan_publications row): derived from the snapshot when read.
        self.assertEqual(r.body, PUB20)
        for hidden in (b'"late"', b'"note":"Trasmesso dopo', b'"submitted_by"', b"Maria Rossi"):
            self.assertNotIn(hidden, r.body)
        # Money stays as written: two decimals, not a float's shortest form.
        self.assertIn(b'"amount_eur":1234.50,', r.body)
        self.assertIn("è al centro".encode("utf-8"), r.body)
        digest = hashlib.sha256(PUB20).digest()
        self.assertEqual(r.headers["Repr-Digest"], "sha-256=:%s:" % base64.b64encode(digest).decode())
        self.assertEqual(r.headers["ETag"], '"%s"' % digest.hex())
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("/public/ats-20/2020-2022", r.headers.get("Link", ""))

    def test_anonymous_needs_no_token_and_ignores_a_bad_one(self):
        r = SRV.request("GET", json_path("ats-20"), token="not-a-token")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, PUB20)
        r = SRV.request("GET", html_path("ats-20"), token=ADMIN)
        self.assertEqual(r.status, 200, r)

    def test_conditional_get(self):
        etag = '"%s"' % hashlib.sha256(PUB20).hexdigest()
        r = SRV.request("GET", json_path("ats-20"), headers={"If-None-Match": 'W/"zz", ' + etag})
        self.assertEqual(r.status, 304, r)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers["ETag"], etag)
        r = SRV.request("GET", json_path("ats-20"), headers={"If-None-Match": '"%s"' % ("0" * 64)})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, PUB20)

    def test_head(self):
        r = SRV.request("HEAD", json_path("ats-20"))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers["Content-Length"], str(len(PUB20)))


class PublishedHtml(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = SRV.request("GET", html_path("ats-20"))
        assert cls.r.status == 200, cls.r
        cls.raw = cls.r.body.decode("utf-8")  # strict: the page is UTF-8
        cls.dom = parse(cls.raw)
        cls.root = cls.dom.root

    def section(self, key):
        return self.root.one("section", id="sez-" + key)

    def test_headers(self):
        h = self.r.headers
        self.assertEqual(h["Content-Type"], "text/html; charset=utf-8")
        csp = h["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("style-src 'unsafe-inline'", csp)
        self.assertEqual(h["X-Content-Type-Options"], "nosniff")

    def test_document_shell(self):
        self.assertEqual(self.dom.doctype.lower(), "doctype html")
        html_el = self.root.one("html")
        self.assertEqual(html_el.attrs.get("lang"), "it")
        self.assertEqual(self.root.one("meta", charset="utf-8").attrs["charset"], "utf-8")
        title = squash(self.root.one("title").text())
        self.assertIn("Piano Sociale di Ambito", title)
        self.assertIn(ATS_NAME, title)
        style = self.root.one("style").text()
        self.assertIn("@media print", style)
        self.assertIn("@page", style)
        self.assertIn("break-before:page", style)

    def test_no_external_resource_and_no_script(self):
        low = self.raw.lower()
        for bad in ("<script", "<img", "<link", "<iframe", "@import", "url(", " src=", "javascript:"):
            self.assertNotIn(bad, low)
        self.assertEqual(list(self.root.all("script")), [])
        # Links go only to anchors in the page or, for the norms, to their texts.
        for a in self.root.all("a"):
            href = a.attrs.get("href", "")
            self.assertTrue(href.startswith("#") or href.startswith("https://www.normattiva.it/")
                            or href.startswith("http"), href)

    def test_user_text_is_escaped(self):
        self.assertNotIn(XSS, self.raw)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", self.raw)
        self.assertNotIn("<b>ISEE</b>", self.raw)
        self.assertIn("&lt;b&gt;ISEE&lt;/b&gt;", self.raw)
        self.assertIn("Riparto FNPS 2021 &lt;provvisorio&gt;", self.raw)
        # Italian text arrives as UTF-8, not as entities or mojibake.
        self.assertIn("La comunità è al centro", self.raw)
        self.assertIn("fragilità e alla povertà", self.raw)

    def test_title_page(self):
        front = self.root.one("header", id="frontespizio")
        text = squash(front.text())
        self.assertIn("Piano Sociale di Ambito", squash(front.one("h1").text()))
        self.assertIn(ATS_NAME, text)
        self.assertIn("Piani Sociali Territoriali di ATS 2020-2022", text)
        self.assertIn("Triennio 2020–2022", text)
        items = [squash(li.text()) for li in front.all("li")]
        self.assertEqual(items, ["Porto Sant'Elpidio (25.000 abitanti)", "Sant'Elpidio a Mare (17.000 abitanti)",
                                 "Monte Urano (8.000 abitanti)"])
        self.assertIn("Popolazione complessiva: 50.000 abitanti", text)
        self.assertEqual(details(front), {
            "Revisione": "n. 1",
            # 10:00 UTC on 30 June is noon in Italy (summer time).
            "Trasmesso alla Regione": "30 giugno 2021, ore 12:00",
            "Approvato dalla Regione": "15 luglio 2021, ore 11:30",
            "Versione del modello": "3",
            "Riferimenti": "Piano Sociale Regionale 2020-2022 (D.A. n. 109/2020); Linee guida DGR n. 180/2021",
            "Impronta SHA-256": hashlib.sha256(PUB20).hexdigest(),
        })
        self.assertEqual(front.one("time").attrs["datetime"], "2021-06-30T10:00:00Z")
        self.assertIn("/api/v1/public/tenants/ats-20/plans/2020-2022", text)
        # The submission note is between the ATS and the Region.
        self.assertNotIn("Comitato dei Sindaci del 28 giugno 2021", text)
        self.assertNotIn("Nota di trasmissione", text)
        self.assertNotIn("Maria Rossi", self.raw)

    def test_index_links_every_section(self):
        nav = self.root.one("nav", id="sommario")
        hrefs = [a.attrs["href"] for a in nav.all("a")]
        self.assertEqual(hrefs, ["#parte-I", "#sez-I.1", "#sez-I.2", "#parte-A", "#sez-A.1.2", "#sez-A.4.2",
                                 "#parte-B", "#sez-B.1", "#parte-D", "#sez-D.3", "#quadro-finanziario",
                                 "#riferimenti-normativi", "#glossario"])
        ids = {n.attrs.get("id") for n in self.root.all()}
        for h in hrefs:
            self.assertIn(h[1:], ids)
        self.assertIn("A.1.2 Confini di ATS e coincidenza territoriale", squash(nav.text()))

    def test_sections_in_order_with_tags_and_parts(self):
        keys = [s.attrs["id"] for s in self.root.all("section", cls="sezione")]
        self.assertEqual(keys, ["sez-I.1", "sez-I.2", "sez-A.1.2", "sez-A.4.2", "sez-B.1", "sez-D.3"])
        s = self.section("A.1.2")
        self.assertEqual(squash(s.one("h3").text()), "A.1.2 Confini di ATS e coincidenza territoriale")
        tags = squash(" ".join(p.text() for p in s.all("p", cls="etichette")))
        self.assertIn("OS1-A6 – Confini di ATS e coincidenza territoriale con i Distretti sanitari", tags)
        self.assertEqual([squash(h.text()) for h in s.all("h4")],
                         ["Analisi", "Obiettivi", "Strategia", "Valutazione", "Indicatori"])
        self.assertIn("è un'area di tre Comuni", s.text())
        # Part titles come from the template, not the keys.
        b1 = self.section("B.1")
        self.assertEqual([squash(h.text()) for h in b1.all("h4")],
                         ["Analisi – offerta dei servizi e relativa spesa", "Obiettivi", "Strategia operativa",
                          "Valutazione partecipata dei processi e dei risultati", "Spesa prevista"])
        self.assertIn("Area di intervento: B1 – Lotta all'esclusione sociale, fragilità e alla povertà",
                      squash(b1.text()))
        i1 = self.section("I.1")
        self.assertEqual([squash(h.text()) for h in i1.all("h4")],
                         ["Premessa politica del Presidente del Comitato dei Sindaci",
                          "Nota tecnica del Coordinatore d'ATS"])
        # The parts and sub-groups are titled as the template's groups.
        part_a = self.root.one("section", id="parte-A")
        self.assertEqual(squash(part_a.one("h2").text()), "Obiettivo A. Consolidamento ATS")
        self.assertEqual([squash(h.text()) for h in part_a.all("h3", cls="gruppo")], ["1. Identità", "4. Servizi"])
        self.assertEqual(squash(self.root.one("section", id="parte-D").one("h2").text()),
                         "Obiettivo C. Realizzare innovazione territoriale locale e partecipata per rispondere ai "
                         "bisogni specifici della popolazione")
        nav = self.root.one("nav", id="sommario")
        self.assertEqual([squash(li.text()) for li in nav.all("li", cls="gruppo")], ["1. Identità", "4. Servizi"])
        self.assertEqual(squash(self.root.one("section", id="parte-I").one("h2").text()), "Introduzione")

    def test_paragraphs_from_plain_text(self):
        i1 = self.section("I.1")
        paras = [p for p in i1.all("p") if "Comitato dei Sindaci ha condiviso" in p.text()
                 or "comunità" in p.text()]
        self.assertEqual(len(paras), 2)
        self.assertEqual(paras[0].text(), "Il Comitato dei Sindaci ha condiviso il piano.")
        self.assertEqual(squash(paras[1].text()), "La comunità è al centro: " + XSS + " & \"virgolette\" "
                                                  "seconda riga dello stesso paragrafo")
        self.assertEqual([c.tag for c in paras[1].children if isinstance(c, Node)], ["br"])
        self.assertIn("<p>La comunità è al centro: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;virgolette&quot;"
                      "<br>\nseconda riga dello stesso paragrafo</p>", self.raw)

    def test_empty_sections_say_so(self):
        for key in ("I.2", "D.3"):
            self.assertIn("Sezione non compilata", self.section(key).text())
        for key in ("I.1", "A.1.2", "A.4.2", "B.1"):
            self.assertNotIn("Sezione non compilata", self.section(key).text())

    def test_indicator_table(self):
        t = self.section("A.1.2").one("table")
        self.assertEqual(rows(t), [
            ["Nome", "Tipo", "Unità", "Valore di partenza", "Obiettivo", "Fonte"],
            ["Incontri del tavolo di coordinamento", "processo", "incontri/anno", "0", "6",
             "Verbali dell'Ufficio di Piano"],
            ["Protocollo d'intesa con il Distretto", "risultato", "—", "—", "1", "—"],
        ])

    def test_spending_tables(self):
        self.assertEqual(rows(self.section("B.1").one("table")), [
            ["Servizio", "Anno", "Fonte di finanziamento", "Importo €"],
            ["Pronto intervento sociale", "2021", "Fondo nazionale per le politiche sociali", "1.234,50 €"],
            ["Servizio sociale professionale", "2022",
             "Fondo nazionale per la lotta alla povertà e all'esclusione sociale", "98.765,43 €"],
            ["Totale della sezione", "99.999,93 €"],
        ])
        self.assertEqual(rows(self.section("A.4.2").one("table"))[1:], [
            ["Compartecipazione & tariffe <b>ISEE</b>", "2020", "Regione Marche – fondi regionali",
             "1.000.000,00 €"],
            ["Totale della sezione", "1.000.000,00 €"],
        ])

    def test_amounts_keep_the_euro_sign_on_their_line(self):
        # The Italian form with U+00A0 NO-BREAK SPACE before the sign (the
        # table rows above read it as a space), and negatives with a minus.
        self.assertIn("<td class=\"num\">1.234,50\u00a0€</td>", self.raw)
        self.assertIn("<td class=\"num\">-698.764,93\u00a0€</td>", self.raw)
        self.assertNotIn("0 €", self.raw)

    def test_finance(self):
        fin = self.root.one("section", id="quadro-finanziario")
        tables = list(fin.all("table"))
        self.assertEqual(rows(tables[0]), [
            ["Fonte", "Anno", "Importo €", "Note"],
            ["Comuni – fondi per la gestione associata", "2020", "250.000,00 €", "Quota pro capite dei Comuni"],
            ["Regione Marche – fondi regionali", "2021", "100.000,00 €", "—"],
            ["Regione Marche – fondi regionali", "2022", "50.000,50 €", "—"],
            ["Fondo nazionale per le politiche sociali", "2021", "1.234,50 €", "Riparto FNPS 2021 <provvisorio>"],
            ["Totale delle entrate", "401.235,00 €", ""],
        ])
        self.assertEqual(rows(tables[1]), [
            ["Fonte di finanziamento", "2020", "2021", "2022", "Totale"],
            ["Comuni – fondi per la gestione associata", "250.000,00 €", "—", "—", "250.000,00 €"],
            ["Regione Marche – fondi regionali", "—", "100.000,00 €", "50.000,50 €", "150.000,50 €"],
            ["Fondo nazionale per le politiche sociali", "—", "1.234,50 €", "—", "1.234,50 €"],
            ["Totale", "250.000,00 €", "101.234,50 €", "50.000,50 €", "401.235,00 €"],
        ])
        self.assertEqual(rows(tables[2]), [
            ["Fonte di finanziamento", "2020", "2021", "2022", "Totale"],
            ["Regione Marche – fondi regionali", "1.000.000,00 €", "—", "—", "1.000.000,00 €"],
            ["Fondo nazionale per le politiche sociali", "—", "1.234,50 €", "—", "1.234,50 €"],
            ["Fondo nazionale per la lotta alla povertà e all'esclusione sociale", "—", "—", "98.765,43 €",
             "98.765,43 €"],
            ["Totale", "1.000.000,00 €", "1.234,50 €", "98.765,43 €", "1.099.999,93 €"],
        ])
        self.assertEqual(rows(tables[3]), [
            ["Totale delle entrate", "401.235,00 €"],
            ["Totale della spesa prevista", "1.099.999,93 €"],
            ["Differenza (entrate − spesa)", "-698.764,93 €"],
        ])

    def test_norms_and_glossary(self):
        norms = self.root.one("section", id="riferimenti-normativi")
        self.assertEqual([squash(h.text()) for h in norms.all("h3")], ["Normativa nazionale", "Normativa regionale"])
        text = squash(norms.text())
        self.assertIn("Legge 8 novembre 2000, n. 328 – Legge quadro per la realizzazione del sistema integrato di "
                      "interventi e servizi sociali", text)
        self.assertIn("Deliberazione della Giunta regionale (DGR) n. 180 del 22 febbraio 2021", text)
        self.assertEqual(len(list(norms.all("li"))), 17)
        links = [a.attrs["href"] for a in norms.all("a")]
        self.assertIn("https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328", links)
        glossary = self.root.one("section", id="glossario")
        terms = [squash(dt.text()) for dt in glossary.all("dt")]
        self.assertIn("Comitato dei Sindaci", terms)
        self.assertIn("Ambito Territoriale Sociale (ATS)", terms)
        self.assertEqual(len(terms), 29)
        self.assertIn("È la sede principale della programmazione locale", glossary.text())

    def test_winter_time_and_day_change(self):
        # 23:30 UTC on 31 December is already New Year's Day in Italy (UTC+1).
        snap = canonical(snapshot("ats-25", "ATS 25", submitted_at="2021-12-31T23:30:00Z", late=True))
        write_plan("ats-25", "published", [snap], published=1)
        r = SRV.request("GET", html_path("ats-25"))
        self.assertEqual(r.status, 200, r)
        front = parse(r.text).root.one("header", id="frontespizio")
        # Lateness is the Region's business: the public document gives the
        # time and nothing about the deadline.
        self.assertEqual(details(front)["Trasmesso alla Regione"], "1 gennaio 2022, ore 00:30")
        self.assertNotIn("oltre il termine", r.text)
        self.assertNotIn("Approvato dalla Regione", details(front))  # no review row
        self.assertIn("Fermo (36.000 abitanti)", squash(front.text()))
        self.assertEqual(SRV.request("GET", json_path("ats-25")).body,
                         canonical(public(snapshot("ats-25", "ATS 25", submitted_at="2021-12-31T23:30:00Z"))))


class RealFlow(unittest.TestCase):
    """The plans module's own flow: create, write every section, submit,
    approve, publish. The public routes must show what the ATS wrote, in the
    snapshot the submission hashed, and nothing before publication."""

    TENANT = "ats-30"
    COMUNI = [{"istat_code": "109002", "name": "Altidona", "population": 3300},
              {"istat_code": "109018", "name": "Lapedona", "population": 1150}]

    @classmethod
    def setUpClass(cls):
        new_tenant(cls.TENANT, "ATS 30", "ATS 30 – Fermo sud", cls.COMUNI)
        harness.ctl_ok(DB, "user", "add", "--email", "coord@ats30.example", "--role", "ats_coordinator",
                       "--tenant", cls.TENANT, "--name", "Giulia Bianchi", "--password-stdin",
                       input=PASSWORD + "\n")
        r = SRV.request("POST", "/api/v1/auth/login", {"email": "coord@ats30.example", "password": PASSWORD})
        assert r.status == 200, r
        cls.coord = r.json()["access_token"]
        with open(MARCHE, encoding="utf-8") as f:
            cls.template = json.load(f)["template"]["sections"]

    def call(self, method, path, body=None, token=None, etag=None, status=200):
        headers = {"If-Match": etag} if etag else None
        r = SRV.request(method, "/api/v1/tenants/%s/plans%s" % (self.TENANT, path), body,
                        token=token or self.coord, headers=headers)
        self.assertEqual(r.status, status, r)
        return r

    def put(self, path, body):
        etag = self.call("GET", path).headers["ETag"]
        return self.call("PUT", path, body, etag=etag)

    def content(self, section):
        parts = {p["key"]: "Testo di %s per la sezione %s." % (p["title"], section["key"])
                 for p in section["parts"] if p["required"]}
        body = {"parts": parts}
        if section["key"] == "A.1.2":
            parts["analisi"] = "Analisi partecipata: è emerso che " + XSS + " & co.\n\nSecondo paragrafo."
            body["indicators"] = [{"name": "Tavoli attivati", "kind": "result", "unit": "tavoli",
                                   "baseline": "1", "target": "4", "source": None}]
        if section["key"] == "B.1":
            body["spending"] = [{"service": "Pronto intervento sociale", "year": 2021, "amount_eur": 1234.5,
                                 "funding_source": "fnps"}]
        return body

    def assert_not_public(self):
        for path in (json_path(self.TENANT), html_path(self.TENANT)):
            r = SRV.request("GET", path)
            self.assertEqual(r.status, 404, r)
            self.assertEqual(r.headers.get("Content-Type"), PROBLEM)

    def test_publish_flow(self):
        self.call("POST", "", {"cycle": CYCLE}, status=201)
        self.assert_not_public()
        for section in self.template:
            self.put("/%s/sections/%s" % (CYCLE, section["key"]), self.content(section))
        self.put("/%s/finance" % CYCLE, {"income": [
            {"source": "regione", "year": 2021, "amount_eur": 7000, "note": "Fondo unico"},
            {"source": "regione", "year": 2022, "amount_eur": 3000.25, "note": None}]})
        sub = self.call("POST", "/%s/submit" % CYCLE, {"note": "Approvato dal Comitato dei Sindaci"},
                        status=201).json()
        self.assert_not_public()
        self.call("POST", "/%s/submissions/%d/review" % (CYCLE, sub["revision"]),
                  {"decision": "approve", "note": "Conforme"}, token=ADMIN, status=201)
        self.assert_not_public()
        self.call("POST", "/%s/publish" % CYCLE, token=ADMIN)

        stored = self.call("GET", "/%s/submissions/%d" % (CYCLE, sub["revision"])).body
        r = SRV.request("GET", json_path(self.TENANT))
        self.assertEqual(r.status, 200, r)
        # The submission snapshot (what the Region reviewed) is unchanged;
        # the public reads it without what is between the ATS and the Region.
        self.assertEqual(hashlib.sha256(stored).hexdigest(), sub["sha256"])
        self.assertIn(b'"note":"Approvato dal Comitato dei Sindaci"', stored)
        self.assertEqual(r.body, canonical(public(json.loads(stored, parse_float=lambda t: "@@%s@@" % t))))
        pub_sha = hashlib.sha256(r.body).hexdigest()
        self.assertEqual(DB.sql("SELECT document_sha256 FROM plan_publications WHERE tenant_id = %d"
                                % tenant_id(self.TENANT))[0][0], pub_sha)
        self.assertEqual(r.headers["Repr-Digest"],
                         "sha-256=:%s:" % base64.b64encode(hashlib.sha256(r.body).digest()).decode())
        snap = r.json()
        self.assertEqual([s["key"] for s in snap["sections"]], [s["key"] for s in self.template])

        r = SRV.request("GET", html_path(self.TENANT))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
        root = parse(r.text).root
        self.assertEqual([s.attrs["id"] for s in root.all("section", cls="sezione")],
                         ["sez-" + s["key"] for s in self.template])
        front = root.one("header", id="frontespizio")
        self.assertEqual(details(front)["Impronta SHA-256"], pub_sha)
        self.assertNotIn("Trasmesso da", details(front))
        self.assertNotIn("Giulia Bianchi", r.text)
        self.assertNotIn("Approvato dal Comitato dei Sindaci", r.text)
        self.assertIn("Approvato dalla Regione", details(front))
        self.assertIn("Altidona (3.300 abitanti)", squash(front.text()))
        self.assertNotIn(XSS, r.text)
        self.assertIn("è emerso che &lt;script&gt;alert(1)&lt;/script&gt; &amp; co.</p>\n<p>Secondo paragrafo.</p>",
                      r.text)
        # The review's note is between the Region and the ATS.
        self.assertNotIn("Conforme", r.text)
        self.assertNotIn("BOZZA", r.text)
        a12 = root.one("section", id="sez-A.1.2")
        self.assertEqual(rows(a12.one("table"))[1], ["Tavoli attivati", "risultato", "tavoli", "1", "4", "—"])
        self.assertEqual(rows(root.one("section", id="sez-B.1").one("table"))[1:], [
            ["Pronto intervento sociale", "2021", "Fondo nazionale per le politiche sociali", "1.234,50 €"],
            ["Totale della sezione", "1.234,50 €"]])
        fin = list(root.one("section", id="quadro-finanziario").all("table"))
        self.assertEqual(rows(fin[1])[-1], ["Totale", "—", "7.000,00 €", "3.000,25 €", "10.000,25 €"])
        # Sections with no required part were left empty.
        self.assertIn("Sezione non compilata", root.one("section", id="sez-D.3").text())

DRAFT_MARKDOWN = ("Il piano si articola in:\n\n- **servizi** domiciliari\n- servizi residenziali\n\n"
                  "| Servizio | Utenti 2020 |\n|---|---:|\n| SAD | 120 |\n| ADI | 45 |\n\n"
                  "Testo con " + XSS + " e <img src=x onerror=alert(2)> e [un link](javascript:alert(3)) "
                  "e [la Regione](https://www.regione.marche.it/).")


class DraftDocument(unittest.TestCase):
    """GET /api/v1/tenants/{tenant}/plans/{cycle}/document: the printable
    draft for the plan's readers, marked BOZZA, with Markdown rendered and
    nothing injected; 404 for anyone else, as for any tenant route."""

    TENANT = "ats-40"

    @classmethod
    def setUpClass(cls):
        new_tenant(cls.TENANT, "ATS 40", "ATS 40 – Valle del Tenna", [
            {"istat_code": "109008", "name": "Fermo", "population": 36000}])
        cls.tokens = {}
        for key, role, tenant in (("coord", "ats_coordinator", cls.TENANT), ("viewer", "ats_viewer", cls.TENANT),
                                  ("uni", "university", cls.TENANT), ("reviewer", "region_reviewer", None),
                                  ("other", "ats_coordinator", "ats-21"), ("uni2", "university", "ats-21")):
            args = ["user", "add", "--email", key + "@ats40.example", "--role", role, "--name", "Utente " + key,
                    "--password-stdin"]
            if tenant:
                args += ["--tenant", tenant]
            harness.ctl_ok(DB, *args, input=PASSWORD + "\n")
            r = SRV.request("POST", "/api/v1/auth/login", {"email": key + "@ats40.example", "password": PASSWORD})
            assert r.status == 200, r
            cls.tokens[key] = r.json()["access_token"]
        base = "/api/v1/tenants/%s/plans" % cls.TENANT
        r = SRV.request("POST", base, {"cycle": CYCLE}, token=cls.tokens["coord"])
        assert r.status == 201, r
        path = "%s/%s/sections/I.1" % (base, CYCLE)
        g = SRV.request("GET", path, token=cls.tokens["coord"])
        r = SRV.request("PUT", path, {"parts": {"premessa_politica": DRAFT_MARKDOWN,
                                                "nota_tecnica": "Prima riga\nseconda riga"}},
                        token=cls.tokens["coord"], headers={"If-Match": g.headers["ETag"]})
        assert r.status == 200, r
        cls.path = "%s/%s/document" % (base, CYCLE)
        cls.r = SRV.request("GET", cls.path, token=cls.tokens["viewer"])
        cls.root = parse(cls.r.text).root if cls.r.status == 200 else None

    def test_readers_get_it(self):
        for who in ("coord", "viewer", "uni", "reviewer"):
            r = SRV.request("GET", self.path, token=self.tokens[who])
            self.assertEqual(r.status, 200, (who, r))
            self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
            self.assertTrue(r.headers["Content-Security-Policy"].startswith("default-src 'none'"))
            self.assertEqual(r.headers["Cache-Control"], "no-store")
        self.assertEqual(SRV.request("GET", self.path, token=ADMIN).status, 200)

    def test_others_get_404(self):
        for who in ("other", "uni2"):
            r = SRV.request("GET", self.path, token=self.tokens[who])
            self.assertEqual(r.status, 404, (who, r))
            self.assertEqual(r.headers["Content-Type"], PROBLEM)
            self.assertNotIn("Valle del Tenna", r.text)
        self.assertEqual(SRV.request("GET", self.path).status, 401)
        # A tenant with no plan for the cycle: 404 as well.
        r = SRV.request("GET", "/api/v1/tenants/ats-24/plans/%s/document" % CYCLE, token=ADMIN)
        self.assertEqual(r.status, 404, r)
        # And a draft is never public.
        self.assertEqual(SRV.request("GET", html_path(self.TENANT)).status, 404)

    def test_marked_bozza(self):
        self.assertEqual(self.r.status, 200, self.r)
        self.assertTrue(squash(self.root.one("title").text()).startswith("BOZZA – Piano Sociale di Ambito"))
        self.assertIn("BOZZA", self.root.one("p", cls="avviso-bozza").text())
        # On paper: a watermark element (fixed: repeated on every page) and
        # the running header of every page.
        mark = self.root.one("div", cls="filigrana")
        self.assertEqual(mark.text(), "BOZZA")
        style = self.root.one("style").text()
        self.assertIn('@top-center{content:"BOZZA', style)
        self.assertIn(".filigrana{position:fixed", style)
        front = details(self.root.one("header", id="frontespizio"))
        self.assertEqual(front["Stato del documento"], "Bozza, non approvata")
        self.assertIn("Testo aggiornato al", front)
        for absent in ("Impronta SHA-256", "Revisione", "Trasmesso alla Regione", "Approvato dalla Regione"):
            self.assertNotIn(absent, front)
        self.assertIn("Fermo (36.000 abitanti)", squash(self.root.one("header", id="frontespizio").text()))

    def test_markdown_rendered(self):
        i1 = self.root.one("section", id="sez-I.1")
        table = i1.one("table")
        self.assertEqual(rows(table), [["Servizio", "Utenti 2020"], ["SAD", "120"], ["ADI", "45"]])
        self.assertEqual([squash(li.text()) for li in i1.one("ul").all("li")],
                         ["servizi domiciliari", "servizi residenziali"])
        self.assertEqual(i1.one("strong").text(), "servizi")
        # Plain text keeps its line break.
        self.assertIn("<p>Prima riga<br>\nseconda riga</p>", self.r.text)
        links = [a.attrs.get("href") for t in i1.all("div", cls="testo") for a in t.all("a")]
        self.assertEqual(links, ["https://www.regione.marche.it/"])

    def test_injected_html_is_text(self):
        text = self.r.text
        self.assertNotIn(XSS, text)
        self.assertNotIn("<img", text)
        self.assertNotIn("javascript:", text)
        self.assertIn("Testo con &lt;script&gt;alert(1)&lt;/script&gt; e &lt;img src=x onerror=alert(2)&gt; e "
                      "un link e", text)
        self.assertEqual([n.tag for n in self.root.all() if n.tag in ("script", "img", "iframe")], [])

    def test_title_page_and_sommario_layout(self):
        style = self.root.one("style").text()
        # The facts are a grid: a label that wraps keeps its value beside it.
        self.assertRegex(style, r"\.estremi\{[^}]*display:grid")
        # Chromium prints no target-counter(): the sommario links instead.
        self.assertNotIn("target-counter", style)
        nav = self.root.one("nav", cls="sommario")
        hrefs = [a.attrs["href"] for a in nav.all("a")]
        with open(MARCHE, encoding="utf-8") as f:
            keys = [s["key"] for s in json.load(f)["template"]["sections"]]
        for key in keys:
            self.assertIn("#sez-" + key, hrefs)
            self.root.one("section", id="sez-" + key)
        self.assertEqual([squash(s.text()) for s in nav.all("span", cls="chiave")], keys)


if __name__ == "__main__":
    harness.main()
