/* SPDX-License-Identifier: MIT */
/*
 * test_common_pvclock.c: the pvclock math shared by kvmclock and Xen
 * (backends/common/pvclock.[ch]): TSC -> ns scaling with both shift signs
 * and 128-bit products, the TSC rate, the version protocol (odd and
 * changed versions re-read), the monotonic clamp and the wall clock.
 * Expected values are worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pvclock.h"

/* Measured on kvm-pvm (docs/hosts.md [host:kvm-pvm:kvmclock]):
 * mul = 3512645042, shift = -1. */
#define HOST_MUL 3512645042u

static void test_pvclock_scale_shift_zero_half_rate(void **state)
{
    (void)state;
    /* 1000 * 2^31 / 2^32 = 500. */
    assert_int_equal(pvclock_scale_delta(1000, 1u << 31, 0), 500);
}

static void test_pvclock_scale_positive_shift_shifts_left_first(void **state)
{
    (void)state;
    /* (1000 << 2) * 2^31 / 2^32 = 4000 / 2 = 2000. */
    assert_int_equal(pvclock_scale_delta(1000, 1u << 31, 2), 2000);
}

static void test_pvclock_scale_negative_shift_shifts_right_first(void **state)
{
    (void)state;
    /* (10^9 >> 1) * 3512645042 / 2^32 = 1756322521 * 10^9 / 4294967296
     * = 408925703.6..., truncated. */
    assert_int_equal(pvclock_scale_delta(1000000000, HOST_MUL, -1), 408925703);
    /* Shifting right drops the low bit: 3 >> 1 = 1, 1 * 2^31 >> 32 = 0. */
    assert_int_equal(pvclock_scale_delta(3, 1u << 31, -1), 0);
}

static void test_pvclock_scale_large_delta_no_overflow(void **state)
{
    (void)state;
    /* 2^62 * (2^32 - 1) needs 94 bits; >> 32 gives 2^62 - 2^30. */
    assert_int_equal(pvclock_scale_delta(1ull << 62, 0xffffffffu, 0),
                     (1ull << 62) - (1ull << 30));
    /* (2^40 << 3) * 4e9 = 2^43 * 4e9 ~ 3.5e22 > 2^64; >> 32 = 2^11 * 4e9. */
    assert_int_equal(pvclock_scale_delta(1ull << 40, 4000000000u, 3),
                     2048ull * 4000000000ull);
}

static void test_pvclock_tsc_khz_host_values_match_get_tsc_khz(void **state)
{
    (void)state;
    /* (10^6 << 32) / 3512645042 = 1222716, << 1 = 2445432 kHz, what
     * KVM_GET_TSC_KHZ said there (docs/hosts.md [host:kvm-pvm:kvmclock]). */
    assert_int_equal(pvclock_tsc_khz(HOST_MUL, -1), 2445432);
}

static void test_pvclock_tsc_khz_positive_shift_one_ghz(void **state)
{
    (void)state;
    /* 1 GHz: 1 ns per tick = (t << 1) * 2^31 >> 32.  (10^6 << 32) / 2^31
     * = 2 * 10^6, >> 1 = 10^6 kHz. */
    assert_int_equal(pvclock_tsc_khz(1u << 31, 1), 1000000);
}

static void test_pvclock_tsc_khz_unfilled_is_zero(void **state)
{
    (void)state;
    assert_int_equal(pvclock_tsc_khz(0, 0), 0);
}

/* The clock under test and a TSC that can change it mid-read. */
static struct pvclock_vcpu_time_info ti;
static unsigned tsc_calls;
static uint64_t tsc_value;
static void (*tsc_hook)(void);     /* run inside TSC read number hook_at */
static unsigned hook_at;

static uint64_t mock_tsc(void)
{
    if (tsc_calls++ == hook_at && tsc_hook)
        tsc_hook();
    return tsc_value;
}

/* 1 ns per tick from (ts, sys). */
static void clock_set(uint32_t version, uint64_t ts, uint64_t sys)
{
    ti = (struct pvclock_vcpu_time_info){
        .version = version, .tsc_timestamp = ts, .system_time = sys,
        .tsc_to_system_mul = 1u << 31, .tsc_shift = 1,
        .flags = PVCLOCK_TSC_STABLE_BIT,
    };
    tsc_calls = 0;
    tsc_hook = NULL;
    hook_at = 0;
}

