/* SPDX-License-Identifier: MIT */
/*
 * test_hv_backend.c: the hyperv backend on the mocked machine
 * (tests/unit/mock): detection and the choice of enlightenments from
 * CPUID, the reference TSC arithmetic and its TIME_REF_COUNT fallback,
 * the stimer0 count, the flush input page, IPIs and spin-wait by
 * hypercall, and the ops that choose between an enlightenment and the PC
 * mechanism of common/x86pc.h (alarm, flush, IPI) and cpu_init.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv_mock.h"
#include "hyperv.h"
#include "mock.h"

static unsigned events[VMI_EVENT_COUNT];

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
}

static uint64_t last_control, last_in, last_out;
static unsigned nhcalls;

static uint64_t fake_hv(uint64_t control, uint64_t in, uint64_t out)
{
    last_control = control;
    last_in = in;
    last_out = out;
    nhcalls++;
    return HV_STATUS_SUCCESS | (control >> 32 & 0xfff) << 32;
}

/* What vmi-run's hyperv personality shows (monitor/pers_hv.c). */
static void hyperv_cpuid(void)
{
    mock_set_cpuid(1, 0, 0, 0, 1u << 31 | 1u << 24, 1u << 9);
    mock_set_cpuid(HV_CPUID_VENDOR, 0, 0x4000000a, HV_SIG_EBX, HV_SIG_ECX,
                   HV_SIG_EDX);
    mock_set_cpuid(HV_CPUID_INTERFACE, 0, HV_INTERFACE_HV1, 0, 0, 0);
    mock_set_cpuid(HV_CPUID_VERSION, 0, 0, 6u << 16, 0, 0);
    mock_set_cpuid(HV_CPUID_FEATURES, 0, 0xaee, 0x30, 0,
                   HV_FEAT_GUEST_CRASH_MSRS | HV_FEAT_STIMER_DIRECT);
    mock_set_cpuid(HV_CPUID_ENLIGHTENMENT, 0, 0x614, 2047, 0, 0);
    mock_set_msr(HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY |
                 HV_CRASH_CTL_NOTIFY_MSG);
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    memset(&hv, 0, sizeof(hv));
    memset(&hv_tsc_area, 0, sizeof(hv_tsc_area));
    memset(events, 0, sizeof(events));
    nhcalls = 0;
    memset(&x86pc, 0, sizeof(x86pc));
    hv_mock_reset(fake_hv);
    x86pc.cpus.count = 2;
    x86pc.cpus.apic_id[1] = 1;
    hv.vp_index[0] = 0;
    hv.vp_index[1] = 1;
    return 0;
}

static void test_hv_detect_reads_leaves_and_choose_uses_all(void **state)
{
    (void)state;
    hyperv_cpuid();
    hv_detect();
    hv_choose();
    assert_int_equal(hv.version, 6u << 16);
    assert_true(hv.use.ref_tsc && hv.use.ref_count && hv.use.stimer);
    assert_true(hv.use.flush && hv.use.ipi && hv.use.spin);
    assert_true(hv.use.crash && hv.use.crash_msg && hv.use.reset);
}

/* [T: feature-discovery]: "Hv#1" identifies the interface, whatever the
 * vendor: KVM with QEMU's hv-passthrough says "Linux KVM Hv". */
static void test_hv_detect_any_vendor_with_hv1_names_it(void **state)
{
    (void)state;
    hyperv_cpuid();
    mock_set_cpuid(HV_CPUID_VENDOR, 0, 0x4000000a, 0x756e694c /* "Linu" */,
                   0x564b2078 /* "x KV" */, 0x7648204d /* "M Hv" */);
    assert_int_equal(MOCK_RUN_TO_STOP(hv_detect()), MOCK_RAN);
    assert_int_equal(hv.version, 6u << 16);
    hv_identify();
    assert_string_equal(hv.info.hypervisor, "Hyper-V 6.0 (Linux KVM Hv)");
}

