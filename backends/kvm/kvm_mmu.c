/* SPDX-License-Identifier: MIT */
/*
 * kvm_mmu.c: tlb_flush_multi and mmu_lazy_end: the PC's (common/x86pc_mmu.c:
 * lazy queue, local flush, IPI shootdown) with PV TLB flush, which skips
 * the remote vCPUs the host has preempted (the host flushes them before
 * they run again), and with the flush IPIs sent by kvm_send.
 */
#include "kvm.h"

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
         * locked CMPXCHG.  The host's flush is of the whole guest TLB,
         * global entries included, so it serves any (va, npages):
         * arch/x86/kvm/x86.c record_steal_time() calls
         * kvm_vcpu_flush_tlb_guest(), "equivalent to INVPCID(all),
         * toggling CR4.PGE". */
        if ((s & KVM_VCPU_PREEMPTED) &&
            __atomic_compare_exchange_n(p, &s, s | KVM_VCPU_FLUSH_TLB, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            cpus &= ~(1ull << c);
    }
    return cpus;
}

/* From CPU (self), now: its own TLB if (cpus) holds it, then the other
 * online targets, the preempted ones marked, the rest by IPI. */
static void kvm_flush_now(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                          uint64_t npages)
{
    vmi_cpumask_t others = x86pc_flush_local(self, cpus, va, npages);
    if (others && kvm.use.pv_tlb_flush)
        others = kvm_flush_preempted(others);
    if (!others)
        return;
    x86pc_flush_post(self, others, va, npages);
    kvm_send(others, X86PC_VEC_FLUSH);
    x86pc_flush_wait(self, others);
}

void kvm_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = x86pc_cpu_id();
    if (!x86pc_flush_defer(self, cpus, va, npages))
        kvm_flush_now(self, cpus, va, npages);
}

void kvm_mmu_lazy_end(void)
{
    unsigned self = x86pc_cpu_id();
    const struct flushq_req *r = x86pc.cpu[self].lazy.req;
    for (unsigned i = 0, n = x86pc_lazy_end(self); i < n; i++)
        kvm_flush_now(self, r[i].cpus, r[i].va, r[i].npages);
}
