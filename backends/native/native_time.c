/* SPDX-License-Identifier: MIT */
/*
 * native_time.c: time from the TSC, wall clock from the CMOS RTC, and the
 * one-shot alarm on the LAPIC timer (TSC-deadline mode where CPUID offers
 * it, else one-shot count mode).
 *
 * Assumption: the TSCs of all CPUs are synchronised and run at a constant
 * rate (invariant TSC; firmware and hypervisors start them together).
 * time_ns is then monotonic across CPUs with no shared state.
 */
#include <insn.h>

#include "native.h"
#include "rtc.h"

/* Used when neither CPUID nor the PIT gives the TSC rate: time then runs
 * at the wrong speed, but forward; cycles_hz reports 0 (unknown) and
 * info->clock says the rate is guessed. */
#define NATIVE_TSC_HZ_GUESS 1000000000ull

static void native_alarm_calibrate(void)
{
    /* One-shot count mode needs the LAPIC timer rate; CPUID gives no
     * dependable figure, so measure it against the TSC (about 1 ms). */
    uint64_t hz = lapic_timer_hz(&native.lapic, native.tsc_hz);
    tsc_scale_from_ns(&native.ns_to_lapic, hz ? hz : native.tsc_hz);
}

void native_time_init(void)
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    native.tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
    native.tsc_hz = tsc_hz_detect();
    if (!native.tsc_hz) {
        native.tsc_hz = NATIVE_TSC_HZ_GUESS;
        native.tsc_hz_guessed = true;
    }
    tsc_scale_to_ns(&native.to_ns, native.tsc_hz);
    tsc_scale_from_ns(&native.from_ns, native.tsc_hz);
    native.tsc0 = rdtsc_ordered();
    uint64_t secs = rtc_read_unix();
    /* wallclock = wall0 + time_ns; a missing RTC leaves wall0 = 0. */
    if (secs)
        native.wall0_ns = secs * TSC_NS_PER_SEC - native_time_ns();
    if (!native.tsc_deadline)
        native_alarm_calibrate();
}

uint64_t native_time_ns(void)
{
    uint64_t t = rdtsc_ordered();
    /* A TSC a few cycles behind tsc0 on another CPU reads as 0, not as
     * a wrapped huge value. */
    return t > native.tsc0 ? tsc_scale_apply(&native.to_ns, t - native.tsc0) : 0;
}

uint64_t native_wallclock_ns(void)
{
    return native.wall0_ns ? native.wall0_ns + native_time_ns() : 0;
}

uint64_t native_cycles_hz(void)
{
    return native.tsc_hz_guessed ? 0 : native.tsc_hz;
}

uint64_t native_stolen_ns(void)
{
    return 0;   /* bare metal: nothing is stolen, or nothing says so */
}

/* Program the timer for (deadline) on the calling CPU. */
static void native_alarm_program(uint64_t deadline)
{
    if (native.tsc_deadline) {
        /* A TSC value already passed fires at once (SDM 11.5.4.1); +1
         * rounds the truncated conversion up; 0 would disarm. */
        uint64_t tsc = native.tsc0 + tsc_scale_apply(&native.from_ns, deadline) + 1;
        lapic_timer_deadline(tsc < native.tsc0 ? UINT64_MAX : tsc);
        return;
    }
    uint64_t now = native_time_ns();
    uint64_t n = deadline > now ? tsc_scale_apply(&native.ns_to_lapic,
                                                  deadline - now) : 0;
    /* A zero count disarms, and a long wait is cut into 32-bit pieces:
     * native_alarm_fire re-arms until the deadline is reached. */
    lapic_timer_count(&native.lapic, n < 1 ? 1 : n > UINT32_MAX ? UINT32_MAX
                                                                 : (uint32_t)n);
}

void native_alarm_set(uint64_t deadline_ns)
{
    struct native_cpu *c = &native.cpu[native_cpu_id()];
    c->alarm_ns = deadline_ns;
    c->alarm_armed = true;
    native_alarm_program(deadline_ns);
}

void native_alarm_cancel(void)
{
    native.cpu[native_cpu_id()].alarm_armed = false;
    if (native.tsc_deadline)
        lapic_timer_deadline(0);
    else
        lapic_timer_count(&native.lapic, 0);
}

void native_alarm_fire(unsigned cpu)
{
    struct native_cpu *c = &native.cpu[cpu];
    if (!c->alarm_armed)
        return;     /* cancelled after it fired: not delivered */
    if (native_time_ns() < c->alarm_ns) {
        native_alarm_program(c->alarm_ns);
        return;
    }
    c->alarm_armed = false;
    vmi_event(VMI_EVENT_ALARM);
}
