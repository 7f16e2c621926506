/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_stop.c: mon_oneline(), which makes guest-supplied
 * text (a Hyper-V crash message) safe for vmi-run's one-line status, and
 * mon_guest_status(), the one rule for the exit codes a guest may give
 * (monitor/mon_stop.c, docs/vmi-run.md "Exit status"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "mon.h"

static void test_oneline_keeps_printable_ascii(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(mon_oneline(out, sizeof(out), "panic: x=1 ~!", 13),
			 13);
	assert_string_equal(out, "panic: x=1 ~!");
}

/* Newline, CR, ESC, TAB, DEL and bytes >= 0x80 all become '?'. */
static void test_oneline_replaces_every_other_byte(void **state)
{
	static const char in[] = "a\nb\rc\x1b[2Jd\te\x7f" "f\x80g\xff";
	char out[64];
	size_t n;

	(void)state;
	n = mon_oneline(out, sizeof(out), in, sizeof(in) - 1);
	assert_int_equal(n, sizeof(in) - 1);
	assert_string_equal(out, "a?b?c?[2Jd?e?f?g?");
	for (size_t i = 0; i < n; i++)
		assert_true(out[i] >= 0x20 && out[i] <= 0x7e);
}

/* The text ends at len or at the first NUL, whichever comes first. */
static void test_oneline_stops_at_len_and_nul(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(mon_oneline(out, sizeof(out), "abcdef", 3), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(mon_oneline(out, sizeof(out), "ab\0\ncd", 6), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(mon_oneline(out, sizeof(out), "x", 0), 0);
	assert_string_equal(out, "");
}

/* Never more than cap - 1 bytes and the terminating NUL. */
static void test_oneline_truncates_to_cap(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'Z', sizeof(out));
	assert_int_equal(mon_oneline(out, 5, "0123456789", 10), 4);
	assert_string_equal(out, "0123");
	assert_int_equal(out[5], 'Z');
	assert_int_equal(mon_oneline(out, 1, "0123456789", 10), 0);
	assert_string_equal(out, "");
}

/* Guest codes are 0-63, 77 and 99, and nothing else: no value a guest
 * writes can become one of vmi-run's own statuses (64-71, 124). */
static void test_guest_codes_are_0_63_77_99(void **state)
{
	static const uint64_t never[] = { 64, 65, 66, 69, 70, 71, 124, 255,
		256, 256 + 42, 0x10000 + 69, UINT64_MAX, UINT32_MAX + 1ull };

	(void)state;
	for (uint64_t v = 0; v < 1024; v++) {
		bool ok = v <= 63 || v == 77 || v == 99;
		assert_int_equal(mon_guest_code_ok(v), ok);
		assert_int_equal(mon_guest_status(v, -7), ok ? (int)v : -7);
	}
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		assert_int_equal(mon_guest_status(never[i], MON_EXIT_CRASH),
				 MON_EXIT_CRASH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_codes_are_0_63_77_99),
		cmocka_unit_test(test_oneline_keeps_printable_ascii),
		cmocka_unit_test(test_oneline_replaces_every_other_byte),
		cmocka_unit_test(test_oneline_stops_at_len_and_nul),
		cmocka_unit_test(test_oneline_truncates_to_cap),
	};
	return cmocka_run_group_tests_name("mon_stop", tests, NULL, NULL);
}
