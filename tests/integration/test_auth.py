"""Authentication (SPEC §3) and its audit (SPEC §8) against a real ambitod:
login, access tokens (JWT checked in full, forged ones refused), refresh
rotation and reuse detection, logout, roles read from the database on every
request, the login throttle, password changes, `ambitoctl user add`, and that
no password or refresh token is stored, logged or audited in clear.

Most tests share one database and server (made in setUpModule; every test
makes its own users). The throttle tests each have their own database and
server so their counters stay apart; the shared server sees fewer than 20
failed logins in all, below the per-address limit."""

import base64
import concurrent.futures
import hashlib
import hmac
import json
import re
import secrets
import time
import unittest

import harness

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"
MY_PASSWORD = "/api/v1/me/password"

ISS = "ambito"
AUD = "ambito-api"

TENANT_SLUG = "ats-1"


# ---------------------------------------------------------------- JWT by hand

def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def forge(payload, key=None, alg="HS256", header=None):
    """A JWT with the given payload, signed with key (str) by alg (HS256,
    HS512 or none). header replaces the default {"alg":alg,"typ":"JWT"}."""
    hdr = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = (b64u(_compact(hdr)) + "." + b64u(_compact(payload)))
    if alg == "none":
        sig = ""
    else:
        digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
        sig = b64u(hmac.new(key.encode("utf-8"), signing_input.encode("ascii"),
                            digest).digest())
    return signing_input + "." + sig


def decode_jwt(token):
    """(header, payload, raw signature) of a compact JWS, unverified."""
    parts = token.split(".")
    if len(parts) != 3:
        raise AssertionError("not a compact JWT: %r" % token)
    return (json.loads(b64u_decode(parts[0])), json.loads(b64u_decode(parts[1])),
            b64u_decode(parts[2]))


def claims(user_id, login_id, **over):
    """Valid claims for user_id/login_id; over changes some (None drops one)."""
    now = int(time.time())
    c = {"iss": ISS, "aud": AUD, "sub": str(user_id), "sid": str(login_id),
         "iat": now, "exp": now + 600}
    for k, v in over.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


# ---------------------------------------------------------------- helpers

def new_password():
    return "pw-" + secrets.token_urlsafe(18)


def new_email(tag="u"):
    return "%s-%s@example.it" % (tag, secrets.token_hex(5))


def add_user(db, email, password, role="region_admin", tenant=None):
    """ambitoctl user add with --password-stdin; returns (user id, process)."""
    args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
    if tenant:
        args += ["--tenant", tenant]
    p = harness.ctl_ok(db, *args, input=password + "\n")
    m = re.search(r"creato l'utente (\d+)", p.stdout)
    if not m:
        raise AssertionError("no user id in ambitoctl output: %r" % p.stdout)
    return int(m.group(1)), p


def login(srv, email, password):
    return srv.request("POST", LOGIN, {"email": email, "password": password})


def login_ok(testcase, srv, email, password):
    r = login(srv, email, password)
    testcase.assertEqual(r.status, 200, r.text)
    return r.json()


def sid_of(token):
    return int(decode_jwt(token)[1]["sid"])


class Shared:
    db = None
    srv = None


def setUpModule():
    Shared.db = harness.Database()
    try:
        Shared.db.migrate()
        Shared.db.sql("INSERT INTO tenants (slug, code, name) "
                      "VALUES ('%s', 'ATS 1', 'Ambito 1')" % TENANT_SLUG)
        Shared.srv = harness.Server(Shared.db)
    except Exception:
        Shared.db.drop()
        raise


def tearDownModule():
    try:
        if Shared.srv is not None:
            rc = Shared.srv.stop()
            if rc != 0:
                raise AssertionError("ambitod exited %d; log:\n%s"
                                     % (rc, Shared.srv.log_tail()))
    finally:
        Shared.db.drop()


class SharedServerTest(unittest.TestCase):
    def setUp(self):
        self.db = Shared.db
        self.srv = Shared.srv
        # Let the harness print this server's log if the test fails.
        if self.srv not in harness._servers_this_test:
            harness._servers_this_test.append(self.srv)

    def user(self, role="region_admin", tenant=None, tag="u"):
        """A new user: (id, email, password)."""
        email, pw = new_email(tag), new_password()
        uid, _ = add_user(self.db, email, pw, role=role, tenant=tenant)
        return uid, email, pw

    def assertProblem(self, r, status):
        self.assertEqual(r.status, status, r.text)
        self.assertTrue(r.headers.get("Content-Type", "").startswith(
            "application/problem+json"), r.headers)
        body = r.json()
        self.assertEqual(body["status"], status, body)
        return body

    def assertUnauthorized(self, token=None, headers=None):
        r = self.srv.request("GET", ME, token=token, headers=headers)
        body = self.assertProblem(r, 401)
        self.assertNotIn("email", body)
        return r


