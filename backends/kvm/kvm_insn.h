/* SPDX-License-Identifier: MIT */
/*
 * kvm_insn.h: the instructions of the kvm backend that backends/common/
 * insn.h lacks: the two hypercall instructions and one atomic bit clear.
 *
 * Guest only: backend files include it as <kvm_insn.h>, and the host unit
 * tests put tests/unit/mock/kvm_insn.h, which records each hypercall,
 * first on the include path (docs/ARCHITECTURE.md "Testing seams").
 * tests/unit/kvm_guest_insn.c runs this header's hypercall asm on the
 * host to check its bytes and registers.
 */
#ifndef VMI_KVM_INSN_H
#define VMI_KVM_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Intel's VMCALL (0f 01 c1) and AMD's VMMCALL (0f 01 d9); which one is
 * kvm_hypercall.h's choice. */
#define KVM_INSN_VMCALL "vmcall"
#define KVM_INSN_VMMCALL "vmmcall"

/* The operands of a four-argument call (Documentation/virt/kvm/x86/
 * hypercalls.rst): RAX = nr, RBX, RCX, RDX, RSI = a0..a3, the result in
 * RAX, "no other registers will be clobbered"; memory, which the host
 * may read and write. */
#define KVM_HC4_OPERANDS(ret, nr, a0, a1, a2, a3)                          \
    : "=a"(ret)                                                            \
    : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)                          \
    : "memory"

/* One four-argument call with VMMCALL (vmmcall) or VMCALL. */
static inline long kvm_hypercall_insn(bool vmmcall, unsigned long nr,
                                      unsigned long a0, unsigned long a1,
                                      unsigned long a2, unsigned long a3)
{
    long ret;
    if (vmmcall)
        __asm__ __volatile__(KVM_INSN_VMMCALL
                             KVM_HC4_OPERANDS(ret, nr, a0, a1, a2, a3));
    else
        __asm__ __volatile__(KVM_INSN_VMCALL
                             KVM_HC4_OPERANDS(ret, nr, a0, a1, a2, a3));
    return ret;
}

/* Atomically clear bit (bit) of (*word) and return its old value, in one
 * instruction (LOCK BTR, Intel SDM Vol. 2A "BTR"; the old bit is CF).
 * The PV EOI protocol needs the read and the clear to be one instruction
 * (Documentation/virt/kvm/x86/msr.rst, MSR_KVM_PV_EOI_EN). */
static inline bool test_and_clear_bit32(volatile uint32_t *word, unsigned bit)
{
    bool old;
    __asm__ __volatile__("lock btrl %2, %0"
                         : "+m"(*word), "=@ccc"(old)
                         : "Ir"(bit)
                         : "memory");
    return old;
}

#endif
