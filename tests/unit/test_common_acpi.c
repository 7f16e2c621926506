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
#include "common.h"
#include "mock.h"
#include "power.h"
#include "smp.h"
#include "uart.h"
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

/* Tables are reached through the identity map of the first 4 GiB
 * (common.h VMI_IDENTITY_MAPPED_END): an XSDT entry, an X_DSDT or a
 * loader's RSDP at or above it, and a table whose length runs past it,
 * are passed over without a read there (each was read before: checked,
 * a fault). */
static void test_acpi_tables_outside_the_identity_map_ignored(void **state)
{
    (void)state;
    const uint64_t high = VMI_IDENTITY_MAPPED_END;
    uint8_t *m = madt_sample(), *big = tb_table("APIC", 44);
    tb_put32(big + 4, 0xfffff000u);             /* past 4 GiB from here */
    uint64_t tables[3] = { high, tpa(big), tpa(m) };
    uint8_t *x = tb_sdt(8, tables, 3), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(x));
    assert_int_equal(acpi_find_table(tpa(r), "APIC"), tpa(m));
    tb_rsdp_at(mock.lowmem + 0xf5a30, 0, 0x1234, 0);
    assert_int_equal(acpi_find_rsdp(high), 0xf5a30);
    assert_int_equal(acpi_find_rsdp(high - 20), 0xf5a30);
    uint8_t *f = tb_table("FACP", 244);
    tb_put32(f + 64, 0x604);
    tb_put64(f + 140, high + 0x1000);           /* X_DSDT */
    tb_seal(f);
    struct acpi_power p;
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_false(p.s5);
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

/* The length field of a revision 2 RSDP bounds nothing: its extended
 * checksum covers the structure's 36 bytes (as ACPICA's), and a length
 * of nearly 4 GiB is not read (it ran the checksum off the end of
 * memory before: checked). */
static void test_acpi_rsdp_length_field_not_trusted(void **state)
{
    (void)state;
    uint8_t *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, 0);
    tb_put32(r + 20, 0xfffffff0u);
    tb_sum(r, 36, 32);
    assert_true(acpi_rsdp_valid(r));
    r[33] ^= 1;
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
 * {5, One, Zero, Zero}), which ends the table. */
static uint8_t *dsdt_sample(void)
{
    static const uint8_t aml[] = {
        0x10, 0x05, '_', 'S', '5', '_', 0x00,           /* decoy */
        0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x07, 0x04,
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
    assert_int_equal(p.pm1a_cnt.space, ACPI_GAS_IO);
    assert_int_equal(p.pm1a_cnt.addr, 0x604);
    assert_false(p.pm1a_x);
    assert_int_equal(p.pm1b_cnt.addr, 0);
    assert_false(p.hw_reduced);
    assert_true(p.reset);
    assert_int_equal(p.reset_reg.addr, 0xcf9);
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
    tb_put64(f + 212, 0x1b008);                 /* no port: PM_TMR_BLK */
    tb_seal(f);
    assert_true(acpi_pm_timer(tpa(f), &t));
    assert_int_equal(t.space, ACPI_GAS_IO);
    assert_int_equal(t.addr, 0x608);
    f[208] = ACPI_GAS_MEMORY;                   /* memory: any address */
    tb_seal(f);
    assert_true(acpi_pm_timer(tpa(f), &t));
    assert_int_equal(t.space, ACPI_GAS_MEMORY);
    assert_int_equal(t.addr, 0x1b008);
    f[208] = ACPI_GAS_IO;
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

/* Table 5.9 offsets of the FADT fields these tests fill. */
#define F_SMI_CMD 48
#define F_ACPI_ENABLE 52
#define F_PM1A 64
#define F_FLAGS 112
#define F_X_DSDT 140
#define F_X_PM1A 172
#define F_X_PM1B 184
#define F_SLEEP_CTL 244
#define HW_REDUCED (1u << 20)

static void put_gas(uint8_t *g, uint8_t space, uint8_t bits, uint64_t addr)
{
    g[0] = space, g[1] = bits;
    tb_put64(g + 4, addr);
}

/* An ACPI 6 FADT (276 bytes) with the DSDT of dsdt_sample(), behind an
 * XSDT and RSDP; returns the FADT for the caller to fill and seal. */
static uint8_t *fadt6(uint64_t *rsdp)
{
    uint8_t *f = tb_table("FACP", 276);
    tb_put64(f + F_X_DSDT, tpa(dsdt_sample()));
    uint64_t fa = tpa(f);
    uint8_t *x = tb_sdt(8, &fa, 1), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(x));
    *rsdp = tpa(r);
    return f;
}

/* 5.2.9: a non-zero X_PM1x_CNT_BLK wins over the 32-bit field, in I/O or
 * memory space; a zero one leaves the 32-bit port. */
static void test_acpi_fadt_x_pm1_preferred_io_and_memory(void **state)
{
    (void)state;
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_PM1A, 0x404);
    put_gas(f + F_X_PM1A, ACPI_GAS_IO, 16, 0x604);
    put_gas(f + F_X_PM1B, ACPI_GAS_MEMORY, 16, 0xfed00010);
    tb_seal(f);
    struct acpi_power p;
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_true(p.pm1a_x);
    assert_int_equal(p.pm1a_cnt.space, ACPI_GAS_IO);
    assert_int_equal(p.pm1a_cnt.addr, 0x604);
    assert_true(p.pm1b_x);
    assert_int_equal(p.pm1b_cnt.space, ACPI_GAS_MEMORY);
    assert_int_equal(p.pm1b_cnt.addr, 0xfed00010);

    put_gas(f + F_X_PM1A, ACPI_GAS_IO, 16, 0);
    tb_seal(f);
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_false(p.pm1a_x);
    assert_int_equal(p.pm1a_cnt.addr, 0x404);
}

