#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_image_check.py: check_image.py accepts the built kernel image and
refuses corrupted copies of it, each with one clear line.

Usage: test_image_check.py CHECKER IMAGE.  Exits 0 when every case holds,
1 otherwise (meson exitcode protocol).
"""
import os
import struct
import subprocess
import sys
import tempfile

PT_LOAD, PT_NOTE = 1, 4


def phdrs(data):
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    for i in range(e_phnum):
        off = e_phoff + i * e_phentsize
        yield off, struct.unpack_from("<IIQQQQQ", data, off)


def pvh_note_offset(data):
    """File offset of the Xen type-18 note header."""
    for _, (p_type, _, p_off, _, _, p_filesz, _) in phdrs(data):
        if p_type != PT_NOTE:
            continue
        off = p_off
        while off < p_off + p_filesz:
            namesz, descsz, ntype = struct.unpack_from("<III", data, off)
            if data[off + 12:off + 15] == b"Xen" and ntype == 18:
                return off
            off += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    raise SystemExit("the image under test has no PVH note")


def bad_note_type(d):
    struct.pack_into("<I", d, pvh_note_offset(d) + 8, 17)


def truncated_note(d):
    """The note claims a 16-byte descriptor the PT_NOTE segment lacks."""
    struct.pack_into("<I", d, pvh_note_offset(d) + 4, 16)


def short_desc(d):
    """A well-formed note with a 4-byte descriptor: QEMU 7.2 would read 4
    more bytes as part of the entry address."""
    struct.pack_into("<I", d, pvh_note_offset(d) + 4, 4)
    for off, (p_type, _, _, _, _, p_filesz, _) in phdrs(d):
        if p_type == PT_NOTE:
            struct.pack_into("<Q", d, off + 32, p_filesz - 4)


def entry_outside_text(d):
    off = pvh_note_offset(d) + 16
    struct.pack_into("<Q", d, off, 0x7000)


def missing_note(d):
    for off, (p_type, *_) in phdrs(d):
        if p_type == PT_NOTE:
            struct.pack_into("<I", d, off, 0)          # PT_NULL


def no_mb2(d):
    i = d.find(struct.pack("<I", 0xE85250D6))
    struct.pack_into("<I", d, i, 0)


def with_mb1(d):
    i = d.find(struct.pack("<I", 0xE85250D6))
    # A Multiboot1 header (magic, flags, checksum) in the 8 KiB QEMU scans.
    struct.pack_into("<III", d, i + 128, 0x1BADB002, 0, (-0x1BADB002) & 0xFFFFFFFF)


def rwx_segment(d):
    for off, (p_type, *_) in phdrs(d):
        if p_type == PT_LOAD:
            struct.pack_into("<I", d, off + 4, 7)
            return


def not_elf(d):
    d[0:4] = b"\x7fXLF"


CASES = [
    (bad_note_type, "no PVH entry note"),
    (truncated_note, "truncated note"),
    (short_desc, "descriptor is 4 bytes"),
    (entry_outside_text, "not inside an executable PT_LOAD"),
    (missing_note, "no PVH entry note"),
    (no_mb2, "no valid Multiboot2 header"),
    (with_mb1, "Multiboot1 header"),
    (rwx_segment, "writable and executable"),
    (not_elf, "not an ELF file"),
]


def run(checker, path):
    p = subprocess.run([sys.executable, checker, path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    checker, image = sys.argv[1], sys.argv[2]
    failures = 0
    rc, out = run(checker, image)
    if rc != 0 or out:
        print("FAIL: the good image is refused: %s" % out.strip())
        failures += 1
    with open(image, "rb") as f:
        good = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        for corrupt, expect in CASES:
            data = bytearray(good)
            corrupt(data)
            path = os.path.join(tmp, corrupt.__name__ + ".elf")
            with open(path, "wb") as f:
                f.write(data)
            rc, out = run(checker, path)
            lines = out.strip().splitlines()
            ok = rc == 1 and len(lines) == 1 and expect in lines[0]
            print("%s: %s: %s" % ("ok" if ok else "FAIL", corrupt.__name__,
                                  out.strip() or "(accepted)"))
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
