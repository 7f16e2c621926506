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
count, and every CPU reported in.  --serial changes the serial port:
"none" gives the guest no UART at all (nor a screen: the exit code is all
there is to check), "spcr" puts the only UART at 0x2f8 (COM2) and names it
in an ACPI SPCR table given with -acpitable, so the output is seen only if
the kernel found it there.  Exit status for meson's exitcode protocol: 0
pass, 1 fail, 77 skip (no QEMU, or no usable /dev/kvm).

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
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP, FAIL, PASS = 77, 1, 0

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (environments shared with the demo and conformance)


SPCR_PORT = 0x2f8


def spcr_table(port):
    """An SPCR table (Microsoft "Serial Port Console Redirection Table",
    revision 2, 80 bytes): a 16550 at I/O (port), IRQ 3, 115200 8N1."""
    body = struct.pack("<B3x", 0)                       # 36: interface 16550
    body += struct.pack("<BBBBQ", 1, 8, 0, 1, port)     # 40: GAS, I/O space
    body += struct.pack("<BBI", 1, 3, 0)                # 52: 8259, IRQ 3, GSI
    body += bytes([7, 0, 1, 0, 0, 0])                   # 58: 115200, 8N1
    body += struct.pack("<HHBBBIB", 0xffff, 0xffff, 0, 0, 0, 0, 0)  # 64: no PCI
    body += bytes(4)                                    # 76: reserved
    hdr = struct.pack("<4sIBB6s8sI4sI", b"SPCR", 36 + len(body), 2, 0,
                      b"VMI   ", b"VMISPCR ", 1, b"VMI ", 1)
    table = bytearray(hdr + body)
    table[9] = (-sum(table)) & 0xff
    return bytes(table)


def serial_args(cmd, mode, tmp):
    """(cmd) with its "-serial stdio" replaced as --serial (mode) says."""
    i = cmd.index("-serial")
    if mode == "none":
        return cmd[:i] + ["-serial", "none"] + cmd[i + 2:]
    path = os.path.join(tmp, "spcr.bin")
    with open(path, "wb") as f:
        f.write(spcr_table(SPCR_PORT))
    return cmd[:i] + ["-serial", "none", "-chardev", "stdio,id=com2",
                      "-device", "isa-serial,iobase=0x%x,irq=3,chardev=com2" % SPCR_PORT,
                      "-acpitable", "file=" + path] + cmd[i + 2:]


def check_refusal(out, args):
    """A kernel linked for another hypervisor: one clear line, no banner."""
    lines = re.findall(r"^vmi: kernel linked for .* but found .*$", out, re.M)
    problems = [] if len(lines) == 1 else [
        "expected exactly one 'vmi: kernel linked for X but found Y' line, "
        "got %d" % len(lines)]
    if re.search(r"^vmi: backend ", out, re.M):
        problems.append("a refusing kernel printed the banner")
    return problems


def check_refused_machine(out, args):
    """A machine the kernel cannot run on: one line, no banner."""
    lines = re.findall(args.refused_by, out, re.M)
    problems = [] if len(lines) == 1 else [
        "expected exactly one line matching %r, got %d" % (args.refused_by, len(lines))]
    if re.search(r"^vmi: backend ", out, re.M):
        problems.append("a refusing kernel printed the banner")
    return problems


def check_output(out, args):
    """Return a list of problems with the guest's console output."""
    if args.refuse:
        return check_refusal(out, args)
    if args.serial == "none":
        return ["the guest had no serial port, yet QEMU printed %r" % out[:200]] \
            if out.strip() else []
    if args.refused_by:
        return check_refused_machine(out, args)
    problems = []
    for pattern in args.expect:
        if not re.search(pattern, out, re.M):
            problems.append("output lacks %r" % pattern)
    banner = re.search(r"^vmi: backend (\S+), hypervisor [^,]+, (\d+) CPUs", out, re.M)
    if args.no_banner:
        return problems + (["the run was to stop before the banner"] if banner else [])
    if not banner:
        return problems + ["no banner ('vmi: backend ..., N CPUs') in the output"]
    want = vmienv.chosen(args.backend, "qemu-" + args.accel, args.append)
    if banner.group(1) != want:
        problems.append("banner names backend %r, expected %r" % (banner.group(1), want))
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


