/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_mem.c: mon_gpa_ptr, the PVH memory map and
 * hvm_start_info (monitor). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "mon.h"

#define RAM (4ull << 20)

static int setup(void **state)
{
	struct mon *m = calloc(1, sizeof(*m));

	m->ram = calloc(1, RAM);
	m->ram_size = RAM;
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct mon *m = *state;

	free(m->ram);
	free(m);
	return 0;
}

static void test_gpa_ptr_inside_ram_is_mapped(void **state)
{
	struct mon *m = *state;

	assert_ptr_equal(mon_gpa_ptr(m, 0, 1), m->ram);
	assert_ptr_equal(mon_gpa_ptr(m, RAM - 1, 1), m->ram + RAM - 1);
	assert_ptr_equal(mon_gpa_ptr(m, 0, RAM), m->ram);
}

static void test_gpa_ptr_bad_ranges_are_null(void **state)
{
	struct mon *m = *state;

	assert_null(mon_gpa_ptr(m, RAM, 1));
	assert_null(mon_gpa_ptr(m, RAM - 1, 2));
	assert_null(mon_gpa_ptr(m, 0, RAM + 1));
	assert_null(mon_gpa_ptr(m, 5, 0));
	assert_null(mon_gpa_ptr(m, UINT64_MAX, 2));
	assert_null(mon_gpa_ptr(m, 16, UINT64_MAX));
	assert_null(mon_gpa_ptr(m, UINT64_MAX - 1, UINT64_MAX));
}

/* The physical copies: all of the range or nothing. */
static void test_copy_in_out_all_or_nothing(void **state)
{
	struct mon *m = *state;
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, c[8];

	assert_true(mon_copy_out(m, RAM - 8, b, 8));
	assert_memory_equal(m->ram + RAM - 8, b, 8);
	memset(c, 0xaa, sizeof(c));
	assert_true(mon_copy_in(m, c, RAM - 8, 8));
	assert_memory_equal(c, b, 8);
	/* One byte past RAM: refused, and neither side touched. */
	memset(c, 0xaa, sizeof(c));
	assert_false(mon_copy_in(m, c, RAM - 7, 8));
	assert_int_equal(c[0], 0xaa);
	assert_false(mon_copy_out(m, RAM - 7, c, 8));
	assert_memory_equal(m->ram + RAM - 8, b, 8);
	assert_false(mon_copy_in(m, c, UINT64_MAX - 3, 8));
	assert_false(mon_copy_in(m, c, 0, 0));
}

