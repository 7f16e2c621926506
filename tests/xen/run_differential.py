#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/xen/run_differential.py: the hostile Xen table, judged by real
Xen 4.17 (environment xen of scripts/vmienv.py: a PVH domU of Debian's
Xen under QEMU TCG, docs/lab.md "Real Xen").

  run_differential.py --cpus N IMAGE      run on real Xen and judge
                                          (exit 0/1, 77 skip)
  run_differential.py --output FILE       judge a saved run's output
                                          (as if it had stopped as it
                                          must: 70, domu 0)
  --save FILE                             with IMAGE: keep Xen's output
  run_differential.py --docs              print the docs section
  run_differential.py --check-docs FILE   FILE's section must equal it
  --table domu                            the domU ABI guest
                                          (tests/xen/domu.c) instead

The hostile guest (tests/xen/hostile.c) carries vmi-run's expectations.
On real Xen every row must pass too, except the rows in DIFFERENCES
below: each must fail there with exactly the answer recorded (the "got"
value), so that a change on either side shows.  The guest's last call,
SCHEDOP_shutdown with an unknown reason, must stop the domain (status 70,
as under vmi-run).  DIFFERENCES is the one list of known differences;
docs/vmi-run.md's section "Differences from Xen 4.17" is generated from
it (--docs) and checked against it (--check-docs, a test that needs no
Xen).  Exit 77 with the reason when vmienv.missing("xen") names one.

The domU ABI guest (tests/xen/domu.c, --table domu) is judged the same
way against DOMU_DIFFERENCES, except that it must end with
SHUTDOWN_poweroff (status 0 on both) and that no line of its console
may appear twice.  Both lists make the one docs section.
Python 3 standard library only.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import docsection  # noqa: E402
import vmienv  # noqa: E402

SKIP = 77
STOPPED = 70        # an unknown shutdown reason (docs/vmi-run.md, xendomu.py)
EPERM = -1          # XEN_EPERM (public/errno.h)

# Why vmi-run keeps its answer.  The kind of reason:
ABI = "vmi-run ABI"              # vmi-run's own interface, documented
NOT_OFFERED = "not offered"      # a Xen feature vmi-run does not have
DESIGN = "vmi-run design"        # how vmi-run is built rules it out
POLICY = "Xen policy"            # Xen's answer depends on its build/policy

CONSOLE = ("Xen refuses console_io to a domain that is neither privileged "
           "nor the console domain, before looking at the command or the "
           "buffer, unless built with CONFIG_VERBOSE_DEBUG "
           "(xen/include/xsm/dummy.h xsm_console_io; Debian's build is a "
           "release build); vmi-run's guest is the only domain, so vmi-run "
           "takes it, as a debug build of Xen does, into its hypervisor log "
           "(stderr, each line prefixed \"(d1) \"), never onto the "
           "domain's console (section \"The xen personality\"); the row "
           "tests vmi-run's own bounds checks")

# row name -> (what real Xen answers: the "got" value, kind, reason)
DIFFERENCES = {
    "console-io-far": (EPERM, POLICY, CONSOLE),
    "console-io-straddle": (EPERM, POLICY, CONSOLE),
    "console-io-length-huge": (EPERM, POLICY, CONSOLE),
    "console-io-buffer-wraps": (EPERM, POLICY, CONSOLE),
    "console-io-bad-cmd": (EPERM, POLICY, CONSOLE),
    "console-io-long-write-continued": (EPERM, POLICY, CONSOLE),
    "hvm-op-callback-vector-low": (
        0, DESIGN, "Xen takes any vector for HVM_PARAM_CALLBACK_IRQ "
        "(xen/arch/x86/hvm/irq.c hvm_set_callback_via); vmi-run delivers "
        "the upcall through the LAPIC, where vectors 0-15 are illegal (SDM "
        "Vol. 3A, APIC \"Error Handling\"), so it refuses one it could not deliver, as Xen "
        "itself does for HVMOP_set_evtchn_upcall_vector"),
    "hvm-op-flush-tlbs-not-offered": (
        0, NOT_OFFERED, "docs/contract-decisions.md D6: flushing another "
        "vCPU's TLB from the monitor would stop every vCPU thread; the "
        "xen backend flushes by IPI and never calls it"),
    "vcpu-op-initialise-32b-unsupported": (
        0, NOT_OFFERED, "Xen starts a vCPU in 32-bit protected mode "
        "(VCPU_HVM_MODE_32B, xen/arch/x86/hvm/domain.c "
        "arch_set_info_hvm_guest); vmi-run starts 64-bit vCPUs only"),
    "user-mode-hypercall-page-gp": (
        EPERM, ABI, "Xen's hypercall page executes VMCALL/VMMCALL, and Xen "
        "answers -EPERM to a caller at CPL > 0 (xen/arch/x86/hvm/"
        "hypercall.c hvm_hypercall); vmi-run's page traps by port I/O "
        "(out to 0xe0), which faults #GP at CPL 3 with IOPL 0 before "
        "vmi-run sees it (section \"The xen personality\", \"User mode\")"),
}

# The domU ABI guest's rows where Xen 4.17 answers otherwise (same form).
DOMU_DIFFERENCES = {
    "console-io-write": (EPERM, POLICY, CONSOLE),
}

TABLES = {"hostile": (DIFFERENCES, STOPPED), "domu": (DOMU_DIFFERENCES, 0)}

ROW = re.compile(r"^(ok|not ok) (\d+) - (\S+)(?: # got (-?\d+), want (-?\d+))?$")