/* A register address past the 16-bit port space names no port (an OUT
 * would cut it to another one) and one in memory above the identity map
 * cannot be reached: each counts as absent, the X_ field giving way to
 * the 32-bit one (each was used before: checked). */
static void test_acpi_fadt_unreachable_registers_absent(void **state)
{
    (void)state;
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_SMI_CMD, 0x100b2);
    tb_put32(f + F_PM1A, 0x404);
    tb_put32(f + F_PM1A + 4, 0x10404);          /* PM1b_CNT_BLK */
    put_gas(f + F_X_PM1A, ACPI_GAS_IO, 16, 0x10604);
    put_gas(f + F_X_PM1B, ACPI_GAS_MEMORY, 16, VMI_IDENTITY_MAPPED_END);
    tb_put32(f + F_FLAGS, 1u << 10);            /* RESET_REG_SUP */
    put_gas(f + 116, ACPI_GAS_IO, 8, 0x10cf9);
    f[128] = 6;
    tb_seal(f);
    struct acpi_power p;
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_false(p.pm1a_x);
    assert_int_equal(p.pm1a_cnt.addr, 0x404);
    assert_false(p.pm1b_x);
    assert_int_equal(p.pm1b_cnt.addr, 0);
    assert_int_equal(p.smi_cmd, 0);
    assert_false(p.reset);
    put_gas(f + 116, ACPI_GAS_MEMORY, 8, VMI_IDENTITY_MAPPED_END - 4096);
    tb_seal(f);
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_true(p.reset);
    tb_put32(f + F_FLAGS, HW_REDUCED);
    put_gas(f + F_SLEEP_CTL, ACPI_GAS_MEMORY, 8, VMI_IDENTITY_MAPPED_END);
    tb_seal(f);
    power_init(rsdp);
    assert_string_equal(power_off_try(0), "hardware-reduced ACPI without a "
                        "SLEEP_CONTROL_REG");
    assert_int_equal(mock.nmmio, 0);
}

/* 4.1: a hardware-reduced FADT keeps only SLEEP_CONTROL_REG. */
static void test_acpi_fadt_hw_reduced_sleep_control(void **state)
{
    (void)state;
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_FLAGS, HW_REDUCED);
    tb_put32(f + F_PM1A, 0x604);
    put_gas(f + F_SLEEP_CTL, ACPI_GAS_MEMORY, 8, 0xfea00000);
    tb_seal(f);
    struct acpi_power p;
    assert_true(acpi_parse_fadt(tpa(f), &p));
    assert_true(p.hw_reduced);
    assert_int_equal(p.pm1a_cnt.addr, 0);
    assert_int_equal(p.sleep_ctl.space, ACPI_GAS_MEMORY);
    assert_int_equal(p.sleep_ctl.addr, 0xfea00000);
}

/* The \_S5 scan reads nothing past the length it is given: the bytes
 * after a cut complete a valid package, and no cut finds it. */
static void test_acpi_s5_scan_bounded_by_length(void **state)
{
    (void)state;
    uint8_t *d = dsdt_sample(), a, b;
    size_t len = acpi_table_len(tpa(d));
    for (size_t cut = ACPI_HDR_LEN; cut < len; cut++)
        assert_false(acpi_s5_find(d, cut, &a, &b));
    assert_true(acpi_s5_find(d, len, &a, &b));
    /* A package with a two-byte PkgLength (lead 0x46, then 0x00: 6). */
    static const uint8_t two[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x46, 0x00,
                                   0x04, 0x0a, 0x05, 0x01 };
    uint8_t *t = tb_table("DSDT", 36 + sizeof(two));
    memcpy(t + 36, two, sizeof(two));
    assert_true(acpi_s5_find(t, 36 + sizeof(two), &a, &b));
    assert_int_equal(a, 5);
    assert_false(acpi_s5_find(t, 36 + sizeof(two) - 1, &a, &b));
}

