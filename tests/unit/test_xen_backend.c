/* SPDX-License-Identifier: MIT */
/*
 * test_xen_backend.c: the xen backend on the mocked machine with a
 * mocked hypercall page (tests/unit/mock/xen_mock.h): the hypercall and the
 * argument structure each vmi op produces, checked against the Xen public
 * headers, and the translation of Xen's error codes.
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

#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define PTR(a) ((void *)(uintptr_t)(a))
#define TIMER_PORT 5
#define CONSOLE_PFN 0xdfu
#define CONSOLE_PORT 1

static unsigned events[VMI_EVENT_COUNT];
static uint32_t next_port;
static uint8_t console_page[4096] __attribute__((aligned(4096)));

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
}

/* A tiny Xen: ports count up from TIMER_PORT, params answer the console,
 * VCPUOP_up makes the AP "run" (it sets its bit, as xen_ap_main does). */
static long fake_xen(const struct xen_mock_call *c)
{
    if (c->nr == __HYPERVISOR_event_channel_op && c->a[0] == EVTCHNOP_bind_virq) {
        ((struct evtchn_bind_virq *)PTR(c->a[1]))->port = next_port++;
        return 0;
    }
    if (c->nr == __HYPERVISOR_event_channel_op && c->a[0] == EVTCHNOP_bind_ipi) {
        ((struct evtchn_bind_ipi *)PTR(c->a[1]))->port = next_port++;
        return 0;
    }
    if (c->nr == __HYPERVISOR_hvm_op && c->a[0] == HVMOP_get_param) {
        struct xen_hvm_param *p = PTR(c->a[1]);
        p->value = p->index == HVM_PARAM_CONSOLE_PFN ? CONSOLE_PFN : CONSOLE_PORT;
        return 0;
    }
    if (c->nr == __HYPERVISOR_xen_version && c->a[0] == XENVER_get_features) {
        ((struct xen_feature_info *)PTR(c->a[1]))->submap =
            1u << XENFEAT_hvm_callback_vector;
        return 0;
    }
    if (c->nr == __HYPERVISOR_vcpu_op && c->a[0] == VCPUOP_up)
        xen.up |= 1ull << c->a[1];
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
    next_port = TIMER_PORT;
    xen_mock_reset(fake_xen);
    xen_hypercall_page[0] = 0xb8;   /* "filled" by the hypervisor */
    /* Xen leaves (arch-x86/cpuid.h), x2APIC, the hypervisor bit. */
    mock_set_cpuid(1, 0, 0, 0, (1u << 31) | (1u << 21), 0);
    mock_set_cpuid(XEN_CPUID_FIRST_LEAF, 0, XEN_CPUID_FIRST_LEAF + 4,
                   XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                   XEN_CPUID_SIGNATURE_EDX);
    mock_set_cpuid(XEN_CPUID_FIRST_LEAF + 1, 0, 4u << 16 | 17, 0, 0, 0);
    mock_set_cpuid(XEN_CPUID_FIRST_LEAF + 2, 0, 1, 0x40000000, 0, 0);
    mock_set_cpuid(XEN_CPUID_FIRST_LEAF + 4, 0, XEN_HVM_CPUID_UPCALL_VECTOR, 0, 0, 0);
    mock_set_msr(0x40000000, 0);
    mock_set_msr(0x1b, 0xfee00000 | (1u << 8));     /* IA32_APIC_BASE, BSP */
    mock_set_msr(0x802, 0);                         /* x2APIC ID */
    return 0;
}

/* The (i)th recorded call, which must be hypercall (nr) with cmd (a0). */
static const struct xen_mock_call *call(unsigned i, unsigned nr, uint64_t a0)
{
    assert_true(i < xen_mock.n);
    assert_int_equal(xen_mock.call[i].nr, nr);
    assert_int_equal(xen_mock.call[i].a[0], a0);
    return &xen_mock.call[i];
}

