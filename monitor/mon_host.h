/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_host.h: what the personalities (xen, hyperv) ask of the
 * host, as one table reached through mon->host.  host_kvm.c gives
 * KVM's (mon_run.c points mon->host at it before the personality's
 * init); the host-free tests give a fake (tests/monitor/fake_host.h),
 * so that the personalities link without /dev/kvm.  Every vCPU number
 * is a vCPU index, which vmi-run also makes its APIC ID.
 */
#ifndef MON_HOST_H
#define MON_HOST_H

#include <stdint.h>

#include "mon.h"
#include "mon_clock.h"
#include "mon_cpuid.h"

struct mon_host {
	/* A fixed interrupt (vector) to the LAPIC of (vcpu), from any
	 * thread; wakes a halted vCPU.  0 or -errno. */
	int (*msi)(struct mon *mon, unsigned vcpu, uint8_t vector);
	/* Make (vcpu) load the 64-bit state (s) before it next runs
	 * (Xen's VCPUOP_up); (s) is copied.  0 or -errno. */
	int (*vcpu_load)(struct mon *mon, unsigned vcpu,
			 const struct mon_vcpu_load *s);
	/* The segment and control registers of (vcpu), on its own thread
	 * after an exit: the personality derives mode, CPL (SS.DPL) and
	 * paging from them.  0 or -errno. */
	int (*sregs)(struct mon *mon, unsigned vcpu, struct mon_sregs *s);
	/* Make (vcpu), on its own thread after an exit, take #UD as it
	 * next enters the guest.  0 or -errno. */
	int (*inject_ud)(struct mon *mon, unsigned vcpu);
	/* The guest's CPUID table (what a hypervisor's checks take from
	 * the domain's CPUID policy), read at init.  0 or -errno. */
	int (*cpuid)(struct mon *mon, struct mon_cpuid *t);
	uint64_t (*guest_tsc)(const struct mon *mon);
	uint64_t (*guest_ns)(const struct mon *mon);
	/* The pvclock multiplier and shift of a TSC of (tsc_khz). */
	void (*pvclock_scale)(uint32_t tsc_khz, uint32_t *mul, int8_t *shift);
	/* (vcpu)'s one timer: call (fn) at guest ns (deadline). */
	void (*timer_arm)(struct mon *mon, unsigned vcpu, uint64_t deadline,
			  mon_timer_fn fn);
	void (*timer_cancel)(struct mon *mon, unsigned vcpu);
	/* Flush the TLB of every vCPU in (mask), (self) being the caller's
	 * own thread; returns when all have.  0 or -errno. */
	int (*flush_tlb)(struct mon *mon, unsigned self, uint64_t mask);
	/* Let another vCPU's thread run (a spinning guest's hint). */
	void (*yield)(struct mon *mon);
	/* Make MSRs [base, base + n) exit to the monitor even where the
	 * host would handle them itself.  0 or -errno. */
	int (*msr_filter_deny)(struct mon *mon, uint32_t base, uint32_t n);
};

/* host_kvm.c */
extern const struct mon_host mon_host_kvm;

#endif
