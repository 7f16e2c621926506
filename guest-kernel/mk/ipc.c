/* SPDX-License-Identifier: MIT */
/* ipc.c: synchronous IPC rendezvous (kernel layer, pure; see ipc.h). */
#include "ipc.h"

static void copy_msg(uint64_t *dst, const uint64_t *src)
{
    for (unsigned i = 0; i < UABI_MSG_WORDS; i++)
        dst[i] = src[i];
}

static void complete(struct proc *p, long ret)
{
    p->ipc_ret = ret;
    p->wait = W_NONE;
    ipc_wake(p);
}

/* (s)'s message reached (r).  Returns what the send returns. */
static long deliver(struct proc *s, struct proc *r, int is_call)
{
    copy_msg(r->msg, s->msg);
    if (is_call) {
        r->reply_to = s;
        s->wait = W_REPLY;
        return IPC_BLOCK;
    }
    return 0;
}

long ipc_send(struct endpoint *ep, struct proc *s, int is_call)
{
    struct proc *r = ep->receiver;
    long ret;

    if (!r) {
        s->wait = W_SEND;
        s->is_call = is_call;
        runq_push(&ep->senders, &s->rq);
        return IPC_BLOCK;
    }
    ep->receiver = NULL;
    ret = deliver(s, r, is_call);
    complete(r, s->pid);
    return ret;
}

long ipc_recv(struct endpoint *ep, struct proc *r)
{
    struct runq_link *l = runq_pop(&ep->senders);
    struct proc *s;

    if (!l) {
        if (ep->receiver)
            return UERR_BUSY;
        ep->receiver = r;
        r->wait = W_RECV;
        return IPC_BLOCK;
    }
    s = RUNQ_ENTRY(l, struct proc, rq);
    if (deliver(s, r, s->is_call) == 0)
        complete(s, 0);
    return s->pid;
}

long ipc_reply(struct proc *r)
{
    struct proc *t = r->reply_to;

    if (!t)
        return UERR_NOENT;
    r->reply_to = NULL;
    if (t->wait != W_REPLY)
        return UERR_PIPE;
    copy_msg(t->msg, r->msg);
    complete(t, 0);
    return 0;
}

void ipc_cleanup(struct endpoint *eps, unsigned neps, struct proc *all,
                 unsigned nall, struct proc *dead)
{
    for (unsigned i = 0; i < neps; i++) {
        if (eps[i].receiver == dead)
            eps[i].receiver = NULL;
        runq_remove(&eps[i].senders, &dead->rq);
    }
    for (unsigned i = 0; i < nall; i++) {
        if (all[i].reply_to == dead)
            all[i].reply_to = NULL;
    }
    if (dead->reply_to && dead->reply_to->wait == W_REPLY)
        complete(dead->reply_to, UERR_PIPE);
    dead->reply_to = NULL;
    dead->wait = W_NONE;
}
