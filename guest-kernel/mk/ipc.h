/* SPDX-License-Identifier: MIT */
/*
 * ipc.h: synchronous IPC on endpoints (kernel layer, pure).  A sender
 * blocks until a receiver takes its message; a caller then also blocks
 * until the receiver replies.  Messages are UABI_MSG_WORDS words, passed
 * in registers.  Every function runs with the IPC lock held (syscall.c)
 * and does no blocking itself: it returns IPC_BLOCK and the caller gives
 * up the CPU; a partner that completes the exchange calls ipc_wake().
 */
#ifndef MK_IPC_H
#define MK_IPC_H

#include "mk.h"

#define IPC_BLOCK 0x7fffffffl       /* the caller must block */

struct endpoint {
    struct runq senders;            /* blocked senders, FIFO */
    struct proc *receiver;          /* a blocked receiver, or NULL */
};

/* (s) sends s->msg on (ep); a call (is_call) waits for the reply.
 * Returns 0 if done, IPC_BLOCK if (s) must wait. */
long ipc_send(struct endpoint *ep, struct proc *s, int is_call);
/* (r) receives on (ep) into r->msg.  Returns the sender's pid, IPC_BLOCK,
 * or UERR_BUSY if another process already waits there. */
long ipc_recv(struct endpoint *ep, struct proc *r);
/* (r) answers the caller it received last with r->msg.  Returns 0,
 * UERR_NOENT (no caller) or UERR_PIPE (the caller is gone). */
long ipc_reply(struct proc *r);
/* (dead) is going away: take it off every endpoint and wake with
 * UERR_PIPE whoever waits for its reply. */
void ipc_cleanup(struct endpoint *eps, unsigned neps, struct proc *all,
                 unsigned nall, struct proc *dead);

/* Provided by the scheduler (sched.c) or a unit test: (p), blocked,
 * may run again; its result is in p->ipc_ret and p->msg. */
void ipc_wake(struct proc *p);

#endif
