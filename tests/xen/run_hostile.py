#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/xen/run_hostile.py: run the hostile Xen guest and report TAP.

  run_hostile.py -- VMI-RUN-COMMAND...

The guest prints one TAP line per case on its console.  This re-emits
them, adds three cases of its own (the guest's plan, printed first or
last, names exactly the cases it printed, numbered 1..N, so a guest that
died part-way fails; the monitor exited 70 with its own line for the
guest's last call, SCHEDOP_shutdown with the unknown reason 99, which
stops a domain on Xen (tests/xen/hostile.c), and not with a 70 of another
cause such as a triple fault; stderr holds no AddressSanitizer or UBSan
report) and the plan.  Without /dev/kvm, or if vmi-run says KVM is
unavailable (69 with its line, scripts/vmienv.py vmi_run_no_kvm), the
whole run is a TAP skip.  Python standard library.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (vmi-run's statuses, shared by the runners)

STOPPED = 70                    # docs/vmi-run.md: unsupported shutdown reason
STOP_LINE = 'unsupported Xen shutdown reason 99 on vcpu'
SANITIZER = re.compile(r'AddressSanitizer|LeakSanitizer|runtime error:|'
                       r'UndefinedBehaviorSanitizer')


def main():
    cmd = sys.argv[sys.argv.index('--') + 1:]
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
    except OSError:
        print('1..0 # SKIP /dev/kvm is not usable')
        return 0
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    no_kvm = vmienv.vmi_run_no_kvm(p.returncode, p.stderr)
    if no_kvm:
        print(f'1..0 # SKIP {no_kvm}')
        return 0
    lines = p.stdout.splitlines()
    cases = [l for l in lines if re.match(r'(not )?ok \d+ - ', l)]
    for line in cases:
        print(line)
    n = len(cases)
    plans = [l for l in lines if re.fullmatch(r'1\.\.\d+', l)]
    numbers = [int(l.split()[1 if l.startswith('ok') else 2]) for l in cases]
    whole = (n > 0 and plans == [f'1..{n}'] and
             numbers == list(range(1, n + 1)))
    print(f'{"ok" if whole else "not ok"} {n + 1} - guest-reported-every-case'
          + ('' if whole else f' # {n} case lines, plan {plans or "none"}; '
             'stdout ends: ' + p.stdout.strip()[-200:].replace('\n', ' | ')))
    ok = p.returncode == STOPPED and STOP_LINE in p.stderr
    print(f'{"ok" if ok else "not ok"} {n + 2} - sched-op-shutdown-bad-reason-stops-70'
          + ('' if ok else f' # got {p.returncode}: {p.stderr.strip()}'))
    bad = [l for l in p.stderr.splitlines() if SANITIZER.search(l)]
    print(f'{"not ok" if bad else "ok"} {n + 3} - no-sanitizer-report'
          + (f' # {bad[0]}' if bad else ''))
    print(f'1..{n + 3}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
