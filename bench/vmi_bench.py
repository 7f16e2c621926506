#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/vmi_bench.py: the vmi ops micro-benchmarks, side by side.

Boots the benchmark kernel of each backend (build/bench/guest/
bench-<backend>.elf, bench/guest/) in every environment where that backend
runs (scripts/vmienv.py runs_on), --repeats times, the cells interleaved
so that a change of machine load hits them all alike.  Each boot prints
one line per benchmark, "bench: <name> <median_ns> <min_ns> <max_ns>
<iterations>" (the median over its rounds), or "bench: <name> n/a
<reason>".  This script takes, per benchmark and cell, the median of the
runs' medians and their spread ((max - min) / median across runs), and
prints a table: rows are benchmarks, columns are backend@environment, with
the ratio to native@vmi-run-pc measured in the same invocation.

  bench/vmi_bench.py [--build DIR] [--repeats N] [--cpus N]
                     [--backend B]... [--env E]... [--quick] [--patch]
                     [--guest-args "bench.ms=40 ..."] [--markdown FILE|-]
                     [--json FILE]

With --patch it compares instead the ways a kernel can reach the native
backend's ops (issue 14; docs/PERFORMANCE.md "Call-site patching"):
PATCH_VARIANTS, each in PATCH_ENVS, the cheap ops only, with the ratio to
the link-time image (no LTO) in the same environment, and the
instruction counts of one op call (bench.steps=1, bench/guest/steps.c).

Exit 0; 1 if a boot failed; 77 if no cell can run on this machine.
Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import vmienv  # noqa: E402

BASE = ("native", "vmi-run-pc")
QUICK_ARGS = "bench.ms=5 bench.rounds=3"

# --patch: (label, image, kernel command line).  The images are
# bench/guest's: native linked without LTO (each vmi_<op>() an indirect
# call through the const table), native-gcc-lto and native-clang-lto (the
# backend in the kernel's LTO unit: a direct call, the instruction), auto
# compiled with -DVMI_PATCH_SITES (every call site rewritten at boot,
# the native backend chosen where no hypervisor is found) and the same
# image with patching off (each call through the table to auto's
# trampoline, then the chosen backend).  The first is the ratio's base.
PATCH_VARIANTS = (("link", "native", ""),
                  ("gcc-lto", "native-gcc-lto", ""),
                  ("clang-lto", "native-clang-lto", ""),
                  ("patched", "auto", ""),
                  ("unpatched", "auto", "vmi.patch=off"))
PATCH_ENVS = ("vmi-run-pc", "qemu-tcg")
PATCH_OPS = ("null_call", "cycles", "irq_disable_enable", "irq_save_restore",
             "read_cr3", "read_cr2", "time_ns")
PATCH_ARGS = "bench.steps=1 bench.only=" + ",".join(PATCH_OPS)


def image_path(backend):
    return os.path.join(vmienv.BUILD, "bench", "guest", f"bench-{backend}.elf")


def patch_cells(envs):
    for env in PATCH_ENVS:
        if not envs or env in envs:
            for label, image, cmdline in PATCH_VARIANTS:
                c = Cell(image, env, label=label, cmdline=cmdline)
                c.base = ("link", env)
                yield c


def cells(backends, envs):
    """(backend, environment) pairs in a fixed order, native first; not
    where the environment cannot show the image's output (vmienv
    unobservable: native under real Xen prints nowhere)."""
    for b in vmienv.backends():
        if backends and b not in backends:
            continue
        for env in vmienv.runs_on(b):
            if (not envs or env in envs) and not vmienv.unobservable(b, env):
                yield b, env


def parse_steps(output):
    """{name: (fewest, most) or 'n/a: reason'} of the bench-steps lines."""
    found = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) < 3 or words[0] != "bench-steps:":
            continue
        if words[2] == "n/a":
            found[words[1]] = "n/a: " + " ".join(words[3:])
        elif len(words) == 4 and words[2].isdigit() and words[3].isdigit():
            found[words[1]] = (int(words[2]), int(words[3]))
    return found


