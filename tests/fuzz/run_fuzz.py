#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/fuzz/run_fuzz.py: run one libFuzzer target for a bounded time.

  run_fuzz.py [--seconds N] [--dict FILE] [--artifacts DIR] [--work DIR]
              [--keep-going] [--verbose] [LIBFUZZER-OPTION...] FUZZER CORPUS

The target starts from the seed corpus CORPUS, which it only reads: new
inputs go to --work DIR (kept, for scripts/fuzz) or to a scratch directory
removed afterwards (the test suite).  A crash, a sanitizer report or a
failed invariant saves the input under --artifacts DIR and ends the run
with status 1; --keep-going (libFuzzer's fork mode) counts crashes and
goes on until the time is up.  The last line gives the figures:
  fuzz_T: E execs in S s (R exec/s), corpus C files, crashes: K
Exit status: 0 clean, 1 crash or failure to run.  Options this script does not know (-max_len=N, ...) go to
libFuzzer.  Python 3 standard library only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def libfuzzer_args(a, art, extra):
    args = ['-max_total_time=%d' % a.seconds, '-print_final_stats=1',
            '-error_exitcode=1', '-timeout_exitcode=1', '-timeout=10',
            '-rss_limit_mb=2048', '-artifact_prefix=' + art + os.sep]
    if not a.verbose:
        # The monitor's own output (guest console, -v log) is noise here;
        # libFuzzer keeps its messages and the sanitizers' reports.
        args.append('-close_fd_mask=3')
    if a.dict:
        args.append('-dict=' + a.dict)
    if a.keep_going:
        args += ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1',
                 '-ignore_ooms=1']
    return args + extra


def run(a, work, art, extra):
    cmd = [a.fuzzer] + libfuzzer_args(a, art, extra) + [work, a.corpus]
    execs = rate = 0
    lines = []
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, errors='replace')
    for line in p.stderr:
        lines.append(line)
        if a.verbose or a.keep_going or a.work:
            sys.stderr.write(line)
        m = re.match(r'#(\d+)', line) or \
            re.match(r'stat::number_of_executed_units:\s*(\d+)', line)
        if m:
            execs = max(execs, int(m.group(1)))
        m = re.search(r'exec/s:?\s*(\d+)', line) or \
            re.match(r'stat::average_exec_per_sec:\s*(\d+)', line)
        if m:
            rate = int(m.group(1))
    return p.wait(), execs, rate, time.monotonic() - start, lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seconds', type=int, default=5)
    ap.add_argument('--dict')
    ap.add_argument('--artifacts')
    ap.add_argument('--work')
    ap.add_argument('--keep-going', action='store_true')
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('fuzzer', nargs='?')
    ap.add_argument('corpus', nargs='?')
    a, extra = ap.parse_known_args()
    if not a.fuzzer or not a.corpus:
        ap.error('FUZZER and CORPUS are needed')
    a.fuzzer = os.path.abspath(a.fuzzer)
    name = os.path.basename(a.fuzzer)
    if not os.path.isdir(a.corpus) or not os.listdir(a.corpus):
        print('%s: no seed corpus in %s' % (name, a.corpus))
        return 1
    art = a.artifacts or tempfile.mkdtemp(prefix=name + '-artifacts-')
    os.makedirs(art, exist_ok=True)
    before = set(os.listdir(art))
    work = a.work or tempfile.mkdtemp(prefix=name + '-work-')
    os.makedirs(work, exist_ok=True)
    try:
        rc, execs, rate, secs, lines = run(a, work, art, extra)
        corpus = len(os.listdir(work)) + len(os.listdir(a.corpus))
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    crashes = sorted(set(os.listdir(art)) - before)
    if rc != 0 and not a.verbose and not a.keep_going and not a.work:
        sys.stderr.write(''.join(lines[-60:]))
    for c in crashes:
        print('%s: crash input %s' % (name, os.path.join(art, c)))
    print('%s: %d execs in %.0f s (%d exec/s), corpus %d files, crashes: %d'
          % (name, execs, secs, rate, corpus, len(crashes)))
    if rc != 0 and not (a.keep_going and crashes):
        print('%s: FAILED (libFuzzer status %d)' % (name, rc))
        return 1
    return 1 if crashes else 0


if __name__ == '__main__':
    sys.exit(main())
