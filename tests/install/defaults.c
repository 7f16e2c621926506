/* SPDX-License-Identifier: MIT */
/*
 * defaults.c: a kernel that relies on every weak default of the boot
 * library (vmi/boot.h, docs/porting.md): no IDT, no trap handler and no
 * mem* of its own.  Command line:
 *   msr    read_msr_safe of an absent MSR must come back VMI_EFAULT with
 *          value 0, through the default vmi_trap's fixup lookup (where the
 *          environment faults on it: not QEMU 7.2 TCG); exit 0
 *   pf     a read of an unmapped address: the default vmi_trap prints
 *          "vmi: unhandled exception" and panics (VMI_EXIT_PANIC)
 *   alarm  an alarm through the default IDT to vmi_event; exit 0
 * Every run first copies and clears a buffer of a size GCC cannot know,
 * so that it calls memcpy and memset, which only the library provides.
 */
#include "vmi/boot.h"

/* Intel SDM Vol. 4 lists no MSR at this index. */
#define ABSENT_MSR 0x12345678u
/* PML4 slot 1: outside the boot library's 4 GiB identity map. */
#define UNMAPPED_VA 0x8000000000ull

static volatile unsigned alarms;
static char a[512], b[512];
static volatile size_t size = sizeof(a);

void vmi_event(vmi_event_t ev)
{
    if (ev == VMI_EVENT_ALARM)
        alarms++;
}

static int has(const char *cmdline, const char *word)
{
    for (const char *p = cmdline; *p; p++) {
        size_t i = 0;

        while (word[i] && p[i] == word[i])
            i++;
        if (!word[i] && (p == cmdline || p[-1] == ' ') && (!p[i] || p[i] == ' '))
            return 1;
    }
    return 0;
}

static void say(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    vmi_console_write(s, n);
}

void vmi_main(const struct vmi_boot_info *bi)
{
    const char *cl = bi->boot.cmdline;

    a[7] = 7;
    __builtin_memcpy(b, a, size);
    __builtin_memset(a, 0, size);
    if (b[7] != 7 || a[7] != 0)
        vmi_panic("defaults: struct copy or clear went wrong");
    if (has(cl, "msr")) {
        uint64_t val = 1;
        vmi_status_t st = vmi_read_msr_safe(ABSENT_MSR, &val);

        say(st == VMI_EFAULT && val == 0 ? "defaults: msr fault fixed up\n"
                                         : "defaults: msr read did not fault\n");
        vmi_shutdown(st == VMI_EFAULT && val == 0 ? VMI_EXIT_OK : VMI_EXIT_FAIL);
    }
    if (has(cl, "pf"))
        (void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_VA;
    if (has(cl, "alarm")) {
        vmi_alarm_set(vmi_time_ns() + 1000000);
        while (!alarms) {
            vmi_safe_halt();
            vmi_irq_disable();
        }
        say("defaults: alarm delivered\n");
    }
    vmi_shutdown(VMI_EXIT_OK);
}
