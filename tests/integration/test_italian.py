"""The texts of error answers are Italian, against a real ambitod and MariaDB:
a representative answer for each status a client meets (400, 401, 403, 404,
405, 409, 412, 413, 415, 422, 428, 429) has the Italian title of its status,
a detail (and field messages) without common English words, while the status
line, field paths and codes stay the machine names they were.

The titles are written here by hand; the English word list is a heuristic
that an untranslated answer fails."""

import re
import unittest

import harness
from test_http import one_response

PASSWORD = "una password lunga abbastanza"
LOGIN = "/api/v1/auth/login"
CYCLES = "/api/v1/cycles"

ENGLISH = re.compile(r"\b(the|must|not|is|invalid|only|cannot|found|allowed)\b", re.I)

TITLES = {
    400: "Richiesta non valida",
    401: "Autenticazione richiesta",
    403: "Operazione non consentita",
    404: "Non trovato",
    405: "Metodo non consentito",
    409: "Conflitto",
    412: "Precondizione non soddisfatta",
    413: "Contenuto troppo grande",
    415: "Tipo di contenuto non supportato",
    422: "Dati non validi",
    428: "Precondizione richiesta",
    429: "Troppe richieste",
}

DB = SRV = None
TOKENS = {}


def add_user(mail, role):
    harness.ctl_ok(DB, "user", "add", "--email", mail, "--role", role, "--password-stdin",
                   input=PASSWORD + "\n")


def login(mail, password=PASSWORD):
    return SRV.request("POST", LOGIN, {"email": mail, "password": password})


def req(method, path, who=None, body=None, headers=None, **kw):
    return SRV.request(method, path, body=body, headers=headers, token=TOKENS[who] if who else None, **kw)


def setUpModule():
    global DB, SRV
    DB = harness.Database()
    DB.migrate()
    add_user("admin@example.it", "region_admin")
    add_user("reviewer@example.it", "region_reviewer")
    add_user("victim@example.it", "region_reviewer")
    SRV = harness.Server(DB)
    for who in ("admin", "reviewer"):
        r = login(who + "@example.it")
        assert r.status == 200, r
        TOKENS[who] = r.json()["access_token"]
    r = req("POST", CYCLES, "admin", {"slug": "ciclo-2024", "title": "Ciclo 2024", "start_year": 2024,
                                      "end_year": 2026, "submission_deadline": None})
    assert r.status == 201, r


def tearDownModule():
    try:
        if SRV is not None:
            rc = SRV.stop()
            if rc != 0:
                raise AssertionError("ambitod exited %d" % rc)
    finally:
        if DB is not None:
            DB.drop()


