/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_cpuid.c: edits to a CPUID table that every personality
 * makes: TSC frequency leaves and per-vCPU APIC IDs.  Pure logic.
 */
#include <errno.h>
#include <stddef.h>

#include "mon_cpuid.h"

static bool matches(const struct mon_cpuid_entry *e, uint32_t fn,
		    uint32_t index)
{
	if (e->function != fn)
		return false;
	return !(e->flags & MON_CPUID_FLAG_INDEXED) || e->index == index;
}

struct mon_cpuid_entry *mon_cpuid_find(struct mon_cpuid *t, uint32_t fn,
				       uint32_t index)
{
	for (unsigned i = 0; i < t->n; i++)
		if (matches(&t->e[i], fn, index))
			return &t->e[i];
	return NULL;
}

/* Replace the entry for (function, index), or append it. */
int mon_cpuid_put(struct mon_cpuid *t, const struct mon_cpuid_entry *e)
{
	struct mon_cpuid_entry *old = mon_cpuid_find(t, e->function, e->index);

	if (old) {
		*old = *e;
		return 0;
	}
	if (t->n >= MON_CPUID_MAX)
		return -ENOSPC;
	t->e[t->n++] = *e;
	return 0;
}

/* Drop every leaf with lo <= function <= hi. */
void mon_cpuid_remove(struct mon_cpuid *t, uint32_t lo, uint32_t hi)
{
	unsigned j = 0;

	for (unsigned i = 0; i < t->n; i++)
		if (t->e[i].function < lo || t->e[i].function > hi)
			t->e[j++] = t->e[i];
	t->n = j;
}

/*
 * Leaf 0x15 (Intel SDM vol. 2A, CPUID "Time Stamp Counter and Nominal Core
 * Crystal Clock"): TSC Hz = ECX * EBX / EAX.  With EAX=1, ECX=1000 and
 * EBX=tsc_khz the guest reads its TSC frequency without a calibration
 * loop.  Leaf 0x16 EAX/EBX: base/maximum frequency in MHz.  Leaf 0's EAX
 * (maximum basic leaf) is raised to cover them.
 */
int mon_cpuid_add_tsc(struct mon_cpuid *t, uint32_t tsc_khz)
{
	struct mon_cpuid_entry l15 = { .function = 0x15, .eax = 1,
		.ebx = tsc_khz, .ecx = 1000 };
	struct mon_cpuid_entry l16 = { .function = 0x16,
		.eax = tsc_khz / 1000, .ebx = tsc_khz / 1000 };
	struct mon_cpuid_entry *l0 = mon_cpuid_find(t, 0, 0);

	if (!l0 || tsc_khz == 0)
		return -EINVAL;
	if (l0->eax < 0x16)
		l0->eax = 0x16;
	if (mon_cpuid_put(t, &l15) < 0 || mon_cpuid_put(t, &l16) < 0)
		return -ENOSPC;
	return 0;
}

/*
 * Set or clear the hypervisor bit in leaf 1.  Upstream KVM's
 * KVM_GET_SUPPORTED_CPUID leaves it clear (QEMU sets it itself, in
 * target/i386/kvm/kvm.c), so a personality cannot rely on the host.
 */
void mon_cpuid_set_hypervisor(struct mon_cpuid *t, bool on)
{
	struct mon_cpuid_entry *l1 = mon_cpuid_find(t, 1, 0);

	if (!l1)
		return;
	if (on)
		l1->ecx |= MON_CPUID_1_ECX_HYPERVISOR;
	else
		l1->ecx &= ~MON_CPUID_1_ECX_HYPERVISOR;
}

/*
 * The initial APIC ID as KVM's in-kernel LAPIC has it (the vCPU id):
 * leaf 1 EBX[31:24] (SDM vol. 2A, CPUID leaf 1) and the x2APIC ID in EDX
 * of every subleaf of leaves 0xB and 0x1F (SDM "V2 Extended Topology").
 */
void mon_cpuid_set_apic_id(struct mon_cpuid *t, uint32_t apic_id)
{
	for (unsigned i = 0; i < t->n; i++) {
		struct mon_cpuid_entry *e = &t->e[i];
		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffffu) | (apic_id << 24);
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = apic_id;
	}
}
