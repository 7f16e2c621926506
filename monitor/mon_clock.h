/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_clock.h: the guest's time as the monitor sees it, and a
 * one-shot timer per vCPU.  Shared by the personalities that present a
 * hypervisor clock or timer (xen: vcpu_time_info and the singleshot timer;
 * hyperv: the reference TSC page and synthetic timer 0).
 *
 * Guest time is the guest TSC, which KVM runs at the host TSC rate plus a
 * fixed offset (no TSC scaling here: KVM_CAP_TSC_CONTROL is 0).  The
 * offset is measured once, before any vCPU runs; "guest ns" count from
 * that moment (mon->clock.tsc0).
 */
#ifndef MON_CLOCK_H
#define MON_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct mon;

/* Called by the timer thread when a vCPU's timer expires, with no lock
 * held.  Typically marks an event pending and injects a vector. */
typedef void (*mon_timer_fn)(struct mon *mon, unsigned vcpu);

/* Host TSC now (rdtsc; userspace may read it: CR4.TSD is clear on Linux). */
uint64_t mon_host_tsc(void);
/* The guest TSC now, on any thread. */
uint64_t mon_guest_tsc(const struct mon *mon);
/* Nanoseconds between guest TSC values (tsc0 -> tsc), overflow-safe. */
uint64_t mon_tsc_to_ns(const struct mon *mon, uint64_t tsc0, uint64_t tsc);
/* Guest ns since the clock started. */
uint64_t mon_guest_ns(const struct mon *mon);
/* The pvclock scale for this TSC rate: ns = ((tsc << shift) * mul) >> 32,
 * a negative shift meaning a right shift (Xen public/xen.h
 * vcpu_time_info; KVM msr.rst MSR_KVM_SYSTEM_TIME_NEW). */
void mon_pvclock_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift);

/* Start the clock (needs vCPU 0, before any vCPU runs) and the timer
 * thread.  Returns 0 or -errno with one line in err. */
int mon_clock_start(struct mon *mon, char *err, size_t errlen);
/* Stop and join the timer thread (idempotent). */
void mon_clock_stop(struct mon *mon);
/* Deadline arithmetic on guest-chosen values saturates: a sum or product
 * past 2^64 - 1 is UINT64_MAX, which the timer thread reads as "never"
 * (a deadline centuries away), never a wrap to a small, past deadline. */
static inline uint64_t mon_add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static inline uint64_t mon_mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* The timer thread's wait: host CLOCK_MONOTONIC ns (host_now) plus the
 * guest ns still to go (next - guest_now, next > guest_now), or
 * UINT64_MAX for "wait without a timeout". */
static inline uint64_t mon_timer_host_at(uint64_t host_now, uint64_t guest_now,
					 uint64_t next)
{
	return next == UINT64_MAX ? UINT64_MAX :
	       mon_add_sat(host_now, next - guest_now);
}

/* Arm (vcpu)'s timer for guest ns (deadline); (fn) runs at or after it,
 * once.  A deadline in the past fires at once; UINT64_MAX never fires.
 * Replaces an armed timer. */
void mon_timer_arm(struct mon *mon, unsigned vcpu, uint64_t deadline,
		   mon_timer_fn fn);
void mon_timer_cancel(struct mon *mon, unsigned vcpu);

#endif
