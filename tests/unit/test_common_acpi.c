/* SPDX-License-Identifier: MIT */
/* test_common_acpi.c: RSDP/RSDT/XSDT/MADT/FADT/\_S5 parsing
 * (backends/common/acpi*.c) on in-memory tables, and the CPU order
 * built from them (backends/common/smp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "acpi.h"
#include "acpi_build.h"
#include "mock.h"
#include "smp.h"
#include "vmi.h"

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    acpi_arena_off = 0;
    return 0;
}

/* MADT: LAPIC 0 on, LAPIC 1 off, LAPIC 2 on, x2APIC 300 on, x2APIC 2 on
 * (a duplicate), x2APIC 301 off. */
static uint8_t *madt_sample(void)
{
    uint8_t *t = tb_table("APIC", 44 + 3 * 8 + 3 * 16);
    uint8_t *e = t + 44;
    const uint8_t lapic[3][2] = { { 0, 1 }, { 1, 0 }, { 2, 1 } };
    for (unsigned i = 0; i < 3; i++, e += 8) {
        e[0] = 0, e[1] = 8, e[2] = (uint8_t)i, e[3] = lapic[i][0];
        tb_put32(e + 4, lapic[i][1]);
    }
    const uint32_t x2[3][2] = { { 300, 1 }, { 2, 1 }, { 301, 0 } };
    for (unsigned i = 0; i < 3; i++, e += 16) {
        e[0] = 9, e[1] = 16;
        tb_put32(e + 4, x2[i][0]);
        tb_put32(e + 8, x2[i][1]);
    }
    tb_seal(t);
    return t;
}

static void test_acpi_madt_enabled_both_types_no_duplicates(void **state)
{
    (void)state;
    uint32_t ids[8];
    unsigned n = acpi_madt_cpus(tpa(madt_sample()), ids, 8);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 300);
}

static void test_acpi_find_table_rsdt_v1_found(void **state)
{
    (void)state;
    /* The RSDT holds 32-bit addresses: build in the mock's low memory. */
    uint8_t *m = madt_sample();
    memcpy(mock.lowmem + 0x20000, m, acpi_table_len(tpa(m)));
    uint64_t madt = 0x20000;
    uint8_t *rsdt = tb_sdt(4, &madt, 1);
    memcpy(mock.lowmem + 0x21000, rsdt, acpi_table_len(tpa(rsdt)));
    tb_rsdp_at(mock.lowmem + 0x22000, 0, 0x21000, 0);
    assert_int_equal(acpi_find_table(0x22000, "APIC"), 0x20000);
}

static void test_acpi_find_table_xsdt_preferred_over_rsdt(void **state)
{
    (void)state;
    uint64_t madt = tpa(madt_sample()), other = tpa(madt_sample());
    uint8_t *rsdt = tb_sdt(4, &other, 1), *xsdt = tb_sdt(8, &madt, 1);
    uint8_t *r = tb_alloc(36);
    tb_rsdp_at(r, 2, tpa(rsdt), tpa(xsdt));
    assert_int_equal(acpi_find_table(tpa(r), "APIC"), madt);
    assert_int_equal(acpi_find_table(tpa(r), "FACP"), 0);
}

static void test_acpi_find_table_bad_checksum_rejected(void **state)
{
    (void)state;
    uint8_t *m = madt_sample();
    uint64_t madt = tpa(m);
    uint8_t *xsdt = tb_sdt(8, &madt, 1), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(xsdt));
    m[50] ^= 1;
    assert_int_equal(acpi_find_table(tpa(r), "APIC"), 0);
}

static void test_acpi_rsdp_bad_checksum_invalid(void **state)
{
    (void)state;
    uint8_t *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, 0);
    assert_true(acpi_rsdp_valid(r));
    r[10] ^= 1;     /* breaks the 20-byte checksum */
    assert_false(acpi_rsdp_valid(r));
    tb_rsdp_at(r, 2, 0, 0);
    r[33] ^= 1;     /* breaks only the extended checksum */
    assert_false(acpi_rsdp_valid(r));
}