/* Port reads for the power tests: PM1a_CNT at 0x604 (SCI_EN as set by
 * the "firmware"), anything else all ones. */
static unsigned pm1_sci_en, smi_sets_sci_en;

static int pm1_port(uint16_t port)
{
    if (port == 0x604)
        return pm1_sci_en ? 0x01 : 0x00;
    if (port == 0x605)
        return 0;
    return -1;
}

static void sci_on_smi(void)
{
    for (unsigned i = 0; i < mock.nout; i++)
        if (mock.out_log[i].where == 0xb2 && smi_sets_sci_en)
            pm1_sci_en = 1;
}

static int pm1_port_smi(uint16_t port)
{
    sci_on_smi();
    return pm1_port(port);
}

static uint64_t legacy_fadt(uint8_t **fp)
{
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_SMI_CMD, 0xb2);
    f[F_ACPI_ENABLE] = 0xf1;
    tb_put32(f + F_PM1A, 0x404);
    put_gas(f + F_X_PM1A, ACPI_GAS_IO, 16, 0x604);
    tb_seal(f);
    if (fp)
        *fp = f;
    return rsdp;
}

/* SCI_EN clear: ACPI_ENABLE to SMI_CMD, then SLP_TYP, then SLP_TYP |
 * SLP_EN through X_PM1a_CNT_BLK (not the 32-bit 0x404), SCI_EN kept. */
static void test_power_off_enables_acpi_then_s5_through_x_pm1a(void **state)
{
    (void)state;
    char uart[256];
    power_init(legacy_fadt(NULL));
    pm1_sci_en = 0, smi_sets_sci_en = 1;
    mock.inb_hook = pm1_port_smi;
    uart_early();                   /* its set-up writes are not ours */
    mock.nout = 0;
    const char *why = power_off_try(0);
    assert_string_equal(why, "S5 written, still running");
    assert_int_equal(mock.out_log[0].where, VMI_DEBUG_EXIT_PORT);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0xb2), 0xf1);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x404), 0);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x604), 2);
    unsigned i = mock.nout;
    while (mock.out_log[--i].where != 0x604)
        ;
    assert_int_equal(mock.out_log[i].val, 1u | 5u << 10 | 1u << 13);
    assert_int_equal(mock.out_log[i].size, 2);
    while (mock.out_log[--i].where != 0x604)
        ;
    assert_int_equal(mock.out_log[i].val, 1u | 5u << 10);
    assert_string_equal(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                        "vmi: power off: ACPI mode through SMI_CMD 0xb2, "
                        "ACPI S5 through X_PM1a_CNT_BLK (I/O 0x604)\n");
}

/* SCI_EN already set: no SMI; firmware that never sets it: a bounded
 * wait, then S5 anyway, and the failure says so. */
static void test_power_off_acpi_enable_is_skipped_or_bounded(void **state)
{
    (void)state;
    power_init(legacy_fadt(NULL));
    pm1_sci_en = 1;
    mock.inb_hook = pm1_port;
    power_off_try(0);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0xb2), 0);

    mock.nout = 0;
    pm1_sci_en = 0, smi_sets_sci_en = 0;
    assert_string_equal(power_off_try(0), "SCI_EN stayed clear; S5 written, still running");
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0xb2), 1);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x604), 2);
}

/* Hardware-reduced (QEMU microvm): one write of SLP_TYP << 2 | SLP_EN
 * to SLEEP_CONTROL_REG, no PM1 port, no SMI. */
static void test_power_off_hw_reduced_writes_sleep_control(void **state)
{
    (void)state;
    char uart[256];
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_FLAGS, HW_REDUCED);
    tb_put32(f + F_SMI_CMD, 0xb2);
    put_gas(f + F_SLEEP_CTL, ACPI_GAS_MEMORY, 8, 0xfea00000);
    tb_seal(f);
    power_init(rsdp);
    uart_early();
    mock.nout = 0;
    assert_string_equal(power_off_try(0), "SLEEP_CONTROL_REG written, still running");
    assert_int_equal(mock.nmmio, 1);
    assert_int_equal(mock.mmio_log[0].where, 0xfea00000);
    assert_int_equal(mock.mmio_log[0].val, 5u << 2 | 1u << 5);
    assert_int_equal(mock.mmio_log[0].size, 1);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0xb2), 0);
    assert_string_equal(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                        "vmi: power off: ACPI S5 through SLEEP_CONTROL_REG "
                        "(memory 0xfea00000)\n");
}

