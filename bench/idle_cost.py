#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/idle_cost.py: what a guest with a hostile timer costs the host.

Each guest (tests/monitor/guests/timer.S) programs one timer and then
idles in HLT until vmi-run's --timeout ends it (status 124).  The figure
is vmi-run's CPU time (user + system, all threads, from wait4's rusage)
per second of wall time, taken as the slope between a short and a long
run, so that start-up and teardown cancel out:

    cost = (cpu(long) - cpu(short)) / (wall(long) - wall(short))

Each pair is repeated --runs times; median, min and max are printed as a
Markdown table for docs/PERFORMANCE.md.  Variants (timer.S):

  none            no timer: the baseline
  hv-far          Hyper-V stimer at COUNT 2^64-1, one-shot then periodic
  xen-wrap        Xen singleshot timers at 2^64-1, 2^63, 2^63-1
  hv-flood        periodic stimer, COUNT 1 (100 ns), interrupts masked:
                  every expiry is the host's cost alone
  hv-flood-taken  the same, the guest taking every tick (count, EOI):
                  work the guest asked for, shown for comparison

  bench/idle_cost.py --dir build/monitor [--runs N] [--short S] [--long S]

Exit 0, 77 if /dev/kvm is unusable, 1 if a run did not end with 124.
Python 3 standard library only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

TIMEOUT = 124           # docs/vmi-run.md: the guest ran past --timeout
VARIANTS = [('none', 'pc'), ('hv-far', 'hyperv'), ('xen-wrap', 'xen'),
            ('hv-flood', 'hyperv'), ('hv-flood-taken', 'hyperv')]


def run(vmi_run, hv, image, seconds):
    """(wall s, CPU s) of one run of `seconds`."""
    t0 = time.monotonic()
    p = subprocess.Popen([vmi_run, '--hv', hv, '--timeout', str(seconds),
                          image], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors='replace').strip()
    p.stderr.close()
    if p.returncode != TIMEOUT:
        raise RuntimeError(f'{image}: status {p.returncode}: {err}')
    return wall, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dir', default='build/monitor',
                    help='where vmi-run and mon-guest-timer-*.elf are')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--short', type=int, default=2)
    ap.add_argument('--long', type=int, default=6)
    a = ap.parse_args()
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
    except OSError:
        print('SKIP: /dev/kvm is not usable')
        return 77
    vmi_run = os.path.join(a.dir, 'vmi-run')
    print('| guest | personality | runs | median CPU-s/s | min | max |')
    print('|---|---|---|---|---|---|')
    for name, hv in VARIANTS:
        image = os.path.join(a.dir, f'mon-guest-timer-{name}.elf')
        costs = []
        for _ in range(a.runs):
            try:
                w0, c0 = run(vmi_run, hv, image, a.short)
                w1, c1 = run(vmi_run, hv, image, a.long)
            except RuntimeError as e:
                print(f'FAIL {e}', file=sys.stderr)
                return 1
            costs.append((c1 - c0) / (w1 - w0))
        print(f'| {name} | {hv} | {a.runs} | {statistics.median(costs):.3f}'
              f' | {min(costs):.3f} | {max(costs):.3f} |', flush=True)
    print(f'\ncommand: {" ".join(sys.argv)}'
          f'{"  (in the lab: emulated, not a hardware figure)" if os.environ.get("VMI_LAB") else ""}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
