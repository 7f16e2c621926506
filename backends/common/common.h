/* SPDX-License-Identifier: MIT */
/*
 * common.h: small freestanding helpers of backends/common (the kernel has
 * its own printf; these exist only for the backends' few messages and
 * info strings).
 * vmi_panic() and vmi_bug() are declared in vmi.h, vmi_refuse() in power.h.
 */
#ifndef VMI_COMMON_COMMON_H
#define VMI_COMMON_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Physical addresses below this are identity-mapped when the backend
 * runs (vmi/boot.h: the first 4 GiB); a device above it (a framebuffer,
 * an HPET, a memory-space PM timer) cannot be reached and is not used. */
#define VMI_IDENTITY_MAPPED_END (4ull << 30)

/* Length of the NUL-terminated (s); NULL counts as "". */
size_t vmi_strlen(const char *s);

/* Write (v) in (base) 10 or 16 (lower case, no prefix) into (buf), which
 * has room for 21 bytes; NUL-terminates.  Returns the digit count. */
size_t vmi_fmt_u64(char *buf, uint64_t v, unsigned base);

/* Append (s) to the string of length (*n) in (buf) of (size) >= 1 bytes,
 * as much as fits with its NUL; (*n) becomes the new length. */
void vmi_append(char *buf, size_t size, size_t *n, const char *s);

/* Append "<major>.<minor>" of (version) = major << 16 | minor, the form
 * of both Xen's (XENVER_version) and Hyper-V's (CPUID 0x40000002.ebx)
 * version words, as vmi_append does. */
void vmi_append_version(char *buf, size_t size, size_t *n, uint32_t version);

#endif
