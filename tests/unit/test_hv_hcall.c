/* SPDX-License-Identifier: MIT */
/*
 * test_hv_hcall.c: the hyperv backend's hypercall layer on the host: the
 * input value encoding [T: hypercall-interface], the rep-call
 * continuation loop, fast-call registers and the HV_STATUS translation.
 * The hypercall page is the mock of tests/unit/mock/hv_insn.h; the
 * guest's own asm runs in hv_guest_insn.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv_guest_insn.h"
#include "hv_mock.h"
#include "hyperv.h"
#include "mock.h"

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

#define MAX_CALLS 16
struct call { uint64_t control, in, out; };
static struct call calls[MAX_CALLS];
static unsigned ncalls;
static unsigned per_call;       /* reps the fake hypervisor does per call */
static unsigned fail_at;        /* call number that fails (1-based), or 0 */
static unsigned backwards_at;   /* call number that reports fewer reps */

static uint64_t fake_hv(uint64_t control, uint64_t in, uint64_t out)
{
    unsigned reps = (unsigned)(control >> 32 & 0xfff);
    unsigned start = (unsigned)(control >> 48 & 0xfff);
    unsigned done;

    if (ncalls < MAX_CALLS)
        calls[ncalls] = (struct call){ control, in, out };
    ncalls++;
    if (ncalls == fail_at)
        return HV_STATUS_INVALID_PARAMETER | (uint64_t)start << 32;
    done = start + per_call < reps ? start + per_call : reps;
    if (ncalls == backwards_at)
        done = start - 1;
    return HV_STATUS_SUCCESS | (uint64_t)done << 32;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    memset(calls, 0, sizeof(calls));
    ncalls = 0;
    per_call = 0xfff;
    fail_at = backwards_at = 0;
    hv_mock_reset(fake_hv);
    return 0;
}

static void test_hv_control_simple_call_code_only(void **state)
{
    (void)state;
    assert_int_equal(hv_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, false,
                                0, 0), 0x0002);
}

static void test_hv_control_fast_bit_is_bit_16(void **state)
{
    (void)state;
    assert_int_equal(hv_control(HVCALL_SEND_IPI, true, 0, 0), 0x1000b);
}

static void test_hv_control_rep_fields_at_32_and_48(void **state)
{
    (void)state;
    /* rep count 43:32, rep start 59:48, nothing in the reserved bits. */
    uint64_t c = hv_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, false, 5, 2);
    assert_int_equal(c, 0x0003ull | 5ull << 32 | 2ull << 48);
    assert_int_equal(c & HV_HC_RSVD_MASK, 0);
}

static void test_hv_control_rep_fields_masked_to_12_bits(void **state)
{
    (void)state;
    uint64_t c = hv_control(3, false, 0x1fff, 0x1fff);
    assert_int_equal(c, 3ull | 0xfffull << 32 | 0xfffull << 48);
    assert_int_equal(c & HV_HC_RSVD_MASK, 0);
}

