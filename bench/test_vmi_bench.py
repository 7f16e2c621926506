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
bench-steps: read_cr3 3 3
bench-steps: cycles n/a overhead varies (4-5)
bench-steps: broken 3
bench: done
"""


def cell_with(runs, label="native", env="vmi-run-pc", base=vmi_bench.BASE, steps=()):
    c = vmi_bench.Cell.__new__(vmi_bench.Cell)
    c.backend, c.env, c.label = label, env, label
    c.name, c.key, c.base = f"{label}@{env}", (label, env), base
    c.missing, c.failures, c.runs, c.argv, c.info = None, [], runs, None, {}
    c.steps = list(steps)
    return c


class TestParse(unittest.TestCase):
    def test_parse_figures_na_and_done(self):
        found, done = vmi_bench.parse(GUEST_OUTPUT)
        self.assertTrue(done)
        self.assertEqual(found["null_call"], (6915.9, 5232.6, 7615.9, 2000))
        self.assertEqual(found["ipi_roundtrip"], "n/a: needs 2 CPUs online")
        self.assertNotIn("broken", found)

    def test_parse_steps(self):
        found = vmi_bench.parse_steps(GUEST_OUTPUT)
        self.assertEqual(found, {"read_cr3": (3, 3),
                                 "cycles": "n/a: overhead varies (4-5)"})

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
        other = cell_with([{"x": (25.0, 0, 0, 1)}], "xen", "vmi-run-xen")
        rows = vmi_bench.table_rows([base, other], ["x"], "ratio")
        self.assertEqual(rows, [["x", "1x", "2.5x"]])

    def test_patch_ratio_is_to_link_in_the_same_environment(self):
        cellv = [cell_with([{"x": (v, 0, 0, 1)}], label, env, ("link", env))
                 for label, env, v in (("link", "pc", 10.0), ("patched", "pc", 11.0),
                                       ("link", "tcg", 2.0), ("patched", "tcg", 1.0))]
        rows = vmi_bench.table_rows(cellv, ["x"], "ratio")
        self.assertEqual(rows, [["x", "1x", "1.1x", "1x", "0.5x"]])

    def test_steps_column_joins_runs_and_boots(self):
        same = cell_with([], steps=[{"x": (3, 3)}, {"x": (3, 3)}])
        varies = cell_with([], steps=[{"x": (3, 3)}, {"x": (3, 5)}])
        na = cell_with([], steps=[{"x": "n/a: overhead varies (4-5)"}])
        rows = vmi_bench.table_rows([same, varies, na], ["x"], "steps")
        self.assertEqual(rows, [["x", "3", "3-5", "n/a: overhead varies (4-5)"]])

    def test_goal_row_is_patched_over_each_link_time_image(self):
        cellv = [cell_with([{"x": (v, 0, 0, 1)}], label, "pc", ("link", "pc"),
                           [{"x": (n, n)}])
                 for label, v, n in (("link", 10.0, 6), ("gcc-lto", 8.0, 6),
                                     ("clang-lto", 2.0, 2), ("patched", 5.0, 4))]
        self.assertEqual(vmi_bench.table_head(cellv, "goal")[1:],
                         ["patched / link@pc", "patched / gcc-lto@pc",
                          "patched / clang-lto@pc"])
        rows = vmi_bench.table_rows(cellv, ["x"], "goal")
        self.assertEqual(rows, [["x", "0.5x, 4/6", "0.625x, 4/6", "2.5x, 4/2"]])

    def test_no_cell_where_output_is_unseen(self):
        cellv = list(vmi_bench.cells(None, None))
        self.assertIn(("native", "vmi-run-pc"), cellv)
        self.assertIn(("xen", "xen"), cellv)
        self.assertNotIn(("native", "xen"), cellv)

    def test_spread_is_range_over_median(self):
        self.assertAlmostEqual(vmi_bench.spread((20.0, 10.0, 30.0)), 100.0)


if __name__ == "__main__":
    unittest.main()
