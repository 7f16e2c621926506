/* SPDX-License-Identifier: MIT */
/*
 * shootdown.h: remote TLB flush by IPI, for backends without a
 * hypervisor flush (native, and kvm without PV TLB flush).  Each CPU has a
 * mailbox; a sender locks the mailboxes of all its targets in CPU order
 * (so two senders cannot deadlock on each other), writes the request,
 * kicks each target with the caller's flush vector, and waits until every
 * target has cleared its `pending` flag.
 *
 * Interrupts: a target runs shootdown_handle() from its flush-vector
 * handler with interrupts off.  A sender that is itself the target of
 * another sender would deadlock if it waited with interrupts off and only
 * interrupts could serve it, so shootdown_run also serves its own mailbox
 * while it waits.  Callers should still call with interrupts enabled (the
 * contract of tlb_flush_multi); a target CPU that spins with interrupts
 * off outside shootdown_run delays its senders until it enables them.
 */
#ifndef VMI_COMMON_SHOOTDOWN_H
#define VMI_COMMON_SHOOTDOWN_H

#include "vmi/types.h"

struct shootdown_box {
    uint32_t lock;                  /* held by the one sender using it */
    uint32_t pending;               /* request posted, not yet done */
    vmi_vaddr_t va;
    uint64_t npages;
} __attribute__((aligned(64)));     /* one cache line per CPU */

struct shootdown {
    struct shootdown_box box[VMI_MAX_CPUS];
};

/* Send the flush vector to CPU (cpu). */
typedef void shootdown_kick_fn(void *ctx, unsigned cpu);

/* Flush (npages) from (va) on every CPU in (targets) other than (self),
 * using (kick)(ctx, cpu) to interrupt each, and return when all are done.
 * Flushing (self) is the caller's job. */
void shootdown_run(struct shootdown *s, unsigned self, vmi_cpumask_t targets,
                   vmi_vaddr_t va, uint64_t npages, shootdown_kick_fn *kick,
                   void *ctx);

/* On CPU (self): perform the request in its mailbox, if any, and
 * acknowledge it.  Idempotent: a second call finds nothing to do. */
void shootdown_handle(struct shootdown *s, unsigned self);

#endif