static void test_hv_detect_no_hv1_refuses_naming_vendor(void **state)
{
    (void)state;
    hyperv_cpuid();
    mock_set_cpuid(HV_CPUID_INTERFACE, 0, 0, 0, 0, 0);
    assert_int_not_equal(MOCK_RUN_TO_STOP(hv_detect()), MOCK_RAN);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout,
                                     VMI_DEBUG_EXIT_PORT), VMI_EXIT_WRONG_HV);
}

static void test_hv_choose_no_direct_mode_no_stimer(void **state)
{
    (void)state;
    hyperv_cpuid();
    mock_set_cpuid(HV_CPUID_FEATURES, 0, 0xaee, 0x30, 0, 0);
    hv_detect();
    hv_choose();
    assert_false(hv.use.stimer);
    assert_false(hv.use.crash);
}

static void test_hv_choose_spin_never_no_notify(void **state)
{
    (void)state;
    hyperv_cpuid();
    mock_set_cpuid(HV_CPUID_ENLIGHTENMENT, 0, 0, HV_SPIN_RETRY_NEVER, 0, 0);
    hv_detect();
    hv_choose();
    assert_false(hv.use.spin || hv.use.flush || hv.use.ipi);
}

static void test_hv_enable_os_id_before_hypercall_page(void **state)
{
    (void)state;
    hv.use.ref_tsc = true;
    hv_enable();
    /* D9: bit 63 open source, version 47:16 = VMI_ABI_VERSION (1). */
    assert_int_equal(mock.wrmsr_log[0].where, HV_X64_MSR_GUEST_OS_ID);
    assert_int_equal(mock.wrmsr_log[0].val, 0x8000000000010000ull);
    assert_int_equal(mock.wrmsr_log[1].where, HV_X64_MSR_HYPERCALL);
    assert_int_equal(mock.wrmsr_log[1].val, hv_pa(hv_hcall_page) | 1);
    assert_int_equal(mock_msr_value(HV_X64_MSR_REFERENCE_TSC),
                     hv_pa(&hv_tsc_area) | 1);
}

static void test_hv_ref_read_scale_and_offset(void **state)
{
    (void)state;
    /* A 20 MHz TSC: scale = 10^7 * 2^64 / (2 * 10^7) = 2^63. */
    hv_tsc_area.page.tsc_scale = 1ull << 63;
    hv_tsc_area.page.tsc_offset = -5;
    hv_tsc_area.page.tsc_sequence = 3;
    mock.tsc = 20000000;
    assert_int_equal(hv_ref_read(&hv_tsc_area.page), 10000000 - 5);
}

static void test_hv_ref_read_upper_half_of_128_bit_product(void **state)
{
    (void)state;
    /* 2445432 kHz (this host) for 1 s: 10^7 units, truncated. */
    hv_tsc_area.page.tsc_scale = (uint64_t)(((unsigned __int128)10000000 << 64) /
                                            2445432000ull);
    hv_tsc_area.page.tsc_sequence = 1;
    mock.tsc = 2445432000ull;
    uint64_t ref = hv_ref_read(&hv_tsc_area.page);
    assert_true(ref == 9999999 || ref == 10000000);
    /* A large TSC must not overflow: 100 days of TSC. */
    mock.tsc = 2445432000ull * 86400ull * 100ull;
    ref = hv_ref_read(&hv_tsc_area.page);
    assert_true(ref >= 86400000000000ull - 2 && ref <= 86400000000000ull);
}

static void test_hv_ref_read_sequence_zero_uses_msr(void **state)
{
    (void)state;
    hv_tsc_area.page.tsc_sequence = HV_REF_TSC_INVALID;
    mock_set_msr(HV_X64_MSR_TIME_REF_COUNT, 123456);
    assert_int_equal(hv_ref_read(&hv_tsc_area.page), 123456);
}

static void test_hv_time_ns_is_reference_times_100(void **state)
{
    (void)state;
    hv.use.ref_tsc = true;
    hv_tsc_area.page.tsc_scale = 1ull << 63;
    hv_tsc_area.page.tsc_sequence = 1;
    mock.tsc = 2000;
    assert_int_equal(hv_time_ns(), 1000 * 100);
}

