/* SPDX-License-Identifier: MIT */
/*
 * x86pc_mmu.c: TLB flushes of a LAPIC-driving backend (backends/common, see
 * x86pc.h): local by INVLPG or CR3, remote by IPI (common/shootdown) to the
 * targets x86pc.flush_filter and x86pc.flush_remote leave, deferred between
 * mmu_lazy_begin/end (common/flushq).
 */
#include "x86pc.h"
#include "x86.h"

/* Flush now: locally if (cpus) holds the caller, then the other online
 * targets.  CPUs not yet started hold no TLB entries to flush. */
static void x86pc_flush_now(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                            uint64_t npages)
{
    if (cpus >> self & 1)
        x86_flush_range(va, npages);
    vmi_cpumask_t others = cpus & ~(1ull << self) &
                           __atomic_load_n(&x86pc.online, __ATOMIC_ACQUIRE);
    if (others && x86pc.flush_filter)
        others = x86pc.flush_filter(others);
    if (others && x86pc.flush_remote)
        others = x86pc.flush_remote(self, others, va, npages);
    if (others)
        x86pc_flush_ipi(self, others, va, npages);
}

void x86pc_flush_ipi(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                  uint64_t npages)
{
    vmi_cpumask_t posted = shootdown_post(&x86pc.sd, self, cpus, va, npages);
    x86pc_send(posted, X86PC_VEC_FLUSH);
    shootdown_wait(&x86pc.sd, self, posted);
}

void x86pc_tlb_flush_page(vmi_vaddr_t va)
{
    unsigned self = x86pc_cpu_id();
    if (!flushq_add(&x86pc.cpu[self].lazy, 1ull << self, va, 1))
        x86_tlb_flush_page(va);
}

/* Call with interrupts enabled (tlb_flush_multi's contract): a target
 * needs its flush interrupt.  shootdown_post/_wait also serve requests aimed
 * at the caller while they wait, so two CPUs flushing each other cannot
 * deadlock even with interrupts off. */
void x86pc_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = x86pc_cpu_id();
    if (!flushq_add(&x86pc.cpu[self].lazy, cpus, va, npages))
        x86pc_flush_now(self, cpus, va, npages);
}

void x86pc_mmu_lazy_begin(void)
{
    flushq_begin(&x86pc.cpu[x86pc_cpu_id()].lazy);
}

void x86pc_mmu_lazy_end(void)
{
    unsigned self = x86pc_cpu_id();
    const struct flushq_req *r = x86pc.cpu[self].lazy.req;
    for (unsigned i = 0, n = flushq_end(&x86pc.cpu[self].lazy); i < n; i++)
        x86pc_flush_now(self, r[i].cpus, r[i].va, r[i].npages);
}