def parse(output):
    """{name: (median_ns, min_ns, max_ns, iters) or 'n/a: reason'}, done."""
    found, done = {}, False
    for line in output.splitlines():
        if not line.startswith("bench: "):
            continue
        words = line.split()
        if words[1:] == ["done"]:
            done = True
        elif len(words) >= 3 and words[2] == "n/a":
            found[words[1]] = "n/a: " + " ".join(words[3:])
        elif len(words) == 6:
            try:
                found[words[1]] = tuple(float(w) for w in words[2:5]) + (int(words[5]),)
            except ValueError:
                pass
    return found, done


class Cell:
    def __init__(self, backend, env, label=None, cmdline=""):
        self.backend, self.env = backend, env
        self.label = label or backend
        self.name = f"{self.label}@{env}"
        self.key = (self.label, env)
        self.base = BASE
        self.cmdline = cmdline
        self.image = image_path(backend)
        self.missing = vmienv.missing(env)
        if self.missing is None and not os.path.exists(self.image):
            self.missing = f"{self.image} not built"
        self.runs = []          # one parse() dict per good run
        self.failures = []      # why a run did not count
        self.argv = None
        self.info = {}
        self.steps = []         # one parse_steps() dict per good run

    def run_once(self, cpus, cmdline, timeout):
        cmdline = " ".join(w for w in (self.cmdline, cmdline) if w)
        res = vmienv.run(self.image, self.env, cpus=cpus, cmdline=cmdline,
                         timeout=timeout)
        self.argv = res.argv
        found, done = parse(res.output)
        if res.code != vmienv.EXIT_OK or not done:
            why = res.note or f"guest exit code {res.code}"
            tail = [ln for ln in res.output.splitlines() if not ln.startswith("~")]
            self.failures.append(f"{why}; last lines: {' | '.join(tail[-3:])}")
            return False
        auto = []               # the auto backend's banner lines
        for line in res.output.splitlines():
            if line.startswith("bench-info: ") and ": " in line[12:]:
                key, val = line[12:].split(": ", 1)
                self.info[key] = val
            elif line.startswith("vmi: auto: "):
                auto.append(line[11:])
        if auto:
            self.info["auto"] = "; ".join(auto)
        self.runs.append(found)
        self.steps.append(parse_steps(res.output))
        return True

    def steps_of(self, bench):
        """'N', or 'N-M' if runs or boots disagree, or why there is none."""
        if self.missing:
            return "not run: " + self.missing
        vals = [r[bench] for r in self.steps if bench in r]
        counts = [v for v in vals if isinstance(v, tuple)]
        if not counts:
            return vals[0] if vals else "-"
        lo, hi = min(v[0] for v in counts), max(v[1] for v in counts)
        return str(lo) if lo == hi else f"{lo}-{hi}"

    def summary(self, bench, field=0):
        """(median, min, max) over the runs' medians (field 0) or the
        runs' best rounds (field 1), or a string saying why there is none."""
        if self.missing:
            return "not run: " + self.missing
        if not self.runs:
            return "failed: " + (self.failures[0] if self.failures else "no run")
        vals = [r[bench][field] for r in self.runs if isinstance(r.get(bench), tuple)]
        if not vals:
            notes = [r[bench] for r in self.runs if isinstance(r.get(bench), str)]
            return notes[0] if notes else "n/a: not reported"
        return statistics.median(vals), min(vals), max(vals)


