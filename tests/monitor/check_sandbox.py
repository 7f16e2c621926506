#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/check_sandbox.py: is vmi-run's seccomp filter on?

  check_sandbox.py (--on | --off) -- VMI_RUN [ARGS...] SPIN_IMAGE

Runs vmi-run on a guest that spins until the watchdog (use --timeout) and
reads /proc/PID/task/*/status while it runs, from outside: no debug hook
in vmi-run.  --on: pass if, at some moment, every thread (main, timer and
each vCPU: at least 3) shows "Seccomp: 2" (filter mode) with at least one
filter, and no thread ever shows a mode but 0 (setup) or 2.
--off (for --no-sandbox): pass if no thread ever shows a mode other
than 0.  Both: vmi-run must end with the watchdog's 124, not a signal.
Exit 77 (skip) without /dev/kvm, or for --on if vmi-run --help says it was
built without libseccomp.  Python 3 standard library only.
"""
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (environments shared with the demo and conformance)

SKIP = 77




def thread_modes(pid):
    """{tid: (Seccomp mode, filters)} of pid's threads, now."""
    modes = {}
    for path in glob.glob(f'/proc/{pid}/task/*/status'):
        try:
            fields = dict(line.split(':', 1) for line in open(path)
                          if ':' in line)
        except OSError:
            continue    # the thread just ended
        mode = int(fields.get('Seccomp', '-1').strip())
        filters = int(fields.get('Seccomp_filters', '0').strip())
        modes[path.split('/')[4]] = (mode, filters)
    return modes


def watch(p):
    """Sample until p exits; returns (all-filtered seen, modes seen)."""
    all_on, seen = False, set()
    while p.poll() is None:
        m = thread_modes(p.pid)
        seen |= {mode for mode, _ in m.values()}
        if len(m) >= 3 and all(mode == 2 and n >= 1
                               for mode, n in m.values()):
            all_on = True
        time.sleep(0.05)
    return all_on, seen


def main():
    want_on = sys.argv[1] == '--on'
    cmd = sys.argv[3:] if sys.argv[2] == '--' else sys.argv[2:]
    if not vmienv.kvm_usable():
        print('SKIP: /dev/kvm is not usable')
        return SKIP
    help_text = subprocess.run([cmd[0], '--help'], capture_output=True,
                               text=True).stdout
    if want_on and 'sandbox: none' in help_text:
        print('SKIP: vmi-run was built without libseccomp')
        return SKIP
    print('+', ' '.join(cmd))
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    all_on, seen = watch(p)
    err = p.stderr.read()
    print(f'exit {p.returncode}; Seccomp modes seen: {sorted(seen)}; '
          f'all threads filtered at once: {all_on}; stderr: {err!r}')
    if p.returncode != 124:
        print('FAIL: want the watchdog status 124')
        return 1
    if want_on and not all_on:
        print('FAIL: never saw every thread in seccomp filter mode')
        return 1
    if want_on and seen - {0, 2}:
        print('FAIL: a thread in an unexpected seccomp mode')
        return 1
    if not want_on and seen - {0}:
        print('FAIL: --no-sandbox, yet a thread had a seccomp mode')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
