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

static unsigned nr_reported;

/* Wait until this CPU has taken (n) ticks or (deadline) has passed.
 * Delivery is masked around the check, so that the tick cannot slip in
 * between the check and the halt (safe_halt unmasks atomically). */
static int wait_ticks(uint64_t n, uint64_t deadline)
{
    int ok;

    for (;;) {
        vmi_irq_disable();
        ok = events_of(this_cpu()->id, VMI_EVENT_ALARM) >= n;
        if (ok || vmi_time_ns() > deadline)
            break;
        vmi_safe_halt();
    }
    vmi_irq_enable();
    return ok;
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
    vmi_irq_enable();
    if (wait_ticks(1, UINT64_MAX)) {
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

    tick_start();
    vmi_irq_enable();
    for (unsigned cpu = 1; cpu < n; cpu++)
        started += (unsigned)start_cpu(cpu, cr3);
    deadline = vmi_time_ns() + REPORT_TIMEOUT_NS;
    if (wait_ticks(1, deadline))
        report();
    for (;;) {
        vmi_irq_disable();
        if (all_reported(started) || vmi_time_ns() > deadline)
            break;
        vmi_safe_halt();
    }
    vmi_irq_enable();
    return __atomic_load_n(&nr_reported, __ATOMIC_SEQ_CST);
}

int smp_reported(unsigned cpu)
{
    return __atomic_load_n(&percpu[cpu].reported, __ATOMIC_ACQUIRE);
}
