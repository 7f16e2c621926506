#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/idle_cost.py: what a guest with a hostile timer costs the host.

Each guest (tests/monitor/guests/timer.S) programs one timer and then
idles in HLT until vmi-run's --timeout ends it (status 124).  The figure
is vmi-run's CPU time (user + system, all threads, /proc/PID/stat) per
second of wall time, read twice while the guest idles: after --settle
seconds, and --window seconds later, so start-up and teardown are not
in it:

    cost = (cpu(t1) - cpu(t0)) / (t1 - t0)

With -v each run also prints every thread's share (/proc/PID/task/*/stat,
in thread-id order: main, the vCPUs, the timer).  Each is repeated --runs times; median, min and max are printed as a
Markdown table for docs/PERFORMANCE.md.  Variants (timer.S):

  none            no timer: the baseline
  hv-far          Hyper-V stimer at COUNT 2^64-1, one-shot then periodic
  xen-wrap        Xen singleshot timers at 2^64-1, 2^63, 2^63-1
  hv-flood        periodic stimer, COUNT 1 (100 ns), interrupts masked:
                  every expiry is the host's cost alone
  hv-flood-taken  the same, the guest taking every tick (count, EOI):
                  work the guest asked for, shown for comparison

  bench/idle_cost.py [--dir build/tests/monitor] [--vmi-run build/monitor/vmi-run]
                     [--runs N] [--settle S] [--window S]

Exit 0, 77 if /dev/kvm is unusable, 1 if a run did not end with 124.
Python 3 standard library only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "scripts"))
import vmienv  # noqa: E402  (the KVM check and vmi-run's statuses)

VARIANTS = [('none', 'pc'), ('hv-far', 'hyperv'), ('xen-wrap', 'xen'),
            ('hv-flood', 'hyperv'), ('hv-flood-taken', 'hyperv')]


def cpu_s(path):
    """CPU seconds used so far by the process or thread at (path)."""
    with open(f'{path}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def sample(pid):
    """(time, CPU s of the process, {tid: CPU s})."""
    tasks = {int(t): cpu_s(f'/proc/{pid}/task/{t}')
             for t in os.listdir(f'/proc/{pid}/task')}
    return time.monotonic(), cpu_s(f'/proc/{pid}'), tasks


def run(vmi_run, hv, image, settle, window, verbose):
    """CPU-s per second of one run, measured over (window) seconds."""
    p = subprocess.Popen([vmi_run, '--hv', hv, '--timeout',
                          str(int(settle + window) + 2), image],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(settle)
        t0, c0, k0 = sample(p.pid)
        time.sleep(window)
        t1, c1, k1 = sample(p.pid)
    except OSError:
        pass                    # it ended early: reported below
    err = p.communicate()[1].decode(errors='replace').strip()
    if p.returncode != vmienv.VMI_RUN_TIMEOUT:
        raise RuntimeError(f'{image}: status {p.returncode}: {err}')
    if verbose:
        print(f'  {os.path.basename(image)}: threads ' + ' '.join(
            f'{(k1[t] - k0.get(t, 0)) / (t1 - t0):.3f}' for t in sorted(k1)),
            file=sys.stderr)
    return (c1 - c0) / (t1 - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dir', default='build/tests/monitor',
                    help='where mon-guest-timer-*.elf are')
    ap.add_argument('--vmi-run', default='build/monitor/vmi-run')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--settle', type=float, default=1.0)
    ap.add_argument('--window', type=float, default=4.0)
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args()
    if not vmienv.kvm_usable():
        print('SKIP: /dev/kvm is not usable')
        return 77
    vmi_run = a.vmi_run
    print('| guest | personality | runs | median CPU-s/s | min | max |')
    print('|---|---|---|---|---|---|')
    for name, hv in VARIANTS:
        image = os.path.join(a.dir, f'mon-guest-timer-{name}.elf')
        costs = []
        for _ in range(a.runs):
            try:
                costs.append(run(vmi_run, hv, image, a.settle, a.window,
                                 a.verbose))
            except RuntimeError as e:
                print(f'FAIL {e}', file=sys.stderr)
                return 1
        print(f'| {name} | {hv} | {a.runs} | {statistics.median(costs):.3f}'
              f' | {min(costs):.3f} | {max(costs):.3f} |', flush=True)
    print(f'\ncommand: {" ".join(sys.argv)}'
          f'{"  (in the lab: emulated, not a hardware figure)" if os.environ.get("VMI_LAB") else ""}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
