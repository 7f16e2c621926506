/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_host_kvm.c: struct mon_host on KVM, for the personalities:
 * interrupts by KVM_SIGNAL_MSI, vCPU state, #UD, CPUID, remote TLB
 * flushes and MSR filters (host_kvm.c), the guest TSC, pvclock scale
 * and the per-vCPU timers (mon_clock.c).  The only link between the
 * personalities and KVM, so that they build into the host-free tests.
 */
#include <sched.h>

#include "host_kvm.h"
#include "mon_host.h"

static int kvm_sregs(struct mon *mon, unsigned vcpu, struct mon_sregs *s)
{
	return host_kvm_vcpu_sregs(&mon->vcpu[vcpu], s);
}

static int kvm_inject_ud(struct mon *mon, unsigned vcpu)
{
	return host_kvm_vcpu_inject_ud(&mon->vcpu[vcpu]);
}

/* Every vCPU gets the same table (mon_run.c); vCPU 0's stands for all. */
static int kvm_cpuid(struct mon *mon, struct mon_cpuid *t)
{
	return host_kvm_vcpu_cpuid(&mon->vcpu[0], t);
}

/* A guest spinning on a lock (HvCallNotifyLongSpinWait): let the
 * holder's vCPU thread run, as QEMU and Xen do for a yield. */
static void kvm_yield(struct mon *mon)
{
	(void)mon;
	sched_yield();
}

const struct mon_host mon_host_kvm = {
	.msi = host_kvm_signal_msi,
	.vcpu_load = host_kvm_vcpu_load,
	.sregs = kvm_sregs,
	.inject_ud = kvm_inject_ud,
	.cpuid = kvm_cpuid,
	.guest_tsc = mon_guest_tsc,
	.guest_ns = mon_guest_ns,
	.pvclock_scale = mon_pvclock_scale,
	.timer_arm = mon_timer_arm,
	.timer_cancel = mon_timer_cancel,
	.flush_tlb = host_kvm_flush_tlbs,
	.yield = kvm_yield,
	.msr_filter_deny = host_kvm_msr_filter_deny,
};
