/* SPDX-License-Identifier: MIT */
/*
 * demo.c: the microkernel demo (kernel layer).  Starts the program
 * "init", which spawns the others (user/), runs every CPU's scheduler
 * until the last process has ended, then reports per CPU what ran there,
 * how each process ended and which vmi ops the kernel called.  The demo
 * passes if every process but "fault" exited with status 0, "fault" was
 * killed, and every page went back to the allocator.
 */
#include "kernel.h"
#include "klib.h"
#include "kprintf.h"
#include "pmem.h"
#include "sched.h"
#include "syscall.h"
#include "vstat.h"

/* The ops the report counts, in the order it prints them. */
static const enum vmi_opno report_ops[] = {
    VMI_OPNO_pt_set, VMI_OPNO_pt_alloc, VMI_OPNO_pt_release,
    VMI_OPNO_mmu_lazy_begin, VMI_OPNO_tlb_flush_page, VMI_OPNO_tlb_flush_multi,
    VMI_OPNO_write_cr3, VMI_OPNO_load_kernel_stack, VMI_OPNO_alarm_set,
    VMI_OPNO_ipi_send, VMI_OPNO_safe_halt,
};

static void report_cpu(unsigned cpu, const struct exit_record *r, unsigned n)
{
    const struct cpu_sched *c = &sched_cpu[cpu];
    char names[160];
    size_t len = 0;

    names[0] = '\0';
    for (unsigned i = 0; i < n && len < sizeof(names); i++) {
        if (r[i].cpus_ran >> cpu & 1)
            len += (size_t)snprintf(names + len, sizeof(names) - len, " %s", r[i].name);
    }
    kprintf("sched: cpu %u: ran %u processes (%s ), %llu ticks, %llu switches, "
            "%llu preemptions, %llu syscalls, %llu ipis, idle %llu ms\n",
            cpu, c->nprocs, names, (unsigned long long)c->ticks,
            (unsigned long long)c->switches, (unsigned long long)c->preempts,
            (unsigned long long)c->syscalls, (unsigned long long)c->ipis,
            (unsigned long long)(c->idle_ns / 1000000));
}

static void report_ops_line(void)
{
    char line[256];
    size_t len = 0;

    for (unsigned i = 0; i < sizeof(report_ops) / sizeof(report_ops[0]); i++) {
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %llu",
                                i ? ", " : "", vstat_name(report_ops[i]),
                                (unsigned long long)vstat_total(report_ops[i]));
        if (len >= sizeof(line))
            break;
    }
    kprintf("vmi ops: %s\n", line);
}

/* Print how each process ended; returns whether that is what the demo
 * expects. */
static int report_procs(const struct exit_record *r, unsigned n)
{
    int ok = n > 0;

    for (unsigned i = 0; i < n; i++) {
        int fault = !strcmp(r[i].name, "fault");

        ok &= fault ? r[i].killed : !r[i].killed && r[i].status == 0;
        kprintf("proc: pid %d %s %s %d\n", r[i].pid, r[i].name,
                r[i].killed ? "killed, status" : "exited, status", r[i].status);
    }
    return ok;
}

/* The sum over every CPU of the counter at (offset) in struct cpu_sched. */
static uint64_t sum_cpus(size_t offset)
{
    uint64_t sum = 0;

    for (unsigned cpu = 0; cpu < vmi_cpu_count(); cpu++)
        sum += *(const uint64_t *)(const void *)((const char *)&sched_cpu[cpu] + offset);
    return sum;
}

int mk_main(uint64_t kernel_cr3)
{
    const struct exit_record *r;
    uint64_t pages0 = pmem_pages_in_use(), t0 = vmi_time_ns();
    unsigned n;
    int ok;

    proc_init(kernel_cr3);
    syscall_init();
    kprintf("mk: starting init, %u CPUs, %llu ms time slice\n", vmi_cpu_count(),
            (unsigned long long)(SLICE_NS / 1000000));
    if (proc_spawn("init", 0) < 0) {
        kprintf("mk: cannot start init\n");
        return VMI_EXIT_FAIL;
    }
    mk_running_set();
    sched_start_cpu();
    n = proc_records(&r);
    for (unsigned cpu = 0; cpu < vmi_cpu_count(); cpu++)
        report_cpu(cpu, r, n);
    report_ops_line();
    ok = report_procs(r, n);
    kprintf("mk: %u processes in %llu ms, %llu pages leaked, %llu of %llu system calls "
            "came as #UD\n", n, (unsigned long long)((vmi_time_ns() - t0) / 1000000),
            (unsigned long long)(pmem_pages_in_use() - pages0),
            (unsigned long long)sum_cpus(offsetof(struct cpu_sched, syscalls_ud)),
            (unsigned long long)sum_cpus(offsetof(struct cpu_sched, syscalls)));
    ok &= pmem_pages_in_use() == pages0;
    kprintf("demo: %s\n", ok ? "PASS" : "FAIL");
    return ok ? VMI_EXIT_OK : VMI_EXIT_FAIL;
}