static void test_hv_time_ns_ref_count_fallback(void **state)
{
    (void)state;
    hv.use.ref_count = true;
    mock_set_msr(HV_X64_MSR_TIME_REF_COUNT, 42);
    assert_int_equal(hv_time_ns(), 4200);
}

static void test_hv_stimer_count_rounds_up_never_zero(void **state)
{
    (void)state;
    assert_int_equal(hv_stimer_count(0), 1);
    assert_int_equal(hv_stimer_count(1), 1);
    assert_int_equal(hv_stimer_count(100), 1);
    assert_int_equal(hv_stimer_count(101), 2);
    assert_int_equal(hv_stimer_count(1000000000), 10000000);
}

static void test_hv_alarm_set_writes_stimer0_count(void **state)
{
    (void)state;
    hv.use.stimer = true;
    vmi_ops.alarm_set(250);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     HV_X64_MSR_STIMER0_COUNT), 3);
    vmi_ops.alarm_cancel();
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr,
                                     HV_X64_MSR_STIMER0_COUNT), 0);
}

static void test_hv_cpu_init_time_direct_mode_config(void **state)
{
    (void)state;
    hv.use.stimer = true;
    hv_time_cpu_init(0);
    assert_int_equal(mock_msr_value(HV_X64_MSR_SCONTROL), 1);
    /* auto_enable (3) | apic_vector 0xf0 (11:4) | direct_mode (12). */
    assert_int_equal(mock_msr_value(HV_X64_MSR_STIMER0_CONFIG),
                     0x8ull | 0xf00ull | 0x1000ull);
}

static void test_hv_flush_fill_list_entries_cover_range(void **state)
{
    (void)state;
    static uint64_t page[512];
    unsigned n = hv_flush_fill(page, 0x2, 0x1234567, 5000);
    assert_int_equal(n, 2);
    assert_int_equal(page[0], 0);                   /* address space */
    assert_int_equal(page[1], HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES);
    assert_int_equal(page[2], 0x2);                 /* processor mask */
    assert_int_equal(page[3], 0x1234000ull | 4095);
    assert_int_equal(page[4], (0x1234000ull + 4096ull * 4096) | (904 - 1));
}

static void test_hv_flush_fill_all_is_space_call(void **state)
{
    (void)state;
    static uint64_t page[512];
    assert_int_equal(hv_flush_fill(page, 0x3, 0, VMI_FLUSH_ALL), 0);
    assert_int_equal(page[1], HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES |
                              HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY);
    /* More than 509 entries of 4096 pages do not fit one page: the
     * Space call, but for a range it must take the global entries too. */
    assert_int_equal(hv_flush_fill(page, 0x3, 0, 510ull * 4096), 0);
    assert_int_equal(page[1], HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES);
    assert_int_equal(hv_flush_fill(page, 0x3, 0, FLUSHQ_EVERY_PAGE), 0);
    assert_int_equal(page[1], HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES);
    assert_int_equal(hv_flush_fill(page, 0x3, 0, 509ull * 4096), 509);
}

/* In lazy mode, (n) requests (r), each (times) times on successive
 * pages: the flags of the one flush hypercall mmu_lazy_end made, which
 * must be the Space call. */
static uint64_t lazy_space_flags(const struct flushq_req *r, unsigned n,
                                 unsigned times)
{
    hv.use.flush = true;
    x86pc.online = 0x3;
    nhcalls = 0;
    vmi_ops.mmu_lazy_begin();
    for (unsigned t = 0; t < times; t++)
        for (unsigned i = 0; i < n; i++)
            vmi_ops.tlb_flush_multi(r[i].cpus, r[i].va + t * 0x1000ull,
                                    r[i].npages);
    vmi_ops.mmu_lazy_end();
    assert_int_equal(nhcalls, 1);
    assert_int_equal(last_control & 0xffff, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE);
    return ((const uint64_t *)(uintptr_t)last_in)[1];
}

