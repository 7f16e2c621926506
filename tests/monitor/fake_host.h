/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/fake_host.h: struct mon_host (monitor/mon_host.h) for
 * the monitor's host-free tests (tests/unit/test_xen_mon.c,
 * test_hv_mon.c, tests/race, tests/fuzz): it records what the
 * personalities ask (interrupts, timers, flushes, #UDs, yields, vCPU
 * loads) and answers from knobs (the vCPUs' registers, the TSC, the
 * CPUID of fake_guest.h).  A driver that needs more (race's timer
 * thread, fuzz's invariants) copies fake_host.ops and overrides those
 * members.  Header-only, as fake_guest.h: one instance per test binary.
 */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "mon_host.h"
#include "fake_guest.h"

#define FAKE_HOST_MSIS 64u

static struct fake_host {
	struct mon_host ops;            /* what mon->host points at */
	struct mon_sregs sregs;         /* every vCPU's: sregs() */
	int sregs_err;                  /* sregs() fails with it if < 0 */
	uint64_t tsc;                   /* guest TSC and ns (1 GHz) */
	uint64_t tsc_step;              /* added by every guest_tsc() */
	/* Recorded (counters atomic: race calls from several threads). */
	struct { unsigned vcpu; uint8_t vector; } msi[FAKE_HOST_MSIS];
	atomic_uint nmsi, narmed, ncancel, nflush, nud, nyield, nload;
	uint8_t last_vector;
	uint64_t armed_at, flush_mask;
	unsigned armed_vcpu;            /* the last timer_arm(), to fire it */
	mon_timer_fn armed_fn;
} fake_host;

static inline int fake_host_msi(struct mon *mon, unsigned vcpu, uint8_t vec)
{
	unsigned n = fake_host.nmsi++;

	(void)mon;
	if (n < FAKE_HOST_MSIS) {
		fake_host.msi[n].vcpu = vcpu;
		fake_host.msi[n].vector = vec;
	}
	fake_host.last_vector = vec;
	return 0;
}

static inline int fake_host_vcpu_load(struct mon *mon, unsigned vcpu,
				      const struct mon_vcpu_load *s)
{
	(void)mon, (void)vcpu, (void)s;
	fake_host.nload++;
	return 0;
}

static inline int fake_host_sregs(struct mon *mon, unsigned vcpu,
				  struct mon_sregs *s)
{
	(void)mon, (void)vcpu;
	if (fake_host.sregs_err < 0)
		return fake_host.sregs_err;
	*s = fake_host.sregs;
	return 0;
}

static inline int fake_host_inject_ud(struct mon *mon, unsigned vcpu)
{
	(void)mon, (void)vcpu;
	fake_host.nud++;
	return 0;
}

static inline int fake_host_cpuid(struct mon *mon, struct mon_cpuid *t)
{
	(void)mon;
	fake_guest_cpuid(t);
	return 0;
}

static inline uint64_t fake_host_tsc(const struct mon *mon)
{
	(void)mon;
	return fake_host.tsc += fake_host.tsc_step;
}

static inline uint64_t fake_host_ns(const struct mon *mon)
{
	(void)mon;
	return fake_host.tsc;
}

/* (tsc << 1) * 2^31 >> 32: 1 ns per tick. */
static inline void fake_host_scale(uint32_t khz, uint32_t *mul, int8_t *shift)
{
	(void)khz;
	*mul = 1u << 31;
	*shift = 1;
}

static inline void fake_host_timer_arm(struct mon *mon, unsigned vcpu,
				       uint64_t deadline, mon_timer_fn fn)
{
	(void)mon;
	fake_host.armed_at = deadline;
	fake_host.armed_vcpu = vcpu;
	fake_host.armed_fn = fn;
	fake_host.narmed++;
}

static inline void fake_host_timer_cancel(struct mon *mon, unsigned vcpu)
{
	(void)mon, (void)vcpu;
	fake_host.ncancel++;
}

static inline int fake_host_flush(struct mon *mon, unsigned self,
				  uint64_t mask)
{
	(void)mon, (void)self;
	fake_host.nflush++;
	fake_host.flush_mask = mask;
	return 0;
}

static inline void fake_host_yield(struct mon *mon)
{
	(void)mon;
	fake_host.nyield++;
}

static inline int fake_host_msr_filter(struct mon *mon, uint32_t base,
				       uint32_t n)
{
	(void)mon, (void)base, (void)n;
	return 0;
}

/* Registers of a caller at CPL 0: 64-bit code on the page tables at
 * (cr3) (fake_guest_identity_map), or 32-bit protected mode without
 * paging when (cr3) is 0. */
static inline struct mon_sregs fake_host_sregs_at(uint64_t cr3)
{
	if (!cr3)
		return (struct mon_sregs){ .cr0 = 1, .cs_db = 1 };
	return (struct mon_sregs){ .cr0 = 1 | 1ull << 31,       /* PE, PG */
		.cr4 = 1ull << 5, .efer = 1ull << 8 | 1ull << 10, /* PAE;
		LME, LMA */ .cs_l = 1, .cr3 = cr3 };
}

/* Reset every knob and record, and point (mon) at the fake: a caller
 * in 64-bit mode on the page tables at (cr3), TSC at (tsc), still. */
static inline void fake_host_reset(struct mon *mon, uint64_t cr3, uint64_t tsc)
{
	memset(&fake_host, 0, sizeof(fake_host));
	fake_host.ops = (struct mon_host){
		.msi = fake_host_msi, .vcpu_load = fake_host_vcpu_load,
		.sregs = fake_host_sregs, .inject_ud = fake_host_inject_ud,
		.cpuid = fake_host_cpuid, .guest_tsc = fake_host_tsc,
		.guest_ns = fake_host_ns, .pvclock_scale = fake_host_scale,
		.timer_arm = fake_host_timer_arm,
		.timer_cancel = fake_host_timer_cancel,
		.flush_tlb = fake_host_flush, .yield = fake_host_yield,
		.msr_filter_deny = fake_host_msr_filter,
	};
	fake_host.sregs = fake_host_sregs_at(cr3);
	fake_host.tsc = tsc;
	if (mon)
		mon->host = &fake_host.ops;
}

#endif
