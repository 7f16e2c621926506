#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/hyperv/run_differential.py: the hostile Hyper-V table, judged by
KVM's Hyper-V emulation (environment qemu-kvm-hyperv, scripts/vmienv.py).

  run_differential.py --cpus N IMAGE      run and judge (exit 0/1, 77 skip)
  run_differential.py --docs              print the docs section
  run_differential.py --check-docs FILE   FILE's section must equal it

The hostile guest (tests/hyperv/hostile/main.c) carries vmi-run's
expectations.  On KVM every row must pass too, except the rows in
DIFFERENCES below: each must fail there with exactly the answer recorded
("got" value), so a change on either side shows.  DIFFERENCES is the one
list of known differences; docs/vmi-run.md's section "Differences from
KVM's Hyper-V emulation" is generated from it (--docs) and checked
against it (--check-docs, a test without KVM).  Exit 77 with the reason
when this host has no KVM with Hyper-V emulation; scripts/suite.py then
runs the test in the lab.  Python 3 standard library only.
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
NOFAULT = 0xffffffff
UD, GP = 6, 13

# Why vmi-run keeps its answer.  KEEP_*: the kind of reason.
ABI = "vmi-run ABI"          # tests vmi-run's own interface, not the TLFS's
ADV = "advertised by KVM"    # KVM offers something vmi-run does not
TLFS = "TLFS"                # the TLFS says what vmi-run does
CHOICE = "vmi-run's choice"  # the TLFS is silent; vmi-run fails closed

RSVD = ("the TLFS marks the bits reserved and names no fault (its "
        "\"Reserved Values\" guidance is for callers); KVM "
        "(arch/x86/kvm/hyperv.c) ignores or stores them; vmi-run "
        "raises #GP so that a guest setting them is caught")
LOOP = ("vmi-run's loopback connection ids (VMI_HV_CONNECTION, "
        "include/hyperv/tlfs.h) have no counterpart in QEMU, which "
        "has no connection with that id")

