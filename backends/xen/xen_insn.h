/* SPDX-License-Identifier: MIT */
/*
 * xen_insn.h: the one instruction sequence of the xen backend, a call
 * into the hypercall page.  Xen's x86-64 ABI
 * (public/arch-x86/xen-x86_64.h; XTF hypercall-x86_64.h):
 * `call hypercall_page + 32 * nr`, arguments in RDI, RSI, RDX, R10, R8,
 * result in RAX; Xen may clobber the argument registers, so they are
 * in/out operands here.  Under vmi-run the stub is
 * `mov $nr,%eax; out %al,$0xe0; ret`, on Xen it is VMCALL/VMMCALL: the
 * backend cannot tell, which is the point of the page.
 *
 * Guest only: backend files include it as <xen_insn.h>, and the host
 * unit tests put tests/unit/mock/xen_insn.h, which records each call,
 * first on the include path (docs/ARCHITECTURE.md "Testing seams").
 */
#ifndef VMI_XEN_INSN_H
#define VMI_XEN_INSN_H

#include <stdint.h>

#define XEN_STUB_SIZE 32        /* bytes per hypercall-page stub */

extern uint8_t xen_hypercall_page[4096];
static inline long xen_hypercall(unsigned nr, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;
    /* -mno-red-zone makes a call from inline asm safe. */
    __asm__ __volatile__("call *%[stub]"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
                           "+r"(r10), "+r"(r8)
                         : [stub] "r"(xen_hypercall_page + nr * XEN_STUB_SIZE)
                         : "memory", "cc");
    return ret;
}

#endif
