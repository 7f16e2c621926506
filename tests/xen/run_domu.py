#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/xen/run_domu.py: the domU ABI guest (tests/xen/domu.c) under
vmi-run.

  run_domu.py -- VMI_RUN -v --hv xen ... IMAGE

Passes (exit 0) when the guest powers off (status 0) and:
  - every TAP row is "ok" and the plan matches the rows;
  - no line of the domain console (stdout) appears twice;
  - the console_io line (domu.c MARKER) is not on the console but in the
    hypervisor log (stderr), once, prefixed "(d1) ";
  - -v names each unimplemented hypercall or sub-op the guest makes
    exactly once, with the guest's RIP: hypercall 127 (called three
    times, once from 32-bit code), physdev_op and memory_op sub-op 63.
Exit 77 when KVM is unavailable (vmi-run status 69 with its line,
scripts/vmienv.py vmi_run_no_kvm).  The same image on
real Xen: run_differential.py --table domu.  Python 3 standard library
only.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (vmi-run's statuses, shared by the runners)

MARKER = "domu: console_io line, never on the console"
ROW = re.compile(r"^(ok|not ok) (\d+) - (\S+)")
# (what -v must name, once each)
UNIMPLEMENTED = [
    r"xen: hypercall 127 \(unknown\) not implemented: -ENOSYS, at "
    r"rip=0x[0-9a-f]+$",
    r"xen: hypercall 33 \(physdev_op\) not implemented: -ENOSYS, at "
    r"rip=0x[0-9a-f]+$",
    r"xen: hypercall 12 sub-op 63 \(memory_op\) not implemented, at "
    r"rip=0x[0-9a-f]+$",
]


def judge(code, out, err):
    fails = []
    if code != 0:
        fails.append(f"exit status {code}, want 0 (SHUTDOWN_poweroff)")
    lines = [ln.rstrip("\r") for ln in out.splitlines()]
    rows = [ROW.match(ln) for ln in lines]
    rows = [m for m in rows if m]
    plan = [int(ln[3:]) for ln in lines if ln.startswith("1..")]
    if not plan or plan[-1] != len(rows):
        fails.append(f"{len(rows)} rows, plan {plan}")
    for m in rows:
        if m.group(1) != "ok":
            fails.append("row " + lines[lines.index(m.string)])
    seen = {}
    for ln in lines:
        if ln.strip():
            seen[ln] = seen.get(ln, 0) + 1
    for ln, n in seen.items():
        if n > 1:
            fails.append(f"console line {n} times: {ln!r}")
    if MARKER in out:
        fails.append("the console_io line reached the domain console")
    elines = err.splitlines()
    n = sum(1 for ln in elines if ln == "(d1) " + MARKER)
    if n != 1:
        fails.append(f"the console_io line is {n} times in the hypervisor "
                     "log (stderr), want once as '(d1) ...'")
    for pat in UNIMPLEMENTED:
        n = sum(1 for ln in elines if re.search(pat, ln))
        if n != 1:
            fails.append(f"-v named /{pat}/ {n} times, want once")
    return len(rows), fails


def main():
    if "--" not in sys.argv:
        print(__doc__)
        return 2
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    print("$ " + " ".join(cmd))
    if vmienv.vmi_run_no_kvm(p.returncode, err):
        print("SKIP: KVM unavailable\n" + err)
        return 77
    n, fails = judge(p.returncode, out, err)
    for f in fails:
        print("FAIL: " + f)
    if fails:
        print("---- stdout ----\n" + out + "---- stderr ----\n" + err)
        return 1
    print(f"{n} rows ok; no console line twice; console_io in the log "
          "only; -v names each unimplemented call once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
