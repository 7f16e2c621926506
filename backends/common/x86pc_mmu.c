/* SPDX-License-Identifier: MIT */
/*
 * x86pc_mmu.c: TLB flushes on the x86 PC (backends/common, see x86pc.h):
 * local by INVLPG or CR3, remote by the IPI shootdown (common/shootdown),
 * deferred between mmu_lazy_begin/end (common/flushq); the helpers a
 * backend's own flush ops are made of, and the ops of the backends whose
 * remote flush is the shootdown on LAPIC IPIs.
 */
#include "common.h"
#include "x86pc.h"
#include "x86.h"

bool x86pc_flush_defer(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                       uint64_t npages)
{
    return flushq_add(&x86pc.cpu[self].lazy, cpus, va, npages);
}

vmi_cpumask_t x86pc_flush_local(unsigned self, vmi_cpumask_t cpus,
                                vmi_vaddr_t va, uint64_t npages)
{
    if (cpus >> self & 1)
        x86_flush_range(va, npages);
    return cpus & ~(1ull << self) &
           __atomic_load_n(&x86pc.online, __ATOMIC_ACQUIRE);
}

unsigned x86pc_lazy_end(unsigned self)
{
    return flushq_end(&x86pc.cpu[self].lazy);
}

void x86pc_flush_post(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                      uint64_t npages)
{
    shootdown_post(&x86pc.sd, self, cpus, va, npages);
}

void x86pc_flush_wait(unsigned self, vmi_cpumask_t cpus)
{
    /* A target that never acknowledges (a CPU that died, a lost vector)
     * ends the wait after X86PC_FLUSH_TIMEOUT_S on the TSC, in a panic
     * naming it: going on would leave its TLB stale.  Without a rate
     * (0), no limit. */
    struct tsc_scale s;
    uint64_t limit = 0;
    if (x86pc.tsc_hz) {
        tsc_scale_from_ns(&s, x86pc.tsc_hz);
        limit = tsc_scale_apply(&s, X86PC_FLUSH_TIMEOUT_S * TSC_NS_PER_SEC);
    }
    vmi_cpumask_t late = shootdown_wait(&x86pc.sd, self, cpus, limit);
    if (!late)
        return;
    char msg[80], num[21];
    size_t n = 0;
    vmi_fmt_u64(num, (uint64_t)__builtin_ctzll(late), 10);
    vmi_append(msg, sizeof(msg), &n, "x86pc: cpu ");
    vmi_append(msg, sizeof(msg), &n, num);
    vmi_append(msg, sizeof(msg), &n, " did not acknowledge a TLB flush");
    vmi_panic(msg);
}

/* From CPU (self), now: its own TLB if (cpus) holds it, then the other
 * online targets by the IPI shootdown on LAPIC IPIs. */
static void x86pc_flush_now(unsigned self, vmi_cpumask_t cpus,
                            vmi_vaddr_t va, uint64_t npages)
{
    vmi_cpumask_t others = x86pc_flush_local(self, cpus, va, npages);
    if (!others)
        return;
    x86pc_flush_post(self, others, va, npages);
    x86pc_send_lapic(others, X86PC_VEC_FLUSH);
    x86pc_flush_wait(self, others);
}

void x86pc_tlb_flush_page(vmi_vaddr_t va)
{
    unsigned self = x86pc_cpu_id();
    if (!x86pc_flush_defer(self, 1ull << self, va, 1))
        x86_tlb_flush_page(va);
}

/* Call with interrupts enabled (tlb_flush_multi's contract): a target
 * needs its flush interrupt.  The shootdown also serves requests aimed at
 * the caller while it waits, so two CPUs flushing each other cannot
 * deadlock even with interrupts off. */
void x86pc_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages)
{
    unsigned self = x86pc_cpu_id();
    if (!x86pc_flush_defer(self, cpus, va, npages))
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
    for (unsigned i = 0, n = x86pc_lazy_end(self); i < n; i++)
        x86pc_flush_now(self, r[i].cpus, r[i].va, r[i].npages);
}