/* The first call of hypercall (nr) with cmd (a0), or fail. */
static const struct xen_mock_call *find(unsigned nr, uint64_t a0)
{
    for (unsigned i = 0; i < xen_mock.n; i++)
        if (xen_mock.call[i].nr == nr && xen_mock.call[i].a[0] == a0)
            return &xen_mock.call[i];
    fail_msg("no hypercall %u/%llu", nr, (unsigned long long)a0);
    return NULL;
}

static void test_xen_status_codes_map_to_vmi(void **state)
{
    (void)state;
    assert_int_equal(xen_status(0), VMI_OK);
    assert_int_equal(xen_status(7), VMI_OK);
    assert_int_equal(xen_status(-XEN_ENOSYS), VMI_ENOSYS);
    assert_int_equal(xen_status(-XEN_EPERM), VMI_ENOSYS);
    assert_int_equal(xen_status(-XEN_EFAULT), VMI_EFAULT);
    assert_int_equal(xen_status(-XEN_EINVAL), VMI_EINVAL);
    assert_int_equal(xen_status(-XEN_ENOENT), VMI_EINVAL);
    assert_int_equal(xen_status(-XEN_EEXIST), VMI_EINVAL);
    assert_int_equal(xen_status(-XEN_ENOSPC), VMI_EAGAIN);
    assert_int_equal(xen_status(-XEN_ETIME), VMI_EAGAIN);
    assert_int_equal(xen_status(-XEN_ENODEV), VMI_ENODEV);
    assert_int_equal(xen_status(-9999), VMI_EINVAL);
}

static void test_xen_init_maps_shared_info_and_finds_console(void **state)
{
    (void)state;
    assert_int_equal(vmi_ops.init(&(struct vmi_boot){ .cmdline = "" }), VMI_OK);
    /* The hypercall page went to the MSR CPUID base+2 names. */
    assert_int_equal(mock_msr_value(0x40000000), (uintptr_t)xen_hypercall_page);
    const struct xen_mock_call *c = call(0, __HYPERVISOR_memory_op,
                                         XENMEM_add_to_physmap);
    const struct xen_add_to_physmap *a = PTR(c->a[1]);
    (void)a;    /* a stack object: its fields were checked in the handler */
    assert_int_equal(xen.version, 4u << 16 | 17);
    assert_true(xen.vcpu_vector);
    assert_int_equal(xen.cons_port, CONSOLE_PORT);
    assert_true((uintptr_t)xen.cons ==
                (uintptr_t)mock_pa_to_ptr((uint64_t)CONSOLE_PFN << 12));
    assert_string_equal(vmi_ops.info()->hypervisor, "Xen 4.17");
    assert_string_equal(vmi_ops.info()->backend, "xen");
    assert_true(vmi_ops.info()->features & VMI_FEAT_PV_CONSOLE);
    /* Per-vCPU vector advertised: no HVM_PARAM_CALLBACK_IRQ. */
    for (unsigned i = 0; i < xen_mock.n; i++)
        assert_false(xen_mock.call[i].nr == __HYPERVISOR_hvm_op &&
                     xen_mock.call[i].a[0] == HVMOP_set_param);
}

/* Check the physmap argument while it is alive (a stack structure). */
static long check_physmap(const struct xen_mock_call *c)
{
    if (c->nr == __HYPERVISOR_memory_op) {
        const struct xen_add_to_physmap *a = PTR(c->a[1]);
        assert_int_equal(c->a[0], XENMEM_add_to_physmap);
        assert_int_equal(a->domid, DOMID_SELF);
        assert_int_equal(a->space, XENMAPSPACE_shared_info);
        assert_int_equal(a->idx, 0);
        assert_int_equal(a->gpfn, (uintptr_t)&xen_shared >> 12);
    }
    return fake_xen(c);
}

static void test_xen_init_physmap_arguments_follow_memory_h(void **state)
{
    (void)state;
    xen_mock_reset(check_physmap);
    assert_int_equal(vmi_ops.init(&(struct vmi_boot){ .cmdline = "" }), VMI_OK);
    find(__HYPERVISOR_memory_op, XENMEM_add_to_physmap);
}

