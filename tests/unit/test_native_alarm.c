/* SPDX-License-Identifier: MIT */
/* test_native_alarm.c: time, alarm programming and the lazy-MMU flush
 * queue of the native backend, on a mocked PC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "native_machine.h"

static unsigned alarms;

void vmi_event(vmi_event_t ev)
{
    alarms += ev == VMI_EVENT_ALARM;
}

static int boot_machine(void)
{
    struct vmi_boot b = { .rsdp = machine_acpi(), .cmdline = "" };
    alarms = 0;
    assert_int_equal(vmi_ops.init(&b), VMI_OK);
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    return 0;
}

static int modern(void **state)
{
    (void)state;
    machine_modern();
    return boot_machine();
}

static int legacy(void **state)
{
    (void)state;
    machine_legacy();
    return boot_machine();
}

static void test_native_time_ns_scales_tsc(void **state)
{
    (void)state;
    mock.tsc = native.clock.tsc0 + MACHINE_TSC_HZ * 3;     /* 3 s later */
    mock.tsc_step = 0;
    uint64_t ns = vmi_ops.time_ns();
    assert_true(ns >= 2999999996ull && ns <= 3000000000ull);
}

static void test_native_time_ns_monotonic(void **state)
{
    (void)state;
    mock.tsc_step = 3;
    uint64_t prev = vmi_ops.time_ns();
    for (unsigned i = 0; i < 10000; i++) {
        uint64_t t = vmi_ops.time_ns();
        assert_true(t >= prev);
        prev = t;
    }
}

static void test_native_wallclock_from_cmos(void **state)
{
    (void)state;
    machine_modern();
    mock.cmos[0x0a] = 0x26, mock.cmos[0x0b] = 0x02;
    mock.cmos[0x09] = 0x24, mock.cmos[0x08] = 0x02, mock.cmos[0x07] = 0x29;
    mock.cmos[0x04] = 0x12, mock.cmos[0x02] = 0x34, mock.cmos[0x00] = 0x56;
    boot_machine();
    uint64_t w = vmi_ops.wallclock_ns() / 1000000000ull;
    assert_true(w >= 1709210096ull && w <= 1709210097ull);
}

static void test_native_wallclock_no_rtc_zero(void **state)
{
    (void)state;
    assert_int_equal(vmi_ops.wallclock_ns(), 0);    /* mock CMOS all zero */
}

static void test_native_alarm_deadline_converts_to_tsc(void **state)
{
    (void)state;
    mock.tsc_step = 0;
    vmi_ops.alarm_set(1000000000ull);               /* 1 s after tsc0 */
    uint64_t d = mock_msr_value(MSR_TSC_DEADLINE);
    uint64_t want = native.clock.tsc0 + MACHINE_TSC_HZ;
    /* Never early; late only by the conversions' rounding. */
    assert_true(d >= want && d <= want + 4);
}

static void test_native_alarm_past_deadline_fires_at_once(void **state)
{
    (void)state;
    mock.tsc = native.clock.tsc0 + MACHINE_TSC_HZ * 10;
    vmi_ops.alarm_set(5);
    uint64_t d = mock_msr_value(MSR_TSC_DEADLINE);
    /* Any non-zero value at or below the current TSC fires at once. */
    assert_true(d != 0 && d <= mock.tsc);
}

static void test_native_alarm_fire_due_raises_once(void **state)
{
    (void)state;
    vmi_ops.alarm_set(1000);
    mock.tsc = native.clock.tsc0 + MACHINE_TSC_HZ;
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(alarms, 1);
}

static void test_native_alarm_early_fire_rearms_silently(void **state)
{
    (void)state;
    vmi_ops.alarm_set(5000000000ull);
    mock.nwrmsr = 0;
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(alarms, 0);
    assert_true(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, MSR_TSC_DEADLINE) == 1);
}

static void test_native_alarm_cancel_disarms_and_drops(void **state)
{
    (void)state;
    vmi_ops.alarm_set(1000);
    vmi_ops.alarm_cancel();
    assert_int_equal(mock_msr_value(MSR_TSC_DEADLINE), 0);
    mock.tsc = native.clock.tsc0 + MACHINE_TSC_HZ;
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(alarms, 0);
}

static uint32_t tmict(void)
{
    return (uint32_t)mock_last_write(mock.mmio_log, mock.nmmio,
                                     0xfee00000ull + LAPIC_TIMER_INIT);
}

static void test_native_alarm_oneshot_count_and_clamps(void **state)
{
    (void)state;
    mock.tsc_step = 0;
    uint64_t now = vmi_ops.time_ns();
    vmi_ops.alarm_set(now + 1000000);               /* 1 ms */
    uint64_t want = tsc_scale_apply(&x86pc.ns_to_lapic, 1000000);
    assert_true(want > 0);
    assert_int_equal(tmict(), want);
    vmi_ops.alarm_set(now > 10 ? now - 10 : 0);     /* past: minimum */
    assert_int_equal(tmict(), 1);
    vmi_ops.alarm_set(now + 3600000000000ull);      /* 1 h: clamped */
    assert_int_equal(tmict(), 0xffffffffu);
    vmi_ops.alarm_cancel();
    assert_int_equal(tmict(), 0);
}

