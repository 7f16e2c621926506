/* SPDX-License-Identifier: MIT */
/*
 * auto_pre_init.c: a kernel that breaks the contract on purpose: its
 * first op is vmi_cpu_init(0), before vmi_init (vmi/ops.h: init comes
 * first).  It replaces the boot library's vmi_boot_start (boot/start.c),
 * which would call vmi_init first, so that the call reaches the auto
 * backend's table before init, as a kernel's bug would.  Linked with the
 * auto backend, it must stop with one line naming the op and exit code
 * VMI_EXIT_PANIC (docs/vmi-api.md 2.7), not jump to address 0.
 */
#include "vmi.h"
#include "vmi/boot.h"

void vmi_boot_start(unsigned proto, uint64_t info);

void vmi_boot_start(unsigned proto, uint64_t info)
{
    (void)proto;
    (void)info;
    vmi_cpu_init(0);
    for (;;)
        __asm__ __volatile__("hlt");
}

/* Never reached; boot/vmi.ld requires a kernel's entry. */
void vmi_main(const struct vmi_boot_info *bi)
{
    (void)bi;
    for (;;)
        __asm__ __volatile__("hlt");
}

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}
