/* SPDX-License-Identifier: MIT */
/* percpu.c: per-CPU data through GS base (arch layer; see percpu.h). */
#include "arch.h"
#include "pmem.h"

/* Intel SDM Vol. 4 Table 2-2: IA32_GS_BASE. */
#define MSR_GS_BASE 0xc0000101

struct percpu percpu[VMI_MAX_CPUS];

void percpu_init(unsigned cpu)
{
    struct percpu *pc = &percpu[cpu];

    pc->self = pc;
    pc->id = cpu;
    vmi_write_msr(MSR_GS_BASE, (uintptr_t)pc);
}

void arch_boot_cpu_stacks(struct percpu *pc)
{
    pc->stack_top = (uintptr_t)vmi_boot_stack + VMI_BOOT_STACK_SIZE;
    pc->ist_top = pmem_alloc(1) + PAGE_SIZE;
}
