/* SPDX-License-Identifier: MIT */
/*
 * monitor/hyperv/pers_hv.h: the `hyperv` personality's state and its pieces:
 * pers_hv.c (CPUID, setup, the hooks), pers_hv_msr.c (synthetic MSRs,
 * reference TSC, synthetic timer 0), pers_hv_hcall.c (hypercall
 * dispatch, SynIC delivery).  All pure: the host is mon->host
 * (mon_host.h), which the unit tests fake, with a RAM buffer.
 * Wire definitions: include/hyperv/tlfs.h.
 */
#ifndef PERS_HV_H
#define PERS_HV_H

#include <pthread.h>
#include <stdint.h>

#include "mon.h"
#include "mon_clock.h"
#include "mon_host.h"
#include "hyperv/tlfs.h"


/* One virtual processor's synthetic registers. */
struct pers_hv_vp {
	uint64_t scontrol, siefp, simp;
	uint64_t sint[HV_SYNIC_SINT_COUNT];
	uint64_t stimer_config, stimer_count;
	uint64_t stimer_expiry;         /* reference time it is armed for */
	/* A message-mode expiry whose message found its slot busy (a
	 * one-shot's) or the SIM page off, and waits for the guest's EOM, as
	 * KVM's msg_pending: the timer is not armed meanwhile. */
	bool stimer_msg_pending;
};

struct pers_hv {
	pthread_mutex_t lock;           /* everything below */
	unsigned nvp;
	uint32_t tsc_khz;
	uint64_t guest_os_id, hypercall, ref_tsc;
	uint64_t tsc_scale;             /* reference TSC page values */
	int64_t tsc_offset;
	uint64_t ref_last;              /* largest TIME_REF_COUNT read */
	uint64_t crash[HV_CRASH_NPARAMS];
	struct pers_hv_vp vp[MON_MAX_CPUS];
};

/* The CPUID leaves 0x40000000-0x4000000A this personality shows. */
#define PERS_HV_MAX_LEAF HV_CPUID_NESTED_OPT
#define PERS_HV_SPIN_RETRIES 2047u      /* 0x40000004.ebx, as Xen's */
#define PERS_HV_VERSION_MAJOR 6u        /* 0x40000002.ebx */
#define PERS_HV_VERSION_MINOR 0u
/* HV_X64_MSR_APIC_FREQUENCY: KVM's in-kernel LAPIC timer ticks once per
 * APIC bus cycle, 1 ns by default (api.rst KVM_CAP_X86_APIC_BUS_CYCLES_NS;
 * kvm-pvm reads 1: docs/hosts.md [host:kvm-pvm:cpuid]). */
#define PERS_HV_APIC_HZ 1000000000ull
/* The shortest period of a periodic stimer, in 100 ns units: 1 ms, so
 * at most 1,000 expiries a second.  The TLFS sets none and KVM's
 * hyperv.c only refuses 0; without one, COUNT 1 meant millions of MSIs
 * a second from the timer thread, and at 100 us an idle guest still cost
 * the lab's host 0.34 CPU-s a second (docs/PERFORMANCE.md, bench/
 * idle_cost.py).  Xen draws the line at the same place: "Periods smaller
 * than one millisecond may not be supported" (public/vcpu.h,
 * VCPUOP_set_periodic_timer). */
#define PERS_HV_STIMER_MIN_PERIOD 10000ull

static inline struct pers_hv *pers_hv_of(const struct mon *mon)
{
	return mon->pers_state;
}

/* pers_hv.c: (hv) for (mon), whose mon->host is set.  0 or -errno. */
int pers_hv_state_init(struct mon *mon, struct pers_hv *hv);

/* pers_hv_msr.c: (write) or read of synthetic MSR (index) by (vcpu);
 * false means #GP. */
bool pers_hv_msr(struct mon *mon, unsigned vcpu, bool write, uint32_t index,
		 uint64_t *data);
/* Reference time (100 ns units) at guest TSC (tsc). */
uint64_t pers_hv_ref_time(const struct pers_hv *hv, uint64_t tsc);
/* The reference TSC page scale for a TSC of (tsc_khz): 10^7 * 2^64 / Hz. */
uint64_t pers_hv_tsc_scale(uint32_t tsc_khz);

/* pers_hv_hcall.c.  Guest memory is read by mon_copy_in only: every
 * value is checked and used from the monitor's copy, so one that another
 * vCPU rewrites meanwhile is never read twice (no double fetch).  The
 * SynIC pages' slot type, message flags and event flags are the
 * exception: each is one atomic access, naturally aligned. */
/* One hypercall from (vcpu) with the TLFS x64 registers;
 * returns the result value for RAX. */
uint64_t pers_hv_hypercall(struct mon *mon, unsigned vcpu, uint64_t control,
			   uint64_t in, uint64_t out);
/* Put (msg) into slot (sint) of (vp)'s message page.  Returns an
 * HV_STATUS; on success the caller raises the SINT once it has dropped
 * hv->lock, which is held across the call.  A busy slot gets its
 * msg_pending flag unless (drop): the message is then simply not sent. */
unsigned pers_hv_post_msg(struct mon *mon, unsigned vp, unsigned sint,
			  const struct hv_message *msg, bool drop);
/* Raise SINT (sint) of (vp) if it is unmasked: called without the lock. */
void pers_hv_raise_sint(struct mon *mon, unsigned vp, uint64_t sint_reg);

#endif
