/* SPDX-License-Identifier: MIT */
/*
 * native_time.c: time from the TSC, wall clock from the CMOS RTC, and the
 * alarm on the LAPIC timer (common/x86pc_alarm.c) with this time base.
 *
 * Assumption: the TSCs of all CPUs are synchronised and run at a constant
 * rate (invariant TSC; firmware and hypervisors start them together).
 * time_ns is then monotonic across CPUs with no shared state.
 */
#include <insn.h>

#include "native.h"
#include "rtc.h"

void native_time_init(void)
{
    /* With a guessed rate cycles_hz reports 0 (unknown) and info->clock
     * says so. */
    x86pc.tsc_hz = tsc_hz_detect_or_guess(x86pc.rsdp, &x86pc.tsc_src);
    native.tsc_invariant = tsc_invariant();
    tsc_clock_start(&native.clock, x86pc.tsc_hz);
    x86pc.wall0_ns = rtc_wall0_ns(native_time_ns());
    x86pc_alarm_init(true);
}

uint64_t native_time_ns(void)
{
    return tsc_clock_ns(&native.clock);
}

uint64_t native_wallclock_ns(void)
{
    return x86pc_rtc_wallclock_ns(native_time_ns());
}

uint64_t native_stolen_ns(void)
{
    return 0;   /* bare metal: nothing is stolen, or nothing says so */
}

void native_alarm_set(uint64_t deadline_ns)
{
    x86pc_lapic_alarm_set(deadline_ns, native_time_ns());
}
