"""Browser journeys (journeys.test.mjs, or the spec file named as the first
argument) against a real ambitod and MariaDB with the demo data: starts them
with the integration tests' harness, then runs the journeys with Node on
Debian's Chromium. Screenshots go to <build>/screenshots. Besides the demo
users there is an editor of ATS 7 (EXTRA_USERS), whose plan could be
submitted, for journeys that need a writer who may not submit."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(harness.source_dir(), "deploy", "data")
CHROMIUM = "/usr/bin/chromium"
JOURNEYS_TIMEOUT_S = 1200  # the test's own meson timeout bounds it first
EXTRA_USERS = [{"email": "redattore.ats7@prova.ambito.invalid", "role": "ats_editor", "tenant": "ats-7",
                "name": "Redattore di prova", "password": "una-password-di-prova-lunga"}]


def main(spec="journeys.test.mjs"):
    for need in (CHROMIUM, os.path.join(HERE, "node_modules", "playwright-core")):
        if not os.path.exists(need):
            print("missing %s: run deploy/install-deps" % need, file=sys.stderr)
            return 1
    db = harness.Database()
    srv = None
    try:
        db.migrate()
        harness.ctl_ok(db, "import", os.path.join(DATA, "marche-2020-2022.json"))
        harness.ctl_ok(db, "demo-load", os.path.join(DATA, "demo-marche.json"))
        for u in EXTRA_USERS:
            harness.ctl_ok(db, "user", "add", "--email", u["email"], "--role", u["role"], "--tenant", u["tenant"],
                           "--name", u["name"], "--password-stdin", input=u["password"] + "\n")
        srv = harness.Server(db, env={"AMBITO_REGION_NAME": "Regione Marche"})
        env = dict(os.environ)
        env.update({
            "AMBITO_URL": "http://%s:%d" % (srv.host, srv.port),
            "AMBITO_CHROMIUM": CHROMIUM,
            "AMBITO_SCREENSHOTS": os.path.join(harness.build_dir(), "screenshots"),
            "AMBITO_DEMO": os.path.join(DATA, "demo-marche.json"),
            "AMBITO_EXTRA_USERS": json.dumps(EXTRA_USERS),
        })
        p = subprocess.run(["node", "--test", "--test-reporter=spec", "--test-concurrency=1",
                            os.path.join(HERE, spec)],
                           env=env, timeout=JOURNEYS_TIMEOUT_S, cwd=HERE)
        if p.returncode != 0:
            print("ambitod log tail:\n" + srv.log_tail(60), file=sys.stderr)
        return p.returncode
    finally:
        if srv is not None:
            srv.stop()
        db.drop()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
