#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/demo/check_demo.py: run the microkernel demo in one environment
and check it (scripts/demo_check.py): every CPU ran user programs, IPC
and shared memory delivered their values, the faulting program was
killed while the rest exited 0, and the guest exit code is 0.

  check_demo.py --build DIR --env ENV --cpus N [--backend B]
                [--cmdline TEXT] IMAGE

With --backend, the banner must name the backend the image runs as in ENV
(B itself, or for B = auto the one its probe or vmi.backend= picks:
scripts/vmienv.py chosen).

Exit 0 pass, 1 fail, 77 skip (the environment is missing here)."""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import demo_check  # noqa: E402
import vmienv  # noqa: E402

PASS, FAIL, SKIP = 0, 1, 77


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--env", required=True, choices=list(vmienv.ENVIRONMENTS))
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--backend", help="the backend the image is linked with")
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--no-sites", action="store_true",
                    help="the auto image records no call sites "
                         "(kernel-auto-table.elf)")
    ap.add_argument("--expect", action="append", default=[],
                    metavar="REGEX", help="a line the run must print")
    ap.add_argument("--vmi-run-arg", action="append", default=[],
                    help="an option for vmi-run itself (vmi-run-* only)")
    ap.add_argument("image")
    args = ap.parse_args()
    vmienv.set_build(args.build)
    why = vmienv.missing(args.env)
    if why:
        print(f"SKIP: {args.env}: {why}")
        return SKIP
    res = vmienv.run(args.image, args.env, args.cpus, args.cmdline,
                     args.timeout, args.vmi_run_arg)
    print("+ " + " ".join(res.argv))
    why = vmienv.vmi_run_no_kvm(res.status, res.output)
    if res.code is None and why:
        print(f"SKIP: {why}")
        return SKIP
    sys.stdout.write(res.output)
    bad = [] if res.code == 0 else [f"guest exit code {res.code} ({res.note})"]
    demo = demo_check.Demo(res.output)
    bad += demo_check.problems(demo, args.cpus)
    if args.backend:
        bad += demo_check.banner_problems(
            demo, args.backend,
            vmienv.chosen(args.backend, args.env, args.cmdline),
            forced="vmi.backend=" in args.cmdline, cmdline=args.cmdline,
            sites=not args.no_sites)
    bad += [f"no line matches {e!r}" for e in args.expect
            if not re.search(e, res.output, re.M)]
    for b in bad:
        print("FAIL: " + b)
    if bad:
        return FAIL
    print(f"PASS: demo on {args.env} with {args.cpus} CPUs in {res.seconds:.1f} s")
    return PASS


if __name__ == "__main__":
    sys.exit(main())
