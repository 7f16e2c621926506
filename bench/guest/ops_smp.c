/* SPDX-License-Identifier: MIT */
/*
 * ops_smp.c: cross-CPU benchmarks (bench layer), with CPU 1 idle in
 * safe_halt: a one-page tlb_flush_multi to every CPU (returns when CPU 1
 * has flushed), an IPI round trip (CPU 0 sends to CPU 1, whose vmi_event
 * sends one back; CPU 0 spins until it arrives) and the cost to the
 * caller of spin_kick(1).  Not measurable with one CPU.
 */
#include "bench.h"

/* A lost IPI ends the benchmark instead of hanging the image. */
#define IPI_TIMEOUT_NS 1000000000ull
#define SPINS_PER_CLOCK_READ 64

static volatile uint64_t target;

static const char *need_two(void)
{
    return bench_smp_online() < 2 ? "needs 2 CPUs online" : NULL;
}

static void run_flush_multi(uint64_t n)
{
    vmi_cpumask_t all = (1ull << bench_smp_online()) - 1;

    while (n--)
        vmi_tlb_flush_multi(all, (vmi_vaddr_t)(uintptr_t)&target, 1);
}

/* Spin until CPU 0 has taken more than (base) IPIs; false on timeout. */
static bool wait_ipi(uint64_t base)
{
    uint64_t end = vmi_time_ns() + IPI_TIMEOUT_NS;

    for (unsigned spin = 1; bench_events(0, VMI_EVENT_IPI) == base; spin++) {
        if (spin % SPINS_PER_CLOCK_READ == 0 && vmi_time_ns() > end)
            return false;
        __builtin_ia32_pause();
    }
    return true;
}

static void run_ipi(uint64_t n)
{
    bench_set_echo(true);
    while (n--) {
        uint64_t base = bench_events(0, VMI_EVENT_IPI);

        vmi_ipi_send(1ull << 1);
        if (!wait_ipi(base)) {
            bench_fail("no IPI back from cpu 1 within 1 s");
            break;
        }
    }
    bench_set_echo(false);
}

static void run_spin_kick(uint64_t n)
{
    while (n--)
        vmi_spin_kick(1);
}

const struct bench bench_smp[] = {
    { "tlb_flush_multi_all", need_two, run_flush_multi, 0 },
    { "ipi_roundtrip", need_two, run_ipi, 0 },
    { "spin_kick", need_two, run_spin_kick, 0 },
};
const unsigned bench_smp_n = sizeof(bench_smp) / sizeof(bench_smp[0]);
