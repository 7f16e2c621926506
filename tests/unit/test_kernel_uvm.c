/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_uvm.c: the microkernel's user-address bookkeeping
 * (guest-kernel/mk/uvm.c, pure, built for the host): the range and
 * mapping checks every system call makes on a user pointer, and the mmap
 * window allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aspace.h"

#define PAGE 4096ull

static void test_uvm_range_inside_window_ok(void **state)
{
    (void)state;
    assert_true(uvm_range_ok(UABI_BASE, 0));
    assert_true(uvm_range_ok(UABI_BASE, UABI_SIZE));
    assert_true(uvm_range_ok(UABI_BASE + UABI_SIZE - 1, 1));
}

static void test_uvm_range_kernel_or_overflow_rejected(void **state)
{
    (void)state;
    assert_false(uvm_range_ok(0x100000, 16));                 /* kernel */
    assert_false(uvm_range_ok(UABI_BASE - 1, 2));              /* straddles */
    assert_false(uvm_range_ok(UABI_BASE + UABI_SIZE - 1, 2));  /* past end */
    assert_false(uvm_range_ok(UABI_BASE + 8, UINT64_MAX));     /* huge */
    assert_false(uvm_range_ok(UINT64_MAX - 4, 8));             /* wraps */
    assert_false(uvm_range_ok(0x8000000000000000ull, 8));      /* non-canonical */
}

static void test_uvm_check_user_needs_every_page_mapped(void **state)
{
    static vmi_pte_t pt[UVM_PAGES];
    uint64_t va = UABI_BASE + 2 * PAGE;

    (void)state;
    pt[2] = 0x1000 | PTE_P | PTE_U | PTE_W;
    pt[3] = 0x2000 | PTE_P | PTE_U;
    assert_true(uvm_check_user(pt, va, 2 * PAGE, 0));
    assert_false(uvm_check_user(pt, va, 2 * PAGE, 1));      /* page 3 is read-only */
    assert_true(uvm_check_user(pt, va + 100, 8, 1));
    assert_false(uvm_check_user(pt, va + 2 * PAGE - 4, 8, 0)); /* into page 4 */
    pt[4] = 0x3000 | PTE_P;                                  /* supervisor only */
    assert_false(uvm_check_user(pt, va + 2 * PAGE, 1, 0));
    assert_true(uvm_check_user(pt, va + 5 * PAGE, 0, 0));
}

static void test_uvm_mmap_first_fit_and_free(void **state)
{
    uint64_t used[UVM_MMAP_WORDS] = { 0 };

    (void)state;
    assert_int_equal(uvm_mmap_find(used, 3), 0);
    uvm_mmap_mark(used, 0, 3, 1);
    assert_int_equal(uvm_mmap_find(used, 1), 3);
    uvm_mmap_mark(used, 1, 1, 0);
    assert_int_equal(uvm_mmap_find(used, 1), 1);
    assert_int_equal(uvm_mmap_find(used, 2), 3);
}

static void test_uvm_mmap_full_or_bad_size_returns_minus1(void **state)
{
    uint64_t used[UVM_MMAP_WORDS] = { 0 };

    (void)state;
    assert_int_equal(uvm_mmap_find(used, 0), -1);
    assert_int_equal(uvm_mmap_find(used, UABI_MMAP_PAGES + 1), -1);
    assert_int_equal(uvm_mmap_find(used, UABI_MMAP_PAGES), 0);
    uvm_mmap_mark(used, 0, UABI_MMAP_PAGES, 1);
    assert_int_equal(uvm_mmap_find(used, 1), -1);
    /* A run that would span the bitmap word boundary. */
    uvm_mmap_mark(used, 62, 4, 0);
    assert_int_equal(uvm_mmap_find(used, 4), 62);
}

static void test_uvm_mmap_va_and_slot_round_trip(void **state)
{
    (void)state;
    assert_int_equal(uvm_mmap_slot(uvm_mmap_va(5)), 5);
    assert_int_equal(uvm_mmap_slot(UABI_MMAP_BASE - PAGE), -1);
    assert_int_equal(uvm_mmap_slot(UABI_MMAP_BASE + UABI_MMAP_PAGES * PAGE), -1);
    assert_int_equal(uvm_index(UABI_MMAP_BASE), (UABI_MMAP_BASE - UABI_BASE) / PAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uvm_range_inside_window_ok),
        cmocka_unit_test(test_uvm_range_kernel_or_overflow_rejected),
        cmocka_unit_test(test_uvm_check_user_needs_every_page_mapped),
        cmocka_unit_test(test_uvm_mmap_first_fit_and_free),
        cmocka_unit_test(test_uvm_mmap_full_or_bad_size_returns_minus1),
        cmocka_unit_test(test_uvm_mmap_va_and_slot_round_trip),
    };

    return cmocka_run_group_tests_name("kernel_uvm", tests, NULL, NULL);
}
