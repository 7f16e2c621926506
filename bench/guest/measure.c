/* SPDX-License-Identifier: MIT */
/*
 * measure.c: times the benchmarks of bench.h (bench layer).  A round runs
 * an op (iters) times between two vmi_cycles() readings; the per-op
 * figure is in tenths of ns (no floating point in the guest), through
 * vmi_cycles_hz(), or straight from vmi_time_ns() where the backend does
 * not know the cycle frequency.  The iteration count is chosen by time:
 * doubling from 1 until a run takes an eighth of the round's budget, so a
 * slow environment (kvm-pvm interprets CPL0 code at ~1 us/instruction)
 * stays within a few seconds for the whole image.
 */
#include "bench.h"
#include "kprintf.h"

static const char *fail_reason;
static uint64_t hz;             /* vmi_cycles_hz(), read once per benchmark */

void bench_fail(const char *why)
{
    if (!fail_reason)
        fail_reason = why;
}

/* The clock of this run: cycles if their rate is known, else ns. */
static uint64_t clock_now(void)
{
    return hz ? vmi_cycles() : vmi_time_ns();
}

/* (ticks) of the clock for (iters) ops -> tenths of ns per op. */
static uint64_t per_op_ns10(uint64_t ticks, uint64_t iters)
{
    uint64_t t10 = ticks * 10 / iters;

    if (!hz)
        return t10;
    /* ticks/op * 1e9 / hz; split when the product would overflow. */
    if (t10 < UINT64_MAX / 1000000000ull)
        return t10 * 1000000000ull / hz;
    return t10 / hz * 1000000000ull;
}

static uint64_t timed_run(const struct bench *b, uint64_t iters)
{
    uint64_t t0 = clock_now();

    b->run(iters);
    return clock_now() - t0;
}

/* Iterations per round for a budget of (budget) clock ticks. */
static uint64_t calibrate(const struct bench *b, uint64_t budget, uint64_t max)
{
    uint64_t k = 1, d;

    b->run(1);                  /* warm-up: first-touch and cache misses */
    if (fail_reason)
        return 1;
    for (;;) {
        d = timed_run(b, k);
        if (fail_reason || k >= max || d >= budget / 8)
            break;
        k = k * 2 > max ? max : k * 2;
    }
    if (d == 0)
        return max;
    k = budget * k / d;
    return k < 1 ? 1 : k > max ? max : k;
}

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void print_line(const char *name, const uint64_t *v, unsigned n, uint64_t iters)
{
    uint64_t med = v[n / 2];

    if (n % 2 == 0)
        med = (v[n / 2 - 1] + v[n / 2]) / 2;
    kprintf("bench: %s %lu.%lu %lu.%lu %lu.%lu %lu\n", name, med / 10, med % 10,
            v[0] / 10, v[0] % 10, v[n - 1] / 10, v[n - 1] % 10, iters);
}

void bench_measure(const struct bench *b, const struct bench_cfg *cfg)
{
    uint64_t v[BENCH_MAX_ROUNDS] = { 0 }, iters = 0, budget, max = cfg->max_iters;
    const char *why = b->setup ? b->setup() : NULL;
    unsigned r = 0;

    if (b->max_iters && b->max_iters < max)
        max = b->max_iters;
    hz = vmi_cycles_hz();
    budget = (hz ? hz : 1000000000ull) / 1000 * cfg->round_ms;
    fail_reason = why;
    if (!why) {
        iters = calibrate(b, budget, max);
        for (r = 0; r < cfg->rounds && !fail_reason; r++)
            v[r] = per_op_ns10(timed_run(b, iters), iters);
    }
    if (fail_reason || r == 0) {
        kprintf("bench: %s n/a %s\n", b->name, fail_reason);
        return;
    }
    sort(v, r);
    print_line(b->name, v, r, iters);
}
