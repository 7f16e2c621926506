/* SPDX-License-Identifier: MIT */
/*
 * test_common_x86pc.c: the LAPIC-driving backends' shared mechanisms
 * (backends/common/x86pc*.c, pic.c) with the hooks a backend plugs in: the
 * alarm on a time base of the test's own and on a timer of the
 * backend's own, the event dispatcher with an EOI hook, the flush path
 * with a filter, a remote-flush hook and a send hook, and cpu_init's two
 * halves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mock.h"
#include "x86pc.h"
#include "pic.h"

#define X2APIC_EOI 0x80b
#define X2APIC_ICR 0x830
#define X2APIC_TMICT 0x838

static unsigned events[VMI_EVENT_COUNT];
static unsigned eois, eoi_cpu, eois_at_event;
static uint32_t pending_at_eoi;
static uint64_t now_ns;

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
    eois_at_event = eois;
}

static uint64_t fake_now(void)
{
    return now_ns;
}

static void fake_eoi(unsigned cpu)
{
    eois++;
    eoi_cpu = cpu;
    pending_at_eoi = x86pc.sd.box[cpu].pending;
}

/* Two CPUs (APIC IDs 0 and 5), x2APIC, both online; we run on CPU 0. */
static int setup(void **state)
{
    (void)state;
    static const uint32_t ids[] = { 0, 5 };
    mock_reset();
    memset(&x86pc, 0, sizeof(x86pc));
    memset(events, 0, sizeof(events));
    eois = eoi_cpu = eois_at_event = pending_at_eoi = 0;
    now_ns = 0;
    smp_cpus_order(&x86pc.cpus, ids, 2, 0);
    x86pc.lapic.x2apic = true;
    x86pc.online = 0x3;
    x86pc.lapic_alarm = true;
    x86pc.now = fake_now;
    tsc_scale_from_ns(&x86pc.from_ns, 1000000000);     /* 1 tick per ns */
    tsc_scale_from_ns(&x86pc.ns_to_lapic, 1000000000);
    return 0;
}

static void test_pc_alarm_deadline_from_now_not_early(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    /* The time base is not the TSC's: only the wait is converted. */
    now_ns = 100;
    mock.tsc = 7000;
    x86pc_alarm_set(600);
    int64_t at = mock_last_write(mock.wrmsr_log, mock.nwrmsr, MSR_TSC_DEADLINE);
    assert_true(at >= 7000 + 500 && at <= 7000 + 500 + 2);
    assert_true(x86pc.cpu[0].alarm_armed);
}

static void test_pc_alarm_deadline_past_fires_at_once(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    now_ns = 1000;
    mock.tsc = 7000;
    x86pc_alarm_set(10);
    int64_t at = mock_last_write(mock.wrmsr_log, mock.nwrmsr, MSR_TSC_DEADLINE);
    /* Non-zero (0 disarms) and no later than the next TSC tick. */
    assert_true(at > 0 && (uint64_t)at <= mock.tsc);
}

static void test_pc_alarm_oneshot_count_clamped(void **state)
{
    (void)state;
    now_ns = 1000;
    x86pc_alarm_set(1000 + 250);
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 250);
    x86pc_alarm_set(5);                            /* past: the minimum */
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 1);
    x86pc_alarm_set(1000 + (1ull << 40));          /* too far: 32-bit piece */
    assert_int_equal(mock_msr_value(X2APIC_TMICT), UINT32_MAX);
    x86pc_alarm_cancel();
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 0);
}

static void test_pc_alarm_fire_early_rearms_then_raises_once(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    x86pc_alarm_set(10000);
    mock.nwrmsr = 0;
    now_ns = 5000;
    x86pc_event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       MSR_TSC_DEADLINE), 1);
    now_ns = 10000;
    x86pc_event_dispatch(X86PC_VEC_ALARM);
    x86pc_event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_false(x86pc.cpu[0].alarm_armed);
}

static void test_pc_alarm_cancel_drops_late_fire(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    x86pc_alarm_set(10);
    x86pc_alarm_cancel();
    assert_int_equal(mock_msr_value(MSR_TSC_DEADLINE), 0);
    now_ns = 20;
    x86pc_event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
}

static unsigned arms, stops, arm_cpu;
static uint64_t arm_deadline;

static void fake_arm(unsigned cpu, uint64_t deadline_ns)
{
    arms++;
    arm_cpu = cpu;
    arm_deadline = deadline_ns;
}

