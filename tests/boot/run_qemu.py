#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_qemu.py: boot a vmi kernel image under QEMU and judge the result.

Starts qemu-system-x86_64 with -kernel IMAGE (PVH entry), the serial port
on stdout and the isa-debug-exit device at port 0xf4 (vmi/abi.h), with a
timeout.  QEMU exits with (v << 1) | 1 for a guest write of v, so the guest
exit code is the status shifted right; an even status means the guest
never wrote the port (a triple fault with -no-reboot gives 0).

Then checks the output: the banner names the expected backend and CPU
count, and every CPU reported in.  --serial changes the serial port:
"none" gives the guest no UART at all (nor a screen: the exit code is all
there is to check), "spcr" puts the only UART at 0x2f8 (COM2) and names it
in an ACPI SPCR table given with -acpitable, so the output is seen only if
the kernel found it there.  Exit status for meson's exitcode protocol: 0
pass, 1 fail, 77 skip (no QEMU, or no usable /dev/kvm).
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
    m = re.search(r"^vmi: backend (\S+), hypervisor [^,]+, (\d+) CPUs", out, re.M)
    if not m:
        return ["no banner ('vmi: backend ..., N CPUs') in the output"]
    if m.group(1) != args.backend:
        problems.append("banner names backend %r, expected %r" % (m.group(1), args.backend))
    if int(m.group(2)) != args.smp:
        problems.append("banner says %s CPUs, expected %d" % (m.group(2), args.smp))
    for cpu in range(args.smp):
        if not re.search(r"^cpu %d: reported, [1-9]\d* ticks" % cpu, out, re.M):
            problems.append("cpu %d did not report a tick" % cpu)
    for pattern in args.expect:
        if not re.search(pattern, out, re.M):
            problems.append("output lacks %r" % pattern)
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
    cmd = build(args.image, args.smp, args.append, args.timeout) + args.qemu_arg
    with tempfile.TemporaryDirectory(prefix="vmi-boot-") as tmp:
        if args.serial != "com1":
            cmd = serial_args(cmd, args.serial, tmp)
        print("+ " + " ".join(cmd), flush=True)
        try:
            if args.monitor_on:
                status, raw = run_with_monitor(cmd, args)
            else:
                p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT,
                                   timeout=args.timeout)
                status, raw = p.returncode, p.stdout
        except subprocess.TimeoutExpired as e:
            sys.stdout.write((e.stdout or b"").decode(errors="replace"))
            print("FAIL: no exit within %.0f s" % args.timeout)
            return FAIL
    out = raw.decode(errors="replace")
    sys.stdout.write(out)
    if status & 1 == 0 or status < 0:
        print("FAIL: QEMU status %d: the guest never wrote the exit port" % status)
        return FAIL
    if vmienv.qemu_error(out):
        print("FAIL: QEMU itself failed: " + vmienv.qemu_error(out))
        return FAIL
    code = status >> 1
    problems = check_output(out, args)
    if code != args.expect_code:
        problems.insert(0, "guest exit code %d (QEMU status %d), expected %d"
                        % (code, status, args.expect_code))
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
