/* SPDX-License-Identifier: MIT */
/*
 * ops_cpu.c: benchmarks of the local ops (bench layer): time, CPU state,
 * interrupt masking, the alarm and a local TLB flush.  null_call is the
 * floor every other figure includes: the loop and one indirect call, as
 * a vmi_<op>() wrapper makes through the const table without LTO.
 */
#include "bench.h"

/* IA32_EFER: present on every x86-64 CPU and read-only here (Intel SDM
 * Vol. 4, Table 2-2); no personality of vmi-run filters it. */
#define MSR_EFER 0xc0000080u
/* Far enough that the alarm never fires while it is armed. */
#define ALARM_AHEAD_NS 10000000000ull

static volatile uint64_t sink;

static void nop(void)
{
}

/* volatile: the compiler must load and call it every time. */
void (*volatile bench_nop_ptr)(void) = nop;

static void run_null_call(uint64_t n)
{
    while (n--)
        bench_nop_ptr();
}

static void run_time_ns(uint64_t n)
{
    uint64_t acc = 0;

    while (n--)
        acc += vmi_time_ns();
    sink = acc;
}

static void run_cycles(uint64_t n)
{
    uint64_t acc = 0;

    while (n--)
        acc += vmi_cycles();
    sink = acc;
}

static void run_irq_pair(uint64_t n)
{
    while (n--) {
        vmi_irq_disable();
        vmi_irq_enable();
    }
}

static void run_irq_save(uint64_t n)
{
    while (n--)
        vmi_irq_restore(vmi_irq_save());
}

static void run_read_cr3(uint64_t n)
{
    uint64_t acc = 0;

    while (n--)
        acc += vmi_read_cr3();
    sink = acc;
}

static void run_read_cr2(uint64_t n)
{
    uint64_t acc = 0;

    while (n--)
        acc += vmi_read_cr2();
    sink = acc;
}

static void run_read_msr(uint64_t n)
{
    uint64_t acc = 0;

    while (n--)
        acc += vmi_read_msr(MSR_EFER);
    sink = acc;
}

static void run_cpuid(uint64_t n)
{
    struct vmi_cpuid c;
    uint64_t acc = 0;

    while (n--) {
        vmi_cpuid(0, 0, &c);
        acc += c.eax;
    }
    sink = acc;
}

static void run_alarm(uint64_t n)
{
    uint64_t deadline = vmi_time_ns() + ALARM_AHEAD_NS;

    while (n--) {
        vmi_alarm_set(deadline);
        vmi_alarm_cancel();
    }
}

static void run_flush_page(uint64_t n)
{
    while (n--)
        vmi_tlb_flush_page((vmi_vaddr_t)(uintptr_t)&sink);
}

const struct bench bench_cpu[] = {
    { "null_call", NULL, run_null_call, 0 },
    { "time_ns", NULL, run_time_ns, 0 },
    { "cycles", NULL, run_cycles, 0 },
    { "irq_disable_enable", NULL, run_irq_pair, 0 },
    { "irq_save_restore", NULL, run_irq_save, 0 },
    { "read_cr3", NULL, run_read_cr3, 0 },
    { "read_cr2", NULL, run_read_cr2, 0 },
    { "read_msr_efer", NULL, run_read_msr, 0 },
    { "cpuid_0", NULL, run_cpuid, 0 },
    { "alarm_set_cancel", NULL, run_alarm, 0 },
    { "tlb_flush_page", NULL, run_flush_page, 0 },
};
const unsigned bench_cpu_n = sizeof(bench_cpu) / sizeof(bench_cpu[0]);