/* Lazy mode: remote requests widened to the Space call take global
 * entries (no HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY) unless every one was
 * VMI_FLUSH_ALL. */
static void test_hv_lazy_space_call_non_global_only_for_flush_all(void **state)
{
    (void)state;
    const struct flushq_req big[] = { { 0x2, 0, 300ull * 4096 },
                                      { 0x2, 1ull << 40, 300ull * 4096 } };
    const struct flushq_req page[] = { { 0x2, 0x5000, 1 } };
    const struct flushq_req mixed[] = { { 0x2, 0x5000, 1 },
                                        { 0x2, 0, VMI_FLUSH_ALL } };
    const struct flushq_req all[] = { { 0x2, 0, VMI_FLUSH_ALL } };
    const uint64_t spaces = HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES;
    /* The list page overflows (600 entries > 509). */
    assert_int_equal(lazy_space_flags(big, 2, 1), spaces);
    /* The queue overflows with page flushes. */
    assert_int_equal(lazy_space_flags(page, 1, FLUSHQ_LEN + 1), spaces);
    /* A page beside a VMI_FLUSH_ALL: the page may be global. */
    assert_int_equal(lazy_space_flags(mixed, 2, 1), spaces);
    /* VMI_FLUSH_ALL alone, overflowing or not: non-global only. */
    assert_int_equal(lazy_space_flags(all, 1, FLUSHQ_LEN + 1),
                     spaces | HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY);
    assert_int_equal(lazy_space_flags(all, 1, 1),
                     spaces | HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY);
}

/* CPU 1 stands in for its flush vector when CPU 0 sends it (x2APIC ICR). */
static void cpu1_serves_flush_ipi(uint32_t msr, uint64_t val)
{
    if (msr == 0x830 && (val & 0xff) == X86PC_VEC_FLUSH)
        shootdown_handle(&x86pc.sd, 1);
}

/* A CPU whose VP index the hypercall cannot name (>= 64) gets the lazy
 * batch's leftovers by IPI; for page requests its flush takes globals. */
static void test_hv_lazy_leftover_ipi_flushes_globals(void **state)
{
    (void)state;
    const uint64_t pge = 1ull << 7;
    hv.use.flush = true;
    hv.vp_index[1] = 70;
    x86pc.online = 0x3;
    x86pc.lapic.x2apic = true;
    mock.wrmsr_hook = cpu1_serves_flush_ipi;
    mock.cr[4] = pge;
    vmi_ops.mmu_lazy_begin();
    vmi_ops.tlb_flush_multi(0x2, 0x5000, 1);
    vmi_ops.tlb_flush_multi(0x2, 0x7000, 1);
    vmi_ops.mmu_lazy_end();
    assert_int_equal(nhcalls, 0);
    assert_int_equal(x86pc.sd.box[1].pending, 0);
    assert_int_equal(mock.ncr4_writes, 2);      /* PGE off, then on */
    assert_int_equal(mock.cr4_log[0], 0);
    assert_int_equal(mock.cr[4], pge);
}

static void test_hv_tlb_flush_multi_remote_by_list_hypercall(void **state)
{
    (void)state;
    hv.use.flush = true;
    x86pc.online = 0x3;
    vmi_ops.tlb_flush_multi(0x2, 0x5000, 3);
    assert_int_equal(nhcalls, 1);
    assert_int_equal(last_control, 0x0003ull | 1ull << 32);
    const uint64_t *in = (const uint64_t *)(uintptr_t)last_in;
    assert_int_equal(in[2], 0x2);
    assert_int_equal(in[3], 0x5000 | 2);
}

static void test_hv_ipi_send_fast_cluster_ipi(void **state)
{
    (void)state;
    hv.use.ipi = true;
    hv.vp_index[1] = 5;
    vmi_ops.ipi_send(0x2);
    assert_int_equal(nhcalls, 1);
    assert_int_equal(last_control, 0x1000b);
    assert_int_equal(last_in, 0xf1);
    assert_int_equal(last_out, 1ull << 5);
}

