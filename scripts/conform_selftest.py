# SPDX-License-Identifier: MIT
"""scripts/conform_selftest.py: the conformance suite checks itself.  The
native backend is built a second time, wrapped by
tests/conformance/fault/fault_ops.c (images conf.native-fault.*), which
breaks one op when the kernel command line says vmi.fault=NAME.  Each
fault must turn exactly the cells of the tests whose contract it breaks
from success to failure, and leave every other cell as it is; without a
fault the wrapped backend must match native."""

import vmienv
from conform_report import save_selftest, text_selftest, write_matrix

SELFTEST_BACKEND = "native-fault"


def stale_tlb_tests(env):
    """The tests that catch a no-op tlb_flush_page in env: only where a
    changed entry stays invisible until flushed.  QEMU TCG keeps real stale
    entries; so does a real KVM (hardware, or the lab's: docs/lab.md), where
    mmu_remap and mmu_unmap catch it.  kvm-pvm's shadow MMU shows a changed
    entry at once (mmu_remap logs "the new entry was visible" before the
    flush there), so nothing can catch it on a software KVM."""
    if env == "qemu-tcg":
        return {"mmu_remap", "mmu_unmap", "mmu_lazy"}
    if vmienv.kvm_is_software():
        return set()
    return {"mmu_remap", "mmu_unmap"}


# The self-test: each fault of tests/conformance/fault/fault_ops.c and the
# tests whose contract it breaks, in every environment or as a function of
# the environment (what it can observe).  Those cells must turn from
# success to failure; every other cell must keep its outcome.  Run on the
# quick environments only (a QEMU KVM boot costs 3 s or more).
FAULTS = {
    "console_crlf": {"console"},
    "msr_safe_ok": {"msr_safe"},
    "alarm_early": {"alarm_deadline", "alarm_replace", "alarm_cancel", "safe_halt"},
    "ipi_drop": {"ipi"},
    "time_slow": {"time_rate", "time_wallclock"},
    "tlb_page_noop": stale_tlb_tests,
    "cpu_count_one": {"info", "smp_start", "ipi", "spin_kick", "tlb_remote"},
}
SELFTEST_ENVS = ["vmi-run-pc", "qemu-tcg"]


def self_test(args, tests, images, runner):
    """Run the broken backend with each fault; see FAULTS."""
    tests = [t for t in tests if t.name in images.get(SELFTEST_BACKEND, {})]
    envs = [e for e in SELFTEST_ENVS if not vmienv.missing(e)]
    if SELFTEST_BACKEND not in images or not envs:
        return None, "no native-fault images or no quick environment"
    runs = [""] + [f"vmi.fault={f}" for f in FAULTS]
    jobs = [(SELFTEST_BACKEND, env, t, images[SELFTEST_BACKEND][t.name], extra, False)
            for extra in runs for env in envs for t in tests]
    cells = runner(args, args.tap).run_all(jobs)
    got = {(c["fault"], c["env"], c["test"]): c for c in cells}
    rows = []
    for env in envs:
        base = {t.name: got["", env, t.name]["kind"] for t in tests}
        bad = [f"{t}: {k}" for t, k in base.items() if k not in ("pass", "skip")]
        rows.append({"fault": "(none)", "env": env, "ok": not bad,
                     "detail": "no fault: every cell passes or skips, as native's"
                     if not bad else "no fault, yet: " + ", ".join(bad)})
        for fault, targets in FAULTS.items():
            if callable(targets):
                targets = targets(env)
            rows.append(selftest_row(fault, targets, env, tests, base, got))
    return rows, None


def selftest_row(fault, targets, env, tests, base, got):
    extra = f"vmi.fault={fault}"
    wrong, failed = [], []
    for t in tests:
        kind = got[extra, env, t.name]["kind"]
        want = "fail" if t.name in targets and base[t.name] == "pass" else base[t.name]
        if kind == "fail":
            failed.append(t.name)
        if kind != want:
            wrong.append(f"{t.name} {kind} (want {want})")
    if wrong:
        detail = "MISMATCH: " + "; ".join(wrong)
    elif failed:
        detail = "failed exactly: " + ", ".join(failed)
    else:
        detail = "no cell changed, as expected here (" + (
            "its tests skip" if targets else "not observable") + ")"
    return {"fault": fault, "env": env, "ok": not wrong, "detail": detail}


def run(args, tests, images, out_dir, runner, order):
    rows, why = self_test(args, tests, images, runner)
    if rows is None:
        if args.tap:
            print(f"1..0 # SKIP {why}")
        else:
            print(f"conform: self-test skipped: {why}")
        return 0
    save_selftest(out_dir, rows)
    if args.tap:
        print(f"1..{len(rows)}")
        for i, r in enumerate(rows, 1):
            print(f"{'ok' if r['ok'] else 'not ok'} {i} - fault {r['fault']} on "
                  f"{r['env']}: {r['detail']}")
    else:
        print(text_selftest(rows))
    write_matrix(out_dir, order)
    return 0 if all(r["ok"] for r in rows) else 1
