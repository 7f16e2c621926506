/* SPDX-License-Identifier: MIT */
/*
 * main.c: app_main of the demo kernel (kernel layer).  The runtime
 * (runtime/start.c) has brought up the backend, descriptors and page
 * tables; this starts every CPU, prints the banner and exits through
 * vmi_shutdown.
 *
 * Then, unless the command line asks for one of the test paths of
 * selftest.c, it runs the microkernel demo (mk/demo.c) and exits with
 * its verdict.
 */
#include "arch.h"
#include "kernel.h"
#include "mk.h"
#include "klib.h"
#include "kprintf.h"
#include "pmem.h"
#include "runtime.h"

/* What the trap path counted and ignored (trap.h). */
static void ignored_line(void)
{
    struct trap_ignored n;

    trap_ignored(&n);
    kprintf("kernel: ignored %llu NMIs, %llu stray and %llu spurious interrupts\n",
            (unsigned long long)n.nmi, (unsigned long long)n.stray,
            (unsigned long long)n.spurious);
}

static void banner(unsigned reported, uint64_t t0)
{
    const struct vmi_info *in = vmi_info();
    unsigned n = vmi_cpu_count();

    kprintf("vmi: backend %s, hypervisor %s, %u CPUs, clock %s (%llu MHz), alarm %s, console %s, ipi %s\n",
            in->backend, in->hypervisor, n, in->clock,
            (unsigned long long)(vmi_cycles_hz() / 1000000), in->alarm, in->console, in->ipi);
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

void app_main(const struct kstart *ks)
{
    struct selftest opt;
    unsigned reported;
    int code;

    kprintf("kernel: %s boot, cmdline '%s', %llu MiB RAM (%s)\n", ks->boot->proto_name,
            ks->boot->cmdline, (unsigned long long)(pmem_ram_bytes() >> 20),
            ks->boot->mem_source);
    kprintf("kernel: page tables: %llu MiB mapped, %u tables, %u pt_set calls, %llu us\n",
            (unsigned long long)(ks->mmu.mapped >> 20), ks->mmu.tables, ks->mmu.pt_sets,
            (unsigned long long)(ks->mmu_ns / 1000));
    selftest_parse(ks->boot->cmdline, &opt);
    reported = smp_boot(ks->cr3);
    banner(reported, ks->t0);
    selftest_run(&opt);
    if (reported != vmi_cpu_count())
        vmi_shutdown(VMI_EXIT_FAIL);
    if (opt.exit_given || opt.fault[0])
        vmi_shutdown(opt.exit_code);
    code = mk_main(ks->cr3);
    ignored_line();
    vmi_shutdown((unsigned)code);
}
