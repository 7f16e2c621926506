#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/xen/run_hostile.py: run the hostile Xen guest and report TAP.

  run_hostile.py -- VMI-RUN-COMMAND...

The guest prints one TAP line per case on its console.  This re-emits
them, adds two cases of its own (the monitor exited 70: the guest's last
call, SCHEDOP_shutdown with an unknown reason, stopped it as Xen stops a
domain (tests/xen/hostile.c); stderr holds no AddressSanitizer or UBSan
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
    if vmienv.vmi_run_no_kvm(p.returncode, p.stderr):
        print('1..0 # SKIP vmi-run: KVM unavailable')
        return 0
    cases = [l for l in p.stdout.splitlines()
             if re.match(r'(not )?ok \d+ - ', l)]
    for line in cases:
        print(line)
    n = len(cases)
    ok = p.returncode == STOPPED
    print(f'{"ok" if ok else "not ok"} {n + 1} - sched-op-shutdown-bad-reason-stops-70'
          + ('' if ok else f' # got {p.returncode}: {p.stderr.strip()}'))
    bad = [l for l in p.stderr.splitlines() if SANITIZER.search(l)]
    print(f'{"not ok" if bad else "ok"} {n + 2} - no-sanitizer-report'
          + (f' # {bad[0]}' if bad else ''))
    if not cases:
        print(f'not ok {n + 3} - guest-reported-cases # none; stdout: '
              + p.stdout.strip()[-200:].replace('\n', ' | '))
        n += 1
    print(f'1..{n + 2}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
