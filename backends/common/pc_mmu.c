/* SPDX-License-Identifier: MIT */
/*
 * pc_mmu.c: TLB flushes of a LAPIC-driving backend (backends/common, see
 * pc.h): local by INVLPG or CR3, remote by IPI (common/shootdown) to the
 * targets pc.flush_filter and pc.flush_remote leave, deferred between
 * mmu_lazy_begin/end (common/flushq).
 */
#include "pc.h"
#include "x86.h"

static void pc_flush_kick(void *ctx, unsigned cpu)
{
    (void)ctx;
    pc_send(1ull << cpu, PC_VEC_FLUSH);
}

/* Flush now: locally if (cpus) holds the caller, then the other online
 * targets.  CPUs not yet started hold no TLB entries to flush. */
static void pc_flush_now(void *ctx, vmi_cpumask_t cpus, vmi_vaddr_t va,
                         uint64_t npages)
{
    unsigned self = *(const unsigned *)ctx;
    if (cpus >> self & 1)
        x86_flush_range(va, npages);
    vmi_cpumask_t others = cpus & ~(1ull << self) &
                           __atomic_load_n(&pc.online, __ATOMIC_ACQUIRE);
    if (others && pc.flush_filter)
        others = pc.flush_filter(others);
    if (others && pc.flush_remote)
        others = pc.flush_remote(self, others, va, npages);
    if (others)
        pc_flush_ipi(self, others, va, npages);
}

void pc_flush_ipi(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                  uint64_t npages)
{
    shootdown_run(&pc.sd, self, cpus, va, npages, pc_flush_kick, NULL);
}

void pc_tlb_flush_page(vmi_vaddr_t va)
{
    unsigned self = pc_cpu_id();
    if (!flushq_add(&pc.cpu[self].lazy, 1ull << self, va, 1))
        x86_tlb_flush_page(va);
}

/* Call with interrupts enabled (tlb_flush_multi's contract): a target
 * needs its flush interrupt.  shootdown_run also serves requests aimed at
 * the caller while it waits, so two CPUs flushing each other cannot
 * deadlock even with interrupts off. */
void pc_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = pc_cpu_id();
    if (!flushq_add(&pc.cpu[self].lazy, cpus, va, npages))
        pc_flush_now(&self, cpus, va, npages);
}

void pc_mmu_lazy_begin(void)
{
    flushq_begin(&pc.cpu[pc_cpu_id()].lazy);
}

void pc_mmu_lazy_end(void)
{
    unsigned self = pc_cpu_id();
    flushq_end(&pc.cpu[self].lazy, pc_flush_now, &self);
}
