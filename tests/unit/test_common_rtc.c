/* SPDX-License-Identifier: MIT */
/* test_common_rtc.c: CMOS RTC decoding and Unix time conversion
 * (backends/common/rtc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mock.h"
#include "rtc.h"
#include "vmi.h"

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

static uint64_t unix_of(unsigned y, unsigned mo, unsigned d, unsigned h,
                        unsigned mi, unsigned s)
{
    struct rtc_time t = { y, mo, d, h, mi, s };
    return rtc_to_unix(&t);
}

/* Expected values from Python's calendar.timegm. */
static void test_rtc_to_unix_known_dates_match(void **state)
{
    (void)state;
    assert_int_equal(unix_of(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(unix_of(1999, 12, 31, 23, 59, 59), 946684799ull);
    assert_int_equal(unix_of(2000, 3, 1, 0, 0, 0), 951868800ull);
    assert_int_equal(unix_of(2024, 2, 29, 12, 34, 56), 1709210096ull);
    assert_int_equal(unix_of(2038, 1, 19, 3, 14, 8), 2147483648ull);
    assert_int_equal(unix_of(2069, 12, 31, 23, 59, 59), 3155759999ull);
}

static void test_rtc_to_unix_bad_month_returns_zero(void **state)
{
    (void)state;
    assert_int_equal(unix_of(2024, 13, 1, 0, 0, 0), 0);
}

static void test_rtc_decode_bcd_24h_ok(void **state)
{
    (void)state;
    const uint8_t regs[6] = { 0x56, 0x34, 0x12, 0x29, 0x02, 0x24 };
    struct rtc_time t;
    assert_true(rtc_decode(regs, false, true, &t));
    assert_int_equal(rtc_to_unix(&t), 1709210096ull);
}

static void test_rtc_decode_binary_12h_pm_adds_12(void **state)
{
    (void)state;
    const uint8_t pm1[6] = { 0, 0, 0x80 | 1, 1, 1, 99 };
    const uint8_t am12[6] = { 0, 0, 12, 1, 1, 0 };
    const uint8_t pm12[6] = { 0, 0, 0x80 | 12, 1, 1, 0 };
    struct rtc_time t;
    assert_true(rtc_decode(pm1, true, false, &t));
    assert_int_equal(t.hour, 13);
    assert_int_equal(t.year, 1999);
    assert_true(rtc_decode(am12, true, false, &t));
    assert_int_equal(t.hour, 0);
    assert_int_equal(t.year, 2000);
    assert_true(rtc_decode(pm12, true, false, &t));
    assert_int_equal(t.hour, 12);
}

static void test_rtc_decode_absent_rtc_fails(void **state)
{
    (void)state;
    const uint8_t regs[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct rtc_time t;
    assert_false(rtc_decode(regs, false, true, &t));
    assert_false(rtc_decode(regs, true, true, &t));
}

static void test_rtc_read_unix_from_cmos_bcd(void **state)
{
    (void)state;
    mock.cmos[0x00] = 0x56;
    mock.cmos[0x02] = 0x34;
    mock.cmos[0x04] = 0x12;
    mock.cmos[0x07] = 0x29;
    mock.cmos[0x08] = 0x02;
    mock.cmos[0x09] = 0x24;
    mock.cmos[0x0a] = 0x26;     /* UIP clear */
    mock.cmos[0x0b] = 0x02;     /* 24-hour, BCD */
    assert_int_equal(rtc_read_unix(), 1709210096ull);
    /* The wall clock at time 0 of a clock that reads 5 s now. */
    assert_int_equal(rtc_wall0_ns(5000000000ull),
                     1709210096ull * 1000000000ull - 5000000000ull);
}

static void test_rtc_read_unix_absent_returns_zero_quickly(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 128; i++)
        mock.cmos[i] = 0xff;
    assert_int_equal(rtc_read_unix(), 0);
    /* One index write and one status read: no long UIP wait. */
    assert_true(mock.nout <= 2);
    assert_int_equal(rtc_wall0_ns(5000000000ull), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rtc_to_unix_known_dates_match, setup),
        cmocka_unit_test_setup(test_rtc_to_unix_bad_month_returns_zero, setup),
        cmocka_unit_test_setup(test_rtc_decode_bcd_24h_ok, setup),
        cmocka_unit_test_setup(test_rtc_decode_binary_12h_pm_adds_12, setup),
        cmocka_unit_test_setup(test_rtc_decode_absent_rtc_fails, setup),
        cmocka_unit_test_setup(test_rtc_read_unix_from_cmos_bcd, setup),
        cmocka_unit_test_setup(test_rtc_read_unix_absent_returns_zero_quickly, setup),
    };
    return cmocka_run_group_tests_name("common_rtc", tests, NULL, NULL);
}