def docs_section():
    out = ["## Differences from Xen 4.17", "",
           "Generated from `tests/xen/run_differential.py` (`--docs`); the "
           "test `xen-differential-docs` fails when this section and that "
           "list disagree.",
           "",
           "The hostile Xen table (`tests/xen/hostile.c`) runs under "
           "vmi-run (test `hostile`) and as a PVH domU of Debian's Xen 4.17 "
           "(environment `xen`, docs/lab.md \"Real Xen\"; test "
           "`xen-differential`). Every row gives the same answer on both "
           "except these, where vmi-run keeps its answer for the reason "
           "given; on Xen each must give exactly the answer listed (a "
           "negative number is a `-XEN_E*` code of `public/errno.h`). Both "
           "also end the same way: the guest's last call, "
           "`SCHEDOP_shutdown` with an unknown reason, stops it (Xen "
           "shuts the domain down with that reason; vmi-run exits 70).",
           "",
           "Guest pointers: both Xen and vmi-run read a PVH guest's "
           "hypercall arguments at guest linear addresses, through the "
           "guest's page tables; the `linear-*` rows change the guest's "
           "tables (an alias of RAM above 4 GiB, a hole over RAM, a "
           "read-only alias with and without CR0.WP) and agree.",
           "",
           "| row | Xen answers | kind | why vmi-run differs |",
           "|---|---|---|---|"]
    for name, (got, kind, why) in DIFFERENCES.items():
        out.append(f"| {name} | `{got}` | {kind} | {why} |")
    out += ["",
            "The domU ABI guest (`tests/xen/domu.c`: an ELF32 PVH kernel "
            "that maps nothing below 1 MiB and asks memory_op, grant "
            "table v1, xen_version, event channel and 32-bit hypercalls) "
            "runs under vmi-run (test `domu`) and on Xen 4.17 (test "
            "`domu-xen-differential`, `--table domu`). Both must power "
            "off and print no console line twice; every row answers the "
            "same on both except these:",
            "",
            "| row | Xen answers | kind | why vmi-run differs |",
            "|---|---|---|---|"]
    for name, (got, kind, why) in DOMU_DIFFERENCES.items():
        out.append(f"| {name} | `{got}` | {kind} | {why} |")
    return "\n".join(out) + "\n"


def check_docs(path):
    return docsection.check(path, docs_section(), f"{len(DIFFERENCES)} + {len(DOMU_DIFFERENCES)} differences",
                            "run_differential.py --docs")


def judge(output, differences=DIFFERENCES):
    """(rows, failures) for the guest's output on Xen."""
    rows, plan, failures = [], None, []
    for line in output.splitlines():
        line = line.rstrip("\r")
        if line.startswith("1.."):
            plan = int(line[3:])
        m = ROW.match(line)
        if m:
            rows.append((m.group(1) == "ok", int(m.group(2)), m.group(3),
                         int(m.group(4)) if m.group(4) else None))
    if plan is None or len(rows) != plan:
        failures.append(f"guest printed {len(rows)} rows of plan {plan}")
    seen = set()
    for ok, n, name, got in rows:
        seen.add(name)
        if name in differences:
            want = differences[name][0]
            if ok:
                failures.append(f"row {n} '{name}': listed as a difference "
                                "but Xen now agrees with vmi-run")
            elif got != want:
                failures.append(f"row {n} '{name}': Xen answered {got} "
                                f"(recorded: {want})")
            else:
                print(f"known  {n:3} {name}: Xen {got}")
        elif not ok:
            failures.append(f"row {n} '{name}': Xen answered {got}, "
                            "vmi-run's table expects otherwise")
        else:
            print(f"same   {n:3} {name}")
    for name in differences:
        if name not in seen:
            failures.append(f"'{name}' is listed but no row has that name")
    return len(rows), failures


def verdict(output, code, note, table="hostile"):
    differences, stop = TABLES[table]
    n, failures = judge(output, differences)
    if code != stop:
        failures.append(f"guest exit code {code} ({note}), expected "
                        f"{stop}: the guest's last call must stop the "
                        "domain so")
    else:
        print(f"same     last call stops the domain with {stop}")
    if table == "domu":
        lines = [ln.rstrip("\r") for ln in output.splitlines() if ln.strip()]
        for ln in sorted({ln for ln in lines if lines.count(ln) > 1}):
            failures.append(f"console line more than once: {ln!r}")
    for f in failures:
        print("FAIL: " + f)
    if failures:
        print("---- guest output ----\n" + output)
        return 1
    print(f"{n + 1} rows: {n + 1 - len(differences)} as on vmi-run, "
          f"{len(differences)} known differences")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=180)
    ap.add_argument("--docs", action="store_true")
    ap.add_argument("--check-docs")
    ap.add_argument("--output", help="judge this saved output (code 70)")
    ap.add_argument("--save", help="write the guest's output on Xen here")
    ap.add_argument("--table", choices=sorted(TABLES), default="hostile")
    ap.add_argument("image", nargs="?")
    a = ap.parse_args()
    if a.docs:
        sys.stdout.write(docs_section())
        return 0
    if a.check_docs:
        return check_docs(a.check_docs)
    if a.output:
        return verdict(open(a.output, encoding="utf-8",
                            errors="replace").read(), TABLES[a.table][1],
                       "saved", a.table)
    why = vmienv.missing("xen")
    if why:
        print(f"SKIP: xen unavailable: {why}")
        return SKIP
    res = vmienv.run(a.image, "xen", cpus=a.cpus, timeout=a.timeout)
    print("$ " + " ".join(res.argv))
    if a.save:
        with open(a.save, "w", encoding="utf-8") as f:
            f.write(res.output)
    if res.code is None and not res.output.strip():
        print(f"FAIL: no run: {res.note}")
        return 1
    return verdict(res.output, res.code, res.note, a.table)


if __name__ == "__main__":
    sys.exit(main())