def qemu_command(args, image, tmp):
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
    if args.serial != "com1":
        cmd = serial_args(cmd, args.serial, tmp)
    return cmd + args.qemu_arg


def make_iso(args, tmp):
    """The image as a GRUB ISO from vmi-mkiso, or None (SKIP printed)."""
    iso = os.path.join(tmp, "kernel.iso")
    grub = args.grub_cmd + (cutmem_holes(args.cutmem_holes) if args.cutmem_holes else [])
    failed = vmienv.make_iso(args.mkiso, args.image, iso, args.append, grub)
    if failed and failed[0] == "SKIP":
        print("SKIP: " + failed[1])
        return None
    if failed:
        raise SystemExit("FAIL: " + failed[1])
    return iso


def judge_power_off(status, out):
    """Without isa-debug-exit: QEMU's own exit 0 after the route line."""
    problems = []
    if status != 0:
        problems.append("QEMU status %d: not a power-off" % status)
    if len(re.findall(r"^vmi: power off: .*ACPI S5 through ", out, re.M)) != 1:
        problems.append("expected one 'vmi: power off: ... ACPI S5 through ...' line")
    if re.search(r"^vmi: power off failed", out, re.M):
        problems.append("the kernel says the power-off failed")
    return problems


def monitor_send(path, command):
    """Send one command to QEMU's human monitor at unix socket (path) and
    wait (2 s at most) for the prompt that follows its execution."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(2)
        s.connect(path)
        s.sendall(command.encode() + b"\n")
        got = b""
        try:
            while got.count(b"(qemu)") < 2:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass


def run_with_monitor(cmd, args):
    """Run (cmd) with a monitor socket; once the output matches
    args.monitor_on, send args.monitor_cmd.  Returns (status, output);
    raises subprocess.TimeoutExpired past args.timeout."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "monitor")
        p = subprocess.Popen(cmd + ["-monitor", f"unix:{path},server=on,wait=off"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        out, sent = b"", False
        deadline = time.monotonic() + args.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                p.kill()
                p.wait()
                raise subprocess.TimeoutExpired(cmd, args.timeout, output=out)
            if not select.select([p.stdout], [], [], left)[0]:
                continue
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
            if not sent and re.search(args.monitor_on, out.decode(errors="replace"), re.M):
                monitor_send(path, args.monitor_cmd)
                sent = True
        return p.wait(), out


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
    ap.add_argument("--serial", choices=["com1", "none", "spcr"], default="com1",
                    help="COM1 on stdout (default); no UART; only COM2, "
                    "named by an ACPI SPCR table")
    ap.add_argument("--refused-by", metavar="REGEX",
                    help="the machine lacks what the kernel needs: expect "
                    "exactly one line matching REGEX, no banner, and "
                    "--expect-code")
    ap.add_argument("--qemu-arg", action="append", default=[],
                    help="an argument appended to QEMU's command line "
                    "(e.g. -machine microvm; a later -cpu overrides)")
    ap.add_argument("--monitor-on", metavar="REGEX",
                    help="once the output matches REGEX, send --monitor-cmd "
                    "to QEMU's monitor (e.g. nmi)")
    ap.add_argument("--monitor-cmd", default="nmi")
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
        return run(args, qemu_command(args, image, tmp))


def run(args, cmd):
    print("+ " + " ".join(cmd), flush=True)
    try:
        if args.monitor_on:
            status, raw = run_with_monitor(cmd, args)
        else:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=args.timeout)
            status, raw = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode(errors="replace"))
        print("FAIL: no exit within %.0f s" % args.timeout)
        return FAIL
    # GRUB's serial terminal leaves carriage returns and VT100 sequences
    # before the kernel's first line.
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "\n",
                 raw.decode(errors="replace"))
    sys.stdout.write(out)
    if vmienv.qemu_error(out):
        print("FAIL: QEMU itself failed: " + vmienv.qemu_error(out))
        return FAIL
    problems = check_output(out, args)
    if args.no_debug_exit:
        problems = judge_power_off(status, out) + problems
    elif status & 1 == 0 or status < 0:
        print("FAIL: QEMU status %d: the guest never wrote the exit port" % status)
        return FAIL
    elif status >> 1 != args.expect_code:
        problems.insert(0, "guest exit code %d (QEMU status %d), expected %d"
                        % (status >> 1, status, args.expect_code))
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
