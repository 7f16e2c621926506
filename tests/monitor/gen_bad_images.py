#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/gen_bad_images.py: write malformed PVH ELF images.

Each image is one mutation of a small valid image (also written, as
good.elf, so the tests show the base really boots).  vmi-run must refuse
each with exit 65 and a message containing the listed substring.

  gen_bad_images.py --list     print "name|expected substring" lines
  gen_bad_images.py OUTDIR     write every image (and the good ones:
                               good.elf, good4.elf, good32.elf,
                               good32-i386.elf)
Python 3 standard library only.  Layouts: System V gABI (ELF64 and ELF32
header, program header, note), Xen docs/misc/pvh.pandoc (PVH note).
The ELF32 images (names starting elf32-) are the layout PVH kernels built
for Xen commonly have: EM_X86_64 (or EM_386) code in an ELF32 container.
"""
import os
import struct
import sys

EHDR = '<16sHHIQQQIHHHHHH'      # Elf64_Ehdr, 64 bytes
PHDR = '<IIQQQQQQ'              # Elf64_Phdr, 56 bytes
EHDR32 = '<16sHHIIIIIHHHHHH'    # Elf32_Ehdr, 52 bytes
PHDR32 = '<IIIIIIII'            # Elf32_Phdr, 32 bytes
EM_386, EM_X86_64 = 3, 62
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


def phdr32(p):
    """An Elf64_Phdr field list (load()'s order) as an Elf32_Phdr."""
    ptype, flags, off, vaddr, paddr, filesz, memsz, align = p
    return struct.pack(PHDR32, ptype, off, vaddr, paddr, filesz, memsz,
                       flags, align)


def image(phdrs=None, notes=None, ident=None, e_type=2, machine=EM_X86_64,
          version=1, phentsize=None, phnum=None, phoff=None, entry=LOAD_PA,
          note_ph=None, cls=2):
    """Build an image; every argument defaults to the valid value.  cls 1
    makes the ELF32 container (fields truncated to 32 bits by struct)."""
    notes = note() if notes is None else notes
    if phdrs is None:
        phdrs = [load()]
    if note_ph is None:
        note_ph = [PT_NOTE, PF_R, NOTE_OFF, 0, 0, len(notes), len(notes), 4]
    if note_ph:
        phdrs = phdrs + [note_ph]
    ident = ident or b'\x7fELF' + bytes([cls]) + b'\x01\x01' + b'\0' * 9
    nph = len(phdrs) if phnum is None else phnum
    if cls == 1:
        ehsize = 52
        phentsize = 32 if phentsize is None else phentsize
        phoff = ehsize if phoff is None else phoff
        eh = struct.pack(EHDR32, ident, e_type, machine, version, entry,
                         phoff, 0, 0, ehsize, phentsize, nph, 0, 0, 0)
        ph = b''.join(phdr32(p) for p in phdrs)
    else:
        ehsize = 64
        phentsize = 56 if phentsize is None else phentsize
        phoff = ehsize if phoff is None else phoff
        eh = struct.pack(EHDR, ident, e_type, machine, version, entry, phoff,
                         0, 0, ehsize, phentsize, nph, 0, 0, 0)
        ph = b''.join(struct.pack(PHDR, *p) for p in phdrs)
    body = bytearray(CODE_OFF + len(CODE))
    body[0:ehsize] = eh
    body[ehsize:ehsize + len(ph)] = ph
    if ehsize + len(ph) > NOTE_OFF:
        raise ValueError('too many program headers for the layout')
    body[NOTE_OFF:NOTE_OFF + len(notes)] = notes
    body[CODE_OFF:CODE_OFF + len(CODE)] = CODE
    return bytes(body)


def ident(cls=2, data=1, ver=1):
    return b'\x7fELF' + bytes([cls, data, ver]) + b'\0' * 9


GOOD = image()
# The same with a 4-byte (.long) PVH desc, as Xen's documentation has it.
GOOD4 = image(notes=note(desc=struct.pack('<I', LOAD_PA)))
# ELF32 containers: EM_X86_64 (the common layout) and EM_386.
GOOD32 = image(cls=1, notes=note(desc=struct.pack('<I', LOAD_PA)))
GOOD32_386 = image(cls=1, machine=EM_386)
GOODS = {'good.elf': GOOD, 'good4.elf': GOOD4, 'good32.elf': GOOD32,
         'good32-i386.elf': GOOD32_386}
N = 1 << 64


def cases():
    """(name, bytes, expected stderr substring)."""
    many = [load(paddr=LOAD_PA + 0x10000 * i) for i in range(17)]
    yield 'empty', b'', 'file too short to be ELF'
    yield 'short', b'\x7fEL', 'file too short to be ELF (3 bytes)'
    yield 'not-elf', b'#!/bin/sh\necho hello\n' * 8, 'not an ELF file'
    yield 'trunc-ehdr', GOOD[:40], 'truncated ELF header'
    yield 'class-none', image(ident=ident(cls=0)), \
        'unknown ELF class (EI_CLASS=0'
    yield 'class-three', image(ident=ident(cls=3)), 'EI_CLASS=3'
    yield 'big-endian', image(ident=ident(data=2)), 'not a little-endian'
    yield 'bad-version', image(ident=ident(ver=0)), 'bad ELF version'
    yield 'machine-arm', image(machine=183), 'not an x86-64 ELF64'
    yield 'machine-386-elf64', image(machine=EM_386), \
        'not an x86-64 ELF64 (e_machine=3)'
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
    # The ELF32 container: its own header and program header sizes, and
    # the same checks after widening.
    e32 = lambda **kw: image(cls=1, **kw)
    yield 'elf32-trunc-ehdr', GOOD32[:40], \
        'truncated ELF header (40 bytes, need 52)'
    yield 'elf32-machine-arm', e32(machine=183), \
        'not an x86-64 or i386 ELF32 (e_machine=183)'
    yield 'elf32-big-endian', e32(ident=ident(cls=1, data=2)), \
        'not a little-endian'
    yield 'elf32-type-dyn', e32(e_type=3), 'not an executable ELF'
    yield 'elf32-phentsize-64', e32(phentsize=56), \
        'e_phentsize=56 (want 32)'
    yield 'elf32-phnum-zero', e32(phnum=0), 'no program headers'
    yield 'elf32-phoff-outside', e32(phoff=len(GOOD32) - 10), \
        'program header table (e_phoff=0x'
    yield 'elf32-phoff-high', e32(phoff=0xfffffff8), 'e_phoff=0xfffffff8'
    yield 'elf32-trunc-phdrs', GOOD32[:70], \
        'lies outside the file (70 bytes)'
    yield 'elf32-filesz-gt-memsz', e32(phdrs=[load(filesz=0x3000,
                                                   memsz=0x2000)]), \
        'p_filesz 0x3000 > p_memsz 0x2000'
    yield 'elf32-seg-outside-file', e32(phdrs=[load(off=0xfffffff0,
                                                    filesz=0x100)]), \
        'offset 0xfffffff0'
    yield 'elf32-seg-beyond-ram', e32(phdrs=[load(paddr=0x20000000)],
                                      entry=0x20000000), 'beyond guest RAM'
    yield 'elf32-seg-top', e32(phdrs=[load(paddr=0xfffff000)]), \
        '[0xfffff000, 0x100001000) lies beyond guest RAM'
    yield 'elf32-overlap-bootinfo', e32(phdrs=[load(paddr=0x2000)],
                                        entry=0x2000), \
        '(start_info, memmap, cmdline)'
    yield 'elf32-seg-overlap', e32(phdrs=[load(), load(paddr=LOAD_PA +
                                                       0x1000)]), \
        'overlaps an earlier PT_LOAD'
    yield 'elf32-no-note-seg', e32(note_ph=[]), 'no PT_NOTE segment'
    yield 'elf32-note-wrong-type', e32(notes=note(ntype=17)), \
        'among 1 notes'
    yield 'elf32-note-outside-file', e32(note_ph=[PT_NOTE, PF_R, 0xfffffffc,
                                                  0, 0, 24, 24, 4]), \
        'PT_NOTE segment 1 lies outside'
    yield 'elf32-entry-outside-text', e32(notes=note(desc=struct.pack(
        '<I', LOAD_PA + 0x1800))), 'entry 0x101800 is not inside'
    yield 'elf32-entry-nonexec', e32(phdrs=[load(flags=PF_R | PF_W)]), \
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
    for name, data in GOODS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    for name, data, _ in cases():
        with open(os.path.join(out, name + '.elf'), 'wb') as f:
            f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
