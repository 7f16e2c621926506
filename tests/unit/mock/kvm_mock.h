/* SPDX-License-Identifier: MIT */
/*
 * kvm_mock.h: the mocked hypercall instructions behind
 * tests/unit/mock/kvm_insn.h, for the kvm backend's host build: every
 * hypercall is recorded with its instruction, number and arguments and
 * answered with kvm_mock.ret.
 */
#ifndef VMI_KVM_MOCK_H
#define VMI_KVM_MOCK_H

#include <stdint.h>

#define KVM_MOCK_MAX 16

enum kvm_mock_insn { KVM_MOCK_VMCALL = 1, KVM_MOCK_VMMCALL };

struct kvm_mock_call {
    uint64_t nr, a0, a1, a2, a3;
    enum kvm_mock_insn insn;
};

struct kvm_mock {
    struct kvm_mock_call call[KVM_MOCK_MAX];
    unsigned n;
    long ret;           /* what the "host" answers */
};

extern struct kvm_mock kvm_mock;

/* Forget the recorded calls and answer (ret) from now on. */
void kvm_mock_reset(long ret);

/* The implementation behind kvm_insn.h: record, then answer; aborts
 * after KVM_MOCK_MAX calls (a runaway loop). */
long kvm_mock_hypercall(enum kvm_mock_insn insn, unsigned long nr,
                        unsigned long a0, unsigned long a1,
                        unsigned long a2, unsigned long a3);

#endif
