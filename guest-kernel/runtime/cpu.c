/* SPDX-License-Identifier: MIT */
/*
 * cpu.c: start a secondary CPU and give it the kernel's per-CPU setup
 * (kernel layer, runtime).  What the CPU then does is the caller's.
 */
#include "arch.h"
#include "pmem.h"
#include "runtime.h"

#define STACK_PAGES 4               /* 16 KiB kernel stack per CPU */

static struct vmi_cpu_boot cpu_boot[VMI_MAX_CPUS];
static kcpu_main_fn *cpu_main[VMI_MAX_CPUS];
static vmi_status_t init_status[VMI_MAX_CPUS];

/* The entry of a secondary CPU (struct vmi_cpu_boot); never returns. */
static void ap_entry(unsigned cpu, void *arg)
{
    (void)arg;
    /* vmi/ops.h: cpu_init comes first on a secondary CPU, before the
     * kernel's own GDT, IDT and TR replace the backend's. */
    vmi_status_t st = vmi_cpu_init(cpu);

    percpu_init(cpu);
    desc_load(cpu);
    mmu_cpu_init();
    __atomic_store_n(&init_status[cpu], st, __ATOMIC_RELEASE);
    cpu_main[cpu](cpu);
    vmi_panic("kernel: a CPU main function returned");
}

vmi_status_t kcpu_start(unsigned cpu, uint64_t cr3, kcpu_main_fn *main)
{
    struct percpu *pc;

    if (cpu >= VMI_MAX_CPUS)
        return VMI_EINVAL;
    pc = &percpu[cpu];
    pc->stack_top = pmem_alloc(STACK_PAGES) + STACK_PAGES * PAGE_SIZE;
    pc->ist_top = pmem_alloc(1) + PAGE_SIZE;
    cpu_main[cpu] = main;
    cpu_boot[cpu] = (struct vmi_cpu_boot){
        .cr3 = cr3, .stack_top = pc->stack_top, .entry = ap_entry,
    };
    return vmi_cpu_start(cpu, &cpu_boot[cpu]);
}

vmi_status_t kcpu_init_status(unsigned cpu)
{
    return __atomic_load_n(&init_status[cpu], __ATOMIC_ACQUIRE);
}
