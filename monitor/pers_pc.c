/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_pc.c: the `pc` personality, a plain PC under full
 * virtualization: no hypervisor bit, no hypervisor CPUID leaves, so a
 * guest behaves as on bare metal (the native backend must pass here).
 */
#include "pers.h"

/* CPUID.1:ECX[31] is "reserved for hypervisor use" (SDM vol. 2A, CPUID
 * leaf 1 ECX; KVM Documentation/virt/kvm/x86/cpuid.rst). */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

static int pc_cpuid(struct mon_cpuid *t, char *err, size_t errlen)
{
	struct mon_cpuid_entry *l1 = mon_cpuid_find(t, 1, 0);

	(void)err;
	(void)errlen;
	if (l1)
		l1->ecx &= ~CPUID_1_ECX_HYPERVISOR;
	/* 0x40000000-0x4fffffff: the hypervisor leaf range (cpuid.rst). */
	mon_cpuid_remove(t, 0x40000000u, 0x4fffffffu);
	return 0;
}

const struct mon_pers pers_pc = {
	.name = "pc",
	.available = true,
	.cpuid = pc_cpuid,
};
