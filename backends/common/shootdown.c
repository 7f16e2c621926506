/* SPDX-License-Identifier: MIT */
/* shootdown.c: IPI-based remote TLB flush (backends/common). */
#include <insn.h>

#include "shootdown.h"
#include "x86.h"

static void box_lock(struct shootdown *s, unsigned self, struct shootdown_box *b)
{
    while (__atomic_exchange_n(&b->lock, 1, __ATOMIC_ACQUIRE)) {
        /* Serve our own mailbox meanwhile: its sender may be the holder
         * of the lock we want, waiting for us. */
        shootdown_handle(s, self);
        cpu_relax();
    }
}

void shootdown_handle(struct shootdown *s, unsigned self)
{
    struct shootdown_box *b = &s->box[self];
    if (!__atomic_load_n(&b->pending, __ATOMIC_ACQUIRE))
        return;
    x86_flush_range(b->va, b->npages);
    __atomic_store_n(&b->pending, 0, __ATOMIC_RELEASE);
}

vmi_cpumask_t shootdown_post(struct shootdown *s, unsigned self,
                             vmi_cpumask_t targets, vmi_vaddr_t va,
                             uint64_t npages)
{
    vmi_cpumask_t m = targets & ~(1ull << self);
    for (unsigned c = 0; c < VMI_MAX_CPUS; c++) {
        if (!(m >> c & 1))
            continue;
        struct shootdown_box *b = &s->box[c];
        box_lock(s, self, b);
        b->va = va;
        b->npages = npages;
        __atomic_store_n(&b->pending, 1, __ATOMIC_RELEASE);
    }
    return m;
}

vmi_cpumask_t shootdown_wait(struct shootdown *s, unsigned self,
                             vmi_cpumask_t posted, uint64_t limit)
{
    vmi_cpumask_t late = 0;
    uint64_t t0 = rdtsc_ordered();
    for (unsigned c = 0; c < VMI_MAX_CPUS; c++) {
        if (!(posted >> c & 1))
            continue;
        struct shootdown_box *b = &s->box[c];
        while (__atomic_load_n(&b->pending, __ATOMIC_ACQUIRE)) {
            if (limit && rdtsc_ordered() - t0 > limit) {
                late |= 1ull << c;
                break;
            }
            shootdown_handle(s, self);
            cpu_relax();
        }
        if (!(late >> c & 1))
            __atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
    }
    return late;
}
