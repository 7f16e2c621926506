/* SPDX-License-Identifier: MIT */
/*
 * event.c: vmi_event(), the kernel's upcall from the backend (kernel
 * layer).  Counts every event per CPU and keeps a periodic tick going by
 * re-arming the one-shot alarm.
 */
#include "kernel.h"
#include "percpu.h"

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
    if (ev == VMI_EVENT_ALARM)
        tick_start();
}

uint64_t events_of(unsigned cpu, vmi_event_t ev)
{
    return __atomic_load_n(&percpu[cpu].events[ev], __ATOMIC_RELAXED);
}