# row name -> (what KVM answers: the "got" value, kind, reason)
DIFFERENCES = {
    "msr reset reserved bit #GP": (NOFAULT, CHOICE, RSVD),
    "msr icr not advertised #GP": (
        NOFAULT, ADV, "QEMU's hv-vapic advertises the APIC access MSRs "
        "(0x40000003 eax bit 4); vmi-run does not (section \"The hyperv "
        "personality\")"),
    "msr stimer1 not implemented #GP": (
        NOFAULT, ADV, "KVM implements synthetic timers 0-3; vmi-run "
        "only timer 0"),
    "msr crash_ctl reads notify|notify_msg": (
        0x8000000000000000, ADV, "KVM reports only CRASH_NOTIFY (bit 63; "
        "QEMU sets it for hv-crash); vmi-run also offers CRASH_NOTIFY_MSG "
        "(bit 62) and prints the message"),
    "msr crash_ctl reserved bit #GP": (NOFAULT, CHOICE, RSVD),
    "hypercall page holds the out/ret stub": (
        0, ABI, "KVM writes VMCALL/VMMCALL and RET; vmi-run's page traps "
        "by port I/O (section \"The hyperv personality\")"),
    "msr reference_tsc beyond RAM #GP": (
        NOFAULT, CHOICE, "KVM stores the value and marks the page broken "
        "when it cannot write it (kvm_hv_setup_tsc_page); the TLFS names "
        "no fault; vmi-run raises #GP"),
    "msr stimer0_config before synic enable #GP": (
        NOFAULT, CHOICE, "KVM checks only that the VMM activated the "
        "SynIC (KVM_CAP_HYPERV_SYNIC), not SCONTROL; the TLFS names no "
        "fault; vmi-run refuses a timer it could not deliver"),
    "msr scontrol reserved bit #GP": (NOFAULT, CHOICE, RSVD),
    "msr sint0 reserved bit 20 #GP": (NOFAULT, CHOICE, RSVD),
    "msr simp beyond RAM #GP": (
        NOFAULT, CHOICE, "KVM clears the page when the guest enables it "
        "and faults only if that fails, but QEMU turns the SynIC on with "
        "KVM_CAP_HYPERV_SYNIC2, under which KVM does not clear the page "
        "(Linux Documentation/virt/kvm/api.rst; arch/x86/kvm/hyperv.c "
        "synic_set_msr, dont_zero_synic_pages), so it stores any address; "
        "the TLFS names no fault; vmi-run raises #GP for a page outside "
        "RAM"),
    "msr siefp beyond RAM #GP": (
        NOFAULT, CHOICE, "as for the SIMP row above"),
    "msr stimer0_config reserved bit 13 #GP": (NOFAULT, CHOICE, RSVD),
    "msr stimer0_config direct vector 5 #GP": (
        NOFAULT, CHOICE, "KVM takes any direct-mode vector; vmi-run "
        "refuses vectors below 16 as for the SINTs (the TLFS names no "
        "fault)"),
    "hc flush space ex not advertised": (
        0, ADV, "QEMU's hv-tlbflush advertises the Ex forms (0x40000004 "
        "eax bit 11) and KVM implements them; vmi-run does not"),
    "hc send ipi ex not advertised": (
        0, ADV, "QEMU's hv-ipi advertises the Ex form and KVM "
        "implements it; vmi-run does not"),
    "hc flush space fast form": (
        0, ADV, "KVM takes the fast form with XMM input even though XMM "
        "input is not advertised (it checks CPUID only with "
        "hv-enforce-cpuid); vmi-run offers no XMM input and refuses it"),
    "hc post message fast form": (
        0x2, TLFS, "QEMU (hw/hyperv/hyperv.c) answers "
        "INVALID_HYPERCALL_CODE; HvCallPostMessage has no fast form, "
        "which the TLFS's common status codes make an input-value error "
        "(INVALID_HYPERCALL_INPUT)"),
    "hc input misaligned": (
        0, TLFS, "TLFS \"Common Hypercall Status Codes\": an input GPA "
        "not 8-byte aligned is INVALID_ALIGNMENT; KVM does not check"),
    "hc input spans a page": (
        0, TLFS, "same TLFS list: an input that spans pages is "
        "INVALID_ALIGNMENT; KVM does not check"),
    "hc input beyond RAM": (
        0, TLFS, "same TLFS list: a GPA outside the GPA space is "
        "INVALID_ALIGNMENT; KVM read 4 GiB in a 256 MiB guest without "
        "error (not explained yet: Linux's kvm_hv_flush_tlb answers "
        "INVALID_HYPERCALL_INPUT when kvm_read_guest fails)"),
    "hc input at gpa overflow": (
        0x3, TLFS, "same TLFS list; KVM answers INVALID_HYPERCALL_INPUT "
        "when the read fails"),
    "hc rep list spans a page": (
        0x25800000000, TLFS, "same TLFS list; KVM does not check and "
        "reports all 600 reps done"),
    "hc flush list resumed at start 2": (
        0x3, TLFS, "the TLFS's rep hypercalls resume at a rep start index "
        "below the rep count; KVM refuses any non-zero start"),
    "hc flush invalid flags": (
        0, TLFS, "the TLFS's HvFlushVirtualAddressSpace answers "
        "INVALID_PARAMETER for reserved flag bits; KVM ignores them"),
    "hc ipi slow reserved word set": (
        0, CHOICE, "the word is TargetVtl (TLFS "
        "HvCallSendSyntheticClusterIpi) and only VTL 0 exists; KVM checks "
        "it in the fast form only"),
    "hc post message payload too big": (
        0x3, TLFS, "the TLFS's HvCallPostMessage answers "
        "INVALID_PARAMETER for a payload over 240 bytes; QEMU answers "
        "INVALID_HYPERCALL_INPUT"),
    "hc post message hypervisor type": (0x12, ABI, LOOP),
    "hc post message simp disabled": (0x12, ABI, LOOP),
    "hc post message delivered": (0x12, ABI, LOOP),
    "message in slot 2 and sint raised": (0, ABI, LOOP),
    "hc post message slot busy": (0x12, ABI, LOOP),
    "busy slot gets msg_pending": (0, ABI, LOOP),
    "hc signal event flag 2048": (
        0x11, TLFS, "the TLFS's HvCallSignalEvent answers "
        "INVALID_PARAMETER for a flag number beyond the port's; KVM and "
        "QEMU take only flag 0 and answer INVALID_PORT_ID"),
    "hc signal event siefp disabled": (
        0x11, ABI, LOOP + "; KVM also refuses flag numbers other than 0"),
    "hc signal event flag 9": (
        0x11, ABI, LOOP + "; KVM also refuses flag numbers other than 0"),
    "event flag set and sint raised": (0, ABI, LOOP),
    "user-mode hypercall faults #GP on the stub": (
        UD, ABI, "a CPL3 caller's port I/O faults #GP before it reaches "
        "vmi-run; KVM raises #UD as the TLFS says"),
}

# Rows that pass on KVM only because the row tests vmi-run's own ABI; they
# are judged like every other row, and listed here so that nobody reads
# them as evidence.
VACUOUS = {
    "os id 0 disables the hypercall port": (
        "port 0xe1 is vmi-run's hypercall port; under QEMU it is an "
        "unassigned port whatever the guest OS id is"),
}

# Rows whose answer on KVM depends on the host: either the same as
# vmi-run's or one of the answers listed.
DEPENDS = {
    "reference tsc page agrees with time_ref_count": (
        {1}, "KVM fills the reference TSC page only while its host clock is "
        "a stable TSC (kvm_hv_setup_tsc_page); otherwise it leaves the "
        "sequence 0, which the TLFS defines as \"use TIME_REF_COUNT\" "
        "(answer 1). The lab's nested KVM does that"),
}

ROW = re.compile(r"^(ok|not ok) (\d+) - (.*?)(?: # got (0x[0-9a-f]+))?$")


