/* SPDX-License-Identifier: MIT */
/*
 * kvm_guest_insn.c: the guest's kvm_insn.h (backends/kvm, not the mock)
 * on the host.  Both instructions are first assembled as they are, for
 * their bytes; then two assembler macros named `vmcall` and `vmmcall`
 * (GNU as expands a macro before it looks for an instruction of that
 * name) make every later use a call to a recorder, which stores RAX, RBX,
 * RCX, RDX and RSI, sets RAX and returns: the guest header's own asm and
 * register constraints run unchanged.  Built with -mno-red-zone, as the
 * guest is, so that a call from inline asm cannot overwrite the
 * caller's data below the stack pointer, and -fno-toplevel-reorder, so
 * that the macros come before the functions that use them.
 */
#include <kvm_insn.h>

#include "kvm_guest_insn.h"

__attribute__((visibility("hidden"))) struct kvm_guest_regs kvm_guest_regs;

__asm__(".pushsection .rodata\n"
        "kvm_guest_vmcall_bytes: " KVM_INSN_VMCALL "\n"
        "kvm_guest_vmmcall_bytes: " KVM_INSN_VMMCALL "\n"
        "kvm_guest_insn_end:\n"
        ".globl kvm_guest_vmcall_bytes, kvm_guest_vmmcall_bytes\n"
        ".globl kvm_guest_insn_end\n"
        ".popsection\n"
        ".macro vmcall\n call kvm_guest_rec_vmcall\n.endm\n"
        ".macro vmmcall\n call kvm_guest_rec_vmmcall\n.endm\n"
        ".pushsection .text\n"
        "kvm_guest_rec_vmcall:\n"
        " movl $1, kvm_guest_regs+40(%rip)\n"
        " jmp kvm_guest_rec\n"
        "kvm_guest_rec_vmmcall:\n"
        " movl $2, kvm_guest_regs+40(%rip)\n"
        "kvm_guest_rec:\n"
        " movq %rax, kvm_guest_regs+0(%rip)\n"
        " movq %rbx, kvm_guest_regs+8(%rip)\n"
        " movq %rcx, kvm_guest_regs+16(%rip)\n"
        " movq %rdx, kvm_guest_regs+24(%rip)\n"
        " movq %rsi, kvm_guest_regs+32(%rip)\n"
        " movq kvm_guest_regs+48(%rip), %rax\n"
        " ret\n"
        ".popsection");

_Static_assert(__builtin_offsetof(struct kvm_guest_regs, insn) == 40 &&
               __builtin_offsetof(struct kvm_guest_regs, ret) == 48,
               "the recorder's offsets");

long kvm_guest_vmcall4(unsigned long nr, unsigned long a0, unsigned long a1,
                       unsigned long a2, unsigned long a3)
{
    return kvm_hypercall_insn(false, nr, a0, a1, a2, a3);
}

long kvm_guest_vmmcall4(unsigned long nr, unsigned long a0, unsigned long a1,
                        unsigned long a2, unsigned long a3)
{
    return kvm_hypercall_insn(true, nr, a0, a1, a2, a3);
}
