/* SPDX-License-Identifier: MIT */
/* panic.c: vmi_panic, vmi_bug and the tiny formatter (backends/common). */
#include "common.h"
#include "power.h"
#include "vmi.h"

size_t vmi_strlen(const char *s)
{
    size_t n = 0;
    while (s && s[n])
        n++;
    return n;
}

size_t vmi_fmt_u64(char *buf, uint64_t v, unsigned base)
{
    char tmp[20];
    size_t n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v && n < sizeof(tmp));
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

void vmi_append(char *buf, size_t size, size_t *n, const char *s)
{
    while (*s && *n + 1 < size)
        buf[(*n)++] = *s++;
    buf[*n] = 0;
}

void vmi_append_version(char *buf, size_t size, size_t *n, uint32_t version)
{
    char num[21];
    vmi_fmt_u64(num, version >> 16, 10);
    vmi_append(buf, size, n, num);
    vmi_append(buf, size, n, ".");
    vmi_fmt_u64(num, version & 0xffff, 10);
    vmi_append(buf, size, n, num);
}

/* Also on the debug console: it is all a native kernel has on a Xen PVH
 * domU (no UART), and it lands in Xen's log for the others. */
static void puts_con(const char *s)
{
    vmi_ops.console_write(s, vmi_strlen(s));
    power_debugcon(s);
}

/* Panics and BUG_ONs exit with VMI_EXIT_PANIC (vmi/abi.h) through the
 * backend's own shutdown, so every environment reports the same code. */
void vmi_panic(const char *msg)
{
    puts_con("vmi: panic: ");
    puts_con(msg);
    puts_con("\n");
    vmi_ops.shutdown(VMI_EXIT_PANIC);
    __builtin_unreachable();
}

void vmi_bug(const char *file, unsigned line, const char *cond)
{
    char num[21];
    vmi_fmt_u64(num, line, 10);
    puts_con("vmi: BUG at ");
    puts_con(file);
    puts_con(":");
    puts_con(num);
    puts_con(": ");
    puts_con(cond);
    puts_con("\n");
    vmi_ops.shutdown(VMI_EXIT_PANIC);
    __builtin_unreachable();
}