# ---------------------------------------------------------------- login

class LoginTest(SharedServerTest):
    def test_success_shape(self):
        uid, email, pw = self.user(tag="Shape")
        before = int(time.time())
        r = login(self.srv, email.upper(), pw)  # emails match in any case
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.assertIn("no-store", r.headers.get("Cache-Control", ""))
        body = r.json()
        self.assertEqual(set(body), {"access_token", "token_type", "expires_in",
                                     "refresh_token", "user"})
        self.assertEqual(body["token_type"], "Bearer")
        self.assertEqual(body["expires_in"], 900)
        self.assertEqual(body["user"], {
            "id": uid, "email": email.lower(), "name": "", "role": "region_admin",
            "memberships": [], "assignments": [], "active": True})
        # 256 random bits, base64url.
        self.assertRegex(body["refresh_token"], r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual(len(b64u_decode(body["refresh_token"])), 32)

        header, payload, sig = decode_jwt(body["access_token"])
        self.assertEqual(header["alg"], "HS256")
        self.assertEqual(len(sig), 32)
        self.assertEqual(payload["iss"], "ambito")
        self.assertEqual(payload["aud"], "ambito-api")
        self.assertEqual(payload["sub"], str(uid))
        self.assertIsInstance(payload["iat"], int)
        self.assertIsInstance(payload["exp"], int)
        self.assertLessEqual(payload["exp"] - payload["iat"], 900)
        self.assertGreater(payload["exp"], payload["iat"])
        self.assertLessEqual(payload["exp"], int(time.time()) + 900 + 1)
        self.assertGreaterEqual(payload["iat"], before - 1)
        # sid names this user's login row.
        self.assertEqual(self.db.sql(
            "SELECT user_id, revoked_at IS NULL FROM logins WHERE id = %d"
            % int(payload["sid"])), [[str(uid), "1"]])
        # The token works.
        me = self.srv.request("GET", ME, token=body["access_token"])
        self.assertEqual(me.status, 200, me.text)
        self.assertEqual(me.json(), body["user"])

    def test_wrong_password_and_unknown_email_look_the_same(self):
        _, email, pw = self.user()

        def timed(e, p):
            t0 = time.monotonic()
            r = login(self.srv, e, p)
            return r, time.monotonic() - t0

        wrong, t_wrong = timed(email, pw + "x")
        unknown, t_unknown = timed(new_email("nobody"), pw)
        for r in (wrong, unknown):
            self.assertProblem(r, 401)
        self.assertEqual(wrong.headers["Content-Type"],
                         unknown.headers["Content-Type"])
        a, b = wrong.json(), unknown.json()
        a.pop("request_id", None)
        b.pop("request_id", None)
        self.assertEqual(a, b)
        self.assertNotIn("access_token", a)
        # scrypt ran in both cases (tens of milliseconds); not a tight bound.
        self.assertGreaterEqual(t_wrong, 0.010)
        self.assertGreaterEqual(t_unknown, 0.010)

    def test_inactive_user_cannot_log_in(self):
        uid, email, pw = self.user()
        self.db.sql("UPDATE users SET active = 0 WHERE id = %d" % uid)
        r = login(self.srv, email, pw)
        self.assertProblem(r, 401)
        self.db.sql("UPDATE users SET active = 1 WHERE id = %d" % uid)
        login_ok(self, self.srv, email, pw)


class ValidationTest(SharedServerTest):
    def test_empty_object_lists_both_fields(self):
        body = self.assertProblem(self.srv.request("POST", LOGIN, {}), 422)
        fields = sorted(e["field"] for e in body["errors"])
        self.assertEqual(fields, ["email", "password"])

    def test_email_not_a_string(self):
        r = self.srv.request("POST", LOGIN, {"email": 5, "password": "whatever-long"})
        body = self.assertProblem(r, 422)
        self.assertEqual([e["field"] for e in body["errors"]], ["email"])

    def test_not_json(self):
        r = self.srv.request("POST", LOGIN, "email=a@b.it&password=x",
                             headers={"Content-Type":
                                      "application/x-www-form-urlencoded"})
        self.assertProblem(r, 415)

    def test_malformed_json(self):
        r = self.srv.request("POST", LOGIN, '{"email": "a@b.it", ',
                             headers={"Content-Type": "application/json"})
        self.assertProblem(r, 400)


# ---------------------------------------------------------------- tokens

class TokenTest(SharedServerTest):
    @classmethod
    def setUpClass(cls):
        db, srv = Shared.db, Shared.srv
        cls.secret = db.jwt_secret
        cls.a_email, cls.a_pw = new_email("a"), new_password()
        cls.b_email, cls.b_pw = new_email("b"), new_password()
        cls.a_id, _ = add_user(db, cls.a_email, cls.a_pw)
        cls.b_id, _ = add_user(db, cls.b_email, cls.b_pw, role="region_reviewer")
        ra = login(srv, cls.a_email, cls.a_pw)
        rb = login(srv, cls.b_email, cls.b_pw)
        if ra.status != 200 or rb.status != 200:
            raise AssertionError("login failed: %r %r" % (ra, rb))
        cls.a_token = ra.json()["access_token"]
        cls.b_token = rb.json()["access_token"]
        cls.a_sid = sid_of(cls.a_token)
        cls.b_sid = sid_of(cls.b_token)

    def good(self, **over):
        return claims(self.a_id, self.a_sid, **over)

    def test_issued_token_works(self):
        r = self.srv.request("GET", ME, token=self.a_token)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["id"], self.a_id)

    def test_forged_with_real_secret_is_accepted(self):
        # Proves forge() is right, so the refusals below are for the reason
        # each test names.
        r = self.srv.request("GET", ME, token=forge(self.good(), self.secret))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["email"], self.a_email)
        r = self.srv.request("GET", ME, token=forge(
            claims(self.b_id, self.b_sid), self.secret))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["role"], "region_reviewer")

    def test_no_header(self):
        r = self.assertUnauthorized()
        self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""))

    def test_not_bearer(self):
        self.assertUnauthorized(headers={"Authorization": "Basic YTpi"})
        self.assertUnauthorized(headers={"Authorization": "Bearer"})
        self.assertUnauthorized(headers={"Authorization": "Bearer "})

    def test_garbage(self):
        self.assertUnauthorized(headers={"Authorization": "Bearer garbage"})
        self.assertUnauthorized(headers={"Authorization": "Bearer a.b.c"})

    def test_alg_none(self):
        tok = forge(self.good(), alg="none")
        self.assertTrue(tok.endswith("."))
        self.assertUnauthorized(tok)
        # Nor with the real signature appended.
        real = forge(self.good(), self.secret)
        parts = tok.split(".")
        self.assertUnauthorized(parts[0] + "." + parts[1] + "." + real.split(".")[2])

    def test_other_key(self):
        self.assertUnauthorized(forge(self.good(), secrets.token_hex(32)))
        self.assertUnauthorized(forge(self.good(), ""))

    def test_payload_changed_signature_kept(self):
        h, _, s = self.a_token.split(".")
        _, payload, _ = decode_jwt(self.a_token)
        payload["sub"] = str(self.b_id)
        payload["sid"] = str(self.b_sid)
        self.assertUnauthorized(h + "." + b64u(_compact(payload)) + "." + s)
        # The same change re-signed with the real key is accepted (B's login).
        self.assertEqual(self.srv.request("GET", ME, token=forge(
            payload, self.secret)).status, 200)

    def test_expired(self):
        now = int(time.time())
        self.assertUnauthorized(forge(self.good(iat=now - 960, exp=now - 60),
                                      self.secret))

    def test_expiry_too_far(self):
        # We never issue more than 15 minutes; a longer one was not ours.
        now = int(time.time())
        self.assertUnauthorized(forge(self.good(exp=now + 86400), self.secret))

    def test_wrong_aud(self):
        self.assertUnauthorized(forge(self.good(aud="other-api"), self.secret))
        self.assertUnauthorized(forge(self.good(aud=None), self.secret))

    def test_wrong_iss(self):
        self.assertUnauthorized(forge(self.good(iss="evil"), self.secret))
        self.assertUnauthorized(forge(self.good(iss=None), self.secret))

    def test_missing_exp(self):
        self.assertUnauthorized(forge(self.good(exp=None), self.secret))
        self.assertUnauthorized(forge(self.good(exp="9999999999"), self.secret))

    def test_missing_or_bad_sub_sid(self):
        self.assertUnauthorized(forge(self.good(sub=None), self.secret))
        self.assertUnauthorized(forge(self.good(sid=None), self.secret))
        self.assertUnauthorized(forge(self.good(sub="0"), self.secret))
        self.assertUnauthorized(forge(self.good(sub="999999"), self.secret))
        self.assertUnauthorized(forge(self.good(sid="999999"), self.secret))

    def test_hs512_with_real_secret(self):
        self.assertUnauthorized(forge(self.good(), self.secret, alg="HS512"))

    def test_header_typ_and_nbf(self):
        # No typ is accepted; a typ other than JWT, or not a string, is not.
        self.assertEqual(self.srv.request("GET", ME, token=forge(
            self.good(), self.secret, header={"alg": "HS256"})).status, 200)
        self.assertUnauthorized(forge(self.good(), self.secret, header={"alg": "HS256", "typ": "at+jwt"}))
        self.assertUnauthorized(forge(self.good(), self.secret, header={"alg": "HS256", "typ": 1}))
        self.assertUnauthorized(forge(self.good(), self.secret, header={"typ": "JWT"}))
        # nbf: now is accepted, an hour ahead or not a number is not.
        now = int(time.time())
        self.assertEqual(self.srv.request("GET", ME, token=forge(
            self.good(nbf=now), self.secret)).status, 200)
        self.assertUnauthorized(forge(self.good(nbf=now + 3600), self.secret))
        self.assertUnauthorized(forge(self.good(nbf="0"), self.secret))

    def test_signature_segment_exact(self):
        h, p, s = self.a_token.split(".")
        self.assertEqual(len(s), 43)
        self.assertUnauthorized(h + "." + p + "." + s + "=")       # padding
        self.assertUnauthorized(h + "." + p + "." + s[:-1])        # one character short
        self.assertUnauthorized(h + "." + p + "." + s + ".x")      # a fourth segment
        self.assertUnauthorized(h + "." + p + "." + s[:10] + "*" + s[11:])

    def test_too_long(self):
        # Signed right, but longer than 4096 bytes.
        big = forge(self.good(pad="x" * 3200), self.secret)
        self.assertGreater(len(big), 4096)
        self.assertUnauthorized(big)
        # The same padding that stays under the limit is accepted.
        small = forge(self.good(pad="x" * 2800), self.secret)
        self.assertLess(len(small), 4096)
        self.assertEqual(self.srv.request("GET", ME, token=small).status, 200)

    def test_sid_of_another_users_login(self):
        self.assertUnauthorized(forge(claims(self.a_id, self.b_sid), self.secret))
        self.assertUnauthorized(forge(claims(self.b_id, self.a_sid), self.secret))


