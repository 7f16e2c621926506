/* SPDX-License-Identifier: MIT */
/* flushq.c: bounded queue of deferred TLB flushes (backends/common). */
#include "flushq.h"

void flushq_begin(struct flushq *q)
{
    q->active = true;
    q->overflow = false;
    q->ranges = false;
    q->n = 0;
    q->cpus = 0;
}

bool flushq_add(struct flushq *q, vmi_cpumask_t cpus, vmi_vaddr_t va,
                uint64_t npages)
{
    if (!q->active)
        return false;
    q->cpus |= cpus;
    q->ranges |= npages != VMI_FLUSH_ALL;
    if (q->overflow || q->n == FLUSHQ_LEN) {
        q->overflow = true;
        return true;
    }
    q->req[q->n++] = (struct flushq_req){ cpus, va, npages };
    return true;
}

unsigned flushq_end(struct flushq *q)
{
    q->active = false;
    if (!q->overflow)
        return q->n;
    if (!q->cpus)
        return 0;
    q->req[0] = (struct flushq_req){
        q->cpus, 0, q->ranges ? FLUSHQ_EVERY_PAGE : VMI_FLUSH_ALL };
    return 1;
}
