/* SPDX-License-Identifier: MIT */
/*
 * hv_time.c: time from Hyper-V's reference TSC page (fallback: the
 * TIME_REF_COUNT MSR, then the raw TSC), the wall clock from the CMOS RTC
 * (the TLFS has none), and the one-shot alarm on synthetic timer 0 in
 * direct mode (fallback: the LAPIC timer, as native).
 */
#include <insn.h>

#include "hyperv.h"
#include "rtc.h"
#include "x86.h"

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
    uint64_t t = rdtsc_ordered();
    return t > hv.tsc0 ? tsc_scale_apply(&hv.to_ns, t - hv.tsc0) : 0;
}

void hv_time_init(void)
{
    hv.tsc_hz = hv.priv_eax & HV_PRIV_FREQUENCY_MSRS ?
                rdmsr(HV_X64_MSR_TSC_FREQUENCY) : tsc_hz_detect();
    if (!hv.tsc_hz) {
        /* As native: time runs forward at a guessed rate, and
         * cycles_hz says "unknown" (0). */
        hv.tsc_hz = 1000000000ull;
        hv.tsc_hz_guessed = true;
    }
    tsc_scale_to_ns(&hv.to_ns, hv.tsc_hz);
    tsc_scale_from_ns(&hv.from_ns, hv.tsc_hz);
    hv.tsc0 = rdtsc_ordered();
    uint64_t secs = rtc_read_unix();
    if (secs)
        hv.wall0_ns = secs * TSC_NS_PER_SEC - hv_time_ns();
    if (!hv.use.stimer && !hv.use.tsc_deadline)
        tsc_scale_from_ns(&hv.ns_to_lapic, lapic_timer_hz(&hv.lapic,
                                                          hv.tsc_hz));
}

/* [T: timers "Synthetic Timer Configuration Register"]: direct mode
 * raises HV_VEC_ALARM on the LAPIC; auto-enable makes every COUNT write
 * arm the one-shot timer.  SynIC first: KVM requires it [ABI 3.6]. */
void hv_time_cpu_init(unsigned cpu)
{
    (void)cpu;
    if (!hv.use.stimer) {
        lapic_timer_setup(&hv.lapic, HV_VEC_ALARM, hv.use.tsc_deadline);
        return;
    }
    wrmsr(HV_X64_MSR_SCONTROL, HV_SYNIC_SCONTROL_ENABLE);
    wrmsr(HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
          (uint64_t)HV_VEC_ALARM << HV_STIMER_VECTOR_SHIFT);
}

uint64_t hv_wallclock_ns(void)
{
    return hv.wall0_ns ? hv.wall0_ns + hv_time_ns() : 0;
}

uint64_t hv_cycles_hz(void)
{
    return hv.tsc_hz_guessed ? 0 : hv.tsc_hz;
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

static void hv_alarm_program(uint64_t deadline)
{
    if (hv.use.stimer) {
        wrmsr(HV_X64_MSR_STIMER0_COUNT, hv_stimer_count(deadline));
        return;
    }
    uint64_t now = hv_time_ns();
    uint64_t delta = deadline > now ? deadline - now : 0;
    if (hv.use.tsc_deadline) {
        lapic_timer_deadline(rdtsc_ordered() +
                             tsc_scale_apply(&hv.from_ns, delta) + 1);
        return;
    }
    uint64_t n = tsc_scale_apply(&hv.ns_to_lapic, delta);
    lapic_timer_count(&hv.lapic, n < 1 ? 1 : n > UINT32_MAX ? UINT32_MAX
                                                           : (uint32_t)n);
}

void hv_alarm_set(uint64_t deadline_ns)
{
    struct hv_cpu *c = &hv.cpu[hv_cpu_id()];
    c->alarm_ns = deadline_ns;
    c->alarm_armed = true;
    hv_alarm_program(deadline_ns);
}

void hv_alarm_cancel(void)
{
    hv.cpu[hv_cpu_id()].alarm_armed = false;
    if (hv.use.stimer)
        wrmsr(HV_X64_MSR_STIMER0_COUNT, 0);
    else if (hv.use.tsc_deadline)
        lapic_timer_deadline(0);
    else
        lapic_timer_count(&hv.lapic, 0);
}

/* The alarm guard (contract-decisions.md D4). */
void hv_alarm_fire(unsigned cpu)
{
    struct hv_cpu *c = &hv.cpu[cpu];
    if (!c->alarm_armed)
        return;
    if (hv_time_ns() < c->alarm_ns) {
        hv_alarm_program(c->alarm_ns);
        return;
    }
    c->alarm_armed = false;
    vmi_event(VMI_EVENT_ALARM);
}
