/* SPDX-License-Identifier: MIT */
/*
 * smp.c: secondary CPUs and events of the benchmark kernel (bench layer).
 * A secondary CPU idles in safe_halt, as an idle kernel CPU does, so the
 * SMP benchmarks include waking it.  It needs no job queue: the backend
 * serves remote flushes in event_dispatch, and the IPI echo is answered
 * in vmi_event.
 */
#include "bench.h"
#include "percpu.h"
#include "runtime.h"

/* How long a secondary CPU may take to come up (the backends' own
 * cpu_start timeout is 1 s; a loaded host adds scheduling delays). */
#define ONLINE_TIMEOUT_NS 5000000000ull

static unsigned online = 1;
static bool echo;

static void ap_main(unsigned cpu)
{
    (void)cpu;
    __atomic_add_fetch(&online, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        vmi_irq_disable();
        vmi_safe_halt();
    }
}

unsigned bench_smp_start(uint64_t cr3)
{
    unsigned want = 1;
    uint64_t end;

    for (unsigned cpu = 1; cpu < vmi_cpu_count(); cpu++)
        if (kcpu_start(cpu, cr3, ap_main) == VMI_OK)
            want++;
    end = vmi_time_ns() + ONLINE_TIMEOUT_NS;
    while (bench_smp_online() < want && vmi_time_ns() < end)
        __builtin_ia32_pause();
    return bench_smp_online();
}

unsigned bench_smp_online(void)
{
    return __atomic_load_n(&online, __ATOMIC_SEQ_CST);
}

uint64_t bench_events(unsigned cpu, vmi_event_t ev)
{
    return __atomic_load_n(&percpu[cpu].events[ev], __ATOMIC_ACQUIRE);
}

void bench_set_echo(bool on)
{
    __atomic_store_n(&echo, on, __ATOMIC_SEQ_CST);
}

/* Called by the backend with delivery masked, on the CPU the event is for. */
void vmi_event(vmi_event_t ev)
{
    struct percpu *pc = this_cpu();

    if ((unsigned)ev >= VMI_EVENT_COUNT)
        return;
    /* Only this CPU writes its counters. */
    __atomic_store_n(&pc->events[ev], pc->events[ev] + 1, __ATOMIC_RELEASE);
    if (ev == VMI_EVENT_IPI && pc->id != 0 && __atomic_load_n(&echo, __ATOMIC_ACQUIRE))
        vmi_ipi_send(1);
}