static void test_native_lazy_flush_page_deferred_to_end(void **state)
{
    (void)state;
    vmi_ops.mmu_lazy_begin();
    vmi_ops.tlb_flush_page(0x1000);
    vmi_ops.tlb_flush_page(0x2000);
    vmi_ops.tlb_flush_multi(1, 0x3000, 1);
    assert_int_equal(mock.ninvlpg, 0);
    vmi_ops.mmu_lazy_end();
    assert_int_equal(mock.ninvlpg, 3);
    assert_int_equal(mock.invlpg_log[2], 0x3000);
}

static void test_native_lazy_overflow_one_full_flush(void **state)
{
    (void)state;
    unsigned cr3 = mock.ncr3_writes;
    vmi_ops.mmu_lazy_begin();
    for (unsigned i = 0; i < FLUSHQ_LEN + 5; i++)
        vmi_ops.tlb_flush_page(0x1000ull * i);
    vmi_ops.mmu_lazy_end();
    assert_int_equal(mock.ninvlpg, 0);
    assert_int_equal(mock.ncr3_writes, cr3 + 1);
}

/* The same overflow with CR4.PGE set: the page flushes it replaced
 * covered global pages too, so the full flush toggles PGE (SDM Vol. 3A
 * 4.10.4.1); a CR3 reload would keep them. */
static void test_native_lazy_overflow_with_pge_flushes_globals(void **state)
{
    (void)state;
    const uint64_t pge = 1ull << 7;
    uint64_t cr4 = mock.cr[4] |= pge;
    mock.ncr4_writes = 0;
    vmi_ops.mmu_lazy_begin();
    for (unsigned i = 0; i < FLUSHQ_LEN + 5; i++)
        vmi_ops.tlb_flush_page(0x1000ull * i);
    vmi_ops.mmu_lazy_end();
    assert_int_equal(mock.ninvlpg, 0);
    assert_int_equal(mock.ncr4_writes, 2);
    assert_int_equal(mock.cr4_log[0], cr4 & ~pge);
    assert_int_equal(mock.cr4_log[1], cr4);
}

/* A 33-page flush of this CPU with CR4.PGE set flushes globals; the
 * VMI_FLUSH_ALL one stays a CR3 reload. */
static void test_native_flush_multi_wide_range_flushes_globals(void **state)
{
    (void)state;
    const uint64_t pge = 1ull << 7;
    mock.cr[4] |= pge;
    mock.ncr4_writes = 0;
    unsigned cr3 = mock.ncr3_writes;
    vmi_ops.tlb_flush_multi(1, 0x400000, 33);
    assert_int_equal(mock.ncr4_writes, 2);
    vmi_ops.tlb_flush_multi(1, 0, VMI_FLUSH_ALL);
    assert_int_equal(mock.ncr4_writes, 2);
    assert_int_equal(mock.ncr3_writes, cr3 + 1);
    assert_int_equal(mock.ninvlpg, 0);
}

static void test_native_flush_multi_offline_targets_skipped(void **state)
{
    (void)state;
    /* CPU 1 never ran cpu_init: no IPI, no wait; the local page goes. */
    vmi_ops.tlb_flush_multi(0x3, 0x5000, 1);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_native_time_ns_scales_tsc, modern),
        cmocka_unit_test_setup(test_native_time_ns_monotonic, modern),
        cmocka_unit_test(test_native_wallclock_from_cmos),
        cmocka_unit_test_setup(test_native_wallclock_no_rtc_zero, modern),
        cmocka_unit_test_setup(test_native_alarm_deadline_converts_to_tsc, modern),
        cmocka_unit_test_setup(test_native_alarm_past_deadline_fires_at_once, modern),
        cmocka_unit_test_setup(test_native_alarm_fire_due_raises_once, modern),
        cmocka_unit_test_setup(test_native_alarm_early_fire_rearms_silently, modern),
        cmocka_unit_test_setup(test_native_alarm_cancel_disarms_and_drops, modern),
        cmocka_unit_test_setup(test_native_alarm_oneshot_count_and_clamps, legacy),
        cmocka_unit_test_setup(test_native_lazy_flush_page_deferred_to_end, modern),
        cmocka_unit_test_setup(test_native_lazy_overflow_one_full_flush, modern),
        cmocka_unit_test_setup(test_native_lazy_overflow_with_pge_flushes_globals, modern),
        cmocka_unit_test_setup(test_native_flush_multi_wide_range_flushes_globals, modern),
        cmocka_unit_test_setup(test_native_flush_multi_offline_targets_skipped, modern),
    };
    return cmocka_run_group_tests_name("native_alarm", tests, NULL, NULL);
}
