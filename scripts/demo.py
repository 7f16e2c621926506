#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/demo.py: boot every built kernel image in every environment this
machine has and show, side by side, what the microkernel demo did there:
which processes ran on which CPU, whether IPC, shared memory and the TLB
shootdown delivered their values, that the faulting program was killed,
the vmi ops the kernel called, and the exit code.  A kernel linked for
another hypervisor must refuse cleanly instead.

Exit status 0 if every cell that could run had its expected outcome, 1
otherwise."""

import argparse
import re
import sys

import demo_check
import vmienv

# Columns of the side-by-side table: (title, width, function of a Demo).
OPS = ["pt_set", "pt_alloc", "pt_release", "mmu_lazy_begin", "tlb_flush_page",
       "tlb_flush_multi", "write_cr3", "load_kernel_stack", "alarm_set",
       "ipi_send", "safe_halt"]
SHORT = {"pt_set": "pt_set", "pt_alloc": "alloc", "pt_release": "release",
         "mmu_lazy_begin": "lazy", "tlb_flush_page": "flpage",
         "tlb_flush_multi": "flmulti", "write_cr3": "cr3",
         "load_kernel_stack": "kstack", "alarm_set": "alarm",
         "ipi_send": "ipi", "safe_halt": "halt"}


def ok_word(text, pattern):
    return "ok" if text and re.search(pattern, text) else "BAD"


def ipc_us(demo):
    m = re.search(r"(\d+) us per call", demo.ipc() or "")
    return m.group(1) if m else "?"


def summary(demo, ncpus):
    """One row of the side-by-side table."""
    ran = "/".join(str(demo.cpus.get(c, {}).get("nprocs", 0)) for c in range(ncpus))
    row = [ran, ipc_us(demo),
           ok_word(demo.shm(), r", ok;"), ok_word(demo.tlb(), r", ok$"),
           ok_word(demo.killed(), r"#PF")]
    row += [str(demo.ops.get(op, "?")) for op in OPS]
    return row


HEAD = ["procs/cpu", "ipc us", "shm", "tlb", "kill"] + [SHORT[o] for o in OPS]


def run_cell(backend, image, env, args):
    res = vmienv.run(image, env, args.cpus, "", args.timeout)
    want = vmienv.expected_code(backend, env)
    if want == vmienv.EXIT_WRONG_HV:
        good = res.code == want
        return good, ("refused" if good else f"FAIL (code {res.code}, want refusal)"), None
    demo = demo_check.Demo(res.output)
    bad = demo_check.problems(demo, args.cpus)
    bad += demo_check.banner_problems(demo, backend,
                                      vmienv.chosen(backend, env))
    if res.code != 0:
        bad.insert(0, f"exit code {res.code} ({res.note})")
    show(backend, env, res, demo, args.verbose)
    for b in bad:
        print(f"    FAIL: {b}")
    text = f"pass {res.seconds:.1f}s" if not bad else "FAIL"
    if backend == "auto" and not bad:
        text += " as " + vmienv.chosen(backend, env)
    return not bad, text, (demo, res)


def show(backend, env, res, demo, verbose):
    print(f"--- kernel-{backend}.elf on {env} ({vmienv.ENVIRONMENTS[env][3]}), "
          f"exit {res.code}, {res.seconds:.1f} s")
    if verbose:
        for line in res.output.splitlines():
            print("    " + line)
        return
    for pattern in (r"^vmi: auto: .*", r"^vmi: backend .*"):
        if demo.line(pattern):
            print("    " + demo.line(pattern))
    for cpu, c in sorted(demo.cpus.items()):
        print(f"    cpu {cpu}: {' '.join(c['names'])} "
              f"({c['ticks']} ticks, {c['switches']} switches, {c['ipis']} ipis)")
    for text in (demo.ipc(), demo.shm(), demo.tlb(), demo.killed()):
        if text:
            print("    " + text)


def print_table(rows):
    print()
    print(f"demo, {len(rows)} runs side by side (procs/cpu: processes run on each "
          "CPU; ipc us: one call+reply; the rest: vmi calls by the kernel)")
    head = ["environment", "image", "exit", "s"] + HEAD
    table = [head] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        print("  ".join(v.rjust(w) if i >= 2 else v.ljust(w)
                        for i, (v, w) in enumerate(zip(r, widths))))


def print_matrix(images, envs, table):
    width = max(12, *(len(v) for v in table.values()), *(len(e) for e in envs))
    print()
    print("image".ljust(20) + "".join(e.ljust(width + 2) for e in envs))
    for backend in images:
        row = f"kernel-{backend}.elf".ljust(20)
        row += "".join(table[backend, e].ljust(width + 2) for e in envs)
        print(row)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show everything each guest printed")
    ap.add_argument("--build", help="build directory (default: build)")
    ap.add_argument("-e", "--env", action="append",
                    help="only this environment (repeatable)")
    args = ap.parse_args()
    if args.build:
        vmienv.set_build(args.build)

    images = vmienv.images()
    if not images:
        print("demo: no kernel images in build/guest-kernel", file=sys.stderr)
        return 1
    envs = args.env or list(vmienv.ENVIRONMENTS)
    in_lab = vmienv.lab_envs(envs)
    envs = [e for e in envs if e not in in_lab]
    table, rows, ok = {}, [], True
    for backend, image in images.items():
        for env in envs:
            why = vmienv.missing(env) or vmienv.unobservable(backend, env)
            if why:
                table[backend, env] = f"n/a: {why}"
                continue
            good, text, ran = run_cell(backend, image, env, args)
            ok &= good
            table[backend, env] = text
            if ran:
                demo, res = ran
                label = backend if backend != "auto" else \
                    "auto:" + vmienv.chosen(backend, env)
                rows.append([env, label, str(res.code), f"{res.seconds:.1f}"]
                            + summary(demo, args.cpus))
    if envs:
        print_table(rows)
        print_matrix(images, envs, table)
    if in_lab:
        print(f"\ndemo: this host cannot run {', '.join(in_lab)} "
              f"({vmienv.missing(in_lab[0])}); running them in the lab "
              "(scripts/lab, docs/lab.md)", flush=True)
        argv = [sys.argv[0], "--cpus", str(args.cpus), "--timeout",
                str(args.timeout)] + (["-v"] if args.verbose else []) + \
            [w for e in in_lab for w in ("--env", e)]
        ok &= vmienv.run_in_lab(argv) == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