static void test_xen_init_without_upcall_vector_sets_callback_irq(void **state)
{
    (void)state;
    mock_set_cpuid(XEN_CPUID_FIRST_LEAF + 4, 0, 0, 0, 0, 0);
    assert_int_equal(vmi_ops.init(&(struct vmi_boot){ .cmdline = "" }), VMI_OK);
    assert_false(xen.vcpu_vector);
    find(__HYPERVISOR_xen_version, XENVER_get_features);
    find(__HYPERVISOR_hvm_op, HVMOP_set_param);
}

static void test_xen_cpu_init_binds_timer_ipi_kick_and_vector(void **state)
{
    (void)state;
    vmi_ops.init(&(struct vmi_boot){ .cmdline = "" });
    xen_mock_reset(fake_xen);
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    const struct xen_mock_call *c = call(0, __HYPERVISOR_vcpu_op,
                                         VCPUOP_stop_periodic_timer);
    assert_int_equal(c->a[1], 0);
    call(1, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq);
    call(2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi);
    call(3, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi);
    assert_int_equal(xen.cpu[0].timer_port, TIMER_PORT);
    assert_int_equal(xen.cpu[0].ipi_port, TIMER_PORT + 1);
    assert_int_equal(xen.cpu[0].kick_port, TIMER_PORT + 2);
    /* The kick port is masked locally, the others unmasked by Xen. */
    assert_true(xen_shared.s.evtchn_mask[0] >> (TIMER_PORT + 2) & 1);
    call(4, __HYPERVISOR_event_channel_op, EVTCHNOP_unmask);
    call(5, __HYPERVISOR_event_channel_op, EVTCHNOP_unmask);
    find(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector);
    assert_true(x86pc.online & 1);
    /* The alarm is the singleshot timer: the LAPIC timer (x2APIC LVT
     * timer, MSR 0x832) stays as it was. */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x832), 0);
    assert_int_equal(vmi_ops.cpu_init(VMI_MAX_CPUS), VMI_EINVAL);
}

static long check_timer(const struct xen_mock_call *c)
{
    const struct vcpu_set_singleshot_timer *t = PTR(c->a[2]);
    assert_int_equal(c->nr, __HYPERVISOR_vcpu_op);
    assert_int_equal(c->a[0], VCPUOP_set_singleshot_timer);
    assert_int_equal(c->a[1], 0);                   /* this vCPU */
    assert_int_equal(t->timeout_abs_ns, 123456789);
    assert_int_equal(t->flags, 0);                  /* not _future */
    return 0;
}

static void test_xen_alarm_set_is_singleshot_for_this_vcpu(void **state)
{
    (void)state;
    xen_mock_reset(check_timer);
    vmi_ops.alarm_set(123456789);
    assert_int_equal(xen_mock.n, 1);
    assert_true(x86pc.cpu[0].alarm_armed);
    xen_mock_reset(fake_xen);
    vmi_ops.alarm_cancel();
    call(0, __HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer);
    assert_false(x86pc.cpu[0].alarm_armed);
}

static void test_xen_ipi_send_sends_each_online_targets_port(void **state)
{
    (void)state;
    x86pc.cpus.count = 3;
    x86pc.online = 0x5;       /* CPU 1 has not run cpu_init */
    xen.cpu[0].ipi_port = 11;
    xen.cpu[1].ipi_port = 12;
    xen.cpu[2].ipi_port = 13;
    vmi_ops.ipi_send(0x7);
    assert_int_equal(xen_mock.n, 2);
    call(0, __HYPERVISOR_event_channel_op, EVTCHNOP_send);
    call(1, __HYPERVISOR_event_channel_op, EVTCHNOP_send);
}

static long check_poll(const struct xen_mock_call *c)
{
    const struct sched_poll *p = PTR(c->a[1]);
    assert_int_equal(c->nr, __HYPERVISOR_sched_op);
    assert_int_equal(c->a[0], SCHEDOP_poll);
    assert_int_equal(p->nr_ports, 1);
    assert_int_equal(p->timeout, 0);
    assert_int_equal(*p->ports.p, 9);
    return 0;
}