static void test_hv_result_fields_status_and_reps(void **state)
{
    (void)state;
    uint64_t r = 0x0004ull | 17ull << 32 | 0xfull << 44;
    assert_int_equal(hv_result_status(r), HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(hv_result_reps(r), 17);
}

static void test_hv_hcall_fast_registers(void **state)
{
    (void)state;
    hv_hcall_fast(HVCALL_SEND_IPI, 0xf1, 0x6);
    assert_int_equal(ncalls, 1);
    assert_int_equal(calls[0].control, 0x1000b);
    assert_int_equal(calls[0].in, 0xf1);
    assert_int_equal(calls[0].out, 0x6);
}

static void test_hv_hcall_rep_all_at_once_one_call(void **state)
{
    (void)state;
    uint64_t r = hv_hcall_rep(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 7, 0x5000, 0);
    assert_int_equal(ncalls, 1);
    assert_int_equal(hv_result_status(r), HV_STATUS_SUCCESS);
    assert_int_equal(hv_result_reps(r), 7);
    assert_int_equal(calls[0].in, 0x5000);
}

static void test_hv_hcall_rep_partial_resumed_from_reps_done(void **state)
{
    (void)state;
    per_call = 3;
    uint64_t r = hv_hcall_rep(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 8, 0x5000, 0);
    assert_int_equal(ncalls, 3);
    assert_int_equal(calls[0].control >> 48, 0);
    assert_int_equal(calls[1].control >> 48, 3);
    assert_int_equal(calls[2].control >> 48, 6);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(calls[i].control >> 32 & 0xfff, 8);
    assert_int_equal(hv_result_reps(r), 8);
    assert_int_equal(hv_status(r), VMI_OK);
}

static void test_hv_hcall_rep_error_stops_loop(void **state)
{
    (void)state;
    per_call = 2;
    fail_at = 2;
    uint64_t r = hv_hcall_rep(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 8, 0x5000, 0);
    assert_int_equal(ncalls, 2);
    assert_int_equal(hv_result_status(r), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(hv_status(r), VMI_EINVAL);
}

static void test_hv_hcall_rep_backwards_is_error_not_loop(void **state)
{
    (void)state;
    per_call = 2;
    backwards_at = 2;
    uint64_t r = hv_hcall_rep(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 8, 0x5000, 0);
    assert_int_equal(ncalls, 2);
    assert_int_equal(hv_result_status(r), HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void test_hv_status_table(void **state)
{
    (void)state;
    static const struct { unsigned hv; vmi_status_t vmi; } rows[] = {
        { HV_STATUS_SUCCESS, VMI_OK },
        { HV_STATUS_INVALID_HYPERCALL_CODE, VMI_ENOSYS },
        { HV_STATUS_ACCESS_DENIED, VMI_ENOSYS },
        { HV_STATUS_OPERATION_DENIED, VMI_ENOSYS },
        { HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED, VMI_ENOSYS },
        { HV_STATUS_INVALID_HYPERCALL_INPUT, VMI_EINVAL },
        { HV_STATUS_INVALID_ALIGNMENT, VMI_EINVAL },
        { HV_STATUS_INVALID_PARAMETER, VMI_EINVAL },
        { HV_STATUS_INVALID_VP_INDEX, VMI_EINVAL },
        { HV_STATUS_INVALID_CONNECTION_ID, VMI_EINVAL },
        { HV_STATUS_INVALID_SYNIC_STATE, VMI_EINVAL },
        { HV_STATUS_INSUFFICIENT_MEMORY, VMI_EAGAIN },
        { HV_STATUS_INSUFFICIENT_BUFFERS, VMI_EAGAIN },
        { HV_STATUS_TIME_OUT, VMI_EAGAIN },
        { HV_STATUS_CALL_PENDING, VMI_EAGAIN },
        { HV_STATUS_NOT_FOUND, VMI_ENODEV },
        { HV_STATUS_OPERATION_FAILED, VMI_EINVAL },
        { 0x7777, VMI_EINVAL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(hv_status(rows[i].hv | 3ull << 32), rows[i].vmi);
}

/* The guest's asm (hv_guest_insn.c) puts the input value in RCX and the
 * two GPAs in RDX and R8, returns RAX, and keeps nothing of its caller's
 * in R9-R11, which the page may overwrite (the x64 convention; Linux's
 * hv_do_hypercall lists R8-R11 as clobbered). */
static void test_hv_hcall_insn_registers_and_clobbers(void **state)
{
    (void)state;
    int kept = 0;
    memset(&hv_guest_regs, 0, sizeof(hv_guest_regs));
    hv_guest_regs.ret = 0x2a0000ull;
    uint64_t r = hv_guest_hcall(0x10008, 0x1111, 0x2222, &kept);
    assert_int_equal(hv_guest_regs.rcx, 0x10008);
    assert_int_equal(hv_guest_regs.rdx, 0x1111);
    assert_int_equal(hv_guest_regs.r8, 0x2222);
    assert_int_equal(r, 0x2a0000ull);
    assert_true(kept);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_hv_control_simple_call_code_only),
        T(test_hv_control_fast_bit_is_bit_16),
        T(test_hv_control_rep_fields_at_32_and_48),
        T(test_hv_control_rep_fields_masked_to_12_bits),
        T(test_hv_result_fields_status_and_reps),
        T(test_hv_hcall_fast_registers),
        T(test_hv_hcall_rep_all_at_once_one_call),
        T(test_hv_hcall_rep_partial_resumed_from_reps_done),
        T(test_hv_hcall_rep_error_stops_loop),
        T(test_hv_hcall_rep_backwards_is_error_not_loop),
        T(test_hv_status_table),
        T(test_hv_hcall_insn_registers_and_clobbers),
    };
    return cmocka_run_group_tests_name("hv_hcall", tests, NULL, NULL);
}
