#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/hyperv/run_tap.py: run a guest that prints TAP on its console.

  run_tap.py -- COMMAND...

Passes the guest's TAP through; exits with COMMAND's status.  If /dev/kvm
is unusable (or vmi-run says KVM is unavailable: status 69 with its line,
scripts/vmienv.py vmi_run_no_kvm) it prints a TAP plan that skips
everything instead.  A run that ends without a plan, or with a status
other than 0, adds a failing line, so a crash of the monitor (ASan,
UBSan) or the guest can never pass.  Python 3 standard library only.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (vmi-run's statuses, shared by the runners)


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
    if vmienv.vmi_run_no_kvm(p.returncode, p.stderr):
        print('1..0 # SKIP vmi-run: KVM unavailable')
        return 0
    out = p.stdout
    sys.stdout.write(out)
    if p.stderr:
        sys.stderr.write(p.stderr)
    if p.returncode != 0 or '\n1..' not in '\n' + out:
        print(f'not ok - vmi-run exited {p.returncode}: '
              f'{p.stderr.strip()[:200]}')
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
