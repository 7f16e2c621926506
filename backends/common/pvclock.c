/* SPDX-License-Identifier: MIT */
/* pvclock.c: pvclock rate, clamp and wall clock (backends/common, see
 * pvclock.h); no instructions, no state: the callers pass everything in. */
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
