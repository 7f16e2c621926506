#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/check_run.py: run vmi-run once and check the outcome.

  check_run.py --status N [--stdout RE]... [--stderr TEXT]... [--one-line]
               [--needs-kvm] [--cpuid pc|kvm] [--sigterm-after S]
               [--limit S] [--fifo] [--stdout-full] -- COMMAND...

Exit 0 if COMMAND exited with status N, was not killed by a signal, its
stdout matches every --stdout regular expression and its stderr contains
every --stderr text (and, with --one-line, is exactly one line), within
--limit seconds (a hang fails).  With --fifo, each argument @FIFO@ of
COMMAND is the path of a named pipe that nobody ever opens for writing.
With --stdout-full, COMMAND's stdout is a pipe filled to the brim that
nobody reads (--stdout is then not checked).  With
--needs-kvm: exit 77 (skip) if /dev/kvm cannot be opened or vmi-run says
KVM is unavailable (status 69 with its line naming KVM: a guest cannot
give 69, and a 69 without the line is judged like any other status;
scripts/vmienv.py vmi_run_no_kvm).  Python 3 standard library only.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (environments shared with the demo and conformance)

SKIP = 77




def hexfield(out, name):
    m = re.search(r'(?:^| )' + re.escape(name) + r'=([0-9a-f]{8})', out)
    if not m:
        raise ValueError(f'no {name}= in the guest output')
    return int(m.group(1), 16)


def check_cpuid(pers, out):
    """The CPUID rules of docs/vmi-run.md; returns a list of problems."""
    f = lambda n: hexfield(out, n)
    bad = []
    if f('max') < 0x16:
        bad.append('leaf 0 max below 0x16')
    if (f('15.eax'), f('15.ecx')) != (1, 1000) or f('15.ebx') == 0:
        bad.append('leaf 0x15 is not (1, tsc_khz, 1000)')
    if f('16.eax') != f('15.ebx') // 1000:
        bad.append('leaf 0x16 eax is not the TSC MHz')
    hv = bool(f('1.ecx') >> 31 & 1)
    if pers == 'pc' and (hv or f('40000000.eax') != 0):
        bad.append('pc shows a hypervisor bit or leaf')
    if pers == 'kvm':
        if not hv or f('40000000.eax') != 0x40000001:
            bad.append('kvm lacks the hypervisor bit or KVM leaves')
        if f('40000001.eax') & (1 << 7 | 1 << 11 | 1 << 13):
            bad.append('kvm advertises PV_UNHALT/SEND_IPI/SCHED_YIELD')
    return bad


def full_pipe():
    """A pipe whose buffer is full; returns (read end, write end)."""
    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b'x' * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    return r, w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--status', type=int, required=True)
    ap.add_argument('--stdout', action='append', default=[])
    ap.add_argument('--stderr', action='append', default=[])
    ap.add_argument('--one-line', action='store_true')
    ap.add_argument('--needs-kvm', action='store_true')
    ap.add_argument('--cpuid', choices=['pc', 'kvm'])
    ap.add_argument('--limit', type=float, default=300)
    ap.add_argument('--sigterm-after', type=float,
                    help='send SIGTERM after this many seconds')
    ap.add_argument('--fifo', action='store_true',
                    help='@FIFO@ in COMMAND: a named pipe with no writer')
    ap.add_argument('--stdout-full', action='store_true',
                    help="COMMAND's stdout: a full pipe nobody reads")
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
    if a.needs_kvm and not vmienv.kvm_usable():
        print('SKIP: /dev/kvm is not usable')
        return SKIP
    if a.fifo:
        with tempfile.TemporaryDirectory() as d:
            fifo = os.path.join(d, 'fifo')
            os.mkfifo(fifo)
            return run(a, [fifo if c == '@FIFO@' else c for c in cmd])
    return run(a, cmd)


def run(a, cmd):
    print('+', ' '.join(cmd))
    full = full_pipe() if a.stdout_full else None
    p = subprocess.Popen(cmd, stdout=full[1] if full else subprocess.PIPE,
                         stderr=subprocess.PIPE)
    if full:
        os.close(full[1])
    try:
        if a.sigterm_after is not None:
            try:
                p.wait(timeout=a.sigterm_after)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=a.limit)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        print(f'FAIL: still running after {a.limit} s')
        return 1
    if full:
        os.close(full[0])
    out = (out or b'').decode(errors='replace')
    err = err.decode(errors='replace')
    print(f'status {p.returncode}\n--- stdout\n{out}--- stderr\n{err}---')
    if a.needs_kvm and a.status != vmienv.VMI_RUN_NO_KVM and \
            vmienv.vmi_run_no_kvm(p.returncode, err):
        print('SKIP: vmi-run says KVM is unavailable')
        return SKIP
    bad = []
    if p.returncode < 0:
        bad.append(f'killed by signal {-p.returncode}')
    elif p.returncode != a.status:
        bad.append(f'status {p.returncode}, want {a.status}')
    bad += [f'stdout lacks /{r}/' for r in a.stdout
            if not re.search(r, out, re.M)]
    bad += [f'stderr lacks "{t}"' for t in a.stderr if t not in err]
    if a.one_line and len(err.splitlines()) != 1:
        bad.append(f'stderr has {len(err.splitlines())} lines, want 1')
    if a.cpuid:
        try:
            bad += check_cpuid(a.cpuid, out)
        except ValueError as e:
            bad.append(str(e))
    for b in bad:
        print('FAIL:', b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