static void test_memmap_covers_ram_in_order_with_reserved_holes(void **state)
{
	struct hvm_memmap_table_entry e[MON_MEMMAP_MAX];
	unsigned n = mon_memmap_build(RAM, false, e, MON_MEMMAP_MAX);
	uint64_t at = 0;

	(void)state;
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(e[i].addr, at);
		at += e[i].size;
	}
	assert_int_equal(at, RAM);
	assert_int_equal(e[0].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(e[0].addr + e[0].size, MON_BOOT_END);
	assert_int_equal(e[1].type, XEN_HVM_MEMMAP_TYPE_RAM);
	assert_true(e[1].addr <= VMI_TRAMPOLINE_PA);
	assert_int_equal(e[2].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(e[2].addr, MON_BIOS_PA);
	assert_int_equal(e[3].type, XEN_HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(e[3].addr, 0x100000);
}

/* The special area: its 8 pages are reachable, bounded on both sides,
 * never together with RAM; pool pages appear and vanish. */
static void test_special_area_and_pool_are_bounded(void **state)
{
	struct mon *m = *state;
	uint8_t *x = calloc(1, MON_EXTRA_SIZE);
	uint8_t *p;

	assert_null(mon_gpa_ptr(m, MON_SPECIAL_PA, 1));
	assert_null(mon_pool_map(m, 0, 0x40000000));    /* no extra yet */
	mon_special_init(m, x);
	assert_ptr_equal(mon_gpa_ptr(m, MON_SPECIAL_PA, 0x8000), x);
	assert_ptr_equal(mon_gpa_ptr(m, MON_SPECIAL_END - 1, 1), x + 0x7fff);
	assert_null(mon_gpa_ptr(m, MON_SPECIAL_PA - 1, 2));
	assert_null(mon_gpa_ptr(m, MON_SPECIAL_END - 1, 2));
	assert_null(mon_gpa_ptr(m, MON_SPECIAL_END, 1));
	assert_null(mon_gpa_ptr(m, MON_SPECIAL_PA, UINT64_MAX));
	assert_null(mon_gpa_ptr(m, RAM - 1, MON_SPECIAL_END));
	assert_null(mon_gpa_ptr(m, 0x40000000, 1));
	p = mon_pool_map(m, 0, 0x40000000);
	assert_ptr_equal(p, x + MON_SPECIAL_PAGES * 0x1000);
	assert_ptr_equal(mon_gpa_ptr(m, 0x40000fff, 1), p + 0xfff);
	assert_null(mon_gpa_ptr(m, 0x40000fff, 2));
	assert_null(mon_pool_map(m, MON_POOL_PAGES, 0x50000000));
	assert_null(mon_pool_map(m, 0, MON_REGION_NONE));
	assert_null(mon_gpa_ptr(m, 0x40000000, 1));
	free(x);
}

static void test_memmap_reports_special_area_reserved(void **state)
{
	struct hvm_memmap_table_entry e[MON_MEMMAP_MAX];
	unsigned n = mon_memmap_build(RAM, true, e, MON_MEMMAP_MAX);

	(void)state;
	assert_int_equal(n, 5);
	assert_int_equal(e[4].addr, MON_SPECIAL_PA);
	assert_int_equal(e[4].size, MON_SPECIAL_PAGES * 0x1000);
	assert_int_equal(e[4].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(MON_SPECIAL_END, 0xFF000000ull);
}

static void test_memmap_respects_max(void **state)
{
	struct hvm_memmap_table_entry e[2];

	(void)state;
	assert_int_equal(mon_memmap_build(RAM, false, e, 2), 2);
}

static void test_boot_info_is_pvh_v1_with_cmdline(void **state)
{
	struct mon *m = *state;
	struct hvm_start_info si;

	assert_int_equal(mon_boot_info_write(m, "console=uart", 0xe0000), 0);
	memcpy(&si, m->ram + MON_START_INFO_PA, sizeof(si));
	assert_int_equal(si.magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si.version, 1);
	assert_int_equal(si.rsdp_paddr, 0xe0000);
	assert_int_equal(si.memmap_paddr, MON_MEMMAP_PA);
	assert_int_equal(si.memmap_entries, 4);
	assert_string_equal((char *)m->ram + si.cmdline_paddr, "console=uart");
	assert_true(si.cmdline_paddr < MON_BOOT_END &&
		    si.cmdline_paddr >= MON_START_INFO_PA);
}

static void test_boot_info_refuses_long_cmdline(void **state)
{
	struct mon *m = *state;
	char *s = malloc(MON_CMDLINE_MAX + 2);

	memset(s, 'x', MON_CMDLINE_MAX + 1);
	s[MON_CMDLINE_MAX + 1] = '\0';
	assert_int_equal(mon_boot_info_write(m, s, 0), -EINVAL);
	s[MON_CMDLINE_MAX] = '\0';
	assert_int_equal(mon_boot_info_write(m, s, 0), 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gpa_ptr_inside_ram_is_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpa_ptr_bad_ranges_are_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_in_out_all_or_nothing, setup, teardown),
		cmocka_unit_test(test_memmap_covers_ram_in_order_with_reserved_holes),
		cmocka_unit_test(test_memmap_respects_max),
		cmocka_unit_test_setup_teardown(test_special_area_and_pool_are_bounded, setup, teardown),
		cmocka_unit_test(test_memmap_reports_special_area_reserved),
		cmocka_unit_test_setup_teardown(test_boot_info_is_pvh_v1_with_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_info_refuses_long_cmdline, setup, teardown),
	};
	return cmocka_run_group_tests_name("mon_mem", tests, NULL, NULL);
}
