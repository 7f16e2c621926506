/* SPDX-License-Identifier: MIT */
/*
 * kvm_hypercall.h: the choice of KVM hypercall instruction and the calls
 * the kvm backend makes.  ABI (Documentation/virt/kvm/x86/hypercalls.rst): RAX =
 * hypercall number, RBX, RCX, RDX, RSI = arguments a0..a3, result in RAX,
 * "no other registers will be clobbered"; only CPL0 may call.
 *
 * The instruction is Intel's VMCALL (0f 01 c1) or AMD's VMMCALL (0f 01
 * d9), chosen once at init from the CPU vendor (kvm_hc_choose): AMD and
 * Hygon get VMMCALL, as Linux decides (ALTERNATIVE on X86_FEATURE_VMMCALL
 * in arch/x86/include/asm/kvm_para.h; the flag is set for those two
 * vendors in arch/x86/kernel/cpu/amd.c and hygon.c).  KVM would otherwise
 * rewrite the other vendor's instruction in guest memory ("The hypervisor
 * can replace it with instructions that are guaranteed to be supported",
 * hypercalls.rst), and on our read-only kernel text that write faults.
 *
 * On kvm-pvm VMCALL never reaches KVM (it livelocks), so the backend
 * issues hypercalls only for features CPUID advertises; the monitor hides
 * them (docs/hosts.md [host:kvm-pvm]).
 */
#ifndef VMI_KVM_HYPERCALL_H
#define VMI_KVM_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <kvm_insn.h>

#include "vmi/types.h"
#include "kvm_abi.h"

/* True: hypercalls use VMMCALL.  Set by kvm_hc_choose(). */
extern bool kvm_hc_vmmcall;

/* Choose the instruction from the CPUID.0 vendor string; call before the
 * first hypercall. */
void kvm_hc_choose(void);

/* Hypercall numbers and return codes: KVM_HC_* and KVM_E* of
 * <linux/kvm_para.h> (kvm_abi.h). */

/* SEND_IPI covers APIC IDs min .. min + 127: a0 bit n is min + n, a1 bit
 * n is min + 64 + n (hypercalls.rst; Linux KVM_IPI_CLUSTER_SIZE). */
#define KVM_IPI_CLUSTER 128

/* One four-argument call with the chosen instruction (kvm_insn.h). */
static inline long kvm_hypercall4(unsigned long nr, unsigned long a0,
                                  unsigned long a1, unsigned long a2,
                                  unsigned long a3)
{
    return kvm_hypercall_insn(kvm_hc_vmmcall, nr, a0, a1, a2, a3);
}

/* The one translation of KVM's return codes (ret >= 0 is success). */
vmi_status_t kvm_status(long ret);

/* The calls, each returning kvm_status() of its result. */
vmi_status_t kvm_hc_kick_cpu(uint32_t apic_id);
vmi_status_t kvm_hc_send_ipi(uint64_t lo, uint64_t hi, uint32_t min,
                             uint32_t icr);
vmi_status_t kvm_hc_sched_yield(uint32_t apic_id);

#endif
