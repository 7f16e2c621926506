#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_qemu.py: boot a vmi kernel image under QEMU and judge the result.

Starts qemu-system-x86_64 with -kernel IMAGE (PVH entry), the serial port
on stdout and the isa-debug-exit device at port 0xf4 (vmi/abi.h), with a
timeout.  QEMU exits with (v << 1) | 1 for a guest write of v, so the guest
exit code is the status shifted right; an even status means the guest
never wrote the port (a triple fault with -no-reboot gives 0).

Then checks the output: the banner names the expected backend (for the
auto image, the one it picks there: scripts/vmienv.py chosen) and CPU
count, and every CPU reported in.  Exit status for meson's exitcode
protocol: 0 pass, 1 fail, 77 skip (no QEMU, or no usable /dev/kvm).
"""
import argparse
import os
import re
import subprocess
import sys

SKIP, FAIL, PASS = 77, 1, 0

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (environments shared with the demo and conformance)


def check_refusal(out, args):
    """A kernel linked for another hypervisor: one clear line, no banner."""
    lines = re.findall(r"^vmi: kernel linked for .* but found .*$", out, re.M)
    problems = [] if len(lines) == 1 else [
        "expected exactly one 'vmi: kernel linked for X but found Y' line, "
        "got %d" % len(lines)]
    if re.search(r"^vmi: backend ", out, re.M):
        problems.append("a refusing kernel printed the banner")
    return problems


def check_output(out, args):
    """Return a list of problems with the guest's console output."""
    if args.refuse:
        return check_refusal(out, args)
    problems = []
    m = re.search(r"^vmi: backend (\S+), hypervisor [^,]+, (\d+) CPUs", out, re.M)
    if not m:
        return ["no banner ('vmi: backend ..., N CPUs') in the output"]
    want = vmienv.chosen(args.backend, "qemu-" + args.accel, args.append)
    if m.group(1) != want:
        problems.append("banner names backend %r, expected %r" % (m.group(1), want))
    if int(m.group(2)) != args.smp:
        problems.append("banner says %s CPUs, expected %d" % (m.group(2), args.smp))
    for cpu in range(args.smp):
        if not re.search(r"^cpu %d: reported, [1-9]\d* ticks" % cpu, out, re.M):
            problems.append("cpu %d did not report a tick" % cpu)
    for pattern in args.expect:
        if not re.search(pattern, out, re.M):
            problems.append("output lacks %r" % pattern)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accel", choices=["tcg", "kvm"], default="tcg")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--expect-code", type=int, default=0,
                    help="guest exit code expected (vmi/abi.h)")
    ap.add_argument("--expect", action="append", default=[],
                    help="regular expression the output must contain")
    ap.add_argument("--refuse", action="store_true",
                    help="the image is linked for another hypervisor: expect "
                    "its one-line refusal and VMI_EXIT_WRONG_HV (3)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("image")
    args = ap.parse_args()
    if args.refuse:
        args.expect_code = 3

    why = vmienv.missing("qemu-" + args.accel)
    if why:
        print(f"SKIP: qemu-{args.accel}: {why}")
        return SKIP
    build = vmienv.ENVIRONMENTS["qemu-" + args.accel][0]
    cmd = build(args.image, args.smp, args.append, args.timeout)
    print("+ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode(errors="replace"))
        print("FAIL: no exit within %.0f s" % args.timeout)
        return FAIL
    out = p.stdout.decode(errors="replace")
    sys.stdout.write(out)
    if p.returncode & 1 == 0 or p.returncode < 0:
        print("FAIL: QEMU status %d: the guest never wrote the exit port" % p.returncode)
        return FAIL
    if vmienv.qemu_error(out):
        print("FAIL: QEMU itself failed: " + vmienv.qemu_error(out))
        return FAIL
    code = p.returncode >> 1
    problems = check_output(out, args)
    if code != args.expect_code:
        problems.insert(0, "guest exit code %d (QEMU status %d), expected %d"
                        % (code, p.returncode, args.expect_code))
    for problem in problems:
        print("FAIL: " + problem)
    if problems:
        return FAIL
    if args.refuse:
        print("PASS: refused with guest code %d" % code)
    else:
        print("PASS: guest code %d, %d CPUs reported" % (code, args.smp))
    return PASS


if __name__ == "__main__":
    sys.exit(main())
