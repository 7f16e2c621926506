/* SPDX-License-Identifier: MIT */
/* lapic.c: local APIC in x2APIC or xAPIC mode (backends/common). */
#include <insn.h>

#include "lapic.h"
#include "tsc.h"

#define LAPIC_ICR_POLLS 100000  /* delivery status clears within microseconds */

void lapic_detect(struct lapic *l)
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    l->x2apic = r.ecx & CPUID1_ECX_X2APIC;
    /* IA32_APIC_BASE bits 51:12 hold the xAPIC page (SDM 11.4.4). */
    l->base = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
}

void lapic_enable(const struct lapic *l, uint8_t spurious)
{
    uint64_t b = rdmsr(MSR_APIC_BASE);
    if (!(b & APIC_BASE_EN))
        wrmsr(MSR_APIC_BASE, b |= APIC_BASE_EN);
    if (l->x2apic && !(b & APIC_BASE_EXTD))
        wrmsr(MSR_APIC_BASE, b | APIC_BASE_EXTD);
    lapic_write(l, LAPIC_TPR, 0);
    lapic_write(l, LAPIC_SVR, LAPIC_SVR_ENABLE | spurious);
}

uint32_t lapic_read(const struct lapic *l, unsigned reg)
{
    if (l->x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return mmio_read32(l->base + reg);
}

void lapic_write(const struct lapic *l, unsigned reg, uint32_t val)
{
    if (l->x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), val);
    else
        mmio_write32(l->base + reg, val);
}

uint32_t lapic_id(const struct lapic *l)
{
    uint32_t id = lapic_read(l, LAPIC_ID);
    return l->x2apic ? id : id >> 24;
}

void lapic_eoi(const struct lapic *l)
{
    lapic_write(l, LAPIC_EOI, 0);
}

uint64_t lapic_icr(bool x2apic, uint32_t dest, uint32_t low)
{
    return (uint64_t)(x2apic ? dest : dest << 24) << 32 | low;
}

static void lapic_wait_icr_idle(const struct lapic *l)
{
    for (unsigned i = 0; i < LAPIC_ICR_POLLS; i++) {
        if (!(mmio_read32(l->base + LAPIC_ICR_LO) & LAPIC_ICR_BUSY))
            return;
        cpu_relax();
    }
}

void lapic_send_ipi(const struct lapic *l, uint32_t dest, uint32_t low)
{
    uint64_t icr = lapic_icr(l->x2apic, dest, low);
    if (l->x2apic) {
        /* WRMSR to x2APIC registers is not serializing (SDM 11.12.3):
         * fence so the target sees our earlier stores (e.g. a mailbox). */
        mfence();
        wrmsr(MSR_X2APIC_ICR, icr);
        return;
    }
    /* The write of ICR low sends: high first (SDM 11.6.1). */
    lapic_wait_icr_idle(l);
    mmio_write32(l->base + LAPIC_ICR_HI, (uint32_t)(icr >> 32));
    mmio_write32(l->base + LAPIC_ICR_LO, (uint32_t)icr);
}

void lapic_timer_setup(const struct lapic *l, uint8_t vector, bool deadline)
{
    lapic_write(l, LAPIC_TIMER_DIV, LAPIC_DIV_BY_1);
    lapic_write(l, LAPIC_LVT_TIMER, vector |
                (deadline ? LAPIC_TIMER_TSC_DEADLINE : LAPIC_TIMER_ONESHOT));
    /* SDM 11.5.4.1: a write to IA32_TSC_DEADLINE may be ordered before a
     * memory-mapped LVT write; MFENCE orders them. */
    if (deadline)
        mfence();
}

void lapic_timer_deadline(uint64_t tsc)
{
    wrmsr(MSR_TSC_DEADLINE, tsc);
}

void lapic_timer_count(const struct lapic *l, uint32_t count)
{
    lapic_write(l, LAPIC_TIMER_INIT, count);
}

uint64_t lapic_timer_hz(const struct lapic *l, uint64_t tsc_hz)
{
    lapic_write(l, LAPIC_TIMER_DIV, LAPIC_DIV_BY_1);
    lapic_write(l, LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_write(l, LAPIC_TIMER_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc_ordered();
    tsc_delay_ns(tsc_hz, 1000000);
    uint32_t left = lapic_read(l, LAPIC_TIMER_CUR);
    uint64_t dt = rdtsc_ordered() - t0;
    lapic_write(l, LAPIC_TIMER_INIT, 0);
    struct tsc_scale s;
    tsc_scale_to_ns(&s, tsc_hz);
    uint64_t ns = tsc_scale_apply(&s, dt);
    /* ticks < 2^32, so ticks * 1e9 < 2^62: no 128-bit division (which
     * would need libgcc, absent from the guest). */
    return ns ? (uint64_t)(0xffffffffu - left) * TSC_NS_PER_SEC / ns : 0;
}
