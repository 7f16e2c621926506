/* SPDX-License-Identifier: MIT */
/*
 * common.h: small freestanding helpers of backends/common (the kernel has
 * its own printf; these exist only for the backend's few messages).
 * vmi_panic() and vmi_bug() are declared in vmi.h, vmi_refuse() in power.h.
 */
#ifndef VMI_COMMON_COMMON_H
#define VMI_COMMON_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Length of the NUL-terminated (s); NULL counts as "". */
size_t vmi_strlen(const char *s);

/* Write (v) in (base) 10 or 16 (lower case, no prefix) into (buf), which
 * has room for 21 bytes; NUL-terminates.  Returns the digit count. */
size_t vmi_fmt_u64(char *buf, uint64_t v, unsigned base);

#endif
