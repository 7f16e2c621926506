/* SPDX-License-Identifier: MIT */
/*
 * test_kvm_backend.c: the kvm backend on the mocked machine
 * (tests/unit/mock): detection, feature choice, per-CPU MSR registration,
 * kvmclock time and wall clock, steal time, PV EOI, PV TLB flush, spin
 * wait and the alarm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kvm.h"
#include "mock.h"

#define X2APIC_EOI 0x80b
#define X2APIC_ID 0x802
/* What KVM_GET_SUPPORTED_CPUID gives on kvm-pvm (docs/hosts.md
 * [host:kvm-pvm:cpuid]), and what the kvm personality of vmi-run leaves
 * (PV_UNHALT, PV_SEND_IPI, SCHED_YIELD off; docs/vmi-run.md). */
#define HOST_FEATURES 0x01007efbu
#define MON_FEATURES (HOST_FEATURES & ~((1u << KVM_FEATURE_PV_UNHALT) | \
                                       (1u << KVM_FEATURE_PV_SEND_IPI) | \
                                       (1u << KVM_FEATURE_PV_SCHED_YIELD)))

static unsigned events[VMI_EVENT_COUNT];

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    memset(&kvm, 0, sizeof(kvm));
    memset(&x86pc, 0, sizeof(x86pc));
    memset(events, 0, sizeof(events));
    return 0;
}

static void sig_kvm(uint32_t leaf)
{
    mock_set_cpuid(leaf, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
}

static void test_kvm_detect_behind_xen_leaves_reads_features_there(void **state)
{
    (void)state;
    mock_set_cpuid(1, 0, 0, 0, 1u << 31, 1u << 9);
    /* "XenVMMXenVMM" at 0x40000000, KVM at 0x40000100: guests scan in
     * steps of 0x100 (Xen public/arch-x86/cpuid.h; Linux
     * hypervisor_cpuid_base(), arch/x86/include/asm/processor.h). */
    mock_set_cpuid(0x40000000, 0, 0x40000002, 0x566e6558, 0x65584d4d,
                   0x4d4d566e);
    sig_kvm(0x40000100);
    mock_set_cpuid(0x40000101, 0, MON_FEATURES, 0, 0, 1u << KVM_HINTS_REALTIME);
    kvm_detect();
    assert_int_equal(kvm.base, 0x40000100);
    assert_int_equal(kvm.features, MON_FEATURES);
    assert_int_equal(kvm.hints, 1u << KVM_HINTS_REALTIME);
}

/* The ops test kvm.use at each call: without PV EOI the EOI is the
 * LAPIC's even with the PV bit set, in irq_eoi and event_dispatch alike;
 * with it, clearing the bit. */
static void test_kvm_ops_follow_choice(void **state)
{
    (void)state;
    x86pc.lapic.x2apic = true;
    kvm.cpu[0].pv_eoi = 1;
    vmi_ops.irq_eoi();
    vmi_ops.event_dispatch(X86PC_VEC_FLUSH);
    assert_int_equal(kvm.cpu[0].pv_eoi, 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_EOI), 2);
    kvm.use.pv_eoi = true;
    vmi_ops.irq_eoi();
    assert_int_equal(kvm.cpu[0].pv_eoi, 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_EOI), 2);
}

static void test_kvm_choose_monitor_features_msr_based_only(void **state)
{
    (void)state;
    kvm.features = MON_FEATURES;
    kvm_choose(2);
    assert_true(kvm.use.stable_bit && kvm.use.steal && kvm.use.pv_eoi);
    assert_true(kvm.use.pv_tlb_flush);
    assert_false(kvm.use.pv_ipi || kvm.use.pv_spinlock || kvm.use.sched_yield);
}

static void test_kvm_choose_host_features_hypercalls_used(void **state)
{
    (void)state;
    kvm.features = HOST_FEATURES;
    kvm_choose(2);
    assert_true(kvm.use.pv_ipi && kvm.use.pv_spinlock && kvm.use.sched_yield);
}

