/* SPDX-License-Identifier: MIT */
/*
 * tsc.h: TSC frequency discovery and cycles <-> nanoseconds scaling, for
 * any backend that keeps time with the TSC.  Scaling is a multiply by a
 * 64-bit factor and a shift, computed once at init, with a 128-bit product
 * at run time: no division on the read path, and no overflow for any
 * uptime a 64-bit nanosecond count can express (584 years).
 */
#ifndef VMI_COMMON_TSC_H
#define VMI_COMMON_TSC_H

#include <stdbool.h>
#include <stdint.h>

#include <insn.h>

#define TSC_NS_PER_SEC 1000000000ull
/* The rate assumed when nothing gives it: time then runs at the wrong
 * speed, but forward. */
#define TSC_HZ_GUESS 1000000000ull
#define TSC_SCALE_SHIFT 32

/* Fixed-point factor: out = (in * mult) >> TSC_SCALE_SHIFT. */
struct tsc_scale {
    uint64_t mult;
};

/* The TSC frequency CPUID leaf 0x15 states, only when it is complete:
 * Hz = crystal * EBX / EAX with EAX and EBX non-zero, the crystal being
 * ECX, or where ECX is 0 the nominal crystal the SDM gives for the
 * processor model (Intel SDM Vol. 3B, "Determining the Processor Base
 * Frequency"); else 0.  Leaf 0x16 (the base frequency, not the TSC rate)
 * is never used.  Leaves above the maximum basic leaf (CPUID 0 eax) are
 * not read. */
uint64_t tsc_hz_from_cpuid(void);

/* CPUID 0x80000007 EDX[8]: the TSC runs at a constant rate in every
 * P-, C- and T-state (Intel SDM Vol. 3B, "Invariant TSC"). */
bool tsc_invariant(void);

/* Measure the TSC against PIT channel 2 for about (ms) milliseconds
 * (1..50), reading the latched count at both ends.  Returns Hz, or 0 if
 * the PIT never counted down (no PIT).  Uses ports 0x42, 0x43 and 0x61;
 * interrupts should be off. */
uint64_t tsc_hz_from_pit(unsigned ms);

struct acpi_timer_reg;
/* Measure the TSC for about (ms) (1..50) against the HPET main counter of
 * the block at physical (base) (enabled for the measurement if firmware
 * left it stopped, then restored), or against the ACPI PM timer (t).
 * 0 if there is none, if it lies where it cannot be read (memory at or
 * above VMI_IDENTITY_MAPPED_END, common.h, which is not mapped yet; a
 * port above 0xffff), or if it did not advance within a bound counted on
 * the TSC alone (at most 40 * ms on a 1 GHz TSC). */
uint64_t tsc_hz_from_hpet(uint64_t base, unsigned ms);
uint64_t tsc_hz_from_pm_timer(const struct acpi_timer_reg *t, unsigned ms);

/* Where the rate came from, for the banner. */
enum tsc_source {
    TSC_SRC_NONE,       /* nothing (tsc_hz_detect returned 0) */
    TSC_SRC_CPUID15,
    TSC_SRC_HPET,
    TSC_SRC_PMTIMER,
    TSC_SRC_PIT,
    TSC_SRC_GUESSED,    /* TSC_HZ_GUESS: time runs at the wrong speed */
    TSC_SRC_HYPERVISOR, /* the backend's hypervisor said (clock, MSR) */
};
/* "none", "cpuid15", "hpet", "pmtimer", "pit", "guessed", "hypervisor". */
const char *tsc_source_name(enum tsc_source src);

#define TSC_CALIBRATE_MS 10

/* The TSC rate from the first source that gives it: CPUID 0x15, the HPET
 * (ACPI "HPET" table reachable from (rsdp)), the ACPI PM timer (the
 * FADT's), PIT channel 2; each calibration takes TSC_CALIBRATE_MS.
 * (rsdp) 0: CPUID and the PIT only.  Returns 0 (and *src NONE) if all
 * fail; (src) may be NULL. */
uint64_t tsc_hz_detect(uint64_t rsdp, enum tsc_source *src);

/* tsc_hz_detect(), else TSC_HZ_GUESS with *src = TSC_SRC_GUESSED. */
uint64_t tsc_hz_detect_or_guess(uint64_t rsdp, enum tsc_source *src);

/* (s) converts cycles of a (hz) clock to ns; (hz) > 0. */
void tsc_scale_to_ns(struct tsc_scale *s, uint64_t hz);
/* (s) converts ns to cycles of a (hz) clock; (hz) > 0. */
void tsc_scale_from_ns(struct tsc_scale *s, uint64_t hz);

/* (v) scaled by (s); saturates at UINT64_MAX instead of wrapping. */
static inline uint64_t tsc_scale_apply(const struct tsc_scale *s, uint64_t v)
{
    unsigned __int128 p = (unsigned __int128)v * s->mult;
    p >>= TSC_SCALE_SHIFT;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

/* A clock of nanoseconds since (tsc0) on the bare TSC: the time base of a
 * backend without a paravirtual clock.  Assumes synchronised, constant-
 * rate TSCs across CPUs, so one clock serves every CPU with no shared
 * writes. */
struct tsc_clock {
    uint64_t tsc0;
    struct tsc_scale to_ns;
};

/* Start (c) at the current TSC, for a TSC of (hz) > 0. */
void tsc_clock_start(struct tsc_clock *c, uint64_t hz);

/* Nanoseconds since (c) started.  A TSC a few cycles behind tsc0 (read
 * on another CPU) reads as 0, not as a wrapped huge value.  Inline: it is
 * the whole of a time_ns op. */
static inline uint64_t tsc_clock_ns(const struct tsc_clock *c)
{
    uint64_t t = rdtsc_ordered();
    return t > c->tsc0 ? tsc_scale_apply(&c->to_ns, t - c->tsc0) : 0;
}

/* Busy-wait (ns) nanoseconds measured on the TSC, given (hz). */
void tsc_delay_ns(uint64_t hz, uint64_t ns);

#endif
