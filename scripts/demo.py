#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/demo.py: boot every built kernel image in every environment this
machine has, show what each hypervisor did, and a matrix of the outcomes.

Exit status 0 if every cell that could run had its expected outcome (a
kernel linked for another hypervisor must refuse cleanly), 1 otherwise."""

import argparse
import sys

import vmienv


def cell(backend, env, res):
    want = vmienv.expected_code(backend, env)
    if res.code is None:
        return False, f"FAIL ({res.note})"
    if res.code != want:
        return False, f"FAIL (code {res.code}, want {want})"
    if want == vmienv.EXIT_WRONG_HV:
        return True, "refused"
    return True, f"pass {res.seconds:.1f}s"


def show(backend, env, res, verbose):
    print(f"--- kernel-{backend}.elf on {env} "
          f"({vmienv.ENVIRONMENTS[env][3]})")
    lines = res.output.splitlines()
    if not verbose:
        lines = [l for l in lines if l.startswith("vmi")][:12]
    for line in lines:
        print("    " + line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show everything each guest printed")
    args = ap.parse_args()

    images = vmienv.images()
    if not images:
        print("demo: no kernel images in build/guest-kernel", file=sys.stderr)
        return 1
    envs = list(vmienv.ENVIRONMENTS)
    table, ok = {}, True
    for backend, image in images.items():
        for env in envs:
            why = vmienv.missing(env)
            if why:
                table[backend, env] = f"n/a: {why}"
                continue
            res = vmienv.run(image, env, args.cpus, "", args.timeout)
            show(backend, env, res, args.verbose)
            good, text = cell(backend, env, res)
            ok &= good
            table[backend, env] = text
    print_matrix(images, envs, table)
    return 0 if ok else 1


def print_matrix(images, envs, table):
    width = max(12, *(len(v) for v in table.values()))
    print()
    print("image".ljust(20) + "".join(e.ljust(width + 2) for e in envs))
    for backend in images:
        row = f"kernel-{backend}.elf".ljust(20)
        row += "".join(table[backend, e].ljust(width + 2) for e in envs)
        print(row)


if __name__ == "__main__":
    sys.exit(main())
