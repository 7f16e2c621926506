/* SPDX-License-Identifier: MIT */
/* native_mmu.c: TLB flushes, remote by IPI (common/shootdown), and the
 * deferred-flush queue of mmu_lazy_begin/end (common/flushq). */
#include "native.h"
#include "x86.h"

/* Flush now: locally if (cpus) holds the caller, then the other online
 * targets by IPI.  CPUs not yet started hold no TLB entries to flush. */
static void native_flush_now(void *ctx, vmi_cpumask_t cpus, vmi_vaddr_t va,
                             uint64_t npages)
{
    unsigned self = *(const unsigned *)ctx;
    if (cpus >> self & 1)
        x86_flush_range(va, npages);
    vmi_cpumask_t others = cpus & ~(1ull << self) &
                           __atomic_load_n(&native.online, __ATOMIC_ACQUIRE);
    if (others)
        shootdown_run(&native.sd, self, others, va, npages,
                      native_flush_kick, NULL);
}

void native_tlb_flush_page(vmi_vaddr_t va)
{
    unsigned self = native_cpu_id();
    if (!flushq_add(&native.cpu[self].lazy, 1ull << self, va, 1))
        x86_tlb_flush_page(va);
}

/* Call with interrupts enabled (tlb_flush_multi's contract): a target
 * needs its flush interrupt.  shootdown_run also serves requests aimed at
 * the caller while it waits, so two CPUs flushing each other cannot
 * deadlock even with interrupts off. */
void native_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va,
                            uint64_t npages)
{
    unsigned self = native_cpu_id();
    if (!flushq_add(&native.cpu[self].lazy, cpus, va, npages))
        native_flush_now(&self, cpus, va, npages);
}

void native_mmu_lazy_begin(void)
{
    flushq_begin(&native.cpu[native_cpu_id()].lazy);
}

void native_mmu_lazy_end(void)
{
    unsigned self = native_cpu_id();
    flushq_end(&native.cpu[self].lazy, native_flush_now, &self);
}