def fmt_ns(ns):
    for unit, scale in (("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def spread(s):
    return (s[2] - s[1]) / s[0] * 100 if s[0] else 0.0


def bench_names(cellv):
    names = []
    for c in cellv:
        for r in c.runs:
            for n in r:
                if n not in names:
                    names.append(n)
    return names


# The tables: (kind, title).  'abs': the median over boots of each boot's
# median round; 'best': the same of each boot's fastest round, the figure
# least disturbed by other work on a loaded host; 'ratio': 'abs' over the
# native@vmi-run-pc cell of the same invocation.
TABLES = (("abs", "Median time per op; ± is the spread of the per-boot "
                  "medians, (max - min) / median:"),
          ("ratio", "Ratio to native@vmi-run-pc, same invocation (medians):"),
          ("best", "Best round per boot (median over boots of each boot's "
                   "fastest round):"))


PATCH_TABLES = (("abs", TABLES[0][1]),
                ("ratio", "Ratio to link@ the same environment, same invocation "
                          "(medians; the goal for patched: at most 1.1x):"),
                ("best", TABLES[2][1]),
                ("steps", "Instructions one op call executes (single-stepped, "
                          "bench/guest/steps.c; null_call: one indirect call "
                          "to an empty function, the floor):"),
                ("goal", "Patched against each link-time image, same "
                         "environment: median time ratio, and instructions "
                         "patched/link-time (the goal: at most 1.1x):"))
# The link-time variants the goal table holds patched against.
LINK_TIME = ("link", "gcc-lto", "clang-lto")


def table_head(cellv, what):
    if what != "goal":
        return ["benchmark"] + [c.name for c in cellv]
    envs = [c.env for c in cellv if c.label == "patched"]
    return ["benchmark"] + [f"patched / {lt}@{e}" for e in envs for lt in LINK_TIME]


def goal_rows(cellv, names):
    by_key = {c.key: c for c in cellv}
    rows = []
    for n in names:
        row = [n]
        for p in (c for c in cellv if c.label == "patched"):
            for lt in LINK_TIME:
                b = by_key.get((lt, p.env))
                if not b:
                    row.append("-")
                    continue
                ps, bs = p.summary(n), b.summary(n)
                t = (f"{ps[0] / bs[0]:.3g}x" if isinstance(ps, tuple) and
                     isinstance(bs, tuple) and bs[0] else "-")
                pi, bi = p.steps_of(n), b.steps_of(n)
                i = f"{pi}/{bi}" if pi.isdigit() and bi.isdigit() else "-"
                row.append(f"{t}, {i}")
        rows.append(row)
    return rows


def table_rows(cellv, names, what):
    """Rows of strings for (what), a kind of TABLES or PATCH_TABLES."""
    if what == "goal":
        return goal_rows(cellv, names)
    by_key = {c.key: c for c in cellv}
    rows = []
    for n in names:
        row = [n]
        for c in cellv:
            if what == "steps":
                row.append(c.steps_of(n))
                continue
            base = by_key.get(c.base)
            b = base.summary(n) if base else None
            s = c.summary(n, 1 if what == "best" else 0)
            if isinstance(s, str):
                row.append(s)
            elif what == "best":
                row.append(fmt_ns(s[0]))
            elif what == "abs":
                row.append(f"{fmt_ns(s[0])} ±{spread(s):.0f}%")
            elif isinstance(b, tuple) and b[0]:
                row.append(f"{s[0] / b[0]:.3g}x")
            else:
                row.append("-")
        rows.append(row)
    return rows


def print_text(cellv, names, out, tables=TABLES):
    for what, title in tables:
        head = table_head(cellv, what)
        rows = [head] + table_rows(cellv, names, what)
        widths = [max(len(r[i][:40]) for r in rows) for i in range(len(head))]
        print(f"\n{title}", file=out)
        for r in rows:
            print("  ".join(v[:40].ljust(w) for v, w in zip(r, widths)), file=out)


def markdown(cellv, names, meta, tables=TABLES):
    lines = [f"Measured {meta['date']} on {meta['host']}; load average "
             f"{meta['load_before']} before, {meta['load_after']} after; "
             f"{meta['repeats']} boots per cell, {meta['cpus']} vCPUs, guest "
             f"arguments `{meta['guest_args'] or '(defaults)'}`.", "",
             "Command: `" + meta["command"] + "`", ""]
    for what, title in tables:
        head = table_head(cellv, what)
        lines += [title, "", "| " + " | ".join(head) + " |",
                  "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in table_rows(cellv, names, what)]
        lines.append("")
    lines += ["What each cell ran (one boot):", ""]
    for c in cellv:
        if c.argv:
            lines.append(f"- {c.name}: `{shlex.join(c.argv)}`")
        elif c.missing:
            lines.append(f"- {c.name}: not run ({c.missing})")
    lines.append("")
    lines += ["What each backend reported (bench-info):", ""]
    for c in cellv:
        if c.info:
            keys = ("backend", "auto", "clock", "alarm", "console", "ipi",
                    "cycles_hz", "cpus", "steps overhead")
            lines.append(f"- {c.name}: " + "; ".join(
                f"{k} {c.info[k]}" for k in keys if k in c.info))
    return "\n".join(lines) + "\n"


def host_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return f"{os.cpu_count()} x {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return platform.machine()


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=vmienv.BUILD)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120, help="per boot, s")
    ap.add_argument("--backend", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--guest-args", default="",
                    help="kernel command line: bench.ms, bench.rounds, bench.max, bench.only")
    ap.add_argument("--quick", action="store_true",
                    help=f"a smoke run: guest arguments {QUICK_ARGS!r}")
    ap.add_argument("--patch", action="store_true",
                    help="compare link-time, LTO, patched and unpatched calls "
                         f"(PATCH_VARIANTS in {', '.join(PATCH_ENVS)}); "
                         f"guest arguments {PATCH_ARGS!r}")
    ap.add_argument("--markdown", help="write the Markdown tables here ('-': stdout)")
    ap.add_argument("--json", help="write every run's figures here")
    return ap.parse_args()


def run_all(a, cellv):
    runnable = [c for c in cellv if not c.missing]
    for rep in range(a.repeats):
        for c in runnable:
            ok = c.run_once(a.cpus, a.guest_args, a.timeout)
            print(f"[{rep + 1}/{a.repeats}] {c.name}: "
                  f"{'ok' if ok else 'FAILED: ' + c.failures[-1]}", file=sys.stderr)
    return runnable


def write_outputs(a, cellv, names, meta, tables):
    if a.markdown:
        text = markdown(cellv, names, meta, tables)
        if a.markdown == "-":
            sys.stdout.write("\n" + text)
        else:
            with open(a.markdown, "w") as f:
                f.write(text)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "cells": {c.name: {
                "runs": c.runs, "failures": c.failures, "missing": c.missing,
                "argv": c.argv, "info": c.info, "steps": c.steps}
                for c in cellv}}, f, indent=1)


