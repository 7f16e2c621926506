/* SPDX-License-Identifier: MIT */
/* native.h: private state of the native backend; never included outside
 * backends/native/ (and its unit tests).  The PC state it shares with the
 * other backends (LAPIC, CPUs, alarm, TLB flushes) is common/x86pc.h's
 * `x86pc`. */
#ifndef VMI_NATIVE_H
#define VMI_NATIVE_H

#include <stdbool.h>

#include "hvsig.h"
#include "x86pc.h"

struct native {
    struct tsc_clock clock;         /* time_ns; rate in x86pc.tsc_hz */
    bool tsc_invariant;             /* CPUID 0x80000007 EDX[8] */
    char clock_name[48];            /* info.clock */
    struct vmi_info info;
    char hv_name[HVSIG_LEN];
};

extern struct native native;

/* native.c */
/* The PC's vectors, with the LAPIC EOI and the LAPIC alarm on this time
 * base. */
void native_event_dispatch(unsigned vector);

/* native_time.c */
void native_time_init(void);
uint64_t native_time_ns(void);
uint64_t native_wallclock_ns(void);
uint64_t native_stolen_ns(void);
/* The LAPIC alarm (common/x86pc_alarm.c) on this time base. */
void native_alarm_set(uint64_t deadline_ns);

#endif