static void test_pvclock_read_scales_from_snapshot(void **state)
{
    (void)state;
    uint8_t flags = 0;
    clock_set(2, 1000, 5000);
    tsc_value = 1500;
    assert_int_equal(pvclock_read(&ti, mock_tsc, &flags), 5500);
    assert_int_equal(flags, PVCLOCK_TSC_STABLE_BIT);
    assert_int_equal(tsc_calls, 1);
}

/* What the host does between two guest reads: a complete update. */
static void host_update(void)
{
    ti.version += 2;
    ti.tsc_timestamp = 1400;
    ti.system_time = 9000;
    ti.flags = 0;
}

static void test_pvclock_read_version_changed_mid_read_retried(void **state)
{
    (void)state;
    uint8_t flags = 0xff;
    clock_set(2, 1000, 5000);
    tsc_value = 1500;
    tsc_hook = host_update;
    /* The first pass mixes the old snapshot with a new version: it must
     * be thrown away; the second gives 9000 + 100. */
    assert_int_equal(pvclock_read(&ti, mock_tsc, &flags), 9100);
    assert_int_equal(tsc_calls, 2);
    assert_int_equal(flags, 0);
}

/* The host finishes an update that was in progress (odd version). */
static void host_finish(void)
{
    ti.version++;
    ti.system_time = 7000;
}

static void test_pvclock_read_odd_version_retried(void **state)
{
    (void)state;
    uint8_t flags;
    clock_set(3, 1000, 5000);
    tsc_value = 1000;
    tsc_hook = host_finish;
    hook_at = 1;
    /* Pass 1 sees version 3 before and after: only its oddness rejects
     * it.  Pass 2 sees 3, then 4 (the update finished).  Pass 3 is
     * consistent: 7000. */
    assert_int_equal(pvclock_read(&ti, mock_tsc, &flags), 7000);
    assert_int_equal(tsc_calls, 3);
}

static void test_pvclock_seq_retry_odd_or_changed(void **state)
{
    (void)state;
    uint32_t v = 4;
    assert_false(pvclock_seq_retry(&v, pvclock_seq_begin(&v)));
    assert_true(pvclock_seq_retry(&v, 2));      /* changed */
    v = 3;
    assert_true(pvclock_seq_retry(&v, pvclock_seq_begin(&v)));  /* odd */
}

static void test_pvclock_clamp_never_goes_back(void **state)
{
    (void)state;
    uint64_t last = 100;
    assert_int_equal(pvclock_clamp(&last, 50), 100);
    assert_int_equal(last, 100);
    assert_int_equal(pvclock_clamp(&last, 150), 150);
    assert_int_equal(last, 150);
    assert_int_equal(pvclock_clamp(&last, 150), 150);
}

static void test_pvclock_wall_ns_sec_and_nsec(void **state)
{
    (void)state;
    struct pvclock_wall_clock wc = { 2, 1700000000u, 123456789u };
    assert_int_equal(pvclock_wall_ns(&wc), 1700000000123456789ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvclock_scale_shift_zero_half_rate),
        cmocka_unit_test(test_pvclock_scale_positive_shift_shifts_left_first),
        cmocka_unit_test(test_pvclock_scale_negative_shift_shifts_right_first),
        cmocka_unit_test(test_pvclock_scale_large_delta_no_overflow),
        cmocka_unit_test(test_pvclock_tsc_khz_host_values_match_get_tsc_khz),
        cmocka_unit_test(test_pvclock_tsc_khz_positive_shift_one_ghz),
        cmocka_unit_test(test_pvclock_tsc_khz_unfilled_is_zero),
        cmocka_unit_test(test_pvclock_read_scales_from_snapshot),
        cmocka_unit_test(test_pvclock_read_version_changed_mid_read_retried),
        cmocka_unit_test(test_pvclock_read_odd_version_retried),
        cmocka_unit_test(test_pvclock_seq_retry_odd_or_changed),
        cmocka_unit_test(test_pvclock_clamp_never_goes_back),
        cmocka_unit_test(test_pvclock_wall_ns_sec_and_nsec),
    };
    return cmocka_run_group_tests_name("common_pvclock", tests, NULL, NULL);
}
