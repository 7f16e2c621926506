#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/suite.py: run the test suite here, then in the lab whatever
could not run here, and close with one summary line.

    scripts/suite.py [meson test arguments]

1. `meson test` on this host.
2. Every test that skipped here (exit 77: no usable /dev/kvm, or a host
   that lacks what the test needs) runs again inside the lab
   (scripts/lab.py: a Linux VM with a real KVM, on any host), LAB_CHUNK
   tests per lab boot, one at a time (vmienv.LAB_JOBS).  If a lab fails,
   the tests it had not finished are retried once in a fresh lab; a test
   that still has no result fails, with the reason.  A test that failed
   in the lab runs once more in a fresh lab (rerun_failed); the report
   names it, and a skip on that rerun is a failure.  Only a test that
   skipped here takes a result from the lab.  VMI_NO_LAB=1 turns this
   step off (the skips stay skips, and say so); a lab that cannot be
   prepared leaves them skips with that reason.
3. One line per skip with its reason, where each group ran, and
   `summary: N passed, N failed, N skipped` last.  A test's result is
   where it last ran: a test that skipped here and passed in the lab
   counts as passed, once.  A run in which no test ran, or which meson
   ends with a failing status while no test failed, fails: meson keeps
   the last run's log when it runs nothing, so the log is removed first."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmienv  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
LOGS = os.path.join(BUILD, "meson-logs")
# Nested KVM under TCG runs guest code ~10-50x slower than the host's KVM.
LAB_TIMEOUT_MULTIPLIER = 3
# The lab's own watchdog ends a stalled VM; this bounds a whole lab run.
LAB_RUN_SECONDS = 40 * 60
# Tests per lab boot (run_in_lab).
LAB_CHUNK = 12
# meson's results that count as passed.
PASSED = ("OK", "EXPECTEDFAIL")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# A TAP row that skipped: meson passes a TAP test whose rows all pass or
# skip, so these are counted and listed apart (skipped_rows).
SKIP_ROW = re.compile(r"^ok\b.*#\s*skip\b\s*(.*)$", re.I)
PROGRESS = re.compile(r"^\s*\d+/\d+\s+(\S+\s+/\s+\S+)\s+([A-Z]+)\b")


def read_log(path):
    """name -> (result, stdout) from a meson testlog (one JSON a line).
    Torn lines are listed under the name None."""
    results = {}
    try:
        lines = open(path, encoding="utf-8", errors="replace").readlines()
    except OSError:
        return results
    for line in lines:
        line = line.strip("\0 \n")
        if not line:
            continue
        try:
            rec = json.loads(line)
            results[rec["name"]] = (rec["result"], rec.get("stdout") or "")
        except (ValueError, KeyError, TypeError):
            results.setdefault(None, []).append(
                "an unreadable line in the test log: " + line)
    return results


def skip_reason(stdout):
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "skip" in ln.lower():
            return ln[:160]
    return lines[-1][:160] if lines else "no reason given"


def fail_reason(stdout):
    """Why a test failed, for the summary, which is the end of the log a
    reader of CI sees: its TAP `not ok` lines (at most 3) or, failing
    that, the end of its output."""
    bad = [ln.strip() for ln in stdout.splitlines()
           if ln.startswith("not ok")]
    if bad:
        more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
        return " | ".join(ln[:200] for ln in bad[:3]) + more
    return repr(stdout[-160:])


def lab_round(names):
    """Run (names) in one lab boot.  Returns (results, finished tests and
    the result meson's progress line gave each, why the lab ended early or
    None)."""
    share = tempfile.mkdtemp(prefix="vmi-suite.", dir="/tmp")
    # No --print-errorlogs: a test's own output on this stream could pose
    # as meson's progress lines, which stand in for a lost log (below).
    # The suite prints a failure's reason from the log instead.
    script = ('meson test -C "$1" --no-rebuild '
              f'--num-processes {vmienv.LAB_JOBS} '
              f'--timeout-multiplier {LAB_TIMEOUT_MULTIPLIER} '
              '--logbase lab "${@:3}"; s=$?; '
              'cp "$1/meson-logs/lab.json" "$2/" || s=125; exit $s')
    argv = [sys.executable, os.path.join(ROOT, "scripts", "lab.py"),
            "--share", share, "--timeout", str(LAB_RUN_SECONDS), "--",
            "bash", "-c", script, "lab", BUILD, share] + \
        [n.split(" / ", 1)[-1] for n in names]
    finished = {}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True,
                            errors="replace")
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = PROGRESS.match(ANSI.sub("", line))
        if m and m.group(1) in names:
            finished[m.group(1)] = m.group(2)
    status = proc.wait()
    results = read_log(os.path.join(share, "lab.json"))
    shutil.rmtree(share, ignore_errors=True)
    why = None
    if not results:
        why = f"the lab ended without a test log (status {status})"
    return results, finished, why


