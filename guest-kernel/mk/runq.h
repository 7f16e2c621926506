/* SPDX-License-Identifier: MIT */
/*
 * runq.h: an intrusive FIFO of processes (kernel layer, pure code): the
 * per-CPU run queues and the endpoint send queues.  No locking and no vmi
 * calls, so the host unit tests (tests/unit/test_kernel_runq.c) build it
 * as it is; the caller holds whatever lock guards the queue.
 */
#ifndef MK_RUNQ_H
#define MK_RUNQ_H

#include <stddef.h>

struct runq_link {
    struct runq_link *next;
    int queued;                     /* on some queue now */
};

struct runq {
    struct runq_link *head, *tail;
    unsigned len;
};

/* Append (l) at the tail; (l) must not be on a queue. */
void runq_push(struct runq *q, struct runq_link *l);
/* Insert (l) at the head, to run next. */
void runq_push_front(struct runq *q, struct runq_link *l);
/* Remove and return the head, or NULL if (q) is empty. */
struct runq_link *runq_pop(struct runq *q);
/* Remove (l) wherever it is in (q); returns 1 if it was there. */
int runq_remove(struct runq *q, struct runq_link *l);

/* The structure that holds link (l) as member (m), container_of style. */
#define RUNQ_ENTRY(l, type, m) \
    ((type *)(void *)((char *)(l) - offsetof(type, m)))

#endif
