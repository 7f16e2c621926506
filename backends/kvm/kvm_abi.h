/* SPDX-License-Identifier: MIT */
/*
 * kvm_abi.h: the KVM guest paravirtual ABI the kvm backend uses: CPUID
 * leaves and feature bits, the 0x4b564dxx MSRs and the steal-time area.
 * Values are Linux's uapi asm/kvm_para.h (checked against the local
 * /usr/include/x86_64-linux-gnu/asm/kvm_para.h, 6.1) and
 * Documentation/virt/kvm/x86/{cpuid,msr}.rst.  The pvclock structures,
 * shared with Xen, are in pvclock.h; hypercalls in kvm_hypercall.h.
 */
#ifndef VMI_KVM_ABI_H
#define VMI_KVM_ABI_H

#include <stdint.h>

/* cpuid.rst: ebx, ecx, edx = "KVMKVMKVM\0\0\0" at the base leaf (one of
 * the hypervisor leaves, common/hvsig.h)... */
#define KVM_SIG_EBX 0x4b4d564bu
#define KVM_SIG_ECX 0x564b4d56u
#define KVM_SIG_EDX 0x0000004du
/* ...and the feature bits in eax, the hints in edx, at base + 1. */
#define KVM_CPUID_FEATURES_OFF 1u

/* CPUID base+1 eax bits (cpuid.rst; asm/kvm_para.h KVM_FEATURE_*). */
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define KVM_FEATURE_STEAL_TIME (1u << 5)
#define KVM_FEATURE_PV_EOI (1u << 6)
#define KVM_FEATURE_PV_UNHALT (1u << 7)
#define KVM_FEATURE_PV_TLB_FLUSH (1u << 9)
#define KVM_FEATURE_PV_SEND_IPI (1u << 11)
#define KVM_FEATURE_PV_SCHED_YIELD (1u << 13)
/* pvclock flags bit 0 (PVCLOCK_TSC_STABLE_BIT) is meaningful. */
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (1u << 24)
/* CPUID base+1 edx: vCPUs are never preempted (cpuid.rst). */
#define KVM_HINTS_REALTIME (1u << 0)

/* MSRs (msr.rst; asm/kvm_para.h).  Bit 0 of each address is "enable". */
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u  /* 4-byte aligned pvclock_wall_clock */
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u /* 4-byte aligned pvclock_vcpu_time_info */
#define MSR_KVM_STEAL_TIME 0x4b564d03u      /* 64-byte aligned, zeroed kvm_steal_time */
#define MSR_KVM_PV_EOI_EN 0x4b564d04u       /* 4-byte aligned, zeroed u32 */
#define KVM_MSR_ENABLED 1u

/* The PV EOI word: bit 0 set by the host when it injected an interrupt
 * whose EOI the guest may skip (msr.rst, MSR_KVM_PV_EOI_EN). */
#define KVM_PV_EOI_BIT 0

/* struct kvm_steal_time (asm/kvm_para.h; msr.rst MSR_KVM_STEAL_TIME). */
struct kvm_steal_time {
    uint64_t steal;         /* ns this vCPU was runnable but not running */
    uint32_t version;       /* odd while the host updates */
    uint32_t flags;
    uint8_t preempted;      /* KVM_VCPU_* */
    uint8_t u8_pad[3];
    uint32_t pad[11];
};

#define KVM_VCPU_PREEMPTED (1u << 0)    /* the vCPU is not running now */
#define KVM_VCPU_FLUSH_TLB (1u << 1)    /* flush its TLB before it runs */

_Static_assert(sizeof(struct kvm_steal_time) == 64, "kvm_steal_time size");
_Static_assert(__builtin_offsetof(struct kvm_steal_time, version) == 8,
               "kvm_steal_time.version");
_Static_assert(__builtin_offsetof(struct kvm_steal_time, preempted) == 16,
               "kvm_steal_time.preempted");

#endif
