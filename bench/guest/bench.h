/* SPDX-License-Identifier: MIT */
/*
 * bench.h: the in-guest micro-benchmarks of the vmi ops (bench layer).
 * One image per backend: the kernel runtime (guest-kernel/, kernel_rt),
 * these files and one backend library.  Each benchmark runs its op in a
 * loop; the harness (measure.c) times rounds of that loop with
 * vmi_cycles(), converts to ns with vmi_cycles_hz(), and prints per
 * benchmark one line
 *
 *     bench: <name> <median_ns> <min_ns> <max_ns> <iterations>
 *
 * (ns per op over the rounds, iterations per round), or
 *
 *     bench: <name> n/a <reason>
 *
 * when the op cannot be measured in this environment.  bench/vmi_bench.py
 * boots the images and aggregates the lines.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "vmi.h"

/* Perform the op (iters) times. */
typedef void bench_fn(uint64_t iters);
/* Prepare a benchmark once; returns NULL, or why it cannot run here. */
typedef const char *bench_setup_fn(void);

struct bench {
    const char *name;
    bench_setup_fn *setup;      /* NULL: nothing to prepare */
    bench_fn *run;
    unsigned max_iters;         /* per round; 0: the command line's cap */
};

/* The benchmarks, by file. */
extern const struct bench bench_cpu[], bench_io[], bench_mmu[], bench_smp[];
extern const unsigned bench_cpu_n, bench_io_n, bench_mmu_n, bench_smp_n;

/* An empty function behind a volatile pointer: null_call's floor, one
 * indirect call (ops_cpu.c). */
extern void (*volatile bench_nop_ptr)(void);

/* ---- measure.c --------------------------------------------------------- */

struct bench_cfg {
    unsigned round_ms;          /* time budget of one round */
    unsigned rounds;
    unsigned max_iters;         /* iterations per round, at most */
};

#define BENCH_MAX_ROUNDS 15

/* Measure (b) and print its line. */
void bench_measure(const struct bench *b, const struct bench_cfg *cfg);
/* Called by a benchmark body that cannot go on (a lost IPI): the
 * harness then prints the n/a line with (why) instead of figures. */
void bench_fail(const char *why);

/* ---- steps.c ----------------------------------------------------------- */

/* Count the instructions of the cheap ops by single-stepping and print
 * "bench-steps: <name> <fewest> <most>" lines (and their traces). */
void bench_steps(bool print_trace);

/* ---- smp.c ------------------------------------------------------------- */

/* Start the secondary CPUs, which idle in safe_halt with delivery
 * enabled; returns how many CPUs are online, CPU 0 included. */
unsigned bench_smp_start(uint64_t cr3);
unsigned bench_smp_online(void);
/* How many events of kind (ev) CPU (cpu) has taken. */
uint64_t bench_events(unsigned cpu, vmi_event_t ev);
/* While set, a secondary CPU answers each IPI with an IPI to CPU 0. */
void bench_set_echo(bool on);

#endif
