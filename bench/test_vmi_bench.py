#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/test_vmi_bench.py: unit tests of bench/vmi_bench.py's parsing and
aggregation (no guest runs, no timing): the line format of bench/guest
(bench.h) and the median/spread/ratio arithmetic of the table."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmi_bench  # noqa: E402

GUEST_OUTPUT = """\
bench-info: clock: tsc
bench: null_call 6915.9 5232.6 7615.9 2000
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
bench: ipi_roundtrip n/a needs 2 CPUs online
bench: broken 12 x
bench: done
"""


def cell_with(runs):
    c = vmi_bench.Cell.__new__(vmi_bench.Cell)
    c.backend, c.env, c.name = "native", "vmi-run-pc", "native@vmi-run-pc"
    c.missing, c.failures, c.runs, c.argv, c.info = None, [], runs, None, {}
    return c


class TestParse(unittest.TestCase):
    def test_parse_figures_na_and_done(self):
        found, done = vmi_bench.parse(GUEST_OUTPUT)
        self.assertTrue(done)
        self.assertEqual(found["null_call"], (6915.9, 5232.6, 7615.9, 2000))
        self.assertEqual(found["ipi_roundtrip"], "n/a: needs 2 CPUs online")
        self.assertNotIn("broken", found)

    def test_parse_without_done_line_is_incomplete(self):
        _, done = vmi_bench.parse("bench: null_call 1.0 1.0 1.0 10\n")
        self.assertFalse(done)


class TestAggregate(unittest.TestCase):
    def test_summary_is_median_min_max_of_run_medians(self):
        c = cell_with([{"x": (v, 0.0, 0.0, 1)} for v in (30.0, 10.0, 20.0)])
        self.assertEqual(c.summary("x"), (20.0, 10.0, 30.0))

    def test_summary_reports_na_reason(self):
        c = cell_with([{"x": "n/a: needs 2 CPUs online"}])
        self.assertEqual(c.summary("x"), "n/a: needs 2 CPUs online")

    def test_ratio_row_against_base_cell(self):
        base = cell_with([{"x": (10.0, 0, 0, 1)}])
        other = cell_with([{"x": (25.0, 0, 0, 1)}])
        other.backend, other.env, other.name = "xen", "vmi-run-xen", "xen@vmi-run-xen"
        rows = vmi_bench.table_rows([base, other], ["x"], "ratio")
        self.assertEqual(rows, [["x", "1x", "2.5x"]])

    def test_spread_is_range_over_median(self):
        self.assertAlmostEqual(vmi_bench.spread((20.0, 10.0, 30.0)), 100.0)


if __name__ == "__main__":
    unittest.main()
