/* SPDX-License-Identifier: MIT */
/*
 * selftest.c: the demo kernel's test switches (kernel layer), for the
 * boot tests of the trap, panic and exit paths.  Command line: exit=N
 * exits with guest code N instead of VMI_EXIT_OK; panic calls vmi_panic;
 * fault=ud|pf|gp raises that exception, so the trap path itself is
 * exercised, and fault=wp writes to the kernel text, which must be
 * read-only; fault=msr reads an absent MSR through vmi_read_msr_safe,
 * which must come back as VMI_EFAULT through the backend's fixup in the
 * kernel's #GP handler, and boots on; stray raises vectors no one
 * handles (0x41, a PIC's spurious 0x27, the NMI vector 2) with `int`, as
 * firmware or a stray line might, and boots on through the demo; nmi
 * says it waits for an NMI from outside (QEMU's monitor command `nmi`)
 * and waits up to NMI_WAIT_NS for it, then boots on.
 */
#include "arch.h"
#include "kernel.h"
#include "klib.h"
#include "kprintf.h"

void selftest_parse(const char *cmdline, struct selftest *o)
{
    char val[16];

    o->exit_code = VMI_EXIT_OK;
    o->exit_given = cmdline_get(cmdline, "exit", val, sizeof(val)) != NULL;
    if (o->exit_given)
        o->exit_code = parse_uint(val) & 0xff;
    o->panic = cmdline_get(cmdline, "panic", val, sizeof(val)) != NULL;
    o->stray = cmdline_get(cmdline, "stray", val, sizeof(val)) != NULL;
    o->nmi = cmdline_get(cmdline, "nmi", val, sizeof(val)) != NULL;
    if (!cmdline_get(cmdline, "fault", o->fault, sizeof(o->fault)))
        o->fault[0] = '\0';
}

/* Intel SDM Vol. 4 lists no MSR at this index. */
#define ABSENT_MSR 0x12345678u

static void check_msr_fixup(void)
{
    uint64_t val = 1;
    vmi_status_t st = vmi_read_msr_safe(ABSENT_MSR, &val);

    kprintf("kernel: read_msr_safe(0x%x) = status %d, value %llu: %s\n", ABSENT_MSR,
            (int)st, (unsigned long long)val,
            st == VMI_EFAULT && val == 0 ? "EFAULT, fault fixed up" : "UNEXPECTED");
}

/* Vectors that must be counted and ignored, not fatal (trap.h). */
static void raise_strays(void)
{
    struct trap_ignored n;

    __asm__ __volatile__("int $0x41");
    __asm__ __volatile__("int $0x27");
    __asm__ __volatile__("int $0x02");
    trap_ignored(&n);
    kprintf("kernel: survived %llu stray vectors and %llu NMIs\n",
            (unsigned long long)n.stray, (unsigned long long)n.nmi);
}

#define NMI_WAIT_NS 20000000000ull

/* Poll (an NMI ends no halt it did not interrupt) until one came or the
 * deadline passed. */
static void wait_nmi(void)
{
    uint64_t deadline = vmi_time_ns() + NMI_WAIT_NS;
    struct trap_ignored n;

    kprintf("kernel: waiting for an NMI\n");
    do {
        __builtin_ia32_pause();
        trap_ignored(&n);
    } while (!n.nmi && vmi_time_ns() < deadline);
    if (!n.nmi)
        kprintf("kernel: no NMI within %llu ms\n",
                (unsigned long long)(NMI_WAIT_NS / 1000000));
}

/* Deliberate failures for the tests of the trap and panic paths. */
void selftest_run(const struct selftest *o)
{
    if (o->panic)
        vmi_panic("kernel: deliberate panic (cmdline 'panic')");
    if (!strcmp(o->fault, "ud"))
        __builtin_trap();
    if (!strcmp(o->fault, "pf"))
        (void)*(volatile uint64_t *)(uintptr_t)ARCH_UNMAPPED_VA;
    if (!strcmp(o->fault, "gp"))
        (void)*(volatile uint64_t *)(uintptr_t)ARCH_NONCANONICAL_VA;
    if (!strcmp(o->fault, "wp"))
        *(volatile uint8_t *)(uintptr_t)vmi_main = 0xcc;
    if (!strcmp(o->fault, "msr"))
        check_msr_fixup();
    if (o->stray)
        raise_strays();
    if (o->nmi)
        wait_nmi();
}
