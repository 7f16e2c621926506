#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/summary.py: one closing line for a meson test run, counting
passes, failures and skips (meson's own summary spreads them over lines)."""
import json
import sys

counts = {}
with open(sys.argv[1]) as log:
    for line in log:
        result = json.loads(line)["result"]
        counts[result] = counts.get(result, 0) + 1
ok = counts.pop("OK", 0) + counts.pop("EXPECTEDFAIL", 0)
skip = counts.pop("SKIP", 0)
fail = sum(counts.values())
print(f"summary: {ok} passed, {fail} failed, {skip} skipped")
