#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/hyperv/run_tap.py: run a guest that prints TAP on its console.

  run_tap.py -- COMMAND...

Passes the guest's TAP through; exits with COMMAND's status.  If /dev/kvm
is unusable (or vmi-run says KVM is unavailable: status 69 with its line,
scripts/vmienv.py vmi_run_no_kvm) it prints a TAP plan that skips
everything instead.  So it does when the guest skipped rows this host
cannot run and failed none: the guest then ends with VMI_EXIT_SKIP (77)
after a whole table of `ok` lines, some of them `# SKIP`, and the plan
that skips everything says how many rows passed, so that
scripts/suite.py runs the whole table again in the lab.  A run that ends
without a plan, or with any other status than 0, adds a failing line, so
a crash of the monitor (ASan, UBSan) or the guest can never pass.
Python 3 standard library only.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (vmi-run's statuses, shared by the runners)

VMI_EXIT_SKIP = 77      # include/vmi/abi.h


def guest_skip(status, out):
    """The reason to report a table as skipped, or None: status 77 with a
    complete plan of `ok` lines of which at least one is a skip."""
    if status != VMI_EXIT_SKIP:
        return None
    lines = out.splitlines()
    plan = [l for l in lines if l.startswith('1..')]
    rows = [l for l in lines if l.startswith(('ok ', 'not ok '))]
    skips = [l for l in rows if ' # SKIP ' in l]
    if len(plan) != 1 or not plan[0][3:].isdigit() or \
            len(rows) != int(plan[0][3:]) or not skips or \
            any(not l.startswith('ok ') for l in rows):
        return None
    nums = ', '.join(l.split()[1] for l in skips)
    why = skips[0].split(' # SKIP ', 1)[1]
    return (f'{len(rows) - len(skips)} of {len(rows)} rows passed; '
            f'row{"s" if len(skips) > 1 else ""} {nums}: {why}')


def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--']:
        argv = argv[1:]
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
    except OSError as e:
        print(f'1..0 # SKIP /dev/kvm unusable: {e.strerror}')
        return 0
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors='replace')
    no_kvm = vmienv.vmi_run_no_kvm(p.returncode, p.stderr)
    if no_kvm:
        print(f'1..0 # SKIP {no_kvm}')
        return 0
    out = p.stdout
    if p.stderr:
        sys.stderr.write(p.stderr)
    why = guest_skip(p.returncode, out)
    if why:
        print(f'1..0 # SKIP {why}')
        return 0
    sys.stdout.write(out)
    if p.returncode != 0 or '\n1..' not in '\n' + out:
        print(f'not ok - vmi-run exited {p.returncode}: '
              f'{p.stderr.strip()[:200]}')
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
