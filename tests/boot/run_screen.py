#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_screen.py: boot a kernel from a vmi-mkiso ISO on a PC with a VGA
card and no serial port, and read the result off the screen.

Makes the ISO with tools/vmi-mkiso, starts QEMU TCG with SeaBIOS or OVMF
and `-nodefaults -device VGA -serial none` (no isa-debug-exit either),
`-no-shutdown -no-reboot` and a QMP socket, and waits for the guest to
end: an ACPI S5 power-off is QMP's SHUTDOWN event with reason
"guest-shutdown" (a reset, the kernel's power_fail, is "guest-reset").
QEMU then stays, paused, so a QMP `screendump` takes the final screen
as a PPM.  The run passes only if the guest ended by that power-off
(a timeout, a reset or any other reason fails) and every --expect text
(at least one is required) is on the final screen: the checker renders the
text in the console's font, read from backends/common/font8x16.txt (the
file the kernel's table is made from), and looks for those pixels.

  run_screen.py --mkiso tools/vmi-mkiso --firmware uefi \\
      --expect 'demo: PASS' build/guest-kernel/kernel-native.elf
Exit status: 0 pass, 1 fail, 2 usage (no --expect), 77 skip (QEMU,
OVMF or GRUB's tools missing)."""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "backends", "common"))
import mkfont  # noqa: E402
import vmienv  # noqa: E402

PASS, FAIL, SKIP = 0, 1, 77
CELL_W, CELL_H = 8, 16
LIT = 0x60                      # a channel this bright is a drawn pixel


def read_ppm(path):
    """(width, height, rows): rows[y] a string of '1' (lit) and '0'."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:      # P6, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos + 1:]
    rows = []
    for y in range(h):
        line = pix[y * w * 3:(y + 1) * w * 3]
        rows.append("".join("1" if max(line[x * 3:x * 3 + 3]) >= LIT else "0"
                            for x in range(w)))
    return w, h, rows


def render(text, font):
    """The CELL_H pixel rows of (text) in (font), as '1'/'0' strings."""
    return ["".join(format(font[ord(c)][y], "08b") for c in text)
            for y in range(CELL_H)]


def find_text(rows, text, font):
    """(x, y) of the first place the screen shows (text), or None."""
    want = render(text, font)
    anchor = next((y for y, r in enumerate(want) if "1" in r), None)
    if anchor is None:
        raise ValueError("an expected text must have a visible character")
    for y in range(anchor, len(rows) - (CELL_H - anchor) + 1):
        x = rows[y].find(want[anchor])
        while x >= 0:
            top = y - anchor
            if all(rows[top + r][x:x + len(want[r])] == want[r]
                   for r in range(CELL_H)):
                return x, top
            x = rows[y].find(want[anchor], x + 1)
    return None


class Qmp:
    def __init__(self, path, deadline):
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                raise TimeoutError("QEMU made no QMP socket")
            time.sleep(0.1)
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.file = self.sock.makefile("rw")
        self.events = []
        self.read()                                 # the greeting
        self.call("qmp_capabilities")

    def read(self):
        line = self.file.readline()
        if not line:
            raise EOFError("QEMU closed the QMP socket")
        return json.loads(line)

    def call(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg) + "\n")
        self.file.flush()
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise RuntimeError(f"QMP {cmd}: {r['error'].get('desc')}")
            return r.get("return")

    def wait_event(self, name, deadline):
        while True:
            for e in self.events:
                if e["event"] == name:
                    return e
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.events.append(self.read())
            except socket.timeout:
                return None


def boot(iso, firmware, cpus, ppm, timeout):
    """Run QEMU to the guest's end; return (shutdown reason or None, QEMU
    log).  The screen is in (ppm) if the guest ended."""
    sock = ppm + ".qmp"
    cmd = [vmienv.QEMU, "-accel", "tcg", "-m", "256", "-smp", str(cpus),
           "-nodefaults", "-device", "VGA", "-serial", "none",
           "-display", "none", "-no-shutdown", "-no-reboot",
           "-qmp", f"unix:{sock},server=on,wait=off", "-cdrom", iso]
    if firmware == "uefi":
        cmd += ["-bios", vmienv.OVMF]
    print("+ " + " ".join(cmd), flush=True)
    log = open(ppm + ".log", "w+")
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    reason = None
    try:
        qmp = Qmp(sock, deadline)
        ev = qmp.wait_event("SHUTDOWN", deadline)
        if ev:
            reason = ev["data"]["reason"]
        qmp.call("screendump", filename=ppm)
        qmp.call("quit")
    except (OSError, EOFError, TimeoutError, RuntimeError) as e:
        print(f"run_screen: QMP: {e}")
    finally:
        try:
            qemu.wait(timeout=10)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()
        log.seek(0)
        out = log.read()
        log.close()
    return reason, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mkiso", required=True)
    ap.add_argument("--firmware", choices=["bios", "uefi"], default="bios")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--expect", action="append", required=True,
                    help="text the final screen must show (at least one; "
                    "repeat for more)")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--keep", help="copy the screendump (PPM) here")
    ap.add_argument("image")
    args = ap.parse_args(argv)
    if any(t.isspace() or not t for t in args.expect):
        ap.error("--expect needs a visible character")

    env = "qemu-tcg-iso-" + args.firmware
    why = vmienv.missing(env)
    if why:
        print(f"SKIP: {env}: {why}")
        return SKIP
    try:
        font = mkfont.load(os.path.join(ROOT, "backends", "common", "font8x16.txt"))
    except (OSError, mkfont.FontError) as e:
        print(f"FAIL: the console font: {e}")
        return FAIL
    with tempfile.TemporaryDirectory(prefix="vmi-screen-") as tmp:
        iso = os.path.join(tmp, "kernel.iso")
        failed = vmienv.make_iso(args.mkiso, args.image, iso, args.cmdline)
        if failed:
            print("%s: %s" % failed)
            return SKIP if failed[0] == "SKIP" else FAIL
        ppm = os.path.join(tmp, "screen.ppm")
        t0 = time.monotonic()
        reason, out = boot(iso, args.firmware, args.cpus, ppm, args.timeout)
        seconds = time.monotonic() - t0
        if out.strip():
            print(out.rstrip())
        problems = []
        if reason is None:
            problems.append(f"the guest did not end within {args.timeout} s")
        elif reason != "guest-shutdown":
            problems.append(f"the guest ended with {reason!r}, not an ACPI "
                            "power-off ('guest-shutdown')")
        if not os.path.exists(ppm):
            problems.append("no screendump")
        else:
            if args.keep:
                with open(ppm, "rb") as src, open(args.keep, "wb") as dst:
                    dst.write(src.read())
            w, h, rows = read_ppm(ppm)
            print(f"screen {w}x{h}")
            for text in args.expect:
                at = find_text(rows, text, font)
                if at is None:
                    problems.append(f"the screen does not show {text!r}")
                else:
                    print(f"found {text!r} at pixel {at}")
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return FAIL
    print(f"PASS: {os.path.basename(args.image)} shown on the {args.firmware} "
          f"framebuffer, ACPI power-off, {seconds:.1f} s")
    return PASS


if __name__ == "__main__":
    sys.exit(main())
