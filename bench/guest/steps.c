/* SPDX-License-Identifier: MIT */
/*
 * steps.c: how many instructions one op call executes (bench layer), the
 * deterministic twin of the timings: a region of code runs with EFLAGS.TF
 * set, and every single-step trap (#DB after each instruction, Intel SDM
 * Vol. 3B 17.3.1.4) reaches on_debug() through the kernel's #DB hook
 * (trap_set_debug_handler), which counts it.  The region is the op call
 * between two pushfq/popfq sequences that set and clear TF; the count of
 * the same region without the op (the overhead) is subtracted.  Each
 * count is taken STEP_RUNS times after one warm-up; the guest prints
 *
 *     bench-steps: <name> <fewest> <most>
 *
 * (equal unless something in the path varies from call to call), and with
 * bench.steps=2 also "bench-steps-trace: <name> <rip>..." of the last
 * run: the address of each instruction after the first
 * (at most TRACE_MAX).
 * Interrupt delivery is as the caller left it; an interrupt taken inside
 * the region runs with TF clear (the gate clears it) and is not counted.
 */
#include "bench.h"
#include "kprintf.h"
#include "trap.h"

#define EFLAGS_TF 0x100ull      /* Intel SDM Vol. 1 3.4.3.3 */
#define STEP_CAP 20000u         /* a region that runs away stops here */
#define STEP_RUNS 3
#define TRACE_MAX 40

static volatile unsigned steps;
static uint64_t trace[TRACE_MAX];

static void on_debug(struct vmi_trap_frame *f)
{
    unsigned n = steps;

    if (n < TRACE_MAX)
        trace[n] = f->rip;
    steps = n + 1;
    if (n + 1 >= STEP_CAP)
        f->rflags &= ~EFLAGS_TF;
}

/* The region's bounds.  The popfq that sets TF is not followed by a
 * trap; every instruction after it is, the popfq that clears TF included
 * (TF was set when it began): a constant the empty region measures. */
#define TF_ON() __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc")
#define TF_OFF() __asm__ volatile("pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc")
/* The op's result must be computed inside the region; no instruction. */
#define KEEP(x) __asm__ volatile("" : : "r"(x) : "memory")

static void s_empty(void)
{
    TF_ON();
    TF_OFF();
}

static void s_null_call(void)
{
    TF_ON();
    bench_nop_ptr();
    TF_OFF();
}

static void s_irq_pair(void)
{
    TF_ON();
    vmi_irq_disable();
    vmi_irq_enable();
    TF_OFF();
}

static void s_irq_save(void)
{
    TF_ON();
    vmi_irq_restore(vmi_irq_save());
    TF_OFF();
}

static void s_read_cr3(void)
{
    TF_ON();
    KEEP(vmi_read_cr3());
    TF_OFF();
}

static void s_read_cr2(void)
{
    TF_ON();
    KEEP(vmi_read_cr2());
    TF_OFF();
}

static void s_cycles(void)
{
    TF_ON();
    KEEP(vmi_cycles());
    TF_OFF();
}

static void s_time_ns(void)
{
    TF_ON();
    KEEP(vmi_time_ns());
    TF_OFF();
}

static const struct {
    const char *name;
    void (*fn)(void);
} regions[] = {
    { "null_call", s_null_call },
    { "irq_disable_enable", s_irq_pair },
    { "irq_save_restore", s_irq_save },
    { "read_cr3", s_read_cr3 },
    { "read_cr2", s_read_cr2 },
    { "cycles", s_cycles },
    { "time_ns", s_time_ns },
};

/* Steps of (fn): fewest and most over STEP_RUNS runs after a warm-up,
 * and those of the last run, whose trace trace[] holds. */
static void count(void (*fn)(void), unsigned *lo, unsigned *hi, unsigned *last)
{
    *lo = ~0u;
    *hi = 0;
    for (int r = -1; r < STEP_RUNS; r++) {
        steps = 0;
        fn();
        *last = steps;
        if (r >= 0) {
            *lo = *last < *lo ? *last : *lo;
            *hi = *last > *hi ? *last : *hi;
        }
    }
}

void bench_steps(bool print_trace)
{
    unsigned lo, hi, last, base_lo, base_hi;

    trap_set_debug_handler(on_debug);
    count(s_empty, &base_lo, &base_hi, &last);
    kprintf("bench-info: steps overhead: %u\n", base_lo);
    for (unsigned i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        count(regions[i].fn, &lo, &hi, &last);
        if (base_lo != base_hi || lo < base_lo) {
            kprintf("bench-steps: %s n/a overhead varies (%u-%u)\n", regions[i].name,
                    base_lo, base_hi);
            continue;
        }
        kprintf("bench-steps: %s %u %u\n", regions[i].name, lo - base_lo, hi - base_lo);
        if (print_trace) {
            kprintf("bench-steps-trace: %s", regions[i].name);
            for (unsigned k = 0; k < last && k < TRACE_MAX; k++)
                kprintf(" %lx", trace[k]);
            kprintf("\n");
        }
    }
    trap_set_debug_handler(NULL);
}