static void test_hv_spin_wait_notifies_after_retries(void **state)
{
    (void)state;
    uint8_t lock = 1;
    hv.use.spin = true;
    hv.spin_retries = 3;
    hv_spin_wait(&lock, 1);
    hv_spin_wait(&lock, 1);
    assert_int_equal(nhcalls, 0);
    hv_spin_wait(&lock, 1);
    assert_int_equal(nhcalls, 1);
    assert_int_equal(last_control, 0x10008);
    assert_int_equal(last_in, 3);
    assert_int_equal(mock.npause, 3);
}

static void test_hv_event_dispatch_alarm_due_raises_once(void **state)
{
    (void)state;
    hv.use.ref_count = true;
    mock_set_msr(HV_X64_MSR_TIME_REF_COUNT, 10);    /* 1000 ns */
    hv.use.stimer = true;
    vmi_ops.alarm_set(500);
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 1);
}

static void test_hv_event_dispatch_alarm_early_rearms(void **state)
{
    (void)state;
    hv.use.ref_count = true;
    mock_set_msr(HV_X64_MSR_TIME_REF_COUNT, 10);
    hv.use.stimer = true;
    vmi_ops.alarm_set(5000);
    unsigned before = mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                        HV_X64_MSR_STIMER0_COUNT);
    vmi_ops.event_dispatch(X86PC_VEC_ALARM);
    assert_int_equal(events[VMI_EVENT_ALARM], 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       HV_X64_MSR_STIMER0_COUNT), before + 1);
}

static unsigned stimer_writes(void)
{
    return mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                             HV_X64_MSR_STIMER0_COUNT);
}

/* The ops test hv.use at each call: without the enlightenments the PC's
 * LAPIC IPI and LAPIC timer, with them the hypercalls and stimer0. */
static void test_hv_ops_follow_choice(void **state)
{
    (void)state;
    x86pc.lapic.x2apic = true;
    x86pc.online = 0x3;
    vmi_ops.ipi_send(0x2);
    vmi_ops.alarm_set(250);
    vmi_ops.alarm_cancel();
    assert_int_equal(nhcalls, 0);
    assert_int_equal(stimer_writes(), 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x838), 2);
    hv.use.ipi = hv.use.flush = hv.use.stimer = true;
    vmi_ops.ipi_send(0x2);
    assert_int_equal(nhcalls, 1);
    vmi_ops.tlb_flush_multi(0x2, 0x5000, 1);
    assert_int_equal(nhcalls, 2);
    vmi_ops.alarm_set(250);
    vmi_ops.alarm_cancel();
    assert_int_equal(stimer_writes(), 2);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x838), 2);
}

/* hv_time_init as init runs it: the TSC rate from the MSR, and a LAPIC
 * with TSC-deadline mode (nothing to calibrate). */
static void time_init(void)
{
    hv.priv_eax |= HV_PRIV_FREQUENCY_MSRS;
    hv.feat_edx |= HV_FEAT_FREQUENCY_MSRS;
    mock_set_msr(HV_X64_MSR_TSC_FREQUENCY, 1000000000);
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_TSC_DEADLINE, 0);
    hv_time_init();
}

/* A frequency MSR that reads 0 is no rate: the native sources give it
 * (here a complete CPUID 0x15, 24 MHz * 125), not a guess. */
static void test_hv_time_msr_zero_falls_back_to_native_sources(void **state)
{
    (void)state;
    hv.priv_eax |= HV_PRIV_FREQUENCY_MSRS;
    hv.feat_edx |= HV_FEAT_FREQUENCY_MSRS;
    mock_set_msr(HV_X64_MSR_TSC_FREQUENCY, 0);
    mock_set_cpuid(0, 0, 0x15, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 1, 125, 24000000, 0);
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_TSC_DEADLINE, 0);
    hv_time_init();
    assert_int_equal(x86pc.tsc_hz, 3000000000ull);
    assert_int_equal(vmi_ops.cycles_hz(), 3000000000ull);
}

