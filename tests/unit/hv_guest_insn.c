/* SPDX-License-Identifier: MIT */
/*
 * hv_guest_insn.c: the guest's hv_insn.h (backends/hyperv, not the mock)
 * on the host, calling a stand-in for the hypercall page.  The page is
 * code the hypervisor writes and the guest `call`s; the TLFS describes
 * it in terms of the Microsoft x64 calling convention ("the volatile XMM
 * registers", [T: hypercall-interface]), under which RAX, RCX, RDX and
 * R8-R11 are volatile, and Linux's hv_do_hypercall
 * (arch/x86/include/asm/mshyperv.h) lists R8-R11 as clobbered.  So the
 * stand-in records RCX, RDX and R8, then overwrites R8-R11, RCX and RDX
 * before it returns hv_guest_regs.ret in RAX.  Built with -mno-red-zone,
 * as the guest is (a call from inline asm must not overwrite the
 * caller's data below the stack pointer).
 */
#include <hv_insn.h>

#include "hv_guest_insn.h"

__attribute__((visibility("hidden"))) struct hv_guest_regs hv_guest_regs;

/* Hidden: referenced from this object's asm only. */
extern const uint8_t hv_guest_page[] __attribute__((visibility("hidden")));

__asm__(".pushsection .text\n"
        ".balign 16\n"
        "hv_guest_page:\n"
        " movq %rcx, hv_guest_regs+0(%rip)\n"
        " movq %rdx, hv_guest_regs+8(%rip)\n"
        " movq %r8, hv_guest_regs+16(%rip)\n"
        " movq $-1, %rcx\n"
        " movq $-1, %rdx\n"
        " movq $-1, %r8\n"
        " movq $-1, %r9\n"
        " movq $-1, %r10\n"
        " movq $-1, %r11\n"
        " movq hv_guest_regs+24(%rip), %rax\n"
        " ret\n"
        ".popsection");

_Static_assert(__builtin_offsetof(struct hv_guest_regs, ret) == 24,
               "the stand-in page's offsets");

/* Twelve values the caller needs after the call: more than the eight
 * callee-saved registers (RBX, RBP, R12-R15) and RSI, RDI can hold, so
 * the compiler puts some in R9-R11 unless the asm says the call
 * destroys them (objdump shows which). */
#define HV_GUEST_NKEEP 12
static volatile uint64_t hv_guest_keep[HV_GUEST_NKEEP] = {
    0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006,
    0x1007, 0x1008, 0x1009, 0x100a, 0x100b, 0x100c,
};

uint64_t hv_guest_hcall(uint64_t control, uint64_t in, uint64_t out,
                        int *kept)
{
    /* Scalars, not an array: each may live in a register. */
#define K(i) uint64_t v##i = hv_guest_keep[i];
    K(0) K(1) K(2) K(3) K(4) K(5) K(6) K(7) K(8) K(9) K(10) K(11)
#undef K
    uint64_t r = hv_hcall_insn(hv_guest_page, control, in, out);
#define K(i) (v##i == hv_guest_keep[i]) &
    *kept = K(0) K(1) K(2) K(3) K(4) K(5) K(6) K(7) K(8) K(9) K(10) K(11) 1;
#undef K
    return r;
}