def run_in_lab(names):
    """Results of (names) run in the lab, LAB_CHUNK tests per lab boot.
    The lab's Linux or QEMU itself fails once in a while under TCG
    (docs/lab.md, Caveats); a boot costs seconds, so short boots lose
    little when one does, and their unfinished tests get a fresh one."""
    results, where = {}, {}
    for i in range(0, len(names), LAB_CHUNK):
        got, got_where = run_chunk(names[i:i + LAB_CHUNK])
        results.update(got)
        where.update(got_where)
    return results, where


def run_chunk(names):
    """Results of (names) run in one lab boot, retrying once the tests
    that a failed lab left unfinished."""
    results, where = {}, {}
    todo = list(names)
    for attempt in (1, 2):
        got, finished, why = lab_round(todo)
        for name in todo:
            if name in got:
                results[name] = got[name]
                where[name] = "lab" if attempt == 1 else "lab (second boot)"
        if why is None:
            return results, where
        # The lab can fail after a test has finished (its Linux panicked
        # under TCG once in a while: docs/lab.md).  A finished test keeps
        # the result meson printed for it; only the rest run again.
        print(f"suite: {why}", file=sys.stderr)
        todo = [n for n in todo if n not in got and n not in finished]
        for n in set(finished) - set(got):
            results[n] = (finished[n], f"{finished[n]} in meson's progress "
                          f"line; the lab then failed ({why}), its log lost")
            where[n] = "lab"
        if not todo:
            return results, where
        print(f"suite: retrying {len(todo)} unfinished tests in a fresh lab",
              file=sys.stderr)
    for name in todo:
        results[name] = ("FAIL", f"no result: the lab failed twice ({why})")
        where[name] = "lab"
    return results, where


def lab_unavailable():
    """Why the lab cannot be had on this machine (its kernel, busybox or
    QEMU missing and not to be fetched), or None.  Then the skips stay
    skips, with this reason: a lab that starts and then fails is a
    failure instead (run_in_lab)."""
    res = subprocess.run([sys.executable, os.path.join(ROOT, "scripts",
                                                       "lab.py"), "--prepare"],
                         capture_output=True, text=True)
    if res.returncode == 0:
        return None
    why = (res.stderr.strip().splitlines() or ["no reason given"])[-1]
    return f"the lab could not be prepared ({why}): skipped tests stay skipped"


def main(args):
    log = os.path.join(LOGS, "testlog.json")
    # meson leaves an old log alone when it runs nothing (a failed
    # rebuild, a selection that matches no test): never report that one.
    try:
        os.unlink(log)
    except FileNotFoundError:
        pass
    host_status = subprocess.run(
        ["meson", "test", "-C", BUILD, "--print-errorlogs",
         "--num-processes", "2"] + args).returncode
    results = read_log(log)
    problems = results.pop(None, [])
    if host_status != 0 and results and not problems and all(
            res in PASSED + ("SKIP",) for res, _ in results.values()):
        problems.append(f"meson test ended with status {host_status}, "
                        "yet no test failed")
    where = {name: "host" for name in results}
    skipped = [n for n, (res, _) in results.items() if res == "SKIP"]
    host_reasons = {n: skip_reason(results[n][1]) for n in skipped}
    lab_note = None
    if skipped and os.environ.get("VMI_NO_LAB") == "1":
        lab_note = "VMI_NO_LAB=1: the lab was not used"
    elif skipped:
        lab_note = lab_unavailable()
    if skipped and lab_note is None:
        print(f"suite: {len(skipped)} tests skipped on this host; running "
              "them in the lab (scripts/lab)", flush=True)
        lab_results, lab_where = run_in_lab(skipped)
        rerun_failed(lab_results, lab_where)
        for name in skipped:            # only a host skip takes a lab result
            if name in lab_results:
                results[name] = lab_results[name]
                where[name] = lab_where[name]
    return report(results, where, host_reasons, problems, lab_note,
                  host_status)