static void test_acpi_find_rsdp_scans_bios_area(void **state)
{
    (void)state;
    tb_rsdp_at(mock.lowmem + 0xf5a30, 0, 0x1234, 0);
    assert_int_equal(acpi_find_rsdp(0), 0xf5a30);
}

static void test_acpi_find_rsdp_scans_ebda_first(void **state)
{
    (void)state;
    mock.lowmem[0x40e] = 0xc0;      /* EBDA segment 0x9fc0 */
    mock.lowmem[0x40f] = 0x9f;
    tb_rsdp_at(mock.lowmem + 0x9fc10, 0, 0x1234, 0);
    tb_rsdp_at(mock.lowmem + 0xf5a30, 0, 0x1234, 0);
    assert_int_equal(acpi_find_rsdp(0), 0x9fc10);
}

static void test_acpi_find_rsdp_valid_hint_wins(void **state)
{
    (void)state;
    uint8_t *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, 0);
    tb_rsdp_at(mock.lowmem + 0xf5a30, 0, 0x1234, 0);
    assert_int_equal(acpi_find_rsdp(tpa(r)), tpa(r));
}

/* DSDT with a decoy "_S5_" (no NameOp) before Name(\_S5, Package(4)
 * {5, One, Zero, Zero}). */
static uint8_t *dsdt_sample(void)
{
    static const uint8_t aml[] = {
        0x10, 0x05, '_', 'S', '5', '_', 0x00,           /* decoy */
        0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
        0x0a, 0x05, 0x01, 0x00, 0x00,
    };
    uint8_t *t = tb_table("DSDT", 36 + sizeof(aml));
    memcpy(t + 36, aml, sizeof(aml));
    tb_seal(t);
    return t;
}

static void test_acpi_s5_found_after_decoy(void **state)
{
    (void)state;
    uint8_t *d = dsdt_sample(), a = 0xee, b = 0xee;
    assert_true(acpi_s5_find(d, acpi_table_len(tpa(d)), &a, &b));
    assert_int_equal(a, 5);
    assert_int_equal(b, 1);
}

static void test_acpi_s5_absent_not_found(void **state)
{
    (void)state;
    uint8_t *d = dsdt_sample(), a, b;
    d[36 + 11] = '4';   /* _S4_ */
    assert_false(acpi_s5_find(d, acpi_table_len(tpa(d)), &a, &b));
}

static void test_acpi_fadt_pm1_reset_and_s5(void **state)
{
    (void)state;
    uint8_t *f = tb_table("FACP", 244);
    tb_put32(f + 64, 0x604);
    tb_put32(f + 112, 1u << 10);
    f[116] = ACPI_GAS_IO;
    tb_put64(f + 120, 0xcf9);
    f[128] = 0x06;
    tb_put64(f + 140, tpa(dsdt_sample()));
    tb_seal(f);
    struct acpi_power p;
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_int_equal(p.pm1a_cnt, 0x604);
    assert_int_equal(p.pm1b_cnt, 0);
    assert_true(p.reset);
    assert_int_equal(p.reset_addr, 0xcf9);
    assert_int_equal(p.reset_value, 6);
    assert_true(p.s5);
    assert_int_equal(p.slp_typa, 5);
}

static void test_acpi_madt_ioapics_listed(void **state)
{
    (void)state;
    uint8_t *t = tb_table("APIC", 44 + 8 + 12 + 12);
    uint8_t *e = t + 44;
    e[0] = 0, e[1] = 8;                         /* a LAPIC: skipped */
    e += 8;
    e[0] = 1, e[1] = 12, e[2] = 0;
    tb_put32(e + 4, 0xfec00000);
    e += 12;
    e[0] = 1, e[1] = 12, e[2] = 1;
    tb_put32(e + 4, 0xfec01000);
    tb_seal(t);
    uint64_t a[4];
    assert_int_equal(acpi_madt_ioapics(tpa(t), a, 4), 2);
    assert_int_equal(a[0], 0xfec00000);
    assert_int_equal(a[1], 0xfec01000);
    assert_int_equal(acpi_madt_ioapics(tpa(t), a, 1), 1);
}

