/* SPDX-License-Identifier: MIT */
/*
 * time_wallclock: wallclock_ns is 0 (no wall clock: a skip) or the time
 * since the Unix epoch, advancing with time_ns (docs/vmi-api.md 3.4: "the
 * value at init plus time_ns").  The offset wallclock - time_ns must stay
 * put across INTERVAL_NS, within 1 ms plus the width of the samples.
 * 1 ms absorbs a hypervisor nudging its wall clock (Xen's wc fields);
 * a wall clock that runs at another rate (e.g. seconds scaled wrongly)
 * is off by far more over 50 ms.
 */
#include "conformance.h"

const char test_title[] = "wallclock_ns is epoch time that advances with time_ns";

#define INTERVAL_NS 50000000ul
#define SLACK_NS 1000000ul
#define SAMPLES 10
/* 2000-01-01 and 2200-01-01 in seconds since the epoch: a reading outside
 * them is a unit or epoch error, not a clock setting. */
#define Y2000_S 946684800ul
#define Y2200_S 7258118400ul
#define NS_PER_S 1000000000ul

struct sample {
    uint64_t off, width;            /* wall - time_ns at the midpoint */
};

static struct sample take(void)
{
    struct sample best = { 0, UINT64_MAX };

    for (unsigned i = 0; i < SAMPLES; i++) {
        uint64_t t1 = vmi_time_ns(), w = vmi_wallclock_ns(), t2 = vmi_time_ns();

        if (t2 - t1 < best.width)
            best = (struct sample){ w - (t1 + (t2 - t1) / 2), t2 - t1 };
    }
    return best;
}

void test_main(void)
{
    uint64_t w = vmi_wallclock_ns(), drift;
    struct sample a, b;

    if (!w) {
        vmi_test_skip("wallclock_ns() is 0: the environment offers no wall clock");
        return;
    }
    conf_log("time_wallclock: %lu s since the epoch", w / NS_PER_S);
    CONF_CHECK(w / NS_PER_S >= Y2000_S && w / NS_PER_S < Y2200_S,
               "wallclock_ns() = %lu is not between 2000 and 2200", w);
    a = take();
    conf_spin_ns(INTERVAL_NS);
    b = take();
    drift = a.off > b.off ? a.off - b.off : b.off - a.off;
    conf_log("time_wallclock: offset moved %lu ns in %lu ns", drift, INTERVAL_NS);
    CONF_CHECK(drift <= SLACK_NS + a.width + b.width,
               "wallclock_ns - time_ns moved by %lu ns in 50 ms", drift);
    vmi_test_success();
}
