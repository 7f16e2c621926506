/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_cpuid.h: a CPUID table in the monitor's own types (the
 * fields of struct kvm_cpuid_entry2, which host_kvm.c converts), and the
 * pure edits every personality shares.
 */
#ifndef MON_CPUID_H
#define MON_CPUID_H

#include <stdbool.h>
#include <stdint.h>

/* KVM_CPUID_FLAG_SIGNIFCANT_INDEX in <linux/kvm.h>: the entry matches
 * only its own subleaf (host_kvm.c asserts the value). */
#define MON_CPUID_FLAG_INDEXED 1u
#define MON_CPUID_MAX          256u
/* CPUID.1:ECX[31], "reserved for hypervisor use" (SDM vol. 2A, CPUID
 * leaf 1 ECX; KVM Documentation/virt/kvm/x86/cpuid.rst). */
#define MON_CPUID_1_ECX_HYPERVISOR (1u << 31)

struct mon_cpuid_entry {
	uint32_t function, index, flags;
	uint32_t eax, ebx, ecx, edx;
};

struct mon_cpuid {
	unsigned n;
	struct mon_cpuid_entry e[MON_CPUID_MAX];
};

struct mon_cpuid_entry *mon_cpuid_find(struct mon_cpuid *t, uint32_t fn,
				       uint32_t index);
int mon_cpuid_put(struct mon_cpuid *t, const struct mon_cpuid_entry *e);
void mon_cpuid_remove(struct mon_cpuid *t, uint32_t lo, uint32_t hi);
int mon_cpuid_add_tsc(struct mon_cpuid *t, uint32_t tsc_khz);
void mon_cpuid_set_hypervisor(struct mon_cpuid *t, bool on);
void mon_cpuid_set_apic_id(struct mon_cpuid *t, uint32_t apic_id);

#endif
