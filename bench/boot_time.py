#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/boot_time.py: wall time from exec to exit of one kernel boot.

Boots the same PVH image under vmi-run (pc and kvm personalities) and under
QEMU -accel kvm (-M microvm and -M pc), each --runs times, and prints the
median and spread (min, max) per environment plus the exact commands, as a
Markdown table for docs/PERFORMANCE.md.  A run counts only if it exits
with the guest's success status (vmi-run 0, QEMU isa-debug-exit
(0 << 1) | 1 = 1) and printed the "vmi: backend" banner.

  bench/boot_time.py [--image ELF] [--vmi-run PATH] [--runs N] [--cpus N]
                     [--only NAME]...

Exit 0, or 77 if /dev/kvm is unusable, or 1 if a run failed.
Python 3 standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "scripts"))
import vmienv  # noqa: E402  (the KVM check and vmi-run's statuses)

QEMU = 'qemu-system-x86_64'
# The KVM PV features whose hypercalls livelock on kvm-pvm (docs/hosts.md
# [host:kvm-pvm]).
QEMU_CPU = 'host,-kvm-pv-ipi,-kvm-pv-sched-yield,-kvm-pv-unhalt'


def environments(a):
    """(name, command, expected exit status)."""
    vr = [a.vmi_run, '--cpus', str(a.cpus), '--timeout', '120']
    qemu = [QEMU, '-accel', 'kvm', '-cpu', QEMU_CPU, '-m', '256M',
            '-smp', str(a.cpus), '-display', 'none', '-nodefaults',
            '-serial', 'stdio', '-no-reboot',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
            '-kernel', a.image]
    yield 'vmi-run --hv pc', vr + ['--hv', 'pc', a.image], 0
    yield 'vmi-run --hv kvm', vr + ['--hv', 'kvm', a.image], 0
    if shutil.which(QEMU):
        yield 'qemu -M microvm', qemu[:1] + ['-M', 'microvm'] + qemu[1:], 1
        yield 'qemu -M pc', qemu[:1] + ['-M', 'pc'] + qemu[1:], 1


def one_run(cmd, want):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    dt = time.perf_counter() - t0
    ok = p.returncode == want and b'vmi: backend' in p.stdout
    return dt, ok, p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--image', default='build/guest-kernel/kernel-native.elf')
    ap.add_argument('--vmi-run', default='build/monitor/vmi-run')
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--cpus', type=int, default=1)
    ap.add_argument('--only', action='append',
                    help='run only environments whose name contains this')
    a = ap.parse_args()
    if not vmienv.kvm_usable():
        print('SKIP: /dev/kvm is not usable')
        return 77
    rows, cmds, failed = [], [], False
    for name, cmd, want in environments(a):
        if a.only and not any(o in name for o in a.only):
            continue
        times = []
        for _ in range(a.runs):
            dt, ok, p = one_run(cmd, want)
            if not ok:
                failed = True
                print(f'FAIL {name}: status {p.returncode}\n'
                      f'{p.stderr.decode(errors="replace")}', file=sys.stderr)
                break
            times.append(dt * 1000)
        if times:
            rows.append((name, len(times), statistics.median(times),
                         min(times), max(times)))
            cmds.append((name, ' '.join(cmd)))
    print(f'image: {a.image}, {a.cpus} vCPU(s), {a.runs} runs each\n')
    print('| environment | runs | median ms | min ms | max ms |')
    print('|---|---|---|---|---|')
    for r in rows:
        print(f'| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.0f} | {r[4]:.0f} |')
    print('\nCommands:\n')
    for name, c in cmds:
        print(f'- {name}: `{c}`')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
