/* SPDX-License-Identifier: MIT */
/*
 * time_stolen: stolen_ns is monotonic on each CPU and cannot grow faster
 * than time itself (docs/vmi-api.md 3.4): over a loop of LOOP_NS, every
 * reading is >= the previous one and the total growth is at most the
 * time_ns that passed, plus 1 ms for the two readings not being atomic.
 * 0 throughout is conforming (bare metal, or the hypervisor does not say).
 */
#include "conformance.h"

const char test_title[] = "stolen_ns is monotonic and grows no faster than time";

#define LOOP_NS 20000000ul
#define SLACK_NS 1000000ul

static void watch(void *arg)
{
    unsigned cpu = vmi_cpu_id();
    uint64_t t0 = vmi_time_ns(), s0 = vmi_stolen_ns(), prev = s0, s = s0, t = t0;

    (void)arg;
    while (t < t0 + LOOP_NS) {
        s = vmi_stolen_ns();
        t = vmi_time_ns();
        if (!CONF_CHECK(s >= prev, "cpu %u: stolen_ns went back from %lu to %lu", cpu, prev, s))
            return;
        prev = s;
    }
    conf_log("time_stolen: cpu %u: %lu ns stolen in %lu ns (total %lu)", cpu, s - s0, t - t0, s);
    CONF_CHECK(s - s0 <= t - t0 + SLACK_NS, "cpu %u: %lu ns stolen in %lu ns of time", cpu,
               s - s0, t - t0);
}

void test_main(void)
{
    unsigned n = conf_smp_start();

    for (unsigned cpu = 1; cpu < n; cpu++)
        conf_smp_run(cpu, watch, NULL);
    vmi_irq_enable();
    watch(NULL);
    for (unsigned cpu = 1; cpu < n; cpu++)
        if (!conf_smp_wait(cpu, 5000000000ul))
            vmi_test_error("cpu %u did not finish", cpu);
    vmi_test_success();
}