static void test_kvm_choose_one_cpu_no_smp_features(void **state)
{
    (void)state;
    kvm.features = HOST_FEATURES;
    kvm_choose(1);
    assert_false(kvm.use.pv_tlb_flush || kvm.use.pv_ipi ||
                 kvm.use.pv_spinlock || kvm.use.sched_yield);
    assert_true(kvm.use.steal && kvm.use.pv_eoi);
}

static void test_kvm_choose_realtime_hint_no_preemption_features(void **state)
{
    (void)state;
    kvm.features = HOST_FEATURES;
    kvm.hints = 1u << KVM_HINTS_REALTIME;
    kvm_choose(2);
    assert_false(kvm.use.pv_tlb_flush || kvm.use.pv_spinlock ||
                 kvm.use.sched_yield);
    assert_true(kvm.use.pv_ipi);
}

/* Without STEAL_TIME no preempted byte is ever written: neither PV TLB
 * flush nor the directed yield can tell a preempted target (Linux
 * pv_tlb_flush_supported(), pv_sched_yield_supported()). */
static void test_kvm_choose_no_steal_time_no_preempted_features(void **state)
{
    (void)state;
    kvm.features = HOST_FEATURES & ~(1u << KVM_FEATURE_STEAL_TIME);
    kvm_choose(2);
    assert_false(kvm.use.steal || kvm.use.pv_tlb_flush || kvm.use.sched_yield);
    assert_true(kvm.use.pv_ipi && kvm.use.pv_spinlock);
}

/* The machine of vmi-run --hv kvm: x2APIC, TSC deadline, KVM leaves, and
 * a kvmclock as kvm-pvm fills it (mul, shift, TSC_STABLE: docs/hosts.md
 * [host:kvm-pvm:kvmclock]). */
static void machine_kvm(uint32_t features)
{
    mock_set_cpuid(1, 0, 0, 0, (1u << 31) | (1u << 24) | (1u << 21), 1u << 9);
    sig_kvm(0x40000000);
    mock_set_cpuid(0x40000001, 0, features, 0, 0, 0);
    mock_set_msr(0x1b, 0xfee00000ull | (1u << 11) | (1u << 8));
    kvm.cpu[0].clock = (struct pvclock_vcpu_time_info){
        .version = 2, .tsc_to_system_mul = 3512645042u, .tsc_shift = -1,
        .flags = PVCLOCK_TSC_STABLE_BIT };
}

static void test_kvm_init_registers_kvmclock_and_reports_it(void **state)
{
    (void)state;
    machine_kvm(MON_FEATURES);
    struct vmi_boot boot = { .cmdline = "" };
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     MSR_KVM_SYSTEM_TIME_NEW),
                     (int64_t)(kvm_pa(&kvm.cpu[0].clock) | 1));
    const struct vmi_info *in = vmi_ops.info();
    assert_string_equal(in->backend, "kvm");
    assert_string_equal(in->hypervisor, "KVM");
    assert_string_equal(in->clock, "kvmclock");
    assert_string_equal(in->alarm, "lapic tsc-deadline");
    /* One CPU (no MADT here): no PV TLB flush. */
    assert_int_equal(in->features, VMI_FEAT_PV_CLOCK | VMI_FEAT_STEAL_TIME |
                     VMI_FEAT_PV_EOI | VMI_FEAT_X2APIC | VMI_FEAT_TSC_DEADLINE);
    assert_int_equal(vmi_ops.cycles_hz(), 2445432000ull);
    /* PV EOI chosen; the alarm is the LAPIC timer. */
    assert_true(kvm.use.pv_eoi);
    assert_true(x86pc.lapic_alarm);
}

static void test_kvm_cpu_init_registers_steal_and_pv_eoi(void **state)
{
    (void)state;
    machine_kvm(MON_FEATURES);
    struct vmi_boot boot = { .cmdline = "" };
    vmi_ops.init(&boot);
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     MSR_KVM_STEAL_TIME),
                     (int64_t)(kvm_pa(&kvm.cpu[0].steal) | 1));
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     MSR_KVM_PV_EOI_EN),
                     (int64_t)(kvm_pa(&kvm.cpu[0].pv_eoi) | 1));
    assert_int_equal(kvm_pa(&kvm.cpu[0].steal) % 64, 0);
    assert_int_equal(vmi_ops.cpu_init(1), VMI_EINVAL);
}