/* The access privilege (0x40000003.eax bit 11) without the presence bit
 * (edx bit 8) is no frequency MSR: the TLFS names both, and Linux
 * (ms_hyperv_init_platform) reads the MSR only with both.  The value set
 * here tells whether it was read; the rate must come from CPUID 0x15. */
static void test_hv_time_frequency_msr_needs_presence_bit(void **state)
{
    (void)state;
    hv.priv_eax |= HV_PRIV_FREQUENCY_MSRS;
    mock_set_msr(HV_X64_MSR_TSC_FREQUENCY, 1000000000);
    mock_set_cpuid(0, 0, 0x15, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 1, 125, 24000000, 0);
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_TSC_DEADLINE, 0);
    hv_time_init();
    assert_int_equal(x86pc.tsc_hz, 3000000000ull);
    /* With both bits, the MSR. */
    hv.feat_edx |= HV_FEAT_FREQUENCY_MSRS;
    hv_time_init();
    assert_int_equal(x86pc.tsc_hz, 1000000000ull);
}

/* x2APIC LVT timer (SDM Table 11-6): programmed only for the fallback. */
#define X2APIC_LVT_TIMER 0x832

static void test_hv_cpu_init_stimer_leaves_lapic_timer_alone(void **state)
{
    (void)state;
    x86pc.lapic.x2apic = true;
    hv.use.stimer = true;
    time_init();
    mock_set_msr(HV_X64_MSR_VP_INDEX, 7);
    assert_int_equal(vmi_ops.cpu_init(1), VMI_OK);
    assert_int_equal(hv.vp_index[1], 7);
    assert_int_equal(x86pc.online, 0x2);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_LVT_TIMER), 0);
    assert_int_equal(mock_msr_value(HV_X64_MSR_SCONTROL), 1);
    assert_int_equal(vmi_ops.cpu_init(2), VMI_EINVAL);
}

static void test_hv_cpu_init_no_stimer_lapic_timer_fallback(void **state)
{
    (void)state;
    x86pc.lapic.x2apic = true;
    time_init();
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       X2APIC_LVT_TIMER), 1);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr,
                                       HV_X64_MSR_STIMER0_CONFIG), 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_hv_detect_reads_leaves_and_choose_uses_all),
        T(test_hv_detect_any_vendor_with_hv1_names_it),
        T(test_hv_detect_no_hv1_refuses_naming_vendor),
        T(test_hv_choose_no_direct_mode_no_stimer),
        T(test_hv_choose_spin_never_no_notify),
        T(test_hv_enable_os_id_before_hypercall_page),
        T(test_hv_ref_read_scale_and_offset),
        T(test_hv_ref_read_upper_half_of_128_bit_product),
        T(test_hv_ref_read_sequence_zero_uses_msr),
        T(test_hv_time_ns_is_reference_times_100),
        T(test_hv_time_ns_ref_count_fallback),
        T(test_hv_stimer_count_rounds_up_never_zero),
        T(test_hv_alarm_set_writes_stimer0_count),
        T(test_hv_cpu_init_time_direct_mode_config),
        T(test_hv_flush_fill_list_entries_cover_range),
        T(test_hv_flush_fill_all_is_space_call),
        T(test_hv_lazy_space_call_non_global_only_for_flush_all),
        T(test_hv_lazy_leftover_ipi_flushes_globals),
        T(test_hv_tlb_flush_multi_remote_by_list_hypercall),
        T(test_hv_ipi_send_fast_cluster_ipi),
        T(test_hv_spin_wait_notifies_after_retries),
        T(test_hv_event_dispatch_alarm_due_raises_once),
        T(test_hv_event_dispatch_alarm_early_rearms),
        T(test_hv_ops_follow_choice),
        T(test_hv_time_msr_zero_falls_back_to_native_sources),
        T(test_hv_time_frequency_msr_needs_presence_bit),
        T(test_hv_cpu_init_stimer_leaves_lapic_timer_alone),
        T(test_hv_cpu_init_no_stimer_lapic_timer_fallback),
    };
    return cmocka_run_group_tests_name("hv_backend", tests, NULL, NULL);
}
