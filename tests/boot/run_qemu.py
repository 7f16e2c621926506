#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_qemu.py: boot a vmi kernel image under QEMU and judge the result.

Starts qemu-system-x86_64 with -kernel IMAGE (PVH entry), the serial port
on stdout and the isa-debug-exit device at port 0xf4 (vmi/abi.h), with a
timeout.  QEMU exits with (v << 1) | 1 for a guest write of v, so the guest
exit code is the status shifted right; an even status means the guest
never wrote the port (a triple fault with -no-reboot gives 0).

Then checks the output: the banner names the expected backend and CPU
count, and every CPU reported in.  Exit status for meson's exitcode
protocol: 0 pass, 1 fail, 77 skip (no QEMU, or no usable /dev/kvm).

What a real PC has and QEMU's defaults lack (docs/kernel.md, "On a real
PC: ending and memory"):
  --no-debug-exit   no isa-debug-exit device: the kernel must end the
                    machine through ACPI.  QEMU must exit by itself with
                    status 0 (a power-off), the output must hold one
                    "vmi: power off: ... ACPI S5 through ..." line and no
                    "vmi: power off failed"; the guest's code cannot come
                    out, so only the output is judged.
  --machine M       QEMU's -M (microvm,acpi=on is hardware-reduced ACPI).
  --mkiso TOOL      boot a GRUB ISO made by vmi-mkiso under SeaBIOS, with
                    --grub-cmd commands before the kernel is loaded;
  --cutmem-holes N  N one-MiB holes cut by GRUB (cutmem) below 2 GiB: the
                    kernel's "N MiB RAM" must be --memory minus the holes,
                    less at most 2 MiB the firmware keeps.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SKIP, FAIL, PASS = 77, 1, 0
MKISO_MISSING = 69       # vmi-mkiso: a tool or GRUB platform is missing

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
    for pattern in args.expect:
        if not re.search(pattern, out, re.M):
            problems.append("output lacks %r" % pattern)
    banner = re.search(r"^vmi: backend (\S+), hypervisor [^,]+, (\d+) CPUs", out, re.M)
    if args.no_banner:
        return problems + (["the run was to stop before the banner"] if banner else [])
    if not banner:
        return problems + ["no banner ('vmi: backend ..., N CPUs') in the output"]
    if banner.group(1) != args.backend:
        problems.append("banner names backend %r, expected %r" % (banner.group(1), args.backend))
    if int(banner.group(2)) != args.smp:
        problems.append("banner says %s CPUs, expected %d" % (banner.group(2), args.smp))
    for cpu in range(args.smp):
        if not re.search(r"^cpu %d: reported, [1-9]\d* ticks" % cpu, out, re.M):
            problems.append("cpu %d did not report a tick" % cpu)
    if args.cutmem_holes:
        problems += check_ram(out, args)
    return problems


def mib(size):
    """QEMU's -m size ("256", "8G", "512M") in MiB."""
    m = re.fullmatch(r"(\d+)([MG]?)", size)
    if not m:
        raise SystemExit("run_qemu.py: --memory %r: want N, NM or NG" % size)
    return int(m.group(1)) << (10 if m.group(2) == "G" else 0)


# The holes go below 2 GiB, where QEMU's pc machine always has RAM (its
# PCI hole starts at 2.75 GiB or higher), above the image and GRUB's data
# at 1 MiB.  FIRMWARE_MIB: what SeaBIOS and the legacy 640 KiB-1 MiB window
# keep from the RAM QEMU was given.
HOLES_FROM_MIB, HOLES_TO_MIB, FIRMWARE_MIB = 16, 2048, 2


