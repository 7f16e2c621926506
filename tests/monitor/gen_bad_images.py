#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/gen_bad_images.py: write malformed PVH ELF images.

Each image is one mutation of a small valid image (also written, as
good.elf, so the tests show the base really boots).  vmi-run must refuse
each with exit 65 and a message containing the listed substring.

  gen_bad_images.py --list     print "name|expected substring" lines
  gen_bad_images.py OUTDIR     write every image (and good.elf, good4.elf)
Python 3 standard library only.  Layouts: System V gABI (ELF64 header,
program header, note), Xen docs/misc/pvh.pandoc (PVH note).
"""
import os
import struct
import sys

EHDR = '<16sHHIQQQIHHHHHH'      # Elf64_Ehdr, 64 bytes
PHDR = '<IIQQQQQQ'              # Elf64_Phdr, 56 bytes
PT_NULL, PT_LOAD, PT_NOTE = 0, 1, 4
PF_X, PF_W, PF_R = 1, 2, 4
LOAD_PA = 0x100000
CODE_OFF = 0x1000
NOTE_OFF = 0x800
# mov $42,%al; out %al,$0xf4; 1: hlt; jmp 1b
CODE = bytes([0xb0, 0x2a, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd])


def note(name=b'Xen\0', ntype=18, desc=struct.pack('<Q', LOAD_PA),
         namesz=None, descsz=None):
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    hdr = struct.pack('<III', len(name) if namesz is None else namesz,
                      len(desc) if descsz is None else descsz, ntype)
    return hdr + pad(name) + pad(desc)


def load(paddr=LOAD_PA, off=CODE_OFF, filesz=len(CODE), memsz=0x2000,
         flags=PF_R | PF_X):
    return [PT_LOAD, flags, off, paddr, paddr, filesz, memsz, 0x1000]


def image(phdrs=None, notes=None, ident=None, e_type=2, machine=62,
          version=1, phentsize=56, phnum=None, phoff=64, entry=LOAD_PA,
          note_ph=None):
    """Build an image; every argument defaults to the valid value."""
    notes = note() if notes is None else notes
    if phdrs is None:
        phdrs = [load()]
    if note_ph is None:
        note_ph = [PT_NOTE, PF_R, NOTE_OFF, 0, 0, len(notes), len(notes), 4]
    if note_ph:
        phdrs = phdrs + [note_ph]
    ident = ident or b'\x7fELF\x02\x01\x01' + b'\0' * 9
    eh = struct.pack(EHDR, ident, e_type, machine, version, entry, phoff, 0,
                     0, 64, phentsize, len(phdrs) if phnum is None else phnum,
                     0, 0, 0)
    body = bytearray(CODE_OFF + len(CODE))
    body[0:64] = eh
    ph = b''.join(struct.pack(PHDR, *p) for p in phdrs)
    body[64:64 + len(ph)] = ph
    if 64 + len(ph) > NOTE_OFF:
        raise ValueError('too many program headers for the layout')
    body[NOTE_OFF:NOTE_OFF + len(notes)] = notes
    body[CODE_OFF:CODE_OFF + len(CODE)] = CODE
    return bytes(body)


def ident(cls=2, data=1, ver=1):
    return b'\x7fELF' + bytes([cls, data, ver]) + b'\0' * 9


GOOD = image()
# The same with a 4-byte (.long) PVH desc, as Xen's documentation has it.
GOOD4 = image(notes=note(desc=struct.pack('<I', LOAD_PA)))
N = 1 << 64


def cases():
    """(name, bytes, expected stderr substring)."""
    many = [load(paddr=LOAD_PA + 0x10000 * i) for i in range(17)]
    yield 'empty', b'', 'file too short to be ELF'
    yield 'short', b'\x7fEL', 'file too short to be ELF (3 bytes)'
    yield 'not-elf', b'#!/bin/sh\necho hello\n' * 8, 'not an ELF file'
    yield 'trunc-ehdr', GOOD[:40], 'truncated ELF header'
    yield 'class32', image(ident=ident(cls=1)), 'not a 64-bit ELF'
    yield 'big-endian', image(ident=ident(data=2)), 'not a little-endian'
    yield 'bad-version', image(ident=ident(ver=0)), 'bad ELF version'
    yield 'machine-arm', image(machine=183), 'not an x86-64 ELF'
    yield 'type-dyn', image(e_type=3), 'not an executable ELF'
    yield 'phentsize', image(phentsize=32), 'bad program header size'
    yield 'phnum-zero', image(phnum=0), 'no program headers'
    yield 'phnum-absurd', image(phnum=0xffff), 'too many program headers'
    yield 'phoff-outside', image(phoff=len(GOOD) - 10), \
        'program header table (e_phoff=0x'
    yield 'phoff-overflow', image(phoff=N - 8), 'e_phoff=0xfffffffffffffff8'
    yield 'trunc-phdrs', GOOD[:100], 'lies outside the file (100 bytes)'
    yield 'filesz-gt-memsz', image([load(filesz=0x3000, memsz=0x2000)]), \
        'p_filesz 0x3000 > p_memsz 0x2000'
    yield 'seg-outside-file', image([load(off=0x100000)]), \
        'segment 0: file range (offset 0x100000'
    yield 'seg-offset-overflow', image([load(off=N - 16, filesz=0x100)]), \
        'offset 0xfffffffffffffff0'
    yield 'trunc-segment', GOOD[:CODE_OFF + 3], 'size 0x7) lies outside'
    yield 'seg-beyond-ram', image([load(paddr=0x20000000)], entry=0x20000000), \
        'beyond guest RAM'
    yield 'huge-memsz', image([load(memsz=1 << 63)]), \
        '0x8000000000100000) lies beyond guest RAM'
    yield 'addr-overflow', image([load(paddr=N - 0x1000)]), 'overflows'
    yield 'overlap-page0', image([load(paddr=0)], entry=0), '(page 0'
    yield 'overlap-bootinfo', image([load(paddr=0x2000)], entry=0x2000), \
        '(start_info, memmap, cmdline)'
    yield 'overlap-acpi', image([load(paddr=0xff000)], entry=0xff000), \
        '(VGA/BIOS hole and ACPI tables)'
    yield 'seg-overlap', image([load(), load(paddr=LOAD_PA + 0x1000)]), \
        'overlaps an earlier PT_LOAD'
    yield 'too-many-loads', image(many), 'too many PT_LOAD segments'
    yield 'no-load', image([[PT_NULL] + load()[1:]]), 'no loadable (PT_LOAD)'
    yield 'no-note-seg', image(note_ph=[]), 'no PT_NOTE segment'
    yield 'note-wrong-name', image(notes=note(name=b'Xem\0')), \
        'no PVH entry note'
    yield 'note-wrong-type', image(notes=note(ntype=17)), 'among 1 notes'
    yield 'note-desc-size', image(notes=note(desc=b'\0\x10')), \
        'desc size 2'
    yield 'note-huge-namesz', image(notes=note(namesz=0xffffffff)), \
        'n_namesz=4294967295'
    yield 'note-truncated', image(note_ph=[PT_NOTE, PF_R, NOTE_OFF, 0, 0, 8,
                                           8, 4]), 'truncated note header'
    yield 'note-outside-file', image(note_ph=[PT_NOTE, PF_R, N - 4, 0, 0,
                                              24, 24, 4]), \
        'PT_NOTE segment 1 lies outside'
    yield 'entry-above-4g', image(notes=note(desc=struct.pack('<Q', 1 << 32 |
                                                              LOAD_PA))), \
        'above 4 GiB'
    yield 'entry-outside-text', image(notes=note(desc=struct.pack(
        '<Q', LOAD_PA + 0x1800))), 'entry 0x101800 is not inside'
    yield 'entry-nonexec', image([load(flags=PF_R | PF_W)]), \
        'entry 0x100000 is not inside an executable'


def main():
    if sys.argv[1:] == ['--list']:
        for name, _, msg in cases():
            print(f'{name}|{msg}')
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    with open(os.path.join(out, 'good.elf'), 'wb') as f:
        f.write(GOOD)
    with open(os.path.join(out, 'good4.elf'), 'wb') as f:
        f.write(GOOD4)
    for name, data, _ in cases():
        with open(os.path.join(out, name + '.elf'), 'wb') as f:
            f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