# ---------------------------------------------------------------- refresh

class RefreshTest(SharedServerTest):
    def test_rotation_and_reuse(self):
        uid, email, pw = self.user()
        first = login_ok(self, self.srv, email, pw)
        sid = sid_of(first["access_token"])

        r = self.srv.request("POST", REFRESH, {"refresh_token": first["refresh_token"]})
        self.assertEqual(r.status, 200, r.text)
        second = r.json()
        self.assertEqual(set(second), {"access_token", "token_type", "expires_in",
                                       "refresh_token", "user"})
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertEqual(second["user"]["id"], uid)
        self.assertEqual(sid_of(second["access_token"]), sid)
        # The older access token stays valid until it expires.
        self.assertEqual(self.srv.request("GET", ME, token=first["access_token"]).status, 200)
        self.assertEqual(self.srv.request("GET", ME, token=second["access_token"]).status, 200)

        r = self.srv.request("POST", REFRESH, {"refresh_token": second["refresh_token"]})
        self.assertEqual(r.status, 200, r.text)
        third = r.json()

        # The first token again: someone holds a copy. 401, and the login ends.
        r = self.srv.request("POST", REFRESH, {"refresh_token": first["refresh_token"]})
        self.assertProblem(r, 401)
        r = self.srv.request("POST", REFRESH, {"refresh_token": third["refresh_token"]})
        self.assertProblem(r, 401)
        self.assertUnauthorized(third["access_token"])
        self.assertUnauthorized(first["access_token"])
        self.assertEqual(self.db.sql(
            "SELECT revoked_at IS NOT NULL FROM logins WHERE id = %d" % sid), [["1"]])
        rows = self.db.sql(
            "SELECT status, outcome, detail FROM audit_log WHERE route = '%s'"
            " AND user_id = %d AND detail LIKE '%%reuse%%'" % (REFRESH, uid))
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][:2], ["401", "refused"])
        # Logging in again works.
        login_ok(self, self.srv, email, pw)

    def test_unknown_or_malformed_refresh_token(self):
        r = self.srv.request("POST", REFRESH, {"refresh_token": b64u(secrets.token_bytes(32))})
        self.assertProblem(r, 401)
        body = self.assertProblem(self.srv.request("POST", REFRESH, {}), 422)
        self.assertEqual([e["field"] for e in body["errors"]], ["refresh_token"])

    def test_expired_refresh_token(self):
        _, email, pw = self.user()
        t = login_ok(self, self.srv, email, pw)
        h = hashlib.sha256(t["refresh_token"].encode()).hexdigest()
        self.db.sql("UPDATE refresh_tokens SET expires_at = NOW(6) - INTERVAL 1 SECOND"
                    " WHERE token_hash = UNHEX('%s')" % h)
        r = self.srv.request("POST", REFRESH, {"refresh_token": t["refresh_token"]})
        self.assertProblem(r, 401)

    def test_logout(self):
        _, email, pw = self.user()
        t = login_ok(self, self.srv, email, pw)
        other = login_ok(self, self.srv, email, pw)  # a second login stays
        r = self.srv.request("POST", LOGOUT, {"refresh_token": t["refresh_token"]})
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(r.body, b"")
        self.assertUnauthorized(t["access_token"])
        r = self.srv.request("POST", REFRESH, {"refresh_token": t["refresh_token"]})
        self.assertProblem(r, 401)
        # Again, and with a token nobody has: still 204.
        r = self.srv.request("POST", LOGOUT, {"refresh_token": t["refresh_token"]})
        self.assertEqual(r.status, 204, r.text)
        r = self.srv.request("POST", LOGOUT, {"refresh_token": b64u(secrets.token_bytes(32))})
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(self.srv.request("GET", ME, token=other["access_token"]).status, 200)


