/* SPDX-License-Identifier: MIT */
/*
 * test_klib_string.c: the guest kernel's mem* and str* (guest-kernel/lib/
 * string.c, built for the host with a klib_ prefix) against the host libc,
 * over every alignment and length up to a few words (XTF style).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "klib.h"

#define BUF 96
#define MAXLEN 40

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void test_memcpy_all_alignments_matches_libc(void **state)
{
    unsigned char src[BUF], a[BUF], b[BUF];

    (void)state;
    fill(src, BUF, 1);
    for (size_t so = 0; so < 8; so++)
        for (size_t d = 0; d < 8; d++)
            for (size_t n = 0; n <= MAXLEN; n++) {
                memset(a, 0xee, BUF);
                memset(b, 0xee, BUF);
                assert_ptr_equal(klib_memcpy(a + d, src + so, n), a + d);
                memcpy(b + d, src + so, n);
                assert_memory_equal(a, b, BUF);
            }
}

static void test_memmove_overlap_both_directions_matches_libc(void **state)
{
    unsigned char a[BUF], b[BUF];

    (void)state;
    for (size_t s = 0; s < 16; s++)
        for (size_t d = 0; d < 16; d++)
            for (size_t n = 0; n <= MAXLEN; n++) {
                fill(a, BUF, 2);
                fill(b, BUF, 2);
                assert_ptr_equal(klib_memmove(a + d, a + s, n), a + d);
                memmove(b + d, b + s, n);
                assert_memory_equal(a, b, BUF);
            }
}

static void test_memset_all_alignments_matches_libc(void **state)
{
    unsigned char a[BUF], b[BUF];

    (void)state;
    for (size_t d = 0; d < 8; d++)
        for (size_t n = 0; n <= MAXLEN; n++) {
            fill(a, BUF, 3);
            fill(b, BUF, 3);
            assert_ptr_equal(klib_memset(a + d, 0x1a5, n), a + d);
            memset(b + d, 0x1a5, n);
            assert_memory_equal(a, b, BUF);
        }
}

static void test_memcmp_first_difference_sign_matches_libc(void **state)
{
    unsigned char a[BUF], b[BUF];

    (void)state;
    for (size_t n = 0; n <= MAXLEN; n++)
        for (size_t pos = 0; pos < n; pos++) {
            fill(a, BUF, 4);
            fill(b, BUF, 4);
            assert_int_equal(klib_memcmp(a, b, n), 0);
            b[pos] = (unsigned char)(a[pos] + 0x80);   /* above and below */
            assert_int_equal(sign(klib_memcmp(a, b, n)), sign(memcmp(a, b, n)));
            assert_int_equal(sign(klib_memcmp(b, a, n)), sign(memcmp(b, a, n)));
        }
}

static void test_strlen_strnlen_match_libc(void **state)
{
    static const char *const s[] = { "", "a", "vmi", "0123456789abcdef0123" };

    (void)state;
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        assert_int_equal(klib_strlen(s[i]), strlen(s[i]));
        for (size_t m = 0; m < 24; m++)
            assert_int_equal(klib_strnlen(s[i], m), strnlen(s[i], m));
    }
}

static void test_strcmp_strncmp_high_bytes_match_libc(void **state)
{
    static const char *const s[] = { "", "a", "ab", "abc", "abd", "b", "\x80", "a\xff" };
    const size_t n = sizeof(s) / sizeof(s[0]);

    (void)state;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            assert_int_equal(sign(klib_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
            for (size_t k = 0; k < 4; k++)
                assert_int_equal(sign(klib_strncmp(s[i], s[j], k)),
                                 sign(strncmp(s[i], s[j], k)));
        }
}

static void test_strchr_finds_char_and_terminator(void **state)
{
    static const char s[] = "exit=3 panic";

    (void)state;
    assert_ptr_equal(klib_strchr(s, '='), strchr(s, '='));
    assert_ptr_equal(klib_strchr(s, ' '), strchr(s, ' '));
    assert_ptr_equal(klib_strchr(s, '\0'), strchr(s, '\0'));
    assert_null(klib_strchr(s, 'z'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_all_alignments_matches_libc),
        cmocka_unit_test(test_memmove_overlap_both_directions_matches_libc),
        cmocka_unit_test(test_memset_all_alignments_matches_libc),
        cmocka_unit_test(test_memcmp_first_difference_sign_matches_libc),
        cmocka_unit_test(test_strlen_strnlen_match_libc),
        cmocka_unit_test(test_strcmp_strncmp_high_bytes_match_libc),
        cmocka_unit_test(test_strchr_finds_char_and_terminator),
    };
    return cmocka_run_group_tests_name("klib_string", tests, NULL, NULL);
}
