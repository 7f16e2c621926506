#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_run_screen.py: run_screen.py's verdict, without QEMU.  Its ISO
maker and QEMU run are replaced by stubs that "end the guest" with a
given QMP SHUTDOWN reason (or none: a timeout) and leave a screendump
showing a given text.  It must pass only on a guest-shutdown with every
--expect text on the screen, and refuse a run without --expect (usage,
exit 2).

Usage: test_run_screen.py.  Exits 0 when every case holds, 1 otherwise
(meson exitcode protocol)."""
import contextlib
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_screen  # noqa: E402

FONT = run_screen.mkfont.load(os.path.join(run_screen.ROOT, "backends",
                                           "common", "font8x16.txt"))


def write_ppm(path, text):
    """A black screen with (text) drawn at (8, 16) in the console font."""
    w, h = 320, 64
    rows = [[0] * w for _ in range(h)]
    for y, bits in enumerate(run_screen.render(text, FONT)):
        for x, b in enumerate(bits):
            rows[16 + y][8 + x] = 0xc0 if b == "1" else 0
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(bytes(v for r in rows for p in r for v in (p, p, p)))


def run(reason, shown, expects):
    """run_screen.main's exit status for a guest that ended with (reason)
    showing (shown), checked for (expects)."""
    def boot(iso, firmware, cpus, ppm, timeout):
        write_ppm(ppm, shown)
        return reason, ""
    run_screen.boot = boot
    run_screen.vmienv.missing = lambda env: None
    run_screen.vmienv.make_iso = lambda *a, **k: None
    argv = ["--mkiso", "mkiso", "--timeout", "5"]
    for e in expects:
        argv += ["--expect", e]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            return run_screen.main(argv + ["kernel.elf"])
        except SystemExit as e:
            return e.code


CASES = [
    ("power-off, text shown", "guest-shutdown", "demo: PASS", ["demo: PASS"], 0),
    ("no --expect", "guest-shutdown", "demo: PASS", [], 2),
    ("blank --expect", "guest-shutdown", "demo: PASS", [" "], 2),
    ("timeout (no SHUTDOWN event)", None, "demo: PASS", ["demo: PASS"], 1),
    ("reset", "guest-reset", "demo: PASS", ["demo: PASS"], 1),
    ("host signal", "host-signal", "demo: PASS", ["demo: PASS"], 1),
    ("text missing", "guest-shutdown", "demo: FAIL", ["demo: PASS"], 1),
    ("one of two missing", "guest-shutdown", "demo: PASS",
     ["demo: PASS", "vmi: backend"], 1),
]


def main():
    bad = 0
    for name, reason, shown, expects, want in CASES:
        got = run(reason, shown, expects)
        ok = got == want
        bad += not ok
        print(f"{'ok' if ok else 'FAIL'}: {name}: exit {got}, want {want}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