static void test_kvm_init_unfilled_clock_falls_back_to_tsc(void **state)
{
    (void)state;
    machine_kvm(MON_FEATURES);
    kvm.cpu[0].clock.tsc_to_system_mul = 0;
    struct vmi_boot boot = { .cmdline = "" };
    vmi_ops.init(&boot);
    assert_string_equal(vmi_ops.info()->clock, "tsc");
    assert_int_equal(vmi_ops.info()->features & VMI_FEAT_PV_CLOCK, 0);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     MSR_KVM_SYSTEM_TIME_NEW), 0);
}

static void test_kvm_init_refused_clock_msr_falls_back_to_tsc(void **state)
{
    (void)state;
    machine_kvm(MON_FEATURES);
    mock_set_msr_fault(MSR_KVM_SYSTEM_TIME_NEW);
    struct vmi_boot boot = { .cmdline = "" };
    vmi_ops.init(&boot);
    assert_string_equal(vmi_ops.info()->clock, "tsc");
    assert_false(kvm.use.kvmclock);
}

/* KVM without kvmclock (QEMU's kvmclock=off) is still a PC: the wall
 * clock is the CMOS RTC's, and a TSC rate no source gave is "unknown"
 * (0), as the contract and the native backend say. */
static void test_kvm_no_kvmclock_rtc_wall_clock_guessed_rate_unknown(void **state)
{
    (void)state;
    machine_kvm(MON_FEATURES & ~(1u << KVM_FEATURE_CLOCKSOURCE2));
    /* 2024-02-29 12:34:56 UTC, BCD, 24-hour (MC146818A datasheet). */
    mock.cmos[0x0a] = 0x26, mock.cmos[0x0b] = 0x02;
    mock.cmos[0x09] = 0x24, mock.cmos[0x08] = 0x02, mock.cmos[0x07] = 0x29;
    mock.cmos[0x04] = 0x12, mock.cmos[0x02] = 0x34, mock.cmos[0x00] = 0x56;
    struct vmi_boot boot = { .cmdline = "" };
    vmi_ops.init(&boot);
    assert_string_equal(vmi_ops.info()->clock, "tsc");
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       MSR_KVM_SYSTEM_TIME_NEW), 0);
    uint64_t w = vmi_ops.wallclock_ns() / 1000000000ull;
    assert_true(w >= 1709210096ull && w <= 1709210097ull);
    /* No CPUID 0x15, HPET, PM timer or moving PIT here: guessed. */
    assert_int_equal(vmi_ops.cycles_hz(), 0);
}

/* A kvmclock at 1 ns per tick: ns = sys + (tsc - ts). */
static void clock_1ghz(unsigned cpu, uint64_t ts, uint64_t sys, uint8_t flags)
{
    kvm.cpu[cpu].clock = (struct pvclock_vcpu_time_info){
        .version = 2, .tsc_timestamp = ts, .system_time = sys,
        .tsc_to_system_mul = 1u << 31, .tsc_shift = 1, .flags = flags };
    kvm.use.kvmclock = true;
    static const uint32_t ids[] = { 0, 1 };
    smp_cpus_order(&x86pc.cpus, ids, 2, 0);
    x86pc.lapic.x2apic = true;
}

static void test_kvm_time_ns_stable_reads_cpu0_clock(void **state)
{
    (void)state;
    clock_1ghz(0, 1000, 1000000000, PVCLOCK_TSC_STABLE_BIT);
    kvm.use.stable_bit = true;
    mock.tsc = 3000;
    mock_set_msr(X2APIC_ID, 1);     /* on CPU 1: still CPU 0's clock */
    assert_int_equal(vmi_ops.time_ns(), 1000002000);
}

static void test_kvm_time_ns_unstable_own_clock_clamped(void **state)
{
    (void)state;
    clock_1ghz(0, 1000, 1000000000, 0);
    clock_1ghz(1, 1000, 500, 0);
    kvm.use.stable_bit = true;
    mock.tsc = 3000;
    mock.tsc_step = 0;
    mock_set_msr(X2APIC_ID, 1);
    kvm.last_ns = 900000;
    /* CPU 1's clock says 500 + 2000; time never goes below 900000. */
    assert_int_equal(vmi_ops.time_ns(), 900000);
    kvm.last_ns = 0;
    mock.tsc = 3000;
    assert_int_equal(vmi_ops.time_ns(), 2500);
    assert_int_equal(kvm.last_ns, 2500);
}

