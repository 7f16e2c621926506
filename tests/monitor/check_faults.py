#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/monitor/check_faults.py: vmi-run under host faults.

  check_faults.py --list
  check_faults.py --case NAME --vmi-run VMI_RUN --hello IMG --spin IMG
                  --flood IMG --triple IMG

Runs one case of docs/vmi-run.md "Host faults": vmi-run with a stdout
that is closed, full, too small (RLIMIT_FSIZE), a broken pipe, a pipe
nobody reads (blocking or not), a slow non-blocking pipe; with a full
stderr; stopped by SIGTERM or SIGINT; under a storm of signals.  Passes
if vmi-run ends with the case's documented status, by itself (never by a
signal) within --timeout + 1 s, with the case's stderr (one line naming
the problem, or none) and, where the guest's output can all arrive, all
of it.  Exit 77 (skip) without a usable /dev/kvm or if vmi-run says KVM
is unavailable.  Python 3 standard library only.
"""
import argparse
import ctypes
import fcntl
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import vmienv  # noqa: E402  (vmi-run's statuses, shared by the runners)
from check_run import full_pipe  # noqa: E402

SKIP = 77
SLACK = 1.0             # vmi-run must end within --timeout + SLACK
HELLO = b'hello from a vmi-run test guest\n'
FLOOD_LINE = b'flood 0123456789abcdefghijklmno\n'
FLOOD_DONE = b'flood done\n'
SYS_TGKILL = 234        # x86_64 <asm/unistd_64.h>


class Run:
    """One vmi-run: its status, stderr lines, stdout (if captured) and how
    long it took, from the start to the end of the process."""

    def __init__(self, status, err, out, seconds):
        self.status, self.out, self.seconds = status, out, seconds
        self.err = err.decode(errors='replace')
        self.lines = self.err.splitlines()


def spawn(cmd, stdout, stderr=subprocess.PIPE, preexec=None):
    print('+', ' '.join(cmd), flush=True)
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, preexec_fn=preexec)


def finish(p, start, limit, out=b''):
    """Wait for p (at most limit s: a hang), collect stderr."""
    try:
        _, err = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return Run(None, b'', out, time.monotonic() - start)
    return Run(p.returncode, err or b'', out, time.monotonic() - start)


def run_simple(a, args, image, stdout, preexec=None, limit=30):
    start = time.monotonic()
    p = spawn([a.vmi_run] + args + [image], stdout, preexec=preexec)
    return finish(p, start, limit)


class Reader(threading.Thread):
    """Reads a pipe to its end, first waiting (delay) s, then slowly (a
    pause every chunk), so that a writer meets a full pipe."""

    def __init__(self, fd, delay=0.0, pause=0.0):
        super().__init__(daemon=True)
        self.fd, self.delay, self.pause = fd, delay, pause
        self.data = bytearray()

    def run(self):
        time.sleep(self.delay)
        while True:
            chunk = os.read(self.fd, 4096)
            if not chunk:
                break
            self.data += chunk
            if self.pause:
                time.sleep(self.pause)
        os.close(self.fd)


def run_pipe(a, args, image, nonblocking=False, read='all', delay=0.0,
             pause=0.0, stop_sig=None, stop_after=None, storm=False,
             stop_cont=False, limit=30):
    """vmi-run with stdout on a pipe, which the test reads ('all', after
    delay s, a pause after each chunk), holds open unread ('hold'), or
    has closed before vmi-run starts ('closed'); send stop_sig after
    stop_after s; or a storm of signals while it runs; or (stop_cont)
    SIGSTOP and SIGCONT once a thread waits in poll()."""
    r, w = os.pipe()
    if nonblocking:
        os.set_blocking(w, False)
    if read == 'hold':
        # One page: full after 128 lines, long before the watchdog.
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
    if read == 'closed':
        os.close(r)
    start = time.monotonic()
    p = spawn([a.vmi_run] + args + [image], w)
    os.close(w)
    reader = Reader(r, delay, pause) if read == 'all' else None
    if reader:
        reader.start()
    sent = None
    if storm:
        sent = storm_until_exit(p.pid, limit)
    if stop_cont:
        stop_cont_in_poll(p.pid)
    if stop_sig is not None:
        try:
            p.wait(timeout=stop_after)
        except subprocess.TimeoutExpired:
            p.send_signal(stop_sig)
    res = finish(p, start, limit)
    res.storm = sent
    if reader:
        reader.join(timeout=5)
        res.out = bytes(reader.data)
    elif read == 'hold':
        os.close(r)
    return res


SYS_POLL = 7            # x86_64 <asm/unistd_64.h>


def stop_cont_in_poll(pid, wait=2.5):
    """Job control (^Z, then fg) while a thread of pid waits in poll() for
    stdout (or after (wait) s if none does): SIGSTOP, then SIGCONT.  The
    kernel resumes such a wait, once continued, with restart_syscall."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            tasks = os.listdir(f'/proc/{pid}/task')
            calls = [open(f'/proc/{pid}/task/{t}/syscall').read().split()[0]
                     for t in tasks]
        except OSError:
            calls = []
        if str(SYS_POLL) in calls:
            print('a thread waits in poll(): SIGSTOP, SIGCONT')
            break
        time.sleep(0.01)
    os.kill(pid, signal.SIGSTOP)
    time.sleep(0.2)
    os.kill(pid, signal.SIGCONT)