static void fake_stop(unsigned cpu)
{
    stops++;
    arm_cpu = cpu;
}

static void own_timer(void)
{
    arms = stops = 0;
    arm_cpu = 99;
    x86pc.alarm_arm = fake_arm;
    x86pc.alarm_stop = fake_stop;
    x86pc.lapic_alarm = false;
}

static void test_pc_alarm_own_timer_gets_deadline_lapic_untouched(void **state)
{
    (void)state;
    own_timer();
    x86pc.tsc_deadline = true;
    mock_set_msr(0x802, 5);                     /* running on CPU 1 */
    x86pc_alarm_set(600);
    assert_int_equal(arms, 1);
    assert_int_equal(arm_cpu, 1);
    assert_int_equal(arm_deadline, 600);
    x86pc_alarm_cancel();
    assert_int_equal(stops, 1);
    assert_false(x86pc.cpu[1].alarm_armed);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       MSR_TSC_DEADLINE), 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_TMICT), 0);
}

static void test_pc_alarm_own_timer_early_fire_rearms_then_raises(void **state)
{
    (void)state;
    own_timer();
    x86pc_alarm_set(1000);
    now_ns = 400;
    x86pc_event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(arms, 2);
    assert_int_equal(arm_deadline, 1000);
    now_ns = 1000;
    x86pc_alarm_fire(0);
    x86pc_alarm_fire(0);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_int_equal(arms, 2);
}

static void test_pc_alarm_init_own_timer_no_calibration(void **state)
{
    (void)state;
    own_timer();
    x86pc.tsc_hz = 1000000000;
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_TSC_DEADLINE, 0);
    x86pc_alarm_init(fake_now);
    /* The mode is still known (for info), but nothing is measured. */
    assert_true(x86pc.tsc_deadline);
    assert_ptr_equal(x86pc.now, fake_now);
    mock_set_cpuid(1, 0, 0, 0, 0, 0);
    x86pc_alarm_init(fake_now);
    assert_int_equal(mock.nwrmsr, 0);
}

static void test_pc_dispatch_eoi_hook_before_ipi_event(void **state)
{
    (void)state;
    x86pc.eoi = fake_eoi;
    mock_set_msr(0x802, 5);                     /* running on CPU 1 */
    x86pc_event_dispatch(X86PC_VEC_IPI);
    assert_int_equal(events[VMI_EVENT_IPI], 1);
    assert_int_equal(eois_at_event, 1);
    assert_int_equal(eoi_cpu, 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_EOI), 0);
}

static void test_pc_dispatch_flush_done_before_eoi(void **state)
{
    (void)state;
    x86pc.eoi = fake_eoi;
    x86pc.sd.box[0] = (struct shootdown_box){ .pending = 1, .va = 0x7000,
                                           .npages = 1 };
    x86pc_event_dispatch(X86PC_VEC_FLUSH);
    assert_int_equal(eois, 1);
    assert_int_equal(pending_at_eoi, 0);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
}

static void test_pc_dispatch_no_hook_unknown_vector_lapic_eoi(void **state)
{
    (void)state;
    x86pc_event_dispatch(0xfe);
    x86pc_irq_eoi();
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_EOI), 2);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
}

static void test_pc_send_lapic_fixed_ipi_to_table_cpus_only(void **state)
{
    (void)state;
    x86pc_ipi_send(0x6);               /* CPU 2 is not in the table */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_ICR), 1);
    assert_int_equal(mock_msr_value(X2APIC_ICR),
                     (5ull << 32) | LAPIC_ICR_ASSERT | X86PC_VEC_IPI);
}

static vmi_cpumask_t filtered_in;

static vmi_cpumask_t drop_all(vmi_cpumask_t cpus)
{
    filtered_in = cpus;
    return 0;
}

static void test_pc_flush_filter_dropped_targets_get_no_ipi(void **state)
{
    (void)state;
    x86pc.flush_filter = drop_all;
    x86pc_tlb_flush_multi(0x3, 0x400000, 1);
    assert_int_equal(filtered_in, 0x2);         /* not ourselves */
    assert_int_equal(mock.ninvlpg, 1);          /* our own, locally */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_ICR), 0);
}

static vmi_cpumask_t remote_in;
static vmi_vaddr_t remote_va;
static unsigned remote_self;

