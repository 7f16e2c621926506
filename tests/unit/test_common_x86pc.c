/* SPDX-License-Identifier: MIT */
/*
 * test_common_x86pc.c: the x86 PC platform shared by the backends
 * (backends/common/x86pc*.c, pic.c): the LAPIC alarm on a time base of
 * the test's own, the alarm bookkeeping a timer of a backend's own uses,
 * the event decoding that leaves the EOI to the backend, the flush
 * helpers a backend's own flush is made of (local part, lazy queue,
 * shootdown around the backend's send), and cpu_init's two halves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mock.h"
#include "pic.h"
#include "x86pc.h"

#define X2APIC_EOI 0x80b
#define X2APIC_ICR 0x830
#define X2APIC_TMICT 0x838

static unsigned events[VMI_EVENT_COUNT];

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
}

static unsigned eoi_writes(void)
{
    return mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI);
}

static unsigned icr_writes(void)
{
    return mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_ICR);
}

/* Two CPUs (APIC IDs 0 and 5), x2APIC, both online, the LAPIC timer as
 * the alarm at 1 tick per ns; we run on CPU 0. */
static int setup(void **state)
{
    (void)state;
    static const uint32_t ids[] = { 0, 5 };
    mock_reset();
    memset(&x86pc, 0, sizeof(x86pc));
    memset(events, 0, sizeof(events));
    smp_cpus_order(&x86pc.cpus, ids, 2, 0);
    x86pc.lapic.x2apic = true;
    x86pc.online = 0x3;
    x86pc.lapic_alarm = true;
    tsc_scale_from_ns(&x86pc.from_ns, 1000000000);     /* 1 tick per ns */
    tsc_scale_from_ns(&x86pc.ns_to_lapic, 1000000000);
    return 0;
}

static void test_x86pc_lapic_alarm_deadline_from_now_not_early(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    /* The time base is not the TSC's: only the wait is converted. */
    mock.tsc = 7000;
    x86pc_lapic_alarm_set(600, 100);
    int64_t at = mock_last_write(mock.wrmsr_log, mock.nwrmsr, MSR_TSC_DEADLINE);
    assert_true(at >= 7000 + 500 && at <= 7000 + 500 + 2);
    assert_true(x86pc.cpu[0].alarm_armed);
}

static void test_x86pc_lapic_alarm_deadline_past_fires_at_once(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    mock.tsc = 7000;
    x86pc_lapic_alarm_set(10, 1000);
    int64_t at = mock_last_write(mock.wrmsr_log, mock.nwrmsr, MSR_TSC_DEADLINE);
    /* Non-zero (0 disarms) and no later than the next TSC tick. */
    assert_true(at > 0 && (uint64_t)at <= mock.tsc);
}

static void test_x86pc_lapic_alarm_oneshot_count_clamped(void **state)
{
    (void)state;
    x86pc_lapic_alarm_set(1000 + 250, 1000);
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 250);
    x86pc_lapic_alarm_set(5, 1000);             /* past: the minimum */
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 1);
    x86pc_lapic_alarm_set(1000 + (1ull << 40), 1000);  /* 32-bit piece */
    assert_int_equal(mock_msr_value(X2APIC_TMICT), UINT32_MAX);
    x86pc_lapic_alarm_cancel();
    assert_int_equal(mock_msr_value(X2APIC_TMICT), 0);
}

static void test_x86pc_lapic_alarm_early_rearms_then_raises_once(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    x86pc_lapic_alarm_set(10000, 0);
    mock.nwrmsr = 0;
    x86pc_lapic_alarm_fired(0, 5000);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       MSR_TSC_DEADLINE), 1);
    x86pc_lapic_alarm_fired(0, 10000);
    x86pc_lapic_alarm_fired(0, 10000);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_false(x86pc.cpu[0].alarm_armed);
}

static void test_x86pc_lapic_alarm_cancel_drops_late_fire(void **state)
{
    (void)state;
    x86pc.tsc_deadline = true;
    x86pc_lapic_alarm_set(10, 0);
    x86pc_lapic_alarm_cancel();
    assert_int_equal(mock_msr_value(MSR_TSC_DEADLINE), 0);
    x86pc_lapic_alarm_fired(0, 20);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
}

/* A backend with a timer of its own (xen, hyperv with stimer0): the
 * bookkeeping records and forgets for the calling CPU, and touches no
 * LAPIC timer. */
