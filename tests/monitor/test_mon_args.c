/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_args.c: vmi-run command-line parsing (monitor). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mon.h"
#include "mon_pers.h"

static char err[256];

#define PARSE(cfg, ...) \
	parse(cfg, (const char *[]){ "vmi-run", __VA_ARGS__, NULL })

static int parse(struct mon_config *cfg, const char *argv[])
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return mon_args_parse(argc, argv, cfg, err, sizeof(err));
}

static void test_args_image_only_gives_defaults(void **state)
{
	struct mon_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "k.elf"), 0);
	assert_string_equal(c.image, "k.elf");
	assert_string_equal(c.hv, "pc");
	assert_int_equal(c.cpus, 1);
	assert_int_equal(c.mem, 256ull << 20);
	assert_int_equal(c.timeout, 60);
	assert_string_equal(c.cmdline, "");
	assert_false(c.verbose);
}

static void test_args_all_options_are_applied(void **state)
{
	struct mon_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--hv", "kvm", "--cpus", "2", "--mem=1G",
			       "--timeout", "0", "--cmdline", "a b", "-v",
			       "--", "-odd.elf"), 0);
	assert_string_equal(c.hv, "kvm");
	assert_int_equal(c.cpus, 2);
	assert_int_equal(c.mem, 1ull << 30);
	assert_int_equal(c.timeout, 0);
	assert_string_equal(c.cmdline, "a b");
	assert_true(c.verbose);
	assert_string_equal(c.image, "-odd.elf");
}

/* --clocksource: tsc or platform, for the personalities that present a
 * clock (xen, hyperv); refused with a reason elsewhere or for any other
 * word. */
static void test_args_clocksource(void **state)
{
	struct mon_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--hv", "xen", "--clocksource", "tsc",
			       "k.elf"), 0);
	assert_int_equal(c.clocksource, MON_CLOCK_TSC);
	assert_int_equal(PARSE(&c, "--hv=hyperv", "--clocksource=platform",
			       "k.elf"), 0);
	assert_int_equal(c.clocksource, MON_CLOCK_PLATFORM);
	assert_int_equal(PARSE(&c, "--hv", "xen", "k.elf"), 0);
	assert_int_equal(c.clocksource, MON_CLOCK_NONE);
	assert_int_equal(PARSE(&c, "--hv", "xen", "--clocksource", "hpet",
			       "k.elf"), -EINVAL);
	assert_non_null(strstr(err, "bad --clocksource 'hpet'"));
	assert_int_equal(PARSE(&c, "--clocksource", "tsc", "k.elf"), -EINVAL);
	assert_non_null(strstr(err, "--clocksource needs --hv xen or hyperv"));
	assert_int_equal(PARSE(&c, "--hv", "kvm", "--clocksource", "platform",
			       "k.elf"), -EINVAL);
}

/* What the guest is told (mon_clock_choose): TSC-stable only when the
 * clock asked for, or the personality's default, is tsc and the host's
 * own clocksource is the TSC; an explicit tsc on another host clock is
 * refused, a default one falls back. */
static void test_clock_choice_follows_the_host(void **state)
{
	static struct mon m;

	(void)state;
	m.pers = &pers_xen;
	m.cfg = (struct mon_config){ 0 };
	m.clock.tsc_stable = true;
	assert_int_equal(mon_clock_choose(&m, "tsc", err, sizeof(err)), 0);
	assert_false(m.clock.tsc_stable);               /* Xen's default */
	m.cfg.clocksource = MON_CLOCK_TSC;
	assert_int_equal(mon_clock_choose(&m, "tsc", err, sizeof(err)), 0);
	assert_true(m.clock.tsc_stable);
	assert_int_equal(mon_clock_choose(&m, "hyperv_clocksource_tsc_page",
					  err, sizeof(err)), 0);
	assert_true(m.clock.tsc_stable);
	assert_int_equal(mon_clock_choose(&m, "kvm-clock", err, sizeof(err)),
			 -ENODEV);
	assert_non_null(strstr(err, "clocksource is 'kvm-clock'"));
	assert_non_null(strstr(err, "KVM"));    /* a skip to the runners */
	assert_int_equal(mon_clock_choose(&m, "", err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "'unknown'"));

	m.pers = &pers_hv;
	m.cfg.clocksource = MON_CLOCK_NONE;
	assert_int_equal(mon_clock_choose(&m, "tsc", err, sizeof(err)), 0);
	assert_true(m.clock.tsc_stable);                /* KVM's, on a TSC */
	assert_int_equal(mon_clock_choose(&m, "hpet", err, sizeof(err)), 0);
	assert_false(m.clock.tsc_stable);
	m.cfg.clocksource = MON_CLOCK_PLATFORM;
	assert_int_equal(mon_clock_choose(&m, "tsc", err, sizeof(err)), 0);
	assert_false(m.clock.tsc_stable);
}

