"""Behind a reverse proxy: X-Forwarded-For and Forwarded are believed only
from the peers in trusted_proxies. From anyone else they are ignored, so a
client cannot pick the address it is throttled and audited by; from a
trusted proxy the right-most untrusted address is the client's."""

import secrets
import subprocess
import unittest

import harness

LOGIN = "/api/v1/auth/login"
ADDRESS_FREE = 20  # README: 20 failures for a client address block it


def fail_login(srv, i, headers):
    return srv.request("POST", LOGIN,
                       {"email": "nessuno%d-%s@example.it" % (i, secrets.token_hex(3)),
                        "password": "sbagliata-%d" % i},
                       headers=headers)


class Proxies(unittest.TestCase):
    def setUp(self):
        self.db = harness.Database()
        self.db.migrate()

    def tearDown(self):
        self.db.drop()

    def audited_clients(self):
        return {r[0] for r in self.db.sql(
            "SELECT DISTINCT client FROM audit_log WHERE route LIKE '%auth/login%'")}

    def test_spoofed_header_from_untrusted_peer_is_ignored(self):
        with harness.Server(self.db) as srv:  # trusts nobody
            statuses = [fail_login(srv, i, {
                "X-Forwarded-For": "203.0.113.%d" % (i + 1),
                "Forwarded": "for=198.51.100.%d" % (i + 1)}).status
                for i in range(ADDRESS_FREE)]
            self.assertEqual(statuses, [401] * ADDRESS_FREE)
            # A fresh spoofed address does not escape the peer's block.
            r = fail_login(srv, 99, {"X-Forwarded-For": "192.0.2.77"})
            self.assertEqual(r.status, 429, r.text)
        self.assertEqual(self.audited_clients(), {"127.0.0.1"})

    def test_forwarded_address_from_trusted_proxy_is_used(self):
        env = {"AMBITO_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1/32 ::1"}
        with harness.Server(self.db, env=env) as srv:
            # The left entry is the client's own invention, the right-most
            # one was written by the proxy: that one is counted.
            statuses = [fail_login(srv, i, {
                "X-Forwarded-For": "192.0.2.%d, 203.0.113.7" % (i + 1)}).status
                for i in range(ADDRESS_FREE)]
            self.assertEqual(statuses, [401] * ADDRESS_FREE)
            r = fail_login(srv, 98, {"X-Forwarded-For": "203.0.113.7"})
            self.assertEqual(r.status, 429, r.text)
            # Another client behind the same proxy is not blocked...
            r = fail_login(srv, 97, {"X-Forwarded-For": "203.0.113.8"})
            self.assertEqual(r.status, 401, r.text)
            # ...also when named by Forwarded, through two trusted proxies.
            r = fail_login(srv, 96, {"Forwarded": 'for="[2001:db8::5]:4711", for=10.1.1.1'})
            self.assertEqual(r.status, 401, r.text)
            # Without a header the client is the proxy itself.
            r = fail_login(srv, 95, {})
            self.assertEqual(r.status, 401, r.text)
        self.assertEqual(self.audited_clients(),
                         {"203.0.113.7", "203.0.113.8", "2001:db8::5", "127.0.0.1"})
        self.assertEqual(self.db.sql(
            "SELECT COUNT(*) FROM login_throttle WHERE scope_key = 'ip:203.0.113.7'"),
            [["1"]])

    def test_bad_setting_refuses_to_start(self):
        p_env = harness.child_env(self.db, extra={
            "AMBITO_LISTEN": "127.0.0.1:0", "AMBITO_TRUSTED_PROXIES": "10.0.0.0/33"})
        p = subprocess.run([harness.program("ambitod")], env=p_env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, timeout=20)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("trusted_proxies", p.stderr)


if __name__ == "__main__":
    harness.main()
