#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_image.py: refuse a vmi kernel image that a loader could not boot.

Checks, so that both QEMU 7.2's -kernel (QEMU hw/i386/x86.c,
hw/i386/multiboot.c) and GRUB's multiboot2 command boot the image:
  * ELF64, little-endian, x86-64, with program headers;
  * exactly one PVH note (name "Xen", type 18 XEN_ELFNOTE_PHYS32_ENTRY,
    Xen public/elfnote.h) reachable through a PT_NOTE header, with an
    8-byte descriptor (QEMU 7.2 reads a size_t) holding a 32-bit entry
    that lies in an executable PT_LOAD segment;
  * a valid Multiboot2 header (magic 0xE85250D6, i386, checksum) in the
    first 32 KiB of the file, 8-byte aligned (multiboot2 spec 3.1.1), whose
    entry-address tag, if any, lies in an executable PT_LOAD segment;
  * no Multiboot1 header (magic 0x1BADB002 with a valid checksum in the
    first 8 KiB): QEMU would try Multiboot first and refuse an x86-64 image;
  * no PT_LOAD segment that is both writable and executable.

Prints nothing and exits 0 when the image is good; otherwise prints one
line "check_image: IMAGE: reason" on stderr and exits 1.
"""
import argparse
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W = 1, 2
XEN_ELFNOTE_PHYS32_ENTRY = 18
MB2_MAGIC, MB2_SEARCH = 0xE85250D6, 32768
MB2_TAG_END, MB2_TAG_ENTRY = 0, 3
MB1_MAGIC, MB1_SEARCH = 0x1BADB002, 8192


class Bad(Exception):
    """The image is refused; the message says why."""


def elf_segments(data):
    """Return (e_entry, [(type, flags, offset, vaddr, filesz, memsz)])."""
    if len(data) < 64 or data[:4] != b"\x7fELF":
        raise Bad("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise Bad("not a little-endian ELF64 file")
    (e_machine,) = struct.unpack_from("<H", data, 18)
    if e_machine != 62:
        raise Bad("ELF machine %d is not x86-64 (62)" % e_machine)
    e_entry, e_phoff = struct.unpack_from("<QQ", data, 24)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    if e_phnum == 0 or e_phentsize < 56 or e_phoff + e_phnum * e_phentsize > len(data):
        raise Bad("program headers missing or outside the file")
    segs = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz = \
            struct.unpack_from("<IIQQQQQ", data, e_phoff + i * e_phentsize)
        segs.append((p_type, p_flags, p_offset, p_vaddr, p_filesz, p_memsz))
    return e_entry, segs


def notes(data, off, size):
    """Yield (name, type, desc) of each note in data[off:off+size]."""
    end = off + size
    if end > len(data):
        raise Bad("PT_NOTE segment runs past the end of the file")
    while off < end:
        if off + 12 > end:
            raise Bad("truncated note header in PT_NOTE segment")
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        name_off = off + 12
        desc_off = name_off + ((namesz + 3) & ~3)
        nxt = desc_off + ((descsz + 3) & ~3)
        if nxt > end:
            raise Bad("truncated note (type %d) in PT_NOTE segment" % ntype)
        name = data[name_off:name_off + namesz].rstrip(b"\0")
        yield name, ntype, data[desc_off:desc_off + descsz]
        off = nxt


def in_exec_load(segs, addr):
    return any(t == PT_LOAD and f & PF_X and va <= addr < va + memsz
               for t, f, _, va, _, memsz in segs)


def check_pvh(data, segs):
    found = []
    for t, _, off, _, filesz, _ in segs:
        if t == PT_NOTE:
            found += [d for n, ty, d in notes(data, off, filesz)
                      if n == b"Xen" and ty == XEN_ELFNOTE_PHYS32_ENTRY]
    if not found:
        raise Bad("no PVH entry note (Xen, type 18) in any PT_NOTE segment")
    if len(found) > 1:
        raise Bad("%d PVH entry notes; exactly one is allowed" % len(found))
    desc = found[0]
    if len(desc) != 8:
        raise Bad("PVH entry note descriptor is %d bytes, need 8" % len(desc))
    (entry,) = struct.unpack("<Q", desc)
    if entry >= 1 << 32:
        raise Bad("PVH entry 0x%x is not a 32-bit physical address" % entry)
    if not in_exec_load(segs, entry):
        raise Bad("PVH entry 0x%x is not inside an executable PT_LOAD segment" % entry)


def mb2_tags(data, off, length):
    pos = off + 16
    while pos + 8 <= off + length:
        ttype, _, tsize = struct.unpack_from("<HHI", data, pos)
        if ttype == MB2_TAG_END:
            return
        if tsize < 8 or pos + tsize > off + length:
            raise Bad("Multiboot2 header tag %d at 0x%x has a bad size" % (ttype, pos))
        yield ttype, data[pos:pos + tsize]
        pos += (tsize + 7) & ~7
    raise Bad("Multiboot2 header has no end tag")


def check_mb2(data, segs):
    for off in range(0, min(len(data), MB2_SEARCH) - 15, 8):
        magic, arch, length, csum = struct.unpack_from("<IIII", data, off)
        if magic != MB2_MAGIC or (magic + arch + length + csum) & 0xFFFFFFFF:
            continue
        if arch != 0:
            raise Bad("Multiboot2 header architecture %d is not i386 (0)" % arch)
        if length < 24 or off + length > MB2_SEARCH:
            raise Bad("Multiboot2 header length %d does not fit the first 32 KiB" % length)
        for ttype, tag in mb2_tags(data, off, length):
            if ttype == MB2_TAG_ENTRY:
                (entry,) = struct.unpack_from("<I", tag, 8)
                if not in_exec_load(segs, entry):
                    raise Bad("Multiboot2 entry 0x%x is not inside an executable PT_LOAD segment"
                              % entry)
        return
    raise Bad("no valid Multiboot2 header in the first 32 KiB")


def check_no_mb1(data):
    for off in range(0, min(len(data), MB1_SEARCH) - 11, 4):
        magic, flags, csum = struct.unpack_from("<III", data, off)
        if magic == MB1_MAGIC and (magic + flags + csum) & 0xFFFFFFFF == 0:
            raise Bad("Multiboot1 header at offset 0x%x: QEMU would refuse the image" % off)


def check(data):
    _, segs = elf_segments(data)
    for t, f, _, va, _, _ in segs:
        if t == PT_LOAD and f & PF_W and f & PF_X:
            raise Bad("PT_LOAD segment at 0x%x is writable and executable" % va)
    check_pvh(data, segs)
    check_mb2(data, segs)
    check_no_mb1(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("--stamp", help="touch this file when the image is good")
    args = ap.parse_args()
    try:
        with open(args.image, "rb") as f:
            check(f.read())
    except (Bad, OSError) as e:
        print("check_image: %s: %s" % (args.image, e), file=sys.stderr)
        return 1
    if args.stamp:
        with open(args.stamp, "w") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
