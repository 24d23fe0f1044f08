#!/usr/bin/env python3
"""Runs one libFuzzer harness from its seed corpus for a fixed time (or a fixed
number of executions) and prints one summary line with the figures. Exits 1
when the fuzzer found a crash, a leak, a timeout or a broken invariant, and
then prints the input that caused it (escaped and in hex), where it was kept,
and the command that replays it. The fuzzer's whole output is in OUT/HARNESS.log.

    run.py --corpus SEEDS [--dict FILE] [--out DIR] [--seconds S] [--runs N]
           [--work DIR] HARNESS

--seconds defaults to $AMBITO_FUZZ_SECONDS, else 15. The seed corpus is only
read: new inputs go to --work (kept, for long campaigns) or to a temporary
directory removed at the end."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TAIL_LINES = 40  # of the fuzzer's output, printed with a failure without a report
REPORT_LINES = 200  # of a sanitizer's or libFuzzer's report
REPORT_START = re.compile(r"^invariant broken|^==\d+==\s*ERROR|runtime error:|deadly signal|^==\d+== ERROR: libFuzzer")
SHOW_BYTES = 4096  # of a crashing input


def final_stats(text):
    """The figures of libFuzzer's last status line and -print_final_stats."""
    stats = {}
    for key in ("number_of_executed_units", "average_exec_per_sec", "new_units_added", "peak_rss_mb"):
        m = re.search(r"stat::%s:\s*(\d+)" % key, text)
        if m:
            stats[key] = int(m.group(1))
    m = re.search(r"INFO: Loaded \d+ modules\s+\((\d+) inline 8-bit counters\)", text)
    if m:
        stats["edges"] = int(m.group(1))
    status = re.findall(r"^#\d+\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/", text, re.M)
    if status:
        stats["cov"], stats["ft"], stats["corp"] = (int(x) for x in status[-1])
    return stats


def show_input(path):
    with open(path, "rb") as fh:
        data = fh.read()
    print("==== the input (%d bytes), kept in %s:" % (len(data), path))
    shown = data[:SHOW_BYTES]
    print(repr(shown)[2:-1])
    print("==== in hex:")
    for off in range(0, len(shown), 32):
        print("%06x  %s" % (off, shown[off:off + 32].hex(" ")))
    if len(data) > SHOW_BYTES:
        print("(%d more bytes not shown)" % (len(data) - SHOW_BYTES))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--dict")
    ap.add_argument("--out", default=".")
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("AMBITO_FUZZ_SECONDS", "15")))
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--work")
    ap.add_argument("harness")
    args = ap.parse_args()

    name = os.path.basename(args.harness)
    os.makedirs(args.out, exist_ok=True)
    prefix = os.path.join(os.path.abspath(args.out), "%s-" % name)  # + crash-SHA1, leak-…
    tmp = None
    if args.work:
        work = args.work
        os.makedirs(work, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="fuzz-%s." % name)
        work = tmp
    cmd = [args.harness, "-artifact_prefix=" + prefix, "-timeout=10", "-rss_limit_mb=2048",
           "-print_final_stats=1", "-close_fd_mask=1"]
    if args.seconds > 0:
        cmd.append("-max_total_time=%d" % args.seconds)
    if args.runs > 0:
        cmd.append("-runs=%d" % args.runs)
    if args.dict and os.path.exists(args.dict):
        cmd.append("-dict=" + args.dict)
    cmd += [work, args.corpus]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")

    # The fuzzer's own output goes to a file, to follow a long run with tail.
    log = os.path.join(args.out, name + ".log")
    started = time.time()
    try:
        with open(log, "wb") as fh:
            proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.time() - started
    with open(log, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    st = final_stats(text)
    print("%s: %s runs in %.0f s (%s/s), cov %s of %s edges, ft %s, corpus %s (+%s new), peak RSS %s MB, exit %d" % (
        name, st.get("number_of_executed_units", "?"), elapsed, st.get("average_exec_per_sec", "?"),
        st.get("cov", "?"), st.get("edges", "?"), st.get("ft", "?"), st.get("corp", "?"),
        st.get("new_units_added", "?"), st.get("peak_rss_mb", "?"), proc.returncode))
    if proc.returncode == 0:
        return 0

    # The report starts at the sanitizer's or libFuzzer's first error line,
    # or at the broken invariant; without one, the last lines tell.
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if REPORT_START.search(line)), None)
    shown = lines[first:first + REPORT_LINES] if first is not None else lines[-TAIL_LINES:]
    print("==== %s FAILED; its report (all of its output in %s):" % (name, log))
    print("\n".join(shown))
    found = [os.path.join(args.out, f) for f in os.listdir(args.out)
             if f.startswith(name + "-")]
    found = [f for f in found if os.path.getmtime(f) >= started - 1 and not f.endswith(".log")]
    m = re.search(r"Test unit written to (\S+)", text)
    if m and os.path.exists(m.group(1)) and m.group(1) not in found:
        found.append(m.group(1))
    if not found:
        print("==== no crashing input was written")
    for path in sorted(found):
        show_input(path)
        print("==== replay: %s %s" % (os.path.abspath(args.harness), os.path.abspath(path)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
