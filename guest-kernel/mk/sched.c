/* SPDX-License-Identifier: MIT */
/*
 * sched.c: preemptive round-robin scheduling on per-CPU run queues
 * (kernel layer).
 *
 * Each CPU has a FIFO run queue and a sorted list of sleepers under one
 * lock.  A process is queued only on the CPU in p->cpu; a wakeup from
 * another CPU queues it there and sends that CPU an IPI (vmi_ipi_send),
 * which wakes it from vmi_safe_halt or preempts its current process.
 * The time slice and the sleepers share each CPU's one-shot alarm
 * (vmi_alarm_set).  The kernel runs with delivery masked; it switches
 * only at well-defined points: a blocking system call, or the return to
 * user mode after an alarm or IPI asked for it (need_resched).  p->on_cpu
 * stays set until the CPU that ran p has left its kernel stack, so a
 * migrated or woken process never runs on two CPUs at once.
 */
#include "ipc.h"
#include "percpu.h"
#include "sched.h"
#include "trap.h"
#include "vstat.h"

struct cpu_sched sched_cpu[VMI_MAX_CPUS];
static int all_done;

static struct cpu_sched *me(void)
{
    return &sched_cpu[this_cpu()->id];
}

struct proc *cur_proc(void)
{
    return me()->cur;
}

static void arm(struct cpu_sched *c)
{
    uint64_t d = c->cur ? c->slice_end : UINT64_MAX;

    if (c->sleepers && c->sleepers->wake_ns < d)
        d = c->sleepers->wake_ns;
    if (d != UINT64_MAX) {
        vstat_inc(VMI_OPNO_alarm_set);
        vmi_alarm_set(d);
    }
}

static struct proc *pick(struct cpu_sched *c)
{
    struct runq_link *l;

    spin_lock(&c->lock);
    l = runq_pop(&c->rq);
    spin_unlock(&c->lock);
    return l ? RUNQ_ENTRY(l, struct proc, rq) : NULL;
}

static void enter(struct cpu_sched *c, struct proc *next)
{
    uint64_t bit = 1ull << this_cpu()->id;

    /* Its old CPU may still be on its kernel stack (migration). */
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
    next->on_cpu = 1;
    next->state = P_RUNNING;
    next->switches++;
    as_activate(&next->as);
    vstat_inc(VMI_OPNO_load_kernel_stack);
    vmi_load_kernel_stack(&this_cpu()->tss, (uintptr_t)next->tf + sizeof(*next->tf));
    if (!(next->cpus_ran & bit)) {
        next->cpus_ran |= bit;
        c->nprocs++;
    }
}

/* Run (next) (NULL: the idle loop) instead of the current context. */
static void switch_to(struct cpu_sched *c, struct proc *next)
{
    struct proc *prev = c->cur;

    c->slice_end = vmi_time_ns() + SLICE_NS;
    if (next == prev) {
        if (next)
            next->state = P_RUNNING;
        arm(c);
        return;
    }
    if (next)
        enter(c, next);
    c->switches++;
    c->cur = next;
    c->prev = prev;
    arm(c);
    swtch(prev ? &prev->ksp : &c->idle_ksp, next ? next->ksp : c->idle_ksp);
    /* Possibly on another CPU now: c is stale. */
    sched_finish_switch();
}

void sched_finish_switch(void)
{
    struct cpu_sched *c = me();
    struct proc *prev = c->prev;

    c->prev = NULL;
    if (!prev || prev == c->cur)
        return;
    __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
    if (prev->state == P_ZOMBIE)
        __atomic_store_n(&prev->state, P_FREE, __ATOMIC_RELEASE);
}

static void schedule(void)
{
    struct cpu_sched *c = me();
    struct proc *p = c->cur, *next;

    spin_lock(&c->lock);
    if (p && p->state == P_RUNNING) {
        p->state = P_RUNNABLE;
        runq_push(&c->rq, &p->rq);
    }
    spin_unlock(&c->lock);
    next = pick(c);
    switch_to(c, next);
}