def rerun_failed(results, where):
    """Run once more, in a fresh lab, every test that failed in the lab.
    QEMU's emulated SVM still corrupts a nested guest or the lab's own
    kernel now and then (docs/lab.md, Caveats), so a lab failure is
    retried like a conformance cell that lost a wake-up.  A test counts
    as passed only if the rerun passes, and the report names it with its
    first failure; a second failure is the result."""
    failed = sorted(n for n, (res, _) in results.items()
                    if res not in PASSED + ("SKIP",))
    if not failed:
        return
    for name in failed:
        tail = results[name][1].splitlines()[-40:]
        print(f"suite: {name} failed in the lab ({results[name][0]}); the "
              f"end of its log:\n" + "\n".join(f"  | {ln}" for ln in tail))
    print(f"suite: {len(failed)} tests failed in the lab; running them once "
          "more in a fresh lab (docs/lab.md, Caveats)", flush=True)
    again, _ = run_in_lab(failed)
    for name in failed:
        first = results[name]
        res, out = again.get(name, ("FAIL", "no result on the rerun"))
        note = f"failed in the lab first ({first[0]}: {first[1][-160:]!r})"
        if res == "SKIP":       # it ran there once: a skip now is no pass
            res = "FAIL"
        print(f"rerun: {name}: {note}; the rerun: {res}")
        results[name] = (res, out if res in PASSED else f"{out}\n{note}")
        where[name] = "lab (rerun)"


def skipped_rows(out):
    """(rows, skipped rows, the first skip's reason) of a TAP output."""
    rows = [ln for ln in out.splitlines() if re.match(r"(not )?ok\b", ln)]
    skips = [SKIP_ROW.match(ln) for ln in rows]
    skips = [m for m in skips if m]
    return len(rows), len(skips), skips[0].group(1).strip() if skips else ""


def report(results, where, host_reasons, problems, lab_note, host_status):
    counts = {"pass": 0, "fail": len(problems), "skip": 0, "rows": 0}
    places = {}
    for name, (res, out) in sorted(results.items()):
        kind = "pass" if res in PASSED else "skip" if res == "SKIP" \
            else "fail"
        counts[kind] += 1
        places[where[name]] = places.get(where[name], 0) + 1
        if kind == "skip":
            print(f"skipped: {name} ({where[name]}): {skip_reason(out)}")
        elif kind == "pass":
            rows, skips, why = skipped_rows(out)
            if skips:
                counts["rows"] += skips
                print(f"skipped rows: {name} ({where[name]}): {skips} of "
                      f"{rows}: {why[:120]}")
        elif kind == "fail":
            print(f"failed: {name} ({where[name]}): {res}: {fail_reason(out)}")
    moved = sorted(n for n in host_reasons if where[n] != "host")
    if moved:
        reasons = sorted(set(host_reasons[n] for n in moved))
        print(f"suite: {len(moved)} tests skipped on this host and ran in "
              f"the lab; the host's reasons: {'; '.join(reasons[:3])}")
    for t in problems:
        print(f"suite: {t[:200]}")
    if lab_note:
        print(f"suite: {lab_note}")
    if not results:
        print("suite: no test ran (meson test ended with status "
              f"{host_status})")
        counts["fail"] += 1
    print("suite: ran " + (", ".join(
        f"{n} on the host" if p == "host" else f"{n} in the {p}"
        for p, n in sorted(places.items())) or "nothing"))
    print(f"suite: {counts['rows']} TAP rows skipped inside passed tests "
          "(listed above as skipped rows)")
    print(f"summary: {counts['pass']} passed, {counts['fail']} failed, "
          f"{counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
