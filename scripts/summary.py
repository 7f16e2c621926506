#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/summary.py: one closing line for a meson test run, counting
passes, failures and skips (meson's own summary spreads them over lines).

Reads meson's testlog.json, one JSON object per line.  A line that is not
valid JSON (a log torn by a concurrent run) is counted as a failure of the
summary itself rather than crashing or being ignored."""
import json
import sys


def main(path):
    counts, torn = {}, 0
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            line = line.strip("\0 \n")
            if not line:
                continue
            try:
                result = json.loads(line)["result"]
            except (ValueError, KeyError, TypeError):
                torn += 1
                continue
            counts[result] = counts.get(result, 0) + 1
    ok = counts.pop("OK", 0) + counts.pop("EXPECTEDFAIL", 0)
    skip = counts.pop("SKIP", 0)
    fail = sum(counts.values()) + torn
    if torn:
        print(f"summary: {torn} unreadable lines in {path}", file=sys.stderr)
    print(f"summary: {ok} passed, {fail} failed, {skip} skipped")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
