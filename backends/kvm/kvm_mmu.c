/* SPDX-License-Identifier: MIT */
/*
 * kvm_mmu.c: TLB flushes.  Remote flushes skip the vCPUs the host has
 * preempted (PV TLB flush: the host flushes them before they run again),
 * and interrupt the rest (common/shootdown).  Deferred flushes between
 * mmu_lazy_begin/end queue in common/flushq.
 */
#include "kvm.h"
#include "x86.h"

vmi_cpumask_t kvm_flush_preempted(vmi_cpumask_t cpus)
{
    for (unsigned c = 0; c < VMI_MAX_CPUS; c++) {
        if (!(cpus >> c & 1))
            continue;
        uint8_t *p = &kvm.cpu[c].steal.preempted;
        uint8_t s = __atomic_load_n(p, __ATOMIC_RELAXED);
        /* Linux kvm_flush_tlb_multi(): only a preempted vCPU can be
         * asked; the compare-and-swap fails if it started running
         * meanwhile (the host clears PREEMPTED), and then it needs the
         * IPI after all.  Our page-table stores are ordered before the
         * locked CMPXCHG. */
        if ((s & KVM_VCPU_PREEMPTED) &&
            __atomic_compare_exchange_n(p, &s, s | KVM_VCPU_FLUSH_TLB, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            cpus &= ~(1ull << c);
    }
    return cpus;
}

static void kvm_flush_kick(void *ctx, unsigned cpu)
{
    (void)ctx;
    kvm_send_mask(1ull << cpu, KVM_VEC_FLUSH);
}

/* Flush now: locally if (cpus) holds the caller, then the other online
 * targets.  CPUs not yet started hold no TLB entries to flush. */
static void kvm_flush_now(void *ctx, vmi_cpumask_t cpus, vmi_vaddr_t va,
                          uint64_t npages)
{
    unsigned self = *(const unsigned *)ctx;
    if (cpus >> self & 1)
        x86_flush_range(va, npages);
    vmi_cpumask_t others = cpus & ~(1ull << self) &
                           __atomic_load_n(&kvm.online, __ATOMIC_ACQUIRE);
    if (others && kvm.use.pv_tlb_flush)
        others = kvm_flush_preempted(others);
    if (others)
        shootdown_run(&kvm.sd, self, others, va, npages, kvm_flush_kick, NULL);
}

void kvm_tlb_flush_page(vmi_vaddr_t va)
{
    unsigned self = kvm_cpu_id();
    if (!flushq_add(&kvm.cpu[self].lazy, 1ull << self, va, 1))
        x86_tlb_flush_page(va);
}

/* Call with interrupts enabled (tlb_flush_multi's contract): a target
 * needs its flush interrupt. */
void kvm_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = kvm_cpu_id();
    if (!flushq_add(&kvm.cpu[self].lazy, cpus, va, npages))
        kvm_flush_now(&self, cpus, va, npages);
}

void kvm_mmu_lazy_begin(void)
{
    flushq_begin(&kvm.cpu[kvm_cpu_id()].lazy);
}

void kvm_mmu_lazy_end(void)
{
    unsigned self = kvm_cpu_id();
    flushq_end(&kvm.cpu[self].lazy, kvm_flush_now, &self);
}
