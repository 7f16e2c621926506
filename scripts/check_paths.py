#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/check_paths.py: the repository speaks for itself.  No source
file or document may cite a file outside it: neither the team's private
design, style and ABI notes (by name, by the directory they live in, or
by the citation key the ABI notes went by: a bracket opening with "ABI"
and then a section sign or a digit) nor an absolute path of one machine
(its work, root or home directory).
Host facts belong in docs/hosts.md, public ABI facts cite their public
source.

    scripts/check_paths.py [ROOT]     (default: this script's repository)

The files are ROOT's `git ls-files` (tracked, plus untracked ones git does
not ignore), or, without git, every file below ROOT but build/ and .git/.
Prints FILE:LINE: what it cites, and the line, for each hit and exits 1;
otherwise one line, exit 0.  The patterns are spelled so that this file
does not match itself.
"""
import os
import re
import subprocess
import sys

# (what a hit cites, regex).  Alternations and lookaheads keep the
# forbidden strings themselves out of this file.
PATTERNS = [
    ("private notes", re.compile(r"\b(?:DESIGN|STYLE|ABI)\.md\b")),
    ("the private notes' directory", re.compile(r"\bshared(?=/)")),
    # The ABI notes' citation key: "[ABI", a space, then a section sign
    # (U+00A7) or a section number.  The escape keeps it out of this line.
    ("the private notes' citation key", re.compile(r"\[ABI (?:\u00a7|\d)")),
    ("a machine's path", re.compile(r"(?<![\w.~/-])/(?:work|root|home)(?=/)")),
]

# Files where a pattern names something else, with the reason.
ALLOWED = {
    # Inside the lab VM's initramfs, /root is where its new root is
    # mounted before the chroot: not a directory of any host.
    ("scripts/lab-init", "a machine's path"),
}


def files(root):
    """Relative paths of the files to check."""
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, check=True).stdout
        return sorted({p for p in out.decode().split("\0") if p})
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for top, dirs, names in os.walk(root):
        rel = os.path.relpath(top, root)
        dirs[:] = sorted(d for d in dirs if d != ".git" and
                         not (rel == "." and d == "build"))
        found += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return sorted(found)


def hits(root, rel):
    """(line number, what it cites, line) for each line of rel with a
    forbidden citation."""
    path = os.path.join(root, rel)
    if os.path.islink(path) or not os.path.isfile(path):
        return
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data[:8192]:
        return                          # binary
    text = data.decode("utf-8", errors="replace")
    for n, line in enumerate(text.splitlines(), 1):
        what = [w for w, rx in PATTERNS
                if rx.search(line) and (rel, w) not in ALLOWED]
        if what:
            yield n, " and ".join(what), line.strip()


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    root = argv[1] if len(argv) > 1 else os.path.dirname(here)
    names = files(root)
    bad = 0
    for rel in names:
        for n, what, line in hits(root, rel):
            print(f"{rel}:{n}: cites {what}: {line[:120]}")
            bad += 1
    if bad:
        print(f"check_paths: {bad} lines cite a path outside the "
              f"repository; state the fact in the repository (docs/hosts.md "
              f"for host facts) or cite its public source")
        return 1
    print(f"check_paths: {len(names)} files, none cites a path outside "
          f"the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
