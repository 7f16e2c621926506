/* SPDX-License-Identifier: MIT */
/*
 * mk.h: the microkernel built on the kernel runtime (kernel layer):
 * processes, address spaces, per-CPU scheduling, system calls, IPC and
 * shared memory.  docs/kernel.md describes the design.
 */
#ifndef MK_MK_H
#define MK_MK_H

#include <stdint.h>

#include "aspace.h"
#include "runq.h"
#include "uabi.h"
#include "vmi.h"

#define NPROC 24
#define KSTACK_SIZE 8192
#define SLICE_NS 10000000ull        /* 10 ms time slice */

enum pstate { P_FREE, P_RUNNABLE, P_RUNNING, P_BLOCKED, P_ZOMBIE };

/* Why a blocked process waits (IPC states, ipc.c). */
enum pwait { W_NONE, W_SLEEP, W_SEND, W_RECV, W_REPLY };

struct vmi_trap_frame;

struct proc {
    int pid;
    enum pstate state;
    enum pwait wait;
    char name[UABI_NAME_MAX];
    struct aspace as;
    uint64_t ksp;                   /* saved kernel rsp while switched out */
    struct vmi_trap_frame *tf;          /* user registers, top of the kstack */
    unsigned cpu;                   /* the CPU whose queue holds it */
    int on_cpu;                     /* its stack is in use on some CPU */
    struct runq_link rq;            /* run queue or endpoint queue */
    uint64_t wake_ns;               /* W_SLEEP: deadline */
    struct proc *sleep_next;
    /* IPC (ipc.c) */
    int ep;                         /* endpoint it waits on */
    int is_call;                    /* W_SEND from SYS_CALL */
    uint64_t msg[UABI_MSG_WORDS];   /* message to send, or received */
    long ipc_ret;                   /* result for the woken syscall */
    struct proc *reply_to;          /* caller waiting for our SYS_REPLY */
    /* bookkeeping for the report */
    uint64_t cpus_ran;              /* mask of CPUs it ran on */
    uint64_t syscalls, switches;
    int exit_status, killed;
};

/* One record per process that ended, for the report. */
struct exit_record {
    int pid;
    char name[UABI_NAME_MAX];
    int status, killed;
    uint64_t cpus_ran;
};

extern struct proc procs[NPROC];

/* proc.c */
void proc_init(uint64_t kernel_cr3);
int proc_spawn(const char *name, unsigned cpu);   /* pid or UERR_* */
VMI_NORETURN void proc_exit(struct proc *p, int status, int killed);
unsigned proc_records(const struct exit_record **out);
uint64_t proc_kernel_cr3(void);

/* sched.c */
struct proc *cur_proc(void);
void sched_start_cpu(void);                 /* idle loop; returns on cpu 0 at the end */
void sched_make_runnable(struct proc *p);   /* enqueue on p->cpu, IPI if remote */
void sched_block(void);                     /* current gives up the CPU until woken */
void sched_yield(void);
void sched_sleep(uint64_t ns);
VMI_NORETURN void sched_exit_current(void);
void sched_event(vmi_event_t ev);
void sched_return_to_user(void);            /* preempt if asked to */
unsigned sched_pick_cpu(void);
void sched_migrate(unsigned cpu);
void sched_all_done(void);                  /* the last process ended */
void sched_finish_switch(void);

/* syscall.c */
void syscall_init(void);

/* demo.c */
int mk_main(uint64_t kernel_cr3);           /* VMI_EXIT_OK if the demo passed */

#endif