class ItalianProblems(unittest.TestCase):
    def assertItalian(self, r, status, detail_has=None):
        """A problem document of status whose texts read Italian; returns it."""
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/problem+json"), r)
        doc = r.json()
        self.assertEqual(doc["status"], status, doc)
        self.assertEqual(doc["title"], TITLES[status], doc)
        self.assertIsInstance(doc.get("detail"), str, doc)
        texts = [doc["title"], doc["detail"]] + [e["message"] for e in doc.get("errors", [])]
        for t in texts:
            self.assertIsNone(ENGLISH.search(t), (status, t))
        if detail_has is not None:
            self.assertIn(detail_has, doc["detail"], doc)
        return doc

    def test_heuristic_catches_english(self):
        # The word list must flag what the server used to answer.
        for old in ("there is no such cycle", "the body must be a JSON object", "POST is not allowed here",
                    "only a region_admin may change a cycle or its rules", "Not Found"):
            self.assertIsNotNone(ENGLISH.search(old), old)
        for new in ("la risorsa richiesta non esiste", "Non trovato", "è obbligatorio"):
            self.assertIsNone(ENGLISH.search(new), new)

    def test_400_malformed_json(self):
        r = SRV.request("POST", LOGIN, raw=b'{"email":', headers={"Content-Type": "application/json"})
        self.assertItalian(r, 400, "JSON non valido")

    def test_400_malformed_json_says_where_in_italian(self):
        # yajl's English ("parse error: after key and value, inside map, I
        # expect ',' or '}'") never reaches the client: the reason and the
        # place, in Italian.
        cases = ((b'{"email": "a@b.it",\n "password" "x"}', "manca ':' tra chiave e valore", "riga 2"),
                 (b'{"email": "a@b.it"', "il testo finisce prima che il documento sia completo", "riga 1"),
                 (b'{"email": "a@b.it"} x', "c'è altro testo dopo la fine del documento", "riga 1"),
                 (b'[1 2]', "atteso ',' o ']'", "colonna"),
                 (b'{"a": tru}', "", "riga 1"))
        for raw, reason, where in cases:
            with self.subTest(raw=raw):
                r = SRV.request("POST", LOGIN, raw=raw, headers={"Content-Type": "application/json"})
                doc = self.assertItalian(r, 400, "JSON non valido: ")
                self.assertIn(reason, doc["detail"])
                self.assertIn(where, doc["detail"])
                self.assertIsNone(re.search(r"\b(error|expect|premature|EOF|lexical|garbage|token)\b",
                                            doc["detail"], re.I), doc)

    def test_ambitoctl_speaks_italian(self):
        # What an operator reads on the terminal.
        runs = [(("help",), 0), (("nessuno",), 2), (("export", "nessun-ciclo"), 1),
                (("import", "/nonexistent/ciclo.json"), 1),
                (("user", "add", "--email", "corta@example.it", "--role", "region_admin", "--password-stdin"), 1),
                (("user", "add", "--email", "admin@example.it", "--role", "region_admin", "--password-stdin"), 1),
                (("user", "add", "--email", "x@example.it", "--role", "ats_editor"), 2),
                (("user", "add", "--email", "x@example.it", "--role", "ats_editor", "--tenant", "nessuno",
                  "--password-stdin"), 1),
                (("demo-load", "/nonexistent/demo.json"), 1)]
        # Words of the old messages that name nothing of the tool's own.
        english = re.compile(r"\b(the|must|not|is|invalid|only|cannot|found|allowed|usage|unknown|already|"
                             r"exists|needs|created|no such|there is)\b", re.I)
        for args, status in runs:
            with self.subTest(args=args):
                pw = "corta\n" if "corta@example.it" in args else PASSWORD + "\n"
                p = harness.ctl(DB, *args, input=pw)
                self.assertEqual(p.returncode, status, (p.stdout, p.stderr))
                out = p.stdout + p.stderr
                self.assertTrue(out.strip(), args)
                # Strip what is not prose: options, file paths, role names
                # and the system's own strerror text.
                prose = re.sub(r"--[a-z-]+|/nonexistent/\S+|\b[a-z]+_[a-z_]+\b|No such file or directory", "",
                               out)
                self.assertIsNone(english.search(prose), out)
        p = harness.ctl(DB, "user", "add", "--email", "nuovo@example.it", "--role", "region_reviewer",
                        "--password-stdin", input=PASSWORD + "\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^creato l'utente \d+ nuovo@example.it \(region_reviewer\)$")

    def test_400_bad_query_parameter(self):
        doc = self.assertItalian(req("GET", CYCLES + "?limit=0", "admin"), 400)
        self.assertEqual([e["field"] for e in doc["errors"]], ["limit"])

    def test_401_without_token(self):
        self.assertItalian(req("GET", "/api/v1/users"), 401, "accedere")

    def test_401_wrong_password(self):
        self.assertItalian(login("admin@example.it", "una password sbagliata"), 401, "email o password errate")

    def test_403_role(self):
        r = req("POST", CYCLES, "reviewer", {"slug": "vietato", "title": "T", "start_year": 2024,
                                             "end_year": 2026, "submission_deadline": None})
        self.assertItalian(r, 403, "solo un region_admin")

    def test_404_unknown_path_keeps_english_status_line(self):
        r = req("GET", "/api/v1/no/such/thing")
        self.assertItalian(r, 404, "la risorsa richiesta non esiste")
        # Only the JSON title is Italian: the status line keeps its reason.
        self.assertEqual(r.reason, "Not Found")

    def test_404_unknown_page_outside_the_api_is_the_italian_page(self):
        # Outside /api/ a path without a route is the web interface's page,
        # as for a page of a tenant one may not see; under /api/ the JSON
        # problem (above). (/ats/xyz, a page's path, first asks an anonymous
        # visitor to log in: test_web.py checks its 404 page when logged in.)
        for path in ("/nonesiste", "/ats/ats-1/piani/2020-2022/altro/ancora", "/apix",
                     "/static/nessuno.css", "/nonesiste?x=<script>"):
            with self.subTest(path=path):
                r = req("GET", path)
                self.assertEqual(r.status, 404, r)
                self.assertTrue(r.headers.get("Content-Type", "").startswith("text/html"), r.headers)
                page = r.body.decode("utf-8")
                self.assertIn('<html lang="it">', page)
                self.assertIn("<title>Pagina non trovata", page)
                self.assertIn("La pagina che cerchi non esiste", page)
                self.assertIn('href="/"', page)
                self.assertNotIn("<script>", page)
                self.assertIn("default-src", r.headers.get("Content-Security-Policy", ""))
                self.assertIsNone(ENGLISH.search(re.sub(r"<[^>]*>", " ", page)), page)
        # A HEAD has the page's status and headers, no body.
        r = SRV.request("HEAD", "/nonesiste")
        self.assertEqual(r.status, 404)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/html"), r.headers)
        self.assertEqual(r.body, b"")
        # Under /api/ the problem, whatever follows.
        for path in ("/api/nonesiste", "/api/v1/ats/xyz", "/api"):
            with self.subTest(path=path):
                self.assertItalian(req("GET", path), 404, "la risorsa richiesta non esiste")

    def test_404_unknown_cycle(self):
        self.assertItalian(req("GET", CYCLES + "/nessuno", "admin"), 404, "il ciclo nessuno non esiste")

    def test_405_method(self):
        doc = self.assertItalian(req("DELETE", LOGIN), 405)
        self.assertEqual(doc["detail"], "il metodo DELETE non è ammesso per questo indirizzo")

    def test_409_duplicate(self):
        r = req("POST", CYCLES, "admin", {"slug": "ciclo-2024", "title": "Doppio", "start_year": 2024,
                                          "end_year": 2026, "submission_deadline": None})
        self.assertItalian(r, 409, "il ciclo ciclo-2024 esiste già")

    def test_412_and_428_preconditions(self):
        path = CYCLES + "/ciclo-2024"
        self.assertItalian(req("PATCH", path, "admin", {"title": "Nuovo"}), 428, "If-Match")
        r = req("PATCH", path, "admin", {"title": "Nuovo"}, headers={"If-Match": '"non-questo"'})
        self.assertItalian(r, 412, "rileggerla")

    def test_413_body_over_the_login_limit(self):
        head = ("POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                "Content-Length: 10000000\r\nConnection: close\r\n\r\n" % LOGIN).encode()
        r = one_response(SRV.raw_request(head))
        self.assertItalian(r, 413, "byte ammessi")

    def test_415_not_json(self):
        r = SRV.request("POST", LOGIN, raw=b"email=a&password=b",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertItalian(r, 415, "Content-Type: application/json")

    def test_422_field_messages(self):
        r = req("POST", CYCLES, "admin", {"slug": "Non Valido", "title": "", "start_year": 1200,
                                          "end_year": "2026", "submission_deadline": "30/06/2025",
                                          "colore": "rosso"})
        doc = self.assertItalian(r, 422)
        got = {e["field"]: e["message"] for e in doc["errors"]}
        self.assertEqual(got["slug"], "deve contenere solo lettere minuscole, cifre e trattini singoli "
                                      "(al massimo 64), es. ats-20")
        self.assertEqual(got["title"], "non può essere vuoto")
        self.assertEqual(got["end_year"], "deve essere un numero intero")
        self.assertEqual(got["colore"], "non è un campo previsto")
        self.assertRegex(got["start_year"], r"^deve essere compreso tra \d+ e \d+$")
        self.assertEqual(got["submission_deadline"], "deve essere un orario UTC nel formato 2021-12-31T23:59:59Z")

    def test_422_body_not_an_object(self):
        self.assertItalian(req("POST", CYCLES, "admin", [1, 2]), 422, "oggetto JSON")

    def test_429_failed_logins(self):
        statuses = []
        for i in range(7):
            r = login("victim@example.it", "sbagliata-%d" % i)
            statuses.append(r.status)
            if r.status == 429:
                break
        self.assertEqual(statuses[-1], 429, statuses)
        self.assertItalian(r, 429, "troppi accessi non riusciti: riprovare tra ")
        self.assertRegex(r.json()["detail"], r"riprovare tra \d+ second[io]$")


if __name__ == "__main__":
    harness.main()