static void test_xen_spin_wait_polls_kick_port_and_clears_it(void **state)
{
    (void)state;
    volatile uint8_t lock = 1;
    x86pc.cpus.count = 1;
    xen.cpu[0].kick_port = 9;
    xen_shared.s.evtchn_pending[0] = 1u << 9;
    xen_mock_reset(check_poll);
    vmi_ops.spin_wait(&lock, 1);
    assert_int_equal(xen_mock.n, 1);
    assert_int_equal(xen_shared.s.evtchn_pending[0], 0);
    vmi_ops.spin_wait(&lock, 0);        /* no longer equal: no poll */
    assert_int_equal(xen_mock.n, 1);
    xen_mock_reset(fake_xen);
    vmi_ops.spin_kick(0);
    call(0, __HYPERVISOR_event_channel_op, EVTCHNOP_send);
}

/* D1: never HLT with IF=0 on Xen; poll the kick port instead. */
static void test_xen_halt_masked_polls_kick_port_never_hlt(void **state)
{
    (void)state;
    x86pc.cpus.count = 1;
    xen.cpu[0].kick_port = 9;
    mock.rflags = 0x2;                  /* IF=0 */
    xen_mock_reset(check_poll);
    vmi_ops.halt();
    assert_int_equal(xen_mock.n, 1);
    assert_int_equal(mock.nhlt, 0);
    mock.rflags = 0x202;                /* IF=1: a plain HLT */
    vmi_ops.halt();
    assert_int_equal(xen_mock.n, 1);
    assert_int_equal(mock.nhlt, 1);
}

static long check_start(const struct xen_mock_call *c)
{
    if (c->a[0] == VCPUOP_initialise) {
        const struct vcpu_hvm_context *ctx = PTR(c->a[2]);
        const struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;
        assert_int_equal(c->a[1], 1);
        assert_int_equal(ctx->mode, VCPU_HVM_MODE_64B);
        assert_int_equal(r->rip, (uintptr_t)xen_ap_start);
        assert_int_equal(r->rsp, 0x200000);
        assert_int_equal(r->rdi, 1);
        assert_int_equal(r->cr3, 0x300000);
        assert_int_equal(r->rflags & (1u << 9), 0);     /* IF=0 */
    }
    return fake_xen(c);
}

static void dummy_entry(unsigned cpu, void *arg)
{
    (void)cpu;
    (void)arg;
}

/* Record (cpu): system time (base) ns at TSC 0, 1 ns per tick (mul 2^31,
 * shift 1), with (flags). */
static void clock_record(unsigned cpu, uint64_t base, uint8_t flags)
{
    volatile struct vcpu_time_info *t = &xen_shared.s.vcpu_info[cpu].time;

    t->system_time = base;
    t->tsc_timestamp = 0;
    t->tsc_to_system_mul = 1u << 31;
    t->tsc_shift = 1;
    t->flags = flags;
    t->version = 2;
}

/* time_ns: with XEN_PVCLOCK_TSC_STABLE_BIT vCPU 0's record on any CPU;
 * without it (Xen's default), this CPU's own, clamped so that time never
 * goes back across CPUs. */
static void test_xen_time_reads_own_record_without_stable_bit(void **state)
{
    (void)state;
    x86pc.lapic.x2apic = true;
    x86pc.cpus.count = 2;
    x86pc.cpus.apic_id[1] = 1;
    x86pc.cpus.index_of[1] = 1;
    clock_record(0, 0, XEN_PVCLOCK_TSC_STABLE_BIT);
    clock_record(1, 1000000, XEN_PVCLOCK_TSC_STABLE_BIT);
    mock.tsc = 500;
    mock.tsc_step = 0;
    mock_set_msr(0x802, 1);                         /* on CPU 1 */
    assert_int_equal(vmi_ops.time_ns(), 500);
    clock_record(0, 0, 0);
    clock_record(1, 1000000, 0);
    assert_int_equal(vmi_ops.time_ns(), 1000500);
    mock_set_msr(0x802, 0);                         /* CPU 0: behind */
    assert_int_equal(vmi_ops.time_ns(), 1000500);   /* clamped */
    mock.tsc = 2000000;
    assert_int_equal(vmi_ops.time_ns(), 2000000);
}

