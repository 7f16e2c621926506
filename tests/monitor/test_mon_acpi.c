/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_acpi.c: the ACPI tables vmi-run builds (monitor).
 * Offsets: ACPI 6.4 sections 5.2.5.3 (RSDP), 5.2.8 (XSDT), 5.2.9 (FADT),
 * 5.2.12 (MADT). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mon.h"

#define BASE 0xE0000u
#define LEN  0x20000u

static uint8_t area[LEN];

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = area + (gpa - BASE);

	assert_true(gpa >= BASE && gpa < BASE + LEN);
	assert_memory_equal(t, sig, 4);
	assert_int_equal(mon_acpi_sum(t, rd32(t + 4)), 0);
	return t;
}

static const uint8_t *build(unsigned ncpus, const uint8_t **xsdt)
{
	long rsdp = mon_acpi_build(area, LEN, BASE, ncpus);
	const uint8_t *r;

	assert_true(rsdp >= BASE && rsdp % 16 == 0);
	r = area + (rsdp - BASE);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(r[15], 2);
	assert_int_equal(mon_acpi_sum(r, 20), 0);
	assert_int_equal(mon_acpi_sum(r, 36), 0);
	table(rd32(r + 16), "RSDT");
	*xsdt = table(rd64(r + 24), "XSDT");
	return r;
}

static void test_acpi_tables_have_valid_checksums_and_links(void **state)
{
	const uint8_t *x;

	(void)state;
	build(2, &x);
	assert_int_equal(rd32(x + 4), 36 + 16);
	table(rd64(x + 36), "FACP");
	table(rd64(x + 44), "APIC");
}

static void test_acpi_fadt_names_pm1a_reset_and_dsdt_s5(void **state)
{
	const uint8_t *x, *f, *d;
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };

	(void)state;
	build(1, &x);
	f = table(rd64(x + 36), "FACP");
	assert_int_equal(rd32(f + 64), MON_PORT_PM1A_CNT);
	assert_int_equal(f[89], 2);
	assert_int_equal(rd32(f + 112) & (1u << 10), 1u << 10);
	assert_int_equal(f[116], 1);                    /* system I/O */
	assert_int_equal(rd64(f + 120), MON_PORT_RESET);
	assert_int_equal(f[128], 0x06);
	assert_int_equal(rd64(f + 172 + 4), MON_PORT_PM1A_CNT);
	d = table(rd64(f + 140), "DSDT");
	assert_int_equal(rd32(f + 40), rd64(f + 140));
	assert_memory_equal(d + 36, s5, sizeof(s5));
	assert_int_equal(d[36 + 9], MON_ACPI_S5_SLP_TYP);
}

static void test_acpi_madt_lists_every_cpu_enabled(void **state)
{
	const uint8_t *x, *m;

	(void)state;
	build(MON_MAX_CPUS, &x);
	m = table(rd64(x + 44), "APIC");
	assert_int_equal(rd32(m + 4), 44 + 8 * MON_MAX_CPUS);
	assert_int_equal(rd32(m + 36), 0xFEE00000u);
	for (unsigned i = 0; i < MON_MAX_CPUS; i++) {
		const uint8_t *e = m + 44 + 8 * i;
		assert_int_equal(e[0], 0);
		assert_int_equal(e[1], 8);
		assert_int_equal(e[3], i);
		assert_int_equal(rd32(e + 4) & 1, 1);
	}
}

static void test_acpi_refuses_bad_cpu_count_and_small_area(void **state)
{
	(void)state;
	assert_int_equal(mon_acpi_build(area, LEN, BASE, 0), -EINVAL);
	assert_int_equal(mon_acpi_build(area, LEN, BASE, MON_MAX_CPUS + 1),
			 -EINVAL);
	assert_int_equal(mon_acpi_build(area, 0x300, BASE, 1), -EINVAL);
	assert_int_equal(mon_acpi_build(area, LEN, 0xFFFFFFF0u, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_tables_have_valid_checksums_and_links),
		cmocka_unit_test(test_acpi_fadt_names_pm1a_reset_and_dsdt_s5),
		cmocka_unit_test(test_acpi_madt_lists_every_cpu_enabled),
		cmocka_unit_test(test_acpi_refuses_bad_cpu_count_and_small_area),
	};
	return cmocka_run_group_tests_name("mon_acpi", tests, NULL, NULL);
}
