/* SPDX-License-Identifier: MIT */
/*
 * time_monotonic: time_ns never goes backwards, on one CPU or between CPUs
 * (docs/vmi-api.md 3.4: two readings ordered by a barrier are ordered).
 * Every CPU reads the clock in a loop for LOOP_NS, all at once (a start
 * barrier); each reading is compared with the CPU's previous one and,
 * after a full barrier, with the largest value any CPU published.
 * Bounded by time, not iterations.
 */
#include "conformance.h"

const char test_title[] = "time_ns never goes backwards on any CPU, nor between CPUs";

/* 30 ms: hundreds of readings per CPU even at kvm-pvm's ~1 us per
 * interpreted instruction; short enough for the matrix.  A CPU whose vCPU
 * thread the host did not run in that window reads on until it has
 * MIN_READINGS, for up to EXTRA_NS more. */
#define LOOP_NS (30 * CONF_MS)
#define EXTRA_NS (2000 * CONF_MS)
#define MIN_READINGS 10

static uint64_t published;              /* largest reading so far */
static uint64_t readings[VMI_MAX_CPUS];
static unsigned arrived;                /* readers at the start barrier */
static uint64_t end;                    /* set by CPU 0 when all arrived */

static bool check(unsigned cpu, uint64_t t, uint64_t prev, uint64_t seen)
{
    if (t < prev)
        return CONF_CHECK(false, "cpu %u: time_ns went back from %lu to %lu", cpu, prev, t);
    if (t < seen)
        return CONF_CHECK(false, "cpu %u read %lu after another CPU read %lu", cpu, t, seen);
    return true;
}

static void publish(uint64_t t)
{
    uint64_t cur = __atomic_load_n(&published, __ATOMIC_SEQ_CST);

    while (cur < t && !__atomic_compare_exchange_n(&published, &cur, t, false,
                                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
}

static void reader(void *arg)
{
    unsigned cpu = vmi_cpu_id();
    uint64_t prev = 0, n = 0, stop;

    (void)arg;
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    while (!(stop = __atomic_load_n(&end, __ATOMIC_ACQUIRE)))
        __builtin_ia32_pause();
    for (;;) {
        uint64_t seen = __atomic_load_n(&published, __ATOMIC_SEQ_CST);
        uint64_t t;

        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        t = vmi_time_ns();
        n++;
        if (!check(cpu, t, prev, seen) || t >= stop + EXTRA_NS ||
            (t >= stop && n >= MIN_READINGS))
            break;
        publish(t);
        prev = t;
    }
    readings[cpu] = n;
}

static bool all_arrived(void *arg)
{
    return __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) >= *(unsigned *)arg;
}

void test_main(void)
{
    unsigned n = conf_smp_start(), others = n - 1;

    for (unsigned cpu = 1; cpu < n; cpu++)
        conf_smp_run(cpu, reader, NULL);
    if (!conf_wait(all_arrived, &others, 5000 * CONF_MS)) {
        vmi_test_error("only %u of %u other CPUs started reading", arrived, others);
        __atomic_store_n(&end, 1, __ATOMIC_RELEASE);
        return;
    }
    __atomic_store_n(&end, vmi_time_ns() + LOOP_NS, __ATOMIC_RELEASE);
    vmi_irq_enable();
    reader(NULL);
    for (unsigned cpu = 1; cpu < n; cpu++)
        if (!conf_smp_wait(cpu, 5000 * CONF_MS))
            vmi_test_error("cpu %u did not finish its readings", cpu);
    for (unsigned cpu = 0; cpu < n; cpu++) {
        conf_log("time_monotonic: cpu %u took %lu readings", cpu, readings[cpu]);
        if (readings[cpu] < MIN_READINGS && !conf_failed())
            vmi_test_error("cpu %u took only %lu readings", cpu, readings[cpu]);
    }
    if (n < 2)
        conf_log("time_monotonic: one CPU: cross-CPU order not checked");
    vmi_test_success();
}
