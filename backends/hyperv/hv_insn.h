/* SPDX-License-Identifier: MIT */
/*
 * hv_insn.h: the one instruction sequence of the hyperv backend, a call
 * into the hypercall page with the TLFS registers [T: hypercall-interface]
 * (x64): RCX = input value, RDX = input GPA (fast: argument 1), R8 =
 * output GPA (fast: argument 2), the result value in RAX.  The page is
 * called under the Microsoft x64 calling convention (the TLFS speaks of
 * "the volatile XMM registers"), so RCX, RDX and R8-R11 count as
 * clobbered, as in Linux's hv_do_hypercall
 * (arch/x86/include/asm/mshyperv.h).  The kernel is built without SSE,
 * and no call here asks for XMM input or output.
 *
 * Guest only: backend files include it as <hv_insn.h>, and the host unit
 * tests put tests/unit/mock/hv_insn.h, whose call goes to the test's
 * handler, first on the include path (docs/ARCHITECTURE.md "Testing
 * seams").
 */
#ifndef VMI_HV_INSN_H
#define VMI_HV_INSN_H

#include <stdint.h>

static inline uint64_t hv_hcall_insn(const void *page, uint64_t control,
                                     uint64_t in, uint64_t out)
{
    uint64_t result;
    register uint64_t r8 __asm__("r8") = out;
    /* -mno-red-zone makes a call from inline asm safe. */
    __asm__ __volatile__("call *%[page]"
                         : "=a"(result), "+c"(control), "+d"(in), "+r"(r8)
                         : [page] "r"(page)
                         : "memory", "cc", "r9", "r10", "r11");
    return result;
}

#endif
