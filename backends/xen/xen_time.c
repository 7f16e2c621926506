/* SPDX-License-Identifier: MIT */
/*
 * xen_time.c: time from Xen's pvclock (vcpu_info.time, struct
 * vcpu_time_info in public/xen.h, byte-identical to KVM's pvclock: the
 * math is backends/common/pvclock.h), the wall clock from shared_info,
 * and the one-shot alarm: the bookkeeping of common/x86pc_alarm.c on
 * VCPUOP_set_singleshot_timer, which fires VIRQ_TIMER on this vCPU's
 * timer port (public/vcpu.h); the LAPIC timer is never the alarm here.
 */
#include <insn.h>

#include "pvclock.h"
#include "xen.h"

#include <xen/vcpu.h>

_Static_assert(sizeof(struct vcpu_time_info) ==
               sizeof(struct pvclock_vcpu_time_info), "pvclock layout");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_to_system_mul) ==
               __builtin_offsetof(struct pvclock_vcpu_time_info,
                                  tsc_to_system_mul), "pvclock mul");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, flags) ==
               __builtin_offsetof(struct pvclock_vcpu_time_info, flags),
               "pvclock flags");
_Static_assert(XEN_PVCLOCK_TSC_STABLE_BIT == PVCLOCK_TSC_STABLE_BIT,
               "stable bit");
_Static_assert(__builtin_offsetof(struct shared_info, wc_nsec) -
               __builtin_offsetof(struct shared_info, wc_version) == 8,
               "wc_* is a pvclock_wall_clock");

static uint64_t xen_tsc(void)
{
    return rdtsc_ordered();
}

static const volatile struct pvclock_vcpu_time_info *xen_clock(unsigned cpu)
{
    return (const volatile void *)&xen_vcpu_info(cpu)->time;
}

/* With XEN_PVCLOCK_TSC_STABLE_BIT every vCPU's clock agrees
 * (public/xen.h), so vCPU 0's record serves any CPU and saves the APIC-ID
 * read of cpu_id() on this hot path.  Xen sets the bit only when its own
 * clocksource is the TSC, which takes clocksource=tsc on its command line
 * (xen/arch/x86/time.c); by default each vCPU's record is Xen's
 * extrapolation for the physical CPU that vCPU last ran on, refreshed
 * when it runs, and another vCPU's may be long stale.  So without the bit
 * each CPU reads its own, as Linux's xen_clocksource_read() does, and the
 * clamp keeps time monotonic across CPUs.  Xen may change the bit on any
 * update, so it is read every time. */
bool xen_time_stable(void)
{
    return xen_clock(0)->flags & PVCLOCK_TSC_STABLE_BIT;
}

uint64_t xen_time_ns(void)
{
    uint8_t flags;
    uint64_t ns = pvclock_read(xen_clock(0), xen_tsc, &flags);
    if (flags & PVCLOCK_TSC_STABLE_BIT)
        return ns;
    unsigned cpu = x86pc_cpu_id();
    if (cpu != 0)
        ns = pvclock_read(xen_clock(cpu), xen_tsc, &flags);
    return pvclock_clamp(&xen.last_ns, ns);
}

/* wc_* is the wall time at system time 0; wc_sec_hi matters after 2106. */
uint64_t xen_wallclock_ns(void)
{
    const volatile struct pvclock_wall_clock *wc =
        (const volatile void *)&xen_shared.s.wc_version;
    uint64_t base = pvclock_wall_ns(wc);
    return base ? base + xen_time_ns() : 0;
}

uint64_t xen_cycles_hz(void)
{
    const volatile struct vcpu_time_info *t = &xen_shared.s.vcpu_info[0].time;
    return pvclock_tsc_khz(t->tsc_to_system_mul, t->tsc_shift) * 1000;
}

/* No runstate area is registered (vmi-run offers none): 0, as the
 * contract allows where the hypervisor does not say. */
uint64_t xen_stolen_ns(void)
{
    return 0;
}

/* The absolute deadline is Xen system time, which is this time base
 * (xen_hcall.c: not VCPU_SSHOTTMR_future, so a past deadline fires at
 * once). */
static void xen_singleshot_arm(unsigned cpu, uint64_t deadline_ns)
{
    xen_check(xen_hc_singleshot(cpu, deadline_ns),
              "xen: VCPUOP_set_singleshot_timer failed");
}

void xen_alarm_set(uint64_t deadline_ns)
{
    xen_singleshot_arm(x86pc_alarm_record(deadline_ns), deadline_ns);
}

void xen_alarm_cancel(void)
{
    xen_check(xen_hc_vcpu_op(VCPUOP_stop_singleshot_timer,
                             x86pc_alarm_forget(), 0),
              "xen: VCPUOP_stop_singleshot_timer failed");
}

void xen_alarm_fired(unsigned cpu)
{
    uint64_t at = x86pc_alarm_fired(cpu, xen_time_ns());
    if (at)
        xen_singleshot_arm(cpu, at);
}