static void test_kvm_time_ns_untrusted_stable_flag_clamped(void **state)
{
    (void)state;
    /* Without CPUID bit 24 the flag means nothing: per-CPU and clamp. */
    clock_1ghz(0, 1000, 5000, PVCLOCK_TSC_STABLE_BIT);
    mock.tsc = 1000;
    kvm.last_ns = 7000;
    assert_int_equal(vmi_ops.time_ns(), 7000);
}

static void test_kvm_wallclock_ns_boot_wall_plus_clock(void **state)
{
    (void)state;
    clock_1ghz(0, 0, 0, PVCLOCK_TSC_STABLE_BIT);
    kvm.use.stable_bit = true;
    kvm.wall = (struct pvclock_wall_clock){ 2, 1700000000u, 5 };
    mock.tsc = 100;
    assert_int_equal(vmi_ops.wallclock_ns(), 1700000000000000105ull);
    /* Written each time, without an enable bit. */
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     MSR_KVM_WALL_CLOCK_NEW),
                     (int64_t)kvm_pa(&kvm.wall));
}

static void test_kvm_stolen_ns_reads_own_steal_area(void **state)
{
    (void)state;
    clock_1ghz(0, 0, 0, 0);
    kvm.use.steal = true;
    kvm.cpu[1].steal.steal = 12345;
    kvm.cpu[1].steal.version = 4;
    mock_set_msr(X2APIC_ID, 1);
    assert_int_equal(vmi_ops.stolen_ns(), 12345);
    kvm.use.steal = false;
    assert_int_equal(vmi_ops.stolen_ns(), 0);
}

/* Two CPUs with PV EOI. */
static void pv_eoi_machine(void)
{
    clock_1ghz(0, 0, 0, 0);
    kvm.use.pv_eoi = true;
}

static void test_kvm_eoi_pv_bit_set_cleared_no_lapic_eoi(void **state)
{
    (void)state;
    pv_eoi_machine();
    kvm.cpu[0].pv_eoi = 1;
    vmi_ops.irq_eoi();
    assert_int_equal(kvm.cpu[0].pv_eoi, 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI), 0);
}

static void test_kvm_eoi_pv_bit_clear_lapic_eoi(void **state)
{
    (void)state;
    pv_eoi_machine();
    vmi_ops.irq_eoi();
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI), 1);
}

static void test_kvm_event_dispatch_ipi_eoi_then_event(void **state)
{
    (void)state;
    pv_eoi_machine();
    kvm.cpu[0].pv_eoi = 1;
    vmi_ops.event_dispatch(X86PC_VEC_IPI);
    assert_int_equal(events[VMI_EVENT_IPI], 1);
    assert_int_equal(kvm.cpu[0].pv_eoi, 0);
    vmi_ops.event_dispatch(X86PC_VEC_IPI);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, X2APIC_EOI), 1);
}

static void test_kvm_flush_preempted_marks_and_drops(void **state)
{
    (void)state;
    kvm.cpu[1].steal.preempted = KVM_VCPU_PREEMPTED;
    kvm.cpu[2].steal.preempted = 0;
    assert_int_equal(kvm_flush_preempted(0x6), 0x4);
    assert_int_equal(kvm.cpu[1].steal.preempted,
                     KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB);
    assert_int_equal(kvm.cpu[2].steal.preempted, 0);
}

static void test_kvm_tlb_flush_multi_preempted_target_no_ipi(void **state)
{
    (void)state;
    clock_1ghz(0, 0, 0, 0);
    kvm.use.pv_tlb_flush = true;
    x86pc.online = 0x3;
    kvm.cpu[1].steal.preempted = KVM_VCPU_PREEMPTED;
    vmi_ops.tlb_flush_multi(0x3, 0x400000, 1);
    assert_int_equal(mock.ninvlpg, 1);      /* our own, locally */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 0);
    assert_true(kvm.cpu[1].steal.preempted & KVM_VCPU_FLUSH_TLB);
}

