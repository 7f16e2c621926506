#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/lto_inline.py: does link-time backend selection give direct,
inlined calls?  Builds a probe kernel object that calls a few vmi wrappers
against a backend's real sources with full LTO, links it, and reads the
probes' machine code.  The design's goal (docs/PERFORMANCE.md): with the
native backend, vmi_irq_disable() is a bare `cli`.

Exit status: 0 if every probe is exactly the expected instructions, 1 if
not, 77 if the LTO toolchain (clang-14 and ld.lld) is missing.  With
--report it prints what each compiler makes of each probe and never fails
(docs/PERFORMANCE.md quotes it).

With --image OUT it builds a kernel image instead, with the same compiler
and flags: the sources (a kernel's and the backend's) as one clang LTO
unit, linked by ld.lld with --ld-script and the --archive libraries (GCC
objects, outside the LTO unit; --whole-archive ones linked whole).  The
ops benchmark's native-clang-lto image is made this way (bench/guest/
meson.build, docs/PERFORMANCE.md "Call-site patching").  Exit 0, or 1
with the failing command's output."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# The wrappers probed and the instructions they must become, AT&T syntax as
# objdump prints them, without operands' whitespace.
PROBES = {
    "irq_disable": ("void", "vmi_irq_disable()", ["cli", "ret"]),
    "irq_enable": ("void", "vmi_irq_enable()", ["sti", "ret"]),
    "read_cr3": ("uint64_t", "return vmi_read_cr3()", ["mov %cr3,%rax", "ret"]),
}

GUEST_FLAGS = ["-O2", "-flto", "-ffreestanding", "-nostdinc", "-fno-pic",
               "-mno-red-zone", "-mgeneral-regs-only", "-march=x86-64",
               "-fno-stack-protector", "-fcf-protection=none", "-w"]

PROBE_SRC = """#include "vmi.h"
void vmi_event(vmi_event_t ev) { (void)ev; }
"""


def probe_source():
    src = PROBE_SRC
    for name, (ret, body, _) in PROBES.items():
        src += f"{ret} probe_{name}(void);\n"
        src += f"__attribute__((used)) {ret} probe_{name}(void) {{ {body}; }}\n"
    return src


def build(cc, ld, incs, sources, tmp):
    probe = os.path.join(tmp, "probe.c")
    with open(probe, "w") as f:
        f.write(probe_source())
    flags = GUEST_FLAGS + [f"-I{d}" for d in incs]
    objs = []
    for i, src in enumerate(sources + [probe]):
        obj = os.path.join(tmp, f"{i}.o")
        subprocess.run([cc] + flags + ["-c", src, "-o", obj], check=True)
        objs.append(obj)
    elf = os.path.join(tmp, "probe.elf")
    link = [cc, "-flto", "-O2", "-nostdlib", "-static", "-Wl,-e,probe_irq_disable",
            "-Wl,--unresolved-symbols=ignore-all"]
    if ld:
        link.append(f"-fuse-ld={ld}")
    subprocess.run(link + ["-o", elf] + objs, check=True)
    return elf


# vmi.ld's ASSERT(DEFINED(vmi_event)) is not a reference LTO sees: without
# -u it internalises the kernel's vmi_event and the assertion fails.
IMAGE_LDFLAGS = ["-nostdlib", "-static", "-Wl,--build-id=none",
                 "-Wl,-z,max-page-size=0x1000", "-Wl,-z,noexecstack",
                 "-Wl,-u,vmi_event"]


def build_image(a, sources):
    """Compile (sources) with clang-14 LTO and link them into a.image."""
    flags = GUEST_FLAGS + ["-fno-omit-frame-pointer", "-fno-common",
                           "-fno-asynchronous-unwind-tables"] + \
        [f"-I{d}" for d in a.include]
    with tempfile.TemporaryDirectory() as tmp:
        objs, deps = [], []
        for i, src in enumerate(sources):
            obj = os.path.join(tmp, f"{i}-{os.path.basename(src)}.o")
            extra = [] if src.endswith(".c") else ["-fno-lto"]
            subprocess.run(["clang-14"] + flags + extra +
                           ["-MD", "-MF", obj + ".d", "-c", src, "-o", obj], check=True)
            objs.append(obj)
            deps.append(obj + ".d")
        link = ["clang-14", "-flto", "-O2", "-fuse-ld=lld"] + IMAGE_LDFLAGS + \
            ["-Wl,-T," + a.ld_script, "-o", a.image] + objs
        link += ["-Wl,--whole-archive"] + a.whole_archive + ["-Wl,--no-whole-archive"]
        link += a.archive
        subprocess.run(link, check=True)
        if a.depfile:
            write_depfile(a.depfile, a.image, deps)


def write_depfile(path, target, deps):
    """One make rule: (target) depends on every file the compiler read."""
    files = []
    for d in deps:
        with open(d) as f:
            words = f.read().replace("\\\n", " ").split()
        files += [w for w in words[1:] if w not in files]
    with open(path, "w") as f:
        f.write(target + ": " + " ".join(files) + "\n")


def disassemble(elf, symbol):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                          f"--disassemble=probe_{symbol}", elf],
                         check=True, capture_output=True, text=True).stdout
    insns = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip().endswith(":"):
            insns.append(" ".join(parts[1:]).split("#")[0].strip())
    return [" ".join(i.split()) for i in insns]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--image", help="build this kernel image instead")
    ap.add_argument("--ld-script")
    ap.add_argument("--archive", action="append", default=[])
    ap.add_argument("--whole-archive", action="append", default=[])
    ap.add_argument("--depfile", help="with --image: write the headers read here")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    if args.image:
        try:
            build_image(args, [s for s in args.sources if s.endswith((".c", ".S"))])
        except (subprocess.CalledProcessError, OSError) as e:
            print(f"lto_inline.py: {e}", file=sys.stderr)
            return 1
        return 0
    sources = [s for s in args.sources if s.endswith(".c")]

    toolchains = [("clang-14", "lld"), ("gcc", None)]
    if not (shutil.which("clang-14") and shutil.which("ld.lld")):
        print("SKIP: clang-14 and ld.lld are needed for the LTO check")
        return 77
    ok = True
    for cc, ld in toolchains if args.report else toolchains[:1]:
        with tempfile.TemporaryDirectory() as tmp:
            elf = build(cc, ld, args.include, sources, tmp)
            for name, (_, _, want) in PROBES.items():
                got = disassemble(elf, name)
                good = got == want
                ok &= good or args.report
                print(f"{cc:9} vmi_{name}(): {'; '.join(got)}"
                      f"{'' if good else '   (want: ' + '; '.join(want) + ')'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
