/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_cpuid.c: CPUID table edits, the pc and kvm
 * personalities, and the hypervisor bit of every personality (monitor). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "mon_pers.h"

static char err[128];

/* A table shaped like kvm-pvm's KVM_GET_SUPPORTED_CPUID (docs/hosts.md
 * [host:kvm-pvm:cpuid]). */
static struct mon_cpuid *host_table(void)
{
	static const struct mon_cpuid_entry e[] = {
		{ 0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 },
		{ 1, 0, 0, 0x306a9, 0x00010800, 0x81202000, 0x078bfbff },
		{ 0xb, 0, 1, 1, 1, 0x100, 0 },
		{ 0xb, 1, 1, 0, 0, 0x201, 0 },
		{ 0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d },
		{ 0x40000001, 0, 0, 0x01007efb, 0, 0, 1 },
		{ 0x40000010, 0, 0, 1, 2, 3, 4 },
		{ 0x80000000, 0, 0, 0x80000008, 0, 0, 0 },
	};
	struct mon_cpuid *t = calloc(1, sizeof(*t));

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		assert_int_equal(mon_cpuid_put(t, &e[i]), 0);
	return t;
}

static void test_cpuid_tsc_leaves_give_frequency_and_raise_max(void **state)
{
	struct mon_cpuid *t = host_table();
	struct mon_cpuid_entry *l15;

	(void)state;
	assert_int_equal(mon_cpuid_add_tsc(t, 2445432), 0);
	assert_int_equal(mon_cpuid_find(t, 0, 0)->eax, 0x16);
	l15 = mon_cpuid_find(t, 0x15, 0);
	assert_non_null(l15);
	/* TSC Hz = ECX * EBX / EAX (SDM vol. 2A, CPUID leaf 15H). */
	assert_int_equal((uint64_t)l15->ecx * l15->ebx / l15->eax,
			 2445432000ull);
	assert_int_equal(mon_cpuid_find(t, 0x16, 0)->eax, 2445);
	mon_cpuid_find(t, 0, 0)->eax = 0x20;
	assert_int_equal(mon_cpuid_add_tsc(t, 1000), 0);
	assert_int_equal(mon_cpuid_find(t, 0, 0)->eax, 0x20);
	assert_int_equal(mon_cpuid_add_tsc(t, 0), -EINVAL);
	free(t);
}

static void test_cpuid_pc_hides_every_hypervisor_trace(void **state)
{
	struct mon_cpuid *t = host_table();

	(void)state;
	assert_int_equal(pers_pc.cpuid(t, err, sizeof(err)), 0);
	assert_int_equal(mon_cpuid_find(t, 1, 0)->ecx >> 31, 0);
	assert_int_equal(mon_cpuid_find(t, 1, 0)->ecx, 0x01202000);
	assert_null(mon_cpuid_find(t, 0x40000000, 0));
	assert_null(mon_cpuid_find(t, 0x40000001, 0));
	assert_null(mon_cpuid_find(t, 0x40000010, 0));
	assert_non_null(mon_cpuid_find(t, 0x80000000, 0));
	free(t);
}

static void test_cpuid_kvm_drops_hypercall_features_only(void **state)
{
	struct mon_cpuid *t = host_table();
	struct mon_cpuid_entry *f;

	(void)state;
	assert_int_equal(pers_kvm.cpuid(t, err, sizeof(err)), 0);
	f = mon_cpuid_find(t, 0x40000001, 0);
	assert_int_equal(f->eax, 0x01007efbu & ~(1u << 7 | 1u << 11 | 1u << 13));
	assert_int_equal(f->edx, 0);
	assert_int_equal(mon_cpuid_find(t, 0x40000000, 0)->eax, 0x40000001);
	assert_null(mon_cpuid_find(t, 0x40000010, 0));
	assert_int_equal(mon_cpuid_find(t, 1, 0)->ecx >> 31, 1);
	free(t);
}

/* Upstream KVM's KVM_GET_SUPPORTED_CPUID leaves CPUID.1:ECX[31] clear
 * (QEMU sets it itself): every paravirtual personality must set it, pc
 * must not. */
static void test_cpuid_hypervisor_bit_set_even_if_host_lacks_it(void **state)
{
	const struct mon_pers *pv[] = { &pers_kvm, &pers_xen, &pers_hv };

	(void)state;
	for (size_t i = 0; i < sizeof(pv) / sizeof(pv[0]); i++) {
		struct mon_cpuid *t = host_table();
		mon_cpuid_find(t, 1, 0)->ecx &= ~MON_CPUID_1_ECX_HYPERVISOR;
		assert_int_equal(pv[i]->cpuid(t, err, sizeof(err)), 0);
		if (!(mon_cpuid_find(t, 1, 0)->ecx & MON_CPUID_1_ECX_HYPERVISOR))
			fail_msg("personality %s: no hypervisor bit", pv[i]->name);
		free(t);
	}
	struct mon_cpuid *t = host_table();
	mon_cpuid_find(t, 1, 0)->ecx &= ~MON_CPUID_1_ECX_HYPERVISOR;
	assert_int_equal(pers_pc.cpuid(t, err, sizeof(err)), 0);
	assert_int_equal(mon_cpuid_find(t, 1, 0)->ecx, 0x01202000);
	free(t);
}

static void test_cpuid_kvm_without_kvm_leaves_fails(void **state)
{
	struct mon_cpuid *t = host_table();

	(void)state;
	mon_cpuid_remove(t, 0x40000000, 0x40000000);
	assert_int_equal(pers_kvm.cpuid(t, err, sizeof(err)), -ENOTSUP);
	free(t);
}

static void test_cpuid_apic_id_set_in_leaf1_and_0xb(void **state)
{
	struct mon_cpuid *t = host_table();

	(void)state;
	mon_cpuid_set_apic_id(t, 5);
	assert_int_equal(mon_cpuid_find(t, 1, 0)->ebx, 0x05010800);
	assert_int_equal(mon_cpuid_find(t, 0xb, 0)->edx, 5);
	assert_int_equal(mon_cpuid_find(t, 0xb, 1)->edx, 5);
	free(t);
}

static void test_cpuid_put_replaces_then_fills_up(void **state)
{
	struct mon_cpuid *t = calloc(1, sizeof(*t));
	struct mon_cpuid_entry e = { .function = 7, .eax = 1 };

	(void)state;
	assert_int_equal(mon_cpuid_put(t, &e), 0);
	e.eax = 2;
	assert_int_equal(mon_cpuid_put(t, &e), 0);
	assert_int_equal(t->n, 1);
	assert_int_equal(mon_cpuid_find(t, 7, 0)->eax, 2);
	for (unsigned i = 1; i < MON_CPUID_MAX; i++) {
		e.function = 0x100 + i;
		assert_int_equal(mon_cpuid_put(t, &e), 0);
	}
	e.function = 0x1000;
	assert_int_equal(mon_cpuid_put(t, &e), -ENOSPC);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_tsc_leaves_give_frequency_and_raise_max),
		cmocka_unit_test(test_cpuid_pc_hides_every_hypervisor_trace),
		cmocka_unit_test(test_cpuid_kvm_drops_hypercall_features_only),
		cmocka_unit_test(test_cpuid_hypervisor_bit_set_even_if_host_lacks_it),
		cmocka_unit_test(test_cpuid_kvm_without_kvm_leaves_fails),
		cmocka_unit_test(test_cpuid_apic_id_set_in_leaf1_and_0xb),
		cmocka_unit_test(test_cpuid_put_replaces_then_fills_up),
	};
	return cmocka_run_group_tests_name("mon_cpuid", tests, NULL, NULL);
}
