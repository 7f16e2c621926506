/* SPDX-License-Identifier: MIT */
/* sched.h: per-CPU scheduler state (kernel layer; see sched.c). */
#ifndef MK_SCHED_H
#define MK_SCHED_H

#include "mk.h"
#include "spinlock.h"

struct cpu_sched {
    struct spinlock lock;           /* rq and sleepers */
    struct runq rq;
    struct proc *sleepers;          /* W_SLEEP, earliest first */
    struct proc *cur;               /* NULL: idle */
    struct proc *prev;              /* for sched_finish_switch */
    uint64_t idle_ksp;
    uint64_t slice_end;
    int need_resched;
    /* for the report */
    unsigned nprocs;                /* distinct processes run here */
    uint64_t ticks, ipis, switches, preempts, syscalls;
    uint64_t syscalls_ud;           /* of them, int $0x80 arrived as #UD */
    uint64_t idle_ns;
};

extern struct cpu_sched sched_cpu[VMI_MAX_CPUS];

/* switch.S: save callee-saved registers and rsp in (*save), continue on
 * (next_sp).  proc_trampoline is where a new process's first switch lands. */
void swtch(uint64_t *save, uint64_t next_sp);
void proc_trampoline(void);

#endif
