/* SPDX-License-Identifier: MIT */
/*
 * shootdown.h: remote TLB flush by IPI, for the CPUs no hypervisor flush
 * reaches (native and xen; kvm's not preempted; hyperv's without the
 * flush hypercall or past its VP mask).  Each CPU has a
 * mailbox; a sender locks the mailboxes of all its targets in CPU order
 * (so two senders cannot deadlock on each other), writes the request,
 * sends its targets its flush vector, and waits until every target has
 * cleared its `pending` flag.
 *
 * Interrupts: a target runs shootdown_handle() from its flush-vector
 * handler with interrupts off.  A sender that is itself the target of
 * another sender would deadlock if it waited with interrupts off and only
 * interrupts could serve it, so shootdown_post and shootdown_wait also
 * serve its own mailbox while they wait.  Callers should still call with
 * interrupts enabled (the contract of tlb_flush_multi); a target CPU that
 * spins with interrupts off outside them delays its senders until it
 * enables them.
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

/* Flush (npages) from (va) on every CPU in (targets) other than (self), in
 * three steps around the caller's own send of its flush vector:
 * shootdown_post locks the targets' mailboxes in CPU order and posts the
 * request, returning the CPUs posted to; the caller sends them the vector
 * its own way (LAPIC, or a hypercall); shootdown_wait returns once every
 * one has flushed, and releases their mailboxes.  Flushing (self) is the
 * caller's job.  shootdown_wait gives up after (limit) TSC cycles (0: no
 * limit), counted from its call, for a target that never acknowledges:
 * it returns those CPUs (their mailboxes stay locked), else 0. */
vmi_cpumask_t shootdown_post(struct shootdown *s, unsigned self,
                             vmi_cpumask_t targets, vmi_vaddr_t va,
                             uint64_t npages);
vmi_cpumask_t shootdown_wait(struct shootdown *s, unsigned self,
                             vmi_cpumask_t posted, uint64_t limit);

/* On CPU (self): perform the request in its mailbox, if any, and
 * acknowledge it.  Idempotent: a second call finds nothing to do. */
void shootdown_handle(struct shootdown *s, unsigned self);

#endif
