/* SPDX-License-Identifier: MIT */
/* kvm_hypercall.c: KVM's return codes and the hypercalls of the kvm
 * backend (see kvm_hypercall.h). */
#include <insn.h>

#include "kvm_hypercall.h"

/* CPUID.0 vendor strings in (ebx, edx, ecx) order (Intel SDM vol. 2A and
 * AMD APM vol. 3, CPUID Fn0000_0000). */
#define VENDOR_IS(r, b, d, c) ((r).ebx == (b) && (r).edx == (d) && (r).ecx == (c))
#define AMD_EBX 0x68747541u     /* "Auth" "enti" "cAMD" */
#define AMD_EDX 0x69746e65u
#define AMD_ECX 0x444d4163u
#define HYGON_EBX 0x6f677948u   /* "Hygo" "nGen" "uine" */
#define HYGON_EDX 0x6e65476eu
#define HYGON_ECX 0x656e6975u

bool kvm_hc_vmmcall;

void kvm_hc_choose(void)
{
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
    kvm_hc_vmmcall = VENDOR_IS(r, AMD_EBX, AMD_EDX, AMD_ECX) ||
                     VENDOR_IS(r, HYGON_EBX, HYGON_EDX, HYGON_ECX);
}

vmi_status_t kvm_status(long ret)
{
    if (ret >= 0)
        return VMI_OK;
    switch (-ret) {
    case KVM_ENOSYS:        /* unknown number, or the feature is off */
    case KVM_EOPNOTSUPP:    /* e.g. CLOCK_PAIRING without a TSC host clock */
    case KVM_EPERM:         /* not CPL0: the call is not ours to make */
        return VMI_ENOSYS;
    case KVM_EFAULT:        /* a guest address the host could not use */
        return VMI_EFAULT;
    case KVM_EINVAL:
    case KVM_E2BIG:
    default:                /* nothing else is documented: a bad call */
        return VMI_EINVAL;
    }
}

vmi_status_t kvm_hc_kick_cpu(uint32_t apic_id)
{
    /* hypercalls.rst KVM_HC_KICK_CPU: a0 is reserved flags, must be 0. */
    return kvm_status(kvm_hypercall4(KVM_HC_KICK_CPU, 0, apic_id, 0, 0));
}

vmi_status_t kvm_hc_send_ipi(uint64_t lo, uint64_t hi, uint32_t min,
                             uint32_t icr)
{
    /* Returns the number of CPUs the IPI was delivered to, or -errno. */
    return kvm_status(kvm_hypercall4(KVM_HC_SEND_IPI, lo, hi, min, icr));
}

vmi_status_t kvm_hc_sched_yield(uint32_t apic_id)
{
    return kvm_status(kvm_hypercall4(KVM_HC_SCHED_YIELD, apic_id, 0, 0, 0));
}