static void test_kvm_spin_wait_pv_masked_halts_only_if_equal(void **state)
{
    (void)state;
    uint8_t lock = 1;
    kvm.use.pv_spinlock = true;
    mock.rflags = 0;
    vmi_ops.spin_wait(&lock, 1);
    assert_int_equal(mock.nhlt, 1);
    assert_int_equal(mock.rflags & 0x200, 0);   /* still masked */
    lock = 0;
    vmi_ops.spin_wait(&lock, 1);
    assert_int_equal(mock.nhlt, 1);
}

static void test_kvm_spin_wait_native_pauses(void **state)
{
    (void)state;
    uint8_t lock = 1;
    vmi_ops.spin_wait(&lock, 1);
    assert_int_equal(mock.nhlt, 0);
    assert_int_equal(mock.npause, 1);
}

/* The common alarm in TSC-deadline mode on a stable 1 GHz kvmclock, as
 * kvm_time_init leaves it. */
static void kvmclock_deadline_alarm(void)
{
    clock_1ghz(0, 0, 0, PVCLOCK_TSC_STABLE_BIT);
    kvm.use.stable_bit = true;
    x86pc.tsc_deadline = true;
    tsc_scale_from_ns(&x86pc.from_ns, 1000000000);
}

static void test_kvm_alarm_deadline_tsc_not_early(void **state)
{
    (void)state;
    kvmclock_deadline_alarm();
    mock.tsc = 5000;
    vmi_ops.alarm_set(10000);
    /* 5000 ns now; the TSC was read later (>= 5000): deadline >= 10000. */
    int64_t at = mock_last_write(mock.wrmsr_log, mock.nwrmsr, 0x6e0);
    assert_true(at >= 10000 && at <= 10010);
    assert_true(x86pc.cpu[0].alarm_armed);
}

static void test_kvm_alarm_fire_early_rearms_due_raises(void **state)
{
    (void)state;
    kvmclock_deadline_alarm();
    mock.tsc = 0;
    vmi_ops.alarm_set(10000);
    mock.tsc = 5000;
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x6e0), 2);
    mock.tsc = 10000;
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
    assert_false(x86pc.cpu[0].alarm_armed);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_kvm_detect_behind_xen_leaves_reads_features_there),
        T(test_kvm_ops_follow_choice),
        T(test_kvm_choose_monitor_features_msr_based_only),
        T(test_kvm_choose_host_features_hypercalls_used),
        T(test_kvm_choose_one_cpu_no_smp_features),
        T(test_kvm_choose_realtime_hint_no_preemption_features),
        T(test_kvm_choose_no_steal_time_no_preempted_features),
        T(test_kvm_init_registers_kvmclock_and_reports_it),
        T(test_kvm_cpu_init_registers_steal_and_pv_eoi),
        T(test_kvm_init_unfilled_clock_falls_back_to_tsc),
        T(test_kvm_init_refused_clock_msr_falls_back_to_tsc),
        T(test_kvm_no_kvmclock_rtc_wall_clock_guessed_rate_unknown),
        T(test_kvm_time_ns_stable_reads_cpu0_clock),
        T(test_kvm_time_ns_unstable_own_clock_clamped),
        T(test_kvm_time_ns_untrusted_stable_flag_clamped),
        T(test_kvm_wallclock_ns_boot_wall_plus_clock),
        T(test_kvm_stolen_ns_reads_own_steal_area),
        T(test_kvm_eoi_pv_bit_set_cleared_no_lapic_eoi),
        T(test_kvm_eoi_pv_bit_clear_lapic_eoi),
        T(test_kvm_event_dispatch_ipi_eoi_then_event),
        T(test_kvm_flush_preempted_marks_and_drops),
        T(test_kvm_tlb_flush_multi_preempted_target_no_ipi),
        T(test_kvm_spin_wait_pv_masked_halts_only_if_equal),
        T(test_kvm_spin_wait_native_pauses),
        T(test_kvm_alarm_deadline_tsc_not_early),
        T(test_kvm_alarm_fire_early_rearms_due_raises),
    };
#undef T
    return cmocka_run_group_tests_name("kvm_backend", tests, NULL, NULL);
}
