/* SPDX-License-Identifier: MIT */
/*
 * hv_time.c: time from Hyper-V's reference TSC page (fallback: the
 * TIME_REF_COUNT MSR, then the raw TSC), the wall clock from the CMOS RTC
 * (the TLFS has none), and the one-shot alarm on synthetic timer 0 in
 * direct mode with the bookkeeping of common/x86pc_alarm.c (fallback: its
 * LAPIC timer, as native).
 */
#include <insn.h>

#include "hyperv.h"
#include "rtc.h"

/* Partition-wide, written by the hypervisor [T: timers]; a whole page
 * of its own. */
union hv_tsc_area hv_tsc_area __attribute__((aligned(HV_PAGE_SIZE)));

/* ((tsc * scale) >> 64) + offset [T: timers "Reference TSC Page"]. */
static uint64_t hv_ref_calc(uint64_t tsc, uint64_t scale, int64_t offset)
{
    return (uint64_t)(((unsigned __int128)tsc * scale) >> 64) +
           (uint64_t)offset;
}

uint64_t hv_ref_read(const struct hv_ref_tsc_page *p)
{
    for (;;) {
        uint32_t seq = __atomic_load_n(&p->tsc_sequence, __ATOMIC_ACQUIRE);
        if (seq == HV_REF_TSC_INVALID)
            return rdmsr(HV_X64_MSR_TIME_REF_COUNT);
        uint64_t scale = p->tsc_scale;
        int64_t offset = p->tsc_offset;
        uint64_t tsc = rdtsc_ordered();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&p->tsc_sequence, __ATOMIC_RELAXED) == seq)
            return hv_ref_calc(tsc, scale, offset);
    }
}

uint64_t hv_time_ns(void)
{
    if (hv.use.ref_tsc)
        return hv_ref_read(&hv_tsc_area.page) * 100;
    if (hv.use.ref_count)
        return rdmsr(HV_X64_MSR_TIME_REF_COUNT) * 100;
    return tsc_clock_ns(&hv.tsc);
}

/* After hv_choose: x86pc_alarm_init measures the LAPIC timer only when
 * stimer0 is not the alarm. */
void hv_time_init(void)
{
    /* The frequency MSR where granted (0x40000003.eax bit 11), present
     * (edx bit 8: the TLFS names both, as Linux's ms_hyperv_init_platform
     * checks) and set; else as native, down to a guessed rate at which
     * time runs forward and cycles_hz says "unknown" (0). */
    x86pc.tsc_src = TSC_SRC_HYPERVISOR;
    x86pc.tsc_hz = (hv.priv_eax & HV_PRIV_FREQUENCY_MSRS) &&
                   (hv.feat_edx & HV_FEAT_FREQUENCY_MSRS) ?
                   rdmsr(HV_X64_MSR_TSC_FREQUENCY) : 0;
    if (!x86pc.tsc_hz)
        x86pc.tsc_hz = tsc_hz_detect_or_guess(x86pc.rsdp, &x86pc.tsc_src);
    tsc_clock_start(&hv.tsc, x86pc.tsc_hz);
    x86pc.wall0_ns = rtc_wall0_ns(hv_time_ns());
    x86pc_alarm_init(!hv.use.stimer);
}

/* [T: timers "Synthetic Timer Configuration Register"]: direct mode
 * raises X86PC_VEC_ALARM on the LAPIC; auto-enable makes every COUNT write
 * arm the one-shot timer.  SynIC first: KVM requires it (Linux
 * arch/x86/kvm/hyperv.c stimer_set_config).
 * Without stimer0 x86pc_cpu_enable set up the LAPIC timer. */
void hv_time_cpu_init(unsigned cpu)
{
    (void)cpu;
    if (!hv.use.stimer)
        return;
    wrmsr(HV_X64_MSR_SCONTROL, HV_SYNIC_SCONTROL_ENABLE);
    wrmsr(HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
          (uint64_t)X86PC_VEC_ALARM << HV_STIMER_VECTOR_SHIFT);
}

uint64_t hv_wallclock_ns(void)
{
    return x86pc_rtc_wallclock_ns(hv_time_ns());
}

uint64_t hv_stolen_ns(void)
{
    return 0;   /* the TLFS has no steal time (VP_RUNTIME is time run) */
}

uint64_t hv_stimer_count(uint64_t deadline_ns)
{
    /* Rounded up, so the alarm is never early by the conversion; 0
     * would disable the timer, and a past value expires at once. */
    uint64_t c = deadline_ns / 100 + (deadline_ns % 100 != 0);
    return c ? c : 1;
}

/* Direct mode is a LAPIC interrupt: hv_event_dispatch's EOI serves it
 * (Linux arch/x86/kvm/hyperv.c stimer_notify_direct). */
void hv_stimer_arm(uint64_t deadline_ns)
{
    wrmsr(HV_X64_MSR_STIMER0_COUNT, hv_stimer_count(deadline_ns));
}

void hv_alarm_set(uint64_t deadline_ns)
{
    if (!hv.use.stimer) {
        x86pc_lapic_alarm_set(deadline_ns, hv_time_ns());
        return;
    }
    x86pc_alarm_record(deadline_ns);
    hv_stimer_arm(deadline_ns);
}

void hv_alarm_cancel(void)
{
    if (!hv.use.stimer) {
        x86pc_lapic_alarm_cancel();
        return;
    }
    x86pc_alarm_forget();
    wrmsr(HV_X64_MSR_STIMER0_COUNT, 0);     /* 0 disables it [T: timers] */
}

void hv_alarm_fired(unsigned cpu)
{
    if (!hv.use.stimer) {
        x86pc_lapic_alarm_fired(cpu, hv_time_ns());
        return;
    }
    uint64_t at = x86pc_alarm_fired(cpu, hv_time_ns());
    if (at)
        hv_stimer_arm(at);
}