static void test_x86pc_alarm_record_forget_own_cpu_lapic_untouched(void **state)
{
    (void)state;
    x86pc.lapic_alarm = false;
    x86pc.tsc_deadline = true;
    mock_set_msr(0x802, 5);                     /* running on CPU 1 */
    assert_int_equal(x86pc_alarm_record(600), 1);
    assert_true(x86pc.cpu[1].alarm_armed);
    assert_int_equal(x86pc.cpu[1].alarm_ns, 600);
    assert_int_equal(x86pc_alarm_forget(), 1);
    assert_false(x86pc.cpu[1].alarm_armed);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       MSR_TSC_DEADLINE), 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_TMICT), 0);
}

static void test_x86pc_alarm_fired_early_says_rearm_then_raises(void **state)
{
    (void)state;
    x86pc.lapic_alarm = false;
    x86pc_alarm_record(1000);
    assert_int_equal(x86pc_alarm_fired(0, 400), 1000);  /* re-arm at */
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(x86pc_alarm_fired(0, 1000), 0);
    assert_int_equal(x86pc_alarm_fired(0, 1000), 0);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_int_equal(mock.nwrmsr, 0);
}

static void test_x86pc_alarm_init_own_timer_no_calibration(void **state)
{
    (void)state;
    x86pc.tsc_hz = 1000000000;
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_TSC_DEADLINE, 0);
    x86pc_alarm_init(false);
    /* The mode is still known (for info), but nothing is measured. */
    assert_true(x86pc.tsc_deadline);
    assert_false(x86pc.lapic_alarm);
    mock_set_cpuid(1, 0, 0, 0, 0, 0);
    x86pc_alarm_init(false);
    assert_int_equal(mock.nwrmsr, 0);
}

/* The decoding leaves the EOI, and the event after it, to the backend. */
static void test_x86pc_event_decode_ipi_no_eoi_no_event_yet(void **state)
{
    (void)state;
    mock_set_msr(0x802, 5);                     /* running on CPU 1 */
    assert_int_equal(x86pc_event_decode(1, X86PC_VEC_IPI), X86PC_EV_IPI);
    assert_int_equal(x86pc_event_decode(1, X86PC_VEC_ALARM), X86PC_EV_ALARM);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
    assert_int_equal(eoi_writes(), 0);
}

static void test_x86pc_event_decode_flush_served_before_eoi(void **state)
{
    (void)state;
    x86pc.sd.box[0] = (struct shootdown_box){ .pending = 1, .va = 0x7000,
                                              .npages = 1 };
    assert_int_equal(x86pc_event_decode(0, X86PC_VEC_FLUSH), X86PC_EV_NONE);
    assert_int_equal(x86pc.sd.box[0].pending, 0);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(eoi_writes(), 0);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
}

static void test_x86pc_event_decode_unknown_vector_then_lapic_eoi(void **state)
{
    (void)state;
    assert_int_equal(x86pc_event_decode(0, 0xfe), X86PC_EV_NONE);
    x86pc_irq_eoi();
    assert_int_equal(eoi_writes(), 1);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
}

static void test_x86pc_send_lapic_fixed_ipi_to_table_cpus_only(void **state)
{
    (void)state;
    x86pc_ipi_send(0x6);            /* CPU 2 is not in the table */
    assert_int_equal(icr_writes(), 1);
    assert_int_equal(mock_msr_value(X2APIC_ICR),
                     (5ull << 32) | LAPIC_ICR_ASSERT | X86PC_VEC_IPI);
}

/* The local part of a backend's own flush: ours at once, the other online
 * targets returned for the backend, no IPI sent. */
static void test_x86pc_flush_local_returns_remote_targets_no_ipi(void **state)
{
    (void)state;
    assert_int_equal(x86pc_flush_local(0, 0x3, 0x400000, 2), 0x2);
    assert_int_equal(mock.ninvlpg, 2);          /* our own, locally */
    assert_int_equal(mock.invlpg_log[1], 0x401000);
    assert_int_equal(x86pc_flush_local(0, 0x2, 0x400000, 1), 0x2);
    assert_int_equal(mock.ninvlpg, 2);          /* not ours: none */
    assert_int_equal(icr_writes(), 0);
}

/* In lazy mode the flush is queued; at the end the queue gives it back,
 * range and targets intact, for the backend to flush then. */
static void test_x86pc_flush_defer_lazy_queue_gives_requests_back(void **state)
{
    (void)state;
    assert_false(x86pc_flush_defer(0, 0x3, 0x400000, 2));
    x86pc_mmu_lazy_begin();
    assert_true(x86pc_flush_defer(0, 0x3, 0x400000, 2));
    assert_int_equal(mock.ninvlpg, 0);
    assert_int_equal(x86pc_lazy_end(0), 1);
    const struct flushq_req *r = x86pc.cpu[0].lazy.req;
    assert_int_equal(r[0].cpus, 0x3);
    assert_int_equal(r[0].va, 0x400000);
    assert_int_equal(r[0].npages, 2);
    assert_false(x86pc_flush_defer(0, 0x3, 0x400000, 2));
    assert_int_equal(icr_writes(), 0);
}