static void wake(struct proc *p, int first)
{
    struct cpu_sched *t = &sched_cpu[p->cpu];

    spin_lock(&t->lock);
    p->state = P_RUNNABLE;
    if (first)
        runq_push_front(&t->rq, &p->rq);
    else
        runq_push(&t->rq, &p->rq);
    spin_unlock(&t->lock);
    if (p->cpu != this_cpu()->id) {
        vstat_inc(VMI_OPNO_ipi_send);
        vmi_ipi_send(1ull << p->cpu);
    }
}

void sched_make_runnable(struct proc *p)
{
    wake(p, 0);
}

/* The partner of an IPC exchange runs next on its CPU, ahead of the
 * round robin (and preempts the process there through the IPI), as an L4
 * kernel switches directly to the receiver: a call costs two switches,
 * not two time slices. */
void ipc_wake(struct proc *p)
{
    wake(p, 1);
}

void sched_block(void)
{
    schedule();
}

void sched_yield(void)
{
    schedule();
}

void sched_sleep(uint64_t ns)
{
    struct cpu_sched *c = me();
    struct proc *p = c->cur, **pp;

    spin_lock(&c->lock);
    p->wake_ns = vmi_time_ns() + ns;
    for (pp = &c->sleepers; *pp && (*pp)->wake_ns <= p->wake_ns; pp = &(*pp)->sleep_next)
        ;
    p->sleep_next = *pp;
    *pp = p;
    p->wait = W_SLEEP;
    p->state = P_BLOCKED;
    spin_unlock(&c->lock);
    schedule();
}

void sched_migrate(unsigned cpu)
{
    struct proc *p = me()->cur;

    p->cpu = cpu;
    sched_make_runnable(p);
    schedule();
}

void sched_exit_current(void)
{
    schedule();
    vmi_panic("sched: a dead process ran again");
}

static void on_alarm(struct cpu_sched *c)
{
    uint64_t now = vmi_time_ns();

    c->ticks++;
    spin_lock(&c->lock);
    while (c->sleepers && c->sleepers->wake_ns <= now) {
        struct proc *p = c->sleepers;

        c->sleepers = p->sleep_next;
        p->wait = W_NONE;
        p->state = P_RUNNABLE;
        runq_push(&c->rq, &p->rq);
    }
    spin_unlock(&c->lock);
    if (c->cur && now >= c->slice_end) {
        c->need_resched = 1;
        /* Until the preemption happens, do not re-fire at once. */
        c->slice_end = now + SLICE_NS;
    }
    arm(c);
}

void sched_event(vmi_event_t ev)
{
    struct cpu_sched *c = me();

    if (ev == VMI_EVENT_ALARM) {
        on_alarm(c);
        return;
    }
    if (ev != VMI_EVENT_IPI)
        return;
    c->ipis++;
    if (!c->cur)
        as_drop_if_dying(proc_kernel_cr3());
    else if (__atomic_load_n(&c->rq.len, __ATOMIC_RELAXED))
        c->need_resched = 1;
}

void sched_return_to_user(void)
{
    struct cpu_sched *c = me();
    struct proc *p = c->cur;
    uint64_t before = p->switches;

    if (!c->need_resched)
        return;
    c->need_resched = 0;
    schedule();
    /* A preemption is a slice end or an IPI that let another process
     * run, not one after which the same process simply went on. */
    if (p->switches != before)
        c->preempts++;
}

unsigned sched_pick_cpu(void)
{
    static unsigned next;

    return __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % vmi_cpu_count();
}

void sched_all_done(void)
{
    __atomic_store_n(&all_done, 1, __ATOMIC_SEQ_CST);
    if (this_cpu()->id != 0) {
        vstat_inc(VMI_OPNO_ipi_send);
        vmi_ipi_send(1);
    }
}

void sched_start_cpu(void)
{
    struct cpu_sched *c = me();
    int boot = this_cpu()->id == 0;

    for (;;) {
        struct proc *next;
        uint64_t t0;

        vmi_irq_disable();
        if (boot && __atomic_load_n(&all_done, __ATOMIC_SEQ_CST))
            break;
        next = pick(c);
        if (next) {
            switch_to(c, next);
            continue;
        }
        t0 = vmi_time_ns();
        vstat_inc(VMI_OPNO_safe_halt);
        vmi_safe_halt();
        c->idle_ns += vmi_time_ns() - t0;
    }
    vmi_irq_enable();
}