static void test_xen_cpu_start_initialises_then_ups(void **state)
{
    (void)state;
    struct vmi_cpu_boot b = { .cr3 = 0x300000, .stack_top = 0x200000,
                              .entry = dummy_entry };
    x86pc.cpus.count = 2;
    xen.up = 1;
    mock.tsc_step = 1;
    xen_mock_reset(check_start);
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_OK);
    call(0, __HYPERVISOR_vcpu_op, VCPUOP_initialise);
    call(1, __HYPERVISOR_vcpu_op, VCPUOP_up);
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_EINVAL);     /* running */
    assert_int_equal(vmi_ops.cpu_start(0, &b), VMI_EINVAL);
    assert_int_equal(vmi_ops.cpu_start(2, &b), VMI_EINVAL);
}

static long check_register(const struct xen_mock_call *c)
{
    if (c->a[0] == VCPUOP_register_vcpu_info) {
        const struct vcpu_register_vcpu_info *ri = PTR(c->a[2]);
        uintptr_t pa = (uintptr_t)&xen_vcpu_extra[40 - XEN_LEGACY_MAX_VCPUS];
        assert_int_equal(c->a[1], 40);
        assert_int_equal(ri->mfn, pa >> 12);
        assert_int_equal(ri->offset, pa & 0xfff);
        assert_true(ri->offset + sizeof(struct vcpu_info) <= 4096);
    }
    return fake_xen(c);
}

static void test_xen_cpu_start_past_32_registers_vcpu_info(void **state)
{
    (void)state;
    struct vmi_cpu_boot b = { .cr3 = 0x300000, .stack_top = 0x200000,
                              .entry = dummy_entry };
    x86pc.cpus.count = 41;
    xen.up = 1;
    xen_mock_reset(check_register);
    assert_int_equal(vmi_ops.cpu_start(40, &b), VMI_OK);
    call(0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info);
    call(1, __HYPERVISOR_vcpu_op, VCPUOP_initialise);
    call(2, __HYPERVISOR_vcpu_op, VCPUOP_up);
    assert_ptr_equal((const void *)(uintptr_t)xen_vcpu_info(40),
                     &xen_vcpu_extra[8]);
}

static long check_shutdown(const struct xen_mock_call *c)
{
    const struct sched_shutdown *s = PTR(c->a[1]);
    assert_int_equal(c->nr, __HYPERVISOR_sched_op);
    assert_int_equal(c->a[0], SCHEDOP_shutdown);
    assert_int_equal(s->reason, SHUTDOWN_crash);
    return 0;
}

static void test_xen_shutdown_reason_is_sched_h(void **state)
{
    (void)state;
    xen_mock_reset(check_shutdown);
    assert_int_equal(xen_hc_shutdown(SHUTDOWN_crash), 0);
    assert_int_equal(xen_mock.n, 1);
}

static void test_xen_console_write_batches_one_send(void **state)
{
    (void)state;
    xen.cons = (volatile struct xencons_interface *)console_page;
    xen.cons_port = CONSOLE_PORT;
    memset(console_page, 0, sizeof(console_page));
    vmi_ops.console_write("hello, xen", 10);
    assert_int_equal(xen_mock.n, 1);
    call(0, __HYPERVISOR_event_channel_op, EVTCHNOP_send);
    assert_int_equal(xen.cons->out_prod, 10);
    assert_memory_equal(console_page + 1024, "hello, xen", 10);  /* out[] */
}

/* A console back end that reads the ring after (drain_after) yields (0:
 * never); SCHEDOP_shutdown records the ring and ends the op (it does not
 * return on Xen either). */
static unsigned yields, sends, drain_after;
static int shut_reason;
static bool shut_drained;
static jmp_buf shut_jb;

