#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_image.py: boot a kernel image in one of scripts/vmienv.py's
environments, or, with --mkiso, make a GRUB ISO of it with vmi-mkiso and
boot that from a CD-ROM in one of its MEDIA (QEMU TCG with SeaBIOS or
OVMF); check the guest's exit code and the lines the output must hold.

  run_image.py --mkiso tools/vmi-mkiso --env qemu-tcg-iso-uefi \\
      --cmdline 'iso=1' --expect 'demo: PASS' build/guest-kernel/kernel-native.elf
Exit status: 0 pass, 1 fail, 77 skip (the environment, OVMF or GRUB's
tools missing here)."""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts"))
import vmienv  # noqa: E402

PASS, FAIL, SKIP = 0, 1, 77


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mkiso")
    ap.add_argument("--env", required=True,
                    choices=sorted(vmienv.MEDIA) + sorted(vmienv.ENVIRONMENTS))
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--expect-code", type=int, default=0)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("image")
    args = ap.parse_args()

    why = vmienv.missing(args.env)
    if why:
        print(f"SKIP: {args.env}: {why}")
        return SKIP
    if not args.mkiso:
        return judge(args, vmienv.run(args.image, args.env, cpus=args.cpus,
                                      cmdline=args.cmdline,
                                      timeout=args.timeout))
    with tempfile.TemporaryDirectory(prefix="vmi-iso-") as tmp:
        iso = os.path.join(tmp, "kernel.iso")
        failed = vmienv.make_iso(args.mkiso, args.image, iso, args.cmdline)
        if failed:
            print("%s: %s" % failed)
            return SKIP if failed[0] == "SKIP" else FAIL
        res = vmienv.run(iso, args.env, cpus=args.cpus, timeout=args.timeout)
    return judge(args, res)


def judge(args, res):
    # GRUB's serial terminal leaves carriage returns and VT100 sequences
    # before the kernel's first line.
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", res.output)
    sys.stdout.write(out)
    problems = []
    if res.code != args.expect_code:
        problems.append(f"guest code {res.code}, want {args.expect_code}"
                        + (f" ({res.note})" if res.note else ""))
    for pattern in args.expect:
        if not re.search(pattern, out, re.M):
            problems.append(f"output lacks {pattern!r}")
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return FAIL
    what = vmienv.MEDIA.get(args.env) or vmienv.ENVIRONMENTS[args.env]
    print("PASS: %s booted to guest code %d in %.1f s (%s)" % (
        os.path.basename(args.image), res.code, res.seconds, what[3]))
    return PASS


if __name__ == "__main__":
    sys.exit(main())