def main():
    a = parse_args()
    vmienv.set_build(a.build)
    if a.patch:
        a.guest_args = (PATCH_ARGS + " " + a.guest_args).strip()
    if a.quick:
        a.guest_args = (QUICK_ARGS + " " + a.guest_args).strip()
    meta = {"date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC"), "host": host_name(),
            "load_before": load(), "repeats": a.repeats, "cpus": a.cpus,
            "guest_args": a.guest_args,
            "command": " ".join(["bench/vmi_bench.py"] + sys.argv[1:])}
    if a.patch:
        cellv, tables = list(patch_cells(a.env)), PATCH_TABLES
    else:
        cellv, tables = [Cell(b, e) for b, e in cells(a.backend, a.env)], TABLES
    runnable = run_all(a, cellv)
    meta["load_after"] = load()
    names = bench_names(cellv)
    if a.patch:
        names = [n for n in PATCH_OPS if n in names or any(
            n in r for c in cellv for r in c.steps)]
    print(f"{meta['date']}, {meta['host']}, load {meta['load_before']} -> "
          f"{meta['load_after']}, {a.repeats} boots per cell")
    print_text(cellv, names, sys.stdout, tables)
    write_outputs(a, cellv, names, meta, tables)
    if not runnable:
        print("SKIP: no environment can run here", file=sys.stderr)
        return 77
    return 1 if any(c.failures for c in runnable) else 0


if __name__ == "__main__":
    sys.exit(main())
