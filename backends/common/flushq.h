/* SPDX-License-Identifier: MIT */
/*
 * flushq.h: the per-CPU queue of TLB flushes deferred between
 * mmu_lazy_begin and mmu_lazy_end.  Bounded: when it overflows, the
 * queued requests collapse into one full flush of every CPU they named,
 * which is always correct (a flush is never harmful, only slow): a
 * VMI_FLUSH_ALL (non-global entries) if every request was one, else one
 * of FLUSHQ_EVERY_PAGE, since a range may hold global pages.
 */
#ifndef VMI_COMMON_FLUSHQ_H
#define VMI_COMMON_FLUSHQ_H

#include <stdbool.h>

#include "vmi/types.h"

#define FLUSHQ_LEN 16

/* The npages of a request for every page, global ones included: what an
 * overflow that held any range becomes.  More pages than an address
 * space holds, so every flush path takes it as a range too wide to list:
 * x86_flush_range flushes globals, hyperv's flush hypercall is the Space
 * call without HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY. */
#define FLUSHQ_EVERY_PAGE UINT64_MAX

struct flushq_req {
    vmi_cpumask_t cpus;
    vmi_vaddr_t va;
    uint64_t npages;        /* VMI_FLUSH_ALL for everything */
};

struct flushq {
    bool active;            /* inside mmu_lazy_begin/end */
    bool overflow;          /* some request did not fit */
    bool ranges;            /* some request was not VMI_FLUSH_ALL */
    unsigned n;
    vmi_cpumask_t cpus;     /* union of every request's CPUs */
    struct flushq_req req[FLUSHQ_LEN];
};

/* Enter deferred mode with an empty queue. */
void flushq_begin(struct flushq *q);

/* Queue the flush of (npages) from (va) on (cpus).  Returns false if the
 * queue is not active (the caller flushes now), true if queued or folded
 * into the overflow full flush. */
bool flushq_add(struct flushq *q, vmi_cpumask_t cpus, vmi_vaddr_t va,
                uint64_t npages);

/* Leave deferred mode; returns how many requests (q)->req[] holds, to be
 * performed in order: each one queued, or after an overflow one,
 * (union of cpus, 0, VMI_FLUSH_ALL if every request was VMI_FLUSH_ALL,
 * else FLUSHQ_EVERY_PAGE).  The queue is inactive on return, so
 * performing them may flush directly. */
unsigned flushq_end(struct flushq *q);

#endif
