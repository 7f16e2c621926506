/* SPDX-License-Identifier: MIT */
/*
 * kvm_insn.h: the one unprivileged instruction the kvm backend needs that
 * backends/common/insn.h lacks.  It runs unchanged in the host unit
 * tests.  Candidate for insn.h once another backend needs it.
 */
#ifndef VMI_KVM_INSN_H
#define VMI_KVM_INSN_H

#include <stdbool.h>
#include <stdint.h>

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
