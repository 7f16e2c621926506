/* SPDX-License-Identifier: MIT */
/*
 * start.c: kmain, the C entry of the kernel runtime on the boot CPU
 * (kernel layer).  Brings up the backend, per-CPU data, physical memory,
 * descriptors and page tables, then hands over to app_main.
 */
#include "arch.h"
#include "kprintf.h"
#include "pmem.h"
#include "runtime.h"

static struct boot_info boot_info;
static struct kstart kstart;

void kmain(unsigned proto, uint64_t info)
{
    struct kstart *ks = &kstart;
    uint64_t t_mmu;

    ks->boot_parsed = boot_parse(proto, info, &boot_info);
    ks->boot = &boot_info;
    /* vmi/ops.h: init comes first, then cpu_init on the boot CPU. */
    vmi_init(&boot_info.vmi);
    ks->t0 = vmi_time_ns();
    vmi_cpu_init(0);
    percpu_init(0);
    pmem_init(&boot_info);
    arch_boot_cpu_stacks(&percpu[0]);
    desc_init();
    desc_load(0);
    if (ks->boot_parsed < 0)
        kprintf("kernel: invalid boot information from the %s loader\n", boot_info.proto_name);
    t_mmu = vmi_time_ns();
    ks->cr3 = mmu_init(&ks->mmu);
    ks->mmu_ns = vmi_time_ns() - t_mmu;
    app_main(ks);
}