def cutmem_holes(n):
    step = (HOLES_TO_MIB - HOLES_FROM_MIB) // n
    if step < 2:
        raise SystemExit("run_qemu.py: --cutmem-holes %d: at most %d fit"
                         % (n, (HOLES_TO_MIB - HOLES_FROM_MIB) // 2))
    return ["cutmem %dM %dM" % (HOLES_FROM_MIB + i * step, HOLES_FROM_MIB + i * step + 1)
            for i in range(n)]


def check_ram(out, args):
    m = re.search(r"^kernel: .* (\d+) MiB RAM \(", out, re.M)
    if not m:
        return ["no 'kernel: ... N MiB RAM' line"]
    want = mib(args.memory) - args.cutmem_holes
    got = int(m.group(1))
    if not want - FIRMWARE_MIB <= got <= want:
        return ["the kernel sees %d MiB of RAM, expected %d (%s less %d holes) "
                "less at most %d" % (got, want, args.memory, args.cutmem_holes, FIRMWARE_MIB)]
    return []


def qemu_command(args, image):
    """The environment's QEMU command, changed as the options ask."""
    if args.mkiso:
        cmd = vmienv.MEDIA["qemu-tcg-iso-bios"][0](image, args.smp, "", args.timeout)
    else:
        build = vmienv.ENVIRONMENTS["qemu-" + args.accel][0]
        cmd = build(image, args.smp, args.append, args.timeout)
    if args.memory:
        cmd[cmd.index("-m") + 1] = args.memory
    if args.no_debug_exit:
        i = next(i for i, a in enumerate(cmd) if a.startswith("isa-debug-exit"))
        del cmd[i - 1:i + 1]
    if args.machine:
        cmd += ["-M", args.machine]
    return cmd


def make_iso(args, tmp):
    """The image as a GRUB ISO from vmi-mkiso, or None (SKIP printed)."""
    iso = os.path.join(tmp, "kernel.iso")
    grub = args.grub_cmd + (cutmem_holes(args.cutmem_holes) if args.cutmem_holes else [])
    argv = [args.mkiso] + [a for c in grub for a in ("--grub-cmd", c)] + \
        [args.image, iso] + args.append.split()
    mk = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if mk.returncode == MKISO_MISSING:
        print("SKIP: " + mk.stdout.strip().splitlines()[-1])
        return None
    if mk.returncode != 0:
        raise SystemExit("FAIL: vmi-mkiso status %d\n%s" % (mk.returncode, mk.stdout))
    return iso


def judge_power_off(p, out):
    """Without isa-debug-exit: QEMU's own exit 0 after the route line."""
    problems = []
    if p.returncode != 0:
        problems.append("QEMU status %d: not a power-off" % p.returncode)
    if len(re.findall(r"^vmi: power off: .*ACPI S5 through ", out, re.M)) != 1:
        problems.append("expected one 'vmi: power off: ... ACPI S5 through ...' line")
    if re.search(r"^vmi: power off failed", out, re.M):
        problems.append("the kernel says the power-off failed")
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
    ap.add_argument("--no-banner", action="store_true",
                    help="the kernel is to stop before its banner")
    ap.add_argument("--machine", help="QEMU machine (-M)")
    ap.add_argument("--memory", help="guest RAM (-m), e.g. 8G")
    ap.add_argument("--no-debug-exit", action="store_true",
                    help="no isa-debug-exit: expect an ACPI power-off")
    ap.add_argument("--mkiso", help="vmi-mkiso: boot a GRUB ISO of the image")
    ap.add_argument("--grub-cmd", action="append", default=[],
                    help="a GRUB command before the kernel (with --mkiso)")
    ap.add_argument("--cutmem-holes", type=int, default=0,
                    help="N one-MiB holes by GRUB cutmem (with --mkiso)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("image")
    args = ap.parse_args()
    if args.refuse:
        args.expect_code = 3
    if (args.grub_cmd or args.cutmem_holes) and not args.mkiso:
        ap.error("--grub-cmd and --cutmem-holes need --mkiso")
    args.memory = args.memory or vmienv.QEMU_COMMON[vmienv.QEMU_COMMON.index("-m") + 1]

    env = "qemu-tcg-iso-bios" if args.mkiso else "qemu-" + args.accel
    why = vmienv.missing(env)
    if why:
        print(f"SKIP: {env}: {why}")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="vmi-boot-") as tmp:
        image = make_iso(args, tmp) if args.mkiso else args.image
        if image is None:
            return SKIP
        return run(args, qemu_command(args, image))


def run(args, cmd):
    print("+ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode(errors="replace"))
        print("FAIL: no exit within %.0f s" % args.timeout)
        return FAIL
    # GRUB's serial terminal leaves carriage returns and VT100 sequences
    # before the kernel's first line.
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "\n",
                 p.stdout.decode(errors="replace"))
    sys.stdout.write(out)
    if vmienv.qemu_error(out):
        print("FAIL: QEMU itself failed: " + vmienv.qemu_error(out))
        return FAIL
    problems = check_output(out, args)
    if args.no_debug_exit:
        problems = judge_power_off(p, out) + problems
    elif p.returncode & 1 == 0 or p.returncode < 0:
        print("FAIL: QEMU status %d: the guest never wrote the exit port" % p.returncode)
        return FAIL
    elif p.returncode >> 1 != args.expect_code:
        problems.insert(0, "guest exit code %d (QEMU status %d), expected %d"
                        % (p.returncode >> 1, p.returncode, args.expect_code))
    for problem in problems:
        print("FAIL: " + problem)
    if problems:
        return FAIL
    if args.refuse:
        print("PASS: refused with guest code %d" % args.expect_code)
    elif args.no_debug_exit:
        print("PASS: powered off through ACPI, %d CPUs reported" % args.smp)
    else:
        print("PASS: guest code %d, %d CPUs reported" % (args.expect_code, args.smp))
    return PASS


if __name__ == "__main__":
    sys.exit(main())