/* Flushes every target but CPU 2 itself. */
static vmi_cpumask_t remote_but_2(unsigned self, vmi_cpumask_t cpus,
                                  vmi_vaddr_t va, uint64_t npages)
{
    (void)npages;
    remote_self = self;
    remote_in = cpus;
    remote_va = va;
    return cpus & 0x4;
}

static void test_pc_flush_remote_hook_takes_range_and_leaves_none(void **state)
{
    (void)state;
    x86pc.flush_remote = remote_but_2;
    x86pc_tlb_flush_multi(0x3, 0x400000, 2);
    assert_int_equal(remote_self, 0);
    assert_int_equal(remote_in, 0x2);
    assert_int_equal(remote_va, 0x400000);
    assert_int_equal(mock.ninvlpg, 2);          /* our own, locally */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_ICR), 0);
}

static unsigned kicks;

/* A send hook standing in for the target CPU: it runs the flush handler
 * there at once, so the sender's wait ends. */
static void send_and_serve(vmi_cpumask_t cpus, uint8_t vector)
{
    assert_int_equal(vector, X86PC_VEC_FLUSH);
    for (unsigned c = 0; c < VMI_MAX_CPUS; c++)
        if (cpus >> c & 1) {
            kicks++;
            shootdown_handle(&x86pc.sd, c);
        }
}

static void test_pc_flush_remote_kicked_through_send_hook(void **state)
{
    (void)state;
    kicks = 0;
    x86pc.send = send_and_serve;
    x86pc_tlb_flush_multi(0x2, 0x400000, 1);
    assert_int_equal(kicks, 1);
    assert_int_equal(x86pc.sd.box[1].pending, 0);
    assert_int_equal(mock.ninvlpg, 1);          /* CPU 1's, served here */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_ICR), 0);
}

static void test_pc_flush_offline_target_skipped(void **state)
{
    (void)state;
    x86pc.online = 0x1;
    x86pc_tlb_flush_multi(0x3, 0x5000, 1);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_ICR), 0);
}

static void test_pc_cpu_init_timer_mode_and_online(void **state)
{
    (void)state;
    x86pc.online = 0;
    x86pc.tsc_deadline = true;
    assert_int_equal(x86pc_cpu_init(2), VMI_EINVAL);
    assert_int_equal(x86pc_cpu_init(1), VMI_OK);
    assert_int_equal(x86pc.online, 0x2);
    assert_int_equal(mock_msr_value(0x832),
                     X86PC_VEC_ALARM | LAPIC_TIMER_TSC_DEADLINE);
}

static void test_pc_cpu_enable_own_timer_then_online(void **state)
{
    (void)state;
    own_timer();
    x86pc.online = 0;
    assert_int_equal(x86pc_cpu_enable(2), VMI_EINVAL);
    assert_int_equal(x86pc_cpu_enable(1), VMI_OK);
    assert_int_equal(x86pc.online, 0);             /* not before online */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x832), 0);
    x86pc_cpu_online(1);
    assert_int_equal(x86pc.online, 0x2);
}

static void test_pic_mask_all_masks_both(void **state)
{
    (void)state;
    pic_mask_all();
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x21), 0xff);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0xa1), 0xff);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_pc_alarm_deadline_from_now_not_early),
        T(test_pc_alarm_deadline_past_fires_at_once),
        T(test_pc_alarm_oneshot_count_clamped),
        T(test_pc_alarm_fire_early_rearms_then_raises_once),
        T(test_pc_alarm_cancel_drops_late_fire),
        T(test_pc_alarm_own_timer_gets_deadline_lapic_untouched),
        T(test_pc_alarm_own_timer_early_fire_rearms_then_raises),
        T(test_pc_alarm_init_own_timer_no_calibration),
        T(test_pc_dispatch_eoi_hook_before_ipi_event),
        T(test_pc_dispatch_flush_done_before_eoi),
        T(test_pc_dispatch_no_hook_unknown_vector_lapic_eoi),
        T(test_pc_send_lapic_fixed_ipi_to_table_cpus_only),
        T(test_pc_flush_filter_dropped_targets_get_no_ipi),
        T(test_pc_flush_remote_hook_takes_range_and_leaves_none),
        T(test_pc_flush_remote_kicked_through_send_hook),
        T(test_pc_flush_offline_target_skipped),
        T(test_pc_cpu_init_timer_mode_and_online),
        T(test_pc_cpu_enable_own_timer_then_online),
        T(test_pic_mask_all_masks_both),
    };
#undef T
    return cmocka_run_group_tests_name("common_x86pc", tests, NULL, NULL);
}