/* Every way failed: one line saying what, then cli; hlt (code 0), or
 * the crash path for another code. */
static void test_power_off_failure_says_why_then_halts(void **state)
{
    (void)state;
    char e9[256];
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_FLAGS, HW_REDUCED);
    tb_seal(f);
    power_init(rsdp);
    mock.rflags = 0x202;
    assert_int_equal(MOCK_RUN_TO_STOP(power_off(VMI_EXIT_OK)), MOCK_HALTED);
    assert_int_equal(mock.rflags & 0x200, 0);
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)),
                        "vmi: power off failed: no debug-exit device at port "
                        "0xf4, ACPI S5: hardware-reduced ACPI without a "
                        "SLEEP_CONTROL_REG; halting\n");
    mock.nout = 0;
    power_init(0);
    assert_int_equal(MOCK_RUN_TO_STOP(power_off(7)), MOCK_TRIPLE);
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)),
                        "vmi: power off failed: no debug-exit device at port "
                        "0xf4, ACPI S5: no ACPI FADT; ending as a crash\n"
                        "vmi: exit 7\n");
}

/* 4.8.3.6: a RESET_REG in PCI configuration space (bus 0, device 31,
 * function 0, offset 0x44) goes through mechanism #1 at 0xcf8/0xcfc. */
static void test_power_reset_reg_pci_config(void **state)
{
    (void)state;
    uint64_t rsdp;
    uint8_t *f = fadt6(&rsdp);
    tb_put32(f + F_FLAGS, 1u << 10);
    put_gas(f + 116, ACPI_GAS_PCI, 8, 31ull << 32 | 0ull << 16 | 0x45);
    f[128] = 0x0e;
    tb_seal(f);
    power_init(rsdp);
    mock.nout = 0;
    power_reset_try();
    assert_int_equal(mock.out_log[0].where, 0xcf8);
    assert_int_equal(mock.out_log[0].val, 0x80000000u | 31u << 11 | 0x44);
    assert_int_equal(mock.out_log[0].size, 4);
    assert_int_equal(mock.out_log[1].where, 0xcfd);
    assert_int_equal(mock.out_log[1].val, 0x0e);
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
        cmocka_unit_test_setup(test_acpi_tables_outside_the_identity_map_ignored, setup),
        cmocka_unit_test_setup(test_acpi_rsdp_bad_checksum_invalid, setup),
        cmocka_unit_test_setup(test_acpi_rsdp_length_field_not_trusted, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_scans_bios_area, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_scans_ebda_first, setup),
        cmocka_unit_test_setup(test_acpi_find_rsdp_valid_hint_wins, setup),
        cmocka_unit_test_setup(test_acpi_s5_found_after_decoy, setup),
        cmocka_unit_test_setup(test_acpi_s5_absent_not_found, setup),
        cmocka_unit_test_setup(test_acpi_fadt_pm1_reset_and_s5, setup),
        cmocka_unit_test_setup(test_acpi_madt_ioapics_listed, setup),
        cmocka_unit_test_setup(test_acpi_pm_timer_x_block_preferred_then_legacy, setup),
        cmocka_unit_test_setup(test_acpi_hpet_base_from_table, setup),
        cmocka_unit_test_setup(test_acpi_fadt_x_pm1_preferred_io_and_memory, setup),
        cmocka_unit_test_setup(test_acpi_fadt_hw_reduced_sleep_control, setup),
        cmocka_unit_test_setup(test_acpi_fadt_unreachable_registers_absent, setup),
        cmocka_unit_test_setup(test_acpi_s5_scan_bounded_by_length, setup),
        cmocka_unit_test_setup(test_power_off_enables_acpi_then_s5_through_x_pm1a, setup),
        cmocka_unit_test_setup(test_power_off_acpi_enable_is_skipped_or_bounded, setup),
        cmocka_unit_test_setup(test_power_off_hw_reduced_writes_sleep_control, setup),
        cmocka_unit_test_setup(test_power_off_failure_says_why_then_halts, setup),
        cmocka_unit_test_setup(test_power_reset_reg_pci_config, setup),
        cmocka_unit_test_setup(test_smp_cpus_bsp_first_then_madt_order, setup),
        cmocka_unit_test_setup(test_smp_cpus_no_madt_is_bsp_alone, setup),
    };
    return cmocka_run_group_tests_name("common_acpi", tests, NULL, NULL);
}