# ---------------------------------------------------------------- live roles

class LiveRolesTest(SharedServerTest):
    def test_deactivation_takes_effect_at_once(self):
        uid, email, pw = self.user()
        t = login_ok(self, self.srv, email, pw)
        self.assertEqual(self.srv.request("GET", ME, token=t["access_token"]).status, 200)
        self.db.sql("UPDATE users SET active = 0 WHERE id = %d" % uid)
        self.assertUnauthorized(t["access_token"])
        r = self.srv.request("POST", REFRESH, {"refresh_token": t["refresh_token"]})
        self.assertProblem(r, 401)
        self.db.sql("UPDATE users SET active = 1 WHERE id = %d" % uid)
        self.assertEqual(self.srv.request("GET", ME, token=t["access_token"]).status, 200)

    def test_role_changes_take_effect_at_once(self):
        uid, email, pw = self.user(role="ats_coordinator", tenant=TENANT_SLUG)
        t = login_ok(self, self.srv, email, pw)
        self.assertIsNone(t["user"]["role"])
        self.assertEqual(t["user"]["memberships"],
                         [{"tenant": TENANT_SLUG, "role": "ats_coordinator"}])
        tok = t["access_token"]
        self.db.sql("UPDATE memberships SET role = 'ats_viewer' WHERE user_id = %d" % uid)
        me = self.srv.request("GET", ME, token=tok).json()
        self.assertEqual(me["memberships"], [{"tenant": TENANT_SLUG, "role": "ats_viewer"}])
        self.db.sql("DELETE FROM memberships WHERE user_id = %d" % uid)
        r = self.srv.request("GET", ME, token=tok)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["memberships"], [])
        self.db.sql("UPDATE users SET region_role = 'region_reviewer' WHERE id = %d" % uid)
        self.assertEqual(self.srv.request("GET", ME, token=tok).json()["role"],
                         "region_reviewer")

    def test_university_assignments(self):
        uid, email, pw = self.user(role="university", tenant=TENANT_SLUG)
        t = login_ok(self, self.srv, email, pw)
        self.assertEqual(t["user"]["role"], "university")
        self.assertEqual(t["user"]["assignments"], [TENANT_SLUG])
        self.db.sql("DELETE FROM assignments WHERE user_id = %d" % uid)
        self.assertEqual(self.srv.request("GET", ME, token=t["access_token"]).json()
                         ["assignments"], [])


