/* SPDX-License-Identifier: MIT */
/* runq.c: intrusive FIFO of processes (kernel layer, pure; see runq.h). */
#include "runq.h"

void runq_push(struct runq *q, struct runq_link *l)
{
    l->next = NULL;
    l->queued = 1;
    if (q->tail)
        q->tail->next = l;
    else
        q->head = l;
    q->tail = l;
    q->len++;
}

void runq_push_front(struct runq *q, struct runq_link *l)
{
    l->next = q->head;
    l->queued = 1;
    q->head = l;
    if (!q->tail)
        q->tail = l;
    q->len++;
}

struct runq_link *runq_pop(struct runq *q)
{
    struct runq_link *l = q->head;

    if (!l)
        return NULL;
    q->head = l->next;
    if (!q->head)
        q->tail = NULL;
    l->next = NULL;
    l->queued = 0;
    q->len--;
    return l;
}

int runq_remove(struct runq *q, struct runq_link *l)
{
    struct runq_link **pp = &q->head, *prev = NULL;

    for (; *pp; prev = *pp, pp = &(*pp)->next) {
        if (*pp != l)
            continue;
        *pp = l->next;
        if (q->tail == l)
            q->tail = prev;
        l->next = NULL;
        l->queued = 0;
        q->len--;
        return 1;
    }
    return 0;
}
