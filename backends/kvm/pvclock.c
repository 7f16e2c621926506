/* SPDX-License-Identifier: MIT */
/* pvclock.c: pvclock reading, rate and clamp (see pvclock.h); no
 * instructions, no state: the callers pass everything in. */
#include "pvclock.h"

uint64_t pvclock_tsc_khz(uint32_t mul, int8_t shift)
{
    if (!mul)
        return 0;
    uint64_t khz = (1000000ull << 32) / mul;
    if (shift < 0)
        khz <<= -shift;
    else
        khz >>= shift;
    return khz;
}

uint64_t pvclock_read(const volatile struct pvclock_vcpu_time_info *ti,
                      pvclock_tsc_fn *tsc, uint8_t *flags)
{
    uint32_t v;
    uint64_t ns;
    uint8_t f;
    do {
        v = pvclock_seq_begin(&ti->version);
        /* tsc() is ordered after the version load (lfence; rdtsc). */
        uint64_t delta = tsc() - ti->tsc_timestamp;
        ns = ti->system_time +
             pvclock_scale_delta(delta, ti->tsc_to_system_mul, ti->tsc_shift);
        f = ti->flags;
    } while (pvclock_seq_retry(&ti->version, v));
    *flags = f;
    return ns;
}

uint64_t pvclock_clamp(uint64_t *last, uint64_t now)
{
    uint64_t seen = __atomic_load_n(last, __ATOMIC_RELAXED);
    do {
        if (now < seen)
            return seen;
    } while (!__atomic_compare_exchange_n(last, &seen, now, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
    return now;
}

uint64_t pvclock_wall_ns(const volatile struct pvclock_wall_clock *wc)
{
    uint32_t v, sec, nsec;
    do {
        v = pvclock_seq_begin(&wc->version);
        sec = wc->sec;
        nsec = wc->nsec;
    } while (pvclock_seq_retry(&wc->version, v));
    return sec * PVCLOCK_NS_PER_SEC + nsec;
}
