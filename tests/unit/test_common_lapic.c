/* SPDX-License-Identifier: MIT */
/* test_common_lapic.c: LAPIC mode selection, enabling, ICR encoding and
 * timer programming (backends/common/lapic.c) on the mocked machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lapic.h"
#include "mock.h"
#include "vmi.h"

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    mock_set_msr(MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EN | (1u << 8));
    return 0;
}

static void test_lapic_detect_cpuid_x2apic_selects_msr_mode(void **state)
{
    (void)state;
    struct lapic l;
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_X2APIC, 0);
    lapic_detect(&l);
    assert_true(l.x2apic);
}

static void test_lapic_detect_no_x2apic_selects_mmio_base(void **state)
{
    (void)state;
    struct lapic l;
    mock_set_cpuid(1, 0, 0, 0, 0, 0);
    lapic_detect(&l);
    assert_false(l.x2apic);
    assert_int_equal(l.base, 0xfee00000ull);
}

static void test_lapic_enable_from_disabled_goes_through_xapic(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = true };
    mock_set_msr(MSR_APIC_BASE, 0xfee00000ull);
    lapic_enable(&l, 0xff);
    /* SDM 11.12.5: disabled -> xAPIC -> x2APIC, two writes. */
    assert_int_equal(mock.nwrmsr >= 2, 1);
    assert_int_equal(mock.wrmsr_log[0].where, MSR_APIC_BASE);
    assert_int_equal(mock.wrmsr_log[0].val, 0xfee00000ull | APIC_BASE_EN);
    assert_int_equal(mock.wrmsr_log[1].val,
                     0xfee00000ull | APIC_BASE_EN | APIC_BASE_EXTD);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr, 0x80f), 0x1ff);
}

static void test_lapic_enable_xapic_writes_svr_by_mmio(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = false, .base = 0xfee00000ull };
    lapic_enable(&l, 0xff);
    assert_int_equal(mock.nwrmsr, 0);
    assert_int_equal(mock_last_write(mock.mmio_log, mock.nmmio,
                                     0xfee00000ull + LAPIC_SVR), 0x1ff);
}

static void test_lapic_ipi_x2apic_one_icr_msr_write(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = true };
    lapic_send_ipi(&l, 300, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | 0xf1);
    assert_int_equal(mock.nwrmsr, 1);
    assert_int_equal(mock.wrmsr_log[0].where, MSR_X2APIC_ICR);
    assert_int_equal(mock.wrmsr_log[0].val, (300ull << 32) | 0x40f1);
    assert_int_equal(mock.nmfence, 1);
}

static void test_lapic_ipi_xapic_high_then_low(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = false, .base = 0xfee00000ull };
    lapic_send_ipi(&l, 3, LAPIC_ICR_STARTUP | LAPIC_ICR_ASSERT | 0x08);
    assert_int_equal(mock.nmmio, 2);
    assert_int_equal(mock.mmio_log[0].where, 0xfee00310ull);
    assert_int_equal(mock.mmio_log[0].val, 3u << 24);
    assert_int_equal(mock.mmio_log[1].where, 0xfee00300ull);
    assert_int_equal(mock.mmio_log[1].val, 0x4608);
}

static void test_lapic_icr_encodings_match_sdm(void **state)
{
    (void)state;
    assert_int_equal(lapic_icr(true, 5, 0x40f0), (5ull << 32) | 0x40f0);
    assert_int_equal(lapic_icr(false, 5, 0x40f0), (5ull << 56) | 0x40f0);
}

static void test_lapic_id_xapic_bits_31_24(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = false, .base = 0xfee00000ull };
    mock.mmio[LAPIC_ID / 4] = 7u << 24;
    assert_int_equal(lapic_id(&l), 7);
    struct lapic x = { .x2apic = true };
    mock_set_msr(0x802, 300);
    assert_int_equal(lapic_id(&x), 300);
}

static void test_lapic_timer_deadline_mode_lvt_and_fence(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = true };
    lapic_timer_setup(&l, 0xf0, true);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr, 0x832),
                     0xf0 | (2u << 17));
    assert_int_equal(mock.nmfence, 1);
    lapic_timer_deadline(12345);
    assert_int_equal(mock_msr_value(MSR_TSC_DEADLINE), 12345);
}

static void test_lapic_timer_hz_measures_against_tsc(void **state)
{
    (void)state;
    struct lapic l = { .x2apic = false, .base = 0xfee00000ull };
    /* The mock TSC (1 GHz, step 1000 per read) crosses 1 ms in about
     * 1000 reads; the count register says 1e6 ticks went by. */
    mock.tsc_step = 1000;
    mock.mmio[LAPIC_TIMER_CUR / 4] = 0xffffffffu - 1000000u;
    uint64_t hz = lapic_timer_hz(&l, 1000000000ull);
    assert_true(hz > 900000000ull && hz < 1100000000ull);
    assert_int_equal(mock_last_write(mock.mmio_log, mock.nmmio,
                                     0xfee00000ull + LAPIC_TIMER_INIT), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lapic_detect_cpuid_x2apic_selects_msr_mode, setup),
        cmocka_unit_test_setup(test_lapic_detect_no_x2apic_selects_mmio_base, setup),
        cmocka_unit_test_setup(test_lapic_enable_from_disabled_goes_through_xapic, setup),
        cmocka_unit_test_setup(test_lapic_enable_xapic_writes_svr_by_mmio, setup),
        cmocka_unit_test_setup(test_lapic_ipi_x2apic_one_icr_msr_write, setup),
        cmocka_unit_test_setup(test_lapic_ipi_xapic_high_then_low, setup),
        cmocka_unit_test_setup(test_lapic_icr_encodings_match_sdm, setup),
        cmocka_unit_test_setup(test_lapic_id_xapic_bits_31_24, setup),
        cmocka_unit_test_setup(test_lapic_timer_deadline_mode_lvt_and_fence, setup),
        cmocka_unit_test_setup(test_lapic_timer_hz_measures_against_tsc, setup),
    };
    return cmocka_run_group_tests_name("common_lapic", tests, NULL, NULL);
}
