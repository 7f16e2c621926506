/* SPDX-License-Identifier: MIT */
/*
 * smp.c: bring up every CPU the backend offers (kernel layer).  Each
 * secondary CPU loads the kernel's descriptors, takes one tick, reports
 * to the boot CPU with an IPI and then runs the microkernel's scheduler
 * (mk/sched.c), which idles in vmi_safe_halt until it has work.
 */
#include "kernel.h"
#include "kprintf.h"
#include "mk.h"
#include "percpu.h"

/* How long the boot CPU waits for the others: generous, because under
 * kvm-pvm a CPU start costs milliseconds of interpreted code. */
#define REPORT_TIMEOUT_NS 20000000000ull
/* How long a CPU waits for its first tick (a few TICK_NS normally). */
#define FIRST_TICK_TIMEOUT_NS 5000000000ull

static unsigned nr_reported;

/* Wait, delivery on, until this CPU has taken its first tick or
 * FIRST_TICK_TIMEOUT_NS has passed, then say so in one line.  It polls
 * the clock instead of halting: a timer that never fires would never end
 * a halt, and the deadline must not need the event it waits for. */
static int wait_first_tick(void)
{
    uint64_t deadline = vmi_time_ns() + FIRST_TICK_TIMEOUT_NS;
    unsigned cpu = this_cpu()->id;

    vmi_irq_enable();
    while (!events_of(cpu, VMI_EVENT_ALARM)) {
        if (vmi_time_ns() > deadline) {
            kprintf("smp: cpu %u took no tick within %llu ms: its alarm never fired\n",
                    cpu, (unsigned long long)(FIRST_TICK_TIMEOUT_NS / 1000000));
            return 0;
        }
        __builtin_ia32_pause();
    }
    return 1;
}

static void report(void)
{
    __atomic_store_n(&this_cpu()->reported, 1, __ATOMIC_RELEASE);
    __atomic_add_fetch(&nr_reported, 1, __ATOMIC_SEQ_CST);
}

/* The main function of a secondary CPU (kcpu_start); never returns. */
static void ap_main(unsigned cpu)
{
    (void)cpu;
    tick_start();
    if (wait_first_tick()) {
        report();
        /* Wake the boot CPU, which waits in vmi_safe_halt. */
        vmi_ipi_send(1);
    }
    sched_start_cpu();
    vmi_panic("smp: a secondary CPU left its scheduler");
}

/* Returns whether (cpu) started; one that did not is not waited for. */
static int start_cpu(unsigned cpu, uint64_t cr3)
{
    vmi_status_t st = kcpu_start(cpu, cr3, ap_main);

    if (st != VMI_OK)
        kprintf("smp: cpu %u did not start (vmi status %d)\n", cpu, (int)st);
    return st == VMI_OK;
}

static int all_reported(unsigned n)
{
    return __atomic_load_n(&nr_reported, __ATOMIC_SEQ_CST) >= n;
}

unsigned smp_boot(uint64_t cr3)
{
    unsigned n = vmi_cpu_count(), started = 1;
    uint64_t deadline;
    int ticking;

    tick_start();
    vmi_irq_enable();
    for (unsigned cpu = 1; cpu < n; cpu++)
        started += (unsigned)start_cpu(cpu, cr3);
    deadline = vmi_time_ns() + REPORT_TIMEOUT_NS;
    ticking = wait_first_tick();
    if (ticking)
        report();
    /* Halting is safe once this CPU's ticks come (one ends each halt by
     * TICK_NS); without them, poll, so that the deadline still ends it. */
    for (;;) {
        vmi_irq_disable();
        if (all_reported(started) || vmi_time_ns() > deadline)
            break;
        if (ticking) {
            vmi_safe_halt();
        } else {
            vmi_irq_enable();
            __builtin_ia32_pause();
        }
    }
    if (!all_reported(started))
        kprintf("smp: %u of %u started CPUs reported within %llu ms\n",
                __atomic_load_n(&nr_reported, __ATOMIC_SEQ_CST), started,
                (unsigned long long)(REPORT_TIMEOUT_NS / 1000000));
    vmi_irq_enable();
    return __atomic_load_n(&nr_reported, __ATOMIC_SEQ_CST);
}

int smp_reported(unsigned cpu)
{
    return __atomic_load_n(&percpu[cpu].reported, __ATOMIC_ACQUIRE);
}
