#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/lab_time.py: what the lab and real Xen cost (docs/PERFORMANCE.md).

    bench/lab_time.py [--runs N] [--domus K] [--image kernel-xen.elf]

Times, N times each, whole commands from start to exit:
  lab          scripts/lab -- true          (the lab's Linux boots, runs
                                             nothing, powers off)
  xenlab       scripts/xenlab -- true       (Xen and dom0 boot, the
                                             toolstack starts, power-off)
  xen 1 domU   one PVH domU of the image in one Xen boot
  xen K domUs  K of them in one Xen boot
and derives the cost of one more domU, (xen K - xen 1) / (K - 1), from the
medians.  Prints median, min and max of each: a benchmark, never a test.
Wall-clock figures depend on the host's load; the report says what else
ran (the load average before and after)."""

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import vmienv  # noqa: E402


def timed(argv):
    start = time.monotonic()
    res = subprocess.run(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise SystemExit(f"lab_time: {' '.join(argv)} exited "
                         f"{res.returncode}: {res.stderr.decode()[-300:]}")
    return time.monotonic() - start


def timed_batch(image, k):
    start = time.monotonic()
    results = vmienv.run_batch("xen", [(image, 1, "")] * k, timeout=60)
    bad = [r for r in results if r.code != 0]
    if bad:
        raise SystemExit(f"lab_time: a domU of {image} ended with code "
                         f"{bad[0].code} ({bad[0].note})")
    return time.monotonic() - start


def row(name, xs):
    return (f"| {name} | {statistics.median(xs):.1f} s | {min(xs):.1f} s | "
            f"{max(xs):.1f} s | {len(xs)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--domus", type=int, default=5)
    ap.add_argument("--image", default=os.path.join(
        ROOT, "build", "guest-kernel", "kernel-xen.elf"))
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    lab = [timed([os.path.join(ROOT, "scripts", "lab"), "--", "true"])
           for _ in range(args.runs)]
    xenlab = [timed([os.path.join(ROOT, "scripts", "xenlab"), "--", "true"])
              for _ in range(args.runs)]
    one = [timed_batch(args.image, 1) for _ in range(args.runs)]
    many = [timed_batch(args.image, args.domus) for _ in range(args.runs)]
    per = (statistics.median(many) - statistics.median(one)) / (args.domus - 1)
    print("| what | median | min | max | runs |")
    print("|---|---|---|---|---|")
    print(row("lab: boot, `true`, power-off", lab))
    print(row("xenlab: Xen + dom0 boot, `true`, power-off", xenlab))
    print(row("one domU in one Xen boot", one))
    print(row(f"{args.domus} domUs in one Xen boot", many))
    print(f"\none more domU of {os.path.basename(args.image)}: {per:.1f} s "
          f"(from the medians); load average {load0:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
