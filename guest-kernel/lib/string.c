/* SPDX-License-Identifier: MIT */
/*
 * string.c: mem* and str* for the guest kernel (lib layer).  The compiler
 * emits calls to memcpy, memset, memmove and memcmp on its own, so these
 * must exist.  Built with -fno-tree-loop-distribute-patterns so that GCC
 * does not turn the loops below back into calls to themselves.
 */
#include <stdint.h>

#include "klib.h"

/* A 64-bit word that may alias any object, for the word-at-a-time loops. */
typedef uint64_t __attribute__((may_alias)) word_t;

/* Word-at-a-time when both pointers share 8-byte alignment: under kvm-pvm
 * every CPL0 instruction is interpreted, so fewer iterations matter. */
static int both_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & 7) == 0;
}

void *KLIB(memcpy)(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (both_aligned(d, s)) {
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(word_t *)(void *)d = *(const word_t *)(const void *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *KLIB(memmove)(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return KLIB(memcpy)(dst, src, n);
    /* Overlap with dst above src: copy backwards. */
    while (n--)
        d[n] = s[n];
    return dst;
}

void *KLIB(memset)(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    word_t word = (unsigned char)c * UINT64_C(0x0101010101010101);

    if (both_aligned(d, d)) {
        /* Unrolled: zeroing a page-table page is 512 words, and the loop
         * overhead would otherwise be three of every four instructions. */
        for (; n >= 64; n -= 64, d += 64) {
            word_t *w = (word_t *)(void *)d;

            w[0] = word, w[1] = word, w[2] = word, w[3] = word;
            w[4] = word, w[5] = word, w[6] = word, w[7] = word;
        }
        for (; n >= 8; n -= 8, d += 8)
            *(word_t *)(void *)d = word;
    }
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int KLIB(memcmp)(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t KLIB(strlen)(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t KLIB(strnlen)(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int KLIB(strcmp)(const char *a, const char *b)
{
    return KLIB(strncmp)(a, b, SIZE_MAX);
}

int KLIB(strncmp)(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    return 0;
}

char *KLIB(strchr)(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (!*s)
            return NULL;
    }
}
