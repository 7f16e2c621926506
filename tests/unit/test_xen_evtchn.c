/* SPDX-License-Identifier: MIT */
/*
 * test_xen_evtchn.c: the xen backend's 2-level event-channel scan
 * (xen_upcall_scan, event_dispatch) over a shared_info in host memory:
 * which ports it claims and dispatches, and which it must leave alone
 * (masked, another CPU's, out of range), plus the alarm guard of D4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mock.h"
#include "xen.h"
#include "xen_mock.h"

#define X2APIC_EOI 0x80b
#define TIMER 3
#define IPI 4
#define KICK 5
#define OTHER_IPI 70            /* CPU 1's port, in word 1 */

static unsigned events[VMI_EVENT_COUNT];

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
}

static void own(unsigned cpu, uint32_t port)
{
    xen.cpu[cpu].mine[port / 64] |= 1ull << (port % 64);
}

static void pend(uint32_t port, unsigned cpu)
{
    xen_shared.s.evtchn_pending[port / 64] |= 1ull << (port % 64);
    xen_shared.s.vcpu_info[cpu].evtchn_pending_sel |= 1ull << (port / 64);
    xen_shared.s.vcpu_info[cpu].evtchn_upcall_pending = 1;
}

static bool pending(uint32_t port)
{
    return xen_shared.s.evtchn_pending[port / 64] >> (port % 64) & 1;
}

/* Every hypercall succeeds (the scan only re-arms timers). */
static long ok(const struct xen_mock_call *c)
{
    (void)c;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    memset(&xen, 0, sizeof(xen));
    memset(&x86pc, 0, sizeof(x86pc));
    memset(&xen_shared, 0, sizeof(xen_shared));
    memset(events, 0, sizeof(events));
    xen_mock_reset(ok);
    x86pc.cpus.count = 2;
    for (unsigned c = 0; c < 2; c++)
        xen.cpu[c].vi = &xen_shared.s.vcpu_info[c];
    xen.cpu[0].timer_port = TIMER;
    xen.cpu[0].ipi_port = IPI;
    xen.cpu[0].kick_port = KICK;
    xen.cpu[1].ipi_port = OTHER_IPI;
    own(0, TIMER);
    own(0, IPI);
    own(1, OTHER_IPI);
    return 0;
}

static void test_xen_scan_ipi_port_raises_ipi_and_clears_bits(void **state)
{
    (void)state;
    pend(IPI, 0);
    assert_int_equal(xen_upcall_scan(0), 1);
    assert_int_equal(events[VMI_EVENT_IPI], 1);
    assert_false(pending(IPI));
    assert_int_equal(xen_shared.s.vcpu_info[0].evtchn_pending_sel, 0);
    assert_int_equal(xen_shared.s.vcpu_info[0].evtchn_upcall_pending, 0);
}

static void test_xen_scan_masked_port_stays_pending(void **state)
{
    (void)state;
    pend(IPI, 0);
    xen_shared.s.evtchn_mask[0] = 1ull << IPI;
    assert_int_equal(xen_upcall_scan(0), 0);
    assert_int_equal(events[VMI_EVENT_IPI], 0);
    assert_true(pending(IPI));
}

static void test_xen_scan_other_cpus_port_is_left_alone(void **state)
{
    (void)state;
    pend(OTHER_IPI, 0);     /* flagged in our selector by mistake */
    pend(KICK, 0);          /* ours, but never bound for dispatch */
    assert_int_equal(xen_upcall_scan(0), 0);
    assert_true(pending(OTHER_IPI));
    assert_true(pending(KICK));
    assert_int_equal(xen_upcall_scan(1), 0);    /* CPU 1: no selector bit */
    pend(OTHER_IPI, 1);
    assert_int_equal(xen_upcall_scan(1), 1);
    assert_false(pending(OTHER_IPI));
}

static void test_xen_scan_selector_beyond_table_is_ignored(void **state)
{
    (void)state;
    xen_shared.s.vcpu_info[0].evtchn_pending_sel = 1ull << 63;
    xen_shared.s.evtchn_pending[63] = ~0ull;
    assert_int_equal(xen_upcall_scan(0), 0);
    assert_int_equal(xen_shared.s.evtchn_pending[63], ~0ull);
}

static void test_xen_scan_timer_before_deadline_rearms_no_alarm(void **state)
{
    (void)state;
    /* pvclock: 1 ns per tick from TSC 0 (mul 2^31, shift 1). */
    xen_shared.s.vcpu_info[0].time.tsc_to_system_mul = 1u << 31;
    xen_shared.s.vcpu_info[0].time.tsc_shift = 1;
    xen_shared.s.vcpu_info[0].time.flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    mock.tsc = 1000;
    x86pc.cpu[0].alarm_armed = true;
    x86pc.cpu[0].alarm_ns = 5000;
    pend(TIMER, 0);
    xen_upcall_scan(0);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(xen_mock.n, 1);        /* set_singleshot_timer again */
    mock.tsc = 6000;
    pend(TIMER, 0);
    xen_upcall_scan(0);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_false(x86pc.cpu[0].alarm_armed);
    pend(TIMER, 0);                         /* stale: nothing armed */
    xen_upcall_scan(0);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
}

static void test_xen_dispatch_upcall_eoi_only_per_vcpu_vector(void **state)
{
    (void)state;
    mock_set_cpuid(1, 0, 0, 0, 1u << 21, 0);
    mock_set_msr(0x802, 0);
    lapic_detect(&x86pc.lapic);
    pend(IPI, 0);
    xen.vcpu_vector = true;
    vmi_ops.event_dispatch(XEN_VEC_UPCALL);
    assert_int_equal(events[VMI_EVENT_IPI], 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI), 1);
    pend(IPI, 0);
    xen.vcpu_vector = false;                /* callback vector: no EOI */
    vmi_ops.event_dispatch(XEN_VEC_UPCALL);
    assert_int_equal(events[VMI_EVENT_IPI], 2);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_xen_scan_ipi_port_raises_ipi_and_clears_bits, setup),
        cmocka_unit_test_setup(test_xen_scan_masked_port_stays_pending, setup),
        cmocka_unit_test_setup(test_xen_scan_other_cpus_port_is_left_alone, setup),
        cmocka_unit_test_setup(test_xen_scan_selector_beyond_table_is_ignored, setup),
        cmocka_unit_test_setup(test_xen_scan_timer_before_deadline_rearms_no_alarm, setup),
        cmocka_unit_test_setup(test_xen_dispatch_upcall_eoi_only_per_vcpu_vector, setup),
    };
    return cmocka_run_group_tests_name("xen_evtchn", tests, NULL, NULL);
}
