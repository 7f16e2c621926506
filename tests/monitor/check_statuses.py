#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/check_statuses.py: the runners judge vmi-run's statuses
by the rule of docs/vmi-run.md "Exit status" (scripts/vmienv.py).

  check_statuses.py

A guest gives only its own codes (0-63, 77, 99); vmi-run's 64-71 and 124
are its own, each with one line.  So: a run is a skip for "no KVM" only
on status 69 with vmi-run's line naming KVM, never on the status alone;
vmienv.run() takes a guest code or 70 (the guest failed) as the guest's
code, and no other status.  Drives vmienv.run() with a stand-in for
vmi-run (a shell script with a chosen status and stderr), so it needs no
KVM.  Python 3 standard library only.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402

NO_KVM = 'vmi-run: cannot open /dev/kvm: No such file or directory\n'


def fake_run(status, stderr):
    """vmienv.run() of an image under a stand-in for vmi-run."""
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, 'vmi-run')
        with open(fake, 'w') as f:
            f.write(f"#!/bin/sh\nprintf '%s' '{stderr}' >&2\nexit {status}\n")
        os.chmod(fake, 0o755)
        saved, vmienv.VMI_RUN = vmienv.VMI_RUN, fake
        try:
            return vmienv.run('image.elf', 'vmi-run-pc', timeout=10)
        finally:
            vmienv.VMI_RUN = saved


def main():
    bad = []

    def want(what, got, expected):
        if got != expected:
            bad.append(f'{what}: got {got!r}, want {expected!r}')

    # Skip only on 69 with vmi-run's line naming KVM.
    want('69 with its line', bool(vmienv.vmi_run_no_kvm(69, NO_KVM)), True)
    want('69 with -v lines first', bool(vmienv.vmi_run_no_kvm(
        69, 'vmi-run: sandbox: off\n' + NO_KVM)), True)
    want('69, bytes', bool(vmienv.vmi_run_no_kvm(69, NO_KVM.encode())), True)
    want('69 and no line', vmienv.vmi_run_no_kvm(69, ''), None)
    want('69 and guest text', vmienv.vmi_run_no_kvm(
        69, '(d1) cannot open /dev/kvm\n'), None)
    want('70 with a KVM line', vmienv.vmi_run_no_kvm(
        70, 'vmi-run: KVM internal error (...)\n'), None)

    # vmienv.run(): which statuses are the guest's code.
    for status in list(range(64)) + [77, 99, 70]:
        want(f'code of status {status}', fake_run(status, '').code, status)
    for status in (64, 65, 66, 69, 71, 124, 100, 255):
        res = fake_run(status, 'vmi-run: the line\n')
        want(f'code of status {status}', res.code, None)
        if res.note is None or f'status {status}' not in res.note and \
                status != 124:
            bad.append(f'status {status}: note {res.note!r} does not name it')
    res = fake_run(124, 'vmi-run: guest timed out after 1 s (--timeout)\n')
    want('124 is a timeout', res.timed_out(), True)
    want('71 is no timeout', fake_run(71, 'vmi-run: x\n').timed_out(), False)
    res = fake_run(69, '')
    want('69 note', res.note, 'vmi-run status 69 (KVM unavailable)')

    for b in bad:
        print('FAIL:', b)
    if not bad:
        print('ok: the runners take a guest code only from 0-63, 77, 99 '
              '(and 70, a guest fault), and a skip only from 69 with its '
              'line')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
