/* SPDX-License-Identifier: MIT */
/* test_common_hvsig.c: finding and naming hypervisor CPUID signatures
 * (backends/common/hvsig.c), on the mocked CPUID table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hvsig.h"
#include "mock.h"
#include "vmi.h"

/* "KVMKVMKVM\0\0\0" (KVM cpuid.rst) and "XenVMMXenVMM" (Xen
 * arch-x86/cpuid.h) as ebx, ecx, edx. */
#define KVM_SIG 0x4b4d564bu, 0x564b4d56u, 0x0000004du
#define XEN_SIG 0x566e6558u, 0x65584d4du, 0x4d4d566eu

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    return 0;
}

static void hypervisor_bit(void)
{
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_HYPERVISOR, 0);
}

static void test_hvsig_find_no_hypervisor_bit_zero(void **state)
{
    (void)state;
    char found[HVSIG_LEN];
    mock_set_cpuid(HVSIG_FIRST, 0, 0x40000001, KVM_SIG);    /* ignored */
    assert_false(hvsig_present());
    assert_int_equal(hvsig_find(KVM_SIG), 0);
    hvsig_found(found);
    assert_string_equal(found, "no hypervisor");
}

static void test_hvsig_find_at_first_leaf(void **state)
{
    (void)state;
    hypervisor_bit();
    mock_set_cpuid(HVSIG_FIRST, 0, 0x40000001, KVM_SIG);
    assert_int_equal(hvsig_find(KVM_SIG), HVSIG_FIRST);
}

static void test_hvsig_find_behind_xen_leaves_found(void **state)
{
    (void)state;
    hypervisor_bit();
    mock_set_cpuid(HVSIG_FIRST, 0, 0x40000002, XEN_SIG);
    mock_set_cpuid(HVSIG_FIRST + HVSIG_STEP, 0, 0x40000101, KVM_SIG);
    assert_int_equal(hvsig_find(KVM_SIG), 0x40000100);
    assert_int_equal(hvsig_find(XEN_SIG), HVSIG_FIRST);
}

static void test_hvsig_find_last_leaf_scanned_beyond_not(void **state)
{
    (void)state;
    hypervisor_bit();
    mock_set_cpuid(HVSIG_LAST, 0, 0, KVM_SIG);
    assert_int_equal(hvsig_find(KVM_SIG), HVSIG_LAST);
    mock_reset();
    hypervisor_bit();
    mock_set_cpuid(HVSIG_LAST + HVSIG_STEP, 0, 0, KVM_SIG);
    assert_int_equal(hvsig_find(KVM_SIG), 0);
}

static void test_hvsig_found_other_hypervisor_named(void **state)
{
    (void)state;
    char found[HVSIG_LEN];
    hypervisor_bit();
    /* "TCGTCGTCGTCG", QEMU's tcg signature. */
    mock_set_cpuid(HVSIG_FIRST, 0, 0x40000001, 0x54474354, 0x43544743,
                   0x47435447);
    assert_int_equal(hvsig_find(KVM_SIG), 0);
    hvsig_found(found);
    assert_string_equal(found, "TCGTCGTCGTCG");
}

static void test_hvsig_found_empty_signature_unnamed(void **state)
{
    (void)state;
    char found[HVSIG_LEN];
    hypervisor_bit();
    hvsig_found(found);
    assert_string_equal(found, "an unnamed hypervisor");
}

static void test_hvsig_name_stops_at_nul_masks_unprintable(void **state)
{
    (void)state;
    char name[HVSIG_LEN];
    mock_set_cpuid(HVSIG_FIRST, 0, 0, KVM_SIG);
    hvsig_name(HVSIG_FIRST, name);
    assert_string_equal(name, "KVMKVMKVM");
    /* "A\x01" then "B\n..": control bytes become '?'. */
    mock_set_cpuid(0x40000200, 0, 0, 0x42420141, 0x0a434343, 0);
    hvsig_name(0x40000200, name);
    assert_string_equal(name, "A?BBCCC?");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        T(test_hvsig_find_no_hypervisor_bit_zero),
        T(test_hvsig_find_at_first_leaf),
        T(test_hvsig_find_behind_xen_leaves_found),
        T(test_hvsig_find_last_leaf_scanned_beyond_not),
        T(test_hvsig_found_other_hypervisor_named),
        T(test_hvsig_found_empty_signature_unnamed),
        T(test_hvsig_name_stops_at_nul_masks_unprintable),
    };
#undef T
    return cmocka_run_group_tests_name("common_hvsig", tests, NULL, NULL);
}
