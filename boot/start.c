/* SPDX-License-Identifier: MIT */
/*
 * start.c: from head.S to the kernel's vmi_main (boot library,
 * vmi/boot.h).  Runs once, on the boot CPU, on vmi_boot_stack, with
 * delivery masked and the early identity map of head.S.
 */
#include "vmi/boot.h"

void vmi_boot_start(unsigned proto, uint64_t info);

static struct vmi_boot_info boot_info;

/* The default: the library's IDT, whose gates reach vmi_trap(). */
__attribute__((weak)) void vmi_boot_traps(void)
{
    vmi_trap_install();
}

/* Entered from head.S: (proto) VMI_BOOT_PVH or VMI_BOOT_MB2, (info) the
 * physical address of the loader's information. */
void vmi_boot_start(unsigned proto, uint64_t info)
{
    vmi_boot_parse(proto, info, &boot_info);
    /* Not the loader's IDT (or none) under vmi_init: a fault there
     * reaches vmi_trap and is reported, instead of a silent reset. */
    vmi_trap_early();
    /* vmi/ops.h: init comes first, then cpu_init on the boot CPU. */
    vmi_init(&boot_info.boot);
    vmi_cpu_init(0);
    vmi_boot_traps();
    vmi_main(&boot_info);
}