def storm_until_exit(pid, limit):
    """Run a Storm at pid until it exits (or limit s pass).  The process
    is not reaped meanwhile (WNOWAIT): its pid cannot be reused, so no
    signal ever reaches another process.  Returns the signals sent."""
    storm = Storm(pid)
    storm.start()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
            break
        time.sleep(0.01)
    storm.stop.set()
    storm.join()
    return storm.sent


class Storm(threading.Thread):
    """Signals, as fast as Python sends them, while vmi-run runs: SIGUSR1
    to each of its threads (the vCPU threads' KVM_RUN then returns EINTR;
    the others have it blocked) and SIGUSR2, SIGWINCH, SIGCHLD, SIGIO and
    SIGRTMIN to the process (which vmi-run takes or ignores).  It starts
    once vmi-run has its timer and vCPU threads: before main() no program
    can have its handlers in place."""
    min_threads = 3

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.sent = pid, 0
        self.stop = threading.Event()
        self.libc = ctypes.CDLL(None, use_errno=True)

    def threads(self):
        try:
            return [int(t) for t in os.listdir(f'/proc/{self.pid}/task')]
        except OSError:
            return []

    def run(self):
        others = [signal.SIGUSR2, signal.SIGWINCH, signal.SIGCHLD,
                  signal.SIGIO, signal.SIGRTMIN]
        while len(self.threads()) < self.min_threads:
            if self.stop.wait(0.001):
                return
        while not self.stop.is_set():
            for tid in self.threads():
                if self.libc.syscall(SYS_TGKILL, self.pid, tid,
                                     int(signal.SIGUSR1)) == 0:
                    self.sent += 1
            try:
                os.kill(self.pid, others[self.sent % len(others)])
            except OSError:
                return


def close_stdout():
    os.close(1)


def fsize_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (10, 10))


def dropped_line(what):
    return f'bytes of guest output dropped (stdout: {what})'


# name -> (what it shows, run function, want status, timeout, checks)
# A check is a function of the Run returning a problem or None.
def one_line(*texts):
    def check(res):
        if len(res.lines) != 1:
            return f'stderr has {len(res.lines)} lines, want 1'
        missing = [t for t in texts if t not in res.lines[0]]
        return f'stderr lacks {missing}' if missing else None
    return check


def no_stderr(res):
    return f'stderr is not empty: {res.err!r}' if res.err else None


def output_is(want):
    def check(res):
        if res.out != want:
            return (f'stdout has {len(res.out)} bytes, want {len(want)}: '
                    f'{res.out[:64]!r}...{res.out[-64:]!r}')
        return None
    return check


def flood(n):
    return FLOOD_LINE * n + FLOOD_DONE


def storm_reached(res):
    # The -v counters line: "... N KVM_RUN returns with EINTR".
    for line in res.lines:
        if 'KVM_RUN interrupted' in line:
            n = int(line.split('KVM_RUN interrupted ')[1].split()[0])
            if n < 100:
                return f'only {n} KVM_RUN returned EINTR, want >= 100'
            print(f'storm: {res.storm} signals sent, KVM_RUN interrupted '
                  f'{n} times')
            return None
    return 'no "KVM_RUN interrupted" count in the -v log'


