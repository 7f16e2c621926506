/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_hv_env.c: what the `hyperv` personality needs of the host,
 * on KVM: the guest TSC and the timer thread (mon_clock.c), interrupt
 * injection by KVM_SIGNAL_MSI (APIC ID == vCPU index in vmi-run), the
 * remote TLB flush, and the caller's CPL and #UD for the hypercall port
 * (host_kvm.c).  Kept apart so that the rest of the
 * personality links into the pure unit tests.
 */
#include <sched.h>

#include "host_kvm.h"
#include "pers_hv.h"

static int env_msi(struct mon *mon, unsigned vcpu, uint8_t vector)
{
	return host_kvm_signal_msi(mon, vcpu, vector);
}

/* Route every Hyper-V synthetic MSR (0x40000000-0x400001ff, TLFS
 * appendix "MSRs") to us even on a host whose KVM implements Hyper-V
 * itself; on this host KVM knows none of them, so the filter changes
 * nothing and a failure to install it is only logged. */
static void env_setup(struct mon *mon)
{
	int r = host_kvm_msr_filter_deny(mon, HV_X64_MSR_GUEST_OS_ID, 0x200);

	if (r < 0)
		mon_logf(mon, "hyperv: KVM_X86_SET_MSR_FILTER failed (%d)", r);
}

static int env_cpl(struct mon *mon, unsigned vcpu, bool *pe)
{
	struct mon_sregs s;
	int e = host_kvm_vcpu_sregs(&mon->vcpu[vcpu], &s);

	if (e < 0)
		return e;
	*pe = s.cr0 & 1;
	return s.ss_dpl;
}

static int env_inject_ud(struct mon *mon, unsigned vcpu)
{
	return host_kvm_vcpu_inject_ud(&mon->vcpu[vcpu]);
}

static void env_yield(void)
{
	/* HvCallNotifyLongSpinWait: let the lock holder's vCPU thread run,
	 * as QEMU and Xen do for a yield. */
	sched_yield();
}

const struct pers_hv_env pers_hv_kvm_env = {
	.setup = env_setup,
	.guest_tsc = mon_guest_tsc,
	.timer_arm = mon_timer_arm,
	.timer_cancel = mon_timer_cancel,
	.msi = env_msi,
	.flush_tlb = host_kvm_flush_tlbs,
	.yield = env_yield,
	.cpl = env_cpl,
	.inject_ud = env_inject_ud,
};
