/* SPDX-License-Identifier: MIT */
/*
 * kvm_insn.h (mock): the host-test replacement of backends/kvm/kvm_insn.h.
 * The same functions: the hypercall goes to kvm_mock_hypercall()
 * (kvm_mock.h), which records it; the bit clear is the compiler's atomic.
 */
#ifndef VMI_KVM_INSN_H
#define VMI_KVM_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm_mock.h"

static inline long kvm_hypercall_insn(bool vmmcall, unsigned long nr,
                                      unsigned long a0, unsigned long a1,
                                      unsigned long a2, unsigned long a3)
{
    return kvm_mock_hypercall(vmmcall ? KVM_MOCK_VMMCALL : KVM_MOCK_VMCALL,
                              nr, a0, a1, a2, a3);
}

static inline bool test_and_clear_bit32(volatile uint32_t *word, unsigned bit)
{
    return __atomic_fetch_and(word, ~(1u << bit), __ATOMIC_SEQ_CST) >> bit & 1;
}

#endif
