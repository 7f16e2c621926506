/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_xen_env.c: what the `xen` personality needs of the host,
 * on KVM: MSI injection of the upcall vector, the calling vCPU's segment
 * and control registers, the guest's CPUID table, the loading of a vCPU started by VCPUOP_up
 * (host_kvm.c), the guest TSC, the pvclock scale and the per-vCPU timers
 * (mon_clock.c).  Kept apart, and reached only through pers_xen_kvm_env,
 * so that the rest of the personality links into the pure unit tests
 * without KVM.
 */
#include "host_kvm.h"
#include "pers_xen.h"

static int env_sregs(struct mon *mon, unsigned vcpu, struct mon_sregs *s)
{
	return host_kvm_vcpu_sregs(&mon->vcpu[vcpu], s);
}

static int env_cpuid(struct mon *mon, struct mon_cpuid *t)
{
	return host_kvm_vcpu_cpuid(&mon->vcpu[0], t);
}

const struct pers_xen_env pers_xen_kvm_env = {
	.msi = host_kvm_signal_msi,
	.vcpu_load = host_kvm_vcpu_load,
	.sregs = env_sregs,
	.cpuid = env_cpuid,
	.guest_tsc = mon_guest_tsc,
	.guest_ns = mon_guest_ns,
	.pvclock_scale = mon_pvclock_scale,
	.timer_arm = mon_timer_arm,
	.timer_cancel = mon_timer_cancel,
};
