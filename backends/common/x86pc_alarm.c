/* SPDX-License-Identifier: MIT */
/*
 * x86pc_alarm.c: the one-shot alarm (backends/common, see x86pc.h):
 * per-CPU armed flag and deadline, raised only once due (an early
 * interrupt re-arms), for any timer; and the LAPIC timer as that timer,
 * in TSC-deadline mode where CPUID offers it, else one-shot count mode.
 * The deadline is in the backend's time base (its time_ns); both LAPIC
 * modes convert the wait from the time the backend read, so the base
 * need not be TSC-derived.
 */
#include <insn.h>

#include "x86pc.h"

void x86pc_alarm_init(bool lapic_timer)
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    x86pc.tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
    x86pc.lapic_alarm = lapic_timer;
    if (!lapic_timer)
        return;     /* the LAPIC timer is not used: nothing to measure */
    tsc_scale_from_ns(&x86pc.from_ns, x86pc.tsc_hz);
    if (x86pc.tsc_deadline)
        return;
    /* One-shot count mode needs the LAPIC timer rate; CPUID gives no
     * dependable figure, so measure it against the TSC (about 1 ms). */
    uint64_t hz = lapic_timer_hz(&x86pc.lapic, x86pc.tsc_hz);
    tsc_scale_from_ns(&x86pc.ns_to_lapic, hz ? hz : x86pc.tsc_hz);
}

unsigned x86pc_alarm_record(uint64_t deadline_ns)
{
    unsigned cpu = x86pc_cpu_id();
    x86pc.cpu[cpu].alarm_ns = deadline_ns;
    x86pc.cpu[cpu].alarm_armed = true;
    return cpu;
}

unsigned x86pc_alarm_forget(void)
{
    unsigned cpu = x86pc_cpu_id();
    x86pc.cpu[cpu].alarm_armed = false;
    return cpu;
}

uint64_t x86pc_alarm_fired(unsigned cpu, uint64_t now_ns)
{
    struct x86pc_cpu *c = &x86pc.cpu[cpu];
    if (!c->alarm_armed)
        return 0;   /* cancelled after it fired: not delivered */
    /* Early (rounding, a time-base update): wait again.  The deadline is
     * then above now_ns, hence never 0. */
    if (now_ns < c->alarm_ns)
        return c->alarm_ns;
    c->alarm_armed = false;
    vmi_event(VMI_EVENT_ALARM);
    return 0;
}

/* Program the LAPIC timer on the calling CPU for (deadline), (now) being
 * a time_ns read just before. */
static void x86pc_lapic_program(uint64_t deadline, uint64_t now)
{
    uint64_t wait = deadline > now ? deadline - now : 0;
    if (x86pc.tsc_deadline) {
        /* Read after `now`, so the TSC stands for a time >= now: the
         * alarm may be late by the read's length, never early.  A TSC
         * already passed fires at once (SDM 11.5.4.1); +1 rounds the
         * truncated conversion up; 0 would disarm. */
        uint64_t tsc = rdtsc_ordered();
        uint64_t at = tsc + tsc_scale_apply(&x86pc.from_ns, wait) + 1;
        lapic_timer_deadline(at < tsc ? UINT64_MAX : at);
        return;
    }
    uint64_t n = tsc_scale_apply(&x86pc.ns_to_lapic, wait);
    /* A zero count disarms, and a long wait is cut into 32-bit pieces:
     * x86pc_lapic_alarm_fired re-arms until the deadline is reached. */
    lapic_timer_count(&x86pc.lapic, n < 1 ? 1 :
                      n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
}

void x86pc_lapic_alarm_set(uint64_t deadline_ns, uint64_t now_ns)
{
    x86pc_alarm_record(deadline_ns);
    x86pc_lapic_program(deadline_ns, now_ns);
}

void x86pc_lapic_alarm_cancel(void)
{
    x86pc_alarm_forget();
    if (x86pc.tsc_deadline)
        lapic_timer_deadline(0);
    else
        lapic_timer_count(&x86pc.lapic, 0);
}

void x86pc_lapic_alarm_fired(unsigned cpu, uint64_t now_ns)
{
    uint64_t at = x86pc_alarm_fired(cpu, now_ns);
    if (at)
        x86pc_lapic_program(at, now_ns);
}
