# SPDX-License-Identifier: MIT
"""scripts/docsection.py: a docs section generated from a test's table must
equal what the table generates now (the differential tests' docs checks)."""


def check(path, want, what, regen):
    """0 if the "## ..." section of (path) that starts with want's first
    line equals (want), else 1; one line either way.  (what) names what
    matched; (regen) is the command that regenerates the section."""
    text = open(path, encoding="utf-8").read()
    head = want.splitlines()[0]
    start = text.find(head + "\n")
    if start < 0:
        print(f"{path}: no section \"{head[3:]}\"; regenerate it with {regen}")
        return 1
    end = text.find("\n## ", start + 1)
    got = text[start:end + 1 if end >= 0 else len(text)]
    if got.rstrip("\n") != want.rstrip("\n"):
        print(f"{path}: the section differs from {regen}; regenerate it")
        return 1
    print(f"{path}: section matches ({what})")
    return 0
