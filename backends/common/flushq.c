/* SPDX-License-Identifier: MIT */
/* flushq.c: bounded queue of deferred TLB flushes (backends/common). */
#include "flushq.h"

void flushq_begin(struct flushq *q)
{
    q->active = true;
    q->overflow = false;
    q->n = 0;
    q->cpus = 0;
}

bool flushq_add(struct flushq *q, vmi_cpumask_t cpus, vmi_vaddr_t va,
                uint64_t npages)
{
    if (!q->active)
        return false;
    q->cpus |= cpus;
    if (q->overflow || q->n == FLUSHQ_LEN) {
        q->overflow = true;
        return true;
    }
    q->req[q->n++] = (struct flushq_req){ cpus, va, npages };
    return true;
}

void flushq_end(struct flushq *q, flushq_fn *fn, void *ctx)
{
    q->active = false;
    if (q->overflow) {
        if (q->cpus)
            fn(ctx, q->cpus, 0, VMI_FLUSH_ALL);
        return;
    }
    for (unsigned i = 0; i < q->n; i++)
        fn(ctx, q->req[i].cpus, q->req[i].va, q->req[i].npages);
}
