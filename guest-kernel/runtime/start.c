/* SPDX-License-Identifier: MIT */
/*
 * start.c: vmi_main, the kernel runtime's entry on the boot CPU (kernel
 * layer), called by the boot library (vmi/boot.h) once the backend is up.
 * Brings up per-CPU data, physical memory, descriptors and page tables,
 * then hands over to app_main.
 */
#include "arch.h"
#include "kprintf.h"
#include "pmem.h"
#include "runtime.h"

static struct kstart kstart;

void vmi_main(const struct vmi_boot_info *bi)
{
    struct kstart *ks = &kstart;
    uint64_t t_mmu;

    /* The boot library has called vmi_init and vmi_cpu_init(0). */
    ks->t0 = vmi_time_ns();
    ks->boot_parsed = bi->status;
    ks->boot = bi;
    percpu_init(0);
    pmem_init(bi);
    arch_boot_cpu_stacks(&percpu[0]);
    desc_init();
    desc_load(0);
    if (ks->boot_parsed < 0)
        kprintf("kernel: invalid boot information from the %s loader\n", bi->proto_name);
    t_mmu = vmi_time_ns();
    ks->cr3 = mmu_init(&ks->mmu);
    ks->mmu_ns = vmi_time_ns() - t_mmu;
    app_main(ks);
}