# ---------------------------------------------------------------- password

class PasswordChangeTest(SharedServerTest):
    def test_wrong_current(self):
        _, email, pw = self.user()
        t = login_ok(self, self.srv, email, pw)
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw + "x",
                                                  "new_password": new_password()},
                             token=t["access_token"])
        body = self.assertProblem(r, 422)
        self.assertEqual(body["errors"][0]["field"], "current_password")
        login_ok(self, self.srv, email, pw)

    def test_short_new(self):
        _, email, pw = self.user()
        t = login_ok(self, self.srv, email, pw)
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw,
                                                  "new_password": "a" * 11},
                             token=t["access_token"])
        body = self.assertProblem(r, 422)
        self.assertEqual([e["field"] for e in body["errors"]], ["new_password"])
        # Twelve characters (not bytes) are enough.
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw,
                                                  "new_password": "è" * 12},
                             token=t["access_token"])
        self.assertEqual(r.status, 204, r.text)
        login_ok(self, self.srv, email, "è" * 12)

    def test_needs_a_token(self):
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": "x" * 12,
                                                  "new_password": "y" * 12})
        self.assertProblem(r, 401)

    def test_success_ends_other_logins(self):
        _, email, pw = self.user()
        other = login_ok(self, self.srv, email, pw)
        mine = login_ok(self, self.srv, email, pw)
        neu = new_password()
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw,
                                                  "new_password": neu},
                             token=mine["access_token"])
        self.assertEqual(r.status, 204, r.text)
        self.assertProblem(login(self.srv, email, pw), 401)
        login_ok(self, self.srv, email, neu)
        self.assertUnauthorized(other["access_token"])
        r = self.srv.request("POST", REFRESH, {"refresh_token": other["refresh_token"]})
        self.assertProblem(r, 401)
        # The login that made the change goes on.
        self.assertEqual(self.srv.request("GET", ME, token=mine["access_token"]).status, 200)


