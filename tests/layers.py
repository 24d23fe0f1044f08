#!/usr/bin/env python3
"""The folders are layers: a file may include headers of its own folder and of
folders below it, never above or beside it. Prints one TAP line a folder.

    base < db < http < identity < web < cycles < funds < compare < opendata
                                        web < sso
                                        cycles < tenants < tenants/participation < tenants/plans
                                        funds < tenants/plans
    compare, tenants < admin (the Region's administration pages)
    everything < cmd
"""
import os
import re
import sys

# Each folder with the folders it may include (besides its own).
BELOW = {
    "core/base": [],
    "core/db": ["core/base"],
    "core/http": ["core/base", "core/db"],
    "core/identity": ["core/base", "core/db", "core/http"],
    "core/web": ["core/base", "core/db", "core/http", "core/identity"],
    "core/sso": ["core/base", "core/db", "core/http", "core/identity", "core/web"],
    "core/cycles": ["core/base", "core/db", "core/http", "core/identity", "core/web"],
    "core/funds": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles"],
    "core/compare": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles", "core/funds"],
    "core/opendata": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles", "core/funds",
                      "core/compare"],
    "tenants": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles"],
    "tenants/participation": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles",
                              "tenants"],
    "tenants/plans": ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles", "core/funds",
                      "tenants", "tenants/participation"],
}
BELOW["core/admin"] = ["core/base", "core/db", "core/http", "core/identity", "core/web", "core/cycles",
                       "core/funds", "core/compare", "tenants"]
BELOW["cmd"] = list(BELOW) # the programs compose every part

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of_include(src_folder, name):
    """The folder a quoted include names: bare names are the file's own folder;
    "tenants/..." is from the project root; anything else is under core/."""
    if "/" not in name:
        return src_folder
    head = os.path.dirname(name)
    return head if head.startswith("tenants") else "core/" + head


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = {f: [] for f in BELOW}
    seen = {f: 0 for f in BELOW}
    for folder in BELOW:
        path = os.path.join(root, folder)
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h")):
                continue
            seen[folder] += 1
            text = open(os.path.join(path, name), encoding="utf-8").read()
            for inc in INCLUDE.findall(text):
                target = folder_of_include(folder, inc)
                if not os.path.exists(os.path.join(root, target, os.path.basename(inc))):
                    problems[folder].append("%s/%s includes %s, which is not there" % (folder, name, inc))
                elif target != folder and target not in BELOW[folder]:
                    problems[folder].append("%s/%s includes %s, a layer above or beside it" % (folder, name, inc))
    # Every folder with C sources must have a place in the table.
    for dirpath, _, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.split(os.sep)[0] in ("core", "tenants", "cmd") and any(f.endswith(".c") for f in files):
            if rel not in BELOW:
                problems.setdefault(rel, []).append("%s has C sources but no layer" % rel)
    print("1..%d" % len(problems))
    failed = 0
    for i, (folder, errs) in enumerate(sorted(problems.items()), 1):
        ok = not errs and seen.get(folder, 0) > 0
        failed += not ok
        print("%s %d - %s (%d files)" % ("ok" if ok else "not ok", i, folder, seen.get(folder, 0)))
        for e in errs:
            print("# " + e)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
