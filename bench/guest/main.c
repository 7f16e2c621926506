/* SPDX-License-Identifier: MIT */
/*
 * main.c: app_main of the benchmark kernel (bench layer): reads the
 * command line, says what the backend found, starts the secondary CPUs
 * and measures every benchmark once, in a fixed order; then
 * "bench: done" and exit 0.  Command line (all optional):
 *
 *     bench.ms=N       time budget of one round in ms (default 40)
 *     bench.rounds=N   rounds per benchmark (default 5, at most 15)
 *     bench.max=N      iterations per round, at most (default 2000)
 *     bench.only=A,B   measure only these benchmarks (none: no timing)
 *     bench.steps=N    1: first count the cheap ops' instructions
 *                      (steps.c); 2: and print their traces
 */
#include "bench.h"
#include "klib.h"
#include "kprintf.h"
#include "runtime.h"

static unsigned arg_uint(const char *cmdline, const char *key, unsigned dflt,
                         unsigned lo, unsigned hi)
{
    char val[16];
    unsigned v;

    if (!cmdline_get(cmdline, key, val, sizeof(val)))
        return dflt;
    v = parse_uint(val);
    return v < lo ? lo : v > hi ? hi : v;
}

static void print_info(void)
{
    const struct vmi_info *in = vmi_info();

    kprintf("bench-info: backend: %s\n", in->backend);
    kprintf("bench-info: hypervisor: %s\n", in->hypervisor);
    kprintf("bench-info: clock: %s\n", in->clock);
    kprintf("bench-info: alarm: %s\n", in->alarm);
    kprintf("bench-info: console: %s\n", in->console);
    kprintf("bench-info: ipi: %s\n", in->ipi);
    kprintf("bench-info: cycles_hz: %lu\n", vmi_cycles_hz());
    kprintf("bench-info: cpus: %u of %u\n", bench_smp_online(), vmi_cpu_count());
}

/* Whether (name) is in (only), a comma-separated list; "" holds all. */
static bool selected(const char *only, const char *name)
{
    size_t n = strlen(name);

    if (!only[0])
        return true;
    for (const char *p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

static void run_table(const struct bench *t, unsigned n, const struct bench_cfg *cfg,
                      const char *only)
{
    for (unsigned i = 0; i < n; i++)
        if (selected(only, t[i].name))
            bench_measure(&t[i], cfg);
}

void app_main(const struct kstart *ks)
{
    const char *cl = ks->boot->cmdline;
    struct bench_cfg cfg = {
        .round_ms = arg_uint(cl, "bench.ms", 40, 1, 1000),
        .rounds = arg_uint(cl, "bench.rounds", 5, 1, BENCH_MAX_ROUNDS),
        .max_iters = arg_uint(cl, "bench.max", 2000, 1, 1000000),
    };
    char only[160] = "";
    unsigned steps;

    (void)cmdline_get(cl, "bench.only", only, sizeof(only));
    bench_smp_start(ks->cr3);
    print_info();
    kprintf("bench-info: rounds: %u of %u ms, at most %u iterations\n", cfg.rounds,
            cfg.round_ms, cfg.max_iters);
    /* Delivery on: remote flushes and IPIs need it, and an idle kernel
     * runs that way. */
    vmi_irq_enable();
    steps = arg_uint(cl, "bench.steps", 0, 0, 2);
    if (steps)
        bench_steps(steps == 2);
    run_table(bench_cpu, bench_cpu_n, &cfg, only);
    run_table(bench_mmu, bench_mmu_n, &cfg, only);
    run_table(bench_smp, bench_smp_n, &cfg, only);
    run_table(bench_io, bench_io_n, &cfg, only);
    vmi_irq_disable();
    kprintf("bench: done\n");
    vmi_shutdown(VMI_EXIT_OK);
}