/* The shootdown around a backend's own send: post, then the target runs
 * its flush vector (here at once, standing in for the backend's send),
 * then the wait ends. */
static void test_x86pc_flush_post_send_wait_target_served(void **state)
{
    (void)state;
    x86pc_flush_post(0, 0x2, 0x400000, 1);
    assert_int_equal(x86pc.sd.box[1].pending, 1);
    assert_int_equal(x86pc_event_decode(1, X86PC_VEC_FLUSH), X86PC_EV_NONE);
    x86pc_flush_wait(0, 0x2);
    assert_int_equal(x86pc.sd.box[1].pending, 0);
    assert_int_equal(x86pc.sd.box[1].lock, 0);
    assert_int_equal(mock.ninvlpg, 1);          /* CPU 1's, served here */
    assert_int_equal(icr_writes(), 0);
}

static void test_x86pc_flush_offline_target_skipped(void **state)
{
    (void)state;
    x86pc.online = 0x1;
    x86pc_tlb_flush_multi(0x3, 0x5000, 1);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(icr_writes(), 0);
}

static void test_x86pc_cpu_init_timer_mode_and_online(void **state)
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

/* cpu_id through IA32_TSC_AUX: each CPU's enable writes the tag and its
 * index from its LAPIC ID; RDPID then answers without the LAPIC, and a
 * value without the tag falls back to the LAPIC. */
static void test_x86pc_cpu_id_from_tsc_aux(void **state)
{
    (void)state;
    x86pc.cpu_id_rdpid = true;
    mock_set_msr(0x802, 5);                     /* on CPU 1 */
    assert_int_equal(x86pc_cpu_enable(1), VMI_OK);
    assert_int_equal(mock_msr_value(MSR_TSC_AUX), X86PC_AUX_TAG | 1);
    mock_set_msr(0x802, 0);             /* the LAPIC would say CPU 0 */
    assert_int_equal(x86pc_cpu_id(), 1);
    assert_int_equal(mock.nrdpid, 1);
    mock_set_msr(MSR_TSC_AUX, 1);       /* left by another kernel */
    assert_int_equal(x86pc_cpu_id(), 0);
    mock_set_msr(MSR_TSC_AUX, X86PC_AUX_TAG | 7);   /* no such CPU */
    assert_int_equal(x86pc_cpu_id(), 0);
    x86pc.cpu_id_rdpid = false;
    mock_set_msr(MSR_TSC_AUX, X86PC_AUX_TAG | 1);
    assert_int_equal(x86pc_cpu_id(), 0);
    assert_int_equal(mock.nrdpid, 3);
}

/* The boot CPU's init uses RDPID only where CPUID.7.0:ECX[22] says so
 * (RDTSCP, which also reads TSC_AUX, is never used: a hypervisor that
 * emulates the TSC intercepts it), and sets its TSC_AUX then; and only
 * with RDTSCP listed too (CPUID.80000001h:EDX[27]), without which KVM
 * before Linux 5.13 refused the write with a #GP (x86pc.h). */
static void test_x86pc_init_lapic_uses_rdpid_when_cpuid_says(void **state)
{
    (void)state;
    static const struct {
        uint32_t max, ecx7, max_ext, edx_ext;
        bool want;
    } c[] = {
        { 7, CPUID7_ECX_RDPID, 0x80000008u, CPUID80000001_EDX_RDTSCP, true },
        { 7, 0, 0x80000008u, CPUID80000001_EDX_RDTSCP, false },
        { 6, CPUID7_ECX_RDPID, 0x80000008u, CPUID80000001_EDX_RDTSCP, false },
        { 7, CPUID7_ECX_RDPID, 0x80000008u, 0, false },   /* no RDTSCP */
        { 7, CPUID7_ECX_RDPID, 0x80000000u, CPUID80000001_EDX_RDTSCP, false },
    };
    for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        mock_reset();
        memset(&x86pc, 0, sizeof(x86pc));
        mock_set_cpuid(0, 0, c[i].max, 0, 0, 0);
        mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_X2APIC, CPUID1_EDX_APIC);
        mock_set_cpuid(7, 0, 0, 0, c[i].ecx7, 0);
        mock_set_cpuid(0x80000000u, 0, c[i].max_ext, 0, 0, 0);
        mock_set_cpuid(0x80000001u, 0, 0, 0, 0, c[i].edx_ext);
        mock_set_msr(0x1b, 0xfee00000 | (1u << 8));     /* BSP */
        mock_set_msr(0x802, 0);
        x86pc_init_lapic(0);
        assert_int_equal(x86pc.cpu_id_rdpid, c[i].want);
        assert_int_equal(mock_msr_value(MSR_TSC_AUX),
                         c[i].want ? X86PC_AUX_TAG : 0);
        assert_int_equal(x86pc_cpu_id(), 0);
    }
}

