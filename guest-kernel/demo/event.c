/* SPDX-License-Identifier: MIT */
/*
 * event.c: vmi_event(), the kernel's upcall from the backend (kernel
 * layer).  Counts every event per CPU.  During boot (smp.c) it keeps a
 * periodic tick going by re-arming the one-shot alarm; once the
 * microkernel runs, the scheduler (mk/sched.c) owns the alarm.
 */
#include "kernel.h"
#include "mk.h"
#include "percpu.h"

static int mk_running;

void mk_running_set(void)
{
    __atomic_store_n(&mk_running, 1, __ATOMIC_SEQ_CST);
}

void tick_start(void)
{
    vmi_alarm_set(vmi_time_ns() + TICK_NS);
}

void vmi_event(vmi_event_t ev)
{
    struct percpu *pc = this_cpu();

    if ((unsigned)ev >= VMI_EVENT_COUNT)
        return;
    /* Only this CPU writes its counters; others read them atomically. */
    __atomic_store_n(&pc->events[ev], pc->events[ev] + 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&mk_running, __ATOMIC_ACQUIRE))
        sched_event(ev);
    else if (ev == VMI_EVENT_ALARM)
        tick_start();
}

uint64_t events_of(unsigned cpu, vmi_event_t ev)
{
    return __atomic_load_n(&percpu[cpu].events[ev], __ATOMIC_RELAXED);
}
