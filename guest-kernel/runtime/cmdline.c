/* SPDX-License-Identifier: MIT */
/* cmdline.c: words of the kernel command line (kernel layer, runtime). */
#include "klib.h"
#include "runtime.h"

const char *cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
    size_t klen = strlen(key);

    for (const char *p = cmdline; *p;) {
        const char *end = strchr(p, ' ');
        size_t wlen = end ? (size_t)(end - p) : strlen(p);

        if (wlen >= klen && !strncmp(p, key, klen) && (wlen == klen || p[klen] == '=')) {
            const char *v = wlen > klen ? p + klen + 1 : p + wlen;
            size_t n = (size_t)(p + wlen - v);

            n = n < len - 1 ? n : len - 1;
            memcpy(val, v, n);
            val[n] = '\0';
            return val;
        }
        p += wlen;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

unsigned parse_uint(const char *s)
{
    unsigned v = 0;

    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned)(*s - '0');
    return v;
}