static void test_acpi_pm_timer_x_block_preferred_then_legacy(void **state)
{
    (void)state;
    uint8_t *f = tb_table("FACP", 244);
    tb_put32(f + 76, 0x608);
    f[91] = 4;
    tb_put32(f + 112, 1u << 8);                 /* TMR_VAL_EXT */
    f[208] = ACPI_GAS_IO;
    tb_put64(f + 212, 0xb008);
    tb_seal(f);
    struct acpi_timer_reg t;
    assert_true(acpi_pm_timer(tpa(f), &t));
    assert_int_equal(t.space, ACPI_GAS_IO);
    assert_int_equal(t.addr, 0xb008);
    assert_true(t.ext32);
    tb_put64(f + 212, 0);                       /* no X_PM_TMR_BLK */
    tb_seal(f);
    assert_true(acpi_pm_timer(tpa(f), &t));
    assert_int_equal(t.addr, 0x608);
    tb_put32(f + 112, 1u << 20);                /* hardware-reduced */
    tb_seal(f);
    assert_false(acpi_pm_timer(tpa(f), &t));
    assert_int_equal(t.addr, 0);
}

static void test_acpi_hpet_base_from_table(void **state)
{
    (void)state;
    uint8_t *h = tb_table("HPET", 56);
    h[40] = ACPI_GAS_MEMORY;
    tb_put64(h + 44, 0xfed00000);
    tb_seal(h);
    uint64_t tables[1] = { tpa(h) };
    uint8_t *x = tb_sdt(8, tables, 1), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(x));
    assert_int_equal(acpi_hpet_base(tpa(r)), 0xfed00000);
    h[40] = ACPI_GAS_IO;                        /* not a memory block */
    tb_seal(h);
    assert_int_equal(acpi_hpet_base(tpa(r)), 0);
    assert_int_equal(acpi_hpet_base(0), 0);
}

static void test_smp_cpus_bsp_first_then_madt_order(void **state)
{
    (void)state;
    const uint32_t ids[] = { 4, 7, 2, 9 };
    struct smp_cpus c;
    smp_cpus_order(&c, ids, 4, 2);
    assert_int_equal(c.count, 4);
    assert_int_equal(c.apic_id[0], 2);
    assert_int_equal(c.apic_id[1], 4);
    assert_int_equal(c.apic_id[2], 7);
    assert_int_equal(c.apic_id[3], 9);
    assert_int_equal(smp_cpu_index(&c, 7), 2);
    assert_int_equal(smp_cpu_index(&c, 5), -1);
}

static void test_smp_cpus_no_madt_is_bsp_alone(void **state)
{
    (void)state;
    struct smp_cpus c;
    smp_cpus_from_acpi(&c, 0, 3);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.apic_id[0], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_acpi_madt_enabled_both_types_no_duplicates, setup),
        cmocka_unit_test_setup(test_acpi_find_table_rsdt_v1_found, setup),
        cmocka_unit_test_setup(test_acpi_find_table_xsdt_preferred_over_rsdt, setup),
        cmocka_unit_test_setup(test_acpi_find_table_bad_checksum_rejected, setup),
        cmocka_unit_test_setup(test_acpi_rsdp_bad_checksum_invalid, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_scans_bios_area, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_scans_ebda_first, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_valid_hint_wins, setup),
        cmocka_unit_test_setup(test_acpi_s5_found_after_decoy, setup),
        cmocka_unit_test_setup(test_acpi_s5_absent_not_found, setup),
        cmocka_unit_test_setup(test_acpi_fadt_pm1_reset_and_s5, setup),
        cmocka_unit_test_setup(test_acpi_madt_ioapics_listed, setup),
        cmocka_unit_test_setup(test_acpi_pm_timer_x_block_preferred_then_legacy, setup),
        cmocka_unit_test_setup(test_acpi_hpet_base_from_table, setup),
        cmocka_unit_test_setup(test_smp_cpus_bsp_first_then_madt_order, setup),
        cmocka_unit_test_setup(test_smp_cpus_no_madt_is_bsp_alone, setup),
    };
    return cmocka_run_group_tests_name("common_acpi", tests, NULL, NULL);
}
