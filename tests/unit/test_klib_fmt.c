/* SPDX-License-Identifier: MIT */
/*
 * test_klib_fmt.c: the guest kernel's formatter (guest-kernel/lib/fmt.c)
 * against the host libc's snprintf for the conversions both support, and
 * against fixed strings for truncation and %p.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "klib.h"

/* Format with both implementations and compare text and return value. */
#define SAME(fmt, ...) do { \
        char k_[128], c_[128]; \
        int kn_ = klib_snprintf(k_, sizeof(k_), fmt, __VA_ARGS__); \
        int cn_ = snprintf(c_, sizeof(c_), fmt, __VA_ARGS__); \
        assert_string_equal(k_, c_); \
        assert_int_equal(kn_, cn_); \
    } while (0)

static void test_fmt_signed_limits_match_libc(void **state)
{
    (void)state;
    SAME("%d|%d|%d|%i", 0, -1, INT_MAX, INT_MIN);
    SAME("%ld|%ld", LONG_MAX, LONG_MIN);
    SAME("%lld|%lld", LLONG_MAX, LLONG_MIN);
    SAME("%hd|%hhd", -32768, -128);
}

static void test_fmt_unsigned_and_hex_match_libc(void **state)
{
    (void)state;
    SAME("%u|%u", 0u, UINT_MAX);
    SAME("%x|%X|%lx", 0xdeadbeefu, 0xabcdefu, 0x123456789abcdef0ul);
    SAME("%llu|%llx", ULLONG_MAX, ULLONG_MAX);
    SAME("%zu|%zx", (size_t)SIZE_MAX, (size_t)4096);
    SAME("%hu|%hhx", 65535, 0x1ff);
}

static void test_fmt_width_and_flags_match_libc(void **state)
{
    (void)state;
    SAME("[%5d][%-5d][%05d]", 42, 42, 42);
    SAME("[%05d][%5d][%-6d]", -42, -42, -42);
    SAME("[%08lx][%2x][%016llx]", 0xbeeful, 0x12345u, 0x1ull);
    SAME("[%10s][%-10s][%2s]", "vmi", "vmi", "native");
    SAME("[%c][%3c][%-3c]", 'a', 'b', 'c');
    SAME("%s %% %s", "100", "done");
}

static void test_fmt_pointer_is_0x_hex(void **state)
{
    char buf[64];

    (void)state;
    klib_snprintf(buf, sizeof(buf), "%p", (void *)(uintptr_t)0xfee00000u);
    assert_string_equal(buf, "0xfee00000");
    klib_snprintf(buf, sizeof(buf), "%p", (void *)0);
    assert_string_equal(buf, "0x0");
}

static void test_fmt_truncation_returns_full_length(void **state)
{
    char buf[8];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(klib_snprintf(buf, sizeof(buf), "hello, %s", "world"), 12);
    assert_string_equal(buf, "hello, ");
    assert_int_equal(klib_snprintf(buf, 1, "%d", 12345), 5);
    assert_string_equal(buf, "");
    buf[0] = 'q';
    assert_int_equal(klib_snprintf(buf, 0, "%d", 7), 1);
    assert_int_equal(buf[0], 'q');
}

/* No format attribute here, so an unknown conversion can be tested. */
static int unchecked(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = klib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_fmt_null_string_and_unknown_conversion(void **state)
{
    char buf[32];

    (void)state;
    unchecked(buf, sizeof(buf), "%s", (const char *)NULL);
    assert_string_equal(buf, "(null)");
    /* Unknown conversions are echoed literally (kernel-only behaviour). */
    unchecked(buf, sizeof(buf), "a%qb");
    assert_string_equal(buf, "a%qb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_signed_limits_match_libc),
        cmocka_unit_test(test_fmt_unsigned_and_hex_match_libc),
        cmocka_unit_test(test_fmt_width_and_flags_match_libc),
        cmocka_unit_test(test_fmt_pointer_is_0x_hex),
        cmocka_unit_test(test_fmt_truncation_returns_full_length),
        cmocka_unit_test(test_fmt_null_string_and_unknown_conversion),
    };
    return cmocka_run_group_tests_name("klib_fmt", tests, NULL, NULL);
}
