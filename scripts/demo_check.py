# SPDX-License-Identifier: MIT
"""scripts/demo_check.py: read what the microkernel demo printed
(guest-kernel/mk/demo.c and the programs of guest-kernel/user) and judge
it.  Shared by scripts/demo.py (the side-by-side display) and
tests/demo/check_demo.py (the meson tests)."""

import re

# Every program init starts, plus shmr, which shmw starts.
PROGRAMS = ["init", "hello", "compute", "sleeper", "pong", "ping", "shmw",
            "shmr", "tlb", "fault"]
FAULTING = "fault"

CPU_RE = re.compile(r"^sched: cpu (\d+): ran (\d+) processes \(([^)]*)\), (\d+) ticks, "
                    r"(\d+) switches, (\d+) preemptions, (\d+) syscalls, (\d+) ipis", re.M)
PROC_RE = re.compile(r"^proc: pid (\d+) (\S+) (exited|killed), status (-?\d+)$", re.M)
OPS_RE = re.compile(r"^vmi ops: (.*)$", re.M)


class Demo:
    """What one run of the demo printed, decoded."""

    def __init__(self, out):
        self.out = out
        self.cpus = {int(m[1]): {"nprocs": int(m[2]), "names": m[3].split(),
                                 "ticks": int(m[4]), "switches": int(m[5]),
                                 "preempts": int(m[6]), "syscalls": int(m[7]),
                                 "ipis": int(m[8])}
                     for m in CPU_RE.finditer(out)}
        self.procs = {m[2]: (m[3], int(m[4])) for m in PROC_RE.finditer(out)}
        m = OPS_RE.search(out)
        self.ops = {}
        if m:
            for item in m[1].split(", "):
                name, _, num = item.rpartition(" ")
                self.ops[name] = int(num) if num.isdigit() else -1
        self.passed = re.search(r"^demo: PASS$", out, re.M) is not None

    def line(self, pattern):
        m = re.search(pattern, self.out, re.M)
        return m.group(0) if m else None

    def ipc(self):
        return self.line(r"\[ping [^]]*\] .*")

    def shm(self):
        return self.line(r"\[shmw [^]]*\] .*")

    def tlb(self):
        return self.line(r"\[tlb [^]]*\] .*")

    def killed(self):
        return self.line(r"^kernel: killed pid \d+ \(fault\): .*")


def problems(demo, ncpus):
    """The ways (demo) falls short of the issue's demo, for (ncpus) CPUs."""
    bad = []
    if not demo.passed:
        bad.append("no 'demo: PASS' line")
    for cpu in range(ncpus):
        c = demo.cpus.get(cpu)
        if c is None or c["nprocs"] < 1:
            bad.append(f"cpu {cpu} ran no user process")
    for name in PROGRAMS:
        how = demo.procs.get(name)
        want = ("killed", -1) if name == FAULTING else ("exited", 0)
        if how != want:
            bad.append(f"process {name}: {how}, want {want}")
    checks = [(demo.ipc(), r"replies ok", "IPC replies"),
              (demo.shm(), r", ok;", "shared memory values"),
              (demo.tlb(), r", ok$", "TLB shootdown check"),
              (demo.killed(), r"#PF at 0x100000", "the faulting program's kill line"),
              (demo.line(r"\[hello [^]]*\] bad arguments .*"), r"rejected: 7 of 7",
               "bad system-call arguments")]
    for text, pattern, what in checks:
        if text is None or not re.search(pattern, text):
            bad.append(f"{what}: {text!r}")
    if not demo.ops.get("pt_set") or demo.ops.get("pt_alloc") != demo.ops.get("pt_release"):
        bad.append(f"vmi ops: {demo.ops}")
    return bad


PATCHED_RE = re.compile(r"^vmi: auto: (\d+) call sites patched \((\d+) inline\), "
                        r"(all|only) (\d+) checked(.*)$", re.M)
LEFT_RE = re.compile(r"^vmi: auto: (\d+) call sites left through the table "
                     r"\(vmi\.patch=off\)$", re.M)


def patch_problems(out, cmdline="", sites=True):
    """The auto backend's line on call-site patching (docs/vmi-api.md
    2.8): every recorded site patched and read back, at least one recorded
    (none if not (sites): a kernel built without them), or with
    vmi.patch=off on (cmdline), every site left."""
    off = "vmi.patch=off" in cmdline.split()
    m = (LEFT_RE if off else PATCHED_RE).search(out)
    if not m:
        return ["no line 'vmi: auto: N call sites %s'" %
                ("left through the table" if off else "patched ...")]
    n = int(m[1])
    if (n > 0) != sites:
        return [f"{n} call sites recorded, want " + ("some" if sites else "none")]
    if not off and (m[3] != "all" or int(m[4]) != n or m[5]):
        return [f"not every call site patched: {m[0]!r}"]
    return []


def banner_problems(demo, backend, runs_as, forced=False, cmdline="",
                    sites=True):
    """An image linked for (backend) must name in its banner the backend it
    runs as (runs_as, vmienv.chosen); the auto image also says so in its
    own line, "vmi: auto: backend NAME (probe: ...)", or with (forced)
    "(vmi.backend=NAME; probe: ...)", and its line on patching
    (patch_problems)."""
    bad = []
    if not demo.line(r"^vmi: backend %s, " % re.escape(runs_as)):
        bad.append(f"banner {demo.line(r'^vmi: backend .*')!r} does not name "
                   f"backend {runs_as}")
    how = r"vmi\.backend=%s; " % re.escape(runs_as) if forced else ""
    if backend == "auto" and not demo.line(
            r"^vmi: auto: backend %s \(%sprobe: " % (re.escape(runs_as), how)):
        bad.append(f"auto line {demo.line(r'^vmi: auto: .*')!r} does not "
                   f"name backend {runs_as}" + (" as forced" if forced else ""))
    if backend == "auto":
        bad += patch_problems(demo.out, cmdline, sites)
    return bad
