/* SPDX-License-Identifier: MIT */
/*
 * kvm_hypercall.h: the KVM hypercall instruction and the calls the kvm
 * backend makes.  ABI (Documentation/virt/kvm/x86/hypercalls.rst): RAX =
 * hypercall number, RBX, RCX, RDX, RSI = arguments a0..a3, result in RAX,
 * "no other registers will be clobbered"; only CPL0 may call.
 *
 * The instruction is Intel's VMCALL (0f 01 c1), what our hosts expect.
 * AMD's is VMMCALL (0f 01 d9); KVM rewrites whichever one the guest uses
 * into the host's own ("The hypervisor can replace it with instructions
 * that are guaranteed to be supported", hypercalls.rst), and Linux picks
 * one with ALTERNATIVE (arch/x86/include/asm/kvm_para.h).
 *
 * Host unit tests build the backend with KVM_HYPERCALL_INSN = "ud2": the
 * same asm, with its register assignment, traps into the test's SIGILL
 * handler, which records RAX/RBX/RCX/RDX/RSI and sets RAX
 * (tests/unit/test_kvm_trap.h).
 *
 * This host (kvm-pvm): VMCALL never reaches KVM (it livelocks), so the
 * backend issues hypercalls only for features CPUID advertises; the
 * monitor hides them (ABI.md section 0).
 */
#ifndef VMI_KVM_HYPERCALL_H
#define VMI_KVM_HYPERCALL_H

#include <stdint.h>

#include "vmi/types.h"

/* The guest's instruction; the host tests assemble it to check the
 * bytes (0f 01 c1) and replace KVM_HYPERCALL_INSN to run the asm. */
#define KVM_HYPERCALL_GUEST_INSN "vmcall"
#ifndef KVM_HYPERCALL_INSN
#define KVM_HYPERCALL_INSN KVM_HYPERCALL_GUEST_INSN
#endif

/* Hypercall numbers (uapi linux/kvm_para.h; hypercalls.rst). */
#define KVM_HC_KICK_CPU 5       /* a0 = flags (0), a1 = APIC ID to wake */
#define KVM_HC_SEND_IPI 10      /* a0/a1 = bitmap, a2 = min APIC ID, a3 = ICR */
#define KVM_HC_SCHED_YIELD 11   /* a0 = APIC ID to yield to */

/* Return codes: the negated values (uapi linux/kvm_para.h; KVM_EFAULT,
 * KVM_EINVAL, KVM_E2BIG, KVM_EPERM are the Linux errno values). */
#define KVM_ENOSYS 1000
#define KVM_EFAULT 14
#define KVM_EINVAL 22
#define KVM_E2BIG 7
#define KVM_EPERM 1
#define KVM_EOPNOTSUPP 95

/* SEND_IPI covers APIC IDs min .. min + 127: a0 bit n is min + n, a1 bit
 * n is min + 64 + n (hypercalls.rst; Linux KVM_IPI_CLUSTER_SIZE). */
#define KVM_IPI_CLUSTER 128

static inline long kvm_hypercall4(unsigned long nr, unsigned long a0,
                                  unsigned long a1, unsigned long a2,
                                  unsigned long a3)
{
    long ret;
    __asm__ __volatile__(KVM_HYPERCALL_INSN
                         : "=a"(ret)
                         : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
                         : "memory");
    return ret;
}

/* The one translation of KVM's return codes (ret >= 0 is success). */
vmi_status_t kvm_status(long ret);

/* The calls, each returning kvm_status() of its result. */
vmi_status_t kvm_hc_kick_cpu(uint32_t apic_id);
vmi_status_t kvm_hc_send_ipi(uint64_t lo, uint64_t hi, uint32_t min,
                             uint32_t icr);
vmi_status_t kvm_hc_sched_yield(uint32_t apic_id);

#endif
