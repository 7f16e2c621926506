/* SPDX-License-Identifier: MIT */
/*
 * klib.h: the guest kernel's freestanding library (mem*, str*, the printf
 * formatter).  Pure code with no vmi calls, so the host unit tests build the
 * same sources: with KLIB_HOST_TEST defined every name gets a klib_ prefix
 * and the tests compare it against the host libc (the XTF approach).
 */
#ifndef KLIB_H
#define KLIB_H

#include <stdarg.h>
#include <stddef.h>

#ifdef KLIB_HOST_TEST
#define KLIB(name) klib_##name
#else
#define KLIB(name) name
#endif

void *KLIB(memcpy)(void *dst, const void *src, size_t n);
void *KLIB(memmove)(void *dst, const void *src, size_t n);
void *KLIB(memset)(void *dst, int c, size_t n);
int KLIB(memcmp)(const void *a, const void *b, size_t n);
size_t KLIB(strlen)(const char *s);
size_t KLIB(strnlen)(const char *s, size_t max);
int KLIB(strcmp)(const char *a, const char *b);
int KLIB(strncmp)(const char *a, const char *b, size_t n);
char *KLIB(strchr)(const char *s, int c);

/*
 * Format (fmt) with (ap) into (buf) of (size) bytes, always NUL-terminated
 * when size > 0.  Returns the length the whole output would have, as C99
 * vsnprintf does.  Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and
 * '0', a decimal width, and the length modifiers h, hh, l, ll and z.
 */
int KLIB(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap);
int KLIB(snprintf)(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