static long console_backend(const struct xen_mock_call *c)
{
    volatile struct xencons_interface *r = xen.cons;
    if (c->nr == __HYPERVISOR_event_channel_op && c->a[0] == EVTCHNOP_send &&
        ((struct evtchn_send *)PTR(c->a[1]))->port == CONSOLE_PORT)
        sends++;
    if (c->nr != __HYPERVISOR_sched_op)
        return 0;
    if (c->a[0] == SCHEDOP_yield && ++yields == drain_after)
        r->out_cons = r->out_prod;
    if (c->a[0] == SCHEDOP_shutdown) {
        shut_reason = ((struct sched_shutdown *)PTR(c->a[1]))->reason;
        shut_drained = r->out_cons == r->out_prod;
        longjmp(shut_jb, 1);
    }
    return 0;
}

/* Run (op) with 10 bytes unread in the console ring. */
static void stop_with_pending_console(void (*op)(void), unsigned drain)
{
    xen.cons = (volatile struct xencons_interface *)console_page;
    xen.cons_port = CONSOLE_PORT;
    memset(console_page, 0, sizeof(console_page));
    xen.cons->out_prod = 10;
    yields = sends = 0;
    drain_after = drain;
    shut_reason = -1;
    xen_mock_reset(console_backend);
    if (!setjmp(shut_jb))
        op();
}

static void power_off_ok(void) { vmi_ops.shutdown(VMI_EXIT_OK); }
static void reboot(void) { vmi_ops.reboot(); }
static void crash(void) { vmi_ops.crash("x"); }

static void test_xen_stop_ops_flush_console_before_shutdown(void **state)
{
    (void)state;
    void (*const op[])(void) = { power_off_ok, reboot, crash };
    const int reason[] = { SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_crash };
    for (unsigned i = 0; i < 3; i++) {
        stop_with_pending_console(op[i], 5);
        assert_int_equal(shut_reason, reason[i]);
        if (!shut_drained)
            fail_msg("op %u: SCHEDOP_shutdown before the ring was read", i);
        assert_int_equal(yields, 5);
        assert_true(sends >= 5);        /* the back end is kicked */
    }
}

static void test_xen_stop_undrained_console_still_shuts_down(void **state)
{
    (void)state;
    stop_with_pending_console(power_off_ok, 0);
    assert_int_equal(shut_reason, SHUTDOWN_poweroff);
    assert_false(shut_drained);
    assert_true(yields > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_xen_status_codes_map_to_vmi, setup),
        cmocka_unit_test_setup(test_xen_init_maps_shared_info_and_finds_console, setup),
        cmocka_unit_test_setup(test_xen_init_physmap_arguments_follow_memory_h, setup),
        cmocka_unit_test_setup(test_xen_init_without_upcall_vector_sets_callback_irq, setup),
        cmocka_unit_test_setup(test_xen_cpu_init_binds_timer_ipi_kick_and_vector, setup),
        cmocka_unit_test_setup(test_xen_time_reads_own_record_without_stable_bit, setup),
        cmocka_unit_test_setup(test_xen_alarm_set_is_singleshot_for_this_vcpu, setup),
        cmocka_unit_test_setup(test_xen_ipi_send_sends_each_online_targets_port, setup),
        cmocka_unit_test_setup(test_xen_spin_wait_polls_kick_port_and_clears_it, setup),
        cmocka_unit_test_setup(test_xen_halt_masked_polls_kick_port_never_hlt, setup),
        cmocka_unit_test_setup(test_xen_cpu_start_initialises_then_ups, setup),
        cmocka_unit_test_setup(test_xen_cpu_start_past_32_registers_vcpu_info, setup),
        cmocka_unit_test_setup(test_xen_shutdown_reason_is_sched_h, setup),
        cmocka_unit_test_setup(test_xen_console_write_batches_one_send, setup),
        cmocka_unit_test_setup(test_xen_stop_ops_flush_console_before_shutdown, setup),
        cmocka_unit_test_setup(test_xen_stop_undrained_console_still_shuts_down, setup),
    };
    return cmocka_run_group_tests_name("xen_backend", tests, NULL, NULL);
}
