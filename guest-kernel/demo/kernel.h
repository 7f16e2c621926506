/* SPDX-License-Identifier: MIT */
/* kernel.h: interfaces between the demo kernel's own files (kernel layer). */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>

#include "runtime.h"
#include "vmi.h"

/* The periodic tick each CPU keeps through its one-shot alarm. */
#define TICK_NS 10000000ull         /* 10 ms */

/* event.c: arm this CPU's first tick. */
void tick_start(void);
/* This CPU's count of events of kind (ev). */
uint64_t events_of(unsigned cpu, vmi_event_t ev);

/* event.c: from now on vmi_event() feeds the microkernel's scheduler
 * (mk/sched.c) instead of the boot-time tick. */
void mk_running_set(void);

/* smp.c: start every other CPU on (cr3), wait until each took a tick and
 * reported.  Returns the number of CPUs that reported, the boot CPU
 * included. */
unsigned smp_boot(uint64_t cr3);
/* Whether (cpu) reported in. */
int smp_reported(unsigned cpu);

/* selftest.c: the command line's test switches, and running them. */
struct selftest {
    int exit_given;
    unsigned exit_code;
    int panic;
    int stray;
    int nmi;
    char fault[4];
};
void selftest_parse(const char *cmdline, struct selftest *o);
void selftest_run(const struct selftest *o);

#endif
