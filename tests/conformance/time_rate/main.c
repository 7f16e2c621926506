/* SPDX-License-Identifier: MIT */
/*
 * time_rate: time_ns advances at the rate of the cycle counter, that is
 * cycles()/cycles_hz() (docs/vmi-api.md 3.4), on every CPU.
 *
 * Tolerance: 2 %.  Each end of the interval is a sample (cycles, time_ns,
 * cycles) taken SAMPLES times, keeping the tightest, so that a host
 * preemption inside a sample is not counted; the width of the kept
 * samples is added to the bound.  A conforming backend is exact to about
 * 1e-6 (32-bit fixed-point scaling); 2 % still catches every unit or
 * scale error (kHz for Hz, 100 ns units, a shift off by one = 2x).
 */
#include "conformance.h"

const char test_title[] = "time_ns advances at the cycle-counter rate (2% tolerance)";

#define INTERVAL_NS 100000000ul    /* 100 ms */
#define SAMPLES 20
#define TOLERANCE_DIV 50            /* 1/50 = 2 % */
#define NS_PER_S 1000000000ul

struct sample {
    uint64_t ns, cyc, width;        /* cyc: midpoint; width in cycles */
};

static struct sample take(void)
{
    struct sample best = { 0, 0, UINT64_MAX };

    for (unsigned i = 0; i < SAMPLES; i++) {
        uint64_t c1 = vmi_cycles(), t = vmi_time_ns(), c2 = vmi_cycles();

        if (c2 - c1 < best.width)
            best = (struct sample){ t, c1 + (c2 - c1) / 2, c2 - c1 };
    }
    return best;
}

static void measure(void *arg)
{
    uint64_t hz = *(uint64_t *)arg;
    unsigned cpu = vmi_cpu_id();
    struct sample a = take(), b;
    uint64_t d_ns, want, slack, err;

    conf_spin_ns(INTERVAL_NS);
    b = take();
    d_ns = b.ns - a.ns;
    /* d_cyc < 2^32 for 100 ms below 40 GHz: no overflow in the product. */
    want = (b.cyc - a.cyc) * NS_PER_S / hz;
    slack = want / TOLERANCE_DIV + (a.width + b.width) * NS_PER_S / hz;
    err = d_ns > want ? d_ns - want : want - d_ns;
    conf_log("time_rate: cpu %u: %lu ns of time_ns over %lu ns of cycles (off by %lu)", cpu,
             d_ns, want, err);
    CONF_CHECK(err <= slack, "cpu %u: time_ns advanced %lu ns while the cycle counter says "
               "%lu ns (more than 2%% apart)", cpu, d_ns, want);
}

void test_main(void)
{
    uint64_t hz = vmi_cycles_hz();
    unsigned n;

    if (!hz) {
        vmi_test_skip("cycles_hz() is 0: the backend does not know the cycle-counter rate");
        return;
    }
    conf_log("time_rate: cycles_hz %lu", hz);
    measure(&hz);
    n = conf_smp_start();
    for (unsigned cpu = 1; cpu < n; cpu++) {
        conf_smp_run(cpu, measure, &hz);
        if (!conf_smp_wait(cpu, 5000000000ul))
            vmi_test_error("cpu %u did not finish its measurement", cpu);
    }
    vmi_test_success();
}
