"""Participation (SPEC §7) on the demo data: ATS 7's coordinator creates a
thematic table tied to B.1 with its participants, names it in B.1's
working_group block, holds a meeting with minutes and attendance, and
submits the plan; the snapshot and the printable document carry the table
and the meeting without a single e-mail. The iCalendar feed parses with a
real iCalendar parser (Debian's python3-icalendar) and gives the meetings in
Europe/Rome time. Another ATS's coordinator gets 404 on every one of it.

Expected values are written here (names, times, counts), never read back
from the server to compare with itself."""

import datetime
import json
import os
import sys
import unittest
import urllib.parse
from zoneinfo import ZoneInfo

import harness

try:
    import icalendar
except ImportError:  # Debian's package, under a Python of another install
    sys.path.append("/usr/lib/python3/dist-packages")
    import icalendar

DATA = os.path.join(harness.source_dir(), "deploy", "data")
MARCHE = os.path.join(DATA, "marche-2020-2022.json")
DEMO = os.path.join(DATA, "demo-marche.json")
with open(DEMO, encoding="utf-8") as _f:
    DEMO_DOC = json.load(_f)
PASSWORDS = {u["email"]: u["password"] for u in DEMO_DOC["users"]}
COORD_7 = "coordinatore.ats7@demo.ambito.invalid"
COORD_1 = "coordinatore.ats1@demo.ambito.invalid"
REVIEWER = "revisore.regione@demo.ambito.invalid"
GROUPS = "/api/v1/tenants/ats-7/groups"
PLAN_7 = "/api/v1/tenants/ats-7/plans/2020-2022"
MERGE = {"Content-Type": "application/merge-patch+json"}

PEOPLE = [
    {"first_name": "Maria", "last_name": "Rossi", "organization": "Caritas diocesana",
     "kind": "terzo settore", "role": "volontaria", "email": "maria.rossi@esempio.invalid"},
    {"first_name": "Giovanni", "last_name": "Verdi", "organization": "Comune di Fermo",
     "kind": "Comune", "role": "assistente sociale", "email": "g.verdi@esempio.invalid"},
    {"first_name": "Anna", "last_name": "Neri, detta \"Annina\"", "organization": "CGIL; sede di Fermo",
     "kind": "sindacato", "email": "anna.neri@esempio.invalid"},
]