static void test_x86pc_cpu_enable_own_timer_then_online(void **state)
{
    (void)state;
    x86pc.lapic_alarm = false;
    x86pc.online = 0;
    assert_int_equal(x86pc_cpu_enable(2), VMI_EINVAL);
    assert_int_equal(x86pc_cpu_enable(1), VMI_OK);
    assert_int_equal(x86pc.online, 0);          /* not before online */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x832), 0);
    x86pc_cpu_online(1);
    assert_int_equal(x86pc.online, 0x2);
}

static void test_pic_remap_mask_vectors_then_masks_both(void **state)
{
    (void)state;
    pic_remap_mask();
    assert_int_equal(mock.out_log[0].where, 0x20);
    assert_int_equal(mock.out_log[0].val, 0x11);
    /* ICW2 of each: the vector bases 0x20 and 0x28. */
    assert_int_equal(mock.out_log[2].where, 0x21);
    assert_int_equal(mock.out_log[2].val, 0x20);
    assert_int_equal(mock.out_log[3].where, 0xa1);
    assert_int_equal(mock.out_log[3].val, 0x28);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x21), 0xff);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0xa1), 0xff);
}

/* An I/O APIC with 3 entries (IOAPICVER bits 23:16 = 2), behind
 * IOREGSEL (offset 0) and IOWIN (0x10). */
static uint32_t ioapic_sel, ioapic_redir[3] = { 0x30, 0x31, 0x10032 };
static bool ioapic_read_hook(uint64_t pa, uint32_t *v)
{
    if ((pa & 0xfff) != 0x10)
        return false;
    ioapic_sel = mock.mmio[0];
    *v = ioapic_sel == 1 ? 0x00020011 : ioapic_redir[(ioapic_sel - 0x10) / 2];
    return true;
}

static void test_ioapic_mask_all_sets_each_mask_bit(void **state)
{
    (void)state;
    mock.mmio_read_hook = ioapic_read_hook;
    ioapic_mask_all(0xfec00000);
    /* Three read-select-write rounds after the version read: each entry's
     * low word written back with bit 16, its vector kept. */
    unsigned masked = 0;
    for (unsigned i = 0; i < mock.nmmio; i++)
        if ((mock.mmio_log[i].where & 0xfff) == 0x10) {
            assert_int_equal(mock.mmio_log[i].val, ioapic_redir[masked] | 0x10000);
            masked++;
        }
    assert_int_equal(masked, 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_x86pc_lapic_alarm_deadline_from_now_not_early),
        T(test_x86pc_lapic_alarm_deadline_past_fires_at_once),
        T(test_x86pc_lapic_alarm_oneshot_count_clamped),
        T(test_x86pc_lapic_alarm_early_rearms_then_raises_once),
        T(test_x86pc_lapic_alarm_cancel_drops_late_fire),
        T(test_x86pc_alarm_record_forget_own_cpu_lapic_untouched),
        T(test_x86pc_alarm_fired_early_says_rearm_then_raises),
        T(test_x86pc_alarm_init_own_timer_no_calibration),
        T(test_x86pc_event_decode_ipi_no_eoi_no_event_yet),
        T(test_x86pc_event_decode_flush_served_before_eoi),
        T(test_x86pc_event_decode_unknown_vector_then_lapic_eoi),
        T(test_x86pc_send_lapic_fixed_ipi_to_table_cpus_only),
        T(test_x86pc_flush_local_returns_remote_targets_no_ipi),
        T(test_x86pc_flush_defer_lazy_queue_gives_requests_back),
        T(test_x86pc_flush_post_send_wait_target_served),
        T(test_x86pc_flush_offline_target_skipped),
        T(test_x86pc_cpu_init_timer_mode_and_online),
        T(test_x86pc_cpu_enable_own_timer_then_online),
        T(test_x86pc_cpu_id_from_tsc_aux),
        T(test_x86pc_init_lapic_uses_rdpid_when_cpuid_says),
        T(test_pic_remap_mask_vectors_then_masks_both),
        T(test_ioapic_mask_all_sets_each_mask_bit),
    };
#undef T
    return cmocka_run_group_tests_name("common_x86pc", tests, NULL, NULL);
}
