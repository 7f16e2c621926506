/* SPDX-License-Identifier: MIT */
/*
 * pvclock.h: the paravirtual clock that KVM (kvmclock) and Xen
 * (vcpu_time_info) share byte for byte: layouts, the version (seqlock)
 * protocol, TSC -> ns scaling, the TSC rate, and the monotonic clamp.
 * Pure functions of their inputs, so the host unit tests can drive them.
 * Users: backends/kvm (kvmclock) and backends/xen (vcpu_info.time).
 * Sources: Linux arch/x86/include/asm/pvclock-abi.h (layouts),
 * arch/x86/include/asm/pvclock.h (pvclock_scale_delta, read_begin/retry),
 * arch/x86/kernel/pvclock.c (pvclock_tsc_khz, clocksource_read,
 * read_wallclock); Documentation/virt/kvm/x86/msr.rst; Xen
 * public/xen.h struct vcpu_time_info (same layout).
 */
#ifndef VMI_COMMON_PVCLOCK_H
#define VMI_COMMON_PVCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* One per vCPU, written by the hypervisor (pvclock-abi.h).  Linux marks
 * both structures packed; their fields are naturally aligned with no
 * padding, so plain structs have the same layout (asserted below) and
 * their members' addresses may be taken. */
struct pvclock_vcpu_time_info {
    uint32_t version;           /* odd while being updated */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns at the last update */
    uint32_t tsc_to_system_mul; /* ns per TSC tick, 0.32 fixed point */
    int8_t tsc_shift;           /* applied to the TSC delta first */
    uint8_t flags;              /* PVCLOCK_* */
    uint8_t pad[2];
};

/* The wall-clock time at system_time 0 (pvclock-abi.h). */
struct pvclock_wall_clock {
    uint32_t version;
    uint32_t sec;
    uint32_t nsec;
};

#define PVCLOCK_TSC_STABLE_BIT (1u << 0)   /* all vCPUs' clocks agree */
#define PVCLOCK_GUEST_STOPPED (1u << 1)    /* the host paused the guest */

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock size");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info,
                                  tsc_to_system_mul) == 24, "pvclock mul");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, flags) == 29,
               "pvclock flags");
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "wall clock size");

#define PVCLOCK_NS_PER_SEC 1000000000ull

/* Seqlock reader over a hypervisor-written (version) word: begin returns
 * the version to compare; retry is true if it was odd (an update was in
 * progress) or has changed since.  On x86 the host's stores are seen in
 * order (TSO), so the barriers only have to stop the compiler. */
static inline uint32_t pvclock_seq_begin(const volatile uint32_t *version)
{
    uint32_t v = *version;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return v;
}

static inline bool pvclock_seq_retry(const volatile uint32_t *version,
                                     uint32_t begin)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return (begin & 1) || *version != begin;
}

/* ns for a TSC delta (delta): shifted by (shift) (left if positive),
 * then times (mul) / 2^32, with a 128-bit product (no overflow). */
static inline uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul,
                                           int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* The TSC rate in kHz that (mul, shift) encode: (10^6 << 32) / mul,
 * then the inverse of the shift.  0 if (mul) is 0 (not filled in). */
uint64_t pvclock_tsc_khz(uint32_t mul, int8_t shift);

/* A consistent reading of (ti): system_time scaled forward to the TSC
 * value (tsc)() returned inside the version loop.  (*flags) gets the
 * flags of the same snapshot.  Inline, so that the guest's rdtsc is
 * inlined too: the read path runs at ~1 us per instruction under
 * kvm-pvm. */
typedef uint64_t pvclock_tsc_fn(void);
static inline uint64_t pvclock_read(const volatile struct pvclock_vcpu_time_info *ti,
                                    pvclock_tsc_fn *tsc, uint8_t *flags)
{
    uint32_t v;
    uint64_t ns;
    uint8_t f;
    do {
        v = pvclock_seq_begin(&ti->version);
        /* tsc() must be ordered after the version load (lfence; rdtsc). */
        uint64_t delta = tsc() - ti->tsc_timestamp;
        ns = ti->system_time +
             pvclock_scale_delta(delta, ti->tsc_to_system_mul, ti->tsc_shift);
        f = ti->flags;
    } while (pvclock_seq_retry(&ti->version, v));
    *flags = f;
    return ns;
}

/* Monotonic across CPUs whose clocks may disagree: return max(now, *last)
 * and raise *last to it with compare-and-swap. */
uint64_t pvclock_clamp(uint64_t *last, uint64_t now);

/* The wall-clock time at system_time 0, in ns since 1970, from a
 * consistent reading of (wc).  Add the clock's ns for "now". */
uint64_t pvclock_wall_ns(const volatile struct pvclock_wall_clock *wc);

#endif
