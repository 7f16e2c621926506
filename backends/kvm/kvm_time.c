/* SPDX-License-Identifier: MIT */
/*
 * kvm_time.c: time from kvmclock (pvclock.h), wall clock from
 * MSR_KVM_WALL_CLOCK_NEW, stolen time from the steal-time area, and the
 * alarm on the LAPIC timer (common/x86pc_alarm.c) with this time base:
 * KVM has no PV timer.
 * Without kvmclock (not advertised, or never filled in by the host) time,
 * rate and wall clock fall back to the TSC and the CMOS RTC, as in the
 * native backend.
 */
#include <insn.h>

#include "kvm.h"
#include "rtc.h"

static uint64_t kvm_rdtsc(void)
{
    return rdtsc_ordered();
}

/* The TSC rate CPU 0's kvmclock states, read consistently; 0 if the host
 * never filled it in.  The host fills it before the WRMSR returns: the
 * MSR write requests a clock update, done before the vCPU re-enters. */
static uint64_t kvm_clock_hz(void)
{
    const volatile struct pvclock_vcpu_time_info *ti = &kvm.cpu[0].clock;
    uint32_t v, mul;
    int8_t shift;
    do {
        v = pvclock_seq_begin(&ti->version);
        mul = ti->tsc_to_system_mul;
        shift = ti->tsc_shift;
    } while (pvclock_seq_retry(&ti->version, v));
    return pvclock_tsc_khz(mul, shift) * 1000;
}

void kvm_time_init(void)
{
    /* On CPU 0 a refused MSR just means no kvmclock: the TSC serves. */
    x86pc.tsc_src = TSC_SRC_HYPERVISOR;
    if ((kvm.features & (1u << KVM_FEATURE_CLOCKSOURCE2)) &&
        !wrmsr_safe(MSR_KVM_SYSTEM_TIME_NEW,
                    kvm_pa(&kvm.cpu[0].clock) | KVM_MSR_ENABLED)) {
        x86pc.tsc_hz = kvm_clock_hz();
        kvm.use.kvmclock = x86pc.tsc_hz != 0;
        if (!kvm.use.kvmclock)
            wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);  /* dead: switch it off */
    }
    if (!kvm.use.kvmclock) {
        /* As native: a guessed rate keeps time running, and cycles_hz
         * says "unknown" (0); the wall clock is the CMOS RTC's, which
         * the PC has without kvmclock too. */
        x86pc.tsc_hz = tsc_hz_detect_or_guess(x86pc.rsdp, &x86pc.tsc_src);
        tsc_clock_start(&kvm.tsc, x86pc.tsc_hz);
        x86pc.wall0_ns = rtc_wall0_ns(kvm_time_ns());
    }
    x86pc_alarm_init(true);
}

void kvm_time_cpu_init(unsigned cpu)
{
    /* CPU 0's clock was registered by init, which needed the rate.
     * Another CPU's must be: without the stable bit each CPU reads its
     * own, and an unregistered one would stop time there. */
    if (kvm.use.kvmclock && cpu != 0)
        kvm_msr_enable(MSR_KVM_SYSTEM_TIME_NEW, &kvm.cpu[cpu].clock,
                       "kvm: host refused MSR_KVM_SYSTEM_TIME_NEW");
    /* The area is .bss, hence zeroed, as msr.rst requires. */
    if (kvm.use.steal)
        kvm_msr_enable(MSR_KVM_STEAL_TIME, &kvm.cpu[cpu].steal,
                       "kvm: host refused MSR_KVM_STEAL_TIME");
}

uint64_t kvm_time_ns(void)
{
    uint8_t flags;
    if (!kvm.use.kvmclock)
        return tsc_clock_ns(&kvm.tsc);
    if (kvm.use.stable_bit) {
        /* With PVCLOCK_TSC_STABLE_BIT all vCPUs' clocks follow the host's
         * master clock and agree, so CPU 0's serves every CPU (Linux's
         * vDSO reads only vCPU 0's for the same reason) and no CPU
         * lookup is needed. */
        uint64_t ns = pvclock_read(&kvm.cpu[0].clock, kvm_rdtsc, &flags);
        if (flags & PVCLOCK_TSC_STABLE_BIT)
            return ns;
    }
    /* Per-CPU clocks may disagree slightly: clamp so that time never goes
     * backwards between CPUs (Linux pvclock_clocksource_read). */
    uint64_t ns = pvclock_read(&kvm.cpu[x86pc_cpu_id()].clock, kvm_rdtsc, &flags);
    return pvclock_clamp(&kvm.last_ns, ns);
}

uint64_t kvm_wallclock_ns(void)
{
    if (!kvm.use.kvmclock)
        return x86pc_rtc_wallclock_ns(kvm_time_ns());
    /* The host writes the structure only when the MSR is written
     * (msr.rst), so write it on every query, as Linux does.  It holds
     * the wall-clock time at kvmclock 0; no enable bit. */
    wrmsr(MSR_KVM_WALL_CLOCK_NEW, kvm_pa(&kvm.wall));
    return pvclock_wall_ns(&kvm.wall) + kvm_time_ns();
}

uint64_t kvm_steal_read(const volatile struct kvm_steal_time *st)
{
    uint32_t v;
    uint64_t steal;
    do {
        v = pvclock_seq_begin(&st->version);
        steal = st->steal;
    } while (pvclock_seq_retry(&st->version, v));
    return steal;
}

uint64_t kvm_stolen_ns(void)
{
    if (!kvm.use.steal)
        return 0;
    return kvm_steal_read(&kvm.cpu[x86pc_cpu_id()].steal);
}

void kvm_alarm_set(uint64_t deadline_ns)
{
    x86pc_lapic_alarm_set(deadline_ns, kvm_time_ns());
}
