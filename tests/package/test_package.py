"""The Debian package, installed for real: `deploy/test --package` builds it
with deploy/package, then this file installs it with apt, checks its files
and its systemd unit (systemd-analyze verify and the unit's exposure), and
runs the installed ambitod and ambitoctl with the installed configuration
against a throw-away MariaDB; at the end the package is purged.

Installing changes the machine (as root, or through sudo): run it on a
machine for tests, as CI does."""

import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

UNIT = "/lib/systemd/system/ambito.service"
CONF = "/etc/ambito/ambito.conf"
DATA = "/usr/share/ambito/data"
STATIC = "/usr/share/ambito/static"
MAX_EXPOSURE = 2.0  # systemd-analyze security: 0 safest, 10 unprotected


def as_root(*cmd):
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(sudo + list(cmd), env=env, capture_output=True, text=True, timeout=600)


def package_file():
    out = os.environ.get("AMBITO_PACKAGE_DIR") or os.path.join(harness.source_dir(), "build-deb")
    debs = sorted(glob.glob(os.path.join(out, "ambito_*.deb")), key=os.path.getmtime)
    if not debs:
        raise RuntimeError("no ambito_*.deb in %s: run deploy/package" % out)
    return debs[-1]


class InstalledPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = package_file()
        p = as_root("apt-get", "install", "-y", "-q", "--reinstall", cls.deb)
        if p.returncode != 0:
            raise RuntimeError("apt-get install %s failed:\n%s%s" % (cls.deb, p.stdout, p.stderr))
        # The harness runs AMBITO_BUILD_DIR/cmd/NAME: point it at the
        # installed programs, so every request below reaches them.
        cls.fake_build = tempfile.mkdtemp(prefix="ambito-installed-")
        os.mkdir(os.path.join(cls.fake_build, "cmd"))
        for name in ("ambitod", "ambitoctl"):
            os.symlink("/usr/bin/" + name, os.path.join(cls.fake_build, "cmd", name))
        os.environ["AMBITO_BUILD_DIR"] = cls.fake_build

    @classmethod
    def tearDownClass(cls):
        as_root("apt-get", "purge", "-y", "-q", "ambito")

    def test_files_in_place(self):
        listed = subprocess.run(["dpkg", "-L", "ambito"], capture_output=True, text=True, check=True).stdout.split()
        for path in ("/usr/bin/ambitod", "/usr/bin/ambitoctl", UNIT, CONF, DATA + "/marche-2020-2022.json",
                     STATIC + "/fonts.css", STATIC + "/node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css"):
            self.assertIn(path, listed)
            self.assertTrue(os.path.exists(path), path)
        # The configuration is a conffile: an administrator's edits survive upgrades.
        conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "ambito"], capture_output=True,
                                   text=True, check=True).stdout
        self.assertIn(CONF, conffiles)
        # Without secrets: those go in the environment file only root reads.
        conf = open(CONF, encoding="utf-8").read()
        self.assertIsNone(re.search(r"^\s*(jwt_secret|db_password|db_admin_password)\s*=", conf, re.M))
        self.assertRegex(conf, r"(?m)^static_dir = /usr/share/ambito/static$")

    def test_unit_verifies(self):
        p = subprocess.run(["systemd-analyze", "verify", UNIT], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("ambito.service", p.stderr)

    def test_unit_runs_without_privilege(self):
        unit = open(UNIT, encoding="utf-8").read()
        for line in ("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
                     "EnvironmentFile=-/etc/ambito/secrets.env", "ExecStart=/usr/bin/ambitod --config " + CONF):
            self.assertIn(line, unit)
        p = subprocess.run(["systemd-analyze", "security", "--offline=true", UNIT], capture_output=True, text=True)
        m = re.search(r"Overall exposure level for ambito\.service: ([0-9.]+)", p.stdout)
        self.assertIsNotNone(m, p.stdout + p.stderr)
        self.assertLessEqual(float(m.group(1)), MAX_EXPOSURE)

    def test_installed_programs_serve_with_the_installed_configuration(self):
        with harness.Database() as db:
            env = {"AMBITO_CONFIG": CONF}
            harness.ctl_ok(db, "migrate", env_extra=env)
            harness.ctl_ok(db, "import", DATA + "/marche-2020-2022.json", env_extra=env)
            srv = harness.Server(db, env=env)
            try:
                self.assertEqual(srv.request("GET", "/healthz").status, 200)
                r = srv.request("GET", "/api/v1/cycles/marche-2020-2022/template")
                self.assertEqual(r.status, 401)  # the installed routes, behind their login
                page = srv.request("GET", "/")
                self.assertEqual(page.status, 200)
                self.assertIn("Accedi", page.text)
                # The kit's files come from the package's static_dir.
                css = re.search(r'href="(/static/[0-9a-f]+/bootstrap-italia\.min\.css)"', page.text)
                self.assertIsNotNone(css, page.text[:2000])
                r = srv.request("GET", css.group(1))
                self.assertEqual(r.status, 200)
                self.assertTrue(r.headers["Content-Type"].startswith("text/css"))
                self.assertEqual(len(r.body), os.path.getsize(
                    STATIC + "/node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css"))
            finally:
                srv.stop()


if __name__ == "__main__":
    harness.main()