STORM_LINES = 1500
CASES = {
    'sigterm': ('SIGTERM while the guest spins', 124, 5,
                lambda a: run_pipe(a, ['--timeout', '5'], a.spin,
                                   stop_sig=signal.SIGTERM, stop_after=1),
                [one_line('stopped by signal Terminated')]),
    'sigint': ('SIGINT while the guest spins', 124, 5,
               lambda a: run_pipe(a, ['--timeout', '5'], a.spin,
                                  stop_sig=signal.SIGINT, stop_after=1),
               [one_line('stopped by signal Interrupt')]),
    'sigabrt': ('SIGABRT sent while the guest spins (as systemd\'s '
                'watchdog or timeout -s ABRT does): a stop request, not '
                'death (abort() in vmi-run itself still dies)', 124, 5,
                lambda a: run_pipe(a, ['--timeout', '5'], a.spin,
                                   stop_sig=signal.SIGABRT, stop_after=1),
                [one_line('stopped by signal Aborted')]),
    **{f'sig{name.lower()}': (
        f'SIG{name} sent while the guest spins: a stop request, not death '
        '(a real fault of vmi-run\'s still dies, with a core or the '
        'sanitizer\'s report)', 124, 5,
        lambda a, sig=sig: run_pipe(a, ['--timeout', '5'], a.spin,
                                    stop_sig=sig, stop_after=1),
        [one_line(f'stopped by signal {text}')])
       for name, sig, text in (
           ('SEGV', signal.SIGSEGV, 'Segmentation fault'),
           ('FPE', signal.SIGFPE, 'Floating point exception'),
           ('ILL', signal.SIGILL, 'Illegal instruction'))},
    'sigsys': ('SIGSYS sent while the guest spins: not the sandbox\'s '
               'trap, so ignored (no false 71, no death); the watchdog '
               'ends it', 124, 3,
               lambda a: run_pipe(a, ['--timeout', '3'], a.spin,
                                  stop_sig=signal.SIGSYS, stop_after=1),
               [one_line('timed out after 3 s')]),
    'stdout-closed': ('stdout closed: output dropped and counted', 42, 30,
                      lambda a: run_simple(a, ['--timeout', '30'], a.hello,
                                           None, close_stdout),
                      [one_line(f'{len(HELLO)} ' +
                                dropped_line('Bad file descriptor'))]),
    'stdout-full': ('stdout is /dev/full (ENOSPC)', 42, 30,
                    lambda a: run_simple(a, ['--timeout', '30'], a.hello,
                                         open('/dev/full', 'wb')),
                    [one_line(f'{len(HELLO)} ' +
                              dropped_line('No space left on device'))]),
    'stdout-fsize': ('stdout a file past RLIMIT_FSIZE (SIGXFSZ, EFBIG)', 42,
                     30, lambda a: run_simple(
                         a, ['--timeout', '30'], a.hello,
                         tempfile.TemporaryFile(), fsize_limit),
                     [one_line(f'{len(HELLO) - 10} ' +
                               dropped_line('File too large'))]),
    'stdout-broken-pipe': ('stdout a pipe whose reader has gone (SIGPIPE, '
                           'EPIPE)', 42, 30,
                           lambda a: run_pipe(a, ['--timeout', '30'],
                                              a.hello, read='closed'),
                           [one_line(f'{len(HELLO)} ' +
                                     dropped_line('Broken pipe'))]),
    'stdout-stuck': ('stdout a pipe nobody reads, guest printing: the '
                     'watchdog still ends it', 124, 2,
                     lambda a: run_pipe(a, ['--timeout', '2'], a.flood,
                                        read='hold'),
                     [one_line('timed out after 2 s',
                               dropped_line('not writable within 0.25 s '
                                            'of the stop'))]),
    'stdout-stuck-nonblocking': ('the same with O_NONBLOCK on stdout', 124,
                                 2, lambda a: run_pipe(
                                     a, ['--timeout', '2'], a.flood,
                                     nonblocking=True, read='hold'),
                                 [one_line('timed out after 2 s',
                                           'output dropped')]),
    'stdout-stuck-sigterm': ('a pipe nobody reads, no watchdog, SIGTERM',
                             124, 1, lambda a: run_pipe(
                                 a, ['--timeout', '0'], a.flood, read='hold',
                                 stop_sig=signal.SIGTERM, stop_after=1),
                             [one_line('stopped by signal Terminated',
                                       'output dropped')]),
    'sigstop-sigcont': ('SIGSTOP, then SIGCONT (^Z, fg) while the guest '
                        'waits for a stdout nobody reads: the wait resumes '
                        '(restart_syscall), the watchdog ends it', 124, 3,
                        lambda a: run_pipe(a, ['--timeout', '3'], a.flood,
                                           read='hold', stop_cont=True),
                        [one_line('timed out after 3 s',
                                  'output dropped')]),
    'stdout-nonblocking-slow': ('O_NONBLOCK stdout read slowly: EAGAIN '
                                'holds the guest back, nothing is lost', 42,
                                60, lambda a: run_pipe(
                                    a, ['--timeout', '60', '--cmdline',
                                        '3000'], a.flood, nonblocking=True,
                                    delay=0.5, pause=0.001),
                                [no_stderr, output_is(flood(3000))]),
    # Needs no KVM: without it the line that cannot be written is 69's.
    'stderr-full': ('stderr a full pipe nobody reads: the line is given '
                    'up, the status stays (70 for the triple fault, 69 '
                    'without KVM)', None, 1, None, []),
    'eintr-storm': (f'SIGUSR1 to every thread and other signals to the '
                    f'process while the guest prints {STORM_LINES} lines',
                    42, 60, lambda a: run_pipe(
                        a, ['-v', '--timeout', '60', '--cmdline',
                            str(STORM_LINES)], a.flood, storm=True),
                    [output_is(flood(STORM_LINES)), storm_reached]),
}


