/* SPDX-License-Identifier: MIT */
/*
 * main.c: app_main of the demo kernel (kernel layer).  The runtime
 * (kernel/start.c) has brought up the backend, descriptors and page
 * tables; this starts every CPU, prints the banner and exits through
 * vmi_shutdown.
 *
 * Then, unless the command line asks for one of the test paths below,
 * it runs the microkernel demo (mk/demo.c) and exits with its verdict.
 *
 * Command line: exit=N exits with guest code N instead of VMI_EXIT_OK;
 * panic calls vmi_panic; fault=ud|pf|gp raises that exception, so the
 * trap path itself is exercised, and fault=wp writes to the kernel text,
 * which must be read-only; fault=msr reads an absent MSR through
 * vmi_read_msr_safe, which must come back as VMI_EFAULT through the
 * backend's fixup in the kernel's #GP handler, and boots on.
 */
#include "arch.h"
#include "kernel.h"
#include "mk.h"
#include "klib.h"
#include "kprintf.h"
#include "pmem.h"
#include "runtime.h"

struct options {
    int exit_given;
    unsigned exit_code;
    int panic;
    char fault[4];
};

static void parse_options(const char *cmdline, struct options *o)
{
    char val[16];

    o->exit_code = VMI_EXIT_OK;
    o->exit_given = cmdline_get(cmdline, "exit", val, sizeof(val)) != NULL;
    if (o->exit_given)
        o->exit_code = parse_uint(val) & 0xff;
    o->panic = cmdline_get(cmdline, "panic", val, sizeof(val)) != NULL;
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

static void banner(unsigned reported, uint64_t t0)
{
    const struct vmi_info *in = vmi_info();
    unsigned n = vmi_cpu_count();

    kprintf("vmi: backend %s, hypervisor %s, %u CPUs, clock %s (%llu MHz), alarm %s, console %s\n",
            in->backend, in->hypervisor, n, in->clock,
            (unsigned long long)(vmi_cycles_hz() / 1000000), in->alarm, in->console);
    for (unsigned cpu = 0; cpu < n; cpu++) {
        if (!smp_reported(cpu)) {
            kprintf("cpu %u: did not report\n", cpu);
            continue;
        }
        kprintf("cpu %u: reported, %llu ticks, %llu ipis\n", cpu,
                (unsigned long long)events_of(cpu, VMI_EVENT_ALARM),
                (unsigned long long)events_of(cpu, VMI_EVENT_IPI));
    }
    kprintf("vmi: %u of %u CPUs reported, %llu ms after vmi_init\n", reported, n,
            (unsigned long long)((vmi_time_ns() - t0) / 1000000));
}

/* Deliberate failures for the tests of the trap and panic paths. */
static void provoke(const struct options *o)
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
}

void app_main(const struct kstart *ks)
{
    struct options opt;
    unsigned reported;

    kprintf("kernel: %s boot, cmdline '%s', %llu MiB RAM (%s)\n", ks->boot->proto_name,
            ks->boot->cmdline, (unsigned long long)(pmem_ram_bytes() >> 20),
            ks->boot->mem_source);
    kprintf("kernel: page tables: %llu MiB mapped, %u tables, %u pt_set calls, %llu us\n",
            (unsigned long long)(ks->mmu.mapped >> 20), ks->mmu.tables, ks->mmu.pt_sets,
            (unsigned long long)(ks->mmu_ns / 1000));
    parse_options(ks->boot->cmdline, &opt);
    reported = smp_boot(ks->cr3);
    banner(reported, ks->t0);
    provoke(&opt);
    if (reported != vmi_cpu_count())
        vmi_shutdown(VMI_EXIT_FAIL);
    if (opt.exit_given || opt.fault[0])
        vmi_shutdown(opt.exit_code);
    vmi_shutdown((unsigned)mk_main(ks->cr3));
}
