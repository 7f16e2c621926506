#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/conform.py: run the vmi conformance tests for every backend image
on every environment this machine has, judge each cell against what it
should be, and write the matrix (docs/conformance.md).

A cell is (test, backend, environment).  Where the backend must run on the
environment (scripts/vmienv.py runs_on), the test kernel's result line
decides: success, skip, error or failure.  Where it must not, the image
must refuse cleanly (one line, VMI_EXIT_WRONG_HV); that is checked with one
boot per (backend, environment), since the refusal happens in vmi_init
before any test code runs.  An environment this machine lacks makes its
cells skips, with the reason.

Exit status: 0 if every cell had its expected outcome, 1 otherwise, 2 for
bad usage."""

import argparse
import concurrent.futures
import fnmatch
import glob
import os
import re
import shlex
import sys
import threading

import conform_report as report
import demo_check
import conform_selftest as selftest
import vmienv

ROOT = vmienv.ROOT
MANIFEST = os.path.join(ROOT, "tests", "conformance", "manifest")
LATE_RE = re.compile(r"\blate\b")
LATE_RETRIES = 2
# A lost wake-up: the whole guest hung, or one of its CPUs never finished.
HUNG_RE = re.compile(r": hung$|\bcpu \d+ did not finish\b")
NESTED_RETRIES = 1
RESULT_RE = re.compile(r"^conformance: (\S+) (SUCCESS|SKIP|ERROR|FAILURE)(?:: (.*))?$")
REFUSAL_RE = re.compile(r"^vmi: kernel linked for ")
# The harness's exit code for each outcome (tests/conformance/lib/harness.c).
VERDICT_CODE = {"SUCCESS": vmienv.EXIT_OK, "SKIP": vmienv.EXIT_SKIP,
                "ERROR": vmienv.EXIT_ERROR, "FAILURE": vmienv.EXIT_FAIL}
VERDICT_KIND = {"SUCCESS": "pass", "SKIP": "skip", "ERROR": "error",
                "FAILURE": "fail"}
SELFTEST_BACKEND = selftest.SELFTEST_BACKEND


class Test:
    def __init__(self, name, group, opts):
        self.name, self.group, self.opts = name, group, opts
        self.title = title_of(name)
        self.cpus = int(opts.get("cpus", 2))
        self.cmdline = opts.get("cmdline", "")
        self.exit = opts.get("exit")            # "N", "reboot" or None
        self.output = opts.get("output")
        self.check = opts.get("check")


def title_of(name):
    path = os.path.join(ROOT, "tests", "conformance", name, "main.c")
    try:
        with open(path) as f:
            m = re.search(r'test_title\[\]\s*=\s*"([^"]*)"', f.read())
    except OSError:
        return "?"
    return m.group(1) if m else "?"


def load_manifest():
    tests = []
    with open(MANIFEST) as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if not words:
                continue
            opts = dict(w.split("=", 1) for w in words[2:])
            tests.append(Test(words[0], words[1], opts))
    return tests


def find_images(build):
    """backend -> {test: image path} for every conf.<backend>.<test>.elf."""
    found = {}
    pattern = os.path.join(build, "tests", "conformance", "conf.*.*.elf")
    for path in glob.glob(pattern):
        _, backend, test, _ = os.path.basename(path).split(".")
        found.setdefault(backend, {})[test] = path
    return found


def backend_key(b):
    order = vmienv.backends()
    return (order.index(b) if b in order else len(order), b)


def console_pattern():
    """The bytes tests/conformance/console/main.c writes between markers."""
    return bytes(range(256)) * 2 + b"\r\n\n\r"


def host_checks(test, backend, env, res):
    """Problems the runner sees in the output of a test that succeeded."""
    if test.check == "console":
        begin = b"conformance: console pattern begin\n"
        end = b"\nconformance: console pattern end\n"
        i, j = res.raw.find(begin), res.raw.rfind(end)
        if i < 0 or j < 0:
            return "console: pattern markers not found byte-exact"
        got, want = res.raw[i + len(begin):j], console_pattern()
        if got != want:
            k = next((k for k in range(min(len(got), len(want)))
                      if got[k] != want[k]), min(len(got), len(want)))
            return (f"console: received {len(got)} bytes, want {len(want)}; "
                    f"first difference at byte {k}")
    if backend == "auto":
        bad = demo_check.patch_problems(res.output)
        if bad:
            return bad[0]
    if test.check == "backend":
        base = backend.split("-")[0]
        want = vmienv.chosen(base, env)
        m = re.search(r"^conformance: backend (\S+),", res.output, re.M)
        if not m or m.group(1) != want:
            return (f"info names backend {m.group(1) if m else '?'}, "
                    f"the image is linked with {base}" +
                    (f", which picks {want} there" if want != base else ""))
    return None


def last_line(res, pattern):
    for line in reversed(res.output.splitlines()):
        if re.search(pattern, line):
            return line.strip()
    return None


def judge_exit(test, env, res):
    """A test that ends by an exit of its own (power ops)."""
    if test.exit == "reboot":
        ok = res.code == 6 or vmienv.is_reset(env, res)
        want = "a reset"
    else:
        ok = res.code == int(test.exit)
        want = f"exit code {test.exit}"
    if ok and test.output and test.output not in res.output:
        return "fail", f"{want} as expected, but no '{test.output}' in the output"
    if ok:
        return "pass", ""
    m = [RESULT_RE.match(l.strip()) for l in res.output.splitlines()]
    m = [x for x in m if x]
    if m and m[-1].group(2) != "SUCCESS":
        return VERDICT_KIND[m[-1].group(2)], m[-1].group(3) or ""
    got = res.note if res.code is None else f"exit code {res.code}"
    return "fail", f"{got}, want {want}"


def judge_no_result(res, timeout):
    if res.timed_out():
        return "fail", f"no result within {timeout} s: hung"
    if res.code is None:
        return "error", f"the environment failed: {res.note}"
    why = last_line(res, r"^(vmi: (panic|BUG|crash|kernel linked)|trap: )")
    return "fail", f"exit code {res.code} without a result line" + \
        (f" ({why})" if why else "")


def judge(test, backend, env, res, timeout):
    """(kind, reason) of a cell whose image must run on env."""
    if test.exit:
        return judge_exit(test, env, res)
    matches = [RESULT_RE.match(l.strip()) for l in res.output.splitlines()]
    matches = [m for m in matches if m]
    if not matches:
        return judge_no_result(res, timeout)
    verdict, reason = matches[-1].group(2), matches[-1].group(3) or ""
    if res.code != VERDICT_CODE[verdict]:
        got = res.note if res.code is None else f"exit code {res.code}"
        return "fail", f"result {verdict} but {got}: shutdown lost the code"
    if verdict == "SUCCESS":
        problem = host_checks(test, backend, env, res)
        if problem:
            return "fail", problem
    # Every environment but a user's own template boots test.cpus CPUs:
    # a guest that sees fewer lost one, which is no reason to skip.
    if verdict == "SKIP" and test.cpus >= 2 and \
            reason.startswith("the environment offers 1 CPU") and \
            not vmienv.ENVIRONMENTS[env][2].startswith("external:"):
        return "fail", f"booted with {test.cpus} CPUs, the guest saw 1 " \
            f"({reason})"
    return VERDICT_KIND[verdict], reason


def judge_refusal(res):
    lines = [l for l in res.output.splitlines() if REFUSAL_RE.match(l.strip())]
    if res.code == vmienv.EXIT_WRONG_HV and len(lines) == 1:
        return "refused", lines[0].strip()
    if any(RESULT_RE.match(l.strip()) for l in res.output.splitlines()):
        return "fail", "ran instead of refusing"
    got = res.note if res.code is None else f"exit code {res.code}"
    return "fail", f"{got} and {len(lines)} refusal lines, want code 3 and one line"


class Runner:
    """Runs cells, at most (jobs) at a time, and reports progress."""

    def __init__(self, args, tap):
        self.args, self.tap = args, tap
        self.lock = threading.Lock()
        self.done = 0
        self.total = 0

    def boot(self, image, env, test, extra=""):
        cmdline = " ".join(x for x in (test.cmdline, extra) if x)
        return vmienv.run(image, env, test.cpus, cmdline, self.args.timeout)

    def cell(self, job):
        backend, env, test, image, extra, refusal = job
        res = self.boot(image, env, test, extra)
        if refusal:
            kind, reason = judge_refusal(res)
        else:
            kind, reason = judge(test, backend, env, res, self.args.timeout)
        # An event that came too late may be the host's doing: the matrix
        # shares two cores between two guests and their vCPU threads.  A
        # cell that failed only on lateness is booted again, up to
        # LATE_RETRIES times, and passes only if a rerun passes; the first
        # failure stays in the reason.  Early events, lost or extra events
        # and a backend that is late every time still fail.
        # A guest under the SVM of QEMU's TCG (in the lab, or on real Xen)
        # may also lose one wake-up outright (no STI shadow after VMRUN;
        # about 1-3 % of 2-vCPU runs, docs/lab.md): there a hung cell is
        # booted once more, under the same rules.
        lost = vmienv.nested_svm(env) and HUNG_RE.search(reason)
        retries = LATE_RETRIES if kind == "fail" and LATE_RE.search(reason) \
            else NESTED_RETRIES if kind in ("fail", "error") and lost else 0
        for _ in range(retries):
            first = reason
            res = self.boot(image, env, test, extra)
            kind, reason = judge(test, backend, env, res, self.args.timeout)
            if kind not in ("fail", "error") or \
                    not (LATE_RE.search(reason) or HUNG_RE.search(reason)):
                note = "passed on rerun" if kind == "pass" else "on rerun"
                reason = f"{reason} ({note}; first run: {first})".lstrip()
                break
        out = {"backend": backend, "env": env, "test": test.name,
               "group": test.group, "kind": kind, "reason": reason,
               "seconds": round(res.seconds, 2), "fault": extra,
               "refusal": refusal}
        self.progress(out, res)
        return out

    def progress(self, out, res):
        with self.lock:
            self.done += 1
            tag = out["test"] if out["kind"] != "refused" else "(refusal)"
            line = (f"[{self.done:3}/{self.total}] {out['backend']:<12} "
                    f"{out['env']:<14} {tag:<15} {out['kind']:<7} "
                    f"{out['seconds']:5.1f}s {out['fault']} {out['reason']}")
            print(line.rstrip(), file=sys.stderr if self.tap else sys.stdout,
                  flush=True)
            if self.args.verbose and out["kind"] not in ("pass", "refused"):
                for l in res.output.splitlines()[-40:]:
                    print("    | " + l, file=sys.stderr, flush=True)

    def run_all(self, jobs):
        self.total = len(jobs)
        # A batched environment (real Xen) runs all its jobs in one start.
        for env in sorted({j[1] for j in jobs} & vmienv.BATCHED):
            vmienv.prefetch(env, [(j[3], j[2].cpus, " ".join(
                x for x in (j[2].cmdline, j[4]) if x))
                for j in jobs if j[1] == env], self.args.timeout)
        with concurrent.futures.ThreadPoolExecutor(
                vmienv.jobs(self.args.jobs)) as pool:
            return list(pool.map(self.cell, jobs))


def plan(tests, images, backends, envs):
    """The jobs to run and the cells known without running (n/a)."""
    jobs, fixed = [], []
    for backend in backends:
        for env in envs:
            why = vmienv.missing(env)
            if why:
                fixed += [{"backend": backend, "env": env, "test": t.name,
                           "group": t.group, "kind": "skip", "seconds": 0,
                           "reason": f"{env} unavailable: {why}", "fault": "",
                           "refusal": False, "na": True}
                          for t in tests]
                continue
            why = vmienv.unobservable(backend, env)
            if why:
                fixed += [{"backend": backend, "env": env, "test": t.name,
                           "group": t.group, "kind": "skip", "seconds": 0,
                           "reason": f"{env} cannot show it: {why}",
                           "fault": "", "refusal": False, "na": True}
                          for t in tests]
                continue
            built = [t for t in tests if t.name in images[backend]]
            fixed += [{"backend": backend, "env": env, "test": t.name,
                       "group": t.group, "kind": "error", "seconds": 0,
                       "reason": f"conf.{backend}.{t.name}.elf is not built",
                       "fault": "", "refusal": False}
                      for t in tests if t not in built]
            # A variant (native-fault) is expected to run where its base does.
            base = backend.split("-")[0]
            if built and vmienv.expected_code(base, env) == vmienv.EXIT_WRONG_HV:
                jobs.append((backend, env, built[0], images[backend][built[0].name], "", True))
                continue
            jobs += [(backend, env, t, images[backend][t.name], "", False)
                     for t in built]
    return jobs, fixed


def expand_refusals(cells, tests):
    """One refusal boot stands for every test of its column."""
    out = []
    for c in cells:
        if c["refusal"]:
            out += [dict(c, test=t.name, group=t.group) for t in tests]
        else:
            out.append(c)
    return out


def select(args, tests, images):
    def pick(names, avail, what):
        if not names:
            return list(avail)
        chosen = [a for a in avail if any(fnmatch.fnmatch(a, n) for n in names)]
        if not chosen:
            raise SystemExit(f"conform: no {what} matches {', '.join(names)}"
                             f" (have: {', '.join(avail)})")
        return chosen
    tests = [t for t in tests if t.name in pick(args.test, [t.name for t in tests], "test")]
    if args.group:
        tests = [t for t in tests if t.group in args.group]
        if not tests:
            raise SystemExit(f"conform: no test in group {', '.join(args.group)}")
    avail = sorted((b for b in images if b != SELFTEST_BACKEND), key=backend_key)
    if args.backend:
        avail = sorted(images, key=backend_key)
    backends = pick(args.backend, avail, "backend")
    envs = pick(args.env, list(vmienv.ENVIRONMENTS), "environment")
    return tests, backends, envs


def tap_out(cells, skip_reason=None):
    if skip_reason:
        print(f"1..0 # SKIP {skip_reason}")
        return
    print(f"1..{len(cells)}")
    for i, c in enumerate(cells, 1):
        name = f"{c['test']} on {c['env']} ({c['backend']})"
        if c["kind"] in ("pass", "refused"):
            print(f"ok {i} - {name}" + (" # refused as expected" if c["kind"] == "refused" else ""))
        elif c["kind"] == "skip":
            print(f"ok {i} - {name} # SKIP {c['reason']}")
        else:
            print(f"not ok {i} - {name}: {c['kind']}: {c['reason']}")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true",
                    help="print one line per selected test and exit")
    ap.add_argument("--list-envs", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("-t", "--test", action="append", help="test name (glob)")
    ap.add_argument("-g", "--group", action="append", help="op group")
    ap.add_argument("-b", "--backend", action="append", help="backend image")
    ap.add_argument("-e", "--env", action="append", help="environment (glob)")
    ap.add_argument("--external", action="append", default=[], metavar="NAME=TEMPLATE",
                    help="an environment of your own: a command with {image}, "
                         "{cpus}, {cmdline}, {timeout}")
    ap.add_argument("--external-hv", default="none",
                    help="what hypervisor the external environment presents: "
                         "none or a backend of the build other than native")
    ap.add_argument("--external-status", default="direct", choices=["direct", "qemu"],
                    help="how its exit status carries the guest code")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="cells at once (2)")
    ap.add_argument("--timeout", type=int, default=30, help="seconds per boot (30)")
    ap.add_argument("--self-test", action="store_true",
                    help="check that a broken backend fails exactly its tests")
    ap.add_argument("--tap", action="store_true", help="TAP on stdout (meson)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    vmienv.set_build(args.build)
    if args.list_envs:
        print("\n".join(vmienv.ENVIRONMENTS))
        return 0
    hvs = ["none"] + [b for b in vmienv.backends()
                      if b not in ("native", vmienv.AUTO)]
    if args.external and args.external_hv not in hvs:
        raise SystemExit(f"conform: --external-hv {args.external_hv}: "
                         f"not one of {', '.join(hvs)}")
    for spec in args.external:
        name, _, template = spec.partition("=")
        try:
            vmienv.add_external(name, template, args.external_status, args.external_hv)
        except ValueError as exc:
            raise SystemExit(f"conform: --external {name}: {exc}")
    images = find_images(args.build)
    tests, backends, envs = select(args, load_manifest(), images)
    if args.list:
        for t in tests:
            print(f"{t.name:<16} {t.group:<8} {t.title}")
        return 0
    if not images:
        raise SystemExit(f"conform: no conformance images in {args.build} (build first)")
    out_dir = os.path.join(args.build, "conformance")
    if args.self_test:
        return selftest.run(args, tests, images, out_dir, Runner,
                            [t.name for t in load_manifest()])
    return run_matrix(args, tests, images, backends, envs, out_dir)


def run_matrix(args, tests, images, backends, envs, out_dir):
    in_lab = vmienv.lab_envs(envs)
    envs = [e for e in envs if e not in in_lab]
    jobs, fixed = plan(tests, images, backends, envs)
    cells = expand_refusals(Runner(args, args.tap).run_all(jobs), tests) + fixed
    order = [t.name for t in load_manifest()]
    full = not (args.test or args.group or args.backend or args.env)
    report.save_cells(out_dir, cells, clear=full and not args.tap)
    if args.tap and len(envs) == 1 and vmienv.missing(envs[0]):
        tap_out([], f"{envs[0]} unavailable: {vmienv.missing(envs[0])}")
    elif args.tap:
        tap_out(tap_cells(cells))
    elif envs:
        print(report.text_matrix(cells, order))
    ok = all(c["kind"] in ("pass", "skip", "refused") for c in cells)
    if in_lab:
        ok &= run_lab_part(args, in_lab, out_dir)
    report.write_matrix(out_dir, order)
    if not args.tap:
        print(f"conform: matrix in {os.path.relpath(out_dir)}/matrix.md and matrix.html")
    return 0 if ok else 1


def run_lab_part(args, envs, out_dir):
    """The environments only the lab has, run there in one boot; their
    cells land in out_dir (shared with the lab) beside this host's."""
    print(f"conform: this host cannot run {', '.join(envs)} "
          f"({vmienv.missing(envs[0])}); running them in the lab "
          "(scripts/lab, docs/lab.md)", flush=True)
    argv = [os.path.abspath(__file__), "--build", args.build, "--jobs",
            str(args.jobs), "--timeout", str(args.timeout)]
    for flag, values in (("--test", args.test), ("--group", args.group),
                         ("--backend", args.backend), ("--env", envs)):
        argv += [w for v in values or () for w in (flag, v)]
    if args.verbose:
        argv.append("-v")
    os.makedirs(out_dir, exist_ok=True)
    return vmienv.run_in_lab(argv, share=out_dir) == 0


def tap_cells(cells):
    """One TAP line per refusal column, one per other cell."""
    out, seen = [], set()
    for c in cells:
        if c["refusal"]:
            key = (c["backend"], c["env"])
            if key in seen:
                continue
            seen.add(key)
            c = dict(c, test="(all tests)")
        out.append(c)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
