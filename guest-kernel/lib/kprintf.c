/* SPDX-License-Identifier: MIT */
/* kprintf.c: formatted output to the vmi console (lib layer). */
#include "klib.h"
#include "kprintf.h"
#include "spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT;

static void write_formatted(const char *fmt, va_list ap)
{
    char buf[KPRINTF_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    vmi_console_write(buf, (size_t)n);
}

void kvprintf(const char *fmt, va_list ap)
{
    vmi_irqflags_t flags = spin_lock_irqsave(&console_lock);

    write_formatted(fmt, ap);
    spin_unlock_irqrestore(&console_lock, flags);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void kprintf_unlocked(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    write_formatted(fmt, ap);
    va_end(ap);
}
