/* SPDX-License-Identifier: MIT */
/*
 * kvm_mmu.c: PV TLB flush, the filter common/x86pc_mmu.c applies to remote
 * flush targets: skip the vCPUs the host has preempted (the host flushes
 * them before they run again); the rest are interrupted as natively.
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
         * locked CMPXCHG. */
        if ((s & KVM_VCPU_PREEMPTED) &&
            __atomic_compare_exchange_n(p, &s, s | KVM_VCPU_FLUSH_TLB, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            cpus &= ~(1ull << c);
    }
    return cpus;
}
