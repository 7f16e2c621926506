/* SPDX-License-Identifier: MIT */
/*
 * kvm_abi.h: the KVM guest paravirtual ABI the kvm backend uses.  Its one
 * source is the kernel's uapi: <linux/kvm_para.h> (hypercall numbers and
 * return codes) and the <asm/kvm_para.h> it includes (CPUID feature bit
 * numbers, the 0x4b564dxx MSRs, struct kvm_steal_time, the PV EOI bit),
 * from Debian's linux-libc-dev; Documentation/virt/kvm/x86/{cpuid,msr,
 * hypercalls}.rst describe them.  Guest code is -nostdinc, so
 * backends/kvm/meson.build gives it exactly these uapi folders (linux,
 * asm, asm-generic).  The pvclock structures, shared with Xen, are in
 * pvclock.h.
 */
#ifndef VMI_KVM_ABI_H
#define VMI_KVM_ABI_H

#include <stdint.h>

/* <linux/kvm_para.h> spells KVM_EFAULT and friends as errno names. */
#include <linux/errno.h>
#include <linux/kvm_para.h>

/* cpuid.rst: ebx, ecx, edx = KVM_SIGNATURE ("KVMKVMKVM\0\0\0") at the base
 * leaf (one of the hypervisor leaves, common/hvsig.h)... */
#define KVM_SIG_EBX 0x4b4d564bu
#define KVM_SIG_ECX 0x564b4d56u
#define KVM_SIG_EDX 0x0000004du
/* ...and the feature bits in eax, the hints in edx, one leaf above. */
#define KVM_CPUID_FEATURES_OFF (KVM_CPUID_FEATURES - KVM_CPUID_SIGNATURE)

_Static_assert(sizeof(struct kvm_steal_time) == 64, "kvm_steal_time size");
_Static_assert(__builtin_offsetof(struct kvm_steal_time, version) == 8,
               "kvm_steal_time.version");
_Static_assert(__builtin_offsetof(struct kvm_steal_time, preempted) == 16,
               "kvm_steal_time.preempted");

#endif
