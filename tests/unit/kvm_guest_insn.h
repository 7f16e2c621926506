/* SPDX-License-Identifier: MIT */
/*
 * kvm_guest_insn.h: the kvm backend's own hypercall asm
 * (backends/kvm/kvm_insn.h), built for the host by kvm_guest_insn.c: the
 * bytes its two instructions assemble to, and the two calls, run with
 * each instruction turned into a call to a recorder of the registers.
 */
#ifndef TEST_KVM_GUEST_INSN_H
#define TEST_KVM_GUEST_INSN_H

#include <stdint.h>

/* What the last guest hypercall found in its registers. */
struct kvm_guest_regs {
    uint64_t rax, rbx, rcx, rdx, rsi;
    uint32_t insn;      /* 1: VMCALL, 2: VMMCALL */
    int64_t ret;        /* what it answers in RAX */
};
extern struct kvm_guest_regs kvm_guest_regs;

/* KVM_INSN_VMCALL, KVM_INSN_VMMCALL, assembled one after the other. */
extern const uint8_t kvm_guest_vmcall_bytes[], kvm_guest_vmmcall_bytes[],
    kvm_guest_insn_end[];

/* kvm_hypercall_insn() of the guest header, with either instruction. */
long kvm_guest_vmcall4(unsigned long nr, unsigned long a0, unsigned long a1,
                       unsigned long a2, unsigned long a3);
long kvm_guest_vmmcall4(unsigned long nr, unsigned long a0, unsigned long a1,
                        unsigned long a2, unsigned long a3);

#endif
