"""Browser journeys (journeys.test.mjs, or the spec named as the argument) against a real ambitod and MariaDB
with the demo data: starts them with the integration tests' harness, then
runs the journeys with Node on Debian's Chromium. Screenshots go to
<build>/screenshots."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(harness.source_dir(), "deploy", "data")
CHROMIUM = "/usr/bin/chromium"
JOURNEYS_TIMEOUT_S = 600


def main():
    spec = sys.argv[1] if len(sys.argv) > 1 else "journeys.test.mjs"
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
        srv = harness.Server(db, env={"AMBITO_REGION_NAME": "Regione Marche"})
        env = dict(os.environ)
        env.update({
            "AMBITO_URL": "http://%s:%d" % (srv.host, srv.port),
            "AMBITO_CHROMIUM": CHROMIUM,
            "AMBITO_SCREENSHOTS": os.path.join(harness.build_dir(), "screenshots"),
            "AMBITO_DEMO": os.path.join(DATA, "demo-marche.json"),
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
    sys.exit(main())