def run_stderr_full(a):
    """stderr: a pipe filled to the brim, never read; the triple-fault
    guest's 70 line cannot be written."""
    r, w = full_pipe()
    start = time.monotonic()
    p = spawn([a.vmi_run, '--timeout', '30', a.triple], subprocess.DEVNULL,
              stderr=w)
    os.close(w)
    try:
        p.wait(timeout=10)
        status = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        status = None
    os.close(r)
    return Run(status, b'', b'', time.monotonic() - start)


def check(a, name, kvm):
    what, want, timeout, fn, checks = CASES[name]
    if want is None:
        want = 70 if kvm else vmienv.VMI_RUN_NO_KVM
    print(f'case {name}: {what}; want status {want} within {timeout} + '
          f'{SLACK} s')
    res = run_stderr_full(a) if name == 'stderr-full' else fn(a)
    print(f'status {res.status} after {res.seconds:.2f} s\n--- stderr\n'
          f'{res.err}---')
    if kvm and vmienv.vmi_run_no_kvm(res.status, res.err):
        print('SKIP: vmi-run says KVM is unavailable')
        return SKIP
    bad = []
    if res.status is None:
        bad.append(f'still running after {res.seconds:.0f} s: a hang')
    elif res.status < 0:
        bad.append(f'killed by signal {-res.status}')
    elif res.status != want:
        bad.append(f'status {res.status}, want {want}')
    if res.seconds > timeout + SLACK:
        bad.append(f'took {res.seconds:.2f} s, want at most '
                   f'{timeout + SLACK} s')
    bad += [p for p in (c(res) for c in checks) if p]
    for b in bad:
        print('FAIL:', b)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--case', choices=sorted(CASES))
    for g in ('vmi-run', 'hello', 'spin', 'flood', 'triple'):
        ap.add_argument('--' + g)
    a = ap.parse_args()
    if a.list:
        print('\n'.join(CASES))
        return 0
    kvm = vmienv.kvm_usable()
    if not kvm and a.case != 'stderr-full':
        print('SKIP: /dev/kvm is not usable')
        return SKIP
    return check(a, a.case, kvm)


if __name__ == '__main__':
    sys.exit(main())
