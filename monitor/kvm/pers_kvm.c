/* SPDX-License-Identifier: MIT */
/*
 * monitor/kvm/pers_kvm.c: the `kvm` personality: KVM's own PV leaves and MSRs
 * (kvmclock, steal time, PV EOI, PV TLB flush, all handled in the host
 * kernel), minus every feature this host cannot deliver.
 */
#include <errno.h>
#include <stdio.h>

/* KVM_CPUID_*, KVM_FEATURE_* and KVM_HINTS_* bit numbers: the kernel's
 * uapi (Documentation/virt/kvm/x86/cpuid.rst). */
#include <asm/kvm_para.h>

#include "mon_pers.h"

/*
 * The hypercall-based features: VMCALL never reaches KVM on this
 * (kvm-pvm) host, it livelocks or, with the FIX_HYPERCALL_INSN quirk off
 * (host_kvm.c), raises #UD.  So KICK_CPU, SEND_IPI and SCHED_YIELD are
 * not advertised even though KVM_GET_SUPPORTED_CPUID lists them
 * (docs/hosts.md [host:kvm-pvm]; the bits: Linux
 * Documentation/virt/kvm/x86/cpuid.rst).  MAP_GPA_RANGE would need
 * userspace too.
 */
#define KVM_HCALL_FEATURES ((1u << KVM_FEATURE_PV_UNHALT) | \
			    (1u << KVM_FEATURE_PV_SEND_IPI) | \
			    (1u << KVM_FEATURE_PV_SCHED_YIELD) | \
			    (1u << KVM_FEATURE_HC_MAP_GPA_RANGE))

static int pers_kvm_cpuid(struct mon_cpuid *t, char *err, size_t errlen)
{
	struct mon_cpuid_entry *sig = mon_cpuid_find(t, KVM_CPUID_SIGNATURE, 0);
	struct mon_cpuid_entry *feat = mon_cpuid_find(t, KVM_CPUID_FEATURES, 0);

	if (!sig || !feat) {
		snprintf(err, errlen, "host KVM offers no KVM PV CPUID "
			 "leaves (0x40000000/0x40000001)");
		return -ENOTSUP;
	}
	sig->eax = KVM_CPUID_FEATURES;
	feat->eax &= ~KVM_HCALL_FEATURES;
	/* KVM_HINTS_REALTIME promises vCPUs never preempted: not true. */
	feat->edx &= ~(1u << KVM_HINTS_REALTIME);
	mon_cpuid_remove(t, KVM_CPUID_FEATURES + 1, 0x4fffffffu);
	mon_cpuid_set_hypervisor(t, true);
	return 0;
}

const struct mon_pers pers_kvm = {
	.name = "kvm",
	.available = true,
	.cpuid = pers_kvm_cpuid,
};