class Participation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = harness.Database()
        cls.db.migrate()
        harness.ctl_ok(cls.db, "import", MARCHE)
        harness.ctl_ok(cls.db, "demo-load", DEMO)
        # Candidacies are counted per client address: each test speaks from
        # addresses of its own through a trusted proxy (the loopback).
        cls.srv = harness.Server(cls.db, env={"AMBITO_TRUSTED_PROXIES": "127.0.0.1/32 ::1"})
        cls.tok = {e: cls.login(e) for e in (COORD_7, COORD_1, REVIEWER)}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.db.drop()

    @classmethod
    def login(cls, email):
        r = cls.srv.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORDS[email]})
        assert r.status == 200, r
        return r.json()["access_token"]

    def req(self, method, path, body=None, who=COORD_7, headers=None):
        return self.srv.request(method, path, body, headers=headers, token=self.tok[who])

    def new_group(self, name="Tavolo povertà e inclusione", **extra):
        body = {"cycle": "2020-2022", "name": name, "area": "B1", "sections": ["B.1"],
                "referent": "Dott.ssa Paola Bianchi", "participants": PEOPLE}
        body.update(extra)
        r = self.req("POST", GROUPS, body)
        self.assertEqual(r.status, 201, r)
        return r

    # -- tables

    def test_a_table_with_its_participants(self):
        r = self.new_group()
        g = r.json()
        self.assertEqual(r.headers["Location"], "%s/%d" % (GROUPS, g["id"]))
        self.assertEqual((g["cycle"], g["area"], g["sections"], g["version"]), ("2020-2022", "B1", ["B.1"], 1))
        self.assertEqual([(p["last_name"], p["email"]) for p in g["participants"]],
                         [(p["last_name"], p["email"]) for p in PEOPLE])
        got = self.req("GET", "%s/%d" % (GROUPS, g["id"]), who=REVIEWER)
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.json()["participants"][1]["organization"], "Comune di Fermo")
        listed = self.req("GET", GROUPS + "?cycle=2020-2022").json()["items"]
        self.assertIn(g["id"], [x["id"] for x in listed])
        audit = self.db.sql("SELECT object, status FROM audit_log WHERE object = '%s/%d' AND method = 'POST'"
                            % (GROUPS, g["id"]))
        self.assertEqual([tuple(a) for a in audit], [("%s/%d" % (GROUPS, g["id"]), "201")])

    def test_refusals_name_their_fields(self):
        r = self.req("POST", GROUPS, {"cycle": "2020-2022", "name": "", "area": "B99", "sections": ["Z.9"],
                                      "referent": "x" * 301,
                                      "participants": [{"first_name": "A", "organization": "B",
                                                        "email": "non-una-email"}]})
        self.assertEqual(r.status, 422, r)
        fields = {e["field"] for e in r.json()["errors"]}
        self.assertEqual(fields, {"name", "area", "sections[0]", "referent", "participants[0].last_name",
                                  "participants[0].email"})
        r = self.req("POST", GROUPS, {"cycle": "1999-2000", "name": "x", "referent": "y"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["cycle"])
        # Viewers of the Region read but do not write.
        r = self.req("POST", GROUPS, {"cycle": "2020-2022", "name": "x", "referent": "y"}, who=REVIEWER)
        self.assertEqual(r.status, 403, r)

    def test_patch_keeps_named_participants(self):
        g = self.new_group("Tavolo da modificare").json()
        url = "%s/%d" % (GROUPS, g["id"])
        keep = g["participants"][0]
        body = {"name": "Tavolo modificato",
                "participants": [dict(keep, role="portavoce"), {"first_name": "Luca", "last_name": "Gialli",
                                                                "organization": "Istituto comprensivo"}]}
        r = self.req("PATCH", url, body, headers=MERGE)
        self.assertEqual(r.status, 428, r)
        r = self.req("PATCH", url, body, headers=dict(MERGE, **{"If-Match": '"group-%d-1"' % g["id"]}))
        self.assertEqual(r.status, 200, r)
        after = r.json()
        self.assertEqual(after["name"], "Tavolo modificato")
        self.assertEqual(after["version"], 2)
        self.assertEqual([(p["last_name"], p["role"]) for p in after["participants"]],
                         [("Rossi", "portavoce"), ("Gialli", None)])
        self.assertEqual(after["participants"][0]["id"], keep["id"])
        self.assertEqual(after["area"], "B1")  # not named: kept
        # An id of another table's participant is refused.
        other = self.new_group("Altro tavolo").json()
        r = self.req("PATCH", url, {"participants": [other["participants"][0]]},
                     headers=dict(MERGE, **{"If-Match": '"group-%d-2"' % g["id"]}))
        self.assertEqual(r.status, 422, r)
        r = self.req("PATCH", url, {"cycle": "2021-2023"}, headers=dict(MERGE, **{"If-Match": '"group-%d-2"' % g["id"]}))
        self.assertEqual(r.status, 422, r)

    # -- meetings and the feed

    def test_meeting_attendance_among_participants(self):
        g = self.new_group("Tavolo con incontri").json()
        ids = [p["id"] for p in g["participants"]]
        other = self.new_group("Tavolo senza incontri").json()
        url = "%s/%d/meetings" % (GROUPS, g["id"])
        r = self.req("POST", url, {"starts_at": "2021-04-12T15:00:00Z", "place": "Sala consiliare",
                                   "attendees": [ids[0], other["participants"][0]["id"]]})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["errors"][0]["field"], "attendees")
        r = self.req("POST", url, {"starts_at": "2021-04-12T15:00:00Z", "ends_at": "2021-04-12T14:00:00Z",
                                   "place": ""})
        self.assertEqual(r.status, 422, r)
        self.assertEqual({e["field"] for e in r.json()["errors"]}, {"ends_at", "place"})
        r = self.req("POST", url, {"starts_at": "2021-04-12T15:00:00Z", "place": "Sala consiliare",
                                   "agenda": "1. Analisi dei bisogni", "minutes": "# Verbale\n\nPresenti: due.",
                                   "attendees": ids[:2]})
        self.assertEqual(r.status, 201, r)
        m = r.json()
        self.assertEqual((m["starts_at"], m["attendees"]), ("2021-04-12T15:00:00Z", sorted(ids[:2])))
        murl = "/api/v1/tenants/ats-7/meetings/%d" % m["id"]
        r = self.req("PATCH", murl, {"attendees": ids}, headers=dict(MERGE, **{"If-Match": '"meeting-%d-1"' % m["id"]}))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["attendees"], r.json()["place"]), (sorted(ids), "Sala consiliare"))
        self.assertEqual(len(self.req("GET", url, who=REVIEWER).json()["items"]), 1)

    def test_ics_feed_in_rome_time(self):
        g = self.new_group("Tavolo; anziani, non autosufficienza").json()
        url = "%s/%d/meetings" % (GROUPS, g["id"])
        place = "Via Roma 1, Fermo; sala \\ grande " + "lunga " * 20
        # 16:00 UTC in July is 18:00 in Rome (CEST); 09:30 UTC in January 10:30 (CET).
        summer = self.req("POST", url, {"starts_at": "2021-07-05T16:00:00Z", "ends_at": "2021-07-05T18:00:00Z",
                                        "place": place, "agenda": "Primo punto\nSecondo punto, ultimo"}).json()
        winter = self.req("POST", url, {"starts_at": "2022-01-20T09:30:00Z", "place": "Municipio"}).json()
        r = self.req("GET", "/api/v1/tenants/ats-7/meetings.ics")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/calendar"), r.headers)
        raw = r.body
        for line in raw.split(b"\r\n")[:-1]:
            self.assertLessEqual(len(line), 75, line)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        cal = icalendar.Calendar.from_ical(raw)
        events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
        rome = ZoneInfo("Europe/Rome")
        ev = events["meeting-%d@ats-7.ambito" % summer["id"]]
        start = ev.decoded("DTSTART").astimezone(rome)
        self.assertEqual((start.date(), start.hour, start.minute), (datetime.date(2021, 7, 5), 18, 0))
        self.assertEqual(ev.decoded("DTEND").astimezone(rome).hour, 20)
        self.assertEqual(str(ev["LOCATION"]), place)
        self.assertEqual(str(ev["DESCRIPTION"]), "Primo punto\nSecondo punto, ultimo")
        self.assertEqual(str(ev["SUMMARY"]), "Tavolo: Tavolo; anziani, non autosufficienza")
        ev = events["meeting-%d@ats-7.ambito" % winter["id"]]
        start = ev.decoded("DTSTART").astimezone(rome)
        self.assertEqual((start.hour, start.minute), (10, 30))
        self.assertIn("DTSTAMP", ev)
        # The UID stays when the meeting changes.
        r = self.req("PATCH", "/api/v1/tenants/ats-7/meetings/%d" % winter["id"], {"place": "Municipio, sala 2"},
                     headers=dict(MERGE, **{"If-Match": '"meeting-%d-1"' % winter["id"]}))
        self.assertEqual(r.status, 200, r)
        cal = icalendar.Calendar.from_ical(self.req("GET", "/api/v1/tenants/ats-7/meetings.ics").body)
        places = {str(e["UID"]): str(e["LOCATION"]) for e in cal.walk("VEVENT")}
        self.assertEqual(places["meeting-%d@ats-7.ambito" % winter["id"]], "Municipio, sala 2")

    # -- the plan: working_group, snapshot, document

    def test_z_submitted_plan_carries_the_table(self):
        g = self.new_group("Tavolo inclusione sociale").json()
        ids = [p["id"] for p in g["participants"]]
        r = self.req("POST", "%s/%d/meetings" % (GROUPS, g["id"]),
                     {"starts_at": "2021-05-03T08:30:00Z", "place": "Centro servizi di Porto San Giorgio",
                      "minutes": "Il tavolo ha condiviso l'analisi.", "attendees": ids})
        self.assertEqual(r.status, 201, r)
        sec = self.req("GET", PLAN_7 + "/sections/B.1")
        self.assertEqual(sec.status, 200, sec)
        etag = sec.headers["ETag"]
        # A table of another tenant (or none) is refused.
        r1 = self.srv.request("POST", "/api/v1/tenants/ats-1/groups",
                              {"cycle": "2020-2022", "name": "Tavolo ATS 1", "referent": "R"},
                              token=self.tok[COORD_1])
        self.assertEqual(r1.status, 201, r1)
        for bad in (r1.json()["id"], 999999):
            r = self.req("PATCH", PLAN_7 + "/sections/B.1", {"working_group": {"group": bad}},
                         headers=dict(MERGE, **{"If-Match": etag}))
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.json()["errors"][0]["field"], "working_group.group")
        # A section whose template has no working_group block refuses it.
        a12 = self.req("GET", PLAN_7 + "/sections/A.1.2")
        r = self.req("PATCH", PLAN_7 + "/sections/A.1.2", {"working_group": {"group": g["id"]}},
                     headers=dict(MERGE, **{"If-Match": a12.headers["ETag"]}))
        self.assertEqual(r.status, 422, r)
        r = self.req("PATCH", PLAN_7 + "/sections/B.1", {"working_group": {"group": g["id"]}},
                     headers=dict(MERGE, **{"If-Match": etag}))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["working_group"], {"group": g["id"]})

        r = self.req("POST", PLAN_7 + "/submit", {"note": "Con il tavolo"})
        self.assertEqual(r.status, 201, r)
        rev = r.json()["revision"]
        snap = self.req("GET", "%s/submissions/%d" % (PLAN_7, rev))
        self.assertEqual(snap.status, 200, snap)
        self.assertNotIn(b"@esempio.invalid", snap.body)
        doc = snap.json()
        b1 = [s for s in doc["sections"] if s["key"] == "B.1"][0]
        self.assertEqual(b1["working_group"], {"group": g["id"]})
        table = [x for x in doc["groups"] if x["id"] == g["id"]][0]
        self.assertEqual(table["name"], "Tavolo inclusione sociale")
        self.assertEqual([(p["first_name"], p["last_name"], p["organization"]) for p in table["participants"]],
                         [(p["first_name"], p["last_name"], p["organization"]) for p in PEOPLE])
        for p in table["participants"]:
            self.assertNotIn("email", p)
        self.assertEqual([(m["starts_at"], m["place"], m["attendance"]) for m in table["meetings"]],
                         [("2021-05-03T08:30:00Z", "Centro servizi di Porto San Giorgio", 3)])
        # The tables of ATS 1 are not in ATS 7's snapshot.
        self.assertNotIn("Tavolo ATS 1", snap.text)

        page = self.req("GET", PLAN_7 + "/document")
        self.assertEqual(page.status, 200, page)
        text = page.text
        self.assertNotIn("@esempio.invalid", text)
        self.assertIn("Tavolo tematico: Tavolo inclusione sociale", text)
        self.assertIn("<td>Giovanni Verdi</td><td>Comune di Fermo</td>", text)
        self.assertIn("Neri, detta &quot;Annina&quot;", text)
        # 08:30 UTC in May is 10:30 in Rome; three attended.
        self.assertIn("<td>3 maggio 2021, ore 10:30</td><td>Centro servizi di Porto San Giorgio</td>"
                      "<td class=\"num\">3</td>", text)

    # -- public calls and candidacies

    def new_call(self, groups, opens, closes, title="Avviso di manifestazione di interesse"):
        r = self.req("POST", "/api/v1/tenants/ats-7/calls",
                     {"title": title, "description": "Partecipa ai tavoli tematici dell'ATS 7.",
                      "opens_at": opens, "closes_at": closes, "groups": groups})
        self.assertEqual(r.status, 201, r)
        return r.json()

    def apply(self, call, addr, **fields):
        body = {"organization": "Associazione Il Ponte", "kind": "terzo settore",
                "contact_name": "Carla Maria Bruni", "email": "carla.bruni@esempio.invalid",
                "groups": call["groups_ids"] if "groups_ids" in call else [g["id"] for g in call["groups"]],
                "motivation": "Lavoriamo con le famiglie in difficoltà.", "privacy_consent": True}
        body.update(fields)
        return self.srv.request("POST", "/api/v1/public/calls/%d/candidacies" % call["id"], body,
                                headers={"X-Forwarded-For": addr})

    def test_calls_and_candidacies(self):
        g = self.new_group("Tavolo famiglie e minori").json()
        now = datetime.datetime.now(datetime.timezone.utc)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        call = self.new_call([g["id"]], (now - datetime.timedelta(days=1)).strftime(fmt),
                             (now + datetime.timedelta(days=30)).strftime(fmt))
        self.assertEqual((call["open"], call["groups"], call["candidacies"]),
                         (True, [{"id": g["id"], "name": "Tavolo famiglie e minori"}], 0))
        closed = self.new_call([g["id"]], "2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z", "Avviso chiuso")
        self.assertFalse(closed["open"])
        # Editors of the ATS and the Region do not open calls.
        r = self.req("POST", "/api/v1/tenants/ats-7/calls", {"title": "x"}, who=REVIEWER)
        self.assertEqual(r.status, 403, r)

        public = self.srv.request("GET", "/api/v1/public/calls")
        self.assertEqual(public.status, 200, public)
        ids = [c["id"] for c in public.json()["items"]]
        self.assertIn(call["id"], ids)
        self.assertNotIn(closed["id"], ids)
        self.assertNotIn(b"@", public.body)

        r = self.apply(closed, "192.0.2.1")
        self.assertEqual(r.status, 409, r)
        r = self.apply(call, "192.0.2.1", privacy_consent=False)
        self.assertEqual(r.status, 422, r)
        self.assertEqual([e["field"] for e in r.json()["errors"]], ["privacy_consent"])
        r = self.apply(call, "192.0.2.1", privacy_consent=None, motivation="x" * 4001, organization="")
        self.assertEqual(r.status, 422, r)
        self.assertEqual({e["field"] for e in r.json()["errors"]}, {"privacy_consent", "motivation", "organization"})
        r = self.apply(call, "192.0.2.2", groups=[g["id"] + 1000])
        self.assertEqual(r.status, 422, r)
        # The honeypot: the same answer, nothing stored.
        r = self.apply(call, "192.0.2.3", website="http://spam.invalid", email="robot@esempio.invalid")
        self.assertEqual((r.status, r.json()), (201, {"call": call["id"], "status": "received"}))
        r = self.apply(call, "192.0.2.3")
        self.assertEqual((r.status, r.json()), (201, {"call": call["id"], "status": "received"}))
        r = self.apply(call, "192.0.2.4", contact_name="Paolo Sarti", email="p.sarti@esempio.invalid",
                       organization="Cooperativa Sole")
        self.assertEqual(r.status, 201, r)

        url = "/api/v1/tenants/ats-7/calls/%d/candidacies" % call["id"]
        got = self.req("GET", url)
        self.assertEqual(got.status, 200, got)
        items = got.json()["items"]
        self.assertEqual([(c["contact_name"], c["email"], c["status"]) for c in items],
                         [("Carla Maria Bruni", "carla.bruni@esempio.invalid", "received"),
                          ("Paolo Sarti", "p.sarti@esempio.invalid", "received")])
        self.assertEqual(self.req("GET", url, who=REVIEWER).status, 200)
        self.assertEqual(self.req("GET", url, who=COORD_1).status, 404)
        audit = self.db.sql("SELECT COUNT(*) FROM audit_log WHERE route = '/api/v1/public/calls/{id}/candidacies'"
                            " AND status = 201 AND user_id IS NULL AND tenant_id IS NOT NULL")
        self.assertEqual(int(audit[0][0]), 2)

        carla, paolo = items
        r = self.req("POST", "/api/v1/tenants/ats-7/candidacies/%d/accept" % carla["id"])
        self.assertEqual((r.status, r.json()["status"]), (200, "accepted"))
        r = self.req("POST", "/api/v1/tenants/ats-7/candidacies/%d/accept" % carla["id"])
        self.assertEqual(r.status, 409, r)
        people = self.req("GET", "%s/%d" % (GROUPS, g["id"])).json()["participants"]
        self.assertEqual([(p["first_name"], p["last_name"], p["organization"], p["kind"]) for p in people[-1:]],
                         [("Carla Maria", "Bruni", "Associazione Il Ponte", "terzo settore")])
        self.assertEqual(len(people), len(PEOPLE) + 1)

        cand = "/api/v1/tenants/ats-7/candidacies/%d" % paolo["id"]
        self.assertEqual(self.req("DELETE", cand).status, 409)  # not rejected yet
        self.assertEqual(self.req("POST", cand + "/reject").json()["status"], "rejected")
        self.assertEqual(self.req("DELETE", cand, who=COORD_1).status, 404)
        r = self.req("DELETE", cand)
        self.assertEqual(r.status, 204, r)
        after = [c for c in self.req("GET", url).json()["items"] if c["id"] == paolo["id"]][0]
        self.assertEqual((after["contact_name"], after["email"], after["organization"], after["status"]),
                         (None, None, None, "rejected"))
        self.assertIsNotNone(after["erased_at"])
        row = self.db.sql("SELECT COUNT(*) FROM participation_candidacies WHERE email = 'p.sarti@esempio.invalid'")
        self.assertEqual(int(row[0][0]), 0)
        self.assertEqual(self.req("DELETE", "/api/v1/tenants/ats-7/candidacies/%d" % carla["id"]).status, 409)

    def test_public_form(self):
        g = self.new_group("Tavolo sport per tutti").json()
        call = self.new_call([g["id"]], "2021-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "Avviso sport")
        form = [("organization", "ASD <Corri> & Vinci"), ("kind", "associazione sportiva"),
                ("contact_name", "Rita Levi"), ("email", "rita.levi@esempio.invalid"), ("groups", str(g["id"])),
                ("motivation", "Sport per tutti"), ("website", "")]
        path = "/partecipa/avvisi/%d" % call["id"]
        origin = "http://%s:%d" % (self.srv.host, self.srv.port)
        h = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "203.0.113.50"}
        page = self.srv.request("GET", path)
        self.assertEqual(page.status, 200, page)
        self.assertIn("art. 13 del Regolamento UE 2016/679", page.text)
        # Another site's form: refused before anything is read or stored.
        r = self.srv.request("POST", path, urllib.parse.urlencode(form + [("privacy_consent", "1")]),
                             headers=dict(h, Origin="https://altro.invalid"))
        self.assertEqual(r.status, 403, r)
        same = dict(h, Origin=origin, **{"Sec-Fetch-Site": "same-origin"})
        r = self.srv.request("POST", path, urllib.parse.urlencode(form), headers=same)
        self.assertEqual(r.status, 422, r)
        self.assertIn("Consenso: serve il consenso", r.text)
        self.assertIn('value="ASD &lt;Corri&gt; &amp; Vinci"', r.text)
        r = self.srv.request("POST", path, urllib.parse.urlencode(form + [("privacy_consent", "1")]), headers=same)
        self.assertEqual(r.status, 201, r)
        self.assertIn("la candidatura è stata ricevuta", r.text)
        # A robot fills the hidden field: the same page, nothing kept.
        robot = [(k, "http://spam.invalid" if k == "website" else v) for k, v in form] + [("privacy_consent", "1")]
        r = self.srv.request("POST", path, urllib.parse.urlencode(robot), headers=dict(same, **{"X-Forwarded-For": "203.0.113.51"}))
        self.assertEqual(r.status, 201, r)
        got = self.req("GET", "/api/v1/tenants/ats-7/calls/%d/candidacies" % call["id"]).json()["items"]
        self.assertEqual([(c["organization"], c["contact_name"]) for c in got], [("ASD <Corri> & Vinci", "Rita Levi")])
        listed = self.srv.request("GET", "/partecipa")
        self.assertIn("Avviso sport", listed.text)

    def test_candidacies_rate_limited_per_address(self):
        g = self.new_group("Tavolo giovani").json()
        call = self.new_call([g["id"]], "2021-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "Avviso giovani")
        seen = [self.apply(call, "198.51.100.9", privacy_consent=False).status for _ in range(5)]
        self.assertEqual(seen, [422] * 5)
        r = self.apply(call, "198.51.100.9")
        self.assertEqual(r.status, 429, r)
        self.assertGreater(int(r.headers["Retry-After"]), 0)
        # Another address is not held back.
        self.assertEqual(self.apply(call, "198.51.100.10").status, 201)

    # -- the map of local bodies

    def test_public_map_lists_only_public_bodies(self):
        bodies = [
            {"name": "Comune di Fermo", "kind": "Comune", "comune": "Fermo", "contact": "protocollo@esempio.invalid",
             "public": True},
            {"name": "Cooperativa <Il Sole>", "kind": "terzo settore", "comune": "Fermo",
             "contact": "tel. 0734 000000, sig.ra Rossi", "public": True},
            {"name": "Associazione Aiuto", "kind": "terzo settore", "comune": "Porto San Giorgio", "public": True},
            {"name": "Gruppo informale riservato", "kind": "terzo settore", "comune": "Fermo",
             "contact": "mario@esempio.invalid", "public": False},
        ]
        # Before anything is public the map answers as for a tenant that does not exist.
        absent = self.srv.request("GET", "/api/v1/public/tenants/ats-zz/stakeholders")
        self.assertEqual(absent.status, 404, absent)
        for b in bodies:
            r = self.req("POST", "/api/v1/tenants/ats-7/stakeholders", b)
            self.assertEqual(r.status, 201, r)
        r = self.req("POST", "/api/v1/tenants/ats-7/stakeholders", {"name": "", "kind": "x" * 65, "public": "sì"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual({e["field"] for e in r.json()["errors"]}, {"name", "kind", "public"})
        own = self.req("GET", "/api/v1/tenants/ats-7/stakeholders").json()["items"]
        self.assertEqual(len(own), 4)
        self.assertIn("mario@esempio.invalid", [b["contact"] for b in own])

        pub = self.srv.request("GET", "/api/v1/public/tenants/ats-7/stakeholders")
        self.assertEqual(pub.status, 200, pub)
        self.assertEqual(pub.json()["items"], [
            {"name": "Comune di Fermo", "kind": "Comune", "comune": "Fermo"},
            {"name": "Cooperativa <Il Sole>", "kind": "terzo settore", "comune": "Fermo"},
            {"name": "Associazione Aiuto", "kind": "terzo settore", "comune": "Porto San Giorgio"}])
        for text in ("@", "0734", "riservato"):
            self.assertNotIn(text, pub.text)
        csv = self.srv.request("GET", "/api/v1/public/tenants/ats-7/stakeholders?format=csv")
        self.assertEqual(csv.status, 200, csv)
        lines = csv.text.lstrip("\ufeff").splitlines()
        self.assertEqual(lines, ["name,kind,comune", "Comune di Fermo,Comune,Fermo",
                                 "Cooperativa <Il Sole>,terzo settore,Fermo",
                                 "Associazione Aiuto,terzo settore,Porto San Giorgio"])
        page = self.srv.request("GET", "/partecipa/ats-7/enti")
        self.assertEqual(page.status, 200, page)
        text = page.text
        self.assertNotIn("@esempio", text)
        self.assertNotIn("riservato", text)
        self.assertIn("Cooperativa &lt;Il Sole&gt;", text)
        # Grouped: the kind, then its Comuni in order, each with its bodies.
        at = 0
        for x in ("<h2 class=\"h4\">Comune</h2>", "<h3 class=\"h6\">Fermo</h3>", "<li>Comune di Fermo</li>",
                  "<h2 class=\"h4\">terzo settore</h2>", "<h3 class=\"h6\">Fermo</h3>",
                  "<li>Cooperativa &lt;Il Sole&gt;</li>", "<h3 class=\"h6\">Porto San Giorgio</h3>",
                  "<li>Associazione Aiuto</li>"):
            at = text.index(x, at)
        self.assertEqual(text.count("<h2 class=\"h4\">"), 2)
        # ATS 1 has no public body: the same 404 as a tenant that does not exist.
        a = self.srv.request("GET", "/api/v1/public/tenants/ats-1/stakeholders").json()
        b = self.srv.request("GET", "/api/v1/public/tenants/ats-zz/stakeholders").json()
        a.pop("request_id"), b.pop("request_id")
        self.assertEqual(a, b)
        self.assertEqual(self.srv.request("GET", "/partecipa/ats-1/enti").status, 404)

    # -- isolation

    def test_another_ats_gets_404(self):
        g = self.new_group("Tavolo riservato").json()
        m = self.req("POST", "%s/%d/meetings" % (GROUPS, g["id"]),
                     {"starts_at": "2021-06-01T10:00:00Z", "place": "Sede"}).json()
        paths = [("GET", GROUPS, None), ("POST", GROUPS, {"cycle": "2020-2022", "name": "x", "referent": "y"}),
                 ("GET", "%s/%d" % (GROUPS, g["id"]), None),
                 ("PATCH", "%s/%d" % (GROUPS, g["id"]), {"name": "preso"}),
                 ("GET", "%s/%d/meetings" % (GROUPS, g["id"]), None),
                 ("POST", "%s/%d/meetings" % (GROUPS, g["id"]), {"starts_at": "2021-06-01T10:00:00Z",
                                                                  "place": "x"}),
                 ("GET", "/api/v1/tenants/ats-7/meetings/%d" % m["id"], None),
                 ("PATCH", "/api/v1/tenants/ats-7/meetings/%d" % m["id"], {"place": "x"}),
                 ("GET", "/api/v1/tenants/ats-7/meetings.ics", None),
                 ("GET", "/api/v1/tenants/ats-7/calls", None),
                 ("POST", "/api/v1/tenants/ats-7/calls", {"title": "x"}),
                 ("GET", "/api/v1/tenants/ats-7/stakeholders", None),
                 ("POST", "/api/v1/tenants/ats-7/stakeholders", {"name": "x", "kind": "y"})]
        for method, path, body in paths:
            r = self.req(method, path, body, who=COORD_1, headers=MERGE if method == "PATCH" else None)
            self.assertEqual(r.status, 404, (method, path, r))
        # Through its own tenant, ATS 1 cannot reach ATS 7's table or meeting either.
        for path in ("/api/v1/tenants/ats-1/groups/%d" % g["id"], "/api/v1/tenants/ats-1/meetings/%d" % m["id"]):
            r = self.req("GET", path, who=COORD_1)
            self.assertEqual(r.status, 404, (path, r))
        self.assertEqual(self.req("GET", "%s/%d" % (GROUPS, g["id"])).json()["name"], "Tavolo riservato")


if __name__ == "__main__":
    harness.main()