# ---------------------------------------------------------------- secrets

class NoClearSecretsTest(SharedServerTest):
    def test_passwords_and_refresh_tokens_are_nowhere(self):
        email, pw = new_email("secret"), new_password()
        _, p = add_user(self.db, email, pw)
        ctl_out = p.stdout + p.stderr
        self.assertNotIn(pw, ctl_out)

        wrong = pw[::-1]
        self.assertProblem(login(self.srv, email, wrong), 401)
        t1 = login_ok(self, self.srv, email, pw)
        r = self.srv.request("POST", REFRESH, {"refresh_token": t1["refresh_token"]})
        self.assertEqual(r.status, 200, r.text)
        t2 = r.json()
        neu = new_password()
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw,
                                                  "new_password": neu},
                             token=t2["access_token"])
        self.assertEqual(r.status, 204, r.text)
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": wrong,
                                                  "new_password": neu + "z"},
                             token=t2["access_token"])
        self.assertProblem(r, 422)
        t3 = login_ok(self, self.srv, email, neu)
        r = self.srv.request("POST", LOGOUT, {"refresh_token": t3["refresh_token"]})
        self.assertEqual(r.status, 204, r.text)

        passwords = [pw, wrong, neu, neu + "z"]
        refresh = [t1["refresh_token"], t2["refresh_token"], t3["refresh_token"]]
        needles = []
        for s in passwords + refresh:
            needles += [s, s.encode("utf-8").hex(), s.encode("utf-8").hex().upper()]
        for s in refresh:  # the raw 32 bytes, hex-encoded
            needles += [b64u_decode(s).hex(), b64u_decode(s).hex().upper()]

        for table in ("users", "logins", "refresh_tokens", "audit_log"):
            dump = repr(self.db.sql("SELECT * FROM %s" % table))
            hexdump = repr(self.db.sql(self._hex_all(table)))
            for n in needles:
                self.assertNotIn(n, dump, "%s holds a secret in clear" % table)
                self.assertNotIn(n, hexdump, "%s holds a secret in clear" % table)
        log = self.srv.log_text()
        for n in passwords + refresh:
            self.assertNotIn(n, log)

        row = self.db.sql("SELECT password_hash FROM users WHERE email = '%s'" % email)
        self.assertTrue(row[0][0].startswith("scrypt$32768$8$1$"), row)
        # Salted: the same password gives another hash for another user.
        email2 = new_email("secret2")
        add_user(self.db, email2, neu)
        row2 = self.db.sql("SELECT password_hash FROM users WHERE email = '%s'" % email2)
        self.assertNotEqual(row[0][0], row2[0][0])

        for tok in refresh:
            sha = hashlib.sha256(tok.encode("ascii")).hexdigest().upper()
            got = self.db.sql("SELECT LENGTH(token_hash), HEX(token_hash) = '%s'"
                              " FROM refresh_tokens WHERE token_hash = UNHEX('%s')"
                              % (sha, sha))
            self.assertEqual(got, [["32", "1"]], tok)
            self.assertNotEqual(sha, b64u_decode(tok).hex().upper())
        self.assertEqual(self.db.sql(
            "SELECT COUNT(*) FROM refresh_tokens WHERE LENGTH(token_hash) <> 32"), [["0"]])

    def _hex_all(self, table):
        cols = [c[0] for c in self.db.sql(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'" % table)]
        return "SELECT %s FROM %s" % (", ".join("HEX(`%s`)" % c for c in cols), table)


# ---------------------------------------------------------------- audit

class AuditTest(SharedServerTest):
    def test_logins_are_audited(self):
        uid, email, pw = self.user(tag="audit")
        r = login(self.srv, email, pw + "-nope")
        self.assertProblem(r, 401)
        refused_id = r.headers["X-Request-Id"]
        r = login(self.srv, email, pw)
        self.assertEqual(r.status, 200, r.text)
        ok_id = r.headers["X-Request-Id"]

        cols = ("user_id", "user_email", "method", "route", "status", "outcome",
                "client", "role")
        q = ("SELECT %s FROM audit_log WHERE request_id = '%%s'" % ", ".join(cols))
        refused = self.db.sql(q % refused_id)
        self.assertEqual(len(refused), 1, refused)
        row = dict(zip(cols, refused[0]))
        self.assertEqual(row["route"], "/api/v1/auth/login")
        self.assertEqual(row["method"], "POST")
        self.assertEqual(row["status"], "401")
        self.assertEqual(row["outcome"], "refused")
        self.assertEqual(row["client"], "127.0.0.1")
        self.assertIsNone(row["user_id"])  # nobody has logged in

        ok = self.db.sql(q % ok_id)
        self.assertEqual(len(ok), 1, ok)
        row = dict(zip(cols, ok[0]))
        self.assertEqual(row["route"], "/api/v1/auth/login")
        self.assertEqual(row["status"], "200")
        self.assertEqual(row["outcome"], "ok")
        self.assertEqual(row["user_id"], str(uid))
        self.assertEqual(row["user_email"], email)
        self.assertEqual(row["role"], "region_admin")  # SPEC §8: who and with which role

        dump = repr(self.db.sql("SELECT * FROM audit_log"))
        self.assertIn(email, dump)  # the search can find things
        self.assertNotIn(pw, dump)
        self.assertNotIn(pw + "-nope", dump)

    def test_logout_and_password_change_are_audited(self):
        uid, email, pw = self.user(tag="audit2")
        t = login_ok(self, self.srv, email, pw)
        r = self.srv.request("PUT", MY_PASSWORD, {"current_password": pw,
                                                  "new_password": new_password()},
                             token=t["access_token"])
        self.assertEqual(r.status, 204, r.text)
        rows = self.db.sql("SELECT user_id, status, outcome FROM audit_log"
                           " WHERE route = '%s' AND request_id = '%s'"
                           % (MY_PASSWORD, r.headers["X-Request-Id"]))
        self.assertEqual(rows, [[str(uid), "204", "ok"]])
        r = self.srv.request("POST", LOGOUT, {"refresh_token": t["refresh_token"]})
        self.assertEqual(r.status, 204)
        rows = self.db.sql("SELECT status, outcome FROM audit_log WHERE request_id = '%s'"
                           % r.headers["X-Request-Id"])
        self.assertEqual(rows, [["204", "ok"]])


# ---------------------------------------------------------------- throttle

class ThrottleTest(unittest.TestCase):
    """Each test: its own database and server, so counters start at zero."""

    def setUp(self):
        self.db = harness.Database()
        self.addCleanup(self.db.drop)
        self.db.migrate()
        self.srv = harness.Server(self.db)
        self.addCleanup(self.srv.stop)

    def assert429(self, r):
        self.assertEqual(r.status, 429, r.text)
        self.assertTrue(r.headers["Content-Type"].startswith("application/problem+json"))
        self.assertEqual(r.json()["status"], 429)
        ra = r.headers.get("Retry-After", "")
        self.assertRegex(ra, r"^[0-9]+$")
        self.assertGreaterEqual(int(ra), 1)
        self.assertLessEqual(int(ra), 900)
        return int(ra)

    def test_account_is_blocked_after_failures(self):
        email, pw = new_email("victim"), new_password()
        other, other_pw = new_email("bystander"), new_password()
        add_user(self.db, email, pw)
        add_user(self.db, other, other_pw)
        statuses = []
        first_429 = None
        for i in range(7):
            r = login(self.srv, email, "wrong-password-%d" % i)
            statuses.append(r.status)
            if r.status == 429:
                first_429 = r
                break
        # README: after 5 failed logins the account is blocked, so exactly
        # five 401s and the sixth attempt is refused.
        self.assertEqual(statuses, [401] * 5 + [429], statuses)
        self.assertIsNotNone(first_429, statuses)
        self.assert429(first_429)
        # Blocked: even the right password is refused, without a token.
        r = login(self.srv, email, pw)
        self.assert429(r)
        self.assertNotIn("access_token", r.text)
        # The same account in other case is the same account.
        self.assert429(login(self.srv, email.upper(), pw))
        # Another account from the same client is not blocked by this rule.
        login_ok(self, self.srv, other, other_pw)
        self.assertEqual(login(self.srv, other, "wrong-again").status, 401)
        # The five failures are audited; the refusals while blocked (three
        # so far) are only counted, so a blocked client cannot add rows.
        rows = self.db.sql("SELECT status, outcome FROM audit_log WHERE route = '%s'"
                           " AND object = 'login:%s'" % (LOGIN, email))
        self.assertEqual(rows, [["401", "refused"]] * 5)
        rows = self.db.sql("SELECT COUNT(*) FROM audit_log WHERE status = 429")
        self.assertEqual(rows, [["0"]])
        metrics = self.srv.request("GET", "/metrics").text
        self.assertIn('ambito_unaudited_refusals_total{reason="login_blocked"} 3\n', metrics)

    def test_block_ends(self):
        email, pw = new_email("victim"), new_password()
        add_user(self.db, email, pw)
        for i in range(5):
            self.assertEqual(login(self.srv, email, "nope-%d" % i).status, 401)
        self.assert429(login(self.srv, email, pw))
        # Let the block run out instead of waiting for it.
        self.db.sql("UPDATE login_throttle SET blocked_until = NOW(6) - INTERVAL 1 SECOND")
        login_ok(self, self.srv, email, pw)

    def test_client_address_is_blocked_after_failures(self):
        # 20 failures spread over many accounts (none reaches 5), all from
        # 127.0.0.1: the address is blocked, for every account, from the
        # 21st attempt on (README: 20 failures for a client address).
        email, pw = new_email("real"), new_password()
        add_user(self.db, email, pw)
        statuses = []
        for i in range(23):
            r = login(self.srv, new_email("guess%d" % (i % 5)), "guess-%d" % i)
            statuses.append(r.status)
            if r.status == 429:
                break
        self.assertEqual(statuses, [401] * 20 + [429], statuses)
        self.assert429(login(self.srv, email, pw))

    def test_concurrent_guesses_do_not_slip_past_the_limit(self):
        # Many wrong passwords at once must not all be checked before the
        # first failure is counted: at most the free failures plus the
        # hashes that can be in flight get a real answer (401).
        email, pw = new_email("victim"), new_password()
        add_user(self.db, email, pw)
        n = 24

        def attempt(i):
            # 503: the hashing queue was full and the guess was not
            # checked; sent again until it is.
            for _ in range(200):
                st = login(self.srv, email, "parallel-guess-%d" % i).status
                if st != 503:
                    return st
                time.sleep(0.05)
            return st

        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            statuses = list(pool.map(attempt, range(n)))
        self.assertEqual(set(statuses) - {401, 429}, set(), statuses)
        self.assertLessEqual(statuses.count(401), 8, statuses)
        self.assert429(login(self.srv, email, pw))


# ---------------------------------------------------------------- ambitoctl

class CtlUserTest(SharedServerTest):
    def test_generated_password(self):
        email = new_email("gen")
        p = harness.ctl_ok(self.db, "user", "add", "--email", email, "--role",
                           "region_admin")
        m = re.search(r"password iniziale \(mostrata una sola volta\): (\S+)", p.stdout)
        self.assertIsNotNone(m, p.stdout)
        generated = m.group(1)
        self.assertEqual(len(generated), 20)
        self.assertEqual((p.stdout + p.stderr).count(generated), 1)
        t = login_ok(self, self.srv, email, generated)
        self.assertEqual(t["user"]["role"], "region_admin")
        # Another user gets another password.
        p2 = harness.ctl_ok(self.db, "user", "add", "--email", new_email("gen"),
                            "--role", "region_reviewer")
        self.assertNotIn(generated, p2.stdout)

    def test_duplicate_email(self):
        email = new_email("dup")
        add_user(self.db, email, new_password())
        p = harness.ctl(self.db, "user", "add", "--email", email.upper(), "--role",
                        "region_admin", "--password-stdin", input=new_password() + "\n")
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn("esiste già", p.stderr)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                     % email), [["1"]])

    def test_unknown_role(self):
        email = new_email("role")
        p = harness.ctl(self.db, "user", "add", "--email", email, "--role", "emperor",
                        "--password-stdin", input=new_password() + "\n")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                     % email), [["0"]])

    def test_ats_role_needs_existing_tenant(self):
        email = new_email("ats")
        p = harness.ctl(self.db, "user", "add", "--email", email, "--role",
                        "ats_editor", "--tenant", "no-such-ats", "--password-stdin",
                        input=new_password() + "\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                     % email), [["0"]])

    def test_short_password_on_stdin(self):
        # At least 12 characters, as for PUT /me/password: characters, not
        # bytes (11 "è" are 22 bytes).
        for short in ("short", "è" * 11):
            email = new_email("short")
            p = harness.ctl(self.db, "user", "add", "--email", email, "--role",
                            "region_admin", "--password-stdin", input=short + "\n")
            self.assertNotEqual(p.returncode, 0, short)
            self.assertIn("12 caratteri", p.stderr)
            self.assertEqual(self.db.sql("SELECT COUNT(*) FROM users WHERE email = '%s'"
                                         % email), [["0"]], short)
        # Twelve of them are enough, and log in.
        email = new_email("twelve")
        add_user(self.db, email, "è" * 12)
        login_ok(self, self.srv, email, "è" * 12)


if __name__ == "__main__":
    harness.main()