static void test_host_clocksource_read_without_newline(void **state)
{
	char path[] = "/tmp/test_mon_args_XXXXXX", buf[16];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tsc\n", 4), 4);
	close(fd);
	mon_host_clocksource(path, buf, sizeof(buf));
	assert_string_equal(buf, "tsc");
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a-very-long-clocksource-name\n", 29), 29);
	close(fd);
	mon_host_clocksource(path, buf, sizeof(buf));
	assert_string_equal(buf, "a-very-long-clo");        /* cut, ended */
	/* Odd bytes: one printable line, and a NUL after "tsc" is no TSC. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tsc\0\x1b[2J\r\xff\nx", 12), 12);
	close(fd);
	mon_host_clocksource(path, buf, sizeof(buf));
	assert_string_equal(buf, "tsc??[2J??");
	assert_false(mon_clock_source_is_tsc(buf));
	unlink(path);
	mon_host_clocksource(path, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_args_bad_values_are_refused_with_reason(void **state)
{
	static const char *const bad[][3] = {
		{ "--cpus", "0", "bad --cpus" }, { "--cpus", "65", "bad --cpus" },
		{ "--cpus", "1x", "bad --cpus" }, { "--mem", "1M", "bad --mem" },
		{ "--mem", "3073M", "bad --mem" }, { "--mem", "4095K", "bad --mem" },
		{ "--mem", "", "bad --mem" }, { "--timeout", "-5", "bad --timeout" },
		{ "--timeout", "86401", "bad --timeout" },
		{ "--hv", "vmware", "unknown personality" },
	};
	struct mon_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(&c, bad[i][0], bad[i][1], "k.elf"), -EINVAL);
		assert_non_null(strstr(err, bad[i][2]));
	}
	/* An unknown personality's line names the ones there are, from
	 * the one list (mon_pers.c). */
	assert_int_equal(PARSE(&c, "--hv", "vmware", "k.elf"), -EINVAL);
	assert_non_null(strstr(err, "(want one of: pc kvm xen hyperv)"));
}

static void test_args_structure_errors_are_refused(void **state)
{
	struct mon_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--bogus", "k.elf"), -EINVAL);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	assert_int_equal(PARSE(&c, "k.elf", "--cpus"), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(PARSE(&c, "a.elf", "b.elf"), -EINVAL);
	assert_int_equal(PARSE(&c, "-v"), -EINVAL);
	assert_non_null(strstr(err, "missing IMAGE"));
}

/* The argument echoed in a message: one printable line ('?' for each
 * other byte), so a newline or a terminal escape cannot split or forge
 * vmi-run's one-line error (found by tests/fuzz/fuzz_args.c). */
static void test_args_errors_are_one_printable_line(void **state)
{
	static const char *const cases[][4] = {
		{ "--bo\ngus", "k.elf", NULL, "unknown option '--bo?gus'" },
		{ "--hv", "x\x1b[2J", "k.elf", "personality 'x?[2J'" },
		{ "--cpus", "1\n", "k.elf", "bad --cpus '1?'" },
		{ "--mem", "\xff", "k.elf", "bad --mem '?'" },
		{ "--timeout=\t", "k.elf", NULL, "bad --timeout '?'" },
		{ "a.elf", "b\r.elf", NULL, "more than one IMAGE ('b?.elf')" },
	};
	struct mon_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(PARSE(&c, cases[i][0], cases[i][1],
				       cases[i][2]), -EINVAL);
		for (const char *p = err; *p; p++)
			assert_true(*p >= 0x20 && *p <= 0x7e);
		assert_non_null(strstr(err, cases[i][3]));
	}
}

static void test_args_help_needs_no_image(void **state)
{
	struct mon_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--help"), 0);
	assert_true(c.help);
}

static void test_parse_size_suffixes_and_overflow(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(mon_parse_size("512", &v), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(mon_parse_size("4096k", &v), 0);
	assert_int_equal(v, 4096ull << 10);
	assert_int_equal(mon_parse_size("3G", &v), 0);
	assert_int_equal(v, 3ull << 30);
	assert_int_equal(mon_parse_size("17179869184G", &v), -EINVAL);
	assert_int_equal(mon_parse_size("99999999999999999999", &v), -EINVAL);
	assert_int_equal(mon_parse_size("M", &v), -EINVAL);
	assert_int_equal(mon_parse_size("+5M", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_image_only_gives_defaults),
		cmocka_unit_test(test_args_all_options_are_applied),
		cmocka_unit_test(test_args_bad_values_are_refused_with_reason),
		cmocka_unit_test(test_args_structure_errors_are_refused),
		cmocka_unit_test(test_args_errors_are_one_printable_line),
		cmocka_unit_test(test_args_help_needs_no_image),
		cmocka_unit_test(test_parse_size_suffixes_and_overflow),
		cmocka_unit_test(test_args_clocksource),
		cmocka_unit_test(test_clock_choice_follows_the_host),
		cmocka_unit_test(test_host_clocksource_read_without_newline),
	};
	return cmocka_run_group_tests_name("mon_args", tests, NULL, NULL);
}
