/* SPDX-License-Identifier: MIT */
/*
 * percpu.h: per-CPU data of the guest kernel (arch layer).
 *
 * Design: one struct percpu per logical CPU in a static array indexed by
 * the vmi CPU number, and each CPU's IA32_GS_BASE pointing at its own
 * entry, whose first field points to itself.  this_cpu() is then one
 * `mov %gs:0` (entry.S) instead of a vmi_cpu_id() call, which on the
 * native backend reads the LAPIC.  The kernel owns GS base: backends must
 * not use it (they can use vmi_cpu_id() or their own tables).  While a CPU
 * runs user code the pointer sits in IA32_KERNEL_GS_BASE: every entry
 * from and exit to CPL3 swapgs (the boot library's trap stubs, vmi/boot.h).
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

#include "vmi.h"

/* The last exception a kernel probe (probe.h) took on this CPU. */
struct kfault {
    uint64_t vector, error, rip, cr2;   /* cr2 only for #PF */
};

struct percpu {
    struct percpu *self;            /* at %gs:0, read by this_cpu() */
    unsigned id;                    /* vmi logical CPU number */
    uint64_t events[VMI_EVENT_COUNT];   /* vmi_event() calls, by kind */
    uint64_t stack_top;             /* kernel stack (TSS rsp0) */
    uint64_t ist_top;               /* #DF stack (TSS ist1) */
    int reported;                   /* took its first tick and said so */
    struct kfault fault;            /* filled by trap.c for probes */
    struct vmi_tss tss;
};

extern struct percpu percpu[VMI_MAX_CPUS];

/* This CPU's entry; valid after percpu_init() on this CPU. */
struct percpu *this_cpu(void);

/* Point this CPU's GS base at percpu[cpu].  Call after vmi_cpu_init. */
void percpu_init(unsigned cpu);

#endif
