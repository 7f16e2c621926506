/* SPDX-License-Identifier: MIT */
/*
 * fmt.c: the printf-style formatter of the guest kernel (lib layer).  A
 * subset of C99 vsnprintf, enough for kernel messages; no floating point.
 */
#include <stdint.h>

#include "klib.h"

/* One conversion specification after the '%'. */
struct spec {
    int left;           /* '-' flag: pad on the right */
    int zero;           /* '0' flag: pad numbers with zeros */
    unsigned width;
    int size;           /* -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t */
};

/* The output cursor; counts what would be written past the end too. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, unsigned n)
{
    while (n--)
        put(o, c);
}

/* Emit (s) of (len) chars with (prefix) ("-", "0x" or ""), padded to the
 * width of (sp).  Zero padding goes between the prefix and the digits. */
static void emit(struct out *o, const struct spec *sp, const char *prefix,
                 const char *s, size_t len)
{
    size_t plen = KLIB(strlen)(prefix);
    unsigned fill = sp->width > len + plen ? sp->width - (unsigned)(len + plen) : 0;

    if (!sp->left && !sp->zero)
        pad(o, ' ', fill);
    while (*prefix)
        put(o, *prefix++);
    if (!sp->left && sp->zero)
        pad(o, '0', fill);
    while (len--)
        put(o, *s++);
    if (sp->left)
        pad(o, ' ', fill);
}

/* Digits of (v) in (base) into the end of (tmp); returns the first one. */
static char *digits(char *end, uint64_t v, unsigned base, int upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        *--p = set[v % base];
        v /= base;
    } while (v);
    return p;
}

static void emit_num(struct out *o, const struct spec *sp, uint64_t v,
                     unsigned base, int upper, const char *prefix)
{
    char tmp[24];
    char *p = digits(tmp + sizeof(tmp), v, base, upper);

    emit(o, sp, prefix, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (signed char)va_arg(*ap, int);
    case -1: return (short)va_arg(*ap, int);
    case 0: return va_arg(*ap, int);
    case 1: return va_arg(*ap, long);
    default: return va_arg(*ap, long long);
    }
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->size) {
    case -2: return (unsigned char)va_arg(*ap, unsigned);
    case -1: return (unsigned short)va_arg(*ap, unsigned);
    case 0: return va_arg(*ap, unsigned);
    case 1: return va_arg(*ap, unsigned long);
    default: return va_arg(*ap, unsigned long long);
    }
}

/* Parse flags, width and length of the spec at (*fmt); advance past them. */
static void parse_spec(const char **fmt, struct spec *sp)
{
    const char *f = *fmt;

    *sp = (struct spec){ 0 };
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else
            break;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (unsigned)(*f - '0');
    for (; *f == 'h'; f++)
        sp->size--;
    for (; *f == 'l'; f++)
        sp->size++;
    if (*f == 'z') {
        sp->size = 2;
        f++;
    }
    *fmt = f;
}

static void convert(struct out *o, const struct spec *sp, char c, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(sp, ap);
        uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
        emit_num(o, sp, mag, 10, 0, v < 0 ? "-" : "");
        break;
    }
    case 'u': emit_num(o, sp, arg_unsigned(sp, ap), 10, 0, ""); break;
    case 'x': emit_num(o, sp, arg_unsigned(sp, ap), 16, 0, ""); break;
    case 'X': emit_num(o, sp, arg_unsigned(sp, ap), 16, 1, ""); break;
    case 'p':
        emit_num(o, sp, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
        break;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        emit(o, sp, "", &ch, 1);
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        emit(o, sp, "", s, KLIB(strlen)(s));
        break;
    }
    default:
        /* Unknown conversions are echoed, so a typo shows in the output. */
        put(o, '%');
        put(o, c);
    }
}

int KLIB(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '%') {
            put(&o, *fmt++);
            continue;
        }
        parse_spec(&fmt, &sp);
        if (!*fmt)
            break;
        convert(&o, &sp, *fmt++, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int KLIB(snprintf)(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = KLIB(vsnprintf)(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
