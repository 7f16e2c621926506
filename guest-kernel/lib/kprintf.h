/* SPDX-License-Identifier: MIT */
/* kprintf.h: formatted output to the vmi console (lib layer). */
#ifndef KLIB_KPRINTF_H
#define KLIB_KPRINTF_H

#include <stdarg.h>

/* Format and write one message in a single vmi_console_write, under the
 * console lock, so that lines from different CPUs do not interleave.
 * Output longer than KPRINTF_MAX bytes is truncated. */
#define KPRINTF_MAX 256
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* The same without the lock, for the trap and panic paths, which must not
 * wait for a lock the interrupted code may hold. */
void kprintf_unlocked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