def docs_section():
    out = ["## Differences from KVM's Hyper-V emulation", "",
           "Generated from `tests/hyperv/run_differential.py` "
           "(`--docs`); the test `hyperv-differential-docs` fails when "
           "this section and that list disagree.",
           "",
           "The hostile Hyper-V table (`tests/hyperv/hostile/main.c`) runs "
           "under vmi-run and under KVM's Hyper-V emulation (QEMU with "
           "the `hv-*` flags of `scripts/vmienv.py`, tests "
           "`hyperv-differential-*`). Every row gives the same answer on "
           "both except these, where vmi-run keeps its answer for the "
           "reason given; on KVM each must give exactly the answer listed.",
           "",
           "| row | KVM answers | kind | why vmi-run differs |",
           "|---|---|---|---|"]
    for name, (got, kind, why) in DIFFERENCES.items():
        ans = {NOFAULT: "no fault", UD: "#UD"}.get(got, f"`{got:#x}`") \
            if name.startswith(("msr", "user")) else f"`{got:#x}`"
        out.append(f"| {name} | {ans} | {kind} | {why} |")
    out += ["", "Rows whose answer on KVM depends on the host (either "
            "vmi-run's or the one given):", ""]
    for name, (gots, why) in DEPENDS.items():
        out.append(f"- {name}: {why}.")
    out += ["", "Rows that pass on KVM without testing anything there:", ""]
    for name, why in VACUOUS.items():
        out.append(f"- {name}: {why}.")
    return "\n".join(out) + "\n"


def check_docs(path):
    return docsection.check(path, docs_section(), f"{len(DIFFERENCES)} differences",
                            "run_differential.py --docs")


def judge(output):
    rows, plan, failures = [], None, []
    for line in output.splitlines():
        line = line.rstrip("\r")
        if line.startswith("1.."):
            plan = int(line[3:])
        m = ROW.match(line)
        if m:
            rows.append((m.group(1) == "ok", int(m.group(2)), m.group(3),
                         int(m.group(4), 16) if m.group(4) else None))
    if plan is None or len(rows) != plan:
        failures.append(f"guest printed {len(rows)} rows of plan {plan}")
    seen = set()
    for ok, n, name, got in rows:
        if " # SKIP " in name:      # the guest could not run it here
            name, why = name.split(" # SKIP ", 1)
            seen.add(name)
            failures.append(f"row {n} '{name}' did not run on KVM: {why}")
            continue
        seen.add(name)
        if name in DIFFERENCES:
            want = DIFFERENCES[name][0]
            if ok:
                failures.append(f"row {n} '{name}': listed as a difference "
                                "but KVM now agrees with vmi-run")
            elif got != want:
                failures.append(f"row {n} '{name}': KVM answered "
                                f"{got:#x} (recorded: {want:#x})"
                                if got is not None else
                                f"row {n} '{name}': no answer printed")
            else:
                print(f"known  {n:3} {name}: KVM {got:#x}")
        elif name in DEPENDS and not ok and got in DEPENDS[name][0]:
            print(f"host   {n:3} {name}: KVM {got:#x} (allowed here)")
        elif not ok:
            failures.append(f"row {n} '{name}': KVM answered "
                            f"{got:#x}, vmi-run's table expects otherwise"
                            if got is not None else f"row {n} '{name}'")
        else:
            print(f"same   {n:3} {name}"
                  + (" (vacuous on KVM)" if name in VACUOUS else ""))
    for name in list(DIFFERENCES) + list(VACUOUS) + list(DEPENDS):
        if name not in seen:
            failures.append(f"'{name}' is listed but no row has that name")
    return len(rows), failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=90)
    ap.add_argument("--docs", action="store_true")
    ap.add_argument("--check-docs")
    ap.add_argument("image", nargs="?")
    a = ap.parse_args()
    if a.docs:
        sys.stdout.write(docs_section())
        return 0
    if a.check_docs:
        return check_docs(a.check_docs)
    why = vmienv.missing("qemu-kvm-hyperv")
    if why:
        print(f"SKIP: qemu-kvm-hyperv unavailable: {why}")
        return SKIP
    res = vmienv.run(a.image, "qemu-kvm-hyperv", cpus=a.cpus,
                     timeout=a.timeout)
    print("$ " + " ".join(res.argv))
    n, failures = judge(res.output)
    # The guest exits 1 when any row failed: with known differences, it must.
    want_code = vmienv.EXIT_FAIL if DIFFERENCES else vmienv.EXIT_OK
    if res.code != want_code:
        failures.append(f"guest exit code {res.code} ({res.note}), "
                        f"expected {want_code}")
    for f in failures:
        print("FAIL: " + f)
    if failures:
        print("---- guest output ----\n" + res.output)
        return 1
    print(f"{n} rows: {n - len(DIFFERENCES)} as on vmi-run, "
          f"{len(DIFFERENCES)} known differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
